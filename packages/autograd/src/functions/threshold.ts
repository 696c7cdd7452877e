import * as O from '@torchlet/ops';
import { record } from '../graph.js';
import type { Variable, VariableOrTensor } from '../variable.js';
import { input, rawTensor } from './util.js';

/**
 * Differentiable `thresholdBackward` (`@torchlet/ops`, PyTorch's `threshold_backward`): `gradOutput`
 * where `input > threshold` (or `input` is NaN), else 0, in one pass. ReLU's gradient is this on
 * ReLU's output with threshold 0. Linear in `gradOutput`, so it differentiates again (its own
 * gradient is itself); `input` gets no gradient (zero almost everywhere).
 *
 * Shapes: `gradOutput` and `input` of one shape -> that shape.
 *
 * @param gradOutput - The gradient of the activation's output.
 * @param input_ - The values compared with the threshold (`self` in PyTorch), the shape and dtype of
 *   `gradOutput`.
 * @param threshold - The gradient passes where `input_ > threshold`.
 * @returns The gradient of the input, differentiable in `gradOutput`.
 * @see torch.ops.aten.threshold_backward
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { thresholdBackward, variable } from '@torchlet/autograd';
 * const g = variable(tensor([1, 2, 3]), { requiresGrad: true });
 * const dx = thresholdBackward(g, tensor([-1, 3, 0]), 0);
 * dx.toArray(); // -> [0, 2, 0]
 * dx.sum().backward();
 * g.grad?.toArray(); // -> [0, 1, 0]
 * ```
 */
export function thresholdBackward(gradOutput: VariableOrTensor, input_: VariableOrTensor, threshold: number): Variable {
  const x = rawTensor(input_);
  return record(
    'thresholdBackward',
    O.thresholdBackward(rawTensor(gradOutput), x, threshold),
    [input(gradOutput), input(input_)],
    (G) => [thresholdBackward(G, x, threshold), null],
    { attrs: { threshold } },
  );
}
