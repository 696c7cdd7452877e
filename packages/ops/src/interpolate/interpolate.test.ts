import { TorchletError, tensor, zeros } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { interpolate, interpolateBackward } from './interpolate.js';

describe('interpolate', () => {
  const x = tensor([
    [
      [
        [1, 2],
        [3, 4],
      ],
    ],
  ]);

  it('hand-computed nearest and bilinear cases', () => {
    expect(interpolate(x, { scaleFactor: 2 }).toArray()).toEqual([
      [
        [
          [1, 1, 2, 2],
          [1, 1, 2, 2],
          [3, 3, 4, 4],
          [3, 3, 4, 4],
        ],
      ],
    ]);
    // align_corners=False: source y = (0 + 0.5) * 2 - 0.5 = 0.5 (the mean of the rows, [2, 3]);
    // source x = (j + 0.5) / 2 - 0.5, clamped at 0 -> 0, 0.25, 0.75, 1.
    expect(interpolate(x, { size: [1, 4], mode: 'bilinear' }).toArray()).toEqual([[[[2, 2.25, 2.75, 3]]]]);
    expect(interpolate(x, { size: 3, mode: 'bilinear', alignCorners: true }).toArray()).toEqual([
      [
        [
          [1, 1.5, 2],
          [2, 2.5, 3],
          [3, 3.5, 4],
        ],
      ],
    ]);
    expect(interpolate(x, { size: 1 }).toArray()).toEqual([[[[1]]]]);
    expect(interpolate(x.to('float64'), { size: 1, mode: 'bilinear' }).dtype).toBe('float64');
  });

  it('rejects bad arguments with named errors, as PyTorch does', () => {
    expect(() => interpolate(x, {})).toThrow('interpolate: either size or scaleFactor should be defined');
    expect(() => interpolate(x, { size: 2, scaleFactor: 2 })).toThrow(
      'only one of size or scaleFactor should be defined',
    );
    expect(() => interpolate(x, { size: 2, alignCorners: true })).toThrow(
      "alignCorners can only be set with the interpolating modes (bilinear), not 'nearest'",
    );
    expect(() => interpolate(x, { size: 2, recomputeScaleFactor: true })).toThrow(
      'recomputeScaleFactor is not meaningful with an explicit size',
    );
    expect(() => interpolate(x, { size: 0 })).toThrow('size must be a positive integer');
    expect(() => interpolate(x, { size: 2, antialias: true })).toThrow(
      "interpolate: antialias is only supported with the bilinear mode, not 'nearest'",
    );
    expect(() => interpolate(x, { size: 2, mode: 'bilinear', antialias: 1 as unknown as boolean })).toThrow(
      'antialias must be a boolean, got 1',
    );
    expect(() => interpolate(x, { scaleFactor: -1 })).toThrow('scaleFactor must be a positive finite number');
    expect(() => interpolate(x, { scaleFactor: 0.1 })).toThrow(/output sizes should be greater than 0/);
    expect(() => interpolate(x, { size: 2, mode: 'bicubic' as 'bilinear' })).toThrow(/mode must be one of/);
    expect(() => interpolate(tensor([[1, 2]]), { size: 2 })).toThrow(
      'interpolate: expected a 4-D [N,C,H,W] input (2-d interpolation), got 2-D input [1,2]',
    );
    expect(() => interpolate(tensor([[[[1]]]], { dtype: 'int32' }), { size: 2 })).toThrow(TorchletError);
    expect(() => interpolateBackward(zeros([1, 1, 3, 3]), [1, 1, 2, 2], { scaleFactor: 2 })).toThrow(
      'interpolateBackward: upstream [1,1,3,3] does not match the interpolated output shape [1,1,4,4] of input [1,1,2,2]',
    );
    expect(() => interpolateBackward(zeros([1, 1, 4, 4]), [1, 2, 2], { scaleFactor: 2 })).toThrow(TorchletError);
  });
});
