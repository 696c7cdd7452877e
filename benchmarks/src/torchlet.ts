// The torchlet contenders: ops are synchronous and return tensors whose typed arrays are filled,
// so a call is complete when it returns. torchlet runs three ways, chosen in each contender's
// `enter` hook (outside timing, before every sample):
//
// - `torchlet-js`: `setBackend('js')`, the TypeScript kernels (threads untouched: JS never uses them);
// - `torchlet-wasm-1t`: `setBackend('auto')` and `setThreads(1)`: WebAssembly SIMD on the caller's thread;
// - `torchlet-wasm`: `setBackend('auto')` and `setThreads('auto')`: WebAssembly SIMD on every core.
//
// `setThreads` shuts the worker pool down when the count changes, and a new pool's workers start
// asynchronously with fresh WebAssembly memory. So whenever `enter` changes the thread count it
// waits (outside timing) until the workers are up and runs the workload once more, so no sample
// pays for starting threads or for first-touch page faults.

import { getBackendInfo, getThreads, setThreads, wasmGemm } from '@torchlet/kernels';
import { setBackend, type Tensor } from '@torchlet/tensor';
import type { Contender, Prepared, TorchletName } from './harness.js';

/** How a torchlet configuration sets the library up. */
export interface TorchletConfig {
  readonly backend: 'js' | 'auto';
  /** `null`: leave the thread count as it is (the JS kernels never use threads). */
  readonly threads: number | 'auto' | null;
}

/** The three torchlet configurations. */
export const TORCHLET_CONFIGS: Readonly<Record<TorchletName, TorchletConfig>> = {
  'torchlet-js': { backend: 'js', threads: null },
  'torchlet-wasm-1t': { backend: 'auto', threads: 1 },
  'torchlet-wasm': { backend: 'auto', threads: 'auto' },
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the worker pool runs products on more than one thread (a 256^3 GEMM, over the
 * parallel threshold, until `getBackendInfo().lastKernel` says `x<n> threads`), at most `timeoutMs`.
 * Returns whether it did.
 */
export async function waitForThreads(timeoutMs = 3_000): Promise<boolean> {
  if (getThreads() <= 1) return true;
  const n = 256;
  const a = new Float32Array(n * n).fill(1);
  const c = new Float32Array(n * n);
  const t0 = performance.now();
  for (;;) {
    wasmGemm(false, false, n, n, n, 1, a, 0, n, a, 0, n, 0, c, 0, n);
    if (/threads/.test(getBackendInfo().lastKernel)) return true;
    if (performance.now() - t0 > timeoutMs) return false;
    await sleep(5);
  }
}

/**
 * Applies a configuration; returns whether the thread count changed (so the pool was restarted
 * and the caller should wait for it and warm up again).
 */
export function applyConfig(config: TorchletConfig): boolean {
  setBackend(config.backend);
  if (config.threads === null) return false;
  const before = getThreads();
  setThreads(config.threads);
  return getThreads() !== before;
}

/**
 * The `enter` hook of a torchlet configuration: applies it and, when the thread count changed,
 * waits for the workers and calls `warm` once (outside timing).
 */
export function configEnter(config: TorchletConfig, warm: () => unknown): () => Promise<void> {
  return async () => {
    if (!applyConfig(config)) return;
    await waitForThreads();
    const out = warm();
    if (out instanceof Promise) await out;
  };
}

/** The configuration the process should be left in after a torchlet workload: the library defaults. */
export function restoreDefaults(): void {
  setBackend('auto');
  setThreads('auto');
}

/** Concatenates several results into one array for the agreement check. */
export function concatOutputs(parts: readonly ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) out[at + i] = p[i];
    at += p.length;
  }
  return out;
}

/** Options of {@link torchletContenders}. */
export interface TorchletContenderOptions {
  /** Configurations to leave out (e.g. `torchlet-js` where one call takes minutes). */
  readonly skip?: readonly TorchletName[];
}

/**
 * The three torchlet contenders of one workload. `build` creates the inputs (outside timing) and
 * returns the call to time (one tensor, or several for a combined workload such as forward +
 * both gradients); a stub's "not implemented yet" surfaces from the first call.
 */
export function torchletContenders(
  build: () => () => Tensor | readonly Tensor[],
  options: TorchletContenderOptions = {},
): Contender[] {
  return (Object.keys(TORCHLET_CONFIGS) as TorchletName[])
    .filter((name) => !options.skip?.includes(name))
    .map((name) => {
      // The thread count the configuration runs on, read after applying it (JS kernels: 1).
      let threads = 1;
      return {
        name,
        threads: () => threads,
        prepare: async (): Promise<Prepared> => {
          const config = TORCHLET_CONFIGS[name];
          applyConfig(config);
          threads = config.threads === null ? 1 : getThreads();
          await waitForThreads();
          const run = build();
          return {
            enter: configEnter(config, run),
            run,
            output: () => {
              const r = run();
              const parts = Array.isArray(r) ? (r as readonly Tensor[]) : [r as Tensor];
              return concatOutputs(parts.map((t) => t.toTypedArray() as ArrayLike<number>));
            },
          };
        },
      };
    });
}
