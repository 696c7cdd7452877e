import {
  dot,
  exactValuesArb,
  type FloatDType,
  floatDTypeArb,
  refCorr2d,
  storageLayoutArb,
  withLayout,
} from '@torchlet/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corr2dBackwardInput, corr2dBackwardKernel } from './backward.js';
import {
  corr2d,
  corr2dMatmul,
  corr2dMultiIn,
  corr2dMultiInOut,
  corr2dMultiInOut1x1,
  kernelToMatrix,
} from './corr2d.js';

function expectAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  dtype: FloatDType,
  terms: number,
): void {
  expect(actual.length).toBe(expected.length);
  const atol = dtype === 'float32' ? 1e-5 * Math.max(1, terms) : 1e-12 * Math.max(1, terms);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= atol + 1e-6 * Math.abs(expected[i]))) {
      expect.fail(`element ${i}: got ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

const case2d = fc
  .record({ h: fc.integer({ min: 1, max: 9 }), w: fc.integer({ min: 1, max: 9 }) })
  .chain(({ h, w }) =>
    fc.record({
      h: fc.constant(h),
      w: fc.constant(w),
      kh: fc.integer({ min: 1, max: h }),
      kw: fc.integer({ min: 1, max: w }),
      dtype: floatDTypeArb,
      xLayout: storageLayoutArb,
      kLayout: storageLayoutArb,
    }),
  )
  .chain((p) =>
    fc.record({
      p: fc.constant(p),
      x: exactValuesArb(p.h * p.w),
      k: exactValuesArb(p.kh * p.kw),
      g: exactValuesArb((p.h - p.kh + 1) * (p.w - p.kw + 1)),
    }),
  );

describe('corr2d family vs a naive float64 reference', () => {
  it('corr2d == corr2dMatmul == W @ vec(X) == reference, for any layout', () => {
    fc.assert(
      fc.property(case2d, ({ p, x, k }) => {
        const X = withLayout(x, [p.h, p.w], p.dtype, p.xLayout);
        const K = withLayout(k, [p.kh, p.kw], p.dtype, p.kLayout);
        const expected = refCorr2d(x, k, 1, p.h, p.w, p.kh, p.kw);
        const shape = [p.h - p.kh + 1, p.w - p.kw + 1];
        for (const Y of [corr2d(X, K), corr2dMatmul(X, K)]) {
          expect(Y.shape).toEqual(shape);
          expect(Y.dtype).toBe(p.dtype);
          expectAllClose(Y.toTypedArray() as ArrayLike<number>, expected, p.dtype, p.kh * p.kw);
        }
        const W = kernelToMatrix(K, [p.h, p.w]).toTypedArray() as ArrayLike<number>;
        const viaW = new Float64Array(expected.length);
        for (let r = 0; r < viaW.length; r++) for (let c = 0; c < x.length; c++) viaW[r] += W[r * x.length + c] * x[c];
        expectAllClose(viaW, expected, p.dtype, p.kh * p.kw);
      }),
      { numRuns: 100 },
    );
  });

  it('backward kernels satisfy the adjoint identities <corr2d(X,K), G> = <X, dX(G,K)> = <K, dK(G,X)>', () => {
    fc.assert(
      fc.property(case2d, ({ p, x, k, g }) => {
        const X = withLayout(x, [p.h, p.w], 'float64', p.xLayout);
        const K = withLayout(k, [p.kh, p.kw], 'float64', p.kLayout);
        const G = withLayout(g, [p.h - p.kh + 1, p.w - p.kw + 1], 'float64', p.xLayout);
        const y = corr2d(X, K).toTypedArray() as ArrayLike<number>;
        const dX = corr2dBackwardInput(G, K, [p.h, p.w]);
        const dK = corr2dBackwardKernel(G, X);
        expect(dX.shape).toEqual([p.h, p.w]);
        expect(dK.shape).toEqual([p.kh, p.kw]);
        const lhs = dot(y as ArrayLike<number>, g);
        expect(dot(x, dX.toTypedArray() as ArrayLike<number>)).toBeCloseTo(lhs, 9);
        expect(dot(k, dK.toTypedArray() as ArrayLike<number>)).toBeCloseTo(lhs, 9);
      }),
      { numRuns: 100 },
    );
  });

  it('corr2dMultiIn / corr2dMultiInOut / corr2dMultiInOut1x1 match the reference', () => {
    const arb = fc
      .record({
        cin: fc.integer({ min: 1, max: 3 }),
        cout: fc.integer({ min: 1, max: 3 }),
        h: fc.integer({ min: 1, max: 6 }),
        w: fc.integer({ min: 1, max: 6 }),
        dtype: floatDTypeArb,
        layout: storageLayoutArb,
      })
      .chain((q) =>
        fc.record({ q: fc.constant(q), kh: fc.integer({ min: 1, max: q.h }), kw: fc.integer({ min: 1, max: q.w }) }),
      )
      .chain(({ q, kh, kw }) =>
        fc.record({
          q: fc.constant({ ...q, kh, kw }),
          x: exactValuesArb(q.cin * q.h * q.w),
          k: exactValuesArb(q.cout * q.cin * kh * kw),
          k1: exactValuesArb(q.cout * q.cin),
        }),
      );
    fc.assert(
      fc.property(arb, ({ q, x, k, k1 }) => {
        const { cin, cout, h, w, kh, kw, dtype, layout } = q;
        const X = withLayout(x, [cin, h, w], dtype, layout);
        const per = cin * kh * kw;
        const K0 = withLayout(k.subarray(0, per), [cin, kh, kw], dtype, layout);
        expectAllClose(
          corr2dMultiIn(X, K0).toTypedArray() as ArrayLike<number>,
          refCorr2d(x, k.subarray(0, per), cin, h, w, kh, kw),
          dtype,
          per,
        );
        const K = withLayout(k, [cout, cin, kh, kw], dtype, layout);
        const Y = corr2dMultiInOut(X, K);
        expect(Y.shape).toEqual([cout, h - kh + 1, w - kw + 1]);
        const expected = new Float64Array(Y.numel);
        const plane = (h - kh + 1) * (w - kw + 1);
        for (let co = 0; co < cout; co++)
          expected.set(refCorr2d(x, k.subarray(co * per, (co + 1) * per), cin, h, w, kh, kw), co * plane);
        expectAllClose(Y.toTypedArray() as ArrayLike<number>, expected, dtype, per);
        const K1 = withLayout(k1, [cout, cin, 1, 1], dtype, layout);
        const expected1 = new Float64Array(cout * h * w);
        for (let co = 0; co < cout; co++)
          expected1.set(refCorr2d(x, k1.subarray(co * cin, (co + 1) * cin), cin, h, w, 1, 1), co * h * w);
        const Y1 = corr2dMultiInOut1x1(X, K1);
        expect(Y1.shape).toEqual([cout, h, w]);
        expectAllClose(Y1.toTypedArray() as ArrayLike<number>, expected1, dtype, cin);
      }),
      { numRuns: 80 },
    );
  });
});
