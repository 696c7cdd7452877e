// Float32 direct conv2d for few output channels (stride 1, no dilation, groups 1), WebAssembly
// 128-bit SIMD on NCHW images: LeNet's conv1 ([N,1,28,28] -> 6, 5x5, pad 2) and the input
// gradient of its conv2 as a full correlation (16 -> 6 channels, 5x5, pad 4). The GEMM kernels
// round few output channels up to their 4-row micro-tile and unfold every tap; here each input
// vector loaded is multiplied into two output channels at once, and rows of taps that fall in the
// vertical padding are skipped rather than multiplied by zeros (the full correlation of a 10x10
// gradient reads 14x14 outputs through a 5x5 window: half of its rows are padding).
//
// Layouts (all in linear memory, laid out by src/conv-small.ts):
//   x    staged images [n][cin][inH][wp]: each row zero-bordered on the left by padL columns and
//        on the right up to wp (at least the widest column tile plus kw - 1);
//   w    weights regrouped in output-channel pairs [cout/2 rounded up][cin][kh][kw][2] (the odd
//        channel of an odd count is zeros);
//   bias [cout rounded up to even] (zeros for none);
//   y    outputs [n][cout][outH][cw], cw = the computed width (columns in tiles of 16, the last
//        one 12 when it fits), compacted to [outH][outW] afterwards by convSmallCompact.
// Output columns are computed 16 (or 12) at a time, for two channels: 8 (or 6) f32x4 accumulators
// over cin x kh x kw taps, each tap one unaligned load per vector and two weight splats.

/** Zeroes `dst` ([planes][h][wp]) and copies the dense planes of `src` ([planes][h][w]) into it at column `padL`. */
export function convSmallStage(src: usize, planes: i32, h: i32, w: i32, padL: i32, wp: i32, dst: usize): void {
  const rows = planes * h;
  memory.fill(dst, 0, (<usize>rows * <usize>wp) << 2);
  const rowBytes = (<usize>w) << 2;
  for (let r = 0; r < rows; r++) {
    memory.copy(dst + ((<usize>r * <usize>wp + <usize>padL) << 2), src + <usize>r * rowBytes, rowBytes);
  }
}

/** Compacts `rows` rows of `cw` floats at `y` to rows of `w` floats in place (w <= cw). */
export function convSmallCompact(y: usize, rows: i32, cw: i32, w: i32): void {
  if (cw === w) return;
  const rowBytes = (<usize>w) << 2;
  for (let r = 1; r < rows; r++) {
    memory.copy(y + <usize>r * rowBytes, y + ((<usize>r * <usize>cw) << 2), rowBytes);
  }
}

/** 16 columns of channels (c, c+1) at output row start `y0` / `y1`: taps rows [a0, a1) of every input channel. */
function tile16(
  x: usize,
  w: usize,
  cin: i32,
  planeBytes: usize,
  rowBytes: usize,
  taps2: usize,
  a0: i32,
  a1: i32,
  kw: i32,
  b0: v128,
  b1: v128,
  y0: usize,
  y1: usize,
): void {
  let s0 = b0;
  let s1 = b0;
  let s2 = b0;
  let s3 = b0;
  let t0 = b1;
  let t1 = b1;
  let t2 = b1;
  let t3 = b1;
  const kwBytes = (<usize>kw) << 2;
  for (let ci = 0; ci < cin; ci++) {
    let xr = x + <usize>ci * planeBytes;
    let wp = w + <usize>ci * taps2 + ((<usize>(a0 * kw)) << 3);
    for (let a = a0; a < a1; a++) {
      const xe = xr + kwBytes;
      for (let xp = xr; xp < xe; xp += 4) {
        // Each input vector is used by both channels right after its load (fewer live registers).
        const w0 = v128.load32_splat(wp);
        const w1 = v128.load32_splat(wp, 4);
        const x0 = v128.load(xp);
        s0 = f32x4.add(s0, f32x4.mul(x0, w0));
        t0 = f32x4.add(t0, f32x4.mul(x0, w1));
        const x1 = v128.load(xp, 16);
        s1 = f32x4.add(s1, f32x4.mul(x1, w0));
        t1 = f32x4.add(t1, f32x4.mul(x1, w1));
        const x2 = v128.load(xp, 32);
        s2 = f32x4.add(s2, f32x4.mul(x2, w0));
        t2 = f32x4.add(t2, f32x4.mul(x2, w1));
        const x3 = v128.load(xp, 48);
        s3 = f32x4.add(s3, f32x4.mul(x3, w0));
        t3 = f32x4.add(t3, f32x4.mul(x3, w1));
        wp += 8;
      }
      xr += rowBytes;
    }
  }
  v128.store(y0, s0);
  v128.store(y0, s1, 16);
  v128.store(y0, s2, 32);
  v128.store(y0, s3, 48);
  v128.store(y1, t0);
  v128.store(y1, t1, 16);
  v128.store(y1, t2, 32);
  v128.store(y1, t3, 48);
}

/** 12 columns, as {@link tile16}. */
function tile12(
  x: usize,
  w: usize,
  cin: i32,
  planeBytes: usize,
  rowBytes: usize,
  taps2: usize,
  a0: i32,
  a1: i32,
  kw: i32,
  b0: v128,
  b1: v128,
  y0: usize,
  y1: usize,
): void {
  let s0 = b0;
  let s1 = b0;
  let s2 = b0;
  let t0 = b1;
  let t1 = b1;
  let t2 = b1;
  const kwBytes = (<usize>kw) << 2;
  for (let ci = 0; ci < cin; ci++) {
    let xr = x + <usize>ci * planeBytes;
    let wp = w + <usize>ci * taps2 + ((<usize>(a0 * kw)) << 3);
    for (let a = a0; a < a1; a++) {
      const xe = xr + kwBytes;
      for (let xp = xr; xp < xe; xp += 4) {
        const w0 = v128.load32_splat(wp);
        const w1 = v128.load32_splat(wp, 4);
        const x0 = v128.load(xp);
        s0 = f32x4.add(s0, f32x4.mul(x0, w0));
        t0 = f32x4.add(t0, f32x4.mul(x0, w1));
        const x1 = v128.load(xp, 16);
        s1 = f32x4.add(s1, f32x4.mul(x1, w0));
        t1 = f32x4.add(t1, f32x4.mul(x1, w1));
        const x2 = v128.load(xp, 32);
        s2 = f32x4.add(s2, f32x4.mul(x2, w0));
        t2 = f32x4.add(t2, f32x4.mul(x2, w1));
        wp += 8;
      }
      xr += rowBytes;
    }
  }
  v128.store(y0, s0);
  v128.store(y0, s1, 16);
  v128.store(y0, s2, 32);
  v128.store(y1, t0);
  v128.store(y1, t1, 16);
  v128.store(y1, t2, 32);
}

/**
 * Images `[n0, n1)` of the staged chunk at `x` into `y` (see the layouts above). `spare` is a
 * row of `cw` floats that receives the missing channel of an odd count.
 */
export function convSmallForward(
  x: usize,
  n0: i32,
  n1: i32,
  cin: i32,
  inH: i32,
  wp: i32,
  cout: i32,
  kh: i32,
  kw: i32,
  padT: i32,
  outH: i32,
  cw: i32,
  w: usize,
  bias: usize,
  y: usize,
  spare: usize,
): void {
  const rowBytes = (<usize>wp) << 2;
  const planeBytes = <usize>inH * rowBytes;
  const imageBytes = <usize>cin * planeBytes;
  const outRowBytes = (<usize>cw) << 2;
  const outPlaneBytes = <usize>outH * outRowBytes;
  const taps2 = (<usize>(kh * kw)) << 3;
  const full = cw & ~15;
  for (let n = n0; n < n1; n++) {
    const xImg = x + <usize>n * imageBytes;
    const yImg = y + <usize>n * <usize>cout * outPlaneBytes;
    for (let c = 0; c < cout; c += 2) {
      const wc = w + (<usize>c * <usize>cin * taps2) / 2;
      const b0 = v128.load32_splat(bias + ((<usize>c) << 2));
      const b1 = v128.load32_splat(bias + ((<usize>c) << 2), 4);
      const y0 = yImg + <usize>c * outPlaneBytes;
      const y1 = c + 1 < cout ? y0 + outPlaneBytes : spare;
      const y1Step = c + 1 < cout ? outRowBytes : 0;
      for (let oh = 0; oh < outH; oh++) {
        // Input row oh - padT + a for tap row a; rows outside the image are skipped.
        const a0 = max(0, padT - oh);
        const a1 = min(kh, inH + padT - oh);
        const xRow = xImg + <usize>(oh - padT + a0) * rowBytes;
        const r0 = y0 + <usize>oh * outRowBytes;
        const r1 = y1 + <usize>oh * y1Step;
        let ow = 0;
        for (; ow < full; ow += 16) {
          const off = (<usize>ow) << 2;
          tile16(xRow + off, wc, cin, planeBytes, rowBytes, taps2, a0, a1, kw, b0, b1, r0 + off, r1 + off);
        }
        if (ow < cw) {
          const off = (<usize>ow) << 2;
          if (cw - ow === 12) {
            tile12(xRow + off, wc, cin, planeBytes, rowBytes, taps2, a0, a1, kw, b0, b1, r0 + off, r1 + off);
          } else {
            tile16(xRow + off, wc, cin, planeBytes, rowBytes, taps2, a0, a1, kw, b0, b1, r0 + off, r1 + off);
          }
        }
      }
    }
  }
}
