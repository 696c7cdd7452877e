import { Tensor, TorchletError } from '@torchlet/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adaptiveAvgPool2d, adaptiveAvgPool2dBackward } from './adaptive-avg-pool2d.js';
import { avgPool2d, avgPool2dBackward } from './avg-pool2d.js';
import { maxPool2d, maxPool2dBackward } from './max-pool2d.js';
import { pool2dOutputShape } from './params.js';
import { pool2d } from './pool2d.js';

type FloatDType = 'float32' | 'float64';
type Layout = 'contiguous' | 'padded' | 'reversed';

/**
 * A tensor holding row-major `values` of `shape` in the given memory layout: dense, padded
 * (gaps and an offset) or reversed (column-major, like a permute). Gaps hold NaN, so a kernel
 * that reads the wrong element fails loudly.
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

// ---- naive float64 references: loop over every kernel tap, padded ones included ----------------

interface Params {
  n: number;
  c: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
  dh: number;
  dw: number;
  ceilMode: boolean;
}

function refOutSize(size: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = size + 2 * p - d * (k - 1) - 1;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  // PyTorch: with ceil mode the last window must start inside the input or the left padding
  if (ceil && (out - 1) * s >= size + p) out--;
  return out;
}

function refMax(x: Float64Array, p: Params): { values: Float64Array; indices: Int32Array; ho: number; wo: number } {
  const ho = refOutSize(p.h, p.kh, p.sh, p.ph, p.dh, p.ceilMode);
  const wo = refOutSize(p.w, p.kw, p.sw, p.pw, p.dw, p.ceilMode);
  const values = new Float64Array(p.n * p.c * ho * wo);
  const indices = new Int32Array(values.length);
  let o = 0;
  for (let plane = 0; plane < p.n * p.c; plane++)
    for (let oh = 0; oh < ho; oh++)
      for (let ow = 0; ow < wo; ow++, o++) {
        let best = Number.NEGATIVE_INFINITY;
        let bestIdx = -1;
        for (let a = 0; a < p.kh; a++)
          for (let b = 0; b < p.kw; b++) {
            const ih = oh * p.sh - p.ph + a * p.dh;
            const iw = ow * p.sw - p.pw + b * p.dw;
            if (ih < 0 || ih >= p.h || iw < 0 || iw >= p.w) continue;
            const v = x[(plane * p.h + ih) * p.w + iw];
            if (bestIdx < 0 || v > best || Number.isNaN(v)) {
              best = v;
              bestIdx = ih * p.w + iw;
            }
          }
        values[o] = best;
        indices[o] = bestIdx;
      }
  return { values, indices, ho, wo };
}

function refAvg(x: Float64Array, p: Params, countIncludePad: boolean, divisorOverride: number | null): Float64Array {
  const ho = refOutSize(p.h, p.kh, p.sh, p.ph, 1, p.ceilMode);
  const wo = refOutSize(p.w, p.kw, p.sw, p.pw, 1, p.ceilMode);
  const out = new Float64Array(p.n * p.c * ho * wo);
  let o = 0;
  for (let plane = 0; plane < p.n * p.c; plane++)
    for (let oh = 0; oh < ho; oh++)
      for (let ow = 0; ow < wo; ow++, o++) {
        let sum = 0;
        let inInput = 0;
        let inPadded = 0;
        for (let a = 0; a < p.kh; a++)
          for (let b = 0; b < p.kw; b++) {
            const ih = oh * p.sh - p.ph + a;
            const iw = ow * p.sw - p.pw + b;
            if (ih < p.h + p.ph && iw < p.w + p.pw) inPadded++;
            if (ih < 0 || ih >= p.h || iw < 0 || iw >= p.w) continue;
            inInput++;
            sum += x[(plane * p.h + ih) * p.w + iw];
          }
        out[o] = inInput === 0 ? 0 : sum / (divisorOverride ?? (countIncludePad ? inPadded : inInput));
      }
  return out;
}

function refAdaptive(x: Float64Array, n: number, h: number, w: number, ho: number, wo: number): Float64Array {
  const out = new Float64Array(n * ho * wo);
  let o = 0;
  for (let plane = 0; plane < n; plane++)
    for (let i = 0; i < ho; i++)
      for (let j = 0; j < wo; j++, o++) {
        const h0 = Math.floor((i * h) / ho);
        const h1 = Math.ceil(((i + 1) * h) / ho);
        const w0 = Math.floor((j * w) / wo);
        const w1 = Math.ceil(((j + 1) * w) / wo);
        let s = 0;
        for (let a = h0; a < h1; a++) for (let b = w0; b < w1; b++) s += x[(plane * h + a) * w + b];
        out[o] = s / ((h1 - h0) * (w1 - w0));
      }
  return out;
}

// ---- arbitraries -----------------------------------------------------------------------------

const values = (n: number) =>
  fc
    .array(fc.integer({ min: -128, max: 128 }), { minLength: n, maxLength: n })
    .map((a) => Float64Array.from(a, (v) => v / 64));

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
    dtype: fc.constantFrom<FloatDType>('float32', 'float64'),
    layout: fc.constantFrom<Layout>('contiguous', 'padded', 'reversed'),
  })
  .chain((p) =>
    fc.record({
      p: fc.constant(p),
      ph: fc.integer({ min: 0, max: Math.floor(p.kh / 2) }),
      pw: fc.integer({ min: 0, max: Math.floor(p.kw / 2) }),
      x: values((p.batched ? p.n : 1) * p.c * p.h * p.w),
    }),
  )
  .map(({ p, ph, pw, x }) => ({ ...p, n: p.batched ? p.n : 1, ph, pw, x }));

type Case = Params & { batched: boolean; dtype: FloatDType; layout: Layout; x: Float64Array };

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

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

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
        const ho = refOutSize(q.h, q.kh, q.sh, q.ph, q.dh, q.ceilMode);
        const wo = refOutSize(q.w, q.kw, q.sw, q.pw, q.dw, q.ceilMode);
        if (ho < 1 || wo < 1) {
          expect(() => maxPool2d(X, [q.kh, q.kw], options)).toThrow(TorchletError);
          return;
        }
        const ref = refMax(q.x, q);
        const outShape = q.batched ? [q.n, q.c, ho, wo] : [q.c, ho, wo];
        expect(pool2dOutputShape(X.shape, [q.kh, q.kw], options)).toEqual(outShape);
        const { values: V, indices: I } = maxPool2d(X, [q.kh, q.kw], { ...options, returnIndices: true });
        expect(V.shape).toEqual(outShape);
        expect(V.dtype).toBe(q.dtype);
        expectAllClose(V.toTypedArray(), ref.values, q.dtype);
        expect(Array.from(I.toTypedArray())).toEqual(Array.from(ref.indices));
        expectAllClose(maxPool2d(X, [q.kh, q.kw], options).toTypedArray(), ref.values, q.dtype);
        // <maxPool(X), G> = <X, maxPool2dBackward(G)>, since every value is X at its index
        const g = upstreamFor(V.numel);
        const dX = maxPool2dBackward(withLayout(g, outShape, q.dtype, q.layout), I, X.shape);
        expect(dX.shape).toEqual(X.shape);
        // windows with no input element (-inf, index -1) carry no gradient
        const finite = ref.values.map((v, i) => (ref.indices[i] === -1 ? 0 : v));
        expect(dot(q.x, dX.toTypedArray())).toBeCloseTo(dot(finite, g), 4);
      }),
      { numRuns: 100 },
    );
  });

  it('maxPool2d 2x2 fast path (no padding or dilation) with NaNs, ties and any stride, batched or not', () => {
    const arb = fc
      .record({
        n: fc.integer({ min: 1, max: 2 }),
        c: fc.integer({ min: 1, max: 3 }),
        h: fc.integer({ min: 2, max: 9 }),
        w: fc.integer({ min: 2, max: 9 }),
        sh: fc.integer({ min: 1, max: 3 }),
        sw: fc.integer({ min: 1, max: 3 }),
        ceilMode: fc.boolean(),
        batched: fc.boolean(),
        dtype: fc.constantFrom<FloatDType>('float32', 'float64'),
        layout: fc.constantFrom<Layout>('contiguous', 'padded', 'reversed'),
      })
      .chain((p) =>
        fc.record({
          p: fc.constant(p),
          // few distinct values, so ties are common; some NaN and -inf
          x: fc.array(fc.constantFrom(-1, 0, 0.5, 1, Number.NaN, Number.NEGATIVE_INFINITY), {
            minLength: p.n * p.c * p.h * p.w,
            maxLength: p.n * p.c * p.h * p.w,
          }),
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
        const ref = refMax(q.x, q);
        const { values, indices } = maxPool2d(X, 2, {
          stride: [p.sh, p.sw],
          ceilMode: p.ceilMode,
          returnIndices: true,
        });
        expectAllClose(values.toTypedArray(), ref.values, p.dtype);
        expect(Array.from(indices.toTypedArray())).toEqual(Array.from(ref.indices));
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
        const ho = refOutSize(q.h, q.kh, q.sh, q.ph, 1, q.ceilMode);
        const wo = refOutSize(q.w, q.kw, q.sw, q.pw, 1, q.ceilMode);
        if (ho < 1 || wo < 1) {
          expect(() => avgPool2d(X, [q.kh, q.kw], options)).toThrow(TorchletError);
          return;
        }
        const ref = refAvg(q.x, q, countIncludePad, divisorOverride);
        const Y = avgPool2d(X, [q.kh, q.kw], options);
        const outShape = q.batched ? [q.n, q.c, ho, wo] : [q.c, ho, wo];
        expect(Y.shape).toEqual(outShape);
        expectAllClose(Y.toTypedArray(), ref, q.dtype);
        const g = upstreamFor(Y.numel);
        const dX = avgPool2dBackward(withLayout(g, outShape, 'float64', q.layout), X.shape, [q.kh, q.kw], options);
        expect(dX.shape).toEqual(X.shape);
        expect(dot(q.x, dX.toTypedArray())).toBeCloseTo(dot(ref, g), 9);
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
        const ref = refAdaptive(q.x, q.n * q.c, q.h, q.w, oh, ow);
        expectAllClose(Y.toTypedArray(), ref, q.dtype);
        const g = upstreamFor(Y.numel);
        const dX = adaptiveAvgPool2dBackward(withLayout(g, outShape, 'float64', q.layout), X.shape);
        expect(dot(q.x, dX.toTypedArray())).toBeCloseTo(dot(ref, g), 9);
      }),
      { numRuns: 100 },
    );
  });

  it("the book's pool2d equals stride-1 unpadded maxPool2d / avgPool2d on one plane", () => {
    const arb = fc
      .record({
        h: fc.integer({ min: 1, max: 7 }),
        w: fc.integer({ min: 1, max: 7 }),
        layout: fc.constantFrom<Layout>('contiguous', 'padded', 'reversed'),
      })
      .chain((p) =>
        fc.record({
          p: fc.constant(p),
          kh: fc.integer({ min: 1, max: p.h }),
          kw: fc.integer({ min: 1, max: p.w }),
          x: values(p.h * p.w),
        }),
      );
    fc.assert(
      fc.property(arb, ({ p, kh, kw, x }) => {
        const X = withLayout(x, [p.h, p.w], 'float64', p.layout);
        const q: Params = {
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
        expectAllClose(pool2d(X, [kh, kw], 'max').toTypedArray(), refMax(x, q).values, 'float64');
        expectAllClose(pool2d(X, [kh, kw], 'avg').toTypedArray(), refAvg(x, q, true, null), 'float64');
      }),
      { numRuns: 60 },
    );
  });
});
