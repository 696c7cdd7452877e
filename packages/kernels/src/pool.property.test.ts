import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wasmMaxPool2x2 } from './pool.js';

/**
 * Naive float64 reference of PyTorch's rule: NaN when a tap is NaN, else the first tap (in the
 * order top-left, top-right, bottom-left, bottom-right) equal to the largest.
 */
function reference(x: Float32Array, planes: number, h: number, w: number): number[] {
  const out: number[] = [];
  for (let p = 0; p < planes; p++) {
    for (let i = 0; i + 1 < h; i += 2) {
      for (let j = 0; j + 1 < w; j += 2) {
        const b = p * h * w + i * w + j;
        const taps = [x[b], x[b + 1], x[b + w], x[b + w + 1]];
        if (taps.some(Number.isNaN)) out.push(Number.NaN);
        else {
          const m = Math.max(...taps);
          out.push(taps.find((t) => t === m) as number);
        }
      }
    }
  }
  return out;
}

/** Float32 values rich in the cases that matter: ±0, ±inf, NaN, ties, and ordinary floats. */
const value = fc.oneof(
  fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1, -1),
  fc.float({ noDefaultInfinity: true }),
  fc.float({ min: -1, max: 1, noNaN: true }),
);

function check(x: Float32Array, planes: number, h: number, w: number): void {
  const out = new Float32Array(planes * (h >> 1) * (w >> 1)).fill(12345);
  expect(wasmMaxPool2x2(x, planes, h, w, out)).toBe(true);
  const ref = reference(x, planes, h, w);
  expect(out.length).toBe(ref.length);
  for (let i = 0; i < ref.length; i++) {
    if (!Object.is(out[i], ref[i])) throw new Error(`output ${i}: got ${out[i]}, expected ${ref[i]}`);
  }
}

describe('wasmMaxPool2x2 against a naive reference', () => {
  it('matches on small planes with NaN, ±0 and ±inf (every tail length)', () => {
    fc.assert(
      fc.property(
        fc
          .record({
            planes: fc.integer({ min: 0, max: 4 }),
            h: fc.integer({ min: 0, max: 9 }),
            w: fc.integer({ min: 0, max: 21 }),
          })
          .chain(({ planes, h, w }) =>
            fc.record({
              planes: fc.constant(planes),
              h: fc.constant(h),
              w: fc.constant(w),
              x: fc.array(value, { minLength: planes * h * w, maxLength: planes * h * w }),
            }),
          ),
        ({ planes, h, w, x }) => check(Float32Array.from(x), planes, h, w),
      ),
      { numRuns: 100 },
    );
  });

  it('matches across chunk boundaries, with special values sprinkled into random data', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 14 }),
        fc.integer({ min: 40, max: 70 }),
        fc.integer({ min: 40, max: 70 }),
        fc.array(
          fc.tuple(fc.nat(), fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY)),
          {
            maxLength: 40,
          },
        ),
        fc.integer(),
        (planes, h, w, specials, seed) => {
          let s = seed >>> 0;
          const x = new Float32Array(planes * h * w);
          for (let i = 0; i < x.length; i++) {
            s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
            x[i] = (s >>> 8) % 5 === 0 ? 0 : (s / 2 ** 32) * 2 - 1; // ties among zeros and values
          }
          for (const [at, v] of specials) x[at % x.length] = v;
          check(x, planes, h, w);
        },
      ),
      { numRuns: 50 },
    );
  });
});
