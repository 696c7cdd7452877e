import { Tensor } from '@torchlet/tensor';
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

type FloatDType = 'float32' | 'float64';
type Layout = 'contiguous' | 'padded' | 'reversed';

/**
 * A tensor holding row-major `values` of `shape` in the given memory layout: dense, padded
 * (gaps between rows/planes and an offset) or reversed (column-major, like a permute). Gaps
 * hold NaN, so a kernel that reads the wrong element fails loudly.
 */
function withLayout(values: Float64Array, shape: number[], dtype: FloatDType, layout: Layout): Tensor {
  const nd = shape.length;
  const strides = new Array<number>(nd);
  let offset = 0;
  let size = 1;
  if (layout === 'reversed') {
    for (let d = 0; d < nd; d++) {
      strides[d] = size;
      size *= shape[d];
    }
  } else {
    const pad = layout === 'padded' ? 1 : 0;
    for (let d = nd - 1; d >= 0; d--) {
      strides[d] = size;
      size *= shape[d] + pad;
    }
    if (layout === 'padded') offset = 2;
  }
  const buf = dtype === 'float32' ? new Float32Array(size + offset) : new Float64Array(size + offset);
  buf.fill(Number.NaN);
  const idx = new Array<number>(nd).fill(0);
  for (let flat = 0; flat < values.length; flat++) {
    let pos = offset;
    for (let d = 0; d < nd; d++) pos += idx[d] * strides[d];
    buf[pos] = values[flat];
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return new Tensor(buf, shape, strides, offset);
}

/** Values that are exact in float32: multiples of 1/64 in [-2, 2]. */
const values = (n: number) =>
  fc
    .array(fc.integer({ min: -128, max: 128 }), { minLength: n, maxLength: n })
    .map((a) => Float64Array.from(a, (v) => v / 64));
const layoutArb = fc.constantFrom<Layout>('contiguous', 'padded', 'reversed');
const dtypeArb = fc.constantFrom<FloatDType>('float32', 'float64');

/** Naive float64 valid cross-correlation summed over channels: x [C,H,W], k [C,kh,kw]. */
function refCorr(
  x: Float64Array,
  k: Float64Array,
  c: number,
  h: number,
  w: number,
  kh: number,
  kw: number,
): Float64Array {
  const ho = h - kh + 1;
  const wo = w - kw + 1;
  const y = new Float64Array(ho * wo);
  for (let i = 0; i < ho; i++)
    for (let j = 0; j < wo; j++) {
      let s = 0;
      for (let ch = 0; ch < c; ch++)
        for (let a = 0; a < kh; a++)
          for (let b = 0; b < kw; b++) s += x[(ch * h + i + a) * w + j + b] * k[(ch * kh + a) * kw + b];
      y[i * wo + j] = s;
    }
  return y;
}

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
      dtype: dtypeArb,
      xLayout: layoutArb,
      kLayout: layoutArb,
    }),
  )
  .chain((p) =>
    fc.record({
      p: fc.constant(p),
      x: values(p.h * p.w),
      k: values(p.kh * p.kw),
      g: values((p.h - p.kh + 1) * (p.w - p.kw + 1)),
    }),
  );

describe('corr2d family vs a naive float64 reference', () => {
  it('corr2d == corr2dMatmul == W @ vec(X) == reference, for any layout', () => {
    fc.assert(
      fc.property(case2d, ({ p, x, k }) => {
        const X = withLayout(x, [p.h, p.w], p.dtype, p.xLayout);
        const K = withLayout(k, [p.kh, p.kw], p.dtype, p.kLayout);
        const expected = refCorr(x, k, 1, p.h, p.w, p.kh, p.kw);
        const shape = [p.h - p.kh + 1, p.w - p.kw + 1];
        for (const Y of [corr2d(X, K), corr2dMatmul(X, K)]) {
          expect(Y.shape).toEqual(shape);
          expect(Y.dtype).toBe(p.dtype);
          expectAllClose(Y.toTypedArray(), expected, p.dtype, p.kh * p.kw);
        }
        const W = kernelToMatrix(K, [p.h, p.w]).toTypedArray();
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
        const y = corr2d(X, K).toTypedArray();
        const dX = corr2dBackwardInput(G, K, [p.h, p.w]);
        const dK = corr2dBackwardKernel(G, X);
        expect(dX.shape).toEqual([p.h, p.w]);
        expect(dK.shape).toEqual([p.kh, p.kw]);
        const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
          let s = 0;
          for (let i = 0; i < a.length; i++) s += a[i] * b[i];
          return s;
        };
        const lhs = dot(y, g);
        expect(dot(x, dX.toTypedArray())).toBeCloseTo(lhs, 9);
        expect(dot(k, dK.toTypedArray())).toBeCloseTo(lhs, 9);
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
        dtype: dtypeArb,
        layout: layoutArb,
      })
      .chain((q) =>
        fc.record({ q: fc.constant(q), kh: fc.integer({ min: 1, max: q.h }), kw: fc.integer({ min: 1, max: q.w }) }),
      )
      .chain(({ q, kh, kw }) =>
        fc.record({
          q: fc.constant({ ...q, kh, kw }),
          x: values(q.cin * q.h * q.w),
          k: values(q.cout * q.cin * kh * kw),
          k1: values(q.cout * q.cin),
        }),
      );
    fc.assert(
      fc.property(arb, ({ q, x, k, k1 }) => {
        const { cin, cout, h, w, kh, kw, dtype, layout } = q;
        const X = withLayout(x, [cin, h, w], dtype, layout);
        const per = cin * kh * kw;
        const K0 = withLayout(k.subarray(0, per), [cin, kh, kw], dtype, layout);
        expectAllClose(
          corr2dMultiIn(X, K0).toTypedArray(),
          refCorr(x, k.subarray(0, per), cin, h, w, kh, kw),
          dtype,
          per,
        );
        const K = withLayout(k, [cout, cin, kh, kw], dtype, layout);
        const Y = corr2dMultiInOut(X, K);
        expect(Y.shape).toEqual([cout, h - kh + 1, w - kw + 1]);
        const expected = new Float64Array(Y.numel);
        const plane = (h - kh + 1) * (w - kw + 1);
        for (let co = 0; co < cout; co++)
          expected.set(refCorr(x, k.subarray(co * per, (co + 1) * per), cin, h, w, kh, kw), co * plane);
        expectAllClose(Y.toTypedArray(), expected, dtype, per);
        const K1 = withLayout(k1, [cout, cin, 1, 1], dtype, layout);
        const expected1 = new Float64Array(cout * h * w);
        for (let co = 0; co < cout; co++)
          expected1.set(refCorr(x, k1.subarray(co * cin, (co + 1) * cin), cin, h, w, 1, 1), co * h * w);
        const Y1 = corr2dMultiInOut1x1(X, K1);
        expect(Y1.shape).toEqual([cout, h, w]);
        expectAllClose(Y1.toTypedArray(), expected1, dtype, cin);
      }),
      { numRuns: 80 },
    );
  });
});
