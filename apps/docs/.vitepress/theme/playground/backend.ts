// Loads @torchlet/kernels' WebAssembly module in the browser. The site imports the packages'
// TypeScript sources, where the loader's default URL (`./gemm.wasm` beside the module) does not
// exist, so the page hands `ready()` the URL Vite emits for the packaged file (the kernels
// package exports it as `@torchlet/kernels/gemm.wasm`; `pnpm build` of the docs builds it first).
// gemm-mt.wasm (the kernels on a shared memory) is loaded too: on a cross-origin isolated page
// (the site's server sends COOP/COEP headers) ready() starts Web Workers on it.
import { ready } from '@torchlet/kernels';
import wasmUrl from '@torchlet/kernels/gemm.wasm?url';
import threadedUrl from '@torchlet/kernels/gemm-mt.wasm?url';

/**
 * Compiles the kernels asynchronously and, on a cross-origin isolated page, starts the worker
 * threads; until it resolves, every op runs its JavaScript kernel. Never rejects.
 */
export function loadKernels(): Promise<void> {
  return ready(wasmUrl, { threadedSource: threadedUrl });
}
