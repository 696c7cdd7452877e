import { Tensor, TorchletError, tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { col2im, im2col } from './im2col.js';

describe('im2col', () => {
  it('unfolds 2x2 blocks, one row per (channel, ki, kj)', () => {
    const x = tensor([
      [
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
      ],
    ]);
    expect(im2col(x, 2).toArray()).toEqual([
      [
        [1, 2],
        [2, 3],
        [4, 5],
        [5, 6],
      ],
    ]);
    expect(im2col(x, [1, 2], { stride: [1, 2], padding: [0, 1] }).toArray()).toEqual([
      [
        [0, 2, 0, 5],
        [1, 3, 4, 6],
      ],
    ]);
  });
  it('supports dilation and unbatched input', () => {
    const x = tensor([[[1, 2, 3, 4]]]);
    expect(im2col(x, [1, 2], { dilation: 2 }).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });
  it('rejects bad arguments with named errors', () => {
    const x = new Tensor(new Float32Array(9), [1, 1, 3, 3]);
    expect(() => im2col(x, 4)).toThrowError(TorchletError);
    expect(() => im2col(x, 4)).toThrowError(
      'im2col: kernel size (dilated) [4,4] is larger than the padded input [3,3]',
    );
    expect(() => im2col(x, 0)).toThrowError('im2col: kernelSize must be positive integers, got 0');
    expect(() => im2col(x, 2, { stride: 0 })).toThrowError('im2col: stride must be positive integers, got 0');
    expect(() => im2col(x, 2, { padding: -1 })).toThrowError('im2col: padding must be non-negative integers, got -1');
    expect(() => im2col(new Tensor(new Float32Array(9), [3, 3]), 2)).toThrowError(
      'im2col: expected 3-D (unbatched) or 4-D (batched) input',
    );
    expect(() => im2col(new Tensor(new Int32Array(9), [1, 1, 3, 3]), 2)).toThrowError(
      'im2col: expected a float32 or float64 tensor, got int32',
    );
  });
});

describe('col2im', () => {
  it('sums overlapping blocks (F.fold)', () => {
    const ones = new Tensor(new Float32Array(8).fill(1), [1, 4, 2]);
    expect(col2im(ones, [2, 3], 2).toArray()).toEqual([
      [
        [
          [1, 2, 1],
          [1, 2, 1],
        ],
      ],
    ]);
    expect(col2im(new Tensor(new Float64Array(8).fill(1), [4, 2]), [2, 3], 2).toArray()).toEqual([
      [
        [1, 2, 1],
        [1, 2, 1],
      ],
    ]);
  });
  it('drops padding positions', () => {
    const cols = tensor([
      [
        [0, 2, 0, 5],
        [1, 3, 4, 6],
      ],
    ]);
    expect(col2im(cols, [2, 3], [1, 2], { stride: [1, 2], padding: [0, 1] }).toArray()).toEqual([
      [
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
      ],
    ]);
  });
  it('rejects inconsistent sizes', () => {
    const cols = new Tensor(new Float32Array(12), [1, 4, 3]);
    expect(() => col2im(cols, [2, 3], 2)).toThrowError(
      'col2im: cols has 3 blocks but outputSize [2,3] gives 1x2 = 2 blocks',
    );
    expect(() => col2im(cols, [2, 3], 3)).toThrowError(
      'col2im: cols dimension 1 (4) must be divisible by the kernel size product 9',
    );
    expect(() => col2im(new Tensor(new Float32Array(4), [4]), [2, 3], 2)).toThrowError(
      'col2im: expected 2-D (unbatched) or 3-D (batched) cols',
    );
  });
});
