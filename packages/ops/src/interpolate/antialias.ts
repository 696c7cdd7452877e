// Antialiased bilinear resampling (PyTorch 1.13's `_upsample_bilinear2d_aa`, what torchvision's
// resize with antialias=True and PIL's bilinear do): each output pixel averages the input pixels
// under a triangle filter centred on it and widened by the downscaling factor, normalised to sum
// to one. Separable: one axis at a time (W first, then H, as PyTorch; an axis whose size does not
// change is skipped). Forward gathers and backward scatters with the same tables (exact adjoints).

import type { FloatStorage } from '../params.js';

/** Per output index: the first source index, how many follow, and their weights (`width` per row). */
export interface AntialiasTable {
  readonly start: Int32Array;
  readonly count: Int32Array;
  readonly weights: Float64Array;
  readonly width: number;
}

const f32 = Math.fround;

/**
 * The table of one axis (`scale`: the user's factor kept by the plan, or null). Arithmetic in
 * float32 for float32 tensors, as PyTorch computes the weights in the tensor's precision.
 */
export function antialiasTable(
  inSize: number,
  outSize: number,
  scale: number | null,
  alignCorners: boolean,
  float32: boolean,
): AntialiasTable {
  const round = float32 ? f32 : (x: number): number => x;
  // area_pixel_compute_scale
  const ratio = alignCorners
    ? outSize > 1
      ? round((inSize - 1) / (outSize - 1))
      : 0
    : scale !== null && scale > 0
      ? round(1 / scale)
      : round(inSize / outSize);
  const support = Math.max(ratio, 1);
  const invScale = ratio >= 1 ? round(1 / ratio) : 1;
  const width = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * width);
  for (let o = 0; o < outSize; o++) {
    const center = round(ratio * (o + 0.5));
    // C++ casts truncate toward zero.
    const lo = Math.max(Math.trunc(round(center - support) + 0.5), 0);
    const hi = Math.min(Math.trunc(round(center + support) + 0.5), inSize);
    const n = Math.max(hi - lo, 0);
    start[o] = lo;
    count[o] = n;
    let total = 0;
    const row = o * width;
    for (let j = 0; j < n; j++) {
      const t = Math.abs(round((round(j + lo - center) + 0.5) * invScale));
      const w = t < 1 ? round(1 - t) : 0;
      weights[row + j] = w;
      total = round(total + w);
    }
    if (total !== 0) for (let j = 0; j < n; j++) weights[row + j] = round(weights[row + j] / total);
  }
  return { start, count, weights, width };
}

/**
 * Resamples the middle axis of `x` viewed as `[outer, inSize, inner]` into `out`
 * `[outer, outSize, inner]` (outSize = the table's length).
 */
export function resampleAxis(
  x: FloatStorage,
  outer: number,
  inSize: number,
  inner: number,
  t: AntialiasTable,
  out: FloatStorage,
): void {
  const outSize = t.start.length;
  for (let a = 0; a < outer; a++) {
    const src = a * inSize * inner;
    const dst = a * outSize * inner;
    for (let o = 0; o < outSize; o++) {
      const s0 = src + t.start[o] * inner;
      const n = t.count[o];
      const row = o * t.width;
      const d = dst + o * inner;
      for (let b = 0; b < inner; b++) {
        let acc = 0;
        for (let j = 0; j < n; j++) acc += t.weights[row + j] * x[s0 + j * inner + b];
        out[d + b] = acc;
      }
    }
  }
}

/** The adjoint of {@link resampleAxis}: scatters `g` `[outer, outSize, inner]` into zeroed `out` `[outer, inSize, inner]`. */
export function resampleAxisBackward(
  g: FloatStorage,
  outer: number,
  inSize: number,
  inner: number,
  t: AntialiasTable,
  out: FloatStorage,
): void {
  const outSize = t.start.length;
  for (let a = 0; a < outer; a++) {
    const src = a * outSize * inner;
    const dst = a * inSize * inner;
    for (let o = 0; o < outSize; o++) {
      const d0 = dst + t.start[o] * inner;
      const n = t.count[o];
      const row = o * t.width;
      const s = src + o * inner;
      for (let j = 0; j < n; j++) {
        const w = t.weights[row + j];
        const d = d0 + j * inner;
        for (let b = 0; b < inner; b++) out[d + b] += w * g[s + b];
      }
    }
  }
}
