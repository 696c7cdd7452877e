import { gpuConcat } from './device/gpu-join.js';
import { cpuOnly } from './device/transfer.js';
import { allocStorage, type DType, promoteTypes, type Storage } from './dtype.js';
import { fail, formatShape, formatValue } from './errors.js';
import { broadcastShapes, normalizeDim, shapeSize, shapesEqual } from './shape.js';
import { copyStridedInto } from './strided.js';
import { isTensor, Tensor } from './tensor.js';
import { to } from './views.js';

function checkTensor(fn: string, arg: string, t: unknown): asserts t is Tensor {
  if (!isTensor(t)) fail(fn, arg, `expected a Tensor, got ${formatValue(t)}`);
}

function checkList(fn: string, tensors: readonly Tensor[]): void {
  if (!Array.isArray(tensors)) fail(fn, 'tensors', `expected an array of tensors, got ${typeof tensors}`);
  if (tensors.length === 0) fail(fn, 'tensors', 'expected a non-empty list of tensors');
  for (let i = 0; i < tensors.length; i++) checkTensor(fn, `tensors[${i}]`, tensors[i]);
}

function listShapes(tensors: readonly Tensor[]): string {
  return tensors.map((t) => formatShape(t.shape)).join(', ');
}

/** `t`'s elements in row-major order as `dtype` storage (no copy when already so). */
function contiguousData(t: Tensor, dtype: DType): { data: Storage; offset: number } {
  if (t.dtype === dtype && t.isContiguous()) return { data: t.data, offset: t.offset };
  // int64 storage holds bigints, which typed-array stores do not convert: cast with to()
  if (t.dtype !== dtype && (t.dtype === 'int64' || dtype === 'int64')) return { data: to(t, dtype).data, offset: 0 };
  const out = allocStorage(dtype, t.numel);
  copyStridedInto(t.data, t.shape, t.strides, t.offset, out);
  return { data: out, offset: 0 };
}

/**
 * Concatenates row-major blocks: each part is `(outer, sizes[i], inner)` and lands at
 * `(outer, start_i .. start_i + sizes[i], inner)` of the result. One `set` (a memcpy) per block.
 */
function concatBlocks(
  parts: readonly Tensor[],
  sizes: readonly number[],
  outer: number,
  inner: number,
  outShape: number[],
  dtype: DType,
): Tensor {
  const total = sizes.reduce((x, y) => x + y, 0);
  const out = allocStorage(dtype, shapeSize(outShape));
  const rowOut = total * inner;
  let start = 0;
  for (let i = 0; i < parts.length; i++) {
    const block = sizes[i] * inner;
    if (block > 0) {
      const { data, offset } = contiguousData(parts[i], dtype);
      for (let o = 0; o < outer; o++) {
        const s = offset + o * block;
        out.set(data.subarray(s, s + block) as never, o * rowOut + start * inner);
      }
    }
    start += sizes[i];
  }
  return new Tensor(out, outShape);
}

/**
 * Stacks tensors of equal shapes along a new dimension `dim` (in `[-ndim-1, ndim]`). The result
 * dtype is the promotion of all inputs.
 *
 * Shapes: `n x [...s]` -> `[...s[:dim], n, ...s[dim:]]`.
 *
 * @param tensors - Tensors of one shape and dtype.
 * @param dim - Where the new dimension goes, in `[-ndim - 1, ndim]`. Default `0`.
 * @returns A new tensor with a dimension of size `tensors.length` at `dim`.
 * @see torch.stack
 * @example
 * ```ts
 * import { stack, tensor } from '@torchlet/tensor';
 * const a = tensor([1, 2]);
 * const b = tensor([3, 4]);
 * stack([a, b]).toArray(); // -> [[1, 2], [3, 4]]
 * stack([a, b], 1).toArray(); // -> [[1, 3], [2, 4]]
 * ```
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  checkList('stack', tensors);
  const shape = tensors[0].shape;
  for (let i = 1; i < tensors.length; i++) {
    if (!shapesEqual(tensors[i].shape, shape)) {
      fail(
        'stack',
        'tensors',
        `expects each tensor to be equal size, but got ${formatShape(shape)} at entry 0 and ${formatShape(tensors[i].shape)} at entry ${i} (shapes ${listShapes(tensors)})`,
      );
    }
  }
  const d = normalizeDim('stack', dim, shape.length + 1);
  const dtype = tensors.map((t) => t.dtype).reduce(promoteTypes);
  const outShape = [...shape.slice(0, d), tensors.length, ...shape.slice(d)];
  const outer = shapeSize(shape.slice(0, d));
  const inner = shapeSize(shape.slice(d));
  if (tensors.some((t) => t.gpuBuffer !== null)) {
    return gpuConcat(
      'stack',
      tensors,
      tensors.map(() => 1),
      outer,
      inner,
      outShape,
      dtype,
    );
  }
  return concatBlocks(
    tensors,
    tensors.map(() => 1),
    outer,
    inner,
    outShape,
    dtype,
  );
}

/**
 * Concatenates tensors along an existing dimension `dim`; every other dimension must match.
 * As in PyTorch, 1-D empty tensors (shape `[0]`) are skipped whatever the other shapes. The result
 * dtype is the promotion of all inputs.
 *
 * Shapes: `[...a, n1, ...b]`, `[...a, n2, ...b]` -> `[...a, n1 + n2, ...b]`.
 *
 * @param tensors - Tensors of one dtype and of equal shape except along `dim`.
 * @param dim - The dimension to join along. Default `0`.
 * @returns A new tensor whose `dim` is the sum of the inputs' sizes there.
 * @see torch.cat
 * @example
 * ```ts
 * import { cat, tensor } from '@torchlet/tensor';
 * const a = tensor([[1, 2]]);
 * const b = tensor([[3, 4], [5, 6]]);
 * cat([a, b]).toArray(); // -> [[1, 2], [3, 4], [5, 6]]
 * cat([b, b], 1).shape; // -> [2, 4]
 * ```
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  checkList('cat', tensors);
  const dtype = tensors.map((t) => t.dtype).reduce(promoteTypes);
  tensors.forEach((t, i) => {
    if (t.ndim === 0) fail('cat', 'tensors', `zero-dimensional tensor (at position ${i}) cannot be concatenated`);
  });
  const parts = tensors.filter((t) => !(t.ndim === 1 && t.shape[0] === 0));
  if (parts.length === 0) return new Tensor(allocStorage(dtype, 0), [0]);
  const ref = parts[0];
  const d = normalizeDim('cat', dim, ref.ndim);
  for (const t of parts) {
    if (t.ndim !== ref.ndim) {
      fail(
        'cat',
        'tensors',
        `tensors must have the same number of dimensions: got ${ref.ndim} and ${t.ndim} (shapes ${listShapes(tensors)})`,
      );
    }
    for (let j = 0; j < ref.ndim; j++) {
      if (j !== d && t.shape[j] !== ref.shape[j]) {
        fail(
          'cat',
          'tensors',
          `sizes of tensors must match except in dimension ${d}, but got ${formatShape(ref.shape)} and ${formatShape(t.shape)} (shapes ${listShapes(tensors)})`,
        );
      }
    }
  }
  const sizes = parts.map((t) => t.shape[d]);
  const outShape = [...ref.shape];
  outShape[d] = sizes.reduce((x, y) => x + y, 0);
  const outer = shapeSize(ref.shape.slice(0, d));
  const inner = shapeSize(ref.shape.slice(d + 1));
  if (parts.some((t) => t.gpuBuffer !== null)) return gpuConcat('cat', parts, sizes, outer, inner, outShape, dtype);
  return concatBlocks(parts, sizes, outer, inner, outShape, dtype);
}

function narrowView(t: Tensor, d: number, start: number, length: number): Tensor {
  const shape = [...t.shape];
  shape[d] = length;
  return new Tensor(t.storage, shape, t.strides, t.offset + start * t.strides[d], t.dtype);
}

/**
 * Splits `t` along `dim` into views: chunks of `splitSize` (the last one smaller when the size
 * does not divide), or chunks of the given `sizes`, which must add up to the dimension's size.
 *
 * Shapes: `[..., n, ...]` -> views `[..., s_i, ...]` with `sum(s_i) = n`.
 *
 * @param t - The tensor to split.
 * @param splitSize - The size of each piece (the last may be smaller), or the list of sizes, which must sum to
 *   the size of `dim`.
 * @param dim - The dimension to split along. Default `0`.
 * @returns The pieces, views of `t`.
 * @see torch.split
 * @example
 * ```ts
 * import { arange, split } from '@torchlet/tensor';
 * split(arange(5), 2).map((c) => c.toArray()); // -> [[0, 1], [2, 3], [4]]
 * split(arange(5), [1, 4]).map((c) => c.shape); // -> [[1], [4]]
 * ```
 */
export function split(t: Tensor, splitSize: number | readonly number[], dim = 0): Tensor[] {
  checkTensor('split', 'input', t);
  if (t.ndim === 0) fail('split', 'input', 'split expects at least a 1-dimensional tensor (shape [])');
  const d = normalizeDim('split', dim, t.ndim);
  const n = t.shape[d];
  if (typeof splitSize === 'number') {
    if (!Number.isInteger(splitSize) || splitSize < 0) {
      fail('split', 'splitSize', `expects splitSize to be a non-negative integer, but got ${formatValue(splitSize)}`);
    }
    if (splitSize === 0 && n !== 0) {
      fail(
        'split',
        'splitSize',
        `splitSize can only be 0 if dimension size is 0, but got dimension size of ${n} (shape ${formatShape(t.shape)})`,
      );
    }
    const count = splitSize === 0 ? 1 : Math.max(1, Math.ceil(n / splitSize));
    const out: Tensor[] = [];
    for (let i = 0; i < count; i++) {
      const start = i * splitSize;
      out.push(narrowView(t, d, start, Math.min(splitSize, n - start)));
    }
    return out;
  }
  if (!Array.isArray(splitSize))
    fail('split', 'splitSize', `expected a number or an array of sizes, got ${typeof splitSize}`);
  let total = 0;
  for (const s of splitSize) {
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0) {
      fail('split', 'splitSize', `split sizes must be non-negative integers, but got ${formatShape(splitSize)}`);
    }
    total += s;
  }
  if (total !== n) {
    fail(
      'split',
      'splitSize',
      `expects split sizes to sum exactly to ${n} (input's size at dimension ${d}, shape ${formatShape(t.shape)}), but got split sizes ${formatShape(splitSize)}`,
    );
  }
  const out: Tensor[] = [];
  let start = 0;
  for (const s of splitSize) {
    out.push(narrowView(t, d, start, s));
    start += s;
  }
  return out;
}

/**
 * Splits `t` along `dim` into at most `chunks` views of size `ceil(n / chunks)`, the last one
 * smaller; like PyTorch it can return fewer than `chunks` (size 5 in 4 chunks gives 2, 2, 1).
 *
 * Shapes: `[..., n, ...]` -> views `[..., ceil(n / chunks), ...]` and a smaller last one.
 *
 * @param t - The tensor to split.
 * @param chunks - How many pieces at most (each `ceil(size / chunks)` long).
 * @param dim - The dimension to split along. Default `0`.
 * @returns The pieces, views of `t`.
 * @see torch.chunk
 * @example
 * ```ts
 * import { arange, chunk } from '@torchlet/tensor';
 * chunk(arange(5), 4).map((c) => c.toArray()); // -> [[0, 1], [2, 3], [4]]
 * ```
 */
export function chunk(t: Tensor, chunks: number, dim = 0): Tensor[] {
  checkTensor('chunk', 'input', t);
  if (t.ndim === 0) fail('chunk', 'input', 'chunk expects at least a 1-dimensional tensor (shape [])');
  if (!Number.isInteger(chunks) || chunks <= 0) {
    fail('chunk', 'chunks', `expects chunks to be an integer greater than 0, got: ${chunks}`);
  }
  const d = normalizeDim('chunk', dim, t.ndim);
  const n = t.shape[d];
  // PyTorch: an empty dimension gives `chunks` empty chunks.
  if (n === 0) return split(t, new Array<number>(chunks).fill(0), d);
  return split(t, Math.ceil(n / chunks), d);
}

/**
 * True when both tensors have the same shape and equal values (NaN is never equal; values are
 * compared as numbers whatever the dtypes).
 *
 * @param a - The first tensor.
 * @param b - The second tensor.
 * @returns `true` when both have the same shape and equal values (NaN never equals).
 * @see torch.equal
 * @example
 * ```ts
 * import { equal, tensor } from '@torchlet/tensor';
 * equal(tensor([1, 2]), tensor([1, 2])); // -> true
 * equal(tensor([1, 2]), tensor([[1, 2]])); // -> false
 * ```
 */
export function equal(a: Tensor, b: Tensor): boolean {
  checkTensor('equal', 'input', a);
  checkTensor('equal', 'other', b);
  // a boolean answer needs the values now: the device is read only asynchronously
  if (a.gpuBuffer !== null || b.gpuBuffer !== null) cpuOnly(a.gpuBuffer !== null ? a : b, 'equal');
  if (!shapesEqual(a.shape, b.shape)) return false;
  const n = a.numel;
  const da = contiguousData(a, a.dtype);
  const db = contiguousData(b, b.dtype);
  for (let i = 0; i < n; i++) if (da.data[da.offset + i] !== db.data[db.offset + i]) return false;
  return true;
}

/** Storage strides of `t` broadcast to `shape` (0 along broadcast and missing dimensions). */
function broadcastStrides(t: Tensor, shape: readonly number[]): number[] {
  const nd = shape.length;
  const out = new Array<number>(nd).fill(0);
  for (let i = 0; i < t.ndim; i++) {
    if (t.shape[i] !== 1) out[nd - t.ndim + i] = t.strides[i];
  }
  return out;
}

/**
 * True when every pair of elements satisfies `|a - b| <= atol + rtol * |b|` (shapes broadcast);
 * infinities must match exactly and NaNs count as equal only with `equalNan`. Both tensors must
 * have the same dtype, as in PyTorch.
 *
 * Shapes: `a` and `b` broadcast together.
 *
 * @param a - The computed tensor.
 * @param b - The reference, broadcast against `a`.
 * @param options - `rtol` (default `1e-5`), `atol` (default `1e-8`) and `equalNan` (default `false`).
 * @returns `true` when `|a - b| <= atol + rtol * |b|` everywhere.
 * @see torch.allclose
 * @example
 * ```ts
 * import { allclose, tensor } from '@torchlet/tensor';
 * allclose(tensor([1, 2]), tensor([1, 2.000001])); // -> true
 * allclose(tensor([1, NaN]), tensor([1, NaN]), { equalNan: true }); // -> true
 * allclose(tensor([1, 2]), tensor([1, 2.1])); // -> false
 * ```
 */
export function allclose(
  a: Tensor,
  b: Tensor,
  options: { rtol?: number; atol?: number; equalNan?: boolean } = {},
): boolean {
  checkTensor('allclose', 'input', a);
  checkTensor('allclose', 'other', b);
  if (a.gpuBuffer !== null || b.gpuBuffer !== null) cpuOnly(a.gpuBuffer !== null ? a : b, 'allclose');
  const rtol = options.rtol ?? 1e-5;
  const atol = options.atol ?? 1e-8;
  const equalNan = options.equalNan ?? false;
  if (typeof rtol !== 'number' || rtol < 0 || Number.isNaN(rtol))
    fail('allclose', 'rtol', `rtol must be a non-negative number, got ${formatValue(rtol)}`);
  if (typeof atol !== 'number' || atol < 0 || Number.isNaN(atol))
    fail('allclose', 'atol', `atol must be a non-negative number, got ${formatValue(atol)}`);
  if (a.dtype !== b.dtype) {
    fail(
      'allclose',
      'other',
      `expected both tensors to have the same dtype, but got ${a.dtype} and ${b.dtype} (shapes ${formatShape(a.shape)} and ${formatShape(b.shape)})`,
    );
  }
  const shape = broadcastShapes('allclose', a.shape, b.shape);
  const total = shapeSize(shape);
  if (total === 0) return true;
  const sa = broadcastStrides(a, shape);
  const sb = broadcastStrides(b, shape);
  const da = a.data;
  const db = b.data;
  const nd = shape.length;
  const inner = nd === 0 ? 1 : shape[nd - 1];
  const ia = nd === 0 ? 0 : sa[nd - 1];
  const ib = nd === 0 ? 0 : sb[nd - 1];
  const counter = new Array<number>(Math.max(nd - 1, 0)).fill(0);
  let pa = a.offset;
  let pb = b.offset;
  for (let outer = total / inner; outer > 0; outer--) {
    for (let i = 0, x = pa, y = pb; i < inner; i++, x += ia, y += ib) {
      const va = da[x];
      const vb = db[y];
      // PyTorch's isclose: equal values (including equal infinities) are close; otherwise a
      // finite difference within tolerance.
      if (va === vb) continue;
      if (Number.isNaN(va) || Number.isNaN(vb)) {
        if (equalNan && Number.isNaN(va) && Number.isNaN(vb)) continue;
        return false;
      }
      // Number(): int64 elements are bigints (exact equality was tested above)
      const diff = Math.abs(Number(va) - Number(vb));
      if (!(Number.isFinite(diff) && diff <= atol + Math.abs(rtol * Number(vb)))) return false;
    }
    for (let d = nd - 2; d >= 0; d--) {
      counter[d]++;
      pa += sa[d];
      pb += sb[d];
      if (counter[d] < shape[d]) break;
      pa -= sa[d] * shape[d];
      pb -= sb[d] * shape[d];
      counter[d] = 0;
    }
  }
  return true;
}
