// Moving tensors between the CPU and the webgpu device. Uploads are queued (synchronous for the
// caller); reading back is asynchronous, so every synchronous reader of a webgpu tensor throws.
import { type GpuContext, getWebGPU, readback, upload } from '@torchlet/webgpu';
import type { DType, Storage } from '../dtype.js';
import { fail, formatShape } from '../errors.js';
import { Tensor } from '../tensor.js';

/**
 * Where a tensor's elements live: `'cpu'` (a typed array) or `'webgpu'` (a GPU buffer, see
 * `initWebGPU`).
 *
 * @example
 * ```ts
 * import { type Device, zeros } from '@torchlet/tensor';
 * const device: Device = zeros([2]).device;
 * device; // -> 'cpu'
 * ```
 */
export type Device = 'cpu' | 'webgpu';

/** The devices, as error messages list them. */
export const DEVICES: readonly Device[] = ['cpu', 'webgpu'];

/** The dtypes a webgpu tensor can hold (32-bit words; bool as 0/1 floats). */
const GPU_DTYPES: readonly DType[] = ['float32', 'int32', 'bool'];

/** Rejects anything but `'cpu'` or `'webgpu'` (naming `fn` and `arg`). */
export function checkDevice(fn: string, arg: string, value: unknown): Device {
  if (value === 'cpu' || value === 'webgpu') return value;
  const hint = value === 'cuda' || value === 'gpu' || value === 'mps' ? ` (torchlet's GPU device is 'webgpu')` : '';
  return fail(fn, arg, `unknown device ${JSON.stringify(String(value))}${hint}; expected one of ${DEVICES.join(', ')}`);
}

/** The error of a synchronous read of a webgpu tensor: reading the GPU is asynchronous. */
export function cpuOnly(t: Tensor, fn: string): never {
  return fail(
    fn,
    'self',
    `the tensor (${t.dtype} ${formatShape(t.shape)}) is on the webgpu device, which cannot be read synchronously; move it to the CPU with \`await x.cpu()\` first (or use \`await x.toArrayAsync()\`)`,
  );
}

/** The default WebGPU context, or a named error saying to initialise it first. */
export function requireGpu(fn: string): GpuContext {
  try {
    return getWebGPU();
  } catch {
    return fail(
      fn,
      'device',
      "WebGPU is not ready: `await initWebGPU()` (or `await ready({ device: 'webgpu' })`) before putting tensors on the webgpu device",
    );
  }
}

/** Rejects dtypes the webgpu device cannot hold (float64 and int64: WebGPU has no 64-bit types). */
export function checkGpuDType(fn: string, dtype: DType): void {
  if (GPU_DTYPES.includes(dtype)) return;
  fail(
    fn,
    'dtype',
    `${dtype} is not supported on the webgpu device (WebGPU has no 64-bit types; it holds ${GPU_DTYPES.join(', ')}): convert with .to('float32') first`,
  );
}

/** `t` on `target`: itself when already there; uploads to webgpu; a webgpu tensor cannot come back synchronously. */
export function toDevice(t: Tensor, target: Device, fn = 'to'): Tensor {
  checkDevice(fn, 'device', target);
  if (t.device === target) return t;
  if (target === 'cpu') {
    return fail(
      fn,
      'device',
      `the tensor (${t.dtype} ${formatShape(t.shape)}) is on the webgpu device and reading it back is asynchronous: use \`await x.cpu()\` instead of to('cpu')`,
    );
  }
  checkGpuDType(fn, t.dtype);
  const gpu = requireGpu(fn);
  const flat = t.contiguous();
  const data = flat.data.subarray(flat.offset, flat.offset + flat.numel) as Storage;
  let words: Float32Array | Int32Array;
  if (t.dtype === 'int32') words = data as Int32Array;
  else if (t.dtype === 'float32') words = data as Float32Array;
  else words = Float32Array.from(data as Uint8Array); // bool: 0/1 floats, what the comparison kernels write
  return new Tensor(upload(gpu, words), t.shape, undefined, 0, t.dtype);
}

/** A CPU tensor with `t`'s elements: `t` itself on the CPU, otherwise read back (after the queued work). */
export async function toCpu(t: Tensor): Promise<Tensor> {
  const buffer = t.gpuBuffer;
  if (buffer === null) return t;
  // The whole buffer comes back and the view is applied on the CPU: exact for every dtype and layout.
  let storage: Storage;
  if (t.dtype === 'int32') storage = await readback(buffer, Int32Array);
  else {
    const values = await readback(buffer);
    storage = t.dtype === 'bool' ? Uint8Array.from(values, (v) => (v !== 0 ? 1 : 0)) : values;
  }
  return new Tensor(storage, t.shape, t.strides, t.offset, t.dtype).contiguous();
}
