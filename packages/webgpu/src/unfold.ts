// im2col (PyTorch's F.unfold) and col2im (F.fold) over NCHW float32 buffers. im2col: one invocation
// per column element, reading one input pixel or a padding zero. col2im gathers: each image pixel
// sums the column elements whose tap lands on it (the inverse index map of im2col, no atomics).

import { contextOf } from './arguments.js';
import type { GpuBuffer } from './buffer.js';
import { checkBuffers, checkLength, dispatch, groupsFor, paramsBinding } from './dispatch.js';
import { checkPool2dGeometry, pool2dWords, WINDOW_WGSL } from './geometry.js';
import type { Pool2dGeometry } from './pool2d.js';
import { allocate } from './transfer.js';

/**
 * Names of the im2col / col2im kernels, as `getWebGPUInfo().lastKernel` reports them.
 *
 * @example
 * ```ts
 * import { UNFOLD_KERNELS } from '@torchlet/webgpu';
 * UNFOLD_KERNELS.im2col; // -> 'webgpu-im2col'
 * ```
 */
export const UNFOLD_KERNELS = { im2col: 'webgpu-im2col', col2im: 'webgpu-col2im-gather' } as const;

const GEOMETRY_WGSL = `
fn C() -> u32 { return P[1]; }${WINDOW_WGSL}`;

// Column layout: [batch, channels * kh * kw, outH * outW], row (c, ky, kx), column (oh, ow).
const IM2COL = `@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> COL: array<f32>;
${paramsBinding(2)}
${GEOMETRY_WGSL}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let i = item(gid, ng);
  let l = u32(OH() * OW());
  let rows = C() * u32(KH() * KW());
  if (i >= P[0] * rows * l) { return; }
  let col = i % l;
  let row = (i / l) % rows;
  let nb = i / (l * rows);
  let c = row / u32(KH() * KW());
  let ky = i32(row % u32(KH() * KW())) / KW();
  let kx = i32(row % u32(KH() * KW())) % KW();
  let ih = i32(col) / OW() * SH() - PT() + ky * DH();
  let iw = i32(col) % OW() * SW() - PL() + kx * DW();
  if (ih < 0 || iw < 0 || ih >= H() || iw >= W()) { COL[i] = 0.0; return; }
  COL[i] = X[((nb * C() + c) * u32(H()) + u32(ih)) * u32(W()) + u32(iw)];
}`;

const COL2IM = `@group(0) @binding(0) var<storage, read> COL: array<f32>;
@group(0) @binding(1) var<storage, read_write> X: array<f32>;
${paramsBinding(2)}
${GEOMETRY_WGSL}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let i = item(gid, ng);
  let plane = u32(H() * W());
  if (i >= P[0] * C() * plane) { return; }
  let ih = i32(i % plane) / W();
  let iw = i32(i % plane) % W();
  let c = (i / plane) % C();
  let nb = i / (plane * C());
  let l = u32(OH() * OW());
  let rows = C() * u32(KH() * KW());
  var acc = 0.0;
  for (var ky = 0; ky < KH(); ky++) {
    let th = ih + PT() - ky * DH();
    if (th < 0 || th % SH() != 0 || th / SH() >= OH()) { continue; }
    for (var kx = 0; kx < KW(); kx++) {
      let tw = iw + PL() - kx * DW();
      if (tw < 0 || tw % SW() != 0 || tw / SW() >= OW()) { continue; }
      let row = c * u32(KH() * KW()) + u32(ky * KW() + kx);
      acc += COL[(nb * rows + row) * l + u32((th / SH()) * OW() + tw / SW())];
    }
  }
  X[i] = acc;
}`;

/**
 * im2col, as PyTorch's `F.unfold`: from `x` (`[batch, channels, inH, inW]`) the column matrix
 * `[batch, channels * kh * kw, outH * outW]`, whose row `(c, ky, kx)` and column `(oh, ow)` hold
 * input pixel `(oh * strideH - padTop + ky * dilationH, ow * strideW - padLeft + kx * dilationW)`
 * of channel `c` (0 in the padding). The geometry is a {@link Pool2dGeometry}: a window, stride,
 * padding and dilation over planes. Kernel: `UNFOLD_KERNELS.im2col`.
 *
 * @param x - The input, a float32 buffer of `[batch, channels, inH, inW]` elements.
 * @param geometry - The sizes, window, stride, padding and dilation; see {@link Pool2dGeometry}.
 * @returns A new float32 buffer of `[batch, channels * kh * kw, outH * outW]` columns (PyTorch's `unfold`).
 * @example
 * ```ts
 * import { im2col, initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const x = upload(gpu, new Float32Array([1, 2, 3, 4, 5, 6])); // 1 x 1 x 2 x 3
 * const g = {
 *   batch: 1, channels: 1, inH: 2, inW: 3, kh: 2, kw: 2, strideH: 1, strideW: 1,
 *   padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 1, outW: 2,
 * };
 * Array.from(await readback(im2col(x, g))); // -> [1, 2, 2, 3, 4, 5, 5, 6]
 * ```
 */
export function im2col(x: GpuBuffer, geometry: Pool2dGeometry): GpuBuffer {
  const fn = 'im2col';
  const gpu = contextOf(fn, 'x', x);
  checkBuffers(fn, gpu, { x });
  const n = checkPool2dGeometry(fn, geometry);
  checkLength(fn, 'x', x, n.image, 'the input of this geometry');
  const columns = allocate(gpu, n.columns);
  if (n.columns > 0) {
    dispatch(gpu, {
      name: UNFOLD_KERNELS.im2col,
      key: 'im2col',
      wgsl: () => IM2COL,
      buffers: [x, columns],
      params: pool2dWords(geometry),
      groups: groupsFor(n.columns, 64),
    });
  }
  return columns;
}

/**
 * col2im, as PyTorch's `F.fold` (and the gradient of {@link im2col}): from the column matrix
 * `[batch, channels * kh * kw, outH * outW]` the image `[batch, channels, inH, inW]`, each pixel
 * the sum of the column elements that {@link im2col} would copy from it. Kernel:
 * `UNFOLD_KERNELS.col2im`.
 *
 * @param columns - Columns `[batch, channels * kh * kw, outH * outW]`.
 * @param geometry - The image's sizes, window, stride, padding and dilation; see {@link Pool2dGeometry}.
 * @returns A new float32 buffer of `[batch, channels, inH, inW]` with overlapping windows summed (PyTorch's
 *   `fold`).
 * @example
 * ```ts
 * import { col2im, initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const columns = upload(gpu, new Float32Array([1, 1, 1, 1, 1, 1, 1, 1]));
 * const g = {
 *   batch: 1, channels: 1, inH: 2, inW: 3, kh: 2, kw: 2, strideH: 1, strideW: 1,
 *   padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 1, outW: 2,
 * };
 * Array.from(await readback(col2im(columns, g))); // -> [1, 2, 1, 1, 2, 1]
 * ```
 */
export function col2im(columns: GpuBuffer, geometry: Pool2dGeometry): GpuBuffer {
  const fn = 'col2im';
  const gpu = contextOf(fn, 'columns', columns);
  checkBuffers(fn, gpu, { columns });
  const n = checkPool2dGeometry(fn, geometry);
  checkLength(fn, 'columns', columns, n.columns, 'the column matrix of this geometry');
  const image = allocate(gpu, n.image);
  if (n.image > 0) {
    dispatch(gpu, {
      name: UNFOLD_KERNELS.col2im,
      key: 'col2im',
      wgsl: () => COL2IM,
      buffers: [columns, image],
      params: pool2dWords(geometry),
      groups: groupsFor(n.image, 64),
    });
  }
  return image;
}
