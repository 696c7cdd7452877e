import { add, matmul, reshape, t, type Variable, type VariableOrTensor } from '@torchlet/autograd';
import { fail, formatShape } from '@torchlet/tensor';
import { inputTensor } from '../layers/util.js';

/**
 * `input @ weight^T + bias` over the last dimension: the math of `Linear`, differentiable in all
 * three.
 *
 * Shapes: `input [*, in]`, `weight [out, in]`, `bias [out]` -> `[*, out]`.
 *
 * @param input - Features `[..., inFeatures]` (any number of leading dimensions).
 * @param weight - Weight `[outFeatures, inFeatures]`.
 * @param bias - Bias `[outFeatures]`, or `null` for none. Default `null`.
 * @returns The output `[..., outFeatures]`, differentiable in all three arguments.
 * @see torch.nn.functional.linear
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { linear } from '@torchlet/nn';
 * linear(tensor([[1, 1], [3, 2]]), tensor([[2, -1]]), tensor([0.5])).toArray(); // -> [[1.5], [4.5]]
 * ```
 */
export function linear(
  input: VariableOrTensor,
  weight: VariableOrTensor,
  bias: VariableOrTensor | null = null,
): Variable {
  const fn = 'linear';
  const shape = inputTensor(fn, input).shape;
  const w = inputTensor(fn, weight).shape;
  if (w.length !== 2) fail(fn, 'weight', `expected a 2-D weight [out, in], got weight ${formatShape(w)}`);
  if (shape.length === 0 || shape[shape.length - 1] !== w[1])
    fail(fn, 'input', `input ${formatShape(shape)} and weight ${formatShape(w)} disagree on the number of features`);
  if (bias !== null) {
    const b = inputTensor(fn, bias).shape;
    if (b.length !== 1 || b[0] !== w[0]) fail(fn, 'bias', `expected bias [${w[0]}], got bias ${formatShape(b)}`);
  }
  const lead = shape.slice(0, -1);
  const flat = shape.length === 2 ? input : reshape(input, [-1, w[1]]);
  let y = matmul(flat, t(weight));
  if (bias !== null) y = add(y, bias);
  return shape.length === 2 ? y : reshape(y, [...lead, w[0]]);
}
