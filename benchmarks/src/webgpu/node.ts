// The Node half of `pnpm bench:webgpu`: Dawn through the `webgpu` package, as `navigator.gpu`, on
// SwiftShader where there is no GPU (the environment of @torchlet/webgpu's tests; a real GPU's
// driver wins when VK_ICD_FILENAMES is set). torchlet-webgpu and tfjs-webgpu run; onnxruntime-web's
// WebGPU execution provider is tried too and reported when it fails.
import { createRequire } from 'node:module';
import { prepareTfjsLenet, prepareTorchletLenet } from './lenet.js';
import { ortModelFor } from './models.js';
import { prepareTensorApi } from './tensor-api.js';
import {
  adapterInfo,
  type GpuResult,
  type GpuWorkload,
  type OrtApi,
  prepareOrt,
  prepareTfjs,
  prepareTorchlet,
  runWorkload,
} from './workloads.js';

const require = createRequire(import.meta.url);

/** Makes Dawn's GPU object the global `navigator.gpu` (with the WebGPU constants tfjs reads). */
export function installNavigatorGpu(): void {
  const dawn = require('webgpu') as { create(flags: string[]): GPU; globals: Record<string, unknown> };
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  // Kept reachable for the whole process: Dawn destroys its instance when the object is collected.
  (globalThis as { __torchletDawn?: unknown }).__torchletDawn = gpu;
  Object.defineProperty(globalThis, 'navigator', {
    value: { gpu, userAgent: `Node.js ${process.version}`, hardwareConcurrency: 2 },
    configurable: true,
    writable: true,
  });
}

/** Runs the workloads in this process; returns the adapter and the results. */
export async function runNode(
  workloads: readonly GpuWorkload[],
  runs: number,
  log: (line: string) => void,
): Promise<{ adapter: Record<string, string>; results: GpuResult[] }> {
  installNavigatorGpu();
  const adapter = await adapterInfo();
  log(`node: adapter ${adapter.vendor} / ${adapter.architecture} (${adapter.description})`);
  const ort = (await import('onnxruntime-web/webgpu')) as unknown as OrtApi & {
    env: { logLevel: string; wasm: { numThreads: number } };
  };
  ort.env.logLevel = 'error';
  ort.env.wasm.numThreads = 1;
  const results: GpuResult[] = [];
  for (const w of workloads) {
    const model = ortModelFor(w);
    const r = await runWorkload(
      w,
      {
        'torchlet-webgpu': () =>
          w.problem.kind === 'lenet-step' ? prepareTorchletLenet() : prepareTorchlet(w.problem),
        'torchlet-tensor': () => prepareTensorApi(w.problem),
        'tfjs-webgpu': () => (w.problem.kind === 'lenet-step' ? prepareTfjsLenet() : prepareTfjs(w.problem)),
        ...(model ? { 'ort-webgpu': () => prepareOrt(ort, model) } : {}),
      },
      runs,
    );
    log(`node: ${w.name} ${w.shape} done`);
    results.push(r);
  }
  return { adapter, results };
}
