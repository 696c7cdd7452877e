import { mul } from '@torchlet/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exactValuesArb } from './arbitraries.js';
import { finiteDifferenceGrad } from './finite-difference.js';
import { type Layout, layoutArb, layouts, withLayout } from './layouts.js';
import { randomArr, rng } from './random.js';

// The shared builders stand behind every property test of ops: if a layout silently became
// contiguous, or a value landed in the wrong slot, those tests would lose their point.

describe('withLayout', () => {
  it('stores [2, 3] with the strides and offset each layout promises', () => {
    const expected: Record<Layout, { strides: number[]; offset: number; length: number }> = {
      contiguous: { strides: [3, 1], offset: 0, length: 6 },
      offset: { strides: [3, 1], offset: 3, length: 9 },
      padded: { strides: [4, 1], offset: 2, length: 14 },
      permuted: { strides: [1, 2], offset: 1, length: 7 },
      reversed: { strides: [1, 2], offset: 0, length: 6 },
      sliced: { strides: [6, 2], offset: 1, length: 14 },
    };
    for (const layout of layouts) {
      const t = withLayout([1, 2, 3, 4, 5, 6], [2, 3], 'float64', layout);
      expect({ strides: t.strides, offset: t.offset, length: t.data.length }).toEqual(expected[layout]);
      expect(t.toArray()).toEqual([
        [1, 2, 3],
        [4, 5, 6],
      ]);
    }
  });

  it('keeps the values and dtype for any shape and layout, with NaN in every unused slot', () => {
    const arb = fc
      .record({
        shape: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
        layout: layoutArb(),
        dtype: fc.constantFrom('float32' as const, 'float64' as const),
      })
      .chain((p) => fc.record({ p: fc.constant(p), values: exactValuesArb(p.shape.reduce((a, b) => a * b, 1)) }));
    fc.assert(
      fc.property(arb, ({ p, values }) => {
        const t = withLayout(values, p.shape, p.dtype, p.layout);
        expect(t.shape).toEqual(p.shape);
        expect(t.dtype).toBe(p.dtype);
        expect(Array.from(t.toTypedArray(), Number)).toEqual(Array.from(values));
        const nan = Array.from(t.data, Number).filter((v) => Number.isNaN(v)).length;
        expect(nan).toBe(t.data.length - values.length);
      }),
      { numRuns: 100 },
    );
  });
});

describe('random values and finite differences', () => {
  it('randomArr replays from a seed and gives multiples of 1/64 in [-2, 2]', () => {
    const a = randomArr([3, 5], rng(42));
    expect(Array.from(randomArr([3, 5], rng(42)).data)).toEqual(Array.from(a.data));
    for (const v of a.data) {
      expect(Number.isInteger(v * 64) && v >= -2 && v <= 2).toBe(true);
      expect(Math.fround(v)).toBe(v);
    }
  });

  it('finiteDifferenceGrad of sum(x * x * u) is 2 x u', () => {
    const x = randomArr([2, 3], rng(1));
    const u = randomArr([2, 3], rng(2)).data;
    const g = finiteDifferenceGrad((t) => mul(t, t), x, u);
    expect(g.shape).toEqual([2, 3]);
    g.data.forEach((v, i) => {
      expect(v).toBeCloseTo(2 * x.data[i] * u[i], 6);
    });
  });
});
