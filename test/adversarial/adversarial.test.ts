// The adversarial suite (issue 18): every export of every package, found at run time, and every
// Tensor method, called with fast-check-generated bad arguments. Only a TorchletError may escape
// (or the user's own exception, thrown by a getter or callback the suite passed in); every call
// returns within a time bound; nothing allocates past the element limit, which the suite lowers
// so that an unchecked size shows as a raw RangeError or a slow call instead of eating the machine.
// A call that hangs is reported by the watchdog (watchdog.ts), which then kills the test process;
// one that crashes the process (a V8 fatal error) shows as "Worker exited unexpectedly": rerun
// with ADVERSARIAL_TRACE=/tmp/trace.txt and the file's last line names it.
import { appendFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badArguments, describeArguments, type TensorApi, UserError } from './arguments.js';
import { type Callable, callables, entryPoints } from './exports.js';
import { startWatchdog } from './watchdog.js';

/** A rejected call slower than this fails the suite: bad input is refused before any real work. */
const REJECT_MS = 2_000;
/** An accepted call (the arguments happened to be valid) slower than this fails the suite. */
const ACCEPT_MS = 30_000;
/** Time spent on one export's accepted calls after which it is not called again (a default model). */
const EXPORT_BUDGET_MS = 5_000;
/** ADVERSARIAL_ONLY=@torchlet/tensor,@torchlet/nn limits a local run to some modules. */
const only = process.env.ADVERSARIAL_ONLY?.split(',');
/** ADVERSARIAL_TRACE=file appends each call before it runs (to find a call that kills the process). */
const trace = process.env.ADVERSARIAL_TRACE;
/** Generated argument lists per export. */
const RUNS = 40;
/** The element limit during the suite: 2^22 elements (16 MiB of float32). */
const LIMIT = 2 ** 22;

interface TensorModule extends TensorApi {
  TorchletError: abstract new (...args: never[]) => Error;
  Tensor: { prototype: object };
  setMaxElements(n: number | null): void;
  setBackend(name: string): void;
  setGemmKernel(kernel: null): void;
  setThreads(n: number): void;
  manualSeed(seed: number): unknown;
}

const loaded: { module: string; namespace: Record<string, unknown> }[] = [];
let api: TensorModule;

let watchdog: ReturnType<typeof startWatchdog>;

beforeAll(async () => {
  watchdog = startWatchdog();
  for (const [module, file] of entryPoints()) {
    if (only !== undefined && !only.includes(module) && module !== '@torchlet/tensor') continue;
    loaded.push({ module, namespace: (await import(/* @vite-ignore */ file)) as Record<string, unknown> });
  }
  api = loaded.find((m) => m.module === '@torchlet/tensor')?.namespace as unknown as TensorModule;
  api.setMaxElements(LIMIT);
});

afterAll(async () => {
  await watchdog?.stop();
  if (api === undefined) return;
  restoreGlobals();
  api.setMaxElements(null);
});

/** Undoes whatever a call with a valid-looking argument changed globally. */
function restoreGlobals(): void {
  api.setBackend('auto');
  api.setGemmKernel(null);
  api.setThreads(1);
  api.setMaxElements(LIMIT);
  api.manualSeed(0);
}

interface Failure {
  readonly call: string;
  readonly error: string;
}

const allowed = (e: unknown): boolean => e instanceof api.TorchletError || e instanceof UserError;

/** Calls `f` (awaiting a promise up to the time bound) and reports what escaped or how long it took. */
/** What one call did: a failure to report (or null), and how long it ran when it was accepted. */
async function probe(call: string, f: () => unknown): Promise<{ failure: Failure | null; acceptedMs: number }> {
  if (trace !== undefined) appendFileSync(trace, `${call}\n`);
  const start = performance.now();
  watchdog.enter(call);
  let rejected = false;
  try {
    const result = f();
    if (result instanceof Promise) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`promise still pending after ${ACCEPT_MS} ms`)), ACCEPT_MS);
      });
      try {
        await Promise.race([result, late]);
      } finally {
        clearTimeout(timer);
      }
    }
  } catch (e) {
    rejected = true;
    if (!allowed(e)) {
      const error = e instanceof Error ? `${e.name}: ${e.message.slice(0, 160)}` : `non-Error thrown: ${String(e)}`;
      return { failure: { call, error }, acceptedMs: 0 };
    }
  } finally {
    watchdog.leave();
    restoreGlobals();
  }
  const ms = performance.now() - start;
  const bound = rejected ? REJECT_MS : ACCEPT_MS;
  const failure =
    ms > bound ? { call, error: `${rejected ? 'rejected' : 'accepted'} after ${Math.round(ms)} ms` } : null;
  return { failure, acceptedMs: rejected ? 0 : ms };
}

function report(failures: readonly Failure[]): string {
  // One line per distinct error message per call site, so a root cause shows once.
  const seen = new Map<string, Failure>();
  for (const f of failures) {
    const key = `${f.call.split('(')[0]} ${f.error.replace(/\d+/g, 'N')}`;
    if (!seen.has(key)) seen.set(key, f);
  }
  return [...seen.values()].map((f) => `${f.call}\n    -> ${f.error}`).join('\n');
}

async function attack(target: Callable): Promise<Failure[]> {
  const failures: Failure[] = [];
  const lists = fc.sample(badArguments(api), { numRuns: RUNS, seed: 18 });
  let spent = 0;
  for (const args of lists) {
    if (spent > EXPORT_BUDGET_MS) break;
    const call = `${target.module}:${target.isClass ? 'new ' : ''}${target.name}(${describeArguments(args)})`;
    const { failure, acceptedMs } = await probe(call, () =>
      target.isClass
        ? new (target.value as unknown as new (...a: unknown[]) => unknown)(...args)
        : target.value(...args),
    );
    spent += acceptedMs;
    if (failure !== null) failures.push(failure);
  }
  return failures;
}

describe('adversarial: only TorchletError escapes, promptly', () => {
  it('finds the exports of every package', () => {
    const names = loaded.map((m) => m.module);
    for (const pkg of [
      '@torchlet/kernels',
      '@torchlet/tensor',
      '@torchlet/ops',
      '@torchlet/autograd',
      '@torchlet/nn',
    ]) {
      expect(names).toContain(pkg);
    }
    expect(loaded.flatMap((m) => callables(m.module, m.namespace)).length).toBeGreaterThan(300);
  });

  it('every exported function and class', async () => {
    const failures: Failure[] = [];
    for (const { module, namespace } of loaded) {
      for (const target of callables(module, namespace)) failures.push(...(await attack(target)));
    }
    expect(failures.length, report(failures)).toBe(0);
  });

  it('every Tensor method, on valid and odd tensors', async () => {
    const failures: Failure[] = [];
    const proto = api.Tensor.prototype as Record<string, unknown>;
    const receivers = [
      api.tensor([
        [1, 2],
        [3, 4],
      ]),
      api.zeros([0, 3]),
      api.tensor([1, 2], { dtype: 'int32' }),
    ];
    for (const name of Object.getOwnPropertyNames(proto).sort()) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      if (name === 'constructor' || typeof descriptor?.value !== 'function') continue;
      const lists = fc.sample(badArguments(api), { numRuns: 12, seed: 18 });
      for (const receiver of receivers) {
        for (const args of lists) {
          const call = `Tensor#${name}(${describeArguments(args)}) on ${describeArguments([receiver])}`;
          const { failure } = await probe(call, () =>
            (descriptor.value as (...a: unknown[]) => unknown).apply(receiver, args),
          );
          if (failure !== null) failures.push(failure);
        }
      }
    }
    expect(failures.length, report(failures)).toBe(0);
  });
});
