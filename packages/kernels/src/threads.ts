// Worker threads for large GEMMs in Node, with the caller's view staying synchronous.
//
// gemm-mt.wasm (the same AssemblyScript, built with an imported shared memory) is instantiated on
// the calling thread and on `threads - 1` workers over one shared WebAssembly.Memory. A product is
// split into blocks of rows (or of columns when C is wider than tall); the caller posts each worker
// its block through a small SharedArrayBuffer (`Atomics.notify`), computes block 0 itself, then
// blocks in `Atomics.wait` until every worker stored its done flag. Node allows `Atomics.wait` on
// the main thread; browsers do not (and need cross-origin isolation for shared memory), so there
// the pool is never created and products run on one thread.
//
// Workers start asynchronously (tens of milliseconds): until one reports ready, products simply
// run on fewer threads. Every block computes each element of C exactly as the single-threaded
// kernel does, so results do not depend on the thread count. Workers are unref'd: they never keep
// the process alive.

import { compilePackagedSync, type GemmExports, nodeBuiltin } from './loader.js';

interface WorkerLike {
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'error', listener: (err: Error) => void): void;
}

interface WorkerThreads {
  Worker: new (source: string, options: { eval: true; workerData: unknown }) => WorkerLike;
}

interface NodeOs {
  availableParallelism?: () => number;
  cpus(): unknown[];
}

/** Bytes of control block per worker: Int32 [seq, done, status, ready], then 16 float64 params. */
const SLOT_BYTES = 256;
const SEQ = 0;
const DONE = 1;
const STATUS = 2;
const READY = 3;
const SHUTDOWN = -1;

// The worker's whole program (run with `eval: true`, a CommonJS script). It waits for a new
// sequence number, runs sgemmPart with the 16 parameters of its slot, stores the sequence number
// as done (status 1 if the call threw) and wakes the caller.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, slot } = workerData;
const gemm = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctl = new Int32Array(control, slot * ${SLOT_BYTES}, 4);
const p = new Float64Array(control, slot * ${SLOT_BYTES} + 16, 16);
Atomics.store(ctl, ${READY}, 1);
let seen = 0;
for (;;) {
  Atomics.wait(ctl, ${SEQ}, seen);
  const seq = Atomics.load(ctl, ${SEQ});
  if (seq === seen) continue;
  if (seq === ${SHUTDOWN}) break;
  seen = seq;
  let status = 0;
  try {
    gemm.sgemmPart(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13], p[14], p[15]);
  } catch {
    status = 1;
  }
  Atomics.store(ctl, ${STATUS}, status);
  Atomics.store(ctl, ${DONE}, seq);
  Atomics.notify(ctl, ${DONE});
}
`;

/** The threaded module: the caller's instance, its shared memory, and the workers. */
export interface ThreadPool {
  readonly exports: GemmExports;
  readonly workers: WorkerLike[];
  /** Int32 view of the control block (SLOT_BYTES / 4 entries per worker). */
  readonly ctl: Int32Array;
  /** Float64 view of the control block (SLOT_BYTES / 8 entries per worker; params from entry 2). */
  readonly params: Float64Array;
  seq: number;
  broken: boolean;
}

let requested = 1;
let pool: ThreadPool | null = null;
let poolError = '';

function shutdown(p: ThreadPool): void {
  for (let i = 0; i < p.workers.length; i++) {
    Atomics.store(p.ctl, i * (SLOT_BYTES / 4) + SEQ, SHUTDOWN);
    Atomics.notify(p.ctl, i * (SLOT_BYTES / 4) + SEQ);
  }
}

/** The number of logical CPUs in Node (1 elsewhere). */
function cpuCount(): number {
  const os = nodeBuiltin<NodeOs>('node:os');
  if (os === null) return 1;
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : Math.max(1, os.cpus().length);
}

/**
 * Sets how many threads one large float32 GEMM may use (default 1: the calling thread only).
 * `'auto'` takes Node's `os.availableParallelism()`. Threads are Node `worker_threads` sharing the
 * WebAssembly memory; they start in the background on the next large product and are used once
 * they are up. Only products of at least 2^22 multiply-adds (about 160^3) are split; smaller ones
 * run on the calling thread. Outside Node the setting is recorded but products stay on one thread.
 *
 * @example
 * ```ts
 * import { getBackendInfo, setThreads } from '@torchlet/kernels';
 * setThreads(1);
 * getBackendInfo().threads; // -> 1
 * ```
 */
export function setThreads(count: number | 'auto'): void {
  const n = count === 'auto' ? cpuCount() : count;
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new RangeError(`setThreads: count must be 'auto' or an integer from 1 to 64, got ${String(count)}`);
  }
  if (n === requested) return;
  requested = n;
  if (pool !== null) shutdown(pool);
  pool = null;
  poolError = '';
}

/** The thread count set by {@link setThreads}. */
export function getThreads(): number {
  return requested;
}

/** Why the pool could not be created ('' when it was, or was not needed). */
export function threadPoolError(): string {
  return poolError;
}

/** The pool when more than one thread is requested and Node can provide it (created on first call). */
export function threadPool(): ThreadPool | null {
  if (requested <= 1 || poolError !== '') return null;
  if (pool !== null) return pool.broken ? null : pool;
  const wt = nodeBuiltin<WorkerThreads>('node:worker_threads');
  if (wt === null || typeof SharedArrayBuffer !== 'function') {
    poolError = 'threads need Node worker_threads and SharedArrayBuffer';
    return null;
  }
  const compiled = compilePackagedSync('gemm-mt.wasm');
  if (typeof compiled === 'string') {
    poolError = compiled;
    return null;
  }
  try {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
    const exports = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as GemmExports;
    const control = new SharedArrayBuffer(SLOT_BYTES * (requested - 1));
    const created: ThreadPool = {
      exports,
      workers: [],
      ctl: new Int32Array(control),
      params: new Float64Array(control),
      seq: 0,
      broken: false,
    };
    for (let slot = 0; slot < requested - 1; slot++) {
      const w = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: { module: compiled, memory, control, slot } });
      w.unref();
      w.on('error', (err) => {
        created.broken = true;
        poolError = `a GEMM worker failed: ${err.message}`;
      });
      created.workers.push(w);
    }
    pool = created;
    return pool;
  } catch (e) {
    poolError = `could not start GEMM worker threads: ${(e as Error).message}`;
    return null;
  }
}

/** Indices of the workers that have started and are waiting for work. */
export function readyWorkers(p: ThreadPool): number[] {
  const out: number[] = [];
  for (let i = 0; i < p.workers.length; i++) if (Atomics.load(p.ctl, i * (SLOT_BYTES / 4) + READY) === 1) out.push(i);
  return out;
}

/** Posts `sgemmPart(...args)` to worker `slot`; returns the sequence number to wait for. */
export function post(p: ThreadPool, slot: number, args: readonly number[]): number {
  const base = slot * (SLOT_BYTES / 8) + 2;
  for (let i = 0; i < 16; i++) p.params[base + i] = args[i];
  const seq = ++p.seq;
  Atomics.store(p.ctl, slot * (SLOT_BYTES / 4) + SEQ, seq);
  Atomics.notify(p.ctl, slot * (SLOT_BYTES / 4) + SEQ);
  return seq;
}

/** Blocks until worker `slot` finished job `seq`; false if the job threw (the pool is then retired). */
export function join(p: ThreadPool, slot: number, seq: number): boolean {
  const i = slot * (SLOT_BYTES / 4);
  for (;;) {
    const done = Atomics.load(p.ctl, i + DONE);
    if (done === seq) break;
    Atomics.wait(p.ctl, i + DONE, done, 1000);
  }
  if (Atomics.load(p.ctl, i + STATUS) !== 0) {
    p.broken = true;
    poolError = 'a GEMM worker threw; products run on one thread from now on';
    return false;
  }
  return true;
}
