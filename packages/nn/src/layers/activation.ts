import { relu, sigmoid, tanh, type Variable } from '@torchlet/autograd';
import { Module, type ModuleInput } from '../module.js';
import { inputTensor } from './util.js';

/**
 * The rectified linear unit, elementwise `max(x, 0)` (gradient 0 at 0, as PyTorch).
 *
 * Shapes: any; output as input.
 *
 * @see torch.nn.ReLU
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { ReLU } from '@torchlet/nn';
 * new ReLU().forward(tensor([-1, 0, 2])).toArray(); // -> [0, 0, 2]
 * new ReLU().toString(); // -> 'ReLU()'
 * ```
 */
export class ReLU extends Module {
  /**
   * `max(input, 0)` elementwise.
   * @param input - A tensor or Variable of any shape (float32 or float64).
   * @returns A new Variable of the same shape and dtype.
   */
  forward(input: ModuleInput): Variable {
    inputTensor('ReLU', input);
    return relu(input);
  }
}

/**
 * The logistic sigmoid, elementwise `1 / (1 + exp(-x))`.
 *
 * Shapes: any; output as input.
 *
 * @see torch.nn.Sigmoid
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { Sigmoid } from '@torchlet/nn';
 * new Sigmoid().forward(tensor([0])).toArray(); // -> [0.5]
 * ```
 */
export class Sigmoid extends Module {
  /**
   * `1 / (1 + exp(-input))` elementwise.
   * @param input - A tensor or Variable of any shape (float32 or float64).
   * @returns A new Variable of the same shape and dtype, every element in (0, 1).
   */
  forward(input: ModuleInput): Variable {
    inputTensor('Sigmoid', input);
    return sigmoid(input);
  }
}

/**
 * The hyperbolic tangent, elementwise.
 *
 * Shapes: any; output as input.
 *
 * @see torch.nn.Tanh
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { Tanh } from '@torchlet/nn';
 * new Tanh().forward(tensor([0])).toArray(); // -> [0]
 * ```
 */
export class Tanh extends Module {
  /**
   * `tanh(input)` elementwise.
   * @param input - A tensor or Variable of any shape (float32 or float64).
   * @returns A new Variable of the same shape and dtype, every element in (-1, 1).
   */
  forward(input: ModuleInput): Variable {
    inputTensor('Tanh', input);
    return tanh(input);
  }
}
