// Float32 conv2d forward for WebAssembly 128-bit SIMD: an implicit im2col feeding the GEMM
// micro-kernel of gemm.ts, with every operand resident in linear memory.
//
//   out[n, g*M + oc, j] = bias[g*M + oc] + sum_t W[g*M + oc, t] * cols_n,g[t, j]
//   (M = Cout/groups, K = Cin/groups*kh*kw taps t, L = Hout*Wout output positions j)
//
// The host copies the input in once and the output out once, a chunk of images at a time;
// nothing else crosses the boundary. `cols` is never built: each image is staged at the start of
// its slot of a zero-bordered buffer and padded there in place (no padding tests later), then for each 8-column sliver of the output the kc x 8 panel the micro-kernel
// reads is gathered straight from that buffer, as `xpad[colBase[j] + tapOff[t]]`, right before
// it is used (so it is hot in L1), and multiplied by the pre-packed weights of every output
// channel. Two v128 loads per tap when the sliver's 8 (or twice 4) positions are adjacent in the
// input (stride 1 and an output row long enough), scalar gathers otherwise. C is written in
// place, in the NCHW output layout, so no scatter pass follows. The batch and the sliver range
// are cut into units (image x column chunk) that threads claim one at a time (see threads.ts).
//
// The descriptor is an i32 array in linear memory laid out by src/conv.ts (field indices below).

import { packA, tile } from './gemm';

// Field 0 holds the batch size (used by the host to cut the work into units).
const D_CIN = 1;
const D_INH = 2;
const D_INW = 3;
const D_COUT = 4;
const D_KH = 5;
const D_KW = 6;
const D_GROUPS = 7;
const D_SH = 8;
const D_SW = 9;
const D_PADT = 10;
const D_PADL = 11;
const D_DH = 12;
const D_DW = 13;
const D_OUTH = 14;
const D_OUTW = 15;
const D_HP = 16;
const D_WP = 17;
// Field 18 is unused (the input is staged in the zero-bordered buffer itself).
const D_XPAD = 19;
const D_WRAW = 20;
const D_WPACK = 21;
const D_BIAS = 22;
const D_OUT = 23;
const D_TAPOFF = 24;
const D_COLBASE = 25;
const D_MODE = 26;
const D_KC = 27;
const D_CHUNKS = 28;
const D_PERCHUNK = 29;
const D_PAD_IN_UNIT = 30;
/** Non-zero: the packed weights at D_WPACK are already in place (cached), so conv2dPrepare skips packing. */
const D_PACKED = 31;
/** The epilogue applied to each finished output sliver: ACT_NONE, ACT_RELU, or 2 for a clamp (bounds as f32 bits). */
const D_ACT = 32;
const D_ACT_LO = 33;
const D_ACT_HI = 34;
/**
 * Non-zero: walk the k blocks outside the slivers (each block of packed weights is read from cache
 * once per unit, not once per sliver): for weight-bound layers, whose packed weights do not fit in
 * L2 and whose units have few slivers (ResNet's 512x512 3x3 at 7x7: 9.4 MB of weights, 7 slivers).
 */
const D_BLOCKS_OUTER = 35;

const ACT_NONE: i32 = 0;
const ACT_RELU: i32 = 1;

function field(desc: usize, i: i32): i32 {
  return load<i32>(desc + ((<usize>i) << 2));
}

/** Sliver gather modes (see conv2dPrepare). */
const MODE_CONTIGUOUS: i32 = 0;
const MODE_TWO_HALVES: i32 = 1;
const MODE_GATHER: i32 = 2;
/** Stride 2 along the row: the 8 (or twice 4) positions are every other float, kept by shuffles. */
const MODE_STRIDE2: i32 = 3;
const MODE_TWO_HALVES_STRIDE2: i32 = 4;

/**
 * Packs the weights of every group into MR-row slivers, block by block of kc taps (the blocks the
 * forward pass walks), unless the descriptor says they are packed already (the host's weight
 * cache), and fills the tap-offset, column-offset and sliver-mode tables.
 * Runs once per call, on the calling thread.
 */
export function conv2dPrepare(desc: usize): void {
  const cin = field(desc, D_CIN);
  const cout = field(desc, D_COUT);
  const kh = field(desc, D_KH);
  const kw = field(desc, D_KW);
  const groups = field(desc, D_GROUPS);
  const hp = field(desc, D_HP);
  const wp = field(desc, D_WP);
  const outH = field(desc, D_OUTH);
  const outW = field(desc, D_OUTW);
  const kcMax = field(desc, D_KC);
  const cinG = cin / groups;
  const m = cout / groups;
  const mp = (m + 3) & ~3;
  const k = cinG * kh * kw;
  const wraw = <usize>field(desc, D_WRAW);
  const wpack = <usize>field(desc, D_WPACK);
  const packed = field(desc, D_PACKED) !== 0;
  for (let g = 0; g < groups && !packed; g++) {
    const src = wraw + ((<usize>(g * m * k)) << 2);
    const dst = wpack + ((<usize>(g * mp * k)) << 2);
    for (let pc = 0; pc < k; pc += kcMax) {
      const kc = min(kcMax, k - pc);
      packA(false, 1, src, k, 0, m, pc, kc, dst + ((<usize>(pc * mp)) << 2));
    }
  }
  const tap = <usize>field(desc, D_TAPOFF);
  const dh = field(desc, D_DH);
  const dw = field(desc, D_DW);
  const plane = hp * wp;
  let t: usize = tap;
  for (let c = 0; c < cinG; c++) {
    for (let ki = 0; ki < kh; ki++) {
      for (let kj = 0; kj < kw; kj++) {
        store<i32>(t, c * plane + ki * dh * wp + kj * dw);
        t += 4;
      }
    }
  }
  const col = <usize>field(desc, D_COLBASE);
  const sh = field(desc, D_SH);
  const sw = field(desc, D_SW);
  let q: usize = col;
  for (let oh = 0; oh < outH; oh++) {
    for (let ow = 0; ow < outW; ow++) {
      store<i32>(q, oh * sh * wp + ow * sw);
      q += 4;
    }
  }
  const l = outH * outW;
  const mode = <usize>field(desc, D_MODE);
  for (let s = 0; s < (l + 7) >> 3; s++) {
    const j0 = s << 3;
    const cb = col + ((<usize>j0) << 2);
    let md = MODE_GATHER;
    if (l - j0 >= 8) {
      const b0 = load<i32>(cb);
      const b4 = load<i32>(cb, 16);
      if (load<i32>(cb, 28) - b0 === 7) md = MODE_CONTIGUOUS;
      else if (load<i32>(cb, 12) - b0 === 3 && load<i32>(cb, 28) - b4 === 3) md = MODE_TWO_HALVES;
      else if (sw === 2 && load<i32>(cb, 28) - b0 === 14) md = MODE_STRIDE2;
      else if (sw === 2 && load<i32>(cb, 12) - b0 === 6 && load<i32>(cb, 28) - b4 === 6) md = MODE_TWO_HALVES_STRIDE2;
    }
    store<i32>(mode + ((<usize>s) << 2), md);
  }
}

/**
 * Pads images [n0, n1) in place: image n arrives dense ([Cin, inH, inW]) at the start of its slot
 * of the zero-bordered buffer ([N, Cin, Hp, Wp], slot n at n * Cin*Hp*Wp) and leaves zero-bordered
 * (image at top-left + padding). Planes and rows are moved last to first, each row before its
 * borders are zeroed: a row's destination never starts below its source (Hp >= inH, Wp >= inW),
 * so nothing is overwritten before it is read. Images only touch their own slot, so threads may
 * pad different images at once.
 */
export function conv2dPadPart(desc: usize, n0: i32, n1: i32): void {
  const cin = field(desc, D_CIN);
  const inH = field(desc, D_INH);
  const inW = field(desc, D_INW);
  const hp = field(desc, D_HP);
  const wp = field(desc, D_WP);
  const padT = field(desc, D_PADT);
  const padL = field(desc, D_PADL);
  const xpad = <usize>field(desc, D_XPAD);
  const rowBytes = (<usize>inW) << 2;
  const wpBytes = (<usize>wp) << 2;
  const leftBytes = (<usize>padL) << 2;
  const rightBytes = (<usize>(wp - padL - inW)) << 2;
  const bottomRows = hp - padT - inH;
  const planeBytes = (<usize>(hp * wp)) << 2;
  const rawPlaneBytes = (<usize>(inH * inW)) << 2;
  for (let n = n0; n < n1; n++) {
    const slot = xpad + <usize>(n * cin) * planeBytes;
    for (let c = cin - 1; c >= 0; c--) {
      const dstPlane = slot + <usize>c * planeBytes;
      if (bottomRows > 0) memory.fill(dstPlane + <usize>(padT + inH) * wpBytes, 0, <usize>bottomRows * wpBytes);
      let src = slot + <usize>c * rawPlaneBytes + <usize>inH * rowBytes;
      let dst = dstPlane + <usize>(padT + inH) * wpBytes;
      for (let r = inH - 1; r >= 0; r--) {
        src -= rowBytes;
        dst -= wpBytes;
        memory.copy(dst + leftBytes, src, rowBytes);
        if (leftBytes > 0) memory.fill(dst, 0, leftBytes);
        if (rightBytes > 0) memory.fill(dst + leftBytes + rowBytes, 0, rightBytes);
      }
      if (padT > 0) memory.fill(dstPlane, 0, <usize>padT * wpBytes);
    }
  }
}

/** Bytes of per-thread scratch conv2dForwardPart needs at its `work` pointer. */
export function conv2dWorkBytes(desc: usize): i32 {
  return field(desc, D_KC) * 32 + 128;
}

/**
 * Gathers the kc x 8 panel of the implicit im2col matrix for one sliver (columns j0..j0+nr of one
 * image and group, taps from `tap`) into `dst` in the micro-kernel's layout ([p][8], zero past nr).
 */
function packSliver(md: i32, xb: usize, cb: usize, nr: i32, tap: usize, kc: i32, dst: usize): void {
  if (md === MODE_CONTIGUOUS) {
    const base = xb + ((<usize>load<i32>(cb)) << 2);
    for (let p = 0; p < kc; p++) {
      const o = base + ((<usize>load<i32>(tap + ((<usize>p) << 2))) << 2);
      v128.store(dst, v128.load(o));
      v128.store(dst, v128.load(o, 16), 16);
      dst += 32;
    }
  } else if (md === MODE_TWO_HALVES) {
    const base0 = xb + ((<usize>load<i32>(cb)) << 2);
    const base1 = xb + ((<usize>load<i32>(cb, 16)) << 2);
    for (let p = 0; p < kc; p++) {
      const t = (<usize>load<i32>(tap + ((<usize>p) << 2))) << 2;
      v128.store(dst, v128.load(base0 + t));
      v128.store(dst, v128.load(base1 + t), 16);
      dst += 32;
    }
  } else if (md === MODE_STRIDE2) {
    // Reads 16 floats from the first position: one past the last one used, inside the buffer
    // (the output region follows the zero-bordered input).
    const base = xb + ((<usize>load<i32>(cb)) << 2);
    for (let p = 0; p < kc; p++) {
      const o = base + ((<usize>load<i32>(tap + ((<usize>p) << 2))) << 2);
      v128.store(dst, v128.shuffle<f32>(v128.load(o), v128.load(o, 16), 0, 2, 4, 6));
      v128.store(dst, v128.shuffle<f32>(v128.load(o, 32), v128.load(o, 48), 0, 2, 4, 6), 16);
      dst += 32;
    }
  } else if (md === MODE_TWO_HALVES_STRIDE2) {
    const base0 = xb + ((<usize>load<i32>(cb)) << 2);
    const base1 = xb + ((<usize>load<i32>(cb, 16)) << 2);
    for (let p = 0; p < kc; p++) {
      const t = (<usize>load<i32>(tap + ((<usize>p) << 2))) << 2;
      const o0 = base0 + t;
      const o1 = base1 + t;
      v128.store(dst, v128.shuffle<f32>(v128.load(o0), v128.load(o0, 16), 0, 2, 4, 6));
      v128.store(dst, v128.shuffle<f32>(v128.load(o1), v128.load(o1, 16), 0, 2, 4, 6), 16);
      dst += 32;
    }
  } else {
    for (let p = 0; p < kc; p++) {
      const t = xb + ((<usize>load<i32>(tap + ((<usize>p) << 2))) << 2);
      let r = 0;
      for (; r < nr; r++)
        store<f32>(dst + ((<usize>r) << 2), load<f32>(t + ((<usize>load<i32>(cb + ((<usize>r) << 2))) << 2)));
      for (; r < 8; r++) store<f32>(dst + ((<usize>r) << 2), 0);
      dst += 32;
    }
  }
}

/**
 * The 2 x 8 micro-kernel for the last two rows when the output channels per group are 2 mod 4
 * (LeNet's 6): `out[0..1][0..7] += Ap rows 0-1 @ Bp`, reading the first two values of each
 * 4-row A column and writing C directly, where `tile` would compute 4 rows into its buffer.
 */
function microKernel2x8(kc: i32, pa: usize, pb: usize, out: usize, ldOut: usize): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    pa += 16;
    pb += 32;
  }
  v128.store(out, f32x4.add(v128.load(out), c00));
  v128.store(out, f32x4.add(v128.load(out, 16), c01), 16);
  const o = out + ldOut;
  v128.store(o, f32x4.add(v128.load(o), c10));
  v128.store(o, f32x4.add(v128.load(o, 16), c11), 16);
}

/**
 * The fused activation on the m x nr block of one finished sliver (rows `lBytes` apart), with the
 * rules of the separate kernels (elementwise.ts): ReLU is `x <= 0 ? 0 : x` (NaN stays), clamp is
 * `min(max(x, lo), hi)` (WebAssembly's f32 min/max: NaN stays).
 */
function activateSliver(act: i32, lo: f32, hi: f32, cj: usize, m: i32, nr: i32, lBytes: usize): void {
  const vlo = f32x4.splat(lo);
  const vhi = f32x4.splat(hi);
  const zero = f32x4.splat(0);
  for (let oc = 0; oc < m; oc++) {
    const row = cj + <usize>oc * lBytes;
    if (nr === 8) {
      const x0 = v128.load(row);
      const x1 = v128.load(row, 16);
      if (act === ACT_RELU) {
        v128.store(row, v128.andnot(x0, f32x4.le(x0, zero)));
        v128.store(row, v128.andnot(x1, f32x4.le(x1, zero)), 16);
      } else {
        v128.store(row, f32x4.min(f32x4.max(x0, vlo), vhi));
        v128.store(row, f32x4.min(f32x4.max(x1, vlo), vhi), 16);
      }
    } else {
      for (let r = 0; r < nr; r++) {
        const p = row + ((<usize>r) << 2);
        const v = load<f32>(p);
        store<f32>(p, act === ACT_RELU ? (v <= 0 ? <f32>0 : v) : min<f32>(max<f32>(v, lo), hi));
      }
    }
  }
}

/** Starts the m x nr output block of one sliver (rows `lBytes` apart) at its bias (or zero). */
function initSliver(bias: usize, oc0: i32, m: i32, cj: usize, nr: i32, lBytes: usize): void {
  for (let oc = 0; oc < m; oc++) {
    const v: f32 = bias !== 0 ? load<f32>(bias + ((<usize>(oc0 + oc)) << 2)) : 0;
    const row = cj + <usize>oc * lBytes;
    if (nr === 8) {
      const vv = f32x4.splat(v);
      v128.store(row, vv);
      v128.store(row, vv, 16);
    } else {
      for (let r = 0; r < nr; r++) store<f32>(row + ((<usize>r) << 2), v);
    }
  }
}

/** `row[0] += lane i of acc` for the first `rows` lanes (i < rows <= 4), rows `ld` bytes apart. */
function addColumn(out: usize, ld: usize, acc: v128, rows: i32): void {
  store<f32>(out, load<f32>(out) + f32x4.extract_lane(acc, 0));
  if (rows > 1) store<f32>(out + ld, load<f32>(out + ld) + f32x4.extract_lane(acc, 1));
  if (rows > 2) store<f32>(out + 2 * ld, load<f32>(out + 2 * ld) + f32x4.extract_lane(acc, 2));
  if (rows > 3) store<f32>(out + 3 * ld, load<f32>(out + 3 * ld) + f32x4.extract_lane(acc, 3));
}

/**
 * The micro-kernel of a one-column sliver (the last output position when l = 8q + 1: 7x7 = 49,
 * 13x13, 27x27): 16 rows, four 4-row weight slivers `aStep` bytes apart, times column 0 of the
 * panel (`pb`, [p][8]), `out[r][0] += sum_p a[r][p] * b[p]` for the first `mr` rows. A 4 x 8 tile
 * would compute 7 columns of zeros: this does 1/8 of its multiply-adds. Missing weight slivers
 * (mr <= 12) alias the last one (recomputed, not stored), so nothing past the weights is read.
 * Each sum adds the same products in the same order as the 4 x 8 tile (the same bits).
 */
function microKernel16x1(kc: i32, pa: usize, aStep: usize, pb: usize, out: usize, ldOut: usize, mr: i32): void {
  const pa1 = mr > 4 ? pa + aStep : pa;
  const pa2 = mr > 8 ? pa + 2 * aStep : pa1;
  const pa3 = mr > 12 ? pa + 3 * aStep : pa2;
  let c0 = f32x4.splat(0);
  let c1 = f32x4.splat(0);
  let c2 = f32x4.splat(0);
  let c3 = f32x4.splat(0);
  for (let o: usize = 0, end = (<usize>kc) << 4; o < end; o += 16) {
    const b = v128.load32_splat(pb);
    c0 = f32x4.add(c0, f32x4.mul(v128.load(pa + o), b));
    c1 = f32x4.add(c1, f32x4.mul(v128.load(pa1 + o), b));
    c2 = f32x4.add(c2, f32x4.mul(v128.load(pa2 + o), b));
    c3 = f32x4.add(c3, f32x4.mul(v128.load(pa3 + o), b));
    pb += 32;
  }
  const ld4 = ldOut << 2;
  addColumn(out, ldOut, c0, min(4, mr));
  if (mr > 4) addColumn(out + ld4, ldOut, c1, min(4, mr - 4));
  if (mr > 8) addColumn(out + 2 * ld4, ldOut, c2, min(4, mr - 8));
  if (mr > 12) addColumn(out + 3 * ld4, ldOut, c3, mr - 12);
}

/**
 * The micro-kernel of a sliver of 2 to 4 columns (14x14 = 196 = 8 * 24 + 4): 8 rows (two 4-row
 * weight slivers, `aStep` bytes apart) times columns 0-3 of the panel, the weights as vectors and
 * the panel's values splatted; `out[r][j] += acc` for rows r < mr and columns j < nr. Half the
 * multiply-adds of a 4 x 8 tile pair; the same products in the same order (the same bits).
 */
function microKernel8x4(kc: i32, pa: usize, aStep: usize, pb: usize, out: usize, ldOut: usize, mr: i32, nr: i32): void {
  const pa1 = mr > 4 ? pa + aStep : pa;
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c02 = f32x4.splat(0);
  let c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c12 = f32x4.splat(0);
  let c13 = f32x4.splat(0);
  for (let o: usize = 0, end = (<usize>kc) << 4; o < end; o += 16) {
    const a0 = v128.load(pa + o);
    const a1 = v128.load(pa1 + o);
    let b = v128.load32_splat(pb);
    c00 = f32x4.add(c00, f32x4.mul(a0, b));
    c10 = f32x4.add(c10, f32x4.mul(a1, b));
    b = v128.load32_splat(pb, 4);
    c01 = f32x4.add(c01, f32x4.mul(a0, b));
    c11 = f32x4.add(c11, f32x4.mul(a1, b));
    b = v128.load32_splat(pb, 8);
    c02 = f32x4.add(c02, f32x4.mul(a0, b));
    c12 = f32x4.add(c12, f32x4.mul(a1, b));
    b = v128.load32_splat(pb, 12);
    c03 = f32x4.add(c03, f32x4.mul(a0, b));
    c13 = f32x4.add(c13, f32x4.mul(a1, b));
    pb += 32;
  }
  const r0 = min(4, mr);
  addColumn(out, ldOut, c00, r0);
  addColumn(out + 4, ldOut, c01, r0);
  if (nr > 2) addColumn(out + 8, ldOut, c02, r0);
  if (nr > 3) addColumn(out + 12, ldOut, c03, r0);
  if (mr > 4) {
    const o1 = out + (ldOut << 2);
    const r1 = mr - 4;
    addColumn(o1, ldOut, c10, r1);
    addColumn(o1 + 4, ldOut, c11, r1);
    if (nr > 2) addColumn(o1 + 8, ldOut, c12, r1);
    if (nr > 3) addColumn(o1 + 12, ldOut, c13, r1);
  }
}

/** Keeps the touch loads alive (a global store is a side effect). */
let _touchSink: i32 = 0;

/** Loads one i32 from every 64-byte line of [p, p + bytes): brings the next weight block toward the cache while this one computes. */
function touchLines(p: usize, bytes: usize): void {
  let acc: i32 = 0;
  for (let o: usize = 0; o < bytes; o += 64) acc ^= load<i32>(p + o);
  _touchSink ^= acc;
}

/** Adds the product of one k block of packed weights (`ab`, m rows) and a packed sliver panel to the sliver's outputs. */
function multiplySliver(
  kc: i32,
  ab: usize,
  bsl: usize,
  cj: usize,
  m: i32,
  nr: i32,
  l: i32,
  lBytes: usize,
  tileBuf: usize,
  pf: usize,
  pfBytes: usize,
): void {
  // Slivers of 1 or 2-4 columns (the last one of a row of outputs) get kernels sized to them.
  const rows = nr === 1 ? 16 : nr <= 4 ? 8 : 4;
  // Spread the touches of the next weight block (pf, pfBytes) over this sliver's row blocks, so
  // the memory reads overlap the arithmetic instead of stalling the next block's first sliver.
  const pfStep = (pfBytes / <usize>((m + rows - 1) / rows) + 63) & ~(<usize>63);
  const aStep = (<usize>kc) << 4;
  for (let ir = 0, b = 0; ir < m; ir += rows, b++) {
    if (pfBytes !== 0) {
      const o = <usize>b * pfStep;
      if (o < pfBytes) touchLines(pf + o, min(pfStep, pfBytes - o));
    }
    const pa = ab + <usize>ir * ((<usize>kc) << 2);
    const ci = cj + <usize>ir * lBytes;
    const mr = min(rows, m - ir);
    if (nr === 1) microKernel16x1(kc, pa, aStep, bsl, ci, lBytes, mr);
    else if (nr <= 4) microKernel8x4(kc, pa, aStep, bsl, ci, lBytes, mr, nr);
    else if (mr === 2 && nr === 8) microKernel2x8(kc, pa, bsl, ci, lBytes);
    else tile(kc, pa, bsl, ci, l, mr, nr, tileBuf);
  }
}

/**
 * Computes units [u0, u1) of the forward pass, unit u = image u / chunks, slivers
 * [(u % chunks) * perChunk, +perChunk) of its output positions, for every group. Each unit writes
 * only its own columns of the output; `work` is this thread's conv2dWorkBytes of scratch. When the
 * descriptor says so (units are whole images), a unit first pads its image (conv2dPadPart).
 */
export function conv2dForwardPart(desc: usize, u0: i32, u1: i32, work: usize): void {
  const cin = field(desc, D_CIN);
  const cout = field(desc, D_COUT);
  const kh = field(desc, D_KH);
  const kw = field(desc, D_KW);
  const groups = field(desc, D_GROUPS);
  const hp = field(desc, D_HP);
  const wp = field(desc, D_WP);
  const l = field(desc, D_OUTH) * field(desc, D_OUTW);
  const kcMax = field(desc, D_KC);
  const chunks = field(desc, D_CHUNKS);
  const perChunk = field(desc, D_PERCHUNK);
  const xpad = <usize>field(desc, D_XPAD);
  const wpack = <usize>field(desc, D_WPACK);
  const bias = <usize>field(desc, D_BIAS);
  const out = <usize>field(desc, D_OUT);
  const tap = <usize>field(desc, D_TAPOFF);
  const col = <usize>field(desc, D_COLBASE);
  const mode = <usize>field(desc, D_MODE);
  const cinG = cin / groups;
  const m = cout / groups;
  const mp = (m + 3) & ~3;
  const k = cinG * kh * kw;
  const nSl = (l + 7) >> 3;
  const lBytes = (<usize>l) << 2;
  const bsl = work;
  const tileBuf = work + ((<usize>kcMax) << 5);
  const padInUnit = field(desc, D_PAD_IN_UNIT) !== 0;
  const act = field(desc, D_ACT);
  const actLo = reinterpret<f32>(field(desc, D_ACT_LO));
  const actHi = reinterpret<f32>(field(desc, D_ACT_HI));
  const blocksOuter = field(desc, D_BLOCKS_OUTER) !== 0;
  for (let u = u0; u < u1; u++) {
    const n = u / chunks;
    const s0 = (u % chunks) * perChunk;
    const s1 = min(nSl, s0 + perChunk);
    // Whole-image units pad their own image first (one pass over memory, no separate phase).
    if (padInUnit) conv2dPadPart(desc, n, n + 1);
    for (let g = 0; g < groups; g++) {
      const xb = xpad + ((<usize>((n * cin + g * cinG) * hp * wp)) << 2);
      const cg = out + ((<usize>((n * cout + g * m) * l)) << 2);
      const wb = wpack + ((<usize>(g * mp * k)) << 2);
      if (blocksOuter) {
        // k blocks outside: each block of weights stays in L2 while every sliver of the unit uses it.
        for (let s = s0; s < s1; s++) {
          const j0 = s << 3;
          initSliver(bias, g * m, m, cg + ((<usize>j0) << 2), min(8, l - j0), lBytes);
        }
        for (let pc = 0; pc < k; pc += kcMax) {
          const kc = min(kcMax, k - pc);
          const ab = wb + ((<usize>(pc * mp)) << 2);
          const next = ab + ((<usize>(kc * mp)) << 2);
          // The next k block of this group's weights, touched while this one is multiplied: the first
          // sliver to use it then finds it in cache instead of waiting on memory (ResNet-18's 512x512
          // at 7x7: 9.4 MB of weights per image; 8.2 against 9.9 ms).
          const nextBytes: usize = pc + kc < k ? (<usize>(min(kcMax, k - pc - kc) * mp)) << 2 : 0;
          const pfChunk = nextBytes / <usize>(s1 - s0);
          for (let s = s0; s < s1; s++) {
            const j0 = s << 3;
            const nr = min(8, l - j0);
            const cj = cg + ((<usize>j0) << 2);
            packSliver(
              load<i32>(mode + ((<usize>s) << 2)),
              xb,
              col + ((<usize>j0) << 2),
              nr,
              tap + ((<usize>pc) << 2),
              kc,
              bsl,
            );
            // Each sliver touches its share of the next block (the last one the rest).
            const pfAt = <usize>(s - s0) * pfChunk;
            const pfBytes = s === s1 - 1 ? nextBytes - pfAt : pfChunk;
            multiplySliver(kc, ab, bsl, cj, m, nr, l, lBytes, tileBuf, next + pfAt, pfBytes);
          }
        }
        if (act !== ACT_NONE) {
          for (let s = s0; s < s1; s++) {
            const j0 = s << 3;
            activateSliver(act, actLo, actHi, cg + ((<usize>j0) << 2), m, min(8, l - j0), lBytes);
          }
        }
        continue;
      }
      for (let s = s0; s < s1; s++) {
        const j0 = s << 3;
        const nr = min(8, l - j0);
        const cj = cg + ((<usize>j0) << 2);
        // Start every output row of the sliver at its bias; the micro-kernel accumulates into it.
        initSliver(bias, g * m, m, cj, nr, lBytes);
        const md = load<i32>(mode + ((<usize>s) << 2));
        const cb = col + ((<usize>j0) << 2);
        for (let pc = 0; pc < k; pc += kcMax) {
          const kc = min(kcMax, k - pc);
          packSliver(md, xb, cb, nr, tap + ((<usize>pc) << 2), kc, bsl);
          multiplySliver(kc, wb + ((<usize>(pc * mp)) << 2), bsl, cj, m, nr, l, lBytes, tileBuf, 0, 0);
        }
        // The sliver's m x nr outputs are final and still in cache: activate them here, not in another pass.
        if (act !== ACT_NONE) activateSliver(act, actLo, actHi, cj, m, nr, lBytes);
      }
    }
  }
}
