// onnxruntime-web on one thread, in a worker thread of the benchmark process (see src/ort.ts).
// Its threaded build shares one pool of `ort.env.wasm.numThreads` threads between every session of
// a runtime and ignores `intraOpNumThreads`, and the pool size is fixed once per runtime: the main
// thread's runtime has every core, so the 1-thread contender needs a runtime of its own. This one
// starts with `numThreads = 1` (no pthread pool).
//
// Protocol (one request at a time per session, answered in order):
//   { op: 'create', id, model, input, inShape } -> { id }
//   { op: 'run', id, reps }                      -> { id }            (reps calls of session.run)
//   { op: 'output', id }                         -> { id, data }      (one more run's output)
//   { op: 'release', id }                        -> { id }
//   { op: 'info', id }                           -> { id, numThreads } (the runtime's pool size)
// Failures answer { id, error } with the message.

import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-web';

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

/** @type {Map<number, { session: ort.InferenceSession, x: ort.Tensor }>} */
const sessions = new Map();
/** Keeps the last output alive so no read is optimised away. */
export let sink = null;

async function handle(msg) {
  if (msg.op === 'info') return { numThreads: ort.env.wasm.numThreads };
  if (msg.op === 'create') {
    const session = await ort.InferenceSession.create(msg.model, {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
    });
    sessions.set(msg.id, { session, x: new ort.Tensor('float32', msg.input, msg.inShape) });
    return {};
  }
  const s = sessions.get(msg.id);
  if (s === undefined) throw new Error(`ort-1t worker: no session ${msg.id}`);
  if (msg.op === 'run') {
    // Each call's output data is read inside the timed batch, as tfjs's dataSync().
    for (let r = 0; r < msg.reps; r++) sink = (await s.session.run({ x: s.x })).y.data;
    return {};
  }
  if (msg.op === 'output') return { data: (await s.session.run({ x: s.x })).y.data };
  if (msg.op === 'release') {
    sessions.delete(msg.id);
    await s.session.release();
    return {};
  }
  throw new Error(`ort-1t worker: unknown op ${msg.op}`);
}

// Requests are handled strictly one after another, so a run never overlaps another one.
let queue = Promise.resolve();
parentPort.on('message', (msg) => {
  queue = queue.then(async () => {
    try {
      parentPort.postMessage({ id: msg.id, ...(await handle(msg)) });
    } catch (err) {
      parentPort.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
    }
  });
});
