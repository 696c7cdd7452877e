import { gpuCast, gpuUnary } from './device/gpu-elementwise.js';
import { gpuCopyWords } from './device/gpu-structure.js';
import { allocStorage, DTYPES, type DType, type Storage } from './dtype.js';
import { fail, formatShape, formatValue } from './errors.js';
import { int64ToFloat32, numberToInt64 } from './int64.js';
import { normalizeDim, type Shape, shapeSize } from './shape.js';
import { copyStridedInto } from './strided.js';
import { isTensor, Tensor } from './tensor.js';

// Views share `data` and only change shape, strides and offset; the copies (`to`, `clone`,
// `contiguous` of a strided view) produce a fresh row-major tensor.

/** Rejects a non-tensor where a tensor goes (before anything reads its fields). */
function checkTensor(fn: string, x: unknown, arg = 'input'): asserts x is Tensor {
  if (!isTensor(x)) fail(fn, arg, `expected a tensor, got ${formatValue(x)}`);
}

/** Rejects a shape argument that is not an array (before anything iterates it). */
function checkList(fn: string, arg: string, x: unknown): void {
  if (!Array.isArray(x)) fail(fn, arg, `expected an array, got ${formatValue(x)}`);
}

/** A view of `t`'s storage with a new layout (same dtype). */
function viewOf(t: Tensor, shape: Shape, strides: readonly number[], offset: number): Tensor {
  return new Tensor(t.storage, shape, strides, offset, t.dtype);
}

/** The elements of `t` in row-major order, as a typed array of `t`'s own dtype (no copy when contiguous). */
function rowMajorElements(t: Tensor): Storage {
  const n = t.numel;
  if (t.isContiguous()) return t.data.subarray(t.offset, t.offset + n);
  const out = allocStorage(t.dtype, n);
  copyStridedInto(t.data, t.shape, t.strides, t.offset, out);
  return out;
}

/**
 * Converts row-major `src` elements into new storage of `dtype`, as a PyTorch cast does:
 * bool means "non-zero" (NaN is true), float to int32 truncates toward zero, and values an int32
 * cannot hold (NaN, +-Infinity, out of range) become -2147483648 as on x86 CPUs (int64: -2^63);
 * int64 to int32 keeps the low 32 bits, int64 to float rounds once to nearest.
 */
export function convertElements(src: Storage, dtype: DType): Storage {
  const n = src.length;
  const out = allocStorage(dtype, n);
  const fromFloat = src instanceof Float32Array || src instanceof Float64Array;
  if (src instanceof BigInt64Array) {
    if (out instanceof BigInt64Array) out.set(src);
    else if (dtype === 'bool') for (let i = 0; i < n; i++) out[i] = src[i] !== 0n ? 1 : 0;
    else if (dtype === 'int32') for (let i = 0; i < n; i++) out[i] = Number(BigInt.asIntN(32, src[i]));
    else if (dtype === 'float32') for (let i = 0; i < n; i++) out[i] = int64ToFloat32(src[i]);
    else for (let i = 0; i < n; i++) out[i] = Number(src[i]);
  } else if (out instanceof BigInt64Array) {
    if (fromFloat) for (let i = 0; i < n; i++) out[i] = numberToInt64(src[i]);
    else for (let i = 0; i < n; i++) out[i] = BigInt(src[i]);
  } else if (dtype === 'bool') {
    for (let i = 0; i < n; i++) out[i] = src[i] !== 0 ? 1 : 0;
  } else if (dtype === 'int32' && fromFloat) {
    for (let i = 0; i < n; i++) {
      const v = src[i];
      out[i] = v > -2147483649 && v < 2147483648 ? v : -2147483648;
    }
  } else {
    // int/bool -> anything and float -> float: the typed-array store converts exactly (float64 -> float32 rounds once)
    out.set(src as never);
  }
  return out;
}

/**
 * A copy of `t` with elements converted to `dtype`; `t` itself when it already has that dtype.
 * Float to int32 or int64 truncates toward zero (NaN, infinities and values out of range become
 * the type's minimum, as PyTorch on x86); int64 to int32 keeps the low 32 bits (wraps); anything
 * to bool tests non-zero (NaN is true).
 *
 * Shapes: same as `t`.
 *
 * @param t - The tensor to convert.
 * @param dtype - The element type to convert to.
 * @returns `t` itself when it already has that dtype, else a converted copy (float to integer truncates toward
 *   zero).
 * @see torch.Tensor.to
 * @example
 * ```ts
 * import { tensor, to } from '@torchlet/tensor';
 * to(tensor([1.7, -1.7, 0]), 'int32').toArray(); // -> [1, -1, 0]
 * to(tensor([0.5, 0]), 'bool').toArray(); // -> [true, false]
 * to(tensor([2n ** 32n + 5n]), 'int32').toArray(); // -> [5]
 * ```
 */
export function to(t: Tensor, dtype: DType): Tensor {
  checkTensor('to', t);

  if (!DTYPES.includes(dtype)) {
    fail('to', 'dtype', `unsupported dtype '${String(dtype)}' (expected one of ${DTYPES.join(', ')})`);
  }
  if (t.dtype === dtype) return t;
  if (t.gpuBuffer !== null) return gpuCast('to', t, dtype);
  return new Tensor(convertElements(rowMajorElements(t), dtype), t.shape, undefined, 0, dtype);
}

/**
 * A copy of `t` with its own row-major storage (always copies).
 *
 * Shapes: same as `t`.
 *
 * @param t - The tensor to copy.
 * @returns A new contiguous tensor with its own storage.
 * @see torch.clone
 * @example
 * ```ts
 * import { clone, tensor } from '@torchlet/tensor';
 * const x = tensor([[1, 2], [3, 4]]);
 * const y = clone(x.t());
 * y.data === x.data; // -> false
 * Array.from(y.data, Number); // -> [1, 3, 2, 4]
 * ```
 */
export function clone(t: Tensor): Tensor {
  checkTensor('clone', t);
  // int32 words must not pass through a float copy (small integers are float denormals)
  if (t.gpuBuffer !== null) return t.dtype === 'int32' ? gpuCopyWords(t) : gpuUnary('copy', t);
  const out = allocStorage(t.dtype, t.numel);
  if (t.isContiguous()) out.set(t.data.subarray(t.offset, t.offset + out.length) as never);
  else copyStridedInto(t.data, t.shape, t.strides, t.offset, out);
  return new Tensor(out, t.shape, undefined, 0, t.dtype);
}

/**
 * `t` itself when its elements are already row-major contiguous, otherwise a row-major copy.
 *
 * Shapes: same as `t`.
 *
 * @param t - Any tensor.
 * @returns `t` when row-major contiguous, else a contiguous copy.
 * @see torch.Tensor.contiguous
 * @example
 * ```ts
 * import { contiguous, tensor } from '@torchlet/tensor';
 * const x = tensor([[1, 2], [3, 4]]);
 * contiguous(x) === x; // -> true
 * contiguous(x.t()).strides; // -> [2, 1]
 * ```
 */
export function contiguous(t: Tensor): Tensor {
  checkTensor('contiguous', t);

  return t.isContiguous() ? t : clone(t);
}

/** Checks a requested shape and fills in its single `-1` from `numel` (PyTorch's `infer_size`). */
function inferShape(fn: string, shape: Shape, numel: number, input: Shape): number[] {
  if (!Array.isArray(shape)) fail(fn, 'shape', `expected an array of sizes, got ${String(shape)}`);
  let inferred = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const s = shape[i];
    if (s === -1) {
      if (inferred >= 0) fail(fn, 'shape', `only one dimension can be inferred (shape ${formatShape(shape)})`);
      inferred = i;
    } else if (typeof s !== 'number' || !Number.isInteger(s) || s < 0) {
      fail(fn, 'shape', `invalid shape dimension ${String(s)} (shape ${formatShape(shape)})`);
    } else {
      known *= s;
    }
  }
  const out = [...shape];
  const invalid = (): never =>
    fail(
      fn,
      'shape',
      `shape ${formatShape(shape)} is invalid for input of size ${numel} (input ${formatShape(input)})`,
    );
  if (inferred >= 0) {
    if (known === 0) {
      if (numel === 0) {
        fail(
          fn,
          'shape',
          `cannot reshape tensor of 0 elements into shape ${formatShape(shape)} because the unspecified dimension size -1 can be any value and is ambiguous`,
        );
      }
      invalid();
    }
    if (numel % known !== 0) invalid();
    out[inferred] = numel / known;
  } else if (known !== numel) {
    invalid();
  }
  return out;
}

/**
 * The strides that view `oldShape`/`oldStrides` as `newShape` without copying, or `null` when
 * the layout makes that impossible. A port of PyTorch's `at::detail::computeStride`: the old
 * dimensions are split into chunks that are contiguous with each other, and every new dimension
 * must fall inside one chunk.
 */
export function computeViewStrides(oldShape: Shape, oldStrides: readonly number[], newShape: Shape): number[] | null {
  const newStrides = new Array<number>(newShape.length);
  if (oldShape.length === 0) return newStrides.fill(1);
  const numel = shapeSize(oldShape);
  if (numel === 0) {
    // strides are arbitrary for empty tensors: keep them when the shape is unchanged, else row-major
    if (oldShape.length === newShape.length && oldShape.every((s, i) => s === newShape[i])) return [...oldStrides];
    for (let d = newShape.length - 1; d >= 0; d--) {
      newStrides[d] = d === newShape.length - 1 ? 1 : Math.max(newShape[d + 1], 1) * newStrides[d + 1];
    }
    return newStrides;
  }
  let viewD = newShape.length - 1;
  let chunkBaseStride = oldStrides[oldStrides.length - 1];
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let tensorD = oldShape.length - 1; tensorD >= 0; tensorD--) {
    tensorNumel *= oldShape[tensorD];
    // at the end of a contiguous chunk of old dimensions, lay the new dimensions over it
    if (tensorD === 0 || (oldShape[tensorD - 1] !== 1 && oldStrides[tensorD - 1] !== tensorNumel * chunkBaseStride)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBaseStride;
        viewNumel *= newShape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (tensorD > 0) {
        chunkBaseStride = oldStrides[tensorD - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  return viewD === -1 ? newStrides : null;
}

/**
 * The same elements in a new shape; one size may be `-1` (inferred). A view sharing storage when
 * the strides allow it (always for contiguous input), otherwise a row-major copy.
 *
 * Shapes: `t` with `numel` elements -> `shape` (with `-1` filled in), `shapeSize(shape) == numel`.
 *
 * @param t - The tensor to reshape.
 * @param shape - The new shape, with as many elements; one entry may be `-1` (inferred).
 * @returns A view when the strides allow it, else a copy.
 * @see torch.reshape
 * @example
 * ```ts
 * import { arange, reshape } from '@torchlet/tensor';
 * const x = arange(6);
 * reshape(x, [2, -1]).toArray(); // -> [[0, 1, 2], [3, 4, 5]]
 * reshape(x, [3, 2]).data === x.data; // -> true
 * ```
 */
export function reshape(t: Tensor, shape: Shape): Tensor {
  checkTensor('reshape', t);
  checkList('reshape', 'shape', shape);

  const newShape = inferShape('reshape', shape, t.numel, t.shape);
  const strides = computeViewStrides(t.shape, t.strides, newShape);
  if (strides) return viewOf(t, newShape, strides, t.offset);
  return new Tensor(clone(t).storage, newShape, undefined, 0, t.dtype);
}

/**
 * Like {@link reshape} but never copies: throws when the strides of `t` cannot express the new
 * shape (e.g. flattening a transposed matrix); use `reshape` there.
 *
 * Shapes: `t` with `numel` elements -> `shape` (with `-1` filled in).
 *
 * @param t - The tensor to view.
 * @param shape - The new shape, with as many elements; one entry may be `-1` (inferred).
 * @returns A view sharing `t`'s storage; a layout that allows none is a `TorchletError`.
 * @see torch.Tensor.view
 * @example
 * ```ts
 * import { arange, view } from '@torchlet/tensor';
 * view(arange(6), [3, -1]).shape; // -> [3, 2]
 * let message = '';
 * try { view(arange(6).reshape([2, 3]).t(), [6]); } catch (e) { message = (e as Error).message; }
 * message.endsWith('Use .reshape(...) instead.'); // -> true
 * ```
 */
export function view(t: Tensor, shape: Shape): Tensor {
  checkTensor('view', t);
  checkList('view', 'shape', shape);

  const newShape = inferShape('view', shape, t.numel, t.shape);
  const strides = computeViewStrides(t.shape, t.strides, newShape);
  if (!strides) {
    fail(
      'view',
      'shape',
      `view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces): input ${formatShape(t.shape)} with strides ${formatShape(t.strides)}, view ${formatShape(newShape)}. Use .reshape(...) instead.`,
    );
  }
  return viewOf(t, newShape, strides, t.offset);
}

/**
 * Swaps dimensions `dim0` and `dim1` (negative counts from the end); a view.
 *
 * Shapes: `[..., a, ..., b, ...]` -> `[..., b, ..., a, ...]`.
 *
 * @param t - The tensor.
 * @param dim0 - The first dimension to swap.
 * @param dim1 - The second dimension to swap.
 * @returns A view with the two dimensions swapped.
 * @see torch.transpose
 * @example
 * ```ts
 * import { transpose, zeros } from '@torchlet/tensor';
 * transpose(zeros([2, 3, 4]), 0, -1).shape; // -> [4, 3, 2]
 * ```
 */
export function transpose(t: Tensor, dim0: number, dim1: number): Tensor {
  checkTensor('transpose', t);

  const d0 = normalizeDim('transpose', dim0, t.ndim, 'dim0');
  const d1 = normalizeDim('transpose', dim1, t.ndim, 'dim1');
  const shape = [...t.shape];
  const strides = [...t.strides];
  if (d0 !== d1) {
    [shape[d0], shape[d1]] = [shape[d1], shape[d0]];
    [strides[d0], strides[d1]] = [strides[d1], strides[d0]];
  }
  return viewOf(t, shape, strides, t.offset);
}

/**
 * Transpose of a tensor with at most 2 dimensions (0-D and 1-D tensors come back as they are); a view.
 *
 * Shapes: `[m, n]` -> `[n, m]`; `[n]` -> `[n]`; `[]` -> `[]`.
 *
 * @param x - A tensor of at most 2 dimensions.
 * @returns The transpose, a view (0-d and 1-d tensors as they are).
 * @see torch.t
 * @example
 * ```ts
 * import { t, tensor } from '@torchlet/tensor';
 * t(tensor([[1, 2, 3]])).toArray(); // -> [[1], [2], [3]]
 * ```
 */
export function t(x: Tensor): Tensor {
  checkTensor('t', x);

  if (x.ndim > 2) {
    fail(
      't',
      'self',
      `t() expects a tensor with <= 2 dimensions, but self is ${x.ndim}D (input ${formatShape(x.shape)})`,
    );
  }
  return x.ndim === 2 ? transpose(x, 0, 1) : viewOf(x, x.shape, x.strides, x.offset);
}

/**
 * Reorders the dimensions: dimension `i` of the result is dimension `dims[i]` of `t`; a view.
 *
 * Shapes: `[s0, ..., s(n-1)]` -> `[s(dims[0]), ..., s(dims[n-1])]`.
 *
 * @param t - The tensor.
 * @param dims - The new order of the dimensions, a permutation of `0..ndim-1`.
 * @returns A view with the dimensions reordered.
 * @see torch.permute
 * @example
 * ```ts
 * import { permute, zeros } from '@torchlet/tensor';
 * permute(zeros([2, 3, 4]), [2, 0, 1]).shape; // -> [4, 2, 3]
 * ```
 */
export function permute(t: Tensor, dims: readonly number[]): Tensor {
  checkTensor('permute', t);
  checkList('permute', 'dims', dims);

  if (!Array.isArray(dims)) fail('permute', 'dims', `expected an array of dimensions, got ${String(dims)}`);
  if (dims.length !== t.ndim) {
    fail(
      'permute',
      'dims',
      `number of dims ${formatShape(dims)} (${dims.length}) does not match the number of dimensions of the input (${t.ndim}) (input ${formatShape(t.shape)})`,
    );
  }
  const seen = new Array<boolean>(t.ndim).fill(false);
  const shape = new Array<number>(t.ndim);
  const strides = new Array<number>(t.ndim);
  for (let i = 0; i < dims.length; i++) {
    const d = normalizeDim('permute', dims[i], t.ndim, 'dims');
    if (seen[d]) fail('permute', 'dims', `duplicate dims are not allowed (dims ${formatShape(dims)})`);
    seen[d] = true;
    shape[i] = t.shape[d];
    strides[i] = t.strides[d];
  }
  return viewOf(t, shape, strides, t.offset);
}

/**
 * Broadcasts size-1 dimensions (and new leading dimensions) to `shape` without copying: the
 * expanded dimensions get stride 0. `-1` keeps the existing size.
 *
 * Shapes: `t.shape` (right-aligned) -> `shape`, each size of `t` equal to the target or 1.
 *
 * @param t - The tensor.
 * @param shape - The target shape: size-1 dimensions may grow, `-1` keeps a size, new leading dimensions may be
 *   added.
 * @returns A view of the target shape (stride 0 along repeated dimensions).
 * @see torch.Tensor.expand
 * @example
 * ```ts
 * import { expand, tensor } from '@torchlet/tensor';
 * const x = expand(tensor([[1], [2]]), [2, -1, 3]);
 * x.shape; // -> [2, 2, 3]
 * x.strides; // -> [0, 1, 0]
 * ```
 */
export function expand(t: Tensor, shape: Shape): Tensor {
  checkTensor('expand', t);
  checkList('expand', 'shape', shape);

  if (!Array.isArray(shape)) fail('expand', 'shape', `expected an array of sizes, got ${String(shape)}`);
  const ndim = shape.length;
  const tdim = t.ndim;
  // Built only when an error is thrown: expand runs on every broadcast in autograd's hot paths.
  const where = (): string => `(target ${formatShape(shape)}, input ${formatShape(t.shape)})`;
  if (ndim < tdim) {
    fail(
      'expand',
      'shape',
      `the number of sizes provided (${ndim}) must be greater or equal to the number of dimensions in the tensor (${tdim}) ${where()}`,
    );
  }
  const outShape = new Array<number>(ndim);
  const outStrides = new Array<number>(ndim);
  for (let i = ndim - 1; i >= 0; i--) {
    const dim = tdim - ndim + i;
    let size = dim >= 0 ? t.shape[dim] : 1;
    let stride = dim >= 0 ? t.strides[dim] : i + 1 < ndim ? outShape[i + 1] * outStrides[i + 1] : 1;
    let target = shape[i];
    if (typeof target !== 'number' || !Number.isInteger(target) || target < -1) {
      fail('expand', 'shape', `invalid size ${String(target)} at dimension ${i} ${where()}`);
    }
    if (target === -1) {
      if (dim < 0) {
        fail(
          'expand',
          'shape',
          `the expanded size -1 isn't allowed in a leading, non-existing dimension ${i} ${where()}`,
        );
      }
      target = size;
    }
    if (size !== target) {
      if (size !== 1) {
        fail(
          'expand',
          'shape',
          `the expanded size of the tensor (${target}) must match the existing size (${size}) at non-singleton dimension ${i} ${where()}`,
        );
      }
      size = target;
      stride = 0;
    }
    outShape[i] = size;
    outStrides[i] = stride;
  }
  return viewOf(t, outShape, outStrides, t.offset);
}

/**
 * Removes size-1 dimensions: all of them, or only `dim` (one or several) when given. A dimension
 * named in `dim` whose size is not 1 stays, as in PyTorch. A view.
 *
 * Shapes: `[2, 1, 3, 1]` -> `[2, 3]`; with `dim = 1` -> `[2, 3, 1]`.
 *
 * @param t - The tensor.
 * @param dim - The dimension(s) to remove when of size 1; omitted: every size-1 dimension.
 * @returns A view without those dimensions.
 * @see torch.squeeze
 * @example
 * ```ts
 * import { squeeze, zeros } from '@torchlet/tensor';
 * squeeze(zeros([2, 1, 3, 1])).shape; // -> [2, 3]
 * squeeze(zeros([2, 1, 3, 1]), 1).shape; // -> [2, 3, 1]
 * ```
 */
export function squeeze(t: Tensor, dim?: number | readonly number[]): Tensor {
  checkTensor('squeeze', t);

  const drop = new Array<boolean>(t.ndim).fill(false);
  if (dim === undefined || dim === null) {
    for (let d = 0; d < t.ndim; d++) drop[d] = t.shape[d] === 1;
  } else {
    if (typeof dim !== 'number') checkList('squeeze', 'dim', dim);
    for (const one of typeof dim === 'number' ? [dim] : dim) {
      const d = normalizeDim('squeeze', one, t.ndim);
      if (t.ndim > 0 && t.shape[d] === 1) drop[d] = true;
    }
  }
  const shape: number[] = [];
  const strides: number[] = [];
  for (let d = 0; d < t.ndim; d++) {
    if (drop[d]) continue;
    shape.push(t.shape[d]);
    strides.push(t.strides[d]);
  }
  return viewOf(t, shape, strides, t.offset);
}

/**
 * Inserts a size-1 dimension at position `dim`, in `[-ndim-1, ndim]`; a view.
 *
 * Shapes: `[2, 3]` with `dim = 1` -> `[2, 1, 3]`; with `dim = -1` -> `[2, 3, 1]`.
 *
 * @param t - The tensor.
 * @param dim - Where the new size-1 dimension goes, in `[-ndim - 1, ndim]`.
 * @returns A view with one more dimension.
 * @see torch.unsqueeze
 * @example
 * ```ts
 * import { unsqueeze, zeros } from '@torchlet/tensor';
 * unsqueeze(zeros([2, 3]), 1).shape; // -> [2, 1, 3]
 * unsqueeze(zeros([2, 3]), -1).shape; // -> [2, 3, 1]
 * ```
 */
export function unsqueeze(t: Tensor, dim: number): Tensor {
  checkTensor('unsqueeze', t);

  const d = normalizeDim('unsqueeze', dim, t.ndim + 1);
  const shape = [...t.shape];
  const strides = [...t.strides];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d >= t.ndim ? 1 : t.shape[d] * t.strides[d]);
  return viewOf(t, shape, strides, t.offset);
}

/**
 * Merges dimensions `startDim..endDim` (inclusive, negative counts from the end) into one, like
 * `reshape`: a view when the strides allow it, else a copy. A 0-D tensor becomes shape `[1]`.
 *
 * Shapes: `[2, 3, 4, 5]` with `startDim = 1, endDim = 2` -> `[2, 12, 5]`; defaults give `[120]`.
 *
 * @param t - The tensor.
 * @param startDim - The first dimension to merge. Default `0`.
 * @param endDim - The last dimension to merge. Default `-1`.
 * @returns `t` with those dimensions merged (a view when possible).
 * @see torch.flatten
 * @example
 * ```ts
 * import { flatten, zeros } from '@torchlet/tensor';
 * flatten(zeros([2, 3, 4, 5])).shape; // -> [120]
 * flatten(zeros([2, 3, 4, 5]), 1, 2).shape; // -> [2, 12, 5]
 * ```
 */
export function flatten(t: Tensor, startDim = 0, endDim = -1): Tensor {
  checkTensor('flatten', t);

  if (t.ndim === 0) return reshape(t, [1]);
  const s = normalizeDim('flatten', startDim, t.ndim, 'startDim');
  const e = normalizeDim('flatten', endDim, t.ndim, 'endDim');
  if (s > e) {
    fail(
      'flatten',
      'startDim',
      `startDim cannot come after endDim (startDim ${startDim}, endDim ${endDim}, input ${formatShape(t.shape)})`,
    );
  }
  if (s === e) return t;
  let merged = 1;
  for (let d = s; d <= e; d++) merged *= t.shape[d];
  return reshape(t, [...t.shape.slice(0, s), merged, ...t.shape.slice(e + 1)]);
}

/**
 * The elements `start .. start+length-1` along dimension `dim` (a negative `start` counts from
 * the end); a view.
 *
 * Shapes: `[..., n, ...]` -> `[..., length, ...]`, with `start + length <= n`.
 *
 * @param t - The tensor.
 * @param dim - The dimension to narrow.
 * @param start - The first index kept (negative counts from the end).
 * @param length - How many indices to keep.
 * @returns A view of the slice.
 * @see torch.narrow
 * @example
 * ```ts
 * import { arange, narrow } from '@torchlet/tensor';
 * narrow(arange(6).reshape([2, 3]), 1, 1, 2).toArray(); // -> [[1, 2], [4, 5]]
 * ```
 */
export function narrow(t: Tensor, dim: number, start: number, length: number): Tensor {
  checkTensor('narrow', t);

  if (t.ndim === 0) fail('narrow', 'self', 'narrow() cannot be applied to a 0-dim tensor');
  const d = normalizeDim('narrow', dim, t.ndim);
  const size = t.shape[d];
  if (!Number.isInteger(start) || start < -size || start > size) {
    fail(
      'narrow',
      'start',
      `start out of range (expected to be in range of [${-size}, ${size}], but got ${start}) (input ${formatShape(t.shape)}, dim ${d})`,
    );
  }
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(length) || length < 0) {
    fail('narrow', 'length', `length must be a non-negative integer, got ${length}`);
  }
  if (s + length > size) {
    fail(
      'narrow',
      'length',
      `start (${s}) + length (${length}) exceeds dimension size (${size}) (input ${formatShape(t.shape)}, dim ${d})`,
    );
  }
  const shape = [...t.shape];
  shape[d] = length;
  return viewOf(t, shape, t.strides, t.offset + s * t.strides[d]);
}
