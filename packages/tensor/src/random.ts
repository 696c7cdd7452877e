import { type Device, toDevice } from './device/transfer.js';
import { allocStorage, type DType } from './dtype.js';
import { fail, formatValue } from './errors.js';
import { checkShape, type Shape, shapeSize } from './shape.js';
import { Tensor } from './tensor.js';

/**
 * A seed: any integer (a `number` that is a safe integer, or a `bigint`); it is taken modulo 2^64.
 *
 * @example
 * ```ts
 * import { Generator, type Seed } from '@torchlet/tensor';
 * const seed: Seed = 2n ** 64n + 5n;
 * new Generator(seed).random() === new Generator(5).random(); // -> true
 * ```
 */
export type Seed = number | bigint;

/** The seed PyTorch's default CPU generator starts from (`torch.initial_seed()` in a fresh process). */
const DEFAULT_SEED = 67280421310721n;
const MASK64 = (1n << 64n) - 1n;

const TWO_POW_32 = 4294967296;
const TWO_POW_M24 = 1 / 16777216;
const TWO_POW_M53 = 1 / 9007199254740992;
const TWO_PI = 2 * Math.PI;

function checkSeed(fn: string, seed: Seed): bigint {
  if (typeof seed === 'bigint') return BigInt.asUintN(64, seed);
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    fail(fn, 'seed', `seed must be a safe integer or a bigint, got ${formatValue(seed)}`);
  }
  return BigInt.asUintN(64, BigInt(seed));
}

/**
 * A seedable pseudo-random number generator: xoshiro128** 1.1 (Blackman & Vigna, 2018), a
 * 128-bit-state generator with period 2^128 - 1 that passes BigCrush and PractRand. It was chosen
 * because its update is a handful of 32-bit shifts, xors and `Math.imul` products, so it runs at
 * full speed in JS without BigInt or 64-bit emulation, and every platform produces the same
 * stream. The 64-bit seed is expanded into the state with SplitMix64, as the authors recommend.
 *
 * Streams are reproducible across runs and platforms, but they are not PyTorch's: PyTorch's CPU
 * generator is a Mersenne Twister (mt19937) with its own float and normal transforms, so the same
 * seed gives different numbers in torchlet and in PyTorch.
 *
 * @see torch.Generator
 * @example
 * ```ts
 * import { Generator } from '@torchlet/tensor';
 * const a = new Generator(42);
 * const b = new Generator(42);
 * a.random() === b.random(); // -> true
 * const u = a.random();
 * u >= 0 && u < 1; // -> true
 * ```
 */
export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private seed: bigint = DEFAULT_SEED;
  // Box-Muller makes normals in pairs; normal() keeps the second one for the next call.
  private spare = 0;
  private hasSpare = false;

  /**
   * Creates a generator seeded with `seed` (default: PyTorch's default seed 67280421310721).
   * @param seed - A non-negative integer below 2^64, as a number or bigint. Default: a fixed seed.
   */
  constructor(seed: Seed = DEFAULT_SEED) {
    this.manualSeed(seed);
  }

  /**
   * Reseeds this generator; the same seed always restarts the same stream.
   *
   * @param seed - A non-negative integer below 2^64, as a number or bigint.
   * @see torch.Generator.manual_seed
   * @example
   * ```ts
   * import { Generator } from '@torchlet/tensor';
   * const g = new Generator();
   * const first = g.manualSeed(7).random();
   * g.manualSeed(7).random() === first; // -> true
   * ```
   */
  manualSeed(seed: Seed): this {
    const s = checkSeed('manualSeed', seed);
    this.seed = s;
    // SplitMix64 expands the seed into 128 bits of well-mixed state.
    let x = s;
    const words: number[] = [];
    for (let i = 0; i < 2; i++) {
      x = (x + 0x9e3779b97f4a7c15n) & MASK64;
      let z = x;
      z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
      z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
      z ^= z >> 31n;
      words.push(Number(z & 0xffffffffn), Number(z >> 32n));
    }
    [this.s0, this.s1, this.s2, this.s3] = words.map((w) => w | 0);
    // The all-zero state is a fixed point; SplitMix64 never yields it for two outputs, but guard anyway.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.hasSpare = false;
    this.spare = 0;
    return this;
  }

  /**
   * The seed this generator was last seeded with.
   *
   * @returns The seed of the last construction or `manualSeed`, as a bigint.
   * @see torch.Generator.initial_seed
   * @example
   * ```ts
   * import { Generator } from '@torchlet/tensor';
   * new Generator(5).initialSeed(); // -> 5n
   * ```
   */
  initialSeed(): bigint {
    return this.seed;
  }

  /**
   * The next 32 random bits as an unsigned integer in `[0, 2^32)`.
   *
   * @returns A uniform 32-bit unsigned integer.
   * @example
   * ```ts
   * import { Generator } from '@torchlet/tensor';
   * const x = new Generator(1).nextUint32();
   * Number.isInteger(x) && x >= 0 && x < 2 ** 32; // -> true
   * ```
   */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const s2 = this.s2;
    const s3 = this.s3;
    // result = rotl(s1 * 5, 7) * 9
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    this.s1 = s1 ^ n2;
    this.s0 = s0 ^ n3;
    this.s2 = n2 ^ t;
    this.s3 = (n3 << 11) | (n3 >>> 21);
    return result >>> 0;
  }

  /**
   * A uniform double in `[0, 1)` with 53 random bits.
   *
   * @returns A uniform double in [0, 1) with 53 random bits.
   * @see torch.rand
   * @example
   * ```ts
   * import { Generator } from '@torchlet/tensor';
   * const u = new Generator(3).random();
   * u >= 0 && u < 1; // -> true
   * ```
   */
  random(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) * TWO_POW_M53;
  }

  /**
   * A uniform value in `[0, 1)` from 24 random bits: exact in float32, so storing it in a
   * `Float32Array` never rounds it up to 1 (what `rand` uses for float32).
   *
   * @returns A uniform float32 value in [0, 1) (24 random bits).
   * @example
   * ```ts
   * import { Generator } from '@torchlet/tensor';
   * const u = new Generator(3).randomFloat32();
   * Math.fround(u) === u && u < 1; // -> true
   * ```
   */
  randomFloat32(): number {
    return (this.nextUint32() >>> 8) * TWO_POW_M24;
  }

  /**
   * A normal sample with the given mean and standard deviation (Box-Muller transform).
   *
   * @param mean - The mean.
   * @param std - The standard deviation.
   * @returns One draw from N(mean, std^2).
   * @see torch.normal
   * @example
   * ```ts
   * import { Generator } from '@torchlet/tensor';
   * Number.isFinite(new Generator(0).normal()); // -> true
   * ```
   */
  normal(mean = 0, std = 1): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return mean + std * this.spare;
    }
    const [z0, z1] = this.boxMuller();
    this.spare = z1;
    this.hasSpare = true;
    return mean + std * z0;
  }

  /**
   * A uniform integer in `[low, high)`, without modulo bias. Requires `high - low <= 2^32`.
   *
   * @param low - The smallest value (an integer).
   * @param high - One past the largest value (an integer, `high - low <= 2^32`).
   * @returns A uniform integer in `[low, high)`.
   * @example
   * ```ts
   * import { Generator } from '@torchlet/tensor';
   * const k = new Generator(9).integer(1, 7);
   * k >= 1 && k < 7; // -> true
   * ```
   */
  integer(low: number, high: number): number {
    checkIntRange('integer', low, high);
    return low + this.below(high - low);
  }

  /**
   * A snapshot of the generator state, to restore with {@link Generator.setState}.
   *
   * @returns A copy of the state (four 32-bit words and the seed), for {@link Generator.setState}.
   * @see torch.Generator.get_state
   * @example
   * ```ts
   * import { Generator } from '@torchlet/tensor';
   * const g = new Generator(1);
   * const state = g.getState();
   * const x = g.random();
   * g.setState(state).random() === x; // -> true
   * ```
   */
  getState(): GeneratorState {
    return {
      words: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0],
      seed: this.seed,
      spare: this.hasSpare ? this.spare : null,
    };
  }

  /**
   * Restores a state from {@link Generator.getState}.
   *
   * @param state - A state from {@link Generator.getState}.
   * @see torch.Generator.set_state
   * @example
   * ```ts
   * import { Generator } from '@torchlet/tensor';
   * const a = new Generator(1);
   * const b = new Generator(2).setState(a.getState());
   * a.random() === b.random(); // -> true
   * ```
   */
  setState(state: GeneratorState): this {
    const w = state?.words;
    if (!Array.isArray(w) || w.length !== 4 || w.some((x) => !Number.isInteger(x) || x < 0 || x >= TWO_POW_32)) {
      fail('setState', 'state', 'expected a state from getState() with four 32-bit words');
    }
    if (w.every((x) => x === 0)) fail('setState', 'state', 'the all-zero state is invalid for xoshiro128**');
    [this.s0, this.s1, this.s2, this.s3] = w.map((x) => x | 0);
    this.seed = checkSeed('setState', state.seed);
    this.hasSpare = state.spare !== null && state.spare !== undefined;
    this.spare = this.hasSpare ? Number(state.spare) : 0;
    return this;
  }

  /**
   * Two independent standard normals from two uniform doubles by the Box-Muller transform
   * (the first uniform is taken in `(0, 1]` so its logarithm is finite).
   *
   * @returns Two independent draws from N(0, 1).
   * @example
   * ```ts
   * import { Generator } from '@torchlet/tensor';
   * new Generator(0).boxMuller().length; // -> 2
   * ```
   */
  boxMuller(): [number, number] {
    const u1 = 1 - this.random();
    const u2 = this.random();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = TWO_PI * u2;
    return [r * Math.cos(theta), r * Math.sin(theta)];
  }

  /**
   * A uniform integer in `[0, range)` for an integer `1 <= range <= 2^32`, rejecting the biased
   * tail of the 32-bit draws. Any other range is a TorchletError (never an endless loop).
   *
   * @param range - An integer in `[1, 2^32]`.
   * @returns A uniform integer in `[0, range)`.
   * @example
   * ```ts
   * import { Generator } from '@torchlet/tensor';
   * new Generator(0).below(1); // -> 0
   * ```
   */
  below(range: number): number {
    if (!(Number.isInteger(range) && range >= 1 && range <= TWO_POW_32)) {
      fail('Generator.below', 'range', `range must be an integer from 1 to 2^32, got ${formatValue(range)}`);
    }
    if (range === TWO_POW_32) return this.nextUint32();
    // The largest multiple of range that fits in 2^32; values at or above it are rejected.
    const limit = TWO_POW_32 - (TWO_POW_32 % range);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % range;
  }
}

/**
 * A serialisable snapshot of a {@link Generator} (see `getState`).
 *
 * @example
 * ```ts
 * import { Generator, type GeneratorState } from '@torchlet/tensor';
 * const g = new Generator(1);
 * const state: GeneratorState = g.getState();
 * const first = g.random();
 * g.setState(state).random() === first; // -> true
 * ```
 */
export interface GeneratorState {
  /** The four 32-bit words of the xoshiro128** state. */
  readonly words: readonly number[];
  /** The seed the generator was last seeded with. */
  readonly seed: bigint;
  /** The cached second Box-Muller normal, or `null`. */
  readonly spare: number | null;
}

function checkIntRange(fn: string, low: number, high: number): void {
  if (!Number.isSafeInteger(low)) fail(fn, 'low', `low must be an integer, got ${formatValue(low)}`);
  if (!Number.isSafeInteger(high)) fail(fn, 'high', `high must be an integer, got ${formatValue(high)}`);
  if (low >= high) fail(fn, 'high', `expects 'low' to be less than 'high', but got low=${low} >= high=${high}`);
  if (high - low > TWO_POW_32) fail(fn, 'high', `the range high - low must be at most 2^32, got ${high - low}`);
}

let defaultGen: Generator | undefined;

/**
 * The generator that `rand`, `randn` and `randint` use when no `generator` option is given.
 * Created on first use (no work at import time), seeded with PyTorch's default seed.
 *
 * @returns The generator random functions use when given none.
 * @see torch.default_generator
 * @example
 * ```ts
 * import { defaultGenerator, manualSeed } from '@torchlet/tensor';
 * manualSeed(3);
 * defaultGenerator().initialSeed(); // -> 3n
 * ```
 */
export function defaultGenerator(): Generator {
  defaultGen ??= new Generator();
  return defaultGen;
}

/**
 * Reseeds the default generator, making later `rand`/`randn`/`randint` calls reproducible.
 *
 * @param seed - A non-negative integer below 2^64, as a number or bigint.
 * @returns The default generator, reseeded.
 * @see torch.manual_seed
 * @example
 * ```ts
 * import { manualSeed, rand } from '@torchlet/tensor';
 * manualSeed(0);
 * const a = rand([3]).toArray();
 * manualSeed(0);
 * const b = rand([3]).toArray();
 * JSON.stringify(a) === JSON.stringify(b); // -> true
 * ```
 */
export function manualSeed(seed: Seed): Generator {
  return defaultGenerator().manualSeed(seed);
}

/**
 * Options of {@link rand} and {@link randn}.
 *
 * @example
 * ```ts
 * import { Generator, type RandomOptions, rand } from '@torchlet/tensor';
 * const options: RandomOptions = { dtype: 'float64', generator: new Generator(0) };
 * rand([2], options).dtype; // -> 'float64'
 * ```
 */
export interface RandomOptions {
  /** Element type: `float32` (default) or `float64`. */
  readonly dtype?: DType;
  /** Where the random numbers come from. Default: {@link defaultGenerator}. */
  readonly generator?: Generator;
  /** Where to put the tensor: `'cpu'` (default) or `'webgpu'` (drawn on the CPU, then uploaded). */
  readonly device?: Device;
}

/**
 * Options of {@link randint}.
 *
 * @example
 * ```ts
 * import { Generator, type RandintOptions, randint } from '@torchlet/tensor';
 * const options: RandintOptions = { generator: new Generator(0) };
 * randint(0, 1, [3], options).toArray(); // -> [0, 0, 0]
 * ```
 */
export interface RandintOptions {
  /** Element type. Default `int32` (PyTorch's default is int64: pass `'int64'` for it). */
  readonly dtype?: DType;
  /** Where the random numbers come from. Default: {@link defaultGenerator}. */
  readonly generator?: Generator;
  /** Where to put the tensor: `'cpu'` (default) or `'webgpu'` (drawn on the CPU, then uploaded). */
  readonly device?: Device;
}

function resolveGenerator(fn: string, g: Generator | undefined): Generator {
  if (g === undefined) return defaultGenerator();
  if (!(g instanceof Generator)) fail(fn, 'generator', 'expected a Generator');
  return g;
}

function floatDType(fn: string, dtype: DType | undefined): 'float32' | 'float64' {
  const d = dtype ?? 'float32';
  if (d !== 'float32' && d !== 'float64') {
    fail(fn, 'dtype', `expected a floating dtype (float32 or float64), got ${formatValue(d)}`);
  }
  return d;
}

/**
 * A tensor of uniform random numbers in `[0, 1)`. float32 elements use 24 random bits and
 * float64 elements 53, so neither can round up to 1.
 *
 * Shapes: `shape`.
 *
 * @param shape - The dimension sizes, e.g. `[2, 3]`.
 * @param options - `dtype` (default `'float32'`; float types only) and `generator` (default: the default
 *   generator); see {@link RandomOptions}.
 * @returns A new tensor of uniform values in [0, 1).
 * @see torch.rand
 * @example
 * ```ts
 * import { Generator, rand } from '@torchlet/tensor';
 * const x = rand([2, 3], { generator: new Generator(0) });
 * x.shape; // -> [2, 3]
 * Array.from(x.toTypedArray() as Float32Array).every((v) => v >= 0 && v < 1); // -> true
 * ```
 */
export function rand(shape: Shape, options: RandomOptions = {}): Tensor {
  const s = checkShape('rand', 'shape', shape);
  const dtype = floatDType('rand', options.dtype);
  const g = resolveGenerator('rand', options.generator);
  const n = shapeSize(s);
  const data = allocStorage(dtype, n, 'rand');
  if (dtype === 'float32') for (let i = 0; i < n; i++) data[i] = g.randomFloat32();
  else for (let i = 0; i < n; i++) data[i] = g.random();
  return options.device === undefined ? new Tensor(data, s) : toDevice(new Tensor(data, s), options.device, 'rand');
}

/**
 * A tensor of standard normal random numbers (mean 0, variance 1), by the Box-Muller transform
 * on pairs of uniform doubles.
 *
 * Shapes: `shape`.
 *
 * @param shape - The dimension sizes, e.g. `[2, 3]`.
 * @param options - `dtype` (default `'float32'`; float types only) and `generator` (default: the default
 *   generator); see {@link RandomOptions}.
 * @returns A new tensor of standard normal values.
 * @see torch.randn
 * @example
 * ```ts
 * import { Generator, randn } from '@torchlet/tensor';
 * const w = randn([4, 3, 3], { generator: new Generator(0), dtype: 'float64' });
 * [w.shape, w.dtype]; // -> [[4, 3, 3], 'float64']
 * ```
 */
export function randn(shape: Shape, options: RandomOptions = {}): Tensor {
  const s = checkShape('randn', 'shape', shape);
  const dtype = floatDType('randn', options.dtype);
  const g = resolveGenerator('randn', options.generator);
  const n = shapeSize(s);
  const data = allocStorage(dtype, n, 'randn');
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const [z0, z1] = g.boxMuller();
    data[i] = z0;
    data[i + 1] = z1;
  }
  if (i < n) data[i] = g.boxMuller()[0];
  return options.device === undefined ? new Tensor(data, s) : toDevice(new Tensor(data, s), options.device, 'randn');
}

/**
 * A tensor of uniform random integers in `[low, high)` (each value equally likely, no modulo bias).
 * The default dtype is `int32` (PyTorch's is int64: here `.item()` stays a `number`, and the webgpu
 * device has no 64-bit integers; pass `{ dtype: 'int64' }` for PyTorch's); float dtypes hold the same integers.
 *
 * Shapes: `shape`.
 *
 * @param low - The smallest value (an integer).
 * @param high - One past the largest value.
 * @param shape - The dimension sizes, e.g. `[2, 3]`.
 * @param options - `dtype` (default `'int32'`) and `generator` (default: the default generator); see
 *   {@link RandintOptions}.
 * @returns A new tensor of uniform integers in `[low, high)`.
 * @see torch.randint
 * @example
 * ```ts
 * import { Generator, randint } from '@torchlet/tensor';
 * const k = randint(0, 10, [5], { generator: new Generator(0) });
 * k.dtype; // -> 'int32'
 * Array.from(k.toTypedArray() as Int32Array).every((v) => v >= 0 && v < 10); // -> true
 * ```
 */
export function randint(low: number, high: number, shape: Shape, options: RandintOptions = {}): Tensor {
  checkIntRange('randint', low, high);
  const s = checkShape('randint', 'shape', shape);
  const dtype = options.dtype ?? 'int32';
  if (dtype === 'int32' && (low < -2147483648 || high - 1 > 2147483647)) {
    fail('randint', 'high', `[${low}, ${high}) does not fit in int32`);
  } else if (dtype === 'bool' && (low < 0 || high > 2)) {
    fail('randint', 'high', `[${low}, ${high}) does not fit in bool (expected within [0, 2))`);
  } else if (dtype !== 'int32' && dtype !== 'int64' && dtype !== 'bool' && dtype !== 'float32' && dtype !== 'float64') {
    fail('randint', 'dtype', `unsupported dtype ${formatValue(dtype)}`);
  }
  const g = resolveGenerator('randint', options.generator);
  const n = shapeSize(s);
  const data = allocStorage(dtype, n, 'randint');
  const range = high - low;
  if (data instanceof BigInt64Array) for (let i = 0; i < n; i++) data[i] = BigInt(low + g.below(range));
  else for (let i = 0; i < n; i++) data[i] = low + g.below(range);
  return options.device === undefined ? new Tensor(data, s) : toDevice(new Tensor(data, s), options.device, 'randint');
}
