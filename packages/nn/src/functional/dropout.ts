import { isVariable, mul, type Variable, type VariableOrTensor, variable } from '@torchlet/autograd';
import { fail, formatShape, type Generator, rand } from '@torchlet/tensor';
import { inputTensor } from '../layers/util.js';

/**
 * Options of {@link dropout}.
 *
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { type DropoutFunctionOptions, dropout } from '@torchlet/nn';
 * const options: DropoutFunctionOptions = { p: 0.5, training: false };
 * dropout(ones([2]), options).toArray(); // -> [1, 1]
 * ```
 */
export interface DropoutFunctionOptions {
  /** Probability of zeroing an element. Default `0.5`. */
  readonly p?: number;
  /** Apply dropout (otherwise the identity). Default `true`, as PyTorch's `F.dropout`. */
  readonly training?: boolean;
  /** Draws the mask. Default: the default generator. */
  readonly generator?: Generator;
}

/**
 * Zeroes each element with probability `p` and scales the kept ones by `1 / (1 - p)` (in
 * training); the math of `Dropout`.
 *
 * Shapes: any; output as input.
 *
 * @param input - Any tensor or Variable (float32 or float64).
 * @param options - `p` (probability of zeroing, default `0.5`), `training` (default `true`) and `generator`;
 *   see {@link DropoutFunctionOptions}.
 * @returns A new Variable of the shape of `input`: kept elements scaled by `1 / (1 - p)`; when not training
 *   or `p` is 0, `input` itself (a tensor wrapped as a Variable).
 * @see torch.nn.functional.dropout
 * @example
 * ```ts
 * import { Generator, ones } from '@torchlet/tensor';
 * import { dropout } from '@torchlet/nn';
 * const y = dropout(ones([100]), { p: 0.5, generator: new Generator(0) });
 * Array.from(y.data.toTypedArray() as Float32Array).every((v) => v === 0 || v === 2); // -> true
 * ```
 */
export function dropout(input: VariableOrTensor, options: DropoutFunctionOptions = {}): Variable {
  const x = inputTensor('dropout', input);
  const p = options.p ?? 0.5;
  if (typeof p !== 'number' || !(p >= 0 && p <= 1))
    fail('dropout', 'p', `dropout probability has to be between 0 and 1, but got ${String(p)}`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64')
    fail('dropout', 'input', `expected a float input, got ${x.dtype} input ${formatShape(x.shape)}`);
  if (!(options.training ?? true) || p === 0) return isVariable(input) ? input : variable(input);
  if (p === 1) return mul(input, 0);
  // The mask is drawn on the CPU (the same generator on every device) and goes where the input is.
  const keep = rand(x.shape, { dtype: x.dtype, generator: options.generator, device: x.device }).lt(1 - p);
  return mul(input, keep.to(x.dtype).div(1 - p));
}
