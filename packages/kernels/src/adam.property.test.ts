import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WASM_ADAM_KERNEL, wasmAdamStep } from './adam.js';
import { getBackendInfo } from './info.js';

const f = Math.fround;

/** PyTorch's single-tensor Adam step for one element, every operation rounded to float32. */
function reference(p: number, g: number, m: number, v: number, s: Parameters<typeof wasmAdamStep>[4]): number[] {
  const m1 = f(f(m * f(s.beta1)) + f(f(1 - s.beta1) * g));
  const v1 = f(f(v * f(s.beta2)) + f(f(f(1 - s.beta2) * g) * g));
  const d = f(f(f(Math.sqrt(v1)) / f(s.bias2Sqrt)) + f(s.eps));
  return [f(p - f(f(s.stepSize) * f(m1 / d))), m1, v1];
}

const value = fc.oneof(
  fc.constantFrom(0, -0, Number.NaN, Infinity, -Infinity, 1, -1, 2 ** -149, 3.4028234663852886e38),
  fc.float(),
  fc.float({ min: -1, max: 1, noNaN: true }),
);
const positive = fc.oneof(fc.constantFrom(0, 2 ** -149, Infinity), fc.float({ min: 0, max: 10, noNaN: true }));

describe('wasmAdamStep against a float32 reference', () => {
  it('matches PyTorch-ordered float32 arithmetic bit for bit, any length, non-finite values included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 37 }),
        fc.array(value, { minLength: 37, maxLength: 37 }),
        fc.array(value, { minLength: 37, maxLength: 37 }),
        fc.array(value, { minLength: 37, maxLength: 37 }),
        fc.array(positive, { minLength: 37, maxLength: 37 }),
        fc.record({
          beta1: fc.double({ min: 0, max: 0.999, noNaN: true }),
          beta2: fc.double({ min: 0, max: 0.9999, noNaN: true }),
          eps: fc.constantFrom(0, 1e-8, 1e-3),
          stepSize: fc.double({ min: 0, max: 10, noNaN: true }),
          bias2Sqrt: fc.double({ min: 1e-3, max: 1, noNaN: true }),
        }),
        (n, pv, gv, mv, vv, s) => {
          const [p, g, m, v] = [pv, gv, mv, vv].map((a) => Float32Array.from(a.slice(0, n)));
          const want = Array.from({ length: n }, (_, i) => reference(p[i], g[i], m[i], v[i], s));
          expect(wasmAdamStep(p, g, m, v, s)).toBe(true);
          expect(getBackendInfo().lastKernel).toBe(WASM_ADAM_KERNEL);
          for (let i = 0; i < n; i++) {
            const got = [p[i], m[i], v[i]];
            for (let k = 0; k < 3; k++) {
              if (!Object.is(got[k], want[i][k]))
                throw new Error(`element ${i} operand ${k}: ${got[k]} vs ${want[i][k]}`);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('runs arrays longer than its chunk (8192 floats) and declines float64 arrays untouched', () => {
    const n = 3 * 8192 + 5;
    const p = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
    const g = Float32Array.from({ length: n }, (_, i) => Math.cos(i));
    const [m, v] = [new Float32Array(n), new Float32Array(n)];
    const s = { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 0.01 / 0.1, bias2Sqrt: Math.sqrt(0.001) };
    const want = Array.from({ length: n }, (_, i) => reference(p[i], g[i], 0, 0, s));
    expect(wasmAdamStep(p, g, m, v, s)).toBe(true);
    for (let i = 0; i < n; i++) expect([p[i], m[i], v[i]]).toEqual(want[i]);
    const p64 = new Float64Array(4).fill(1);
    expect(wasmAdamStep(p64 as unknown as Float32Array, g, m, v, s)).toBe(false);
    expect(getBackendInfo().lastKernel).toBe('js');
    expect(Array.from(p64)).toEqual([1, 1, 1, 1]);
  });
});
