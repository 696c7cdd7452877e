// One entry point for both back ends: the WebAssembly kernels (CPU) and, on request, a WebGPU
// device; one report of what runs where.
import {
  type BackendInfo as KernelsBackendInfo,
  type ReadyOptions as KernelsReadyOptions,
  getBackendInfo as kernelsBackendInfo,
  ready as kernelsReady,
  type WasmSource,
} from '@torchlet/kernels';
import { getWebGPUInfo, initWebGPU, type WebGPUInfo } from '@torchlet/webgpu';
import { checkDevice, type Device } from './transfer.js';

/**
 * Options of {@link ready}: `device: 'webgpu'` also finds a WebGPU adapter and device (rejecting
 * with a `TorchletError` that says why when there is none), and `threadedSource` as in
 * `@torchlet/kernels`.
 *
 * @example
 * ```ts
 * import type { ReadyOptions } from '@torchlet/tensor';
 * const options: ReadyOptions = { device: 'webgpu' };
 * options.device; // -> 'webgpu'
 * ```
 */
export interface ReadyOptions extends KernelsReadyOptions {
  /** The device to prepare besides the CPU kernels. Default `'cpu'`. */
  readonly device?: Device;
}

/**
 * What {@link getBackendInfo} reports: the CPU kernels (WebAssembly, threads, last kernel) and
 * `webgpu`: the adapter (vendor, architecture), the live and pooled GPU buffers and bytes, the
 * last GPU kernel.
 *
 * @example
 * ```ts
 * import { type BackendInfo, getBackendInfo } from '@torchlet/tensor';
 * const info: BackendInfo = getBackendInfo();
 * typeof info.webgpu.liveBuffers; // -> 'number'
 * ```
 */
export interface BackendInfo extends KernelsBackendInfo {
  /** The default WebGPU context (`available: false` before `initWebGPU()` resolves). */
  readonly webgpu: WebGPUInfo;
}

function isDeviceOptions(x: unknown): x is ReadyOptions {
  return typeof x === 'object' && x !== null && 'device' in x;
}

/**
 * Prepares the compute back ends: loads the WebAssembly kernels (see `@torchlet/kernels`' `ready`,
 * which never rejects) and, with `{ device: 'webgpu' }`, finds a WebGPU adapter and device, so
 * that `to('webgpu')` and `{ device: 'webgpu' }` work. That part rejects with a `TorchletError`
 * whose `reason` says why when WebGPU is unavailable (`'no-navigator-gpu'`, `'no-adapter'`,
 * `'limit'`). Call forms: `ready()`, `ready(wasmSource, options)`, `ready({ device, ...options })`.
 *
 * @returns A promise that resolves once the back ends are ready (rejects only for `device: 'webgpu'`).
 * @param source - `gemm.wasm`'s URL, bytes or compiled module (default: the kernels package's file), or the
 *   options `{ device: 'webgpu', ... }`.
 * @param options - The kernels' options (`threadedSource`), when `source` is a WebAssembly source.
 * @example
 * ```ts
 * import { getBackendInfo, ready, tensor } from '@torchlet/tensor';
 * await ready({ device: 'webgpu' });
 * getBackendInfo().webgpu.available; // -> true
 * tensor([1, 2], { device: 'webgpu' }).device; // -> 'webgpu'
 * ```
 */
export async function ready(source?: WasmSource | ReadyOptions, options?: KernelsReadyOptions | null): Promise<void> {
  if (isDeviceOptions(source)) {
    const device = checkDevice('ready', 'device', source.device ?? 'cpu');
    await kernelsReady(undefined, source);
    if (device === 'webgpu') await initWebGPU();
    return;
  }
  await kernelsReady(source, options);
}

/**
 * Reports the compute back ends: `@torchlet/kernels`' report (WebAssembly, SIMD, threads, the last
 * CPU kernel) plus `webgpu`, the default WebGPU context's adapter, buffers and last kernel.
 *
 * @returns A snapshot: the WebAssembly backend (SIMD, threads, last kernel, load error) and the default WebGPU
 *   context.
 * @example
 * ```ts
 * import { getBackendInfo, ready, tensor } from '@torchlet/tensor';
 * await ready({ device: 'webgpu' });
 * tensor([1, 2], { device: 'webgpu' }).add(1);
 * const { webgpu } = getBackendInfo();
 * webgpu.lastKernel; // -> 'webgpu-binary-strided'
 * webgpu.liveBuffers > 0; // -> true
 * ```
 */
export function getBackendInfo(): BackendInfo {
  return { ...kernelsBackendInfo(), webgpu: getWebGPUInfo() };
}
