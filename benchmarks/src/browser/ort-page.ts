// onnxruntime-web in the page (runs in the browser): its own ES module and binaries, loaded from the
// benchmark's server (spec.ts's ORT_FILES under PAGE_PATHS.ortDir), not bundled; its pool sized by
// `ort.env.wasm.numThreads`, which every session runs on (the threaded build ignores
// `intraOpNumThreads`: spec.ts's PageLoad.ortThreads); one session per contender, non-spinning
// pool threads (so they leave the cores to the next contender's sample), outputs read in the timed call.

import type * as Ort from 'onnxruntime-web';
import { randomData } from '../data.js';
import type { Contender, OrtName, Prepared } from '../harness.js';
import type { OrtPageInfo } from './protocol.js';
import { ORT_FILES, type OrtGraph, ortSessionThreads, PAGE_PATHS } from './spec.js';

type OrtModule = typeof Ort;

let ort: OrtModule | undefined;
let poolThreads = 1;
let ortWorkers = 0;

/**
 * Counts the Web Workers created from onnxruntime-web's Emscripten glue (its pthreads are named
 * `em-pthread`): the evidence that `numThreads` started threads. Installed before ort loads.
 */
function countOrtWorkers(): void {
  const Base = globalThis.Worker;
  class CountingWorker extends Base {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      if (String(url).includes(ORT_FILES.glue) || options?.name === 'em-pthread') ortWorkers++;
    }
  }
  globalThis.Worker = CountingWorker;
}

/** The page-level absolute URL of a server path. */
const absolute = (p: string): string => new URL(p, location.href).href;

/**
 * Loads onnxruntime-web with a pool of `numThreads` threads and runs the probe model once, so it
 * initialises (and starts its workers) before any contender is measured.
 */
export async function setupOrt(numThreads: number): Promise<OrtPageInfo> {
  if (ort) throw new Error('setupOrt: onnxruntime-web initialises once per page');
  countOrtWorkers();
  // A runtime URL, so esbuild leaves the import to the browser: ort's own file as published.
  const moduleUrl = absolute(`${PAGE_PATHS.ortDir}${ORT_FILES.module}`);
  ort = (await import(/* @vite-ignore */ moduleUrl)) as OrtModule;
  ort.env.wasm.wasmPaths = absolute(PAGE_PATHS.ortDir);
  ort.env.wasm.numThreads = numThreads;
  ort.env.wasm.simd = true;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  try {
    const probe = await ortSession(await fetchModel(PAGE_PATHS.ortProbe));
    const out = await probe.run({ x: new ort.Tensor('float32', Float32Array.of(-1, 0, 2, -3), [4]) });
    const y = Array.from(out.y.data as Float32Array);
    await probe.release();
    if (y.join() !== '0,0,2,0') throw new Error(`onnxruntime-web probe: Relu gave ${y.join()}`);
  } catch (err) {
    // No contender may run on a runtime that did not start as asked.
    ort = undefined;
    throw err;
  }
  poolThreads = ort.env.wasm.numThreads ?? 1;
  return {
    version: ort.env.versions.web ?? '?',
    numThreadsAsked: numThreads,
    numThreads: poolThreads,
    workers: ortWorkers,
  };
}

/**
 * Uses an already loaded onnxruntime-web whose pool has `threads` threads (the tests' Node build;
 * the page loads its own with {@link setupOrt}).
 */
export function useOrt(module: OrtModule, threads: number): void {
  ort = module;
  poolThreads = threads;
}

/** The pthread workers onnxruntime-web has created so far (they start lazily, as sessions need them). */
export function ortWorkerCount(): number {
  return ortWorkers;
}

/** Fetches a model from the benchmark's server. */
export async function fetchModel(path: string): Promise<Uint8Array> {
  const r = await fetch(path);
  if (!r.ok) throw new Error(`fetch ${path}: ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

function ortSession(model: Uint8Array): Promise<Ort.InferenceSession> {
  if (!ort) throw new Error('onnxruntime-web: call setupOrt first');
  // No intraOpNumThreads: the threaded build creates sessions without threads of their own
  // (DisablePerSessionThreads), so every session runs on the pool of ort.env.wasm.numThreads.
  return ort.InferenceSession.create(model, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
}

/** What an onnxruntime-web contender runs: a model and its input `x`. */
export interface OrtWebCase {
  readonly model: Uint8Array;
  readonly input: Float32Array;
  readonly inShape: readonly number[];
}

/**
 * The onnxruntime-web contenders `names` of one workload: `build` gives the model and input (once
 * per contender, outside timing); each contender is its own session, its output `y` read in the
 * timed call. `check` (optional) judges the first output before timing (throw to fail the row).
 */
export function ortSessionContenders(
  names: readonly OrtName[],
  build: () => OrtWebCase | Promise<OrtWebCase>,
  check?: (name: OrtName, y: Float32Array) => void,
): Contender[] {
  return names.map((name) => ({
    name,
    threads: () => ortSessionThreads(name, poolThreads),
    prepare: async (): Promise<Prepared> => {
      const c = await build();
      if (!ort) throw new Error('onnxruntime-web: call setupOrt first');
      ortSessionThreads(name, poolThreads);
      const session = await ortSession(c.model);
      const x = new ort.Tensor('float32', c.input, [...c.inShape]);
      const run = async (): Promise<Float32Array> => {
        const out = await session.run({ x });
        return out.y.data as Float32Array;
      };
      if (check) {
        try {
          check(name, await run());
        } catch (err) {
          void session.release();
          throw err;
        }
      }
      return {
        run,
        output: run,
        dispose: () => {
          void session.release();
        },
      };
    },
  }));
}

/**
 * The onnxruntime-web contenders `names` of a single-op workload: `model` (served bytes of
 * spec.ts's ortGraph `g`, or null where onnxruntime-web has no kernel: the cell reads
 * `n/a (no kernel)`) on the input `randomData(size, g.inputSeed)`.
 */
export function ortWebContenders(names: readonly OrtName[], g: OrtGraph | null, model: Uint8Array | null): Contender[] {
  return ortSessionContenders(names, () => {
    if (!g || !model) throw new Error('onnxruntime-web has no training kernels: no kernel');
    const input = randomData(
      g.inShape.reduce((a, b) => a * b, 1),
      g.inputSeed,
    );
    return { model, input, inShape: g.inShape };
  });
}
