import { peekGrad } from '@torchlet/autograd';
import { wasmAdamStep } from '@torchlet/kernels';
import type { NumberStorage, Tensor } from '@torchlet/tensor';
import { fail, formatValue, zerosLike } from '@torchlet/tensor';
import { type Optimizable, Optimizer, type ParamsInput } from './optimizer.js';

/**
 * Hyper-parameters of {@link Adam} and {@link AdamW}, PyTorch's names in camelCase.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { AdamW, type AdamOptions } from '@torchlet/nn';
 * const options: Partial<AdamOptions> = { betas: [0.8, 0.99] };
 * new AdamW([{ data: tensor([0]), grad: null }], options).paramGroups[0].options.weightDecay; // -> 0.01
 * ```
 */
export interface AdamOptions {
  /** Learning rate. Default `1e-3`. */
  readonly lr: number;
  /** Coefficients of the running averages of the gradient and its square. Default `[0.9, 0.999]`. */
  readonly betas: readonly [number, number];
  /** Added to the denominator for numerical stability. Default `1e-8`. */
  readonly eps: number;
  /** Weight decay: L2 added to the gradient (Adam) or decoupled (AdamW). Default `0` / `1e-2`. */
  readonly weightDecay: number;
  /** Use the maximum of past squared-gradient averages (AMSGrad). Default `false`. */
  readonly amsgrad: boolean;
  /** Maximise the objective instead of minimising it. Default `false`. */
  readonly maximize: boolean;
}

/**
 * Adam's per-parameter state, as PyTorch keeps it: the step count and the running averages of the gradient and its
 * square (and their maximum for AMSGrad), in the parameter's precision (float32 for a float32 parameter).
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { Adam, type AdamState } from '@torchlet/nn';
 * const p = { data: tensor([1]), grad: tensor([1]) };
 * const opt = new Adam([p]);
 * opt.step();
 * const state: AdamState | undefined = opt.stateFor(p);
 * state?.step; // -> 1
 * state?.expAvg instanceof Float32Array; // -> true
 * ```
 */
export interface AdamState {
  step: number;
  expAvg: Float32Array | Float64Array;
  expAvgSq: Float32Array | Float64Array;
  maxExpAvgSq: Float32Array | Float64Array | null;
}

/** PyTorch's defaults overridden by `options`, validated; Adam and AdamW differ only in weight decay. */
function resolveAdam(name: string, options: Partial<AdamOptions>, weightDecay: number): AdamOptions {
  const o: AdamOptions = {
    lr: 1e-3,
    betas: [0.9, 0.999],
    eps: 1e-8,
    weightDecay,
    amsgrad: false,
    maximize: false,
    ...options,
  };
  for (const key of ['lr', 'eps', 'weightDecay'] as const) {
    if (typeof o[key] !== 'number') fail(name, key, `${key} must be a number, got ${formatValue(o[key])}`);
  }
  if (!Array.isArray(o.betas) || o.betas.length !== 2 || !o.betas.every((b) => typeof b === 'number')) {
    fail(name, 'betas', `betas must be a pair of numbers, got ${formatValue(o.betas)}`);
  }
  if (!(o.lr >= 0)) fail(name, 'lr', `invalid learning rate: ${o.lr}`);
  if (!(o.eps >= 0)) fail(name, 'eps', `invalid epsilon value: ${o.eps}`);
  for (const [i, b] of o.betas.entries()) {
    if (!(b >= 0 && b < 1)) fail(name, 'betas', `invalid beta parameter at index ${i}: ${b}`);
  }
  if (!(o.weightDecay >= 0)) fail(name, 'weightDecay', `invalid weight_decay value: ${o.weightDecay}`);
  return o;
}

const exact = (x: number): number => x;

/**
 * Adam's update shared by both classes (`decoupled` selects AdamW's weight decay): PyTorch's
 * single-tensor Adam operation by operation, each rounded to the parameter's precision as
 * PyTorch's tensor ops round them (float32: Math.fround after every operation, which gives the
 * bits of float32 arithmetic). The common float32 case (no weight decay, no AMSGrad, minimising)
 * runs in WebAssembly SIMD (`wasmAdamStep`: the same operations, so the same bits; the float64
 * JavaScript loop it replaced took 9% of a LeNet epoch on one thread).
 */
function adamUpdate(
  state: AdamState,
  values: NumberStorage,
  grad: NumberStorage,
  o: AdamOptions,
  decoupled: boolean,
): void {
  state.step += 1;
  const [beta1, beta2] = o.betas;
  const bias2Sqrt = Math.sqrt(1 - beta2 ** state.step);
  const stepSize = o.lr / (1 - beta1 ** state.step);
  const { expAvg: m, expAvgSq: v, maxExpAvgSq: vMax } = state;
  if (
    o.weightDecay === 0 &&
    !o.maximize &&
    vMax === null &&
    values instanceof Float32Array &&
    grad instanceof Float32Array &&
    m instanceof Float32Array &&
    v instanceof Float32Array &&
    wasmAdamStep(values, grad, m, v, { beta1, beta2, eps: o.eps, stepSize, bias2Sqrt })
  ) {
    return;
  }
  const r = values instanceof Float32Array ? Math.fround : exact;
  const [b1, b2, c1, c2] = [r(beta1), r(beta2), r(1 - beta1), r(1 - beta2)];
  const [eps, step, b2s, wd, decay] = [
    r(o.eps),
    r(stepSize),
    r(bias2Sqrt),
    r(o.weightDecay),
    r(1 - o.lr * o.weightDecay),
  ];
  const sign = o.maximize ? -1 : 1;
  for (let i = 0; i < values.length; i++) {
    let g = sign * grad[i];
    let p = values[i];
    if (o.weightDecay !== 0) {
      if (decoupled) p = r(p * decay);
      else g = r(g + r(wd * p));
    }
    const mi = r(r(m[i] * b1) + r(c1 * g));
    const vi = r(r(v[i] * b2) + r(r(c2 * g) * g));
    m[i] = mi;
    v[i] = vi;
    let second = vi;
    if (vMax !== null) {
      // torch.maximum: a NaN wins.
      if (!(vMax[i] >= vi)) vMax[i] = vi;
      second = vMax[i];
    }
    values[i] = r(p - r(step * r(mi / r(r(r(Math.sqrt(second)) / b2s) + eps))));
  }
}

/** Adam's moments of a parameter on the webgpu device (float32 tensors there). */
interface DeviceAdamState {
  step: number;
  readonly expAvg: Tensor;
  readonly expAvgSq: Tensor;
  readonly maxExpAvgSq: Tensor | null;
}

/** {@link adamUpdate} as tensor ops on the webgpu device, in place on the parameter. */
function adamUpdateOnDevice(
  states: WeakMap<Optimizable, DeviceAdamState>,
  param: Optimizable,
  o: AdamOptions,
  decoupled: boolean,
): void {
  const p = param.data;
  let state = states.get(param);
  if (state === undefined) {
    state = { step: 0, expAvg: zerosLike(p), expAvgSq: zerosLike(p), maxExpAvgSq: o.amsgrad ? zerosLike(p) : null };
    states.set(param, state);
  }
  state.step += 1;
  const [beta1, beta2] = o.betas;
  const bias2Sqrt = Math.sqrt(1 - beta2 ** state.step);
  const stepSize = o.lr / (1 - beta1 ** state.step);
  // The step's temporaries are released when it ends: nothing else can reach them, and waiting
  // for the garbage collector would leave several GPU buffers per parameter per step behind.
  const temps: Tensor[] = [];
  const temp = (t: Tensor): Tensor => {
    temps.push(t);
    return t;
  };
  const grad = peekGrad(param) as Tensor;
  let g = o.maximize ? temp(grad.neg()) : grad;
  if (o.weightDecay !== 0) {
    if (decoupled) p.mulInPlace(1 - o.lr * o.weightDecay);
    else g = temp(g.add(temp(p.mul(o.weightDecay))));
  }
  state.expAvg.mulInPlace(beta1).addInPlace(g, 1 - beta1);
  state.expAvgSq.mulInPlace(beta2).addInPlace(temp(g.mul(g)), 1 - beta2);
  let second = state.expAvgSq;
  if (state.maxExpAvgSq !== null) {
    state.maxExpAvgSq.copyInPlace(temp(state.maxExpAvgSq.maximum(second)));
    second = state.maxExpAvgSq;
  }
  // sqrt(v) / sqrt(1 - b2^t) + eps, in place in one temporary (the same float32 operations).
  const denom = temp(second.sqrt()).divInPlace(bias2Sqrt).addInPlace(o.eps);
  p.subInPlace(temp(state.expAvg.div(denom)), stepSize);
  for (const t of temps) t.dispose();
}

/** Zeroed moments in the parameter's precision, as PyTorch's `zeros_like(param)`. */
function newState(values: NumberStorage, amsgrad: boolean): AdamState {
  const n = values.length;
  const moment = (): Float32Array | Float64Array =>
    values instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
  return { step: 0, expAvg: moment(), expAvgSq: moment(), maxExpAvgSq: amsgrad ? moment() : null };
}

/**
 * Adam, exactly PyTorch's update: `m = b1 m + (1 - b1) g`, `v = b2 v + (1 - b2) g^2`,
 * `p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)`; weight decay adds `wd * p` to g.
 *
 * @see torch.optim.Adam
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { Adam } from '@torchlet/nn';
 * const p = { data: tensor([1]), grad: tensor([3]) };
 * new Adam([p], { lr: 0.1 }).step(); // the first step moves by lr (times sign of g), whatever |g|
 * p.data.toArray(); // -> [0.8999999761581421]
 * ```
 */
export class Adam extends Optimizer<AdamOptions, AdamState> {
  /**
   * An Adam optimizer over `params`.
   * @param params - The parameters to optimize (e.g. `net.parameters()`), or parameter groups with their own
   *   options.
   * @param options - `lr` (default `1e-3`), `betas` (default `[0.9, 0.999]`), `eps` (default `1e-8`),
   *   `weightDecay` (default `0`) and `amsgrad` (default `false`); see {@link AdamOptions}.
   */
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super('Adam', params, resolveAdam('Adam', options, 0));
  }

  // Moments of parameters on the webgpu device.
  readonly #deviceState = new WeakMap<Optimizable, DeviceAdamState>();

  /** The same update on the webgpu device, as tensor ops (moments in float32). */
  protected override updateOnDevice(param: Optimizable, o: AdamOptions): void {
    adamUpdateOnDevice(this.#deviceState, param, o, false);
  }

  protected update(param: Optimizable, values: NumberStorage, grad: NumberStorage, o: AdamOptions): void {
    adamUpdate(
      this.stateOf(param, () => newState(values, o.amsgrad)),
      values,
      grad,
      o,
      false,
    );
  }
}

/**
 * AdamW: Adam with decoupled weight decay (`p *= 1 - lr * wd` before the Adam step), default
 * `weightDecay` 1e-2, exactly PyTorch's update.
 *
 * @see torch.optim.AdamW
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { AdamW } from '@torchlet/nn';
 * const p = { data: tensor([1]), grad: tensor([0]) };
 * new AdamW([p], { lr: 0.1, weightDecay: 0.5 }).step(); // only the decay moves p: 1 * (1 - 0.05)
 * p.data.toArray(); // -> [0.949999988079071]
 * ```
 */
export class AdamW extends Optimizer<AdamOptions, AdamState> {
  /**
   * An AdamW optimizer over `params`.
   * @param params - The parameters to optimize (e.g. `net.parameters()`), or parameter groups with their own
   *   options.
   * @param options - `lr` (default `1e-3`), `betas` (default `[0.9, 0.999]`), `eps` (default `1e-8`),
   *   `weightDecay` (decoupled, default `1e-2`) and `amsgrad` (default `false`); see {@link AdamOptions}.
   */
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super('AdamW', params, resolveAdam('AdamW', options, 1e-2));
  }

  // Moments of parameters on the webgpu device.
  readonly #deviceState = new WeakMap<Optimizable, DeviceAdamState>();

  /** The same update on the webgpu device, as tensor ops (moments in float32). */
  protected override updateOnDevice(param: Optimizable, o: AdamOptions): void {
    adamUpdateOnDevice(this.#deviceState, param, o, true);
  }

  protected update(param: Optimizable, values: NumberStorage, grad: NumberStorage, o: AdamOptions): void {
    adamUpdate(
      this.stateOf(param, () => newState(values, o.amsgrad)),
      values,
      grad,
      o,
      true,
    );
  }
}
