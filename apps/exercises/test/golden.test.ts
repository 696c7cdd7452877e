import type { Tensor } from '@torchlet/tensor';
import { type GoldenTensor, loadGolden, pair, toTensor } from '@torchlet/test-utils';
import { describe, expect, it } from 'vitest';
import { channelsExercise } from '../src/exercises/channels.js';
import { corr2dExercise } from '../src/exercises/corr2d.js';
import { diagonalEdgesExercise } from '../src/exercises/diagonal-edges.js';
import { edgeDetectionExercise } from '../src/exercises/edge-detection.js';
import { learnKernel } from '../src/exercises/learn-kernel.js';
import { LAYERS, paddingStrideExercise, paddingStrideShapes } from '../src/exercises/padding-stride.js';
import { poolingExercise } from '../src/exercises/pooling.js';
import { printedValue, tensorOf } from '../src/report.js';

// The app computes; these tests hold what it printed against PyTorch's values in
// tools/test-utils/golden/d2l.json.
const d2l = loadGolden('d2l');

function expectGolden(actual: Tensor, g: GoldenTensor): void {
  expect([...actual.shape]).toEqual(g.shape);
  expect(Array.from(actual.toTypedArray() as ArrayLike<number>)).toEqual(g.data);
}

describe('golden d2l.json: the section', () => {
  it('corr2d_basic', async () => {
    const r = await corr2dExercise.run();
    expectGolden(tensorOf(r, 'basic', 'X'), d2l.corr2d_basic.X);
    expectGolden(tensorOf(r, 'basic', 'K'), d2l.corr2d_basic.K);
    expectGolden(tensorOf(r, 'basic', 'Y'), d2l.corr2d_basic.Y);
    expectGolden(tensorOf(r, 'loops', 'corr2dLoops(X, K)'), d2l.corr2d_basic.Y);
  });

  it('edge: X, K, Y and corr2d(X.t(), K)', async () => {
    const r = await edgeDetectionExercise.run();
    expectGolden(tensorOf(r, 'edges', 'X'), d2l.edge.X);
    expectGolden(tensorOf(r, 'edges', 'K'), d2l.edge.K);
    expectGolden(tensorOf(r, 'edges', 'Y'), d2l.edge.Y);
    expectGolden(tensorOf(r, 'transposed', 'corr2d(X.t(), K)'), d2l.edge.Y_of_Xt);
  });

  describe('learn_kernel: from each golden initial kernel, the losses of PyTorch to 1e-5 relative', () => {
    const edge = { X: toTensor(d2l.edge.X), Y: toTensor(d2l.edge.Y) };
    it.each(d2l.learn_kernel.map((run, i) => [i, run] as const))('run %i', async (_, run) => {
      expect(run.epochs).toBe(10);
      expect(run.lr).toBe(0.03);
      const { initial, losses, weight, log } = await learnKernel(
        edge.X,
        edge.Y,
        toTensor({ shape: [1, 2], data: run.init.flat() }),
      );
      expect(initial.toArray()).toEqual(run.init);
      expect(losses).toHaveLength(run.loss_per_epoch.length);
      losses.forEach(
        (l, i) =>
          void expect(
            Math.abs(l - run.loss_per_epoch[i]) / run.loss_per_epoch[i],
            `epoch ${i + 1}: ${l} vs ${run.loss_per_epoch[i]}`,
          ).toBeLessThanOrEqual(1e-5),
      );
      const w = Array.from(weight.toTypedArray() as ArrayLike<number>);
      w.forEach(
        (v, i) =>
          void expect(Math.abs(v - run.final_weight.data[i])).toBeLessThanOrEqual(
            1e-5 * Math.abs(run.final_weight.data[i]),
          ),
      );
      // The printed lines: PyTorch's f'{l.sum():.3f}' of every second epoch.
      expect(log).toEqual([1, 3, 5, 7, 9].map((i) => `epoch ${i + 1}, loss ${run.loss_per_epoch[i].toFixed(3)}`));
    });
  });
});

describe("golden d2l.json: the forum thread's diagonal exercise", () => {
  it('eye(8) with K, X.t() and K.t()', async () => {
    const r = await diagonalEdgesExercise.run();
    expectGolden(tensorOf(r, 'eye', 'X'), d2l.diagonal.X);
    expectGolden(tensorOf(r, 'eye', 'K'), d2l.diagonal.K);
    expectGolden(tensorOf(r, 'eye', 'corr2d(X, K)'), d2l.diagonal.Y);
    expectGolden(tensorOf(r, 'transpose-x', 'corr2d(X.t(), K)'), d2l.diagonal.Y_of_Xt);
    expectGolden(tensorOf(r, 'transpose-k', 'corr2d(X, K.t())'), d2l.diagonal.Y_of_Kt);
  });
});

describe('golden d2l.json: beyond the section', () => {
  it('multi_channel', async () => {
    const r = await channelsExercise.run();
    expectGolden(tensorOf(r, 'multi-in', 'X'), d2l.multi_channel.X);
    expectGolden(tensorOf(r, 'multi-in', 'K'), d2l.multi_channel.K);
    expectGolden(tensorOf(r, 'multi-in', 'corr2dMultiIn(X, K)'), d2l.multi_channel.multi_in);
    expect(printedValue(r, 'multi-in-out', 'K3.shape')).toEqual(d2l.multi_channel.K3.shape);
    expectGolden(tensorOf(r, 'multi-in-out', 'corr2dMultiInOut(X, K3)'), d2l.multi_channel.multi_in_out);
  });

  it('pooling', async () => {
    const r = await poolingExercise.run();
    expectGolden(tensorOf(r, 'pool2d', 'X'), d2l.pooling.X);
    expectGolden(tensorOf(r, 'pool2d', 'pool2d(X, [2, 2])'), d2l.pooling.max_2x2);
    expectGolden(tensorOf(r, 'pool2d', "pool2d(X, [2, 2], 'avg')"), d2l.pooling.avg_2x2);
    expectGolden(tensorOf(r, 'padding-stride', 'X'), d2l.pooling.X4);
    expectGolden(tensorOf(r, 'padding-stride', 'MaxPool2d(3)'), d2l.pooling.max3);
    expectGolden(tensorOf(r, 'padding-stride', 'MaxPool2d(3, { padding: 1, stride: 2 })'), d2l.pooling.max3_p1_s2);
    expectGolden(
      tensorOf(r, 'padding-stride', 'MaxPool2d([2, 3], { stride: [2, 3], padding: [0, 1] })'),
      d2l.pooling.max23_s23_p01,
    );
  });

  it('padding_stride_shapes', async () => {
    const golden = d2l.padding_stride_shapes;
    expect(paddingStrideShapes()).toEqual(golden.map((g) => g.out_hw));
    expect(LAYERS.map((l) => [l.kernel, l.padding, l.stride])).toEqual(
      golden.map((g) => [pair(g.kernel_size), pair(g.padding), pair(g.stride)]),
    );
    const r = await paddingStrideExercise.run();
    golden.forEach((g, i) => void expect(printedValue(r, 'shapes', `shape ${i + 1}`)).toEqual(g.out_hw));
  });
});
