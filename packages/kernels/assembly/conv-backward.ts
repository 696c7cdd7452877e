// Float32 conv2d weight gradient for WebAssembly 128-bit SIMD, every operand resident in linear
// memory:
//
//   dW[g*M + oc, t] = sum_n sum_j dy[n, g*M + oc, j] * cols_n,g[t, j]
//   (M = Cout/groups, K = Cin/groups*kh*kw taps t, L = Hout*Wout output positions j)
//
// No im2col matrix is built and nothing is packed. With the stride 1 along the width, the values
// of one tap at 4 adjacent output positions of a row are 4 adjacent floats of the zero-bordered
// input, and the upstream gradient of 4 adjacent positions are 4 adjacent floats of dy: the
// kernel below keeps a 2 (output channels) x 4 (taps) tile of f32x4 accumulators whose lanes
// run along the positions, and per 4 positions does 2 + 4 unaligned v128 loads for 8 multiply-adds
// (the GEMM micro-kernel's 4 x 8 tile does 2 + 4 loads for 8 as well). The lanes are summed once
// per block of output rows (a 4 x 4 transpose-add gives the 4 taps' sums as one vector) and added
// into dW. A width stride s is turned into stride 1 first: each padded row is split into its s
// column phases (`x[r + s*j]` for r < s), so a tap's values at adjacent positions are adjacent
// again (one extra pass over the input; no pass when s = 1). Rows shorter than a multiple of 4
// end with a masked step (both operands ANDed with a lane mask: no product of values outside the
// row, so a non-finite value there cannot leak in).
//
// Blocks hold ~512 output positions (rows of one image, or several small images of a slice) and
// are walked `mc` output channels at a time, so those channels' dy rows stay in L2 while every
// 4-tap item passes over them (and the x rows of one item stay in L1 across the channel pairs).
// When the input rows read and the dy rows are both contiguous (1 x k kernels, stride 1, no width
// padding), a block is run as one long row.
//
// Work is cut into units (slice s, column chunk c): slice s takes the images n = s (mod S) and
// accumulates into its own partial dW; chunk c takes a range of the items (group, 4-tap group),
// i.e. columns of dW. Units write disjoint memory, so threads claim them freely; the host picks S
// and the chunks from the geometry alone and sums the partials in slice order
// (conv2dSumSlices), so the result does not depend on the thread count, bit for bit.
//
// The descriptor is an i32 array in linear memory laid out by src/conv-backward.ts; the fields
// conv2dPadPart reads have conv.ts's indices.

import { conv2dPadPart } from './conv';
import { conv2dBackward1x1Part } from './conv-backward-1x1';
import { conv2dBackwardInputPart } from './conv-backward-input';
import { conv2dBackwardWeightGemmPart } from './conv-backward-weight-gemm';
import { conv2dBackwardWeightWinogradPart } from './conv-backward-winograd';

const D_CIN = 1;
const D_COUT = 4;
const D_KH = 5;
const D_KW = 6;
const D_GROUPS = 7;
const D_SH = 8;
const D_SW = 9;
const D_OUTH = 14;
const D_OUTW = 15;
const D_HP = 16;
const D_WP = 17;
const D_XPAD = 19;
// Fields of this kernel only.
/** dy of the staged images, [nb, Cout, L]. */
const D_DY = 20;
/** Width-phase-split images [nb, Cin, Hp, SW, WQ] (0 when SW = 1: the padded slots are read). */
const D_XS = 21;
/** Partial sums [S, Cout, K]. */
const D_PARTS = 22;
/** K tap offsets (elements) in the layout the kernel reads. */
const D_TAPOFF = 23;
/** Length of one column phase of a row: ceil(WP / SW). */
const D_WQ = 24;
const D_SLICES = 25;
const D_CHUNKS = 26;
const D_ITEMS_PER_CHUNK = 27;
/** Images staged in this call. */
const D_NB = 28;
/** Index of the first staged image mod S. */
const D_SHIFT = 29;
/** 0: units prepare images [lo, hi) (pad, phase split); 1: units compute. */
const D_PHASE = 30;
/** Whether a unit prepares its own images first (each image belongs to one unit). */
const D_PREP_IN_UNIT = 31;
/** Output rows per block (the lanes are reduced once per block). */
const D_BLOCK_ROWS = 32;
/** Whether images need padding in place. */
const D_PADDED = 33;
/** Images of a slice per block (small images: one tile pass covers several). */
const D_IMGS_PER_BLOCK = 34;
/** Output channels per pass over a block (their dy rows stay in L2 while every item passes). */
const D_MC = 35;
/** Whether consecutive output rows are contiguous in both the input read and dy (1 x k kernels, stride 1, no width padding): a block is then one long row. */
const D_FLAT = 36;

function field(desc: usize, i: i32): i32 {
  return load<i32>(desc + ((<usize>i) << 2));
}

/** Splits each padded row of image n into its SW column phases: xs[c, row, r, j] = xpad[c, row, r + SW*j] (0 past WP). */
function splitPhases(desc: usize, n: i32): void {
  const cin = field(desc, D_CIN);
  const hp = field(desc, D_HP);
  const wp = field(desc, D_WP);
  const sw = field(desc, D_SW);
  const wq = field(desc, D_WQ);
  const rows = cin * hp;
  let src = <usize>field(desc, D_XPAD) + ((<usize>(n * rows * wp)) << 2);
  let dst = <usize>field(desc, D_XS) + ((<usize>(n * rows * sw * wq)) << 2);
  for (let row = 0; row < rows; row++) {
    for (let r = 0; r < sw; r++) {
      let col = r;
      for (let j = 0; j < wq; j++) {
        store<f32>(dst, col < wp ? load<f32>(src + ((<usize>col) << 2)) : 0);
        dst += 4;
        col += sw;
      }
    }
    src += (<usize>wp) << 2;
  }
}

/** Gets staged image n ready for the kernel: zero-bordered in place, then phase-split when SW > 1. */
function prepare(desc: usize, n: i32): void {
  if (field(desc, D_PADDED) !== 0) conv2dPadPart(desc, n, n + 1);
  if (field(desc, D_SW) > 1) splitPhases(desc, n);
}

/** [sum(a), sum(b), sum(c), sum(d)]: lane sums of four vectors with one 4 x 4 transpose-add. */
function laneSums(a: v128, b: v128, c: v128, d: v128): v128 {
  const s1 = f32x4.add(v128.shuffle<f32>(a, b, 0, 1, 4, 5), v128.shuffle<f32>(a, b, 2, 3, 6, 7));
  const s2 = f32x4.add(v128.shuffle<f32>(c, d, 0, 1, 4, 5), v128.shuffle<f32>(c, d, 2, 3, 6, 7));
  return f32x4.add(v128.shuffle<f32>(s1, s2, 0, 2, 4, 6), v128.shuffle<f32>(s1, s2, 1, 3, 5, 7));
}

/** dw[0..tr) += sums[0..tr) (tr = 1..4 taps of one output channel's row of dW). */
function addSums(dw: usize, sums: v128, tr: i32): void {
  if (tr === 4) {
    v128.store(dw, f32x4.add(v128.load(dw), sums));
    return;
  }
  store<f32>(dw, load<f32>(dw) + f32x4.extract_lane(sums, 0));
  if (tr > 1) store<f32>(dw, load<f32>(dw, 4) + f32x4.extract_lane(sums, 1), 4);
  if (tr > 2) store<f32>(dw, load<f32>(dw, 8) + f32x4.extract_lane(sums, 2), 8);
}

/**
 * One 2 x 4 tile over a block of `imgs` images x `rows` rows: for output channels a, b (dy rows
 * `dya`, `dyb`, row stride `ldDy` bytes) and taps 0-3 (input pointers `x0..x3`, row stride `ldX`
 * bytes), dw_a[t] += sum over the block of dy_a[j] * x_t[j], likewise dw_b; after its rows, each
 * image moves the pointers on by `skipDy` / `skipX` bytes to the next image. `full` bytes of each
 * row go 4 positions at a time; `tail` (1-3) more positions go through `mask`. Taps past `tr`
 * repeat a real tap's pointer and their sums are dropped.
 */
function tile2x4(
  dya: usize,
  dyb: usize,
  x0: usize,
  x1: usize,
  x2: usize,
  x3: usize,
  rows: i32,
  imgs: i32,
  ldDy: usize,
  ldX: usize,
  skipDy: usize,
  skipX: usize,
  full: usize,
  tail: i32,
  mask: v128,
  dwa: usize,
  dwb: usize,
  tr: i32,
): void {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  let b0 = f32x4.splat(0);
  let b1 = f32x4.splat(0);
  let b2 = f32x4.splat(0);
  let b3 = f32x4.splat(0);
  for (let im = 0; im < imgs; im++) {
    for (let r = 0; r < rows; r++) {
      let i: usize = 0;
      for (; i < full; i += 16) {
        const da = v128.load(dya + i);
        const db = v128.load(dyb + i);
        let v = v128.load(x0 + i);
        a0 = f32x4.add(a0, f32x4.mul(da, v));
        b0 = f32x4.add(b0, f32x4.mul(db, v));
        v = v128.load(x1 + i);
        a1 = f32x4.add(a1, f32x4.mul(da, v));
        b1 = f32x4.add(b1, f32x4.mul(db, v));
        v = v128.load(x2 + i);
        a2 = f32x4.add(a2, f32x4.mul(da, v));
        b2 = f32x4.add(b2, f32x4.mul(db, v));
        v = v128.load(x3 + i);
        a3 = f32x4.add(a3, f32x4.mul(da, v));
        b3 = f32x4.add(b3, f32x4.mul(db, v));
      }
      if (tail !== 0) {
        const da = v128.and(v128.load(dya + i), mask);
        const db = v128.and(v128.load(dyb + i), mask);
        let v = v128.and(v128.load(x0 + i), mask);
        a0 = f32x4.add(a0, f32x4.mul(da, v));
        b0 = f32x4.add(b0, f32x4.mul(db, v));
        v = v128.and(v128.load(x1 + i), mask);
        a1 = f32x4.add(a1, f32x4.mul(da, v));
        b1 = f32x4.add(b1, f32x4.mul(db, v));
        v = v128.and(v128.load(x2 + i), mask);
        a2 = f32x4.add(a2, f32x4.mul(da, v));
        b2 = f32x4.add(b2, f32x4.mul(db, v));
        v = v128.and(v128.load(x3 + i), mask);
        a3 = f32x4.add(a3, f32x4.mul(da, v));
        b3 = f32x4.add(b3, f32x4.mul(db, v));
      }
      dya += ldDy;
      dyb += ldDy;
      x0 += ldX;
      x1 += ldX;
      x2 += ldX;
      x3 += ldX;
    }
    dya += skipDy;
    dyb += skipDy;
    x0 += skipX;
    x1 += skipX;
    x2 += skipX;
    x3 += skipX;
  }
  addSums(dwa, laneSums(a0, a1, a2, a3), tr);
  addSums(dwb, laneSums(b0, b1, b2, b3), tr);
}

/** {@link tile2x4} for one output channel (the last one when M is odd). */
function tile1x4(
  dya: usize,
  x0: usize,
  x1: usize,
  x2: usize,
  x3: usize,
  rows: i32,
  imgs: i32,
  ldDy: usize,
  ldX: usize,
  skipDy: usize,
  skipX: usize,
  full: usize,
  tail: i32,
  mask: v128,
  dwa: usize,
  tr: i32,
): void {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  for (let im = 0; im < imgs; im++) {
    for (let r = 0; r < rows; r++) {
      let i: usize = 0;
      for (; i < full; i += 16) {
        const da = v128.load(dya + i);
        a0 = f32x4.add(a0, f32x4.mul(da, v128.load(x0 + i)));
        a1 = f32x4.add(a1, f32x4.mul(da, v128.load(x1 + i)));
        a2 = f32x4.add(a2, f32x4.mul(da, v128.load(x2 + i)));
        a3 = f32x4.add(a3, f32x4.mul(da, v128.load(x3 + i)));
      }
      if (tail !== 0) {
        const da = v128.and(v128.load(dya + i), mask);
        a0 = f32x4.add(a0, f32x4.mul(da, v128.and(v128.load(x0 + i), mask)));
        a1 = f32x4.add(a1, f32x4.mul(da, v128.and(v128.load(x1 + i), mask)));
        a2 = f32x4.add(a2, f32x4.mul(da, v128.and(v128.load(x2 + i), mask)));
        a3 = f32x4.add(a3, f32x4.mul(da, v128.and(v128.load(x3 + i), mask)));
      }
      dya += ldDy;
      x0 += ldX;
      x1 += ldX;
      x2 += ldX;
      x3 += ldX;
    }
    dya += skipDy;
    x0 += skipX;
    x1 += skipX;
    x2 += skipX;
    x3 += skipX;
  }
  addSums(dwa, laneSums(a0, a1, a2, a3), tr);
}

/**
 * Runs units [u0, u1) of the weight gradient (see the file comment), or, in the preparation phase,
 * prepares staged images [u0, u1). Unit u = slice u / chunks, column chunk u % chunks. Needs no
 * scratch memory (`work`, the thread's scratch, is used only by the units of phases 2 and 3, see
 * conv-backward-1x1.ts, 4, see conv-backward-input.ts, and 5 and 6, see conv-backward-weight-gemm.ts).
 */
export function conv2dBackwardWeightPart(desc: usize, u0: i32, u1: i32, work: usize): void {
  const phase = field(desc, D_PHASE);
  // Other kernels' units, run through this entry point's thread job kind: the 1x1 GEMMs
  // (conv-backward-1x1.ts), the input gradient's GEMM + col2im (conv-backward-input.ts) and the
  // batched weight-gradient GEMM for small images (conv-backward-weight-gemm.ts) and the Winograd
  // weight gradient (conv-backward-winograd.ts).
  if (phase === 4) {
    conv2dBackwardInputPart(desc, u0, u1, work);
    return;
  }
  if (phase >= 7) {
    conv2dBackwardWeightWinogradPart(desc, u0, u1, work);
    return;
  }
  if (phase >= 5) {
    conv2dBackwardWeightGemmPart(desc, u0, u1, work);
    return;
  }
  if (phase >= 2) {
    conv2dBackward1x1Part(desc, u0, u1, work);
    return;
  }
  if (phase === 0) {
    for (let n = u0; n < u1; n++) prepare(desc, n);
    return;
  }
  const cin = field(desc, D_CIN);
  const cout = field(desc, D_COUT);
  const groups = field(desc, D_GROUPS);
  const sh = field(desc, D_SH);
  const sw = field(desc, D_SW);
  const outH = field(desc, D_OUTH);
  const outW = field(desc, D_OUTW);
  const hp = field(desc, D_HP);
  const wq = field(desc, D_WQ);
  const slices = field(desc, D_SLICES);
  const chunks = field(desc, D_CHUNKS);
  const perChunk = field(desc, D_ITEMS_PER_CHUNK);
  const nb = field(desc, D_NB);
  const shift = field(desc, D_SHIFT);
  const prepInUnit = field(desc, D_PREP_IN_UNIT) !== 0;
  const blockRows = field(desc, D_BLOCK_ROWS);
  const dy = <usize>field(desc, D_DY);
  const parts = <usize>field(desc, D_PARTS);
  const tap = <usize>field(desc, D_TAPOFF);
  const xbase = <usize>(sw > 1 ? field(desc, D_XS) : field(desc, D_XPAD));
  const cinG = cin / groups;
  const m = cout / groups;
  const k = cinG * field(desc, D_KH) * field(desc, D_KW);
  const l = outH * outW;
  const rs = sw * wq; // row stride of the layout read (= WP when SW = 1)
  const cPlane = hp * rs;
  const imgX = (<usize>(cin * cPlane)) << 2;
  const imgDy = (<usize>(cout * l)) << 2;
  const lBytes = (<usize>l) << 2;
  const kBytes = (<usize>k) << 2;
  const ldDy = (<usize>outW) << 2;
  const ldX = (<usize>(sh * rs)) << 2;
  const flat = field(desc, D_FLAT) !== 0;
  const tgPer = (k + 3) >> 2;
  const items = groups * tgPer;
  const ipb = field(desc, D_IMGS_PER_BLOCK);
  const mc = field(desc, D_MC);
  const stepDy = <usize>slices * imgDy;
  const stepX = <usize>slices * imgX;
  for (let u = u0; u < u1; u++) {
    const s = u / chunks;
    const i0 = (u % chunks) * perChunk;
    const i1 = min(items, i0 + perChunk);
    if (i0 >= i1) continue;
    const part = parts + <usize>s * <usize>cout * kBytes;
    // The slice's staged images: first, first + S, ... (< nb), taken ipb at a time.
    const first = (((s - shift) % slices) + slices) % slices;
    for (let n = first; n < nb; n += ipb * slices) {
      const imgs = min(ipb, (nb - 1 - n) / slices + 1);
      if (prepInUnit) for (let q = 0; q < imgs; q++) prepare(desc, n + q * slices);
      const xi = xbase + <usize>n * imgX;
      const dyi = dy + <usize>n * imgDy;
      for (let oh0 = 0; oh0 < outH; oh0 += blockRows) {
        const rows = min(blockRows, outH - oh0);
        // A flat block is one row of rows * outW positions.
        const width = flat ? rows * outW : outW;
        const tileRows = flat ? 1 : rows;
        const full = (<usize>(width & ~3)) << 2;
        const tail = width & 3;
        const mask = i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(tail));
        const skipDy = stepDy - <usize>rows * ldDy;
        const skipX = stepX - <usize>rows * ldX;
        const rowDy = flat ? <usize>rows * ldDy : ldDy;
        const rowX = flat ? <usize>rows * ldX : ldX;
        for (let m0 = 0; m0 < m; m0 += mc) {
          const m1 = min(m, m0 + mc);
          for (let it = i0; it < i1; it++) {
            const gi = it / tgPer;
            const t0 = (it % tgPer) << 2;
            const tr = min(4, k - t0);
            const xg = xi + ((<usize>(gi * cinG * cPlane + oh0 * sh * rs)) << 2);
            const tp = tap + ((<usize>t0) << 2);
            const x0 = xg + ((<usize>load<i32>(tp)) << 2);
            const x1 = tr > 1 ? xg + ((<usize>load<i32>(tp, 4)) << 2) : x0;
            const x2 = tr > 2 ? xg + ((<usize>load<i32>(tp, 8)) << 2) : x0;
            const x3 = tr > 3 ? xg + ((<usize>load<i32>(tp, 12)) << 2) : x0;
            const dyg = dyi + <usize>(gi * m) * lBytes + ((<usize>(oh0 * outW)) << 2);
            const dwg = part + <usize>(gi * m) * kBytes + ((<usize>t0) << 2);
            let oc = m0;
            for (; oc + 2 <= m1; oc += 2) {
              const da = dyg + <usize>oc * lBytes;
              const dwa = dwg + <usize>oc * kBytes;
              tile2x4(
                da,
                da + lBytes,
                x0,
                x1,
                x2,
                x3,
                tileRows,
                imgs,
                rowDy,
                rowX,
                skipDy,
                skipX,
                full,
                tail,
                mask,
                dwa,
                dwa + kBytes,
                tr,
              );
            }
            if (oc < m1) {
              const dwa = dwg + <usize>oc * kBytes;
              tile1x4(
                dyg + <usize>oc * lBytes,
                x0,
                x1,
                x2,
                x3,
                tileRows,
                imgs,
                rowDy,
                rowX,
                skipDy,
                skipX,
                full,
                tail,
                mask,
                dwa,
                tr,
              );
            }
          }
        }
      }
    }
  }
}

/** Adds slices 1 .. count-1 of `n` floats each (contiguous from `parts`) into slice 0, in slice order. */
export function conv2dSumSlices(parts: usize, n: i32, count: i32): void {
  const bytes = (<usize>n) << 2;
  for (let s = 1; s < count; s++) {
    const src = parts + <usize>s * bytes;
    let i: usize = 0;
    for (; i + 16 <= bytes; i += 16) v128.store(parts + i, f32x4.add(v128.load(parts + i), v128.load(src + i)));
    for (; i < bytes; i += 4) store<f32>(parts + i, load<f32>(parts + i) + load<f32>(src + i));
  }
}
