import { arange, ones, Tensor, TorchletError, tensor, zeros } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { adaptiveAvgPool2d, adaptiveAvgPool2dBackward } from './adaptive-avg-pool2d.js';
import { avgPool2d, avgPool2dBackward } from './avg-pool2d.js';
import { maxPool2d, maxPool2dBackward } from './max-pool2d.js';
import { pool2dOutputShape } from './params.js';
import { pool2d } from './pool2d.js';

// Expected values below were computed by hand or by PyTorch 1.13 (F.max_pool2d / F.avg_pool2d /
// F.adaptive_avg_pool2d and their autograd backward) for the inputs shown.

const NaN_ = Number.NaN;
const grid = (h: number, w: number, n = 1, c = 1): Tensor => arange(n * c * h * w).reshape([n, c, h, w]);
const arange25 = (): Tensor =>
  new Tensor(
    Float32Array.from({ length: 25 }, (_, i) => i),
    [1, 1, 5, 5],
  );
const arange16 = (): Tensor =>
  new Tensor(
    Float32Array.from({ length: 16 }, (_, i) => i),
    [1, 1, 4, 4],
  );

describe("pool2d (the book's from-scratch pooling)", () => {
  const X = tensor([
    [0, 1, 2],
    [3, 4, 5],
    [6, 7, 8],
  ]);

  it('max and average over 2x2 windows', () => {
    expect(pool2d(X, [2, 2]).toArray()).toEqual([
      [4, 5],
      [7, 8],
    ]);
    expect(pool2d(X, [2, 2], 'max').toArray()).toEqual([
      [4, 5],
      [7, 8],
    ]);
    expect(pool2d(X, [2, 2], 'avg').toArray()).toEqual([
      [2, 3],
      [5, 6],
    ]);
    expect(pool2d(X, [1, 3], 'avg').toArray()).toEqual([[1], [4], [7]]);
  });

  it('propagates NaN through max, like tensor.max()', () => {
    const Y = pool2d(
      tensor([
        [1, NaN_, 0],
        [2, 3, 4],
      ]),
      2,
    ).toArray() as number[][];
    expect(Y[0][0]).toBeNaN();
    expect(Y[0][1]).toBeNaN();
  });

  it('rejects non-2-D input, bad modes, oversized windows and integer tensors', () => {
    expect(() => pool2d(zeros([1, 1, 4, 4]), 2)).toThrow(
      'pool2d: expects a 2-D X, got X [1,1,4,4]; for batched multi-channel input use maxPool2d or avgPool2d',
    );
    expect(() => pool2d(X, 2, 'min' as 'max')).toThrow(`pool2d: mode must be 'max' or 'avg', got "min"`);
    expect(() => pool2d(X, [4, 1])).toThrow('pool2d: pool window [4,1] is larger than X [3,3]');
    expect(() => pool2d(X, 0)).toThrow('pool2d: poolSize must be positive integers, got 0');
    expect(() => pool2d(zeros([3, 3], { dtype: 'int32' }), 2)).toThrow(
      'pool2d: expected a float32 or float64 tensor, got int32 (X [3,3])',
    );
  });
});

describe('maxPool2d', () => {
  it("reproduces the book's MaxPool2d examples on arange(16).reshape(1, 1, 4, 4)", () => {
    const X = arange16();
    expect(maxPool2d(X, 3).toArray()).toEqual([[[[10]]]]);
    expect(maxPool2d(X, 3, { padding: 1, stride: 2 }).toArray()).toEqual([
      [
        [
          [5, 7],
          [13, 15],
        ],
      ],
    ]);
    expect(maxPool2d(X, [2, 3], { stride: [2, 3], padding: [0, 1] }).toArray()).toEqual([
      [
        [
          [5, 7],
          [13, 15],
        ],
      ],
    ]);
  });

  it('pools each channel separately, batched or not, and keeps float64', () => {
    const X = grid(4, 4, 2, 2).to('float64');
    const Y = maxPool2d(X, 2);
    expect(Y.dtype).toBe('float64');
    expect(Y.toArray()).toEqual([
      [
        [
          [5, 7],
          [13, 15],
        ],
        [
          [21, 23],
          [29, 31],
        ],
      ],
      [
        [
          [37, 39],
          [45, 47],
        ],
        [
          [53, 55],
          [61, 63],
        ],
      ],
    ]);
    expect(
      maxPool2d(
        new Tensor(
          Float32Array.from({ length: 8 }, (_, i) => i),
          [2, 2, 2],
        ),
        2,
      ).toArray(),
    ).toEqual([[[3]], [[7]]]);
  });

  it('returns int64 argmax indices h*W + w within each plane, as PyTorch', () => {
    const { values, indices } = maxPool2d(grid(4, 4, 1, 2), 2, { returnIndices: true });
    expect(values.shape).toEqual([1, 2, 2, 2]);
    expect(indices.dtype).toBe('int64');
    // PyTorch 1.13: F.max_pool2d(torch.arange(16.).reshape(1,1,4,4), 2, return_indices=True)[1]
    expect(maxPool2d(arange(16).reshape([1, 1, 4, 4]), 2, { returnIndices: true }).indices.toString()).toBe(
      'tensor([[[[ 5,  7],\n          [13, 15]]]])',
    );
    expect(indices.toArray()).toEqual([
      [
        [
          [5, 7],
          [13, 15],
        ],
        [
          [5, 7],
          [13, 15],
        ],
      ],
    ]);
  });

  it('ceilMode drops a last window that would start in the right padding (PyTorch)', () => {
    expect(maxPool2d(arange25(), 2, { stride: 2, padding: 1, ceilMode: true }).toArray()).toEqual([
      [
        [
          [0, 2, 4],
          [10, 12, 14],
          [20, 22, 24],
        ],
      ],
    ]);
    expect(maxPool2d(arange16(), 3, { stride: 2, padding: 1, ceilMode: true }).toArray()).toEqual([
      [
        [
          [5, 7, 7],
          [13, 15, 15],
          [13, 15, 15],
        ],
      ],
    ]);
  });

  it('dilates the window', () => {
    const { values, indices } = maxPool2d(arange25(), 2, { stride: 1, padding: 1, dilation: 2, returnIndices: true });
    const expected = [
      [6, 7, 8, 9, 8],
      [11, 12, 13, 14, 13],
      [16, 17, 18, 19, 18],
      [21, 22, 23, 24, 23],
      [16, 17, 18, 19, 18],
    ];
    expect(values.toArray()).toEqual([[expected]]);
    expect(indices.toArray()).toEqual([[expected]]);
  });

  it('propagates NaN (the last NaN in a window wins, as PyTorch) and never picks padding', () => {
    const X = tensor([
      [
        [
          [1, NaN_, 3],
          [NaN_, 0, 1],
          [1, 2, 3],
        ],
      ],
    ]);
    const { values, indices } = maxPool2d(X, 2, { stride: 1, returnIndices: true });
    const v = values.toTypedArray();
    expect([Number.isNaN(v[0]), Number.isNaN(v[1]), Number.isNaN(v[2]), v[3]]).toEqual([true, true, true, 3]);
    expect(indices.toArray()).toEqual([
      [
        [
          [3, 1],
          [3, 8],
        ],
      ],
    ]);
    const negInf = maxPool2d(
      tensor([
        [
          [
            [-Infinity, -Infinity],
            [-Infinity, -Infinity],
          ],
        ],
      ]),
      2,
      { stride: 1, padding: 1, returnIndices: true },
    );
    expect(negInf.values.toArray()).toEqual([[Array.from({ length: 3 }, () => [-Infinity, -Infinity, -Infinity])]]);
    expect(negInf.indices.toArray()).toEqual([
      [
        [
          [0, 0, 1],
          [0, 0, 1],
          [2, 2, 3],
        ],
      ],
    ]);
    const neg = maxPool2d(
      tensor([
        [
          [
            [-5, -6],
            [-7, -8],
          ],
        ],
      ]),
      2,
      { stride: 1, padding: 1, returnIndices: true },
    );
    expect(neg.values.toArray()).toEqual([
      [
        [
          [-5, -5, -6],
          [-5, -5, -6],
          [-7, -7, -8],
        ],
      ],
    ]);
    expect(neg.indices.toArray()).toEqual([
      [
        [
          [0, 0, 1],
          [0, 0, 1],
          [2, 2, 3],
        ],
      ],
    ]);
  });

  it('gives -inf and index -1 (no gradient) for a dilated window that covers only padding', () => {
    const X = tensor([[[[0]]]], { dtype: 'float64' });
    const { values, indices } = maxPool2d(X, [1, 2], {
      stride: [3, 2],
      padding: [0, 1],
      dilation: [1, 2],
      returnIndices: true,
    });
    expect(values.toArray()).toEqual([[[[-Infinity]]]]);
    expect(indices.toArray()).toEqual([[[[-1]]]]);
    expect(maxPool2dBackward(tensor([[[[1]]]], { dtype: 'float64' }), indices, [1, 1, 1, 1]).toArray()).toEqual([
      [[[0]]],
    ]);
  });

  it('ties keep the first maximum', () => {
    const { indices } = maxPool2d(ones([1, 1, 2, 4]), 2, { returnIndices: true });
    expect(indices.toArray()).toEqual([[[[0, 2]]]]);
  });

  it('backward scatter-adds into the argmax positions; overlapping windows accumulate', () => {
    const X = tensor([
      [
        [1, 3, 2],
        [0, 1, 0],
      ],
    ]);
    const { values, indices } = maxPool2d(X, 2, { stride: 1, returnIndices: true });
    expect(maxPool2dBackward(tensor([[[0.5, 2]]]), indices, [1, 2, 3]).toArray()).toEqual([
      [
        [0, 2.5, 0],
        [0, 0, 0],
      ],
    ]);
    expect(values.toArray()).toEqual([[[3, 3]]]);
  });

  it('backward takes int64 indices in any layout, and int32 ones (for compatibility) to the same result', () => {
    const X = new Tensor(
      Float32Array.from({ length: 60 }, (_, i) => (i * 7) % 11),
      [2, 5, 6],
    );
    const { values, indices } = maxPool2d(X, 2, { stride: 1, returnIndices: true });
    expect(indices.dtype).toBe('int64');
    expect(indices.get('0, 0, 0').item()).toBe(6); // the window [[0, 7], [9, 5]]: 9 at h=1, w=0
    const up = arange(values.numel).reshape(values.shape).add(1);
    const want = maxPool2dBackward(up, indices, X.shape);
    expect(maxPool2dBackward(up, indices.to('int32'), X.shape).toArray()).toEqual(want.toArray());
    // A transposed (non-contiguous) view of int64 indices with the matching upstream.
    const t = (v: Tensor): Tensor => v.transpose(1, 2).contiguous().transpose(1, 2);
    expect(t(indices).isContiguous()).toBe(false);
    expect(maxPool2dBackward(up, t(indices), X.shape).toArray()).toEqual(want.toArray());
    // An int64 slice at an offset into its storage.
    const both = maxPool2d(X.unsqueeze(0).expand([2, 2, 5, 6]).contiguous(), 2, { stride: 1, returnIndices: true });
    const second = both.indices.get('1');
    expect(second.offset).toBeGreaterThan(0);
    expect(maxPool2dBackward(up, second, X.shape).toArray()).toEqual(want.toArray());
  });
});

describe('avgPool2d', () => {
  const X = tensor([
    [
      [1, 2],
      [3, 4],
    ],
  ]);

  it('averages windows, counting padding by default', () => {
    expect(avgPool2d(X, 2).toArray()).toEqual([[[2.5]]]);
    expect(avgPool2d(X, 2, { stride: 1, padding: 1 }).toArray()).toEqual([
      [
        [0.25, 0.75, 0.5],
        [1, 2.5, 1.5],
        [0.75, 1.75, 1],
      ],
    ]);
  });

  it('countIncludePad: false divides by the real elements only', () => {
    expect(avgPool2d(X, 2, { stride: 1, padding: 1, countIncludePad: false }).toArray()).toEqual([
      [
        [1, 1.5, 2],
        [2, 2.5, 3],
        [3, 3.5, 4],
      ],
    ]);
  });

  it('with ceilMode clips windows to input+padding (countIncludePad) or to the input', () => {
    expect(avgPool2d(arange25(), 2, { stride: 2, padding: 1, ceilMode: true }).toArray()).toEqual([
      [
        [
          [0, 0.75, 1.75],
          [3.75, 9, 11],
          [8.75, 19, 21],
        ],
      ],
    ]);
    expect(
      avgPool2d(arange25(), 2, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }).toArray(),
    ).toEqual([
      [
        [
          [0, 1.5, 3.5],
          [7.5, 9, 11],
          [17.5, 19, 21],
        ],
      ],
    ]);
    expect(avgPool2d(arange25(), 2, { stride: 2, ceilMode: true }).toArray()).toEqual([
      [
        [
          [3, 5, 6.5],
          [13, 15, 16.5],
          [20.5, 22.5, 24],
        ],
      ],
    ]);
  });

  it('divisorOverride replaces the divisor', () => {
    const Y = avgPool2d(arange25().to('float64'), 2, { divisorOverride: 3 }).toArray();
    expect(Y).toEqual([
      [
        [
          [12 / 3, 20 / 3],
          [52 / 3, 60 / 3],
        ],
      ],
    ]);
  });

  it('backward spreads each upstream value over its window divided by the divisor', () => {
    const g = avgPool2dBackward(ones([1, 1, 3, 3]), [1, 1, 5, 5], 2, { stride: 2, padding: 1, ceilMode: true });
    expect(g.toArray()).toEqual([[Array.from({ length: 5 }, () => [0.25, 0.25, 0.25, 0.25, 0.25])]]);
    const g2 = avgPool2dBackward(ones([1, 3, 3]), [1, 2, 2], 2, { stride: 1, padding: 1, countIncludePad: false });
    // each input element sits in 4 windows of sizes 1, 2, 2, 4
    expect(g2.toArray()).toEqual([
      [
        [2.25, 2.25],
        [2.25, 2.25],
      ],
    ]);
  });
});

describe('adaptiveAvgPool2d', () => {
  it('averages PyTorch windows [floor(i*in/out), ceil((i+1)*in/out))', () => {
    expect(adaptiveAvgPool2d(arange25(), 3).toArray()).toEqual([
      [
        [
          [3, 4.5, 6],
          [10.5, 12, 13.5],
          [18, 19.5, 21],
        ],
      ],
    ]);
    expect(adaptiveAvgPool2d(arange25(), 1).toArray()).toEqual([[[[12]]]]);
    expect(adaptiveAvgPool2d(arange25(), [null, 5]).toArray()).toEqual(arange25().toArray());
    expect(adaptiveAvgPool2d(arange25(), [0, 2]).shape).toEqual([1, 1, 0, 2]);
  });

  it('backward divides by each window area and adds over overlapping windows', () => {
    const g = adaptiveAvgPool2dBackward(ones([1, 1, 3, 3], { dtype: 'float64' }), [1, 1, 5, 5]).toTypedArray();
    const row = [1 / 4, 1 / 4 + 1 / 6, 1 / 6, 1 / 6 + 1 / 4, 1 / 4];
    // the gradient is separable: w[i] * w[j] with w = [1/2, 1/2 + 1/3, 1/3, 1/3 + 1/2, 1/2]
    const w = [1 / 2, 1 / 2 + 1 / 3, 1 / 3, 1 / 3 + 1 / 2, 1 / 2];
    expect(row.map((v, j) => v - w[0] * w[j]).every((d) => Math.abs(d) < 1e-12)).toBe(true);
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) expect(g[i * 5 + j]).toBeCloseTo(w[i] * w[j], 12);
  });

  it('rejects bad output sizes and shapes', () => {
    expect(() => adaptiveAvgPool2d(arange25(), [-1, 2])).toThrow(
      'adaptiveAvgPool2d: elements of outputSize must be integers >= 0 (or null), got [-1,2]',
    );
    expect(() => adaptiveAvgPool2d(arange25(), [1, 2, 3] as unknown as [number, number])).toThrow(
      'adaptiveAvgPool2d: expected an int or an [h, w] pair',
    );
    // A bigint size is named in the message (formatting it once threw a raw TypeError).
    expect(() => adaptiveAvgPool2d(arange25(), 3n as unknown as number)).toThrow(
      'adaptiveAvgPool2d: expected an int or an [h, w] pair (entries may be null), got 3n',
    );
    expect(() => adaptiveAvgPool2d(arange25(), [3n, 2] as unknown as [number, number])).toThrow(TorchletError);
    expect(() => avgPool2d(arange25(), 2, { divisorOverride: 2n as unknown as number })).toThrow(TorchletError);
    expect(() => avgPool2d(arange25(), 2, { countIncludePad: 1n as unknown as boolean })).toThrow(TorchletError);
    expect(() => pool2d(zeros([3, 3]), 2, 1n as unknown as 'max')).toThrow(TorchletError);
    expect(() => adaptiveAvgPool2d(zeros([5, 5]), 2)).toThrow(
      'adaptiveAvgPool2d: expected 3-D [C,H,W] or 4-D [N,C,H,W] input, got 2-D input [5,5]',
    );
    expect(() => adaptiveAvgPool2dBackward(zeros([1, 2, 2]), [1, 1, 5, 5])).toThrow(
      'adaptiveAvgPool2dBackward: expected 4-D upstream to match inputShape [1,1,5,5], got upstream [1,2,2]',
    );
    expect(() => adaptiveAvgPool2dBackward(zeros([1, 2, 2, 2]), [1, 1, 5, 5])).toThrow(
      'adaptiveAvgPool2dBackward: upstream [1,2,2,2] does not match the pooled output shape [1,1,2,2] of input [1,1,5,5]',
    );
  });
});

describe('pool2dOutputShape', () => {
  it('applies the floor/ceil formula with the ceil-mode correction', () => {
    expect(pool2dOutputShape([1, 1, 4, 4], 3, { padding: 1, stride: 2 })).toEqual([1, 1, 2, 2]);
    expect(pool2dOutputShape([1, 1, 5, 5], 2, { ceilMode: true })).toEqual([1, 1, 3, 3]);
    expect(pool2dOutputShape([1, 1, 5, 5], 2, { stride: 2, padding: 1, ceilMode: true })).toEqual([1, 1, 3, 3]);
    expect(pool2dOutputShape([3, 5, 5], 2, { stride: 1, padding: 1, dilation: 2 })).toEqual([3, 5, 5]);
    expect(pool2dOutputShape([2, 3, 28, 28], 2)).toEqual([2, 3, 14, 14]);
  });
});

describe('pooling errors', () => {
  const x = zeros([1, 1, 5, 5]);
  it('names the function, the argument and the shapes', () => {
    expect(() => maxPool2d(zeros([5, 5]), 2)).toThrow(
      'maxPool2d: expected 3-D [C,H,W] or 4-D [N,C,H,W] input, got 2-D input [5,5]',
    );
    expect(() => avgPool2d(zeros([1, 1, 1, 5, 5]), 2)).toThrow(
      'avgPool2d: expected 3-D [C,H,W] or 4-D [N,C,H,W] input, got 5-D input [1,1,1,5,5]',
    );
    expect(() => maxPool2d(zeros([1, 0, 5, 5]), 2)).toThrow(
      'maxPool2d: expected non-zero sizes for the non-batch dimensions, got input [1,0,5,5]',
    );
    expect(() => maxPool2d(x, 6)).toThrow(
      'maxPool2d: kernel [6,6] (dilation [1,1]) is larger than the padded input [5,5] (input [1,1,5,5], padding [0,0]): output size [0,0] is too small',
    );
    expect(() => avgPool2d(x, [2, 8], { padding: 1 })).toThrow(
      'avgPool2d: kernel [2,8] (dilation [1,1]) is larger than the padded input [7,7]',
    );
    expect(() => maxPool2d(x, 3, { dilation: 3 })).toThrow(
      'maxPool2d: kernel [3,3] (dilation [3,3]) is larger than the padded input [5,5]',
    );
    expect(() => maxPool2d(x, 2, { stride: 0 })).toThrow('maxPool2d: stride must be positive integers, got 0');
    expect(() => avgPool2d(x, 2, { stride: [1, -1] })).toThrow(
      'avgPool2d: stride must be positive integers, got [1,-1]',
    );
    expect(() => maxPool2d(x, 2, { padding: -1 })).toThrow('maxPool2d: padding must be non-negative integers, got -1');
    expect(() => maxPool2d(x, 3, { padding: 2 })).toThrow(
      'maxPool2d: pad should be at most half of kernel size, but got padding [2,2] and kernelSize [3,3] (input [1,1,5,5])',
    );
    expect(() => avgPool2d(x, [2, 3], { padding: [1, 2] })).toThrow(
      'avgPool2d: pad should be at most half of kernel size',
    );
    expect(() => maxPool2d(x, 0)).toThrow('maxPool2d: kernelSize must be positive integers, got 0');
    expect(() => maxPool2d(x, 2, { dilation: 0 })).toThrow('maxPool2d: dilation must be positive integers, got 0');
    expect(() => maxPool2d(zeros([1, 1, 5, 5], { dtype: 'int32' }), 2)).toThrow(
      'maxPool2d: expected a float32 or float64 tensor, got int32 (input [1,1,5,5])',
    );
    expect(() => avgPool2d(zeros([1, 1, 5, 5], { dtype: 'bool' }), 2)).toThrow(
      'avgPool2d: expected a float32 or float64 tensor, got bool (input [1,1,5,5])',
    );
    expect(() => adaptiveAvgPool2d(zeros([1, 1, 5, 5], { dtype: 'int32' }), 2)).toThrow(
      'adaptiveAvgPool2d: expected a float32 or float64 tensor, got int32',
    );
    expect(() => avgPool2d(x, 2, { divisorOverride: 0 })).toThrow(
      'avgPool2d: divisor must be a non-zero integer, got 0',
    );
    expect(() => avgPool2d(x, 2, { dilation: 2 } as never)).toThrow('avgPool2d: average pooling has no dilation');
    expect(() => pool2dOutputShape([1, 5, 5, 5, 5], 2)).toThrow(
      'pool2dOutputShape: expected 3-D [C,H,W] or 4-D [N,C,H,W] input',
    );
  });

  it('throws TorchletError with fn and arg', () => {
    try {
      maxPool2d(x, 3, { padding: 2 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TorchletError);
      expect([(e as TorchletError).fn, (e as TorchletError).arg]).toEqual(['maxPool2d', 'padding']);
    }
  });

  it('backward kernels check upstream, indices and inputShape', () => {
    const { indices } = maxPool2d(x, 2, { returnIndices: true });
    expect(() => maxPool2dBackward(zeros([1, 1, 3, 3]), indices, [1, 1, 5, 5])).toThrow(
      'maxPool2dBackward: upstream [1,1,3,3] does not match the pooled output shape [1,1,2,2] of input [1,1,5,5]',
    );
    expect(() => maxPool2dBackward(zeros([1, 1, 2, 2]), zeros([1, 1, 2, 2]), [1, 1, 5, 5])).toThrow(
      'maxPool2dBackward: expected an int64 (or int32) indices tensor from maxPool2d(..., { returnIndices: true }), got float32 indices [1,1,2,2]',
    );
    expect(() => maxPool2dBackward(zeros([1, 1, 2, 2]), indices, [1, 2, 5, 5])).toThrow(
      'maxPool2dBackward: indices [1,1,2,2] do not match inputShape [1,2,5,5] in rank and leading dimensions',
    );
    const bad = new Tensor(new Int32Array([0, 1, 2, 99]), [1, 1, 2, 2]);
    expect(() => maxPool2dBackward(zeros([1, 1, 2, 2]), bad, [1, 1, 5, 5])).toThrow(
      'maxPool2dBackward: index 99 is out of range for an input plane of 5x5',
    );
    // int64 values beyond int32 are out of range too (never truncated to a valid position).
    for (const v of [2n ** 32n + 1n, -(2n ** 40n), 2n ** 31n]) {
      const wide = new Tensor(new BigInt64Array([0n, 1n, 2n, v]), [1, 1, 2, 2]);
      expect(() => maxPool2dBackward(zeros([1, 1, 2, 2]), wide, [1, 1, 5, 5])).toThrow(
        `maxPool2dBackward: index ${v} is out of range for an input plane of 5x5`,
      );
    }
    const negative = new Tensor(new BigInt64Array([0n, 1n, 2n, -2n]), [1, 1, 2, 2]);
    expect(() => maxPool2dBackward(zeros([1, 1, 2, 2]), negative, [1, 1, 5, 5])).toThrow(
      'maxPool2dBackward: index -2 is out of range for an input plane of 5x5',
    );
    expect(() => avgPool2dBackward(zeros([1, 1, 3, 3]), [1, 1, 5, 5], 2)).toThrow(
      'avgPool2dBackward: upstream [1,1,3,3] does not match the pooled output shape [1,1,2,2] of input [1,1,5,5]',
    );
    expect(() => avgPool2dBackward(zeros([1, 1, 2, 2], { dtype: 'int32' }), [1, 1, 5, 5], 2)).toThrow(
      'avgPool2dBackward: expected a float32 or float64 tensor, got int32 (upstream [1,1,2,2])',
    );
    expect(() => avgPool2dBackward(zeros([1, 1, 2, 2]), [1, 5, 5], 2)).toThrow(
      'avgPool2dBackward: upstream [1,1,2,2] does not match the pooled output shape [1,2,2]',
    );
    expect(() => avgPool2dBackward(zeros([2, 2]), [5, 5], 2)).toThrow(
      'avgPool2dBackward: expected 3-D [C,H,W] or 4-D [N,C,H,W] inputShape, got 2-D inputShape [5,5]',
    );
  });
});
