// MaxPool2d({ returnIndices }), MaxUnpool2d and AdaptiveMaxPool2d as PyTorch's modules: outputs,
// gradients through a pool -> unpool pair (SegNet's decoder), printing and argument errors.
import { variable } from '@torchlet/autograd';
import { type Tensor, TorchletError, tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import type { Module } from '../module.js';
import { ReLU } from './activation.js';
import { AdaptiveMaxPool2d, MaxPool2d } from './pooling.js';
import { swapsReluMaxPool } from './relu-max-pool.js';
import { MaxUnpool2d } from './unpooling.js';

const x = tensor([
  [
    [
      [1, 5, 2, 0, 3],
      [3, 4, 8, 6, 1],
      [0, 9, 1, 0, 7],
    ],
  ],
]); // [1, 1, 3, 5]

describe('MaxPool2d with returnIndices', () => {
  it('returns values and int64 indices; without it, a Variable as before', () => {
    const { values, indices } = new MaxPool2d(2, { returnIndices: true }).forward(x);
    expect(values.toArray()).toEqual([[[[5, 8]]]]);
    expect(indices.dtype).toBe('int64');
    expect(indices.toArray()).toEqual([[[[1, 7]]]]);
    expect(new MaxPool2d(2).forward(x).toArray()).toEqual([[[[5, 8]]]]);
    expect(new MaxPool2d(2, { returnIndices: true }).returnIndices).toBe(true);
    expect(new MaxPool2d(2).returnIndices).toBe(false);
  });

  it('prints as PyTorch (return_indices is not part of its repr)', () => {
    expect(new MaxPool2d(2, { returnIndices: true }).toString()).toBe(
      'MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)',
    );
  });

  it('rejects a non-boolean returnIndices', () => {
    expect(() => new MaxPool2d(2, { returnIndices: 1 as unknown as boolean })).toThrow(TorchletError);
    expect(() => new MaxPool2d(2, { returnIndices: 1 as unknown as boolean })).toThrow(/MaxPool2d.*returnIndices/);
  });

  it('is not run before a ReLU that precedes it (the Sequential swap needs a values-only pool)', () => {
    const pool = new MaxPool2d(2, { returnIndices: true }) as unknown as Module;
    expect(swapsReluMaxPool([new ReLU(), pool], 0, variable(x))).toBe(false);
    expect(swapsReluMaxPool([new ReLU(), new MaxPool2d(2)], 0, variable(x))).toBe(true);
  });
});

describe('MaxUnpool2d', () => {
  it('undoes a pool: each maximum at its place, zeros elsewhere, the pooled input size given', () => {
    const pool = new MaxPool2d(2, { returnIndices: true });
    const unpool = new MaxUnpool2d(2);
    const { values, indices } = pool.forward(x);
    expect(unpool.forward(values, indices, x.shape).toArray()).toEqual([
      [
        [
          [0, 5, 0, 0, 0],
          [0, 0, 8, 0, 0],
          [0, 0, 0, 0, 0],
        ],
      ],
    ]);
    expect(unpool.forward(values, indices).shape).toEqual([1, 1, 2, 4]);
    expect(unpool.forward(values, indices, [3, 5]).shape).toEqual([1, 1, 3, 5]);
  });

  it('passes gradients back through the pool (the argmax positions get the unpooled gradient)', () => {
    const xv = variable(x, { requiresGrad: true });
    const { values, indices } = new MaxPool2d(2, { stride: 1, returnIndices: true }).forward(xv);
    const y = new MaxUnpool2d(2, { stride: 1 }).forward(values, indices, x.shape);
    const w = tensor([
      [
        [
          [1, 2, 3, 4, 5],
          [6, 7, 8, 9, 10],
          [11, 12, 13, 14, 15],
        ],
      ],
    ]);
    y.mul(w).sum().backward();
    // Windows (stride 1) pick 5, 8, 8, 6 / 9, 9, 8, 7: each gathers w at its argmax, summed per position.
    expect((xv.grad as Tensor).toArray()).toEqual([
      [
        [
          [0, 2, 0, 0, 0],
          [0, 0, 3 * 8, 9, 0],
          [0, 2 * 12, 0, 0, 15],
        ],
      ],
    ]);
  });

  it('prints its pairs as PyTorch', () => {
    expect(new MaxUnpool2d(2).toString()).toBe('MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))');
    expect(new MaxUnpool2d([2, 3], { stride: 1, padding: [1, 0] }).toString()).toBe(
      'MaxUnpool2d(kernel_size=(2, 3), stride=(1, 1), padding=(1, 0))',
    );
  });

  it('names bad arguments', () => {
    expect(() => new MaxUnpool2d(0)).toThrow(/MaxUnpool2d.*kernelSize/);
    const unpool = new MaxUnpool2d(2);
    expect(() => unpool.forward(tensor([[[[1]]]]), 'i' as unknown as Tensor)).toThrow(/MaxUnpool2d.*indices/);
    expect(() => unpool.forward(tensor([[[[1]]]]), tensor([[[[9n]]]]))).toThrow(/maxUnpool2d.*invalid max index 9/);
    expect(() => unpool.forward(tensor([[[[1]]]]), tensor([[[[0n]]]]), [9, 9])).toThrow(/outputSize/);
  });
});

describe('AdaptiveMaxPool2d', () => {
  it('pools to a fixed size, with indices when asked', () => {
    expect(new AdaptiveMaxPool2d(1).forward(x).toArray()).toEqual([[[[9]]]]);
    expect(new AdaptiveMaxPool2d([1, 2]).forward(x).toArray()).toEqual([[[[9, 8]]]]);
    const { indices } = new AdaptiveMaxPool2d([null, 1], { returnIndices: true }).forward(x);
    expect(indices.toArray()).toEqual([[[[1], [7], [11]]]]);
  });

  it('differentiates to the window maxima', () => {
    const xv = variable(x, { requiresGrad: true });
    new AdaptiveMaxPool2d([1, 2]).forward(xv).sum().backward();
    expect((xv.grad as Tensor).toArray()).toEqual([
      [
        [
          [0, 0, 0, 0, 0],
          [0, 0, 1, 0, 0],
          [0, 1, 0, 0, 0],
        ],
      ],
    ]);
  });

  it('prints as PyTorch and names bad sizes', () => {
    expect(new AdaptiveMaxPool2d(3).toString()).toBe('AdaptiveMaxPool2d(output_size=3)');
    expect(new AdaptiveMaxPool2d([2, null]).toString()).toBe('AdaptiveMaxPool2d(output_size=(2, None))');
    expect(() => new AdaptiveMaxPool2d(0)).toThrow(/AdaptiveMaxPool2d.*outputSize/);
    expect(() => new AdaptiveMaxPool2d([1, 2, 3] as unknown as number)).toThrow(TorchletError);
  });
});
