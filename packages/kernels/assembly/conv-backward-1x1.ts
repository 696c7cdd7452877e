// Float32 gradients of a 1x1, stride-1, unpadded conv2d as plain GEMMs on the NCHW layout, every
// operand resident in linear memory. Per image n and group g (M = Cout/groups, C = Cin/groups,
// L = H*W positions), with the image's channels as rows of L floats:
//
//   input gradient   dX[n, g] (C x L) = W[g]^T (C x M) @ dY[n, g] (M x L)
//   weight gradient  dW[g]    (M x C) = sum_n dY[n, g] (M x L) @ X[n, g]^T (L x C)
//
// Both run the GEMM of gemm.ts (packing, 4 x 8 micro-kernel) straight on the staged images: no
// im2col, no flipped weight copy. Work is cut into units that write disjoint memory, so threads
// claim them freely:
//   - input gradient: unit (image, group, column chunk) computes its columns of dX[n, g];
//   - weight gradient: unit (slice s, group g) accumulates its part of the sum over the staged
//     chunk into its own partial sum of dW[g] (beta = 1), image after image in order. A slice is
//     (image class i, position range q): the images n = i (mod SI) and the positions of range q
//     (large images are cut into SQ ranges, so the threads have work even when a chunk holds one
//     image). The host adds the SI * SQ partials in slice order (conv2dSumSlices); SI and SQ come
//     from the geometry alone.
// Each element of a GEMM's C is summed in the same order whatever its tile or column chunk, so
// neither result depends on the thread count, bit for bit.
//
// The descriptor is an i32 array in linear memory laid out by src/conv-backward-1x1.ts; field 30
// is conv-backward.ts's phase (2: input-gradient units, 3: weight-gradient units), which routes
// conv2dBackwardWeightPart here (so the threads' existing job kind runs these units).

import { packA, sgemmPart } from './gemm';

/** Input channels per group (C). */
const P_CING = 0;
/** Output channels per group (M). */
const P_COUTG = 1;
const P_GROUPS = 2;
/** Positions per image (L = H*W). */
const P_L = 3;
/** Byte address of the weights [Cout, C] (input gradient). */
const P_W = 4;
/** Byte address of the staged upstream gradient [nb, Cout, L]. */
const P_DY = 5;
/** Byte address of the staged input [nb, Cin, L] (weight gradient) or of the input gradient [nb, Cin, L]. */
const P_XS = 6;
/** Byte address of the partial sums [S, Cout, C] (weight gradient). */
const P_PARTS = 7;
const P_SLICES = 8;
/** Index of the first staged image mod S (weight gradient). */
const P_SHIFT = 9;
/** Images staged in this call. */
const P_NB = 10;
/** Columns of dX per unit (a multiple of 8) and the chunks per (image, group) (input gradient). */
const P_COLS = 11;
const P_COL_CHUNKS = 12;
/** Position ranges per image (SQ) and positions per range (weight gradient); P_SLICES is SI. */
const P_RANGES = 13;
const P_RANGE_LEN = 14;
/** The phase: 2 runs input-gradient units, 3 weight-gradient units (shared with conv-backward.ts). */
export const P_PHASE_1X1 = 30;

/**
 * Largest W[g]^T (C x M floats) the input gradient packs whole: above it (deep layers, where W no
 * longer fits in L2) the units run the blocked GEMM instead.
 */
const DX_DIRECT_MAX_FLOATS = 1 << 16;

function field(desc: usize, i: i32): i32 {
  return load<i32>(desc + ((<usize>i) << 2));
}

/**
 * One 4 x 8 tile of dX: out = Ap (4 x k sliver of packed W^T) @ dy[0 : k, 0 : 8], where dy is read
 * unpacked (rows `ldb` bytes apart: the 8 columns of one row are adjacent, and the tile's k rows
 * stay in L1 while every sliver of A passes over them), and the result is stored, not added (k
 * covers the whole sum). A clipped tile (mr < 4 rows or nr < 8 columns) goes through `tileBuf`;
 * its lanes past nr read the floats after the row (the host leaves slack after the last one),
 * which only ever reach the dropped lanes.
 */
function dxTile(
  k: i32,
  pa: usize,
  b: usize,
  ldb: usize,
  out: usize,
  ldOut: usize,
  mr: i32,
  nr: i32,
  tileBuf: usize,
): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let a = v128.load32_splat(pa);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    pa += 16;
    b += ldb;
  }
  const full = mr === 4 && nr === 8;
  let o = full ? out : tileBuf;
  const ld = full ? ldOut : 32;
  v128.store(o, c00);
  v128.store(o, c01, 16);
  o += ld;
  v128.store(o, c10);
  v128.store(o, c11, 16);
  o += ld;
  v128.store(o, c20);
  v128.store(o, c21, 16);
  o += ld;
  v128.store(o, c30);
  v128.store(o, c31, 16);
  if (full) return;
  for (let i = 0; i < mr; i++) {
    const row = out + <usize>i * ldOut;
    const t = tileBuf + <usize>(i * 32);
    for (let j = 0; j < nr; j++) store<f32>(row + ((<usize>j) << 2), load<f32>(t + ((<usize>j) << 2)));
  }
}

/**
 * out[0 : m, 0 : n] = A @ b[0 : k, 0 : n] for A (m x k) packed whole at `pa` (packA's 4-row
 * slivers) and b read unpacked (rows `ldb` bytes apart), `out` rows `ldOut` bytes apart (stored,
 * not added): 8 columns at a time, every sliver of A over them.
 */
export function gemmPackedA(
  pa: usize,
  m: i32,
  k: i32,
  b: usize,
  ldb: usize,
  out: usize,
  ldOut: usize,
  n: i32,
  tileBuf: usize,
): void {
  const sliver = (<usize>(k * 4)) << 2;
  for (let j = 0; j < n; j += 8) {
    const nr = min(8, n - j);
    const bj = b + ((<usize>j) << 2);
    const oj = out + ((<usize>j) << 2);
    let a = pa;
    for (let i = 0; i < m; i += 4) {
      dxTile(k, a, bj, ldb, oj + <usize>i * ldOut, ldOut, min(4, m - i), nr, tileBuf);
      a += sliver;
    }
  }
}

/** Columns [c0, c1) of dX[n, g] (C x L, row stride `l`) = W^T (packed whole at `pa`) @ dy (M x L). */
function dxColumns(
  pa: usize,
  cinG: i32,
  coutG: i32,
  dy: usize,
  dx: usize,
  l: i32,
  c0: i32,
  c1: i32,
  tileBuf: usize,
): void {
  const ld = (<usize>l) << 2;
  const off = (<usize>c0) << 2;
  gemmPackedA(pa, cinG, coutG, dy + off, ld, dx + off, ld, c1 - c0, tileBuf);
}

/** Runs units [u0, u1) of the 1x1 input gradient (phase 2) or weight gradient (phase 3); `work` is the thread's GEMM workspace. */
export function conv2dBackward1x1Part(desc: usize, u0: i32, u1: i32, work: usize): void {
  const cinG = field(desc, P_CING);
  const coutG = field(desc, P_COUTG);
  const groups = field(desc, P_GROUPS);
  const l = field(desc, P_L);
  const dy = <usize>field(desc, P_DY);
  const xs = <usize>field(desc, P_XS);
  const lBytes = (<usize>l) << 2;
  const dyImg = <usize>(groups * coutG) * lBytes;
  const xImg = <usize>(groups * cinG) * lBytes;
  const dyGroup = <usize>coutG * lBytes;
  const xGroup = <usize>cinG * lBytes;
  const wGroup = (<usize>(coutG * cinG)) << 2;
  if (field(desc, P_PHASE_1X1) === 2) {
    const w = <usize>field(desc, P_W);
    const cols = field(desc, P_COLS);
    const chunks = field(desc, P_COL_CHUNKS);
    const perImage = groups * chunks;
    const direct = cinG * coutG <= DX_DIRECT_MAX_FLOATS;
    // The thread's workspace: W[g]^T packed whole, then a tile buffer.
    const tileBuf = work + ((<usize>(((cinG + 3) & ~3) * coutG)) << 2);
    let packed = -1;
    for (let u = u0; u < u1; u++) {
      const n = u / perImage;
      const r = u % perImage;
      const g = r / chunks;
      const c0 = (r % chunks) * cols;
      const c1 = min(l, c0 + cols);
      if (direct) {
        if (packed !== g) {
          packA(true, 1, w + <usize>g * wGroup, cinG, 0, cinG, 0, coutG, work);
          packed = g;
        }
        dxColumns(
          work,
          cinG,
          coutG,
          dy + <usize>n * dyImg + <usize>g * dyGroup,
          xs + <usize>n * xImg + <usize>g * xGroup,
          l,
          c0,
          c1,
          tileBuf,
        );
        continue;
      }
      sgemmPart(
        true,
        false,
        0,
        cinG,
        c0,
        c1,
        coutG,
        1,
        w + <usize>g * wGroup,
        cinG,
        dy + <usize>n * dyImg + <usize>g * dyGroup,
        l,
        0,
        xs + <usize>n * xImg + <usize>g * xGroup,
        l,
        work,
      );
    }
    return;
  }
  const parts = <usize>field(desc, P_PARTS);
  const slices = field(desc, P_SLICES);
  const shift = field(desc, P_SHIFT);
  const nb = field(desc, P_NB);
  const ranges = field(desc, P_RANGES);
  const rangeLen = field(desc, P_RANGE_LEN);
  const slicePart = <usize>groups * wGroup;
  for (let u = u0; u < u1; u++) {
    const s = u / groups;
    const g = u % groups;
    const cls = s / ranges;
    const p0 = (s % ranges) * rangeLen;
    const k = min(l, p0 + rangeLen) - p0;
    if (k <= 0) continue;
    const c = parts + <usize>s * slicePart + <usize>g * wGroup;
    const off = (<usize>p0) << 2;
    // The class's staged images: first, first + SI, ... (< nb), in order.
    for (let n = (((cls - shift) % slices) + slices) % slices; n < nb; n += slices) {
      sgemmPart(
        false,
        true,
        0,
        coutG,
        0,
        cinG,
        k,
        1,
        dy + <usize>n * dyImg + <usize>g * dyGroup + off,
        l,
        xs + <usize>n * xImg + <usize>g * xGroup + off,
        l,
        1,
        c,
        cinG,
        work,
      );
    }
  }
}
