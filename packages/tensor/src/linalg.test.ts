import { describe, expect, it } from 'vitest';
import { dot, matmul, mm, Tensor, TorchletError, tensor, zeros } from './index.js';

describe('matmul', () => {
  const a = () =>
    tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  const b = () =>
    tensor([
      [7, 8],
      [9, 10],
      [11, 12],
    ]);
  it('multiplies 2-D matrices', () => {
    const r = matmul(a(), b());
    expect(r.shape).toEqual([2, 2]);
    expect(r.dtype).toBe('float32');
    expect(r.toArray()).toEqual([
      [58, 64],
      [139, 154],
    ]);
  });
  it('gives a 0-d dot product for two vectors', () => {
    const r = matmul(tensor([1, 2, 3]), tensor([4, 5, 6]));
    expect(r.shape).toEqual([]);
    expect(r.item()).toBe(32);
  });
  it('promotes a 1-D operand and removes the added dim', () => {
    expect(matmul(tensor([1, 1]), a()).toArray()).toEqual([5, 7, 9]);
    expect(matmul(a(), tensor([1, 0, 1])).toArray()).toEqual([4, 10]);
    const batch = tensor([
      [
        [1, 0],
        [0, 1],
      ],
      [
        [2, 0],
        [0, 2],
      ],
    ]);
    expect(matmul(tensor([1, 2]), batch).toArray()).toEqual([
      [1, 2],
      [2, 4],
    ]);
    expect(matmul(batch, tensor([1, 2])).toArray()).toEqual([
      [1, 2],
      [2, 4],
    ]);
  });
  it('broadcasts batch dimensions', () => {
    const x = tensor([[[1, 2]], [[3, 4]]]); // [2, 1, 2]
    const y = tensor([[1], [1]]); // [2, 1]
    expect(matmul(x, y).toArray()).toEqual([[[3]], [[7]]]);
    const p = zeros([3, 1, 2, 4]);
    const q = zeros([5, 4, 6]);
    expect(matmul(p, q).shape).toEqual([3, 5, 2, 6]);
  });
  it('multiplies transposed views without copying them first', () => {
    // a.t() of [[1,2,3],[4,5,6]] is [[1,4],[2,5],[3,6]]
    const at = new Tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [3, 2], [1, 3], 0);
    expect(
      matmul(
        at,
        tensor([
          [1, 0],
          [0, 1],
        ]),
      ).toArray(),
    ).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(matmul(a(), at).toArray()).toEqual([
      [14, 32],
      [32, 77],
    ]);
  });
  it('handles expanded (stride 0) and empty operands', () => {
    const ones = new Tensor(new Float32Array([1]), [2, 3], [0, 0], 0);
    expect(matmul(ones, b()).toArray()).toEqual([
      [27, 30],
      [27, 30],
    ]);
    expect(matmul(zeros([2, 0]), zeros([0, 3])).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(matmul(zeros([0, 3]), zeros([3, 2])).shape).toEqual([0, 2]);
  });
  it('computes int32 products exactly and keeps float64', () => {
    const i = tensor(new Int32Array([1, 2, 3, 4]), { shape: [2, 2] });
    const r = matmul(i, i);
    expect(r.dtype).toBe('int32');
    expect(r.toArray()).toEqual([
      [7, 10],
      [15, 22],
    ]);
    expect(matmul(tensor([0.1], { dtype: 'float64' }), tensor([0.2], { dtype: 'float64' })).item()).toBe(0.1 * 0.2);
  });
  it('names both shapes when sizes do not match', () => {
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrowError(
      'matmul: shapes [2,3] and [4,5] cannot be multiplied (3 != 4)',
    );
    expect(() => matmul(zeros([3]), zeros([4]))).toThrowError(
      'matmul: shapes [3] and [4] cannot be multiplied (3 != 4)',
    );
    expect(() => matmul(zeros([3]), zeros([2, 4, 5]))).toThrowError(
      'matmul: shapes [3] and [2,4,5] cannot be multiplied (3 != 4)',
    );
    expect(() => matmul(zeros([2, 2, 3]), zeros([3, 3, 4]))).toThrowError(
      'matmul: batch dimensions of shapes [2,2,3] and [3,3,4] do not broadcast ([2] vs [3])',
    );
    expect(() => matmul(tensor(1), zeros([3]))).toThrowError(
      /matmul: both arguments to matmul need to be at least 1D, but they are 0D and 1D/,
    );
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrowError(TorchletError);
  });
  it('rejects mixed and bool dtypes like PyTorch', () => {
    expect(() => matmul(zeros([2, 3]), zeros([3, 2], { dtype: 'float64' }))).toThrowError(
      'matmul: expected both arguments to have the same dtype, but got float32 != float64 (shapes [2,3] and [3,2])',
    );
    expect(() => matmul(tensor([true]), tensor([true]))).toThrowError(/matmul: not implemented for bool/);
  });
});

describe('mm', () => {
  it('multiplies 2-D tensors only', () => {
    expect(mm(tensor([[1, 2]]), tensor([[3], [4]])).toArray()).toEqual([[11]]);
    expect(() => mm(zeros([3]), zeros([3, 3]))).toThrowError('mm: expected 2-D tensors, but got shapes [3] and [3,3]');
    expect(() => mm(zeros([2, 3]), zeros([2, 3]))).toThrowError(
      'mm: shapes [2,3] and [2,3] cannot be multiplied (3 != 2)',
    );
  });
});

describe('dot', () => {
  it('takes two 1-D tensors of the same size and dtype', () => {
    expect(dot(tensor([1, 2, 3]), tensor([4, 5, 6])).item()).toBe(32);
    expect(dot(tensor([1, 2, 3]), tensor([4, 5, 6])).shape).toEqual([]);
    const strided = new Tensor(new Float32Array([1, 9, 2, 9, 3]), [3], [2], 0);
    expect(dot(strided, tensor([1, 1, 1])).item()).toBe(6);
    expect(() => dot(zeros([3]), zeros([2, 3]))).toThrowError(
      'dot: 1D tensors expected, but got 1D and 2D tensors (shapes [3] and [2,3])',
    );
    expect(() => dot(zeros([3]), zeros([4]))).toThrowError('dot: shapes [3] and [4] cannot be multiplied (3 != 4)');
    expect(() => dot(zeros([3]), zeros([3], { dtype: 'float64' }))).toThrowError(
      /dot: expected both arguments to have the same dtype/,
    );
  });
});
