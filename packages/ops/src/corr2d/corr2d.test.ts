import { eye, ones, Tensor, TorchletError, tensor, zeros } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { corr2dBackwardInput, corr2dBackwardKernel } from './backward.js';
import {
  corr2d,
  corr2dMatmul,
  corr2dMultiIn,
  corr2dMultiInOut,
  corr2dMultiInOut1x1,
  kernelToMatrix,
} from './corr2d.js';

const impls = { corr2d, corr2dMatmul } as const;

/** The book's edge image: ones(6, 8) with columns 2..5 set to zero. */
function edgeImage(dtype: 'float32' | 'float64' = 'float32'): Tensor {
  const data = dtype === 'float32' ? new Float32Array(48) : new Float64Array(48);
  for (let i = 0; i < 6; i++) for (let j = 0; j < 8; j++) data[i * 8 + j] = j >= 2 && j < 6 ? 0 : 1;
  return new Tensor(data, [6, 8]);
}

/** A transposed view of a 2-D tensor built from strides (no copy). */
function transposed(x: Tensor): Tensor {
  return new Tensor(x.data, [x.shape[1], x.shape[0]], [x.strides[1], x.strides[0]], x.offset);
}

describe.each(Object.entries(impls))('%s (hand cases from the book)', (_name, f) => {
  it('computes the book example [[19, 25], [37, 43]]', () => {
    const X = tensor([
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
    ]);
    const K = tensor([
      [0, 1],
      [2, 3],
    ]);
    const Y = f(X, K);
    expect(Y.shape).toEqual([2, 2]);
    expect(Y.dtype).toBe('float32');
    expect(Y.toArray()).toEqual([
      [19, 25],
      [37, 43],
    ]);
  });

  it('detects the vertical edges of the 6x8 image with K = [[1, -1]]', () => {
    const Y = f(edgeImage(), tensor([[1, -1]]));
    const row = [0, 1, 0, 0, 0, -1, 0];
    expect(Y.toArray()).toEqual(Array.from({ length: 6 }, () => row));
  });

  it('finds no edges in the transposed image (the kernel sees only vertical edges)', () => {
    const Y = f(transposed(edgeImage()), tensor([[1, -1]]));
    expect(Y.shape).toEqual([8, 5]);
    expect(Y.toArray()).toEqual(zeros([8, 5]).toArray());
  });

  it('marks the diagonal of eye(8) with 1 and -1, and the transposed kernel gives the transposed pattern', () => {
    const X = eye(8);
    const Y = f(X, tensor([[1, -1]]));
    const expected = Array.from({ length: 8 }, (_, i) =>
      Array.from({ length: 7 }, (_, j) => (j === i ? 1 : j === i - 1 ? -1 : 0)),
    );
    expect(Y.toArray()).toEqual(expected);
    const Yt = f(X, tensor([[1], [-1]]));
    expect(Yt.shape).toEqual([7, 8]);
    const expectedT = Array.from({ length: 7 }, (_, i) =>
      Array.from({ length: 8 }, (_, j) => (j === i ? 1 : j === i + 1 ? -1 : 0)),
    );
    expect(Yt.toArray()).toEqual(expectedT);
  });

  it('keeps float64 and handles a kernel as large as the image', () => {
    const X = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'float64' },
    );
    const Y = f(
      X,
      tensor(
        [
          [1, 1],
          [1, 1],
        ],
        { dtype: 'float64' },
      ),
    );
    expect(Y.dtype).toBe('float64');
    expect(Y.toArray()).toEqual([[10]]);
  });

  it('reads non-contiguous views of X and K without copying them first', () => {
    // X is a strided window into a larger buffer; K is a transposed view.
    const buf = new Float32Array(40).map((_, i) => i);
    const X = new Tensor(buf, [3, 3], [10, 2], 1); // X[i, j] = 1 + 10 i + 2 j
    const K = transposed(
      tensor([
        [1, 2],
        [0, -1],
      ]),
    ); // [[1, 0], [2, -1]]
    // Y[i, j] = X[i, j] + 2 X[i+1, j] - X[i+1, j+1] = 2 X[i, j] + 8
    expect(f(X, K).toArray()).toEqual([
      [10, 14],
      [30, 34],
    ]);
  });
});

describe('corr2d errors', () => {
  it('rejects 4-D input and names both shapes and conv2d (the from-scratch layer exercise)', () => {
    expect(() => corr2d(zeros([1, 1, 6, 8]), tensor([[1, -1]]))).toThrow(
      'corr2d: expects 2-D X and K, got X [1,1,6,8] and K [1,2]; for batched multi-channel input use conv2d',
    );
    expect(() => corr2dMatmul(zeros([6, 8]), zeros([1, 1, 1, 2]))).toThrow(
      'corr2dMatmul: expects 2-D X and K, got X [6,8] and K [1,1,1,2]',
    );
  });

  it('throws TorchletError naming the argument', () => {
    try {
      corr2d(zeros([6, 8]), zeros([2]));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TorchletError);
      expect((e as TorchletError).fn).toBe('corr2d');
      expect((e as TorchletError).arg).toBe('K');
    }
  });

  it('rejects a kernel larger than the image, or empty', () => {
    expect(() => corr2d(zeros([3, 3]), zeros([4, 2]))).toThrow('corr2d: kernel K [4,2] is larger than input X [3,3]');
    expect(() => corr2dMatmul(zeros([3, 3]), zeros([2, 4]))).toThrow(
      'corr2dMatmul: kernel K [2,4] is larger than input X [3,3]',
    );
    expect(() => corr2d(zeros([3, 3]), zeros([0, 2]))).toThrow('corr2d: kernel K [0,2] is empty');
  });

  it('rejects non-float dtypes, mixed dtypes and non-tensors', () => {
    expect(() => corr2d(zeros([3, 3], { dtype: 'int32' }), zeros([2, 2], { dtype: 'int32' }))).toThrow(
      'corr2d: expected a float32 or float64 tensor, got int32 (X [3,3])',
    );
    expect(() => corr2d(zeros([3, 3]), zeros([2, 2], { dtype: 'bool' }))).toThrow(
      'corr2d: expected a float32 or float64 tensor, got bool (K [2,2])',
    );
    expect(() => corr2d(zeros([3, 3]), zeros([2, 2], { dtype: 'float64' }))).toThrow(
      'corr2d: K is float64 but X is float32 (X [3,3], K [2,2])',
    );
    expect(() => corr2d([[1]] as unknown as Tensor, zeros([1, 1]))).toThrow('corr2d: expected a Tensor, got object');
  });
});

describe('kernelToMatrix', () => {
  it("is d2l's kernel2matrix for a 2x2 kernel on a 3x3 image", () => {
    const W = kernelToMatrix(
      tensor([
        [1, 2],
        [3, 4],
      ]),
      [3, 3],
    );
    expect(W.toArray()).toEqual([
      [1, 2, 0, 3, 4, 0, 0, 0, 0],
      [0, 1, 2, 0, 3, 4, 0, 0, 0],
      [0, 0, 0, 1, 2, 0, 3, 4, 0],
      [0, 0, 0, 0, 1, 2, 0, 3, 4],
    ]);
  });

  it('reproduces corr2d as W @ vec(X) on the book example', () => {
    const X = tensor([
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
    ]);
    const W = kernelToMatrix(
      tensor([
        [0, 1],
        [2, 3],
      ]),
      X.shape,
    );
    const w = Array.from(W.toTypedArray(), Number);
    const x = Array.from(X.toTypedArray(), Number);
    const y = [0, 1, 2, 3].map((r) => x.reduce((acc, v, c) => acc + w[r * 9 + c] * v, 0));
    expect(y).toEqual([19, 25, 37, 43]);
  });

  it('rejects bad kernels and input shapes', () => {
    expect(() => kernelToMatrix(zeros([1, 2, 2]), [3, 3])).toThrow(
      'kernelToMatrix: expects a 2-D kernel K, got K [1,2,2] (inputShape [3,3])',
    );
    expect(() => kernelToMatrix(zeros([2, 2]), [3])).toThrow(
      'kernelToMatrix: expects inputShape [H, W] of two non-negative integers, got [3] (K [2,2])',
    );
    expect(() => kernelToMatrix(zeros([4, 2]), [3, 3])).toThrow(
      'kernelToMatrix: kernel K [4,2] is larger than inputShape [3,3]',
    );
    expect(() => kernelToMatrix(zeros([2, 2], { dtype: 'int32' }), [3, 3])).toThrow(
      'kernelToMatrix: expected a float32 or float64 tensor, got int32 (K [2,2])',
    );
  });
});

describe('multi-channel correlation', () => {
  const X = tensor([
    [
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
    ],
    [
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ],
  ]);
  const K = tensor([
    [
      [0, 1],
      [2, 3],
    ],
    [
      [1, 2],
      [3, 4],
    ],
  ]);

  it('sums the per-channel correlations (the book: [[56, 72], [104, 120]])', () => {
    expect(corr2dMultiIn(X, K).toArray()).toEqual([
      [56, 72],
      [104, 120],
    ]);
  });

  it('stacks one output per output channel (K, K+1, K+2 as in the book)', () => {
    const K3 = tensor(
      [0, 1, 2].map((d) => [
        [
          [0 + d, 1 + d],
          [2 + d, 3 + d],
        ],
        [
          [1 + d, 2 + d],
          [3 + d, 4 + d],
        ],
      ]),
    );
    expect(corr2dMultiInOut(X, K3).toArray()).toEqual([
      [
        [56, 72],
        [104, 120],
      ],
      [
        [76, 100],
        [148, 172],
      ],
      [
        [96, 128],
        [192, 224],
      ],
    ]);
  });

  it('computes 1x1 kernels with one matmul, matching corr2dMultiInOut', () => {
    const X3 = tensor([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
      [
        [-1, 0],
        [2, 0.5],
      ],
    ]); // [3, 2, 2]
    const K1 = tensor([
      [[[1]], [[2]], [[3]]],
      [[[0.5]], [[-1]], [[0]]],
    ]); // [2, 3, 1, 1]
    const Y = corr2dMultiInOut1x1(X3, K1);
    expect(Y.shape).toEqual([2, 2, 2]);
    expect(Y.toArray()).toEqual(corr2dMultiInOut(X3, K1).toArray());
    expect(Y.toArray()).toEqual([
      [
        [8, 14],
        [23, 21.5],
      ],
      [
        [-4.5, -5],
        [-5.5, -6],
      ],
    ]);
  });

  it('rejects wrong ranks, channel mismatches and non-1x1 kernels', () => {
    expect(() => corr2dMultiIn(zeros([3, 3]), zeros([2, 2]))).toThrow(
      'corr2dMultiIn: expects 3-D X [Cin,H,W] and K [Cin,kh,kw], got X [3,3] and K [2,2]',
    );
    expect(() => corr2dMultiIn(zeros([2, 3, 3]), zeros([3, 2, 2]))).toThrow(
      'corr2dMultiIn: K has 3 input channels but X has 2 (X [2,3,3], K [3,2,2])',
    );
    expect(() => corr2dMultiInOut(zeros([2, 3, 3]), zeros([2, 2, 2]))).toThrow(
      'corr2dMultiInOut: expects 3-D X [Cin,H,W] and 4-D K [Cout,Cin,kh,kw], got X [2,3,3] and K [2,2,2]',
    );
    expect(() => corr2dMultiInOut(zeros([2, 3, 3]), zeros([1, 2, 4, 1]))).toThrow(
      'corr2dMultiInOut: kernel K [1,2,4,1] is larger than input X [2,3,3]',
    );
    expect(() => corr2dMultiInOut1x1(zeros([2, 3, 3]), zeros([1, 2, 2, 2]))).toThrow(
      'corr2dMultiInOut1x1: expects 1x1 kernels, got K [1,2,2,2] (X [2,3,3])',
    );
    expect(() => corr2dMultiInOut1x1(zeros([2, 3, 3]), zeros([1, 3, 1, 1]))).toThrow(
      'corr2dMultiInOut1x1: K has 3 input channels but X has 2',
    );
  });
});

describe('corr2d backward kernels', () => {
  it('spreads the upstream through the flipped kernel (grad of X)', () => {
    // Y = corr2d(X [1x3], K [[1, -1]]); dL/dX for upstream [[1, 2]] is [1, 2-1, -2].
    expect(corr2dBackwardInput(tensor([[1, 2]]), tensor([[1, -1]])).toArray()).toEqual([[1, 1, -2]]);
    expect(corr2dBackwardInput(tensor([[1, 2]]), tensor([[1, -1]]), [1, 3]).shape).toEqual([1, 3]);
  });

  it('correlates X with the upstream (grad of K)', () => {
    const X = tensor([
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
    ]);
    expect(corr2dBackwardKernel(ones([2, 2]), X).toArray()).toEqual([
      [8, 12],
      [20, 24],
    ]);
  });

  it('rejects mismatched shapes and dtypes', () => {
    expect(() => corr2dBackwardInput(zeros([2, 2]), zeros([2, 2]), [4, 4])).toThrow(
      'corr2dBackwardInput: upstream [2,2] and K [2,2] come from an input of shape [3,3], not inputShape [4,4]',
    );
    expect(() => corr2dBackwardInput(zeros([1, 2, 2]), zeros([2, 2]))).toThrow(
      'corr2dBackwardInput: expects 2-D upstream and K, got upstream [1,2,2] and K [2,2]',
    );
    expect(() => corr2dBackwardKernel(zeros([4, 2]), zeros([3, 3]))).toThrow(
      'corr2dBackwardKernel: upstream [4,2] cannot be the output of a valid correlation of X [3,3]',
    );
    expect(() => corr2dBackwardKernel(zeros([2, 2]), zeros([3, 3], { dtype: 'float64' }))).toThrow(
      'corr2dBackwardKernel: X is float64 but upstream is float32',
    );
    expect(() => corr2dBackwardKernel(zeros([2, 2], { dtype: 'int32' }), zeros([3, 3]))).toThrow(
      'corr2dBackwardKernel: expected a float32 or float64 tensor, got int32 (upstream [2,2])',
    );
  });
});
