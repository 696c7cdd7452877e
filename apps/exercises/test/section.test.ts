import { describe, expect, it } from 'vitest';
import { corr2dExercise } from '../src/exercises/corr2d.js';
import { crossVsConvExercise } from '../src/exercises/cross-vs-conv.js';
import { edgeDetectionExercise } from '../src/exercises/edge-detection.js';
import { receptiveFieldExercise } from '../src/exercises/receptive-field.js';
import { expectChecksPass, expectPrintedTensors, expectPrintedValues, naiveCorr2d } from './helpers.js';

const X3 = [
  [0, 1, 2],
  [3, 4, 5],
  [6, 7, 8],
];
const K3 = [
  [0, 1],
  [2, 3],
];
const edgeX = Array.from({ length: 6 }, () => [1, 1, 0, 0, 0, 0, 1, 1]);
const edgeY = Array.from({ length: 6 }, () => [0, 1, 0, 0, 0, -1, 0]);

const corr2dResult = await corr2dExercise.run();
describe('corr2d', () => {
  const r = corr2dResult;
  it('prints X, K and [[19, 25], [37, 43]] (hand-computed), twice', () => {
    expectPrintedTensors(r, {
      'basic/X': X3,
      'basic/K': K3,
      'basic/Y': [
        [19, 25],
        [37, 43],
      ],
      'loops/corr2dLoops(X, K)': [
        [19, 25],
        [37, 43],
      ],
    });
    expectPrintedValues(r, {});
    expectChecksPass(r);
  });
});

const edgeDetectionResult = await edgeDetectionExercise.run();
describe('edge-detection', () => {
  const r = edgeDetectionResult;
  it('prints the 6x8 image, K, the 6x7 edge map and the 8x5 zeros of the transpose', () => {
    expectPrintedTensors(r, {
      'edges/X': edgeX,
      'edges/K': [[1, -1]],
      'edges/Y': edgeY,
      'transposed/corr2d(X.t(), K)': Array.from({ length: 8 }, () => [0, 0, 0, 0, 0]),
    });
    expectPrintedValues(r, { 'edges/columns of 1': [1], 'edges/columns of -1': [5] });
    expectChecksPass(r);
  });
});

const crossVsConvResult = await crossVsConvExercise.run();
describe('cross-correlation-vs-convolution', () => {
  const r = crossVsConvResult;
  it('convolution is correlation with the flipped kernel; full convolution commutes', () => {
    const A = [
      [1, 2],
      [3, 4],
    ];
    const B = [
      [0, 1, 0],
      [1, -1, 2],
    ];
    const flip = (m: number[][]) => m.map((row) => [...row].reverse()).reverse();
    const padFull = (m: number[][], h: number, w: number) => {
      const rows = m.length + 2 * (h - 1);
      const cols = m[0].length + 2 * (w - 1);
      return Array.from({ length: rows }, (_, i) =>
        Array.from({ length: cols }, (_, j) => m[i - h + 1]?.[j - w + 1] ?? 0),
      );
    };
    const corrFull = (x: number[][], k: number[][]) => naiveCorr2d(padFull(x, k.length, k[0].length), k);
    expectPrintedTensors(r, {
      'flip/K.flip([0, 1])': [
        [3, 2],
        [1, 0],
      ],
      'flip/convolve2d(X, K)': [
        [5, 11],
        [23, 29],
      ],
      'flip/corr2d(X, K)': [
        [19, 25],
        [37, 43],
      ],
      'same-output/convolve2d(X, K)': edgeY.map((row) => row.map((v) => -v + 0)),
      'same-output/convolve2d(X, K.flip([0, 1]))': edgeY,
      'commutes/A': A,
      'commutes/B': B,
      'commutes/convolve2dFull(A, B)': corrFull(A, flip(B)),
      'commutes/corr2dFull(A, B)': corrFull(A, B),
      'commutes/corr2dFull(B, A)': corrFull(B, A),
    });
    expect(corrFull(A, flip(B))).toEqual(corrFull(B, flip(A)));
    expectChecksPass(r);
  });
});

const receptiveFieldResult = await receptiveFieldExercise.run();
describe('receptive-field', () => {
  const r = receptiveFieldResult;
  it("the book's 3x3 footprint and the 9x9 field of the strided stack", () => {
    // Paths from input (i, j) to output (0, 0) through two 2x2 all-ones kernels: (1 2 1) outer (1 2 1).
    const p = [1, 2, 1];
    // Through 3x3 s1, 3x3 s2, 3x3 s1 (hand count per axis: convolve [1,1,1] up-sampled by the stride).
    const axis = [1, 2, 4, 4, 5, 4, 4, 2, 1, 0, 0];
    expectPrintedTensors(r, {
      'book/footprint(3, [2x2, 2x2])': p.map((a) => p.map((b) => a * b)),
      'stack/footprint(11, stack)': axis.map((a) => axis.map((b) => a * b)),
    });
    expectPrintedValues(r, {
      'book/receptiveField([2x2, 2x2])': 3,
      'stack/receptiveField(stack)': 9,
      'stack/measured extent': [9, 9],
    });
    expectChecksPass(r);
  });
});
