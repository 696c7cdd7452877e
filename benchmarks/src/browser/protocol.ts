// What the Node CLI (main.ts) and the page (page.ts) exchange through playwright's `page.evaluate`:
// plain JSON-able data only (the harness's options without its injected functions, its results).

import type { HarnessOptions, OrtName, TorchletName, WorkloadResult } from '../harness.js';
import type { PageThreads, TfjsThreads } from './spec.js';

/** How one page load initialises its contenders. */
export interface PageSetup {
  readonly tfjsThreads: TfjsThreads;
  readonly torchlet: readonly TorchletName[];
  /** onnxruntime-web's pool (`ort.env.wasm.numThreads`). */
  readonly ortThreads: PageThreads;
  readonly ort: readonly OrtName[];
}

/** What the page found after initialising: isolation, core count, and both libraries' backends. */
export interface PageInfo {
  readonly crossOriginIsolated: boolean;
  readonly hardwareConcurrency: number;
  readonly userAgent: string;
  readonly tfjs: {
    readonly version: string;
    readonly backend: string;
    readonly simd: boolean;
    /** `WASM_HAS_MULTITHREAD_SUPPORT`: true loads the threaded SIMD build. */
    readonly threadsSupported: boolean;
    /** `tf.wasm.getThreadsCount()` after initialisation: the XNNPACK thread-pool size. */
    readonly threadsCount: number;
    /** Whether the page lifted tfjs's `hardwareConcurrency / 2` thread cap for its initialisation (spec.ts's tfjsThreadCap). */
    readonly threadCapLifted: boolean;
  };
  /** `getBackendInfo()` of `@torchlet/kernels` after `ready()`. */
  readonly torchlet: Readonly<Record<string, unknown>>;
  /** onnxruntime-web after its first session (a one-node probe model) ran. */
  readonly ort: OrtPageInfo;
}

/** What the page found out about onnxruntime-web's initialisation. */
export interface OrtPageInfo {
  /** `ort.env.versions.web`. */
  readonly version: string;
  /** The `ort.env.wasm.numThreads` the page asked for. */
  readonly numThreadsAsked: number;
  /**
   * `ort.env.wasm.numThreads` after initialisation: onnxruntime-web sets it to 1 itself when the
   * page cannot run threads (not cross-origin isolated).
   */
  readonly numThreads: number;
  /**
   * Web Workers the page created from onnxruntime-web's script (its Emscripten pthread pool) by
   * the end of setup: 0 when it runs on the main thread only.
   */
  readonly workers: number;
  /** Why onnxruntime-web did not start (its contenders then fail); the other libraries still run. */
  readonly error?: string;
}

/** The harness settings a page runs a workload with (its clock and memory probe are the page's own). */
export type PageOptions = Omit<HarnessOptions, 'now' | 'rss' | 'gc'>;

/** A workload as listed by the page, for `--match` and progress lines. */
export interface PageWorkload {
  readonly family: string;
  readonly name: string;
  readonly shape: string;
}

/** The page's API, installed as `globalThis.torchletBench`. */
export interface PageApi {
  /** Initialises tfjs-wasm (with the given thread count) and torchlet's kernels and workers; call once per load. */
  setup(setup: PageSetup): Promise<PageInfo>;
  /** The workloads, in order. */
  list(): PageWorkload[];
  /** Measures workload `index` with the harness (alternating samples of this load's contenders). */
  run(index: number, options: PageOptions): Promise<WorkloadResult>;
  /** The Web Workers onnxruntime-web has created so far (its pthreads start as sessions need them). */
  ortWorkers(): number;
}

/** The global the page installs. */
export interface BenchGlobal {
  torchletBench?: PageApi;
}
