// The Chromium page of `pnpm bench:webgpu` (bundled by esbuild, driven by browser.ts): the same
// workloads as in Node, through the browser's own navigator.gpu.
import * as ort from 'onnxruntime-web/webgpu';
import { prepareTfjsLenet, prepareTorchletLenet } from './lenet.js';
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

/** What the page exposes to the driver. */
export interface GpuBenchPage {
  adapter(): Promise<Record<string, string>>;
  run(
    w: GpuWorkload,
    modelPath: string | null,
    inShape: number[] | null,
    inputSeed: number,
    runs: number,
  ): Promise<GpuResult>;
}

ort.env.logLevel = 'error';
ort.env.wasm.numThreads = 1;
ort.env.wasm.wasmPaths = '/ort/';

const page: GpuBenchPage = {
  adapter: adapterInfo,
  run: async (w, modelPath, inShape, inputSeed, runs) => {
    let model: Uint8Array | null = null;
    if (modelPath !== null) model = new Uint8Array(await (await fetch(modelPath)).arrayBuffer());
    return runWorkload(
      w,
      {
        'torchlet-webgpu': () =>
          w.problem.kind === 'lenet-step' ? prepareTorchletLenet() : prepareTorchlet(w.problem),
        'tfjs-webgpu': () => (w.problem.kind === 'lenet-step' ? prepareTfjsLenet() : prepareTfjs(w.problem)),
        ...(model && inShape
          ? {
              'ort-webgpu': () =>
                prepareOrt(ort as unknown as OrtApi, { model: model as Uint8Array, inShape, inputSeed }),
            }
          : {}),
      },
      runs,
    );
  },
};
(globalThis as { torchletGpuBench?: GpuBenchPage }).torchletGpuBench = page;
