// STUB (naive but correct): owned by the tensor-reductions helper, who replaces the loop with a
// blocked kernel. The signature is the contract other layers (ops) call.

/** A float typed array a GEMM can read and write. */
export type FloatArray = Float32Array | Float64Array;

/**
 * BLAS-style GEMM on raw row-major arrays: `C = alpha * op(A) @ op(B) + beta * C`, where
 * `op(X)` is `X` or its transpose. `A` is `m x k` after `op`, `B` is `k x n`, `C` is `m x n`.
 * `lda`, `ldb`, `ldc` are row strides of the arrays as stored.
 *
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
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p];
        const bv = transB ? b[bOffset + j * ldb + p] : b[bOffset + p * ldb + j];
        acc += av * bv;
      }
      const ci = cOffset + i * ldc + j;
      c[ci] = alpha * acc + (beta === 0 ? 0 : beta * c[ci]);
    }
  }
}
