// Float32 pointwise (1x1, groups 1, no padding) conv2d forward for WebAssembly 128-bit SIMD.
//
//   out[n, oc, j] = act(bias[oc] + sum_c W[oc, c] * x[n, c, j])      (j over the Hout*Wout positions)
//
// Per image this is a plain GEMM on the NCHW layout, out[n] (Cout x L) = W (Cout x Cin) @ x[n]
// (Cin x L), whose B operand needs no unfold: row c of x[n] is the input plane c itself. So the
// 4 x 8 micro-kernel reads its two B vectors per step straight from the staged planes (row
// stride L), with no per-sliver gather or packing, and broadcasts the weights, packed once per
// call (or cached) into 4-row slivers over the whole of Cin. Its eight accumulators start at the
// bias, take every term of the sum in registers, go through the activation and are stored once:
// no initial bias pass, no read-modify-write of the output, no activation pass.
//
// Blocking: the weights are small next to the activations (MobileNetV2's largest 1x1 is 320 x
// 1280, 1.6 MB; most are under 150 KB), and a 4-row sliver of them (4 x Cin x 4 bytes, at most
// 20 KB) stays in L1 while it runs along a block of columns. The columns are cut into blocks of
// `nb` slivers whose Cin x 8*nb block of x (about 32 KB) stays in L1/L2 while every weight
// sliver passes over it. Stride > 1 is first subsampled (pointwiseSubsamplePart) into a dense
// Cin x L block, after which it is the stride-1 problem. A large image (MobileNetV2's 56x56
// projection reads 1.8 MB) is staged and summed in slices of its input planes (D_K0, D_K1): the
// tiles of a later slice start from the partial sums the previous one stored, in the same order
// of terms, so slicing does not change a bit.
//
// The descriptor is an i32 array in linear memory laid out by src/pointwise.ts (fields below).

import { packA } from './gemm';

// Field 0 holds the images per chunk (the host's).
const D_CIN = 1;
const D_COUT = 2;
const D_L = 3;
/** Dense input of the chunk: [per, Cin, L] (for stride > 1, written by pointwiseSubsamplePart). */
const D_X = 4;
const D_WRAW = 5;
const D_WPACK = 6;
const D_BIAS = 7;
const D_OUT = 8;
/** Non-zero: the packed weights at D_WPACK are in place already (the host's weight cache). */
const D_PACKED = 9;
const D_ACT = 10;
const D_ACT_LO = 11;
const D_ACT_HI = 12;
/** Column chunks per image (units are image x chunk) and slivers per chunk. */
const D_CHUNKS = 13;
const D_PERCHUNK = 14;
/** Slivers per column block. */
const D_NB = 15;
// Strided problems: the staged raw input and its geometry.
const D_XRAW = 16;
const D_INH = 17;
const D_INW = 18;
const D_SH = 19;
const D_SW = 20;
const D_OUTH = 21;
const D_OUTW = 22;
/**
 * The band of output channels [oc0, oc1) this pass computes, and the rows per image of the output
 * region (oc1 - oc0 when the host copies the output out band by band, Cout otherwise): output
 * channel oc of image n is row n * outRows + oc - oc0 of the region.
 */
const D_OC0 = 23;
const D_OC1 = 24;
const D_OUT_ROWS = 25;
/**
 * A slice of the input channels [k0, k1) (k1 = 0: all of them). The staged input then holds only
 * those planes of the image (one image per chunk), the tiles start from the partial sums already
 * in the output region unless k0 = 0, and the activation waits for the slice that ends at Cin.
 */
const D_K0 = 26;
const D_K1 = 27;

const ACT_NONE: i32 = 0;
const ACT_RELU: i32 = 1;

function field(desc: usize, i: i32): i32 {
  return load<i32>(desc + ((<usize>i) << 2));
}

/** Bytes of per-thread scratch pointwiseForwardPart needs at its `work` pointer (one 4 x 8 edge tile). */
export function pointwiseWorkBytes(): i32 {
  return 128;
}

/** Packs W (Cout x Cin, row-major) into 4-row slivers over all of Cin, unless the descriptor says it is packed. */
export function pointwisePrepare(desc: usize): void {
  if (field(desc, D_PACKED) !== 0) return;
  const k = field(desc, D_CIN);
  packA(false, 1, <usize>field(desc, D_WRAW), k, 0, field(desc, D_COUT), 0, k, <usize>field(desc, D_WPACK));
}

/**
 * Subsamples images [n0, n1) of the staged raw input ([per, Cin, inH, inW] at D_XRAW) into the
 * dense [per, Cin, outH*outW] block at D_X: x[n, c, oh, ow] = xraw[n, c, oh*sh, ow*sw]. Width
 * stride 2 keeps the even lanes of pairs of loads (reading at most one float past the last one
 * used, inside the row or the next one; the host leaves slack after the buffer).
 */
export function pointwiseSubsamplePart(desc: usize, n0: i32, n1: i32): void {
  const cin = field(desc, D_CIN);
  const inH = field(desc, D_INH);
  const inW = field(desc, D_INW);
  const sh = field(desc, D_SH);
  const sw = field(desc, D_SW);
  const outH = field(desc, D_OUTH);
  const outW = field(desc, D_OUTW);
  const xraw = <usize>field(desc, D_XRAW);
  const x = <usize>field(desc, D_X);
  const inPlane = (<usize>(inH * inW)) << 2;
  const outPlane = (<usize>(outH * outW)) << 2;
  const inRow = (<usize>inW) << 2;
  for (let n = n0; n < n1; n++) {
    for (let c = 0; c < cin; c++) {
      const plane = <usize>(n * cin + c);
      const src = xraw + plane * inPlane;
      let dst = x + plane * outPlane;
      for (let oh = 0; oh < outH; oh++) {
        const row = src + <usize>(oh * sh) * inRow;
        let ow = 0;
        if (sw === 2) {
          for (; ow + 4 <= outW - 1; ow += 4) {
            const p = row + ((<usize>ow) << 3);
            v128.store(dst, v128.shuffle<f32>(v128.load(p), v128.load(p, 16), 0, 2, 4, 6));
            dst += 16;
          }
        }
        for (; ow < outW; ow++) {
          store<f32>(dst, load<f32>(row + ((<usize>(ow * sw)) << 2)));
          dst += 4;
        }
      }
    }
  }
}

/**
 * The 4 x 8 micro-kernel over `count` adjacent slivers: for each, rows `pa` (4 x k packed weights)
 * times 8 columns of the k x L block at `pb` (row stride `ldb` bytes), started at the bias values
 * (`bv`), activated, stored to `out` (row stride `ldOut` bytes), the next sliver 8 columns on. One
 * call per run of slivers, not per tile: with MobileNetV2's small Cin (16 to 32 steps per tile)
 * the call and its setup were 5-10% of the time. An edge tile (count 1) goes to a scratch tile.
 */
function micro4x8(
  k: i32,
  pa0: usize,
  pb0: usize,
  ldb: usize,
  bv: usize,
  desc: usize,
  out0: usize,
  ldOut: usize,
  count: i32,
  partial: bool,
  act: i32,
): void {
  for (let s = 0; s < count; s++) {
    let pa = pa0;
    let pb = pb0 + ((<usize>s) << 5);
    const out = out0 + ((<usize>s) << 5);
    let c00: v128;
    let c01: v128;
    let c10: v128;
    let c11: v128;
    let c20: v128;
    let c21: v128;
    let c30: v128;
    let c31: v128;
    if (partial) {
      // The sums over the earlier input channels, stored by the previous slice.
      let o = out;
      c00 = v128.load(o);
      c01 = v128.load(o, 16);
      o += ldOut;
      c10 = v128.load(o);
      c11 = v128.load(o, 16);
      o += ldOut;
      c20 = v128.load(o);
      c21 = v128.load(o, 16);
      o += ldOut;
      c30 = v128.load(o);
      c31 = v128.load(o, 16);
    } else {
      c00 = v128.load32_splat(bv);
      c01 = c00;
      c10 = v128.load32_splat(bv, 4);
      c11 = c10;
      c20 = v128.load32_splat(bv, 8);
      c21 = c20;
      c30 = v128.load32_splat(bv, 12);
      c31 = c30;
    }
    for (let p = 0; p < k; p++) {
      const x0 = v128.load(pb);
      const x1 = v128.load(pb, 16);
      let a = v128.load32_splat(pa);
      c00 = f32x4.add(c00, f32x4.mul(a, x0));
      c01 = f32x4.add(c01, f32x4.mul(a, x1));
      a = v128.load32_splat(pa, 4);
      c10 = f32x4.add(c10, f32x4.mul(a, x0));
      c11 = f32x4.add(c11, f32x4.mul(a, x1));
      a = v128.load32_splat(pa, 8);
      c20 = f32x4.add(c20, f32x4.mul(a, x0));
      c21 = f32x4.add(c21, f32x4.mul(a, x1));
      a = v128.load32_splat(pa, 12);
      c30 = f32x4.add(c30, f32x4.mul(a, x0));
      c31 = f32x4.add(c31, f32x4.mul(a, x1));
      pa += 16;
      pb += ldb;
    }
    // The clamp's bounds are read from the descriptor only now, so nothing but the tile lives in
    // vector registers during the loop.
    if (act === ACT_RELU) {
      // x <= 0 ? 0 : x, NaN stays NaN (as the separate relu kernel).
      const z = f32x4.splat(0);
      c00 = v128.andnot(c00, f32x4.le(c00, z));
      c01 = v128.andnot(c01, f32x4.le(c01, z));
      c10 = v128.andnot(c10, f32x4.le(c10, z));
      c11 = v128.andnot(c11, f32x4.le(c11, z));
      c20 = v128.andnot(c20, f32x4.le(c20, z));
      c21 = v128.andnot(c21, f32x4.le(c21, z));
      c30 = v128.andnot(c30, f32x4.le(c30, z));
      c31 = v128.andnot(c31, f32x4.le(c31, z));
    } else if (act !== ACT_NONE) {
      // min(max(x, lo), hi) with WebAssembly's f32 min/max: NaN stays NaN (as the clamp kernel).
      const vlo = v128.load32_splat(desc + ((<usize>D_ACT_LO) << 2));
      const vhi = v128.load32_splat(desc + ((<usize>D_ACT_HI) << 2));
      c00 = f32x4.min(f32x4.max(c00, vlo), vhi);
      c01 = f32x4.min(f32x4.max(c01, vlo), vhi);
      c10 = f32x4.min(f32x4.max(c10, vlo), vhi);
      c11 = f32x4.min(f32x4.max(c11, vlo), vhi);
      c20 = f32x4.min(f32x4.max(c20, vlo), vhi);
      c21 = f32x4.min(f32x4.max(c21, vlo), vhi);
      c30 = f32x4.min(f32x4.max(c30, vlo), vhi);
      c31 = f32x4.min(f32x4.max(c31, vlo), vhi);
    }
    let o = out;
    v128.store(o, c00);
    v128.store(o, c01, 16);
    o += ldOut;
    v128.store(o, c10);
    v128.store(o, c11, 16);
    o += ldOut;
    v128.store(o, c20);
    v128.store(o, c21, 16);
    o += ldOut;
    v128.store(o, c30);
    v128.store(o, c31, 16);
  }
}

/**
 * The 8 x 4 micro-kernel for a last sliver of at most 4 columns (7x7 planes end with 1, 14x14 with
 * 4): two 4-row weight slivers (`pa0`, `pa1`) times columns [0, 4) of the k x L block, so such a
 * sliver costs half the multiplies of a 4 x 8 tile per output row. Same epilogue; stores 4 columns
 * of 8 rows to `out` (row stride `ldOut` bytes).
 */
function micro8x4(
  k: i32,
  pa0: usize,
  pa1: usize,
  pb: usize,
  ldb: usize,
  bv: usize,
  desc: usize,
  out: usize,
  ldOut: usize,
  partial: bool,
  act: i32,
): void {
  let c0: v128;
  let c1: v128;
  let c2: v128;
  let c3: v128;
  let c4: v128;
  let c5: v128;
  let c6: v128;
  let c7: v128;
  if (partial) {
    c0 = v128.load(out);
    c1 = v128.load(out + ldOut);
    c2 = v128.load(out + 2 * ldOut);
    c3 = v128.load(out + 3 * ldOut);
    c4 = v128.load(out + 4 * ldOut);
    c5 = v128.load(out + 5 * ldOut);
    c6 = v128.load(out + 6 * ldOut);
    c7 = v128.load(out + 7 * ldOut);
  } else {
    c0 = v128.load32_splat(bv);
    c1 = v128.load32_splat(bv, 4);
    c2 = v128.load32_splat(bv, 8);
    c3 = v128.load32_splat(bv, 12);
    c4 = v128.load32_splat(bv, 16);
    c5 = v128.load32_splat(bv, 20);
    c6 = v128.load32_splat(bv, 24);
    c7 = v128.load32_splat(bv, 28);
  }
  for (let p = 0; p < k; p++) {
    const x0 = v128.load(pb);
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(pa0), x0));
    c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(pa0, 4), x0));
    c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(pa0, 8), x0));
    c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(pa0, 12), x0));
    c4 = f32x4.add(c4, f32x4.mul(v128.load32_splat(pa1), x0));
    c5 = f32x4.add(c5, f32x4.mul(v128.load32_splat(pa1, 4), x0));
    c6 = f32x4.add(c6, f32x4.mul(v128.load32_splat(pa1, 8), x0));
    c7 = f32x4.add(c7, f32x4.mul(v128.load32_splat(pa1, 12), x0));
    pa0 += 16;
    pa1 += 16;
    pb += ldb;
  }
  if (act === ACT_RELU) {
    const z = f32x4.splat(0);
    c0 = v128.andnot(c0, f32x4.le(c0, z));
    c1 = v128.andnot(c1, f32x4.le(c1, z));
    c2 = v128.andnot(c2, f32x4.le(c2, z));
    c3 = v128.andnot(c3, f32x4.le(c3, z));
    c4 = v128.andnot(c4, f32x4.le(c4, z));
    c5 = v128.andnot(c5, f32x4.le(c5, z));
    c6 = v128.andnot(c6, f32x4.le(c6, z));
    c7 = v128.andnot(c7, f32x4.le(c7, z));
  } else if (act !== ACT_NONE) {
    const vlo = v128.load32_splat(desc + ((<usize>D_ACT_LO) << 2));
    const vhi = v128.load32_splat(desc + ((<usize>D_ACT_HI) << 2));
    c0 = f32x4.min(f32x4.max(c0, vlo), vhi);
    c1 = f32x4.min(f32x4.max(c1, vlo), vhi);
    c2 = f32x4.min(f32x4.max(c2, vlo), vhi);
    c3 = f32x4.min(f32x4.max(c3, vlo), vhi);
    c4 = f32x4.min(f32x4.max(c4, vlo), vhi);
    c5 = f32x4.min(f32x4.max(c5, vlo), vhi);
    c6 = f32x4.min(f32x4.max(c6, vlo), vhi);
    c7 = f32x4.min(f32x4.max(c7, vlo), vhi);
  }
  v128.store(out, c0);
  out += ldOut;
  v128.store(out, c1);
  out += ldOut;
  v128.store(out, c2);
  out += ldOut;
  v128.store(out, c3);
  out += ldOut;
  v128.store(out, c4);
  out += ldOut;
  v128.store(out, c5);
  out += ldOut;
  v128.store(out, c6);
  out += ldOut;
  v128.store(out, c7);
}

/** Copies rows [0, mr) x columns [0, nr) of the tile at `src` (row stride `lds` bytes) to `dst` (row stride `ldd`). */
function copyTile(src: usize, lds: usize, dst: usize, ldd: usize, mr: i32, nr: i32): void {
  for (let i = 0; i < mr; i++) {
    const s = src + <usize>i * lds;
    const d = dst + <usize>i * ldd;
    for (let j = 0; j < nr; j++) store<f32>(d + ((<usize>j) << 2), load<f32>(s + ((<usize>j) << 2)));
  }
}

/**
 * Computes units [u0, u1) of the forward pass: unit u is image u / chunks, slivers
 * [(u % chunks) * perChunk, +perChunk) of its output positions, for every output channel. Each
 * unit writes only its own columns of the output; `work` is this thread's pointwiseWorkBytes.
 * With a slice of the input channels (D_K1 > 0), the sums run over those channels only, from the
 * partial sums in the output (or the bias for the first slice); the last slice applies the activation.
 */
export function pointwiseForwardPart(desc: usize, u0: i32, u1: i32, work: usize): void {
  const kAll = field(desc, D_CIN);
  const l = field(desc, D_L);
  const x = <usize>field(desc, D_X);
  const wpack = <usize>field(desc, D_WPACK);
  const bias = <usize>field(desc, D_BIAS);
  const out = <usize>field(desc, D_OUT);
  const chunks = field(desc, D_CHUNKS);
  const perChunk = field(desc, D_PERCHUNK);
  const nb = field(desc, D_NB);
  const oc0 = field(desc, D_OC0);
  const oc1 = field(desc, D_OC1);
  const outRows = field(desc, D_OUT_ROWS);
  const k0 = field(desc, D_K0);
  const k1 = field(desc, D_K1) > 0 ? field(desc, D_K1) : kAll;
  const k = k1 - k0;
  const partial = k0 > 0;
  const act = k1 === kAll ? field(desc, D_ACT) : ACT_NONE;
  const nSl = (l + 7) >> 3;
  const lBytes = (<usize>l) << 2;
  const aBytes = (<usize>kAll) << 4; // one packed 4-row sliver of weights
  const aFrom = (<usize>k0) << 4; // the slice's first step in a sliver
  for (let u = u0; u < u1; u++) {
    const n = u / chunks;
    const s0 = (u % chunks) * perChunk;
    const s1 = min(nSl, s0 + perChunk);
    const xb = x + <usize>(n * k) * lBytes;
    const ob = out + <usize>(n * outRows) * lBytes;
    // A last sliver of at most 4 columns takes the 8 x 4 kernel below, not a 4 x 8 tile.
    const narrowTail = s1 === nSl && l - ((nSl - 1) << 3) <= 4;
    const s1Wide = narrowTail ? s1 - 1 : s1;
    for (let sb = s0; sb < s1Wide; sb += nb) {
      const se = min(s1Wide, sb + nb);
      for (let ir = oc0; ir < oc1; ir += 4) {
        const mr = min(4, oc1 - ir);
        const pa = wpack + <usize>(ir >> 2) * aBytes + aFrom;
        // The bias of the 4 rows (the host pads it with zeros to a multiple of 4).
        const bv = bias + ((<usize>ir) << 2);
        const orow = ob + <usize>(ir - oc0) * lBytes;
        // The full tiles of the block in one call, then any edge tile (a last sliver or Cout % 4 rows).
        let s = sb;
        if (mr === 4) {
          const full = min(se, l >> 3);
          if (full > sb) {
            const o = (<usize>sb) << 5;
            micro4x8(k, pa, xb + o, lBytes, bv, desc, orow + o, lBytes, full - sb, partial, act);
            s = full;
          }
        }
        for (; s < se; s++) {
          const j0 = s << 3;
          const nr = min(8, l - j0);
          const cj = orow + ((<usize>j0) << 2);
          const pb = xb + ((<usize>j0) << 2);
          // An edge tile: columns past L read the next plane's (or the slack's) values into
          // lanes that are never stored; rows past Cout multiply zero weights.
          if (partial) copyTile(cj, lBytes, work, 32, mr, nr);
          micro4x8(k, pa, pb, lBytes, bv, desc, work, 32, 1, partial, act);
          copyTile(work, 32, cj, lBytes, mr, nr);
        }
      }
    }
    if (narrowTail && s0 < s1) {
      const j0 = (nSl - 1) << 3;
      const nr = l - j0;
      const pb = xb + ((<usize>j0) << 2);
      for (let ir = oc0; ir < oc1; ir += 8) {
        const mr = min(8, oc1 - ir);
        const pa0 = wpack + <usize>(ir >> 2) * aBytes + aFrom;
        // Rows past the band (mr <= 4) reuse the first sliver: computed, never stored.
        const pa1 = mr > 4 ? pa0 + aBytes : pa0;
        const bv = bias + ((<usize>ir) << 2);
        const cj = ob + <usize>(ir - oc0) * lBytes + ((<usize>j0) << 2);
        if (mr === 8 && nr === 4) {
          micro8x4(k, pa0, pa1, pb, lBytes, bv, desc, cj, lBytes, partial, act);
        } else {
          if (partial) copyTile(cj, lBytes, work, 16, mr, nr);
          micro8x4(k, pa0, pa1, pb, lBytes, bv, desc, work, 16, partial, act);
          copyTile(work, 16, cj, lBytes, mr, nr);
        }
      }
    }
  }
}
