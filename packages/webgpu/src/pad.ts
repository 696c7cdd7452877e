// Padding of the last two dimensions (as PyTorch's F.pad with four pads), in the four modes conv2d's
// padding_mode needs. Forward: one invocation per output pixel, which maps each coordinate back to
// its source. Backward gathers: an input pixel sums the output pixels that read it, which are its
// own shifted position plus border positions whose source is it (no atomics).

import { checkObject, contextOf } from './arguments.js';
import type { GpuBuffer } from './buffer.js';
import { checkBuffers, checkLength, dispatch, groupsFor, paramsBinding } from './dispatch.js';
import { argumentError, checkCount, describeValue } from './errors.js';
import { allocate } from './transfer.js';
import { f32Word } from './wgsl.js';

/**
 * A padding problem over `planes` planes of `inH` x `inW` (for NCHW, `planes = batch * channels`):
 * the output is `[planes, padTop + inH + padBottom, padLeft + inW + padRight]`. A 1-D pad is
 * `inH = 1` with `padTop = padBottom = 0`.
 *
 * @example
 * ```ts
 * import type { Pad2dGeometry } from '@torchlet/webgpu';
 * const g: Pad2dGeometry = { planes: 2, inH: 3, inW: 3, padTop: 1, padBottom: 1, padLeft: 2, padRight: 0 };
 * g.padLeft; // -> 2
 * ```
 */
export interface Pad2dGeometry {
  readonly planes: number;
  readonly inH: number;
  readonly inW: number;
  readonly padTop: number;
  readonly padBottom: number;
  readonly padLeft: number;
  readonly padRight: number;
}

/**
 * How {@link pad2d} fills the border, as PyTorch's `F.pad` modes: `constant` (a value), `reflect`
 * (mirror without repeating the edge; pads below the size), `replicate` (repeat the edge) and
 * `circular` (wrap around; pads up to the size).
 *
 * @example
 * ```ts
 * import type { PadMode } from '@torchlet/webgpu';
 * const mode: PadMode = 'reflect';
 * mode; // -> 'reflect'
 * ```
 */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

const MODES: Readonly<Record<PadMode, number>> = { constant: 0, reflect: 1, replicate: 2, circular: 3 };

/**
 * Names of the padding kernels, as `getWebGPUInfo().lastKernel` reports them.
 *
 * @example
 * ```ts
 * import { PAD2D_KERNELS } from '@torchlet/webgpu';
 * PAD2D_KERNELS.forward; // -> 'webgpu-pad2d'
 * ```
 */
export const PAD2D_KERNELS = { forward: 'webgpu-pad2d', backward: 'webgpu-pad2d-backward-gather' } as const;

// P: [planes, inH, inW, padTop, padBottom, padLeft, padRight, mode, value bits].
const COMMON = `
fn H() -> i32 { return i32(P[1]); }
fn W() -> i32 { return i32(P[2]); }
fn PT() -> i32 { return i32(P[3]); }
fn PB() -> i32 { return i32(P[4]); }
fn PL() -> i32 { return i32(P[5]); }
fn PR() -> i32 { return i32(P[6]); }
fn OH() -> i32 { return H() + PT() + PB(); }
fn OW() -> i32 { return W() + PL() + PR(); }
// The source coordinate of output coordinate o along a dimension of size n padded by pb before,
// or -1 (constant mode, outside).
fn source(o: i32, n: i32, pb: i32) -> i32 {
  let i = o - pb;
  if (i >= 0 && i < n) { return i; }
  switch (P[7]) {
    case 1u: { if (i < 0) { return -i; } return 2 * (n - 1) - i; }
    case 2u: { return clamp(i, 0, n - 1); }
    case 3u: { return ((i % n) + n) % n; }
    default: { return -1; }
  }
}
// The k-th output coordinate that may read input coordinate i: k = 0 is i's own position, then the
// pb positions before the input and the pa after it.
fn candidate(k: i32, i: i32, n: i32, pb: i32) -> i32 {
  if (k == 0) { return i + pb; }
  if (k <= pb) { return k - 1; }
  return pb + n + (k - pb - 1);
}`;

const FORWARD = `@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
${paramsBinding(2)}
${COMMON}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let i = gid.y * ng.x * 64u + gid.x;
  let per = u32(OH() * OW());
  if (i >= P[0] * per) { return; }
  let plane = i / per;
  let r = i32(i % per);
  let ih = source(r / OW(), H(), PT());
  let iw = source(r % OW(), W(), PL());
  if (ih < 0 || iw < 0) { Y[i] = bitcast<f32>(P[8]); return; }
  Y[i] = X[plane * u32(H() * W()) + u32(ih * W() + iw)];
}`;

const BACKWARD = `@group(0) @binding(0) var<storage, read> DY: array<f32>;
@group(0) @binding(1) var<storage, read_write> DX: array<f32>;
${paramsBinding(2)}
${COMMON}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let i = gid.y * ng.x * 64u + gid.x;
  let per = u32(H() * W());
  if (i >= P[0] * per) { return; }
  let plane = i / per;
  let ih = i32(i % per) / W();
  let iw = i32(i % per) % W();
  let base = plane * u32(OH() * OW());
  var acc = 0.0;
  for (var a = 0; a <= PT() + PB(); a++) {
    let oh = candidate(a, ih, H(), PT());
    if (source(oh, H(), PT()) != ih) { continue; }
    for (var b = 0; b <= PL() + PR(); b++) {
      let ow = candidate(b, iw, W(), PL());
      if (source(ow, W(), PL()) == iw) { acc += DY[base + u32(oh * OW() + ow)]; }
    }
  }
  DX[i] = acc;
}`;

const FIELDS = ['planes', 'inH', 'inW', 'padTop', 'padBottom', 'padLeft', 'padRight'] as const;

function checkPad(fn: string, g: Pad2dGeometry, mode: PadMode): { x: number; y: number } {
  checkObject(fn, 'geometry', g, 'a Pad2dGeometry object');
  for (const f of FIELDS) {
    checkCount(fn, `geometry.${f}`, g[f]);
    if (g[f] > 0x3fffffff) argumentError(fn, `geometry.${f}`, 'is above 2^30 - 1');
  }
  if (typeof mode !== 'string' || !Object.hasOwn(MODES, mode)) {
    argumentError(fn, 'mode', `mode must be one of ${Object.keys(MODES).join(', ')}, got ${describeValue(mode)}`);
  }
  const dims = [
    ['H', g.inH, g.padTop, g.padBottom],
    ['W', g.inW, g.padLeft, g.padRight],
  ] as const;
  for (const [name, size, before, after] of dims) {
    const pads = `pads (${before}, ${after}) of a dimension of size ${size} (in${name})`;
    if (mode === 'reflect' && (before >= size || after >= size) && before + after > 0) {
      argumentError(fn, 'geometry', `reflect padding needs pads below the size: ${pads}`);
    }
    if (mode === 'circular' && (before > size || after > size)) {
      argumentError(fn, 'geometry', `circular padding needs pads at most the size: ${pads}`);
    }
    if (mode === 'replicate' && size === 0 && before + after > 0) {
      argumentError(fn, 'geometry', `replicate padding needs a non-empty dimension: ${pads}`);
    }
  }
  const outH = g.inH + g.padTop + g.padBottom;
  const outW = g.inW + g.padLeft + g.padRight;
  return { x: g.planes * g.inH * g.inW, y: g.planes * outH * outW };
}

function words(g: Pad2dGeometry, mode: PadMode, value: number): number[] {
  return [...FIELDS.map((f) => g[f]), MODES[mode], f32Word(value)];
}

/**
 * Pads the last two dimensions of `x` (`[planes, inH, inW]`, contiguous): a new buffer of
 * `[planes, padTop + inH + padBottom, padLeft + inW + padRight]`. `value` fills the border in
 * `constant` mode (default 0). Kernel: `PAD2D_KERNELS.forward`.
 *
 * @param x - The input, a float32 buffer of `[planes, inH, inW]` elements.
 * @param geometry - The planes, input size and the four paddings; see {@link Pad2dGeometry}.
 * @param mode - `'constant'`, `'reflect'`, `'replicate'` or `'circular'`, as PyTorch's `F.pad`.
 * @param value - The fill value of `'constant'` padding.
 * @returns A new float32 buffer of `[planes, inH + padTop + padBottom, inW + padLeft + padRight]` elements.
 * @example
 * ```ts
 * import { initWebGPU, pad2d, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const x = upload(gpu, new Float32Array([1, 2, 3]));
 * const g = { planes: 1, inH: 1, inW: 3, padTop: 0, padBottom: 0, padLeft: 2, padRight: 1 };
 * Array.from(await readback(pad2d(x, g, 'reflect'))); // -> [3, 2, 1, 2, 3, 2]
 * Array.from(await readback(pad2d(x, g, 'circular'))); // -> [2, 3, 1, 2, 3, 1]
 * Array.from(await readback(pad2d(x, g, 'constant', -1))); // -> [-1, -1, 1, 2, 3, -1]
 * ```
 */
export function pad2d(x: GpuBuffer, geometry: Pad2dGeometry, mode: PadMode = 'constant', value = 0): GpuBuffer {
  const fn = 'pad2d';
  const gpu = contextOf(fn, 'x', x);
  checkBuffers(fn, gpu, { x });
  const n = checkPad(fn, geometry, mode);
  if (typeof value !== 'number') argumentError(fn, 'value', `value must be a number, got ${describeValue(value)}`);
  checkLength(fn, 'x', x, n.x, 'the input of this geometry');
  const y = allocate(gpu, n.y);
  if (n.y > 0) {
    dispatch(gpu, {
      name: PAD2D_KERNELS.forward,
      key: 'pad2d',
      wgsl: () => FORWARD,
      buffers: [x, y],
      params: words(geometry, mode, value),
      groups: groupsFor(n.y, 64),
    });
  }
  return y;
}

/**
 * The gradient of {@link pad2d}: each input pixel sums the output gradients of the pixels that
 * copied it (in `constant` mode just its own). Returns `dx`, `[planes, inH, inW]`. Kernel:
 * `PAD2D_KERNELS.backward`.
 *
 * @param dy - The gradient of the padded output.
 * @param geometry - The forward pass's geometry; see {@link Pad2dGeometry}.
 * @param mode - The forward pass's mode.
 * @returns A new float32 buffer of `[planes, inH, inW]`: the gradient with respect to the input.
 * @example
 * ```ts
 * import { initWebGPU, pad2dBackward, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const g = { planes: 1, inH: 1, inW: 3, padTop: 0, padBottom: 0, padLeft: 2, padRight: 1 };
 * const dy = upload(gpu, new Float32Array([1, 1, 1, 1, 1, 1]));
 * Array.from(await readback(pad2dBackward(dy, g, 'replicate'))); // -> [3, 1, 2]
 * ```
 */
export function pad2dBackward(dy: GpuBuffer, geometry: Pad2dGeometry, mode: PadMode = 'constant'): GpuBuffer {
  const fn = 'pad2dBackward';
  const gpu = contextOf(fn, 'dy', dy);
  checkBuffers(fn, gpu, { dy });
  const n = checkPad(fn, geometry, mode);
  checkLength(fn, 'dy', dy, n.y, 'the output gradient of this geometry');
  const dx = allocate(gpu, n.x);
  if (n.x > 0) {
    dispatch(gpu, {
      name: PAD2D_KERNELS.backward,
      key: 'pad2d:backward',
      wgsl: () => BACKWARD,
      buffers: [dy, dx],
      params: words(geometry, mode, 0),
      groups: groupsFor(n.x, 64),
    });
  }
  return dx;
}
