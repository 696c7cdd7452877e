// Pooling indices cross the public boundary as int64, as PyTorch's do; the kernels count in int32
// (a flat position within one input plane fits), so the conversion happens here, once per call.
// Both directions go through an Int32Array view of the BigInt64Array's words: creating one
// `bigint` per element costs about as much as the pooling itself.
import { fail, formatShape, type Tensor } from '@torchlet/tensor';

/** Whether the platform stores the low 32-bit word of an int64 first (every JS engine in use does). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** int32 indices widened to int64 storage (sign-extended, so -1 stays -1). */
export function widenIndices(idx: Int32Array): BigInt64Array {
  const wide = new BigInt64Array(idx.length);
  if (!LITTLE_ENDIAN) {
    for (let i = 0; i < idx.length; i++) wide[i] = BigInt(idx[i]);
    return wide;
  }
  const words = new Int32Array(wide.buffer);
  for (let i = 0, j = 0; i < idx.length; i++, j += 2) {
    const v = idx[i];
    words[j] = v;
    words[j + 1] = v >> 31;
  }
  return wide;
}

/**
 * The elements of an int32 or int64 `indices` tensor as int32s in row-major order (`data` from
 * `offset`). An int64 value outside the int32 range cannot be a position in a plane: it is
 * reported with `fn` and the shapes, as an out-of-range index would be.
 */
export function indicesAsInt32(
  fn: string,
  indices: Tensor,
  inputShape: readonly number[],
): { data: Int32Array; offset: number } {
  if (indices.dtype === 'int32') {
    return indices.isContiguous()
      ? { data: indices.data as Int32Array, offset: indices.offset }
      : { data: indices.toTypedArray() as Int32Array, offset: 0 };
  }
  const wide = (
    indices.isContiguous()
      ? (indices.data as BigInt64Array).subarray(indices.offset, indices.offset + indices.numel)
      : indices.toTypedArray()
  ) as BigInt64Array;
  const out = new Int32Array(wide.length);
  const outOfRange = (i: number): never =>
    fail(
      fn,
      'indices',
      `index ${wide[i]} is out of range for an input plane of ${inputShape[inputShape.length - 2]}x${inputShape[inputShape.length - 1]} (indices ${formatShape(indices.shape)}, inputShape ${formatShape(inputShape)})`,
    );
  if (!LITTLE_ENDIAN) {
    for (let i = 0; i < wide.length; i++) {
      const v = wide[i];
      if (v !== BigInt.asIntN(32, v)) outOfRange(i);
      out[i] = Number(v);
    }
    return { data: out, offset: 0 };
  }
  const words = new Int32Array(wide.buffer, wide.byteOffset, wide.length * 2);
  for (let i = 0, j = 0; i < out.length; i++, j += 2) {
    const v = words[j];
    if (words[j + 1] !== v >> 31) outOfRange(i);
    out[i] = v;
  }
  return { data: out, offset: 0 };
}

/**
 * The elements of an `indices` tensor read in place where possible: int32 words `data[offset +
 * q * step]` for element `q` in row-major order. A contiguous int64 tensor (little-endian) gives
 * its own low words with `step` 2, its high words beside them (the caller checks `hi === lo >> 31`,
 * i.e. the value fits int32); anything else goes through {@link indicesAsInt32} (`step` 1).
 */
export function indexWords(
  fn: string,
  indices: Tensor,
  inputShape: readonly number[],
): { data: Int32Array; offset: number; step: 1 | 2 } {
  if (indices.dtype === 'int64' && LITTLE_ENDIAN && indices.isContiguous()) {
    const wide = indices.data as BigInt64Array;
    return { data: new Int32Array(wide.buffer, wide.byteOffset, wide.length * 2), offset: 2 * indices.offset, step: 2 };
  }
  return { ...indicesAsInt32(fn, indices, inputShape), step: 1 };
}

/**
 * The first element `q < count` of the index words {@link indexWords} gave (`id[off + q*step]`,
 * with the int64 high word beside it when `step` is 2) that is not in `[min, plane)`; -1 when all
 * are. `min` is -1 where -1 means "no input element" (max-pooling's gradient), 0 where every
 * index must name a position (max-unpooling). A small function of its own so that V8 compiles
 * the loop on its own rather than on the stack of a long caller.
 */
export function firstBadIndex(
  id: Int32Array,
  off: number,
  step: 1 | 2,
  count: number,
  min: number,
  plane: number,
): number {
  if (step === 2) {
    for (let q = 0, k = off; q < count; q++, k += 2) {
      const i = id[k];
      if (id[k + 1] !== i >> 31 || i < min || i >= plane) return q;
    }
    return -1;
  }
  for (let q = 0, k = off; q < count; q++, k++) {
    const i = id[k];
    if (i < min || i >= plane) return q;
  }
  return -1;
}

/** Element `q` of `indices` as the user wrote it (an int64 value whole, not its low word), for an error message. */
export function indexValue(indices: Tensor, id: Int32Array, off: number, step: 1 | 2, q: number): bigint | number {
  return step === 2 ? (indices.data as BigInt64Array)[indices.offset + q] : id[off + q * step];
}
