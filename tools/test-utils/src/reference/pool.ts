// Naive float64 references for 2-D pooling on NCHW planes: loop over every kernel tap, padded ones
// included, straight from PyTorch's definitions. Test-only code: slow on purpose.

/** Geometry of a pooling problem: `n * c` planes of `h x w`, kernel, stride, padding, dilation, ceil mode. */
export interface RefPool2dParams {
  n: number;
  c: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
  dh: number;
  dw: number;
  ceilMode: boolean;
}

/** A pooling output size along one dim (symmetric padding `p`), PyTorch's ceil-mode rule included. */
export function refPoolOutSize(size: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = size + 2 * p - d * (k - 1) - 1;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  // PyTorch: with ceil mode the last window must start inside the input or the left padding
  if (ceil && (out - 1) * s >= size + p) out--;
  return out;
}

/**
 * max_pool2d of row-major `x`: the values and the argmax of each window as a flat index into its
 * `h x w` plane (-inf and -1 for a window with no input element; NaN wins, like PyTorch).
 */
export function refMaxPool2d(
  x: Float64Array,
  p: RefPool2dParams,
): { values: Float64Array; indices: Int32Array; ho: number; wo: number } {
  const ho = refPoolOutSize(p.h, p.kh, p.sh, p.ph, p.dh, p.ceilMode);
  const wo = refPoolOutSize(p.w, p.kw, p.sw, p.pw, p.dw, p.ceilMode);
  const values = new Float64Array(p.n * p.c * ho * wo);
  const indices = new Int32Array(values.length);
  let o = 0;
  for (let plane = 0; plane < p.n * p.c; plane++)
    for (let oh = 0; oh < ho; oh++)
      for (let ow = 0; ow < wo; ow++, o++) {
        let best = Number.NEGATIVE_INFINITY;
        let bestIdx = -1;
        for (let a = 0; a < p.kh; a++)
          for (let b = 0; b < p.kw; b++) {
            const ih = oh * p.sh - p.ph + a * p.dh;
            const iw = ow * p.sw - p.pw + b * p.dw;
            if (ih < 0 || ih >= p.h || iw < 0 || iw >= p.w) continue;
            const v = x[(plane * p.h + ih) * p.w + iw];
            if (bestIdx < 0 || v > best || Number.isNaN(v)) {
              best = v;
              bestIdx = ih * p.w + iw;
            }
          }
        values[o] = best;
        indices[o] = bestIdx;
      }
  return { values, indices, ho, wo };
}

/**
 * avg_pool2d of row-major `x` (dilation ignored): the window sum over the divisor override, or the
 * count of taps inside the padded input (`countIncludePad`) or inside the input; 0 for an empty window.
 */
export function refAvgPool2d(
  x: Float64Array,
  p: RefPool2dParams,
  countIncludePad: boolean,
  divisorOverride: number | null,
): Float64Array {
  const ho = refPoolOutSize(p.h, p.kh, p.sh, p.ph, 1, p.ceilMode);
  const wo = refPoolOutSize(p.w, p.kw, p.sw, p.pw, 1, p.ceilMode);
  const out = new Float64Array(p.n * p.c * ho * wo);
  let o = 0;
  for (let plane = 0; plane < p.n * p.c; plane++)
    for (let oh = 0; oh < ho; oh++)
      for (let ow = 0; ow < wo; ow++, o++) {
        let sum = 0;
        let inInput = 0;
        let inPadded = 0;
        for (let a = 0; a < p.kh; a++)
          for (let b = 0; b < p.kw; b++) {
            const ih = oh * p.sh - p.ph + a;
            const iw = ow * p.sw - p.pw + b;
            if (ih < p.h + p.ph && iw < p.w + p.pw) inPadded++;
            if (ih < 0 || ih >= p.h || iw < 0 || iw >= p.w) continue;
            inInput++;
            sum += x[(plane * p.h + ih) * p.w + iw];
          }
        out[o] = inInput === 0 ? 0 : sum / (divisorOverride ?? (countIncludePad ? inPadded : inInput));
      }
  return out;
}

/** adaptive_avg_pool2d of `planes` row-major `h x w` planes to `ho x wo` (PyTorch's floor/ceil bin edges). */
export function refAdaptiveAvgPool2d(
  x: Float64Array,
  planes: number,
  h: number,
  w: number,
  ho: number,
  wo: number,
): Float64Array {
  const out = new Float64Array(planes * ho * wo);
  let o = 0;
  for (let plane = 0; plane < planes; plane++)
    for (let i = 0; i < ho; i++)
      for (let j = 0; j < wo; j++, o++) {
        const h0 = Math.floor((i * h) / ho);
        const h1 = Math.ceil(((i + 1) * h) / ho);
        const w0 = Math.floor((j * w) / wo);
        const w1 = Math.ceil(((j + 1) * w) / wo);
        let s = 0;
        for (let a = h0; a < h1; a++) for (let b = w0; b < w1; b++) s += x[(plane * h + a) * w + b];
        out[o] = s / ((h1 - h0) * (w1 - w0));
      }
  return out;
}
