// Batched matrix product on the shared tiled GEMM: A and B are read through strides, so
// transposes and broadcast batches cost nothing.

import { checkObject, contextOf } from './arguments.js';
import type { GpuBuffer } from './buffer.js';
import { checkBuffers, checkLength, dispatch, MAX_GROUPS, paramsBinding } from './dispatch.js';
import { argumentError, checkCount } from './errors.js';
import { gemmGroups, gemmWgsl } from './gemm-template.js';
import { allocate } from './transfer.js';

/**
 * Sizes and layouts of a {@link matmul}: `C[b] = op(A[b]) @ op(B[b])` with `op(A)` of `m` x `k`
 * and `op(B)` of `k` x `n`.
 *
 * @example
 * ```ts
 * import type { MatmulOptions } from '@torchlet/webgpu';
 * // 8 products of A^T (A stored as [4, 3]) with one shared B [4, 5].
 * const o: MatmulOptions = { m: 3, n: 5, k: 4, batch: 8, transA: true, bBatchStride: 0 };
 * o.bBatchStride; // -> 0
 * ```
 */
export interface MatmulOptions {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** Products to compute (default 1); C is `[batch, m, n]`, contiguous. */
  readonly batch?: number;
  /** A is stored as `[k, m]` (row-major) and used transposed. */
  readonly transA?: boolean;
  /** B is stored as `[n, k]` and used transposed. */
  readonly transB?: boolean;
  /** Elements between consecutive A matrices (default `m * k`; 0 reuses one A for every batch). */
  readonly aBatchStride?: number;
  /** Elements between consecutive B matrices (default `k * n`; 0 broadcasts). */
  readonly bBatchStride?: number;
  /** Element offsets of the first A and B. */
  readonly aOffset?: number;
  readonly bOffset?: number;
}

const MATMUL_WGSL_PIECES = {
  bindings: `@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
${paramsBinding(3)}`,
  // P: M N K offA sAb sAm sAk offB sBb sBk sBn
  functions: `fn dims(b: u32) -> vec3<u32> { return vec3<u32>(P[0], P[1], P[2]); }
fn loadA(b: u32, m: u32, k: u32) -> f32 { return A[P[3] + b * P[4] + m * P[5] + k * P[6]]; }
fn loadB(b: u32, k: u32, n: u32) -> f32 { return B[P[7] + b * P[8] + k * P[9] + n * P[10]]; }
fn store(b: u32, m: u32, n: u32, v: f32) { C[(b * P[0] + m) * P[1] + n] = v; }`,
};

/**
 * The tiled kernel's name, as `getWebGPUInfo().lastKernel` reports it.
 *
 * @example
 * ```ts
 * import { MATMUL_KERNEL } from '@torchlet/webgpu';
 * MATMUL_KERNEL; // -> 'webgpu-matmul-tiled-32x32'
 * ```
 */
export const MATMUL_KERNEL = 'webgpu-matmul-tiled-32x32';

/**
 * Batched float32 matrix product `C[b] = op(A[b]) @ op(B[b])`, tiled through workgroup memory
 * (32x32 outputs per workgroup, 4x4 per invocation, K in steps of 16), accumulating in float32
 * with `fma`. Returns C, `[batch, m, n]` contiguous. Kernel: {@link MATMUL_KERNEL}.
 *
 * @param a - The left operand, a float32 buffer of `batch` matrices `[m, k]` (or `[k, m]` with `transA`).
 * @param b - The right operand, `batch` matrices `[k, n]` (or `[n, k]` with `transB`).
 * @param options - `m`, `n`, `k`, `batch` (default `1`), `transA`/`transB` (default `false`) and the batch
 *   strides; see {@link MatmulOptions}.
 * @returns A new float32 buffer of `batch` matrices `[m, n]`.
 * @example
 * ```ts
 * import { initWebGPU, matmul, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const a = upload(gpu, new Float32Array([1, 2, 3, 4, 5, 6])); // [2, 3]
 * const b = upload(gpu, new Float32Array([1, 0, 0, 1, 1, 1])); // [3, 2]
 * Array.from(await readback(matmul(a, b, { m: 2, n: 2, k: 3 }))); // -> [4, 5, 10, 11]
 * // a^T a: a read as [3, 2] transposed.
 * Array.from(await readback(matmul(a, a, { m: 3, n: 3, k: 2, transA: true }))); // -> [17, 22, 27, 22, 29, 36, 27, 36, 45]
 * ```
 */
export function matmul(a: GpuBuffer, b: GpuBuffer, options: MatmulOptions): GpuBuffer {
  const fn = 'matmul';
  const gpu = contextOf(fn, 'a', a);
  checkBuffers(fn, gpu, { a, b });
  checkObject(fn, 'options', options, 'a MatmulOptions object { m, n, k, ... }');
  const { m, n, k } = options;
  const batch = options.batch ?? 1;
  checkCount(fn, 'm', m);
  checkCount(fn, 'n', n);
  checkCount(fn, 'k', k);
  checkCount(fn, 'batch', batch);
  const aBatch = options.aBatchStride ?? m * k;
  const bBatch = options.bBatchStride ?? k * n;
  const aOff = options.aOffset ?? 0;
  const bOff = options.bOffset ?? 0;
  for (const [arg, v] of Object.entries({ aBatchStride: aBatch, bBatchStride: bBatch, aOffset: aOff, bOffset: bOff })) {
    checkCount(fn, arg, v);
  }
  const [sAm, sAk] = options.transA ? [1, m] : [k, 1];
  const [sBk, sBn] = options.transB ? [1, k] : [n, 1];
  if (batch > 0 && m * k > 0)
    checkLength(fn, 'a', a, aOff + (batch - 1) * aBatch + m * k, `${batch} matrices of ${m}x${k}`);
  if (batch > 0 && k * n > 0)
    checkLength(fn, 'b', b, bOff + (batch - 1) * bBatch + k * n, `${batch} matrices of ${k}x${n}`);
  const groups = gemmGroups(m, n, batch);
  if (groups.some((g) => g > MAX_GROUPS))
    argumentError(fn, '', `a [${batch},${m},${n}] product needs more workgroups than WebGPU allows`);
  const out = allocate(gpu, batch * m * n, { zero: k === 0 });
  if (batch * m * n === 0 || k === 0) return out;
  dispatch(gpu, {
    name: MATMUL_KERNEL,
    key: 'matmul',
    wgsl: () => gemmWgsl(MATMUL_WGSL_PIECES),
    buffers: [a, b, out],
    params: [m, n, k, aOff, aBatch, sAm, sAk, bOff, bBatch, sBk, sBn],
    groups,
  });
  return out;
}
