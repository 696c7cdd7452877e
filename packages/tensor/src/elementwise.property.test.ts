import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addInPlace, copyInPlace, divInPlace, mulInPlace } from './elementwise.js';
import {
  abs,
  add,
  allocStorage,
  clamp,
  contiguousStrides,
  type DType,
  div,
  eq,
  exp,
  ge,
  gt,
  le,
  log,
  lt,
  maximum,
  minimum,
  mul,
  ne,
  neg,
  pow,
  promoteTypes,
  relu,
  shapeSize,
  sigmoid,
  sqrt,
  sub,
  Tensor,
  tanh,
  where,
} from './index.js';

// ---- naive float64 references, one multi-index at a time ---------------------------------------

function indices(shape: readonly number[]): number[][] {
  const out: number[][] = [];
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < shapeSize(shape); k++) {
    out.push([...idx]);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** Element of `t` at `outIdx` of a broadcast shape (right-aligned, size-1 dims read index 0). */
function atBroadcast(t: Tensor, outIdx: readonly number[]): number {
  const lead = outIdx.length - t.ndim;
  let pos = t.offset;
  for (let d = 0; d < t.ndim; d++) pos += (t.shape[d] === 1 ? 0 : outIdx[lead + d]) * t.strides[d];
  return Number(t.data[pos]);
}

/** What storing `v` in `dtype` keeps. */
function store(v: number, dtype: DType): number {
  if (dtype === 'float32') return Math.fround(v);
  if (dtype === 'int32') return v | 0;
  if (dtype === 'bool') return v !== 0 ? 1 : 0;
  return v;
}

const int32 = (v: bigint): number => Number(BigInt.asIntN(32, v));

// ---- inputs: logical values stored under a random layout (permuted, gapped, offset) ------------

interface Layout {
  readonly perm: readonly number[];
  readonly step: number;
  readonly offset: number;
}

const GARBAGE = 99;

function makeTensor(values: readonly number[], shape: readonly number[], dtype: DType, layout: Layout): Tensor {
  const phys = layout.perm.map((d) => shape[d]);
  const physStrides = contiguousStrides(phys).map((s) => s * layout.step);
  const strides = new Array<number>(shape.length).fill(0);
  layout.perm.forEach((d, i) => {
    strides[d] = physStrides[i];
  });
  let extent = layout.offset + 1 + layout.step;
  for (let d = 0; d < shape.length; d++) extent += Math.max(shape[d] - 1, 0) * strides[d];
  const data = allocStorage(dtype, extent).fill(GARBAGE as never);
  indices(shape).forEach((idx, k) => {
    let pos = layout.offset;
    for (let d = 0; d < shape.length; d++) pos += idx[d] * strides[d];
    data[pos] = store(values[k], dtype);
  });
  return new Tensor(data, shape, strides, layout.offset, dtype);
}

const layoutArb = (ndim: number): fc.Arbitrary<Layout> =>
  fc.record({
    perm: fc.shuffledSubarray(
      Array.from({ length: ndim }, (_, i) => i),
      { minLength: ndim, maxLength: ndim },
    ),
    step: fc.integer({ min: 1, max: 2 }),
    offset: fc.integer({ min: 0, max: 3 }),
  });

/** Values that are exact in every dtype, plus the odd special float. */
const valueArb = (dtype: DType): fc.Arbitrary<number> => {
  if (dtype === 'bool') return fc.integer({ min: 0, max: 1 });
  if (dtype === 'int32')
    return fc.oneof(fc.integer({ min: -6, max: 6 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));
  return fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: -24, max: 24 }).map((v) => v / 4) },
    { weight: 2, arbitrary: fc.double({ min: -1e3, max: 1e3, noNaN: true }) },
    { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Infinity, -Infinity, 0) },
  );
};

interface Input {
  readonly t: Tensor;
  readonly values: readonly number[];
}

/** A tensor of `shape` and `dtype` with random values and layout. */
const inputArb = (shape: readonly number[], dtype: DType): fc.Arbitrary<Input> =>
  fc
    .record({
      values: fc.array(valueArb(dtype), { minLength: shapeSize(shape), maxLength: shapeSize(shape) }),
      layout: layoutArb(shape.length),
    })
    .map(({ values, layout }) => {
      const t = makeTensor(values, shape, dtype, layout);
      return { t, values: values.map((v) => store(v, dtype)) };
    });

const outShapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 });

/** A shape that broadcasts to `out`: a suffix of it with some sizes replaced by 1. */
const broadcastableArb = (out: readonly number[]): fc.Arbitrary<number[]> =>
  fc
    .record({
      drop: fc.integer({ min: 0, max: out.length - 1 }),
      ones: fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
    })
    .map(({ drop, ones }) => out.slice(drop).map((s, i) => (ones[i + drop] ? 1 : s)));

const dtypeArb = fc.constantFrom<DType>('float32', 'float64', 'int32');

const pairArb = (dtypes: fc.Arbitrary<DType> = dtypeArb) =>
  fc
    .record({ out: outShapeArb, da: dtypes, db: dtypes })
    .chain(({ out, da, db }) =>
      fc.record({
        aShape: broadcastableArb(out),
        bShape: broadcastableArb(out),
        da: fc.constant(da),
        db: fc.constant(db),
      }),
    )
    .chain(({ aShape, bShape, da, db }) => fc.record({ a: inputArb(aShape, da), b: inputArb(bShape, db) }));

const RUNS = { numRuns: 60 };

/** Checks `result` against `ref(a, b)` evaluated per output index in the compute dtype. */
function checkBinary(
  result: Tensor,
  a: Tensor,
  b: Tensor,
  computeDtype: DType,
  outDtype: DType,
  ref: (x: number, y: number) => number,
): void {
  const expected = indices(result.shape).map((idx) => {
    const x = store(atBroadcast(a, idx), computeDtype);
    const y = store(atBroadcast(b, idx), computeDtype);
    return store(ref(x, y), outDtype);
  });
  expect(result.dtype).toBe(outDtype);
  expect(Array.from(result.toTypedArray(), Number)).toEqual(expected);
}

const nanMax = (x: number, y: number) => (Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : Math.max(x, y));
const nanMin = (x: number, y: number) => (Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : Math.min(x, y));

function intPow(x: number, y: number): number {
  if (y < 0) return x === 1 ? 1 : x === -1 ? (y % 2 === 0 ? 1 : -1) : 0;
  return int32(BigInt(x) ** BigInt(y));
}

function floatPow(x: number, y: number): number {
  if (x === 1 || y === 0) return 1;
  if (x === -1 && !Number.isFinite(y) && !Number.isNaN(y)) return 1;
  return x ** y;
}

describe('binary ops against naive references', () => {
  it('add, sub, mul, maximum, minimum over broadcast, non-contiguous, mixed-dtype operands', () => {
    fc.assert(
      fc.property(pairArb(), ({ a, b }) => {
        const ct = promoteTypes(a.t.dtype, b.t.dtype);
        const isInt = ct === 'int32';
        checkBinary(add(a.t, b.t), a.t, b.t, ct, ct, (x, y) => (isInt ? int32(BigInt(x) + BigInt(y)) : x + y));
        checkBinary(sub(a.t, b.t), a.t, b.t, ct, ct, (x, y) => (isInt ? int32(BigInt(x) - BigInt(y)) : x - y));
        checkBinary(mul(a.t, b.t), a.t, b.t, ct, ct, (x, y) => (isInt ? int32(BigInt(x) * BigInt(y)) : x * y));
        checkBinary(maximum(a.t, b.t), a.t, b.t, ct, ct, nanMax);
        checkBinary(minimum(a.t, b.t), a.t, b.t, ct, ct, nanMin);
      }),
      RUNS,
    );
  });

  it('div gives floats, comparisons give bool', () => {
    fc.assert(
      fc.property(pairArb(fc.constantFrom<DType>('float32', 'float64', 'int32', 'bool')), ({ a, b }) => {
        const ct = promoteTypes(a.t.dtype, b.t.dtype);
        const ft = ct === 'float64' ? 'float64' : 'float32';
        checkBinary(div(a.t, b.t), a.t, b.t, ft, ft, (x, y) => x / y);
        checkBinary(eq(a.t, b.t), a.t, b.t, ct, 'bool', (x, y) => +(x === y));
        checkBinary(ne(a.t, b.t), a.t, b.t, ct, 'bool', (x, y) => +(x !== y));
        checkBinary(lt(a.t, b.t), a.t, b.t, ct, 'bool', (x, y) => +(x < y));
        checkBinary(le(a.t, b.t), a.t, b.t, ct, 'bool', (x, y) => +(x <= y));
        checkBinary(gt(a.t, b.t), a.t, b.t, ct, 'bool', (x, y) => +(x > y));
        checkBinary(ge(a.t, b.t), a.t, b.t, ct, 'bool', (x, y) => +(x >= y));
      }),
      RUNS,
    );
  });

  it('pow for float and int32 operands', () => {
    const smallInts = fc.constantFrom<DType>('int32');
    fc.assert(
      fc.property(pairArb(fc.constantFrom<DType>('float32', 'float64')), ({ a, b }) => {
        const ct = promoteTypes(a.t.dtype, b.t.dtype);
        checkBinary(pow(a.t, b.t), a.t, b.t, ct, ct, floatPow);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(
        pairArb(smallInts).map(({ a, b }) => {
          // keep exponents small so the reference's BigInt stays cheap
          const e = (b.t.data as Int32Array).map((v) => (v === GARBAGE ? v : (((v % 9) + 9) % 9) - 3));
          return { a, b: new Tensor(e, b.t.shape, b.t.strides, b.t.offset) };
        }),
        ({ a, b }) => {
          checkBinary(pow(a.t, b), a.t, b, 'int32', 'int32', intPow);
        },
      ),
      RUNS,
    );
  });

  it('scalar operands broadcast everywhere and are cast to the tensor dtype first', () => {
    fc.assert(
      fc.property(
        outShapeArb.chain((s) => inputArb(s, 'float32')),
        fc.double({ min: -100, max: 100, noNaN: true }),
        ({ t }, s) => {
          const sc = new Tensor(new Float32Array([s]), []);
          checkBinary(add(t, s), t, sc, 'float32', 'float32', (x, y) => x + y);
          checkBinary(sub(s, t), sc, t, 'float32', 'float32', (x, y) => x - y);
          checkBinary(lt(t, s), t, sc, 'float32', 'bool', (x, y) => +(x < y));
        },
      ),
      RUNS,
    );
  });
});

describe('unary ops against naive references', () => {
  it('every unary op on any layout', () => {
    fc.assert(
      fc.property(
        fc
          .record({ shape: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 4 }), dtype: dtypeArb })
          .chain(({ shape, dtype }) => inputArb(shape, dtype)),
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        ({ t, values }, lo, hi) => {
          const same = t.dtype;
          const fl = t.dtype === 'int32' ? 'float32' : t.dtype;
          const check = (r: Tensor, dtype: DType, f: (x: number) => number) => {
            expect(r.dtype).toBe(dtype);
            expect(Array.from(r.toTypedArray(), Number)).toEqual(values.map((v) => store(f(store(v, dtype)), dtype)));
          };
          check(neg(t), same, (x) => -x);
          check(abs(t), same, Math.abs);
          check(relu(t), same, (x) => (Number.isNaN(x) ? x : Math.max(x, 0)));
          check(exp(t), fl, Math.exp);
          check(log(t), fl, Math.log);
          check(sqrt(t), fl, Math.sqrt);
          check(tanh(t), fl, Math.tanh);
          check(sigmoid(t), fl, (x) => 1 / (1 + Math.exp(-x)));
          const bound = (v: number) => (t.dtype === 'int32' ? Math.round(v) : v);
          const [l, h] = [bound(lo), bound(hi)];
          check(clamp(t, l, h), same, (x) =>
            Number.isNaN(x) ? x : Math.min(Math.max(x, store(l, same)), store(h, same)),
          );
        },
      ),
      RUNS,
    );
  });
});

describe('where against a naive reference', () => {
  it('three-way broadcasting over non-contiguous operands', () => {
    fc.assert(
      fc.property(
        fc
          .record({ out: outShapeArb, da: dtypeArb, db: dtypeArb })
          .chain(({ out, da, db }) =>
            fc.record({
              cs: broadcastableArb(out),
              as: broadcastableArb(out),
              bs: broadcastableArb(out),
              da: fc.constant(da),
              db: fc.constant(db),
            }),
          )
          .chain(({ cs, as, bs, da, db }) =>
            fc.record({ c: inputArb(cs, 'bool'), a: inputArb(as, da), b: inputArb(bs, db) }),
          ),
        ({ c, a, b }) => {
          const r = where(c.t, a.t, b.t);
          const dt = promoteTypes(a.t.dtype, b.t.dtype);
          expect(r.dtype).toBe(dt);
          const expected = indices(r.shape).map((idx) =>
            store(atBroadcast(c.t, idx) !== 0 ? atBroadcast(a.t, idx) : atBroadcast(b.t, idx), dt),
          );
          expect(Array.from(r.toTypedArray(), Number)).toEqual(expected);
        },
      ),
      RUNS,
    );
  });
});

describe('in-place ops against naive references', () => {
  /** A strided target with gaps (garbage between elements) and an operand that broadcasts to it. */
  const targetArb = (td: fc.Arbitrary<DType>, od: fc.Arbitrary<DType>) =>
    fc
      .record({ shape: outShapeArb, td, od })
      .chain(({ shape, td: t, od: o }) =>
        fc.record({ target: inputArb(shape, t), otherShape: broadcastableArb(shape), od: fc.constant(o) }),
      )
      .chain(({ target, otherShape, od: o }) =>
        fc.record({ target: fc.constant(target), other: inputArb(otherShape, o) }),
      );

  /** Checks the view holds `expected` and every storage slot outside the view is untouched. */
  function checkWritten(t: Tensor, before: readonly number[], expected: readonly number[]): void {
    expect(Array.from(t.toTypedArray(), Number)).toEqual(expected);
    const inView = new Set(indices(t.shape).map((idx) => idx.reduce((pos, v, d) => pos + v * t.strides[d], t.offset)));
    for (let i = 0; i < t.data.length; i++) if (!inView.has(i)) expect(t.data[i]).toBe(before[i]);
  }

  it('addInPlace / mulInPlace / divInPlace / copyInPlace write through strided float targets', () => {
    fc.assert(
      fc.property(
        targetArb(
          fc.constantFrom<DType>('float32', 'float64'),
          fc.constantFrom<DType>('float32', 'float64', 'int32', 'bool'),
        ),
        fc.integer({ min: -3, max: 3 }),
        ({ target, other }, alpha) => {
          const ct = promoteTypes(target.t.dtype, other.t.dtype);
          const ref = (f: (x: number, y: number) => number, t: Tensor) =>
            indices(t.shape).map((idx) =>
              store(f(store(atBroadcast(target.t, idx), ct), store(atBroadcast(other.t, idx), ct)), t.dtype),
            );
          const cases: [(t: Tensor) => void, (x: number, y: number) => number][] = [
            [(t) => addInPlace(t, other.t, alpha), (x, y) => x + alpha * y],
            [(t) => mulInPlace(t, other.t), (x, y) => x * y],
            [(t) => divInPlace(t, other.t), (x, y) => x / y],
            [(t) => copyInPlace(t, other.t), (_, y) => y],
          ];
          for (const [op, f] of cases) {
            const t = new Tensor(target.t.data.slice(), target.t.shape, target.t.strides, target.t.offset);
            const before = Array.from(t.data, Number);
            const expected = ref(f, t);
            const v = t.version;
            op(t);
            expect(t.version).toBe(v + 1);
            checkWritten(t, before, expected);
          }
        },
      ),
      RUNS,
    );
  });

  it('int32 targets wrap and copyInPlace converts any dtype', () => {
    fc.assert(
      fc.property(
        targetArb(fc.constant<DType>('int32'), fc.constantFrom<DType>('int32', 'bool')),
        fc.integer({ min: -3, max: 3 }),
        ({ target, other }, alpha) => {
          const fresh = () => new Tensor(target.t.data.slice(), target.t.shape, target.t.strides, target.t.offset);
          const ref = (f: (x: bigint, y: bigint) => bigint) =>
            indices(target.t.shape).map((idx) =>
              int32(f(BigInt(atBroadcast(target.t, idx)), BigInt(atBroadcast(other.t, idx)))),
            );
          let t = fresh();
          let before = Array.from(t.data, Number);
          addInPlace(t, other.t, alpha);
          checkWritten(
            t,
            before,
            ref((x, y) => x + BigInt(alpha) * y),
          );
          t = fresh();
          before = Array.from(t.data, Number);
          mulInPlace(t, other.t);
          checkWritten(
            t,
            before,
            ref((x, y) => x * y),
          );
        },
      ),
      RUNS,
    );
  });
});
