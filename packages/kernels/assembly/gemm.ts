// Float32 GEMM for WebAssembly 128-bit SIMD, compiled by AssemblyScript (`asc --enable simd`).
//
//   C = alpha * op(A) @ op(B) + beta * C      row-major, op(X) = X or X^T, leading dimensions in elements
//
// Goto/BLIS blocking: a KC x NC panel of op(B) is packed once per (jc, pc) into NR-wide slivers, a
// MC x KC block of alpha * op(A) into MR-tall slivers; the micro-kernel multiplies one A sliver by
// one B sliver into an MR x NR tile of accumulators that lives in SIMD registers for the whole
// k loop. Sizes (measured on the development machine, AMD Zen 5, 48 KiB L1d, 1 MiB L2):
//   - MR x NR = 4 x 8: 8 f32x4 accumulators + 2 B vectors + 1 broadcast A value + 1 product
//     temporary = 12 of the 15 xmm registers V8 hands out (xmm15 is its scratch register), so
//     TurboFan keeps the whole tile in registers (checked with `node --print-wasm-code`). The loop
//     does 2 vector loads + 4 splat loads (vbroadcastss) for 8 mul + 8 add: ~50 GFLOP/s at 1024^3.
//     Measured and rejected: 6 x 8 (needs 16 registers, spills: 30.6 GFLOP/s) and unrolling the
//     k loop by 2 (TurboFan then spills too: 34.5 GFLOP/s).
//   - KC = 256: a B sliver (KC x NR x 4 B = 8 KiB) stays in L1 while the A block streams from L2.
//   - MC = 128: the A block (MC x KC x 4 B = 128 KiB) sits comfortably in L2.
//   - NC = 2048: the packed B panel (2 MiB) is reused by every A block of one pc step.
// WebAssembly has no fused multiply-add without the relaxed-simd proposal, so every product is a
// separate f32x4.mul and f32x4.add (rounded twice, as in tfjs-backend-wasm's XNNPACK build).
//
// The host lays out linear memory: the packing workspace (workspaceBytes() at `work`, 64-byte
// aligned) then the operands. Pointers are byte addresses; lengths and leading dimensions count
// elements. Inputs are trusted: the TypeScript wrapper validates and places them.

const MR: i32 = 4;
const NR: i32 = 8;
const KC: i32 = 256;
const MC: i32 = 128;
const NC: i32 = 2048;

const PACK_A_BYTES: i32 = MC * KC * 4;
const PACK_B_BYTES: i32 = KC * NC * 4;
const TILE_BYTES: i32 = MR * NR * 4;

/** Bytes of scratch space `sgemm` needs at its `work` pointer. */
export function workspaceBytes(): i32 {
  return PACK_A_BYTES + PACK_B_BYTES + TILE_BYTES;
}

/** First byte of linear memory the module itself does not use. */
export function heapBase(): usize {
  return __heap_base;
}

/** Multiplies the m x n block of C by beta; beta = 0 stores zeros whatever C held (NaN included). */
function scaleC(m: i32, n: i32, beta: f32, c: usize, ldc: i32): void {
  if (beta === 1) return;
  const rowBytes = (<usize>n) << 2;
  const ldcBytes = (<usize>ldc) << 2;
  if (beta === 0) {
    for (let i = 0; i < m; i++) memory.fill(c + <usize>i * ldcBytes, 0, rowBytes);
    return;
  }
  const vb = f32x4.splat(beta);
  for (let i = 0; i < m; i++) {
    const row = c + <usize>i * ldcBytes;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const p = row + ((<usize>j) << 2);
      v128.store(p, f32x4.mul(v128.load(p), vb));
    }
    for (; j < n; j++) {
      const p = row + ((<usize>j) << 2);
      store<f32>(p, load<f32>(p) * beta);
    }
  }
}

/**
 * Packs alpha * op(A)[i0 : i0+mc, p0 : p0+kc] into MR-row slivers: sliver r holds, for each p, the
 * MR values of column p (zero past mc), so the micro-kernel reads it front to back.
 */
export function packA(
  transA: bool,
  alpha: f32,
  a: usize,
  lda: i32,
  i0: i32,
  mc: i32,
  p0: i32,
  kc: i32,
  dst: usize,
): void {
  const ldaBytes = (<usize>lda) << 2;
  const va = f32x4.splat(alpha);
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = min(MR, mc - ir);
    if (transA) {
      // op(A)[i, p] = a[p * lda + i]: the MR values of one p are adjacent.
      let src = a + <usize>p0 * ldaBytes + ((<usize>(i0 + ir)) << 2);
      if (mr === MR) {
        for (let p = 0; p < kc; p++) {
          v128.store(dst, f32x4.mul(v128.load(src), va));
          src += ldaBytes;
          dst += MR << 2;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          let r = 0;
          for (; r < mr; r++) store<f32>(dst + ((<usize>r) << 2), alpha * load<f32>(src + ((<usize>r) << 2)));
          for (; r < MR; r++) store<f32>(dst + ((<usize>r) << 2), 0);
          src += ldaBytes;
          dst += MR << 2;
        }
      }
    } else {
      // op(A)[i, p] = a[i * lda + p]: gather one value from each of MR rows, 4 p at a time with a
      // 4 x 4 transpose in registers.
      const src = a + <usize>(i0 + ir) * ldaBytes + ((<usize>p0) << 2);
      if (mr === MR) {
        const s0 = src;
        const s1 = src + ldaBytes;
        const s2 = s1 + ldaBytes;
        const s3 = s2 + ldaBytes;
        let p = 0;
        for (; p + 4 <= kc; p += 4) {
          const off = (<usize>p) << 2;
          const r0 = v128.load(s0 + off); // a00 a01 a02 a03
          const r1 = v128.load(s1 + off);
          const r2 = v128.load(s2 + off);
          const r3 = v128.load(s3 + off);
          const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5); // a00 a10 a01 a11
          const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5); // a20 a30 a21 a31
          const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7); // a02 a12 a03 a13
          const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7); // a22 a32 a23 a33
          v128.store(dst, f32x4.mul(v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), va));
          v128.store(dst, f32x4.mul(v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), va), 16);
          v128.store(dst, f32x4.mul(v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), va), 32);
          v128.store(dst, f32x4.mul(v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), va), 48);
          dst += 64;
        }
        for (; p < kc; p++) {
          const off = (<usize>p) << 2;
          store<f32>(dst, alpha * load<f32>(s0 + off));
          store<f32>(dst, alpha * load<f32>(s1 + off), 4);
          store<f32>(dst, alpha * load<f32>(s2 + off), 8);
          store<f32>(dst, alpha * load<f32>(s3 + off), 12);
          dst += 16;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const off = (<usize>p) << 2;
          let r = 0;
          for (; r < mr; r++) store<f32>(dst + ((<usize>r) << 2), alpha * load<f32>(src + <usize>r * ldaBytes + off));
          for (; r < MR; r++) store<f32>(dst + ((<usize>r) << 2), 0);
          dst += MR << 2;
        }
      }
    }
  }
}

/** Packs op(B)[p0 : p0+kc, j0 : j0+nc] into NR-column slivers, zero past nc. */
function packB(transB: bool, b: usize, ldb: i32, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  const ldbBytes = (<usize>ldb) << 2;
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    if (transB) {
      // op(B)[p, j] = b[j * ldb + p]: gather from NR rows of b, 4 p at a time via 4 x 4 transposes.
      const src = b + <usize>(j0 + jr) * ldbBytes + ((<usize>p0) << 2);
      if (nr === NR) {
        let p = 0;
        for (; p + 4 <= kc; p += 4) {
          const off = src + ((<usize>p) << 2);
          for (let h: usize = 0; h < 2; h++) {
            const s = off + h * 4 * ldbBytes;
            const r0 = v128.load(s);
            const r1 = v128.load(s + ldbBytes);
            const r2 = v128.load(s + 2 * ldbBytes);
            const r3 = v128.load(s + 3 * ldbBytes);
            const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
            const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
            const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
            const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
            const d = dst + (h << 4);
            v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
            v128.store(d, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 32);
            v128.store(d, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 64);
            v128.store(d, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 96);
          }
          dst += 128;
        }
        for (; p < kc; p++) {
          const off = src + ((<usize>p) << 2);
          for (let r = 0; r < NR; r++) store<f32>(dst + ((<usize>r) << 2), load<f32>(off + <usize>r * ldbBytes));
          dst += NR << 2;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const off = src + ((<usize>p) << 2);
          let r = 0;
          for (; r < nr; r++) store<f32>(dst + ((<usize>r) << 2), load<f32>(off + <usize>r * ldbBytes));
          for (; r < NR; r++) store<f32>(dst + ((<usize>r) << 2), 0);
          dst += NR << 2;
        }
      }
    } else {
      // op(B)[p, j] = b[p * ldb + j]: NR adjacent values per p.
      let src = b + <usize>p0 * ldbBytes + ((<usize>(j0 + jr)) << 2);
      if (nr === NR) {
        for (let p = 0; p < kc; p++) {
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
          src += ldbBytes;
          dst += NR << 2;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          let r = 0;
          for (; r < nr; r++) store<f32>(dst + ((<usize>r) << 2), load<f32>(src + ((<usize>r) << 2)));
          for (; r < NR; r++) store<f32>(dst + ((<usize>r) << 2), 0);
          src += ldbBytes;
          dst += NR << 2;
        }
      }
    }
  }
}

/**
 * The 4 x 8 micro-kernel body, shared by the GEMM (here) and the Winograd forward's GEMMs:
 * acc = Ap (4 x kc sliver, [p][4]) @ Bp (kc x 8 sliver, [p][8]), then `out = acc` or, with
 * `accumulate`, `out += acc`, where `out` has row stride `ldOut` bytes. 8 f32x4 accumulators + 2 B
 * vectors + a broadcast + a product stay in registers. `accumulate` costs one predictable branch per
 * call, outside the kc loop.
 */
export function microKernel4x8(kc: i32, pa: usize, pb: usize, out: usize, ldOut: usize, accumulate: bool): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
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
    pb += 32;
  }
  let o = out;
  if (accumulate) {
    c00 = f32x4.add(v128.load(o), c00);
    c01 = f32x4.add(v128.load(o, 16), c01);
    c10 = f32x4.add(v128.load(o + ldOut), c10);
    c11 = f32x4.add(v128.load(o + ldOut, 16), c11);
    c20 = f32x4.add(v128.load(o + 2 * ldOut), c20);
    c21 = f32x4.add(v128.load(o + 2 * ldOut, 16), c21);
    c30 = f32x4.add(v128.load(o + 3 * ldOut), c30);
    c31 = f32x4.add(v128.load(o + 3 * ldOut, 16), c31);
  }
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

/** The GEMM's micro-kernel call: `out += Ap @ Bp` (one function, so each tile is one call). */
function microKernel(kc: i32, pa: usize, pb: usize, out: usize, ldOut: usize): void {
  microKernel4x8(kc, pa, pb, out, ldOut, true);
}

/** One micro-kernel call on a tile of C that is full (MR x NR) or clipped at the matrix edge. */
export function tile(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, mr: i32, nr: i32, tileBuf: usize): void {
  if (mr === MR && nr === NR) {
    microKernel(kc, pa, pb, c, (<usize>ldc) << 2);
    return;
  }
  memory.fill(tileBuf, 0, TILE_BYTES);
  microKernel(kc, pa, pb, tileBuf, NR << 2);
  for (let i = 0; i < mr; i++) {
    const row = c + ((<usize>i * <usize>ldc) << 2);
    const t = tileBuf + ((<usize>(i * NR)) << 2);
    for (let j = 0; j < nr; j++) {
      const p = row + ((<usize>j) << 2);
      store<f32>(p, load<f32>(p) + load<f32>(t + ((<usize>j) << 2)));
    }
  }
}

/**
 * Computes the block rows [m0, m1) x columns [n0, n1) of C = alpha * op(A) @ op(B) + beta * C
 * (the whole product for m0 = 0, m1 = m, n0 = 0, n1 = n). Threads split C this way, each with its
 * own workspace; a block reads only its rows of op(A) and columns of op(B), and writes only itself.
 */
export function sgemmPart(
  transA: bool,
  transB: bool,
  m0: i32,
  m1: i32,
  n0: i32,
  n1: i32,
  k: i32,
  alpha: f32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  beta: f32,
  c: usize,
  ldc: i32,
  work: usize,
): void {
  const m = m1 - m0;
  const n = n1 - n0;
  if (m <= 0 || n <= 0) return;
  // Shift the operands so the block starts at row 0, column 0.
  a += transA ? (<usize>m0) << 2 : (<usize>m0 * <usize>lda) << 2;
  b += transB ? (<usize>n0 * <usize>ldb) << 2 : (<usize>n0) << 2;
  c += ((<usize>m0 * <usize>ldc) << 2) + ((<usize>n0) << 2);
  scaleC(m, n, beta, c, ldc);
  if (k === 0 || alpha === 0) return;
  const pa = work;
  const pb = work + PACK_A_BYTES;
  const tileBuf = pb + PACK_B_BYTES;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(transB, b, ldb, pc, kc, jc, nc, pb);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(transA, alpha, a, lda, ic, mc, pc, kc, pa);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const pbj = pb + ((<usize>(jr * kc)) << 2);
          const cj = c + ((<usize>(jc + jr)) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            tile(
              kc,
              pa + ((<usize>(ir * kc)) << 2),
              pbj,
              cj + ((<usize>(ic + ir) * <usize>ldc) << 2),
              ldc,
              mr,
              nr,
              tileBuf,
            );
          }
        }
      }
    }
  }
}

/** C = alpha * op(A) @ op(B) + beta * C for the whole m x n product (see {@link sgemmPart}). */
export function sgemm(
  transA: bool,
  transB: bool,
  m: i32,
  n: i32,
  k: i32,
  alpha: f32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  beta: f32,
  c: usize,
  ldc: i32,
  work: usize,
): void {
  sgemmPart(transA, transB, 0, m, 0, n, k, alpha, a, lda, b, ldb, beta, c, ldc, work);
}
