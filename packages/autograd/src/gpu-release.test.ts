// Backward on the webgpu device gives the buffers of the gradients it owns back to the pool when
// it is done (no garbage collection needed): only the new `.grad` tensors stay. What escapes
// (`.grad`, retained gradients, what gradients() returns, a gradient the caller passed in) stays
// readable, and the results still match the CPU's.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { getBackendInfo, initWebGPU, manualSeed, rand, type Tensor, tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import {
  add,
  conv2d,
  exp,
  gradients,
  log,
  matmul,
  maxPool2d,
  mean,
  mul,
  noGrad,
  ownIntermediates,
  peekGrad,
  relu,
  reshape,
  sum,
  transpose,
  variable,
} from './index.js';

await initWebGPU();

const live = (): number => getBackendInfo().webgpu.liveBuffers;

// The counts below are exact, so garbage from earlier tests must not be finalized (its buffers
// released) in the middle of one: collect it first. The garbage collector without a CLI flag.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/**
 * Collects and waits until the finalizers have released every collectable buffer. Finalizers run as
 * a later task, which a loaded machine may delay past one turn of the event loop, so the count must
 * hold still over several rounds of collect-and-wait, not one.
 */
async function settledLive(): Promise<number> {
  let last = live();
  let stableRounds = 0;
  for (let round = 0; round < 100 && stableRounds < 4; round++) {
    collect();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const now = live();
    stableRounds = now === last ? stableRounds + 1 : 0;
    last = now;
  }
  return last;
}

async function values(t: Tensor | null): Promise<number[]> {
  if (t === null) throw new Error('expected a gradient');
  return Array.from((await t.cpu()).toTypedArray() as Float32Array);
}

function expectClose(a: number[], b: number[]): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-4 * (1 + Math.abs(b[i])));
}

/** A small conv net's loss on `device`, with every forward Variable kept (so none is collectable). */
function convNet(device: 'cpu' | 'webgpu') {
  manualSeed(3);
  const place = (t: Tensor) => (device === 'cpu' ? t : t.to('webgpu'));
  const x = variable(place(rand([2, 1, 6, 6])));
  const w = variable(place(rand([3, 1, 3, 3]).sub(0.5)), { requiresGrad: true });
  const b = variable(place(rand([3]).sub(0.5)), { requiresGrad: true });
  const fc = variable(place(rand([27, 2]).sub(0.5)), { requiresGrad: true });
  const c = conv2d(x, w, b, { padding: 1 });
  const r = relu(c);
  const p = maxPool2d(r, 2);
  const f = reshape(p, [2, 27]);
  const y = matmul(f, fc);
  // fc is read twice (matmul and the penalty): two gradients meet in its accumulator.
  const loss = add(mean(mul(exp(y), y)), sum(mul(fc, fc)));
  return { params: [w, b, fc], kept: [x, c, r, p, f, y, loss], loss };
}

describe('backward on webgpu releases the gradients it owns', () => {
  it('only the parameters .grad tensors stay allocated, and they match the CPU', async () => {
    const gpu = convNet('webgpu');
    const cpu = convNet('cpu');
    const before = await settledLive();
    gpu.loss.backward();
    cpu.loss.backward();
    // One new buffer per parameter (its .grad); every intermediate gradient went back to the pool.
    expect(live() - before).toBe(gpu.params.length);
    for (const [i, p] of gpu.params.entries()) expectClose(await values(p.grad), await values(cpu.params[i].grad));
    // A second backward accumulates in place: nothing new stays.
    const again = convNet('webgpu');
    again.loss.backward();
    const mid = live();
    const second = convNet('webgpu');
    for (const [i, p] of second.params.entries()) p.grad = again.params[i].grad;
    const beforeSecond = live();
    second.loss.backward();
    expect(live()).toBe(beforeSecond);
    expect(mid).toBeGreaterThan(0);
    for (const [i, p] of second.params.entries()) {
      expectClose(
        await values(p.grad),
        (await values(cpu.params[i].grad)).map((v) => 2 * v),
      );
    }
  });

  it('a gradient the caller passes in stays readable; retained and returned gradients stay', async () => {
    const x = variable(tensor([1, -2, 3, 0.5]).to('webgpu'), { requiresGrad: true });
    const h = mul(x, x);
    h.retainGrad();
    const y = relu(mul(h, 3));
    const seed = tensor([1, 2, 3, 4]).to('webgpu');
    y.backward(seed);
    expect(await values(seed)).toEqual([1, 2, 3, 4]);
    expect(await values(h.grad)).toEqual([3, 6, 9, 12]);
    expect(await values(x.grad)).toEqual([6, -24, 54, 12]);

    const z = variable(
      tensor([
        [1, 2],
        [3, 4],
      ]).to('webgpu'),
      { requiresGrad: true },
    );
    const t = transpose(z, 0, 1);
    const [dz, dt] = gradients(sum(mul(add(z, t), t)), [z, t]);
    // f = sum((z + t) * t), t = z^T: df/dt = z + 2t, df/dz = t + (z + 2t)^T; both read after the pass.
    expect(await values(dt.data)).toEqual([3, 8, 7, 12]);
    expect(await values(dz.data)).toEqual([4, 10, 10, 16]);
  });

  it('retainGraph backward twice gives the same gradients; a failing backward leaks nothing', async () => {
    const x = variable(rand([3, 4]).to('webgpu'), { requiresGrad: true });
    const y = sum(exp(mul(x, x)));
    y.backward(undefined, { retainGraph: true });
    const first = await values(x.grad);
    x.grad = null;
    y.backward();
    expectClose(await values(x.grad), first);

    const a = variable(rand([4]).to('webgpu'), { requiresGrad: true });
    const e = exp(a);
    const out = sum(mul(e, e));
    e.data.addInPlace(1); // the saved value changed: backward refuses
    const before = await settledLive();
    expect(() => out.backward()).toThrow(/modified by an in-place operation/);
    expect(live()).toBe(before);
    // Recording stopped with the failed pass: a later allocation stays.
    const kept = tensor([1]).to('webgpu');
    expect(live()).toBe(before + 1);
    kept.dispose();
  });

  it('dropping a .grad nobody read releases it; one that was read stays readable', async () => {
    const x = variable(tensor([1, 2, 3]).to('webgpu'), { requiresGrad: true });
    sum(mul(x, x)).backward();
    expect(await values(peekGrad(x))).toEqual([2, 4, 6]); // library reads do not count
    const before = await settledLive();
    x.zeroGrad();
    expect(live()).toBe(before - 1);
    sum(mul(x, x)).backward();
    const held = x.grad; // read by the user: dropping it must not release it
    const beforeHeld = live();
    x.grad = null;
    expect(live()).toBe(beforeHeld);
    expect(await values(held)).toEqual([2, 4, 6]);
    sum(mul(x, x)).backward();
    const g = x.gradVariable;
    x.zeroGrad();
    expect(await values(g?.data ?? null)).toEqual([2, 4, 6]);
    // A second backward accumulates in place into an unread gradient, which stays unread.
    sum(mul(x, x)).backward();
    sum(mul(x, x)).backward();
    const beforeDrop = live();
    x.grad = null;
    expect(live()).toBe(beforeDrop - 1);
  });

  it('ownIntermediates: the intermediates of a pure function go with the graph, or at once without one', async () => {
    const x = variable(tensor([0, 1, 2]).to('webgpu'), { requiresGrad: true });
    const logSumExp = (): ReturnType<typeof sum> => ownIntermediates([x.data], () => log(sum(exp(x))));
    const before = await settledLive();
    const y = logSumExp(); // exp, sum, log: the first two are the graph's
    expect(live()).toBe(before + 3);
    y.backward();
    // The intermediates and every gradient in flight are gone; y and x.grad stay.
    expect(live()).toBe(before + 2);
    expectClose(await values(y.data), [Math.log(1 + Math.E + Math.E ** 2)]);
    const softmax = [1, Math.E, Math.E ** 2].map((v) => v / (1 + Math.E + Math.E ** 2));
    expectClose(await values(x.grad), softmax);
    // No graph (grad mode off): released as soon as the function returns.
    const noGraph = noGrad(logSumExp);
    expect(live()).toBe(before + 3);
    expectClose(await values(noGraph.data), await values(y.data));
    // A function that throws releases what it made.
    expect(() =>
      ownIntermediates([x.data], () => {
        exp(x);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(live()).toBe(before + 3);
  });

  it('on the CPU nothing is recorded (no device needed)', async () => {
    const x = variable(tensor([1, 2]), { requiresGrad: true });
    const before = await settledLive();
    sum(mul(x, x)).backward();
    expect(live()).toBe(before);
    expect(x.grad?.toArray()).toEqual([2, 4]);
  });
});
