// TensorFlow.js contenders: the cpu backend (plain JS kernels) and the wasm backend (XNNPACK, SIMD),
// both in this process. The wasm binary is loaded from node_modules, never downloaded.

import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tf.grad needs the ops' gradient functions. tfjs-core's Node bundle does not register them (its
// `dist/register_all_gradients.js` is an ES module with extensionless imports Node cannot load);
// tfjs-layers' Node bundle registers all of them into the shared registry on import.
import '@tensorflow/tfjs-layers';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { Contender, ContenderName, Prepared } from './harness.js';
import { concatOutputs } from './torchlet.js';

export { tf };

/** The tfjs backends measured. */
export type TfBackend = 'cpu' | 'wasm';

let ready: Promise<void> | undefined;

/**
 * Registers both backends once: prod mode (no per-op debug checks, no "install tfjs-node" banner),
 * the wasm binary's folder inside the installed package, and single-threaded wasm (Node has no
 * web workers for the threaded build; torchlet and tfjs-cpu are single-threaded too).
 */
export function initTf(): Promise<void> {
  ready ??= (async () => {
    tf.enableProdMode();
    const require = createRequire(import.meta.url);
    const dir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    setWasmPaths(`${dir}${path.sep}`);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    for (const b of ['wasm', 'cpu'] as const) {
      if (!(await tf.setBackend(b))) throw new Error(`tfjs backend ${b} failed to initialise`);
    }
  })();
  return ready;
}

/** Facts about the wasm backend for the report. */
export async function tfInfo(): Promise<Record<string, unknown>> {
  await initTf();
  return {
    version: tf.version_core,
    wasmSimd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    wasmThreads: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
  };
}

/** What a tfjs workload builds once its backend is active. */
export interface TfCase {
  /**
   * One call, returning the result tensor, or several for a combined workload (forward and both
   * gradients); intermediates are freed by `tf.tidy`.
   */
  readonly run: () => tf.Tensor | tf.Tensor[];
  /** Turns result `part`'s data into the canonical PyTorch layout for the agreement check. */
  readonly toCanonical?: (data: Float32Array, part: number) => ArrayLike<number>;
  /** The inputs, disposed after the workload. */
  readonly inputs: readonly tf.Tensor[];
}

/** Options of {@link tfContenders}. */
export interface TfContenderOptions {
  /** Backends where one call takes minutes (skipped by `--quick`). */
  readonly slowOn?: readonly TfBackend[];
}

/**
 * The tfjs-cpu and tfjs-wasm contenders of one workload. `build` runs with the backend active, so
 * the inputs live on it; each timed call runs the op, reads the result with `dataSync()` (so the
 * work is really done) and disposes it.
 */
export function tfContenders(build: () => TfCase, options: TfContenderOptions = {}): Contender[] {
  return (['cpu', 'wasm'] as const).map((backend) => ({
    name: `tfjs-${backend}` as ContenderName,
    slow: options.slowOn?.includes(backend) ?? false,
    // Node has no Web Workers for tfjs-backend-wasm's threaded build (WASM_HAS_MULTITHREAD_SUPPORT is off).
    threads: () => 1,
    prepare: async (): Promise<Prepared> => {
      await initTf();
      await tf.setBackend(backend);
      const c = build();
      const run = (): (Float32Array | Int32Array | Uint8Array)[] => {
        const y = tf.tidy(c.run);
        const ys = Array.isArray(y) ? y : [y];
        const data = ys.map((t) => t.dataSync());
        tf.dispose(ys);
        return data;
      };
      return {
        enter: async () => {
          if (tf.getBackend() !== backend) await tf.setBackend(backend);
        },
        run,
        output: () =>
          concatOutputs(
            run().map((part, i) => {
              const data = Float32Array.from(part);
              return c.toCanonical ? c.toCanonical(data, i) : data;
            }),
          ),
        dispose: () => {
          for (const t of c.inputs) t.dispose();
        },
      };
    },
  }));
}
