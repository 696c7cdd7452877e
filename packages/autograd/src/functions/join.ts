import * as T from '@torchlet/tensor';
import { record } from '../graph.js';
import { Variable, type VariableOrTensor } from '../variable.js';
import { input, rawTensor } from './util.js';
import { narrow, squeeze } from './views.js';

/** Rejects a `tensors` argument that is not an array (before mapping over it). */
function checkList(fn: string, tensors: unknown): void {
  if (!Array.isArray(tensors)) T.fail(fn, 'tensors', `expected an array of tensors, got ${T.formatValue(tensors)}`);
}

/**
 * Concatenates along an existing dimension `dim`. Gradient: each input gets its slice of `g`.
 *
 * Shapes: `[...a, n1, ...b]`, `[...a, n2, ...b]` -> `[...a, n1 + n2, ...b]`.
 *
 * @param tensors - The Variables or tensors to join, all of one dtype and of equal shape except along `dim`.
 * @param dim - The dimension to join along (negative counts from the end). Default `0`.
 * @returns One Variable whose `dim` is the sum of the inputs' sizes there.
 * @see torch.cat
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { cat, variable } from '@torchlet/autograd';
 * const a = variable(tensor([1, 2]), { requiresGrad: true });
 * cat([a, tensor([3])]).backward(tensor([10, 20, 30]));
 * a.grad?.toArray(); // -> [10, 20]
 * ```
 */
export function cat(tensors: readonly VariableOrTensor[], dim = 0): Variable {
  checkList('cat', tensors);
  const raws = tensors.map(rawTensor);
  const out = T.cat(raws, dim);
  return record(
    'cat',
    out,
    tensors.map(input),
    (g, needs) => {
      // PyTorch skips 1-D empty inputs; they get an empty gradient.
      const kept = raws.find((r) => !(r.ndim === 1 && r.shape[0] === 0)) as T.Tensor;
      const d = T.normalizeDim('cat', dim, kept.ndim);
      let start = 0;
      return raws.map((r, i) => {
        if (r.ndim === 1 && r.shape[0] === 0 && kept.ndim !== 1)
          return needs[i] ? new Variable(T.zeros([0], { dtype: r.dtype })) : null;
        const size = r.shape[d];
        const slice = needs[i] ? narrow(g, d, start, size) : null;
        start += size;
        return slice;
      });
    },
    { attrs: { dim } },
  );
}

/**
 * Stacks equal-shaped tensors along a new dimension `dim`. Gradient: each input gets its slice of `g`.
 *
 * Shapes: `n x [...s]` -> `[...s[:dim], n, ...s[dim:]]`.
 *
 * @param tensors - The Variables or tensors to stack, all of one shape and dtype.
 * @param dim - Where the new dimension goes, in `[-ndim - 1, ndim]`. Default `0`.
 * @returns One Variable with a new dimension of size `tensors.length` at `dim`.
 * @see torch.stack
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { stack, variable } from '@torchlet/autograd';
 * const a = variable(tensor([1, 2]), { requiresGrad: true });
 * stack([a, a], 1).backward(tensor([[1, 2], [3, 4]]));
 * a.grad?.toArray(); // -> [3, 7]
 * ```
 */
export function stack(tensors: readonly VariableOrTensor[], dim = 0): Variable {
  checkList('stack', tensors);
  const raws = tensors.map(rawTensor);
  const out = T.stack(raws, dim);
  const d = T.normalizeDim('stack', dim, out.ndim);
  return record(
    'stack',
    out,
    tensors.map(input),
    (g, needs) => raws.map((_, i) => (needs[i] ? squeeze(narrow(g, d, i, 1), d) : null)),
    { attrs: { dim: d } },
  );
}

/**
 * Splits along `dim` into differentiable views: chunks of `splitSize` (the last smaller), or of
 * the given sizes. Each view's gradient flows back to its part of the input.
 *
 * Shapes: `[..., n, ...]` -> views `[..., s_i, ...]` with `sum(s_i) = n`.
 *
 * @param x - The Variable or tensor to split.
 * @param splitSize - The size of each piece (the last may be smaller), or the list of sizes, which must sum to
 *   the size of `dim`.
 * @param dim - The dimension to split along. Default `0`.
 * @returns The pieces, views of `x`.
 * @see torch.split
 * @example
 * ```ts
 * import { arange } from '@torchlet/tensor';
 * import { split, variable } from '@torchlet/autograd';
 * split(variable(arange(5)), 2).map((c) => c.toArray()); // -> [[0, 1], [2, 3], [4]]
 * ```
 */
export function split(x: VariableOrTensor, splitSize: number | readonly number[], dim = 0): Variable[] {
  const t = rawTensor(x);
  const parts = T.split(t, splitSize, dim);
  const d = T.normalizeDim('split', dim, t.ndim);
  let start = 0;
  return parts.map((p) => {
    const v = narrow(x, d, start, p.shape[d]);
    start += p.shape[d];
    return v;
  });
}

/**
 * Splits along `dim` into at most `chunks` differentiable views of size `ceil(n / chunks)`.
 *
 * Shapes: `[..., n, ...]` -> views `[..., ceil(n / chunks), ...]` and a smaller last one.
 *
 * @param x - The Variable or tensor to split.
 * @param chunks - How many pieces at most (each `ceil(size / chunks)` long, the last possibly shorter).
 * @param dim - The dimension to split along. Default `0`.
 * @returns The pieces, views of `x`.
 * @see torch.chunk
 * @example
 * ```ts
 * import { arange } from '@torchlet/tensor';
 * import { chunk, variable } from '@torchlet/autograd';
 * chunk(variable(arange(4)), 2).map((c) => c.shape); // -> [[2], [2]]
 * ```
 */
export function chunk(x: VariableOrTensor, chunks: number, dim = 0): Variable[] {
  const t = rawTensor(x);
  const parts = T.chunk(t, chunks, dim);
  const d = T.normalizeDim('chunk', dim, t.ndim);
  let start = 0;
  return parts.map((p) => {
    const v = narrow(x, d, start, p.shape[d]);
    start += p.shape[d];
    return v;
  });
}
