import { peekGrad } from '@torchlet/autograd';
import type { NumberStorage, Tensor } from '@torchlet/tensor';
import { fail, formatValue } from '@torchlet/tensor';
import { type Optimizable, Optimizer, type ParamsInput } from './optimizer.js';

/**
 * Hyper-parameters of {@link SGD}, PyTorch's names in camelCase.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { SGD, type SGDOptions } from '@torchlet/nn';
 * const options: Partial<SGDOptions> & { lr: number } = { lr: 0.1, momentum: 0.9, nesterov: true };
 * new SGD([{ data: tensor([0]), grad: null }], options).paramGroups[0].options.dampening; // -> 0
 * ```
 */
export interface SGDOptions {
  /** Learning rate. */
  readonly lr: number;
  /** Momentum factor. Default `0`. */
  readonly momentum: number;
  /** Dampening for momentum. Default `0`. */
  readonly dampening: number;
  /** L2 penalty added to the gradient. Default `0`. */
  readonly weightDecay: number;
  /** Nesterov momentum. Default `false`. */
  readonly nesterov: boolean;
  /** Maximise the objective instead of minimising it. Default `false`. */
  readonly maximize: boolean;
}

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and weight
 * decay, exactly PyTorch's update: `g = grad + wd * p`; `buf = g` on the first step, then
 * `buf = momentum * buf + (1 - dampening) * g`; `g = nesterov ? g + momentum * buf : buf`;
 * `p -= lr * g`.
 *
 * @see torch.optim.SGD
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { SGD } from '@torchlet/nn';
 * const p = { data: tensor([1]), grad: tensor([1]) };
 * const opt = new SGD([p], { lr: 0.5, momentum: 0.9 });
 * opt.step(); // buf = 1, p = 1 - 0.5
 * opt.step(); // buf = 0.9 + 1, p = 0.5 - 0.95
 * p.data.toArray(); // -> [-0.44999998807907104]
 * ```
 */
export class SGD extends Optimizer<SGDOptions, { momentumBuffer: Float64Array | null }> {
  /**
   * A stochastic gradient descent optimizer over `params`.
   * @param params - The parameters to optimize (e.g. `net.parameters()`), or parameter groups with their own
   *   options.
   * @param options - `lr` (required), `momentum` (default `0`), `dampening` (default `0`), `weightDecay`
   *   (default `0`), `nesterov` (default `false`) and `maximize` (default `false`); see {@link SGDOptions}.
   */
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> & { readonly lr: number }) {
    const resolved: SGDOptions = {
      momentum: 0,
      dampening: 0,
      weightDecay: 0,
      nesterov: false,
      maximize: false,
      ...options,
    };
    if (options === null || typeof options !== 'object')
      fail('SGD', 'options', `expected an options object with lr, got ${formatValue(options)}`);
    for (const key of ['lr', 'momentum', 'dampening', 'weightDecay'] as const) {
      if (typeof resolved[key] !== 'number')
        fail('SGD', key, `${key} must be a number, got ${formatValue(resolved[key])}`);
    }
    if (!(resolved.lr >= 0)) fail('SGD', 'lr', `invalid learning rate: ${resolved.lr}`);
    if (!(resolved.momentum >= 0)) fail('SGD', 'momentum', `invalid momentum value: ${resolved.momentum}`);
    if (!(resolved.weightDecay >= 0)) fail('SGD', 'weightDecay', `invalid weight_decay value: ${resolved.weightDecay}`);
    if (resolved.nesterov && (resolved.momentum <= 0 || resolved.dampening !== 0)) {
      fail('SGD', 'nesterov', 'Nesterov momentum requires a momentum and zero dampening');
    }
    super('SGD', params, resolved);
  }

  // Momentum buffers of parameters on the webgpu device (float32 tensors there).
  readonly #deviceMomentum = new WeakMap<Optimizable, Tensor>();

  /** The same update as `update`, as tensor ops on the webgpu device (momentum in float32). */
  protected override updateOnDevice(param: Optimizable, o: SGDOptions): void {
    const values = param.data;
    const grad = peekGrad(param) as Tensor;
    // The step's temporaries are released when it ends (nothing else can reach them).
    const temps: Tensor[] = [];
    const temp = (t: Tensor): Tensor => {
      temps.push(t);
      return t;
    };
    let g = o.maximize ? temp(grad.neg()) : grad;
    if (o.weightDecay !== 0) g = temp(g.add(temp(values.mul(o.weightDecay))));
    if (o.momentum !== 0) {
      let buf = this.#deviceMomentum.get(param);
      if (buf === undefined) {
        buf = g.clone();
        this.#deviceMomentum.set(param, buf);
      } else {
        buf.mulInPlace(o.momentum).addInPlace(g, 1 - o.dampening);
      }
      g = o.nesterov ? temp(g.add(temp(buf.mul(o.momentum)))) : buf;
    }
    values.subInPlace(g, o.lr);
    for (const t of temps) t.dispose();
  }

  protected update(param: Optimizable, values: NumberStorage, grad: NumberStorage, o: SGDOptions): void {
    const state = this.stateOf(param, () => ({ momentumBuffer: null }));
    const first = state.momentumBuffer === null;
    if (o.momentum !== 0 && first) state.momentumBuffer = new Float64Array(values.length);
    const buf = state.momentumBuffer;
    if (
      buf !== null &&
      !first &&
      o.weightDecay === 0 &&
      !o.maximize &&
      !o.nesterov &&
      values instanceof Float32Array &&
      grad instanceof Float32Array
    ) {
      sgdMomentumF32(values, grad, buf, o.momentum, 1 - o.dampening, o.lr);
      return;
    }
    const sign = o.maximize ? -1 : 1;
    for (let i = 0; i < values.length; i++) {
      let g = sign * grad[i];
      if (o.weightDecay !== 0) g += o.weightDecay * values[i];
      if (buf) {
        buf[i] = first ? g : o.momentum * buf[i] + (1 - o.dampening) * g;
        g = o.nesterov ? g + o.momentum * buf[i] : buf[i];
      }
      values[i] -= o.lr * g;
    }
  }
}

/**
 * The general loop of SGD's `update` for its common case in a training loop (float32, momentum
 * after the first step, no weight decay, Nesterov or maximize) with every option test and property
 * read hoisted out: the same operations in the same order, so the same bits, in one monomorphic
 * loop over typed arrays (MobileNetV2's 3.5M parameters: the step was 2-3% of a training step).
 */
function sgdMomentumF32(
  values: Float32Array,
  grad: Float32Array,
  buf: Float64Array,
  momentum: number,
  oneMinusDampening: number,
  lr: number,
): void {
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const b = momentum * buf[i] + oneMinusDampening * grad[i];
    buf[i] = b;
    values[i] -= lr * b;
  }
}
