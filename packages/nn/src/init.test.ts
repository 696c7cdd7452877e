import { Generator, type Storage, TorchletError, tensor, zeros } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import {
  calculateGain,
  constant,
  fanInAndFanOut,
  kaimingNormal,
  kaimingUniform,
  normal,
  uniform,
  xavierNormal,
  xavierUniform,
} from './init.js';

function stats(storage: Storage): { mean: number; variance: number; maxAbs: number } {
  const values = storage as Float32Array; // init fills float tensors
  let sum = 0;
  let maxAbs = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    maxAbs = Math.max(maxAbs, Math.abs(values[i]));
  }
  const mean = sum / values.length;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += (values[i] - mean) ** 2;
  return { mean, variance: sq / values.length, maxAbs };
}

describe('init', () => {
  it('calculateGain follows PyTorch', () => {
    expect(calculateGain('linear')).toBe(1);
    expect(calculateGain('conv2d')).toBe(1);
    expect(calculateGain('tanh')).toBeCloseTo(5 / 3, 12);
    expect(calculateGain('relu')).toBeCloseTo(Math.SQRT2, 12);
    expect(calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 12);
    expect(calculateGain('leaky_relu')).toBeCloseTo(Math.sqrt(2 / (1 + 1e-4)), 12);
    expect(calculateGain('selu')).toBe(0.75);
  });

  it('fan in and fan out count the receptive field', () => {
    expect(fanInAndFanOut(zeros([6, 1, 5, 5]))).toEqual([25, 150]);
    expect(fanInAndFanOut(zeros([10, 84]))).toEqual([84, 10]);
    expect(() => fanInAndFanOut(zeros([3]))).toThrowError(/fewer than 2 dimensions \(weight \[3\]\)/);
  });

  it('kaimingUniform with a = sqrt(5) (Conv2d default) stays within 1/sqrt(fan_in) and has its variance', () => {
    const w = kaimingUniform(zeros([64, 16, 3, 3]), { a: Math.sqrt(5), generator: new Generator(0) });
    const bound = 1 / Math.sqrt(16 * 9);
    const s = stats(w.toTypedArray());
    expect(s.maxAbs).toBeLessThanOrEqual(bound);
    expect(s.maxAbs).toBeGreaterThan(0.99 * bound);
    expect(Math.abs(s.mean)).toBeLessThan(0.05 * bound);
    expect(s.variance).toBeCloseTo(bound ** 2 / 3, 4);
  });

  it('kaimingNormal, xavierUniform and xavierNormal have the documented spread', () => {
    const kn = stats(
      kaimingNormal(zeros([256, 128]), { nonlinearity: 'relu', generator: new Generator(1) }).toTypedArray(),
    );
    expect(Math.sqrt(kn.variance)).toBeCloseTo(Math.SQRT2 / Math.sqrt(128), 2);
    const kout = stats(
      kaimingNormal(zeros([64, 512]), {
        mode: 'fan_out',
        nonlinearity: 'relu',
        generator: new Generator(1),
      }).toTypedArray(),
    );
    expect(Math.sqrt(kout.variance)).toBeCloseTo(Math.SQRT2 / Math.sqrt(64), 2);
    const xu = stats(xavierUniform(zeros([200, 100]), { generator: new Generator(2) }).toTypedArray());
    expect(xu.maxAbs).toBeLessThanOrEqual(Math.sqrt(6 / 300));
    const xn = stats(xavierNormal(zeros([200, 100]), { gain: 2, generator: new Generator(3) }).toTypedArray());
    expect(Math.sqrt(xn.variance)).toBeCloseTo(2 * Math.sqrt(2 / 300), 2);
  });

  it('is reproducible with a seeded generator and writes in place', () => {
    const a = zeros([3, 4]);
    const returned = uniform(a, -1, 1, { generator: new Generator(7) });
    expect(returned).toBe(a);
    const b = uniform(zeros([3, 4]), -1, 1, { generator: new Generator(7) });
    expect(a.toArray()).toEqual(b.toArray());
    expect(a.version).toBeGreaterThan(0);
    expect(normal(zeros([2]), 0, 1, { generator: new Generator(7) }).toArray()).toEqual(
      normal(zeros([2]), 0, 1, { generator: new Generator(7) }).toArray(),
    );
  });

  it('draws the same values in row-major order into a contiguous tensor, an offset slice and a strided view', () => {
    const want = normal(zeros([3, 4], { dtype: 'float64' }), 0, 1, { generator: new Generator(3) }).toArray();
    // A contiguous slice at an offset: written in place, the rest untouched.
    const base = zeros([5, 4], { dtype: 'float64' });
    const rows = base.get('1:4');
    const before = base.version;
    normal(rows, 0, 1, { generator: new Generator(3) });
    expect(rows.toArray()).toEqual(want);
    expect(base.get('0').toArray()).toEqual([0, 0, 0, 0]);
    expect(base.get('4').toArray()).toEqual([0, 0, 0, 0]);
    expect(base.version).toBeGreaterThan(before);
    // A transposed (non-contiguous) view gets the same draws in its own row-major order.
    const t = zeros([4, 3], { dtype: 'float64' }).t();
    normal(t, 0, 1, { generator: new Generator(3) });
    expect(t.toArray()).toEqual(want);
  });

  it('constant and bad input', () => {
    expect(constant(zeros([2]), 3).toArray()).toEqual([3, 3]);
    expect(() => uniform(zeros([2]), 1, 0)).toThrowError(TorchletError);
    expect(() => uniform(tensor(new Int32Array(2)), 0, 1)).toThrowError(/expected a float tensor, got int32/);
    expect(() => kaimingUniform(zeros([0, 3]))).not.toThrow();
    expect(() => kaimingUniform(zeros([3, 0]))).toThrowError(/fan 0/);
  });
});
