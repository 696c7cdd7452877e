import { Tensor } from '@torchlet/tensor';
import { type Arr, closeness, finiteDifferenceGrad } from '@torchlet/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adaptiveAvgPool2d, adaptiveAvgPool2dBackward } from './adaptive-avg-pool2d.js';
import { type AvgPool2dOptions, avgPool2d, avgPool2dBackward } from './avg-pool2d.js';
import { type MaxPool2dOptions, maxPool2d, maxPool2dBackward } from './max-pool2d.js';

// Finite-difference checks of the pooling backward kernels, in float64, without autograd: for
// L(X) = sum(G * pool(X)), every element of dL/dX is compared with the central difference
// (L(X + eps e_i) - L(X - eps e_i)) / (2 eps), eps = 1e-6. Max-pool inputs are distinct values at least
// 1/8 apart, so the perturbation never changes an argmax.

/** Analytic vs numeric gradient, shape and every element: |a - n| <= 1e-6 + 1e-5 |n|. */
function expectGradClose(analytic: Tensor, numeric: Arr): void {
  expect(closeness(analytic, numeric, 1e-6, 1e-5)).toBeNull();
}

const geometry = fc
  .record({
    c: fc.integer({ min: 1, max: 2 }),
    h: fc.integer({ min: 2, max: 7 }),
    w: fc.integer({ min: 2, max: 7 }),
    kh: fc.integer({ min: 1, max: 3 }),
    kw: fc.integer({ min: 1, max: 3 }),
    sh: fc.integer({ min: 1, max: 3 }),
    sw: fc.integer({ min: 1, max: 3 }),
    ceilMode: fc.boolean(),
    seed: fc.integer({ min: 1, max: 1e6 }),
  })
  .chain((g) =>
    fc.record({
      g: fc.constant(g),
      ph: fc.integer({ min: 0, max: Math.floor(g.kh / 2) }),
      pw: fc.integer({ min: 0, max: Math.floor(g.kw / 2) }),
    }),
  )
  .map(({ g, ph, pw }) => ({ ...g, ph, pw }))
  .filter((g) => g.h + 2 * g.ph >= g.kh && g.w + 2 * g.pw >= g.kw);

/** A seeded permutation of 0..n-1 scaled to distinct values 1/8 apart, centred on zero. */
function distinct(seed: number, n: number): Float64Array {
  const a = Array.from({ length: n }, (_, i) => i);
  let s = seed;
  for (let i = n - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return Float64Array.from(a, (v) => (v - n / 2) / 8);
}

function upstream(seed: number, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => (((i + seed) * 7919) % 13) / 6 - 1);
}

describe('pooling backward kernels vs central differences (float64)', () => {
  it('maxPool2dBackward', () => {
    fc.assert(
      fc.property(geometry, (q) => {
        const shape = [1, q.c, q.h, q.w];
        const x = distinct(q.seed, q.c * q.h * q.w);
        const options: MaxPool2dOptions & { readonly returnIndices?: false } = {
          stride: [q.sh, q.sw],
          padding: [q.ph, q.pw],
          ceilMode: q.ceilMode,
        };
        const { values, indices } = maxPool2d(new Tensor(x, shape), [q.kh, q.kw], { ...options, returnIndices: true });
        const G = upstream(q.seed, values.numel);
        const dX = maxPool2dBackward(new Tensor(G, values.shape), indices, shape);
        expectGradClose(
          dX,
          finiteDifferenceGrad((t) => maxPool2d(t, [q.kh, q.kw], options), { data: x, shape }, G),
        );
      }),
      { numRuns: 50 },
    );
  });

  it('avgPool2dBackward (countIncludePad both ways, divisorOverride)', () => {
    const arb = fc.record({
      q: geometry,
      countIncludePad: fc.boolean(),
      divisorOverride: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
    });
    fc.assert(
      fc.property(arb, ({ q, countIncludePad, divisorOverride }) => {
        const shape = [q.c, q.h, q.w];
        const x = distinct(q.seed, q.c * q.h * q.w);
        const options: AvgPool2dOptions = {
          stride: [q.sh, q.sw],
          padding: [q.ph, q.pw],
          ceilMode: q.ceilMode,
          countIncludePad,
          divisorOverride,
        };
        const Y = avgPool2d(new Tensor(x, shape), [q.kh, q.kw], options);
        const G = upstream(q.seed, Y.numel);
        const dX = avgPool2dBackward(new Tensor(G, Y.shape), shape, [q.kh, q.kw], options);
        expectGradClose(
          dX,
          finiteDifferenceGrad((t) => avgPool2d(t, [q.kh, q.kw], options), { data: x, shape }, G),
        );
      }),
      { numRuns: 50 },
    );
  });

  it('adaptiveAvgPool2dBackward', () => {
    const arb = fc.record({ q: geometry, ho: fc.integer({ min: 1, max: 8 }), wo: fc.integer({ min: 1, max: 8 }) });
    fc.assert(
      fc.property(arb, ({ q, ho, wo }) => {
        const shape = [1, q.c, q.h, q.w];
        const x = distinct(q.seed, q.c * q.h * q.w);
        const Y = adaptiveAvgPool2d(new Tensor(x, shape), [ho, wo]);
        const G = upstream(q.seed, Y.numel);
        const dX = adaptiveAvgPool2dBackward(new Tensor(G, Y.shape), shape);
        expectGradClose(
          dX,
          finiteDifferenceGrad((t) => adaptiveAvgPool2d(t, [ho, wo]), { data: x, shape }, G),
        );
      }),
      { numRuns: 50 },
    );
  });
});
