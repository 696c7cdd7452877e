import { wasmGemm } from '@torchlet/kernels';
import { fail, formatValue } from './errors.js';

/**
 * A float typed array a GEMM can read and write.
 *
 * @example
 * ```ts
 * import { type FloatArray, gemm } from '@torchlet/tensor';
 * const c: FloatArray = new Float64Array(1);
 * gemm(false, false, 1, 1, 1, 1, new Float64Array([2]), 0, 1, new Float64Array([3]), 0, 1, 0, c, 0, 1);
 * c[0]; // -> 6
 * ```
 */
export type FloatArray = Float32Array | Float64Array;

/**
 * A GEMM implementation with BLAS `sgemm` semantics on row-major arrays (see {@link gemm}).
 * Kernels receive arguments that {@link gemm} has already validated, and must honour every case:
 * both transpose flags, `alpha`, `beta` (with `beta = 0` ignoring the contents of `C`, NaN included),
 * and `m`, `n` or `k` equal to 0. `c` never overlaps `a` or `b`.
 *
 * @example
 * ```ts
 * import { type GemmKernel, getGemmKernel } from '@torchlet/tensor';
 * const kernel: GemmKernel = getGemmKernel();
 * typeof kernel; // -> 'function'
 * ```
 */
export type GemmKernel = (
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
) => void;

// ---- blocking parameters ---------------------------------------------------------------------
// Goto/BLIS-style blocking. A micro-tile of C is MR x NR accumulators held in local variables; the
// packed A block (MC x KC doubles = 128 KiB) stays in L2 and a KC x NR sliver of packed B (8 KiB)
// in L1 while the micro-kernel streams through them. Measured on the development machine, KC and
// MC between 128 and 512 all give the same speed (the scalar micro-kernel is compute bound); 4x4
// beat 4x8 (32 accumulators spill out of the 16 x64 float registers) and 2x4 (too few flops per
// load). Packed panels are Float64Array so float32 inputs accumulate in float64, as PyTorch's CPU
// accumulation type for float is double, and so the micro-kernel only ever sees one array type.
const MR = 4;
const NR = 4;
const KC = 256;
const MC = 64;
const NC = 2048;

// Scratch buffers reused across calls (JS is single-threaded and a GEMM never re-enters itself).
let packedA = new Float64Array(0); // grown on first use, so importing allocates nothing
let packedB = new Float64Array(0);
const edgeTile = new Float64Array(MR * NR);

/** Multiplies the `m x n` block of C at `cOffset` by `beta`; `beta = 0` overwrites (NaN included). */
function scaleC(m: number, n: number, beta: number, c: FloatArray, cOffset: number, ldc: number): void {
  if (beta === 1) return;
  for (let i = 0; i < m; i++) {
    const row = cOffset + i * ldc;
    if (beta === 0) c.fill(0, row, row + n);
    else for (let j = row; j < row + n; j++) c[j] *= beta;
  }
}

/**
 * Packs `alpha * op(A)[i0:i0+mc, p0:p0+kc]` into micro-panels of MR rows: panel `r` holds, for each
 * `p`, the MR values of column `p` (zero-padded past `mc`), so the micro-kernel reads it linearly.
 */
function packA(
  transA: boolean,
  alpha: number,
  a: FloatArray,
  aOffset: number,
  lda: number,
  i0: number,
  mc: number,
  p0: number,
  kc: number,
): void {
  const dst = packedA;
  let idx = 0;
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = Math.min(MR, mc - ir);
    if (transA) {
      // op(A)[i, p] = a[p * lda + i]: the MR values of one p are adjacent.
      let src = aOffset + p0 * lda + i0 + ir;
      for (let p = 0; p < kc; p++, src += lda) {
        let r = 0;
        for (; r < mr; r++) dst[idx++] = alpha * a[src + r];
        for (; r < MR; r++) dst[idx++] = 0;
      }
    } else {
      const src = aOffset + (i0 + ir) * lda + p0;
      if (mr === MR) {
        for (let p = 0; p < kc; p++) {
          const s = src + p;
          dst[idx] = alpha * a[s];
          dst[idx + 1] = alpha * a[s + lda];
          dst[idx + 2] = alpha * a[s + 2 * lda];
          dst[idx + 3] = alpha * a[s + 3 * lda];
          idx += MR;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          let r = 0;
          for (; r < mr; r++) dst[idx++] = alpha * a[src + r * lda + p];
          for (; r < MR; r++) dst[idx++] = 0;
        }
      }
    }
  }
}

/** Packs `op(B)[p0:p0+kc, j0:j0+nc]` into micro-panels of NR columns, zero-padded past `nc`. */
function packB(
  transB: boolean,
  b: FloatArray,
  bOffset: number,
  ldb: number,
  p0: number,
  kc: number,
  j0: number,
  nc: number,
): void {
  const dst = packedB;
  let idx = 0;
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = Math.min(NR, nc - jr);
    if (transB) {
      // op(B)[p, j] = b[j * ldb + p]
      const src = bOffset + (j0 + jr) * ldb + p0;
      for (let p = 0; p < kc; p++) {
        let r = 0;
        for (; r < nr; r++) dst[idx++] = b[src + r * ldb + p];
        for (; r < NR; r++) dst[idx++] = 0;
      }
    } else {
      let src = bOffset + p0 * ldb + j0 + jr;
      if (nr === NR) {
        for (let p = 0; p < kc; p++, src += ldb) {
          dst[idx] = b[src];
          dst[idx + 1] = b[src + 1];
          dst[idx + 2] = b[src + 2];
          dst[idx + 3] = b[src + 3];
          idx += NR;
        }
      } else {
        for (let p = 0; p < kc; p++, src += ldb) {
          let r = 0;
          for (; r < nr; r++) dst[idx++] = b[src + r];
          for (; r < NR; r++) dst[idx++] = 0;
        }
      }
    }
  }
}

/**
 * The 4x4 micro-kernel: `C[ci.., ..] += Ap(4 x kc) @ Bp(kc x 4)` with 16 accumulators in locals.
 * Writes only the `mr x nr` valid corner of edge tiles.
 */
// biome-ignore format: the 4x4 tile of accumulators reads best as a grid
function microKernel4x4(
  kc: number,
  ap: Float64Array,
  ai: number,
  bp: Float64Array,
  bi: number,
  c: FloatArray,
  ci: number,
  ldc: number,
  mr: number,
  nr: number,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0; p < kc; p++) {
    const b0 = bp[bi];
    const b1 = bp[bi + 1];
    const b2 = bp[bi + 2];
    const b3 = bp[bi + 3];
    let a = ap[ai];
    c00 += a * b0; c01 += a * b1; c02 += a * b2; c03 += a * b3;
    a = ap[ai + 1];
    c10 += a * b0; c11 += a * b1; c12 += a * b2; c13 += a * b3;
    a = ap[ai + 2];
    c20 += a * b0; c21 += a * b1; c22 += a * b2; c23 += a * b3;
    a = ap[ai + 3];
    c30 += a * b0; c31 += a * b1; c32 += a * b2; c33 += a * b3;
    ai += MR;
    bi += NR;
  }
  if (mr === MR && nr === NR) {
    c[ci] += c00; c[ci + 1] += c01; c[ci + 2] += c02; c[ci + 3] += c03;
    ci += ldc;
    c[ci] += c10; c[ci + 1] += c11; c[ci + 2] += c12; c[ci + 3] += c13;
    ci += ldc;
    c[ci] += c20; c[ci + 1] += c21; c[ci + 2] += c22; c[ci + 3] += c23;
    ci += ldc;
    c[ci] += c30; c[ci + 1] += c31; c[ci + 2] += c32; c[ci + 3] += c33;
    return;
  }
  const t = edgeTile;
  t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03;
  t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
  t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23;
  t[12] = c30; t[13] = c31; t[14] = c32; t[15] = c33;
  for (let i = 0; i < mr; i++) {
    const row = ci + i * ldc;
    for (let j = 0; j < nr; j++) c[row + j] += t[i * NR + j];
  }
}

// Cache-blocked GEMM with packed panels and a 4x4 register-blocked micro-kernel (unchecked).
const packedKernel: GemmKernel = (
  transA,
  transB,
  m,
  n,
  k,
  alpha,
  a,
  aOffset,
  lda,
  b,
  bOffset,
  ldb,
  beta,
  c,
  cOffset,
  ldc,
) => {
  if (m === 0 || n === 0) return;
  scaleC(m, n, beta, c, cOffset, ldc);
  if (k === 0 || alpha === 0) return;
  const ncMax = Math.min(NC, Math.ceil(n / NR) * NR);
  const kcMax = Math.min(KC, k);
  if (packedB.length < ncMax * kcMax) packedB = new Float64Array(ncMax * kcMax);
  if (packedA.length < MC * KC) packedA = new Float64Array(MC * KC);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packB(transB, b, bOffset, ldb, pc, kc, jc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packA(transA, alpha, a, aOffset, lda, ic, mc, pc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          const bi = jr * kc;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = Math.min(MR, mc - ir);
            microKernel4x4(kc, packedA, ir * kc, packedB, bi, c, cOffset + (ic + ir) * ldc + jc + jr, ldc, mr, nr);
          }
        }
      }
    }
  }
};

let rowScratch = new Float64Array(0);

// Direct loops without packing, accumulating in float64 (unchecked).
const loopsKernel: GemmKernel = (
  transA,
  transB,
  m,
  n,
  k,
  alpha,
  a,
  aOffset,
  lda,
  b,
  bOffset,
  ldb,
  beta,
  c,
  cOffset,
  ldc,
) => {
  if (m === 0 || n === 0) return;
  scaleC(m, n, beta, c, cOffset, ldc);
  if (k === 0 || alpha === 0) return;
  // op(A)[i, p] = a[aOffset + i * ars + p * acs]
  const ars = transA ? 1 : lda;
  const acs = transA ? lda : 1;
  if (transB || n < NR) {
    // Dot products: along rows of B as stored when transposed (contiguous), else down its few
    // columns (an axpy into a row of 1-3 values would waste its loop overhead).
    const bjs = transB ? ldb : 1; // step between columns j of op(B)
    const bps = transB ? 1 : ldb; // step along p
    for (let i = 0; i < m; i++) {
      const arow = aOffset + i * ars;
      const crow = cOffset + i * ldc;
      for (let j = 0; j < n; j++) {
        const bcol = bOffset + j * bjs;
        let acc = 0;
        for (let p = 0; p < k; p++) acc += a[arow + p * acs] * b[bcol + p * bps];
        c[crow + j] += alpha * acc;
      }
    }
    return;
  }
  // Rows of B are contiguous: axpy each into a float64 row accumulator.
  if (rowScratch.length < n) rowScratch = new Float64Array(n);
  const acc = rowScratch;
  for (let i = 0; i < m; i++) {
    acc.fill(0, 0, n);
    const arow = aOffset + i * ars;
    for (let p = 0; p < k; p++) {
      const av = a[arow + p * acs];
      const brow = bOffset + p * ldb;
      for (let j = 0; j < n; j++) acc[j] += av * b[brow + j];
    }
    const crow = cOffset + i * ldc;
    for (let j = 0; j < n; j++) c[crow + j] += alpha * acc[j];
  }
};

// The default JavaScript kernel (unchecked): loops for thin or tiny products, packed otherwise.
const jsKernel: GemmKernel = (
  transA,
  transB,
  m,
  n,
  k,
  alpha,
  a,
  aOffset,
  lda,
  b,
  bOffset,
  ldb,
  beta,
  c,
  cOffset,
  ldc,
) => {
  // Measured crossover: packing wins from 3 rows and 3 columns; below that, or for tiny
  // products, the direct loops do (matrix-vector products run about 2x faster unpacked).
  const kernel = m < 3 || n < 3 || m * n * k < 2048 ? loopsKernel : packedKernel;
  kernel(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
};

/** A kernel that validates its arguments as {@link gemm} does, then runs `kernel`. */
function checked(fn: string, kernel: GemmKernel): GemmKernel {
  const run: GemmKernel = (...args) => {
    checkGemmArgs(fn, ...args);
    kernel(...args);
  };
  return Object.defineProperty(run, 'name', { value: fn });
}

/**
 * Cache-blocked GEMM with packed panels and a 4x4 register-blocked micro-kernel. Any size works;
 * it pays off from about 4x4 outputs and a few dozen multiply-adds per output.
 *
 * Validates its arguments as {@link gemm} does (a TorchletError, never a long loop over a short
 * array). Exported for the tests, which run the same property tests on every kernel; use {@link gemm}.
 *
 * @example
 * ```ts
 * import { gemmPacked } from '@torchlet/tensor';
 * const c = new Float64Array(1);
 * gemmPacked(false, false, 1, 1, 2, 1, new Float64Array([1, 2]), 0, 2, new Float64Array([3, 4]), 0, 1, 0, c, 0, 1);
 * c[0]; // -> 11
 * ```
 */
export const gemmPacked: GemmKernel = checked('gemmPacked', packedKernel);

/**
 * Direct loops without packing, accumulating in float64: the better choice for matrix-vector
 * products and tiny matrices, where packing costs as much as the arithmetic.
 *
 * Validates its arguments as {@link gemm} does (a TorchletError, never a long loop over a short
 * array). Exported for the tests, which run the same property tests on every kernel; use {@link gemm}.
 *
 * @example
 * ```ts
 * import { gemmLoops } from '@torchlet/tensor';
 * const c = new Float64Array(1);
 * gemmLoops(false, false, 1, 1, 2, 1, new Float64Array([1, 2]), 0, 2, new Float64Array([3, 4]), 0, 1, 0, c, 0, 1);
 * c[0]; // -> 11
 * ```
 */
export const gemmLoops: GemmKernel = checked('gemmLoops', loopsKernel);

/**
 * The default GEMM kernel in plain JavaScript: {@link gemmLoops} for matrix-vector shapes and tiny
 * products, {@link gemmPacked} otherwise.
 *
 * @example
 * ```ts
 * import { getGemmKernel, jsGemm } from '@torchlet/tensor';
 * getGemmKernel() === jsGemm; // -> true
 * ```
 */
export const jsGemm: GemmKernel = checked('jsGemm', jsKernel);

let gemmKernel: GemmKernel = jsKernel;

/**
 * Which compute backend {@link gemm} uses for float32 products (see {@link setBackend}).
 *
 * @example
 * ```ts
 * import { type Backend, getBackend, setBackend } from '@torchlet/tensor';
 * const previous: Backend = getBackend();
 * setBackend('js');
 * getBackend(); // -> 'js'
 * setBackend(previous);
 * ```
 */
export type Backend = 'js' | 'wasm' | 'auto';

// Under 'auto', float32 products of at least this many multiply-adds run in WebAssembly SIMD.
// Measured with @torchlet/kernels' sweep: wasm already wins 1.9x at 4x4x4 and 5-10x from 8x8x8
// (JS wins only below ~64 multiply-adds, where the operand copies dominate).
const WASM_MIN_WORK = 64;

let backend: Backend | undefined; // read from TORCHLET_BACKEND on the first product, not at import

function isBackend(name: unknown): name is Backend {
  return name === 'js' || name === 'wasm' || name === 'auto';
}

function currentBackend(): Backend {
  if (backend === undefined) {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
      ?.TORCHLET_BACKEND;
    if (env !== undefined && env !== '' && !isBackend(env)) {
      fail('gemm', 'TORCHLET_BACKEND', `TORCHLET_BACKEND must be 'js', 'wasm' or 'auto', got '${env}'`);
    }
    backend = env === undefined || env === '' ? 'auto' : (env as Backend);
  }
  return backend;
}

/**
 * Chooses the compute backend of {@link gemm} (and so of `matmul` and the convolutions) for
 * float32 products: `'wasm'` always runs them in the WebAssembly SIMD kernel of
 * `@torchlet/kernels`, `'js'` always in {@link jsGemm}, `'auto'` (the default) in WebAssembly from
 * 64 multiply-adds up. Float64 products always run in JavaScript. The environment variable
 * `TORCHLET_BACKEND=js|wasm|auto` sets the initial choice in Node. Where WebAssembly SIMD is
 * missing (or, in a browser, before `ready()` from `@torchlet/kernels` resolved), products fall
 * back to JavaScript. The WebAssembly kernel accumulates in float32 (as PyTorch's float32 BLAS and
 * tfjs do); {@link jsGemm} accumulates float32 in float64.
 * A kernel installed with {@link setGemmKernel} takes precedence over the backend. The same choice
 * governs the other WebAssembly paths: float32 elementwise ops (`add`, `sub`, `mul`, `div`,
 * `maximum`, `relu`) from 65,536 outputs, float32 `sum`/`mean`/`var`/`std` over dims and
 * float32/int32 transposing copies (`contiguous()` of `x.t()`) from 1,024 elements, and, in
 * `@torchlet/ops`, conv2d (forward and both gradients) and 2x2 max-pooling; `'js'` keeps every one
 * of them in JavaScript.
 *
 * @param name - `'js'` (the JavaScript kernels), `'wasm'` (WebAssembly SIMD, required) or `'auto'` (WebAssembly
 *   when available; the default).
 * @example
 * ```ts
 * import { getBackend, setBackend } from '@torchlet/tensor';
 * setBackend('js');
 * getBackend(); // -> 'js'
 * setBackend('auto');
 * ```
 */
export function setBackend(name: Backend): void {
  if (!isBackend(name)) fail('setBackend', 'name', `expected 'js', 'wasm' or 'auto', got ${formatValue(name)}`);
  backend = name;
}

/**
 * The backend chosen by {@link setBackend} (or `TORCHLET_BACKEND`; default `'auto'`).
 *
 * @returns The backend set by {@link setBackend} (`'auto'` by default).
 * @example
 * ```ts
 * import { getBackend } from '@torchlet/tensor';
 * ['js', 'wasm', 'auto'].includes(getBackend()); // -> true
 * ```
 */
export function getBackend(): Backend {
  return currentBackend();
}

/**
 * Replaces the kernel behind {@link gemm} (and so behind `matmul` and the convolutions), e.g. with a
 * WASM SIMD build; callers do not change. Pass `null` to restore the default {@link jsGemm}.
 * The new kernel must pass the same property tests as the default (see {@link GemmKernel}).
 *
 * @param kernel - The kernel every float32 matrix product uses from now on, or `null` for the default.
 * @example
 * ```ts
 * import { getGemmKernel, jsGemm, setGemmKernel } from '@torchlet/tensor';
 * setGemmKernel(jsGemm);
 * setGemmKernel(null);
 * getGemmKernel() === jsGemm; // -> true
 * ```
 */
export function setGemmKernel(kernel: GemmKernel | null): void {
  if (kernel !== null && typeof kernel !== 'function') {
    fail('setGemmKernel', 'kernel', `expected a function or null, got ${typeof kernel}`);
  }
  gemmKernel = kernel === null || kernel === jsGemm ? jsKernel : kernel;
}

/**
 * The kernel {@link gemm} currently calls (the default is {@link jsGemm}).
 *
 * @returns The kernel in use.
 * @example
 * ```ts
 * import { getGemmKernel } from '@torchlet/tensor';
 * getGemmKernel().name.length > 0; // -> true
 * ```
 */
export function getGemmKernel(): GemmKernel {
  return gemmKernel === jsKernel ? jsGemm : gemmKernel;
}

function checkDim(fn: string, name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    fail(fn, name, `${name} must be an integer >= ${min}, got ${formatValue(value)}`);
  }
}

function checkExtent(
  fn: string,
  name: string,
  arr: FloatArray,
  offset: number,
  rows: number,
  cols: number,
  ld: number,
): void {
  if (!(arr instanceof Float32Array || arr instanceof Float64Array)) {
    fail(fn, name, `${name} must be a Float32Array or Float64Array, got ${formatValue(arr)}`);
  }
  if (rows === 0 || cols === 0) return;
  const last = offset + (rows - 1) * ld + cols - 1;
  if (last >= arr.length) {
    fail(
      fn,
      name,
      `${name} needs ${last + 1} elements for a ${rows}x${cols} matrix at offset ${offset} with leading dimension ${ld}, but has ${arr.length}`,
    );
  }
}

/**
 * Checks the arguments of a GEMM (see {@link gemm}): integer sizes, leading dimensions at least a
 * row long, numbers for alpha and beta, float arrays long enough for every matrix. The extents
 * bound the sizes, so no checked kernel can loop for long over a short array.
 */
function checkGemmArgs(fn: string, ...args: Parameters<GemmKernel>): void {
  const [transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc] = args;
  if (typeof transA !== 'boolean' || typeof transB !== 'boolean') {
    fail(fn, 'transA', `transA and transB must be booleans, got ${formatValue(transA)} and ${formatValue(transB)}`);
  }
  checkDim(fn, 'm', m, 0);
  checkDim(fn, 'n', n, 0);
  checkDim(fn, 'k', k, 0);
  checkDim(fn, 'aOffset', aOffset, 0);
  checkDim(fn, 'bOffset', bOffset, 0);
  checkDim(fn, 'cOffset', cOffset, 0);
  checkDim(fn, 'lda', lda, Math.max(1, transA ? m : k));
  checkDim(fn, 'ldb', ldb, Math.max(1, transB ? k : n));
  checkDim(fn, 'ldc', ldc, Math.max(1, n));
  if (typeof alpha !== 'number' || typeof beta !== 'number') {
    fail(fn, 'alpha', `alpha and beta must be numbers, got ${formatValue(alpha)} and ${formatValue(beta)}`);
  }
  checkExtent(fn, 'a', a, aOffset, transA ? k : m, transA ? m : k, lda);
  checkExtent(fn, 'b', b, bOffset, transB ? n : k, transB ? k : n, ldb);
  checkExtent(fn, 'c', c, cOffset, m, n, ldc);
}

/**
 * BLAS-style GEMM on raw row-major arrays: `C = alpha * op(A) @ op(B) + beta * C`, where
 * `op(X)` is `X` or its transpose. `A` is `m x k` after `op`, `B` is `k x n`, `C` is `m x n`.
 * `lda`, `ldb`, `ldc` are row strides of the arrays as stored (so `A` as stored is `k x m` with
 * row stride `lda` when `transA`). `beta = 0` ignores the previous contents of `C`, NaN included.
 * `C` must not overlap `A` or `B`. In {@link jsGemm}, float32 inputs accumulate in float64 and
 * round once per 256-long block of `k`; the WebAssembly kernel accumulates in float32.
 *
 * The arithmetic runs in the kernel installed by {@link setGemmKernel} (default {@link jsGemm}:
 * cache-blocked, packed panels, 4x4 register micro-kernel); with the default kernel, float32
 * products run in the WebAssembly SIMD GEMM of `@torchlet/kernels` as {@link setBackend} chooses.
 *
 * Shapes: `op(A)` `[m, k]`, `op(B)` `[k, n]`, `C` `[m, n]`.
 *
 * @param transA - Use `A` transposed: `A` is stored `[k, m]`.
 * @param transB - Use `B` transposed: `B` is stored `[n, k]`.
 * @param m - Rows of `op(A)` and `C`.
 * @param n - Columns of `op(B)` and `C`.
 * @param k - Columns of `op(A)`, rows of `op(B)`.
 * @param alpha - Scale of the product.
 * @param a - The storage of `A` (float32 or float64, as `c`).
 * @param aOffset - Index of `A`'s first element in `a`.
 * @param lda - Row stride of `A` as stored (at least its column count).
 * @param b - The storage of `B`.
 * @param bOffset - Index of `B`'s first element in `b`.
 * @param ldb - Row stride of `B` as stored.
 * @param beta - Scale of the old `C` (`0` ignores its contents, NaN included).
 * @param c - The storage of `C`, updated in place.
 * @param cOffset - Index of `C`'s first element in `c`.
 * @param ldc - Row stride of `C`.
 * @see torch.addmm
 * @example
 * ```ts
 * import { gemm } from '@torchlet/tensor';
 * const c = new Float32Array(1);
 * gemm(false, false, 1, 1, 2, 1, new Float32Array([1, 2]), 0, 2, new Float32Array([3, 4]), 0, 1, 0, c, 0, 1);
 * c[0]; // -> 11
 * ```
 */
export function gemm(
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
): void {
  checkGemmArgs('gemm', transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
  if (gemmKernel === jsKernel && c instanceof Float32Array) {
    const use = currentBackend();
    if (
      use !== 'js' &&
      (use === 'wasm' || m * n * k >= WASM_MIN_WORK) &&
      wasmGemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc)
    ) {
      return;
    }
  }
  gemmKernel(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
}
