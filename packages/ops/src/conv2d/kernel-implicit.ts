// Implicit-GEMM conv2d kernels: the GEMM `out[M, L] = W[M, K] @ cols[K, L]` of the im2col kernel,
// but with `cols` never built. Each image is copied once into a zero-bordered float64 buffer, so
// every window element `cols[t, (oh, ow)]` is `src[base(oh, ow) + tapOffset[t]]` with no padding
// test, and register-blocked micro-kernels (4 output channels x 4 output columns, 2 x 8, 1 x 8)
// stream the taps straight from that buffer. This skips the unfold (K x L writes) and the GEMM's
// packing of it (K x L reads and writes), which cost as much as the arithmetic when K or M is small.
//
//   forward:         out[oc, (oh, ow)]  = sum_t W[oc, t] * x[t, (oh, ow)]
//   backward input:  stride 1 only: the same loop on dy, padded by dilation*(k-1) - padding, with
//                    the flipped, transposed weight (the "full correlation")
// The weight gradient (and strided input gradients) use the im2col kernel (see kernels.ts).
// Measured (float32, 2-core EPYC): LeNet conv1 forward 3.2-3.6 ms vs 5.4-6.2 ms for im2col + GEMM,
// its input gradient 3.8 ms vs 5.1-6.0 ms; on a ResNet 3x3 block (M = K/9 = 64) im2col + GEMM
// stays ~8% faster, since its packed micro-kernel loads B contiguously.
// Tried and dropped: a 1x8 tile that slides its 8 source values along a kernel row (1.3x slower
// in V8: the register shuffle costs more than the loads it saves), pairing output rows for
// single-channel input gradients (taps over kh+1 source rows and the 2x8 tile: 1.2x slower), and
// tiling the output loops for cache (no change: the micro-kernel is compute-bound).

import type { FloatStorage } from '../params.js';
import type { ConvGeometry } from './params.js';

/** Output columns one micro-tile spans (the widest kernel); the source buffer is wide enough for a full last tile. */
const TILE_W = 8;

// Scratch reused across calls (JS runs one kernel at a time; none of these re-enter each other).
let srcBuf = new Float64Array(0);
let packBuf = new Float64Array(0);
let tapBuf = new Int32Array(0);

const MAX_RETAINED = 1 << 22; // 4M float64 (32 MB): larger one-off buffers are not kept

function f64Scratch(which: 'src' | 'pack', size: number): Float64Array {
  const cur = which === 'src' ? srcBuf : packBuf;
  if (cur.length >= size) return cur;
  const buf = new Float64Array(size);
  if (size <= MAX_RETAINED) {
    if (which === 'src') srcBuf = buf;
    else packBuf = buf;
  }
  return buf;
}

function tapScratch(size: number): Int32Array {
  if (tapBuf.length < size) tapBuf = new Int32Array(size);
  return tapBuf;
}

/**
 * Copies `channels` planes `[h, w]` of `x` (from `xOff`) into `dst` as planes `[hp, wp]` (from 0),
 * shifted down by `offT` rows and right by `offL` columns (either may be negative: cropped), zeros elsewhere.
 */
function copyPadded(
  x: FloatStorage,
  xOff: number,
  channels: number,
  h: number,
  w: number,
  dst: Float64Array,
  hp: number,
  wp: number,
  offT: number,
  offL: number,
): void {
  const planeP = hp * wp;
  dst.fill(0, 0, channels * planeP);
  const r0 = Math.max(0, -offT);
  const r1 = Math.min(h, hp - offT);
  const c0 = Math.max(0, -offL);
  const c1 = Math.min(w, wp - offL);
  if (r0 >= r1 || c0 >= c1) return;
  for (let c = 0; c < channels; c++) {
    const s = xOff + c * h * w;
    const d = c * planeP + offL;
    for (let r = r0; r < r1; r++) {
      dst.set(x.subarray(s + r * w + c0, s + r * w + c1), d + (r + offT) * wp + c0);
    }
  }
}

/** Row-block sizes for M output rows: 4-row blocks, then a 2-row and a 1-row block for the rest. */
function rowBlocks(m: number): number[] {
  const blocks: number[] = [];
  let r = 0;
  for (; r + 4 <= m; r += 4) blocks.push(4);
  if (m - r >= 2) {
    blocks.push(2);
    r += 2;
  }
  if (m - r === 1) blocks.push(1);
  return blocks;
}

/**
 * One implicit GEMM over one image: for each output row `oc < m` (in `rowBlocks` order, weights
 * packed block by block as `[K][rows]`), each output position: `out = sum_t wp * src[base + taps[t]]`.
 * `accumulate` false overwrites with `acc + bias[oc]` (bias may be null), true adds into `out`.
 */
interface ImplicitPass {
  readonly src: Float64Array;
  readonly srcBase: number;
  readonly rowStride: number; // source elements between output rows (strideH * wp)
  readonly colStride: number; // source elements between output columns (strideW)
  readonly taps: Int32Array;
  readonly k: number;

  readonly wp: Float64Array;
  readonly wpBase: number;
  readonly m: number;
  readonly outH: number;
  readonly outW: number;
  readonly out: FloatStorage;
  readonly outBase: number;
  readonly bias: FloatStorage | null;
  readonly biasBase: number;
  readonly accumulate: boolean;
}

function implicitPass(p: ImplicitPass): void {
  const { src, taps, k, wp, out, outH, outW, colStride: sw, rowStride, accumulate, bias } = p;
  const plane = outH * outW;
  let row = 0;
  let wi = p.wpBase;
  for (const mr of rowBlocks(p.m)) {
    const o0 = p.outBase + row * plane;
    const bb = p.biasBase + row;
    const v0 = bias === null ? 0 : bias[bb];
    const v1 = bias === null || mr < 2 ? 0 : bias[bb + 1];
    const v2 = bias === null || mr < 4 ? 0 : bias[bb + 2];
    const v3 = bias === null || mr < 4 ? 0 : bias[bb + 3];
    for (let oh = 0; oh < outH; oh++) {
      const rowBase = p.srcBase + oh * rowStride;
      const d = o0 + oh * outW;
      if (mr === 4) {
        for (let ow = 0; ow < outW; ow += 4) {
          tile4x4(
            k,
            src,
            rowBase + ow * sw,
            sw,
            taps,
            wp,
            wi,
            out,
            d + ow,
            plane,
            Math.min(4, outW - ow),
            accumulate,
            v0,
            v1,
            v2,
            v3,
          );
        }
      } else if (mr === 2) {
        for (let ow = 0; ow < outW; ow += 8) {
          tile2x8(
            k,
            src,
            rowBase + ow * sw,
            sw,
            taps,
            wp,
            wi,
            out,
            d + ow,
            plane,
            2,
            Math.min(8, outW - ow),
            accumulate,
            v0,
            v1,
          );
        }
      } else {
        for (let ow = 0; ow < outW; ow += 8) {
          tile1x8(k, src, rowBase + ow * sw, sw, taps, wp, wi, out, d + ow, Math.min(8, outW - ow), accumulate, v0);
        }
      }
    }
    row += mr;
    wi += mr * k;
  }
}

// The micro-kernels are separate small functions on purpose: with the tile loops around them in
// one function, V8 spills accumulators in the hot loop (measured 10-15% slower).

// biome-ignore format: the 4x4 tile of accumulators reads best as a grid
function tile4x4(
  k: number, src: Float64Array, s: number, sw: number, taps: Int32Array, wp: Float64Array, wi: number,
  out: FloatStorage, d: number, plane: number, nr: number, accumulate: boolean,
  v0: number, v1: number, v2: number, v3: number,
): void {
  const sw2 = 2 * sw;
  const sw3 = 3 * sw;
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let t = 0; t < k; t++) {
    const o = s + taps[t];
    const b0 = src[o];
    const b1 = src[o + sw];
    const b2 = src[o + sw2];
    const b3 = src[o + sw3];
    let a = wp[wi];
    c00 += a * b0; c01 += a * b1; c02 += a * b2; c03 += a * b3;
    a = wp[wi + 1];
    c10 += a * b0; c11 += a * b1; c12 += a * b2; c13 += a * b3;
    a = wp[wi + 2];
    c20 += a * b0; c21 += a * b1; c22 += a * b2; c23 += a * b3;
    a = wp[wi + 3];
    c30 += a * b0; c31 += a * b1; c32 += a * b2; c33 += a * b3;
    wi += 4;
  }
  if (nr === 4) {
    if (accumulate) {
      out[d] += c00; out[d + 1] += c01; out[d + 2] += c02; out[d + 3] += c03;
      d += plane;
      out[d] += c10; out[d + 1] += c11; out[d + 2] += c12; out[d + 3] += c13;
      d += plane;
      out[d] += c20; out[d + 1] += c21; out[d + 2] += c22; out[d + 3] += c23;
      d += plane;
      out[d] += c30; out[d + 1] += c31; out[d + 2] += c32; out[d + 3] += c33;
    } else {
      out[d] = c00 + v0; out[d + 1] = c01 + v0; out[d + 2] = c02 + v0; out[d + 3] = c03 + v0;
      d += plane;
      out[d] = c10 + v1; out[d + 1] = c11 + v1; out[d + 2] = c12 + v1; out[d + 3] = c13 + v1;
      d += plane;
      out[d] = c20 + v2; out[d + 1] = c21 + v2; out[d + 2] = c22 + v2; out[d + 3] = c23 + v2;
      d += plane;
      out[d] = c30 + v3; out[d + 1] = c31 + v3; out[d + 2] = c32 + v3; out[d + 3] = c33 + v3;
    }
    return;
  }
  const e = edge;
  e[0] = c00; e[1] = c01; e[2] = c02; e[3] = c03;
  e[8] = c10; e[9] = c11; e[10] = c12; e[11] = c13;
  e[16] = c20; e[17] = c21; e[18] = c22; e[19] = c23;
  e[24] = c30; e[25] = c31; e[26] = c32; e[27] = c33;
  storeEdge(out, d, plane, 4, nr, accumulate, v0, v1, v2, v3);
}

// biome-ignore format: the 2x8 tile of accumulators reads best as a grid
function tile2x8(
  k: number, src: Float64Array, s: number, sw: number, taps: Int32Array, wp: Float64Array, wi: number,
  out: FloatStorage, d: number, plane: number, mr: number, nr: number, accumulate: boolean, v0: number, v1: number,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c04 = 0, c05 = 0, c06 = 0, c07 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0, c14 = 0, c15 = 0, c16 = 0, c17 = 0;
  for (let t = 0; t < k; t++) {
    let o = s + taps[t];
    const b0 = src[o]; o += sw;
    const b1 = src[o]; o += sw;
    const b2 = src[o]; o += sw;
    const b3 = src[o]; o += sw;
    const b4 = src[o]; o += sw;
    const b5 = src[o]; o += sw;
    const b6 = src[o]; o += sw;
    const b7 = src[o];
    let a = wp[wi];
    c00 += a * b0; c01 += a * b1; c02 += a * b2; c03 += a * b3;
    c04 += a * b4; c05 += a * b5; c06 += a * b6; c07 += a * b7;
    a = wp[wi + 1];
    c10 += a * b0; c11 += a * b1; c12 += a * b2; c13 += a * b3;
    c14 += a * b4; c15 += a * b5; c16 += a * b6; c17 += a * b7;
    wi += 2;
  }
  const e = edge;
  e[0] = c00; e[1] = c01; e[2] = c02; e[3] = c03; e[4] = c04; e[5] = c05; e[6] = c06; e[7] = c07;
  e[8] = c10; e[9] = c11; e[10] = c12; e[11] = c13; e[12] = c14; e[13] = c15; e[14] = c16; e[15] = c17;
  storeEdge(out, d, plane, mr, nr, accumulate, v0, v1, 0, 0);
}

// biome-ignore format: the 1x8 tile of accumulators reads best as a grid
function tile1x8(
  k: number, src: Float64Array, s: number, sw: number, taps: Int32Array, wp: Float64Array, wi: number,
  out: FloatStorage, d: number, nr: number, accumulate: boolean, v0: number,
): void {
  let c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0, c6 = 0, c7 = 0;
  for (let t = 0; t < k; t++) {
    let o = s + taps[t];
    const a = wp[wi + t];
    c0 += a * src[o]; o += sw;
    c1 += a * src[o]; o += sw;
    c2 += a * src[o]; o += sw;
    c3 += a * src[o]; o += sw;
    c4 += a * src[o]; o += sw;
    c5 += a * src[o]; o += sw;
    c6 += a * src[o]; o += sw;
    c7 += a * src[o];
  }
  const e = edge;
  e[0] = c0; e[1] = c1; e[2] = c2; e[3] = c3; e[4] = c4; e[5] = c5; e[6] = c6; e[7] = c7;
  storeEdge(out, d, 0, 1, nr, accumulate, v0, 0, 0, 0);
}

/** A tile's accumulators, 8 per row, for the generic store. */
const edge = new Float64Array(4 * TILE_W);

function storeEdge(
  out: FloatStorage,
  d: number,
  plane: number,
  mr: number,
  nr: number,
  accumulate: boolean,
  v0: number,
  v1: number,
  v2: number,
  v3: number,
): void {
  for (let i = 0; i < mr; i++) {
    const e = d + i * plane;
    const r = i * TILE_W;
    if (accumulate) {
      for (let j = 0; j < nr; j++) out[e + j] += edge[r + j];
    } else {
      const v = i === 0 ? v0 : i === 1 ? v1 : i === 2 ? v2 : v3;
      for (let j = 0; j < nr; j++) out[e + j] = edge[r + j] + v;
    }
  }
}

/** Packs `m` rows of `K` weights (row `i`, tap `t` at `w[wOff + i*rowStride + t*tapStride]`) block by block as `[K][rows]`. */
function packRows(
  w: FloatStorage,
  wOff: number,
  m: number,
  k: number,
  rowStride: number,
  tapAt: Int32Array,
  dst: Float64Array,
  dstOff: number,
): void {
  let d = dstOff;
  let row = 0;
  for (const mr of rowBlocks(m)) {
    for (let t = 0; t < k; t++) {
      const s = wOff + tapAt[t];
      for (let i = 0; i < mr; i++) dst[d++] = w[s + (row + i) * rowStride];
    }
    row += mr;
  }
}

/** Source buffer width: the padded image, and far enough right for a full last tile. */
function paddedWidth(inW: number, offL: number, outW: number, strideW: number, kw: number, dilationW: number): number {
  const tiles = Math.ceil(outW / TILE_W) * TILE_W;
  return Math.max(inW + Math.max(0, offL), (tiles - 1) * strideW + (kw - 1) * dilationW + 1);
}

function paddedHeight(inH: number, offT: number, outH: number, strideH: number, kh: number, dilationH: number): number {
  return Math.max(inH + Math.max(0, offT), (outH - 1) * strideH + (kh - 1) * dilationH + 1);
}

/** `out = conv2d(x, w) + bias`; `out` is fully overwritten. */
export function implicitForward(
  g: ConvGeometry,
  x: FloatStorage,
  w: FloatStorage,
  bias: FloatStorage | null,
  out: FloatStorage,
): void {
  const cinG = g.inChannels / g.groups;
  const coutG = g.outChannels / g.groups;
  const taps = g.kh * g.kw;
  const k = cinG * taps;
  const hp = paddedHeight(g.inH, g.padTop, g.outH, g.strideH, g.kh, g.dilationH);
  const wpw = paddedWidth(g.inW, g.padLeft, g.outW, g.strideW, g.kw, g.dilationW);
  const planeP = hp * wpw;
  // Tap t = (ic, ki, kj): offset into the padded source, and index into one weight row.
  const tapAll = tapScratch(2 * k);
  const tapOff = tapAll.subarray(0, k);
  const tapW = tapAll.subarray(k, 2 * k);
  for (let ic = 0, t = 0; ic < cinG; ic++) {
    for (let ki = 0; ki < g.kh; ki++) {
      for (let kj = 0; kj < g.kw; kj++, t++) {
        tapOff[t] = ic * planeP + ki * g.dilationH * wpw + kj * g.dilationW;
        tapW[t] = t;
      }
    }
  }
  const wp = f64Scratch('pack', g.outChannels * k);
  for (let gi = 0; gi < g.groups; gi++) packRows(w, gi * coutG * k, coutG, k, k, tapW, wp, gi * coutG * k);
  const src = f64Scratch('src', g.inChannels * planeP);
  const oPlane = g.outH * g.outW;
  for (let n = 0; n < g.batch; n++) {
    copyPadded(x, n * g.inChannels * g.inH * g.inW, g.inChannels, g.inH, g.inW, src, hp, wpw, g.padTop, g.padLeft);
    for (let gi = 0; gi < g.groups; gi++) {
      implicitPass({
        src,
        srcBase: gi * cinG * planeP,
        rowStride: g.strideH * wpw,
        colStride: g.strideW,
        taps: tapOff,
        k,
        wp,
        wpBase: gi * coutG * k,
        m: coutG,
        outH: g.outH,
        outW: g.outW,
        out,
        outBase: (n * g.outChannels + gi * coutG) * oPlane,
        bias,
        biasBase: gi * coutG,
        accumulate: false,
      });
    }
  }
}

/** `dx += conv2d's input gradient for upstream dy` (stride 1 only); `dx` must start zeroed. */
export function implicitBackwardInput(g: ConvGeometry, dy: FloatStorage, w: FloatStorage, dx: FloatStorage): void {
  const cinG = g.inChannels / g.groups;
  const coutG = g.outChannels / g.groups;
  const taps = g.kh * g.kw;
  const k = coutG * taps;
  // dx[ic, ih, iw] = sum_(oc, ki', kj') w[oc, ic, kh-1-ki', kw-1-kj'] * dyP[oc, ih + ki'*dh, iw + kj'*dw]
  // with dyP = dy shifted by dilation*(k-1) - padding.
  const offT = (g.kh - 1) * g.dilationH - g.padTop;
  const offL = (g.kw - 1) * g.dilationW - g.padLeft;
  const hp = paddedHeight(g.outH, offT, g.inH, 1, g.kh, g.dilationH);
  const wpw = paddedWidth(g.outW, offL, g.inW, 1, g.kw, g.dilationW);
  const planeP = hp * wpw;
  const tapAll = tapScratch(2 * k);
  const tapOff = tapAll.subarray(0, k);
  const tapW = tapAll.subarray(k, 2 * k);
  for (let oc = 0, t = 0; oc < coutG; oc++) {
    for (let ki = 0; ki < g.kh; ki++) {
      for (let kj = 0; kj < g.kw; kj++, t++) {
        tapOff[t] = oc * planeP + ki * g.dilationH * wpw + kj * g.dilationW;
        // weight [oc, ic, kh-1-ki, kw-1-kj]; rows (ic) are `taps` apart
        tapW[t] = oc * cinG * taps + (g.kh - 1 - ki) * g.kw + (g.kw - 1 - kj);
      }
    }
  }
  const wp = f64Scratch('pack', g.inChannels * k);
  for (let gi = 0; gi < g.groups; gi++) packRows(w, gi * coutG * cinG * taps, cinG, k, taps, tapW, wp, gi * cinG * k);
  const src = f64Scratch('src', g.outChannels * planeP);
  const plane = g.inH * g.inW;
  for (let n = 0; n < g.batch; n++) {
    copyPadded(dy, n * g.outChannels * g.outH * g.outW, g.outChannels, g.outH, g.outW, src, hp, wpw, offT, offL);
    for (let gi = 0; gi < g.groups; gi++) {
      implicitPass({
        src,
        srcBase: gi * coutG * planeP,
        rowStride: wpw,
        colStride: 1,
        taps: tapOff,
        k,
        wp,
        wpBase: gi * cinG * k,
        m: cinG,
        outH: g.inH,
        outW: g.inW,
        out: dx,
        outBase: (n * g.inChannels + gi * cinG) * plane,
        bias: null,
        biasBase: 0,
        accumulate: true,
      });
    }
  }
}
