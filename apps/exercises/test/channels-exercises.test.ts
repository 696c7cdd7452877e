import { tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { blockDiagonalExercise } from '../src/exercises/block-diagonal.js';
import { convAsMatmulChannelsExercise } from '../src/exercises/conv-as-matmul-channels.js';
import { convCostExercise } from '../src/exercises/conv-cost.js';
import { stripReuseExercise } from '../src/exercises/strip-reuse.js';
import { composeKernels, rank, twoKernelsExercise } from '../src/exercises/two-kernels.js';
import { y1y2Exercise } from '../src/exercises/y1-y2.js';
import { expectChecksPass, expectPrintedTensors, expectPrintedValues } from './helpers.js';

describe('two-kernels', () => {
  it('prints the composed shape and the Jacobian rank', async () => {
    const r = await twoKernelsExercise.run();
    expectPrintedTensors(r, {});
    expectPrintedValues(r, { 'one-conv/K.shape': [5, 3, 4, 4], 'converse/rank': 7 });
    expectChecksPass(r);
  });
  it('composeKernels is the full convolution of the kernels (by hand) and moves the bias through K2', () => {
    // [1, 2] then [1, 1]: (x0 + 2 x1) + (x1 + 2 x2) = x0 + 3 x1 + 2 x2
    const { K, b } = composeKernels(tensor([[[[1, 2]]]]), tensor([0.5]), tensor([[[[1, 1]]]]), tensor([0.25]));
    expect(K.toArray()).toEqual([[[[1, 3, 2]]]]);
    expect(b.toArray()).toEqual([0.25 + 0.5 * 2]);
  });
  it('rank() by elimination', () => {
    expect(
      rank([
        [1, 2],
        [2, 4],
      ]),
    ).toBe(1);
    expect(
      rank([
        [1, 0, 0],
        [0, 1, 0],
        [1, 1, 0],
      ]),
    ).toBe(2);
    expect(
      rank([
        [0, 0],
        [0, 0],
      ]),
    ).toBe(0);
  });
});

describe('conv-cost', () => {
  it('the counts are the formulas, computed here by hand', async () => {
    const r = await convCostExercise.run();
    const [ci, h, w, co, kh, kw] = [3, 9, 11, 4, 3, 2];
    const [ho, wo] = [Math.floor((9 + 2 - 3) / 2) + 1, 11 + 2 - 2 + 1]; // 5 x 12
    const taps = ci * kh * kw;
    const macs = co * ho * wo * taps;
    expectPrintedTensors(r, {});
    expectPrintedValues(r, {
      'cost/spec': (v) => expect(JSON.parse(v as string)).toMatchObject({ ci, h, w, co, kh, kw }),
      'cost/counted': [macs, macs, 2 * macs, 2 * macs + co * ho * wo],
      'cost/memory': [ci * h * w + co * taps + co + co * ho * wo, 2 * ci * h * w + 2 * (co * taps + co) + co * ho * wo],
      'doubling/ratios': [4, 1.4],
      'one-by-one/1x1': 4 * 3 * 5 * 7,
    });
    expectChecksPass(r);
  });
});

describe('y1-y2', () => {
  it('rounding, not identity', async () => {
    const r = await y1y2Exercise.run();
    expectPrintedTensors(r, {});
    expectPrintedValues(r, {
      'rounding/bitwise equal': (v) => expect(typeof v).toBe('boolean'),
      'rounding/errors': (v) => (v as number[]).forEach((e) => void expect(e).toBeLessThan(1e-6)),
      'rounding/orders': [0, 1],
      'rounding/conv': 1,
    });
    expectChecksPass(r);
  });
});

describe('conv-as-matmul-channels', () => {
  it('cols has one row per (channel, tap) and one column per output position', async () => {
    const r = await convAsMatmulChannelsExercise.run();
    expectPrintedTensors(r, {});
    expectPrintedValues(r, { 'im2col/cols.shape': [3 * 3 * 2, (Math.floor((7 + 2 - 3) / 2) + 1) * (8 - 2 + 1)] });
    expectChecksPass(r);
  });
});

describe('strip-reuse', () => {
  it('k + k(k - 1)/delta loads per output, delta <= 4', async () => {
    const r = await stripReuseExercise.run();
    expectPrintedTensors(r, {});
    expectPrintedValues(r, {
      'strips/loads per output': [1, 2, 4, 8, 16, 64].map((d) => 3 + 6 / d),
      'strips/max delta': 4,
    });
    expectChecksPass(r);
  });
});

describe('block-diagonal', () => {
  it('block pattern, dependency matrices, c^2/b multiplications', async () => {
    const r = await blockDiagonalExercise.run();
    const blocks = (size: number) =>
      Array.from({ length: 8 }, (_, i) =>
        Array.from({ length: 8 }, (_, j) => (Math.floor(i / size) === Math.floor(j / size) ? 1 : 0)),
      );
    expectPrintedTensors(r, {
      'speed/blockDiagonal(W, 4)': (t) => {
        for (const [i, row] of (t.toArray() as number[][]).entries()) {
          for (const [j, v] of row.entries()) {
            if (blocks(2)[i][j] === 0) expect(v).toBe(0);
            else expect(v).not.toBe(0);
          }
        }
      },
      'downside/dependencies after 3 grouped layers': blocks(2),
      'downside/dependencies after 3 grouped layers with shuffles': blocks(8),
    });
    expectPrintedValues(r, { 'speed/multiplications': [64, 16], 'downside/connected': [0.25, 0.5, 1] });
    expectChecksPass(r);
  });
});
