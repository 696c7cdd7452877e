import { isVariable, type Variable, variable } from '@torchlet/autograd';
import { Module, type ModuleInput } from '../module.js';
import { inputTensor } from './util.js';

/**
 * The identity: returns its input unchanged. A placeholder where a model's layer is optional
 * (a ResNet shortcut without downsampling), or to cut off a layer (`model.fc = new Identity()`
 * turns a classifier into a feature extractor).
 *
 * Shapes: any; output as input.
 *
 * @see torch.nn.Identity
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { Identity } from '@torchlet/nn';
 * new Identity().forward(tensor([1, 2])).toArray(); // -> [1, 2]
 * new Identity().toString(); // -> 'Identity()'
 * ```
 */
export class Identity extends Module {
  /**
   * `input` itself (wrapped as a Variable when it is a plain tensor).
   * @param input - Any tensor or Variable.
   * @returns `input`, as a Variable.
   */
  forward(input: ModuleInput): Variable {
    inputTensor('Identity', input);
    return isVariable(input) ? input : variable(input);
  }
}
