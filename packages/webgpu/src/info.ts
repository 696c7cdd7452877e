import { readyContext } from './context.js';

/**
 * What {@link getWebGPUInfo} reports about the default context.
 *
 * @example
 * ```ts
 * import { getWebGPUInfo, type WebGPUInfo } from '@torchlet/webgpu';
 * const info: WebGPUInfo = getWebGPUInfo();
 * typeof info.liveBuffers; // -> 'number'
 * ```
 */
export interface WebGPUInfo {
  /** Whether {@link initWebGPU} has resolved to a working default context. */
  readonly available: boolean;
  /** Adapter vendor, e.g. `'google'` for SwiftShader (`''` before init). */
  readonly vendor: string;
  /** Adapter architecture, e.g. `'swiftshader'`. */
  readonly architecture: string;
  /** Adapter description (driver name and version). */
  readonly description: string;
  /** Buffers handed out and not yet released or collected. */
  readonly liveBuffers: number;
  /** Bytes of those buffers (bucket sizes). */
  readonly liveBytes: number;
  /** Free buffers the pool keeps for reuse, and their bytes. */
  readonly pooledBuffers: number;
  readonly pooledBytes: number;
  /** GPU buffers the pool has created so far (reuse keeps this flat). */
  readonly createdBuffers: number;
  /** The last kernel dispatched, e.g. `'webgpu-matmul-tiled-32x32'`; `'none'` before any. */
  readonly lastKernel: string;
  /** Kernels dispatched so far. */
  readonly dispatches: number;
  /** Uncaptured device errors and the reason the device was lost, joined (`''` when none). */
  readonly error: string;
}

/**
 * Reports the default WebGPU context: the adapter, the live and pooled buffers, the last kernel
 * that ran. Before {@link initWebGPU} resolves, `available` is false and the counters are 0.
 *
 * @returns A snapshot: whether WebGPU is available, the adapter, buffer counts and bytes, and the last kernel
 *   run.
 * @example
 * ```ts
 * import { getWebGPUInfo, initWebGPU, matmul, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const a = upload(gpu, new Float32Array([1, 2, 3, 4]));
 * const c = matmul(a, a, { m: 2, n: 2, k: 2 });
 * const info = getWebGPUInfo();
 * info.lastKernel; // -> 'webgpu-matmul-tiled-32x32'
 * info.liveBuffers >= 2; // -> true
 * ```
 */
export function getWebGPUInfo(): WebGPUInfo {
  const gpu = readyContext();
  if (gpu === null) {
    return {
      available: false,
      vendor: '',
      architecture: '',
      description: '',
      liveBuffers: 0,
      liveBytes: 0,
      pooledBuffers: 0,
      pooledBytes: 0,
      createdBuffers: 0,
      lastKernel: 'none',
      dispatches: 0,
      error: '',
    };
  }
  const c = gpu.pool.counters;
  return {
    available: true,
    vendor: gpu.adapter.vendor,
    architecture: gpu.adapter.architecture,
    description: gpu.adapter.description,
    liveBuffers: c.liveBuffers,
    liveBytes: c.liveBytes,
    pooledBuffers: c.pooledBuffers,
    pooledBytes: c.pooledBytes,
    createdBuffers: c.createdBuffers,
    lastKernel: gpu.lastKernel,
    dispatches: gpu.dispatches,
    error: [...gpu.errors, gpu.lost].filter((e) => e !== '').join('; '),
  };
}
