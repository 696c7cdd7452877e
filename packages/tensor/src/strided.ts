import { allocStorage, type Storage } from './dtype.js';
import { fail, formatShape } from './errors.js';
import type { Shape } from './shape.js';
import { shapeSize } from './shape.js';
import type { NestedArray, Tensor } from './tensor.js';

/**
 * True when `strides` are the row-major strides of `shape` (size-1 dimensions may have any stride).
 *
 * @example
 * ```ts
 * import { isContiguousLayout } from '@torchlet/tensor';
 * isContiguousLayout([2, 3], [3, 1]); // -> true
 * isContiguousLayout([2, 3], [1, 2]); // -> false
 * ```
 */
export function isContiguousLayout(shape: Shape, strides: readonly number[]): boolean {
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
 * The innermost dimension runs as a tight loop; the outer ones advance like an odometer.
 *
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
  src: ArrayLike<number>,
  shape: Shape,
  strides: readonly number[],
  offset: number,
  out: { [i: number]: number; length: number },
  outOffset = 0,
): void {
  const ndim = shape.length;
  const total = shapeSize(shape);
  if (total === 0) return;
  if (ndim === 0) {
    out[outOffset] = src[offset];
    return;
  }
  const inner = shape[ndim - 1];
  const innerStride = strides[ndim - 1];
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
 * @example
 * ```ts
 * import { stridedOffsets } from '@torchlet/tensor';
 * Array.from(stridedOffsets([2, 2], [1, 2], 0)); // -> [0, 2, 1, 3]
 * ```
 */
export function stridedOffsets(shape: Shape, strides: readonly number[], offset: number): Int32Array {
  const out = new Int32Array(shapeSize(shape));
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

/** Nested JS arrays of `t`'s elements (booleans for `bool`). */
export function toArray(t: Tensor): NestedArray {
  const flat = toTypedArray(t);
  const asValue = t.dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v;
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
  return t.data[t.offset];
}
