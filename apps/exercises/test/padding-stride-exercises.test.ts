import { describe, expect, it } from 'vitest';
import { halfStrideExercise } from '../src/exercises/half-stride.js';
import { mirrorPaddingExercise } from '../src/exercises/mirror-padding.js';
import { strideAudioExercise } from '../src/exercises/stride-audio.js';
import { strideBenefitsExercise } from '../src/exercises/stride-benefits.js';
import { strideOutputShapeExercise } from '../src/exercises/stride-output-shape.js';
import { expectChecksPass, expectClose, expectPrintedTensors, expectPrintedValues } from './helpers.js';

const grid = (h: number, w: number, f: (i: number, j: number) => number) =>
  Array.from({ length: h }, (_, i) => Array.from({ length: w }, (_, j) => f(i, j)));

describe('stride-output-shape', () => {
  it('2x2 by the formula and the layer; rows 6 and 7 never read; 88 combinations', async () => {
    const r = await strideOutputShapeExercise.run();
    // windows: rows 0-2 and 3-5 (stride 3); padded columns -1..3 and 3..7 (stride 4): column 3 twice
    const reads = grid(8, 8, (i, j) => (i >= 6 ? 0 : j === 3 ? 2 : 1));
    expectPrintedTensors(r, { 'formula/windows reading each pixel': reads });
    expectPrintedValues(r, {
      'formula/measured': [2, 2],
      'formula/by hand': [2, 2],
      'sweep/combinations': 2 * 4 * (1 + 2 + 2 + 3 + 3),
      'sweep/examples': [
        'k=3 p=1 s=1: [7, 9] -> [7, 9]',
        'k=3 p=1 s=2: [7, 9] -> [4, 5]',
        'k=3 p=1 s=3: [7, 9] -> [3, 3]',
        'k=3 p=1 s=4: [7, 9] -> [2, 3]',
        'k=4 p=2 s=3: [7, 9] -> [3, 4]',
      ].join('\n'),
    });
    expectChecksPass(r);
  });
});

describe('stride-audio', () => {
  it('decimation by 2 and the binomial filter gains', async () => {
    const r = await strideAudioExercise.run();
    expectPrintedTensors(r, {
      'decimation/x: 1 kHz at 16 kHz, first 16 samples': (t) =>
        expectClose(
          t.toArray(),
          Array.from({ length: 16 }, (_, i) => Math.sin((2 * Math.PI * i) / 16)),
          1e-12,
        ),
      'decimation/stride2(x, [1]): first 8 samples': (t) =>
        expectClose(
          t.toArray(),
          Array.from({ length: 8 }, (_, m) => Math.sin((2 * Math.PI * m) / 8)),
          1e-12,
        ),
    });
    expectPrintedValues(r, {
      'decimation/y.shape': [1, 1, 1, 64],
      'anti-aliasing/amplitude at 1 kHz': (v) =>
        expect(Math.abs((v as number) - Math.cos(Math.PI / 16) ** 4)).toBeLessThan(1e-6),
      'anti-aliasing/amplitude at 6 kHz': (v) =>
        expect(Math.abs((v as number) - Math.cos((6 * Math.PI) / 16) ** 4)).toBeLessThan(1e-6),
    });
    expectChecksPass(r);
  });
});

describe('mirror-padding', () => {
  it('reflect and symmetric padding by index formulas; the Laplacian of a constant', async () => {
    const r = await mirrorPaddingExercise.run();
    const X = grid(3, 4, (i, j) => 4 * i + j + 1);
    const reflect = (i: number, n: number) => (i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i);
    const symmetric = (i: number, n: number) => (i < 0 ? -i - 1 : i >= n ? 2 * n - 1 - i : i);
    const padded = (f: (i: number, n: number) => number) => grid(7, 8, (i, j) => X[f(i - 2, 3)][f(j - 2, 4)]);
    const zeroPadded = grid(5, 5, (i, j) => -3 * ((i === 0 || i === 4 ? 1 : 0) + (j === 0 || j === 4 ? 1 : 0)) + 0); // + 0: no -0
    expectPrintedTensors(r, {
      'mirror-pad/X': X,
      'mirror-pad/mirrorPad(X, 2)': padded(reflect),
      'mirror-pad/mirrorPad(X, 2, true)': padded(symmetric),
      'conv/Laplacian of a constant 3, zero padding': [[zeroPadded]],
      'conv/Laplacian of a constant 3, mirror padding': [[grid(5, 5, () => 0)]],
    });
    expectPrintedValues(r, {});
    expectChecksPass(r);
  });
});

describe('stride-benefits', () => {
  it('multiply-adds, neighbour correlations and receptive fields', async () => {
    const r = await strideBenefitsExercise.run();
    expectPrintedTensors(r, {});
    expectPrintedValues(r, {
      'computational/stride 1': 64 * 224 * 224 * 3 * 7 * 7,
      'computational/stride 2': 64 * 112 * 112 * 3 * 7 * 7,
      'statistical/correlation': (v) => {
        const rho = v as number[];
        [2 / 3, 1 / 3, 0].forEach((t, i) => void expect(Math.abs(rho[i] - t)).toBeLessThan(0.03));
      },
      'statistical/receptive field': [5, 7],
    });
    expectChecksPass(r);
  });
});

describe('half-stride', () => {
  it('zero insertion, output shape and bilinear upsampling by an interpolation matrix', async () => {
    const r = await halfStrideExercise.run();
    // bilinear upsampling by 2 as a matrix: row 2i copies i, row 2i+1 averages i and i+1 (0 past the end)
    const interp = (n: number) =>
      grid(2 * n, n, (y, i) =>
        y % 2 === 0 ? (y / 2 === i ? 1 : 0) : i === (y - 1) / 2 || i === (y + 1) / 2 ? 0.5 : 0,
      );
    const ramp = grid(4, 5, (i, j) => i + 2 * j);
    const R = interp(4);
    const C = interp(5);
    const up = grid(8, 10, (y, z) =>
      R[y].reduce((s, ry, i) => s + ry * C[z].reduce((t, cz, j) => t + cz * ramp[i][j], 0), 0),
    );
    expectPrintedTensors(r, {
      'transposed/zeroInsert(X)[0, 0]': (t) => {
        const a = t.toArray() as number[][];
        expect(t.shape).toEqual([5, 7]);
        for (const [i, row] of a.entries()) {
          for (const [j, v] of row.entries()) {
            if (i % 2 === 1 || j % 2 === 1) expect(v).toBe(0);
            else expect(v).not.toBe(0);
          }
        }
      },
      'upsampling/ramp': ramp,
      'upsampling/bilinearUpsample(ramp)': up,
    });
    expectPrintedValues(r, { 'transposed/output shape': [1, 3, 7, 9] });
    expectChecksPass(r);
  });
});
