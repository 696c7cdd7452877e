import { wasmTranspose } from '@torchlet/kernels';
import { allocStorage, checkNumel, type Storage } from './dtype.js';
import { fail, formatShape, formatValue } from './errors.js';
import { getBackend } from './gemm.js';
import { int64ToNumber } from './int64.js';
import type { Shape } from './shape.js';
import { checkShape, shapeSize } from './shape.js';
import type { NestedArray, Tensor } from './tensor.js';

/**
 * True when `strides` are the row-major strides of `shape` (size-1 dimensions may have any stride).
 *
 * @param shape - The dimension sizes.
 * @param strides - The step between neighbours along each dimension, in elements.
 * @returns `true` for a dense row-major layout (size-1 dimensions may have any stride).
 * @example
 * ```ts
 * import { isContiguousLayout } from '@torchlet/tensor';
 * isContiguousLayout([2, 3], [3, 1]); // -> true
 * isContiguousLayout([2, 3], [1, 2]); // -> false
 * ```
 */
export function isContiguousLayout(shape: Shape, strides: readonly number[]): boolean {
  if (!Array.isArray(shape) || !Array.isArray(strides)) {
    fail(
      'isContiguousLayout',
      'shape',
      `expected arrays of sizes and strides, got ${formatValue(shape)} and ${formatValue(strides)}`,
    );
  }
  // An empty tensor is contiguous whatever its strides, as in PyTorch.
  for (let i = 0; i < shape.length; i++) if (shape[i] === 0) return true;
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue;
    if (strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

/**
 * Copies the elements of a strided view into `out` in row-major order.
 *
 * Dimensions that are contiguous with each other are merged first (and size-1 ones dropped), so a
 * contiguous block is one flat loop. When the last (merged) dimension has a larger stride than the
 * one before it, as in `x.t()`, the last two dimensions are copied in tiles (eight output rows at a
 * time, 16 columns per tile), so the strided reads reuse each cache line instead of touching one
 * line per element; and a float32 or int32 transpose (`x.t()` or `x.transpose(-1, -2)` of contiguous data) large enough
 * to pay for the copies in and out runs in `@torchlet/kernels`' WebAssembly SIMD transposer
 * (`wasmTranspose`: the same values, moved as bits) unless `setBackend('js')`.
 *
 * @param src - The storage to read.
 * @param shape - The shape of the view.
 * @param strides - The view's strides, in elements.
 * @param offset - The index in `src` of the view's first element.
 * @param out - Receives the elements in row-major order (an array-like of the same element kind).
 * @param outOffset - The index in `out` to start writing at. Default `0`.
 * @example
 * ```ts
 * import { copyStridedInto, tensor } from '@torchlet/tensor';
 * const x = tensor([[1, 2], [3, 4]]).t();
 * const out = new Float32Array(4);
 * copyStridedInto(x.data, x.shape, x.strides, x.offset, out);
 * Array.from(out); // -> [1, 3, 2, 4]
 * ```
 */
export function copyStridedInto(
  src: ArrayLike<number | bigint>,
  shape: Shape,
  strides: readonly number[],
  offset: number,
  out: { [i: number]: number | bigint; length: number },
  outOffset = 0,
): void {
  checkRawLayout('copyStridedInto', shape, strides, offset);
  if (src === null || typeof src !== 'object' || out === null || typeof out !== 'object') {
    fail(
      'copyStridedInto',
      'src',
      `expected array-likes for src and out, got ${formatValue(src)} and ${formatValue(out)}`,
    );
  }
  const total = shapeSize(shape);
  if (total === 0) return;
  const { shape: cs, strides: ss } = coalesceLayout(shape, strides);
  const ndim = cs.length;
  if (ndim === 0) {
    out[outOffset] = src[offset];
    return;
  }
  // The last dimension has the larger stride (a transpose): tiles.
  if (ndim >= 2 && ss[ndim - 1] !== 1 && Math.abs(ss[ndim - 1]) > Math.abs(ss[ndim - 2])) {
    if (wasmTransposeInto(src, cs, ss, offset, out, outOffset, total)) return;
    copyTiled(src, cs, ss, offset, out, outOffset, total);
    return;
  }
  const inner = cs[ndim - 1];
  const innerStride = ss[ndim - 1];
  const outerCount = total / inner;
  const counter = new Array<number>(ndim - 1).fill(0);
  let base = offset;
  let o = outOffset;
  for (let outer = 0; outer < outerCount; outer++) {
    if (innerStride === 1) {
      for (let i = 0; i < inner; i++) out[o + i] = src[base + i];
    } else {
      for (let i = 0, s = base; i < inner; i++, s += innerStride) out[o + i] = src[s];
    }
    o += inner;
    // advance the odometer over the outer dimensions
    for (let d = ndim - 2; d >= 0; d--) {
      counter[d]++;
      base += ss[d];
      if (counter[d] < cs[d]) break;
      base -= ss[d] * cs[d];
      counter[d] = 0;
    }
  }
}

/**
 * The same layout with size-1 dimensions dropped and each dimension merged into the next when
 * they are contiguous with each other (`strides[d] = strides[d + 1] * shape[d + 1]`), as PyTorch's
 * TensorIterator coalesces. Row-major order of the elements is unchanged. Assumes no size-0 dim.
 */
function coalesceLayout(shape: Shape, strides: readonly number[]): { shape: number[]; strides: number[] } {
  const cs: number[] = [];
  const ss: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = cs.length - 1;
    if (last >= 0 && ss[last] === strides[d] * shape[d]) {
      cs[last] *= shape[d];
      ss[last] = strides[d];
    } else {
      cs.push(shape[d]);
      ss.push(strides[d]);
    }
  }
  return { shape: cs, strides: ss };
}

// Under setBackend('auto'), transposes of at least this many elements run in WebAssembly. Below it
// the JavaScript tiles win: the copies in and out and the call cost more than they save (measured:
// 0.9x at 16x16, 1.3x at 32x32, 1.5-3x beyond; [1000,1000].t(): 0.18 ms against 0.7 ms for the copy
// itself, to which a fresh 4 MB result adds its page faults).
const WASM_TRANSPOSE_MIN_ELEMENTS = 1 << 10;

/**
 * The WebAssembly path of {@link copyStridedInto}: when the last two (coalesced) dimensions
 * `[p, q]` have strides `[1, p]` (each matrix is the transpose of a dense `[q, p]` block), both
 * arrays are float32 or both int32, the backend allows it and the copy is large enough. Outer
 * dimensions become the kernel's batch (the one just before the pair) and a loop. Returns false
 * when the JavaScript loops must run (they then write all of `out`).
 */
function wasmTransposeInto(
  src: ArrayLike<number | bigint>,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  out: { [i: number]: number | bigint; length: number },
  outOffset: number,
  total: number,
): boolean {
  const ndim = shape.length;
  const p = shape[ndim - 2];
  const q = shape[ndim - 1];
  if (strides[ndim - 2] !== 1 || strides[ndim - 1] !== p) return false;
  // 32-bit elements (the kernel also declines a float32/int32 mix, which converts values).
  if (!(src instanceof Float32Array || src instanceof Int32Array)) return false;
  if (!(out instanceof Float32Array || out instanceof Int32Array)) return false;
  const backend = getBackend();
  if (backend === 'js' || (backend === 'auto' && total < WASM_TRANSPOSE_MIN_ELEMENTS)) return false;
  const batch = ndim >= 3 ? shape[ndim - 3] : 1;
  const batchStride = ndim >= 3 ? strides[ndim - 3] : p * q;
  const perCall = batch * p * q;
  // Dimensions before the batch: an odometer over them, one kernel call each.
  const outerNdim = Math.max(0, ndim - 3);
  const counter = new Array<number>(outerNdim).fill(0);
  let base = offset;
  for (let o = outOffset; o < outOffset + total; o += perCall) {
    // A decline leaves this part untouched: the JavaScript loops then copy everything.
    if (!wasmTranspose(src, base, batch, batchStride, q, p, out, o)) return false;
    for (let d = outerNdim - 1; d >= 0; d--) {
      counter[d]++;
      base += strides[d];
      if (counter[d] < shape[d]) break;
      base -= strides[d] * shape[d];
      counter[d] = 0;
    }
  }
  return true;
}

/** Output rows per tile of {@link copyTiled}, and output columns per tile. */
const TILE_ROWS = 8;
const TILE_COLS = 16;

/**
 * {@link copyStridedInto} when the last dimension is strided: each `[p, q]` matrix of the last two
 * dimensions is copied in tiles of 8 output rows by 16 columns. Within a tile, the eight reads of
 * one output column step along the second-to-last dimension (usually the contiguous one, as in
 * `x.t()`), and the next column reads the cache lines the previous one fetched.
 */
function copyTiled(
  src: ArrayLike<number | bigint>,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  out: { [i: number]: number | bigint; length: number },
  outOffset: number,
  total: number,
): void {
  const ndim = shape.length;
  const p = shape[ndim - 2];
  const q = shape[ndim - 1];
  const s1 = strides[ndim - 2];
  const s2 = strides[ndim - 1];
  const outerNdim = ndim - 2;
  const counter = new Array<number>(outerNdim).fill(0);
  let base = offset;
  const p8 = p - (p % TILE_ROWS);
  for (let o = outOffset; o < outOffset + total; o += p * q) {
    for (let q0 = 0; q0 < q; q0 += TILE_COLS) {
      const q1 = Math.min(q, q0 + TILE_COLS);
      let i = 0;
      for (; i < p8; i += TILE_ROWS) {
        const d0 = o + i * q;
        for (let j = q0, s = base + i * s1 + q0 * s2; j < q1; j++, s += s2) {
          out[d0 + j] = src[s];
          out[d0 + q + j] = src[s + s1];
          out[d0 + 2 * q + j] = src[s + 2 * s1];
          out[d0 + 3 * q + j] = src[s + 3 * s1];
          out[d0 + 4 * q + j] = src[s + 4 * s1];
          out[d0 + 5 * q + j] = src[s + 5 * s1];
          out[d0 + 6 * q + j] = src[s + 6 * s1];
          out[d0 + 7 * q + j] = src[s + 7 * s1];
        }
      }
      for (; i < p; i++) {
        const d0 = o + i * q;
        for (let j = q0, s = base + i * s1 + q0 * s2; j < q1; j++, s += s2) out[d0 + j] = src[s];
      }
    }
    for (let d = outerNdim - 1; d >= 0; d--) {
      counter[d]++;
      base += strides[d];
      if (counter[d] < shape[d]) break;
      base -= strides[d] * shape[d];
      counter[d] = 0;
    }
  }
}

/**
 * The flat storage offsets of every element of a strided view, in row-major order.
 * Used where an operation must write back through a view (slice assignment, in-place math).
 *
 * @param shape - The dimension sizes.
 * @param strides - The strides, in elements.
 * @param offset - The index of the first element.
 * @returns The storage index of every element, in row-major order.
 * @example
 * ```ts
 * import { stridedOffsets } from '@torchlet/tensor';
 * Array.from(stridedOffsets([2, 2], [1, 2], 0)); // -> [0, 2, 1, 3]
 * ```
 */
export function stridedOffsets(shape: Shape, strides: readonly number[], offset: number): Int32Array {
  checkRawLayout('stridedOffsets', shape, strides, offset);
  const out = new Int32Array(checkNumel('stridedOffsets', shapeSize(shape), 'int32'));
  const ndim = shape.length;
  if (out.length === 0) return out;
  if (ndim === 0) {
    out[0] = offset;
    return out;
  }
  const counter = new Array<number>(ndim).fill(0);
  let pos = offset;
  for (let i = 0; i < out.length; i++) {
    out[i] = pos;
    for (let d = ndim - 1; d >= 0; d--) {
      counter[d]++;
      pos += strides[d];
      if (counter[d] < shape[d]) break;
      pos -= strides[d] * shape[d];
      counter[d] = 0;
    }
  }
  return out;
}

/** A flat row-major copy of `t`'s elements (always a new array). */
export function toTypedArray(t: Tensor): Storage {
  const out = allocStorage(t.dtype, t.numel);
  if (t.isContiguous()) {
    out.set(t.data.subarray(t.offset, t.offset + out.length) as never);
  } else {
    copyStridedInto(t.data, t.shape, t.strides, t.offset, out);
  }
  return out;
}

/**
 * Nested JS arrays of `t`'s elements (booleans for `bool`; int64 elements as numbers, a
 * TorchletError naming `fn` for one beyond 2^53).
 */
export function toArray(t: Tensor, fn = 'toArray'): NestedArray {
  const flat = toTypedArray(t);
  const asValue =
    t.dtype === 'bool'
      ? (v: number | bigint) => v !== 0
      : flat instanceof BigInt64Array
        ? (v: number | bigint) => int64ToNumber(fn, v as bigint)
        : (v: number | bigint) => v as number;
  if (t.ndim === 0) return asValue(flat[0]);
  let pos = 0;
  const build = (d: number): NestedArray[] => {
    const n = t.shape[d];
    const out = new Array<NestedArray>(n);
    if (d === t.ndim - 1) {
      for (let i = 0; i < n; i++) out[i] = asValue(flat[pos++]);
    } else {
      for (let i = 0; i < n; i++) out[i] = build(d + 1);
    }
    return out;
  };
  return build(0);
}

/** The value of a one-element tensor; a named error otherwise. */
export function item(t: Tensor): number {
  if (t.numel !== 1) {
    fail(
      'item',
      'self',
      `a tensor with ${t.numel} elements cannot be converted to a scalar (shape ${formatShape(t.shape)})`,
    );
  }
  const v = t.data[t.offset];
  return typeof v === 'bigint' ? int64ToNumber('item', v) : v;
}

/** Checks the raw layout arguments of the exported strided helpers (shape, strides, offset). */
function checkRawLayout(fn: string, shape: unknown, strides: unknown, offset: unknown): void {
  checkShape(fn, 'shape', shape as number[]);
  if (
    !Array.isArray(strides) ||
    strides.length !== (shape as number[]).length ||
    !strides.every(Number.isSafeInteger)
  ) {
    fail(fn, 'strides', `expected one integer stride per dimension, got ${formatValue(strides)}`);
  }
  if (!Number.isSafeInteger(offset) || (offset as number) < 0) {
    fail(fn, 'offset', `offset must be a non-negative integer, got ${formatValue(offset)}`);
  }
}
