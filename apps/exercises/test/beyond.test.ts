import { Generator, randn } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { channelsExercise } from '../src/exercises/channels.js';
import { paddingStrideExercise } from '../src/exercises/padding-stride.js';
import { poolingExercise } from '../src/exercises/pooling.js';
import { tensorOf } from '../src/report.js';
import { expectChecksPass, expectClose, expectPrintedTensors, expectPrintedValues } from './helpers.js';

const channelsResult = await channelsExercise.run();
describe('channels', () => {
  const r = channelsResult;
  it('multi-input, multi-output and 1x1 results', () => {
    const g = new Generator(0);
    const draws = { X: randn([3, 3, 3], { generator: g }), K: randn([2, 3, 1, 1], { generator: g }) };
    const X = [
      [
        [0, 1, 2],
        [3, 4, 5],
        [6, 7, 8],
      ],
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
    ];
    const K = [
      [
        [0, 1],
        [2, 3],
      ],
      [
        [1, 2],
        [3, 4],
      ],
    ];
    // The 1x1 reference: Y[o][i][j] = sum_c K[o][c] X[c][i][j], in float64 from the printed X and K.
    const X1 = tensorOf(r, 'conv1x1', 'X').toArray() as number[][][];
    const K1 = tensorOf(r, 'conv1x1', 'K').toArray() as number[][][][];
    const ref = K1.map((k) =>
      X1[0].map((row, i) => row.map((_, j) => X1.reduce((s, xc, c) => s + k[c][0][0] * xc[i][j], 0))),
    );
    expectPrintedTensors(r, {
      'multi-in/X': X,
      'multi-in/K': K,
      'multi-in/corr2dMultiIn(X, K)': [
        [56, 72],
        [104, 120],
      ],
      'multi-in-out/corr2dMultiInOut(X, K3)': [
        [
          [56, 72],
          [104, 120],
        ],
        [
          [76, 100],
          [148, 172],
        ],
        [
          [96, 128],
          [192, 224],
        ],
      ],
      // The book draws X and K from N(0, 1); here from a seeded generator: the same draws.
      'conv1x1/X': (t) => expect(t.equal(draws.X)).toBe(true),
      'conv1x1/K': (t) => expect(t.equal(draws.K)).toBe(true),
      'conv1x1/Y1': (t) => expectClose(t.toArray(), ref, 1e-5),
    });
    expectPrintedValues(r, {
      'multi-in-out/K3.shape': [3, 2, 2, 2],
      'conv1x1/max |Y1 - Y2|': (v) => expect(v).toBeLessThan(1e-6),
    });
    expectChecksPass(r);
  });
});

const poolingResult = await poolingExercise.run();
describe('pooling', () => {
  const r = poolingResult;
  it('pool2d, maxPool2d with padding and stride, per-channel pooling', () => {
    const X4 = [
      [
        [
          [0, 1, 2, 3],
          [4, 5, 6, 7],
          [8, 9, 10, 11],
          [12, 13, 14, 15],
        ],
      ],
    ];
    expectPrintedTensors(r, {
      'pool2d/X': [
        [0, 1, 2],
        [3, 4, 5],
        [6, 7, 8],
      ],
      'pool2d/pool2d(X, [2, 2])': [
        [4, 5],
        [7, 8],
      ],
      "pool2d/pool2d(X, [2, 2], 'avg')": [
        [2, 3],
        [5, 6],
      ],
      'padding-stride/X': X4,
      'padding-stride/MaxPool2d(3)': [[[[10]]]],
      'padding-stride/MaxPool2d(3, { padding: 1, stride: 2 })': [
        [
          [
            [5, 7],
            [13, 15],
          ],
        ],
      ],
      'padding-stride/MaxPool2d([2, 3], { stride: [2, 3], padding: [0, 1] })': [
        [
          [
            [5, 7],
            [13, 15],
          ],
        ],
      ],
      'channels/X2': [[X4[0][0], X4[0][0].map((row) => row.map((v) => v + 1))]],
      'channels/MaxPool2d(3, { padding: 1, stride: 2 }) of X2': [
        [
          [
            [5, 7],
            [13, 15],
          ],
          [
            [6, 8],
            [14, 16],
          ],
        ],
      ],
    });
    expectPrintedValues(r, {});
    expectChecksPass(r);
  });
});

describe('padding-stride', () => {
  it('output shapes 8x8, 8x8, 4x4, 2x2', async () => {
    const r = await paddingStrideExercise.run();
    expectPrintedTensors(r, {});
    expectPrintedValues(r, {
      'shapes/shape 1': [8, 8],
      'shapes/shape 2': [8, 8],
      'shapes/shape 3': [4, 4],
      'shapes/shape 4': [2, 2],
    });
    expectChecksPass(r);
  });
});
