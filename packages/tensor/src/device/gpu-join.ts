// cat and stack on the webgpu device: each part is copied into its block of the result with the
// strided copy kernel (one dispatch per part).
import { allocate, copyInto, type GpuBuffer } from '@torchlet/webgpu';
import type { DType } from '../dtype.js';
import { type Shape, shapeSize } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkGpuFloat, checkSameDevice, gpuCast } from './gpu-elementwise.js';
import { requireGpu } from './transfer.js';

/**
 * Concatenates row-major blocks on the device: part `i`, seen as `(outer, sizes[i] * inner)`,
 * lands at columns `start_i * inner ..` of the `(outer, total * inner)` result.
 */
export function gpuConcat(
  fn: string,
  parts: readonly Tensor[],
  sizes: readonly number[],
  outer: number,
  inner: number,
  outShape: Shape,
  dtype: DType,
): Tensor {
  const named: Record<string, Tensor> = {};
  parts.forEach((t, i) => {
    named[`tensors[${i}]`] = t;
  });
  checkSameDevice(fn, named);
  const total = sizes.reduce((a, b) => a + b, 0);
  const out = allocate(requireGpu(fn), shapeSize(outShape));
  let start = 0;
  for (const [i, part] of parts.entries()) {
    checkGpuFloat(fn, `tensors[${i}]`, part);
    const width = sizes[i] * inner;
    // The copy kernel reads a strided view; a part of another dtype is converted first.
    const src = part.dtype === dtype ? part : gpuCast(fn, part, dtype);
    const dense = src.isContiguous() ? src : src.contiguous();
    if (outer * width > 0) {
      copyInto(
        { buffer: dense.gpuBuffer as GpuBuffer, offset: dense.offset, strides: [width, 1] },
        { buffer: out, offset: start * inner, strides: [total * inner, 1] },
        [outer, width],
      );
    }
    if (dense !== part) dense.dispose();
    start += sizes[i];
  }
  return new Tensor(out, outShape, undefined, 0, dtype);
}
