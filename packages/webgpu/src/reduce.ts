// Reduction over one dimension of a contiguous array viewed as [outer, size, inner]. Short
// dimensions run one invocation per output; long ones (>= 256) one workgroup per output, whose 256
// invocations stride over the dimension and combine in workgroup memory.

import { checkOpName, checkShape, contextOf } from './arguments.js';
import type { GpuBuffer } from './buffer.js';
import { checkBuffers, checkLength, dispatch, groupsFor, paramsBinding } from './dispatch.js';
import { argumentError, checkCount, describeValue } from './errors.js';
import { allocate } from './transfer.js';
import { SPECIAL_VALUES } from './wgsl.js';

/** Identity and combining step of each reduction. */
const REDUCE_WGSL = {
  sum: { init: '0.0', step: 'acc + v' },
  mean: { init: '0.0', step: 'acc + v' },
  prod: { init: '1.0', step: 'acc * v' },
  // NaN propagates, as in PyTorch (WGSL's max and min leave it unspecified).
  max: { init: '-f32_inf()', step: 'select(max(acc, v), f32_nan(), is_nan(acc) || is_nan(v))' },
  min: { init: 'f32_inf()', step: 'select(min(acc, v), f32_nan(), is_nan(acc) || is_nan(v))' },
} as const;

/**
 * The reductions of {@link reduce}.
 *
 * @example
 * ```ts
 * import type { ReduceOpName } from '@torchlet/webgpu';
 * const op: ReduceOpName = 'mean';
 * op; // -> 'mean'
 * ```
 */
export type ReduceOpName = keyof typeof REDUCE_WGSL;

/** Invocations per workgroup of the long-dimension kernel. */
const WG = 256;
/** Dimensions at least this long take the workgroup kernel. */
const WORKGROUP_MIN = 256;

function serialWgsl(op: ReduceOpName): string {
  const { init, step } = REDUCE_WGSL[op];
  return `@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
${paramsBinding(2)}
${SPECIAL_VALUES}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let i = gid.y * ng.x * 64u + gid.x;
  let outer = P[0]; let size = P[1]; let inner = P[2];
  if (i >= outer * inner) { return; }
  let o = i / inner; let r = i % inner;
  var at = o * size * inner + r;
  var acc: f32 = ${init};
  for (var j = 0u; j < size; j++) { let v = x[at]; acc = ${step}; at += inner; }
  ${op === 'mean' ? 'acc = select(acc / f32(size), f32_nan(), size == 0u);' : ''}
  out[i] = acc;
}`;
}

function workgroupWgsl(op: ReduceOpName): string {
  const { init, step } = REDUCE_WGSL[op];
  return `@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
${paramsBinding(2)}
${SPECIAL_VALUES}
var<workgroup> part: array<f32, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let i = wid.y * ng.x + wid.x;
  let outer = P[0]; let size = P[1]; let inner = P[2];
  // i is uniform across the workgroup, so every invocation reaches the barriers.
  let live = i < outer * inner;
  var acc: f32 = ${init};
  if (live) {
    let base = (i / inner) * size * inner + i % inner;
    for (var j = li; j < size; j += ${WG}u) { let v = x[base + j * inner]; acc = ${step}; }
  }
  part[li] = acc;
  workgroupBarrier();
  for (var half = ${WG / 2}u; half > 0u; half = half / 2u) {
    if (li < half) { let v = part[li + half]; let a2 = part[li]; part[li] = ${step.replaceAll('acc', 'a2')}; }
    workgroupBarrier();
  }
  if (live && li == 0u) {
    var r = part[0];
    ${op === 'mean' ? 'r = r / f32(size);' : ''}
    out[i] = r;
  }
}`;
}

/**
 * Reduces dimension `dim` of a contiguous array of `shape`: a new buffer of the shape without
 * that dimension (`keepdim` changes only the caller's view of it). `sum`, `mean`, `prod`, `max`,
 * `min` accumulate in float32; `mean` divides by the dimension's size. A reduction over an empty
 * dimension gives the identity (0, 1, -inf, +inf; `mean`: NaN, as PyTorch). Kernels:
 * `'webgpu-reduce-serial'` (one invocation per output, dimensions below 256) and
 * `'webgpu-reduce-workgroup'` (one workgroup per output).
 *
 * @param op - `'sum'`, `'mean'`, `'prod'`, `'max'` or `'min'`.
 * @param x - The input, a contiguous float32 buffer of `shape`.
 * @param shape - The input's shape.
 * @param dim - The dimension to reduce, in `[0, shape.length)`.
 * @returns A new float32 buffer of `shape` without `dim`.
 * @example
 * ```ts
 * import { initWebGPU, readback, reduce, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const x = upload(gpu, new Float32Array([1, 2, 3, 4, 5, 6])); // [2, 3]
 * Array.from(await readback(reduce('sum', x, [2, 3], 1))); // -> [6, 15]
 * Array.from(await readback(reduce('max', x, [2, 3], 0))); // -> [4, 5, 6]
 * ```
 */
export function reduce(op: ReduceOpName, x: GpuBuffer, shape: readonly number[], dim: number): GpuBuffer {
  const fn = 'reduce';
  checkOpName(fn, op, REDUCE_WGSL);
  const gpu = contextOf(fn, 'x', x);
  checkBuffers(fn, gpu, { x });
  checkShape(fn, 'shape', shape);
  if (!Number.isInteger(dim) || dim < 0 || dim >= shape.length) {
    argumentError(
      fn,
      'dim',
      `must be an integer in [0, ${shape.length}) for shape [${shape.join(',')}], got ${describeValue(dim)}`,
    );
  }
  for (const [d, s] of shape.entries()) checkCount(fn, `shape[${d}]`, s);
  const outer = shape.slice(0, dim).reduce((p, s) => p * s, 1);
  const size = shape[dim];
  const inner = shape.slice(dim + 1).reduce((p, s) => p * s, 1);
  checkLength(fn, 'x', x, outer * size * inner, `shape [${shape.join(',')}]`);
  const out = allocate(gpu, outer * inner);
  if (outer * inner === 0) return out;
  const long = size >= WORKGROUP_MIN;
  dispatch(gpu, {
    name: long ? 'webgpu-reduce-workgroup' : 'webgpu-reduce-serial',
    key: `reduce:${op}:${long ? 'wg' : 'serial'}`,
    wgsl: () => (long ? workgroupWgsl(op) : serialWgsl(op)),
    buffers: [x, out],
    params: [outer, size, inner],
    groups: long ? groupsFor(outer * inner, 1) : groupsFor(outer * inner, 64),
  });
  return out;
}

/**
 * The reductions of {@link argReduce}.
 *
 * @example
 * ```ts
 * import type { ArgReduceOpName } from '@torchlet/webgpu';
 * const op: ArgReduceOpName = 'argmax';
 * op; // -> 'argmax'
 * ```
 */
export type ArgReduceOpName = 'argmax' | 'argmin';

const ARG_OPS: Readonly<Record<ArgReduceOpName, string>> = { argmax: '>', argmin: '<' };

function argWgsl(op: ArgReduceOpName): string {
  return `@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<i32>;
${paramsBinding(2)}
${SPECIAL_VALUES}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let i = gid.y * ng.x * 64u + gid.x;
  let outer = P[0]; let size = P[1]; let inner = P[2];
  if (i >= outer * inner) { return; }
  var at = (i / inner) * size * inner + i % inner;
  var best = x[at];
  var arg = 0u;
  // The first extreme wins ties; the first NaN wins outright (PyTorch treats NaN as the extreme).
  for (var j = 1u; j < size; j++) {
    at += inner;
    let v = x[at];
    if (!is_nan(best) && (is_nan(v) || v ${ARG_OPS[op]} best)) { best = v; arg = j; }
  }
  out[i] = i32(arg);
}`;
}

/**
 * The index of the largest (`argmax`) or smallest (`argmin`) element along dimension `dim` of a
 * contiguous array of `shape`: a new int32 buffer of the shape without that dimension (read it
 * with `readback(buffer, Int32Array)`). The first extreme wins ties and a NaN counts as the
 * extreme, as in PyTorch; an empty dimension is an error (PyTorch raises too). Kernel:
 * `'webgpu-argreduce-serial'`.
 *
 * @param op - `'argmax'` or `'argmin'`.
 * @param x - The input, a contiguous float32 buffer of `shape`.
 * @param shape - The input's shape.
 * @param dim - The dimension to reduce, in `[0, shape.length)`.
 * @returns A new int32 buffer of `shape` without `dim`: the index of the first extreme along it.
 * @example
 * ```ts
 * import { argReduce, initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const logits = upload(gpu, new Float32Array([0.1, 2, 0.3, 5, -1, 5])); // [2, 3]
 * Array.from(await readback(argReduce('argmax', logits, [2, 3], 1), Int32Array)); // -> [1, 0]
 * ```
 */
export function argReduce(op: ArgReduceOpName, x: GpuBuffer, shape: readonly number[], dim: number): GpuBuffer {
  const fn = 'argReduce';
  checkOpName(fn, op, ARG_OPS);
  const gpu = contextOf(fn, 'x', x);
  checkBuffers(fn, gpu, { x });
  checkShape(fn, 'shape', shape);
  if (!Number.isInteger(dim) || dim < 0 || dim >= shape.length) {
    argumentError(
      fn,
      'dim',
      `must be an integer in [0, ${shape.length}) for shape [${shape.join(',')}], got ${describeValue(dim)}`,
    );
  }
  const outer = shape.slice(0, dim).reduce((p, s) => p * s, 1);
  const size = shape[dim];
  const inner = shape.slice(dim + 1).reduce((p, s) => p * s, 1);
  if (size === 0 && outer * inner > 0) {
    argumentError(fn, 'dim', `${op} of an empty dimension (dim ${dim} of [${shape.join(',')}]) has no index`);
  }
  checkLength(fn, 'x', x, outer * size * inner, `shape [${shape.join(',')}]`);
  const out = allocate(gpu, outer * inner);
  if (outer * inner === 0) return out;
  dispatch(gpu, {
    name: 'webgpu-argreduce-serial',
    key: `argreduce:${op}`,
    wgsl: () => argWgsl(op),
    buffers: [x, out],
    params: [outer, size, inner],
    groups: groupsFor(outer * inner, 64),
  });
  return out;
}
