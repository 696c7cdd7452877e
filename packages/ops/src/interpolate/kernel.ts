// The interpolation kernels: separable per-axis tables (two source indices and two weights per
// output row or column), then one loop over the planes. Forward gathers, backward scatters with
// the same tables, so the two are exact adjoints. The tables follow PyTorch 1.13's CPU kernels
// (UpSample.h), including their float32 arithmetic for float32 tensors, so that source
// coordinates round as PyTorch rounds them (a nearest index can flip on a float32 rounding).

import type { FloatStorage } from '../params.js';
import type { InterpolatePlan } from './params.js';

/** Per output index along one axis: source indices `i0`, `i1` and weights `w0`, `w1`. */
export interface AxisTable {
  readonly i0: Int32Array;
  readonly i1: Int32Array;
  readonly w0: Float64Array;
  readonly w1: Float64Array;
}

const f32 = Math.fround;

/** PyTorch's `compute_scales_value`: `1/scale` when the user's scale is kept, else `in/out`. */
function scalesValue(scale: number | null, inSize: number, outSize: number, round: (x: number) => number): number {
  return scale !== null && scale > 0 ? round(1 / scale) : round(inSize / outSize);
}

/** The table of one axis of `inSize` resampled to `outSize` (`scale`: the user's factor, or null). */
export function axisTable(
  plan: InterpolatePlan,
  inSize: number,
  outSize: number,
  scale: number | null,
  float32: boolean,
): AxisTable {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w0 = new Float64Array(outSize).fill(1);
  const w1 = new Float64Array(outSize);
  if (plan.mode === 'nearest' || plan.mode === 'nearest-exact') {
    // PyTorch computes nearest indices in float32 for every dtype.
    const s = scalesValue(scale, inSize, outSize, f32);
    for (let o = 0; o < outSize; o++) {
      let src: number;
      if (plan.mode === 'nearest') {
        if (outSize === inSize) src = o;
        else if (outSize === 2 * inSize) src = o >> 1;
        else src = Math.floor(f32(f32(o) * s));
      } else {
        src = Math.floor(f32((o + 0.5) * s));
      }
      i0[o] = Math.min(src, inSize - 1);
      i1[o] = i0[o];
    }
    return { i0, i1, w0, w1 };
  }
  const round = float32 ? f32 : (x: number): number => x;
  const ratio = plan.alignCorners
    ? outSize > 1
      ? round((inSize - 1) / (outSize - 1))
      : 0
    : scalesValue(scale, inSize, outSize, round);
  for (let o = 0; o < outSize; o++) {
    if (outSize === inSize) {
      i0[o] = o;
      i1[o] = o;
      continue;
    }
    let src = plan.alignCorners ? round(ratio * o) : round(round(ratio * (o + 0.5)) - 0.5);
    if (src < 0) src = 0;
    const lo = Math.trunc(src);
    i0[o] = lo;
    i1[o] = lo < inSize - 1 ? lo + 1 : lo;
    const lambda1 = round(src - lo);
    w1[o] = lambda1;
    w0[o] = round(1 - lambda1);
  }
  return { i0, i1, w0, w1 };
}

/** Forward: `out[p, y, x] = sum over the 2x2 taps of wy * wx * input[p, iy, ix]` for `planes` dense planes. */
export function interpolateForward(
  x: FloatStorage,
  planes: number,
  h: number,
  w: number,
  ty: AxisTable,
  tx: AxisTable,
  out: FloatStorage,
): void {
  const oh = ty.i0.length;
  const ow = tx.i0.length;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * h * w;
    for (let oy = 0; oy < oh; oy++) {
      const r0 = base + ty.i0[oy] * w;
      const r1 = base + ty.i1[oy] * w;
      const wy0 = ty.w0[oy];
      const wy1 = ty.w1[oy];
      for (let ox = 0; ox < ow; ox++, o++) {
        const a = tx.i0[ox];
        const b = tx.i1[ox];
        const wx0 = tx.w0[ox];
        const wx1 = tx.w1[ox];
        out[o] = wy0 * (wx0 * x[r0 + a] + wx1 * x[r0 + b]) + wy1 * (wx0 * x[r1 + a] + wx1 * x[r1 + b]);
      }
    }
  }
}

/** Backward: scatters each upstream value over its taps with the forward's weights into zeroed `out`. */
export function interpolateBackwardKernel(
  g: FloatStorage,
  planes: number,
  h: number,
  w: number,
  ty: AxisTable,
  tx: AxisTable,
  out: FloatStorage,
): void {
  const oh = ty.i0.length;
  const ow = tx.i0.length;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * h * w;
    for (let oy = 0; oy < oh; oy++) {
      const r0 = base + ty.i0[oy] * w;
      const r1 = base + ty.i1[oy] * w;
      const wy0 = ty.w0[oy];
      const wy1 = ty.w1[oy];
      for (let ox = 0; ox < ow; ox++, o++) {
        const v = g[o];
        const a = tx.i0[ox];
        const b = tx.i1[ox];
        const wx0 = tx.w0[ox];
        const wx1 = tx.w1[ox];
        out[r0 + a] += wy0 * wx0 * v;
        out[r0 + b] += wy0 * wx1 * v;
        out[r1 + a] += wy1 * wx0 * v;
        out[r1 + b] += wy1 * wx1 * v;
      }
    }
  }
}
