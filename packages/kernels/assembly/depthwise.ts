// Float32 depthwise conv2d (groups = in channels = out channels) for WebAssembly 128-bit SIMD, on
// NCHW planes: every channel is its own small 2-D correlation, so there is no GEMM to feed. The
// 3x3 pad-1 filters of stride 1 and 2 (MobileNet's) read the staged plane itself: rows above and
// below the image point at a zero row, the column left of it is shifted in by a shuffle and the
// one right of it masked (as XNNPACK's CHW dwconv does), which saves a pass over the input. Other
// shapes copy each plane into a per-thread zero-bordered scratch (no padding tests in the inner
// loops). Output rows are computed four or eight columns at a time: one weight splat times the
// input row at that tap's offset, accumulated in registers over the kh x kw taps. A width stride of 2
// loads eight adjacent floats and keeps the even lanes (one shuffle). Units of work are planes
// (image, channel) that threads claim one at a time (see threads.ts); the host stages runs of
// planes, whose first plane's channel is D_C0.
//
// The descriptor is an i32 array in linear memory laid out by src/depthwise.ts (indices below).

import { clampF32, reluF32 } from './elementwise';

const D_CH = 1;
const D_INH = 2;
const D_INW = 3;
const D_KH = 4;
const D_KW = 5;
const D_SH = 6;
const D_SW = 7;
const D_PADT = 8;
const D_PADL = 9;
const D_DH = 10;
const D_DW = 11;
const D_OUTH = 12;
const D_OUTW = 13;
const D_HP = 14;
const D_WP = 15;
const D_X = 16;
const D_W = 17;
const D_BIAS = 18;
const D_Y = 19;
const D_PARTIAL = 20;
/** The channel of the chunk's first plane (chunks are runs of planes, not whole images). */
const D_C0 = 21;
/**
 * The forward pass's fused activation (0 none, 1 ReLU, 2 clamp to [D_ACT_LO, D_ACT_HI], two f32),
 * applied to each part's planes right after they are computed, while they are in cache, by the
 * thread that computed them (as a pass over each chunk on the calling thread it took as long as
 * the convolution: MobileNetV2's [1,32,112,112] 0.21 of 0.64 ms).
 */
const D_ACT = 22;
const D_ACT_LO = 23;
const D_ACT_HI = 24;

function field(desc: usize, i: i32): i32 {
  return load<i32>(desc + ((<usize>i) << 2));
}

/**
 * Bytes of per-thread scratch every depthwise part needs at its `work` pointer: one bordered plane
 * plus slack for the vector loads that run past a row's last column (discarded or masked lanes).
 */
export function depthwiseWorkBytes(desc: usize): i32 {
  return (field(desc, D_HP) * field(desc, D_WP) + 4 * field(desc, D_SW) + 64) * 4;
}

/**
 * Zeroes the bordered scratch plane and the slack after it. The borders stay zero while planes
 * are copied into the interior one after another (copyInterior), so a part call zeroes once.
 */
function zeroScratch(desc: usize, dst: usize): void {
  memory.fill(dst, 0, <usize>(field(desc, D_HP) * field(desc, D_WP)) * 4 + 128);
}

/**
 * Copies plane `src` ([inH, inW], dense) into the interior of the bordered scratch `dst`
 * ([hp, wp] rows, image at (padT, padL)), four floats per step: small bulk-memory calls per row
 * cost more than the copy itself on 7x7 to 56x56 planes.
 */
function copyInterior(desc: usize, src: usize, dst: usize): void {
  const inH = field(desc, D_INH);
  const inW = field(desc, D_INW);
  const wpBytes = (<usize>field(desc, D_WP)) << 2;
  const vec = inW & ~3;
  let d = dst + <usize>field(desc, D_PADT) * wpBytes + ((<usize>field(desc, D_PADL)) << 2);
  let s = src;
  for (let r = 0; r < inH; r++) {
    let c = 0;
    for (; c < vec; c += 4) v128.store(d + ((<usize>c) << 2), v128.load(s + ((<usize>c) << 2)));
    for (; c < inW; c++) store<f32>(d + ((<usize>c) << 2), load<f32>(s + ((<usize>c) << 2)));
    d += wpBytes;
    s += (<usize>inW) << 2;
  }
}

/** Four output columns' inputs at byte address `p`: adjacent floats (stride 1), every other one (stride 2), or gathered. */
function loadCols(p: usize, sw: i32): v128 {
  if (sw === 1) return v128.load(p);
  if (sw === 2) return v128.shuffle<f32>(v128.load(p), v128.load(p, 16), 0, 2, 4, 6);
  const step = (<usize>sw) << 2;
  let v = f32x4.splat(load<f32>(p));
  v = f32x4.replace_lane(v, 1, load<f32>(p + step));
  v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * step));
  return f32x4.replace_lane(v, 3, load<f32>(p + 3 * step));
}

/**
 * One output row of one plane: `y[ow] = b + sum_{a,c} w[a,c] * xp[r0 + a*dh, ow*sw + c*dw]` for
 * every ow, where `xp` is the bordered plane and `row` its byte address of row r0. Eight columns
 * per step, then four, then (rows of at least 4) the last four again, overlapping (they are
 * stores, not sums, so recomputing a column is harmless); rows shorter than 4 run scalar.
 */
function rowGeneral(
  row: usize,
  wptr: usize,
  b: f32,
  y: usize,
  outW: i32,
  kh: i32,
  kw: i32,
  sw: i32,
  dhBytes: usize,
  dwBytes: usize,
): void {
  const swBytes = (<usize>sw) << 2;
  const step4 = swBytes << 2;
  const bias = f32x4.splat(b);
  let ow = 0;
  for (; ow + 8 <= outW; ow += 8) {
    let acc0 = bias;
    let acc1 = bias;
    let rp = row + <usize>ow * swBytes;
    let wp = wptr;
    for (let a = 0; a < kh; a++) {
      let p = rp;
      for (let c = 0; c < kw; c++) {
        const wv = v128.load32_splat(wp);
        acc0 = f32x4.add(acc0, f32x4.mul(wv, loadCols(p, sw)));
        acc1 = f32x4.add(acc1, f32x4.mul(wv, loadCols(p + step4, sw)));
        p += dwBytes;
        wp += 4;
      }
      rp += dhBytes;
    }
    v128.store(y + ((<usize>ow) << 2), acc0);
    v128.store(y + ((<usize>ow) << 2), acc1, 16);
  }
  if (outW < 4) {
    for (; ow < outW; ow++) {
      let s = b;
      let rp = row + <usize>ow * swBytes;
      let wp = wptr;
      for (let a = 0; a < kh; a++) {
        let p = rp;
        for (let c = 0; c < kw; c++) {
          s += load<f32>(wp) * load<f32>(p);
          p += dwBytes;
          wp += 4;
        }
        rp += dhBytes;
      }
      store<f32>(y + ((<usize>ow) << 2), s);
    }
    return;
  }
  while (ow < outW) {
    if (ow + 4 > outW) ow = outW - 4;
    let acc = bias;
    let rp = row + <usize>ow * swBytes;
    let wp = wptr;
    for (let a = 0; a < kh; a++) {
      let p = rp;
      for (let c = 0; c < kw; c++) {
        acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(wp), loadCols(p, sw)));
        p += dwBytes;
        wp += 4;
      }
      rp += dhBytes;
    }
    v128.store(y + ((<usize>ow) << 2), acc);
    ow += 4;
  }
}

/**
 * The 3x3 stride-1 case (MobileNet's), two output rows at a time: the nine weights stay in
 * registers and each of the four input rows is loaded once for both output rows it feeds (so the
 * row dilation must be 1; `dw` is the column dilation in bytes).
 * Requires outW >= 4 (the last four columns are recomputed, overlapping).
 */
function plane3x3s1(xp: usize, wptr: usize, b: f32, y: usize, outH: i32, outW: i32, wpBytes: usize, dw: usize): void {
  const w0 = v128.load32_splat(wptr);
  const w1 = v128.load32_splat(wptr, 4);
  const w2 = v128.load32_splat(wptr, 8);
  const w3 = v128.load32_splat(wptr, 12);
  const w4 = v128.load32_splat(wptr, 16);
  const w5 = v128.load32_splat(wptr, 20);
  const w6 = v128.load32_splat(wptr, 24);
  const w7 = v128.load32_splat(wptr, 28);
  const w8 = v128.load32_splat(wptr, 32);
  const bias = f32x4.splat(b);
  const outBytes = (<usize>outW) << 2;
  const dw2 = dw << 1;
  let oh = 0;
  for (; oh + 2 <= outH; oh += 2) {
    const r0 = xp + <usize>oh * wpBytes;
    const y0 = y + <usize>oh * outBytes;
    let ow = 0;
    while (ow < outW) {
      if (ow + 4 > outW) ow = outW - 4;
      const o = (<usize>ow) << 2;
      let p = r0 + o;
      let i0 = v128.load(p);
      let i1 = v128.load(p + dw);
      let i2 = v128.load(p + dw2);
      let a0 = f32x4.add(bias, f32x4.mul(w0, i0));
      a0 = f32x4.add(a0, f32x4.mul(w1, i1));
      a0 = f32x4.add(a0, f32x4.mul(w2, i2));
      p += wpBytes;
      i0 = v128.load(p);
      i1 = v128.load(p + dw);
      i2 = v128.load(p + dw2);
      a0 = f32x4.add(a0, f32x4.mul(w3, i0));
      a0 = f32x4.add(a0, f32x4.mul(w4, i1));
      a0 = f32x4.add(a0, f32x4.mul(w5, i2));
      let a1 = f32x4.add(bias, f32x4.mul(w0, i0));
      a1 = f32x4.add(a1, f32x4.mul(w1, i1));
      a1 = f32x4.add(a1, f32x4.mul(w2, i2));
      p += wpBytes;
      i0 = v128.load(p);
      i1 = v128.load(p + dw);
      i2 = v128.load(p + dw2);
      a0 = f32x4.add(a0, f32x4.mul(w6, i0));
      a0 = f32x4.add(a0, f32x4.mul(w7, i1));
      a0 = f32x4.add(a0, f32x4.mul(w8, i2));
      a1 = f32x4.add(a1, f32x4.mul(w3, i0));
      a1 = f32x4.add(a1, f32x4.mul(w4, i1));
      a1 = f32x4.add(a1, f32x4.mul(w5, i2));
      p += wpBytes;
      i0 = v128.load(p);
      i1 = v128.load(p + dw);
      i2 = v128.load(p + dw2);
      a1 = f32x4.add(a1, f32x4.mul(w6, i0));
      a1 = f32x4.add(a1, f32x4.mul(w7, i1));
      a1 = f32x4.add(a1, f32x4.mul(w8, i2));
      v128.store(y0 + o, a0);
      v128.store(y0 + outBytes + o, a1);
      ow += 4;
    }
  }
  if (oh < outH) {
    const r0 = xp + <usize>oh * wpBytes;
    const y0 = y + <usize>oh * outBytes;
    let ow = 0;
    while (ow < outW) {
      if (ow + 4 > outW) ow = outW - 4;
      const o = (<usize>ow) << 2;
      let p = r0 + o;
      let a0 = f32x4.add(bias, f32x4.mul(w0, v128.load(p)));
      a0 = f32x4.add(a0, f32x4.mul(w1, v128.load(p + dw)));
      a0 = f32x4.add(a0, f32x4.mul(w2, v128.load(p + dw2)));
      p += wpBytes;
      a0 = f32x4.add(a0, f32x4.mul(w3, v128.load(p)));
      a0 = f32x4.add(a0, f32x4.mul(w4, v128.load(p + dw)));
      a0 = f32x4.add(a0, f32x4.mul(w5, v128.load(p + dw2)));
      p += wpBytes;
      a0 = f32x4.add(a0, f32x4.mul(w6, v128.load(p)));
      a0 = f32x4.add(a0, f32x4.mul(w7, v128.load(p + dw)));
      a0 = f32x4.add(a0, f32x4.mul(w8, v128.load(p + dw2)));
      v128.store(y0 + o, a0);
      ow += 4;
    }
  }
}

/** The even lanes of the eight floats `lo`, `hi`: x[0, 2, 4, 6]. */
function evens(lo: v128, hi: v128): v128 {
  return v128.shuffle<f32>(lo, hi, 0, 2, 4, 6);
}

/** The odd lanes of the eight floats `lo`, `hi`: x[1, 3, 5, 7]. */
function odds(lo: v128, hi: v128): v128 {
  return v128.shuffle<f32>(lo, hi, 1, 3, 5, 7);
}

/**
 * The 3x3 stride-2 case (MobileNet's downsampling layers, no dilation) on the bordered copy: nine
 * weights in registers, four output columns per step. The sum order is the copy-free kernel's
 * (plane3x3s2p1: the middle and right taps row by row from the bias, the left taps summed apart
 * and added last), so the two agree bit for bit. Requires outW >= 4 (the last four columns are
 * recomputed).
 */
function plane3x3s2(xp: usize, wptr: usize, b: f32, y: usize, outH: i32, outW: i32, wpBytes: usize): void {
  const w0 = v128.load32_splat(wptr);
  const w1 = v128.load32_splat(wptr, 4);
  const w2 = v128.load32_splat(wptr, 8);
  const w3 = v128.load32_splat(wptr, 12);
  const w4 = v128.load32_splat(wptr, 16);
  const w5 = v128.load32_splat(wptr, 20);
  const w6 = v128.load32_splat(wptr, 24);
  const w7 = v128.load32_splat(wptr, 28);
  const w8 = v128.load32_splat(wptr, 32);
  const bias = f32x4.splat(b);
  const outBytes = (<usize>outW) << 2;
  for (let oh = 0; oh < outH; oh++) {
    const r0 = xp + <usize>(oh * 2) * wpBytes;
    const y0 = y + <usize>oh * outBytes;
    let ow = 0;
    while (ow < outW) {
      if (ow + 4 > outW) ow = outW - 4;
      let p = r0 + ((<usize>ow) << 3);
      // Bordered columns 2j (left tap), 2j + 1 (middle) and 2j + 2 (right) of output j.
      let lo = v128.load(p);
      let hi = v128.load(p, 16);
      let acc = f32x4.add(bias, f32x4.mul(w1, odds(lo, hi)));
      acc = f32x4.add(acc, f32x4.mul(w2, evens(v128.load(p, 8), v128.load(p, 24))));
      let left = f32x4.mul(w0, evens(lo, hi));
      p += wpBytes;
      lo = v128.load(p);
      hi = v128.load(p, 16);
      acc = f32x4.add(acc, f32x4.mul(w4, odds(lo, hi)));
      acc = f32x4.add(acc, f32x4.mul(w5, evens(v128.load(p, 8), v128.load(p, 24))));
      left = f32x4.add(left, f32x4.mul(w3, evens(lo, hi)));
      p += wpBytes;
      lo = v128.load(p);
      hi = v128.load(p, 16);
      acc = f32x4.add(acc, f32x4.mul(w7, odds(lo, hi)));
      acc = f32x4.add(acc, f32x4.mul(w8, evens(v128.load(p, 8), v128.load(p, 24))));
      left = f32x4.add(left, f32x4.mul(w6, evens(lo, hi)));
      v128.store(y0 + ((<usize>ow) << 2), f32x4.add(acc, left));
      ow += 4;
    }
  }
}

/**
 * One output row of plane3x3s1p1 (the last one of an odd count) from input rows `a0`, `a1`, `a2`
 * (a zero row above or below the image): the same steps and sums as its two-row passes.
 */
function row3x3s1p1(
  a0: usize,
  a1: usize,
  a2: usize,
  wptr: usize,
  b: f32,
  ya: usize,
  inW: i32,
  outW: i32,
  rmask: v128,
): void {
  const w0 = v128.load32_splat(wptr);
  const w1 = v128.load32_splat(wptr, 4);
  const w2 = v128.load32_splat(wptr, 8);
  const w3 = v128.load32_splat(wptr, 12);
  const w4 = v128.load32_splat(wptr, 16);
  const w5 = v128.load32_splat(wptr, 20);
  const w6 = v128.load32_splat(wptr, 24);
  const w7 = v128.load32_splat(wptr, 28);
  const w8 = v128.load32_splat(wptr, 32);
  const bias = f32x4.splat(b);
  const z = f32x4.splat(0);
  // The first step: the input left of the image is zero (shifted in by a shuffle).
  let i1 = v128.load(a0);
  let s0 = f32x4.add(bias, f32x4.mul(w0, v128.shuffle<f32>(z, i1, 3, 4, 5, 6)));
  s0 = f32x4.add(s0, f32x4.mul(w1, i1));
  s0 = f32x4.add(s0, f32x4.mul(w2, v128.load(a0, 4)));
  i1 = v128.load(a1);
  s0 = f32x4.add(s0, f32x4.mul(w3, v128.shuffle<f32>(z, i1, 3, 4, 5, 6)));
  s0 = f32x4.add(s0, f32x4.mul(w4, i1));
  s0 = f32x4.add(s0, f32x4.mul(w5, v128.load(a1, 4)));
  i1 = v128.load(a2);
  s0 = f32x4.add(s0, f32x4.mul(w6, v128.shuffle<f32>(z, i1, 3, 4, 5, 6)));
  s0 = f32x4.add(s0, f32x4.mul(w7, i1));
  s0 = f32x4.add(s0, f32x4.mul(w8, v128.load(a2, 4)));
  v128.store(ya, s0);
  // Steps inside the row, then the last four columns again with the padding column masked.
  let ow = 4;
  for (; ow + 4 <= outW && ow + 5 <= inW; ow += 4) {
    const o: usize = (<usize>ow) << 2;
    let p = a0 + o;
    let s = f32x4.add(bias, f32x4.mul(w0, v128.load(p - 4)));
    s = f32x4.add(s, f32x4.mul(w1, v128.load(p)));
    s = f32x4.add(s, f32x4.mul(w2, v128.load(p + 4)));
    p = a1 + o;
    s = f32x4.add(s, f32x4.mul(w3, v128.load(p - 4)));
    s = f32x4.add(s, f32x4.mul(w4, v128.load(p)));
    s = f32x4.add(s, f32x4.mul(w5, v128.load(p + 4)));
    p = a2 + o;
    s = f32x4.add(s, f32x4.mul(w6, v128.load(p - 4)));
    s = f32x4.add(s, f32x4.mul(w7, v128.load(p)));
    s = f32x4.add(s, f32x4.mul(w8, v128.load(p + 4)));
    v128.store(ya + o, s);
  }
  if (ow < outW) {
    const o: usize = (<usize>(outW - 4)) << 2;
    let p = a0 + o;
    let s = f32x4.add(bias, f32x4.mul(w0, v128.load(p - 4)));
    s = f32x4.add(s, f32x4.mul(w1, v128.load(p)));
    s = f32x4.add(s, f32x4.mul(w2, v128.and(v128.load(p + 4), rmask)));
    p = a1 + o;
    s = f32x4.add(s, f32x4.mul(w3, v128.load(p - 4)));
    s = f32x4.add(s, f32x4.mul(w4, v128.load(p)));
    s = f32x4.add(s, f32x4.mul(w5, v128.and(v128.load(p + 4), rmask)));
    p = a2 + o;
    s = f32x4.add(s, f32x4.mul(w6, v128.load(p - 4)));
    s = f32x4.add(s, f32x4.mul(w7, v128.load(p)));
    s = f32x4.add(s, f32x4.mul(w8, v128.and(v128.load(p + 4), rmask)));
    v128.store(ya + o, s);
  }
}

/**
 * plane3x3s1p1 unrolled for 7x7 planes (MobileNetV2's last stage, 960 channels at batch 1): the
 * same steps and sums, with every row and column offset a constant, so a plane is straight-line
 * code (no loop, row selection or bounds arithmetic, which cost about a fifth of a 49-output plane).
 */
function plane7x7s1p1(x: usize, wptr: usize, b: f32, y: usize, zero: usize): void {
  const w0 = v128.load32_splat(wptr);
  const w1 = v128.load32_splat(wptr, 4);
  const w2 = v128.load32_splat(wptr, 8);
  const w3 = v128.load32_splat(wptr, 12);
  const w4 = v128.load32_splat(wptr, 16);
  const w5 = v128.load32_splat(wptr, 20);
  const w6 = v128.load32_splat(wptr, 24);
  const w7 = v128.load32_splat(wptr, 28);
  const w8 = v128.load32_splat(wptr, 32);
  const bias = f32x4.splat(b);
  const z = f32x4.splat(0);
  // The last step's right taps are columns 4 to 7: column 7 is the padding.
  const rmask = i32x4(-1, -1, -1, 0);
  const r0 = x;
  const r1 = x + 28;
  const r2 = x + 56;
  const r3 = x + 84;
  const r4 = x + 112;
  const r5 = x + 140;
  const r6 = x + 168;
  let i0: v128;
  let i1: v128;
  let i2: v128;
  let s0: v128;
  let s1: v128;
  // Output rows 0 and 1.
  i1 = v128.load(zero);
  i0 = v128.shuffle<f32>(z, i1, 3, 4, 5, 6);
  i2 = v128.load(zero, 4);
  s0 = f32x4.add(bias, f32x4.mul(w0, i0));
  s0 = f32x4.add(s0, f32x4.mul(w1, i1));
  s0 = f32x4.add(s0, f32x4.mul(w2, i2));
  i1 = v128.load(r0);
  i0 = v128.shuffle<f32>(z, i1, 3, 4, 5, 6);
  i2 = v128.load(r0, 4);
  s0 = f32x4.add(s0, f32x4.mul(w3, i0));
  s0 = f32x4.add(s0, f32x4.mul(w4, i1));
  s0 = f32x4.add(s0, f32x4.mul(w5, i2));
  s1 = f32x4.add(bias, f32x4.mul(w0, i0));
  s1 = f32x4.add(s1, f32x4.mul(w1, i1));
  s1 = f32x4.add(s1, f32x4.mul(w2, i2));
  i1 = v128.load(r1);
  i0 = v128.shuffle<f32>(z, i1, 3, 4, 5, 6);
  i2 = v128.load(r1, 4);
  s0 = f32x4.add(s0, f32x4.mul(w6, i0));
  s0 = f32x4.add(s0, f32x4.mul(w7, i1));
  s0 = f32x4.add(s0, f32x4.mul(w8, i2));
  s1 = f32x4.add(s1, f32x4.mul(w3, i0));
  s1 = f32x4.add(s1, f32x4.mul(w4, i1));
  s1 = f32x4.add(s1, f32x4.mul(w5, i2));
  v128.store(y, s0, 0);
  i1 = v128.load(r2);
  i0 = v128.shuffle<f32>(z, i1, 3, 4, 5, 6);
  i2 = v128.load(r2, 4);
  s1 = f32x4.add(s1, f32x4.mul(w6, i0));
  s1 = f32x4.add(s1, f32x4.mul(w7, i1));
  s1 = f32x4.add(s1, f32x4.mul(w8, i2));
  v128.store(y, s1, 28);
  i1 = v128.load(zero, 12);
  i0 = v128.load(zero, 8);
  i2 = v128.and(v128.load(zero, 16), rmask);
  s0 = f32x4.add(bias, f32x4.mul(w0, i0));
  s0 = f32x4.add(s0, f32x4.mul(w1, i1));
  s0 = f32x4.add(s0, f32x4.mul(w2, i2));
  i1 = v128.load(r0, 12);
  i0 = v128.load(r0, 8);
  i2 = v128.and(v128.load(r0, 16), rmask);
  s0 = f32x4.add(s0, f32x4.mul(w3, i0));
  s0 = f32x4.add(s0, f32x4.mul(w4, i1));
  s0 = f32x4.add(s0, f32x4.mul(w5, i2));
  s1 = f32x4.add(bias, f32x4.mul(w0, i0));
  s1 = f32x4.add(s1, f32x4.mul(w1, i1));
  s1 = f32x4.add(s1, f32x4.mul(w2, i2));
  i1 = v128.load(r1, 12);
  i0 = v128.load(r1, 8);
  i2 = v128.and(v128.load(r1, 16), rmask);
  s0 = f32x4.add(s0, f32x4.mul(w6, i0));
  s0 = f32x4.add(s0, f32x4.mul(w7, i1));
  s0 = f32x4.add(s0, f32x4.mul(w8, i2));
  s1 = f32x4.add(s1, f32x4.mul(w3, i0));
  s1 = f32x4.add(s1, f32x4.mul(w4, i1));
  s1 = f32x4.add(s1, f32x4.mul(w5, i2));
  v128.store(y, s0, 12);
  i1 = v128.load(r2, 12);
  i0 = v128.load(r2, 8);
  i2 = v128.and(v128.load(r2, 16), rmask);
  s1 = f32x4.add(s1, f32x4.mul(w6, i0));
  s1 = f32x4.add(s1, f32x4.mul(w7, i1));
  s1 = f32x4.add(s1, f32x4.mul(w8, i2));
  v128.store(y, s1, 40);
  // Output rows 2 and 3.
  i1 = v128.load(r1);
  i0 = v128.shuffle<f32>(z, i1, 3, 4, 5, 6);
  i2 = v128.load(r1, 4);
  s0 = f32x4.add(bias, f32x4.mul(w0, i0));
  s0 = f32x4.add(s0, f32x4.mul(w1, i1));
  s0 = f32x4.add(s0, f32x4.mul(w2, i2));
  i1 = v128.load(r2);
  i0 = v128.shuffle<f32>(z, i1, 3, 4, 5, 6);
  i2 = v128.load(r2, 4);
  s0 = f32x4.add(s0, f32x4.mul(w3, i0));
  s0 = f32x4.add(s0, f32x4.mul(w4, i1));
  s0 = f32x4.add(s0, f32x4.mul(w5, i2));
  s1 = f32x4.add(bias, f32x4.mul(w0, i0));
  s1 = f32x4.add(s1, f32x4.mul(w1, i1));
  s1 = f32x4.add(s1, f32x4.mul(w2, i2));
  i1 = v128.load(r3);
  i0 = v128.shuffle<f32>(z, i1, 3, 4, 5, 6);
  i2 = v128.load(r3, 4);
  s0 = f32x4.add(s0, f32x4.mul(w6, i0));
  s0 = f32x4.add(s0, f32x4.mul(w7, i1));
  s0 = f32x4.add(s0, f32x4.mul(w8, i2));
  s1 = f32x4.add(s1, f32x4.mul(w3, i0));
  s1 = f32x4.add(s1, f32x4.mul(w4, i1));
  s1 = f32x4.add(s1, f32x4.mul(w5, i2));
  v128.store(y, s0, 56);
  i1 = v128.load(r4);
  i0 = v128.shuffle<f32>(z, i1, 3, 4, 5, 6);
  i2 = v128.load(r4, 4);
  s1 = f32x4.add(s1, f32x4.mul(w6, i0));
  s1 = f32x4.add(s1, f32x4.mul(w7, i1));
  s1 = f32x4.add(s1, f32x4.mul(w8, i2));
  v128.store(y, s1, 84);
  i1 = v128.load(r1, 12);
  i0 = v128.load(r1, 8);
  i2 = v128.and(v128.load(r1, 16), rmask);
  s0 = f32x4.add(bias, f32x4.mul(w0, i0));
  s0 = f32x4.add(s0, f32x4.mul(w1, i1));
  s0 = f32x4.add(s0, f32x4.mul(w2, i2));
  i1 = v128.load(r2, 12);
  i0 = v128.load(r2, 8);
  i2 = v128.and(v128.load(r2, 16), rmask);
  s0 = f32x4.add(s0, f32x4.mul(w3, i0));
  s0 = f32x4.add(s0, f32x4.mul(w4, i1));
  s0 = f32x4.add(s0, f32x4.mul(w5, i2));
  s1 = f32x4.add(bias, f32x4.mul(w0, i0));
  s1 = f32x4.add(s1, f32x4.mul(w1, i1));
  s1 = f32x4.add(s1, f32x4.mul(w2, i2));
  i1 = v128.load(r3, 12);
  i0 = v128.load(r3, 8);
  i2 = v128.and(v128.load(r3, 16), rmask);
  s0 = f32x4.add(s0, f32x4.mul(w6, i0));
  s0 = f32x4.add(s0, f32x4.mul(w7, i1));
  s0 = f32x4.add(s0, f32x4.mul(w8, i2));
  s1 = f32x4.add(s1, f32x4.mul(w3, i0));
  s1 = f32x4.add(s1, f32x4.mul(w4, i1));
  s1 = f32x4.add(s1, f32x4.mul(w5, i2));
  v128.store(y, s0, 68);
  i1 = v128.load(r4, 12);
  i0 = v128.load(r4, 8);
  i2 = v128.and(v128.load(r4, 16), rmask);
  s1 = f32x4.add(s1, f32x4.mul(w6, i0));
  s1 = f32x4.add(s1, f32x4.mul(w7, i1));
  s1 = f32x4.add(s1, f32x4.mul(w8, i2));
  v128.store(y, s1, 96);
  // Output rows 4 and 5.
  i1 = v128.load(r3);
  i0 = v128.shuffle<f32>(z, i1, 3, 4, 5, 6);
  i2 = v128.load(r3, 4);
  s0 = f32x4.add(bias, f32x4.mul(w0, i0));
  s0 = f32x4.add(s0, f32x4.mul(w1, i1));
  s0 = f32x4.add(s0, f32x4.mul(w2, i2));
  i1 = v128.load(r4);
  i0 = v128.shuffle<f32>(z, i1, 3, 4, 5, 6);
  i2 = v128.load(r4, 4);
  s0 = f32x4.add(s0, f32x4.mul(w3, i0));
  s0 = f32x4.add(s0, f32x4.mul(w4, i1));
  s0 = f32x4.add(s0, f32x4.mul(w5, i2));
  s1 = f32x4.add(bias, f32x4.mul(w0, i0));
  s1 = f32x4.add(s1, f32x4.mul(w1, i1));
  s1 = f32x4.add(s1, f32x4.mul(w2, i2));
  i1 = v128.load(r5);
  i0 = v128.shuffle<f32>(z, i1, 3, 4, 5, 6);
  i2 = v128.load(r5, 4);
  s0 = f32x4.add(s0, f32x4.mul(w6, i0));
  s0 = f32x4.add(s0, f32x4.mul(w7, i1));
  s0 = f32x4.add(s0, f32x4.mul(w8, i2));
  s1 = f32x4.add(s1, f32x4.mul(w3, i0));
  s1 = f32x4.add(s1, f32x4.mul(w4, i1));
  s1 = f32x4.add(s1, f32x4.mul(w5, i2));
  v128.store(y, s0, 112);
  i1 = v128.load(r6);
  i0 = v128.shuffle<f32>(z, i1, 3, 4, 5, 6);
  i2 = v128.load(r6, 4);
  s1 = f32x4.add(s1, f32x4.mul(w6, i0));
  s1 = f32x4.add(s1, f32x4.mul(w7, i1));
  s1 = f32x4.add(s1, f32x4.mul(w8, i2));
  v128.store(y, s1, 140);
  i1 = v128.load(r3, 12);
  i0 = v128.load(r3, 8);
  i2 = v128.and(v128.load(r3, 16), rmask);
  s0 = f32x4.add(bias, f32x4.mul(w0, i0));
  s0 = f32x4.add(s0, f32x4.mul(w1, i1));
  s0 = f32x4.add(s0, f32x4.mul(w2, i2));
  i1 = v128.load(r4, 12);
  i0 = v128.load(r4, 8);
  i2 = v128.and(v128.load(r4, 16), rmask);
  s0 = f32x4.add(s0, f32x4.mul(w3, i0));
  s0 = f32x4.add(s0, f32x4.mul(w4, i1));
  s0 = f32x4.add(s0, f32x4.mul(w5, i2));
  s1 = f32x4.add(bias, f32x4.mul(w0, i0));
  s1 = f32x4.add(s1, f32x4.mul(w1, i1));
  s1 = f32x4.add(s1, f32x4.mul(w2, i2));
  i1 = v128.load(r5, 12);
  i0 = v128.load(r5, 8);
  i2 = v128.and(v128.load(r5, 16), rmask);
  s0 = f32x4.add(s0, f32x4.mul(w6, i0));
  s0 = f32x4.add(s0, f32x4.mul(w7, i1));
  s0 = f32x4.add(s0, f32x4.mul(w8, i2));
  s1 = f32x4.add(s1, f32x4.mul(w3, i0));
  s1 = f32x4.add(s1, f32x4.mul(w4, i1));
  s1 = f32x4.add(s1, f32x4.mul(w5, i2));
  v128.store(y, s0, 124);
  i1 = v128.load(r6, 12);
  i0 = v128.load(r6, 8);
  i2 = v128.and(v128.load(r6, 16), rmask);
  s1 = f32x4.add(s1, f32x4.mul(w6, i0));
  s1 = f32x4.add(s1, f32x4.mul(w7, i1));
  s1 = f32x4.add(s1, f32x4.mul(w8, i2));
  v128.store(y, s1, 152);
  // Output row 6.
  i1 = v128.load(r5);
  i0 = v128.shuffle<f32>(z, i1, 3, 4, 5, 6);
  i2 = v128.load(r5, 4);
  s0 = f32x4.add(bias, f32x4.mul(w0, i0));
  s0 = f32x4.add(s0, f32x4.mul(w1, i1));
  s0 = f32x4.add(s0, f32x4.mul(w2, i2));
  i1 = v128.load(r6);
  i0 = v128.shuffle<f32>(z, i1, 3, 4, 5, 6);
  i2 = v128.load(r6, 4);
  s0 = f32x4.add(s0, f32x4.mul(w3, i0));
  s0 = f32x4.add(s0, f32x4.mul(w4, i1));
  s0 = f32x4.add(s0, f32x4.mul(w5, i2));
  i1 = v128.load(zero);
  i0 = v128.shuffle<f32>(z, i1, 3, 4, 5, 6);
  i2 = v128.load(zero, 4);
  s0 = f32x4.add(s0, f32x4.mul(w6, i0));
  s0 = f32x4.add(s0, f32x4.mul(w7, i1));
  s0 = f32x4.add(s0, f32x4.mul(w8, i2));
  v128.store(y, s0, 168);
  i1 = v128.load(r5, 12);
  i0 = v128.load(r5, 8);
  i2 = v128.and(v128.load(r5, 16), rmask);
  s0 = f32x4.add(bias, f32x4.mul(w0, i0));
  s0 = f32x4.add(s0, f32x4.mul(w1, i1));
  s0 = f32x4.add(s0, f32x4.mul(w2, i2));
  i1 = v128.load(r6, 12);
  i0 = v128.load(r6, 8);
  i2 = v128.and(v128.load(r6, 16), rmask);
  s0 = f32x4.add(s0, f32x4.mul(w3, i0));
  s0 = f32x4.add(s0, f32x4.mul(w4, i1));
  s0 = f32x4.add(s0, f32x4.mul(w5, i2));
  i1 = v128.load(zero, 12);
  i0 = v128.load(zero, 8);
  i2 = v128.and(v128.load(zero, 16), rmask);
  s0 = f32x4.add(s0, f32x4.mul(w6, i0));
  s0 = f32x4.add(s0, f32x4.mul(w7, i1));
  s0 = f32x4.add(s0, f32x4.mul(w8, i2));
  v128.store(y, s0, 180);
}

/**
 * plane3x3s1p1 for 14x14 planes (MobileNetV2's): the same steps and sums, each two-row pass's
 * steps (first columns 0, 4, 8, 10) straight-line at constant offsets.
 */
function plane14s1p1(x: usize, wptr: usize, b: f32, y: usize, zero: usize): void {
  const w0 = v128.load32_splat(wptr);
  const w1 = v128.load32_splat(wptr, 4);
  const w2 = v128.load32_splat(wptr, 8);
  const w3 = v128.load32_splat(wptr, 12);
  const w4 = v128.load32_splat(wptr, 16);
  const w5 = v128.load32_splat(wptr, 20);
  const w6 = v128.load32_splat(wptr, 24);
  const w7 = v128.load32_splat(wptr, 28);
  const w8 = v128.load32_splat(wptr, 32);
  const bias = f32x4.splat(b);
  const z = f32x4.splat(0);
  // The last step's right taps end at column 14, the padding.
  const rmask = i32x4(-1, -1, -1, 0);
  let i0: v128;
  let i1: v128;
  let i2: v128;
  let s0: v128;
  let s1: v128;
  for (let oh = 0; oh < 14; oh += 2) {
    const a1 = x + <usize>oh * 56;
    const a0 = oh > 0 ? a1 - 56 : zero;
    const a2 = a1 + 56;
    const a3 = oh + 2 < 14 ? a1 + 112 : zero;
    const ya = y + <usize>oh * 56;
    i1 = v128.load(a0);
    i0 = v128.shuffle<f32>(z, i1, 3, 4, 5, 6);
    i2 = v128.load(a0, 4);
    s0 = f32x4.add(bias, f32x4.mul(w0, i0));
    s0 = f32x4.add(s0, f32x4.mul(w1, i1));
    s0 = f32x4.add(s0, f32x4.mul(w2, i2));
    i1 = v128.load(a1);
    i0 = v128.shuffle<f32>(z, i1, 3, 4, 5, 6);
    i2 = v128.load(a1, 4);
    s0 = f32x4.add(s0, f32x4.mul(w3, i0));
    s0 = f32x4.add(s0, f32x4.mul(w4, i1));
    s0 = f32x4.add(s0, f32x4.mul(w5, i2));
    s1 = f32x4.add(bias, f32x4.mul(w0, i0));
    s1 = f32x4.add(s1, f32x4.mul(w1, i1));
    s1 = f32x4.add(s1, f32x4.mul(w2, i2));
    i1 = v128.load(a2);
    i0 = v128.shuffle<f32>(z, i1, 3, 4, 5, 6);
    i2 = v128.load(a2, 4);
    s0 = f32x4.add(s0, f32x4.mul(w6, i0));
    s0 = f32x4.add(s0, f32x4.mul(w7, i1));
    s0 = f32x4.add(s0, f32x4.mul(w8, i2));
    s1 = f32x4.add(s1, f32x4.mul(w3, i0));
    s1 = f32x4.add(s1, f32x4.mul(w4, i1));
    s1 = f32x4.add(s1, f32x4.mul(w5, i2));
    v128.store(ya, s0, 0);
    i1 = v128.load(a3);
    i0 = v128.shuffle<f32>(z, i1, 3, 4, 5, 6);
    i2 = v128.load(a3, 4);
    s1 = f32x4.add(s1, f32x4.mul(w6, i0));
    s1 = f32x4.add(s1, f32x4.mul(w7, i1));
    s1 = f32x4.add(s1, f32x4.mul(w8, i2));
    v128.store(ya, s1, 56);
    i1 = v128.load(a0, 16);
    i0 = v128.load(a0, 12);
    i2 = v128.load(a0, 20);
    s0 = f32x4.add(bias, f32x4.mul(w0, i0));
    s0 = f32x4.add(s0, f32x4.mul(w1, i1));
    s0 = f32x4.add(s0, f32x4.mul(w2, i2));
    i1 = v128.load(a1, 16);
    i0 = v128.load(a1, 12);
    i2 = v128.load(a1, 20);
    s0 = f32x4.add(s0, f32x4.mul(w3, i0));
    s0 = f32x4.add(s0, f32x4.mul(w4, i1));
    s0 = f32x4.add(s0, f32x4.mul(w5, i2));
    s1 = f32x4.add(bias, f32x4.mul(w0, i0));
    s1 = f32x4.add(s1, f32x4.mul(w1, i1));
    s1 = f32x4.add(s1, f32x4.mul(w2, i2));
    i1 = v128.load(a2, 16);
    i0 = v128.load(a2, 12);
    i2 = v128.load(a2, 20);
    s0 = f32x4.add(s0, f32x4.mul(w6, i0));
    s0 = f32x4.add(s0, f32x4.mul(w7, i1));
    s0 = f32x4.add(s0, f32x4.mul(w8, i2));
    s1 = f32x4.add(s1, f32x4.mul(w3, i0));
    s1 = f32x4.add(s1, f32x4.mul(w4, i1));
    s1 = f32x4.add(s1, f32x4.mul(w5, i2));
    v128.store(ya, s0, 16);
    i1 = v128.load(a3, 16);
    i0 = v128.load(a3, 12);
    i2 = v128.load(a3, 20);
    s1 = f32x4.add(s1, f32x4.mul(w6, i0));
    s1 = f32x4.add(s1, f32x4.mul(w7, i1));
    s1 = f32x4.add(s1, f32x4.mul(w8, i2));
    v128.store(ya, s1, 72);
    i1 = v128.load(a0, 32);
    i0 = v128.load(a0, 28);
    i2 = v128.load(a0, 36);
    s0 = f32x4.add(bias, f32x4.mul(w0, i0));
    s0 = f32x4.add(s0, f32x4.mul(w1, i1));
    s0 = f32x4.add(s0, f32x4.mul(w2, i2));
    i1 = v128.load(a1, 32);
    i0 = v128.load(a1, 28);
    i2 = v128.load(a1, 36);
    s0 = f32x4.add(s0, f32x4.mul(w3, i0));
    s0 = f32x4.add(s0, f32x4.mul(w4, i1));
    s0 = f32x4.add(s0, f32x4.mul(w5, i2));
    s1 = f32x4.add(bias, f32x4.mul(w0, i0));
    s1 = f32x4.add(s1, f32x4.mul(w1, i1));
    s1 = f32x4.add(s1, f32x4.mul(w2, i2));
    i1 = v128.load(a2, 32);
    i0 = v128.load(a2, 28);
    i2 = v128.load(a2, 36);
    s0 = f32x4.add(s0, f32x4.mul(w6, i0));
    s0 = f32x4.add(s0, f32x4.mul(w7, i1));
    s0 = f32x4.add(s0, f32x4.mul(w8, i2));
    s1 = f32x4.add(s1, f32x4.mul(w3, i0));
    s1 = f32x4.add(s1, f32x4.mul(w4, i1));
    s1 = f32x4.add(s1, f32x4.mul(w5, i2));
    v128.store(ya, s0, 32);
    i1 = v128.load(a3, 32);
    i0 = v128.load(a3, 28);
    i2 = v128.load(a3, 36);
    s1 = f32x4.add(s1, f32x4.mul(w6, i0));
    s1 = f32x4.add(s1, f32x4.mul(w7, i1));
    s1 = f32x4.add(s1, f32x4.mul(w8, i2));
    v128.store(ya, s1, 88);
    i1 = v128.load(a0, 40);
    i0 = v128.load(a0, 36);
    i2 = v128.and(v128.load(a0, 44), rmask);
    s0 = f32x4.add(bias, f32x4.mul(w0, i0));
    s0 = f32x4.add(s0, f32x4.mul(w1, i1));
    s0 = f32x4.add(s0, f32x4.mul(w2, i2));
    i1 = v128.load(a1, 40);
    i0 = v128.load(a1, 36);
    i2 = v128.and(v128.load(a1, 44), rmask);
    s0 = f32x4.add(s0, f32x4.mul(w3, i0));
    s0 = f32x4.add(s0, f32x4.mul(w4, i1));
    s0 = f32x4.add(s0, f32x4.mul(w5, i2));
    s1 = f32x4.add(bias, f32x4.mul(w0, i0));
    s1 = f32x4.add(s1, f32x4.mul(w1, i1));
    s1 = f32x4.add(s1, f32x4.mul(w2, i2));
    i1 = v128.load(a2, 40);
    i0 = v128.load(a2, 36);
    i2 = v128.and(v128.load(a2, 44), rmask);
    s0 = f32x4.add(s0, f32x4.mul(w6, i0));
    s0 = f32x4.add(s0, f32x4.mul(w7, i1));
    s0 = f32x4.add(s0, f32x4.mul(w8, i2));
    s1 = f32x4.add(s1, f32x4.mul(w3, i0));
    s1 = f32x4.add(s1, f32x4.mul(w4, i1));
    s1 = f32x4.add(s1, f32x4.mul(w5, i2));
    v128.store(ya, s0, 40);
    i1 = v128.load(a3, 40);
    i0 = v128.load(a3, 36);
    i2 = v128.and(v128.load(a3, 44), rmask);
    s1 = f32x4.add(s1, f32x4.mul(w6, i0));
    s1 = f32x4.add(s1, f32x4.mul(w7, i1));
    s1 = f32x4.add(s1, f32x4.mul(w8, i2));
    v128.store(ya, s1, 96);
  }
}

/**
 * plane3x3s1p1 for 28x28 planes (MobileNetV2's): the same steps and sums, each two-row pass's
 * steps (first columns 0, 4, 8, 12, 16, 20, 24) straight-line at constant offsets.
 */
function plane28s1p1(x: usize, wptr: usize, b: f32, y: usize, zero: usize): void {
  const w0 = v128.load32_splat(wptr);
  const w1 = v128.load32_splat(wptr, 4);
  const w2 = v128.load32_splat(wptr, 8);
  const w3 = v128.load32_splat(wptr, 12);
  const w4 = v128.load32_splat(wptr, 16);
  const w5 = v128.load32_splat(wptr, 20);
  const w6 = v128.load32_splat(wptr, 24);
  const w7 = v128.load32_splat(wptr, 28);
  const w8 = v128.load32_splat(wptr, 32);
  const bias = f32x4.splat(b);
  const z = f32x4.splat(0);
  // The last step's right taps end at column 28, the padding.
  const rmask = i32x4(-1, -1, -1, 0);
  let i0: v128;
  let i1: v128;
  let i2: v128;
  let s0: v128;
  let s1: v128;
  for (let oh = 0; oh < 28; oh += 2) {
    const a1 = x + <usize>oh * 112;
    const a0 = oh > 0 ? a1 - 112 : zero;
    const a2 = a1 + 112;
    const a3 = oh + 2 < 28 ? a1 + 224 : zero;
    const ya = y + <usize>oh * 112;
    i1 = v128.load(a0);
    i0 = v128.shuffle<f32>(z, i1, 3, 4, 5, 6);
    i2 = v128.load(a0, 4);
    s0 = f32x4.add(bias, f32x4.mul(w0, i0));
    s0 = f32x4.add(s0, f32x4.mul(w1, i1));
    s0 = f32x4.add(s0, f32x4.mul(w2, i2));
    i1 = v128.load(a1);
    i0 = v128.shuffle<f32>(z, i1, 3, 4, 5, 6);
    i2 = v128.load(a1, 4);
    s0 = f32x4.add(s0, f32x4.mul(w3, i0));
    s0 = f32x4.add(s0, f32x4.mul(w4, i1));
    s0 = f32x4.add(s0, f32x4.mul(w5, i2));
    s1 = f32x4.add(bias, f32x4.mul(w0, i0));
    s1 = f32x4.add(s1, f32x4.mul(w1, i1));
    s1 = f32x4.add(s1, f32x4.mul(w2, i2));
    i1 = v128.load(a2);
    i0 = v128.shuffle<f32>(z, i1, 3, 4, 5, 6);
    i2 = v128.load(a2, 4);
    s0 = f32x4.add(s0, f32x4.mul(w6, i0));
    s0 = f32x4.add(s0, f32x4.mul(w7, i1));
    s0 = f32x4.add(s0, f32x4.mul(w8, i2));
    s1 = f32x4.add(s1, f32x4.mul(w3, i0));
    s1 = f32x4.add(s1, f32x4.mul(w4, i1));
    s1 = f32x4.add(s1, f32x4.mul(w5, i2));
    v128.store(ya, s0, 0);
    i1 = v128.load(a3);
    i0 = v128.shuffle<f32>(z, i1, 3, 4, 5, 6);
    i2 = v128.load(a3, 4);
    s1 = f32x4.add(s1, f32x4.mul(w6, i0));
    s1 = f32x4.add(s1, f32x4.mul(w7, i1));
    s1 = f32x4.add(s1, f32x4.mul(w8, i2));
    v128.store(ya, s1, 112);
    i1 = v128.load(a0, 16);
    i0 = v128.load(a0, 12);
    i2 = v128.load(a0, 20);
    s0 = f32x4.add(bias, f32x4.mul(w0, i0));
    s0 = f32x4.add(s0, f32x4.mul(w1, i1));
    s0 = f32x4.add(s0, f32x4.mul(w2, i2));
    i1 = v128.load(a1, 16);
    i0 = v128.load(a1, 12);
    i2 = v128.load(a1, 20);
    s0 = f32x4.add(s0, f32x4.mul(w3, i0));
    s0 = f32x4.add(s0, f32x4.mul(w4, i1));
    s0 = f32x4.add(s0, f32x4.mul(w5, i2));
    s1 = f32x4.add(bias, f32x4.mul(w0, i0));
    s1 = f32x4.add(s1, f32x4.mul(w1, i1));
    s1 = f32x4.add(s1, f32x4.mul(w2, i2));
    i1 = v128.load(a2, 16);
    i0 = v128.load(a2, 12);
    i2 = v128.load(a2, 20);
    s0 = f32x4.add(s0, f32x4.mul(w6, i0));
    s0 = f32x4.add(s0, f32x4.mul(w7, i1));
    s0 = f32x4.add(s0, f32x4.mul(w8, i2));
    s1 = f32x4.add(s1, f32x4.mul(w3, i0));
    s1 = f32x4.add(s1, f32x4.mul(w4, i1));
    s1 = f32x4.add(s1, f32x4.mul(w5, i2));
    v128.store(ya, s0, 16);
    i1 = v128.load(a3, 16);
    i0 = v128.load(a3, 12);
    i2 = v128.load(a3, 20);
    s1 = f32x4.add(s1, f32x4.mul(w6, i0));
    s1 = f32x4.add(s1, f32x4.mul(w7, i1));
    s1 = f32x4.add(s1, f32x4.mul(w8, i2));
    v128.store(ya, s1, 128);
    i1 = v128.load(a0, 32);
    i0 = v128.load(a0, 28);
    i2 = v128.load(a0, 36);
    s0 = f32x4.add(bias, f32x4.mul(w0, i0));
    s0 = f32x4.add(s0, f32x4.mul(w1, i1));
    s0 = f32x4.add(s0, f32x4.mul(w2, i2));
    i1 = v128.load(a1, 32);
    i0 = v128.load(a1, 28);
    i2 = v128.load(a1, 36);
    s0 = f32x4.add(s0, f32x4.mul(w3, i0));
    s0 = f32x4.add(s0, f32x4.mul(w4, i1));
    s0 = f32x4.add(s0, f32x4.mul(w5, i2));
    s1 = f32x4.add(bias, f32x4.mul(w0, i0));
    s1 = f32x4.add(s1, f32x4.mul(w1, i1));
    s1 = f32x4.add(s1, f32x4.mul(w2, i2));
    i1 = v128.load(a2, 32);
    i0 = v128.load(a2, 28);
    i2 = v128.load(a2, 36);
    s0 = f32x4.add(s0, f32x4.mul(w6, i0));
    s0 = f32x4.add(s0, f32x4.mul(w7, i1));
    s0 = f32x4.add(s0, f32x4.mul(w8, i2));
    s1 = f32x4.add(s1, f32x4.mul(w3, i0));
    s1 = f32x4.add(s1, f32x4.mul(w4, i1));
    s1 = f32x4.add(s1, f32x4.mul(w5, i2));
    v128.store(ya, s0, 32);
    i1 = v128.load(a3, 32);
    i0 = v128.load(a3, 28);
    i2 = v128.load(a3, 36);
    s1 = f32x4.add(s1, f32x4.mul(w6, i0));
    s1 = f32x4.add(s1, f32x4.mul(w7, i1));
    s1 = f32x4.add(s1, f32x4.mul(w8, i2));
    v128.store(ya, s1, 144);
    i1 = v128.load(a0, 48);
    i0 = v128.load(a0, 44);
    i2 = v128.load(a0, 52);
    s0 = f32x4.add(bias, f32x4.mul(w0, i0));
    s0 = f32x4.add(s0, f32x4.mul(w1, i1));
    s0 = f32x4.add(s0, f32x4.mul(w2, i2));
    i1 = v128.load(a1, 48);
    i0 = v128.load(a1, 44);
    i2 = v128.load(a1, 52);
    s0 = f32x4.add(s0, f32x4.mul(w3, i0));
    s0 = f32x4.add(s0, f32x4.mul(w4, i1));
    s0 = f32x4.add(s0, f32x4.mul(w5, i2));
    s1 = f32x4.add(bias, f32x4.mul(w0, i0));
    s1 = f32x4.add(s1, f32x4.mul(w1, i1));
    s1 = f32x4.add(s1, f32x4.mul(w2, i2));
    i1 = v128.load(a2, 48);
    i0 = v128.load(a2, 44);
    i2 = v128.load(a2, 52);
    s0 = f32x4.add(s0, f32x4.mul(w6, i0));
    s0 = f32x4.add(s0, f32x4.mul(w7, i1));
    s0 = f32x4.add(s0, f32x4.mul(w8, i2));
    s1 = f32x4.add(s1, f32x4.mul(w3, i0));
    s1 = f32x4.add(s1, f32x4.mul(w4, i1));
    s1 = f32x4.add(s1, f32x4.mul(w5, i2));
    v128.store(ya, s0, 48);
    i1 = v128.load(a3, 48);
    i0 = v128.load(a3, 44);
    i2 = v128.load(a3, 52);
    s1 = f32x4.add(s1, f32x4.mul(w6, i0));
    s1 = f32x4.add(s1, f32x4.mul(w7, i1));
    s1 = f32x4.add(s1, f32x4.mul(w8, i2));
    v128.store(ya, s1, 160);
    i1 = v128.load(a0, 64);
    i0 = v128.load(a0, 60);
    i2 = v128.load(a0, 68);
    s0 = f32x4.add(bias, f32x4.mul(w0, i0));
    s0 = f32x4.add(s0, f32x4.mul(w1, i1));
    s0 = f32x4.add(s0, f32x4.mul(w2, i2));
    i1 = v128.load(a1, 64);
    i0 = v128.load(a1, 60);
    i2 = v128.load(a1, 68);
    s0 = f32x4.add(s0, f32x4.mul(w3, i0));
    s0 = f32x4.add(s0, f32x4.mul(w4, i1));
    s0 = f32x4.add(s0, f32x4.mul(w5, i2));
    s1 = f32x4.add(bias, f32x4.mul(w0, i0));
    s1 = f32x4.add(s1, f32x4.mul(w1, i1));
    s1 = f32x4.add(s1, f32x4.mul(w2, i2));
    i1 = v128.load(a2, 64);
    i0 = v128.load(a2, 60);
    i2 = v128.load(a2, 68);
    s0 = f32x4.add(s0, f32x4.mul(w6, i0));
    s0 = f32x4.add(s0, f32x4.mul(w7, i1));
    s0 = f32x4.add(s0, f32x4.mul(w8, i2));
    s1 = f32x4.add(s1, f32x4.mul(w3, i0));
    s1 = f32x4.add(s1, f32x4.mul(w4, i1));
    s1 = f32x4.add(s1, f32x4.mul(w5, i2));
    v128.store(ya, s0, 64);
    i1 = v128.load(a3, 64);
    i0 = v128.load(a3, 60);
    i2 = v128.load(a3, 68);
    s1 = f32x4.add(s1, f32x4.mul(w6, i0));
    s1 = f32x4.add(s1, f32x4.mul(w7, i1));
    s1 = f32x4.add(s1, f32x4.mul(w8, i2));
    v128.store(ya, s1, 176);
    i1 = v128.load(a0, 80);
    i0 = v128.load(a0, 76);
    i2 = v128.load(a0, 84);
    s0 = f32x4.add(bias, f32x4.mul(w0, i0));
    s0 = f32x4.add(s0, f32x4.mul(w1, i1));
    s0 = f32x4.add(s0, f32x4.mul(w2, i2));
    i1 = v128.load(a1, 80);
    i0 = v128.load(a1, 76);
    i2 = v128.load(a1, 84);
    s0 = f32x4.add(s0, f32x4.mul(w3, i0));
    s0 = f32x4.add(s0, f32x4.mul(w4, i1));
    s0 = f32x4.add(s0, f32x4.mul(w5, i2));
    s1 = f32x4.add(bias, f32x4.mul(w0, i0));
    s1 = f32x4.add(s1, f32x4.mul(w1, i1));
    s1 = f32x4.add(s1, f32x4.mul(w2, i2));
    i1 = v128.load(a2, 80);
    i0 = v128.load(a2, 76);
    i2 = v128.load(a2, 84);
    s0 = f32x4.add(s0, f32x4.mul(w6, i0));
    s0 = f32x4.add(s0, f32x4.mul(w7, i1));
    s0 = f32x4.add(s0, f32x4.mul(w8, i2));
    s1 = f32x4.add(s1, f32x4.mul(w3, i0));
    s1 = f32x4.add(s1, f32x4.mul(w4, i1));
    s1 = f32x4.add(s1, f32x4.mul(w5, i2));
    v128.store(ya, s0, 80);
    i1 = v128.load(a3, 80);
    i0 = v128.load(a3, 76);
    i2 = v128.load(a3, 84);
    s1 = f32x4.add(s1, f32x4.mul(w6, i0));
    s1 = f32x4.add(s1, f32x4.mul(w7, i1));
    s1 = f32x4.add(s1, f32x4.mul(w8, i2));
    v128.store(ya, s1, 192);
    i1 = v128.load(a0, 96);
    i0 = v128.load(a0, 92);
    i2 = v128.and(v128.load(a0, 100), rmask);
    s0 = f32x4.add(bias, f32x4.mul(w0, i0));
    s0 = f32x4.add(s0, f32x4.mul(w1, i1));
    s0 = f32x4.add(s0, f32x4.mul(w2, i2));
    i1 = v128.load(a1, 96);
    i0 = v128.load(a1, 92);
    i2 = v128.and(v128.load(a1, 100), rmask);
    s0 = f32x4.add(s0, f32x4.mul(w3, i0));
    s0 = f32x4.add(s0, f32x4.mul(w4, i1));
    s0 = f32x4.add(s0, f32x4.mul(w5, i2));
    s1 = f32x4.add(bias, f32x4.mul(w0, i0));
    s1 = f32x4.add(s1, f32x4.mul(w1, i1));
    s1 = f32x4.add(s1, f32x4.mul(w2, i2));
    i1 = v128.load(a2, 96);
    i0 = v128.load(a2, 92);
    i2 = v128.and(v128.load(a2, 100), rmask);
    s0 = f32x4.add(s0, f32x4.mul(w6, i0));
    s0 = f32x4.add(s0, f32x4.mul(w7, i1));
    s0 = f32x4.add(s0, f32x4.mul(w8, i2));
    s1 = f32x4.add(s1, f32x4.mul(w3, i0));
    s1 = f32x4.add(s1, f32x4.mul(w4, i1));
    s1 = f32x4.add(s1, f32x4.mul(w5, i2));
    v128.store(ya, s0, 96);
    i1 = v128.load(a3, 96);
    i0 = v128.load(a3, 92);
    i2 = v128.and(v128.load(a3, 100), rmask);
    s1 = f32x4.add(s1, f32x4.mul(w6, i0));
    s1 = f32x4.add(s1, f32x4.mul(w7, i1));
    s1 = f32x4.add(s1, f32x4.mul(w8, i2));
    v128.store(ya, s1, 208);
  }
}

/**
 * 3x3 stride 1 with padding 1 (MobileNet's, no dilation) straight from the dense staged plane: no
 * bordered copy. Two output rows per pass from four input rows (rows above and below the image
 * read a zero row; an odd last row is computed alone, row3x3s1p1), the nine weights in registers, three loads per input row for the left, middle
 * and right taps; the first step shifts a zero in from the left, and the last four columns are
 * recomputed (overlapping) with the padding column right of the image masked to zero. Same sums
 * in the same order as plane3x3s1 on the bordered copy. Requires 5 <= outW <= inW and
 * outH <= inH; `zero` holds inW + 8 zeros.
 */
function plane3x3s1p1(
  x: usize,
  inH: i32,
  inW: i32,
  wptr: usize,
  b: f32,
  y: usize,
  outH: i32,
  outW: i32,
  zero: usize,
): void {
  const w0 = v128.load32_splat(wptr);
  const w1 = v128.load32_splat(wptr, 4);
  const w2 = v128.load32_splat(wptr, 8);
  const w3 = v128.load32_splat(wptr, 12);
  const w4 = v128.load32_splat(wptr, 16);
  const w5 = v128.load32_splat(wptr, 20);
  const w6 = v128.load32_splat(wptr, 24);
  const w7 = v128.load32_splat(wptr, 28);
  const w8 = v128.load32_splat(wptr, 32);
  const bias = f32x4.splat(b);
  const rowBytes = (<usize>inW) << 2;
  const outBytes = (<usize>outW) << 2;
  // The last step's right taps are columns outW - 3 .. outW: the last one is padding when outW = inW.
  const rmask = i32x4(-1, -1, -1, outW < inW ? -1 : 0);
  const last = (<usize>(outW - 4)) << 2;
  const z = f32x4.splat(0);
  let oh = 0;
  for (; oh + 2 <= outH; oh += 2) {
    const a0 = oh >= 1 ? x + <usize>(oh - 1) * rowBytes : zero;
    const a1 = x + <usize>oh * rowBytes;
    const a2 = oh + 1 < inH ? x + <usize>(oh + 1) * rowBytes : zero;
    const a3 = oh + 2 < inH ? x + <usize>(oh + 2) * rowBytes : zero;
    const ya = y + <usize>oh * outBytes;
    const yb = ya + outBytes;
    {
      // The first step: the input left of the image is zero (shifted in by a shuffle).
      const o: usize = 0;
      let p: usize;
      let i0: v128;
      let i1: v128;
      let i2: v128;
      p = a0 + o;
      i1 = v128.load(p);
      i0 = v128.shuffle<f32>(z, i1, 3, 4, 5, 6);
      i2 = v128.load(p + 4);
      let s0 = f32x4.add(bias, f32x4.mul(w0, i0));
      s0 = f32x4.add(s0, f32x4.mul(w1, i1));
      s0 = f32x4.add(s0, f32x4.mul(w2, i2));
      p = a1 + o;
      i1 = v128.load(p);
      i0 = v128.shuffle<f32>(z, i1, 3, 4, 5, 6);
      i2 = v128.load(p + 4);
      s0 = f32x4.add(s0, f32x4.mul(w3, i0));
      s0 = f32x4.add(s0, f32x4.mul(w4, i1));
      s0 = f32x4.add(s0, f32x4.mul(w5, i2));
      let s1 = f32x4.add(bias, f32x4.mul(w0, i0));
      s1 = f32x4.add(s1, f32x4.mul(w1, i1));
      s1 = f32x4.add(s1, f32x4.mul(w2, i2));
      p = a2 + o;
      i1 = v128.load(p);
      i0 = v128.shuffle<f32>(z, i1, 3, 4, 5, 6);
      i2 = v128.load(p + 4);
      s0 = f32x4.add(s0, f32x4.mul(w6, i0));
      s0 = f32x4.add(s0, f32x4.mul(w7, i1));
      s0 = f32x4.add(s0, f32x4.mul(w8, i2));
      s1 = f32x4.add(s1, f32x4.mul(w3, i0));
      s1 = f32x4.add(s1, f32x4.mul(w4, i1));
      s1 = f32x4.add(s1, f32x4.mul(w5, i2));
      v128.store(ya + o, s0);
      p = a3 + o;
      i1 = v128.load(p);
      i0 = v128.shuffle<f32>(z, i1, 3, 4, 5, 6);
      i2 = v128.load(p + 4);
      s1 = f32x4.add(s1, f32x4.mul(w6, i0));
      s1 = f32x4.add(s1, f32x4.mul(w7, i1));
      s1 = f32x4.add(s1, f32x4.mul(w8, i2));
      v128.store(yb + o, s1);
    }
    // Steps inside the row: outputs in the row, right taps in the image (column ow + 4 < inW).
    let ow = 4;
    for (; ow + 4 <= outW && ow + 5 <= inW; ow += 4) {
      const o: usize = (<usize>ow) << 2;
      let p: usize;
      let i0: v128;
      let i1: v128;
      let i2: v128;
      p = a0 + o;
      i1 = v128.load(p);
      i0 = v128.load(p - 4);
      i2 = v128.load(p + 4);
      let s0 = f32x4.add(bias, f32x4.mul(w0, i0));
      s0 = f32x4.add(s0, f32x4.mul(w1, i1));
      s0 = f32x4.add(s0, f32x4.mul(w2, i2));
      p = a1 + o;
      i1 = v128.load(p);
      i0 = v128.load(p - 4);
      i2 = v128.load(p + 4);
      s0 = f32x4.add(s0, f32x4.mul(w3, i0));
      s0 = f32x4.add(s0, f32x4.mul(w4, i1));
      s0 = f32x4.add(s0, f32x4.mul(w5, i2));
      let s1 = f32x4.add(bias, f32x4.mul(w0, i0));
      s1 = f32x4.add(s1, f32x4.mul(w1, i1));
      s1 = f32x4.add(s1, f32x4.mul(w2, i2));
      p = a2 + o;
      i1 = v128.load(p);
      i0 = v128.load(p - 4);
      i2 = v128.load(p + 4);
      s0 = f32x4.add(s0, f32x4.mul(w6, i0));
      s0 = f32x4.add(s0, f32x4.mul(w7, i1));
      s0 = f32x4.add(s0, f32x4.mul(w8, i2));
      s1 = f32x4.add(s1, f32x4.mul(w3, i0));
      s1 = f32x4.add(s1, f32x4.mul(w4, i1));
      s1 = f32x4.add(s1, f32x4.mul(w5, i2));
      v128.store(ya + o, s0);
      p = a3 + o;
      i1 = v128.load(p);
      i0 = v128.load(p - 4);
      i2 = v128.load(p + 4);
      s1 = f32x4.add(s1, f32x4.mul(w6, i0));
      s1 = f32x4.add(s1, f32x4.mul(w7, i1));
      s1 = f32x4.add(s1, f32x4.mul(w8, i2));
      v128.store(yb + o, s1);
    }
    if (ow < outW) {
      // The last four columns again, the padding column right of the image masked to zero.
      const o: usize = last;
      let p: usize;
      let i0: v128;
      let i1: v128;
      let i2: v128;
      p = a0 + o;
      i1 = v128.load(p);
      i0 = v128.load(p - 4);
      i2 = v128.and(v128.load(p + 4), rmask);
      let s0 = f32x4.add(bias, f32x4.mul(w0, i0));
      s0 = f32x4.add(s0, f32x4.mul(w1, i1));
      s0 = f32x4.add(s0, f32x4.mul(w2, i2));
      p = a1 + o;
      i1 = v128.load(p);
      i0 = v128.load(p - 4);
      i2 = v128.and(v128.load(p + 4), rmask);
      s0 = f32x4.add(s0, f32x4.mul(w3, i0));
      s0 = f32x4.add(s0, f32x4.mul(w4, i1));
      s0 = f32x4.add(s0, f32x4.mul(w5, i2));
      let s1 = f32x4.add(bias, f32x4.mul(w0, i0));
      s1 = f32x4.add(s1, f32x4.mul(w1, i1));
      s1 = f32x4.add(s1, f32x4.mul(w2, i2));
      p = a2 + o;
      i1 = v128.load(p);
      i0 = v128.load(p - 4);
      i2 = v128.and(v128.load(p + 4), rmask);
      s0 = f32x4.add(s0, f32x4.mul(w6, i0));
      s0 = f32x4.add(s0, f32x4.mul(w7, i1));
      s0 = f32x4.add(s0, f32x4.mul(w8, i2));
      s1 = f32x4.add(s1, f32x4.mul(w3, i0));
      s1 = f32x4.add(s1, f32x4.mul(w4, i1));
      s1 = f32x4.add(s1, f32x4.mul(w5, i2));
      v128.store(ya + o, s0);
      p = a3 + o;
      i1 = v128.load(p);
      i0 = v128.load(p - 4);
      i2 = v128.and(v128.load(p + 4), rmask);
      s1 = f32x4.add(s1, f32x4.mul(w6, i0));
      s1 = f32x4.add(s1, f32x4.mul(w7, i1));
      s1 = f32x4.add(s1, f32x4.mul(w8, i2));
      v128.store(yb + o, s1);
    }
  }
  if (oh < outH) {
    const a0 = oh >= 1 ? x + <usize>(oh - 1) * rowBytes : zero;
    const a2 = oh + 1 < inH ? x + <usize>(oh + 1) * rowBytes : zero;
    row3x3s1p1(a0, x + <usize>oh * rowBytes, a2, wptr, b, y + <usize>oh * outBytes, inW, outW, rmask);
  }
}

/**
 * 3x3 stride 2 with padding 1 (MobileNet's downsampling layers, no dilation) straight from the
 * dense staged plane: no bordered copy. Rows above and below the image read a zero row. Two output
 * rows per pass from five input rows (the one between them is loaded and split once for both).
 * For four output columns each input row takes two loads, whose even and odd lanes (two shuffles)
 * are the middle and right taps; the left taps are the odd lanes one column back, so their sum
 * over the three rows is kept apart and shifted in from the previous step's (one shuffle per
 * output row, not one per input row; zero at the left edge). Steps whose eight inputs are in the
 * row need no mask; the last four outputs are recomputed (overlapping) from their own loads, the
 * padding column right of the image masked to zero. Same sums in the same order as plane3x3s2 on
 * the bordered copy. Requires outW >= 4 and 2 * (outW - 1) + 1 <= inW (loads stay within one
 * float past a row: the staged chunk has slack after it, and `zero` holds inW + 16 zeros).
 */
function plane3x3s2p1(
  x: usize,
  inH: i32,
  inW: i32,
  wptr: usize,
  b: f32,
  y: usize,
  outH: i32,
  outW: i32,
  zero: usize,
): void {
  const w0 = v128.load32_splat(wptr);
  const w1 = v128.load32_splat(wptr, 4);
  const w2 = v128.load32_splat(wptr, 8);
  const w3 = v128.load32_splat(wptr, 12);
  const w4 = v128.load32_splat(wptr, 16);
  const w5 = v128.load32_splat(wptr, 20);
  const w6 = v128.load32_splat(wptr, 24);
  const w7 = v128.load32_splat(wptr, 28);
  const w8 = v128.load32_splat(wptr, 32);
  const bias = f32x4.splat(b);
  const rowBytes = (<usize>inW) << 2;
  const outBytes = (<usize>outW) << 2;
  // Steps whose four outputs are in the row and whose eight inputs are in the image.
  const full = min(outW >> 2, inW >> 3);
  const tail = full << 2 < outW;
  // The last step: outputs ow0 .. outW - 1, inputs from column 2 * ow0 (byte offset `to`); the
  // right tap of its last output is the padding column when 2 * outW - 1 = inW.
  const ow0 = outW - 4;
  const to = (<usize>ow0) << 3;
  const rmask = i32x4(-1, -1, -1, 2 * outW - 1 < inW ? -1 : 0);
  const z = f32x4.splat(0);
  let oh = 0;
  for (; oh + 2 <= outH; oh += 2) {
    const ih = 2 * oh - 1;
    const r0 = ih >= 0 ? x + <usize>ih * rowBytes : zero;
    const r1 = x + <usize>(ih + 1) * rowBytes;
    const r2 = ih + 2 < inH ? x + <usize>(ih + 2) * rowBytes : zero;
    const r3 = ih + 3 < inH ? x + <usize>(ih + 3) * rowBytes : zero;
    const r4 = ih + 4 < inH ? x + <usize>(ih + 4) * rowBytes : zero;
    const ya = y + <usize>oh * outBytes;
    const yb = ya + outBytes;
    // The left-tap sums of the previous step (lane 3 is the one used).
    let pa = z;
    let pb = z;
    for (let q = 0; q < full; q++) {
      const o = (<usize>q) << 5;
      let lo = v128.load(r0 + o);
      let hi = v128.load(r0 + o, 16);
      let od = odds(lo, hi);
      let a = f32x4.add(bias, f32x4.mul(w1, evens(lo, hi)));
      a = f32x4.add(a, f32x4.mul(w2, od));
      let la = f32x4.mul(w0, od);
      lo = v128.load(r1 + o);
      hi = v128.load(r1 + o, 16);
      od = odds(lo, hi);
      a = f32x4.add(a, f32x4.mul(w4, evens(lo, hi)));
      a = f32x4.add(a, f32x4.mul(w5, od));
      la = f32x4.add(la, f32x4.mul(w3, od));
      lo = v128.load(r2 + o);
      hi = v128.load(r2 + o, 16);
      od = odds(lo, hi);
      const ev = evens(lo, hi);
      a = f32x4.add(a, f32x4.mul(w7, ev));
      a = f32x4.add(a, f32x4.mul(w8, od));
      la = f32x4.add(la, f32x4.mul(w6, od));
      let c = f32x4.add(bias, f32x4.mul(w1, ev));
      c = f32x4.add(c, f32x4.mul(w2, od));
      let lb = f32x4.mul(w0, od);
      v128.store(ya + ((<usize>q) << 4), f32x4.add(a, v128.shuffle<f32>(pa, la, 3, 4, 5, 6)));
      pa = la;
      lo = v128.load(r3 + o);
      hi = v128.load(r3 + o, 16);
      od = odds(lo, hi);
      c = f32x4.add(c, f32x4.mul(w4, evens(lo, hi)));
      c = f32x4.add(c, f32x4.mul(w5, od));
      lb = f32x4.add(lb, f32x4.mul(w3, od));
      lo = v128.load(r4 + o);
      hi = v128.load(r4 + o, 16);
      od = odds(lo, hi);
      c = f32x4.add(c, f32x4.mul(w7, evens(lo, hi)));
      c = f32x4.add(c, f32x4.mul(w8, od));
      lb = f32x4.add(lb, f32x4.mul(w6, od));
      v128.store(yb + ((<usize>q) << 4), f32x4.add(c, v128.shuffle<f32>(pb, lb, 3, 4, 5, 6)));
      pb = lb;
    }
    if (tail) {
      // The previous left-tap sums from column 2 * ow0 - 1 (lane 3 of the loads 4 floats back).
      if (ow0 > 0) {
        pa = f32x4.mul(w0, v128.load(r0 + to - 16));
        pa = f32x4.add(pa, f32x4.mul(w3, v128.load(r1 + to - 16)));
        const m = v128.load(r2 + to - 16);
        pa = f32x4.add(pa, f32x4.mul(w6, m));
        pb = f32x4.mul(w0, m);
        pb = f32x4.add(pb, f32x4.mul(w3, v128.load(r3 + to - 16)));
        pb = f32x4.add(pb, f32x4.mul(w6, v128.load(r4 + to - 16)));
      } else {
        pa = z;
        pb = z;
      }
      let lo = v128.load(r0 + to);
      let hi = v128.load(r0 + to, 16);
      let od = v128.and(odds(lo, hi), rmask);
      let a = f32x4.add(bias, f32x4.mul(w1, evens(lo, hi)));
      a = f32x4.add(a, f32x4.mul(w2, od));
      let la = f32x4.mul(w0, od);
      lo = v128.load(r1 + to);
      hi = v128.load(r1 + to, 16);
      od = v128.and(odds(lo, hi), rmask);
      a = f32x4.add(a, f32x4.mul(w4, evens(lo, hi)));
      a = f32x4.add(a, f32x4.mul(w5, od));
      la = f32x4.add(la, f32x4.mul(w3, od));
      lo = v128.load(r2 + to);
      hi = v128.load(r2 + to, 16);
      od = v128.and(odds(lo, hi), rmask);
      const ev = evens(lo, hi);
      a = f32x4.add(a, f32x4.mul(w7, ev));
      a = f32x4.add(a, f32x4.mul(w8, od));
      la = f32x4.add(la, f32x4.mul(w6, od));
      let c = f32x4.add(bias, f32x4.mul(w1, ev));
      c = f32x4.add(c, f32x4.mul(w2, od));
      let lb = f32x4.mul(w0, od);
      lo = v128.load(r3 + to);
      hi = v128.load(r3 + to, 16);
      od = v128.and(odds(lo, hi), rmask);
      c = f32x4.add(c, f32x4.mul(w4, evens(lo, hi)));
      c = f32x4.add(c, f32x4.mul(w5, od));
      lb = f32x4.add(lb, f32x4.mul(w3, od));
      lo = v128.load(r4 + to);
      hi = v128.load(r4 + to, 16);
      od = v128.and(odds(lo, hi), rmask);
      c = f32x4.add(c, f32x4.mul(w7, evens(lo, hi)));
      c = f32x4.add(c, f32x4.mul(w8, od));
      lb = f32x4.add(lb, f32x4.mul(w6, od));
      v128.store(ya + ((<usize>ow0) << 2), f32x4.add(a, v128.shuffle<f32>(pa, la, 3, 4, 5, 6)));
      v128.store(yb + ((<usize>ow0) << 2), f32x4.add(c, v128.shuffle<f32>(pb, lb, 3, 4, 5, 6)));
    }
  }
  if (oh < outH) {
    // The last output row alone (outH odd).
    const ih = 2 * oh - 1;
    const r0 = ih >= 0 ? x + <usize>ih * rowBytes : zero;
    const r1 = x + <usize>(ih + 1) * rowBytes;
    const r2 = ih + 2 < inH ? x + <usize>(ih + 2) * rowBytes : zero;
    const ya = y + <usize>oh * outBytes;
    let pa = z;
    for (let q = 0; q < full; q++) {
      const o = (<usize>q) << 5;
      let lo = v128.load(r0 + o);
      let hi = v128.load(r0 + o, 16);
      let od = odds(lo, hi);
      let a = f32x4.add(bias, f32x4.mul(w1, evens(lo, hi)));
      a = f32x4.add(a, f32x4.mul(w2, od));
      let la = f32x4.mul(w0, od);
      lo = v128.load(r1 + o);
      hi = v128.load(r1 + o, 16);
      od = odds(lo, hi);
      a = f32x4.add(a, f32x4.mul(w4, evens(lo, hi)));
      a = f32x4.add(a, f32x4.mul(w5, od));
      la = f32x4.add(la, f32x4.mul(w3, od));
      lo = v128.load(r2 + o);
      hi = v128.load(r2 + o, 16);
      od = odds(lo, hi);
      a = f32x4.add(a, f32x4.mul(w7, evens(lo, hi)));
      a = f32x4.add(a, f32x4.mul(w8, od));
      la = f32x4.add(la, f32x4.mul(w6, od));
      v128.store(ya + ((<usize>q) << 4), f32x4.add(a, v128.shuffle<f32>(pa, la, 3, 4, 5, 6)));
      pa = la;
    }
    if (tail) {
      if (ow0 > 0) {
        pa = f32x4.mul(w0, v128.load(r0 + to - 16));
        pa = f32x4.add(pa, f32x4.mul(w3, v128.load(r1 + to - 16)));
        pa = f32x4.add(pa, f32x4.mul(w6, v128.load(r2 + to - 16)));
      } else {
        pa = z;
      }
      let lo = v128.load(r0 + to);
      let hi = v128.load(r0 + to, 16);
      let od = v128.and(odds(lo, hi), rmask);
      let a = f32x4.add(bias, f32x4.mul(w1, evens(lo, hi)));
      a = f32x4.add(a, f32x4.mul(w2, od));
      let la = f32x4.mul(w0, od);
      lo = v128.load(r1 + to);
      hi = v128.load(r1 + to, 16);
      od = v128.and(odds(lo, hi), rmask);
      a = f32x4.add(a, f32x4.mul(w4, evens(lo, hi)));
      a = f32x4.add(a, f32x4.mul(w5, od));
      la = f32x4.add(la, f32x4.mul(w3, od));
      lo = v128.load(r2 + to);
      hi = v128.load(r2 + to, 16);
      od = v128.and(odds(lo, hi), rmask);
      a = f32x4.add(a, f32x4.mul(w7, evens(lo, hi)));
      a = f32x4.add(a, f32x4.mul(w8, od));
      la = f32x4.add(la, f32x4.mul(w6, od));
      v128.store(ya + ((<usize>ow0) << 2), f32x4.add(a, v128.shuffle<f32>(pa, la, 3, 4, 5, 6)));
    }
  }
}

/**
 * plane3x3s2p1 unrolled for 14x14 planes (7x7 outputs: MobileNetV2's [576,14,14] stride 2): the
 * same steps and sums, every row and column offset a constant, and the last step's left-tap sums
 * taken from the first step's (lane 2) instead of loaded again.
 */
function plane14s2p1(x: usize, wptr: usize, b: f32, y: usize, zero: usize): void {
  const w0 = v128.load32_splat(wptr);
  const w1 = v128.load32_splat(wptr, 4);
  const w2 = v128.load32_splat(wptr, 8);
  const w3 = v128.load32_splat(wptr, 12);
  const w4 = v128.load32_splat(wptr, 16);
  const w5 = v128.load32_splat(wptr, 20);
  const w6 = v128.load32_splat(wptr, 24);
  const w7 = v128.load32_splat(wptr, 28);
  const w8 = v128.load32_splat(wptr, 32);
  const bias = f32x4.splat(b);
  const z = f32x4.splat(0);
  const r0 = x;
  const r1 = x + 56;
  const r2 = x + 112;
  const r3 = x + 168;
  const r4 = x + 224;
  const r5 = x + 280;
  const r6 = x + 336;
  const r7 = x + 392;
  const r8 = x + 448;
  const r9 = x + 504;
  const r10 = x + 560;
  const r11 = x + 616;
  const r12 = x + 672;
  const r13 = x + 728;
  let lo: v128;
  let hi: v128;
  let od: v128;
  let ev: v128;
  let a: v128;
  let c: v128;
  let la: v128;
  let lb: v128;
  let pa: v128;
  let pb: v128;
  // Output rows 0 and 1: columns 0 to 3, then 3 to 6 (the left taps of column 3 are lane 2 of the first step's).
  lo = v128.load(zero, 0);
  hi = v128.load(zero, 16);
  od = odds(lo, hi);
  a = f32x4.add(bias, f32x4.mul(w1, evens(lo, hi)));
  a = f32x4.add(a, f32x4.mul(w2, od));
  la = f32x4.mul(w0, od);
  lo = v128.load(r0, 0);
  hi = v128.load(r0, 16);
  od = odds(lo, hi);
  a = f32x4.add(a, f32x4.mul(w4, evens(lo, hi)));
  a = f32x4.add(a, f32x4.mul(w5, od));
  la = f32x4.add(la, f32x4.mul(w3, od));
  lo = v128.load(r1, 0);
  hi = v128.load(r1, 16);
  od = odds(lo, hi);
  ev = evens(lo, hi);
  a = f32x4.add(a, f32x4.mul(w7, ev));
  a = f32x4.add(a, f32x4.mul(w8, od));
  la = f32x4.add(la, f32x4.mul(w6, od));
  c = f32x4.add(bias, f32x4.mul(w1, ev));
  c = f32x4.add(c, f32x4.mul(w2, od));
  lb = f32x4.mul(w0, od);
  v128.store(y, f32x4.add(a, v128.shuffle<f32>(z, la, 3, 4, 5, 6)), 0);
  lo = v128.load(r2, 0);
  hi = v128.load(r2, 16);
  od = odds(lo, hi);
  c = f32x4.add(c, f32x4.mul(w4, evens(lo, hi)));
  c = f32x4.add(c, f32x4.mul(w5, od));
  lb = f32x4.add(lb, f32x4.mul(w3, od));
  lo = v128.load(r3, 0);
  hi = v128.load(r3, 16);
  od = odds(lo, hi);
  c = f32x4.add(c, f32x4.mul(w7, evens(lo, hi)));
  c = f32x4.add(c, f32x4.mul(w8, od));
  lb = f32x4.add(lb, f32x4.mul(w6, od));
  v128.store(y, f32x4.add(c, v128.shuffle<f32>(z, lb, 3, 4, 5, 6)), 28);
  pa = v128.shuffle<f32>(la, la, 2, 2, 2, 2);
  pb = v128.shuffle<f32>(lb, lb, 2, 2, 2, 2);
  lo = v128.load(zero, 24);
  hi = v128.load(zero, 40);
  od = odds(lo, hi);
  a = f32x4.add(bias, f32x4.mul(w1, evens(lo, hi)));
  a = f32x4.add(a, f32x4.mul(w2, od));
  la = f32x4.mul(w0, od);
  lo = v128.load(r0, 24);
  hi = v128.load(r0, 40);
  od = odds(lo, hi);
  a = f32x4.add(a, f32x4.mul(w4, evens(lo, hi)));
  a = f32x4.add(a, f32x4.mul(w5, od));
  la = f32x4.add(la, f32x4.mul(w3, od));
  lo = v128.load(r1, 24);
  hi = v128.load(r1, 40);
  od = odds(lo, hi);
  ev = evens(lo, hi);
  a = f32x4.add(a, f32x4.mul(w7, ev));
  a = f32x4.add(a, f32x4.mul(w8, od));
  la = f32x4.add(la, f32x4.mul(w6, od));
  c = f32x4.add(bias, f32x4.mul(w1, ev));
  c = f32x4.add(c, f32x4.mul(w2, od));
  lb = f32x4.mul(w0, od);
  v128.store(y, f32x4.add(a, v128.shuffle<f32>(pa, la, 3, 4, 5, 6)), 12);
  lo = v128.load(r2, 24);
  hi = v128.load(r2, 40);
  od = odds(lo, hi);
  c = f32x4.add(c, f32x4.mul(w4, evens(lo, hi)));
  c = f32x4.add(c, f32x4.mul(w5, od));
  lb = f32x4.add(lb, f32x4.mul(w3, od));
  lo = v128.load(r3, 24);
  hi = v128.load(r3, 40);
  od = odds(lo, hi);
  c = f32x4.add(c, f32x4.mul(w7, evens(lo, hi)));
  c = f32x4.add(c, f32x4.mul(w8, od));
  lb = f32x4.add(lb, f32x4.mul(w6, od));
  v128.store(y, f32x4.add(c, v128.shuffle<f32>(pb, lb, 3, 4, 5, 6)), 40);
  // Output rows 2 and 3: columns 0 to 3, then 3 to 6 (the left taps of column 3 are lane 2 of the first step's).
  lo = v128.load(r3, 0);
  hi = v128.load(r3, 16);
  od = odds(lo, hi);
  a = f32x4.add(bias, f32x4.mul(w1, evens(lo, hi)));
  a = f32x4.add(a, f32x4.mul(w2, od));
  la = f32x4.mul(w0, od);
  lo = v128.load(r4, 0);
  hi = v128.load(r4, 16);
  od = odds(lo, hi);
  a = f32x4.add(a, f32x4.mul(w4, evens(lo, hi)));
  a = f32x4.add(a, f32x4.mul(w5, od));
  la = f32x4.add(la, f32x4.mul(w3, od));
  lo = v128.load(r5, 0);
  hi = v128.load(r5, 16);
  od = odds(lo, hi);
  ev = evens(lo, hi);
  a = f32x4.add(a, f32x4.mul(w7, ev));
  a = f32x4.add(a, f32x4.mul(w8, od));
  la = f32x4.add(la, f32x4.mul(w6, od));
  c = f32x4.add(bias, f32x4.mul(w1, ev));
  c = f32x4.add(c, f32x4.mul(w2, od));
  lb = f32x4.mul(w0, od);
  v128.store(y, f32x4.add(a, v128.shuffle<f32>(z, la, 3, 4, 5, 6)), 56);
  lo = v128.load(r6, 0);
  hi = v128.load(r6, 16);
  od = odds(lo, hi);
  c = f32x4.add(c, f32x4.mul(w4, evens(lo, hi)));
  c = f32x4.add(c, f32x4.mul(w5, od));
  lb = f32x4.add(lb, f32x4.mul(w3, od));
  lo = v128.load(r7, 0);
  hi = v128.load(r7, 16);
  od = odds(lo, hi);
  c = f32x4.add(c, f32x4.mul(w7, evens(lo, hi)));
  c = f32x4.add(c, f32x4.mul(w8, od));
  lb = f32x4.add(lb, f32x4.mul(w6, od));
  v128.store(y, f32x4.add(c, v128.shuffle<f32>(z, lb, 3, 4, 5, 6)), 84);
  pa = v128.shuffle<f32>(la, la, 2, 2, 2, 2);
  pb = v128.shuffle<f32>(lb, lb, 2, 2, 2, 2);
  lo = v128.load(r3, 24);
  hi = v128.load(r3, 40);
  od = odds(lo, hi);
  a = f32x4.add(bias, f32x4.mul(w1, evens(lo, hi)));
  a = f32x4.add(a, f32x4.mul(w2, od));
  la = f32x4.mul(w0, od);
  lo = v128.load(r4, 24);
  hi = v128.load(r4, 40);
  od = odds(lo, hi);
  a = f32x4.add(a, f32x4.mul(w4, evens(lo, hi)));
  a = f32x4.add(a, f32x4.mul(w5, od));
  la = f32x4.add(la, f32x4.mul(w3, od));
  lo = v128.load(r5, 24);
  hi = v128.load(r5, 40);
  od = odds(lo, hi);
  ev = evens(lo, hi);
  a = f32x4.add(a, f32x4.mul(w7, ev));
  a = f32x4.add(a, f32x4.mul(w8, od));
  la = f32x4.add(la, f32x4.mul(w6, od));
  c = f32x4.add(bias, f32x4.mul(w1, ev));
  c = f32x4.add(c, f32x4.mul(w2, od));
  lb = f32x4.mul(w0, od);
  v128.store(y, f32x4.add(a, v128.shuffle<f32>(pa, la, 3, 4, 5, 6)), 68);
  lo = v128.load(r6, 24);
  hi = v128.load(r6, 40);
  od = odds(lo, hi);
  c = f32x4.add(c, f32x4.mul(w4, evens(lo, hi)));
  c = f32x4.add(c, f32x4.mul(w5, od));
  lb = f32x4.add(lb, f32x4.mul(w3, od));
  lo = v128.load(r7, 24);
  hi = v128.load(r7, 40);
  od = odds(lo, hi);
  c = f32x4.add(c, f32x4.mul(w7, evens(lo, hi)));
  c = f32x4.add(c, f32x4.mul(w8, od));
  lb = f32x4.add(lb, f32x4.mul(w6, od));
  v128.store(y, f32x4.add(c, v128.shuffle<f32>(pb, lb, 3, 4, 5, 6)), 96);
  // Output rows 4 and 5: columns 0 to 3, then 3 to 6 (the left taps of column 3 are lane 2 of the first step's).
  lo = v128.load(r7, 0);
  hi = v128.load(r7, 16);
  od = odds(lo, hi);
  a = f32x4.add(bias, f32x4.mul(w1, evens(lo, hi)));
  a = f32x4.add(a, f32x4.mul(w2, od));
  la = f32x4.mul(w0, od);
  lo = v128.load(r8, 0);
  hi = v128.load(r8, 16);
  od = odds(lo, hi);
  a = f32x4.add(a, f32x4.mul(w4, evens(lo, hi)));
  a = f32x4.add(a, f32x4.mul(w5, od));
  la = f32x4.add(la, f32x4.mul(w3, od));
  lo = v128.load(r9, 0);
  hi = v128.load(r9, 16);
  od = odds(lo, hi);
  ev = evens(lo, hi);
  a = f32x4.add(a, f32x4.mul(w7, ev));
  a = f32x4.add(a, f32x4.mul(w8, od));
  la = f32x4.add(la, f32x4.mul(w6, od));
  c = f32x4.add(bias, f32x4.mul(w1, ev));
  c = f32x4.add(c, f32x4.mul(w2, od));
  lb = f32x4.mul(w0, od);
  v128.store(y, f32x4.add(a, v128.shuffle<f32>(z, la, 3, 4, 5, 6)), 112);
  lo = v128.load(r10, 0);
  hi = v128.load(r10, 16);
  od = odds(lo, hi);
  c = f32x4.add(c, f32x4.mul(w4, evens(lo, hi)));
  c = f32x4.add(c, f32x4.mul(w5, od));
  lb = f32x4.add(lb, f32x4.mul(w3, od));
  lo = v128.load(r11, 0);
  hi = v128.load(r11, 16);
  od = odds(lo, hi);
  c = f32x4.add(c, f32x4.mul(w7, evens(lo, hi)));
  c = f32x4.add(c, f32x4.mul(w8, od));
  lb = f32x4.add(lb, f32x4.mul(w6, od));
  v128.store(y, f32x4.add(c, v128.shuffle<f32>(z, lb, 3, 4, 5, 6)), 140);
  pa = v128.shuffle<f32>(la, la, 2, 2, 2, 2);
  pb = v128.shuffle<f32>(lb, lb, 2, 2, 2, 2);
  lo = v128.load(r7, 24);
  hi = v128.load(r7, 40);
  od = odds(lo, hi);
  a = f32x4.add(bias, f32x4.mul(w1, evens(lo, hi)));
  a = f32x4.add(a, f32x4.mul(w2, od));
  la = f32x4.mul(w0, od);
  lo = v128.load(r8, 24);
  hi = v128.load(r8, 40);
  od = odds(lo, hi);
  a = f32x4.add(a, f32x4.mul(w4, evens(lo, hi)));
  a = f32x4.add(a, f32x4.mul(w5, od));
  la = f32x4.add(la, f32x4.mul(w3, od));
  lo = v128.load(r9, 24);
  hi = v128.load(r9, 40);
  od = odds(lo, hi);
  ev = evens(lo, hi);
  a = f32x4.add(a, f32x4.mul(w7, ev));
  a = f32x4.add(a, f32x4.mul(w8, od));
  la = f32x4.add(la, f32x4.mul(w6, od));
  c = f32x4.add(bias, f32x4.mul(w1, ev));
  c = f32x4.add(c, f32x4.mul(w2, od));
  lb = f32x4.mul(w0, od);
  v128.store(y, f32x4.add(a, v128.shuffle<f32>(pa, la, 3, 4, 5, 6)), 124);
  lo = v128.load(r10, 24);
  hi = v128.load(r10, 40);
  od = odds(lo, hi);
  c = f32x4.add(c, f32x4.mul(w4, evens(lo, hi)));
  c = f32x4.add(c, f32x4.mul(w5, od));
  lb = f32x4.add(lb, f32x4.mul(w3, od));
  lo = v128.load(r11, 24);
  hi = v128.load(r11, 40);
  od = odds(lo, hi);
  c = f32x4.add(c, f32x4.mul(w7, evens(lo, hi)));
  c = f32x4.add(c, f32x4.mul(w8, od));
  lb = f32x4.add(lb, f32x4.mul(w6, od));
  v128.store(y, f32x4.add(c, v128.shuffle<f32>(pb, lb, 3, 4, 5, 6)), 152);
  // Output row 6.
  lo = v128.load(r11, 0);
  hi = v128.load(r11, 16);
  od = odds(lo, hi);
  a = f32x4.add(bias, f32x4.mul(w1, evens(lo, hi)));
  a = f32x4.add(a, f32x4.mul(w2, od));
  la = f32x4.mul(w0, od);
  lo = v128.load(r12, 0);
  hi = v128.load(r12, 16);
  od = odds(lo, hi);
  a = f32x4.add(a, f32x4.mul(w4, evens(lo, hi)));
  a = f32x4.add(a, f32x4.mul(w5, od));
  la = f32x4.add(la, f32x4.mul(w3, od));
  lo = v128.load(r13, 0);
  hi = v128.load(r13, 16);
  od = odds(lo, hi);
  a = f32x4.add(a, f32x4.mul(w7, evens(lo, hi)));
  a = f32x4.add(a, f32x4.mul(w8, od));
  la = f32x4.add(la, f32x4.mul(w6, od));
  v128.store(y, f32x4.add(a, v128.shuffle<f32>(z, la, 3, 4, 5, 6)), 168);
  pa = v128.shuffle<f32>(la, la, 2, 2, 2, 2);
  lo = v128.load(r11, 24);
  hi = v128.load(r11, 40);
  od = odds(lo, hi);
  a = f32x4.add(bias, f32x4.mul(w1, evens(lo, hi)));
  a = f32x4.add(a, f32x4.mul(w2, od));
  la = f32x4.mul(w0, od);
  lo = v128.load(r12, 24);
  hi = v128.load(r12, 40);
  od = odds(lo, hi);
  a = f32x4.add(a, f32x4.mul(w4, evens(lo, hi)));
  a = f32x4.add(a, f32x4.mul(w5, od));
  la = f32x4.add(la, f32x4.mul(w3, od));
  lo = v128.load(r13, 24);
  hi = v128.load(r13, 40);
  od = odds(lo, hi);
  a = f32x4.add(a, f32x4.mul(w7, evens(lo, hi)));
  a = f32x4.add(a, f32x4.mul(w8, od));
  la = f32x4.add(la, f32x4.mul(w6, od));
  v128.store(y, f32x4.add(a, v128.shuffle<f32>(pa, la, 3, 4, 5, 6)), 180);
}

/**
 * plane3x3s2p1 for 28x28 planes (14x14 outputs: MobileNetV2's [192,28,28] stride 2): the same
 * steps and sums, each pass's four steps straight-line at constant offsets, the last step's
 * left-tap sums taken from the third step's (lane 1) instead of loaded again.
 */
function plane28s2p1(x: usize, wptr: usize, b: f32, y: usize, zero: usize): void {
  const w0 = v128.load32_splat(wptr);
  const w1 = v128.load32_splat(wptr, 4);
  const w2 = v128.load32_splat(wptr, 8);
  const w3 = v128.load32_splat(wptr, 12);
  const w4 = v128.load32_splat(wptr, 16);
  const w5 = v128.load32_splat(wptr, 20);
  const w6 = v128.load32_splat(wptr, 24);
  const w7 = v128.load32_splat(wptr, 28);
  const w8 = v128.load32_splat(wptr, 32);
  const bias = f32x4.splat(b);
  const z = f32x4.splat(0);
  let lo: v128;
  let hi: v128;
  let od: v128;
  let ev: v128;
  let a: v128;
  let c: v128;
  let la: v128;
  let lb: v128;
  let pa: v128;
  let pb: v128;
  // Output rows oh and oh + 1 from input rows 2 * oh - 1 to 2 * oh + 3 (112 bytes each).
  for (let oh = 0; oh < 14; oh += 2) {
    const r1 = x + <usize>oh * 224;
    const r0 = oh > 0 ? r1 - 112 : zero;
    const r2 = r1 + 112;
    const r3 = r1 + 224;
    const r4 = r1 + 336;
    const ya = y + <usize>oh * 56;
    // Columns 0 to 11 in three steps, then 10 to 13 (the left taps of column 10 are lane 1 of the third step's).
    lo = v128.load(r0, 0);
    hi = v128.load(r0, 16);
    od = odds(lo, hi);
    a = f32x4.add(bias, f32x4.mul(w1, evens(lo, hi)));
    a = f32x4.add(a, f32x4.mul(w2, od));
    la = f32x4.mul(w0, od);
    lo = v128.load(r1, 0);
    hi = v128.load(r1, 16);
    od = odds(lo, hi);
    a = f32x4.add(a, f32x4.mul(w4, evens(lo, hi)));
    a = f32x4.add(a, f32x4.mul(w5, od));
    la = f32x4.add(la, f32x4.mul(w3, od));
    lo = v128.load(r2, 0);
    hi = v128.load(r2, 16);
    od = odds(lo, hi);
    ev = evens(lo, hi);
    a = f32x4.add(a, f32x4.mul(w7, ev));
    a = f32x4.add(a, f32x4.mul(w8, od));
    la = f32x4.add(la, f32x4.mul(w6, od));
    c = f32x4.add(bias, f32x4.mul(w1, ev));
    c = f32x4.add(c, f32x4.mul(w2, od));
    lb = f32x4.mul(w0, od);
    v128.store(ya, f32x4.add(a, v128.shuffle<f32>(z, la, 3, 4, 5, 6)), 0);
    lo = v128.load(r3, 0);
    hi = v128.load(r3, 16);
    od = odds(lo, hi);
    c = f32x4.add(c, f32x4.mul(w4, evens(lo, hi)));
    c = f32x4.add(c, f32x4.mul(w5, od));
    lb = f32x4.add(lb, f32x4.mul(w3, od));
    lo = v128.load(r4, 0);
    hi = v128.load(r4, 16);
    od = odds(lo, hi);
    c = f32x4.add(c, f32x4.mul(w7, evens(lo, hi)));
    c = f32x4.add(c, f32x4.mul(w8, od));
    lb = f32x4.add(lb, f32x4.mul(w6, od));
    v128.store(ya, f32x4.add(c, v128.shuffle<f32>(z, lb, 3, 4, 5, 6)), 56);
    pa = la;
    pb = lb;
    lo = v128.load(r0, 32);
    hi = v128.load(r0, 48);
    od = odds(lo, hi);
    a = f32x4.add(bias, f32x4.mul(w1, evens(lo, hi)));
    a = f32x4.add(a, f32x4.mul(w2, od));
    la = f32x4.mul(w0, od);
    lo = v128.load(r1, 32);
    hi = v128.load(r1, 48);
    od = odds(lo, hi);
    a = f32x4.add(a, f32x4.mul(w4, evens(lo, hi)));
    a = f32x4.add(a, f32x4.mul(w5, od));
    la = f32x4.add(la, f32x4.mul(w3, od));
    lo = v128.load(r2, 32);
    hi = v128.load(r2, 48);
    od = odds(lo, hi);
    ev = evens(lo, hi);
    a = f32x4.add(a, f32x4.mul(w7, ev));
    a = f32x4.add(a, f32x4.mul(w8, od));
    la = f32x4.add(la, f32x4.mul(w6, od));
    c = f32x4.add(bias, f32x4.mul(w1, ev));
    c = f32x4.add(c, f32x4.mul(w2, od));
    lb = f32x4.mul(w0, od);
    v128.store(ya, f32x4.add(a, v128.shuffle<f32>(pa, la, 3, 4, 5, 6)), 16);
    lo = v128.load(r3, 32);
    hi = v128.load(r3, 48);
    od = odds(lo, hi);
    c = f32x4.add(c, f32x4.mul(w4, evens(lo, hi)));
    c = f32x4.add(c, f32x4.mul(w5, od));
    lb = f32x4.add(lb, f32x4.mul(w3, od));
    lo = v128.load(r4, 32);
    hi = v128.load(r4, 48);
    od = odds(lo, hi);
    c = f32x4.add(c, f32x4.mul(w7, evens(lo, hi)));
    c = f32x4.add(c, f32x4.mul(w8, od));
    lb = f32x4.add(lb, f32x4.mul(w6, od));
    v128.store(ya, f32x4.add(c, v128.shuffle<f32>(pb, lb, 3, 4, 5, 6)), 72);
    pa = la;
    pb = lb;
    lo = v128.load(r0, 64);
    hi = v128.load(r0, 80);
    od = odds(lo, hi);
    a = f32x4.add(bias, f32x4.mul(w1, evens(lo, hi)));
    a = f32x4.add(a, f32x4.mul(w2, od));
    la = f32x4.mul(w0, od);
    lo = v128.load(r1, 64);
    hi = v128.load(r1, 80);
    od = odds(lo, hi);
    a = f32x4.add(a, f32x4.mul(w4, evens(lo, hi)));
    a = f32x4.add(a, f32x4.mul(w5, od));
    la = f32x4.add(la, f32x4.mul(w3, od));
    lo = v128.load(r2, 64);
    hi = v128.load(r2, 80);
    od = odds(lo, hi);
    ev = evens(lo, hi);
    a = f32x4.add(a, f32x4.mul(w7, ev));
    a = f32x4.add(a, f32x4.mul(w8, od));
    la = f32x4.add(la, f32x4.mul(w6, od));
    c = f32x4.add(bias, f32x4.mul(w1, ev));
    c = f32x4.add(c, f32x4.mul(w2, od));
    lb = f32x4.mul(w0, od);
    v128.store(ya, f32x4.add(a, v128.shuffle<f32>(pa, la, 3, 4, 5, 6)), 32);
    lo = v128.load(r3, 64);
    hi = v128.load(r3, 80);
    od = odds(lo, hi);
    c = f32x4.add(c, f32x4.mul(w4, evens(lo, hi)));
    c = f32x4.add(c, f32x4.mul(w5, od));
    lb = f32x4.add(lb, f32x4.mul(w3, od));
    lo = v128.load(r4, 64);
    hi = v128.load(r4, 80);
    od = odds(lo, hi);
    c = f32x4.add(c, f32x4.mul(w7, evens(lo, hi)));
    c = f32x4.add(c, f32x4.mul(w8, od));
    lb = f32x4.add(lb, f32x4.mul(w6, od));
    v128.store(ya, f32x4.add(c, v128.shuffle<f32>(pb, lb, 3, 4, 5, 6)), 88);
    pa = v128.shuffle<f32>(la, la, 1, 1, 1, 1);
    pb = v128.shuffle<f32>(lb, lb, 1, 1, 1, 1);
    lo = v128.load(r0, 80);
    hi = v128.load(r0, 96);
    od = odds(lo, hi);
    a = f32x4.add(bias, f32x4.mul(w1, evens(lo, hi)));
    a = f32x4.add(a, f32x4.mul(w2, od));
    la = f32x4.mul(w0, od);
    lo = v128.load(r1, 80);
    hi = v128.load(r1, 96);
    od = odds(lo, hi);
    a = f32x4.add(a, f32x4.mul(w4, evens(lo, hi)));
    a = f32x4.add(a, f32x4.mul(w5, od));
    la = f32x4.add(la, f32x4.mul(w3, od));
    lo = v128.load(r2, 80);
    hi = v128.load(r2, 96);
    od = odds(lo, hi);
    ev = evens(lo, hi);
    a = f32x4.add(a, f32x4.mul(w7, ev));
    a = f32x4.add(a, f32x4.mul(w8, od));
    la = f32x4.add(la, f32x4.mul(w6, od));
    c = f32x4.add(bias, f32x4.mul(w1, ev));
    c = f32x4.add(c, f32x4.mul(w2, od));
    lb = f32x4.mul(w0, od);
    v128.store(ya, f32x4.add(a, v128.shuffle<f32>(pa, la, 3, 4, 5, 6)), 40);
    lo = v128.load(r3, 80);
    hi = v128.load(r3, 96);
    od = odds(lo, hi);
    c = f32x4.add(c, f32x4.mul(w4, evens(lo, hi)));
    c = f32x4.add(c, f32x4.mul(w5, od));
    lb = f32x4.add(lb, f32x4.mul(w3, od));
    lo = v128.load(r4, 80);
    hi = v128.load(r4, 96);
    od = odds(lo, hi);
    c = f32x4.add(c, f32x4.mul(w7, evens(lo, hi)));
    c = f32x4.add(c, f32x4.mul(w8, od));
    lb = f32x4.add(lb, f32x4.mul(w6, od));
    v128.store(ya, f32x4.add(c, v128.shuffle<f32>(pb, lb, 3, 4, 5, 6)), 96);
  }
}

/**
 * plane3x3s2p1 for rows shorter than four outputs (inputs of at most 8 columns): every step masks
 * the columns at or past the image's width, sums in tap order (as rowGeneral does on the bordered
 * copy) and stores only the columns of the row. `zero` holds inW + 16 zeros.
 */
function plane3x3s2p1Narrow(
  x: usize,
  inH: i32,
  inW: i32,
  wptr: usize,
  b: f32,
  y: usize,
  outH: i32,
  outW: i32,
  zero: usize,
): void {
  const w0 = v128.load32_splat(wptr);
  const w1 = v128.load32_splat(wptr, 4);
  const w2 = v128.load32_splat(wptr, 8);
  const w3 = v128.load32_splat(wptr, 12);
  const w4 = v128.load32_splat(wptr, 16);
  const w5 = v128.load32_splat(wptr, 20);
  const w6 = v128.load32_splat(wptr, 24);
  const w7 = v128.load32_splat(wptr, 28);
  const w8 = v128.load32_splat(wptr, 32);
  const bias = f32x4.splat(b);
  const rowBytes = (<usize>inW) << 2;
  const outBytes = (<usize>outW) << 2;
  // Steps whose four outputs are in the row and whose eight inputs are in the image.
  const full = min(outW >> 2, inW >> 3);
  const lanes = i32x4(0, 1, 2, 3);
  const width = i32x4.splat(inW);
  for (let oh = 0; oh < outH; oh++) {
    const ih = 2 * oh - 1;
    const r0 = ih >= 0 ? x + <usize>ih * rowBytes : zero;
    const r1 = ih + 1 < inH ? x + <usize>(ih + 1) * rowBytes : zero;
    const r2 = ih + 2 < inH ? x + <usize>(ih + 2) * rowBytes : zero;
    const yr = y + <usize>oh * outBytes;
    let p0 = f32x4.splat(0);
    let p1 = p0;
    let p2 = p0;
    let q = 0;
    for (; q < full; q++) {
      const o = (<usize>q) << 5;
      let lo = v128.load(r0 + o);
      let hi = v128.load(r0 + o, 16);
      let od = v128.shuffle<f32>(lo, hi, 1, 3, 5, 7);
      let acc = f32x4.add(bias, f32x4.mul(w0, v128.shuffle<f32>(p0, od, 3, 4, 5, 6)));
      acc = f32x4.add(acc, f32x4.mul(w1, v128.shuffle<f32>(lo, hi, 0, 2, 4, 6)));
      acc = f32x4.add(acc, f32x4.mul(w2, od));
      p0 = od;
      lo = v128.load(r1 + o);
      hi = v128.load(r1 + o, 16);
      od = v128.shuffle<f32>(lo, hi, 1, 3, 5, 7);
      acc = f32x4.add(acc, f32x4.mul(w3, v128.shuffle<f32>(p1, od, 3, 4, 5, 6)));
      acc = f32x4.add(acc, f32x4.mul(w4, v128.shuffle<f32>(lo, hi, 0, 2, 4, 6)));
      acc = f32x4.add(acc, f32x4.mul(w5, od));
      p1 = od;
      lo = v128.load(r2 + o);
      hi = v128.load(r2 + o, 16);
      od = v128.shuffle<f32>(lo, hi, 1, 3, 5, 7);
      acc = f32x4.add(acc, f32x4.mul(w6, v128.shuffle<f32>(p2, od, 3, 4, 5, 6)));
      acc = f32x4.add(acc, f32x4.mul(w7, v128.shuffle<f32>(lo, hi, 0, 2, 4, 6)));
      acc = f32x4.add(acc, f32x4.mul(w8, od));
      p2 = od;
      v128.store(yr + ((<usize>q) << 4), acc);
    }
    // The rest of the row: columns at or past the image's width read as zero.
    for (; q << 2 < outW; q++) {
      const o = (<usize>q) << 5;
      const col = i32x4.add(i32x4.splat(q << 3), lanes);
      const mlo = i32x4.lt_s(col, width);
      const mhi = i32x4.lt_s(i32x4.add(col, i32x4.splat(4)), width);
      let lo = v128.and(v128.load(r0 + o), mlo);
      let hi = v128.and(v128.load(r0 + o, 16), mhi);
      let od = v128.shuffle<f32>(lo, hi, 1, 3, 5, 7);
      let acc = f32x4.add(bias, f32x4.mul(w0, v128.shuffle<f32>(p0, od, 3, 4, 5, 6)));
      acc = f32x4.add(acc, f32x4.mul(w1, v128.shuffle<f32>(lo, hi, 0, 2, 4, 6)));
      acc = f32x4.add(acc, f32x4.mul(w2, od));
      p0 = od;
      lo = v128.and(v128.load(r1 + o), mlo);
      hi = v128.and(v128.load(r1 + o, 16), mhi);
      od = v128.shuffle<f32>(lo, hi, 1, 3, 5, 7);
      acc = f32x4.add(acc, f32x4.mul(w3, v128.shuffle<f32>(p1, od, 3, 4, 5, 6)));
      acc = f32x4.add(acc, f32x4.mul(w4, v128.shuffle<f32>(lo, hi, 0, 2, 4, 6)));
      acc = f32x4.add(acc, f32x4.mul(w5, od));
      p1 = od;
      lo = v128.and(v128.load(r2 + o), mlo);
      hi = v128.and(v128.load(r2 + o, 16), mhi);
      od = v128.shuffle<f32>(lo, hi, 1, 3, 5, 7);
      acc = f32x4.add(acc, f32x4.mul(w6, v128.shuffle<f32>(p2, od, 3, 4, 5, 6)));
      acc = f32x4.add(acc, f32x4.mul(w7, v128.shuffle<f32>(lo, hi, 0, 2, 4, 6)));
      acc = f32x4.add(acc, f32x4.mul(w8, od));
      p2 = od;
      const dst = yr + ((<usize>q) << 4);
      const n = outW - (q << 2);
      if (n >= 4) {
        v128.store(dst, acc);
      } else {
        store<f32>(dst, f32x4.extract_lane(acc, 0));
        if (n > 1) store<f32>(dst, f32x4.extract_lane(acc, 1), 4);
        if (n > 2) store<f32>(dst, f32x4.extract_lane(acc, 2), 8);
      }
    }
  }
}

/**
 * Forward pass for planes [u0, u1) of the staged chunk (plane u = image u / C, channel u % C):
 * `y[u] = act(bias[c] + correlation of x[u] with w[c])`, written to the dense output chunk.
 */
export function depthwiseForwardPart(desc: usize, u0: i32, u1: i32, work: usize): void {
  forwardPlanes(desc, u0, u1, work);
  const act = field(desc, D_ACT);
  if (act === 0 || u1 <= u0) return;
  const n = field(desc, D_OUTH) * field(desc, D_OUTW);
  const y = <usize>field(desc, D_Y) + ((<usize>u0 * <usize>n) << 2);
  const count = (u1 - u0) * n;
  if (act === 1) reluF32(y, y, count);
  else {
    const lo = load<f32>(desc + ((<usize>D_ACT_LO) << 2));
    const hi = load<f32>(desc + ((<usize>D_ACT_HI) << 2));
    clampF32(y, y, count, lo, hi);
  }
}

/** The convolution of depthwiseForwardPart's planes, before the activation. */
function forwardPlanes(desc: usize, u0: i32, u1: i32, work: usize): void {
  const ch = field(desc, D_CH);
  const c0 = field(desc, D_C0);
  const inPlane = (<usize>(field(desc, D_INH) * field(desc, D_INW))) << 2;
  const kh = field(desc, D_KH);
  const kw = field(desc, D_KW);
  const sh = field(desc, D_SH);
  const sw = field(desc, D_SW);
  const dh = field(desc, D_DH);
  const dw = field(desc, D_DW);
  const outH = field(desc, D_OUTH);
  const outW = field(desc, D_OUTW);
  const wpBytes = (<usize>field(desc, D_WP)) << 2;
  const x = <usize>field(desc, D_X);
  const w = <usize>field(desc, D_W);
  const bias = <usize>field(desc, D_BIAS);
  const y = <usize>field(desc, D_Y);
  const outPlane = (<usize>(outH * outW)) << 2;
  const taps = kh * kw;
  const fast = kh === 3 && kw === 3 && sh === 1 && sw === 1 && dh === 1 && outW >= 4;
  const fast2 = kh === 3 && kw === 3 && sh === 2 && sw === 2 && dh === 1 && dw === 1 && outW >= 4;
  const inH = field(desc, D_INH);
  const inW = field(desc, D_INW);
  // 3x3 stride 2 pad 1 reads the staged plane itself (no bordered copy, no scratch but a zero row).
  const direct2 =
    kh === 3 &&
    kw === 3 &&
    sh === 2 &&
    sw === 2 &&
    dh === 1 &&
    dw === 1 &&
    field(desc, D_PADT) === 1 &&
    field(desc, D_PADL) === 1 &&
    2 * (outW - 1) + 1 <= inW;
  const rowStep = <usize>sh * wpBytes;
  const dhBytes = <usize>dh * wpBytes;
  const dwBytes = (<usize>dw) << 2;
  const outRowBytes = (<usize>outW) << 2;
  const direct1 =
    kh === 3 &&
    kw === 3 &&
    sh === 1 &&
    sw === 1 &&
    dh === 1 &&
    dw === 1 &&
    field(desc, D_PADT) === 1 &&
    field(desc, D_PADL) === 1 &&
    outW >= 5 &&
    outW <= inW &&
    outH <= inH;
  if (direct1) {
    memory.fill(work, 0, (<usize>inW + 16) << 2);
    const seven = inH === 7 && inW === 7 && outH === 7 && outW === 7;
    const square = inH === inW && outH === inH && outW === inW ? inW : 0;
    for (let u = u0; u < u1; u++) {
      const c = (u + c0) % ch;
      const b: f32 = bias !== 0 ? load<f32>(bias + ((<usize>c) << 2)) : 0;
      const wc = w + ((<usize>(c * taps)) << 2);
      if (seven) plane7x7s1p1(x + <usize>u * inPlane, wc, b, y + <usize>u * outPlane, work);
      else if (square === 14) plane14s1p1(x + <usize>u * inPlane, wc, b, y + <usize>u * outPlane, work);
      else if (square === 28) plane28s1p1(x + <usize>u * inPlane, wc, b, y + <usize>u * outPlane, work);
      else plane3x3s1p1(x + <usize>u * inPlane, inH, inW, wc, b, y + <usize>u * outPlane, outH, outW, work);
    }
    return;
  }
  if (direct2) {
    memory.fill(work, 0, (<usize>inW + 16) << 2);
    const fourteen = inH === 14 && inW === 14 && outH === 7 && outW === 7;
    const twentyEight = inH === 28 && inW === 28 && outH === 14 && outW === 14;
    for (let u = u0; u < u1; u++) {
      const c = (u + c0) % ch;
      const b: f32 = bias !== 0 ? load<f32>(bias + ((<usize>c) << 2)) : 0;
      const wc = w + ((<usize>(c * taps)) << 2);
      if (fourteen) plane14s2p1(x + <usize>u * inPlane, wc, b, y + <usize>u * outPlane, work);
      else if (twentyEight) plane28s2p1(x + <usize>u * inPlane, wc, b, y + <usize>u * outPlane, work);
      else if (outW >= 4)
        plane3x3s2p1(x + <usize>u * inPlane, inH, inW, wc, b, y + <usize>u * outPlane, outH, outW, work);
      else plane3x3s2p1Narrow(x + <usize>u * inPlane, inH, inW, wc, b, y + <usize>u * outPlane, outH, outW, work);
    }
    return;
  }
  zeroScratch(desc, work);
  for (let u = u0; u < u1; u++) {
    const c = (u + c0) % ch;
    copyInterior(desc, x + <usize>u * inPlane, work);
    const wc = w + ((<usize>(c * taps)) << 2);
    const b: f32 = bias !== 0 ? load<f32>(bias + ((<usize>c) << 2)) : 0;
    const yp = y + <usize>u * outPlane;
    if (fast) {
      plane3x3s1(work, wc, b, yp, outH, outW, wpBytes, dwBytes);
    } else if (fast2) {
      plane3x3s2(work, wc, b, yp, outH, outW, wpBytes);
    } else {
      for (let oh = 0; oh < outH; oh++) {
        rowGeneral(work + <usize>oh * rowStep, wc, b, yp + <usize>oh * outRowBytes, outW, kh, kw, sw, dhBytes, dwBytes);
      }
    }
  }
}

/** Stores the 8 floats of rows `lo` (4) then `hi` (4) at `p`, or only the first `n` when n < 8. */
function storeFirst8(p: usize, lo: v128, hi: v128, n: i32): void {
  if (n >= 8) {
    v128.store(p, lo);
    v128.store(p, hi, 16);
    return;
  }
  if (n >= 4) {
    v128.store(p, lo);
    if (n > 4) store<f32>(p, f32x4.extract_lane(hi, 0), 16);
    if (n > 5) store<f32>(p, f32x4.extract_lane(hi, 1), 20);
    if (n > 6) store<f32>(p, f32x4.extract_lane(hi, 2), 24);
    return;
  }
  store<f32>(p, f32x4.extract_lane(lo, 0));
  if (n > 1) store<f32>(p, f32x4.extract_lane(lo, 1), 4);
  if (n > 2) store<f32>(p, f32x4.extract_lane(lo, 2), 8);
}

/**
 * The input gradient of a 3x3 stride-2 pad-1 plane (MobileNet's downsampling layers, no
 * dilation; outH = ceil(inH / 2), outW = ceil(inW / 2)) by gathering instead of scattering. Each
 * input position gets one to four taps, by the parities of its row and column: with c = dy[k][j],
 * cn = dy[k][j+1], d = dy[k+1][j], dn = dy[k+1][j+1] (zero past the edges),
 *   dx[2k][2j] = w11 c,              dx[2k][2j+1] = w10 cn + w12 c,
 *   dx[2k+1][2j] = w21 c + w01 d,    dx[2k+1][2j+1] = w20 cn + w22 c + w00 dn + w02 d,
 * summed from zero in the order the scatter adds them (so the same bits), four j at a time, even
 * and odd columns interleaved by shuffles. `zero` holds outW + 8 zeros.
 */
function inputGrad3x3s2p1(
  dy: usize,
  wptr: usize,
  dx: usize,
  inH: i32,
  inW: i32,
  outH: i32,
  outW: i32,
  zero: usize,
): void {
  const w00 = v128.load32_splat(wptr);
  const w01 = v128.load32_splat(wptr, 4);
  const w02 = v128.load32_splat(wptr, 8);
  const w10 = v128.load32_splat(wptr, 12);
  const w11 = v128.load32_splat(wptr, 16);
  const w12 = v128.load32_splat(wptr, 20);
  const w20 = v128.load32_splat(wptr, 24);
  const w21 = v128.load32_splat(wptr, 28);
  const w22 = v128.load32_splat(wptr, 32);
  const z = f32x4.splat(0);
  const lanes = i32x4(0, 1, 2, 3);
  const outWv = i32x4.splat(outW);
  const outRowBytes = (<usize>outW) << 2;
  const inRowBytes = (<usize>inW) << 2;
  for (let k = 0; k < outH; k++) {
    const gk = dy + <usize>k * outRowBytes;
    const gk1 = k + 1 < outH ? gk + outRowBytes : zero;
    const r0 = dx + <usize>(2 * k) * inRowBytes;
    const odd = 2 * k + 1 < inH;
    const r1 = r0 + inRowBytes;
    for (let j = 0; j < outW; j += 4) {
      const o = (<usize>j) << 2;
      let c = v128.load(gk + o);
      let cn = v128.load(gk + o + 4);
      let d = v128.load(gk1 + o);
      let dn = v128.load(gk1 + o + 4);
      if (j + 5 > outW) {
        // Columns at or past the row's end read as zero.
        const col = i32x4.add(i32x4.splat(j), lanes);
        const m = i32x4.lt_s(col, outWv);
        const mn = i32x4.lt_s(i32x4.add(col, i32x4.splat(1)), outWv);
        c = v128.and(c, m);
        d = v128.and(d, m);
        cn = v128.and(cn, mn);
        dn = v128.and(dn, mn);
      }
      const e0 = f32x4.add(z, f32x4.mul(w11, c));
      const o0 = f32x4.add(f32x4.add(z, f32x4.mul(w10, cn)), f32x4.mul(w12, c));
      const n = inW - 2 * j;
      const at = (<usize>(2 * j)) << 2;
      storeFirst8(r0 + at, v128.shuffle<f32>(e0, o0, 0, 4, 1, 5), v128.shuffle<f32>(e0, o0, 2, 6, 3, 7), n);
      if (odd) {
        const e1 = f32x4.add(f32x4.add(z, f32x4.mul(w21, c)), f32x4.mul(w01, d));
        let o1 = f32x4.add(f32x4.add(z, f32x4.mul(w20, cn)), f32x4.mul(w22, c));
        o1 = f32x4.add(f32x4.add(o1, f32x4.mul(w00, dn)), f32x4.mul(w02, d));
        storeFirst8(r1 + at, v128.shuffle<f32>(e1, o1, 0, 4, 1, 5), v128.shuffle<f32>(e1, o1, 2, 6, 3, 7), n);
      }
    }
  }
}

/**
 * Input gradient by scattering, for any stride, planes [u0, u1): the bordered scratch starts at
 * zero, gets `w[c,a,b] * dy[oh,ow]` added at `(oh*sh + a*dh, ow*sw + b*dw)` (four columns at a
 * time when the width stride is 1), and its interior is the plane of dx. The host uses the
 * forward pass on the flipped weight instead when both strides are 1 (no read-modify-write).
 * Here D_X is dx (written) and D_Y is dy (read).
 */
export function depthwiseBackwardInputPart(desc: usize, u0: i32, u1: i32, work: usize): void {
  const ch = field(desc, D_CH);
  const c0 = field(desc, D_C0);
  const inH = field(desc, D_INH);
  const inW = field(desc, D_INW);
  const kh = field(desc, D_KH);
  const kw = field(desc, D_KW);
  const sh = field(desc, D_SH);
  const sw = field(desc, D_SW);
  const dh = field(desc, D_DH);
  const dw = field(desc, D_DW);
  const outH = field(desc, D_OUTH);
  const outW = field(desc, D_OUTW);
  const hp = field(desc, D_HP);
  const wp = field(desc, D_WP);
  const padT = field(desc, D_PADT);
  const padL = field(desc, D_PADL);
  const dx = <usize>field(desc, D_X);
  const w = <usize>field(desc, D_W);
  const dy = <usize>field(desc, D_Y);
  const wpBytes = (<usize>wp) << 2;
  const inRowBytes = (<usize>inW) << 2;
  const inPlane = <usize>inH * inRowBytes;
  const outRowBytes = (<usize>outW) << 2;
  const outPlane = <usize>outH * outRowBytes;
  const swBytes = (<usize>sw) << 2;
  const taps = kh * kw;
  const vec = sw === 1 ? outW & ~3 : 0;
  if (
    kh === 3 &&
    kw === 3 &&
    sh === 2 &&
    sw === 2 &&
    dh === 1 &&
    dw === 1 &&
    padT === 1 &&
    padL === 1 &&
    outH === (inH + 1) >> 1 &&
    outW === (inW + 1) >> 1
  ) {
    memory.fill(work, 0, (<usize>outW + 16) << 2);
    for (let u = u0; u < u1; u++) {
      const wc = w + ((<usize>(((u + c0) % ch) * taps)) << 2);
      inputGrad3x3s2p1(dy + <usize>u * outPlane, wc, dx + <usize>u * inPlane, inH, inW, outH, outW, work);
    }
    return;
  }
  for (let u = u0; u < u1; u++) {
    const c = (u + c0) % ch;
    memory.fill(work, 0, <usize>(hp * wp) * 4 + 128);
    const wc = w + ((<usize>(c * taps)) << 2);
    const dyp = dy + <usize>u * outPlane;
    for (let oh = 0; oh < outH; oh++) {
      const g = dyp + <usize>oh * outRowBytes;
      for (let a = 0; a < kh; a++) {
        const row = work + <usize>(oh * sh + a * dh) * wpBytes;
        for (let bb = 0; bb < kw; bb++) {
          const wt = load<f32>(wc + ((<usize>(a * kw + bb)) << 2));
          const base = row + ((<usize>(bb * dw)) << 2);
          const wv = f32x4.splat(wt);
          let ow = 0;
          for (; ow < vec; ow += 4) {
            const p = base + ((<usize>ow) << 2);
            v128.store(p, f32x4.add(v128.load(p), f32x4.mul(wv, v128.load(g + ((<usize>ow) << 2)))));
          }
          for (; ow < outW; ow++) {
            const p = base + <usize>ow * swBytes;
            store<f32>(p, load<f32>(p) + wt * load<f32>(g + ((<usize>ow) << 2)));
          }
        }
      }
    }
    let src = work + <usize>padT * wpBytes + ((<usize>padL) << 2);
    let dst = dx + <usize>u * inPlane;
    for (let r = 0; r < inH; r++) {
      memory.copy(dst, src, inRowBytes);
      src += wpBytes;
      dst += inRowBytes;
    }
  }
}

/** The horizontal sum of the four lanes. */
function hsum(v: v128): f32 {
  const h = f32x4.add(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(h, 0) + f32x4.extract_lane(h, 1);
}

/**
 * The 3x3 stride-1 weight gradient of one plane (no dilation): the nine taps' sums in nine
 * registers, so each row's upstream gradient is loaded once for all nine (not nine times). The
 * last partial vector of a row masks both operands, as the general loop does.
 */
function weight3x3s1(xp: usize, g: usize, pOut: usize, outH: i32, outW: i32, wpBytes: usize, mask: v128): void {
  let s0 = f32x4.splat(0);
  let s1 = s0;
  let s2 = s0;
  let s3 = s0;
  let s4 = s0;
  let s5 = s0;
  let s6 = s0;
  let s7 = s0;
  let s8 = s0;
  const full = outW & ~3;
  const outRowBytes = (<usize>outW) << 2;
  for (let oh = 0; oh < outH; oh++) {
    const r = xp + <usize>oh * wpBytes;
    const gr = g + <usize>oh * outRowBytes;
    for (let ow = 0; ow < outW; ow += 4) {
      const o = (<usize>ow) << 2;
      const tail = ow >= full;
      let gv = v128.load(gr + o);
      if (tail) gv = v128.and(gv, mask);
      let p = r + o;
      let x0 = v128.load(p);
      let x1 = v128.load(p, 4);
      let x2 = v128.load(p, 8);
      if (tail) {
        x0 = v128.and(x0, mask);
        x1 = v128.and(x1, mask);
        x2 = v128.and(x2, mask);
      }
      s0 = f32x4.add(s0, f32x4.mul(gv, x0));
      s1 = f32x4.add(s1, f32x4.mul(gv, x1));
      s2 = f32x4.add(s2, f32x4.mul(gv, x2));
      p += wpBytes;
      x0 = v128.load(p);
      x1 = v128.load(p, 4);
      x2 = v128.load(p, 8);
      if (tail) {
        x0 = v128.and(x0, mask);
        x1 = v128.and(x1, mask);
        x2 = v128.and(x2, mask);
      }
      s3 = f32x4.add(s3, f32x4.mul(gv, x0));
      s4 = f32x4.add(s4, f32x4.mul(gv, x1));
      s5 = f32x4.add(s5, f32x4.mul(gv, x2));
      p += wpBytes;
      x0 = v128.load(p);
      x1 = v128.load(p, 4);
      x2 = v128.load(p, 8);
      if (tail) {
        x0 = v128.and(x0, mask);
        x1 = v128.and(x1, mask);
        x2 = v128.and(x2, mask);
      }
      s6 = f32x4.add(s6, f32x4.mul(gv, x0));
      s7 = f32x4.add(s7, f32x4.mul(gv, x1));
      s8 = f32x4.add(s8, f32x4.mul(gv, x2));
    }
  }
  store<f32>(pOut, hsum(s0));
  store<f32>(pOut, hsum(s1), 4);
  store<f32>(pOut, hsum(s2), 8);
  store<f32>(pOut, hsum(s3), 12);
  store<f32>(pOut, hsum(s4), 16);
  store<f32>(pOut, hsum(s5), 20);
  store<f32>(pOut, hsum(s6), 24);
  store<f32>(pOut, hsum(s7), 28);
  store<f32>(pOut, hsum(s8), 32);
}

/**
 * Weight-gradient partial sums for planes [u0, u1): `partial[u, a*kw + b] = sum_{oh,ow}
 * dy[u][oh,ow] * xp[u][oh*sh + a*dh, ow*sw + b*dw]`, four output columns per lane group and a
 * horizontal sum per tap; a row's last partial vector masks both operands (lanes past the row
 * read real inputs, which may be infinite). The host adds the partials over images in order.
 */
export function depthwiseBackwardWeightPart(desc: usize, u0: i32, u1: i32, work: usize): void {
  const inPlane = (<usize>(field(desc, D_INH) * field(desc, D_INW))) << 2;
  const kh = field(desc, D_KH);
  const kw = field(desc, D_KW);
  const sh = field(desc, D_SH);
  const sw = field(desc, D_SW);
  const dh = field(desc, D_DH);
  const dw = field(desc, D_DW);
  const outH = field(desc, D_OUTH);
  const outW = field(desc, D_OUTW);
  const wpBytes = (<usize>field(desc, D_WP)) << 2;
  const x = <usize>field(desc, D_X);
  const dy = <usize>field(desc, D_Y);
  const partial = <usize>field(desc, D_PARTIAL);
  const outRowBytes = (<usize>outW) << 2;
  const outPlane = <usize>outH * outRowBytes;
  const swBytes = (<usize>sw) << 2;
  const taps = kh * kw;
  const full = outW & ~3;
  const rest = outW - full;
  // Lanes [0, rest) set.
  let mask = i32x4.splat(0);
  if (rest > 0) mask = i32x4.replace_lane(mask, 0, -1);
  if (rest > 1) mask = i32x4.replace_lane(mask, 1, -1);
  if (rest > 2) mask = i32x4.replace_lane(mask, 2, -1);
  const fast = kh === 3 && kw === 3 && sh === 1 && sw === 1 && dh === 1 && dw === 1;
  zeroScratch(desc, work);
  for (let u = u0; u < u1; u++) {
    copyInterior(desc, x + <usize>u * inPlane, work);
    const g = dy + <usize>u * outPlane;
    const pOut = partial + ((<usize>(u * taps)) << 2);
    if (fast) {
      weight3x3s1(work, g, pOut, outH, outW, wpBytes, mask);
      continue;
    }
    for (let a = 0; a < kh; a++) {
      for (let bb = 0; bb < kw; bb++) {
        let acc0 = f32x4.splat(0);
        let acc1 = f32x4.splat(0);
        const tapOff = <usize>(a * dh) * wpBytes + ((<usize>(bb * dw)) << 2);
        for (let oh = 0; oh < outH; oh++) {
          const row = work + <usize>oh * sh * wpBytes + tapOff;
          const gr = g + <usize>oh * outRowBytes;
          let ow = 0;
          for (; ow + 8 <= full; ow += 8) {
            const gp = gr + ((<usize>ow) << 2);
            const p = row + <usize>ow * swBytes;
            acc0 = f32x4.add(acc0, f32x4.mul(v128.load(gp), loadCols(p, sw)));
            acc1 = f32x4.add(acc1, f32x4.mul(v128.load(gp, 16), loadCols(p + (swBytes << 2), sw)));
          }
          for (; ow < full; ow += 4) {
            acc0 = f32x4.add(
              acc0,
              f32x4.mul(v128.load(gr + ((<usize>ow) << 2)), loadCols(row + <usize>ow * swBytes, sw)),
            );
          }
          if (rest > 0) {
            const gv = v128.and(v128.load(gr + ((<usize>ow) << 2)), mask);
            const xv = v128.and(loadCols(row + <usize>ow * swBytes, sw), mask);
            acc1 = f32x4.add(acc1, f32x4.mul(gv, xv));
          }
        }
        const s = f32x4.add(acc0, acc1);
        const h = f32x4.add(s, v128.shuffle<f32>(s, s, 2, 3, 0, 1));
        store<f32>(pOut + ((<usize>(a * kw + bb)) << 2), f32x4.extract_lane(h, 0) + f32x4.extract_lane(h, 1));
      }
    }
  }
}
