// Reductions on the webgpu device: one @torchlet/webgpu reduce kernel per reduced dimension, over
// a contiguous copy when the input is a strided view.
import { type ArgReduceOpName, argReduce, type GpuBuffer, type ReduceOpName, reduce } from '@torchlet/webgpu';
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

/**
 * `argmax`/`argmin` of a float32 webgpu tensor over the flattened tensor (`dim` null) or one
 * normalised `dim`: an int32 webgpu tensor (WebGPU has no int64). The first extreme wins ties and
 * NaN counts as the extreme, as on the CPU.
 */
export function gpuArgReduce(fn: string, op: ArgReduceOpName, t: Tensor, dim: number | null, keepdim: boolean): Tensor {
  if (t.dtype !== 'float32') {
    fail(fn, 'input', `${t.dtype} is not supported on the webgpu device yet (convert with .to('float32'))`);
  }
  const shape = dim === null ? [t.numel] : [...t.shape];
  const d = dim ?? 0;
  if (shape[d] === 0) {
    fail(fn, 'input', `cannot ${op} over an empty dimension (input ${formatShape(t.shape)})`);
  }
  const { buffer, copy } = denseGpu(t);
  const out = argReduce(op, buffer, shape, d);
  if (copy) buffer.release();
  let outShape: number[];
  if (dim === null) outShape = keepdim ? t.shape.map(() => 1) : [];
  else outShape = keepdim ? t.shape.map((s, i) => (i === dim ? 1 : s)) : t.shape.filter((_, i) => i !== dim);
  return new Tensor(out, outShape, undefined, 0, 'int32');
}

/**
 * `var` (or `std` with `sqrt`) of a float32 webgpu tensor over normalised `dims`: the mean, then
 * the sum of squared deviations divided by `max(n - correction, 0)`, as PyTorch.
 */
export function gpuVariance(
  fn: string,
  t: Tensor,
  dims: readonly number[],
  correction: number,
  keepdim: boolean,
  sqrt: boolean,
): Tensor {
  const mean = gpuReduce(fn, 'mean', t, dims, true);
  const deviation = t.sub(mean);
  const squares = deviation.mul(deviation);
  const sums = gpuReduce(fn, 'sum', squares, dims, keepdim);
  for (const x of [mean, deviation, squares]) x.dispose();
  const n = dims.reduce((a, d) => a * t.shape[d], 1);
  const variance = sums.div(Math.max(n - correction, 0));
  sums.dispose();
  if (!sqrt) return variance;
  const out = variance.sqrt();
  variance.dispose();
  return out;
}
