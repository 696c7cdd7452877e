import { describe, expect, it } from 'vitest';
import { blurNoise, handKernelsExercise } from '../src/exercises/hand-kernels.js';
import { expectChecksPass, expectPrintedTensors, expectPrintedValues, naiveCorr2d, values } from './helpers.js';

const r = await handKernelsExercise.run();
const grid = (h: number, w: number, f: (i: number, j: number) => number) =>
  Array.from({ length: h }, (_, i) => Array.from({ length: w }, (_, j) => f(i, j)));
const fact = (d: number): number => (d <= 1 ? 1 : d * fact(d - 1));
const binom = (n: number, k: number): number => (k === 0 ? 1 : (binom(n, k - 1) * (n - k + 1)) / k);

describe('hand-kernels: every printed tensor', () => {
  it('matches hand-built references', () => {
    const tril8 = grid(8, 8, (i, j) => (j <= i ? 1 : 0));
    const d2x2 = (vx: number, vy: number) => [
      [-0.5 * vx - 0.5 * vy, 0.5 * vx - 0.5 * vy],
      [-0.5 * vx + 0.5 * vy, 0.5 * vx + 0.5 * vy],
    ];
    const rampA = grid(6, 8, (i, j) => 2 * j - 3 * i);
    const L = [
      [0, 1, 0],
      [1, -4, 1],
      [0, 1, 0],
    ];
    const patterns: Record<string, number[][]> = {
      'isolated pixel': grid(7, 7, (i, j) => (i === 3 && j === 3 ? 1 : 0)),
      checkerboard: grid(7, 7, (i, j) => (i + j) % 2),
      'thin line': grid(7, 7, (i) => (i === 3 ? 1 : 0)),
      corner: grid(7, 7, (i, j) => (i >= 3 && j >= 3 ? 1 : 0)),
      'step edge': grid(7, 7, (_, j) => (j >= 3 ? 1 : 0)),
    };
    const Xi = [
      [3, 1, 4, 1, 5],
      [9, 2, 6, 5, 3],
      [5, 8, 9, 7, 9],
      [3, 2, 3, 8, 4],
    ];
    const cum = (m: number[][]) =>
      m.map((row, i) =>
        row.map((_, j) => m.slice(0, i + 1).reduce((s, rr) => s + rr.slice(0, j + 1).reduce((a, b) => a + b, 0), 0)),
      );
    const expected: Record<string, Parameters<typeof expectPrintedTensors>[1][string]> = {
      'directional/directional2x2(1, 1)': d2x2(1, 1),
      'directional/directionalSobel(1, 1)': [
        [-0.25, -0.25, 0],
        [-0.25, 0, 0.25],
        [0, 0.25, 0.25],
      ],
      'directional/X (diagonal edge, v = (1, 1))': tril8,
      'directional/corr2d(X, directional2x2(1, 1))': naiveCorr2d(tril8, d2x2(1, 1)),
      'directional/corr2d(X, directional2x2(-1, 1))': naiveCorr2d(tril8, d2x2(-1, 1)),
      'ramp/ramp(2, -3)': rampA,
      'ramp/corr2d(ramp, directional2x2(3, 4))': grid(5, 7, () => 3 * 2 + 4 * -3),
      'second-derivative/corr2d(x^2, [1, -2, 1])': [[2, 2, 2, 2, 2, 2]],
      'second-derivative/corr2d(x^3, [1, -2, 1])': [[1, 2, 3, 4, 5, 6].map((x) => 6 * x)],
      'second-derivative/laplacian': L,
      'second-derivative/corr2d(x^2 + y^2, laplacian)': grid(4, 6, () => 4),
      'integral/X': Xi,
      'integral/running sum of row 0': [cum([Xi[0]])[0]],
      'integral/summed-area table S': cum(Xi),
      'integral/corr2d(pad(S), [[1, -1], [-1, 1]])': Xi,
      'blur/binomial': [
        [1, 2, 1],
        [2, 4, 2],
        [1, 2, 1],
      ].map((row) => row.map((v) => v / 16)),
    };
    expect(
      naiveCorr2d(tril8, d2x2(1, 1))
        .flat()
        .every((v) => v === 0),
    ).toBe(true);
    for (const [name, X] of Object.entries(patterns)) {
      expected[`laplacian-patterns/${name}: X`] = X;
      expected[`laplacian-patterns/${name}: corr2d(X, L)`] = naiveCorr2d(X, L);
    }
    for (let d = 1; d <= 5; d++) {
      const fd = Array.from({ length: d + 1 }, (_, k) => ((d - k) % 2 === 0 ? binom(d, k) : -binom(d, k)));
      const xs = Array.from({ length: 10 }, (_, x) => x);
      const p = xs.map((x) => x ** d + 3 * x ** (d - 1) - 2);
      const q = xs.map((x) => Array.from({ length: d }, (_, k) => x - k).reduce((a, b) => a * b) + 0);
      const shorter = Array.from({ length: d }, (_, k) => ((d - 1 - k) % 2 === 0 ? binom(d - 1, k) : -binom(d - 1, k)));
      expected[`derivative-order/forwardDifference(${d})`] = [fd];
      expected[`derivative-order/p(x) = x^${d} + 3x^${d - 1} - 2, samples`] = [p];
      expected[`derivative-order/forwardDifference(${d}) on p`] = [Array(10 - d).fill(fact(d))];
      expected[`derivative-order/q(x) = ${d === 1 ? 'x' : `x(x-1)...(x-${d - 1})`}, samples`] = [q];
      expected[`derivative-order/forwardDifference(${d}) on q`] = [Array(10 - d).fill(fact(d))];
      expected[`derivative-order/${d}-tap forwardDifference(${d - 1}) on q`] = naiveCorr2d([q], [shorter]);
      expect(naiveCorr2d([q], [shorter])[0][0]).toBe(0);
    }
    expectPrintedTensors(r, expected);
  });
});

describe('hand-kernels: every printed number', () => {
  it('Laplacian peaks 4, 4, 2, 2, 1 and the blur statistics', () => {
    const noise = values(blurNoise());
    const n = noise.length;
    const mean = noise.reduce((a, b) => a + b, 0) / n;
    const sumW2 = { box: 9 / 81, binomial: (1 + 4 + 1 + 4 + 16 + 4 + 1 + 4 + 1) / 256, gaussian: 0 };
    const g = [-2, -1, 0, 1, 2].map((x) => Math.exp(-(x * x) / 2));
    const gs = g.reduce((a, b) => a + b, 0);
    sumW2.gaussian = g.reduce((a, x) => a + g.reduce((b, y) => b + ((x * y) / (gs * gs)) ** 2, 0), 0);
    const close = (e: number, tol: number) => (v: unknown) =>
      expect(Math.abs((v as number) - e)).toBeLessThanOrEqual(tol);
    const expected: Parameters<typeof expectPrintedValues>[1] = {
      'laplacian-patterns/peak |response|, isolated pixel': 4,
      'laplacian-patterns/peak |response|, checkerboard': 4,
      'laplacian-patterns/peak |response|, thin line': 2,
      'laplacian-patterns/peak |response|, corner': 2,
      'laplacian-patterns/peak |response|, step edge': 1,
    };
    for (const name of ['box', 'binomial', 'gaussian'] as const) {
      expected[`blur/${name}: sum(w)`] = close(1, 1e-12);
      expected[`blur/${name}: sum(w^2)`] = close(sumW2[name], 1e-12);
      // Independent noise: var(out) / var(in) = sum(w^2), up to sampling error (5%).
      expected[`blur/${name}: var ratio`] = (v) => expect(Math.abs((v as number) / sumW2[name] - 1)).toBeLessThan(0.05);
      expected[`blur/${name}: mean in`] = close(mean, 1e-9);
      expected[`blur/${name}: mean out`] = close(mean, 0.01);
    }
    expect(Math.abs(mean - 5)).toBeLessThan(0.02);
    expectPrintedValues(r, expected);
    expectChecksPass(r);
  });

  it('the blur line shows the computed numbers', () => {
    const text = r.items
      .find((i) => i.key === 'blur')!
      .blocks.filter((b) => b.kind === 'value' && b.text !== '')
      .map((b) => (b as { text: string }).text);
    expect(text).toHaveLength(3);
    expect(text[1]).toMatch(
      /^binomial: sum\(w\) = 1\.000000, sum\(w\^2\) = 0\.1406, mean 5\.\d{4} -> 5\.\d{4}, var\(out\)\/var\(in\) = 0\.1[34]\d\d$/,
    );
  });
});
