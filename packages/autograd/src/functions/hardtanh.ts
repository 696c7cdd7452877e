import * as O from '@torchlet/ops';
import * as T from '@torchlet/tensor';
import { record } from '../graph.js';
import type { Variable, VariableOrTensor } from '../variable.js';
import { input, rawTensor } from './util.js';

/**
 * Differentiable `hardtanhBackward` (`@torchlet/ops`): the gradient of `hardtanh(input, minVal,
 * maxVal)`, `gradOutput` where `minVal < input < maxVal`, else 0 (zero at the bounds, where
 * `clamp`'s gradient passes; ReLU6's rule), in one pass. Linear in `gradOutput`, so it
 * differentiates again (its own gradient is itself); `input` gets no gradient (zero almost everywhere).
 *
 * Shapes: `gradOutput` and `input` of one shape -> that shape.
 *
 * @param gradOutput - The gradient of hardtanh's output.
 * @param input_ - hardtanh's input (`self` in PyTorch), the shape and dtype of `gradOutput`.
 * @param minVal - The lower bound.
 * @param maxVal - The upper bound, at least `minVal`.
 * @returns The gradient of the input, differentiable in `gradOutput`.
 * @see torch.ops.aten.hardtanh_backward
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { hardtanhBackward, variable } from '@torchlet/autograd';
 * const g = variable(tensor([1, 2, 3]), { requiresGrad: true });
 * const dx = hardtanhBackward(g, tensor([-1, 3, 6]), 0, 6);
 * dx.toArray(); // -> [0, 2, 0]
 * dx.sum().backward();
 * g.grad?.toArray(); // -> [0, 1, 0]
 * ```
 */
export function hardtanhBackward(
  gradOutput: VariableOrTensor,
  input_: VariableOrTensor,
  minVal: number,
  maxVal: number,
): Variable {
  const g = rawTensor(gradOutput);
  const x = rawTensor(input_);
  // The webgpu device has no fused kernel: the mask from comparisons.
  const out =
    g.device === 'webgpu' || x.device === 'webgpu'
      ? T.where(T.gt(x, minVal), T.where(T.lt(x, maxVal), g, 0), 0)
      : O.hardtanhBackward(g, x, minVal, maxVal);
  return record(
    'hardtanhBackward',
    out,
    [input(gradOutput), input(input_)],
    (G) => [hardtanhBackward(G, x, minVal, maxVal), null],
    { attrs: { minVal, maxVal } },
  );
}
