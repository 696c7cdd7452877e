import { describe, expect, it } from 'vitest';
import {
  arange,
  clone,
  contiguous,
  expand,
  flatten,
  narrow,
  permute,
  reshape,
  squeeze,
  Tensor,
  TorchletError,
  t,
  tensor,
  transpose,
  unsqueeze,
  view,
  zeros,
} from './index.js';
import { computeViewStrides, to } from './views.js';

const m23 = () => arange(6).reshape([2, 3]); // [[0,1,2],[3,4,5]]

describe('to', () => {
  it('returns the same tensor when the dtype already matches', () => {
    const x = m23();
    expect(to(x, 'float32')).toBe(x);
  });
  it('truncates floats toward zero into int32, as PyTorch', () => {
    const y = to(tensor([1.7, -1.7, 0.2, -0.2]), 'int32');
    expect(y.dtype).toBe('int32');
    expect(y.data).toBeInstanceOf(Int32Array);
    expect(y.toArray()).toEqual([1, -1, 0, 0]);
  });
  it('gives INT_MIN for NaN, infinities and out-of-range floats (PyTorch on x86)', () => {
    expect(to(tensor(new Float64Array([Number.NaN, Infinity, -Infinity, 3e9, 2147483647])), 'int32').toArray()).toEqual(
      [-2147483648, -2147483648, -2147483648, -2147483648, 2147483647],
    );
  });
  it('converts to bool by testing non-zero (NaN is true)', () => {
    expect(to(tensor([Number.NaN, 0.5, -1.7, 0]), 'bool').toArray()).toEqual([true, true, true, false]);
    expect(to(tensor(new Int32Array([256, 0])), 'bool').toArray()).toEqual([true, false]);
  });
  it('rounds float64 to float32 and widens bool/int exactly', () => {
    expect(to(tensor(new Float64Array([0.1])), 'float32').data[0]).toBe(Math.fround(0.1));
    expect(to(tensor([true, false]), 'float64').toArray()).toEqual([1, 0]);
    expect(to(tensor(new Int32Array([-5])), 'float32').toArray()).toEqual([-5]);
  });
  it('copies a strided view in row-major order', () => {
    expect(to(m23().t(), 'int32').toArray()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
  });
  it('rejects an unknown dtype', () => {
    expect(() => to(m23(), 'int16' as never)).toThrowError(/^to: unsupported dtype 'int16'/);
  });
});

describe('clone and contiguous', () => {
  it('clone always copies', () => {
    const x = m23();
    const y = clone(x);
    expect(y.data).not.toBe(x.data);
    expect(y.toArray()).toEqual(x.toArray());
    y.data[0] = 42;
    expect(x.data[0]).toBe(0);
  });
  it('contiguous is the identity on contiguous tensors and copies strided ones', () => {
    const x = m23();
    expect(contiguous(x)).toBe(x);
    const c = contiguous(x.t());
    expect(c.data).not.toBe(x.data);
    expect(c.strides).toEqual([2, 1]);
    expect(Array.from(c.data, Number)).toEqual([0, 3, 1, 4, 2, 5]);
  });
  it('clone keeps the dtype and respects the offset', () => {
    const x = narrow(tensor(new Int32Array([1, 2, 3, 4])), 0, 1, 2);
    const y = clone(x);
    expect(y.dtype).toBe('int32');
    expect(y.offset).toBe(0);
    expect(y.toArray()).toEqual([2, 3]);
  });
});

describe('reshape and view', () => {
  it('infers -1 and shares storage for contiguous input', () => {
    const x = arange(12);
    const y = reshape(x, [3, -1]);
    expect(y.shape).toEqual([3, 4]);
    expect(y.data).toBe(x.data);
    expect(reshape(x, [2, 2, -1]).shape).toEqual([2, 2, 3]);
  });
  it('views a non-contiguous tensor when strides allow (PyTorch computeStride)', () => {
    // a [4, 6] tensor narrowed to columns 0..3 is [4,3] with strides [6,1]; splitting dim 0 works
    const base = arange(24).reshape([4, 6]);
    const x = narrow(base, 1, 0, 3);
    const y = reshape(x, [2, 2, 3]);
    expect(y.data).toBe(base.data);
    expect(y.strides).toEqual([12, 6, 1]);
    expect(y.toArray()).toEqual([
      [
        [0, 1, 2],
        [6, 7, 8],
      ],
      [
        [12, 13, 14],
        [18, 19, 20],
      ],
    ]);
    // a transposed matrix can gain size-1 dimensions without copying
    const tt = m23().t();
    const z = view(tt, [3, 1, 2]);
    expect(z.data).toBe(tt.data);
    expect(z.toArray()).toEqual([[[0, 3]], [[1, 4]], [[2, 5]]]);
  });
  it('copies when no view exists', () => {
    const x = m23().t();
    const y = reshape(x, [6]);
    expect(y.data).not.toBe(x.data);
    expect(y.toArray()).toEqual([0, 3, 1, 4, 2, 5]);
  });
  it('handles 0-d and empty tensors', () => {
    const s = tensor(5);
    expect(reshape(s, [1, 1]).toArray()).toEqual([[5]]);
    expect(reshape(tensor([5]), []).toArray()).toBe(5);
    expect(reshape(zeros([0, 3]), [3, 0]).shape).toEqual([3, 0]);
    expect(reshape(zeros([2, 0]), [0, 5]).shape).toEqual([0, 5]);
  });
  it('computeViewStrides agrees with PyTorch on a few layouts', () => {
    // torch.empty(2,3,4).permute(1,0,2).view(3,8) is impossible; .view(3,2,2,2) works with strides (4,12,2,1)
    expect(computeViewStrides([3, 2, 4], [4, 12, 1], [3, 8])).toBeNull();
    expect(computeViewStrides([3, 2, 4], [4, 12, 1], [3, 2, 2, 2])).toEqual([4, 12, 2, 1]);
    // expanded tensors: torch.zeros(3,1).expand(3,4).view(3,2,2) -> strides (1,0,0)
    expect(computeViewStrides([3, 4], [1, 0], [3, 2, 2])).toEqual([1, 0, 0]);
    expect(computeViewStrides([3, 4], [1, 0], [12])).toBeNull();
  });
  it('names both shapes and the element count when the size is wrong', () => {
    expect(() => reshape(zeros([2, 3]), [4])).toThrowError(
      'reshape: shape [4] is invalid for input of size 6 (input [2,3])',
    );
    expect(() => reshape(zeros([2, 3]), [-1, 4])).toThrowError(
      'reshape: shape [-1,4] is invalid for input of size 6 (input [2,3])',
    );
    expect(() => view(zeros([2, 3]), [5])).toThrowError('view: shape [5] is invalid for input of size 6 (input [2,3])');
    expect(() => reshape(zeros([2, 3]), [4])).toThrowError(TorchletError);
  });
  it('rejects two -1, negative sizes and ambiguous empty shapes', () => {
    expect(() => reshape(zeros([2, 3]), [-1, -1])).toThrowError(/^reshape: only one dimension can be inferred/);
    expect(() => reshape(zeros([2, 3]), [-2, 3])).toThrowError(/^reshape: invalid shape dimension -2/);
    expect(() => reshape(zeros([2, 3]), [1.5, 4])).toThrowError(/^reshape: invalid shape dimension 1.5/);
    expect(() => reshape(zeros([0, 3]), [0, -1])).toThrowError(
      /^reshape: cannot reshape tensor of 0 elements into shape \[0,-1\] because the unspecified dimension size -1 can be any value and is ambiguous/,
    );
    expect(() => reshape(zeros([2, 3]), [0, -1])).toThrowError(
      /^reshape: shape \[0,-1\] is invalid for input of size 6/,
    );
  });
  it('view throws the PyTorch message when the layout does not allow a view', () => {
    expect(() => view(m23().t(), [6])).toThrowError(
      "view: view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces): input [3,2] with strides [1,3], view [6]. Use .reshape(...) instead.",
    );
  });
});

describe('t, transpose, permute', () => {
  it('t transposes 2-D and returns 0-D/1-D as views of themselves', () => {
    expect(t(m23()).toArray()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    const v = arange(3);
    const tv = t(v);
    expect(tv).not.toBe(v);
    expect(tv.data).toBe(v.data);
    expect(tv.toArray()).toEqual([0, 1, 2]);
    expect(t(tensor(7)).toArray()).toBe(7);
    expect(() => t(zeros([2, 3, 4]))).toThrowError(
      't: t() expects a tensor with <= 2 dimensions, but self is 3D (input [2,3,4])',
    );
  });
  it('transpose swaps shape and strides and accepts negative dims', () => {
    const x = zeros([2, 3, 4]);
    const y = transpose(x, 0, -1);
    expect(y.shape).toEqual([4, 3, 2]);
    expect(y.strides).toEqual([1, 4, 12]);
    expect(transpose(x, 1, 1).shape).toEqual([2, 3, 4]);
    expect(() => transpose(zeros([2, 3]), 0, 2)).toThrowError(
      /^transpose: dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)/,
    );
  });
  it('permute reorders and validates the permutation', () => {
    const x = arange(24).reshape([2, 3, 4]);
    const y = permute(x, [2, 0, -2]);
    expect(y.shape).toEqual([4, 2, 3]);
    expect(y.strides).toEqual([1, 12, 4]);
    expect(y.data).toBe(x.data);
    expect(() => permute(zeros([2, 3]), [0])).toThrowError(
      'permute: number of dims [0] (1) does not match the number of dimensions of the input (2) (input [2,3])',
    );
    expect(() => permute(zeros([2, 3]), [0, 0])).toThrowError('permute: duplicate dims are not allowed (dims [0,0])');
    expect(() => permute(zeros([2, 3]), [0, 2])).toThrowError(/^permute: dimension out of range/);
  });
});

describe('expand', () => {
  it('broadcasts size-1 and new leading dims with stride 0', () => {
    const x = tensor([[1], [2]]);
    const y = expand(x, [2, -1, 3]);
    expect(y.shape).toEqual([2, 2, 3]);
    expect(y.strides).toEqual([0, 1, 0]);
    expect(y.data).toBe(x.data);
    expect(y.toArray()).toEqual([
      [
        [1, 1, 1],
        [2, 2, 2],
      ],
      [
        [1, 1, 1],
        [2, 2, 2],
      ],
    ]);
    expect(expand(tensor(3), [2]).toArray()).toEqual([3, 3]);
  });
  it('errors name both shapes', () => {
    expect(() => expand(zeros([2, 3]), [3, 3])).toThrowError(
      'expand: the expanded size of the tensor (3) must match the existing size (2) at non-singleton dimension 0 (target [3,3], input [2,3])',
    );
    expect(() => expand(zeros([2, 3]), [3])).toThrowError(
      'expand: the number of sizes provided (1) must be greater or equal to the number of dimensions in the tensor (2) (target [3], input [2,3])',
    );
    expect(() => expand(zeros([2, 3]), [-1, 2, 3])).toThrowError(
      "expand: the expanded size -1 isn't allowed in a leading, non-existing dimension 0 (target [-1,2,3], input [2,3])",
    );
    expect(() => expand(zeros([2, 3]), [2, -2])).toThrowError(
      'expand: invalid size -2 at dimension 1 (target [2,-2], input [2,3])',
    );
  });
});

describe('squeeze, unsqueeze, flatten, narrow', () => {
  it('squeeze removes all size-1 dims or only the named ones', () => {
    const x = zeros([2, 1, 3, 1]);
    expect(squeeze(x).shape).toEqual([2, 3]);
    expect(squeeze(x, 1).shape).toEqual([2, 3, 1]);
    expect(squeeze(x, 0).shape).toEqual([2, 1, 3, 1]);
    expect(squeeze(x, [1, -1]).shape).toEqual([2, 3]);
    expect(squeeze(tensor(1), 0).shape).toEqual([]);
    expect(() => squeeze(zeros([2, 3]), 2)).toThrowError(
      /^squeeze: dimension out of range \(expected to be in range of \[-2, 1\]/,
    );
  });
  it('unsqueeze inserts at [-ndim-1, ndim] with PyTorch strides', () => {
    const x = zeros([2, 3]);
    expect(unsqueeze(x, 0).shape).toEqual([1, 2, 3]);
    expect(unsqueeze(x, 2).shape).toEqual([2, 3, 1]);
    expect(unsqueeze(x, -1).shape).toEqual([2, 3, 1]);
    expect(unsqueeze(x, -3).shape).toEqual([1, 2, 3]);
    expect(unsqueeze(x, 1).strides).toEqual([3, 3, 1]);
    expect(unsqueeze(x, 2).strides).toEqual([3, 1, 1]);
    expect(unsqueeze(tensor(1), 0).shape).toEqual([1]);
    expect(() => unsqueeze(x, 3)).toThrowError(
      /^unsqueeze: dimension out of range \(expected to be in range of \[-3, 2\], but got 3\)/,
    );
    expect(() => unsqueeze(tensor(1), 1)).toThrowError(/^unsqueeze: dimension out of range/);
  });
  it('flatten merges a range of dims (a view when possible)', () => {
    const x = arange(120).reshape([2, 3, 4, 5]);
    expect(flatten(x).shape).toEqual([120]);
    expect(flatten(x, 1, 2).shape).toEqual([2, 12, 5]);
    expect(flatten(x, 1, 2).data).toBe(x.data);
    expect(flatten(x, -2).shape).toEqual([2, 3, 20]);
    expect(flatten(x, 2, 2)).toBe(x);
    expect(flatten(tensor(4)).toArray()).toEqual([4]);
    expect(flatten(m23().t()).toArray()).toEqual([0, 3, 1, 4, 2, 5]);
    expect(() => flatten(x, 2, 1)).toThrowError(
      'flatten: startDim cannot come after endDim (startDim 2, endDim 1, input [2,3,4,5])',
    );
  });
  it('narrow slices one dim as a view', () => {
    const x = m23();
    const y = narrow(x, 1, 1, 2);
    expect(y.toArray()).toEqual([
      [1, 2],
      [4, 5],
    ]);
    expect(y.offset).toBe(1);
    expect(y.data).toBe(x.data);
    expect(narrow(x, -1, -2, 2).toArray()).toEqual([
      [1, 2],
      [4, 5],
    ]);
    expect(narrow(x, 0, 2, 0).shape).toEqual([0, 3]);
    expect(() => narrow(x, 1, 2, 2)).toThrowError(
      'narrow: start (2) + length (2) exceeds dimension size (3) (input [2,3], dim 1)',
    );
    expect(() => narrow(x, 1, 4, 0)).toThrowError(
      'narrow: start out of range (expected to be in range of [-3, 3], but got 4) (input [2,3], dim 1)',
    );
    expect(() => narrow(x, 1, 0, -1)).toThrowError(/^narrow: length must be a non-negative integer/);
    expect(() => narrow(tensor(1), 0, 0, 1)).toThrowError('narrow: narrow() cannot be applied to a 0-dim tensor');
  });
  it('views keep the dtype', () => {
    const x = new Tensor(new Uint8Array([1, 0, 1, 1]), [2, 2]);
    expect(x.dtype).toBe('bool');
    expect(t(x).dtype).toBe('bool');
    expect(reshape(x, [4]).toArray()).toEqual([true, false, true, true]);
  });
});

describe('empty views and size() (issue 18)', () => {
  it('an empty view is contiguous, as in PyTorch', () => {
    const x = zeros([3, 4]).t().narrow(0, 0, 0);
    expect(x.shape).toEqual([0, 3]);
    expect(x.isContiguous()).toBe(true);
  });
  it('size() rejects non-integer dims', () => {
    const x = zeros([2, 3]);
    expect(() => x.size(Number.NaN)).toThrowError(/^size: dimension out of range .* but got NaN/);
    expect(() => x.size(0.5)).toThrowError(TorchletError);
    expect(x.size(-1)).toBe(3);
  });
});
