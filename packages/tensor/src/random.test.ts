import { describe, expect, it } from 'vitest';
import { TorchletError } from './errors.js';
import { defaultGenerator, Generator, manualSeed, rand, randint, randn } from './random.js';

const mean = (xs: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
};
const variance = (xs: ArrayLike<number>): number => {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) ** 2;
  return s / (xs.length - 1);
};

describe('Generator (xoshiro128** seeded by SplitMix64)', () => {
  it('matches the reference C implementation', () => {
    // Expected words from the authors' xoshiro128starstar.c and splitmix64.c compiled with gcc:
    // state = two SplitMix64(42) outputs split into low/high 32-bit words.
    const g = new Generator(42);
    const out = Array.from({ length: 6 }, () => g.nextUint32());
    expect(out).toEqual([1776835114, 4165204688, 17111135, 2317295270, 2792088233, 2554630222]);
  });
  it('the same seed reproduces the stream; different seeds differ', () => {
    const a = new Generator(123);
    const b = new Generator(123);
    const c = new Generator(124);
    const sa = Array.from({ length: 20 }, () => a.random());
    const sb = Array.from({ length: 20 }, () => b.random());
    const sc = Array.from({ length: 20 }, () => c.random());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
    expect(new Set(sa).size).toBe(20);
  });
  it('manualSeed restarts the stream, also for the cached normal', () => {
    const g = new Generator(5);
    const first = [g.random(), g.normal(), g.normal()];
    g.random();
    g.normal(); // leaves a cached spare normal behind
    g.manualSeed(5);
    expect([g.random(), g.normal(), g.normal()]).toEqual(first);
  });
  it('accepts bigint seeds modulo 2^64 and reports initialSeed', () => {
    expect(new Generator(-1).initialSeed()).toBe(2n ** 64n - 1n);
    const a = new Generator(2n ** 64n + 7n);
    const b = new Generator(7);
    expect(a.initialSeed()).toBe(7n);
    expect(a.nextUint32()).toBe(b.nextUint32());
    expect(new Generator().initialSeed()).toBe(67280421310721n);
  });
  it('getState/setState round-trips, including the spare normal', () => {
    const g = new Generator(9);
    g.normal();
    const state = g.getState();
    const next = [g.normal(), g.random(), g.normal()];
    const h = new Generator(1).setState(state);
    expect([h.normal(), h.random(), h.normal()]).toEqual(next);
    expect(() => h.setState({ words: [0, 0, 0, 0], seed: 0n, spare: null })).toThrowError(
      /setState: the all-zero state/,
    );
    expect(() => h.setState({ words: [1, 2], seed: 0n, spare: null })).toThrowError(/setState: expected a state/);
  });
  it('random() is uniform on [0, 1): mean 1/2, variance 1/12', () => {
    const g = new Generator(2024);
    const n = 100_000;
    const xs = new Float64Array(n);
    for (let i = 0; i < n; i++) xs[i] = g.random();
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    // 6 standard errors: sd of the mean is sqrt(1/12/n) ~ 0.00091
    expect(Math.abs(mean(xs) - 0.5)).toBeLessThan(6 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(variance(xs) - 1 / 12)).toBeLessThan(0.002);
  });
  it('normal() has the requested mean and std', () => {
    const g = new Generator(7);
    const n = 50_000;
    const xs = new Float64Array(n);
    for (let i = 0; i < n; i++) xs[i] = g.normal(3, 2);
    expect(Math.abs(mean(xs) - 3)).toBeLessThan(6 * (2 / Math.sqrt(n)));
    expect(Math.abs(Math.sqrt(variance(xs)) - 2)).toBeLessThan(0.05);
  });
  it('integer() stays in range and below(1) is 0', () => {
    const g = new Generator(3);
    for (let i = 0; i < 1000; i++) {
      const k = g.integer(-3, 4);
      expect(k >= -3 && k < 4 && Number.isInteger(k)).toBe(true);
    }
    expect(g.below(1)).toBe(0);
    expect(() => g.integer(2, 2)).toThrowError(
      "integer: expects 'low' to be less than 'high', but got low=2 >= high=2",
    );
  });
  it('rejects non-integer seeds', () => {
    expect(() => new Generator(1.5)).toThrowError('manualSeed: seed must be a safe integer or a bigint, got 1.5');
    expect(() => manualSeed(Number.NaN)).toThrowError(TorchletError);
  });
});

describe('rand / randn / randint', () => {
  it('manualSeed makes the default generator reproducible', () => {
    manualSeed(0);
    const a = Array.from(rand([5]).toTypedArray(), Number);
    const b = Array.from(randn([5]).toTypedArray(), Number);
    manualSeed(0);
    expect(Array.from(rand([5]).toTypedArray(), Number)).toEqual(a);
    expect(Array.from(randn([5]).toTypedArray(), Number)).toEqual(b);
    expect(defaultGenerator().initialSeed()).toBe(0n);
    manualSeed(1);
    expect(Array.from(rand([5]).toTypedArray(), Number)).not.toEqual(a);
  });
  it('an explicit generator leaves the default one alone', () => {
    manualSeed(11);
    const expected = Array.from(rand([3]).toTypedArray(), Number);
    manualSeed(11);
    rand([4], { generator: new Generator(1) });
    expect(Array.from(rand([3]).toTypedArray(), Number)).toEqual(expected);
  });
  it('rand: shape, dtype, [0, 1) and uniform moments', () => {
    const g = new Generator(1);
    const x = rand([200, 300], { generator: g });
    expect(x.shape).toEqual([200, 300]);
    expect(x.dtype).toBe('float32');
    const v = x.toTypedArray() as Float32Array;
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < v.length; i++) {
      lo = Math.min(lo, v[i]);
      hi = Math.max(hi, v[i]);
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(Math.abs(mean(v) - 0.5)).toBeLessThan(6 * Math.sqrt(1 / 12 / v.length));
    expect(Math.abs(variance(v) - 1 / 12)).toBeLessThan(0.002);
    expect(rand([2], { dtype: 'float64', generator: g }).dtype).toBe('float64');
    expect(rand([0, 3]).numel).toBe(0);
    expect(rand([]).shape).toEqual([]);
  });
  it('randn: standard normal moments, odd sizes, float64', () => {
    const x = randn([100_001], { generator: new Generator(3), dtype: 'float64' });
    const v = x.toTypedArray() as Float64Array;
    expect(Math.abs(mean(v))).toBeLessThan(6 / Math.sqrt(v.length));
    expect(Math.abs(variance(v) - 1)).toBeLessThan(0.03);
    // ~68.3% within one sigma, ~95.4% within two
    let one = 0;
    let two = 0;
    for (let i = 0; i < v.length; i++) {
      if (Math.abs(v[i]) < 1) one++;
      if (Math.abs(v[i]) < 2) two++;
    }
    expect(Math.abs(one / v.length - 0.6827)).toBeLessThan(0.01);
    expect(Math.abs(two / v.length - 0.9545)).toBeLessThan(0.01);
    expect(randn([3, 3]).dtype).toBe('float32');
    expect(Array.from(randn([7], { generator: new Generator(2) }).toTypedArray(), Number).every(Number.isFinite)).toBe(
      true,
    );
  });
  it('randint: bounds, every value reached, roughly uniform (chi-square)', () => {
    const k = randint(-2, 3, [50_000], { generator: new Generator(4) });
    expect(k.dtype).toBe('int32');
    const counts = new Map<number, number>();
    for (const v of k.toTypedArray() as Int32Array) counts.set(v, (counts.get(v) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
    const e = 50_000 / 5;
    let chi2 = 0;
    for (const c of counts.values()) chi2 += (c - e) ** 2 / e;
    expect(chi2).toBeLessThan(18.47); // chi-square, 4 degrees of freedom, p = 0.001
    expect(randint(0, 2, [4], { dtype: 'bool' }).dtype).toBe('bool');
    const f = randint(0, 2 ** 32, [100], { dtype: 'float64', generator: new Generator(1) }).toTypedArray();
    expect(Array.from(f, Number).every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32)).toBe(true);
    const big = randint(-(2 ** 31), 2 ** 31, [100], { generator: new Generator(1) }).toTypedArray();
    expect(new Set(big as Int32Array).size).toBeGreaterThan(90);
    // int64 (PyTorch's default) draws the same integers as int32 from the same generator state.
    const wide = randint(2 ** 40, 2 ** 40 + 2 ** 32, [100], { dtype: 'int64', generator: new Generator(1) });
    expect(wide.dtype).toBe('int64');
    const narrow = randint(2 ** 40, 2 ** 40 + 2 ** 32, [100], { dtype: 'float64', generator: new Generator(1) });
    expect(Array.from(wide.toTypedArray() as BigInt64Array, Number)).toEqual(Array.from(narrow.toTypedArray(), Number));
  });
  it('argument errors are named', () => {
    expect(() => rand([2, -1])).toThrowError('rand: sizes must be non-negative integers, got [2,-1]');
    expect(() => rand([2], { dtype: 'int32' })).toThrowError(
      'rand: expected a floating dtype (float32 or float64), got "int32"',
    );
    expect(() => randn([2], { dtype: 'bool' })).toThrowError(/randn: expected a floating dtype/);
    expect(() => randint(5, 5, [2])).toThrowError(
      "randint: expects 'low' to be less than 'high', but got low=5 >= high=5",
    );
    expect(() => randint(0.5, 5, [2])).toThrowError('randint: low must be an integer, got 0.5');
    expect(() => randint(0, 2 ** 31 + 1, [2])).toThrowError('randint: [0, 2147483649) does not fit in int32');
    expect(() => randint(0, 3, [2], { dtype: 'bool' })).toThrowError(/randint: \[0, 3\) does not fit in bool/);
    expect(() => randint(0, 2 ** 33, [2], { dtype: 'float64' })).toThrowError(
      /randint: the range high - low must be at most 2\^32/,
    );
    expect(() => rand([2], { generator: {} as Generator })).toThrowError('rand: expected a Generator');
  });
});

describe('Generator.below rejects ranges it cannot draw from (issue 18)', () => {
  it.each([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e12, 2 ** 53, Number.MAX_VALUE, 0, 0.5, Number.NaN])(
    'below(%s) throws a TorchletError',
    (range) => {
      expect(() => new Generator(0).below(range)).toThrowError(TorchletError);
    },
  );
  it('still draws over the full 2^32 range', () => {
    expect(new Generator(0).below(2 ** 32)).toBeGreaterThanOrEqual(0);
  });
});
