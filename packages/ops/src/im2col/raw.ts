// Raw-array im2col / col2im kernels shared by `im2col`, `col2im` and the im2col conv kernel.
// They trust their arguments: the public functions validate first.

import type { FloatStorage } from '../params.js';

/**
 * The geometry of one sliding-window pass over a `[C, H, W]` image: kernel, stride, the
 * top/left padding (bottom/right padding is implied by `outH`/`outW`), dilation and the number of
 * window positions. `outH`/`outW` may be smaller than the padded image allows (conv-transpose
 * with `outputPadding >= stride` needs that), never larger.
 */
export interface WindowGeometry {
  readonly channels: number;
  readonly inH: number;
  readonly inW: number;
  readonly kh: number;
  readonly kw: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly outH: number;
  readonly outW: number;
}

/**
 * First output column `ow` whose input column `ow*stride + shift` is `>= 0`, and one past the
 * last whose input column is `< inSize`; the caller clamps to `[0, out)`.
 */
export function validRange(shift: number, stride: number, inSize: number, out: number): [number, number] {
  const lo = shift >= 0 ? 0 : Math.ceil(-shift / stride);
  const last = inSize - 1 - shift; // ow*stride <= last
  const hi = last < 0 ? 0 : Math.floor(last / stride) + 1;
  const a = Math.min(lo, out);
  return [a, Math.max(a, Math.min(hi, out))];
}

/**
 * Unfolds `channels` planes of `x` (starting at `xOff`) into `cols` (starting at `colsOff`), a
 * row-major `[channels*kh*kw, outH*outW]` matrix; padding positions become 0. The inner loops
 * are contiguous copies along an output row (strided reads when `strideW > 1`).
 */
export function im2colRaw(x: FloatStorage, xOff: number, g: WindowGeometry, cols: FloatStorage, colsOff: number): void {
  const { channels, inH, inW, kh, kw, strideH, strideW, padTop, padLeft, dilationH, dilationW, outH, outW } = g;
  const plane = inH * inW;
  let dst = colsOff;
  for (let c = 0; c < channels; c++) {
    const cBase = xOff + c * plane;
    for (let ki = 0; ki < kh; ki++) {
      const rowShift = ki * dilationH - padTop;
      for (let kj = 0; kj < kw; kj++) {
        const colShift = kj * dilationW - padLeft;
        const [lo, hi] = validRange(colShift, strideW, inW, outW);
        for (let oh = 0; oh < outH; oh++) {
          const ih = oh * strideH + rowShift;
          if (ih < 0 || ih >= inH) {
            cols.fill(0, dst, dst + outW);
            dst += outW;
            continue;
          }
          for (let ow = 0; ow < lo; ow++) cols[dst + ow] = 0;
          const src = cBase + ih * inW + colShift;
          if (strideW === 1) {
            for (let ow = lo; ow < hi; ow++) cols[dst + ow] = x[src + ow];
          } else {
            for (let ow = lo, s = src + lo * strideW; ow < hi; ow++, s += strideW) cols[dst + ow] = x[s];
          }
          for (let ow = hi; ow < outW; ow++) cols[dst + ow] = 0;
          dst += outW;
        }
      }
    }
  }
}

/**
 * Folds `cols` (row-major `[channels*kh*kw, outH*outW]`) back into `channels` planes of `x`,
 * ADDING every window element into its source position (overlaps sum; padding is dropped).
 * `x` must be zeroed (or hold a partial sum) by the caller.
 */
export function col2imRaw(cols: FloatStorage, colsOff: number, g: WindowGeometry, x: FloatStorage, xOff: number): void {
  const { channels, inH, inW, kh, kw, strideH, strideW, padTop, padLeft, dilationH, dilationW, outH, outW } = g;
  const plane = inH * inW;
  let src = colsOff;
  for (let c = 0; c < channels; c++) {
    const cBase = xOff + c * plane;
    for (let ki = 0; ki < kh; ki++) {
      const rowShift = ki * dilationH - padTop;
      for (let kj = 0; kj < kw; kj++) {
        const colShift = kj * dilationW - padLeft;
        const [lo, hi] = validRange(colShift, strideW, inW, outW);
        for (let oh = 0; oh < outH; oh++) {
          const ih = oh * strideH + rowShift;
          if (ih >= 0 && ih < inH) {
            const dst = cBase + ih * inW + colShift;
            if (strideW === 1) {
              for (let ow = lo; ow < hi; ow++) x[dst + ow] += cols[src + ow];
            } else {
              for (let ow = lo, d = dst + lo * strideW; ow < hi; ow++, d += strideW) x[d] += cols[src + ow];
            }
          }
          src += outW;
        }
      }
    }
  }
}
