import { Generator } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { loadAllDigits, permutation, subset, trainTestSplit } from '../src/data.js';
import { lenet } from '../src/model.js';
import { progressLine } from '../src/progress.js';
import { accuracy, train } from '../src/train.js';

const all = loadAllDigits();

describe('MNIST digits from the mnist package', () => {
  it('holds about 10,000 real 28x28 digits of every class, pixels in [0, 1]', () => {
    expect(all.count).toBeGreaterThanOrEqual(9900);
    const perClass = new Array(10).fill(0);
    for (const l of all.labels) perClass[l]++;
    for (const n of perClass) expect(n).toBeGreaterThan(800);
    let min = Infinity;
    let max = -Infinity;
    for (const v of all.images) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect([min, max]).toEqual([0, 1]);
  });

  it('splits 8,000 / rest reproducibly and without overlap', () => {
    const a = trainTestSplit(all, 8000, 0);
    const b = trainTestSplit(all, 8000, 0);
    expect(a.train.count).toBe(8000);
    expect(a.test.count).toBe(all.count - 8000);
    expect(a.train.labels).toEqual(b.train.labels);
    const order = permutation(all.count, new Generator(0));
    expect(new Set(order).size).toBe(all.count);
    expect(subset(all, [3]).labels[0]).toBe(all.labels[3]);
  });
});

describe('LeNet on MNIST', () => {
  it('learns: at least 90% test accuracy after one epoch of Adam on the 8,000 training digits', async () => {
    const { train: trainSet, test: testSet } = trainTestSplit(all, 8000, 0);
    const model = lenet(new Generator(0));
    const before = await accuracy(model, testSet);
    const [epoch] = await train(model, trainSet, testSet, { epochs: 1, batchSize: 32, lr: 2e-3, seed: 0 });
    expect(before).toBeLessThan(0.2);
    expect(epoch.testAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(epoch.loss).toBeLessThan(1);
  });

  it('draws a progress bar', () => {
    expect(progressLine('epoch 1/5', 5, 10, 0.5, 10)).toBe('epoch 1/5 [#####.....]  5/10  loss 0.5000');
  });
});
