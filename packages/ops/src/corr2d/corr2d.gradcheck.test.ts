import { Tensor } from '@torchlet/tensor';
import { type Arr, closeness, finiteDifferenceGrad } from '@torchlet/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corr2dBackwardInput, corr2dBackwardKernel } from './backward.js';
import { corr2d } from './corr2d.js';

// Finite-difference checks of the backward kernels, in float64, without autograd: for
// L(X, K) = sum(G * corr2d(X, K)), every element of dL/dX and dL/dK is compared with
// the central difference (L(+eps) - L(-eps)) / (2 eps), eps = 1e-6.

/** dL/dX and dL/dK by central differences, for X of shape `xs` and K of shape `ks`. */
function numericGrads(X: Float64Array, K: Float64Array, G: Float64Array, xs: number[], ks: number[]) {
  const dX = finiteDifferenceGrad((t) => corr2d(t, new Tensor(K, ks)), { data: X, shape: xs }, G);
  const dK = finiteDifferenceGrad((t) => corr2d(new Tensor(X, xs), t), { data: K, shape: ks }, G);
  return { dX, dK };
}

/** Analytic vs numeric gradient, shape and every element: |a - n| <= 1e-6 + 1e-5 |n|. */
function expectGradClose(analytic: Tensor, numeric: Arr): void {
  expect(closeness(analytic, numeric, 1e-6, 1e-5)).toBeNull();
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
        const numeric = numericGrads(X, K, G, [h, w], [kh, kw]);
        expectGradClose(corr2dBackwardInput(up, new Tensor(K, [kh, kw]), [h, w]), numeric.dX);
        expectGradClose(corr2dBackwardKernel(up, new Tensor(X, [h, w])), numeric.dK);
      }),
      { numRuns: 50 },
    );
  });

  it('checks the book-sized case: 6x8 image, 1x2 kernel', () => {
    const X = rand(7, 48);
    const K = rand(8, 2);
    const G = rand(9, 42);
    const up = new Tensor(G, [6, 7]);
    const numeric = numericGrads(X, K, G, [6, 8], [1, 2]);
    expectGradClose(corr2dBackwardInput(up, new Tensor(K, [1, 2])), numeric.dX);
    expectGradClose(corr2dBackwardKernel(up, new Tensor(X, [6, 8])), numeric.dK);
  });
});
