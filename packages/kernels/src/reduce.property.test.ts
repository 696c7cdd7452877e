import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { setSumChunkFloats, wasmSum } from './reduce.js';

/**
 * Float32 values whose float64 sums round (24-bit mantissas over 80 binades, so the order of the
 * terms shows in the result), with the special cases sprinkled in: ±0, ±inf, NaN, denormals, extremes.
 */
const value = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(0, -0, Number.NaN, Infinity, -Infinity, 2 ** -149, 3.4028234663852886e38) },
  { weight: 2, arbitrary: fc.float({ noNaN: true, noDefaultInfinity: true }) },
  {
    weight: 40,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 2 ** 24 - 1 }), fc.integer({ min: -40, max: 40 }), fc.boolean())
      .map(([m, e, negative]) => (negative ? -m : m) * 2 ** e),
  },
);

/**
 * Naive float64 reference: each output a float64 sum from 0 in the order r = 0, 1, ..., stored into
 * `out` (a float32 store rounds once).
 */
function reference(
  x: Float32Array,
  offset: number,
  outer: number,
  reduced: number,
  inner: number,
  out: Float32Array | Float64Array,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = 0;
      for (let r = 0; r < reduced; r++) acc += x[offset + (o * reduced + r) * inner + i];
      out[o * inner + i] = acc;
    }
  }
}

function sameBits(got: ArrayLike<number>, want: ArrayLike<number>): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) throw new Error(`output ${i}: got ${got[i]}, expected ${want[i]}`);
  }
}

describe('wasmSum against a naive float64 reference, bit for bit', () => {
  afterEach(() => setSumChunkFloats(0));

  it('any [outer, reduced, inner], offset, output type and chunk size (so every staging path runs)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 40 }),
        fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 21 })),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        fc.constantFrom(0, 8, 16, 24, 64, 200),
        fc.array(value, { minLength: 64, maxLength: 64 }),
        (outer, reduced, inner, offset, f64, chunk, pool) => {
          const n = outer * reduced * inner;
          const x = new Float32Array(offset + n);
          for (let i = 0; i < x.length; i++) x[i] = pool[(i * 7 + (i >> 3)) % pool.length];
          const make = (): Float32Array | Float64Array =>
            f64 ? new Float64Array(outer * inner + 2).fill(3) : new Float32Array(outer * inner + 2).fill(3);
          const want = make();
          reference(x, offset, outer, reduced, inner, want);
          setSumChunkFloats(chunk);
          const got = make();
          expect(wasmSum(x, offset, outer, reduced, inner, got)).toBe(true);
          sameBits(got, want);
        },
      ),
      { numRuns: 300 },
    );
  });
});
