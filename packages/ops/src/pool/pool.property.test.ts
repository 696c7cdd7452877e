import { type Tensor, TorchletError } from '@torchlet/tensor';
import {
  dot,
  exactValuesArb,
  type FloatDType,
  floatDTypeArb,
  type Layout,
  type RefPool2dParams,
  refAdaptiveAvgPool2d,
  refAvgPool2d,
  refMaxPool2d,
  refPoolOutSize,
  storageLayoutArb,
  withLayout,
} from '@torchlet/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adaptiveAvgPool2d, adaptiveAvgPool2dBackward } from './adaptive-avg-pool2d.js';
import { avgPool2d, avgPool2dBackward } from './avg-pool2d.js';
import { maxPool2d, maxPool2dBackward } from './max-pool2d.js';
import { pool2dOutputShape } from './params.js';
import { pool2d } from './pool2d.js';

// ---- arbitraries -----------------------------------------------------------------------------

const paramsArb = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 2 }),
    h: fc.integer({ min: 1, max: 9 }),
    w: fc.integer({ min: 1, max: 9 }),
    kh: fc.integer({ min: 1, max: 4 }),
    kw: fc.integer({ min: 1, max: 4 }),
    sh: fc.integer({ min: 1, max: 3 }),
    sw: fc.integer({ min: 1, max: 3 }),
    dh: fc.integer({ min: 1, max: 2 }),
    dw: fc.integer({ min: 1, max: 2 }),
    ceilMode: fc.boolean(),
    batched: fc.boolean(),
    dtype: floatDTypeArb,
    layout: storageLayoutArb,
  })
  .chain((p) =>
    fc.record({
      p: fc.constant(p),
      ph: fc.integer({ min: 0, max: Math.floor(p.kh / 2) }),
      pw: fc.integer({ min: 0, max: Math.floor(p.kw / 2) }),
      x: exactValuesArb((p.batched ? p.n : 1) * p.c * p.h * p.w),
    }),
  )
  .map(({ p, ph, pw, x }) => ({ ...p, n: p.batched ? p.n : 1, ph, pw, x }));

type Case = RefPool2dParams & { batched: boolean; dtype: FloatDType; layout: Layout; x: Float64Array };

function inputOf(q: Case): Tensor {
  const shape = q.batched ? [q.n, q.c, q.h, q.w] : [q.c, q.h, q.w];
  return withLayout(q.x, shape, q.dtype, q.layout);
}

function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, dtype: FloatDType): void {
  expect(actual.length).toBe(expected.length);
  const tol = dtype === 'float32' ? 1e-5 : 1e-12;
  for (let i = 0; i < expected.length; i++) {
    if (
      actual[i] !== expected[i] &&
      !(Number.isNaN(actual[i]) && Number.isNaN(expected[i])) &&
      !(Math.abs(actual[i] - expected[i]) <= tol * (1 + Math.abs(expected[i])))
    )
      expect.fail(`element ${i}: got ${actual[i]}, expected ${expected[i]}`);
  }
}

/** Deterministic upstream values for a given size. */
const upstreamFor = (n: number): Float64Array => Float64Array.from({ length: n }, (_, i) => (((i * 37) % 17) - 8) / 8);

describe('pooling vs naive float64 references (random shapes, options and layouts)', () => {
  it('maxPool2d values and indices, and the indices-based backward', () => {
    fc.assert(
      fc.property(paramsArb, (q) => {
        const X = inputOf(q);
        const options = {
          stride: [q.sh, q.sw] as [number, number],
          padding: [q.ph, q.pw] as [number, number],
          dilation: [q.dh, q.dw] as [number, number],
          ceilMode: q.ceilMode,
        };
        const ho = refPoolOutSize(q.h, q.kh, q.sh, q.ph, q.dh, q.ceilMode);
        const wo = refPoolOutSize(q.w, q.kw, q.sw, q.pw, q.dw, q.ceilMode);
        if (ho < 1 || wo < 1) {
          expect(() => maxPool2d(X, [q.kh, q.kw], options)).toThrow(TorchletError);
          return;
        }
        const ref = refMaxPool2d(q.x, q);
        const outShape = q.batched ? [q.n, q.c, ho, wo] : [q.c, ho, wo];
        expect(pool2dOutputShape(X.shape, [q.kh, q.kw], options)).toEqual(outShape);
        const { values: V, indices: I } = maxPool2d(X, [q.kh, q.kw], { ...options, returnIndices: true });
        expect(V.shape).toEqual(outShape);
        expect(V.dtype).toBe(q.dtype);
        expectAllClose(V.toTypedArray() as ArrayLike<number>, ref.values, q.dtype);
        expect(Array.from(I.toTypedArray(), Number)).toEqual(Array.from(ref.indices));
        expectAllClose(maxPool2d(X, [q.kh, q.kw], options).toTypedArray() as ArrayLike<number>, ref.values, q.dtype);
        // <maxPool(X), G> = <X, maxPool2dBackward(G)>, since every value is X at its index
        const g = upstreamFor(V.numel);
        const dX = maxPool2dBackward(withLayout(g, outShape, q.dtype, q.layout), I, X.shape);
        expect(dX.shape).toEqual(X.shape);
        // windows with no input element (-inf, index -1) carry no gradient
        const finite = ref.values.map((v, i) => (ref.indices[i] === -1 ? 0 : v));
        expect(dot(q.x, dX.toTypedArray() as ArrayLike<number>)).toBeCloseTo(dot(finite, g), 4);
      }),
      { numRuns: 100 },
    );
  });

  it('maxPool2d 2x2 fast path (no padding or dilation) with NaNs, ties and any stride, batched or not', () => {
    const arb = fc
      .record({
        n: fc.integer({ min: 1, max: 2 }),
        c: fc.integer({ min: 1, max: 3 }),
        h: fc.integer({ min: 2, max: 16 }),
        w: fc.integer({ min: 2, max: 16 }),
        sh: fc.integer({ min: 1, max: 3 }),
        sw: fc.integer({ min: 1, max: 3 }),
        ceilMode: fc.boolean(),
        batched: fc.boolean(),
        dtype: floatDTypeArb,
        layout: storageLayoutArb,
      })
      .chain((p) =>
        fc.record({
          p: fc.constant(p),
          // few distinct values, so ties are common; some NaN, +-inf and zeros of both signs
          // (the float32 kernel compares bit patterns: -0 and +0 tie, the first one wins)
          x: fc.array(
            fc.constantFrom(-1, -0.5, -0, 0, 0.5, 1, Number.NaN, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY),
            {
              minLength: p.n * p.c * p.h * p.w,
              maxLength: p.n * p.c * p.h * p.w,
            },
          ),
        }),
      );
    fc.assert(
      fc.property(arb, ({ p, x }) => {
        const n = p.batched ? p.n : 1;
        const q: Case = {
          ...p,
          n,
          kh: 2,
          kw: 2,
          ph: 0,
          pw: 0,
          dh: 1,
          dw: 1,
          x: Float64Array.from(x.slice(0, n * p.c * p.h * p.w)),
        };
        const X = inputOf(q);
        const ref = refMaxPool2d(q.x, q);
        const { values, indices } = maxPool2d(X, 2, {
          stride: [p.sh, p.sw],
          ceilMode: p.ceilMode,
          returnIndices: true,
        });
        expectAllClose(values.toTypedArray() as ArrayLike<number>, ref.values, p.dtype);
        expect(Array.from(indices.toTypedArray(), Number)).toEqual(Array.from(ref.indices));
        // every value is an input element, so it matches the reference exactly, sign of zero included
        const signs = Array.from(values.toTypedArray(), (v: number | bigint) => Object.is(v, -0));
        expect(signs).toEqual(Array.from(ref.values, (v) => Object.is(v, -0)));
      }),
      { numRuns: 100 },
    );
  });

  it('maxPool2d values (any window, padding, dilation) with NaNs, infinities and zeros of both signs', () => {
    // float32 values-only pooling compares bit patterns once a plane looks unpredictable (on
    // problems of 64+ outputs): the few values make ties common; sizes are chosen to reach it.
    const arb = paramsArb.chain((q) =>
      fc.record({
        q: fc.constant({ ...q, c: q.c * 4, w: q.w + 8 }),
        x: fc.array(
          fc.constantFrom(-1, -0.5, -0, 0, 0.5, 1, 2, Number.NaN, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY),
          {
            minLength: q.n * q.c * 4 * q.h * (q.w + 8),
            maxLength: q.n * q.c * 4 * q.h * (q.w + 8),
          },
        ),
      }),
    );
    fc.assert(
      fc.property(arb, ({ q: q0, x }) => {
        const q: Case = { ...q0, x: Float64Array.from(x) };
        const ho = refPoolOutSize(q.h, q.kh, q.sh, q.ph, q.dh, q.ceilMode);
        const wo = refPoolOutSize(q.w, q.kw, q.sw, q.pw, q.dw, q.ceilMode);
        if (ho < 1 || wo < 1) return;
        const ref = refMaxPool2d(q.x, q);
        const V = maxPool2d(inputOf(q), [q.kh, q.kw], {
          stride: [q.sh, q.sw],
          padding: [q.ph, q.pw],
          dilation: [q.dh, q.dw],
          ceilMode: q.ceilMode,
        }).toTypedArray();
        expectAllClose(V as ArrayLike<number>, ref.values, q.dtype);
        expect(Array.from(V, (v: number | bigint) => Object.is(v, -0))).toEqual(
          Array.from(ref.values, (v) => Object.is(v, -0)),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('avgPool2d with countIncludePad / divisorOverride, and its backward by the adjoint identity', () => {
    const arb = fc.record({
      q: paramsArb,
      countIncludePad: fc.boolean(),
      divisorOverride: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
    });
    fc.assert(
      fc.property(arb, ({ q, countIncludePad, divisorOverride }) => {
        const X = inputOf(q);
        const options = {
          stride: [q.sh, q.sw] as [number, number],
          padding: [q.ph, q.pw] as [number, number],
          ceilMode: q.ceilMode,
          countIncludePad,
          divisorOverride,
        };
        const ho = refPoolOutSize(q.h, q.kh, q.sh, q.ph, 1, q.ceilMode);
        const wo = refPoolOutSize(q.w, q.kw, q.sw, q.pw, 1, q.ceilMode);
        if (ho < 1 || wo < 1) {
          expect(() => avgPool2d(X, [q.kh, q.kw], options)).toThrow(TorchletError);
          return;
        }
        const ref = refAvgPool2d(q.x, q, countIncludePad, divisorOverride);
        const Y = avgPool2d(X, [q.kh, q.kw], options);
        const outShape = q.batched ? [q.n, q.c, ho, wo] : [q.c, ho, wo];
        expect(Y.shape).toEqual(outShape);
        expectAllClose(Y.toTypedArray() as ArrayLike<number>, ref, q.dtype);
        const g = upstreamFor(Y.numel);
        const dX = avgPool2dBackward(withLayout(g, outShape, 'float64', q.layout), X.shape, [q.kh, q.kw], options);
        expect(dX.shape).toEqual(X.shape);
        expect(dot(q.x, dX.toTypedArray() as ArrayLike<number>)).toBeCloseTo(dot(ref, g), 9);
      }),
      { numRuns: 100 },
    );
  });

  it('adaptiveAvgPool2d for any output size, and its backward by the adjoint identity', () => {
    const arb = fc.record({
      q: paramsArb,
      ho: fc.option(fc.integer({ min: 1, max: 10 }), { nil: null }),
      wo: fc.option(fc.integer({ min: 1, max: 10 }), { nil: null }),
    });
    fc.assert(
      fc.property(arb, ({ q, ho, wo }) => {
        const X = inputOf(q);
        const Y = adaptiveAvgPool2d(X, [ho, wo]);
        const oh = ho ?? q.h;
        const ow = wo ?? q.w;
        const outShape = q.batched ? [q.n, q.c, oh, ow] : [q.c, oh, ow];
        expect(Y.shape).toEqual(outShape);
        const ref = refAdaptiveAvgPool2d(q.x, q.n * q.c, q.h, q.w, oh, ow);
        expectAllClose(Y.toTypedArray() as ArrayLike<number>, ref, q.dtype);
        const g = upstreamFor(Y.numel);
        const dX = adaptiveAvgPool2dBackward(withLayout(g, outShape, 'float64', q.layout), X.shape);
        expect(dot(q.x, dX.toTypedArray() as ArrayLike<number>)).toBeCloseTo(dot(ref, g), 9);
      }),
      { numRuns: 100 },
    );
  });

  it('adaptiveAvgPool2d(x, 1), the global average pool of CNN heads (its own fast path), over every dtype and layout', () => {
    fc.assert(
      fc.property(paramsArb, (q) => {
        const X = inputOf(q);
        const Y = adaptiveAvgPool2d(X, 1);
        expect(Y.shape).toEqual(q.batched ? [q.n, q.c, 1, 1] : [q.c, 1, 1]);
        expectAllClose(
          Y.toTypedArray() as ArrayLike<number>,
          refAdaptiveAvgPool2d(q.x, q.n * q.c, q.h, q.w, 1, 1),
          q.dtype,
        );
      }),
      { numRuns: 200 },
    );
  });

  it("the book's pool2d equals stride-1 unpadded maxPool2d / avgPool2d on one plane", () => {
    const arb = fc
      .record({
        h: fc.integer({ min: 1, max: 7 }),
        w: fc.integer({ min: 1, max: 7 }),
        layout: storageLayoutArb,
      })
      .chain((p) =>
        fc.record({
          p: fc.constant(p),
          kh: fc.integer({ min: 1, max: p.h }),
          kw: fc.integer({ min: 1, max: p.w }),
          x: exactValuesArb(p.h * p.w),
        }),
      );
    fc.assert(
      fc.property(arb, ({ p, kh, kw, x }) => {
        const X = withLayout(x, [p.h, p.w], 'float64', p.layout);
        const q: RefPool2dParams = {
          n: 1,
          c: 1,
          h: p.h,
          w: p.w,
          kh,
          kw,
          sh: 1,
          sw: 1,
          ph: 0,
          pw: 0,
          dh: 1,
          dw: 1,
          ceilMode: false,
        };
        expectAllClose(
          pool2d(X, [kh, kw], 'max').toTypedArray() as ArrayLike<number>,
          refMaxPool2d(x, q).values,
          'float64',
        );
        expectAllClose(
          pool2d(X, [kh, kw], 'avg').toTypedArray() as ArrayLike<number>,
          refAvgPool2d(x, q, true, null),
          'float64',
        );
      }),
      { numRuns: 60 },
    );
  });
});
