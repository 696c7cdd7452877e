// onnxruntime-web contenders: its WebAssembly SIMD build (the `wasm` execution provider) on
// single-op models from onnx-model.ts. Its threaded build shares one pool of
// `ort.env.wasm.numThreads` threads between every session of a runtime, ignores a session's
// `intraOpNumThreads`, and fixes the pool size when the runtime starts (measured per thread in
// /proc: a session asking for 1 thread kept both threads of a 2-thread pool busy). So `ort-wasm`
// runs in this process on a pool of every core, and `ort-wasm-1t` in a worker thread with a
// runtime of its own started with `numThreads = 1` (workers/ort-1t-worker.mjs); the harness times
// the worker's calls by the batch (`runMany`), so the message round trip is paid once per sample,
// not per call. A run's output is a CPU tensor whose `data` is read inside the timed call, as
// tfjs's `dataSync()`. The pool's threads do not spin between runs
// (`session.intra_op.allow_spinning` = 0), so they leave the cores to the next sample.

import os from 'node:os';
import { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-web';
import type { Contender, Prepared } from './harness.js';

/** What an ORT workload builds: the model and the input. */
export interface OrtCase {
  readonly model: Uint8Array;
  readonly input: Float32Array;
  readonly inShape: readonly number[];
}

let started = false;

/** The thread count this process's runtime (`ort-wasm`) is started with: every core. */
export function ortPoolThreads(): number {
  return os.availableParallelism();
}

function initOrt(): void {
  if (started) return;
  started = true;
  ort.env.wasm.numThreads = ortPoolThreads();
  ort.env.logLevel = 'error';
}

/** Facts about onnxruntime-web for the report. */
export function ortInfo(): Record<string, unknown> {
  return {
    version: ort.env.versions.web,
    numThreads: ortPoolThreads(),
    executionProvider: 'wasm',
    // ort-wasm-1t's runtime: the pool size is per runtime, so it has its own (see the header).
    oneThreadRuntime: 'worker thread, numThreads 1',
  };
}

/** A reply of the 1-thread worker. */
interface WorkerReply {
  readonly id: number;
  readonly error?: string;
  readonly data?: Float32Array;
  readonly numThreads?: number;
}

/** The worker thread that runs `ort-wasm-1t`, started on first use; it never keeps the process alive. */
let worker: { readonly thread: Worker; readonly pending: Map<number, (r: WorkerReply) => void> } | null = null;
let nextSession = 0;
/** Sessions created in the worker and not yet released. */
let liveSessions = 0;

/**
 * Ends the worker once it holds no session. `unref()` alone did not let the process exit (a
 * `pnpm bench` run sat idle after its report until killed), so the worker is terminated; the next
 * `ort-wasm-1t` contender starts a fresh one in its (untimed) prepare.
 */
function stopWorkerIfIdle(): void {
  if (liveSessions > 0 || worker === null || worker.pending.size > 0) return;
  const { thread } = worker;
  worker = null;
  void thread.terminate();
}

/** Whether `ort-wasm-1t`'s worker thread is running (it must not outlive its sessions: tests). */
export function ortOneThreadWorkerRunning(): boolean {
  return worker !== null;
}

function oneThreadWorker(): NonNullable<typeof worker> {
  if (worker !== null) return worker;
  // src/ and dist/ both sit one level below the package root, beside workers/.
  const thread = new Worker(new URL('../workers/ort-1t-worker.mjs', import.meta.url));
  thread.unref();
  const pending = new Map<number, (r: WorkerReply) => void>();
  const fail = (err: unknown) => {
    for (const resolve of pending.values()) resolve({ id: -1, error: `ort-1t worker: ${String(err)}` });
    pending.clear();
    if (worker?.thread === thread) worker = null; // not a newer worker started since
  };
  thread.on('message', (r: WorkerReply) => {
    const resolve = pending.get(r.id);
    pending.delete(r.id);
    resolve?.(r);
  });
  thread.on('error', fail);
  thread.on('exit', (code) => fail(new Error(`exited with code ${code}`)));
  worker = { thread, pending };
  return worker;
}

/** Sends one request about session `id` to the 1-thread worker and waits for its answer. */
function ask(id: number, msg: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
  const w = oneThreadWorker();
  if (w.pending.has(id)) throw new Error(`ort-1t worker: session ${id} already has a request in flight`);
  return new Promise<WorkerReply>((resolve, reject) => {
    w.pending.set(id, (r) => (r.error === undefined ? resolve(r) : reject(new Error(r.error))));
    w.thread.postMessage({ id, ...msg }, transfer);
  });
}

/** The pool size of `ort-wasm-1t`'s runtime, as its worker reports it (for tests and the report). */
export async function ortOneThreadPool(): Promise<number> {
  try {
    const r = await ask(nextSession++, { op: 'info' });
    if (typeof r.numThreads !== 'number') throw new Error('ort-1t worker: no thread count');
    return r.numThreads;
  } finally {
    stopWorkerIfIdle();
  }
}

/** `ort-wasm-1t`: a session of the worker's own 1-thread runtime. */
async function prepareOneThread(c: OrtCase): Promise<Prepared> {
  const id = nextSession++;
  // Copies into fresh buffers, so the caller's arrays stay usable (the worker owns what it is
  // sent). Not `slice()`: on a Node Buffer that is a view of the same memory.
  const model = new Uint8Array(c.model);
  const input = new Float32Array(c.input);
  liveSessions++;
  try {
    await ask(id, { op: 'create', model, input, inShape: [...c.inShape] }, [model.buffer, input.buffer]);
  } catch (err) {
    liveSessions--;
    stopWorkerIfIdle();
    throw err;
  }
  const runMany = async (reps: number): Promise<void> => {
    await ask(id, { op: 'run', reps });
  };
  return {
    run: () => runMany(1),
    runMany,
    output: async () => {
      const r = await ask(id, { op: 'output' });
      if (!(r.data instanceof Float32Array)) throw new Error('ort-1t worker: the output is not float32');
      return r.data;
    },
    dispose: () => {
      liveSessions--;
      void ask(id, { op: 'release' })
        .catch(() => undefined)
        .finally(stopWorkerIfIdle);
    },
  };
}

/**
 * The two onnxruntime-web contenders of a workload: `ort-wasm-1t` on a runtime of one thread (a
 * worker thread) and `ort-wasm` on this process's runtime, a pool of every core.
 */
export function ortContenders(build: () => OrtCase): Contender[] {
  const oneThread: Contender = {
    name: 'ort-wasm-1t',
    threads: () => 1,
    prepare: () => prepareOneThread(build()),
  };
  const pooled: Contender = {
    name: 'ort-wasm',
    threads: () => ortPoolThreads(),
    prepare: async (): Promise<Prepared> => {
      initOrt();
      const c = build();
      const session = await ort.InferenceSession.create(c.model, {
        executionProviders: ['wasm'],
        graphOptimizationLevel: 'all',
        // Its pool's threads would otherwise spin after each run, taking the cores from whichever
        // contender runs next in this process (samples alternate): they block instead.
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
      const x = new ort.Tensor('float32', c.input, [...c.inShape]);
      const run = async (): Promise<Float32Array> => {
        const out = await session.run({ x });
        return out.y.data as Float32Array;
      };
      return {
        run,
        output: run,
        dispose: () => {
          void session.release();
        },
      };
    },
  };
  return [oneThread, pooled];
}
