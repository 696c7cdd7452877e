// Worker threads for large GEMMs and convolutions, with the caller's view staying synchronous.
//
// gemm-mt.wasm (the same AssemblyScript, built with an imported shared memory) is instantiated on
// the calling thread and on `threads - 1` workers over one shared WebAssembly.Memory: Node
// `worker_threads`, or in a browser Web Workers, which need a cross-origin isolated page (shared
// memory) and the module compiled by `ready()`. A product is split into chunks of rows (or of
// columns when C is wider than tall); the caller posts each worker the job through a small
// SharedArrayBuffer (`Atomics.notify`), claims chunks itself, then waits until every worker stored
// its done flag: with `Atomics.wait` in Node and in workers, by polling `Atomics.load` on a
// browser's main thread, which may not block (as Emscripten's pthreads do there; the caller was
// computing synchronously anyway, and the wait is only for the workers' last chunks).
//
// Workers start asynchronously (tens of milliseconds): until one reports ready, products simply
// run on fewer threads. A worker that dies (its 'exit' or 'error' event) is restarted in its slot,
// up to MAX_RESTARTS times, then the pool runs without it. A call never waits on a dead worker: a
// job no worker has claimed once the caller ran out of chunks is revoked (the caller computed every
// chunk itself), and a worker that claimed one and then shows no progress for a long time (see
// stallMs) retires the pool; the call then returns false and its caller recomputes the result. Every block computes each element of C exactly as the single-threaded
// kernel does, so results do not depend on the thread count. Workers are unref'd: they never keep
// the process alive.

import { describeArgument, KernelArgumentError } from './errors.js';
import { compilePackagedSync, type GemmExports, nodeBuiltin, threadedModule } from './loader.js';
import { withWeightArena } from './weight-cache.js';

/** A started worker, Node's or the browser's: all the pool needs is to stop it. */
interface WorkerLike {
  terminate(): unknown;
}

interface NodeWorker extends WorkerLike {
  unref(): void;
  on(event: 'error', listener: (err: Error) => void): void;
  on(event: 'exit', listener: (code: number) => void): void;
}

interface WorkerThreads {
  Worker: new (source: string, options: { eval: true; workerData: unknown }) => NodeWorker;
}

/** The browser's Worker constructor (typed here: this package compiles without the DOM library). */
type WebWorkerConstructor = new (
  url: string,
) => WorkerLike & {
  postMessage(message: unknown): void;
  addEventListener(type: 'error', listener: (event: { message?: string }) => void): void;
};

/** The browser globals the pool looks for; all absent in Node. */
interface BrowserGlobals {
  Worker?: WebWorkerConstructor;
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
  WorkerGlobalScope?: abstract new () => unknown;
  Blob?: new (parts: string[], options: { type: string }) => unknown;
  URL: { createObjectURL?(blob: unknown): string };
}

interface NodeOs {
  availableParallelism?: () => number;
  cpus(): unknown[];
}

/**
 * Control block: a 64-byte header (Int32 [0] = next chunk to claim), then per worker a slot of
 * Int32 [seq, done, status, ready, claim, beat, shared, idle] and P_COUNT float64 job parameters
 * from byte 32. `claim` is the job's sequence number while it is open, minus that number once the
 * worker took it, and 0 once the caller revoked it: a worker that read an older job's sequence
 * number and was descheduled cannot take the next job's claim for it (it would run the new job's
 * chunks but report the old number as done, and the caller would wait for the new one); `beat` counts the chunks the worker finished (the caller's sign of life); `shared`
 * is 1 when another thread claimed chunks between two of the worker's in its last job (both ran
 * at once: see WORKER_LOOP); `idle` is 1 while the worker sleeps in `Atomics.wait`. The header
 * and each slot start on their own 64-byte cache lines.
 */
const HEADER_BYTES = 64;
/**
 * Header Int32 [1]: the id (P_JOB) of the last job whose caller reached finishParallel (the caller
 * of a `callerBusy` job gets there once its copies are done).
 */
const JOINED = 1;
const SLOT_BYTES = 256;
const PARAMS_AT = 32;
const SEQ = 0;
const DONE = 1;
const STATUS = 2;
const READY = 3;
const CLAIM = 4;
/** Largest job sequence number before they start again from 1. */
const SEQ_MAX = 2 ** 30 - 1;
const BEAT = 5;
const SHARED = 6;
const IDLE = 7;
const SHUTDOWN = -1;

/** Indices of the job parameters (float64) in a slot, from byte PARAMS_AT. */
const P_COUNT = 19;
/**
 * The job parameter that is 1 when the caller copies operands while the workers run the job
 * (see postParallel's `callerBusy`): the worker then polls for the next job even though it ran
 * this one alone.
 */
const P_CALLER_BUSY = 17;
/** The job's id, the same for every worker of the job (their sequence numbers differ): see JOINED. */
const P_JOB = 18;

/** How many times one slot's worker is restarted after dying before the pool runs without it. */
const MAX_RESTARTS = 3;

/**
 * How long (ms) a worker polls for its next job before it sleeps in `Atomics.wait`, after a job it
 * shared with the caller; and the longest the caller polls for a worker's last chunk. A worker
 * polling for its next job takes about 1-2 µs to start it; a sleeping one is woken in 40-60 µs
 * (2-vCPU VM, `Atomics.notify` to the worker claiming its first chunk).
 */
const SPIN_MS = 0.2;

/**
 * The shortest poll (ms) of a worker whose polls keep timing out (each one that does halves the
 * next, from SPIN_MS; each one that catches a job doubles it): jobs that come rarely, such as
 * one per layer with unsplit layers between, then cost little CPU time the caller could use.
 */
const POLL_MIN_MS = 0.025;

/** The shortest time (ms) the caller polls for a worker's last chunk before it sleeps. */
const JOIN_SPIN_MIN_MS = 0.02;

/** The shortest wait for a worker's next sign of life before it counts as dead (see stallMs). */
const STALL_MIN_MS = 10_000;

// Both sides run the same chunk loop: claim chunk i with Atomics.add on the header counter, compute
// rows (or columns) [i * chunk, (i + 1) * chunk) of C, repeat until none are left. Claiming chunks
// instead of fixed halves keeps every thread busy when a core is shared with other processes.
// Job parameters: tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, work, byRows, chunk, kind.
// kind 0 is a GEMM; conv2d jobs (kind 1: pad images, kind 2: forward units, kind 3: weight-gradient
// units, see conv-backward.ts; kinds 4, 5, 6: depthwise forward, input- and weight-gradient planes,
// see depthwise.ts; kind 7: pointwise forward units, see pointwise.ts; kind 8: Winograd forward units, see winograd.ts) pass the descriptor
// pointer as p[0], the unit count as p[2] and the thread's workspace as p[13] (see conv.ts).
// Returns the number of chunks it ran; `beat` (a worker's slot, else null) counts them too, and
// gets `shared` = 1 when some other thread claimed a chunk between two of this thread's claims.
const CHUNK_LOOP = `(g, counter, p, beat) => {
  const kind = p[16];
  const extent = kind !== 0 || p[14] ? p[2] : p[3];
  const chunk = p[15];
  let count = 0;
  let last = -1;
  let shared = 0;
  for (;;) {
    const claimed = Atomics.add(counter, 0, 1);
    const lo = claimed * chunk;
    if (lo >= extent) break;
    if (last >= 0 && claimed !== last + 1) shared = 1;
    last = claimed;
    const hi = Math.min(extent, lo + chunk);
    if (kind === 1) g.conv2dPadPart(p[0], lo, hi);
    else if (kind === 2) g.conv2dForwardPart(p[0], lo, hi, p[13]);
    else if (kind === 3) g.conv2dBackwardWeightPart(p[0], lo, hi, p[13]);
    else if (kind === 4) g.depthwiseForwardPart(p[0], lo, hi, p[13]);
    else if (kind === 5) g.depthwiseBackwardInputPart(p[0], lo, hi, p[13]);
    else if (kind === 6) g.depthwiseBackwardWeightPart(p[0], lo, hi, p[13]);
    else if (kind === 7) g.pointwiseForwardPart(p[0], lo, hi, p[13]);
    else if (kind === 8) g.winogradForwardPart(p[0], lo, hi, p[13]);
    else if (p[14]) g.sgemmPart(p[0], p[1], lo, hi, 0, p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13]);
    else g.sgemmPart(p[0], p[1], 0, p[2], lo, hi, p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13]);
    count++;
    if (beat !== null) Atomics.add(beat, ${BEAT}, 1);
  }
  if (beat !== null) Atomics.store(beat, ${SHARED}, shared);
  return count;
}`;

// The worker's program once it holds the module, the memory, the control block and its slot. It
// waits for a new sequence number in its slot, claims the job (unless the caller revoked it), runs
// the chunk loop, stores the sequence number as done (status 1 if a call threw) and wakes the
// caller. A restarted worker starts from the slot's current sequence number, never an old job.
//
// After a job it shared with the caller (`shared`: both claimed chunks at once, so they ran on two
// cores), or one posted while the caller copies (a pipelined call's steps, whose next step comes
// as soon as the copy is done: a worker asleep would be woken in 40-60 µs every step) whose caller
// reached its join while the worker computed, the worker polls for the next one for SPIN_MS before it sleeps: the next job of a call
// (conv2d's pad then compute, a band, a depthwise chunk) or of the next layer usually comes within
// microseconds, and a sleeping thread is woken in tens of microseconds. After a job it ran alone
// (the caller claimed nothing meanwhile) or one that was revoked, it sleeps at once: the likely
// reason is that the scheduler put it on the caller's core (2-vCPU VMs pack a process's threads
// onto one vCPU when the other is busy), where polling would hold the core the caller needs for
// its next serial work: measured there, every job cost the whole poll (about 210 µs a job with a
// 0.2 ms poll against 1-2 µs on two cores).
const WORKER_LOOP = `
const gemm = new WebAssembly.Instance(module, { env: { memory } }).exports;
const counter = new Int32Array(control, 0, 1);
const header = new Int32Array(control, 0, 2);
const ctl = new Int32Array(control, ${HEADER_BYTES} + slot * ${SLOT_BYTES}, 8);
const p = new Float64Array(control, ${HEADER_BYTES} + slot * ${SLOT_BYTES} + ${PARAMS_AT}, ${P_COUNT});
const runChunks = ${CHUNK_LOOP};
let seen = Atomics.load(ctl, ${SEQ});
let poll = false;
let pollMs = ${SPIN_MS};
Atomics.store(ctl, ${READY}, 1);
for (;;) {
  if (poll) {
    const pollUntil = performance.now() + pollMs;
    while (Atomics.load(ctl, ${SEQ}) === seen && performance.now() < pollUntil);
    // Poll longer after a poll that caught the next job, shorter after one that timed out.
    pollMs = Atomics.load(ctl, ${SEQ}) === seen ? Math.max(${POLL_MIN_MS}, pollMs / 2) : Math.min(${SPIN_MS}, 2 * pollMs);
  }
  if (Atomics.load(ctl, ${SEQ}) === seen) {
    Atomics.store(ctl, ${IDLE}, 1);
    Atomics.wait(ctl, ${SEQ}, seen);
    Atomics.store(ctl, ${IDLE}, 0);
  }
  const seq = Atomics.load(ctl, ${SEQ});
  if (seq === seen) continue;
  if (seq === ${SHUTDOWN}) break;
  seen = seq;
  poll = false;
  if (Atomics.compareExchange(ctl, ${CLAIM}, seq, -seq) !== seq) continue;
  let status = 0;
  try {
    runChunks(gemm, counter, p, ctl);
    // A callerBusy step: poll only if the caller finished its copies while this thread computed
    // (both ran at once); if this thread ran every chunk before the caller got to its join, the
    // caller may have been waiting for this core.
    poll = Atomics.load(ctl, ${SHARED}) === 1 || (p[${P_CALLER_BUSY}] === 1 && Atomics.load(header, ${JOINED}) === p[${P_JOB}]);
  } catch {
    status = 1;
  }
  Atomics.store(ctl, ${STATUS}, status);
  Atomics.store(ctl, ${DONE}, seq);
  Atomics.notify(ctl, ${DONE});
}
`;

/** Node: a CommonJS script run with `eval: true`, its inputs in `workerData`. */
const NODE_WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, slot } = workerData;
${WORKER_LOOP}`;

/** Browser: a classic worker script (from a Blob URL) whose first message carries the inputs. */
const BROWSER_WORKER_SOURCE = `
self.onmessage = (event) => {
  self.onmessage = null;
  const { module, memory, control, slot } = event.data;
  ${WORKER_LOOP}
  self.close();
};`;

type ChunkLoop = (g: GemmExports, counter: Int32Array, p: Float64Array, beat: Int32Array | null) => number;

/** The calling thread's copy of the chunk loop, compiled from the source the workers run (only in Node, with the pool). */
let runChunks: ChunkLoop | null = null;

/** The threaded module: the caller's instance, its shared memory, and the workers. */
export interface ThreadPool {
  readonly exports: GemmExports;
  /** The worker of each slot (replaced when it dies and is restarted). */
  readonly workers: WorkerLike[];
  /** Whether each slot's worker is alive (false after its 'exit' or 'error' event, until restarted). */
  readonly alive: boolean[];
  /** How many times each slot's worker was restarted. */
  readonly restarts: number[];
  /** Set once the pool is shut down: its workers' exits are expected, not restarted. */
  retired: boolean;
  /** Int32 view of the control block: the header, then SLOT_BYTES / 4 entries per worker. */
  readonly ctl: Int32Array;
  /** Float64 view of the control block. */
  readonly params: Float64Array;
  seq: number;
  broken: boolean;
  /**
   * Split jobs in a row (of at least OVERLAP_MIN_CHUNKS chunks) in which no worker ran a chunk
   * while the caller ran one: see {@link splitsPay}.
   */
  solo: number;
  /** Calls {@link splitsPay} turned down since the last split it allowed. */
  declined: number;
  /**
   * Whether this thread may block in `Atomics.wait` (Node, or a worker); a browser's main thread
   * may not, and polls instead.
   */
  readonly canBlock: boolean;
}

let requested = 1;
let fromEnv = false; // TORCHLET_THREADS is read once, on the first threadPool() or getThreads() call

/** Applies `TORCHLET_THREADS=n|auto` (Node; unset means auto) unless setThreads was called first; invalid values are ignored. */
function readEnv(): void {
  if (fromEnv) return;
  fromEnv = true;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TORCHLET_THREADS;
  // Default: every core, as the issue asks; small products stay on the calling thread anyway.
  const n = env === undefined || env === '' || env === 'auto' ? cpuCount() : Number(env);
  if (Number.isInteger(n) && n >= 1 && n <= 64) requested = n;
}
let pool: ThreadPool | null = null;
let poolError = '';
/** The last worker death or pool restart (reported, not fatal: the pool carries on). */
let poolNote = '';

/** Index of worker `slot`'s first Int32 in the control block. */
const slotInt = (slot: number): number => (HEADER_BYTES + slot * SLOT_BYTES) / 4;

function shutdown(p: ThreadPool): void {
  p.retired = true;
  for (let i = 0; i < p.workers.length; i++) {
    Atomics.store(p.ctl, slotInt(i) + SEQ, SHUTDOWN);
    Atomics.notify(p.ctl, slotInt(i) + SEQ);
  }
  // Node's workers leave their loop and exit; a browser's are also terminated, in case one never
  // started (terminate() on a Node worker would reject the pending work of its loop: not needed).
  if (!isNode()) for (const w of p.workers) w.terminate();
}

const browser = (): BrowserGlobals => globalThis as unknown as BrowserGlobals;
const isNode = (): boolean => nodeBuiltin<WorkerThreads>('node:worker_threads') !== null;

/** The number of logical CPUs: Node's `os.availableParallelism()`, a browser's `navigator.hardwareConcurrency`, else 1. */
function cpuCount(): number {
  const os = nodeBuiltin<NodeOs>('node:os');
  if (os === null) {
    const n = browser().navigator?.hardwareConcurrency;
    return typeof n === 'number' && Number.isInteger(n) && n >= 1 ? Math.min(n, 64) : 1;
  }
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : Math.max(1, os.cpus().length);
}

/**
 * Sets how many threads one large float32 GEMM or conv2d forward pass may use. The default is
 * every core (Node's `os.availableParallelism()`, a browser's `navigator.hardwareConcurrency`), or
 * `TORCHLET_THREADS=n|auto` in Node when set; `1` keeps everything on the calling thread.
 * `'auto'` takes that core count. Threads are Node `worker_threads`, or Web Workers in a
 * cross-origin isolated page after `ready()`, sharing the WebAssembly memory; they start in the
 * background on the next large product (or in `ready()`) and are used once they are up. Only
 * products of at least 2^22 multiply-adds (about 160^3) are split; smaller ones run on the calling
 * thread. A page that is not cross-origin isolated records the setting but runs on one thread
 * (`getBackendInfo().error` says why).
 *
 * @param count - The number of threads, at least 1, or `'auto'` for every core.
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
    throw new KernelArgumentError(
      'setThreads',
      'count',
      `count must be 'auto' or an integer from 1 to 64, got ${describeArgument(count)}`,
    );
  }
  fromEnv = true;
  if (n === requested) return;
  requested = n;
  if (pool !== null) shutdown(pool);
  pool = null;
  poolError = '';
  poolNote = '';
}

/**
 * The thread count set by {@link setThreads} (default: every core).
 *
 * @returns The thread count (at least 1).
 * @example
 * ```ts
 * import { getThreads } from '@torchlet/kernels';
 * getThreads(); // -> 1
 * ```
 */
export function getThreads(): number {
  readEnv();
  return requested;
}

/** Why the pool could not be created ('' when it was, or was not needed). */
export function threadPoolError(): string {
  return poolError !== '' ? poolError : poolNote;
}

/** The pool when more than one thread is requested and the host can provide it (created on first call). */
export function threadPool(): ThreadPool | null {
  readEnv();
  if (requested <= 1 || poolError !== '') return null;
  if (pool !== null) return pool.broken ? null : pool;
  const wt = nodeBuiltin<WorkerThreads>('node:worker_threads');
  const g = browser();
  let compiled: WebAssembly.Module | string;
  if (wt !== null) {
    compiled = compilePackagedSync('gemm-mt.wasm');
  } else if (typeof g.Worker !== 'function' || typeof g.Blob !== 'function') {
    compiled = 'threads need Node worker_threads or Web Workers';
  } else if (g.crossOriginIsolated !== true || typeof SharedArrayBuffer !== 'function') {
    compiled =
      'threads need a cross-origin isolated page (served with Cross-Origin-Opener-Policy: same-origin and ' +
      'Cross-Origin-Embedder-Policy: require-corp): products run on one thread';
  } else {
    // The browser compiles gemm-mt.wasm asynchronously in ready(); until then, no pool (and no error).
    const mt = threadedModule();
    if (mt === null) return null;
    compiled = mt;
  }
  if (typeof compiled === 'string') {
    poolError = compiled;
    return null;
  }
  try {
    runChunks ??= new Function(`return ${CHUNK_LOOP};`)() as ChunkLoop;
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
    const exports = withWeightArena(
      new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as GemmExports,
    );
    const control = new SharedArrayBuffer(HEADER_BYTES + SLOT_BYTES * (requested - 1));
    const inWorker = typeof g.WorkerGlobalScope === 'function' && globalThis instanceof g.WorkerGlobalScope;
    const created: ThreadPool = {
      exports,
      workers: [],
      alive: [],
      restarts: [],
      retired: false,
      ctl: new Int32Array(control),
      params: new Float64Array(control),
      seq: 0,
      broken: false,
      solo: 0,
      declined: 0,
      canBlock: wt !== null || inWorker,
    };
    const scriptUrl =
      wt === null ? g.URL.createObjectURL?.(new g.Blob!([BROWSER_WORKER_SOURCE], { type: 'text/javascript' })) : '';
    const spawn = (slot: number): void => {
      const data = { module: compiled, memory, control, slot };
      let w: WorkerLike;
      if (wt !== null) {
        const nw = new wt.Worker(NODE_WORKER_SOURCE, { eval: true, workerData: data });
        nw.unref(); // never keeps the process alive
        nw.on('error', (err) => died(slot, nw, err.message));
        nw.on('exit', (code) => died(slot, nw, `exited with code ${code}`));
        w = nw;
      } else {
        const bw = new g.Worker!(scriptUrl!);
        bw.addEventListener('error', (event) => died(slot, bw, event.message ?? 'error event'));
        bw.postMessage(data);
        w = bw;
      }
      created.workers[slot] = w;
      created.alive[slot] = true;
    };
    // A worker that died is left out of every later call (its ready flag cleared) and restarted.
    const died = (slot: number, w: WorkerLike, why: string): void => {
      if (created.retired || created.workers[slot] !== w || !created.alive[slot]) return;
      created.alive[slot] = false;
      Atomics.store(created.ctl, slotInt(slot) + READY, 0);
      if (!isNode()) w.terminate();
      if (created.restarts[slot] >= MAX_RESTARTS) {
        poolNote = `a worker thread died (${why}) ${MAX_RESTARTS + 1} times; the pool runs without it`;
        return;
      }
      created.restarts[slot]++;
      poolNote = `a worker thread died (${why}) and was restarted`;
      try {
        spawn(slot);
      } catch (e) {
        poolNote = `a worker thread died (${why}) and could not be restarted: ${(e as Error).message}`;
      }
    };
    for (let slot = 0; slot < requested - 1; slot++) {
      created.restarts.push(0);
      spawn(slot);
    }
    pool = created;
    return pool;
  } catch (e) {
    poolError = `could not start GEMM worker threads: ${(e as Error).message}`;
    return null;
  }
}

/**
 * Starts the worker pool if threads are requested and possible, and resolves once every worker is
 * waiting for work (or after `timeoutMs`, or at once without a pool). Never rejects.
 */
export async function startThreads(timeoutMs = 10_000): Promise<void> {
  const p = threadPool();
  if (p === null) return;
  const deadline = Date.now() + timeoutMs;
  while (!p.broken && readyWorkers(p).length < p.alive.filter(Boolean).length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Threads a large product would run on right now: the calling thread plus the started, living workers. */
export function activeThreads(): number {
  if (pool === null || pool.broken) return 1;
  return 1 + readyWorkers(pool).length;
}

/**
 * Whether worker `slot` sleeps in `Atomics.wait` (rather than running a job or polling for the
 * next one, which it does for at most SPIN_MS after a job it shared with the caller).
 */
export function workerIdle(p: ThreadPool, slot: number): boolean {
  return Atomics.load(p.ctl, slotInt(slot) + IDLE) === 1;
}

/** Indices of the living workers that have started and are waiting for work. */
export function readyWorkers(p: ThreadPool): number[] {
  const out: number[] = [];
  for (let i = 0; i < p.workers.length; i++) {
    if (p.alive[i] && Atomics.load(p.ctl, slotInt(i) + READY) === 1) out.push(i);
  }
  return out;
}

/**
 * How long the caller waits for a worker's next finished chunk before counting it as dead: a
 * hundred times the caller's own time per chunk (the chunks are alike), at least STALL_MIN_MS, so
 * a worker that is merely descheduled on a busy machine is never given up on.
 */
export function stallMs(callerMs: number, callerChunks: number): number {
  return Math.max(STALL_MIN_MS, (100 * callerMs) / Math.max(1, callerChunks));
}

/** Retires a pool whose worker stopped mid-job: the next threadPool() call starts a fresh one (new memory). */
function retire(p: ThreadPool, why: string): void {
  p.broken = true;
  shutdown(p);
  for (const w of p.workers) w.terminate();
  if (pool === p) pool = null;
  poolNote = why;
}

/**
 * Runs one product on the calling thread and the given ready workers: rows (or columns when
 * `byRows` is false) of C are cut into chunks of `chunk` that the threads claim one at a time.
 * `job` holds the 14 sgemm arguments (tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, work
 * of thread 0); worker `slot` packs into `work + (slot + 1) * workspace`. `kind` 1 and 2 run the
 * conv2d pad and forward parts instead (see conv.ts), 3 the weight-gradient parts (see
 * conv-backward.ts). Returns false if a worker
 * threw (the pool is then retired and C may be partly written).
 */
export function runParallel(
  p: ThreadPool,
  workers: readonly number[],
  job: readonly number[],
  workspace: number,
  byRows: boolean,
  chunk: number,
  kind: JobKind = 0,
): boolean {
  return finishParallel(postParallel(p, workers, job, workspace, byRows, chunk, kind));
}

/** Job kinds of the chunk loop (see CHUNK_LOOP). */
export type JobKind = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/** A job handed to the workers by {@link postParallel}, not yet joined by the caller. */
export interface PostedJob {
  readonly pool: ThreadPool;
  readonly workers: readonly number[];
  readonly seqs: readonly number[];
  /** Posted with `callerBusy` (see {@link postParallel}). */
  readonly callerBusy: boolean;
  /** The job's id (see JOINED). */
  readonly job: number;
}

/**
 * The first half of {@link runParallel}: posts the job to the workers, who start claiming chunks
 * as soon as they wake, and returns at once, so the caller can do other work meanwhile (the
 * depthwise kernels stage the next chunk of planes while the workers compute this one). Memory
 * the job reads or writes must not be touched until {@link finishParallel} returns. Only one job
 * may be posted at a time. `callerBusy`: the caller copies operands before it joins (a pipelined
 * call): the workers poll for the next step afterwards if the caller reached its join while
 * they computed (so both threads ran at once), and the job does not count for
 * {@link splitsPay} (a worker that ran every chunk while the caller copied did not run alone).
 */
export function postParallel(
  p: ThreadPool,
  workers: readonly number[],
  job: readonly number[],
  workspace: number,
  byRows: boolean,
  chunk: number,
  kind: JobKind = 0,
  callerBusy = false,
): PostedJob {
  Atomics.store(p.ctl, 0, 0);
  jobIds = jobIds >= SEQ_MAX ? 1 : jobIds + 1;
  const jobId = jobIds;
  const seqs: number[] = [];
  for (const slot of workers) {
    const base = (HEADER_BYTES + slot * SLOT_BYTES + PARAMS_AT) / 8;
    for (let i = 0; i < 14; i++) p.params[base + i] = job[i];
    p.params[base + 13] = job[13] + (slot + 1) * workspace;
    p.params[base + 14] = byRows ? 1 : 0;
    p.params[base + 15] = chunk;
    p.params[base + 16] = kind;
    p.params[base + P_CALLER_BUSY] = callerBusy ? 1 : 0;
    p.params[base + P_JOB] = jobId;
    // Sequence numbers stay in [1, 2^30): positive (claims negate them; SHUTDOWN is -1), never 0.
    p.seq = p.seq >= SEQ_MAX ? 1 : p.seq + 1;
    const seq = p.seq;
    seqs.push(seq);
    Atomics.store(p.ctl, slotInt(slot) + CLAIM, seq);
    Atomics.store(p.ctl, slotInt(slot) + SEQ, seq);
    Atomics.notify(p.ctl, slotInt(slot) + SEQ);
  }
  const own = mainParams;
  for (let i = 0; i < 14; i++) own[i] = job[i];
  own[14] = byRows ? 1 : 0;
  own[15] = chunk;
  own[16] = kind;
  return { pool: p, workers, seqs, callerBusy, job: jobId };
}

/**
 * The second half of {@link runParallel}: the caller claims the chunks left, then waits for the
 * workers. Returns false if a worker threw or stalled (the pool is then retired and the job's
 * output may be partly written).
 */
export function finishParallel(posted: PostedJob): boolean {
  const { pool: p, workers, seqs } = posted;
  Atomics.store(p.ctl, JOINED, posted.job);
  const counter = p.ctl;
  const own = mainParams;
  const started = performance.now();
  const ownChunks = runChunks!(p.exports, counter, own, null);
  const ownMs = performance.now() - started;
  const patience = stallMs(ownMs, ownChunks);
  // A worker still holds at most its last chunk, which takes about as long as one of ours: poll
  // for about two of ours, then sleep (a worker on this core, see WORKER_LOOP, needs it back).
  const joinSpinMs = Math.min(SPIN_MS, Math.max(JOIN_SPIN_MIN_MS, (2 * ownMs) / Math.max(1, ownChunks)));
  let ok = true;
  for (let w = 0; w < workers.length; w++) {
    const i = slotInt(workers[w]);
    // Every chunk is claimed by now. A worker that has not taken the job (dead, or not yet
    // scheduled) gets it revoked: there is nothing left for it to do.
    if (Atomics.compareExchange(p.ctl, i + CLAIM, seqs[w], 0) === seqs[w]) continue;
    let beat = Atomics.load(p.ctl, i + BEAT);
    let since = Date.now();
    const spinUntil = performance.now() + joinSpinMs;
    for (;;) {
      const done = Atomics.load(p.ctl, i + DONE);
      if (done === seqs[w]) break;
      // Spin for a moment before sleeping: a worker's last chunk usually ends within microseconds,
      // and a caller that sleeps must wait to be scheduled again on a busy machine.
      if (performance.now() < spinUntil) continue;
      if (p.canBlock) Atomics.wait(p.ctl, i + DONE, done, 100);
      const now = Date.now();
      const b = Atomics.load(p.ctl, i + BEAT);
      if (b !== beat) {
        beat = b;
        since = now;
      } else if (now - since > patience) {
        retire(p, `a worker thread stopped mid-job (no progress in ${now - since} ms); the pool was restarted`);
        return false;
      }
    }
    if (Atomics.load(p.ctl, i + STATUS) !== 0) ok = false;
  }
  // Whether the threads really ran at once (a worker's chunks interleaved with another thread's):
  // counted only over jobs with enough chunks to show it.
  const extent = own[16] !== 0 || own[14] ? own[2] : own[3];
  if (!posted.callerBusy && Math.ceil(extent / own[15]) >= OVERLAP_MIN_CHUNKS) {
    let overlapped = false;
    for (const slot of workers) if (Atomics.load(p.ctl, slotInt(slot) + SHARED) === 1) overlapped = true;
    p.solo = overlapped ? 0 : p.solo + 1;
  }
  if (!ok) {
    p.broken = true;
    poolError = 'a GEMM worker threw; products run on one thread from now on';
  }
  return ok;
}

/** Jobs of fewer chunks than this say nothing about whether the threads overlapped. */
const OVERLAP_MIN_CHUNKS = 4;
/** Split jobs in a row without overlap after which {@link splitsPay} turns small splits down. */
const SOLO_LIMIT = 4;
/** While it turns them down, one call in this many is split anyway, to see whether that changed. */
const PROBE_EVERY = 16;

/**
 * Whether a problem that only pays to split when the threads run at once (MobileNetV2's batch-1
 * layers: 0.1-2 ms) should be split now. False after SOLO_LIMIT split jobs in a row in which no
 * worker ran a chunk while another thread did, except one call in PROBE_EVERY: on a 2-vCPU VM
 * whose other core is busy the scheduler puts the worker on the caller's core, where a split
 * layer took 2-9% longer than on one thread (its operands copied into shared memory, the
 * hand-offs); once a probe overlaps again, splits resume.
 */
export function splitsPay(p: ThreadPool): boolean {
  if (p.solo < SOLO_LIMIT || ++p.declined >= PROBE_EVERY) {
    p.declined = 0;
    return true;
  }
  return false;
}

const mainParams = new Float64Array(P_COUNT);
/** The last job id given out (see JOINED). */
let jobIds = 0;
