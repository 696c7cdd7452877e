// Moving data between typed arrays and GPU buffers. Upload is queued (synchronous for the caller);
// readback is asynchronous because WebGPU maps buffers only through a promise.

import { checkContext, checkObject, contextOf } from './arguments.js';
import type { GpuBuffer } from './buffer.js';
import type { GpuContext } from './context.js';
import { argumentError, checkCount, describeValue, WebGPUError } from './errors.js';

/** MAP_READ | COPY_DST. */
const READBACK_USAGE = 0x01 | 0x08;
/** GPUMapMode.READ. */
const MAP_READ = 0x01;

/**
 * A buffer of `length` 32-bit elements on `gpu`'s device, from its pool. Its contents are
 * unspecified (a reused buffer keeps old values) unless `zero` is set; kernels overwrite every
 * element of their outputs.
 *
 * @param gpu - The context whose device owns the buffer.
 * @param length - The number of 32-bit elements.
 * @param options - `zero`: fill the buffer with zeros (default `false`: contents unspecified).
 * @returns A new buffer from the context's pool.
 * @example
 * ```ts
 * import { allocate, initWebGPU, readback } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const buf = allocate(gpu, 4, { zero: true });
 * Array.from(await readback(buf)); // -> [0, 0, 0, 0]
 * ```
 */
export function allocate(gpu: GpuContext, length: number, options: { zero?: boolean } = {}): GpuBuffer {
  checkContext('allocate', 'gpu', gpu);
  checkCount('allocate', 'length', length);
  checkObject('allocate', 'options', options, 'an options object { zero? }');
  gpu.checkAlive('allocate');
  // Kernels bind whole buffers, so one may not exceed the device's binding size.
  const maxBytes = Math.min(gpu.device.limits.maxStorageBufferBindingSize, gpu.device.limits.maxBufferSize);
  if (length * 4 > maxBytes) {
    throw new WebGPUError(
      'allocate',
      'length',
      'limit',
      `${length} float32 elements (${length * 4} bytes) exceed the device's largest storage buffer (${maxBytes} bytes)`,
    );
  }
  const buf = gpu.pool.handle(gpu, length);
  if (options.zero && length > 0) {
    const encoder = gpu.device.createCommandEncoder();
    encoder.clearBuffer(buf.buffer, 0, buf.byteLength);
    gpu.device.queue.submit([encoder.finish()]);
  }
  return buf;
}

/**
 * Copies a typed array of 32-bit elements into a new buffer on `gpu`'s device (queued: returns
 * at once, the data is copied before any later kernel reads it).
 *
 * @param gpu - The context whose device receives the data.
 * @param data - The elements to copy: a `Float32Array`, `Int32Array` or `Uint32Array`.
 * @returns A new buffer holding a copy of `data`.
 * @example
 * ```ts
 * import { initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const buf = upload(gpu, new Float32Array([0.5, -2]));
 * Array.from(await readback(buf)); // -> [0.5, -2]
 * ```
 */
export function upload(gpu: GpuContext, data: Float32Array | Int32Array | Uint32Array): GpuBuffer {
  checkContext('upload', 'gpu', gpu);
  if (!(data instanceof Float32Array || data instanceof Int32Array || data instanceof Uint32Array)) {
    argumentError('upload', 'data', 'must be a Float32Array, Int32Array or Uint32Array (WebGPU has no float64)');
  }
  const buf = allocate(gpu, data.length);
  if (data.length > 0) gpu.device.queue.writeBuffer(buf.buffer, 0, data.buffer, data.byteOffset, data.byteLength);
  return buf;
}

/** The typed array types {@link readback} can return. */
type ElementArray<T> = T extends Int32ArrayConstructor
  ? Int32Array
  : T extends Uint32ArrayConstructor
    ? Uint32Array
    : Float32Array;

/**
 * Reads a buffer's elements back: waits for the kernels queued before it, then resolves to a new
 * `Float32Array` (or an `Int32Array` / `Uint32Array` when that constructor is passed, e.g. for
 * the indices of {@link maxPool2dForward}).
 *
 * @param buffer - The buffer to read.
 * @param type - The typed array class to read as: `Float32Array` (default), `Int32Array` or `Uint32Array`.
 * @returns A promise of a new typed array of the buffer's elements.
 * @example
 * ```ts
 * import { initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const buf = upload(gpu, new Int32Array([7, -1]));
 * Array.from(await readback(buf, Int32Array)); // -> [7, -1]
 * ```
 */
export async function readback<
  T extends Float32ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor = Float32ArrayConstructor,
>(buffer: GpuBuffer, type?: T): Promise<ElementArray<T>> {
  if (type !== undefined && type !== Float32Array && type !== Int32Array && type !== Uint32Array) {
    argumentError('readback', 'type', `must be Float32Array, Int32Array or Uint32Array, got ${describeValue(type)}`);
  }
  const Ctor = (type ?? Float32Array) as Float32ArrayConstructor;
  const gpu = contextOf('readback', 'buffer', buffer);
  if (buffer.released) argumentError('readback', 'buffer', 'was released');
  gpu.checkAlive('readback');
  const out = new Ctor(buffer.length);
  if (buffer.length === 0) return out as ElementArray<T>;
  const staging = gpu.device.createBuffer({ size: buffer.byteLength, usage: READBACK_USAGE });
  try {
    const encoder = gpu.device.createCommandEncoder();
    encoder.copyBufferToBuffer(buffer.buffer, 0, staging, 0, buffer.byteLength);
    gpu.device.queue.submit([encoder.finish()]);
    await staging.mapAsync(MAP_READ);
    out.set(new Ctor(staging.getMappedRange()));
    staging.unmap();
  } finally {
    staging.destroy();
  }
  return out as ElementArray<T>;
}
