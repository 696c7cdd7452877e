import { Generator, randn } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { avgPoolAsConvExercise } from '../src/exercises/avg-pool-as-conv.js';
import { maxPoolByReLUExercise } from '../src/exercises/max-pool-by-relu.js';
import { maxVsAvgExercise } from '../src/exercises/max-vs-avg.js';
import { minPoolExercise } from '../src/exercises/min-pool.js';
import { poolCostExercise } from '../src/exercises/pool-cost.js';
import { softmaxPoolExercise } from '../src/exercises/softmax-pool.js';
import { expectChecksPass, expectClose, expectPrintedTensors, expectPrintedValues } from './helpers.js';

/** Naive pooling of one [H, W] plane with a k x k window and stride k. */
function poolPlane(p: number[][], k: number, reduce: (v: number[]) => number): number[][] {
  return Array.from({ length: Math.floor(p.length / k) }, (_, i) =>
    Array.from({ length: Math.floor(p[0].length / k) }, (_, j) =>
      reduce(p.slice(i * k, i * k + k).flatMap((row) => row.slice(j * k, j * k + k))),
    ),
  );
}
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

describe('avg-pool-as-conv', () => {
  it('the printed plane is the mean of each 2x2 window', async () => {
    const r = await avgPoolAsConvExercise.run();
    const X = randn([2, 3, 6, 7], { generator: new Generator(0) }).toArray() as number[][][][];
    expectPrintedTensors(r, {
      'avg-as-conv/avgPoolConv(3, 2)(X)[0, 0]': (t) => expectClose(t.toArray(), poolPlane(X[0][0], 2, mean), 1e-6),
    });
    expectPrintedValues(r, {});
    expectChecksPass(r);
  });
});

describe('max-pool-by-relu', () => {
  it('the affine defects and the tournament sizes', async () => {
    const r = await maxPoolByReLUExercise.run();
    // rounds of a knockout over n values: 3 channels per pair, 2 per leftover, then 1 at the end
    const channels = (n: number): number[] =>
      n === 1 ? [1] : [3 * Math.floor(n / 2) + 2 * (n % 2), ...channels(Math.ceil(n / 2))];
    expectPrintedTensors(r, {});
    expectPrintedValues(r, {
      'not-conv/conv defect': (v) => expect(v).toBeLessThan(1e-5),
      'not-conv/pool defect': 1,
      'by-relu/2x2': channels(4),
      'by-relu/3x3': channels(9),
    });
    expect(channels(9)).toEqual([14, 8, 5, 3, 1]);
    expectChecksPass(r);
  });
});

describe('pool-cost', () => {
  it('c ho wo (ph pw - 1) operations', async () => {
    const r = await poolCostExercise.run();
    const [ho, wo] = [Math.floor((7 + 2) / 2) + 1, Math.floor((9 + 3) / 2) + 1];
    expectPrintedTensors(r, {});
    expectPrintedValues(r, {
      'cost/output': [3, ho, wo],
      'cost/counts': [3 * ho * wo * 5, 3 * ho * wo * 5, 3 * ho * wo],
    });
    expectChecksPass(r);
  });
});

describe('max-vs-avg', () => {
  it('spike, gradients (ties go to the first element) and noise statistics', async () => {
    const r = await maxVsAvgExercise.run();
    const X = [
      [0, 0, 0, 0],
      [0, 4, 0, 0],
      [0, 0, 1, 2],
      [0, 0, 3, 0],
    ];
    const gradMax = X.map((row) => row.map(() => 0));
    for (const [i, j] of [
      [1, 1], // 4
      [0, 2], // all zero: the first element wins
      [2, 0],
      [3, 2], // 3
    ])
      gradMax[i][j] = 1;
    expectPrintedTensors(r, {
      'responses/X': [[X]],
      'responses/maxPool2d(X, 2)': [[poolPlane(X, 2, (v) => Math.max(...v))]],
      'responses/avgPool2d(X, 2)': [[poolPlane(X, 2, mean)]],
      'responses/d sum(maxPool2d(X, 2)) / dX': [[gradMax]],
      'responses/d sum(avgPool2d(X, 2)) / dX': [[X.map((row) => row.map(() => 0.25))]],
    });
    expectPrintedValues(r, {
      'noise/max': (v) => expectClose(v as number[], [1.0294, 0.4917], 0.02),
      'noise/avg': (v) => expectClose(v as number[], [0, 0.25], 0.01),
    });
    expectChecksPass(r);
  });
});

describe('min-pool', () => {
  it('the minimum of every window', async () => {
    const r = await minPoolExercise.run();
    const X = randn([1, 2, 6, 6], { generator: new Generator(0) }).toArray() as number[][][][];
    expectPrintedTensors(r, { 'min-pool/minPool2d(X, 2)[0, 0]': poolPlane(X[0][0], 2, (v) => Math.min(...v)) });
    expectPrintedValues(r, {});
    expectChecksPass(r);
  });
});

describe('softmax-pool', () => {
  it('softmax-weighted windows by hand; the naive float32 overflow', async () => {
    const r = await softmaxPoolExercise.run();
    const X = randn([1, 2, 6, 8], { generator: new Generator(0), dtype: 'float64' }).toArray() as number[][][][];
    const softmaxMean = (v: number[]) => {
      const w = v.map((x) => Math.exp(x));
      const s = w.reduce((a, b) => a + b, 0);
      return v.reduce((acc, x, i) => acc + (w[i] / s) * x, 0);
    };
    expectPrintedTensors(r, {
      'softmax-pool/softmaxPool2d(X, 2, 1)[0, 0]': (t) =>
        expectClose(t.toArray(), poolPlane(X[0][0], 2, softmaxMean), 1e-12),
      'softmax-pool/naiveSoftmaxWeights([1, 2, 3], 50) in float32': (t) => {
        const v = t.toArray() as number[];
        expect(v[0]).toBe(0);
        expect(Number.isNaN(v[1]) && Number.isNaN(v[2])).toBe(true);
      },
    });
    expectPrintedValues(r, {
      'softmax-pool/distance': (v) => {
        const [toAvg, toMax] = v as number[];
        expect(toAvg).toBeLessThan(1e-5);
        expect(toMax).toBeLessThan(1e-3);
      },
    });
    expectChecksPass(r);
  });
});
