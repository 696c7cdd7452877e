// flip, roll, tril/triu and the running sums and products on the webgpu device. flip and roll are
// gathers with one table per dimension, read straight through the tensor's strides; the others
// run on a row-major copy.
import { type GpuBuffer, gatherAxes, type ScanOpName, scan, triangle } from '@torchlet/webgpu';
import { fail, formatShape } from '../errors.js';
import { Tensor } from '../tensor.js';

/** `t`'s elements row-major from element 0: its own buffer when it is laid out so, else a copy (any dtype). */
function denseWords(t: Tensor): { buffer: GpuBuffer; copy: boolean } {
  if (t.offset === 0 && t.isContiguous()) return { buffer: t.gpuBuffer as GpuBuffer, copy: false };
  const buffer = gatherAxes(t.gpuBuffer as GpuBuffer, {
    inShape: t.shape,
    inStrides: t.strides,
    inOffset: t.offset,
    maps: t.shape.map(() => null),
  });
  return { buffer, copy: true };
}

/** A row-major copy of a webgpu tensor of any dtype (32-bit words moved as they are: exact for int32). */
export function gpuCopyWords(t: Tensor): Tensor {
  return gather(
    t,
    t.shape.map(() => null),
  );
}

/** A gather of `t` (through its strides) with one table (or null) per dimension. */
function gather(t: Tensor, maps: readonly (Int32Array | null)[]): Tensor {
  const y = gatherAxes(t.gpuBuffer as GpuBuffer, { inShape: t.shape, inStrides: t.strides, inOffset: t.offset, maps });
  return new Tensor(y, t.shape, undefined, 0, t.dtype);
}

/** `flip` on the device: `flipped[d]` reverses dimension `d`. */
export function gpuFlip(t: Tensor, flipped: readonly boolean[]): Tensor {
  return gather(
    t,
    t.shape.map((n, d) => (flipped[d] ? Int32Array.from({ length: n }, (_, i) => n - 1 - i) : null)),
  );
}

/** `roll` on the device: every dimension `d` rolled by `shifts[d]`. */
export function gpuRoll(t: Tensor, shifts: readonly number[]): Tensor {
  return gather(
    t,
    t.shape.map((n, d) => {
      const s = n === 0 ? 0 : ((shifts[d] % n) + n) % n;
      return s === 0 ? null : Int32Array.from({ length: n }, (_, i) => (i - s + n) % n);
    }),
  );
}

/** `tril`/`triu` on the device (any dtype the device holds: zero is the same word in each). */
export function gpuTriangle(t: Tensor, diagonal: number, lower: boolean): Tensor {
  const rows = t.shape[t.ndim - 2];
  const cols = t.shape[t.ndim - 1];
  const batch = rows * cols === 0 ? 0 : t.numel / (rows * cols);
  const { buffer, copy } = denseWords(t);
  const clamped = Math.max(-0x7fffffff, Math.min(0x7fffffff, diagonal));
  const y = triangle(buffer, { batch, rows, cols, diagonal: clamped, lower });
  if (copy) buffer.release();
  return new Tensor(y, t.shape, undefined, 0, t.dtype);
}

/** `cumsum`/`cumprod` of a float32 webgpu tensor along normalised `dim` (float32 accumulation). */
export function gpuScan(fn: ScanOpName, t: Tensor, dim: number): Tensor {
  if (t.dtype !== 'float32') {
    fail(
      fn,
      'input',
      `${fn} of ${t.dtype} gives int64, which the webgpu device cannot hold (input ${t.dtype} ${formatShape(t.shape)}): convert with .to('float32') first, or move it with \`await x.cpu()\``,
    );
  }
  const { buffer, copy } = denseWords(t);
  const y = scan(fn, buffer, t.shape, t.ndim === 0 ? 0 : dim);
  if (copy) buffer.release();
  return new Tensor(y, t.shape, undefined, 0, 'float32');
}
