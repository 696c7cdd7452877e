// The LeNet epoch workload's setup: the data split, the run settings and that torchlet and tfjs
// build the same architecture. No timing is measured or asserted, and no epoch is trained.

import { Generator, zeros } from '@torchlet/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { EPOCH_RUNS, epochSettings, lenetWorkloads, tfjsLenet, torchletLenet } from '../src/bench-lenet.js';
import { FULL_OPTIONS, QUICK_OPTIONS, workloadOptions } from '../src/harness.js';
import { mnistEpochData, PIXELS, permutation } from '../src/mnist.js';
import { tf } from '../src/tfjs.js';

describe('mnist epoch data', () => {
  it('splits the 10,000 digits of the mnist package into 8,000 to train and 2,000 to test', () => {
    const { train, test } = mnistEpochData(8000, 0);
    expect(train.count).toBe(8000);
    expect(test.count).toBe(2000);
    expect(train.images.length).toBe(8000 * PIXELS);
    const counts = new Array<number>(10).fill(0);
    for (const l of train.labels) counts[l]++;
    // a shuffled split: every class is present in numbers near 800
    for (const n of counts) expect(n).toBeGreaterThan(600);
    let min = Infinity;
    let max = -Infinity;
    for (const v of train.images) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect([min, max]).toEqual([0, 1]);
  });

  it('is the same for the same seed and differs for another', () => {
    expect(Array.from(permutation(50, new Generator(0)))).toEqual(Array.from(permutation(50, new Generator(0))));
    expect(Array.from(permutation(50, new Generator(1)))).not.toEqual(Array.from(permutation(50, new Generator(0))));
    const sorted = Array.from(permutation(50, new Generator(3))).sort((a, b) => a - b);
    expect(sorted).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe('epoch settings', () => {
  it('takes at most 3 samples, each epoch a sample, with a 10x budget', () => {
    const full = workloadOptions(
      { family: 'lenet', name: 'e', shape: 's', contenders: [], settings: epochSettings },
      FULL_OPTIONS,
    );
    expect([full.runs, full.warmupMs, full.slowCallMs, full.budgetMs]).toEqual([EPOCH_RUNS, 0, 0, 600_000]);
    const quick = workloadOptions(
      { family: 'lenet', name: 'e', shape: 's', contenders: [], settings: epochSettings },
      QUICK_OPTIONS,
    );
    expect(quick.budgetMs).toBe(20_000);
    expect(quick.skipSlow).toBe(true);
  });
});

describe('the two LeNets', () => {
  beforeAll(async () => {
    tf.enableProdMode(); // no "install tfjs-node" banner
    await tf.setBackend('cpu');
  });

  it('have the same layers and the same 61,706 parameters', () => {
    const t = torchletLenet(new Generator(0));
    const tParams = t.parameters().reduce((n, p) => n + p.data.numel, 0);
    const m = tfjsLenet(0);
    expect(tParams).toBe(61_706);
    expect(m.countParams()).toBe(61_706);
    expect(m.outputs[0].shape).toEqual([null, 10]);
    expect(t.forward(zeros([2, 1, 28, 28])).data.shape).toEqual([2, 10]);
    m.dispose();
  });

  it('the workload has the three torchlet configurations (js slow), tfjs-cpu (slow) and tfjs-wasm on the 8,000 digits', () => {
    const [w] = lenetWorkloads();
    expect(w.family).toBe('lenet');
    expect(w.shape).toBe('LeNet, MNIST [8000,1,28,28]');
    expect(w.contenders.map((c) => [c.name, c.slow ?? false])).toEqual([
      ['torchlet-js', true],
      ['torchlet-wasm-1t', false],
      ['torchlet-wasm', false],
      ['tfjs-cpu', true],
      ['tfjs-wasm', false],
    ]);
  });
});
