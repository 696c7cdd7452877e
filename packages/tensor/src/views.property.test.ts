import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocStorage,
  clone,
  contiguous,
  contiguousStrides,
  type DType,
  expand,
  flatten,
  narrow,
  permute,
  reshape,
  shapeSize,
  squeeze,
  Tensor,
  transpose,
  unsqueeze,
  view,
} from './index.js';
import { computeViewStrides, to } from './views.js';

// ---- naive references: read elements one multi-index at a time --------------------------------

function indices(shape: readonly number[]): number[][] {
  const out: number[][] = [];
  const n = shapeSize(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    out.push([...idx]);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

function at(t: Tensor, idx: readonly number[]): number {
  let pos = t.offset;
  for (let d = 0; d < idx.length; d++) pos += idx[d] * t.strides[d];
  return Number(t.data[pos]);
}

const naiveFlat = (t: Tensor): number[] => indices(t.shape).map((i) => at(t, i));

// ---- inputs: logical values stored under a random layout (permuted, gapped, offset) ------------

interface Layout {
  readonly perm: readonly number[];
  readonly step: number;
  readonly offset: number;
}

function makeTensor(values: readonly number[], shape: readonly number[], dtype: DType, layout: Layout): Tensor {
  const phys = layout.perm.map((d) => shape[d]);
  const physStrides = contiguousStrides(phys).map((s) => s * layout.step);
  const strides = new Array<number>(shape.length).fill(0);
  layout.perm.forEach((d, i) => {
    strides[d] = physStrides[i];
  });
  let extent = layout.offset + 1;
  for (let d = 0; d < shape.length; d++) extent += Math.max(shape[d] - 1, 0) * strides[d];
  const data = allocStorage(dtype, extent).fill(99 as never);
  indices(shape).forEach((idx, k) => {
    let pos = layout.offset;
    for (let d = 0; d < shape.length; d++) pos += idx[d] * strides[d];
    data[pos] = values[k];
  });
  return new Tensor(data, shape, strides, layout.offset, dtype);
}

const layoutArb = (ndim: number) =>
  fc.record({
    perm: fc.shuffledSubarray(
      Array.from({ length: ndim }, (_, i) => i),
      { minLength: ndim, maxLength: ndim },
    ),
    step: fc.integer({ min: 1, max: 2 }),
    offset: fc.integer({ min: 0, max: 3 }),
  });

const caseArb = (shapeArb: fc.Arbitrary<number[]>) =>
  shapeArb.chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      values: fc.array(fc.integer({ min: -50, max: 50 }), { minLength: shapeSize(shape), maxLength: shapeSize(shape) }),
      layout: layoutArb(shape.length),
    }),
  );

const smallShape = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 });

/** Groups consecutive `factors` into dimensions by `cuts` (true = start a new dim). */
function group(factors: readonly number[], cuts: readonly boolean[]): number[] {
  const out: number[] = [];
  factors.forEach((f, i) => {
    if (i === 0 || cuts[i]) out.push(f);
    else out[out.length - 1] *= f;
  });
  return out;
}

/** A source and target shape with the same number of elements (the same factors grouped two ways). */
const reshapeArb = fc
  .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 })
  .chain((factors) =>
    fc.record({
      from: fc
        .array(fc.boolean(), { minLength: factors.length, maxLength: factors.length })
        .map((c) => group(factors, c)),
      to: fc
        .array(fc.boolean(), { minLength: factors.length, maxLength: factors.length })
        .map((c) => group(factors, c)),
      ones: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }),
    }),
  )
  .chain(({ from, to, ones }) => {
    const target = [...to];
    for (const p of ones) target.splice(Math.min(p, target.length), 0, 1);
    return caseArb(fc.constant(from)).map((c) => ({ ...c, target }));
  });

const RUNS = { numRuns: 80 };

describe('views against naive index arithmetic', () => {
  it('reshape keeps row-major order and is a view exactly when computeViewStrides finds strides', () => {
    fc.assert(
      fc.property(reshapeArb, ({ shape, values, layout, target }) => {
        const x = makeTensor(values, shape, 'float32', layout);
        const y = reshape(x, target);
        expect(y.shape).toEqual(target);
        expect(naiveFlat(y)).toEqual(values);
        const strides = computeViewStrides(x.shape, x.strides, target);
        expect(y.data === x.data).toBe(strides !== null);
        if (x.isContiguous()) expect(strides).not.toBeNull();
        if (strides) expect(naiveFlat(view(x, target))).toEqual(values);
        else expect(() => view(x, target)).toThrowError(/view size is not compatible/);
        // -1 infers the same shape
        const withInferred = [...target];
        withInferred[0] = -1;
        expect(reshape(x, withInferred).shape).toEqual(target);
      }),
      RUNS,
    );
  });

  it('permute and transpose read x at the permuted index', () => {
    fc.assert(
      fc.property(
        caseArb(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 })).chain((c) =>
          fc.record({
            c: fc.constant(c),
            perm: fc.shuffledSubarray(
              c.shape.map((_, i) => i),
              { minLength: c.shape.length, maxLength: c.shape.length },
            ),
            d0: fc.integer({ min: 0, max: c.shape.length - 1 }),
            d1: fc.integer({ min: 0, max: c.shape.length - 1 }),
          }),
        ),
        ({ c, perm, d0, d1 }) => {
          const x = makeTensor(c.values, c.shape, 'int32', c.layout);
          const p = permute(x, perm);
          for (const idx of indices(p.shape)) {
            const src = new Array<number>(idx.length);
            perm.forEach((d, i) => {
              src[d] = idx[i];
            });
            expect(at(p, idx)).toBe(at(x, src));
          }
          const tr = transpose(x, d0, d1 - x.ndim);
          for (const idx of indices(tr.shape)) {
            const src = [...idx];
            [src[d0], src[d1]] = [idx[d1], idx[d0]];
            expect(at(tr, idx)).toBe(at(x, src));
          }
        },
      ),
      RUNS,
    );
  });

  it('expand reads index 0 along broadcast dims', () => {
    fc.assert(
      fc.property(
        caseArb(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 3 })).chain((c) =>
          fc.record({
            c: fc.constant(c),
            grow: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: c.shape.length, maxLength: c.shape.length }),
            lead: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
            keep: fc.array(fc.boolean(), { minLength: c.shape.length, maxLength: c.shape.length }),
          }),
        ),
        ({ c, grow, lead, keep }) => {
          const x = makeTensor(c.values, c.shape, 'float64', c.layout);
          const target = [...lead, ...c.shape.map((s, i) => (keep[i] ? -1 : s === 1 ? grow[i] : s))];
          const y = expand(x, target);
          const k = lead.length;
          expect(y.shape).toEqual(target.map((s, i) => (s === -1 ? c.shape[i - k] : s)));
          expect(y.data).toBe(x.data);
          for (const idx of indices(y.shape)) {
            const src = idx.slice(k).map((v, i) => (c.shape[i] === 1 ? 0 : v));
            expect(at(y, idx)).toBe(at(x, src));
          }
        },
      ),
      RUNS,
    );
  });

  it('narrow, flatten, squeeze and unsqueeze match their index definitions', () => {
    fc.assert(
      fc.property(
        caseArb(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 })).chain((c) =>
          fc.record({
            c: fc.constant(c),
            dim: fc.integer({ min: 0, max: c.shape.length - 1 }),
            start: fc.nat(),
            len: fc.nat(),
            end: fc.integer({ min: 0, max: c.shape.length - 1 }),
            u: fc.integer({ min: 0, max: c.shape.length }),
          }),
        ),
        ({ c, dim, start, len, end, u }) => {
          const x = makeTensor(c.values, c.shape, 'float32', c.layout);
          const size = c.shape[dim];
          const s = start % (size + 1);
          const l = len % (size - s + 1);
          const nr = narrow(x, dim, s, l);
          expect(nr.data).toBe(x.data);
          for (const idx of indices(nr.shape)) {
            const src = [...idx];
            src[dim] += s;
            expect(at(nr, idx)).toBe(at(x, src));
          }
          const lo = Math.min(dim, end);
          const hi = Math.max(dim, end);
          const fl = flatten(x, lo, hi);
          expect(fl.shape).toEqual([
            ...c.shape.slice(0, lo),
            shapeSize(c.shape.slice(lo, hi + 1)),
            ...c.shape.slice(hi + 1),
          ]);
          expect(naiveFlat(fl)).toEqual(c.values);
          const sq = squeeze(x);
          expect(sq.shape).toEqual(c.shape.filter((v) => v !== 1));
          expect(naiveFlat(sq)).toEqual(c.values);
          const un = unsqueeze(x, u);
          expect(un.shape).toEqual([...c.shape.slice(0, u), 1, ...c.shape.slice(u)]);
          expect(naiveFlat(un)).toEqual(c.values);
          expect(un.data).toBe(x.data);
        },
      ),
      RUNS,
    );
  });

  it('to, clone and contiguous copy any layout into row-major order', () => {
    fc.assert(
      fc.property(
        caseArb(smallShape),
        fc.constantFrom<DType>('float32', 'float64', 'int32', 'bool'),
        ({ shape, values, layout }, dtype) => {
          const x = makeTensor(values, shape, 'float64', layout);
          const c = clone(x);
          expect(Array.from(c.data, Number)).toEqual(values);
          expect(c.strides).toEqual(contiguousStrides(shape));
          const k = contiguous(x);
          expect(k === x).toBe(x.isContiguous());
          expect(naiveFlat(k)).toEqual(values);
          const y = to(x, dtype);
          const expected = values.map((v) => (dtype === 'bool' ? (v !== 0 ? 1 : 0) : v));
          expect(naiveFlat(y)).toEqual(expected);
          expect(y.dtype).toBe(dtype);
          if (dtype === 'float64') expect(y).toBe(x);
          else expect(Array.from(y.data, Number)).toEqual(expected);
        },
      ),
      RUNS,
    );
  });
});
