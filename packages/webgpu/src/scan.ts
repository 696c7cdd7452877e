// Running sums and products along one dimension of a contiguous array viewed as
// [outer, size, inner]: one invocation per (outer, inner) line walks the line in order, so each
// prefix is the same float32 sequence of operations as a serial loop.

import { checkOpName, checkShape, contextOf } from './arguments.js';
import type { GpuBuffer } from './buffer.js';
import { checkBuffers, checkLength, dispatch, groupsFor, paramsBinding } from './dispatch.js';
import { argumentError } from './errors.js';
import { allocate } from './transfer.js';

/**
 * The running reductions of {@link scan}.
 *
 * @example
 * ```ts
 * import type { ScanOpName } from '@torchlet/webgpu';
 * const op: ScanOpName = 'cumprod';
 * op; // -> 'cumprod'
 * ```
 */
export type ScanOpName = 'cumsum' | 'cumprod';

const SCAN_WGSL: Readonly<Record<ScanOpName, { readonly init: string; readonly step: string }>> = {
  cumsum: { init: '0.0', step: 'acc + X[at]' },
  cumprod: { init: '1.0', step: 'acc * X[at]' },
};

const WG = 64;

function wgsl(op: ScanOpName): string {
  const { init, step } = SCAN_WGSL[op];
  return `@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
${paramsBinding(2)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let i = gid.y * ng.x * ${WG}u + gid.x;
  let outer = P[0]; let size = P[1]; let inner = P[2];
  if (i >= outer * inner) { return; }
  var at = (i / inner) * size * inner + i % inner;
  var acc: f32 = ${init};
  for (var j = 0u; j < size; j++) { acc = ${step}; Y[at] = acc; at += inner; }
}`;
}

/**
 * The running sum (`'cumsum'`) or product (`'cumprod'`) of a contiguous float32 buffer of `shape`
 * along `dim`, accumulated in float32 in index order. Kernel: `'webgpu-scan-<op>'`.
 *
 * Shapes: `shape` -> `shape`.
 *
 * @param op - `'cumsum'` or `'cumprod'`.
 * @param x - The input, row-major.
 * @param shape - The input's shape.
 * @param dim - The dimension to accumulate along (0 <= dim < rank; a 0-d input is its own scan).
 * @returns A new float32 buffer of `shape`.
 * @example
 * ```ts
 * import { initWebGPU, readback, scan, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const x = upload(gpu, new Float32Array([1, 2, 3, 4, 5, 6]));
 * Array.from(await readback(scan('cumsum', x, [2, 3], 1))); // -> [1, 3, 6, 4, 9, 15]
 * Array.from(await readback(scan('cumprod', x, [2, 3], 0))); // -> [1, 2, 3, 4, 10, 18]
 * ```
 */
export function scan(op: ScanOpName, x: GpuBuffer, shape: readonly number[], dim: number): GpuBuffer {
  const fn = 'scan';
  checkOpName(fn, op, SCAN_WGSL);
  const gpu = contextOf(fn, 'x', x);
  checkBuffers(fn, gpu, { x });
  checkShape(fn, 'shape', shape);
  const rank = shape.length;
  if (!Number.isInteger(dim) || dim < 0 || dim >= Math.max(rank, 1)) {
    argumentError(fn, 'dim', `must be an integer in [0, ${Math.max(rank, 1)}), got ${dim}`);
  }
  const total = shape.reduce((a, b) => a * b, 1);
  checkLength(fn, 'x', x, total, `an input of shape [${shape.join(',')}]`);
  const outer = shape.slice(0, dim).reduce((a, b) => a * b, 1);
  const size = rank === 0 ? 1 : shape[dim];
  const inner = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const y = allocate(gpu, total);
  if (total === 0) return y;
  dispatch(gpu, {
    name: `webgpu-scan-${op}`,
    key: `scan:${op}`,
    wgsl: () => wgsl(op),
    buffers: [x, y],
    params: [outer, size, inner],
    groups: groupsFor(outer * inner, WG),
  });
  return y;
}
