// Loads @torchlet/kernels' WebAssembly module in the browser. The site imports the packages'
// TypeScript sources, where the loader's default URL (`./gemm.wasm` beside the module) does not
// exist, so the page hands `ready()` the URL Vite emits for the packaged file (the kernels
// package exports it as `@torchlet/kernels/gemm.wasm`; `pnpm build` of the docs builds it first).
import { ready } from '@torchlet/kernels';
import wasmUrl from '@torchlet/kernels/gemm.wasm?url';

/** Compiles the kernels asynchronously; until it resolves, every op runs its JavaScript kernel. Never rejects. */
export function loadKernels(): Promise<void> {
  return ready(wasmUrl);
}
