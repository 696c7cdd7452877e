/**
 * Weight initialisers, PyTorch's `torch.nn.init` in camelCase: each fills a tensor in place and
 * returns it; the random ones take a `generator` option for reproducibility.
 *
 * @see torch.nn.init
 * @example
 * ```ts
 * import { Generator, zeros } from '@torchlet/tensor';
 * import { init } from '@torchlet/nn';
 * const w = init.kaimingUniform(zeros([6, 1, 5, 5]), { a: Math.sqrt(5), generator: new Generator(0) });
 * w.abs().max().item() <= 1 / 5; // -> true
 * ```
 */
import {
  allocStorage,
  defaultGenerator,
  fail,
  formatShape,
  formatValue,
  fromStorage,
  type Generator,
  isTensor,
  type Tensor,
} from '@torchlet/tensor';

/**
 * Where random initialisers draw from. Default: the tensor package's default generator.
 *
 * @example
 * ```ts
 * import { Generator, zeros } from '@torchlet/tensor';
 * import { type InitOptions, init } from '@torchlet/nn';
 * const options: InitOptions = { generator: new Generator(3) };
 * init.uniform(zeros([2]), 0, 1, options).equal(init.uniform(zeros([2]), 0, 1, { generator: new Generator(3) })); // -> true
 * ```
 */
export interface InitOptions {
  readonly generator?: Generator;
}

/**
 * The nonlinearities {@link calculateGain} knows, as PyTorch names them.
 *
 * @example
 * ```ts
 * import { type Nonlinearity, init } from '@torchlet/nn';
 * const after: Nonlinearity = 'tanh';
 * init.calculateGain(after); // -> 5 / 3
 * ```
 */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

/**
 * Options of the Kaiming initialisers.
 *
 * @example
 * ```ts
 * import { Generator, zeros } from '@torchlet/tensor';
 * import { type KaimingOptions, init } from '@torchlet/nn';
 * const options: KaimingOptions = { mode: 'fan_out', nonlinearity: 'relu', generator: new Generator(0) };
 * init.kaimingNormal(zeros([8, 4]), options).shape; // -> [8, 4]
 * ```
 */
export interface KaimingOptions extends InitOptions {
  /** Negative slope of the leaky ReLU after this layer. Default `0`. */
  readonly a?: number;
  /** Preserve the variance of the forward (`fan_in`, default) or backward (`fan_out`) pass. */
  readonly mode?: 'fan_in' | 'fan_out';
  /** The nonlinearity after this layer. Default `'leaky_relu'`. */
  readonly nonlinearity?: Nonlinearity;
}

/**
 * The recommended gain for a nonlinearity (PyTorch's table): 1 for linear/conv/sigmoid, 5/3 for
 * tanh, sqrt(2) for relu, sqrt(2 / (1 + a^2)) for leaky_relu, 3/4 for selu.
 *
 * @param nonlinearity - The activation that follows the layer, e.g. `'relu'`, `'tanh'`, `'leaky_relu'`,
 *   `'linear'`, `'conv2d'`.
 * @param param - The negative slope for `'leaky_relu'`. Default `0.01`.
 * @returns The gain, a positive number (e.g. `sqrt(2)` for `'relu'`).
 * @see torch.nn.init.calculate_gain
 * @example
 * ```ts
 * import { init } from '@torchlet/nn';
 * init.calculateGain('relu'); // -> Math.SQRT2
 * ```
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      return fail('calculateGain', 'nonlinearity', `unsupported nonlinearity ${formatValue(nonlinearity)}`);
  }
}

/**
 * `[fanIn, fanOut]` of a weight: `shape[1] * receptive field` and `shape[0] * receptive field`,
 * where the receptive field is the product of the sizes after the first two (kh*kw for a conv).
 *
 * Shapes: weight of at least 2 dimensions (Linear `[out, in]`, Conv2d `[out, in/groups, kh, kw]`).
 *
 * @param weight - A weight of at least 2 dimensions: `[out, in]` (Linear) or `[out, in / groups, kH, kW]`
 *   (Conv2d).
 * @returns `[fanIn, fanOut]`: the number of inputs and outputs each weight element is summed with.
 * @see torch.nn.init._calculate_fan_in_and_fan_out
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { init } from '@torchlet/nn';
 * init.fanInAndFanOut(zeros([6, 1, 5, 5])); // -> [25, 150]
 * ```
 */
export function fanInAndFanOut(weight: Tensor): [number, number] {
  checkTarget('fanInAndFanOut', weight);
  if (weight.ndim < 2) {
    fail(
      'fanInAndFanOut',
      'weight',
      `fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (weight ${formatShape(weight.shape)})`,
    );
  }
  let receptive = 1;
  for (let i = 2; i < weight.ndim; i++) receptive *= weight.shape[i];
  return [weight.shape[1] * receptive, weight.shape[0] * receptive];
}

/** Rejects a non-tensor target (before any field of it is read). */
function checkTarget(fn: string, t: unknown): asserts t is Tensor {
  if (!isTensor(t)) fail(fn, 'tensor', `expected a tensor, got ${formatValue(t)}`);
}

/** The `generator` option, checked (an object with `random()`), or the default generator. */
function generatorOf(options: InitOptions | null | undefined): Generator {
  const g = options?.generator;
  if (g === undefined) return defaultGenerator();
  if (g === null || typeof (g as { random?: unknown }).random !== 'function') {
    fail('init', 'generator', `expected a Generator, got ${formatValue(g)}`);
  }
  return g;
}

/** Writes `draw()` into every element of `t` in place (through any view), bumping its version. */
function fillWith(t: Tensor, draw: () => number): Tensor {
  checkTarget('init', t);
  if (t.dtype !== 'float32' && t.dtype !== 'float64')
    fail('init', 'tensor', `expected a float tensor, got ${t.dtype} (tensor ${formatShape(t.shape)})`);
  if (t.device === 'cpu' && t.isContiguous()) {
    // Straight into the storage (no staging copy): building a 61M-parameter AlexNet draws every weight here.
    const data = t.data as Float32Array | Float64Array;
    const end = t.offset + t.numel;
    for (let i = t.offset; i < end; i++) data[i] = draw();
    t.bumpVersion();
    return t;
  }
  const values = allocStorage(t.dtype, t.numel);
  for (let i = 0; i < values.length; i++) values[i] = draw();
  t.copyInPlace(fromStorage(values, t.shape));
  return t;
}

/**
 * Fills `t` in place with values drawn from U(low, high).
 *
 * @param t - The tensor to fill (float32 or float64), written in place.
 * @param low - The lower bound of the interval.
 * @param high - The upper bound of the interval (excluded).
 * @param options - `generator`, the random source. Default: the default generator.
 * @returns `t` itself.
 * @see torch.nn.init.uniform_
 * @example
 * ```ts
 * import { Generator, zeros } from '@torchlet/tensor';
 * import { init } from '@torchlet/nn';
 * const w = init.uniform(zeros([100]), -0.5, 0.5, { generator: new Generator(0) });
 * w.abs().max().item() <= 0.5; // -> true
 * ```
 */
export function uniform(t: Tensor, low = 0, high = 1, options: InitOptions = {}): Tensor {
  if (typeof low !== 'number' || typeof high !== 'number' || !(low <= high))
    fail('uniform', 'low', `expected low <= high, got low ${formatValue(low)}, high ${formatValue(high)}`);
  const g = generatorOf(options);
  return fillWith(t, () => low + (high - low) * g.random());
}

/**
 * Fills `t` in place with values drawn from N(mean, std^2).
 *
 * @param t - The tensor to fill (float32 or float64), written in place.
 * @param mean - The mean of the distribution.
 * @param std - The standard deviation (not the variance), at least 0.
 * @param options - `generator`, the random source. Default: the default generator.
 * @returns `t` itself.
 * @see torch.nn.init.normal_
 * @example
 * ```ts
 * import { Generator, zeros } from '@torchlet/tensor';
 * import { init } from '@torchlet/nn';
 * init.normal(zeros([3]), 0, 1, { generator: new Generator(0) }).shape; // -> [3]
 * ```
 */
export function normal(t: Tensor, mean = 0, std = 1, options: InitOptions = {}): Tensor {
  if (typeof mean !== 'number' || typeof std !== 'number' || !(std >= 0))
    fail('normal', 'std', `std must be non-negative, got ${formatValue(std)}`);
  const g = generatorOf(options);
  return fillWith(t, () => g.normal(mean, std));
}

/**
 * Fills `t` in place with `value`.
 *
 * @param t - The tensor to fill, written in place.
 * @param value - The value every element takes.
 * @returns `t` itself.
 * @see torch.nn.init.constant_
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { init } from '@torchlet/nn';
 * init.constant(zeros([2]), 0.5).toArray(); // -> [0.5, 0.5]
 * ```
 */
export function constant(t: Tensor, value: number): Tensor {
  checkTarget('constant', t);
  if (typeof value !== 'number') fail('constant', 'value', `expected a number, got ${formatValue(value)}`);
  t.fillInPlace(value);
  return t;
}

/**
 * Fills `t` in place with zeros.
 *
 * @param t - The tensor to fill, written in place.
 * @returns `t` itself.
 * @see torch.nn.init.zeros_
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { init } from '@torchlet/nn';
 * init.zeros(ones([2])).toArray(); // -> [0, 0]
 * ```
 */
export function zeros(t: Tensor): Tensor {
  return constant(t, 0);
}

/**
 * Fills `t` in place with ones.
 *
 * @param t - The tensor to fill, written in place.
 * @returns `t` itself.
 * @see torch.nn.init.ones_
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { init } from '@torchlet/nn';
 * init.ones(zeros([2])).toArray(); // -> [1, 1]
 * ```
 */
export function ones(t: Tensor): Tensor {
  return constant(t, 1);
}

function kaimingStd(fn: string, t: Tensor, options: KaimingOptions): number {
  const [fanIn, fanOut] = fanInAndFanOut(t);
  const fan = (options.mode ?? 'fan_in') === 'fan_in' ? fanIn : fanOut;
  if (fan === 0)
    fail(fn, 'tensor', `initializing a zero-element tensor is a no-op; got fan 0 (tensor ${formatShape(t.shape)})`);
  return calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0) / Math.sqrt(fan);
}

/**
 * He initialisation, uniform: U(-b, b) with b = gain * sqrt(3 / fan). PyTorch's Conv2d and Linear
 * use it with `a = sqrt(5)`, which gives b = 1 / sqrt(fanIn).
 *
 * Shapes: weight of at least 2 dimensions.
 *
 * @param t - A weight of at least 2 dimensions (`[out, in]` or `[out, in / groups, kH, kW]`), written in place.
 * @param options - `a` (negative slope of the leaky ReLU that follows, default `0`), `mode` (`'fan_in'`, the
 *   default, or `'fan_out'`), `nonlinearity` (default `'leaky_relu'`) and `generator`; see
 *   {@link KaimingOptions}.
 * @returns `t` itself.
 * @see torch.nn.init.kaiming_uniform_
 * @example
 * ```ts
 * import { Generator, zeros } from '@torchlet/tensor';
 * import { init } from '@torchlet/nn';
 * const w = init.kaimingUniform(zeros([6, 1, 5, 5]), { a: Math.sqrt(5), generator: new Generator(1) });
 * w.abs().max().item() <= 1 / 5; // -> true
 * ```
 */
export function kaimingUniform(t: Tensor, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd('kaimingUniform', t, options);
  return uniform(t, -bound, bound, options);
}

/**
 * He initialisation, normal: N(0, std^2) with std = gain / sqrt(fan).
 *
 * Shapes: weight of at least 2 dimensions.
 *
 * @param t - A weight of at least 2 dimensions (`[out, in]` or `[out, in / groups, kH, kW]`), written in place.
 * @param options - `a` (negative slope of the leaky ReLU that follows, default `0`), `mode` (`'fan_in'`, the
 *   default, or `'fan_out'`), `nonlinearity` (default `'leaky_relu'`) and `generator`; see
 *   {@link KaimingOptions}.
 * @returns `t` itself.
 * @see torch.nn.init.kaiming_normal_
 * @example
 * ```ts
 * import { Generator, zeros } from '@torchlet/tensor';
 * import { init } from '@torchlet/nn';
 * init.kaimingNormal(zeros([4, 3]), { nonlinearity: 'relu', generator: new Generator(1) }).shape; // -> [4, 3]
 * ```
 */
export function kaimingNormal(t: Tensor, options: KaimingOptions = {}): Tensor {
  return normal(t, 0, kaimingStd('kaimingNormal', t, options), options);
}

/**
 * Options of the Xavier initialisers.
 *
 * @example
 * ```ts
 * import { Generator, zeros } from '@torchlet/tensor';
 * import { type XavierOptions, init } from '@torchlet/nn';
 * const options: XavierOptions = { gain: init.calculateGain('tanh'), generator: new Generator(0) };
 * init.xavierUniform(zeros([4, 4]), options).shape; // -> [4, 4]
 * ```
 */
export interface XavierOptions extends InitOptions {
  /** Scaling factor. Default `1`. */
  readonly gain?: number;
}

/**
 * Glorot initialisation, uniform: U(-b, b) with b = gain * sqrt(6 / (fanIn + fanOut)).
 *
 * Shapes: weight of at least 2 dimensions.
 *
 * @param t - A weight of at least 2 dimensions (`[out, in]` or `[out, in / groups, kH, kW]`), written in place.
 * @param options - `gain` (default `1`) and `generator`; see {@link XavierOptions}.
 * @returns `t` itself.
 * @see torch.nn.init.xavier_uniform_
 * @example
 * ```ts
 * import { Generator, zeros } from '@torchlet/tensor';
 * import { init } from '@torchlet/nn';
 * const w = init.xavierUniform(zeros([3, 3]), { generator: new Generator(2) });
 * w.abs().max().item() <= 1; // -> true
 * ```
 */
export function xavierUniform(t: Tensor, options: XavierOptions = {}): Tensor {
  const [fanIn, fanOut] = fanInAndFanOut(t);
  const bound = (options.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(t, -bound, bound, options);
}

/**
 * Glorot initialisation, normal: N(0, std^2) with std = gain * sqrt(2 / (fanIn + fanOut)).
 *
 * Shapes: weight of at least 2 dimensions.
 *
 * @param t - A weight of at least 2 dimensions (`[out, in]` or `[out, in / groups, kH, kW]`), written in place.
 * @param options - `gain` (default `1`) and `generator`; see {@link XavierOptions}.
 * @returns `t` itself.
 * @see torch.nn.init.xavier_normal_
 * @example
 * ```ts
 * import { Generator, zeros } from '@torchlet/tensor';
 * import { init } from '@torchlet/nn';
 * init.xavierNormal(zeros([3, 3]), { generator: new Generator(2) }).shape; // -> [3, 3]
 * ```
 */
export function xavierNormal(t: Tensor, options: XavierOptions = {}): Tensor {
  const [fanIn, fanOut] = fanInAndFanOut(t);
  return normal(t, 0, (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut)), options);
}
