import { describe, expect, it } from 'vitest';
import { diagonalEdgesExercise } from '../src/exercises/diagonal-edges.js';
import { itemOf, tensorOf } from '../src/report.js';
import { FORUM_Y, FORUM_Y_OF_KT, FORUM_Y_OF_XT } from './forum-thread.js';
import { expectChecksPass, expectPrintedTensors, expectPrintedValues, naiveCorr2d } from './helpers.js';

const r = await diagonalEdgesExercise.run();
const eye8 = Array.from({ length: 8 }, (_, i) => Array.from({ length: 8 }, (_, j) => (i === j ? 1 : 0)));
const tril68 = Array.from({ length: 6 }, (_, i) => Array.from({ length: 8 }, (_, j) => (j <= i ? 1 : 0)));
const transpose = (m: number[][]) => m[0].map((_, j) => m.map((row) => row[j]));

describe('diagonal-edges', () => {
  it('prints the three tensors exactly as PyTorch did in the forum thread', () => {
    expect(tensorOf(r, 'eye', 'corr2d(X, K)').toString()).toBe(FORUM_Y);
    expect(tensorOf(r, 'transpose-x', 'corr2d(X.t(), K)').toString()).toBe(FORUM_Y_OF_XT);
    expect(tensorOf(r, 'transpose-k', 'corr2d(X, K.t())').toString()).toBe(FORUM_Y_OF_KT);
  });

  it('every printed tensor matches a naive float64 correlation', () => {
    expectPrintedTensors(r, {
      'eye/X': eye8,
      'eye/K': [[1, -1]],
      'eye/corr2d(X, K)': naiveCorr2d(eye8, [[1, -1]]),
      'transpose-x/corr2d(X.t(), K)': naiveCorr2d(transpose(eye8), [[1, -1]]),
      'transpose-k/K.t()': [[1], [-1]],
      'transpose-k/corr2d(X, K.t())': naiveCorr2d(eye8, [[1], [-1]]),
      'step/X': tril68,
      'step/corr2d(X, K)': naiveCorr2d(tril68, [[1, -1]]),
      'step/corr2d(X.t(), K)': naiveCorr2d(transpose(tril68), [[1, -1]]),
    });
    expectPrintedValues(r, {});
  });

  it('the step edge flips polarity under transposition; the identity holds', () => {
    const y = naiveCorr2d(tril68, [[1, -1]]);
    const yt = naiveCorr2d(transpose(tril68), [[1, -1]]);
    expect(y.flat().filter((v) => v !== 0)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(yt.flat().filter((v) => v !== 0)).toEqual([-1, -1, -1, -1, -1]);
    expect(yt).toEqual(transpose(naiveCorr2d(tril68, [[1], [-1]])));
    expectChecksPass(r);
    expect(itemOf(r, 'transpose-x').blocks.some((b) => b.kind === 'text' && /symmetric/.test(b.text))).toBe(true);
  });
});
