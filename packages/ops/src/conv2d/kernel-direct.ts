// Direct loop conv2d kernels: no scratch memory and almost no per-call setup, so they win on tiny
// problems (d2l's 6x8 image with a 1x2 kernel) and on few-channel convolutions (LeNet's conv1).
// Loops are weight-stationary: for each kernel tap, one multiply-add sweep along an output row
// over the range of columns whose input lies inside the image (computed once per tap), so the
// inner loop has no bounds checks and reads contiguous memory when strideW is 1.

import { validRange } from '../im2col/raw.js';
import type { FloatStorage } from '../params.js';
import type { ConvGeometry } from './params.js';

/** Valid `[lo, hi)` output-row ranges per kernel row and output-column ranges per kernel column. */
function tapRanges(g: ConvGeometry): { rowLo: Int32Array; rowHi: Int32Array; colLo: Int32Array; colHi: Int32Array } {
  const rowLo = new Int32Array(g.kh);
  const rowHi = new Int32Array(g.kh);
  const colLo = new Int32Array(g.kw);
  const colHi = new Int32Array(g.kw);
  for (let ki = 0; ki < g.kh; ki++) {
    const [lo, hi] = validRange(ki * g.dilationH - g.padTop, g.strideH, g.inH, g.outH);
    rowLo[ki] = lo;
    rowHi[ki] = hi;
  }
  for (let kj = 0; kj < g.kw; kj++) {
    const [lo, hi] = validRange(kj * g.dilationW - g.padLeft, g.strideW, g.inW, g.outW);
    colLo[kj] = lo;
    colHi[kj] = hi;
  }
  return { rowLo, rowHi, colLo, colHi };
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
  const { rowLo, rowHi, colLo, colHi } = tapRanges(g);
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
          const ohLo = rowLo[ki];
          const ohHi = rowHi[ki];
          for (let kj = 0; kj < kw; kj++) {
            const wv = w[wBase + ki * kw + kj];
            const colShift = kj * dilationW - padLeft;
            const lo = colLo[kj];
            const hi = colHi[kj];
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
  const { rowLo, rowHi, colLo, colHi } = tapRanges(g);
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
          const ohLo = rowLo[ki];
          const ohHi = rowHi[ki];
          for (let kj = 0; kj < kw; kj++) {
            const wv = w[wBase + ki * kw + kj];
            const colShift = kj * dilationW - padLeft;
            const lo = colLo[kj];
            const hi = colHi[kj];
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
  const { rowLo, rowHi, colLo, colHi } = tapRanges(g);
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
          const ohLo = rowLo[ki];
          const ohHi = rowHi[ki];
          for (let kj = 0; kj < kw; kj++) {
            const colShift = kj * dilationW - padLeft;
            const lo = colLo[kj];
            const hi = colHi[kj];
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
