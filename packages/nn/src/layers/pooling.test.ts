import { variable } from '@torchlet/autograd';
import { tensor, zeros } from '@torchlet/tensor';
import { loadGolden, toTensor } from '@torchlet/test-utils';
import { describe, expect, it } from 'vitest';
import { pattern, torchRef } from '../../test/pytorch-reference.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from './pooling.js';

function values(t: { data: { toTypedArray(): ArrayLike<number | bigint> } }): number[] {
  return Array.from(t.data.toTypedArray(), Number);
}
function expectClose(got: number[], want: readonly number[]): void {
  expect(got).toHaveLength(want.length);
  got.forEach((v, i) => {
    expect(v, `element ${i}`).toBeCloseTo(want[i], 6);
  });
}

describe('pooling layers match PyTorch', () => {
  it('MaxPool2d(3, stride 2, padding 1)', () => {
    const y = new MaxPool2d(3, { stride: 2, padding: 1 }).forward(pattern([1, 1, 5, 5], 10));
    expect(y.shape).toEqual([1, 1, 3, 3]);
    expectClose(values(y), torchRef.maxpool_k3s2p1);
  });

  it('AvgPool2d(3, stride 2, padding 1), with and without counting the padding', () => {
    const x = pattern([1, 1, 5, 5], 10);
    expectClose(values(new AvgPool2d(3, { stride: 2, padding: 1 }).forward(x)), torchRef.avgpool_k3s2p1);
    expectClose(
      values(new AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }).forward(x)),
      torchRef.avgpool_k3s2p1_nopad,
    );
  });

  it('AdaptiveAvgPool2d([2, 3])', () => {
    const y = new AdaptiveAvgPool2d([2, 3]).forward(pattern([1, 2, 5, 7], 11));
    expect(y.shape).toEqual([1, 2, 2, 3]);
    expectClose(values(y), torchRef.adaptive_2x3);
  });

  it("d2l's pooling examples (golden)", () => {
    const p = loadGolden('d2l').pooling;
    const X = toTensor(p.X).reshape([1, 1, 3, 3]);
    expect(values(new MaxPool2d(2, { stride: 1 }).forward(X))).toEqual(p.max_2x2.data);
    expect(values(new AvgPool2d(2, { stride: 1 }).forward(X))).toEqual(p.avg_2x2.data);
    const X4 = toTensor(p.X4);
    expect(values(new MaxPool2d(3).forward(X4))).toEqual(p.max3.data);
    expect(values(new MaxPool2d(3, { padding: 1, stride: 2 }).forward(X4))).toEqual(p.max3_p1_s2.data);
    expect(values(new MaxPool2d([2, 3], { stride: [2, 3], padding: [0, 1] }).forward(X4))).toEqual(
      p.max23_s23_p01.data,
    );
  });

  it('output shapes (PyTorch) incl. ceilMode and unbatched input', () => {
    expect(new MaxPool2d(2).forward(zeros([64, 6, 28, 28])).shape).toEqual([64, 6, 14, 14]);
    expect(new MaxPool2d(2, { ceilMode: true }).forward(zeros([1, 1, 5, 5])).shape).toEqual([1, 1, 3, 3]);
    expect(new MaxPool2d(2, { dilation: 2 }).forward(zeros([3, 6, 6])).shape).toEqual([3, 2, 2]);
    expect(new AvgPool2d([2, 1]).forward(zeros([1, 2, 4, 4])).shape).toEqual([1, 2, 2, 4]);
    expect(new AdaptiveAvgPool2d(1).forward(zeros([2, 8, 7, 5])).shape).toEqual([2, 8, 1, 1]);
    expect(new AdaptiveAvgPool2d([null, 2]).forward(zeros([2, 8, 7, 5])).shape).toEqual([2, 8, 7, 2]);
  });

  it('gradients: max routes to the maximum, avg spreads evenly', () => {
    const x = variable(
      tensor([
        [
          [
            [1, 3],
            [2, 0],
          ],
        ],
      ]),
      { requiresGrad: true },
    );
    new MaxPool2d(2).forward(x).sum().backward();
    expect(x.grad?.toArray()).toEqual([
      [
        [
          [0, 1],
          [0, 0],
        ],
      ],
    ]);
    x.zeroGrad();
    new AvgPool2d(2).forward(x).sum().backward();
    expect(x.grad?.toArray()).toEqual([
      [
        [
          [0.25, 0.25],
          [0.25, 0.25],
        ],
      ],
    ]);
  });

  it('repr and errors', () => {
    expect(new MaxPool2d(2).toString()).toBe(
      'MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)',
    );
    expect(new MaxPool2d([2, 3], { stride: 1, ceilMode: true }).toString()).toBe(
      'MaxPool2d(kernel_size=(2, 3), stride=1, padding=0, dilation=1, ceil_mode=True)',
    );
    expect(new AvgPool2d(2).toString()).toBe('AvgPool2d(kernel_size=2, stride=2, padding=0)');
    expect(new AdaptiveAvgPool2d([2, null]).toString()).toBe('AdaptiveAvgPool2d(output_size=(2, None))');
    expect(() => new MaxPool2d(2).forward(zeros([4, 4]))).toThrow(
      'MaxPool2d: expected a 3-D [C, H, W] or 4-D [N, C, H, W] input, got input [4,4]',
    );
    expect(() => new AvgPool2d(0)).toThrow('AvgPool2d: kernelSize must be a positive integer or a pair of them, got 0');
    expect(() => new AdaptiveAvgPool2d(0)).toThrow(
      'AdaptiveAvgPool2d: outputSize must be a positive integer or a pair of positive integers or nulls, got 0',
    );
    expect(() => new AvgPool2d(2, { divisorOverride: 0 })).toThrow(
      'AvgPool2d: divisorOverride must be a positive integer, got 0',
    );
  });
});
