import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wasmBatchNormBackwardTraining, wasmBatchNormForwardTraining } from './batch-norm.js';
import { KernelArgumentError } from './errors.js';
import { getBackendInfo } from './info.js';

const KERNEL = 'wasm-simd128-batch-norm-train';

/** Float64 batch statistics and output of BatchNorm in training mode (the textbook formulas). */
function forwardReference(
  x: Float32Array,
  n: number,
  c: number,
  inner: number,
  w: Float32Array | null,
  b: Float32Array | null,
  eps: number,
): { out: Float64Array; mean: Float64Array; variance: Float64Array } {
  const out = new Float64Array(x.length);
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  const m = n * inner;
  for (let ch = 0; ch < c; ch++) {
    let s = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < inner; j++) s += x[(i * c + ch) * inner + j];
    mean[ch] = s / m;
    let q = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < inner; j++) q += (x[(i * c + ch) * inner + j] - mean[ch]) ** 2;
    variance[ch] = q / m;
    const inv = 1 / Math.sqrt(variance[ch] + eps);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < inner; j++) {
        const at = (i * c + ch) * inner + j;
        out[at] = (x[at] - mean[ch]) * inv * (w === null ? 1 : w[ch]) + (b === null ? 0 : b[ch]);
      }
    }
  }
  return { out, mean, variance };
}

/** Float64 gradients of BatchNorm in training mode: dx, sum(dy), sum((x - mean) * dy). */
function backwardReference(
  dy: Float32Array,
  x: Float32Array,
  n: number,
  c: number,
  inner: number,
  mean: Float32Array,
  invstd: Float32Array,
  w: Float32Array | null,
): { dx: Float64Array; sumDy: Float64Array; dot: Float64Array; absDot: Float64Array } {
  const dx = new Float64Array(x.length);
  const sumDy = new Float64Array(c);
  const dot = new Float64Array(c);
  const absDot = new Float64Array(c);
  const m = n * inner;
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < inner; j++) {
        const at = (i * c + ch) * inner + j;
        sumDy[ch] += dy[at];
        dot[ch] += (x[at] - mean[ch]) * dy[at];
        absDot[ch] += Math.abs((x[at] - mean[ch]) * dy[at]);
      }
    }
    const k = (dot[ch] * invstd[ch] * invstd[ch]) / m;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < inner; j++) {
        const at = (i * c + ch) * inner + j;
        dx[at] = (dy[at] - sumDy[ch] / m - (x[at] - mean[ch]) * k) * invstd[ch] * (w === null ? 1 : w[ch]);
      }
    }
  }
  return { dx, sumDy, dot, absDot };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, scale = 1): void {
  expect(actual.length).toBeGreaterThanOrEqual(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    if (!(Math.abs(actual[i] - e) <= tol * (scale + Math.abs(e)))) {
      throw new Error(`element ${i}: got ${actual[i]}, expected ${e}`);
    }
  }
}

const problem = fc
  .record({
    n: fc.integer({ min: 1, max: 4 }),
    c: fc.integer({ min: 1, max: 6 }),
    inner: fc.integer({ min: 1, max: 37 }),
    affine: fc.boolean(),
    offset: fc.float({ min: -100, max: 100, noNaN: true }),
    seed: fc.integer(),
  })
  .filter((p) => p.n * p.inner > 1);

function data(len: number, seed: number, offset: number, spread: number): Float32Array {
  const out = new Float32Array(len);
  let s = seed >>> 0;
  for (let i = 0; i < len; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = offset + ((s / 2 ** 32) * 2 - 1) * spread;
  }
  return out;
}

describe('wasmBatchNormForwardTraining / wasmBatchNormBackwardTraining', () => {
  it('computes the statistics, the output and the gradients by hand', () => {
    // Channel 0: [1, 3 | 5, 7] (mean 4, variance 5); channel 1: [2, 2 | 2, 2] (variance 0).
    const x = new Float32Array([1, 3, 2, 2, 5, 7, 2, 2]);
    const out = new Float32Array(8);
    const stats = new Float64Array(6);
    expect(
      wasmBatchNormForwardTraining(x, out, 2, 2, 2, new Float32Array([2, 1]), new Float32Array([1, -1]), 0.5, stats),
    ).toBe(true);
    expect(getBackendInfo().lastKernel).toBe(KERNEL);
    expect(Array.from(stats.subarray(0, 4))).toEqual([4, 2, 5, 0]);
    expect(stats[4]).toBe(Math.fround(1 / Math.sqrt(5.5)));
    expect(stats[5]).toBe(Math.fround(1 / Math.sqrt(0.5)));
    const inv = Math.fround(1 / Math.sqrt(5.5));
    expectClose(out, [-6 * inv + 1, -2 * inv + 1, -1, -1, 2 * inv + 1, 6 * inv + 1, -1, -1], 1e-6);
    const dx = new Float32Array(8);
    const sums = new Float64Array(4);
    const dy = new Float32Array([1, 0, 3, 1, 0, 0, 2, 2]);
    const mean = new Float32Array([4, 2]);
    const invstd = new Float32Array([inv, Math.fround(1 / Math.sqrt(0.5))]);
    expect(wasmBatchNormBackwardTraining(dy, x, dx, 2, 2, 2, mean, invstd, new Float32Array([2, 1]), sums)).toBe(true);
    expect(getBackendInfo().lastKernel).toBe(KERNEL);
    expect(Array.from(sums)).toEqual([1, 8, -3, 0]);
    const ref = backwardReference(dy, x, 2, 2, 2, mean, invstd, new Float32Array([2, 1]));
    expectClose(dx, ref.dx, 1e-6);
  });

  it('matches the float64 formulas on random shapes, with and without weight and bias, far from zero', () => {
    fc.assert(
      fc.property(problem, ({ n, c, inner, affine, offset, seed }) => {
        const size = n * c * inner;
        const x = data(size, seed, offset, 3);
        const w = affine ? data(c, seed + 1, 0, 2) : null;
        const b = affine ? data(c, seed + 2, 0, 2) : null;
        const out = new Float32Array(size);
        const stats = new Float64Array(3 * c);
        expect(wasmBatchNormForwardTraining(x, out, n, c, inner, w, b, 1e-5, stats)).toBe(true);
        expect(getBackendInfo().lastKernel).toBe(KERNEL);
        const ref = forwardReference(x, n, c, inner, w, b, 1e-5);
        // The mean is rounded to float32 (PyTorch's save_mean), the variance is about its deviations.
        expectClose(stats.subarray(0, c), ref.mean, 2 ** -23);
        expectClose(stats.subarray(c, 2 * c), ref.variance, 1e-5, 1e-3);
        expectClose(out, ref.out, 1e-4);
        const dy = data(size, seed + 3, 0.25, 1);
        const mean = Float32Array.from(stats.subarray(0, c));
        const invstd = Float32Array.from(stats.subarray(2 * c));
        const dx = new Float32Array(size);
        const sums = new Float64Array(2 * c);
        expect(wasmBatchNormBackwardTraining(dy, x, dx, n, c, inner, mean, invstd, w, sums)).toBe(true);
        const g = backwardReference(dy, x, n, c, inner, mean, invstd, w);
        expectClose(sums.subarray(0, c), g.sumDy, 1e-12, 1);
        // x - mean is rounded to float32 (PyTorch's arithmetic): each term within 2^-24 of its size.
        for (let ch = 0; ch < c; ch++)
          expect(Math.abs(sums[c + ch] - g.dot[ch])).toBeLessThanOrEqual(2 ** -23 * g.absDot[ch] + 1e-12);
        // dx subtracts nearly equal terms: measure against the scale of dy * invstd * weight.
        let big = 0;
        for (let ch = 0; ch < c; ch++) big = Math.max(big, invstd[ch] * (w === null ? 1 : Math.abs(w[ch])) * 2);
        expectClose(dx, g.dx, 1e-5, big);
      }),
      { numRuns: 60 },
    );
  });

  it('chunks large problems by channels and runs in place', () => {
    // 3 images of 5 channels of 50,000 values: one channel per chunk; then 64 channels of 49 per chunk.
    for (const [n, c, inner] of [
      [3, 5, 50_000],
      [2, 300, 49],
    ]) {
      const size = n * c * inner;
      const x = data(size, 7, 0.5, 2);
      const copy = x.slice();
      const stats = new Float64Array(3 * c);
      expect(wasmBatchNormForwardTraining(x, x, n, c, inner, null, null, 1e-5, stats)).toBe(true);
      const ref = forwardReference(copy, n, c, inner, null, null, 1e-5);
      expectClose(x, ref.out, 1e-4);
      expectClose(stats.subarray(c, 2 * c), ref.variance, 1e-6, 1e-3);
      const dy = data(size, 8, 0, 1);
      const dyCopy = dy.slice();
      const sums = new Float64Array(2 * c);
      const mean = Float32Array.from(stats.subarray(0, c));
      const invstd = Float32Array.from(stats.subarray(2 * c));
      expect(wasmBatchNormBackwardTraining(dy, copy, dy, n, c, inner, mean, invstd, null, sums)).toBe(true);
      const g = backwardReference(dyCopy, copy, n, c, inner, mean, invstd, null);
      expectClose(dy, g.dx, 1e-5, 4);
    }
  });

  it('declines float64 data and rejects bad arguments', () => {
    const stats = new Float64Array(3);
    expect(wasmBatchNormForwardTraining(new Float64Array(4), new Float64Array(4), 2, 1, 2, null, null, 0, stats)).toBe(
      false,
    );
    expect(getBackendInfo().lastKernel).toBe('js');
    expect(() =>
      wasmBatchNormForwardTraining(new Float32Array(3), new Float32Array(4), 2, 1, 2, null, null, 0, stats),
    ).toThrow(KernelArgumentError);
    expect(() =>
      wasmBatchNormForwardTraining(
        new Float32Array(4),
        new Float32Array(4),
        2,
        1,
        2,
        null,
        null,
        0,
        new Float64Array(2),
      ),
    ).toThrow(KernelArgumentError);
    expect(() =>
      wasmBatchNormBackwardTraining(
        new Float32Array(4),
        new Float32Array(4),
        new Float32Array(4),
        2,
        1.5,
        2,
        new Float32Array(1),
        new Float32Array(1),
        null,
        new Float64Array(2),
      ),
    ).toThrow(KernelArgumentError);
  });
});
