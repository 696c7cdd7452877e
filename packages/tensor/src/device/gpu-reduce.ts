// Reductions on the webgpu device: one @torchlet/webgpu reduce kernel per reduced dimension, over
// a contiguous copy when the input is a strided view.
import { type GpuBuffer, type ReduceOpName, reduce } from '@torchlet/webgpu';
import { fail, formatShape } from '../errors.js';
import { Tensor } from '../tensor.js';
import { checkGpuFloat, gpuUnary } from './gpu-elementwise.js';

/** `t`'s buffer when it is row-major from element 0, otherwise a contiguous copy. */
export function denseGpu(t: Tensor): { buffer: GpuBuffer; copy: boolean } {
  if (t.offset === 0 && t.isContiguous()) return { buffer: t.gpuBuffer as GpuBuffer, copy: false };
  return { buffer: gpuUnary('copy', t).gpuBuffer as GpuBuffer, copy: true };
}

/**
 * `op` (sum, mean, max, min) of a float32 webgpu tensor over `dims` (normalised, distinct), keeping
 * them as size 1 when `keepdim`. Sums accumulate in float32 (the CPU accumulates in float64).
 */
export function gpuReduce(fn: string, op: ReduceOpName, t: Tensor, dims: readonly number[], keepdim: boolean): Tensor {
  checkGpuFloat(fn, 'input', t);
  if (t.dtype !== 'float32') {
    fail(fn, 'input', `reducing ${t.dtype} is not supported on the webgpu device yet (convert with .to('float32'))`);
  }
  if ((op === 'max' || op === 'min') && dims.some((d) => t.shape[d] === 0)) {
    fail(fn, 'input', `Expected reduction dim to be specified for input.numel() == 0 (input ${formatShape(t.shape)})`);
  }
  const shape = [...t.shape];
  let { buffer, copy } = denseGpu(t);
  // Last dimension first: each kernel keeps the others' positions, the reduced one at size 1.
  for (const d of [...dims].sort((x, y) => y - x)) {
    const next = reduce(op, buffer, shape, d);
    if (copy) buffer.release();
    buffer = next;
    copy = true;
    shape[d] = 1;
  }
  if (!copy) buffer = gpuUnary('copy', t).gpuBuffer as GpuBuffer; // no dims: a copy, as the CPU gives
  const outShape = keepdim ? shape : shape.filter((_, d) => !dims.includes(d));
  return new Tensor(buffer, outShape, undefined, 0, 'float32');
}
