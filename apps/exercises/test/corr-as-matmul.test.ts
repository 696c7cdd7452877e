import { describe, expect, it } from 'vitest';
import { corrAsMatmulExercise } from '../src/exercises/corr-as-matmul.js';
import { expectChecksPass, expectPrintedTensors, expectPrintedValues, naiveCorr2d } from './helpers.js';

const r = await corrAsMatmulExercise.run();

describe('corr-as-matmul', () => {
  it('prints the patch matrix, the Toeplitz matrix and the products, all as computed by hand', () => {
    const X = [
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
    ];
    const K = [
      [0, 1],
      [2, 3],
    ];
    // Column l of im2col is the window at output l, read row by row.
    const cols = [
      [0, 1, 3, 4],
      [1, 2, 4, 5],
      [3, 4, 6, 7],
      [4, 5, 7, 8],
    ];
    // W[i*2 + j][(i+a)*3 + (j+b)] = K[a][b].
    const W = Array.from({ length: 4 }, (_, row) => {
      const i = Math.floor(row / 2);
      const j = row % 2;
      return Array.from({ length: 9 }, (_, c) => {
        const a = Math.floor(c / 3) - i;
        const b = (c % 3) - j;
        return a >= 0 && a < 2 && b >= 0 && b < 2 ? K[a][b] : 0;
      });
    });
    const Xc = [X, X.map((row) => row.map((v) => v + 1))];
    const Kc0 = [
      K,
      [
        [1, 2],
        [3, 4],
      ],
    ];
    const Kc = [0, 1, 2].map((o) => Kc0.map((k) => k.map((row) => row.map((v) => v + o))));
    const multi = Kc.map((kk) => {
      const a = naiveCorr2d(Xc[0], kk[0]);
      const b = naiveCorr2d(Xc[1], kk[1]);
      return a.map((row, i) => row.map((v, j) => v + b[i][j]));
    });
    expectPrintedTensors(r, {
      'im2col/cols = im2col(X)': cols,
      'im2col/vec(K) @ cols': naiveCorr2d(X, K),
      'toeplitz/W = kernelToMatrix(K, [3, 3])': W,
      'toeplitz/W @ vec(X)': naiveCorr2d(X, K),
      'multi-channel/X': Xc,
      'multi-channel/K': Kc,
      'multi-channel/K.reshape([3, 8]) @ im2col(X)': multi,
    });
    expect(multi[0]).toEqual([
      [56, 72],
      [104, 120],
    ]);
    expectPrintedValues(r, {
      'edge/im2col(X).shape': [2, 42],
      'edge/W.shape': [42, 48],
      'edge/nonzeros in W': 84,
    });
    expectChecksPass(r);
  });
});
