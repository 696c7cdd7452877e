// Max and average pooling over NCHW float32 buffers, forward and backward, one invocation per
// output (forward) or per input pixel (backward). The backward passes gather (each input pixel sums
// the windows that cover it), so there are no float atomics and results do not depend on scheduling.

import { checkObject, contextOf } from './arguments.js';
import type { GpuBuffer } from './buffer.js';
import { checkBuffers, checkLength, dispatch, groupsFor, paramsBinding } from './dispatch.js';
import { argumentError, checkCount } from './errors.js';
import { checkPool2dGeometry, pool2dWords, WINDOW_WGSL } from './geometry.js';
import { allocate } from './transfer.js';
import { SPECIAL_VALUES } from './wgsl.js';

/**
 * The shape of a pooling problem: input `[batch, channels, inH, inW]`, output
 * `[batch, channels, outH, outW]`; window `kh` x `kw`, whose tap `(ky, kx)` of output `(oh, ow)`
 * reads input `(oh * strideH - padTop + ky * dilationH, ...)`. The caller computes `outH`/`outW`
 * (floor or ceil mode, as PyTorch's formula).
 *
 * @example
 * ```ts
 * import type { Pool2dGeometry } from '@torchlet/webgpu';
 * const g: Pool2dGeometry = {
 *   batch: 1, channels: 1, inH: 4, inW: 4, kh: 2, kw: 2, strideH: 2, strideW: 2,
 *   padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 2, outW: 2,
 * };
 * g.outW; // -> 2
 * ```
 */
export interface Pool2dGeometry {
  readonly batch: number;
  readonly channels: number;
  readonly inH: number;
  readonly inW: number;
  readonly kh: number;
  readonly kw: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly outH: number;
  readonly outW: number;
}

/**
 * Options of average pooling, as PyTorch's `avg_pool2d`: whether the zero padding counts in the
 * divisor (default true), and a divisor that replaces it.
 *
 * @example
 * ```ts
 * import type { AvgPool2dOptions } from '@torchlet/webgpu';
 * const o: AvgPool2dOptions = { countIncludePad: false };
 * o.countIncludePad; // -> false
 * ```
 */
export interface AvgPool2dOptions {
  readonly countIncludePad?: boolean;
  readonly divisorOverride?: number;
}

/**
 * Names of the pooling kernels, as `getWebGPUInfo().lastKernel` reports them.
 *
 * @example
 * ```ts
 * import { POOL2D_KERNELS } from '@torchlet/webgpu';
 * POOL2D_KERNELS.maxForward; // -> 'webgpu-maxpool2d'
 * ```
 */
export const POOL2D_KERNELS = {
  maxForward: 'webgpu-maxpool2d',
  maxBackward: 'webgpu-maxpool2d-backward-gather',
  avgForward: 'webgpu-avgpool2d',
  avgBackward: 'webgpu-avgpool2d-backward-gather',
} as const;

const GEOMETRY_WGSL = `${WINDOW_WGSL}
fn PLANES() -> u32 { return P[0] * P[1]; }
// P[14]: count_include_pad (1/0); P[15]: divisor override (0: none).
fn divisor(oh: i32, ow: i32) -> f32 {
  if (P[15] != 0u) { return f32(P[15]); }
  let h0 = oh * SH() - PT(); let w0 = ow * SW() - PL();
  let h1 = min(h0 + KH(), H() + PT()); let w1 = min(w0 + KW(), W() + PL());
  if (P[14] == 1u) { return f32((h1 - h0) * (w1 - w0)); }
  return f32((min(h1, H()) - max(h0, 0)) * (min(w1, W()) - max(w0, 0)));
}`;

const MAX_FORWARD = `@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
@group(0) @binding(2) var<storage, read_write> I: array<i32>;
${paramsBinding(3)}
${SPECIAL_VALUES}
${GEOMETRY_WGSL}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let i = item(gid, ng);
  if (i >= PLANES() * u32(OH() * OW())) { return; }
  let plane = i / u32(OH() * OW());
  let r = i32(i % u32(OH() * OW()));
  let oh = r / OW(); let ow = r % OW();
  let base = plane * u32(H() * W());
  var best = -f32_inf();
  var at = -1;
  for (var ky = 0; ky < KH(); ky++) {
    let ih = oh * SH() - PT() + ky * DH();
    if (ih < 0 || ih >= H()) { continue; }
    for (var kx = 0; kx < KW(); kx++) {
      let iw = ow * SW() - PL() + kx * DW();
      if (iw < 0 || iw >= W()) { continue; }
      let v = X[base + u32(ih * W() + iw)];
      // The first maximum in window order wins ties (as PyTorch); a NaN wins outright.
      if (at < 0 || (v > best && !is_nan(best)) || (is_nan(v) && !is_nan(best))) { best = v; at = ih * W() + iw; }
    }
  }
  Y[i] = best;
  I[i] = at;
}`;

const MAX_BACKWARD = `@group(0) @binding(0) var<storage, read> DY: array<f32>;
@group(0) @binding(1) var<storage, read> I: array<i32>;
@group(0) @binding(2) var<storage, read_write> DX: array<f32>;
${paramsBinding(3)}
${GEOMETRY_WGSL}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let i = item(gid, ng);
  if (i >= PLANES() * u32(H() * W())) { return; }
  let plane = i / u32(H() * W());
  let at = i32(i % u32(H() * W()));
  let ih = at / W(); let iw = at % W();
  let base = plane * u32(OH() * OW());
  var acc = 0.0;
  for (var ky = 0; ky < KH(); ky++) {
    let th = ih + PT() - ky * DH();
    if (th < 0 || th % SH() != 0 || th / SH() >= OH()) { continue; }
    for (var kx = 0; kx < KW(); kx++) {
      let tw = iw + PL() - kx * DW();
      if (tw < 0 || tw % SW() != 0 || tw / SW() >= OW()) { continue; }
      let o = base + u32((th / SH()) * OW() + tw / SW());
      if (I[o] == at) { acc += DY[o]; }
    }
  }
  DX[i] = acc;
}`;

const AVG_FORWARD = `@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
${paramsBinding(2)}
${GEOMETRY_WGSL}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let i = item(gid, ng);
  if (i >= PLANES() * u32(OH() * OW())) { return; }
  let plane = i / u32(OH() * OW());
  let r = i32(i % u32(OH() * OW()));
  let oh = r / OW(); let ow = r % OW();
  let base = plane * u32(H() * W());
  var acc = 0.0;
  for (var ky = 0; ky < KH(); ky++) {
    let ih = oh * SH() - PT() + ky;
    if (ih < 0 || ih >= H()) { continue; }
    for (var kx = 0; kx < KW(); kx++) {
      let iw = ow * SW() - PL() + kx;
      if (iw >= 0 && iw < W()) { acc += X[base + u32(ih * W() + iw)]; }
    }
  }
  Y[i] = acc / divisor(oh, ow);
}`;

const AVG_BACKWARD = `@group(0) @binding(0) var<storage, read> DY: array<f32>;
@group(0) @binding(1) var<storage, read_write> DX: array<f32>;
${paramsBinding(2)}
${GEOMETRY_WGSL}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let i = item(gid, ng);
  if (i >= PLANES() * u32(H() * W())) { return; }
  let plane = i / u32(H() * W());
  let at = i32(i % u32(H() * W()));
  let ih = at / W(); let iw = at % W();
  let base = plane * u32(OH() * OW());
  var acc = 0.0;
  for (var ky = 0; ky < KH(); ky++) {
    let th = ih + PT() - ky;
    if (th < 0 || th % SH() != 0 || th / SH() >= OH()) { continue; }
    for (var kx = 0; kx < KW(); kx++) {
      let tw = iw + PL() - kx;
      if (tw < 0 || tw % SW() != 0 || tw / SW() >= OW()) { continue; }
      let oh = th / SH(); let ow = tw / SW();
      acc += DY[base + u32(oh * OW() + ow)] / divisor(oh, ow);
    }
  }
  DX[i] = acc;
}`;

function checkGeometry(fn: string, g: Pool2dGeometry): { x: number; y: number } {
  const n = checkPool2dGeometry(fn, g);
  return { x: n.image, y: n.pooled };
}

function avgWords(fn: string, g: Pool2dGeometry, o: AvgPool2dOptions): number[] {
  checkObject(fn, 'options', o, 'an AvgPool2dOptions object');
  if (g.dilationH !== 1 || g.dilationW !== 1) {
    argumentError(fn, 'geometry', `average pooling has no dilation (got ${g.dilationH}x${g.dilationW}), as in PyTorch`);
  }
  const divisor = o.divisorOverride ?? 0;
  if (o.divisorOverride !== undefined) checkCount(fn, 'divisorOverride', divisor, 1);
  return pool2dWords(g, [o.countIncludePad === false ? 0 : 1, divisor]);
}

/**
 * Max pooling forward: returns the maxima `[batch, channels, outH, outW]` and, as int32, the
 * index of each maximum within its input plane (`ih * inW + iw`, PyTorch's `return_indices`;
 * -1 for a window wholly in the padding, whose value is -inf). The first maximum in window order
 * wins ties; a NaN wins outright (as PyTorch). Kernel: `POOL2D_KERNELS.maxForward`.
 *
 * @param x - The input, a float32 buffer of `[batch, channels, inH, inW]` elements.
 * @param geometry - The sizes, window, stride, padding and dilation; see {@link Pool2dGeometry}.
 * @returns `{ values, indices }`: new buffers of `[batch, channels, outH, outW]` maxima (float32) and their
 *   flat positions in each input plane (int32).
 * @example
 * ```ts
 * import { initWebGPU, maxPool2dForward, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const x = upload(gpu, new Float32Array([1, 5, 2, 0, 3, 4, 1, 7, 0, 0, 9, 1, 0, 8, 2, 2]));
 * const g = {
 *   batch: 1, channels: 1, inH: 4, inW: 4, kh: 2, kw: 2, strideH: 2, strideW: 2,
 *   padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 2, outW: 2,
 * };
 * const { values, indices } = maxPool2dForward(x, g);
 * Array.from(await readback(values)); // -> [5, 7, 8, 9]
 * Array.from(await readback(indices, Int32Array)); // -> [1, 7, 13, 10]
 * ```
 */
export function maxPool2dForward(x: GpuBuffer, geometry: Pool2dGeometry): { values: GpuBuffer; indices: GpuBuffer } {
  const fn = 'maxPool2dForward';
  const gpu = contextOf(fn, 'x', x);
  checkBuffers(fn, gpu, { x });
  const n = checkGeometry(fn, geometry);
  checkLength(fn, 'x', x, n.x, 'the input of this geometry');
  const values = allocate(gpu, n.y);
  const indices = allocate(gpu, n.y);
  if (n.y > 0) {
    dispatch(gpu, {
      name: POOL2D_KERNELS.maxForward,
      key: 'pool2d:max',
      wgsl: () => MAX_FORWARD,
      buffers: [x, values, indices],
      params: pool2dWords(geometry),
      groups: groupsFor(n.y, 64),
    });
  }
  return { values, indices };
}

/**
 * Max pooling backward: each input pixel sums the output gradients of the windows whose maximum
 * it was (`indices` from {@link maxPool2dForward}). Returns `dx`, `[batch, channels, inH, inW]`.
 * Kernel: `POOL2D_KERNELS.maxBackward`.
 *
 * @param dy - The gradient of the output, `[batch, channels, outH, outW]`.
 * @param indices - The int32 indices {@link maxPool2dForward} returned.
 * @param geometry - The forward pass's geometry; see {@link Pool2dGeometry}.
 * @returns A new float32 buffer of `[batch, channels, inH, inW]`: each output gradient added at its maximum.
 * @example
 * ```ts
 * import { initWebGPU, maxPool2dBackward, maxPool2dForward, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const x = upload(gpu, new Float32Array([1, 5, 2, 0, 3, 4]));
 * // 1x3 windows with stride 1 over a 2x3 image: both rows' maxima.
 * const g = {
 *   batch: 1, channels: 1, inH: 2, inW: 3, kh: 1, kw: 3, strideH: 1, strideW: 1,
 *   padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 2, outW: 1,
 * };
 * const { indices } = maxPool2dForward(x, g);
 * const dx = maxPool2dBackward(upload(gpu, new Float32Array([10, 20])), indices, g);
 * Array.from(await readback(dx)); // -> [0, 10, 0, 0, 0, 20]
 * ```
 */
export function maxPool2dBackward(dy: GpuBuffer, indices: GpuBuffer, geometry: Pool2dGeometry): GpuBuffer {
  const fn = 'maxPool2dBackward';
  const gpu = contextOf(fn, 'dy', dy);
  checkBuffers(fn, gpu, { dy, indices });
  const n = checkGeometry(fn, geometry);
  checkLength(fn, 'dy', dy, n.y, 'the output gradient of this geometry');
  checkLength(fn, 'indices', indices, n.y, 'one index per output');
  const dx = allocate(gpu, n.x, { zero: n.y === 0 });
  if (n.x > 0 && n.y > 0) {
    dispatch(gpu, {
      name: POOL2D_KERNELS.maxBackward,
      key: 'pool2d:max-backward',
      wgsl: () => MAX_BACKWARD,
      buffers: [dy, indices, dx],
      params: pool2dWords(geometry),
      groups: groupsFor(n.x, 64),
    });
  }
  return dx;
}

/**
 * Average pooling forward, as PyTorch's `avg_pool2d` (no dilation; `padTop`/`padLeft` are the
 * symmetric padding that bounds the windows for `countIncludePad`). Returns
 * `[batch, channels, outH, outW]`. Kernel: `POOL2D_KERNELS.avgForward`.
 *
 * @param x - The input, a float32 buffer of `[batch, channels, inH, inW]` elements.
 * @param geometry - The sizes, window, stride and padding (dilation must be 1); see {@link Pool2dGeometry}.
 * @param options - `countIncludePad` (default `true`) and `divisorOverride`; see {@link AvgPool2dOptions}.
 * @returns A new float32 buffer of `[batch, channels, outH, outW]` window means.
 * @example
 * ```ts
 * import { avgPool2dForward, initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const x = upload(gpu, new Float32Array([1, 2, 3, 4]));
 * const g = {
 *   batch: 1, channels: 1, inH: 2, inW: 2, kh: 2, kw: 2, strideH: 2, strideW: 2,
 *   padTop: 1, padLeft: 1, dilationH: 1, dilationW: 1, outH: 2, outW: 2,
 * };
 * Array.from(await readback(avgPool2dForward(x, g))); // -> [0.25, 0.5, 0.75, 1]
 * Array.from(await readback(avgPool2dForward(x, g, { countIncludePad: false }))); // -> [1, 2, 3, 4]
 * ```
 */
export function avgPool2dForward(x: GpuBuffer, geometry: Pool2dGeometry, options: AvgPool2dOptions = {}): GpuBuffer {
  const fn = 'avgPool2dForward';
  const gpu = contextOf(fn, 'x', x);
  checkBuffers(fn, gpu, { x });
  const n = checkGeometry(fn, geometry);
  const params = avgWords(fn, geometry, options);
  checkLength(fn, 'x', x, n.x, 'the input of this geometry');
  const y = allocate(gpu, n.y);
  if (n.y > 0) {
    dispatch(gpu, {
      name: POOL2D_KERNELS.avgForward,
      key: 'pool2d:avg',
      wgsl: () => AVG_FORWARD,
      buffers: [x, y],
      params,
      groups: groupsFor(n.y, 64),
    });
  }
  return y;
}

/**
 * Average pooling backward: each input pixel sums `dy / divisor` over the windows that cover it.
 * Returns `dx`, `[batch, channels, inH, inW]`. Kernel: `POOL2D_KERNELS.avgBackward`.
 *
 * @param dy - The gradient of the output, `[batch, channels, outH, outW]`.
 * @param geometry - The forward pass's geometry; see {@link Pool2dGeometry}.
 * @param options - The forward pass's options; see {@link AvgPool2dOptions}.
 * @returns A new float32 buffer of `[batch, channels, inH, inW]`: the gradient with respect to the input.
 * @example
 * ```ts
 * import { avgPool2dBackward, initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const g = {
 *   batch: 1, channels: 1, inH: 2, inW: 2, kh: 2, kw: 2, strideH: 1, strideW: 1,
 *   padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 1, outW: 1,
 * };
 * Array.from(await readback(avgPool2dBackward(upload(gpu, new Float32Array([4])), g))); // -> [1, 1, 1, 1]
 * ```
 */
export function avgPool2dBackward(dy: GpuBuffer, geometry: Pool2dGeometry, options: AvgPool2dOptions = {}): GpuBuffer {
  const fn = 'avgPool2dBackward';
  const gpu = contextOf(fn, 'dy', dy);
  checkBuffers(fn, gpu, { dy });
  const n = checkGeometry(fn, geometry);
  const params = avgWords(fn, geometry, options);
  checkLength(fn, 'dy', dy, n.y, 'the output gradient of this geometry');
  const dx = allocate(gpu, n.x, { zero: n.y === 0 });
  if (n.x > 0 && n.y > 0) {
    dispatch(gpu, {
      name: POOL2D_KERNELS.avgBackward,
      key: 'pool2d:avg-backward',
      wgsl: () => AVG_BACKWARD,
      buffers: [dy, dx],
      params,
      groups: groupsFor(n.x, 64),
    });
  }
  return dx;
}
