import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocStorage,
  argmax,
  argmin,
  contiguousStrides,
  cumprod,
  cumsum,
  type DType,
  max,
  mean,
  min,
  type NumberStorage,
  prod,
  shapeSize,
  std,
  storeNumber,
  sum,
  Tensor,
  variance,
} from './index.js';

// ---- layouts: the same logical values stored contiguously, permuted, or with gaps and an offset ----

interface Layout {
  readonly perm: readonly number[];
  readonly step: number;
  readonly offset: number;
}

/** A tensor holding `values` (row-major logical order) in a storage laid out by `layout`. */
function makeTensor(values: readonly number[], shape: readonly number[], dtype: DType, layout: Layout): Tensor {
  const phys = layout.perm.map((d) => shape[d]);
  const physStrides = contiguousStrides(phys).map((s) => s * layout.step);
  const strides = new Array<number>(shape.length).fill(0);
  layout.perm.forEach((d, i) => {
    strides[d] = physStrides[i];
  });
  let extent = layout.offset + 1;
  for (let d = 0; d < shape.length; d++) extent += Math.max(shape[d] - 1, 0) * strides[d];
  const data = allocStorage(dtype, extent);
  for (let i = 0; i < extent; i++) storeNumber(data, i, 77); // garbage between elements must never be read
  const idx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < values.length; flat++) {
    let pos = layout.offset;
    for (let d = 0; d < shape.length; d++) pos += idx[d] * strides[d];
    storeNumber(data, pos, values[flat]);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return new Tensor(data, shape, strides, layout.offset, dtype);
}

const round = (v: number, dtype: DType): number =>
  dtype === 'float32' ? Math.fround(v) : dtype === 'int32' ? v | 0 : v;

const shapeArb = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 0, maxLength: 4 });

/** A case: shape, values (small integers or halves so float sums are exact-ish), and a layout. */
function caseArb(dtype: DType, withNaN = false) {
  return shapeArb.chain((shape) => {
    const n = shapeSize(shape);
    const value =
      dtype === 'bool'
        ? fc.integer({ min: 0, max: 1 })
        : dtype === 'int32'
          ? fc.integer({ min: -20, max: 20 })
          : dtype === 'int64'
            ? fc.oneof(fc.integer({ min: -20, max: 20 }), fc.integer({ min: -(2 ** 40), max: 2 ** 40 }))
            : fc.oneof(
                { weight: 10, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
                { weight: withNaN ? 1 : 0, arbitrary: fc.constant(Number.NaN) },
              );
    return fc.record({
      shape: fc.constant(shape),
      values: fc.array(value, { minLength: n, maxLength: n }).map((vs) => vs.map((v) => round(v, dtype))),
      layout: fc.record({
        perm: fc.shuffledSubarray(
          shape.map((_, i) => i),
          { minLength: shape.length, maxLength: shape.length },
        ),
        step: fc.integer({ min: 1, max: 2 }),
        offset: fc.integer({ min: 0, max: 3 }),
      }),
      dimsSeed: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 0, maxLength: 4 }),
      keepdim: fc.boolean(),
    });
  });
}

/** A subset of dims from a seed (maybe negative indices, any order, never empty). */
function pickDims(ndim: number, seed: readonly number[]): number[] {
  if (ndim === 0) return [0];
  const chosen = new Set<number>();
  for (const s of seed) chosen.add(s % ndim);
  if (chosen.size === 0) chosen.add(0);
  return [...chosen].map((d, i) => (i % 2 === 1 ? d - ndim : d));
}

/** Naive float64 reduction by explicit index arithmetic. Returns outputs grouped per kept index. */
function groups(
  values: readonly number[],
  shape: readonly number[],
  dims: readonly number[] | null,
): { groups: number[][]; outShape: number[]; keptShape: number[] } {
  const nd = shape.length;
  const red = new Set((dims ?? shape.map((_, i) => i)).map((d) => (d < 0 ? d + nd : d)));
  const keptShape = shape.filter((_, i) => !red.has(i));
  const outShape = shape.map((s, i) => (red.has(i) ? 1 : s));
  const out: number[][] = Array.from({ length: shapeSize(keptShape) }, () => []);
  const idx = new Array<number>(nd).fill(0);
  for (let flat = 0; flat < values.length; flat++) {
    let o = 0;
    for (let d = 0; d < nd; d++) if (!red.has(d)) o = o * shape[d] + idx[d];
    out[o].push(values[flat]);
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return { groups: out, outShape, keptShape };
}

function expectClose(actual: ArrayLike<number | bigint>, expected: readonly (number | bigint)[], rel: number): void {
  expect(actual.length).toBe(expected.length);
  if (actual instanceof BigInt64Array) {
    // int64 results are exact: compared with the BigInt reference
    expect(Array.from(actual)).toEqual(expected.map((e) => BigInt(e)));
    return;
  }
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (Number.isNaN(e)) expect(a).toBeNaN();
    else if (!Number.isFinite(e)) expect(a).toBe(e);
    else expect(Math.abs(a - e)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(e)));
  }
}

const sumOf = (g: readonly number[]) => g.reduce((s, v) => s + v, 0);
const isInt = (dtype: DType): boolean => dtype === 'int32' || dtype === 'int64';
/** Integer sums and products as PyTorch computes them: into int64, exact, wrapping at 64 bits. */
const sumExact = (g: readonly number[]): bigint =>
  BigInt.asIntN(
    64,
    g.reduce((s, v) => s + BigInt(v), 0n),
  );
const prodExact = (g: readonly number[]): bigint => g.reduce((p, v) => BigInt.asIntN(64, p * BigInt(v)), 1n);
const RUNS = { numRuns: 80 };

describe.each(['float32', 'float64', 'int32', 'int64'] as const)('reductions over dims (%s)', (dtype) => {
  const tol = dtype === 'float32' ? 1e-6 : 1e-12;
  it('sum matches the naive reference for any dims, layout and keepdim', () => {
    fc.assert(
      fc.property(caseArb(dtype), fc.boolean(), ({ shape, values, layout, dimsSeed, keepdim }, all) => {
        const t = makeTensor(values, shape, dtype, layout);
        const dims = all ? null : pickDims(shape.length, dimsSeed);
        const r = sum(t, dims, { keepdim });
        const ref = groups(values, shape, dims);
        expect(r.shape).toEqual(keepdim ? ref.outShape : ref.keptShape);
        expect(r.dtype).toBe(isInt(dtype) ? 'int64' : dtype);
        expectClose(
          r.toTypedArray(),
          ref.groups.map((g) => (isInt(dtype) ? sumExact(g) : round(sumOf(g), dtype))),
          tol,
        );
      }),
      RUNS,
    );
  });
  it('prod, max, min, argmax and argmin match the reference over one dim or all', () => {
    fc.assert(
      fc.property(caseArb(dtype, true), fc.boolean(), ({ shape, values, layout, dimsSeed, keepdim }, all) => {
        const t = makeTensor(values, shape, dtype, layout);
        const dim = all ? null : pickDims(shape.length, dimsSeed)[0];
        const ref = groups(values, shape, dim === null ? null : [dim]);
        const firstIndex = (g: readonly number[], better: (v: number, b: number) => boolean) => {
          let bi = 0;
          for (let i = 1; i < g.length; i++) {
            if (Number.isNaN(g[bi])) break;
            if (Number.isNaN(g[i]) || better(g[i], g[bi])) bi = i;
          }
          return bi;
        };
        const imax = ref.groups.map((g) => firstIndex(g, (v, b) => v > b));
        const imin = ref.groups.map((g) => firstIndex(g, (v, b) => v < b));
        const shapeOut = keepdim ? ref.outShape : ref.keptShape;
        const pr = prod(t, dim, { keepdim });
        expect(pr.shape).toEqual(shapeOut);
        expectClose(
          pr.toTypedArray(),
          ref.groups.map((g) =>
            isInt(dtype)
              ? prodExact(g)
              : round(
                  g.reduce((p, v) => p * v, 1),
                  dtype,
                ),
          ),
          tol,
        );
        const mx = max(t, dim, { keepdim });
        const mn = min(t, dim, { keepdim });
        expect(mx.shape).toEqual(shapeOut);
        expect(mx.dtype).toBe(dtype);
        expect(Array.from(mx.toTypedArray(), Number)).toEqual(ref.groups.map((g, i) => g[imax[i]]));
        expect(Array.from(mn.toTypedArray(), Number)).toEqual(ref.groups.map((g, i) => g[imin[i]]));
        const am = argmax(t, dim, { keepdim });
        expect(am.dtype).toBe('int64');
        expect(am.shape).toEqual(shapeOut);
        expect(Array.from(am.toTypedArray(), Number)).toEqual(imax);
        expect(Array.from(argmin(t, dim, { keepdim }).toTypedArray(), Number)).toEqual(imin);
      }),
      RUNS,
    );
  });
  if (!isInt(dtype)) {
    it('max and min over all elements pick the first of tied -0 and +0 in row-major order, whatever the layout', () => {
      // Row-major [[-5, 0], [-0, -5]]; stored transposed, the storage order meets -0 first.
      const t = makeTensor([-5, 0, -0, -5], [2, 2], dtype, { perm: [1, 0], step: 1, offset: 0 });
      expect(Object.is(max(t).item(), 0)).toBe(true);
      expect(argmax(t).item()).toBe(1);
      const u = makeTensor([5, -0, 0, 5], [2, 2], dtype, { perm: [1, 0], step: 1, offset: 0 });
      expect(Object.is(min(u).item(), -0)).toBe(true);
      expect(argmin(u).item()).toBe(1);
    });
  }
  it('cumsum and cumprod match the reference along any dim', () => {
    fc.assert(
      fc.property(caseArb(dtype), ({ shape, values, layout, dimsSeed }) => {
        const t = makeTensor(values, shape, dtype, layout);
        const dim = pickDims(shape.length, dimsSeed)[0];
        const nd = shape.length;
        const d = nd === 0 ? 0 : dim < 0 ? dim + nd : dim;
        const strides = contiguousStrides(shape);
        // integers: exact BigInt running sums and products wrapping at 64 bits (PyTorch's int64)
        const expSum = new Array<number | bigint>(values.length);
        const expProd = new Array<number | bigint>(values.length);
        const int = isInt(dtype);
        for (let i = 0; i < values.length; i++) {
          const pos = nd === 0 ? 0 : Math.floor(i / strides[d]) % shape[d];
          const prevS = pos === 0 ? (int ? 0n : 0) : expSum[i - strides[d]];
          const prevP = pos === 0 ? (int ? 1n : 1) : expProd[i - strides[d]];
          expSum[i] = int ? BigInt.asIntN(64, (prevS as bigint) + BigInt(values[i])) : (prevS as number) + values[i];
          expProd[i] = int ? BigInt.asIntN(64, (prevP as bigint) * BigInt(values[i])) : (prevP as number) * values[i];
        }
        const cs = cumsum(t, dim);
        const cp = cumprod(t, dim);
        expect(cs.shape).toEqual(shape);
        expect(cs.dtype).toBe(int ? 'int64' : dtype);
        expectClose(
          cs.toTypedArray(),
          expSum.map((v) => (int ? v : round(v as number, dtype))),
          tol,
        );
        expectClose(
          cp.toTypedArray(),
          expProd.map((v) => (int ? v : round(v as number, dtype))),
          tol,
        );
      }),
      RUNS,
    );
  });
});

describe.each(['float32', 'float64'] as const)('mean / var / std (%s)', (dtype) => {
  const tol = dtype === 'float32' ? 2e-6 : 1e-12;
  it('match two-pass float64 references', () => {
    fc.assert(
      fc.property(
        caseArb(dtype),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 }),
        ({ shape, values, layout, dimsSeed, keepdim }, all, correction) => {
          const stored = values;
          const t = makeTensor(stored, shape, dtype, layout);
          const dims = all ? null : pickDims(shape.length, dimsSeed);
          const ref = groups(stored, shape, dims);
          const means = ref.groups.map((g) => sumOf(g) / g.length);
          const vars = ref.groups.map(
            (g, i) => sumOf(g.map((v) => (v - means[i]) ** 2)) / Math.max(0, g.length - correction),
          );
          const m = mean(t, dims, { keepdim });
          expect(m.shape).toEqual(keepdim ? ref.outShape : ref.keptShape);
          expectClose(
            m.toTypedArray(),
            means.map((v) => round(v, dtype)),
            tol,
          );
          const v = variance(t, dims, { keepdim, correction });
          expect(v.shape).toEqual(m.shape);
          // Variances of nearly equal values are absolute-error sensitive; scale by the data range.
          const vv = v.toTypedArray() as NumberStorage;
          const sv = std(t, dims, { keepdim, correction }).toTypedArray() as NumberStorage;
          for (let i = 0; i < vars.length; i++) {
            if (!Number.isFinite(vars[i])) {
              expect(vv[i]).toBe(vars[i]);
              continue;
            }
            expect(Math.abs(vv[i] - vars[i])).toBeLessThanOrEqual(tol * 100 * Math.max(1, vars[i]));
            expect(Math.abs(sv[i] - Math.sqrt(vars[i]))).toBeLessThanOrEqual(
              Math.sqrt(tol) * Math.max(1, Math.sqrt(vars[i])),
            );
          }
        },
      ),
      RUNS,
    );
  });
});
