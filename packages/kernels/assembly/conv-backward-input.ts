// Float32 conv2d input gradient for any stride, padding, dilation and groups, as a GEMM and a
// col2im inside the module, every operand resident in linear memory. Per image n and group g
// (M = Cout/groups output channels, K = Cin/groups*kh*kw taps, L = Hout*Wout positions):
//
//   dcols (K x L) = W[g]^T (K x M) @ dY[n, g] (M x L);   dX[n, g] += col2im(dcols)
//
// taken a block of positions at a time, so the block of dcols (in the thread's scratch) stays in
// L2 between the GEMM that writes it and the col2im that adds it into the image. W[g]^T is packed
// once per unit when it fits in L2 (then the GEMM reads dY unpacked: gemmPackedA), else each block
// runs the blocked GEMM of gemm.ts. A unit is one (image, group): it owns its part of dX, so the
// threads claim units freely, and every element of dX is summed in the same order (positions
// block by block, taps in order) whatever the thread count.
//
// The descriptor is an i32 array in linear memory laid out by src/conv-backward-input.ts; field
// 30 is conv-backward.ts's phase (4 routes conv2dBackwardWeightPart here, so the threads' existing
// job kind runs these units).

import { gemmPackedA } from './conv-backward-1x1';
import { packA, sgemmPart } from './gemm';

const Q_CING = 0;
const Q_COUTG = 1;
const Q_GROUPS = 2;
/** Output positions per image (L). */
const Q_L = 3;
/** Byte address of the weights [Cout, K]. */
const Q_W = 4;
/** Byte address of the staged upstream gradient [nb, Cout, L]. */
const Q_DY = 5;
/** Byte address of the staged input gradient [nb, Cin, H*W]. */
const Q_DX = 6;
/** Positions per block (a multiple of 8). */
const Q_COLS = 7;
const Q_INH = 8;
const Q_INW = 9;
const Q_OUTW = 10;
const Q_KH = 11;
const Q_KW = 12;
const Q_SH = 13;
const Q_SW = 14;
const Q_PT = 15;
const Q_PL = 16;
const Q_DH = 17;
const Q_DW = 18;
/** 1: W[g]^T is packed whole (at the thread's scratch + Q_A_OFF); 0: blocked GEMM per block. */
const Q_DIRECT = 19;
/** Byte offsets in the thread's scratch of packed W^T and of the dcols block (after the GEMM workspace). */
const Q_A_OFF = 20;
const Q_COLS_OFF = 21;

function field(desc: usize, i: i32): i32 {
  return load<i32>(desc + ((<usize>i) << 2));
}

/** Adds block [c0, c1) of dcols (K rows of `cols` floats at `src`) into the image's gradient planes at `dx`. */
function col2imAdd(desc: usize, src: usize, dx: usize, c0: i32, c1: i32): void {
  const inH = field(desc, Q_INH);
  const inW = field(desc, Q_INW);
  const outW = field(desc, Q_OUTW);
  const kh = field(desc, Q_KH);
  const kw = field(desc, Q_KW);
  const sh = field(desc, Q_SH);
  const sw = field(desc, Q_SW);
  const pt = field(desc, Q_PT);
  const pl = field(desc, Q_PL);
  const dh = field(desc, Q_DH);
  const dw = field(desc, Q_DW);
  const cols = field(desc, Q_COLS);
  const k = field(desc, Q_CING) * kh * kw;
  const plane = (<usize>(inH * inW)) << 2;
  const swBytes = (<usize>sw) << 2;
  for (let t = 0; t < k; t++) {
    const ci = t / (kh * kw);
    const r = t % (kh * kw);
    const i = r / kw;
    const j = r % kw;
    const rowSrc = src + ((<usize>(t * cols)) << 2);
    const planeDx = dx + <usize>ci * plane;
    // Output columns ow whose input column iw = ow*sw + j*dw - pl lies in [0, inW).
    const shift = j * dw - pl;
    const owLo = shift >= 0 ? 0 : (-shift + sw - 1) / sw;
    const owHi = inW - 1 - shift < 0 ? 0 : min(outW, (inW - 1 - shift) / sw + 1);
    let p = c0;
    while (p < c1) {
      const oh = p / outW;
      const ow0 = p % outW;
      const ow1 = min(outW, ow0 + (c1 - p));
      const ih = oh * sh + i * dh - pt;
      if (ih >= 0 && ih < inH) {
        const lo = max(ow0, owLo);
        const hi = min(ow1, owHi);
        if (lo < hi) {
          let s = rowSrc + ((<usize>(p - c0 + lo - ow0)) << 2);
          let d = planeDx + ((<usize>(ih * inW + lo * sw + shift)) << 2);
          for (let ow = lo; ow < hi; ow++) {
            store<f32>(d, load<f32>(d) + load<f32>(s));
            s += 4;
            d += swBytes;
          }
        }
      }
      p += ow1 - ow0;
    }
  }
}

/** Runs units [u0, u1) (unit = image * groups + group) of the input gradient; `work` is the thread's scratch. */
export function conv2dBackwardInputPart(desc: usize, u0: i32, u1: i32, work: usize): void {
  const cinG = field(desc, Q_CING);
  const coutG = field(desc, Q_COUTG);
  const groups = field(desc, Q_GROUPS);
  const l = field(desc, Q_L);
  const w = <usize>field(desc, Q_W);
  const dy = <usize>field(desc, Q_DY);
  const dx = <usize>field(desc, Q_DX);
  const cols = field(desc, Q_COLS);
  const k = cinG * field(desc, Q_KH) * field(desc, Q_KW);
  const plane = field(desc, Q_INH) * field(desc, Q_INW);
  const direct = field(desc, Q_DIRECT) !== 0;
  const pa = work + <usize>field(desc, Q_A_OFF);
  const dcols = work + <usize>field(desc, Q_COLS_OFF);
  const tileBuf = dcols + ((<usize>(k * cols)) << 2);
  const lBytes = (<usize>l) << 2;
  const wGroup = (<usize>(coutG * k)) << 2;
  const colsBytes = (<usize>cols) << 2;
  for (let u = u0; u < u1; u++) {
    const n = u / groups;
    const g = u % groups;
    const wg = w + <usize>g * wGroup;
    const dyg = dy + <usize>(n * groups + g) * <usize>coutG * lBytes;
    const dxg = dx + ((<usize>((n * groups + g) * cinG) * <usize>plane) << 2);
    memory.fill(dxg, 0, (<usize>(cinG * plane)) << 2);
    if (direct) packA(true, 1, wg, k, 0, k, 0, coutG, pa);
    for (let c0 = 0; c0 < l; c0 += cols) {
      const nc = min(cols, l - c0);
      const b = dyg + ((<usize>c0) << 2);
      if (direct) gemmPackedA(pa, k, coutG, b, lBytes, dcols, colsBytes, nc, tileBuf);
      else sgemmPart(true, false, 0, k, 0, nc, coutG, 1, wg, k, b, l, 0, dcols, cols, work);
      col2imAdd(desc, dcols, dxg, c0, c0 + nc);
    }
  }
}
