import { Conv2d } from '@torchlet/nn';
import { manualSeed } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { autogradErrorExercise } from '../src/exercises/autograd-error.js';
import { conv2dLayerExercise } from '../src/exercises/conv2d-layer.js';
import { learnKernelExercise } from '../src/exercises/learn-kernel.js';
import { type ErrorBlock, itemOf, printedValue, tensorOf } from '../src/report.js';
import { expectChecksPass, expectClose, expectPrintedTensors, expectPrintedValues, values } from './helpers.js';

const edgeX = Array.from({ length: 6 }, () => [1, 1, 0, 0, 0, 0, 1, 1]);
const edgeY = Array.from({ length: 6 }, () => [0, 1, 0, 0, 0, -1, 0]);

/** The book's loop in float64, with the gradient of sum((w0 x[j] + w1 x[j+1] - y[j])^2) written out by hand. */
function referenceTraining(w0: number, w1: number): { losses: number[]; w: [number, number] } {
  const losses: number[] = [];
  for (let epoch = 0; epoch < 10; epoch++) {
    let loss = 0;
    let g0 = 0;
    let g1 = 0;
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 7; j++) {
        const e = w0 * edgeX[i][j] + w1 * edgeX[i][j + 1] - edgeY[i][j];
        loss += e * e;
        g0 += 2 * e * edgeX[i][j];
        g1 += 2 * e * edgeX[i][j + 1];
      }
    }
    losses.push(loss);
    w0 -= 0.03 * g0;
    w1 -= 0.03 * g1;
  }
  return { losses, w: [w0, w1] };
}

/** The from-scratch layer's loop in float64: kernel and bias, gradients by hand. */
function referenceScratch(
  w0: number,
  w1: number,
  b: number,
  lr: number,
  epochs: number,
): { losses: number[]; w: number[] } {
  const losses: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    let loss = 0;
    let g0 = 0;
    let g1 = 0;
    let gb = 0;
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 7; j++) {
        const e = w0 * edgeX[i][j] + w1 * edgeX[i][j + 1] + b - edgeY[i][j];
        loss += e * e;
        g0 += 2 * e * edgeX[i][j];
        g1 += 2 * e * edgeX[i][j + 1];
        gb += 2 * e;
      }
    }
    losses.push(loss);
    w0 -= lr * g0;
    w1 -= lr * g1;
    b -= lr * gb;
  }
  return { losses, w: [w0, w1, b] };
}

describe('conv2d-layer', () => {
  it('the from-scratch layer with K = [[1, -1]] reproduces the edge map', async () => {
    const r = await conv2dLayerExercise.run();
    expectPrintedTensors(r, { 'layer/layer.forward(X)': edgeY });
    expectPrintedValues(r, { 'layer/parameters': 'weight [1, 2], bias [1]' });
    expectChecksPass(r);
  });
});

const learnKernelResult = await learnKernelExercise.run();
describe('learn-kernel', () => {
  const r = learnKernelResult;
  it('the seeded run matches a float64 hand-derived gradient descent from its printed initial kernel', () => {
    const init = values(tensorOf(r, 'train', 'initial weight'));
    // PyTorch's Conv2d init: Kaiming uniform with a = sqrt(5), fan-in 2: bound 1 / sqrt(2).
    init.forEach((v) => void expect(Math.abs(v)).toBeLessThanOrEqual(Math.SQRT1_2));
    const ref = referenceTraining(init[0], init[1]);
    const losses = printedValue(r, 'train', 'losses') as number[];
    losses.forEach((l, i) => void expect(Math.abs(l - ref.losses[i]) / ref.losses[i]).toBeLessThan(1e-5));
    expectPrintedTensors(r, {
      // The seeded draw: the same numbers as a fresh Conv2d after manualSeed(0).
      'train/initial weight': (t) => {
        manualSeed(0);
        expect(t.equal(new Conv2d(1, 1, [1, 2], { bias: false }).weight.data.reshape([1, 2]))).toBe(true);
      },
      'train/conv2d.weight.data.reshape([1, 2])': (t) =>
        values(t).forEach((v, i) => void expect(Math.abs(v - ref.w[i])).toBeLessThan(1e-5)),
    });
    expectPrintedValues(r, {
      'train/log': [1, 3, 5, 7, 9].map((i) => `epoch ${i + 1}, loss ${losses[i].toFixed(3)}`).join('\n'),
      'train/losses': (v) => expect(v).toHaveLength(10),
    });
    // The printed 3-decimal losses agree with the float64 reference too.
    [1, 3, 5, 7, 9].forEach(
      (i) => void expect(Math.abs(Number(losses[i].toFixed(3)) - ref.losses[i])).toBeLessThanOrEqual(0.0005 + 1e-9),
    );
    expectChecksPass(r);
  });
});

const autogradErrorResult = await autogradErrorExercise.run();
describe('autograd-error', () => {
  const r = autogradErrorResult;
  it('gradients of the squared error at w = [0.25, 0.5], b = 0, by hand: dL/dw = 2 sum(e x), dL/db = 2 sum(e)', () => {
    let g0 = 0;
    let g1 = 0;
    let gb = 0;
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 7; j++) {
        const e = 0.25 * edgeX[i][j] + 0.5 * edgeX[i][j + 1] - edgeY[i][j];
        g0 += 2 * e * edgeX[i][j];
        g1 += 2 * e * edgeX[i][j + 1];
        gb += 2 * e;
      }
    }
    expect([g0, g1, gb]).toEqual([9, 36, 27]);
    const scratch = referenceScratch(0.25, 0.5, 0, 0.01, 30);
    expectPrintedTensors(r, {
      'torchlet-trains/layer.weight.grad': [[g0, g1]],
      'torchlet-trains/layer.bias.grad': [gb],
      'torchlet-trains/K.grad (loop corr2d with set)': [[g0, g1]],
      'torchlet-trains/conv2d weight grad': [[g0, g1]],
      'train-scratch/layer.weight.data': (t) => void expectClose(t.toArray(), [scratch.w.slice(0, 2)], 1e-5),
      'train-scratch/layer.bias.data': (t) => void expectClose(t.toArray(), [scratch.w[2]], 1e-5),
    });
    expectPrintedValues(r, {
      'mxnet/MXNet error': expect.stringContaining('Assigning to NDArrays that are already in a computational graph'),
      'train-scratch/losses': (v) =>
        void (v as number[]).forEach(
          (l, i) => void expect(Math.abs(l - scratch.losses[i]) / scratch.losses[i]).toBeLessThan(1e-5),
        ),
    });
    const lines = itemOf(r, 'train-scratch').blocks.find((b) => b.kind === 'value')!;
    expect((lines as { text: string }).text.split('\n')).toEqual(
      [4, 9, 14, 19, 24, 29].map((i) => `epoch ${i + 1}, loss ${scratch.losses[i].toFixed(3)}`),
    );
    expectChecksPass(r);
  });

  it('shows the real errors: 4-D input to Conv2D and corr2d, backward of a non-scalar', () => {
    const errors = itemOf(r, 'errors').blocks.filter((b): b is ErrorBlock => b.kind === 'error');
    expect(errors.map((e) => [e.label, e.errorName])).toEqual([
      ['batchedInput()', 'TorchletError'],
      ['batchedCorr2d()', 'TorchletError'],
      ['nonScalarBackward()', 'TorchletError'],
    ]);
    expect(errors[0].message).toMatch(/^Conv2D: .*\[1,1,6,8\]/);
    expect(errors[1].message).toMatch(/^corr2d: .*\[1,1,6,8\].*\[1,2\].*conv2d/);
    expect(errors[2].message).toMatch(/^backward: .*scalar.*\[6,7\]/);
  });
});
