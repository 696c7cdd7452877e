// onnxruntime-web contenders: its WebAssembly SIMD build (the `wasm` execution provider), in this
// process, on single-op models from onnx-model.ts. The runtime starts once per process with
// `ort.env.wasm.numThreads` = every core (its pthread pool, on Node worker threads); each contender
// is its own session, `ort-wasm-1t` with `intraOpNumThreads: 1` and `ort-wasm` with every core, so
// both alternate with the other contenders in one process. A run's output is a CPU tensor whose
// `data` is read inside the timed call, as tfjs's `dataSync()`. Intra-op threads do not spin
// between runs (`session.intra_op.allow_spinning` = 0), so they leave the cores to the next sample.

import os from 'node:os';
import * as ort from 'onnxruntime-web';
import type { Contender, OrtName, Prepared } from './harness.js';

/** What an ORT workload builds: the model and the input. */
export interface OrtCase {
  readonly model: Uint8Array;
  readonly input: Float32Array;
  readonly inShape: readonly number[];
}

let started = false;

/** The thread count the runtime is started with (every core). */
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
  return { version: ort.env.versions.web, numThreads: ortPoolThreads(), executionProvider: 'wasm' };
}

/** The two onnxruntime-web contenders of a workload (1 intra-op thread, every core). */
export function ortContenders(build: () => OrtCase): Contender[] {
  const configs: readonly [OrtName, number][] = [
    ['ort-wasm-1t', 1],
    ['ort-wasm', ortPoolThreads()],
  ];
  return configs.map(([name, threads]) => ({
    name,
    threads: () => threads,
    prepare: async (): Promise<Prepared> => {
      initOrt();
      const c = build();
      const session = await ort.InferenceSession.create(c.model, {
        executionProviders: ['wasm'],
        intraOpNumThreads: threads,
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
  }));
}
