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
 * Nested JS arrays of `bigint`s: what `tensor()` accepts for int64 values beyond 2^53.
 *
 * @example
 * ```ts
 * import { type NestedBigIntArray, tensor } from '@torchlet/tensor';
 * const rows: NestedBigIntArray = [[1n, 2n], [3n, 2n ** 60n]];
 * tensor(rows).dtype; // -> 'int64'
 * ```
 */
export type NestedBigIntArray = bigint | readonly NestedBigIntArray[];

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
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 2]).gpuBuffer; // -> null
   * ```
   */
  readonly gpuBuffer: GpuBuffer | null;
  /**
   * Size of each dimension.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([[1, 2, 3]]).shape; // -> [1, 3]
   * ```
   */
  readonly shape: readonly number[];
  /**
   * Step in `data` between neighbours along each dimension, in elements (may be 0 for expanded dims).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * const x = tensor([[1, 2, 3], [4, 5, 6]]);
   * x.strides; // -> [3, 1]
   * x.t().strides; // -> [1, 3]
   * ```
   */
  readonly strides: readonly number[];
  /**
   * Index in `data` of the first element.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 2, 3]).get('1:').offset; // -> 1
   * ```
   */
  readonly offset: number;
  /**
   * Element type.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 2]).dtype; // -> 'float32'
   * tensor([1, 2], { dtype: 'int32' }).dtype; // -> 'int32'
   * ```
   */
  readonly dtype: DType;

  /**
   * Wraps existing storage without copying. Prefer {@link tensor} or `fromStorage` in user code.
   * `data` is a typed array (a CPU tensor) or a `GpuBuffer` of `@torchlet/webgpu` (a webgpu
   * tensor; `dtype` is then required).
   * @param data - The elements: a typed array (`Float32Array`, `Float64Array`, `Int32Array`, `Uint8Array` for
   *   bool, ...) or a `GpuBuffer`.
   * @param shape - The dimension sizes.
   * @param strides - The step in `data` between neighbours along each dimension. Default: row-major contiguous.
   * @param offset - The index in `data` of the first element. Default `0`.
   * @param dtype - The element type. Default: the typed array's (required for a `GpuBuffer`).
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
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * const d = tensor([1, 2]).data;
   * [d instanceof Float32Array, d.length]; // -> [true, 2]
   * ```
   */
  get data(): Storage {
    const d = this.cpuData;
    if (d === null) return device.cpuOnly(this, 'data');
    return d;
  }

  /**
   * The storage on either device: the typed array, or the GPU buffer (views share it).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * const x = tensor([1, 2]);
   * x.reshape([2, 1]).storage === x.storage; // -> true
   * ```
   */
  get storage(): Storage | GpuBuffer {
    return this.cpuData ?? (this.gpuBuffer as GpuBuffer);
  }

  /**
   * Where the elements live: `'cpu'` (a typed array) or `'webgpu'` (a GPU buffer).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1]).device; // -> 'cpu'
   * ```
   */
  get device(): device.Device {
    return this.cpuData === null ? 'webgpu' : 'cpu';
  }

  /**
   * Number of dimensions.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([[1, 2]]).ndim; // -> 2
   * ```
   */
  get ndim(): number {
    return this.shape.length;
  }

  /**
   * Number of elements.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([[1, 2, 3], [4, 5, 6]]).numel; // -> 6
   * ```
   */
  get numel(): number {
    return shapeSize(this.shape);
  }

  /**
   * How many in-place writes the storage has seen (PyTorch's `_version`).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * const x = tensor([1, 2]);
   * x.addInPlace(1);
   * x.version; // -> 1
   * ```
   */
  get version(): number {
    return versions.get(this.cpuData?.buffer ?? (this.gpuBuffer as GpuBuffer)) ?? 0;
  }

  /**
   * Records an in-place write to this tensor's storage. Called by every in-place operation.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * const x = tensor([1, 2]);
   * const before = x.version;
   * x.bumpVersion();
   * x.version - before; // -> 1
   * ```
   */
  bumpVersion(): void {
    versions.set(this.cpuData?.buffer ?? (this.gpuBuffer as GpuBuffer), this.version + 1);
  }

  /**
   * True when the elements are laid out densely in row-major order from `offset`.
   * @returns `true` for a dense row-major layout (e.g. a fresh tensor), `false` for e.g. a transpose.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * const x = tensor([[1, 2], [3, 4]]);
   * x.isContiguous(); // -> true
   * x.t().isContiguous(); // -> false
   * ```
   */
  isContiguous(): boolean {
    return strided.isContiguousLayout(this.shape, this.strides);
  }

  /**
   * The size of one dimension (negative counts from the end).
   * @param dim - The dimension (negative counts from the end).
   * @returns The size of that dimension.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([[1, 2, 3]]).size(-1); // -> 3
   * ```
   */
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
   * @param target - A dtype (`'float32'`, `'float64'`, `'int32'`, `'bool'`, ...) or a device (`'cpu'`,
   *   `'webgpu'`).
   * @returns The converted or moved tensor (this tensor itself when nothing changes); float to int truncates
   *   toward zero.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * const x = tensor([1.5, -2.5]);
   * x.to('int32').toArray(); // -> [1, -2]
   * x.to('float32') === x; // -> true
   * ```
   */
  to(target: DType | device.Device): Tensor {
    if (target === 'cpu' || target === 'webgpu') return device.toDevice(this, target);
    return views.to(this, target);
  }
  /**
   * A CPU tensor with the same elements: this tensor itself on the CPU, a read-back copy from webgpu.
   * @returns A promise of the CPU tensor.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * const x = tensor([1, 2]);
   * (await x.cpu()) === x; // -> true
   * ```
   */
  cpu(): Promise<Tensor> {
    return device.toCpu(this);
  }
  /**
   * `toArray()` on either device: reads a webgpu tensor back first.
   * @returns A promise of the nested arrays of the elements.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * await tensor([[1, 2]]).toArrayAsync(); // -> [[1, 2]]
   * ```
   */
  async toArrayAsync(): Promise<NestedArray> {
    return (await device.toCpu(this)).toArray();
  }
  /**
   * Gives a webgpu tensor's GPU buffer back to the pool now (every view of it becomes unusable);
   * without it the buffer is given back when the tensor is garbage-collected. No-op on the CPU.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * const x = tensor([1, 2]);
   * x.dispose(); // nothing to free on the CPU
   * x.toArray(); // -> [1, 2]
   * ```
   */
  dispose(): void {
    this.gpuBuffer?.release();
  }
  /**
   * Row-major contiguous version (this tensor itself when already contiguous).
   * @returns This tensor when contiguous, else a contiguous copy.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * const x = tensor([[1, 2], [3, 4]]).t();
   * x.contiguous().isContiguous(); // -> true
   * x.contiguous().toArray(); // -> [[1, 3], [2, 4]]
   * ```
   */
  contiguous(): Tensor {
    return views.contiguous(this);
  }
  /**
   * A contiguous copy with its own storage.
   * @returns A new tensor with its own storage, of this shape and dtype.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * const x = tensor([1, 2]);
   * x.clone().set('0', 9).toArray(); // -> [9, 2]
   * x.toArray(); // -> [1, 2]
   * ```
   */
  clone(): Tensor {
    return views.clone(this);
  }
  /**
   * Nested arrays of the elements, like PyTorch's `tolist()`.
   * @returns Nested arrays of numbers (booleans for bool); a number for a 0-d tensor.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([[1, 2], [3, 4]]).toArray(); // -> [[1, 2], [3, 4]]
   * tensor(5).toArray(); // -> 5
   * ```
   */
  toArray(): NestedArray {
    if (this.cpuData === null) device.cpuOnly(this, 'toArray');
    return strided.toArray(this);
  }
  /**
   * A flat row-major copy of the elements in a typed array of this dtype.
   * @returns A new typed array of the elements in row-major order.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * const flat = tensor([[1, 2], [3, 4]]).t().toTypedArray();
   * [flat instanceof Float32Array, flat.length, flat[1]]; // -> [true, 4, 3]
   * ```
   */
  toTypedArray(): Storage {
    if (this.cpuData === null) device.cpuOnly(this, 'toTypedArray');
    return strided.toTypedArray(this);
  }
  /**
   * The value of a one-element tensor.
   * @returns The only element, as a number; throws when there are several.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([[7]]).item(); // -> 7
   * ```
   */
  item(): number {
    if (this.cpuData === null) device.cpuOnly(this, 'item');
    return strided.item(this);
  }
  /**
   * PyTorch's printed form, e.g. `tensor([[19., 25.],\n        [37., 43.]])`; options as `torch.set_printoptions`.
   * @param options - `precision`, `threshold`, `edgeitems`, `linewidth` and `sciMode`, as
   *   `torch.set_printoptions`. Default: PyTorch's.
   * @returns The printed form, over several lines for a matrix.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 2]).toString(); // -> 'tensor([1., 2.])'
   * tensor([1, 2], { dtype: 'int32' }).toString(); // -> 'tensor([1, 2], dtype=torch.int32)'
   * ```
   */
  toString(options?: print.PrintOptions): string {
    if (this.cpuData === null) device.cpuOnly(this, 'toString');
    return print.formatTensor(this, options);
  }

  // ---- views --------------------------------------------------------------------------------
  /**
   * Same elements in a new shape (`-1` infers one size); a view when the strides allow it.
   * @param shape - The new shape, with as many elements; one entry may be `-1` (inferred).
   * @returns A view when the strides allow it, else a copy.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 2, 3, 4, 5, 6]).reshape([2, -1]).toArray(); // -> [[1, 2, 3], [4, 5, 6]]
   * ```
   */
  reshape(shape: Shape): Tensor {
    return views.reshape(this, shape);
  }
  /**
   * Like `reshape` but never copies: throws when the layout does not allow a view.
   * @param shape - The new shape, with as many elements; one entry may be `-1` (inferred).
   * @returns A view sharing this tensor's storage.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 2, 3, 4]).view([2, 2]).toArray(); // -> [[1, 2], [3, 4]]
   * ```
   */
  view(shape: Shape): Tensor {
    return views.view(this, shape);
  }
  /**
   * Transpose of a tensor with at most 2 dimensions.
   * @returns A view: `[n, m]` for an `[m, n]` matrix; a 0-d or 1-d tensor as is.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([[1, 2], [3, 4]]).t().toArray(); // -> [[1, 3], [2, 4]]
   * ```
   */
  t(): Tensor {
    return views.t(this);
  }
  /**
   * Swaps two dimensions (a view).
   * @param dim0 - The first dimension to swap (negative counts from the end).
   * @param dim1 - The second dimension to swap.
   * @returns A view with the two dimensions swapped.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([[[1, 2, 3]]]).transpose(0, 2).shape; // -> [3, 1, 1]
   * ```
   */
  transpose(dim0: number, dim1: number): Tensor {
    return views.transpose(this, dim0, dim1);
  }
  /**
   * Reorders the dimensions (a view).
   * @param dims - The new order, a permutation of `0..ndim-1`.
   * @returns A view whose dimension `i` is this tensor's dimension `dims[i]`.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([[[1, 2, 3], [4, 5, 6]]]).permute([2, 0, 1]).shape; // -> [3, 1, 2]
   * ```
   */
  permute(dims: readonly number[]): Tensor {
    return views.permute(this, dims);
  }
  /**
   * Broadcasts size-1 dimensions to `shape` without copying (`-1` keeps a size).
   * @param shape - The target shape: size-1 dimensions may grow, `-1` keeps a size, new leading dimensions may
   *   be added.
   * @returns A view of the target shape (stride 0 along the repeated dimensions).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([[1], [2]]).expand([2, 3]).toArray(); // -> [[1, 1, 1], [2, 2, 2]]
   * ```
   */
  expand(shape: Shape): Tensor {
    return views.expand(this, shape);
  }
  /**
   * Removes size-1 dimensions (all, or the given one).
   * @param dim - The dimension(s) to remove when of size 1; omitted: every size-1 dimension.
   * @returns A view without those dimensions.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([[[1, 2]]]).squeeze().shape; // -> [2]
   * tensor([[[1, 2]]]).squeeze(0).shape; // -> [1, 2]
   * ```
   */
  squeeze(dim?: number | readonly number[]): Tensor {
    return views.squeeze(this, dim);
  }
  /**
   * Inserts a size-1 dimension at `dim`.
   * @param dim - Where the new dimension goes, in `[-ndim - 1, ndim]`.
   * @returns A view with one more dimension.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 2]).unsqueeze(1).shape; // -> [2, 1]
   * ```
   */
  unsqueeze(dim: number): Tensor {
    return views.unsqueeze(this, dim);
  }
  /**
   * Flattens dimensions `startDim..endDim` into one.
   * @param startDim - The first dimension to merge. Default `0`.
   * @param endDim - The last dimension to merge. Default `-1`.
   * @returns The merged tensor (a view when possible).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([[[1, 2], [3, 4]]]).flatten(1).shape; // -> [1, 4]
   * ```
   */
  flatten(startDim = 0, endDim = -1): Tensor {
    return views.flatten(this, startDim, endDim);
  }
  /**
   * The slice `start..start+length` of dimension `dim` (a view).
   * @param dim - The dimension to narrow.
   * @param start - The first index kept (negative counts from the end).
   * @param length - How many indices to keep.
   * @returns A view of the slice.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 2, 3, 4]).narrow(0, 1, 2).toArray(); // -> [2, 3]
   * ```
   */
  narrow(dim: number, start: number, length: number): Tensor {
    return views.narrow(this, dim, start, length);
  }
  /**
   * Indexing with NumPy/PyTorch syntax as a view: `x.get(':, 2:6')`, `x.get([null, slice(2, 6)])`.
   * @param index - A string (`':, 2:6'`, `'..., 0'`, `'::2'`), or an array of numbers, `null` (new axis),
   *   slices, `'...'` and index tensors (advanced indexing copies).
   * @returns The indexed region: a view for basic indexing, a copy for advanced indexing.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * const x = tensor([[1, 2, 3], [4, 5, 6]]);
   * x.get(':, 1').toArray(); // -> [2, 5]
   * x.get('1, ::2').toArray(); // -> [4, 6]
   * ```
   */
  get(index: indexing.Index): Tensor {
    return indexing.get(this, index);
  }
  /**
   * Assigns in place into the indexed region: `x.set(':, 2:6', 0)` is PyTorch's `x[:, 2:6] = 0`.
   * @param index - The region, as for {@link Tensor.get}.
   * @param value - A number, boolean or tensor, broadcast to the region's shape and cast to this dtype.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * const x = tensor([[1, 2, 3], [4, 5, 6]]);
   * x.set(':, 0', 0).toArray(); // -> [[0, 2, 3], [0, 5, 6]]
   * ```
   */
  set(index: indexing.Index, value: TensorLike): this {
    indexing.set(this, index, value);
    return this;
  }

  // ---- math ---------------------------------------------------------------------------------
  /**
   * Elementwise `this + other` with broadcasting and type promotion (see {@link add}).
   * @param other - A tensor or number, broadcast against this tensor.
   * @returns A new tensor in the broadcast shape and promoted dtype.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 2]).add(tensor([[10], [20]])).toArray(); // -> [[11, 12], [21, 22]]
   * ```
   */
  add(other: TensorLike): Tensor {
    return elementwise.add(this, other);
  }
  /**
   * Elementwise `this - other` with broadcasting (see {@link sub}).
   * @param other - A tensor or number, broadcast against this tensor.
   * @returns A new tensor in the broadcast shape and promoted dtype.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([5, 7]).sub(2).toArray(); // -> [3, 5]
   * ```
   */
  sub(other: TensorLike): Tensor {
    return elementwise.sub(this, other);
  }
  /**
   * Elementwise `this * other` with broadcasting (see {@link mul}).
   * @param other - A tensor or number, broadcast against this tensor.
   * @returns A new tensor in the broadcast shape and promoted dtype.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([[1, 2], [3, 4]]).mul(tensor([10, 100])).toArray(); // -> [[10, 200], [30, 400]]
   * ```
   */
  mul(other: TensorLike): Tensor {
    return elementwise.mul(this, other);
  }
  /**
   * Elementwise true division; integer inputs give float32 (see {@link div}).
   * @param other - A tensor or number, broadcast against this tensor.
   * @returns A new float tensor in the broadcast shape.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 3], { dtype: 'int32' }).div(2).toArray(); // -> [0.5, 1.5]
   * ```
   */
  div(other: TensorLike): Tensor {
    return elementwise.div(this, other);
  }
  /**
   * Elementwise `this ** exponent` (see {@link pow}).
   * @param exponent - A tensor or number, broadcast against this tensor.
   * @returns A new tensor in the broadcast shape and promoted dtype.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 2, 3]).pow(2).toArray(); // -> [1, 4, 9]
   * ```
   */
  pow(exponent: TensorLike): Tensor {
    return elementwise.pow(this, exponent);
  }
  /**
   * Elementwise maximum with broadcasting; NaN propagates.
   * @param other - A tensor or number, broadcast against this tensor.
   * @returns A new tensor of the larger elements.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 5]).maximum(tensor([3, 2])).toArray(); // -> [3, 5]
   * ```
   */
  maximum(other: TensorLike): Tensor {
    return elementwise.maximum(this, other);
  }
  /**
   * Elementwise minimum with broadcasting; NaN propagates.
   * @param other - A tensor or number, broadcast against this tensor.
   * @returns A new tensor of the smaller elements.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 5]).minimum(tensor([3, 2])).toArray(); // -> [1, 2]
   * ```
   */
  minimum(other: TensorLike): Tensor {
    return elementwise.minimum(this, other);
  }
  /**
   * Elementwise negation; not defined for bool.
   * @returns A new tensor of this shape and dtype.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, -2]).neg().toArray(); // -> [-1, 2]
   * ```
   */
  neg(): Tensor {
    return elementwise.neg(this);
  }
  /**
   * Elementwise absolute value; not defined for bool.
   * @returns A new tensor of this shape and dtype.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([-1, 2]).abs().toArray(); // -> [1, 2]
   * ```
   */
  abs(): Tensor {
    return elementwise.abs(this);
  }
  /**
   * Elementwise `e^x`; int32/bool inputs give float32.
   * @returns A new float tensor of this shape.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([0]).exp().toArray(); // -> [1]
   * tensor([0], { dtype: 'int32' }).exp().dtype; // -> 'float32'
   * ```
   */
  exp(): Tensor {
    return elementwise.exp(this);
  }
  /**
   * Elementwise natural logarithm; int32/bool inputs give float32.
   * @returns A new float tensor of this shape (NaN for negative elements, `-Infinity` for zeros).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1]).log().toArray(); // -> [0]
   * tensor([0]).log().item(); // -> -Infinity
   * ```
   */
  log(): Tensor {
    return elementwise.log(this);
  }
  /**
   * Elementwise square root; int32/bool inputs give float32.
   * @returns A new float tensor of this shape.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([4, 9]).sqrt().toArray(); // -> [2, 3]
   * ```
   */
  sqrt(): Tensor {
    return elementwise.sqrt(this);
  }
  /**
   * Elementwise hyperbolic tangent; int32/bool inputs give float32.
   * @returns A new float tensor of this shape, in (-1, 1).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([0]).tanh().toArray(); // -> [0]
   * ```
   */
  tanh(): Tensor {
    return elementwise.tanh(this);
  }
  /**
   * Elementwise logistic sigmoid `1 / (1 + e^-x)`; int32/bool inputs give float32.
   * @returns A new float tensor of this shape, in (0, 1).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([0]).sigmoid().toArray(); // -> [0.5]
   * ```
   */
  sigmoid(): Tensor {
    return elementwise.sigmoid(this);
  }
  /**
   * Elementwise `max(x, 0)`; not defined for bool.
   * @returns A new tensor of this shape and dtype.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([-1, 0, 2]).relu().toArray(); // -> [0, 0, 2]
   * ```
   */
  relu(): Tensor {
    return elementwise.relu(this);
  }
  /**
   * Clamps into `[min, max]`; at least one bound is required.
   * @param min - The lower bound, or `null`/omitted for none.
   * @param max - The upper bound, or `null`/omitted for none.
   * @returns A new tensor of this shape and dtype.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([-2, 0.5, 3]).clamp(0, 1).toArray(); // -> [0, 0.5, 1]
   * tensor([-2, 3]).clamp(null, 0).toArray(); // -> [-2, 0]
   * ```
   */
  clamp(min?: number | null, max?: number | null): Tensor {
    return elementwise.clamp(this, min, max);
  }
  /**
   * Elementwise `==` as a bool tensor, compared in the promoted dtype.
   * @param other - A tensor or number, broadcast against this tensor.
   * @returns A new bool tensor in the broadcast shape.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 2, 3]).eq(2).toArray(); // -> [false, true, false]
   * ```
   */
  eq(other: TensorLike): Tensor {
    return elementwise.eq(this, other);
  }
  /**
   * Elementwise `!=` as a bool tensor.
   * @param other - A tensor or number, broadcast against this tensor.
   * @returns A new bool tensor in the broadcast shape.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 2, 3]).ne(2).toArray(); // -> [true, false, true]
   * ```
   */
  ne(other: TensorLike): Tensor {
    return elementwise.ne(this, other);
  }
  /**
   * Elementwise `<` as a bool tensor.
   * @param other - A tensor or number, broadcast against this tensor.
   * @returns A new bool tensor in the broadcast shape.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 2, 3]).lt(2).toArray(); // -> [true, false, false]
   * ```
   */
  lt(other: TensorLike): Tensor {
    return elementwise.lt(this, other);
  }
  /**
   * Elementwise `<=` as a bool tensor.
   * @param other - A tensor or number, broadcast against this tensor.
   * @returns A new bool tensor in the broadcast shape.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 2, 3]).le(2).toArray(); // -> [true, true, false]
   * ```
   */
  le(other: TensorLike): Tensor {
    return elementwise.le(this, other);
  }
  /**
   * Elementwise `>` as a bool tensor.
   * @param other - A tensor or number, broadcast against this tensor.
   * @returns A new bool tensor in the broadcast shape.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 2, 3]).gt(2).toArray(); // -> [false, false, true]
   * ```
   */
  gt(other: TensorLike): Tensor {
    return elementwise.gt(this, other);
  }
  /**
   * Elementwise `>=` as a bool tensor.
   * @param other - A tensor or number, broadcast against this tensor.
   * @returns A new bool tensor in the broadcast shape.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 2, 3]).ge(2).toArray(); // -> [false, true, true]
   * ```
   */
  ge(other: TensorLike): Tensor {
    return elementwise.ge(this, other);
  }

  // ---- in place (what optimizers need); each bumps `version` ---------------------------------
  /**
   * `this += alpha * other` in place (PyTorch's `add_`).
   * @param other - A tensor or number, broadcast to this shape.
   * @param alpha - The multiplier of `other`. Default `1`.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * const x = tensor([1, 2]);
   * x.addInPlace(tensor([10, 10]), 0.5).toArray(); // -> [6, 7]
   * ```
   */
  addInPlace(other: TensorLike, alpha = 1): this {
    elementwise.addInPlace(this, other, alpha);
    return this;
  }
  /**
   * `this -= alpha * other` in place (PyTorch's `sub_`).
   * @param other - A tensor or number, broadcast to this shape.
   * @param alpha - The multiplier of `other` (a learning rate in SGD). Default `1`.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * const w = tensor([1, 2]);
   * w.subInPlace(tensor([2, 4]), 0.5).toArray(); // -> [0, 0]
   * ```
   */
  subInPlace(other: TensorLike, alpha = 1): this {
    elementwise.subInPlace(this, other, alpha);
    return this;
  }
  /**
   * `this *= other` in place (PyTorch's `mul_`).
   * @param other - A tensor or number, broadcast to this shape.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 2]).mulInPlace(3).toArray(); // -> [3, 6]
   * ```
   */
  mulInPlace(other: TensorLike): this {
    elementwise.mulInPlace(this, other);
    return this;
  }
  /**
   * `this /= other` in place (PyTorch's `div_`).
   * @param other - A tensor or number, broadcast to this shape.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([3, 6]).divInPlace(3).toArray(); // -> [1, 2]
   * ```
   */
  divInPlace(other: TensorLike): this {
    elementwise.divInPlace(this, other);
    return this;
  }
  /**
   * Copies `src` (broadcast to this shape) into this tensor (PyTorch's `copy_`).
   * @param src - A tensor or number, broadcast to this shape and cast to this dtype.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([[0, 0], [0, 0]]).copyInPlace(tensor([1, 2])).toArray(); // -> [[1, 2], [1, 2]]
   * ```
   */
  copyInPlace(src: TensorLike): this {
    elementwise.copyInPlace(this, src);
    return this;
  }
  /**
   * Sets every element to `value` (PyTorch's `fill_`).
   * @param value - The value every element takes (cast to this dtype).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 2, 3]).fillInPlace(7).toArray(); // -> [7, 7, 7]
   * ```
   */
  fillInPlace(value: number | boolean): this {
    elementwise.copyInPlace(this, value);
    return this;
  }
  /**
   * Sets every element to 0 (PyTorch's `zero_`).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 2, 3]).zeroInPlace().toArray(); // -> [0, 0, 0]
   * ```
   */
  zeroInPlace(): this {
    elementwise.copyInPlace(this, 0);
    return this;
  }

  // ---- reductions ---------------------------------------------------------------------------
  /**
   * Sum over all elements or the given dims (see {@link sum}).
   * @param dims - The dimension or dimensions to reduce; omitted or `null` for all.
   * @param options - `keepdim` (keep reduced dimensions with size 1). Default `false`.
   * @returns A new tensor of sums; integer and bool elements sum exactly in an integer dtype (see {@link sum}).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * const x = tensor([[1, 2], [3, 4]]);
   * x.sum().item(); // -> 10
   * x.sum(0).toArray(); // -> [4, 6]
   * x.sum(1, { keepdim: true }).toArray(); // -> [[3], [7]]
   * ```
   */
  sum(dims?: Dims, options?: ReduceOptions): Tensor {
    return reduce.sum(this, dims, options);
  }
  /**
   * Mean over all elements or the given dims; float tensors only (see {@link mean}).
   * @param dims - The dimension or dimensions to reduce; omitted or `null` for all.
   * @param options - `keepdim` (keep reduced dimensions with size 1). Default `false`.
   * @returns A new tensor of means.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([[1, 2], [3, 4]]).mean(1).toArray(); // -> [1.5, 3.5]
   * ```
   */
  mean(dims?: Dims, options?: ReduceOptions): Tensor {
    return reduce.mean(this, dims, options);
  }
  /**
   * Product over all elements or one dim (see {@link prod}).
   * @param dim - The dimension to reduce; omitted or `null` for all.
   * @param options - `keepdim` (keep the reduced dimension with size 1). Default `false`.
   * @returns A new tensor of products.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([[1, 2], [3, 4]]).prod(1).toArray(); // -> [2, 12]
   * ```
   */
  prod(dim?: number | null, options?: ReduceOptions): Tensor {
    return reduce.prod(this, dim, options);
  }
  /**
   * Maximum over all elements or one dim, values only (see {@link max}); indices come from `argmax`.
   * @param dim - The dimension to reduce; omitted or `null` for all.
   * @param options - `keepdim` (keep the reduced dimension with size 1). Default `false`.
   * @returns A new tensor of maxima (NaN when a reduced slice holds NaN).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * const x = tensor([[1, 5], [7, 2]]);
   * x.max().item(); // -> 7
   * x.max(1).toArray(); // -> [5, 7]
   * ```
   */
  max(dim?: number | null, options?: ReduceOptions): Tensor {
    return reduce.max(this, dim, options);
  }
  /**
   * Minimum over all elements or one dim, values only (see {@link min}).
   * @param dim - The dimension to reduce; omitted or `null` for all.
   * @param options - `keepdim` (keep the reduced dimension with size 1). Default `false`.
   * @returns A new tensor of minima (NaN when a reduced slice holds NaN).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([[1, 5], [7, 2]]).min(0).toArray(); // -> [1, 2]
   * ```
   */
  min(dim?: number | null, options?: ReduceOptions): Tensor {
    return reduce.min(this, dim, options);
  }
  /**
   * int32 index of the first maximum, over all elements (flattened) or one dim.
   * @param dim - The dimension to reduce; omitted or `null`: the index into the flattened tensor.
   * @param options - `keepdim` (keep the reduced dimension with size 1). Default `false`.
   * @returns A new int32 tensor of indices.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * const x = tensor([[1, 5], [7, 2]]);
   * x.argmax().item(); // -> 2
   * x.argmax(1).toArray(); // -> [1, 0]
   * ```
   */
  argmax(dim?: number | null, options?: ReduceOptions): Tensor {
    return reduce.argmax(this, dim, options);
  }
  /**
   * int32 index of the first minimum, over all elements (flattened) or one dim.
   * @param dim - The dimension to reduce; omitted or `null`: the index into the flattened tensor.
   * @param options - `keepdim` (keep the reduced dimension with size 1). Default `false`.
   * @returns A new int32 tensor of indices.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([[1, 5], [7, 2]]).argmin(1).toArray(); // -> [0, 1]
   * ```
   */
  argmin(dim?: number | null, options?: ReduceOptions): Tensor {
    return reduce.argmin(this, dim, options);
  }
  /**
   * Variance with Bessel's correction by default (PyTorch's `var`; see {@link variance}).
   * @param dims - The dimension or dimensions to reduce; omitted or `null` for all.
   * @param options - `correction` (divide by `n - correction`, default `1`) and `keepdim` (default `false`).
   * @returns A new float tensor of variances.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 3]).var().item(); // -> 2
   * tensor([1, 3]).var(null, { correction: 0 }).item(); // -> 1
   * ```
   */
  var(dims?: Dims, options?: VarianceOptions): Tensor {
    return reduce.variance(this, dims, options);
  }
  /**
   * Standard deviation, the square root of {@link variance}.
   * @param dims - The dimension or dimensions to reduce; omitted or `null` for all.
   * @param options - `correction` (divide by `n - correction`, default `1`) and `keepdim` (default `false`).
   * @returns A new float tensor of standard deviations.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([[1, 3], [2, 2]]).std(1, { correction: 0 }).toArray(); // -> [1, 0]
   * ```
   */
  std(dims?: Dims, options?: VarianceOptions): Tensor {
    return reduce.std(this, dims, options);
  }
  /**
   * Running sum along `dim`.
   * @param dim - The dimension to accumulate along (negative counts from the end).
   * @returns A new tensor of this shape.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 2, 3]).cumsum(0).toArray(); // -> [1, 3, 6]
   * ```
   */
  cumsum(dim: number): Tensor {
    return reduce.cumsum(this, dim);
  }
  /**
   * Running product along `dim`.
   * @param dim - The dimension to accumulate along (negative counts from the end).
   * @returns A new tensor of this shape.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 2, 3]).cumprod(0).toArray(); // -> [1, 2, 6]
   * ```
   */
  cumprod(dim: number): Tensor {
    return reduce.cumprod(this, dim);
  }

  // ---- structure ----------------------------------------------------------------------------
  /**
   * Lower triangle of the last two dims (a copy).
   * @param diagonal - The last diagonal kept: `0` the main one, positive above, negative below. Default `0`.
   * @returns A new tensor of this shape with the elements above that diagonal zeroed.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([[1, 2], [3, 4]]).tril().toArray(); // -> [[1, 0], [3, 4]]
   * ```
   */
  tril(diagonal = 0): Tensor {
    return structure.tril(this, diagonal);
  }
  /**
   * Upper triangle of the last two dims (a copy).
   * @param diagonal - The first diagonal kept: `0` the main one, positive above, negative below. Default `0`.
   * @returns A new tensor of this shape with the elements below that diagonal zeroed.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([[1, 2], [3, 4]]).triu(1).toArray(); // -> [[0, 2], [0, 0]]
   * ```
   */
  triu(diagonal = 0): Tensor {
    return structure.triu(this, diagonal);
  }
  /**
   * A copy with the given dims reversed (convolution = cross-correlation with a flipped kernel).
   * @param dims - The dimension or dimensions to reverse.
   * @returns A new tensor of this shape.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([[1, 2], [3, 4]]).flip([0, 1]).toArray(); // -> [[4, 3], [2, 1]]
   * ```
   */
  flip(dims: number | readonly number[]): Tensor {
    return structure.flip(this, dims);
  }
  /**
   * A copy with elements rolled along dims (flattened when no dims are given).
   * @param shifts - How far to shift, one per dimension in `dims` (positive moves elements to higher indices).
   * @param dims - The dimensions to roll; omitted: the flattened elements are rolled.
   * @returns A new tensor of this shape.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 2, 3]).roll(1).toArray(); // -> [3, 1, 2]
   * tensor([[1, 2], [3, 4]]).roll(1, 0).toArray(); // -> [[3, 4], [1, 2]]
   * ```
   */
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
    return structure.roll(this, shifts, dims);
  }

  // ---- linear algebra and joining -------------------------------------------------------------
  /**
   * Matrix product with PyTorch rules: 1-D, 2-D and batched with broadcast batch dims.
   * @param other - The right operand: `[n]`, `[k, p]` or a batch `[..., k, p]`.
   * @returns A new tensor: the product, with 1-D operands' added dimensions removed again.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([[1, 2], [3, 4]]).matmul(tensor([1, 1])).toArray(); // -> [3, 7]
   * ```
   */
  matmul(other: Tensor): Tensor {
    return linalg.matmul(this, other);
  }
  /**
   * Product of two 2-D matrices.
   * @param other - A matrix `[k, p]`; this tensor is `[m, k]`.
   * @returns A new tensor `[m, p]`.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([[1, 2]]).mm(tensor([[3], [4]])).toArray(); // -> [[11]]
   * ```
   */
  mm(other: Tensor): Tensor {
    return linalg.mm(this, other);
  }
  /**
   * Dot product of two 1-D tensors, as a 0-d tensor.
   * @param other - A vector of this tensor's length.
   * @returns A new 0-d tensor.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 2]).dot(tensor([3, 4])).item(); // -> 11
   * ```
   */
  dot(other: Tensor): Tensor {
    return linalg.dot(this, other);
  }
  /**
   * Views of consecutive pieces along `dim`, each `splitSize` long (or the given sizes).
   * @param splitSize - The size of each piece (the last may be smaller), or the list of sizes.
   * @param dim - The dimension to split along. Default `0`.
   * @returns The pieces, views of this tensor.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 2, 3, 4, 5]).split(2).map((p) => p.toArray()); // -> [[1, 2], [3, 4], [5]]
   * tensor([1, 2, 3, 4, 5]).split([1, 4]).map((p) => p.shape); // -> [[1], [4]]
   * ```
   */
  split(splitSize: number | readonly number[], dim = 0): Tensor[] {
    return join.split(this, splitSize, dim);
  }
  /**
   * Views of `chunks` nearly equal pieces along `dim`.
   * @param chunks - How many pieces at most (each `ceil(size / chunks)` long).
   * @param dim - The dimension to split along. Default `0`.
   * @returns The pieces, views of this tensor.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 2, 3, 4, 5, 6]).chunk(3).map((p) => p.toArray()); // -> [[1, 2], [3, 4], [5, 6]]
   * ```
   */
  chunk(chunks: number, dim = 0): Tensor[] {
    return join.chunk(this, chunks, dim);
  }
  /**
   * True when both have the same shape and the same values.
   * @param other - The tensor to compare with.
   * @returns `true` when the shapes and all values are equal (NaN never equals).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 2]).equal(tensor([1, 2])); // -> true
   * tensor([1, 2]).equal(tensor([[1, 2]])); // -> false
   * ```
   */
  equal(other: Tensor): boolean {
    return join.equal(this, other);
  }
  /**
   * True when every element satisfies `|a - b| <= atol + rtol * |b|` (broadcasting).
   * @param other - The tensor to compare with, broadcast against this one.
   * @param options - `rtol` (default `1e-5`), `atol` (default `1e-8`) and `equalNan` (default `false`).
   * @returns `true` when every pair of elements is close.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * tensor([1, 2]).allclose(tensor([1, 2.000001])); // -> true
   * tensor([1, 2]).allclose(tensor([1, 2.1])); // -> false
   * ```
   */
  allclose(other: Tensor, options?: { rtol?: number; atol?: number; equalNan?: boolean }): boolean {
    return join.allclose(this, other, options);
  }
}

/**
 * Brand check for tensors that works across package copies (use instead of `instanceof`).
 *
 * @param x - Any value.
 * @returns `true` when `x` is a torchlet Tensor.
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
