import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wasmChannelAffine } from './channel-affine.js';
import { getBackendInfo } from './info.js';

/** The JavaScript rule: `x * s + b` in doubles, rounded to float32 once; ReLU as `Math.max(y, 0)`. */
function reference(
  x: Float32Array,
  n: number,
  c: number,
  inner: number,
  scale: Float32Array,
  shift: Float32Array,
  relu: boolean,
): Float32Array {
  const out = new Float32Array(n * c * inner);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      for (let i = 0; i < inner; i++) {
        const at = (b * c + ch) * inner + i;
        const y = Math.fround(x[at] * scale[ch] + shift[ch]);
        out[at] = relu ? Math.max(y, 0) : y;
      }
    }
  }
  return out;
}

function expectSameBits(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) throw new Error(`element ${i}: got ${actual[i]}, expected ${expected[i]}`);
  }
}

const value = fc.oneof(
  fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1, -1),
  fc.float({ noDefaultInfinity: true }),
  fc.float({ min: -10, max: 10, noNaN: true }),
);

function run(
  x: Float32Array,
  n: number,
  c: number,
  inner: number,
  scale: Float32Array,
  shift: Float32Array,
  relu: boolean,
): Float32Array {
  const out = new Float32Array(n * c * inner).fill(777);
  expect(wasmChannelAffine(x, out, n, c, inner, scale, shift, relu)).toBe(true);
  expect(getBackendInfo().lastKernel).toBe('wasm-simd128-channel-affine');
  return out;
}

describe('wasmChannelAffine', () => {
  it('matches the JavaScript rule bit for bit, with NaN, ±0, ±inf and ReLU (every tail length)', () => {
    fc.assert(
      fc.property(
        fc
          .record({
            n: fc.integer({ min: 0, max: 3 }),
            c: fc.integer({ min: 1, max: 5 }),
            inner: fc.integer({ min: 0, max: 13 }),
            relu: fc.boolean(),
          })
          .chain((p) =>
            fc.record({
              p: fc.constant(p),
              x: fc.array(value, { minLength: p.n * p.c * p.inner, maxLength: p.n * p.c * p.inner }),
              scale: fc.array(value, { minLength: p.c, maxLength: p.c }),
              shift: fc.array(value, { minLength: p.c, maxLength: p.c }),
            }),
          ),
        ({ p, x, scale, shift }) => {
          const xs = Float32Array.from(x);
          const s = Float32Array.from(scale);
          const b = Float32Array.from(shift);
          expectSameBits(run(xs, p.n, p.c, p.inner, s, b, p.relu), reference(xs, p.n, p.c, p.inner, s, b, p.relu));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps channels right across chunks: many small planes, and planes larger than a chunk', () => {
    for (const [n, c, inner] of [
      [8, 64, 3136],
      [3, 7, 49],
      [2, 3, 70001],
    ]) {
      const x = Float32Array.from({ length: n * c * inner }, (_, i) => Math.sin(i * 0.731) * 5);
      const scale = Float32Array.from({ length: c }, (_, i) => 0.5 + i / 7);
      const shift = Float32Array.from({ length: c }, (_, i) => (i % 3 === 0 ? -1.25 : i / 3));
      for (const relu of [false, true]) {
        expectSameBits(run(x, n, c, inner, scale, shift, relu), reference(x, n, c, inner, scale, shift, relu));
      }
    }
  });

  it('may write in place', () => {
    const x = new Float32Array([1, 2, 3, 4, 5, 6]);
    expect(wasmChannelAffine(x, x, 1, 2, 3, new Float32Array([2, -1]), new Float32Array([1, 0]))).toBe(true);
    expect(Array.from(x)).toEqual([3, 5, 7, -4, -5, -6]);
  });

  it('declines float64 data, and rejects bad sizes and short arrays', () => {
    const one = new Float32Array(1);
    expect(wasmChannelAffine(new Float64Array(2), new Float64Array(2), 1, 1, 2, one, one)).toBe(false);
    expect(getBackendInfo().lastKernel).toBe('js');
    expect(() => wasmChannelAffine(one, one, 1, 1, -1, one, one)).toThrow(/inner/);
    expect(() => wasmChannelAffine(one, one, 1, 1, 2, one, one)).toThrow(/x holds 1/);
    expect(() => wasmChannelAffine(one, one, 1, 2, 0, one, one)).toThrow(/scale/);
    expect(() => wasmChannelAffine(one, [1] as unknown as Float32Array, 1, 1, 1, one, one)).toThrow(/out/);
  });
});
