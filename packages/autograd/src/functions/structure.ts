import * as T from '@torchlet/tensor';
import { record } from '../graph.js';
import type { Variable, VariableOrTensor } from '../variable.js';
import { input, rawTensor } from './util.js';

/**
 * Reverses the order of elements along `dims`. Gradient: `g` flipped the same way.
 *
 * Shapes: same as the input.
 *
 * @param x - A Variable or tensor.
 * @param dims - The dimension or dimensions to reverse.
 * @returns A copy with the order of those dimensions reversed.
 * @see torch.flip
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { flip, variable } from '@torchlet/autograd';
 * const x = variable(tensor([1, 2, 3]), { requiresGrad: true });
 * flip(x, 0).backward(tensor([1, 2, 3]));
 * x.grad?.toArray(); // -> [3, 2, 1]
 * ```
 */
export function flip(x: VariableOrTensor, dims: number | readonly number[]): Variable {
  return record('flip', T.flip(rawTensor(x), dims), [input(x)], (g) => [flip(g, dims)], { attrs: { dims } });
}

/**
 * Rolls elements along `dims` by `shifts` (wrapping around; flattened when `dims` is omitted).
 * Gradient: `g` rolled back.
 *
 * Shapes: same as the input.
 *
 * @param x - A Variable or tensor.
 * @param shifts - How far to shift, one per dimension in `dims` (positive moves elements to higher indices).
 * @param dims - The dimensions to roll; omitted: `x` is flattened, rolled and reshaped back.
 * @returns A copy of `x` with elements shifted cyclically.
 * @see torch.roll
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { roll, variable } from '@torchlet/autograd';
 * const x = variable(tensor([1, 2, 3]), { requiresGrad: true });
 * roll(x, 1).toArray(); // -> [3, 1, 2]
 * roll(x, 1).backward(tensor([1, 2, 3]));
 * x.grad?.toArray(); // -> [2, 3, 1]
 * ```
 */
export function roll(
  x: VariableOrTensor,
  shifts: number | readonly number[],
  dims?: number | readonly number[],
): Variable {
  const out = T.roll(rawTensor(x), shifts, dims); // validates shifts and dims first
  const back = typeof shifts === 'number' ? -shifts : shifts.map((s) => -s);
  return record('roll', out, [input(x)], (g) => [roll(g, back, dims)]);
}

/**
 * Lower triangle (elements with `j - i <= diagonal`), the rest zero. Gradient: `tril(g)`.
 *
 * Shapes: `[..., m, n]` -> same.
 *
 * @param x - A matrix `[m, n]` or a batch `[..., m, n]`.
 * @param diagonal - Which diagonal to keep up to: `0` the main one, positive above, negative below. Default
 *   `0`.
 * @returns A copy with the elements above that diagonal zeroed.
 * @see torch.tril
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { tril, variable } from '@torchlet/autograd';
 * const x = variable(ones([2, 2]), { requiresGrad: true });
 * tril(x).sum().backward();
 * x.grad?.toArray(); // -> [[1, 0], [1, 1]]
 * ```
 */
export function tril(x: VariableOrTensor, diagonal = 0): Variable {
  return record('tril', T.tril(rawTensor(x), diagonal), [input(x)], (g) => [tril(g, diagonal)]);
}

/**
 * Upper triangle (elements with `j - i >= diagonal`), the rest zero. Gradient: `triu(g)`.
 *
 * Shapes: `[..., m, n]` -> same.
 *
 * @param x - A matrix `[m, n]` or a batch `[..., m, n]`.
 * @param diagonal - Which diagonal to keep from: `0` the main one, positive above, negative below. Default `0`.
 * @returns A copy with the elements below that diagonal zeroed.
 * @see torch.triu
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { triu, variable } from '@torchlet/autograd';
 * const x = variable(ones([2, 2]), { requiresGrad: true });
 * triu(x).sum().backward();
 * x.grad?.toArray(); // -> [[1, 1], [0, 1]]
 * ```
 */
export function triu(x: VariableOrTensor, diagonal = 0): Variable {
  return record('triu', T.triu(rawTensor(x), diagonal), [input(x)], (g) => [triu(g, diagonal)]);
}
