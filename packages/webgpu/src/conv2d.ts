// conv2d forward and both gradients as implicit GEMMs on the shared tiled template: the loaders
// gather input pixels (or output gradients) straight from NCHW buffers, one GEMM per group
// (workgroup z), so no im2col or col2im matrix is ever built.
//
//   forward        out[g]  (Cout/g x N*OH*OW)   = W[g] (Cout/g x Cin/g*KH*KW)  @ unfold(x)[g]
//   input grad     dx[g]   (Cin/g  x N*H*W)     = W[g]^T (per tap)             @ gather(dy)[g]
//   weight grad    dw[g]   (Cout/g x Cin/g*KH*KW) = dy[g] (Cout/g x N*OH*OW)   @ unfold(x)[g]^T
//
// The input gradient gathers instead of scattering: input pixel ih receives tap ky from output row
// oh = (ih + padTop - ky*dilationH) / strideH when that division is exact and in range.

import { contextOf } from './arguments.js';
import type { GpuBuffer } from './buffer.js';
import { checkBuffers, checkLength, dispatch, MAX_GROUPS, paramsBinding } from './dispatch.js';
import { argumentError } from './errors.js';
import { gemmGroups, gemmWgsl } from './gemm-template.js';
import { CONV2D_FIELDS, checkConv2dGeometry } from './geometry.js';
import { reduce } from './reduce.js';
import { allocate } from './transfer.js';

/**
 * The shape of a conv2d problem on dense NCHW float32 buffers (the same fields as
 * `@torchlet/kernels`' `Conv2dGeometry`): input `[batch, inChannels, inH, inW]`, weight
 * `[outChannels, inChannels / groups, kh, kw]`, output `[batch, outChannels, outH, outW]`. Input
 * pixel `(oh * strideH - padTop + ky * dilationH, ...)` feeds output `(oh, ow)`; reads outside the
 * input are zeros, so `outH` / `outW` also fix the bottom and right padding.
 *
 * @example
 * ```ts
 * import type { Conv2dGeometry } from '@torchlet/webgpu';
 * const g: Conv2dGeometry = {
 *   batch: 1, inChannels: 1, inH: 3, inW: 3, outChannels: 1, kh: 2, kw: 2, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 2, outW: 2,
 * };
 * g.outH; // -> 2
 * ```
 */
export interface Conv2dGeometry {
  readonly batch: number;
  readonly inChannels: number;
  readonly inH: number;
  readonly inW: number;
  readonly outChannels: number;
  readonly kh: number;
  readonly kw: number;
  readonly groups: number;
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
 * Names of the three conv2d kernels, as `getWebGPUInfo().lastKernel` reports them.
 *
 * @example
 * ```ts
 * import { CONV2D_KERNELS } from '@torchlet/webgpu';
 * CONV2D_KERNELS.forward; // -> 'webgpu-conv2d-implicit-gemm-32x32'
 * ```
 */
export const CONV2D_KERNELS = {
  forward: 'webgpu-conv2d-implicit-gemm-32x32',
  backwardInput: 'webgpu-conv2d-backward-input-implicit-gemm-32x32',
  backwardWeight: 'webgpu-conv2d-backward-weight-implicit-gemm-32x32',
  backwardWeightSplitK: 'webgpu-conv2d-backward-weight-implicit-gemm-32x32-split-k',
} as const;

/** The geometry as parameter words, in the order the WGSL's `G_*` names index them. */

/** WGSL names for the geometry words (and the derived per-group channel counts). */
const GEOMETRY_WGSL = `
fn N() -> u32 { return P[0]; }
fn CIN() -> u32 { return P[1]; }
fn H() -> u32 { return P[2]; }
fn W() -> u32 { return P[3]; }
fn COUT() -> u32 { return P[4]; }
fn KH() -> u32 { return P[5]; }
fn KW() -> u32 { return P[6]; }
fn CING() -> u32 { return P[1] / P[7]; }
fn COUTG() -> u32 { return P[4] / P[7]; }
fn SH() -> i32 { return i32(P[8]); }
fn SW() -> i32 { return i32(P[9]); }
fn PT() -> i32 { return i32(P[10]); }
fn PL() -> i32 { return i32(P[11]); }
fn DH() -> i32 { return i32(P[12]); }
fn DW() -> i32 { return i32(P[13]); }
fn OH() -> u32 { return P[14]; }
fn OW() -> u32 { return P[15]; }
fn HAS_BIAS() -> bool { return P[16] == 1u; }
// Input pixel (ih, iw) of image nb, channel c of the group's input g, or 0 outside the image.
fn pixel(nb: u32, c: u32, ih: i32, iw: i32) -> f32 {
  if (ih < 0 || iw < 0 || ih >= i32(H()) || iw >= i32(W())) { return 0.0; }
  return X[((nb * CIN() + c) * H() + u32(ih)) * W() + u32(iw)];
}`;

const FORWARD = {
  bindings: `@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read> Wt: array<f32>;
@group(0) @binding(2) var<storage, read> Bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> Out: array<f32>;
${paramsBinding(4)}`,
  functions: `${GEOMETRY_WGSL}
fn dims(g: u32) -> vec3<u32> { return vec3<u32>(COUTG(), N() * OH() * OW(), CING() * KH() * KW()); }
fn loadA(g: u32, m: u32, k: u32) -> f32 { return Wt[(g * COUTG() + m) * CING() * KH() * KW() + k]; }
fn loadB(g: u32, k: u32, n: u32) -> f32 {
  let taps = KH() * KW();
  let ci = k / taps; let r = k % taps; let ky = r / KW(); let kx = r % KW();
  let ow = n % OW(); let t = n / OW(); let oh = t % OH(); let nb = t / OH();
  return pixel(nb, g * CING() + ci, i32(oh) * SH() - PT() + i32(ky) * DH(), i32(ow) * SW() - PL() + i32(kx) * DW());
}
fn store(g: u32, m: u32, n: u32, v: f32) {
  let co = g * COUTG() + m;
  let ow = n % OW(); let t = n / OW(); let oh = t % OH(); let nb = t / OH();
  var r = v;
  if (HAS_BIAS()) { r += Bias[co]; }
  Out[((nb * COUT() + co) * OH() + oh) * OW() + ow] = r;
}`,
};

const BACKWARD_INPUT = {
  bindings: `@group(0) @binding(0) var<storage, read> DY: array<f32>;
@group(0) @binding(1) var<storage, read> Wt: array<f32>;
@group(0) @binding(2) var<storage, read_write> X: array<f32>;
${paramsBinding(3)}`,
  functions: `${GEOMETRY_WGSL.replace(/fn pixel[\s\S]*$/, '')}
fn dims(g: u32) -> vec3<u32> { return vec3<u32>(CING(), N() * H() * W(), COUTG() * KH() * KW()); }
fn loadA(g: u32, m: u32, k: u32) -> f32 {
  let taps = KH() * KW();
  let co = k / taps; let r = k % taps;
  return Wt[((g * COUTG() + co) * CING() + m) * taps + r];
}
fn loadB(g: u32, k: u32, n: u32) -> f32 {
  let taps = KH() * KW();
  let co = k / taps; let r = k % taps; let ky = r / KW(); let kx = r % KW();
  let iw = n % W(); let t = n / W(); let ih = t % H(); let nb = t / H();
  let th = i32(ih) + PT() - i32(ky) * DH();
  let tw = i32(iw) + PL() - i32(kx) * DW();
  if (th < 0 || tw < 0 || th % SH() != 0 || tw % SW() != 0) { return 0.0; }
  let oh = u32(th / SH()); let ow = u32(tw / SW());
  if (oh >= OH() || ow >= OW()) { return 0.0; }
  return DY[((nb * COUT() + g * COUTG() + co) * OH() + oh) * OW() + ow];
}
fn store(g: u32, m: u32, n: u32, v: f32) {
  let iw = n % W(); let t = n / W(); let ih = t % H(); let nb = t / H();
  X[((nb * CIN() + g * CING() + m) * H() + ih) * W() + iw] = v;
}`,
};

const BACKWARD_WEIGHT = {
  bindings: `@group(0) @binding(0) var<storage, read> DY: array<f32>;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> DWt: array<f32>;
${paramsBinding(3)}`,
  // Batch b is (split s, group g) = (b / groups, b % groups); split s sums its slice of K
  // (P[16] = the slice length) into its own copy of dw, which a reduction then adds up.
  functions: `${GEOMETRY_WGSL}
fn grp(b: u32) -> u32 { return b % P[7]; }
fn dims(b: u32) -> vec3<u32> { return vec3<u32>(COUTG(), CING() * KH() * KW(), N() * OH() * OW()); }
fn loadA(b: u32, m: u32, k: u32) -> f32 {
  let ow = k % OW(); let t = k / OW(); let oh = t % OH(); let nb = t / OH();
  return DY[((nb * COUT() + grp(b) * COUTG() + m) * OH() + oh) * OW() + ow];
}
fn loadB(b: u32, k: u32, n: u32) -> f32 {
  let taps = KH() * KW();
  let ci = n / taps; let r = n % taps; let ky = r / KW(); let kx = r % KW();
  let ow = k % OW(); let t = k / OW(); let oh = t % OH(); let nb = t / OH();
  return pixel(nb, grp(b) * CING() + ci, i32(oh) * SH() - PT() + i32(ky) * DH(), i32(ow) * SW() - PL() + i32(kx) * DW());
}
fn store(b: u32, m: u32, n: u32, v: f32) {
  let weights = COUT() * CING() * KH() * KW();
  DWt[(b / P[7]) * weights + (grp(b) * COUTG() + m) * CING() * KH() * KW() + n] = v;
}`,
  kRange: `fn kRange(b: u32) -> vec2<u32> {
  let s = b / P[7];
  return vec2<u32>(s * P[16], min((s + 1u) * P[16], N() * OH() * OW()));
}`,
};

/** Workgroups below which the weight gradient splits K (a small dw leaves most of a GPU idle). */
const SPLIT_K_MIN_GROUPS = 64;
/** The least K a split sums. */
const SPLIT_K_MIN_CHUNK = 256;

/**
 * How many slices the weight gradient cuts its K (= batch * outH * outW) into: enough workgroups
 * to fill a GPU when dw is small, at least {@link SPLIT_K_MIN_CHUNK} of K each; 1 when dw alone
 * has enough tiles. Depends only on the geometry, so results are reproducible.
 */
export function weightGradSplits(tiles: number, k: number): number {
  if (tiles >= SPLIT_K_MIN_GROUPS) return 1;
  return Math.max(1, Math.min(Math.ceil(SPLIT_K_MIN_GROUPS / tiles), Math.floor(k / SPLIT_K_MIN_CHUNK), 64));
}

/** Validates a geometry; returns the element counts of input, weight and output. */
function checkGeometry(fn: string, g: Conv2dGeometry): { x: number; w: number; y: number } {
  checkConv2dGeometry(fn, g);
  return {
    x: g.batch * g.inChannels * g.inH * g.inW,
    w: g.outChannels * (g.inChannels / g.groups) * g.kh * g.kw,
    y: g.batch * g.outChannels * g.outH * g.outW,
  };
}

function geometryWords(g: Conv2dGeometry, extra: number[] = []): number[] {
  return [...CONV2D_FIELDS.map((f) => g[f]), ...extra];
}

function checkGroups(fn: string, groups: [number, number, number], g: Conv2dGeometry): [number, number, number] {
  if (groups.some((n) => n > MAX_GROUPS)) {
    argumentError(
      fn,
      'geometry',
      `batch ${g.batch} x ${g.outH}x${g.outW} needs more workgroups than WebGPU allows; split the batch`,
    );
  }
  return groups;
}

/**
 * conv2d forward (cross-correlation, as PyTorch's `conv2d`) on float32 NCHW buffers: returns
 * `[batch, outChannels, outH, outW]`, with `bias` (`[outChannels]`) added when given. Any stride,
 * padding, dilation and groups. Kernel: `CONV2D_KERNELS.forward`.
 *
 * @param x - The input, a float32 buffer of `[batch, inChannels, inH, inW]` elements.
 * @param weight - The filters, `[outChannels, inChannels / groups, kh, kw]`.
 * @param bias - Per-output-channel bias, `outChannels` elements, or `null` for none.
 * @param geometry - The sizes, stride, padding, dilation and groups; see {@link Conv2dGeometry}.
 * @returns A new float32 buffer of `[batch, outChannels, outH, outW]` elements.
 * @example
 * ```ts
 * import { conv2dForward, initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * // d2l's corr2d: X = 0..8 as 3x3, K = [[0, 1], [2, 3]].
 * const x = upload(gpu, new Float32Array([0, 1, 2, 3, 4, 5, 6, 7, 8]));
 * const w = upload(gpu, new Float32Array([0, 1, 2, 3]));
 * const g = {
 *   batch: 1, inChannels: 1, inH: 3, inW: 3, outChannels: 1, kh: 2, kw: 2, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 2, outW: 2,
 * };
 * Array.from(await readback(conv2dForward(x, w, null, g))); // -> [19, 25, 37, 43]
 * ```
 */
export function conv2dForward(
  x: GpuBuffer,
  weight: GpuBuffer,
  bias: GpuBuffer | null,
  geometry: Conv2dGeometry,
): GpuBuffer {
  const fn = 'conv2dForward';
  const gpu = contextOf(fn, 'x', x);
  checkBuffers(fn, gpu, bias === null ? { x, weight } : { x, weight, bias });
  const n = checkGeometry(fn, geometry);
  checkLength(fn, 'x', x, n.x, 'the input of this geometry');
  checkLength(fn, 'weight', weight, n.w, 'the weight of this geometry');
  if (bias !== null) checkLength(fn, 'bias', bias, geometry.outChannels, 'one bias per output channel');
  const g = geometry;
  const coutG = g.outChannels / g.groups;
  const cols = g.batch * g.outH * g.outW;
  const groups = checkGroups(fn, gemmGroups(coutG, cols, g.groups), g);
  const k = (g.inChannels / g.groups) * g.kh * g.kw;
  const out = allocate(gpu, n.y, { zero: k === 0 && bias === null });
  if (n.y === 0) return out;
  // Without a bias a one-element buffer fills the binding; the shader never reads it.
  const biasBuffer = bias ?? allocate(gpu, 1);
  dispatch(gpu, {
    name: CONV2D_KERNELS.forward,
    key: 'conv2d:forward',
    wgsl: () => gemmWgsl(FORWARD),
    buffers: [x, weight, biasBuffer, out],
    params: geometryWords(g, [bias === null ? 0 : 1]),
    groups,
  });
  if (bias === null) biasBuffer.release();
  return out;
}

/**
 * The gradient of {@link conv2dForward} with respect to its input: from the output gradient `dy`
 * (`[batch, outChannels, outH, outW]`) and the weight, returns `dx` of
 * `[batch, inChannels, inH, inW]`. Every input pixel gathers the taps that read it (no atomics, so
 * results do not depend on scheduling). Kernel: `CONV2D_KERNELS.backwardInput`.
 *
 * @param dy - The gradient of the output, `[batch, outChannels, outH, outW]`.
 * @param weight - The filters, `[outChannels, inChannels / groups, kh, kw]`.
 * @param geometry - The forward pass's geometry; see {@link Conv2dGeometry}.
 * @returns A new float32 buffer of `[batch, inChannels, inH, inW]`: the gradient with respect to the input.
 * @example
 * ```ts
 * import { conv2dBackwardInput, initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const g = {
 *   batch: 1, inChannels: 1, inH: 3, inW: 3, outChannels: 1, kh: 2, kw: 2, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 2, outW: 2,
 * };
 * const dy = upload(gpu, new Float32Array([1, 1, 1, 1]));
 * const w = upload(gpu, new Float32Array([0, 1, 2, 3]));
 * Array.from(await readback(conv2dBackwardInput(dy, w, g))); // -> [0, 1, 1, 2, 6, 4, 2, 5, 3]
 * ```
 */
export function conv2dBackwardInput(dy: GpuBuffer, weight: GpuBuffer, geometry: Conv2dGeometry): GpuBuffer {
  const fn = 'conv2dBackwardInput';
  const gpu = contextOf(fn, 'dy', dy);
  checkBuffers(fn, gpu, { dy, weight });
  const n = checkGeometry(fn, geometry);
  checkLength(fn, 'dy', dy, n.y, 'the output gradient of this geometry');
  checkLength(fn, 'weight', weight, n.w, 'the weight of this geometry');
  const g = geometry;
  const cinG = g.inChannels / g.groups;
  const groups = checkGroups(fn, gemmGroups(cinG, g.batch * g.inH * g.inW, g.groups), g);
  const k = (g.outChannels / g.groups) * g.kh * g.kw;
  const dx = allocate(gpu, n.x, { zero: k === 0 || n.y === 0 });
  if (n.x === 0 || n.y === 0) return dx;
  dispatch(gpu, {
    name: CONV2D_KERNELS.backwardInput,
    key: 'conv2d:backward-input',
    wgsl: () => gemmWgsl(BACKWARD_INPUT),
    buffers: [dy, weight, dx],
    params: geometryWords(g),
    groups,
  });
  return dx;
}

/**
 * The gradient of {@link conv2dForward} with respect to its weight: from the output gradient
 * `dy` and the input `x`, returns `dw` of `[outChannels, inChannels / groups, kh, kw]`, summed
 * over the batch. (The bias gradient is `dy` summed over batch, height and width: see
 * {@link reduce}.) When dw is too small to fill the GPU (fewer than 64 tiles of 32x32) and the
 * batch x output pixels are many, the sum over them is split into slices computed in parallel and
 * then added by {@link reduce}. Kernel: `CONV2D_KERNELS.backwardWeight`, or
 * `CONV2D_KERNELS.backwardWeightSplitK` when split.
 *
 * @param dy - The gradient of the output, `[batch, outChannels, outH, outW]`.
 * @param x - The forward pass's input, `[batch, inChannels, inH, inW]`.
 * @param geometry - The forward pass's geometry; see {@link Conv2dGeometry}.
 * @returns A new float32 buffer of `[outChannels, inChannels / groups, kh, kw]`: the gradient with respect to
 *   the filters.
 * @example
 * ```ts
 * import { conv2dBackwardWeight, initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const g = {
 *   batch: 1, inChannels: 1, inH: 3, inW: 3, outChannels: 1, kh: 2, kw: 2, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 2, outW: 2,
 * };
 * const dy = upload(gpu, new Float32Array([1, 1, 1, 1]));
 * const x = upload(gpu, new Float32Array([0, 1, 2, 3, 4, 5, 6, 7, 8]));
 * Array.from(await readback(conv2dBackwardWeight(dy, x, g))); // -> [8, 12, 20, 24]
 * ```
 */
export function conv2dBackwardWeight(dy: GpuBuffer, x: GpuBuffer, geometry: Conv2dGeometry): GpuBuffer {
  const fn = 'conv2dBackwardWeight';
  const gpu = contextOf(fn, 'dy', dy);
  checkBuffers(fn, gpu, { dy, x });
  const n = checkGeometry(fn, geometry);
  checkLength(fn, 'dy', dy, n.y, 'the output gradient of this geometry');
  checkLength(fn, 'x', x, n.x, 'the input of this geometry');
  const g = geometry;
  const coutG = g.outChannels / g.groups;
  const perGroup = gemmGroups(coutG, (g.inChannels / g.groups) * g.kh * g.kw, g.groups);
  const k = g.batch * g.outH * g.outW;
  const splits = weightGradSplits(perGroup[0] * perGroup[1] * perGroup[2], k);
  const chunk = Math.ceil(k / splits);
  const groups = checkGroups(fn, [perGroup[0], perGroup[1], perGroup[2] * splits], g);
  if (n.w === 0 || n.y === 0) return allocate(gpu, n.w, { zero: true });
  const partial = allocate(gpu, splits * n.w);
  dispatch(gpu, {
    name: CONV2D_KERNELS.backwardWeight,
    key: 'conv2d:backward-weight',
    wgsl: () => gemmWgsl(BACKWARD_WEIGHT),
    buffers: [dy, x, partial],
    params: geometryWords(g, [chunk]),
    groups,
  });
  if (splits === 1) return partial;
  const dw = reduce('sum', partial, [splits, n.w], 0);
  partial.release();
  gpu.lastKernel = CONV2D_KERNELS.backwardWeightSplitK;
  return dw;
}
