// Float32 conv2d weight gradient by Winograd F(2x2, 3x3) for dense 3x3 filters, stride 1, dilation
// 1, groups 1 (the forward's kernel is winograd.ts). The forward computes each 2x2 output tile as
//   Y = A^T [ (G g G^T) . (B^T d B) ] A,
// so the gradient of the loss by the transformed weights U = G g G^T is, summed over every tile,
//   dU = sum_tiles (A dY A^T) . (B^T d B),
// and dg = G^T dU G. Position xi of the 4x4 transformed tile gives one GEMM over the tiles:
//   M_xi [Cout x Cin] = Z_xi [Cout x T] @ V_xi^T [T x Cin]
// (Z the transformed upstream gradient, V the transformed input), 2.25x fewer multiply-adds than
// the direct sum over the 3x3 taps.
//
//   A = | 1  0 |    G^T = | 1  1/2  1/2  0 |
//       | 1  1 |          | 0  1/2 -1/2  0 |
//       | 1 -1 |          | 0  1/2  1/2  1 |
//       | 0 -1 |
//
// The batch is staged in chunks of images, and a chunk's tiles (each image's padded to a multiple
// of 4 with zero dy) are taken in blocks small enough for V and Z to stay in cache. Per block,
// phase 7 transforms one group of 4 tiles per unit (input windows into V, dy tiles into Z), and
// phase 8 runs one GEMM unit per (xi, block of input channels), adding into M after the first
// block; phase 9 (after the last block) turns M into dW for a range of output channels. Every
// element of M is summed in the same order whatever the unit a thread takes, so the result does
// not depend on the thread count.
//
// The descriptor's fields 0 to 19 follow conv.ts's layout (conv2dPadPart pads the staged input in
// place); field 30 is conv-backward.ts's phase (7, 8 and 9 route conv2dBackwardWeightPart here).

import { sgemmPart } from './gemm';
import { inputTransform4 } from './winograd';

const D_CIN = 1;
const D_COUT = 4;
const D_OUTH = 14;
const D_OUTW = 15;
const D_HP = 16;
const D_WP = 17;
const D_XPAD = 19;
/** Byte addresses: staged dy of the chunk [nb, Cout, outH, outW], V [16][Cin][ld], Z [16][Cout][ld], M [16][Cout][Cin], dW. */
const D_DY = 20;
const D_V = 21;
const D_Z = 22;
const D_M = 23;
const D_DW = 24;
/** Tiles per image rounded up to 4, and the tile grid. */
const D_TILESP = 25;
const D_TILES_H = 26;
const D_TILES_W = 27;
/** First tile (a multiple of 4) of the chunk's current block and its length; columns of V and Z per row. */
const D_B0 = 28;
const D_LD = 29;
const D_PHASE = 30;
/** Input channels per GEMM unit. */
const D_BLOCK = 31;
/** Non-zero: M already holds earlier chunks' sums (the GEMMs add to it). */
const D_ACCUMULATE = 32;
/** Output channels per output-transform unit. */
const D_OC_BLOCK = 33;
/** Tiles in the current block (a multiple of 4, at most D_LD). */
const D_BLEN = 34;

function field(desc: usize, i: i32): i32 {
  return load<i32>(desc + ((<usize>i) << 2));
}

/**
 * Phase 7, one group of 4 tiles: tiles [q, q + 4) of image n's input windows into V and its dy tiles
 * into Z, at column `col` of the block; `stage` is 256 bytes of scratch.
 */
function transformGroup(desc: usize, n: i32, q: i32, col: i32, stage: usize): void {
  const cin = field(desc, D_CIN);
  const cout = field(desc, D_COUT);
  const outH = field(desc, D_OUTH);
  const outW = field(desc, D_OUTW);
  const hp = field(desc, D_HP);
  const wp = field(desc, D_WP);
  const tilesH = field(desc, D_TILES_H);
  const tilesW = field(desc, D_TILES_W);
  const ld = field(desc, D_LD);
  const tiles = tilesH * tilesW;
  const wpBytes = (<usize>wp) << 2;
  const planeBytes = (<usize>(hp * wp)) << 2;
  const outWBytes = (<usize>outW) << 2;
  const outPlaneBytes = (<usize>(outH * outW)) << 2;
  const ldBytes = (<usize>ld) << 2;
  const vXiBytes = <usize>cin * ldBytes;
  const zXiBytes = <usize>cout * ldBytes;
  const xImg = <usize>field(desc, D_XPAD) + <usize>(n * cin) * planeBytes;
  const dyImg = <usize>field(desc, D_DY) + <usize>(n * cout) * outPlaneBytes;
  const th = q / tilesW;
  const tw = q - th * tilesW;
  const vq = <usize>field(desc, D_V) + ((<usize>col) << 2);
  const zq = <usize>field(desc, D_Z) + ((<usize>col) << 2);
  // Input windows: B^T d B. Lanes past the last tile read tile 0 (finite; their dy is zero).
  inputTransform4(xImg, q, min(4, tiles - q), tilesW, wpBytes, planeBytes, cin, xImg, vq, ldBytes, vXiBytes, stage);
  // Upstream gradient tiles: A dY A^T, zero past the output's edge and past the last tile.
  const simd = q + 4 <= tiles && tw + 4 <= tilesW && 2 * tw + 8 <= outW && 2 * th + 2 <= outH;
  for (let o = 0; o < cout; o++) {
    const plane = dyImg + <usize>o * outPlaneBytes;
    let y00: v128;
    let y01: v128;
    let y10: v128;
    let y11: v128;
    if (simd) {
      const row0 = plane + <usize>(2 * th) * outWBytes + ((<usize>(2 * tw)) << 2);
      let l0 = v128.load(row0);
      let l1 = v128.load(row0, 16);
      y00 = v128.shuffle<f32>(l0, l1, 0, 2, 4, 6);
      y01 = v128.shuffle<f32>(l0, l1, 1, 3, 5, 7);
      l0 = v128.load(row0 + outWBytes);
      l1 = v128.load(row0 + outWBytes, 16);
      y10 = v128.shuffle<f32>(l0, l1, 0, 2, 4, 6);
      y11 = v128.shuffle<f32>(l0, l1, 1, 3, 5, 7);
    } else {
      v128.store(stage, f32x4.splat(0));
      v128.store(stage, f32x4.splat(0), 16);
      v128.store(stage, f32x4.splat(0), 32);
      v128.store(stage, f32x4.splat(0), 48);
      for (let l = 0; l < 4 && q + l < tiles; l++) {
        const thl = (q + l) / tilesW;
        const oh = 2 * thl;
        const ow = 2 * (q + l - thl * tilesW);
        const s = stage + ((<usize>l) << 2);
        const at = plane + <usize>oh * outWBytes + ((<usize>ow) << 2);
        store<f32>(s, load<f32>(at));
        if (ow + 1 < outW) store<f32>(s, load<f32>(at, 4), 16);
        if (oh + 1 < outH) {
          store<f32>(s, load<f32>(at + outWBytes), 32);
          if (ow + 1 < outW) store<f32>(s, load<f32>(at + outWBytes, 4), 48);
        }
      }
      y00 = v128.load(stage);
      y01 = v128.load(stage, 16);
      y10 = v128.load(stage, 32);
      y11 = v128.load(stage, 48);
    }
    // Row a of dY times A^T: [y_a0, y_a0 + y_a1, y_a0 - y_a1, -y_a1]; then rows R0, R0 + R1, R0 - R1, -R1.
    const r00 = y00;
    const r01 = f32x4.add(y00, y01);
    const r02 = f32x4.sub(y00, y01);
    const r03 = f32x4.neg(y01);
    const r10 = y10;
    const r11 = f32x4.add(y10, y11);
    const r12 = f32x4.sub(y10, y11);
    const r13 = f32x4.neg(y11);
    const z = zq + <usize>o * ldBytes;
    v128.store(z, r00);
    v128.store(z + zXiBytes, r01);
    v128.store(z + 2 * zXiBytes, r02);
    v128.store(z + 3 * zXiBytes, r03);
    v128.store(z + 4 * zXiBytes, f32x4.add(r00, r10));
    v128.store(z + 5 * zXiBytes, f32x4.add(r01, r11));
    v128.store(z + 6 * zXiBytes, f32x4.add(r02, r12));
    v128.store(z + 7 * zXiBytes, f32x4.add(r03, r13));
    v128.store(z + 8 * zXiBytes, f32x4.sub(r00, r10));
    v128.store(z + 9 * zXiBytes, f32x4.sub(r01, r11));
    v128.store(z + 10 * zXiBytes, f32x4.sub(r02, r12));
    v128.store(z + 11 * zXiBytes, f32x4.sub(r03, r13));
    v128.store(z + 12 * zXiBytes, f32x4.neg(r10));
    v128.store(z + 13 * zXiBytes, f32x4.neg(r11));
    v128.store(z + 14 * zXiBytes, f32x4.neg(r12));
    v128.store(z + 15 * zXiBytes, f32x4.neg(r13));
  }
}

/** Phase 9: dW[o][c] = G^T M[o][c] G for output channels [o0, o1), in float64, rounded once. */
function outputTransform(desc: usize, o0: i32, o1: i32): void {
  const cin = field(desc, D_CIN);
  const cout = field(desc, D_COUT);
  const mAt = <usize>field(desc, D_M);
  const dwAt = <usize>field(desc, D_DW);
  const xiBytes = (<usize>(cout * cin)) << 2;
  for (let o = o0; o < o1; o++) {
    for (let c = 0; c < cin; c++) {
      const m = mAt + ((<usize>(o * cin + c)) << 2);
      const dw = dwAt + ((<usize>((o * cin + c) * 9)) << 2);
      // P = G^T M (3 x 4), column j at a time: rows m0j + (m1j + m2j)/2, (m1j - m2j)/2, (m1j + m2j)/2 + m3j.
      let p00: f64 = 0,
        p01: f64 = 0,
        p02: f64 = 0,
        p03: f64 = 0;
      let p10: f64 = 0,
        p11: f64 = 0,
        p12: f64 = 0,
        p13: f64 = 0;
      let p20: f64 = 0,
        p21: f64 = 0,
        p22: f64 = 0,
        p23: f64 = 0;
      for (let j = 0; j < 4; j++) {
        const a0 = <f64>load<f32>(m + <usize>j * xiBytes);
        const a1 = <f64>load<f32>(m + <usize>(4 + j) * xiBytes);
        const a2 = <f64>load<f32>(m + <usize>(8 + j) * xiBytes);
        const a3 = <f64>load<f32>(m + <usize>(12 + j) * xiBytes);
        const s = 0.5 * (a1 + a2);
        const r0 = a0 + s;
        const r1 = 0.5 * (a1 - a2);
        const r2 = s + a3;
        if (j === 0) {
          p00 = r0;
          p10 = r1;
          p20 = r2;
        } else if (j === 1) {
          p01 = r0;
          p11 = r1;
          p21 = r2;
        } else if (j === 2) {
          p02 = r0;
          p12 = r1;
          p22 = r2;
        } else {
          p03 = r0;
          p13 = r1;
          p23 = r2;
        }
      }
      // Row r of P G: [p_r0 + (p_r1 + p_r2)/2, (p_r1 - p_r2)/2, (p_r1 + p_r2)/2 + p_r3].
      let s = 0.5 * (p01 + p02);
      store<f32>(dw, <f32>(p00 + s));
      store<f32>(dw, <f32>(0.5 * (p01 - p02)), 4);
      store<f32>(dw, <f32>(s + p03), 8);
      s = 0.5 * (p11 + p12);
      store<f32>(dw, <f32>(p10 + s), 12);
      store<f32>(dw, <f32>(0.5 * (p11 - p12)), 16);
      store<f32>(dw, <f32>(s + p13), 20);
      s = 0.5 * (p21 + p22);
      store<f32>(dw, <f32>(p20 + s), 24);
      store<f32>(dw, <f32>(0.5 * (p21 - p22)), 28);
      store<f32>(dw, <f32>(s + p23), 32);
    }
  }
}

/**
 * Runs units [u0, u1) of phase 7 (images of the chunk), 8 (GEMMs: unit = xi x blocks + block of
 * input channels) or 9 (blocks of output channels); `work` is the thread's GEMM workspace (phase 7
 * uses its first 256 bytes as scratch).
 */
export function conv2dBackwardWeightWinogradPart(desc: usize, u0: i32, u1: i32, work: usize): void {
  const phase = field(desc, D_PHASE);
  const cin = field(desc, D_CIN);
  const cout = field(desc, D_COUT);
  if (phase === 7) {
    // Unit u: the block's u-th group of 4 tiles (tiles of an image are padded to tilesP).
    const groups = field(desc, D_TILESP) >> 2;
    const g0 = field(desc, D_B0) >> 2;
    for (let u = u0; u < u1; u++) {
      const g = g0 + u;
      const n = g / groups;
      transformGroup(desc, n, (g - n * groups) << 2, u << 2, work);
    }
    return;
  }
  if (phase === 9) {
    const ob = field(desc, D_OC_BLOCK);
    for (let u = u0; u < u1; u++) outputTransform(desc, u * ob, min(cout, (u + 1) * ob));
    return;
  }
  const block = field(desc, D_BLOCK);
  const blocks = (cin + block - 1) / block;
  const ld = field(desc, D_LD);
  const k = field(desc, D_BLEN);
  const beta: f32 = field(desc, D_ACCUMULATE) !== 0 ? 1 : 0;
  const ldBytes = (<usize>ld) << 2;
  const vAt = <usize>field(desc, D_V);
  const zAt = <usize>field(desc, D_Z);
  const mAt = <usize>field(desc, D_M);
  for (let u = u0; u < u1; u++) {
    const xi = u / blocks;
    const c0 = (u - xi * blocks) * block;
    const c1 = min(cin, c0 + block);
    const v = vAt + <usize>xi * <usize>cin * ldBytes;
    const z = zAt + <usize>xi * <usize>cout * ldBytes;
    const m = mAt + ((<usize>(xi * cout * cin)) << 2);
    sgemmPart(false, true, 0, cout, c0, c1, k, 1, z, ld, v, ld, beta, m, cin, work);
  }
}
