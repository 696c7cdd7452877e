import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  add,
  eq,
  formatTensor,
  gt,
  le,
  maximum,
  minimum,
  mul,
  pow,
  sub,
  sum,
  type Tensor,
  tensor,
  to,
} from './index.js';

// int64 against a BigInt reference: every op is exact and wraps at 64 bits, as PyTorch's int64.

const wrap = (v: bigint): bigint => BigInt.asIntN(64, v);
const int64 = fc.oneof(
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.bigInt({ min: -100n, max: 100n }),
  fc.constantFrom(0n, 1n, -1n, 2n ** 53n + 1n, -(2n ** 63n), 2n ** 63n - 1n, 2n ** 31n),
);
const pairs = fc.integer({ min: 0, max: 12 }).chain((n) =>
  fc.record({
    a: fc.array(int64, { minLength: n, maxLength: n }),
    b: fc.array(int64, { minLength: n, maxLength: n }),
  }),
);
/** The larger of two bigints (Math.max takes numbers only). */
function bigMax(p: bigint, q: bigint): bigint {
  if (p > q) return p;
  return q;
}
/** The smaller of two bigints. */
function bigMin(p: bigint, q: bigint): bigint {
  if (p < q) return p;
  return q;
}
const values = (t: Tensor): bigint[] => Array.from(t.toTypedArray() as BigInt64Array);
const bools = (t: Tensor): boolean[] => Array.from(t.toTypedArray(), (v: number | bigint) => Number(v) !== 0);

/** Integer power with 64-bit wrap; negative exponents as PyTorch (1, -1 or 0). */
function powRef(a: bigint, b: bigint): bigint {
  if (b < 0n) return a === 1n ? 1n : a === -1n ? (b & 1n ? -1n : 1n) : 0n;
  let r = 1n;
  let base = a;
  for (let e = b; e > 0n; e >>= 1n) {
    if (e & 1n) r = wrap(r * base);
    base = wrap(base * base);
  }
  return r;
}

describe('int64 elementwise and reductions match a BigInt reference', () => {
  it('add, sub, mul, maximum, minimum wrap at 64 bits; comparisons are exact', () => {
    fc.assert(
      fc.property(pairs, ({ a, b }) => {
        const x = tensor(a, { dtype: 'int64', shape: [a.length] });
        const y = tensor(b, { dtype: 'int64', shape: [b.length] });
        expect(values(add(x, y))).toEqual(a.map((v, i) => wrap(v + b[i])));
        expect(values(sub(x, y))).toEqual(a.map((v, i) => wrap(v - b[i])));
        expect(values(mul(x, y))).toEqual(a.map((v, i) => wrap(v * b[i])));
        expect(values(maximum(x, y))).toEqual(a.map((v, i) => bigMax(v, b[i])));
        expect(values(minimum(x, y))).toEqual(a.map((v, i) => bigMin(v, b[i])));
        expect(bools(eq(x, y))).toEqual(a.map((v, i) => v === b[i]));
        expect(bools(gt(x, y))).toEqual(a.map((v, i) => v > b[i]));
        expect(bools(le(x, y))).toEqual(a.map((v, i) => v <= b[i]));
      }),
      { numRuns: 200 },
    );
  });
  it('pow with small exponents, sum and printing are exact', () => {
    fc.assert(
      fc.property(pairs, ({ a, b }) => {
        const x = tensor(a, { dtype: 'int64', shape: [a.length] });
        const e = b.map((v) => v % 70n);
        expect(values(pow(x, tensor(e, { dtype: 'int64', shape: [e.length] })))).toEqual(
          a.map((v, i) => powRef(v, e[i])),
        );
        expect(values(sum(x))).toEqual([wrap(a.reduce((s, v) => s + v, 0n))]);
        // printing shows every digit (whitespace aside: columns and line wrapping), no dtype suffix
        expect(formatTensor(x).replace(/\s+/g, '')).toBe(
          `tensor([${a.join(',')}]${a.length === 0 ? ',dtype=torch.int64' : ''})`,
        );
      }),
      { numRuns: 200 },
    );
  });
  it('int32 operands promote to int64 without wrapping at 32 bits', () => {
    const i32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    fc.assert(
      fc.property(fc.array(fc.tuple(i32, int64), { maxLength: 10 }), (rows) => {
        const x = tensor(
          rows.map(([v]) => v),
          { dtype: 'int32', shape: [rows.length] },
        );
        const y = tensor(
          rows.map(([, v]) => v),
          { dtype: 'int64', shape: [rows.length] },
        );
        const r = mul(x, y);
        expect(r.dtype).toBe('int64');
        expect(values(r)).toEqual(rows.map(([u, v]) => wrap(BigInt(u) * v)));
        expect(values(to(x, 'int64'))).toEqual(rows.map(([u]) => BigInt(u)));
        // and back: the low 32 bits, as PyTorch's int64 -> int32 cast
        expect(Array.from(to(y, 'int32').toTypedArray(), Number)).toEqual(
          rows.map(([, v]) => Number(BigInt.asIntN(32, v))),
        );
      }),
      { numRuns: 200 },
    );
  });
  it('int64 -> float32 and float64 round once to nearest, as PyTorch', () => {
    fc.assert(
      fc.property(fc.array(int64, { maxLength: 10 }), (a) => {
        const x = tensor(a, { dtype: 'int64', shape: [a.length] });
        const f64 = Array.from(to(x, 'float64').toTypedArray(), Number);
        expect(f64).toEqual(a.map((v) => Number(v)));
        const f32 = Array.from(to(x, 'float32').toTypedArray(), Number);
        // reference: the float32 nearest to v, ties to even, computed exactly in BigInt
        expect(f32).toEqual(a.map((v) => nearestFloat32(v)));
      }),
      { numRuns: 200 },
    );
  });
});

/** The float32 nearest to the integer `v` (ties to even), by comparing exact BigInt distances. */
function nearestFloat32(v: bigint): number {
  const approx = Math.fround(Number(v));
  // candidates: approx and its float32 neighbours; pick the exactly nearest, ties to even mantissa
  const buf = new Float32Array(1);
  const bits = new Int32Array(buf.buffer);
  buf[0] = approx;
  const cands: number[] = [approx];
  for (const d of [-1, 1]) {
    bits[0] += d;
    cands.push(buf[0]);
    buf[0] = approx;
  }
  let best = cands[0];
  let bestDist = -1n;
  for (const c of cands) {
    if (!Number.isFinite(c) || !Number.isInteger(c)) continue;
    const dist = BigInt(c) > v ? BigInt(c) - v : v - BigInt(c);
    buf[0] = c;
    const even = (bits[0] & 1) === 0;
    buf[0] = best;
    const bestEven = (bits[0] & 1) === 0;
    if (bestDist < 0n || dist < bestDist || (dist === bestDist && even && !bestEven)) {
      best = c;
      bestDist = dist;
    }
  }
  return best;
}
