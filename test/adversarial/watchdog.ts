// A call that never returns cannot be timed from the thread it blocks. The watchdog is a worker
// thread that watches a shared slot the suite updates around each call; when one call runs past
// HANG_MS it prints the call and kills the test process, so the suite fails naming the culprit
// instead of hanging forever.
import { Worker } from 'node:worker_threads';

/** A call running this long is a hang. */
export const HANG_MS = 60_000;

const TEXT_BYTES = 4096;

const WATCHER = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const state = new Int32Array(workerData.shared, 0, 2); // [call number, 1 while a call runs]
const started = new Float64Array(workerData.shared, 8, 1);
const text = new Uint8Array(workerData.shared, 16, ${TEXT_BYTES});
setInterval(() => {
  if (Atomics.load(state, 1) !== 1) return;
  if (Date.now() - started[0] < ${HANG_MS}) return;
  const end = text.indexOf(0);
  const call = Buffer.from(text.subarray(0, end < 0 ? text.length : end)).toString('utf8');
  writeSync(2, '\\nadversarial suite: this call has not returned after ${HANG_MS} ms (a hang):\\n  ' + call + '\\n');
  process.kill(process.pid, 'SIGKILL');
}, 500).unref();
`;

/** Starts the watchdog; `enter` before each call, `leave` after it. */
export function startWatchdog(): { enter(call: string): void; leave(): void; stop(): Promise<number> } {
  const shared = new SharedArrayBuffer(16 + TEXT_BYTES);
  const state = new Int32Array(shared, 0, 2);
  const started = new Float64Array(shared, 8, 1);
  const text = new Uint8Array(shared, 16, TEXT_BYTES);
  const worker = new Worker(WATCHER, { eval: true, workerData: { shared } });
  worker.unref();
  const encoder = new TextEncoder();
  return {
    enter(call: string): void {
      text.fill(0);
      encoder.encodeInto(call.slice(0, TEXT_BYTES / 4), text);
      started[0] = Date.now();
      Atomics.add(state, 0, 1);
      Atomics.store(state, 1, 1);
    },
    leave(): void {
      Atomics.store(state, 1, 0);
    },
    stop: () => worker.terminate(),
  };
}
