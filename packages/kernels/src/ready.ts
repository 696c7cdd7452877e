// `ready()`: everything a host must do asynchronously before the kernels run at full speed. Node
// needs none of it (the module compiles synchronously on first use and workers start on the first
// large product) but may call it to have the worker threads up front.

import { loadGemm, loadThreaded, type WasmSource } from './loader.js';
import { startThreads } from './threads.js';

/**
 * Where {@link ready} finds the threaded module, `gemm-mt.wasm` (the kernels built for a shared
 * memory, which browser worker threads run): by default beside the package's `dist/index.js`.
 *
 * @example
 * ```ts
 * import type { ReadyOptions } from '@torchlet/kernels';
 * const options: ReadyOptions = { threadedSource: '/assets/gemm-mt.wasm' };
 * typeof options.threadedSource; // -> 'string'
 * ```
 */
export interface ReadyOptions {
  /** `gemm-mt.wasm`'s URL, bytes or compiled module; only browsers load it (Node reads it from disk). */
  readonly threadedSource?: WasmSource;
}

/**
 * Loads the WebAssembly kernels asynchronously and starts the worker threads; resolves once the
 * backend is settled, never rejects. Browsers need it (they may not compile large modules
 * synchronously): until it resolves, kernels decline and the JavaScript kernels run. In a
 * cross-origin isolated page (served with `Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp`) it also compiles `gemm-mt.wasm` and starts
 * `setThreads` - 1 Web Workers on a shared memory (default: `navigator.hardwareConcurrency`
 * threads in all), resolving once they wait for work. In Node it is optional: it compiles the
 * module from disk and starts the worker threads now instead of on the first large product.
 *
 * Pass `source` (a URL, the bytes, or a compiled module) when `gemm.wasm` is served from somewhere
 * other than beside the package's `dist/index.js`, and `options.threadedSource` likewise for
 * `gemm-mt.wasm`. Check the outcome with {@link getBackendInfo} (`wasmLoaded`, `threadsActive`,
 * `error`).
 *
 * @param source - `gemm.wasm`'s URL, bytes or compiled module. Default: the file beside the package's
 *   `dist/index.js`.
 * @param options - `threadedSource`: `gemm-mt.wasm`'s URL, bytes or compiled module (browsers only); see
 *   {@link ReadyOptions}. Default `{}`.
 * @example
 * ```ts
 * import { getBackendInfo, ready } from '@torchlet/kernels';
 * await ready();
 * const info = getBackendInfo();
 * info.wasmLoaded === info.simd; // -> true
 * // Every requested thread is up (Node's default: every core).
 * info.threadsActive === info.threads; // -> true
 * ```
 */
export async function ready(source?: WasmSource, options: ReadyOptions | null = {}): Promise<void> {
  // Never rejects, whatever it is given: a failure leaves the JavaScript kernels in use and is
  // reported by getBackendInfo().error.
  try {
    await loadGemm(source);
  } catch {
    // loadGemm records its own error
  }
  try {
    const threaded = options !== null && typeof options === 'object' ? options.threadedSource : undefined;
    await loadThreaded(threaded);
    await startThreads();
  } catch {
    // as above: threads stay off
  }
}
