// Direct loop conv2d kernels: no scratch memory and almost no per-call setup, so they win on tiny
// problems (d2l's 6x8 image with a 1x2 kernel) and on few-channel convolutions (LeNet's conv1).
// Loops are weight-stationary: for each kernel tap, one multiply-add sweep along an output row
// over the range of columns whose input lies inside the image (computed once per tap), so the
// inner loop has no bounds checks and reads contiguous memory when strideW is 1.

import type { FloatStorage } from '../params.js';
import type { ConvGeometry } from './params.js';

/** The clamped `[lo, hi)` of im2col's `validRange`, written at `r[at]`, `r[at + 1]` (no tuple per tap). */
function putRange(r: Int32Array, at: number, shift: number, stride: number, inSize: number, out: number): void {
  const lo = shift >= 0 ? 0 : Math.ceil(-shift / stride);
  const last = inSize - 1 - shift;
  const hi = last < 0 ? 0 : Math.floor(last / stride) + 1;
  const a = Math.min(lo, out);
  r[at] = a;
  r[at + 1] = Math.max(a, Math.min(hi, out));
}

/**
 * Valid `[lo, hi)` output-row ranges per kernel row at `[2*ki, 2*ki+1]`, then output-column
 * ranges per kernel column at `[2*kh + 2*kj, 2*kh + 2*kj + 1]`, in one array (one allocation).
 */
function tapRanges(g: ConvGeometry): Int32Array {
  const r = new Int32Array(2 * (g.kh + g.kw));
  for (let ki = 0; ki < g.kh; ki++) putRange(r, 2 * ki, ki * g.dilationH - g.padTop, g.strideH, g.inH, g.outH);
  const c0 = 2 * g.kh;
  for (let kj = 0; kj < g.kw; kj++) putRange(r, c0 + 2 * kj, kj * g.dilationW - g.padLeft, g.strideW, g.inW, g.outW);
  return r;
}

/** `out = conv2d(x, w) + bias`; `out` is fully overwritten. */
export function directForward(
  g: ConvGeometry,
  x: FloatStorage,
  w: FloatStorage,
  bias: FloatStorage | null,
  out: FloatStorage,
): void {
  const {
    batch,
    inChannels,
    inH,
    inW,
    outChannels,
    kh,
    kw,
    groups,
    strideH,
    strideW,
    padTop,
    padLeft,
    dilationH,
    dilationW,
    outH,
    outW,
  } = g;
  const ranges = tapRanges(g);
  const c0 = 2 * kh;
  const cinG = inChannels / groups;
  const coutG = outChannels / groups;
  const plane = inH * inW;
  const oPlane = outH * outW;
  const taps = kh * kw;
  for (let n = 0; n < batch; n++) {
    for (let oc = 0; oc < outChannels; oc++) {
      const o = (n * outChannels + oc) * oPlane;
      out.fill(bias === null ? 0 : bias[oc], o, o + oPlane);
      const xGroup = (n * inChannels + Math.floor(oc / coutG) * cinG) * plane;
      for (let ic = 0; ic < cinG; ic++) {
        const xBase = xGroup + ic * plane;
        const wBase = (oc * cinG + ic) * taps;
        for (let ki = 0; ki < kh; ki++) {
          const rowShift = ki * dilationH - padTop;
          const ohLo = ranges[2 * ki];
          const ohHi = ranges[2 * ki + 1];
          for (let kj = 0; kj < kw; kj++) {
            const wv = w[wBase + ki * kw + kj];
            const colShift = kj * dilationW - padLeft;
            const lo = ranges[c0 + 2 * kj];
            const hi = ranges[c0 + 2 * kj + 1];
            for (let oh = ohLo; oh < ohHi; oh++) {
              const src = xBase + (oh * strideH + rowShift) * inW + colShift;
              const dst = o + oh * outW;
              if (strideW === 1) {
                for (let ow = lo; ow < hi; ow++) out[dst + ow] += wv * x[src + ow];
              } else {
                for (let ow = lo, s = src + lo * strideW; ow < hi; ow++, s += strideW) out[dst + ow] += wv * x[s];
              }
            }
          }
        }
      }
    }
  }
}

/** `dx += conv2d's input gradient for upstream dy`; `dx` must start zeroed. */
export function directBackwardInput(g: ConvGeometry, dy: FloatStorage, w: FloatStorage, dx: FloatStorage): void {
  const {
    batch,
    inChannels,
    inH,
    inW,
    outChannels,
    kh,
    kw,
    groups,
    strideH,
    strideW,
    padTop,
    padLeft,
    dilationH,
    dilationW,
    outH,
    outW,
  } = g;
  const ranges = tapRanges(g);
  const c0 = 2 * kh;
  const cinG = inChannels / groups;
  const coutG = outChannels / groups;
  const plane = inH * inW;
  const oPlane = outH * outW;
  const taps = kh * kw;
  for (let n = 0; n < batch; n++) {
    for (let oc = 0; oc < outChannels; oc++) {
      const o = (n * outChannels + oc) * oPlane;
      const xGroup = (n * inChannels + Math.floor(oc / coutG) * cinG) * plane;
      for (let ic = 0; ic < cinG; ic++) {
        const xBase = xGroup + ic * plane;
        const wBase = (oc * cinG + ic) * taps;
        for (let ki = 0; ki < kh; ki++) {
          const rowShift = ki * dilationH - padTop;
          const ohLo = ranges[2 * ki];
          const ohHi = ranges[2 * ki + 1];
          for (let kj = 0; kj < kw; kj++) {
            const wv = w[wBase + ki * kw + kj];
            const colShift = kj * dilationW - padLeft;
            const lo = ranges[c0 + 2 * kj];
            const hi = ranges[c0 + 2 * kj + 1];
            for (let oh = ohLo; oh < ohHi; oh++) {
              const dst = xBase + (oh * strideH + rowShift) * inW + colShift;
              const src = o + oh * outW;
              if (strideW === 1) {
                for (let ow = lo; ow < hi; ow++) dx[dst + ow] += wv * dy[src + ow];
              } else {
                for (let ow = lo, d = dst + lo * strideW; ow < hi; ow++, d += strideW) dx[d] += wv * dy[src + ow];
              }
            }
          }
        }
      }
    }
  }
}

/** `dw = conv2d's weight gradient for upstream dy and input x`; `dw` is fully overwritten. */
export function directBackwardWeight(g: ConvGeometry, dy: FloatStorage, x: FloatStorage, dw: FloatStorage): void {
  const {
    batch,
    inChannels,
    inH,
    inW,
    outChannels,
    kh,
    kw,
    groups,
    strideH,
    strideW,
    padTop,
    padLeft,
    dilationH,
    dilationW,
    outH,
    outW,
  } = g;
  const ranges = tapRanges(g);
  const c0 = 2 * kh;
  const cinG = inChannels / groups;
  const coutG = outChannels / groups;
  const plane = inH * inW;
  const oPlane = outH * outW;
  const taps = kh * kw;
  dw.fill(0, 0, outChannels * cinG * taps);
  for (let n = 0; n < batch; n++) {
    for (let oc = 0; oc < outChannels; oc++) {
      const o = (n * outChannels + oc) * oPlane;
      const xGroup = (n * inChannels + Math.floor(oc / coutG) * cinG) * plane;
      for (let ic = 0; ic < cinG; ic++) {
        const xBase = xGroup + ic * plane;
        const wBase = (oc * cinG + ic) * taps;
        for (let ki = 0; ki < kh; ki++) {
          const rowShift = ki * dilationH - padTop;
          const ohLo = ranges[2 * ki];
          const ohHi = ranges[2 * ki + 1];
          for (let kj = 0; kj < kw; kj++) {
            const colShift = kj * dilationW - padLeft;
            const lo = ranges[c0 + 2 * kj];
            const hi = ranges[c0 + 2 * kj + 1];
            let acc = 0;
            for (let oh = ohLo; oh < ohHi; oh++) {
              const src = xBase + (oh * strideH + rowShift) * inW + colShift;
              const d = o + oh * outW;
              if (strideW === 1) {
                for (let ow = lo; ow < hi; ow++) acc += dy[d + ow] * x[src + ow];
              } else {
                for (let ow = lo, s = src + lo * strideW; ow < hi; ow++, s += strideW) acc += dy[d + ow] * x[s];
              }
            }
            dw[wBase + ki * kw + kj] += acc;
          }
        }
      }
    }
  }
}
