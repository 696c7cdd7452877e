// One grow-only scratch buffer per float dtype for im2col columns. JS runs one kernel at a time
// and the kernels call nothing that re-enters them, so sharing is safe; buffers above
// MAX_RETAINED elements are not kept, so a one-off huge convolution does not pin its memory.

import type { FloatStorage } from '../params.js';

const MAX_RETAINED = 1 << 24; // 16M elements (64 MB of float32)
let f32 = new Float32Array(0);
let f64 = new Float64Array(0);

/** A scratch array of at least `size` elements of the same float type as `like` (contents undefined). */
export function scratchLike(like: FloatStorage, size: number): FloatStorage {
  if (like instanceof Float32Array) {
    if (f32.length >= size) return f32;
    const buf = new Float32Array(size);
    if (size <= MAX_RETAINED) f32 = buf;
    return buf;
  }
  if (f64.length >= size) return f64;
  const buf = new Float64Array(size);
  if (size <= MAX_RETAINED) f64 = buf;
  return buf;
}
