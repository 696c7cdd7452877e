import { isVariable, ownIntermediates, type Variable, variable } from '@torchlet/autograd';
import { fail } from '@torchlet/tensor';
import { isModule, Module, type ModuleInput } from '../module.js';
import { convBatchNormRun, tryFusedConvBatchNorm } from './conv-bn-fusion.js';
import { swapsReluMaxPool } from './relu-max-pool.js';
import { keepsNoTensors } from './sequential-release.js';

/**
 * A chain of layers applied in order; the children are named `'0'`, `'1'`, ... as in PyTorch, so
 * parameter names read `0.weight`, `3.bias`. Given one `Map` (PyTorch's `OrderedDict`) or record
 * of named layers instead, the children keep those names (`conv0.weight`, `norm0.running_mean`).
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
 * const named = new Sequential(new Map([['conv0', new Conv2d(1, 2, 3)], ['relu0', new ReLU()]]));
 * named.namedParameters().map(([name]) => name); // -> ['conv0.weight', 'conv0.bias']
 * ```
 */
export class Sequential<M extends Module = Module> extends Module {
  readonly #names: string[] = [];

  constructor();
  /**
   * A chain of `layers`, registered as submodules named `'0'`, `'1'`, ... (or by the keys of a map or object).
   * @param layers - The layers in order, or one `Map`/object of layers by name.
   */
  constructor(...layers: M[] | [named: ReadonlyMap<string, M> | Readonly<Record<string, M>>]);
  constructor(...layers: M[] | [named: ReadonlyMap<string, M> | Readonly<Record<string, M>>]) {
    super();
    const [first] = layers;
    const named =
      first instanceof Map ||
      (typeof first === 'object' && first !== null && !isModule(first) && Object.keys(first).length > 0);
    if (layers.length === 1 && named) {
      const entries = first instanceof Map ? [...first] : Object.entries(first);
      for (const [name, layer] of entries) this.#add(name, layer);
    } else {
      for (const layer of layers as M[]) this.append(layer);
    }
  }

  /**
   * Adds `layer` at the end, named by its position. Returns this.
   * @param layer - The layer to add.
   */
  append(layer: M): this {
    this.#add(String(this.#names.length), layer);
    return this;
  }

  #add(name: string, layer: M): void {
    if (!isModule(layer)) fail('Sequential', 'layer', `layer ${this.#names.length} is not a Module`);
    if (this.#names.includes(name)) fail('Sequential', 'layer', `two layers are named '${name}'`);
    this.registerModule(name, layer);
    this.#names.push(name);
  }

  /** How many layers. */
  get length(): number {
    return this.#names.length;
  }

  /**
   * The layer at `index` (negative counts from the end).
   * @param index - A position in `[-length, length)`.
   * @returns The layer there; throws a `TorchletError` when out of range.
   */
  at(index: number): M {
    const n = this.#names.length;
    const i = index < 0 ? index + n : index;
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      fail('Sequential', 'index', `index ${index} is out of range for a Sequential of ${n} layers`);
    }
    return (this as unknown as Record<string, M>)[this.#names[i]];
  }

  /** The layers in order. */
  *[Symbol.iterator](): IterableIterator<M> {
    for (let i = 0; i < this.#names.length; i++) yield this.at(i);
  }

  /**
   * Feeds `input` through every layer in turn (an empty Sequential returns it unchanged). In
   * evaluation mode without gradients, a `Conv2d, BatchNorm2d` run of children, with a `ReLU` or
   * `ReLU6` after it if there is one, runs as one convolution with the BatchNorm folded in (see
   * {@link convBatchNorm2d}): the same values to float32 rounding.
   * On the CPU, a `ReLU` followed by a `MaxPool2d` runs as the pooling then the ReLU (outside
   * `traceOps`): the same values and gradients bit for bit, with the ReLU on a quarter of the elements.
   * @param input - The input of the first layer.
   * @returns The output of the last layer.
   */
  forward(input: ModuleInput): Variable {
    const first: Variable = isVariable(input) ? input : variable(input);
    const layers: Module[] = [...this];
    // Outputs one built-in layer hands to the next are reachable only through the graph: on
    // webgpu the graph owns them (released after backward, or at once without a graph).
    const handedOn = new Set<unknown>();
    const onGpu = first.data.gpuBuffer !== null;
    const plain = (m: Module): boolean => onGpu && keepsNoTensors(m, (c) => c instanceof Sequential);
    const run = (): Variable => {
      let x = first;
      let producerPlain = false;
      for (let i = 0; i < layers.length; ) {
        if (producerPlain && x.data.gpuBuffer !== null && plain(layers[i])) handedOn.add(x.data.gpuBuffer);
        // In evaluation mode without gradients, Conv2d, BatchNorm2d[, ReLU | ReLU6] runs as one
        // convolution with the BatchNorm folded in (see convBatchNorm2d); otherwise layer by layer.
        const fusedRun = convBatchNormRun(layers, i);
        const fused =
          fusedRun === null ? null : tryFusedConvBatchNorm(fusedRun.conv, fusedRun.bn, x, fusedRun.activation);
        if (fusedRun !== null && fused !== null) {
          x = fused;
          producerPlain = onGpu; // Conv2d, BatchNorm2d, ReLU / ReLU6: built-in layers
          i += fusedRun.length;
        } else if (swapsReluMaxPool(layers, i, x)) {
          // ReLU, MaxPool2d as MaxPool2d, ReLU: the same values and gradients, a quarter of the ReLU work.
          x = layers[i].forward(layers[i + 1].forward(x));
          producerPlain = false; // CPU only
          i += 2;
        } else {
          x = layers[i].forward(x);
          producerPlain = plain(layers[i]);
          i++;
        }
      }
      return x;
    };
    return ownIntermediates([first.data], run, { owns: (b) => handedOn.has(b) });
  }
}
