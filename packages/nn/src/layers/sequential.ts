import { isVariable, type Variable, variable } from '@torchlet/autograd';
import { fail } from '@torchlet/tensor';
import { isModule, Module, type ModuleInput } from '../module.js';

/**
 * A chain of layers applied in order; the children are named `'0'`, `'1'`, ... as in PyTorch, so
 * parameter names read `0.weight`, `3.bias`.
 *
 * Shapes: input as the first layer takes; output as the last layer gives.
 *
 * @see torch.nn.Sequential
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { Conv2d, ReLU, Sequential } from '@torchlet/nn';
 * const net = new Sequential(new Conv2d(1, 6, 5, { padding: 2 }), new ReLU());
 * net.toString();
 * // -> 'Sequential(\n  (0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))\n  (1): ReLU()\n)'
 * net.namedParameters().map(([name]) => name); // -> ['0.weight', '0.bias']
 * net.forward(zeros([1, 1, 8, 8])).shape; // -> [1, 6, 8, 8]
 * ```
 */
export class Sequential extends Module {
  #length = 0;

  constructor(...layers: Module[]) {
    super();
    for (const layer of layers) this.append(layer);
  }

  /** Adds `layer` at the end, named by its position. Returns this. */
  append(layer: Module): this {
    if (!isModule(layer)) fail('Sequential', 'layer', `layer ${this.#length} is not a Module`);
    this.registerModule(String(this.#length), layer);
    this.#length += 1;
    return this;
  }

  /** How many layers. */
  get length(): number {
    return this.#length;
  }

  /** The layer at `index` (negative counts from the end). */
  at(index: number): Module {
    const i = index < 0 ? index + this.#length : index;
    if (!Number.isInteger(i) || i < 0 || i >= this.#length) {
      fail('Sequential', 'index', `index ${index} is out of range for a Sequential of ${this.#length} layers`);
    }
    return (this as unknown as Record<string, Module>)[String(i)];
  }

  /** The layers in order. */
  *[Symbol.iterator](): IterableIterator<Module> {
    for (let i = 0; i < this.#length; i++) yield this.at(i);
  }

  /** Feeds `input` through every layer in turn (an empty Sequential returns it unchanged). */
  forward(input: ModuleInput): Variable {
    let x: Variable = isVariable(input) ? input : variable(input);
    for (const layer of this) x = layer.forward(x);
    return x;
  }
}
