// Padding (every mode, and conv2d's padding modes), interpolation and im2col/col2im on the webgpu
// device. The op plans on the CPU as always (index maps, tap tables, window geometry: small
// arrays of the output's sizes), and these hand the plan to @torchlet/webgpu's kernels.
import { fail, formatShape, Tensor } from '@torchlet/tensor';
import {
  col2im,
  type GpuBuffer,
  gatherAxes,
  gatherAxesBackward,
  im2col,
  type ResampleTable,
  resample2d,
  resample2dBackward,
} from '@torchlet/webgpu';
import type { WindowGeometry } from '../im2col/raw.js';
import { checkGpuOperands } from './gpu.js';

/** Per-dimension source indices (`-1`: fill), or null for an unpadded dimension: `planPad`'s maps. */
export type GpuIndexMaps = readonly (Int32Array | null)[];

/** `t`'s buffer when it is row-major from element 0, else a float32 copy (the caller releases it). */
function dense(t: Tensor): { buffer: GpuBuffer; copy: boolean } {
  if (t.offset === 0 && t.isContiguous()) return { buffer: t.gpuBuffer as GpuBuffer, copy: false };
  return { buffer: t.clone().gpuBuffer as GpuBuffer, copy: true };
}

/**
 * `pad` on the device: every output element gathered through `maps` from `x` read through its
 * strides (any dtype the device holds; the fill written as `x`'s dtype).
 */
export function gpuPad(x: Tensor, outShape: readonly number[], maps: GpuIndexMaps, value: number): Tensor {
  const y = gatherAxes(
    x.gpuBuffer as GpuBuffer,
    { inShape: x.shape, inStrides: x.strides, inOffset: x.offset, maps },
    { value, dtype: x.dtype === 'int32' ? 'int32' : 'float32' },
  );
  return new Tensor(y, outShape, undefined, 0, x.dtype);
}

/** `padBackward` on the device (float32): each input element sums the upstream elements that copied it. */
export function gpuPadBackward(
  fn: string,
  upstream: Tensor,
  inputShape: readonly number[],
  maps: GpuIndexMaps,
): Tensor {
  checkGpuOperands(fn, { upstream });
  const { buffer, copy } = dense(upstream);
  const dx = gatherAxesBackward(buffer, { inShape: inputShape, maps });
  if (copy) buffer.release();
  return new Tensor(dx, inputShape, undefined, 0, 'float32');
}

/** conv2d's padding modes: `x` viewed as `[N, C, H, W]` (a 3-D input gains N = 1), padded through `maps`. */
export function gpuModePad(x: Tensor, outShape4: readonly number[], maps: GpuIndexMaps): Tensor {
  return gpuPad(x.ndim === 3 ? x.unsqueeze(0) : x, outShape4, maps, 0);
}

/** The separable tables of `interpolate` on the device: rows and columns, each a tap list per output index. */
export interface GpuResampleTables {
  readonly rows: ResampleTable;
  readonly cols: ResampleTable;
}

/** `interpolate` on the device: `[N, C, H, W]` resampled through the tables to `[N, C, outH, outW]`. */
export function gpuInterpolate(x: Tensor, t: GpuResampleTables, outShape: readonly number[]): Tensor {
  checkGpuOperands('interpolate', { input: x });
  const [n, c, h, w] = x.shape;
  const { buffer, copy } = dense(x);
  const y = resample2d(buffer, { planes: n * c, inH: h, inW: w, rows: t.rows, cols: t.cols });
  if (copy) buffer.release();
  return new Tensor(y, outShape, undefined, 0, 'float32');
}

/** `interpolateBackward` on the device: the adjoint of {@link gpuInterpolate}. */
export function gpuInterpolateBackward(upstream: Tensor, t: GpuResampleTables, inputShape: readonly number[]): Tensor {
  checkGpuOperands('interpolateBackward', { upstream });
  const [n, c, h, w] = inputShape;
  const { buffer, copy } = dense(upstream);
  const dx = resample2dBackward(buffer, { planes: n * c, inH: h, inW: w, rows: t.rows, cols: t.cols });
  if (copy) buffer.release();
  return new Tensor(dx, [...inputShape], undefined, 0, 'float32');
}

/** `im2col` on the device: `[N, C, H, W]` (batch `n`) to columns of `outShape`. */
export function gpuIm2col(input: Tensor, n: number, g: WindowGeometry, outShape: readonly number[]): Tensor {
  checkGpuOperands('im2col', { input });
  const { buffer, copy } = dense(input);
  const y = im2col(buffer, { batch: n, ...g });
  if (copy) buffer.release();
  return new Tensor(y, outShape, undefined, 0, 'float32');
}

/** `col2im` on the device: columns (batch `n`) summed back into images of `outShape`. */
export function gpuCol2im(cols: Tensor, n: number, g: WindowGeometry, outShape: readonly number[]): Tensor {
  checkGpuOperands('col2im', { cols });
  const { buffer, copy } = dense(cols);
  const y = col2im(buffer, { batch: n, ...g });
  if (copy) buffer.release();
  return new Tensor(y, outShape, undefined, 0, 'float32');
}

/**
 * The named error of an op that has no webgpu kernel: thrown before the op reads any storage,
 * instead of the generic error of reading a webgpu tensor's `.data`.
 */
export function noGpuKernel(fn: string, named: Readonly<Record<string, Tensor | null | undefined>>): void {
  for (const [arg, t] of Object.entries(named)) {
    if (t === null || t === undefined || t.gpuBuffer === null) continue;
    fail(
      fn,
      arg,
      `${fn} has no kernel for the webgpu device yet (${arg} ${t.dtype} ${formatShape(t.shape)} is on webgpu): move its tensors to the CPU with \`await x.cpu()\` first, then move the result back with .to('webgpu')`,
    );
  }
}
