// conv_transpose2d on the conv2d kernels. A transposed conv is the input gradient of the conv2d
// whose input is the transposed conv's output, so:
//   forward       = conv2dBackwardInput(x, w) of that conv2d   (then the bias)
//   input grad    = conv2dForward(dy, w)
//   weight grad   = conv2dBackwardWeight with the activations swapped (x plays dy, dy plays x)
// The weight layouts agree: conv2d's [Cout, Cin/g, kh, kw] is conv_transpose2d's [Cin, Cout/g, kh, kw].

import { contextOf } from './arguments.js';
import type { GpuBuffer } from './buffer.js';
import type { Conv2dGeometry } from './conv2d.js';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dForward } from './conv2d.js';
import { checkBuffers, checkLength } from './dispatch.js';
import { binary } from './elementwise.js';
import { argumentError, checkCount } from './errors.js';
import { checkConv2dGeometry } from './geometry.js';
import { reduce } from './reduce.js';

/**
 * The shape of a conv_transpose2d problem on NCHW float32 buffers, in PyTorch's terms: input
 * `[batch, inChannels, inH, inW]`, weight `[inChannels, outChannels / groups, kh, kw]`, output
 * `[batch, outChannels, outH, outW]`. Input pixel `(ih, iw)` spreads to output
 * `(ih * strideH - padTop + ky * dilationH, ...)`. The caller computes `outH`
 * (`(inH - 1) * strideH - 2 * padH + dilationH * (kh - 1) + outputPaddingH + 1` in PyTorch); the
 * output is that full result cut to `outH` x `outW`.
 *
 * @example
 * ```ts
 * import type { ConvTranspose2dGeometry } from '@torchlet/webgpu';
 * const g: ConvTranspose2dGeometry = {
 *   batch: 1, inChannels: 1, inH: 2, inW: 2, outChannels: 1, kh: 2, kw: 2, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 3, outW: 3,
 * };
 * g.outH; // -> 3
 * ```
 */
export type ConvTranspose2dGeometry = Conv2dGeometry;

/** Validates a transposed geometry under `fn`'s name; returns the conv2d it is the gradient of. */
function asConv2d(fn: string, g: ConvTranspose2dGeometry): Conv2dGeometry {
  // the same fields and rules as a conv2d geometry, named as the transposed one
  checkConv2dGeometry(fn, g, 'a ConvTranspose2dGeometry object');
  return {
    batch: g.batch,
    inChannels: g.outChannels,
    inH: g.outH,
    inW: g.outW,
    outChannels: g.inChannels,
    kh: g.kh,
    kw: g.kw,
    groups: g.groups,
    strideH: g.strideH,
    strideW: g.strideW,
    padTop: g.padTop,
    padLeft: g.padLeft,
    dilationH: g.dilationH,
    dilationW: g.dilationW,
    outH: g.inH,
    outW: g.inW,
  };
}

const sizes = (g: ConvTranspose2dGeometry) => ({
  x: g.batch * g.inChannels * g.inH * g.inW,
  w: g.inChannels * (g.outChannels / g.groups) * g.kh * g.kw,
  y: g.batch * g.outChannels * g.outH * g.outW,
});

/**
 * conv_transpose2d forward (PyTorch's `conv_transpose2d`): returns `[batch, outChannels, outH, outW]`,
 * with `bias` (`[outChannels]`) added when given. Any stride, padding, output padding (a larger
 * `outH`/`outW`), dilation and groups. Runs `CONV2D_KERNELS.backwardInput` (and
 * `'webgpu-binary-strided'` for the bias).
 *
 * @param x - The input, a float32 buffer of `[batch, inChannels, inH, inW]` elements.
 * @param weight - The filters, `[inChannels, outChannels / groups, kh, kw]` (PyTorch's layout for transposed
 *   convolutions).
 * @param bias - Per-output-channel bias, `outChannels` elements, or `null` for none.
 * @param geometry - The sizes, stride, padding, dilation and groups; see {@link Conv2dGeometry}.
 * @returns A new float32 buffer of `[batch, outChannels, outH, outW]` elements.
 * @example
 * ```ts
 * import { convTranspose2dForward, initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * // d2l's trans_conv: X = [[0, 1], [2, 3]], K = [[0, 1], [2, 3]].
 * const x = upload(gpu, new Float32Array([0, 1, 2, 3]));
 * const k = upload(gpu, new Float32Array([0, 1, 2, 3]));
 * const g = {
 *   batch: 1, inChannels: 1, inH: 2, inW: 2, outChannels: 1, kh: 2, kw: 2, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 3, outW: 3,
 * };
 * Array.from(await readback(convTranspose2dForward(x, k, null, g))); // -> [0, 0, 1, 0, 4, 6, 4, 12, 9]
 * ```
 */
export function convTranspose2dForward(
  x: GpuBuffer,
  weight: GpuBuffer,
  bias: GpuBuffer | null,
  geometry: ConvTranspose2dGeometry,
): GpuBuffer {
  const fn = 'convTranspose2dForward';
  const gpu = contextOf(fn, 'x', x);
  checkBuffers(fn, gpu, bias === null ? { x, weight } : { x, weight, bias });
  const conv = asConv2d(fn, geometry);
  const n = sizes(geometry);
  checkLength(fn, 'x', x, n.x, 'the input of this geometry');
  checkLength(fn, 'weight', weight, n.w, 'the weight of this geometry');
  if (bias !== null) checkLength(fn, 'bias', bias, geometry.outChannels, 'one bias per output channel');
  const y = conv2dBackwardInput(x, weight, conv);
  if (bias === null || n.y === 0) return y;
  const g = geometry;
  const plane = g.outH * g.outW;
  const shape = [g.batch, g.outChannels, plane];
  const out = binary(
    'add',
    { buffer: y, strides: [g.outChannels * plane, plane, 1] },
    { buffer: bias, strides: [0, 1, 0] },
    shape,
  );
  y.release();
  return out;
}

/**
 * The gradient of {@link convTranspose2dForward} with respect to its input: from `dy`
 * (`[batch, outChannels, outH, outW]`) and the weight, `dx` of `[batch, inChannels, inH, inW]`.
 * Runs `CONV2D_KERNELS.forward`.
 *
 * @param dy - The gradient of the output, `[batch, outChannels, outH, outW]`.
 * @param weight - The filters, `[inChannels, outChannels / groups, kh, kw]`.
 * @param geometry - The forward pass's geometry; see {@link Conv2dGeometry}.
 * @returns A new float32 buffer of `[batch, inChannels, inH, inW]`: the gradient with respect to the input.
 * @example
 * ```ts
 * import { convTranspose2dBackwardInput, initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const g = {
 *   batch: 1, inChannels: 1, inH: 2, inW: 2, outChannels: 1, kh: 2, kw: 2, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 3, outW: 3,
 * };
 * const dy = upload(gpu, new Float32Array(9).fill(1));
 * const k = upload(gpu, new Float32Array([0, 1, 2, 3]));
 * Array.from(await readback(convTranspose2dBackwardInput(dy, k, g))); // -> [6, 6, 6, 6]
 * ```
 */
export function convTranspose2dBackwardInput(
  dy: GpuBuffer,
  weight: GpuBuffer,
  geometry: ConvTranspose2dGeometry,
): GpuBuffer {
  const fn = 'convTranspose2dBackwardInput';
  const gpu = contextOf(fn, 'dy', dy);
  checkBuffers(fn, gpu, { dy, weight });
  const conv = asConv2d(fn, geometry);
  const n = sizes(geometry);
  checkLength(fn, 'dy', dy, n.y, 'the output gradient of this geometry');
  checkLength(fn, 'weight', weight, n.w, 'the weight of this geometry');
  return conv2dForward(dy, weight, null, conv);
}

/**
 * The gradient of {@link convTranspose2dForward} with respect to its weight: from `dy` and the
 * input `x`, `dw` of `[inChannels, outChannels / groups, kh, kw]`, summed over the batch. Runs
 * `CONV2D_KERNELS.backwardWeight` (or its split-K form).
 *
 * @param dy - The gradient of the output, `[batch, outChannels, outH, outW]`.
 * @param x - The forward pass's input, `[batch, inChannels, inH, inW]`.
 * @param geometry - The forward pass's geometry; see {@link Conv2dGeometry}.
 * @returns A new float32 buffer of `[inChannels, outChannels / groups, kh, kw]`: the gradient with respect to
 *   the filters.
 * @example
 * ```ts
 * import { convTranspose2dBackwardWeight, initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const g = {
 *   batch: 1, inChannels: 1, inH: 2, inW: 2, outChannels: 1, kh: 2, kw: 2, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 3, outW: 3,
 * };
 * const dy = upload(gpu, new Float32Array(9).fill(1));
 * const x = upload(gpu, new Float32Array([0, 1, 2, 3]));
 * Array.from(await readback(convTranspose2dBackwardWeight(dy, x, g))); // -> [6, 6, 6, 6]
 * ```
 */
export function convTranspose2dBackwardWeight(
  dy: GpuBuffer,
  x: GpuBuffer,
  geometry: ConvTranspose2dGeometry,
): GpuBuffer {
  const fn = 'convTranspose2dBackwardWeight';
  const gpu = contextOf(fn, 'dy', dy);
  checkBuffers(fn, gpu, { dy, x });
  const conv = asConv2d(fn, geometry);
  const n = sizes(geometry);
  checkLength(fn, 'dy', dy, n.y, 'the output gradient of this geometry');
  checkLength(fn, 'x', x, n.x, 'the input of this geometry');
  return conv2dBackwardWeight(x, dy, conv);
}

/**
 * The bias gradient of a conv2d or conv_transpose2d layer: `dy` (`[batch, channels, h, w]`)
 * summed over batch, height and width, a buffer of `[channels]`. Runs `reduce` twice.
 *
 * @param dy - The gradient of a convolution's output, a float32 buffer of `shape`.
 * @param shape - `[batch, channels, height, width]` of `dy`.
 * @returns A new float32 buffer of `channels` elements: `dy` summed over batch and space.
 * @example
 * ```ts
 * import { biasGradient, initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const dy = upload(gpu, new Float32Array([1, 2, 3, 4, 5, 6, 7, 8])); // [2, 2, 1, 2]
 * Array.from(await readback(biasGradient(dy, [2, 2, 1, 2]))); // -> [14, 22]
 * ```
 */
export function biasGradient(dy: GpuBuffer, shape: readonly [number, number, number, number]): GpuBuffer {
  const fn = 'biasGradient';
  contextOf(fn, 'dy', dy);
  if (!Array.isArray(shape) || shape.length !== 4) argumentError(fn, 'shape', 'must be [batch, channels, h, w]');
  for (const [d, s] of shape.entries()) checkCount(fn, `shape[${d}]`, s);
  const [batch, channels, h, w] = shape;
  checkLength(fn, 'dy', dy, batch * channels * h * w, `shape [${shape.join(',')}]`);
  const perImage = reduce('sum', dy, [batch, channels, h * w], 2);
  const out = reduce('sum', perImage, [batch, channels], 0);
  perImage.release();
  return out;
}
