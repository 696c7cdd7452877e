import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocStorage, contiguousStrides, type DType, matmul, shapeSize, Tensor } from './index.js';

/**
 * A tensor with the given logical values in one of several layouts: contiguous, with the last two
 * dims transposed in storage (what `.t()`/`transpose(-1,-2)` gives), fully permuted, strided with
 * gaps and an offset, or broadcast along a size-1 dim (stride 0).
 */
function makeTensor(
  values: readonly number[],
  shape: readonly number[],
  dtype: DType,
  perm: readonly number[],
  step: number,
  offset: number,
): Tensor {
  const phys = perm.map((d) => shape[d]);
  const physStrides = contiguousStrides(phys).map((s) => s * step);
  const strides = new Array<number>(shape.length).fill(0);
  perm.forEach((d, i) => {
    strides[d] = shape[d] === 1 && step === 2 ? 0 : physStrides[i];
  });
  let extent = offset + 1;
  for (let d = 0; d < shape.length; d++) extent += Math.max(shape[d] - 1, 0) * strides[d];
  const data = allocStorage(dtype, extent);
  data.fill(55 as never); // float or int32 storage
  const idx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < values.length; flat++) {
    let pos = offset;
    for (let d = 0; d < shape.length; d++) pos += idx[d] * strides[d];
    data[pos] = values[flat];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return new Tensor(data, shape, strides, offset, dtype);
}

/** Naive float64 matmul with PyTorch's promotion and broadcasting rules, on row-major values. */
function refMatmul(
  av: readonly number[],
  as: readonly number[],
  bv: readonly number[],
  bs: readonly number[],
): { shape: number[]; values: number[] } {
  const a2 = as.length === 1 ? [1, as[0]] : [...as];
  const b2 = bs.length === 1 ? [bs[0], 1] : [...bs];
  const m = a2[a2.length - 2];
  const k = a2[a2.length - 1];
  const n = b2[b2.length - 1];
  const ba = a2.slice(0, -2);
  const bb = b2.slice(0, -2);
  const nd = Math.max(ba.length, bb.length);
  const batch: number[] = [];
  for (let i = 0; i < nd; i++) {
    const x = ba[ba.length - nd + i] ?? 1;
    const y = bb[bb.length - nd + i] ?? 1;
    batch.push(x === 1 ? y : x);
  }
  const values: number[] = [];
  const nb = shapeSize(batch);
  for (let bi = 0; bi < nb; bi++) {
    // batch index -> offsets of the matching a and b matrices
    let rem = bi;
    const idx = new Array<number>(nd);
    for (let d = nd - 1; d >= 0; d--) {
      idx[d] = rem % batch[d];
      rem = Math.floor(rem / batch[d]);
    }
    let oa = 0;
    for (let d = 0; d < ba.length; d++) oa = oa * ba[d] + (ba[d] === 1 ? 0 : idx[nd - ba.length + d]);
    let ob = 0;
    for (let d = 0; d < bb.length; d++) ob = ob * bb[d] + (bb[d] === 1 ? 0 : idx[nd - bb.length + d]);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) acc += av[oa * m * k + i * k + p] * bv[ob * k * n + p * n + j];
        values.push(acc);
      }
    }
  }
  const shape = [...batch, m, n];
  if (as.length === 1) shape.splice(shape.length - 2, 1);
  if (bs.length === 1) shape.splice(shape.length - 1, 1);
  return { shape, values };
}

const dim = fc.integer({ min: 1, max: 9 });

/**
 * Shapes for a and b: batch dims that broadcast (equal, or 1 on one side, or missing on one side),
 * a shared k (possibly 0), and 1-D operands for the promotion rules.
 */
const shapesArb = fc
  .record({
    m: dim,
    k: fc.integer({ min: 0, max: 9 }),
    n: dim,
    batch: fc.array(fc.record({ size: fc.integer({ min: 1, max: 3 }), mode: fc.integer({ min: 0, max: 2 }) }), {
      maxLength: 2,
    }),
    dropA: fc.integer({ min: 0, max: 2 }),
    dropB: fc.integer({ min: 0, max: 2 }),
    aVec: fc.boolean(),
    bVec: fc.boolean(),
  })
  .map(({ m, k, n, batch, dropA, dropB, aVec, bVec }) => {
    const ba = batch.slice(dropA).map(({ size, mode }) => (mode === 1 ? 1 : size));
    const bb = batch.slice(dropB).map(({ size, mode }) => (mode === 2 ? 1 : size));
    return { aShape: aVec ? [k] : [...ba, m, k], bShape: bVec ? [k] : [...bb, k, n] };
  });

function layoutArb(ndim: number) {
  return fc.record({
    perm: fc.oneof(
      fc.constant(Array.from({ length: ndim }, (_, i) => i)),
      // last two dims swapped in storage: a transposed matrix
      fc.constant(ndim < 2 ? [0] : [...Array.from({ length: ndim - 2 }, (_, i) => i), ndim - 1, ndim - 2]),
      fc.shuffledSubarray(
        Array.from({ length: ndim }, (_, i) => i),
        { minLength: ndim, maxLength: ndim },
      ),
    ),
    step: fc.integer({ min: 1, max: 2 }),
    offset: fc.integer({ min: 0, max: 2 }),
  });
}

const caseArb = (dtype: DType) =>
  shapesArb.chain(({ aShape, bShape }) => {
    const val =
      dtype === 'int32'
        ? fc.integer({ min: -9, max: 9 })
        : fc.double({ min: -4, max: 4, noNaN: true }).map((v) => (dtype === 'float32' ? Math.fround(v) : v));
    return fc.record({
      aShape: fc.constant(aShape),
      bShape: fc.constant(bShape),
      av: fc.array(val, { minLength: shapeSize(aShape), maxLength: shapeSize(aShape) }),
      bv: fc.array(val, { minLength: shapeSize(bShape), maxLength: shapeSize(bShape) }),
      la: layoutArb(aShape.length),
      lb: layoutArb(bShape.length),
    });
  });

describe.each(['float32', 'float64', 'int32'] as const)('matmul against a naive float64 reference (%s)', (dtype) => {
  it('matches for every rank combination, broadcast batch and layout', () => {
    fc.assert(
      fc.property(caseArb(dtype), ({ aShape, bShape, av, bv, la, lb }) => {
        const a = makeTensor(av, aShape, dtype, la.perm, la.step, la.offset);
        const b = makeTensor(bv, bShape, dtype, lb.perm, lb.step, lb.offset);
        const r = matmul(a, b);
        const ref = refMatmul(av, aShape, bv, bShape);
        expect(r.shape).toEqual(ref.shape);
        expect(r.dtype).toBe(dtype);
        const got = r.toTypedArray() as ArrayLike<number>;
        const rel = dtype === 'float32' ? 1e-6 : dtype === 'float64' ? 1e-13 : 0;
        expect(got.length).toBe(ref.values.length);
        for (let i = 0; i < got.length; i++) {
          expect(Math.abs(got[i] - ref.values[i])).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(ref.values[i])) * 40);
        }
      }),
      { numRuns: 100 },
    );
  });
});
