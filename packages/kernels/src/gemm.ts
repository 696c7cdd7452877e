// The TypeScript face of assembly/gemm.ts: copies the operands into the module's linear memory
// (grown on demand and reused between calls), runs the SIMD kernel, copies C back.
//
// Linear memory, from the module's heap base (every region 64-byte aligned):
//   [ packing workspace per thread | A | B | C ]
// A and B keep their leading dimension when their rows are dense enough (one bulk copy), else are
// compacted row by row; C is always compacted (ldc = n) so `beta = 0` needs no copy-in at all.

import { type GemmExports, gemmModule } from './loader.js';
import { readyWorkers, runParallel, threadPool } from './threads.js';

/**
 * A float typed array a GEMM can read and write: the same type as `@torchlet/tensor`'s
 * `FloatArray`, so {@link wasmGemm} takes exactly the arguments of its `GemmKernel`.
 *
 * @example
 * ```ts
 * import type { FloatArray } from '@torchlet/kernels';
 * const c: FloatArray = new Float32Array(4);
 * c.length; // -> 4
 * ```
 */
export type FloatArray = Float32Array | Float64Array;

/** Name reported by {@link getBackendInfo} after the wasm kernel ran. */
export const WASM_GEMM_KERNEL = 'wasm-simd128-sgemm-4x8';

/**
 * Products of at least this many multiply-adds (`m * n * k`) are split between threads when
 * {@link setThreads} allows more than one; smaller ones run on the calling thread. Measured on the
 * development machine (2 cores): 160^3 gains ~7% from a second thread, 256^3 ~40%, 512^3 ~80%.
 *
 * @example
 * ```ts
 * import { PARALLEL_MIN_WORK } from '@torchlet/kernels';
 * PARALLEL_MIN_WORK; // -> 4194304
 * ```
 */
export const PARALLEL_MIN_WORK = 2 ** 22;

let lastKernel = 'none';
/** Set while a product whose split failed is recomputed on one thread. */
let retrying = false;
let view: Float32Array | null = null;

/** The name of the kernel that handled the last {@link wasmGemm} or `wasmConv2dForward` call ('js' when it declined). */
export function lastGemmKernel(): string {
  return lastKernel;
}

/** Records the kernel that handled the last call (for `getBackendInfo().lastKernel`). */
export function noteKernel(name: string): void {
  lastKernel = name;
}

/**
 * The most bytes a 32-bit WebAssembly memory can hold (65536 pages of 64 KiB). Addresses are
 * unsigned 32-bit in the module, so everything up to this limit is addressable; past it the
 * callers' JavaScript kernels run.
 */
export const WASM_MEMORY_LIMIT = 2 ** 32;

/**
 * Rounds a byte address up to a multiple of 64. Plain arithmetic, not `(b + 63) & ~63`: 32-bit
 * bit operations turn addresses of 2 GiB and more negative.
 */
export const align64 = (bytes: number): number => Math.ceil(bytes / 64) * 64;

/**
 * A Float32Array over the whole memory of `mod`, grown to at least `bytes`; null if it cannot grow
 * (over {@link WASM_MEMORY_LIMIT}, or over what the engine grants), so the caller's JavaScript
 * kernel runs.
 */
export function memoryView(mod: GemmExports, bytes: number): Float32Array | null {
  if (!(bytes <= WASM_MEMORY_LIMIT)) return null; // NaN included
  const mem = mod.memory;
  const have = mem.buffer.byteLength;
  if (bytes > have) {
    try {
      mem.grow(Math.ceil((bytes - have) / 65536));
    } catch {
      return null; // over the engine's limit: let the caller's JavaScript kernel run
    }
  }
  if (view === null || view.buffer !== mem.buffer) view = new Float32Array(mem.buffer);
  return view;
}

/** Where {@link gemmLayout} places A, B and C in linear memory (byte addresses) and their leading dimensions. */
export interface GemmLayout {
  readonly aLd: number;
  readonly bLd: number;
  readonly aAt: number;
  readonly bAt: number;
  readonly cAt: number;
  /** One past the last byte used: more than {@link WASM_MEMORY_LIMIT} means the product cannot run here. */
  readonly end: number;
}

/**
 * The linear-memory layout of one product from byte `aAt` on: A, then B, then the compacted C,
 * each 64-byte aligned. Exact for any size (float64 arithmetic); the caller compares `end` with
 * {@link WASM_MEMORY_LIMIT}.
 */
export function gemmLayout(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  lda: number,
  ldb: number,
  aAt: number,
): GemmLayout {
  const aRows = transA ? k : m;
  const aCols = transA ? m : k;
  const bRows = transB ? n : k;
  const bCols = transB ? k : n;
  const aLd = placedLd(aRows, aCols, lda);
  const bLd = placedLd(bRows, bCols, ldb);
  const bAt = align64(aAt + 4 * ((aRows - 1) * aLd + aCols));
  const cAt = align64(bAt + 4 * ((bRows - 1) * bLd + bCols));
  return { aLd, bLd, aAt, bAt, cAt, end: cAt + 4 * m * n };
}

/**
 * The leading dimension an operand keeps in linear memory: its own when the rows are dense enough
 * to copy the whole span at once (at most 2x the useful elements), else `cols` (compacted).
 */
function placedLd(rows: number, cols: number, ld: number): number {
  return ld === cols || (rows - 1) * ld + cols <= 2 * rows * cols ? ld : cols;
}

/** Copies a `rows x cols` row-major block (row stride `ld`) from `src` into `dst` with row stride `dstLd`. */
function copyIn(
  dst: Float32Array,
  dstAt: number,
  dstLd: number,
  src: Float32Array,
  off: number,
  rows: number,
  cols: number,
  ld: number,
): void {
  if (dstLd === ld) {
    dst.set(src.subarray(off, off + (rows - 1) * ld + cols), dstAt);
    return;
  }
  copyRows(dst, dstAt, dstLd, src, off, ld, rows, cols);
}

/** Row-by-row copy; short rows element by element, where a subarray per row would cost more. */
function copyRows(
  dst: Float32Array,
  dstAt: number,
  dstLd: number,
  src: Float32Array,
  srcAt: number,
  srcLd: number,
  rows: number,
  cols: number,
): void {
  if (cols >= 32) {
    for (let r = 0; r < rows; r++) {
      const s = srcAt + r * srcLd;
      dst.set(src.subarray(s, s + cols), dstAt + r * dstLd);
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const s = srcAt + r * srcLd;
    const d = dstAt + r * dstLd;
    for (let j = 0; j < cols; j++) dst[d + j] = src[s + j];
  }
}

/** C = beta * C without touching A or B (k = 0 or alpha = 0); beta = 0 stores zeros, NaN included. */
function scaleOnly(m: number, n: number, beta: number, c: Float32Array, cOffset: number, ldc: number): void {
  if (beta === 1) return;
  const b = Math.fround(beta);
  for (let i = 0; i < m; i++) {
    const row = cOffset + i * ldc;
    if (b === 0) c.fill(0, row, row + n);
    else for (let j = row; j < row + n; j++) c[j] *= b;
  }
}

/**
 * BLAS `sgemm` in WebAssembly SIMD on row-major float32 arrays:
 * `C = alpha * op(A) @ op(B) + beta * C`, with the parameter list of `@torchlet/tensor`'s
 * `GemmKernel`. Returns `true` when it computed the product, `false` when it declined and left
 * `c` untouched, so the caller runs its own kernel: when an operand is not a `Float32Array`, or
 * the WebAssembly module is not available (no SIMD, not yet loaded in a browser: see
 * {@link ready}, or memory could not grow). In Node the module compiles synchronously on the first
 * call. `beta = 0` ignores the contents of C (NaN included); `alpha = 0` or `k = 0` never reads A
 * or B. Products accumulate in float32 (as tfjs, XNNPACK and PyTorch's float32 BLAS do), with
 * separate multiply and add roundings (WebAssembly SIMD has no fused multiply-add).
 *
 * Arguments are trusted, as for any `GemmKernel`: `@torchlet/tensor`'s `gemm` validates them.
 * Any size works; for tiny products the copies cost more than the arithmetic, so callers send
 * only products above a threshold (see the package README).
 *
 * Shapes: `op(A)` `[m, k]`, `op(B)` `[k, n]`, `C` `[m, n]` (row strides `lda`, `ldb`, `ldc`).
 *
 * @param transA - Use `A` transposed: `A` is stored `[k, m]`.
 * @param transB - Use `B` transposed: `B` is stored `[n, k]`.
 * @param m - Rows of `op(A)` and `C`.
 * @param n - Columns of `op(B)` and `C`.
 * @param k - Columns of `op(A)`, rows of `op(B)`.
 * @param alpha - Scale of the product.
 * @param a - The storage of `A`.
 * @param aOffset - Index of `A`'s first element in `a`.
 * @param lda - Row stride of `A` as stored (at least its column count).
 * @param b - The storage of `B`.
 * @param bOffset - Index of `B`'s first element in `b`.
 * @param ldb - Row stride of `B` as stored.
 * @param beta - Scale of the old `C` (`0` ignores its contents, NaN included).
 * @param c - The storage of `C`, updated in place.
 * @param cOffset - Index of `C`'s first element in `c`.
 * @param ldc - Row stride of `C`.
 * @returns `true` when WebAssembly computed `C`, `false` when it declined and left `c` untouched.
 * @see torch.addmm
 * @example
 * ```ts
 * import { getBackendInfo, wasmGemm } from '@torchlet/kernels';
 * const c = new Float32Array(1);
 * wasmGemm(false, false, 1, 1, 2, 1, new Float32Array([1, 2]), 0, 2, new Float32Array([3, 4]), 0, 1, 0, c, 0, 1); // -> true
 * c[0]; // -> 11
 * getBackendInfo().lastKernel; // -> 'wasm-simd128-sgemm-4x8'
 * wasmGemm(false, false, 1, 1, 1, 1, new Float64Array(1), 0, 1, new Float64Array(1), 0, 1, 0, new Float64Array(1), 0, 1); // -> false
 * ```
 */
export function wasmGemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: FloatArray,
  aOffset: number,
  lda: number,
  b: FloatArray,
  bOffset: number,
  ldb: number,
  beta: number,
  c: FloatArray,
  cOffset: number,
  ldc: number,
): boolean {
  if (!(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array)) {
    lastKernel = 'js';
    return false;
  }
  const pool = threadPool();
  const workers = pool !== null && !retrying && m * n * k >= PARALLEL_MIN_WORK ? readyWorkers(pool) : [];
  // A product that stays on this thread runs on the single-threaded module: copies into the
  // threads' shared memory cost about twice as much (V8 copies shared buffers conservatively).
  const split = pool !== null && workers.length > 0;
  const mod = split ? pool.exports : (gemmModule() ?? pool?.exports ?? null);
  if (mod === null) {
    lastKernel = 'js';
    return false;
  }
  if (m === 0 || n === 0 || k === 0 || alpha === 0) {
    scaleOnly(m, n, beta, c, cOffset, ldc);
    lastKernel = WASM_GEMM_KERNEL;
    return true;
  }
  const work = align64(mod.heapBase());
  const ws = align64(mod.workspaceBytes());
  const { aLd, bLd, aAt, bAt, cAt, end } = gemmLayout(
    transA,
    transB,
    m,
    n,
    k,
    lda,
    ldb,
    work + ws * (split ? pool.workers.length + 1 : 1),
  );
  const mem = memoryView(mod, end);
  if (mem === null) {
    lastKernel = 'js';
    return false;
  }
  copyIn(mem, aAt / 4, aLd, a, aOffset, transA ? k : m, transA ? m : k, lda);
  copyIn(mem, bAt / 4, bLd, b, bOffset, transB ? n : k, transB ? k : n, ldb);
  if (beta !== 0) copyRows(mem, cAt / 4, n, c, cOffset, ldc, m, n);
  const tA = transA ? 1 : 0;
  const tB = transB ? 1 : 0;
  let threads = 1;
  if (split) {
    // Cut the longer side of C into whole micro-tiles (4 rows or 8 columns), about 4 chunks per
    // thread, claimed dynamically (see threads.ts).
    const byRows = m >= n;
    const extent = byRows ? m : n;
    const unit = byRows ? 4 : 8;
    const chunk = Math.max(unit, Math.ceil(extent / (4 * (workers.length + 1)) / unit) * unit);
    const job = [tA, tB, m, n, k, alpha, aAt, aLd, bAt, bLd, beta, cAt, n, work];
    threads = Math.min(workers.length + 1, Math.ceil(extent / chunk));
    if (!runParallel(pool, workers, job, ws, byRows, chunk)) {
      // A worker threw or stopped mid-job (the pool is retired): recompute everything from the
      // original C, which is untouched, on the single-threaded module (its own memory, which no
      // stopped worker can still be writing to), or let the caller's kernel run.
      retrying = true;
      try {
        return wasmGemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
      } finally {
        retrying = false;
      }
    }
  } else {
    mod.sgemm(tA, tB, m, n, k, alpha, aAt, aLd, bAt, bLd, beta, cAt, n, work);
  }
  if (ldc === n) c.set(mem.subarray(cAt / 4, cAt / 4 + m * n), cOffset);
  else copyRows(c, cOffset, ldc, mem, cAt / 4, n, m, n);
  lastKernel = threads > 1 ? `${WASM_GEMM_KERNEL} x${threads} threads` : WASM_GEMM_KERNEL;
  return true;
}
