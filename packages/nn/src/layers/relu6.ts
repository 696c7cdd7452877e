import { defineFunction, hardtanhBackward, type Variable } from '@torchlet/autograd';
import type { Tensor } from '@torchlet/tensor';
import { Module, type ModuleInput } from '../module.js';
import { inputTensor } from './util.js';

// PyTorch computes ReLU6 as hardtanh(x, 0, 6), whose gradient is 1 strictly inside (0, 6) and 0
// at the ends; autograd's clamp passes the gradient at the ends, so ReLU6 has its own rule.
const relu6Function = defineFunction({
  name: 'relu6',
  forward: (ctx, x: Tensor) => {
    ctx.saveForBackward(x);
    return x.clamp(0, 6);
  },
  // One pass (the ops kernel), differentiable again in g.
  backward: (ctx, g) => [hardtanhBackward(g, ctx.saved[0].data, 0, 6)],
});

/**
 * ReLU capped at 6, elementwise `min(max(x, 0), 6)`: MobileNetV2's activation. Gradient 1 strictly
 * inside `(0, 6)`, 0 elsewhere (PyTorch's `hardtanh` rule).
 *
 * Shapes: any; output as input.
 *
 * @see torch.nn.ReLU6
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { ReLU6 } from '@torchlet/nn';
 * new ReLU6().forward(tensor([-1, 3, 8])).toArray(); // -> [0, 3, 6]
 * new ReLU6().toString(); // -> 'ReLU6()'
 * ```
 */
export class ReLU6 extends Module {
  /**
   * `clamp(input, 0, 6)` elementwise.
   * @param input - A tensor or Variable of any shape (float32 or float64).
   * @returns A new Variable of the same shape and dtype, every element in [0, 6].
   */
  forward(input: ModuleInput): Variable {
    inputTensor('ReLU6', input);
    return relu6Function(input);
  }
}
