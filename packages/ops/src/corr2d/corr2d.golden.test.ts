import type { Tensor } from '@torchlet/tensor';
import { type GoldenTensor, goldenCloseness, loadGolden, toTensor } from '@torchlet/test-utils';
import { describe, expect, it } from 'vitest';
import { corr2d, corr2dMatmul, corr2dMultiIn, corr2dMultiInOut, kernelToMatrix } from './corr2d.js';

const d2l = loadGolden('d2l');

function expectClose(actual: Tensor, expected: GoldenTensor, terms: number): void {
  expect(actual.shape).toEqual(expected.shape);
  expect(goldenCloseness(actual, expected, terms)).toBeNull();
}

/** corr2d through its Toeplitz matrix: W @ vec(X). */
function viaToeplitz(X: Tensor, K: Tensor): Tensor {
  const W = kernelToMatrix(K, X.shape);
  const w = W.toTypedArray() as ArrayLike<number>;
  const x = X.toTypedArray() as ArrayLike<number>;
  const [rows, cols] = W.shape;
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) y[r] += w[r * cols + c] * x[c];
  const ho = X.shape[0] - K.shape[0] + 1;
  return toTensor({ shape: [ho, rows / ho], data: Array.from(y) }, 'float64');
}

/** d2l's transpose of a 2-D golden tensor. */
function t(g: GoldenTensor): GoldenTensor {
  const [h, w] = g.shape;
  const data: number[] = [];
  for (let j = 0; j < w; j++) for (let i = 0; i < h; i++) data.push(g.data[i * w + j]);
  return { shape: [w, h], data };
}

const impls = { corr2d, corr2dMatmul, kernelToMatrix: viaToeplitz } as const;

describe.each(['float32', 'float64'] as const)('d2l.json golden (%s)', (dtype) => {
  describe.each(Object.entries(impls))('%s', (_name, f) => {
    const run = (X: GoldenTensor, K: GoldenTensor): Tensor => f(toTensor(X, dtype), toTensor(K, dtype));
    const terms = (K: GoldenTensor): number => K.data.length;

    it('corr2d_basic', () => {
      const c = d2l.corr2d_basic;
      expectClose(run(c.X, c.K), c.Y, terms(c.K));
    });

    it('edge: Y and corr2d of X.t()', () => {
      const c = d2l.edge;
      expectClose(run(c.X, c.K), c.Y, terms(c.K));
      expectClose(run(t(c.X), c.K), c.Y_of_Xt, terms(c.K));
    });

    it('diagonal: Y, corr2d of X.t() and of K.t()', () => {
      const c = d2l.diagonal;
      expectClose(run(c.X, c.K), c.Y, terms(c.K));
      expectClose(run(t(c.X), c.K), c.Y_of_Xt, terms(c.K));
      expectClose(run(c.X, t(c.K)), c.Y_of_Kt, terms(c.K));
    });
  });

  it('multi_channel: corr2dMultiIn and corr2dMultiInOut', () => {
    const c = d2l.multi_channel;
    const X = toTensor(c.X, dtype);
    expectClose(corr2dMultiIn(X, toTensor(c.K, dtype)), c.multi_in, c.K.data.length);
    expectClose(corr2dMultiInOut(X, toTensor(c.K3, dtype)), c.multi_in_out, c.K.data.length);
    expect(corr2dMultiInOut(X, toTensor(c.K3, dtype)).dtype).toBe(dtype);
  });
});
