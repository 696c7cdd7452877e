// Naive float64 references for the conv family, written from the definitions and independent of
// the kernels under test. Each linear op is described once as an enumeration of its terms
// (`out[o] += a[i] * b[j]`, or `out[o] = x[i]` for data-movement ops); forward results and the
// gradients with respect to each argument (J^T u, by scattering) all come from that enumeration.
// Test-only code: it is slow on purpose and allocates freely.

import { type Arr, arr } from '../array.js';

/** Options of {@link convTerms}: explicit per-side zero padding. */
export interface RefConvOptions {
  readonly stride: [number, number];
  /** [top, bottom, left, right] */
  readonly pads: [number, number, number, number];
  readonly dilation: [number, number];
  readonly groups: number;
}

type Term3 = (o: number, i: number, j: number) => void;

/** conv2d's output size, straight from the PyTorch docs formula. */
export function refConvOutSize(n: number, k: number, s: number, pBefore: number, pAfter: number, d: number): number {
  return Math.floor((n + pBefore + pAfter - d * (k - 1) - 1) / s) + 1;
}

/** Every product `out[o] += x[i] * w[j]` of a zero-padded conv2d (NCHW, OIHW). */
export function convTerms(xShape: number[], wShape: number[], opt: RefConvOptions, visit: Term3): number[] {
  const [N, C, H, W] = xShape;
  const [O, Cg, KH, KW] = wShape;
  const [sh, sw] = opt.stride;
  const [pt, pb, pl, pr] = opt.pads;
  const [dh, dw] = opt.dilation;
  const HO = refConvOutSize(H, KH, sh, pt, pb, dh);
  const WO = refConvOutSize(W, KW, sw, pl, pr, dw);
  const Og = O / opt.groups;
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++) {
      const g = Math.floor(o / Og);
      for (let oh = 0; oh < HO; oh++)
        for (let ow = 0; ow < WO; ow++)
          for (let c = 0; c < Cg; c++)
            for (let ki = 0; ki < KH; ki++)
              for (let kj = 0; kj < KW; kj++) {
                const ih = oh * sh - pt + ki * dh;
                const iw = ow * sw - pl + kj * dw;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                const ci = g * Cg + c;
                visit(
                  ((n * O + o) * HO + oh) * WO + ow,
                  ((n * C + ci) * H + ih) * W + iw,
                  ((o * Cg + c) * KH + ki) * KW + kj,
                );
              }
    }
  return [N, O, HO, WO];
}

/** Every product `out[o] += x[i] * w[j]` of conv_transpose2d (weight `[Cin, Cout/g, kh, kw]`). */
export function convTransposeTerms(
  xShape: number[],
  wShape: number[],
  opt: {
    stride: [number, number];
    padding: [number, number];
    outputPadding: [number, number];
    dilation: [number, number];
    groups: number;
  },
  visit: Term3,
): number[] {
  const [N, C, H, W] = xShape;
  const [, Og, KH, KW] = wShape;
  const O = Og * opt.groups;
  const Cg = C / opt.groups;
  const HO = (H - 1) * opt.stride[0] - 2 * opt.padding[0] + opt.dilation[0] * (KH - 1) + opt.outputPadding[0] + 1;
  const WO = (W - 1) * opt.stride[1] - 2 * opt.padding[1] + opt.dilation[1] * (KW - 1) + opt.outputPadding[1] + 1;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) {
      const g = Math.floor(c / Cg);
      for (let ih = 0; ih < H; ih++)
        for (let iw = 0; iw < W; iw++)
          for (let oc = 0; oc < Og; oc++)
            for (let ki = 0; ki < KH; ki++)
              for (let kj = 0; kj < KW; kj++) {
                const oh = ih * opt.stride[0] - opt.padding[0] + ki * opt.dilation[0];
                const ow = iw * opt.stride[1] - opt.padding[1] + kj * opt.dilation[1];
                if (oh < 0 || oh >= HO || ow < 0 || ow >= WO) continue;
                const o = g * Og + oc;
                visit(
                  ((n * O + o) * HO + oh) * WO + ow,
                  ((n * C + c) * H + ih) * W + iw,
                  ((c * Og + oc) * KH + ki) * KW + kj,
                );
              }
    }
  return [N, O, HO, WO];
}

/** Forward and both gradients of a bilinear op given by its terms. */
export function bilinear(
  terms: (visit: Term3) => number[],
  x: Arr,
  w: Arr,
  upstream?: Arr,
): { out: Arr; gradX: Arr; gradW: Arr } {
  const out = arr(terms(() => {}));
  const gradX = arr(x.shape);
  const gradW = arr(w.shape);
  terms((o, i, j) => {
    out.data[o] += x.data[i] * w.data[j];
    if (upstream) {
      gradX.data[i] += upstream.data[o] * w.data[j];
      gradW.data[j] += upstream.data[o] * x.data[i];
    }
  });
  return { out, gradX, gradW };
}

/** Adds `bias[c]` to every element of channel c of an NCHW array. */
export function addBias(out: Arr, bias: Arr | null): Arr {
  if (!bias) return out;
  const [N, C, H, W] = out.shape;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) for (let i = 0; i < H * W; i++) out.data[(n * C + c) * H * W + i] += bias.data[c];
  return out;
}

/** Sum over N, H, W of an NCHW array. */
export function channelSums(a: Arr): Arr {
  const [N, C, H, W] = a.shape;
  const out = arr([C]);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) for (let i = 0; i < H * W; i++) out.data[c] += a.data[(n * C + c) * H * W + i];
  return out;
}

/** Source index along one dimension of size `n` for padded position `p` (padding `before`), or -1. */
export function refPadIndex(
  p: number,
  before: number,
  n: number,
  mode: 'constant' | 'reflect' | 'replicate' | 'circular',
): number {
  let s = p - before;
  if (s >= 0 && s < n) return s;
  if (mode === 'constant') return -1;
  if (mode === 'replicate') return s < 0 ? 0 : n - 1;
  if (mode === 'circular') {
    while (s < 0) s += n;
    while (s >= n) s -= n;
    return s;
  }
  // reflect: mirror about the edge elements (edge not repeated)
  while (s < 0 || s >= n) s = s < 0 ? -s : 2 * (n - 1) - s;
  return s;
}

/** Every copy `out[o] = x[i]` (i = -1 for the constant) of F.pad on the last two dims of NCHW. */
export function padTerms(
  shape: number[],
  pads: [number, number, number, number],
  mode: 'constant' | 'reflect' | 'replicate' | 'circular',
  visit: (o: number, i: number) => void,
): number[] {
  const [N, C, H, W] = shape;
  const [l, r, t, b] = pads;
  const HO = H + t + b;
  const WO = W + l + r;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let y = 0; y < HO; y++)
        for (let x = 0; x < WO; x++) {
          const sy = refPadIndex(y, t, H, mode);
          const sx = refPadIndex(x, l, W, mode);
          visit(((n * C + c) * HO + y) * WO + x, sy < 0 || sx < 0 ? -1 : ((n * C + c) * H + sy) * W + sx);
        }
  return [N, C, HO, WO];
}

/** Every copy `out[o] = x[i]` (i = -1: zero) of F.unfold. */
export function unfoldTerms(
  shape: number[],
  k: [number, number],
  opt: { stride: [number, number]; padding: [number, number]; dilation: [number, number] },
  visit: (o: number, i: number) => void,
): number[] {
  const [N, C, H, W] = shape;
  const HO = refConvOutSize(H, k[0], opt.stride[0], opt.padding[0], opt.padding[0], opt.dilation[0]);
  const WO = refConvOutSize(W, k[1], opt.stride[1], opt.padding[1], opt.padding[1], opt.dilation[1]);
  const R = C * k[0] * k[1];
  const L = HO * WO;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let ki = 0; ki < k[0]; ki++)
        for (let kj = 0; kj < k[1]; kj++)
          for (let oh = 0; oh < HO; oh++)
            for (let ow = 0; ow < WO; ow++) {
              const row = (c * k[0] + ki) * k[1] + kj;
              const ih = oh * opt.stride[0] - opt.padding[0] + ki * opt.dilation[0];
              const iw = ow * opt.stride[1] - opt.padding[1] + kj * opt.dilation[1];
              const inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
              visit((n * R + row) * L + oh * WO + ow, inside ? ((n * C + c) * H + ih) * W + iw : -1);
            }
  return [N, R, L];
}

/** Forward (with fill `value`) and input gradient of a copy op given by its terms. */
export function gather(
  terms: (visit: (o: number, i: number) => void) => number[],
  x: Arr,
  value = 0,
  upstream?: Arr,
): { out: Arr; gradX: Arr } {
  const out = arr(terms(() => {}));
  const gradX = arr(x.shape);
  terms((o, i) => {
    out.data[o] = i < 0 ? value : x.data[i];
    if (upstream && i >= 0) gradX.data[i] += upstream.data[o];
  });
  return { out, gradX };
}
