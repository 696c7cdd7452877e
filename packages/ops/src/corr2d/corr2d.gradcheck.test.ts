import { Tensor } from '@torchlet/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corr2dBackwardInput, corr2dBackwardKernel } from './backward.js';
import { corr2d } from './corr2d.js';

// Finite-difference checks of the backward kernels, in float64, without autograd: for
// L(X, K) = sum(G * corr2d(X, K)), every element of dL/dX and dL/dK is compared with
// the central difference (L(+eps) - L(-eps)) / (2 eps).

const EPS = 1e-6;

function loss(X: Float64Array, K: Float64Array, G: Float64Array, xs: number[], ks: number[]): number {
  const y = corr2d(new Tensor(X, xs), new Tensor(K, ks)).toTypedArray();
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] * G[i];
  return s;
}

function numericGrad(f: (v: Float64Array) => number, v: Float64Array): Float64Array {
  const g = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const old = v[i];
    v[i] = old + EPS;
    const up = f(v);
    v[i] = old - EPS;
    const down = f(v);
    v[i] = old;
    g[i] = (up - down) / (2 * EPS);
  }
  return g;
}

function expectGradClose(analytic: ArrayLike<number>, numeric: ArrayLike<number>): void {
  expect(analytic.length).toBe(numeric.length);
  for (let i = 0; i < numeric.length; i++) {
    if (!(Math.abs(analytic[i] - numeric[i]) <= 1e-6 + 1e-5 * Math.abs(numeric[i]))) {
      expect.fail(`element ${i}: analytic ${analytic[i]}, numeric ${numeric[i]}`);
    }
  }
}

const arb = fc.record({ h: fc.integer({ min: 1, max: 6 }), w: fc.integer({ min: 1, max: 6 }) }).chain(({ h, w }) =>
  fc.record({
    h: fc.constant(h),
    w: fc.constant(w),
    kh: fc.integer({ min: 1, max: h }),
    kw: fc.integer({ min: 1, max: w }),
    seed: fc.integer(),
  }),
);

function rand(seed: number, n: number): Float64Array {
  let s = seed >>> 0 || 1;
  return Float64Array.from({ length: n }, () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 2 ** 32) * 4 - 2;
  });
}

describe('corr2d backward kernels vs central differences (float64)', () => {
  it('corr2dBackwardInput and corr2dBackwardKernel match every element', () => {
    fc.assert(
      fc.property(arb, ({ h, w, kh, kw, seed }) => {
        const ho = h - kh + 1;
        const wo = w - kw + 1;
        const X = rand(seed, h * w);
        const K = rand(seed + 1, kh * kw);
        const G = rand(seed + 2, ho * wo);
        const up = new Tensor(G, [ho, wo]);
        const dX = corr2dBackwardInput(up, new Tensor(K, [kh, kw]), [h, w]).toTypedArray();
        const dK = corr2dBackwardKernel(up, new Tensor(X, [h, w])).toTypedArray();
        expectGradClose(
          dX,
          numericGrad((v) => loss(v, K, G, [h, w], [kh, kw]), X),
        );
        expectGradClose(
          dK,
          numericGrad((v) => loss(X, v, G, [h, w], [kh, kw]), K),
        );
      }),
      { numRuns: 50 },
    );
  });

  it('checks the book-sized case: 6x8 image, 1x2 kernel', () => {
    const X = rand(7, 48);
    const K = rand(8, 2);
    const G = rand(9, 42);
    const up = new Tensor(G, [6, 7]);
    expectGradClose(
      corr2dBackwardInput(up, new Tensor(K, [1, 2])).toTypedArray(),
      numericGrad((v) => loss(v, K, G, [6, 8], [1, 2]), X),
    );
    expectGradClose(
      corr2dBackwardKernel(up, new Tensor(X, [6, 8])).toTypedArray(),
      numericGrad((v) => loss(X, v, G, [6, 8], [1, 2]), K),
    );
  });
});
