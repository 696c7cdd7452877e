// The benchmark page's script (bundled by main.ts with esbuild, served by server.ts). It installs
// `globalThis.torchletBench` (protocol.ts): `setup` initialises tfjs-wasm with the load's thread
// count, @torchlet/kernels with its worker threads and onnxruntime-web with its pthread pool
// (ort-page.ts), `run` measures one workload with the Node suite's harness (same warm-up,
// calibration, alternating samples, statistics and agreement check).

import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { getBackendInfo, ready } from '@torchlet/kernels';
import { type HarnessOptions, runWorkload, type WorkloadResult } from '../harness.js';
import { fetchModel, ortWorkerCount, setupOrt } from './ort-page.js';
import type { BenchGlobal, OrtPageInfo, PageApi, PageInfo, PageOptions, PageSetup } from './protocol.js';
import {
  BROWSER_WORKLOADS,
  describeWorkload,
  ortGraph,
  ortModelPath,
  PAGE_PATHS,
  resolveThreads,
  tfjsThreadCap,
} from './spec.js';
import { browserWorkload } from './workloads.js';

let setupDone: PageSetup | undefined;

async function setup(s: PageSetup): Promise<PageInfo> {
  if (setupDone) throw new Error('setup: already called in this page (tfjs-wasm initialises once per page)');
  setupDone = s;
  tf.enableProdMode();
  setWasmPaths(PAGE_PATHS.tfjsDir);
  const cores = navigator.hardwareConcurrency;
  const tfjsThreads = s.tfjsThreads === 'cores' ? cores : s.tfjsThreads;
  // Must precede the backend's initialisation.
  setThreadsCount(tfjsThreads);
  const lift = tfjsThreads > tfjsThreadCap(cores);
  if (lift) {
    // tfjs caps XNNPACK's pool at hardwareConcurrency / 2 (see tfjsThreadCap), read once by its C++
    // static initialisers while the module instantiates. Report twice the asked count until then,
    // so the cap does not apply; restored right after, before torchlet reads the core count.
    Object.defineProperty(navigator, 'hardwareConcurrency', { value: 2 * tfjsThreads, configurable: true });
  }
  try {
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend failed to initialise');
  } finally {
    if (lift) Reflect.deleteProperty(navigator, 'hardwareConcurrency');
  }
  if (navigator.hardwareConcurrency !== cores) throw new Error('setup: navigator.hardwareConcurrency was not restored');
  await ready(PAGE_PATHS.gemm, { threadedSource: PAGE_PATHS.gemmMt });
  const ortThreads = resolveThreads(s.ortThreads, cores);
  // onnxruntime-web failing to start fails its contenders only (their cells read error).
  const ort = await setupOrt(ortThreads).catch(
    (err: unknown): OrtPageInfo => ({
      version: '?',
      numThreadsAsked: ortThreads,
      numThreads: 0,
      workers: 0,
      error: err instanceof Error ? err.message : String(err),
    }),
  );
  return {
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    hardwareConcurrency: navigator.hardwareConcurrency,
    userAgent: navigator.userAgent,
    tfjs: {
      version: tf.version_core,
      backend: tf.getBackend(),
      simd: (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true,
      threadsSupported: (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true,
      threadsCount: getThreadsCount(),
      threadCapLifted: lift,
    },
    torchlet: { ...getBackendInfo() },
    ort,
  };
}

async function run(index: number, options: PageOptions): Promise<WorkloadResult> {
  if (!setupDone) throw new Error('run: call setup first');
  const spec = BROWSER_WORKLOADS[index];
  if (!spec) throw new Error(`run: no workload ${index}`);
  const gc = (globalThis as { gc?: () => void }).gc;
  const opts: HarnessOptions = { ...options, rss: () => 0, ...(gc ? { gc } : {}) };
  const ortModel = setupDone.ort.length > 0 && ortGraph(spec) ? await fetchModel(ortModelPath(index)) : null;
  const r = await runWorkload(browserWorkload(spec, setupDone, ortModel), opts);
  // No RSS in a page: null peaks rather than the zeros of `rss` above (and the harness gives
  // processMaxRssMB NaN, as there is no process).
  return { ...r, results: r.results.map((c) => ({ ...c, peakRssMB: null })) };
}

const api: PageApi = {
  setup,
  list: () =>
    BROWSER_WORKLOADS.map((spec) => {
      const { family, name, shape } = describeWorkload(spec);
      return { family, name, shape };
    }),
  run,
  ortWorkers: ortWorkerCount,
};
(globalThis as BenchGlobal).torchletBench = api;
