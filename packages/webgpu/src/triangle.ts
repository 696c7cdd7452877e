// The lower or upper triangle of a stack of matrices (tril/triu): a copy of 32-bit words that
// writes zero bits (0 in float32, int32 and bool alike) on the other side of a diagonal.

import { checkObject, contextOf } from './arguments.js';
import type { GpuBuffer } from './buffer.js';
import { checkBuffers, checkLength, dispatch, groupsFor, paramsBinding } from './dispatch.js';
import { argumentError, checkCount, describeValue } from './errors.js';
import { allocate } from './transfer.js';

/**
 * A {@link triangle} problem: `batch` row-major matrices of `rows` x `cols`; `lower` keeps
 * column `j <= i + diagonal` of row `i` (tril), otherwise `j >= i + diagonal` (triu).
 *
 * @example
 * ```ts
 * import type { TriangleGeometry } from '@torchlet/webgpu';
 * const g: TriangleGeometry = { batch: 1, rows: 3, cols: 3, diagonal: 0, lower: true };
 * g.lower; // -> true
 * ```
 */
export interface TriangleGeometry {
  readonly batch: number;
  readonly rows: number;
  readonly cols: number;
  readonly diagonal: number;
  readonly lower: boolean;
}

const WG = 64;

// P: [total, rows, cols, diagonal (i32 bits), lower]
const WGSL = `@group(0) @binding(0) var<storage, read> X: array<u32>;
@group(0) @binding(1) var<storage, read_write> Y: array<u32>;
${paramsBinding(2)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let i = gid.y * ng.x * ${WG}u + gid.x;
  if (i >= P[0]) { return; }
  let r = i32((i / P[2]) % P[1]);
  let c = i32(i % P[2]);
  let k = bitcast<i32>(P[3]);
  let keep = select(c - r >= k, c - r <= k, P[4] == 1u);
  Y[i] = select(0u, X[i], keep);
}`;

/**
 * The lower (`tril`) or upper (`triu`) triangle of each matrix of `x`, the rest zeroed. Works on
 * any 32-bit element type. Kernel: `'webgpu-triangle'`.
 *
 * Shapes: `[batch, rows, cols]` -> the same.
 *
 * @param x - The matrices, row-major.
 * @param geometry - Their count and size, the diagonal and the side; see {@link TriangleGeometry}.
 * @returns A new buffer of `batch * rows * cols` elements.
 * @example
 * ```ts
 * import { initWebGPU, readback, triangle, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const x = upload(gpu, new Float32Array([1, 2, 3, 4]));
 * Array.from(await readback(triangle(x, { batch: 1, rows: 2, cols: 2, diagonal: 0, lower: true }))); // -> [1, 0, 3, 4]
 * ```
 */
export function triangle(x: GpuBuffer, geometry: TriangleGeometry): GpuBuffer {
  const fn = 'triangle';
  const gpu = contextOf(fn, 'x', x);
  checkBuffers(fn, gpu, { x });
  checkObject(fn, 'geometry', geometry, 'a TriangleGeometry object');
  for (const f of ['batch', 'rows', 'cols'] as const) checkCount(fn, `geometry.${f}`, geometry[f]);
  const { batch, rows, cols, diagonal, lower } = geometry;
  if (!Number.isInteger(diagonal) || Math.abs(diagonal) > 0x7fffffff) {
    argumentError(fn, 'geometry.diagonal', `must be a 32-bit integer, got ${describeValue(diagonal)}`);
  }
  if (typeof lower !== 'boolean') argumentError(fn, 'geometry.lower', `must be a boolean, got ${describeValue(lower)}`);
  const total = batch * rows * cols;
  checkLength(fn, 'x', x, total, 'the matrices of this geometry');
  const y = allocate(gpu, total);
  if (total === 0) return y;
  dispatch(gpu, {
    name: 'webgpu-triangle',
    key: 'triangle',
    wgsl: () => WGSL,
    buffers: [x, y],
    params: [total, rows, cols, diagonal | 0, lower ? 1 : 0],
    groups: groupsFor(total, WG),
  });
  return y;
}
