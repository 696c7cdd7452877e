import { GpuBuffer } from '@torchlet/webgpu';
import * as device from './device/transfer.js';
import { type DType, dtypeOfStorage, type Storage } from './dtype.js';
import * as elementwise from './elementwise.js';
import { fail, formatValue } from './errors.js';
import * as indexing from './indexing.js';
import * as join from './join.js';
import * as linalg from './linalg.js';
import * as print from './print.js';
import * as reduce from './reduce.js';
import { contiguousStrides, type Shape, shapeSize } from './shape.js';
import { assertSingleCopy } from './single-copy.js';
import * as strided from './strided.js';
import * as structure from './structure.js';
import * as views from './views.js';

/**
 * A tensor, a number or a boolean: what every math function accepts as an operand.
 *
 * @example
 * ```ts
 * import { type TensorLike, add, tensor } from '@torchlet/tensor';
 * const operand: TensorLike = 2;
 * add(tensor([1, 2]), operand).toArray(); // -> [3, 4]
 * ```
 */
export type TensorLike = Tensor | number | boolean;

/**
 * Nested JS arrays of numbers or booleans, as `toArray()` returns and `tensor()` accepts.
 *
 * @example
 * ```ts
 * import { type NestedArray, tensor } from '@torchlet/tensor';
 * const rows: NestedArray = [[1, 2], [3, 4]];
 * tensor(rows).shape; // -> [2, 2]
 * ```
 */
export type NestedArray = number | boolean | readonly NestedArray[];

/**
 * Options of reductions over a dimension.
 *
 * @example
 * ```ts
 * import { type ReduceOptions, tensor } from '@torchlet/tensor';
 * const options: ReduceOptions = { keepdim: true };
 * tensor([[1, 2], [3, 4]]).sum(1, options).shape; // -> [2, 1]
 * ```
 */
export interface ReduceOptions {
  /** Keep the reduced dimensions with size 1 (PyTorch's `keepdim`). Default `false`. */
  readonly keepdim?: boolean;
}

/**
 * Options of `var` and `std`.
 *
 * @example
 * ```ts
 * import { type VarianceOptions, tensor } from '@torchlet/tensor';
 * const population: VarianceOptions = { correction: 0 };
 * tensor([1, 3]).var(null, population).item(); // -> 1
 * ```
 */
export interface VarianceOptions extends ReduceOptions {
  /** Bessel's correction: divide by `n - correction`. Default `1`, as PyTorch. */
  readonly correction?: number;
}

/**
 * Which dimensions a reduction runs over: one, several, or all when omitted/null.
 *
 * @example
 * ```ts
 * import { type Dims, ones } from '@torchlet/tensor';
 * const dims: Dims = [0, 2];
 * ones([2, 3, 4]).sum(dims).toArray(); // -> [8, 8, 8]
 * ```
 */
export type Dims = number | readonly number[] | null | undefined;

const TENSOR_BRAND = Symbol.for('torchlet.tensor');

/** A plain (packed) array copy of a shape or strides: an indexed loop, cheaper than spreading through the iterator protocol. */
function copyArray(a: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) out.push(a[i]);
  return out;
}

// The in-place version counter lives with the storage, so every view of the same data sees it
// (autograd uses it to detect tensors modified after being saved for backward).
// On the webgpu device the key is the GpuBuffer, the storage object itself.
const versions = new WeakMap<object, number>();

/**
 * An n-dimensional array: a typed-array storage viewed through a shape, strides and an offset.
 * Views (reshape, transpose, slicing, expand, ...) share storage; `contiguous()` and `clone()` copy.
 *
 * Shapes: any; a 0-d tensor (shape `[]`) holds one scalar.
 *
 * @see torch.Tensor
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * x.shape; // -> [2, 3]
 * x.t().toArray(); // -> [[1, 4], [2, 5], [3, 6]]
 * ```
 */
export class Tensor {
  // The storage: exactly one of the two is non-null (a typed array on the CPU, a GPU buffer on webgpu).
  private readonly cpuData: Storage | null;
  /**
   * The WebGPU buffer holding the elements when {@link Tensor.device} is `'webgpu'` (shared between
   * views, float32 words; bool as 0/1), `null` on the CPU. For kernels of the layers above.
   */
  readonly gpuBuffer: GpuBuffer | null;
  /** Size of each dimension. */
  readonly shape: readonly number[];
  /** Step in `data` between neighbours along each dimension, in elements (may be 0 for expanded dims). */
  readonly strides: readonly number[];
  /** Index in `data` of the first element. */
  readonly offset: number;
  /** Element type. */
  readonly dtype: DType;

  /**
   * Wraps existing storage without copying. Prefer {@link tensor} or `fromStorage` in user code.
   * `data` is a typed array (a CPU tensor) or a `GpuBuffer` of `@torchlet/webgpu` (a webgpu
   * tensor; `dtype` is then required).
   */
  constructor(data: Storage | GpuBuffer, shape: Shape, strides?: readonly number[], offset = 0, dtype?: DType) {
    // Cheap checks only (every op builds tensors here); fromStorage checks a layout in full.
    const onCpu = ArrayBuffer.isView(data);
    if (
      !(onCpu || (data instanceof GpuBuffer && dtype !== undefined)) ||
      !Array.isArray(shape) ||
      (strides !== undefined && !Array.isArray(strides))
    ) {
      fail(
        'Tensor',
        'data',
        `expected a typed array (or a GpuBuffer with a dtype) and a shape array, got ${formatValue(data)} and ${formatValue(shape)}`,
      );
    }
    this.cpuData = onCpu ? (data as Storage) : null;
    this.gpuBuffer = onCpu ? null : (data as GpuBuffer);
    this.shape = Object.freeze(copyArray(shape));
    this.strides = Object.freeze(strides ? copyArray(strides) : contiguousStrides(shape));
    this.offset = offset;
    this.dtype = dtype ?? dtypeOfStorage(data as Storage);
    assertSingleCopy(); // one boolean test after the first tensor
  }

  /** Brand used by {@link isTensor}, so packages recognise tensors without `instanceof`. */
  get [TENSOR_BRAND](): true {
    return true;
  }

  /**
   * The typed array holding the elements (shared between views). A tensor on the `webgpu` device
   * has none: reading it throws a `TorchletError` saying to `await x.cpu()` first.
   */
  get data(): Storage {
    const d = this.cpuData;
    if (d === null) return device.cpuOnly(this, 'data');
    return d;
  }

  /** The storage on either device: the typed array, or the GPU buffer (views share it). */
  get storage(): Storage | GpuBuffer {
    return this.cpuData ?? (this.gpuBuffer as GpuBuffer);
  }

  /** Where the elements live: `'cpu'` (a typed array) or `'webgpu'` (a GPU buffer). */
  get device(): device.Device {
    return this.cpuData === null ? 'webgpu' : 'cpu';
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  get numel(): number {
    return shapeSize(this.shape);
  }

  /** How many in-place writes the storage has seen (PyTorch's `_version`). */
  get version(): number {
    return versions.get(this.cpuData?.buffer ?? (this.gpuBuffer as GpuBuffer)) ?? 0;
  }

  /** Records an in-place write to this tensor's storage. Called by every in-place operation. */
  bumpVersion(): void {
    versions.set(this.cpuData?.buffer ?? (this.gpuBuffer as GpuBuffer), this.version + 1);
  }

  /** True when the elements are laid out densely in row-major order from `offset`. */
  isContiguous(): boolean {
    return strided.isContiguousLayout(this.shape, this.strides);
  }

  /** The size of one dimension (negative counts from the end). */
  size(dim: number): number {
    const d = dim < 0 ? dim + this.ndim : dim;
    if (typeof dim !== 'number' || !Number.isInteger(dim) || d < 0 || d >= this.ndim) {
      fail(
        'size',
        'dim',
        `dimension out of range (expected to be in range of [${-this.ndim}, ${this.ndim - 1}], but got ${formatValue(dim)})`,
      );
    }
    return this.shape[d];
  }

  // ---- conversion -------------------------------------------------------------------------
  /**
   * A copy with elements converted to `dtype` (this tensor itself when already that dtype), or
   * the tensor moved to a device: `to('webgpu')` uploads (WebGPU must be ready: `await
   * initWebGPU()`); a webgpu tensor comes back with `await x.cpu()`, since reading the GPU is
   * asynchronous (`to('cpu')` on it throws saying so).
   */
  to(target: DType | device.Device): Tensor {
    if (target === 'cpu' || target === 'webgpu') return device.toDevice(this, target);
    return views.to(this, target);
  }
  /** A CPU tensor with the same elements: this tensor itself on the CPU, a read-back copy from webgpu. */
  cpu(): Promise<Tensor> {
    return device.toCpu(this);
  }
  /** `toArray()` on either device: reads a webgpu tensor back first. */
  async toArrayAsync(): Promise<NestedArray> {
    return (await device.toCpu(this)).toArray();
  }
  /**
   * Gives a webgpu tensor's GPU buffer back to the pool now (every view of it becomes unusable);
   * without it the buffer is given back when the tensor is garbage-collected. No-op on the CPU.
   */
  dispose(): void {
    this.gpuBuffer?.release();
  }
  /** Row-major contiguous version (this tensor itself when already contiguous). */
  contiguous(): Tensor {
    return views.contiguous(this);
  }
  /** A contiguous copy with its own storage. */
  clone(): Tensor {
    return views.clone(this);
  }
  /** Nested arrays of the elements, like PyTorch's `tolist()`. */
  toArray(): NestedArray {
    if (this.cpuData === null) device.cpuOnly(this, 'toArray');
    return strided.toArray(this);
  }
  /** A flat row-major copy of the elements in a typed array of this dtype. */
  toTypedArray(): Storage {
    if (this.cpuData === null) device.cpuOnly(this, 'toTypedArray');
    return strided.toTypedArray(this);
  }
  /** The value of a one-element tensor. */
  item(): number {
    if (this.cpuData === null) device.cpuOnly(this, 'item');
    return strided.item(this);
  }
  /** PyTorch's printed form, e.g. `tensor([[19., 25.],\n        [37., 43.]])`; options as `torch.set_printoptions`. */
  toString(options?: print.PrintOptions): string {
    if (this.cpuData === null) device.cpuOnly(this, 'toString');
    return print.formatTensor(this, options);
  }

  // ---- views --------------------------------------------------------------------------------
  /** Same elements in a new shape (`-1` infers one size); a view when the strides allow it. */
  reshape(shape: Shape): Tensor {
    return views.reshape(this, shape);
  }
  /** Like `reshape` but never copies: throws when the layout does not allow a view. */
  view(shape: Shape): Tensor {
    return views.view(this, shape);
  }
  /** Transpose of a tensor with at most 2 dimensions. */
  t(): Tensor {
    return views.t(this);
  }
  /** Swaps two dimensions (a view). */
  transpose(dim0: number, dim1: number): Tensor {
    return views.transpose(this, dim0, dim1);
  }
  /** Reorders the dimensions (a view). */
  permute(dims: readonly number[]): Tensor {
    return views.permute(this, dims);
  }
  /** Broadcasts size-1 dimensions to `shape` without copying (`-1` keeps a size). */
  expand(shape: Shape): Tensor {
    return views.expand(this, shape);
  }
  /** Removes size-1 dimensions (all, or the given one). */
  squeeze(dim?: number | readonly number[]): Tensor {
    return views.squeeze(this, dim);
  }
  /** Inserts a size-1 dimension at `dim`. */
  unsqueeze(dim: number): Tensor {
    return views.unsqueeze(this, dim);
  }
  /** Flattens dimensions `startDim..endDim` into one. */
  flatten(startDim = 0, endDim = -1): Tensor {
    return views.flatten(this, startDim, endDim);
  }
  /** The slice `start..start+length` of dimension `dim` (a view). */
  narrow(dim: number, start: number, length: number): Tensor {
    return views.narrow(this, dim, start, length);
  }
  /** Indexing with NumPy/PyTorch syntax as a view: `x.get(':, 2:6')`, `x.get([null, slice(2, 6)])`. */
  get(index: indexing.Index): Tensor {
    return indexing.get(this, index);
  }
  /** Assigns in place into the indexed region: `x.set(':, 2:6', 0)` is PyTorch's `x[:, 2:6] = 0`. */
  set(index: indexing.Index, value: TensorLike): this {
    indexing.set(this, index, value);
    return this;
  }

  // ---- math ---------------------------------------------------------------------------------
  /** Elementwise `this + other` with broadcasting and type promotion (see {@link add}). */
  add(other: TensorLike): Tensor {
    return elementwise.add(this, other);
  }
  /** Elementwise `this - other` with broadcasting (see {@link sub}). */
  sub(other: TensorLike): Tensor {
    return elementwise.sub(this, other);
  }
  /** Elementwise `this * other` with broadcasting (see {@link mul}). */
  mul(other: TensorLike): Tensor {
    return elementwise.mul(this, other);
  }
  /** Elementwise true division; integer inputs give float32 (see {@link div}). */
  div(other: TensorLike): Tensor {
    return elementwise.div(this, other);
  }
  /** Elementwise `this ** exponent` (see {@link pow}). */
  pow(exponent: TensorLike): Tensor {
    return elementwise.pow(this, exponent);
  }
  /** Elementwise maximum with broadcasting; NaN propagates. */
  maximum(other: TensorLike): Tensor {
    return elementwise.maximum(this, other);
  }
  /** Elementwise minimum with broadcasting; NaN propagates. */
  minimum(other: TensorLike): Tensor {
    return elementwise.minimum(this, other);
  }
  /** Elementwise negation; not defined for bool. */
  neg(): Tensor {
    return elementwise.neg(this);
  }
  /** Elementwise absolute value; not defined for bool. */
  abs(): Tensor {
    return elementwise.abs(this);
  }
  /** Elementwise `e^x`; int32/bool inputs give float32. */
  exp(): Tensor {
    return elementwise.exp(this);
  }
  /** Elementwise natural logarithm; int32/bool inputs give float32. */
  log(): Tensor {
    return elementwise.log(this);
  }
  /** Elementwise square root; int32/bool inputs give float32. */
  sqrt(): Tensor {
    return elementwise.sqrt(this);
  }
  /** Elementwise hyperbolic tangent; int32/bool inputs give float32. */
  tanh(): Tensor {
    return elementwise.tanh(this);
  }
  /** Elementwise logistic sigmoid `1 / (1 + e^-x)`; int32/bool inputs give float32. */
  sigmoid(): Tensor {
    return elementwise.sigmoid(this);
  }
  /** Elementwise `max(x, 0)`; not defined for bool. */
  relu(): Tensor {
    return elementwise.relu(this);
  }
  /** Clamps into `[min, max]`; at least one bound is required. */
  clamp(min?: number | null, max?: number | null): Tensor {
    return elementwise.clamp(this, min, max);
  }
  /** Elementwise `==` as a bool tensor, compared in the promoted dtype. */
  eq(other: TensorLike): Tensor {
    return elementwise.eq(this, other);
  }
  /** Elementwise `!=` as a bool tensor. */
  ne(other: TensorLike): Tensor {
    return elementwise.ne(this, other);
  }
  /** Elementwise `<` as a bool tensor. */
  lt(other: TensorLike): Tensor {
    return elementwise.lt(this, other);
  }
  /** Elementwise `<=` as a bool tensor. */
  le(other: TensorLike): Tensor {
    return elementwise.le(this, other);
  }
  /** Elementwise `>` as a bool tensor. */
  gt(other: TensorLike): Tensor {
    return elementwise.gt(this, other);
  }
  /** Elementwise `>=` as a bool tensor. */
  ge(other: TensorLike): Tensor {
    return elementwise.ge(this, other);
  }

  // ---- in place (what optimizers need); each bumps `version` ---------------------------------
  /** `this += alpha * other` in place (PyTorch's `add_`). */
  addInPlace(other: TensorLike, alpha = 1): this {
    elementwise.addInPlace(this, other, alpha);
    return this;
  }
  /** `this -= alpha * other` in place (PyTorch's `sub_`). */
  subInPlace(other: TensorLike, alpha = 1): this {
    elementwise.subInPlace(this, other, alpha);
    return this;
  }
  /** `this *= other` in place (PyTorch's `mul_`). */
  mulInPlace(other: TensorLike): this {
    elementwise.mulInPlace(this, other);
    return this;
  }
  /** `this /= other` in place (PyTorch's `div_`). */
  divInPlace(other: TensorLike): this {
    elementwise.divInPlace(this, other);
    return this;
  }
  /** Copies `src` (broadcast to this shape) into this tensor (PyTorch's `copy_`). */
  copyInPlace(src: TensorLike): this {
    elementwise.copyInPlace(this, src);
    return this;
  }
  /** Sets every element to `value` (PyTorch's `fill_`). */
  fillInPlace(value: number | boolean): this {
    elementwise.copyInPlace(this, value);
    return this;
  }
  /** Sets every element to 0 (PyTorch's `zero_`). */
  zeroInPlace(): this {
    elementwise.copyInPlace(this, 0);
    return this;
  }

  // ---- reductions ---------------------------------------------------------------------------
  /** Sum over all elements or the given dims (see {@link sum}). */
  sum(dims?: Dims, options?: ReduceOptions): Tensor {
    return reduce.sum(this, dims, options);
  }
  /** Mean over all elements or the given dims; float tensors only (see {@link mean}). */
  mean(dims?: Dims, options?: ReduceOptions): Tensor {
    return reduce.mean(this, dims, options);
  }
  /** Product over all elements or one dim (see {@link prod}). */
  prod(dim?: number | null, options?: ReduceOptions): Tensor {
    return reduce.prod(this, dim, options);
  }
  /** Maximum over all elements or one dim, values only (see {@link max}); indices come from `argmax`. */
  max(dim?: number | null, options?: ReduceOptions): Tensor {
    return reduce.max(this, dim, options);
  }
  /** Minimum over all elements or one dim, values only (see {@link min}). */
  min(dim?: number | null, options?: ReduceOptions): Tensor {
    return reduce.min(this, dim, options);
  }
  /** int32 index of the first maximum, over all elements (flattened) or one dim. */
  argmax(dim?: number | null, options?: ReduceOptions): Tensor {
    return reduce.argmax(this, dim, options);
  }
  /** int32 index of the first minimum, over all elements (flattened) or one dim. */
  argmin(dim?: number | null, options?: ReduceOptions): Tensor {
    return reduce.argmin(this, dim, options);
  }
  /** Variance with Bessel's correction by default (PyTorch's `var`; see {@link variance}). */
  var(dims?: Dims, options?: VarianceOptions): Tensor {
    return reduce.variance(this, dims, options);
  }
  /** Standard deviation, the square root of {@link variance}. */
  std(dims?: Dims, options?: VarianceOptions): Tensor {
    return reduce.std(this, dims, options);
  }
  /** Running sum along `dim`. */
  cumsum(dim: number): Tensor {
    return reduce.cumsum(this, dim);
  }
  /** Running product along `dim`. */
  cumprod(dim: number): Tensor {
    return reduce.cumprod(this, dim);
  }

  // ---- structure ----------------------------------------------------------------------------
  /** Lower triangle of the last two dims (a copy). */
  tril(diagonal = 0): Tensor {
    return structure.tril(this, diagonal);
  }
  /** Upper triangle of the last two dims (a copy). */
  triu(diagonal = 0): Tensor {
    return structure.triu(this, diagonal);
  }
  /** A copy with the given dims reversed (convolution = cross-correlation with a flipped kernel). */
  flip(dims: number | readonly number[]): Tensor {
    return structure.flip(this, dims);
  }
  /** A copy with elements rolled along dims (flattened when no dims are given). */
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
    return structure.roll(this, shifts, dims);
  }

  // ---- linear algebra and joining -------------------------------------------------------------
  /** Matrix product with PyTorch rules: 1-D, 2-D and batched with broadcast batch dims. */
  matmul(other: Tensor): Tensor {
    return linalg.matmul(this, other);
  }
  /** Product of two 2-D matrices. */
  mm(other: Tensor): Tensor {
    return linalg.mm(this, other);
  }
  /** Dot product of two 1-D tensors, as a 0-d tensor. */
  dot(other: Tensor): Tensor {
    return linalg.dot(this, other);
  }
  /** Views of consecutive pieces along `dim`, each `splitSize` long (or the given sizes). */
  split(splitSize: number | readonly number[], dim = 0): Tensor[] {
    return join.split(this, splitSize, dim);
  }
  /** Views of `chunks` nearly equal pieces along `dim`. */
  chunk(chunks: number, dim = 0): Tensor[] {
    return join.chunk(this, chunks, dim);
  }
  /** True when both have the same shape and the same values. */
  equal(other: Tensor): boolean {
    return join.equal(this, other);
  }
  /** True when every element satisfies `|a - b| <= atol + rtol * |b|` (broadcasting). */
  allclose(other: Tensor, options?: { rtol?: number; atol?: number; equalNan?: boolean }): boolean {
    return join.allclose(this, other, options);
  }
}

/**
 * Brand check for tensors that works across package copies (use instead of `instanceof`).
 *
 * @example
 * ```ts
 * import { isTensor, zeros } from '@torchlet/tensor';
 * isTensor(zeros([2])); // -> true
 * isTensor([1, 2]); // -> false
 * ```
 */
export function isTensor(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[TENSOR_BRAND] === true;
}
