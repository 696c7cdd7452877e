// Adaptive average and max pooling (PyTorch's adaptive_avg_pool2d / adaptive_max_pool2d): output
// cell oh covers input rows [floor(oh*H/OH), ceil((oh+1)*H/OH)). Forward: one invocation per output;
// backward gathers over the output cells whose window holds the input pixel (no atomics).

import { contextOf } from './arguments.js';
import type { GpuBuffer } from './buffer.js';
import { checkBuffers, checkLength, dispatch, groupsFor, paramsBinding } from './dispatch.js';
import { argumentError } from './errors.js';
import { checkFields } from './geometry.js';
import { allocate } from './transfer.js';
import { SPECIAL_VALUES } from './wgsl.js';

/**
 * An adaptive pooling problem: input `[batch, channels, inH, inW]`, output
 * `[batch, channels, outH, outW]`.
 *
 * @example
 * ```ts
 * import type { AdaptivePool2dGeometry } from '@torchlet/webgpu';
 * const g: AdaptivePool2dGeometry = { batch: 1, channels: 3, inH: 7, inW: 7, outH: 1, outW: 1 };
 * g.outH; // -> 1
 * ```
 */
export interface AdaptivePool2dGeometry {
  readonly batch: number;
  readonly channels: number;
  readonly inH: number;
  readonly inW: number;
  readonly outH: number;
  readonly outW: number;
}

/**
 * Names of the adaptive pooling kernels, as `getWebGPUInfo().lastKernel` reports them.
 *
 * @example
 * ```ts
 * import { ADAPTIVE_POOL2D_KERNELS } from '@torchlet/webgpu';
 * ADAPTIVE_POOL2D_KERNELS.avgForward; // -> 'webgpu-adaptive-avgpool2d'
 * ```
 */
export const ADAPTIVE_POOL2D_KERNELS = {
  avgForward: 'webgpu-adaptive-avgpool2d',
  avgBackward: 'webgpu-adaptive-avgpool2d-backward-gather',
  maxForward: 'webgpu-adaptive-maxpool2d',
  maxBackward: 'webgpu-adaptive-maxpool2d-backward-gather',
} as const;

const FIELDS = ['batch', 'channels', 'inH', 'inW', 'outH', 'outW'] as const;

// P: [batch, channels, inH, inW, outH, outW].
const COMMON = `
fn H() -> u32 { return P[2]; }
fn W() -> u32 { return P[3]; }
fn OH() -> u32 { return P[4]; }
fn OW() -> u32 { return P[5]; }
fn PLANES() -> u32 { return P[0] * P[1]; }
fn item(gid: vec3<u32>, ng: vec3<u32>) -> u32 { return gid.y * ng.x * 64u + gid.x; }
fn start(o: u32, n: u32, outs: u32) -> u32 { return (o * n) / outs; }
fn end(o: u32, n: u32, outs: u32) -> u32 { return ((o + 1u) * n + outs - 1u) / outs; }
// The output cells whose window holds input coordinate i: an interval around i * outs / n.
fn first(i: u32, n: u32, outs: u32) -> u32 { return (i * outs) / n; }
fn last(i: u32, n: u32, outs: u32) -> u32 { return min(outs - 1u, ((i + 1u) * outs) / n); }`;

const AVG_FORWARD = `@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
${paramsBinding(2)}
${COMMON}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let i = item(gid, ng);
  if (i >= PLANES() * OH() * OW()) { return; }
  let plane = i / (OH() * OW());
  let oh = (i % (OH() * OW())) / OW(); let ow = i % OW();
  let h0 = start(oh, H(), OH()); let h1 = end(oh, H(), OH());
  let w0 = start(ow, W(), OW()); let w1 = end(ow, W(), OW());
  let base = plane * H() * W();
  var acc = 0.0;
  for (var h = h0; h < h1; h++) { for (var w = w0; w < w1; w++) { acc += X[base + h * W() + w]; } }
  Y[i] = acc / f32((h1 - h0) * (w1 - w0));
}`;

const AVG_BACKWARD = `@group(0) @binding(0) var<storage, read> DY: array<f32>;
@group(0) @binding(1) var<storage, read_write> DX: array<f32>;
${paramsBinding(2)}
${COMMON}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let i = item(gid, ng);
  if (i >= PLANES() * H() * W()) { return; }
  let plane = i / (H() * W());
  let ih = (i % (H() * W())) / W(); let iw = i % W();
  let base = plane * OH() * OW();
  var acc = 0.0;
  for (var oh = first(ih, H(), OH()); oh <= last(ih, H(), OH()); oh++) {
    let h0 = start(oh, H(), OH()); let h1 = end(oh, H(), OH());
    if (ih < h0 || ih >= h1) { continue; }
    for (var ow = first(iw, W(), OW()); ow <= last(iw, W(), OW()); ow++) {
      let w0 = start(ow, W(), OW()); let w1 = end(ow, W(), OW());
      if (iw >= w0 && iw < w1) { acc += DY[base + oh * OW() + ow] / f32((h1 - h0) * (w1 - w0)); }
    }
  }
  DX[i] = acc;
}`;

const MAX_FORWARD = `@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
@group(0) @binding(2) var<storage, read_write> I: array<i32>;
${paramsBinding(3)}
${SPECIAL_VALUES}
${COMMON}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let i = item(gid, ng);
  if (i >= PLANES() * OH() * OW()) { return; }
  let plane = i / (OH() * OW());
  let oh = (i % (OH() * OW())) / OW(); let ow = i % OW();
  let base = plane * H() * W();
  var best = -f32_inf();
  var at = -1;
  for (var h = start(oh, H(), OH()); h < end(oh, H(), OH()); h++) {
    for (var w = start(ow, W(), OW()); w < end(ow, W(), OW()); w++) {
      let v = X[base + h * W() + w];
      // The first maximum in window order wins ties; a NaN wins outright (as PyTorch).
      if (at < 0 || (v > best && !is_nan(best)) || (is_nan(v) && !is_nan(best))) { best = v; at = i32(h * W() + w); }
    }
  }
  Y[i] = best;
  I[i] = at;
}`;

const MAX_BACKWARD = `@group(0) @binding(0) var<storage, read> DY: array<f32>;
@group(0) @binding(1) var<storage, read> I: array<i32>;
@group(0) @binding(2) var<storage, read_write> DX: array<f32>;
${paramsBinding(3)}
${COMMON}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let i = item(gid, ng);
  if (i >= PLANES() * H() * W()) { return; }
  let plane = i / (H() * W());
  let at = i32(i % (H() * W()));
  let ih = u32(at) / W(); let iw = u32(at) % W();
  let base = plane * OH() * OW();
  var acc = 0.0;
  for (var oh = first(ih, H(), OH()); oh <= last(ih, H(), OH()); oh++) {
    for (var ow = first(iw, W(), OW()); ow <= last(iw, W(), OW()); ow++) {
      let o = base + oh * OW() + ow;
      if (I[o] == at) { acc += DY[o]; }
    }
  }
  DX[i] = acc;
}`;

function checkGeometry(fn: string, g: AdaptivePool2dGeometry): { x: number; y: number } {
  const spatial = (f: (typeof FIELDS)[number]): boolean => f !== 'batch' && f !== 'channels';
  checkFields(
    fn,
    g,
    'an AdaptivePool2dGeometry object',
    FIELDS,
    () => 0,
    (f) => (spatial(f) ? 0xffff : 0x7fffffff),
    ' (window bounds are computed in 32 bits)',
  );
  const y = g.batch * g.channels * g.outH * g.outW;
  if (y > 0 && (g.inH === 0 || g.inW === 0)) {
    argumentError(fn, 'geometry', `an empty input plane (${g.inH}x${g.inW}) has no windows to pool`);
  }
  return { x: g.batch * g.channels * g.inH * g.inW, y };
}

const words = (g: AdaptivePool2dGeometry): number[] => FIELDS.map((f) => g[f]);

/**
 * Adaptive average pooling forward (PyTorch's `adaptive_avg_pool2d`): output cell `(oh, ow)`
 * averages input rows `[floor(oh*inH/outH), ceil((oh+1)*inH/outH))` and the columns likewise.
 * Returns `[batch, channels, outH, outW]`. Kernel: `ADAPTIVE_POOL2D_KERNELS.avgForward`.
 *
 * @param x - The input, a float32 buffer of `[batch, channels, inH, inW]` elements.
 * @param geometry - The batch, channel, input and output sizes; see {@link AdaptivePool2dGeometry}.
 * @returns A new float32 buffer of `[batch, channels, outH, outW]` window means.
 * @example
 * ```ts
 * import { adaptiveAvgPool2dForward, initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const x = upload(gpu, new Float32Array([1, 2, 3, 4, 5, 6])); // 1 x 1 x 2 x 3
 * const g = { batch: 1, channels: 1, inH: 2, inW: 3, outH: 1, outW: 2 };
 * Array.from(await readback(adaptiveAvgPool2dForward(x, g))); // -> [3, 4]
 * ```
 */
export function adaptiveAvgPool2dForward(x: GpuBuffer, geometry: AdaptivePool2dGeometry): GpuBuffer {
  const fn = 'adaptiveAvgPool2dForward';
  const gpu = contextOf(fn, 'x', x);
  checkBuffers(fn, gpu, { x });
  const n = checkGeometry(fn, geometry);
  checkLength(fn, 'x', x, n.x, 'the input of this geometry');
  const y = allocate(gpu, n.y);
  if (n.y > 0) {
    dispatch(gpu, {
      name: ADAPTIVE_POOL2D_KERNELS.avgForward,
      key: 'adaptive-pool2d:avg',
      wgsl: () => AVG_FORWARD,
      buffers: [x, y],
      params: words(geometry),
      groups: groupsFor(n.y, 64),
    });
  }
  return y;
}

/**
 * The gradient of {@link adaptiveAvgPool2dForward}: each input pixel sums `dy / window size` over
 * the output cells whose window holds it. Returns `dx`, `[batch, channels, inH, inW]`. Kernel:
 * `ADAPTIVE_POOL2D_KERNELS.avgBackward`.
 *
 * @param dy - The gradient of the output, a float32 buffer of `[batch, channels, outH, outW]` elements.
 * @param geometry - The forward pass's sizes; see {@link AdaptivePool2dGeometry}.
 * @returns A new float32 buffer of `[batch, channels, inH, inW]`: the gradient with respect to the input.
 * @example
 * ```ts
 * import { adaptiveAvgPool2dBackward, initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const g = { batch: 1, channels: 1, inH: 2, inW: 3, outH: 1, outW: 2 };
 * const dy = upload(gpu, new Float32Array([4, 8])); // windows of 2x2, overlapping in column 1
 * Array.from(await readback(adaptiveAvgPool2dBackward(dy, g))); // -> [1, 3, 2, 1, 3, 2]
 * ```
 */
export function adaptiveAvgPool2dBackward(dy: GpuBuffer, geometry: AdaptivePool2dGeometry): GpuBuffer {
  const fn = 'adaptiveAvgPool2dBackward';
  const gpu = contextOf(fn, 'dy', dy);
  checkBuffers(fn, gpu, { dy });
  const n = checkGeometry(fn, geometry);
  checkLength(fn, 'dy', dy, n.y, 'the output gradient of this geometry');
  const dx = allocate(gpu, n.x, { zero: n.y === 0 });
  if (n.x > 0 && n.y > 0) {
    dispatch(gpu, {
      name: ADAPTIVE_POOL2D_KERNELS.avgBackward,
      key: 'adaptive-pool2d:avg-backward',
      wgsl: () => AVG_BACKWARD,
      buffers: [dy, dx],
      params: words(geometry),
      groups: groupsFor(n.x, 64),
    });
  }
  return dx;
}

/**
 * Adaptive max pooling forward (PyTorch's `adaptive_max_pool2d` with `return_indices`): the
 * maxima over the same windows as {@link adaptiveAvgPool2dForward}, and as int32 the index of each
 * within its input plane (`ih * inW + iw`). The first maximum wins ties; a NaN wins outright.
 * Kernel: `ADAPTIVE_POOL2D_KERNELS.maxForward`.
 *
 * @param x - The input, a float32 buffer of `[batch, channels, inH, inW]` elements.
 * @param geometry - The batch, channel, input and output sizes; see {@link AdaptivePool2dGeometry}.
 * @returns `{ values, indices }`: new buffers of `[batch, channels, outH, outW]` maxima (float32) and their
 *   flat positions in each input plane (int32).
 * @example
 * ```ts
 * import { adaptiveMaxPool2dForward, initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const x = upload(gpu, new Float32Array([1, 9, 3, 4, 5, 6])); // 1 x 1 x 2 x 3
 * const { values, indices } = adaptiveMaxPool2dForward(x, { batch: 1, channels: 1, inH: 2, inW: 3, outH: 1, outW: 2 });
 * Array.from(await readback(values)); // -> [9, 9]
 * Array.from(await readback(indices, Int32Array)); // -> [1, 1]
 * ```
 */
export function adaptiveMaxPool2dForward(
  x: GpuBuffer,
  geometry: AdaptivePool2dGeometry,
): { values: GpuBuffer; indices: GpuBuffer } {
  const fn = 'adaptiveMaxPool2dForward';
  const gpu = contextOf(fn, 'x', x);
  checkBuffers(fn, gpu, { x });
  const n = checkGeometry(fn, geometry);
  checkLength(fn, 'x', x, n.x, 'the input of this geometry');
  const values = allocate(gpu, n.y);
  const indices = allocate(gpu, n.y);
  if (n.y > 0) {
    dispatch(gpu, {
      name: ADAPTIVE_POOL2D_KERNELS.maxForward,
      key: 'adaptive-pool2d:max',
      wgsl: () => MAX_FORWARD,
      buffers: [x, values, indices],
      params: words(geometry),
      groups: groupsFor(n.y, 64),
    });
  }
  return { values, indices };
}

/**
 * The gradient of {@link adaptiveMaxPool2dForward}: each input pixel sums the output gradients of
 * the cells whose maximum it was. Returns `dx`, `[batch, channels, inH, inW]`. Kernel:
 * `ADAPTIVE_POOL2D_KERNELS.maxBackward`.
 *
 * @param dy - The gradient of the output, a float32 buffer of `[batch, channels, outH, outW]` elements.
 * @param indices - The int32 indices {@link adaptiveMaxPool2dForward} returned.
 * @param geometry - The forward pass's sizes; see {@link AdaptivePool2dGeometry}.
 * @returns A new float32 buffer of `[batch, channels, inH, inW]`: each output gradient added at its maximum.
 * @example
 * ```ts
 * import { adaptiveMaxPool2dBackward, adaptiveMaxPool2dForward, initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const g = { batch: 1, channels: 1, inH: 2, inW: 3, outH: 1, outW: 2 };
 * const { indices } = adaptiveMaxPool2dForward(upload(gpu, new Float32Array([1, 9, 3, 4, 5, 6])), g);
 * const dx = adaptiveMaxPool2dBackward(upload(gpu, new Float32Array([1, 2])), indices, g);
 * Array.from(await readback(dx)); // -> [0, 3, 0, 0, 0, 0]
 * ```
 */
export function adaptiveMaxPool2dBackward(
  dy: GpuBuffer,
  indices: GpuBuffer,
  geometry: AdaptivePool2dGeometry,
): GpuBuffer {
  const fn = 'adaptiveMaxPool2dBackward';
  const gpu = contextOf(fn, 'dy', dy);
  checkBuffers(fn, gpu, { dy, indices });
  const n = checkGeometry(fn, geometry);
  checkLength(fn, 'dy', dy, n.y, 'the output gradient of this geometry');
  checkLength(fn, 'indices', indices, n.y, 'one index per output');
  const dx = allocate(gpu, n.x, { zero: n.y === 0 });
  if (n.x > 0 && n.y > 0) {
    dispatch(gpu, {
      name: ADAPTIVE_POOL2D_KERNELS.maxBackward,
      key: 'adaptive-pool2d:max-backward',
      wgsl: () => MAX_BACKWARD,
      buffers: [dy, indices, dx],
      params: words(geometry),
      groups: groupsFor(n.x, 64),
    });
  }
  return dx;
}
