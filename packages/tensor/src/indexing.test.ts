import { describe, expect, it } from 'vitest';
import { ones, tensor, zeros } from './create.js';
import { TorchletError } from './errors.js';
import { get, set, slice } from './indexing.js';
import { Tensor } from './tensor.js';

// 3x8 matrix 0..23, built without views.ts so these tests stand alone.
const grid = (): Tensor =>
  tensor(
    Array.from({ length: 24 }, (_, i) => i),
    { shape: [3, 8] },
  );

describe('get: basic indexing as views (hand-checked against PyTorch)', () => {
  it('X[:, 2:6]', () => {
    const v = get(grid(), ':, 2:6');
    expect(v.shape).toEqual([3, 4]);
    expect(v.toArray()).toEqual([
      [2, 3, 4, 5],
      [10, 11, 12, 13],
      [18, 19, 20, 21],
    ]);
  });
  it('X[..., -1] and X[-1]', () => {
    expect(get(grid(), '..., -1').toArray()).toEqual([7, 15, 23]);
    expect(get(grid(), '-1').toArray()).toEqual([16, 17, 18, 19, 20, 21, 22, 23]);
    expect(get(grid(), -1).toArray()).toEqual([16, 17, 18, 19, 20, 21, 22, 23]);
  });
  it('X[::2, 1] and X[1, ::3]', () => {
    expect(get(grid(), '::2, 1').toArray()).toEqual([1, 17]);
    expect(get(grid(), '1, ::3').toArray()).toEqual([8, 11, 14]);
  });
  it('X[None, :] and X[:, None] insert size-1 axes', () => {
    expect(get(grid(), 'None, :').shape).toEqual([1, 3, 8]);
    expect(get(grid(), ':, None').shape).toEqual([3, 1, 8]);
    expect(get(grid(), '..., None').shape).toEqual([3, 8, 1]);
    expect(get(grid(), 'None, 0, None, 2').toArray()).toEqual([[2]]);
  });
  it('X[1] and X[1, 2] (0-d result)', () => {
    expect(get(grid(), '1').toArray()).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
    const s = get(grid(), '1, 2');
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(10);
  });
  it('structured index with slice(), null, integers and ...', () => {
    const v = get(grid(), [null, slice(0, 2), 0, '...']);
    expect(v.shape).toEqual([1, 2]);
    expect(v.toArray()).toEqual([[0, 8]]);
    expect(get(grid(), [slice(null, null, 2), slice(-3)]).toArray()).toEqual([
      [5, 6, 7],
      [21, 22, 23],
    ]);
    expect(get(grid(), []).shape).toEqual([3, 8]);
  });
  it('slices clamp like Python', () => {
    const x = grid();
    expect(get(x, '0, 5:100').toArray()).toEqual([5, 6, 7]);
    expect(get(x, '0, -100:2').toArray()).toEqual([0, 1]);
    expect(get(x, '0, 6:2').shape).toEqual([0]);
    expect(get(x, '0, 9:').shape).toEqual([0]);
    expect(get(x, '0, -2:-5').shape).toEqual([0]);
    expect(get(x, '0, 1:7:4').toArray()).toEqual([1, 5]);
    expect(get(x, '0, 1:8:4').toArray()).toEqual([1, 5]);
  });
  it('tolerates spaces and a trailing comma, as Python does', () => {
    expect(get(grid(), ' 1 ,  2 : 4 ').toArray()).toEqual([10, 11]);
    expect(get(grid(), '1,').shape).toEqual([8]);
  });
  it('is zero-copy: views share storage and see later writes', () => {
    const x = grid();
    const v = get(x, '1:, 2:6');
    expect(v.data).toBe(x.data);
    expect(v.offset).toBe(10);
    expect(v.strides).toEqual([8, 1]);
    x.data[10] = 100;
    expect((v.toArray() as number[][])[0][0]).toBe(100);
  });
  it('indexes non-contiguous tensors (a transposed layout)', () => {
    const x = grid();
    const xt = new Tensor(x.data, [8, 3], [1, 8], 0); // x.t()
    expect(get(xt, '2:4, -1').toArray()).toEqual([18, 19]);
    expect(get(get(xt, '::2'), '1:3, 1').toArray()).toEqual([10, 12]);
  });
  it('works on 0-d tensors with ... and None', () => {
    const s = tensor([5], { shape: [] });
    expect(get(s, '...').item()).toBe(5);
    expect(get(s, 'None').shape).toEqual([1]);
  });
  it('keeps dtype', () => {
    expect(get(tensor([1, 2, 3], { dtype: 'int32' }), '1:').dtype).toBe('int32');
  });
  it('Tensor.get delegates here', () => {
    expect(grid().get(':, 7').toArray()).toEqual([7, 15, 23]);
  });
});

describe('get: errors name the index, dimension and shape', () => {
  it('out of range integers', () => {
    const x = zeros([3, 4]);
    expect(() => get(x, 5)).toThrowError('get: index 5 is out of bounds for dimension 0 with size 3 (shape [3,4])');
    expect(() => get(x, ':, -5')).toThrowError(
      'get: index -5 is out of bounds for dimension 1 with size 4 (shape [3,4])',
    );
    expect(() => get(x, '..., 4')).toThrowError(/index 4 is out of bounds for dimension 1 with size 4/);
    expect(() => get(x, 3)).toThrowError(TorchletError);
  });
  it('too many indices', () => {
    expect(() => get(zeros([3, 4]), '1, 2, 3')).toThrowError(
      "get: too many indices for tensor of dimension 2: got 3 in '1, 2, 3' (shape [3,4])",
    );
    expect(() => get(tensor([1], { shape: [] }), '0')).toThrowError(/too many indices for tensor of dimension 0/);
    expect(() => get(zeros([2]), [0, 0])).toThrowError(
      /too many indices for tensor of dimension 1: got 2 \(shape \[2\]\)/,
    );
  });
  it('malformed strings are quoted', () => {
    const x = zeros([3, 4]);
    expect(() => get(x, '1:2:3:4')).toThrowError(
      "get: cannot parse index '1:2:3:4': '1:2:3:4' has more than two colons",
    );
    expect(() => get(x, 'a')).toThrowError(
      "get: cannot parse index 'a': 'a' is not an integer, a slice, 'None' or '...'",
    );
    expect(() => get(x, '1.5')).toThrowError(/cannot parse index '1.5'/);
    expect(() => get(x, 'x:2')).toThrowError("get: cannot parse index 'x:2': 'x' is not an integer in 'x:2'");
    expect(() => get(x, '::0')).toThrowError("get: slice step cannot be zero (in '::0')");
    expect(() => get(x, '')).toThrowError(/get: cannot parse index '': the index is empty/);
    expect(() => get(x, '1,,2')).toThrowError(/cannot parse index '1,,2': empty entry/);
  });
  it('negative steps are rejected like PyTorch', () => {
    expect(() => get(zeros([3, 4]), '-1, ::-1')).toThrowError("get: step must be greater than zero (in '-1, ::-1')");
    expect(() => get(zeros([3]), [slice(null, null, -1)])).toThrowError(
      'get: step must be greater than zero (in index item 0)',
    );
  });
  it('bad structured items', () => {
    const x = zeros([3, 4]);
    expect(() => get(x, 1.5)).toThrowError('get: an integer index must be an integer, got 1.5');
    expect(() => get(x, [0.5])).toThrowError('get: index item 0 must be an integer, got 0.5');
    expect(() => get(x, [':' as never])).toThrowError(
      "get: index item 0 must be an integer, slice(...), null or '...', got ':'",
    );
    expect(get(x, [null, '...', '...']).shape).toEqual([1, 3, 4]);
    expect(() => slice(0.5)).toThrowError('slice: slice bounds must be integers or null, got start 0.5');
    expect(() => get(x, {} as never)).toThrowError(/get: expected a string, an integer or an array/);
  });
});

describe('set: in-place assignment through the view', () => {
  it('d2l: X = ones(6, 8); X[:, 2:6] = 0', () => {
    const X = ones([6, 8]);
    const v0 = X.version;
    set(X, ':, 2:6', 0);
    expect(X.version).toBe(v0 + 1);
    const row = [1, 1, 0, 0, 0, 0, 1, 1];
    expect(X.toArray()).toEqual([row, row, row, row, row, row]);
  });
  it('broadcasts a tensor to the region (rows, columns, leading 1s)', () => {
    const x = zeros([3, 4]);
    set(x, ':, 1:3', tensor([7, 8]));
    expect(x.toArray()).toEqual([
      [0, 7, 8, 0],
      [0, 7, 8, 0],
      [0, 7, 8, 0],
    ]);
    set(x, '::2, ...', tensor([[1], [2]]));
    expect(x.toArray()).toEqual([
      [1, 1, 1, 1],
      [0, 7, 8, 0],
      [2, 2, 2, 2],
    ]);
    set(x, '1', tensor([[[5, 6, 7, 8]]])); // [1,1,4] into [4]: leading 1s dropped
    expect(x.toArray()).toEqual([
      [1, 1, 1, 1],
      [5, 6, 7, 8],
      [2, 2, 2, 2],
    ]);
    set(x, '0, 0', tensor([9], { shape: [] }));
    expect((x.toArray() as number[][])[0]).toEqual([9, 1, 1, 1]);
  });
  it('rejects values that do not broadcast, naming both shapes', () => {
    const x = zeros([3, 4]);
    expect(() => set(x, ':, 2:6', tensor([1, 2, 3]))).toThrowError(
      'set: value of shape [3] cannot be broadcast to the indexed region of shape [3,2] (tensor shape [3,4])',
    );
    expect(() => set(x, '0', zeros([2, 4]))).toThrowError(
      /value of shape \[2,4\] cannot be broadcast to the indexed region of shape \[4\]/,
    );
    expect(() => set(x, '0', 'a' as never)).toThrowError('set: expected a number, a boolean or a tensor, got string');
    expect(() => set(x, '7', 1)).toThrowError(
      'set: index 7 is out of bounds for dimension 0 with size 3 (shape [3,4])',
    );
    expect(x.version).toBe(0);
  });
  it('casts to the target dtype', () => {
    const i = zeros([3], { dtype: 'int32' });
    set(i, ':', tensor([1.7, -2.7, 3.2], { dtype: 'float64' }));
    expect(i.toArray()).toEqual([1, -2, 3]);
    set(i, '0', 9.9);
    expect(i.toArray()).toEqual([9, -2, 3]);
    const b = zeros([4], { dtype: 'bool' });
    set(b, ':', tensor([0, 0.5, 256, Number.NaN]));
    expect(b.toArray()).toEqual([false, true, true, true]);
    set(b, '0', 3);
    expect(b.toArray()).toEqual([true, true, true, true]);
    const f = zeros([1]);
    set(f, '0', 0.1);
    expect(f.data[0]).toBe(Math.fround(0.1));
    set(f, '0', true);
    expect(f.data[0]).toBe(1);
  });
  it('copies an overlapping value first (x[1:] = x[:-1] shifts right)', () => {
    const x = tensor([0, 1, 2, 3, 4]);
    set(x, '1:', get(x, ':-1'));
    expect(x.toArray()).toEqual([0, 0, 1, 2, 3]);
    const y = tensor([0, 1, 2, 3, 4]);
    set(y, ':-1', get(y, '1:'));
    expect(y.toArray()).toEqual([1, 2, 3, 4, 4]);
    // a transposed view of itself: in-place transpose of a square matrix
    const m = tensor([1, 2, 3, 4], { shape: [2, 2] });
    set(m, '...', new Tensor(m.data, [2, 2], [1, 2], 0));
    expect(m.toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });
  it('writes through a non-contiguous target and into the base storage', () => {
    const x = grid();
    const xt = new Tensor(x.data, [8, 3], [1, 8], 0);
    set(xt, '::4, 1:', -1);
    expect(x.toArray()).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7],
      [-1, 9, 10, 11, -1, 13, 14, 15],
      [-1, 17, 18, 19, -1, 21, 22, 23],
    ]);
    const v = get(x, '0');
    set(v, '2:4', tensor([50, 60]));
    expect((x.toArray() as number[][])[0]).toEqual([0, 1, 50, 60, 4, 5, 6, 7]);
    expect(x.version).toBe(2);
  });
  it('an empty region still counts as one write', () => {
    const x = zeros([3]);
    set(x, '2:1', 5);
    expect(x.toArray()).toEqual([0, 0, 0]);
    expect(x.version).toBe(1);
  });
  it('0-d tensors', () => {
    const s = tensor([1], { shape: [] });
    set(s, '...', 4);
    expect(s.item()).toBe(4);
  });
  it('Tensor.set delegates here and returns the tensor', () => {
    const x = zeros([2, 2]);
    expect(x.set('0', 1).toArray()).toEqual([
      [1, 1],
      [0, 0],
    ]);
  });
});

describe('several ellipses, as PyTorch (issue 18)', () => {
  // Expected shapes and values from PyTorch 1.13 on arange(24).reshape(2, 3, 4).
  const x = tensor(
    Array.from({ length: 24 }, (_, i) => i),
    { shape: [2, 3, 4] },
  );
  it('each stands for ndim minus the integers and slices', () => {
    expect(get(x, '..., 0, ...').toArray()).toEqual([
      [0, 4, 8],
      [12, 16, 20],
    ]);
    expect(get(x, '0, ..., ...').shape).toEqual([3, 4]);
    expect(get(x, '..., ...').shape).toEqual([2, 3, 4]);
    expect(() => get(x, '..., 1, ..., 2')).toThrowError(/index 2 is out of bounds for dimension 3 with size 0/);
  });
});
