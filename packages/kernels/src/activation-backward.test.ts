import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WASM_ACTIVATION_BACKWARD_KERNEL, wasmThresholdBackward } from './activation-backward.js';
import { getBackendInfo } from './info.js';

/** PyTorch's threshold_backward on float32 values: compared in float32, NaN passes the gradient. */
function reference(x: Float32Array, g: Float32Array, threshold: number): Float32Array {
  const t = Math.fround(threshold);
  return Float32Array.from(x, (v, i) => (v <= t ? 0 : g[i]));
}

function expectSame(got: Float32Array, want: Float32Array): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) throw new Error(`element ${i}: got ${got[i]}, expected ${want[i]}`);
  }
}

const SPECIALS = [0, -0, Number.NaN, Infinity, -Infinity, 1, -1, 2 ** -149, -(2 ** -149), 0.1, -7.25, 3.4e38];

describe('wasmThresholdBackward', () => {
  it('passes the gradient where x > threshold (and where x is NaN), else +0', () => {
    const out = new Float32Array(6).fill(9);
    const x = new Float32Array([-1, 0, -0, 0.5, Number.NaN, 3]);
    const g = new Float32Array([1, 2, 3, 4, 5, 6]);
    expect(wasmThresholdBackward(x, g, out, 0)).toBe(true);
    expect(getBackendInfo().lastKernel).toBe(WASM_ACTIVATION_BACKWARD_KERNEL);
    expectSame(out, new Float32Array([0, 0, 0, 4, 5, 6]));
    expect(Object.is(out[0], 0)).toBe(true);
  });

  it('matches the reference bit for bit on every pair of special values and thresholds', () => {
    const x = new Float32Array(SPECIALS.length ** 2);
    const g = new Float32Array(SPECIALS.length ** 2);
    SPECIALS.forEach((a, i) => {
      SPECIALS.forEach((b, j) => {
        x[i * SPECIALS.length + j] = a;
        g[i * SPECIALS.length + j] = b;
      });
    });
    // 0.1 is not a float32: the comparison is against fround(0.1), so x = fround(0.1) is at the threshold.
    for (const threshold of [0, -0, 0.1, -7.25, 1, Infinity, -Infinity]) {
      const out = new Float32Array(x.length);
      expect(wasmThresholdBackward(x, g, out, threshold)).toBe(true);
      expectSame(out, reference(x, g, threshold));
    }
  });

  it('covers every tail length and several staging chunks, writing nothing beyond x.length', () => {
    for (const n of [0, 1, 3, 4, 5, 7, 8, 9, 31, 33, (1 << 14) - 1, 1 << 14, (1 << 14) + 5, 3 * (1 << 14) + 13]) {
      const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7));
      const g = Float32Array.from({ length: n }, (_, i) => i + 0.5);
      const out = new Float32Array(n + 3).fill(-5);
      expect(wasmThresholdBackward(x, g, out, 0)).toBe(true);
      expectSame(out.subarray(0, n), reference(x, g, 0));
      expect(Array.from(out.subarray(n))).toEqual([-5, -5, -5]);
    }
  });

  it('may write into g or x itself', () => {
    const x = Float32Array.from({ length: 40_000 }, (_, i) => Math.cos(i));
    const g = Float32Array.from({ length: 40_000 }, (_, i) => i);
    const want = reference(x, g, 0.25);
    const gCopy = g.slice();
    expect(wasmThresholdBackward(x, gCopy, gCopy, 0.25)).toBe(true);
    expectSame(gCopy, want);
    const xCopy = x.slice();
    expect(wasmThresholdBackward(xCopy, g, xCopy, 0.25)).toBe(true);
    expectSame(xCopy, want);
  });

  it('declines float64 arrays, leaving out untouched', () => {
    const out = new Float64Array(2).fill(7);
    expect(wasmThresholdBackward(new Float64Array(2), new Float64Array(2), out, 0)).toBe(false);
    expect(Array.from(out)).toEqual([7, 7]);
    expect(getBackendInfo().lastKernel).toBe('js');
  });

  it('matches the reference on arbitrary float32 values and thresholds (property)', () => {
    const value = fc.oneof(fc.constantFrom(...SPECIALS), fc.float(), fc.float({ min: -1, max: 1, noNaN: true }));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(value, value), { maxLength: 70 }),
        fc.oneof(fc.constant(0), fc.double({ min: -2, max: 2, noNaN: true })),
        (pairs, threshold) => {
          const x = Float32Array.from(pairs, ([a]) => a);
          const g = Float32Array.from(pairs, ([, b]) => b);
          const out = new Float32Array(x.length);
          expect(wasmThresholdBackward(x, g, out, threshold)).toBe(true);
          expectSame(out, reference(x, g, threshold));
        },
      ),
      { numRuns: 300 },
    );
  });
});
