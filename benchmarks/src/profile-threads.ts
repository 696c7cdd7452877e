// Where the calling thread's wall time goes in back-to-back eval forwards of a whole network
// (issue 12: why a second thread gains little): V8's sampling profiler on this thread, each sample
// put in one bucket by its stack: kernel arithmetic on this thread (split jobs' own chunks, or
// unsplit calls), waiting for a worker's last chunk, handing jobs to the workers, copies in and
// out of WebAssembly memory (the kernels' staging code), garbage collection, and the rest of the
// JavaScript between calls. Samples also land while the thread is descheduled: on a shared
// machine run it under `nice`, and compare runs of the same process only.
//
//   node --expose-gc dist/profile-threads.js [resnet18|mobilenetV2] [--batch 1] [--threads 2] [--runs 40]

import { Session } from 'node:inspector/promises';
import { noGrad, type Variable } from '@torchlet/autograd';
import { setThreads } from '@torchlet/kernels';
import { ready, type Tensor } from '@torchlet/tensor';
import { WHOLE_NETS } from './shapes.js';
import { buildNet, netInput, type WholeNetName } from './wholenet-models.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** The staging code of the kernels (copies into and out of WebAssembly memory). */
const COPIES = new Set(['stageIn', 'stageOut', 'copyIn', 'copyOut', 'copyBand', 'stage', 'stageImages', 'pipelined']);

/** The bucket of one sample, from its stack (innermost frame first). */
function bucket(stack: readonly string[]): string {
  const top = stack[0];
  const named = stack.filter((f) => !f.startsWith('wasm-function') && !f.startsWith('js-to-wasm'));
  const caller = named[0] ?? '?';
  if (top.startsWith('wasm-function') || top.startsWith('js-to-wasm')) {
    // The chunk loop is compiled from source (threads.ts), so it has no name.
    return caller === '' ? 'arithmetic: split jobs, this thread' : `arithmetic: unsplit (${caller})`;
  }
  if (top === 'finishParallel' || top === 'now') return 'waiting for a worker (finishParallel)';
  if (top === 'postParallel') return 'handing off (postParallel)';
  if (COPIES.has(top) || top === 'pointwiseForward' || top === 'run') return `copies (${top})`;
  if (top === '(garbage collector)') return 'garbage collection';
  return 'other JavaScript';
}

async function profile(name: WholeNetName, batch: number, runs: number): Promise<void> {
  const c = { net: name, numClasses: WHOLE_NETS.numClasses, batch, size: WHOLE_NETS.size };
  const model = buildNet(c).eval();
  const x = netInput(c);
  const forward = (): unknown => noGrad(() => (model.forward as (x: Tensor) => Variable).call(model, x));
  forward();
  await new Promise((resolve) => setTimeout(resolve, 300)); // workers start in the background
  for (let i = 0; i < 10; i++) forward();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 50 });
  await session.post('Profiler.start');
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    forward();
    times.push(performance.now() - t0);
  }
  const { profile: p } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
  session.disconnect();
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const n of p.nodes) {
    byId.set(n.id, n);
    for (const child of n.children ?? []) parent.set(child, n.id);
  }
  const sums = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const stack: string[] = [];
    for (let id: number | undefined = p.samples[i]; id !== undefined; id = parent.get(id)) {
      stack.push(byId.get(id)?.callFrame.functionName ?? '');
    }
    const b = bucket(stack);
    sums.set(b, (sums.get(b) ?? 0) + p.timeDeltas[i]);
    total += p.timeDeltas[i];
  }
  times.sort((a, b) => a - b);
  console.log(
    `\n${name} [${batch},3,${c.size},${c.size}], ${runs} eval forwards back to back: median ${times[runs >> 1].toFixed(1)} ms; ` +
      `sampled on the calling thread ${(total / 1000 / runs).toFixed(1)} ms a forward\n`,
  );
  console.log('| calling thread | ms a forward | share |');
  console.log('| --- | ---: | ---: |');
  for (const [b, us] of [...sums].sort((a, b) => b[1] - a[1])) {
    if (us / total < 0.002) continue;
    console.log(`| ${b} | ${(us / 1000 / runs).toFixed(2)} | ${((100 * us) / total).toFixed(1)}% |`);
  }
}

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : Number(args[i + 1]);
};
const nets = WHOLE_NETS.nets.filter((n) => args.includes(n));
await ready();
setThreads(flag('--threads', 2));
for (const name of nets.length > 0 ? nets : (['mobilenetV2'] as const)) {
  await profile(name, flag('--batch', 1), flag('--runs', 40));
}
