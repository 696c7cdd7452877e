import type { Tensor } from '@torchlet/tensor';
import {
  caseLabel,
  type GoldenTensor,
  goldenCloseness,
  loadGolden,
  type Pool2dCase,
  pair,
  toTensor,
} from '@torchlet/test-utils';
import { describe, expect, it } from 'vitest';
import { avgPool2d, avgPool2dBackward } from './avg-pool2d.js';
import { maxPool2d, maxPool2dBackward } from './max-pool2d.js';
import { pool2d } from './pool2d.js';

const cases = loadGolden('pool2d');
const d2l = loadGolden('d2l');

function expectClose(actual: Tensor, expected: GoldenTensor, terms: number): void {
  expect(actual.shape).toEqual(expected.shape);
  expect(goldenCloseness(actual, expected, terms)).toBeNull();
}

function run(c: Pool2dCase, dtype: 'float32' | 'float64'): { out: Tensor; gradInput: Tensor } {
  const input = toTensor(c.input, dtype);
  const upstream = toTensor(c.upstream, dtype);
  const common = { stride: c.stride, padding: c.padding, ceilMode: c.ceil_mode };
  if (c.op === 'max_pool2d') {
    const { values, indices } = maxPool2d(input, c.kernel_size, {
      ...common,
      dilation: c.dilation ?? 1,
      returnIndices: true,
    });
    return { out: values, gradInput: maxPool2dBackward(upstream, indices, input.shape) };
  }
  const options = { ...common, countIncludePad: c.count_include_pad ?? true };
  return {
    out: avgPool2d(input, c.kernel_size, options),
    gradInput: avgPool2dBackward(upstream, input.shape, c.kernel_size, options),
  };
}

describe.each(['float32', 'float64'] as const)('pool2d.json golden (%s)', (dtype) => {
  it('has both ops, ceil mode and padding among its cases', () => {
    expect(new Set(cases.map((c) => c.op))).toEqual(new Set(['max_pool2d', 'avg_pool2d']));
    expect(cases.some((c) => c.ceil_mode)).toBe(true);
  });

  it.each(cases.map((c, i) => [caseLabel(c, i), c] as const))('%s', (_label, c) => {
    const [kh, kw] = pair(c.kernel_size);
    const { out, gradInput } = run(c, dtype);
    expect(out.dtype).toBe(dtype);
    expectClose(out, c.out, kh * kw);
    expectClose(gradInput, c.grad_input, kh * kw);
  });
});

describe.each(['float32', 'float64'] as const)('d2l.json pooling golden (%s)', (dtype) => {
  const p = d2l.pooling;
  it("pool2d: the book's max and average 2x2 pooling of X", () => {
    const X = toTensor(p.X, dtype);
    expectClose(pool2d(X, [2, 2]), p.max_2x2, 4);
    expectClose(pool2d(X, [2, 2], 'max'), p.max_2x2, 4);
    expectClose(pool2d(X, [2, 2], 'avg'), p.avg_2x2, 4);
  });

  it('maxPool2d on X4: kernel 3; kernel 3 padding 1 stride 2; kernel [2,3] stride [2,3] padding [0,1]', () => {
    const X4 = toTensor(p.X4, dtype);
    expectClose(maxPool2d(X4, 3), p.max3, 9);
    expectClose(maxPool2d(X4, 3, { padding: 1, stride: 2 }), p.max3_p1_s2, 9);
    expectClose(maxPool2d(X4, [2, 3], { stride: [2, 3], padding: [0, 1] }), p.max23_s23_p01, 6);
  });
});
