import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allclose, arange, cat, chunk, equal, split, stack, Tensor, TorchletError, tensor, zeros } from './index.js';

// The forum example: two 3x3 tensors, stacked versus concatenated.
const T1 = () =>
  tensor([
    [1, 2, 3],
    [4, 5, 6],
    [7, 8, 9],
  ]);
const T2 = () =>
  tensor([
    [10, 20, 30],
    [40, 50, 60],
    [70, 80, 90],
  ]);

describe('stack vs cat (forum example)', () => {
  it('stack adds a new dim, cat grows an existing one', () => {
    const s0 = stack([T1(), T2()]);
    expect(s0.shape).toEqual([2, 3, 3]);
    expect(s0.toArray()).toEqual([T1().toArray(), T2().toArray()]);
    const c0 = cat([T1(), T2()]);
    expect(c0.shape).toEqual([6, 3]);
    expect(c0.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
      [10, 20, 30],
      [40, 50, 60],
      [70, 80, 90],
    ]);
    const s1 = stack([T1(), T2()], 1);
    expect(s1.shape).toEqual([3, 2, 3]);
    expect(s1.toArray()).toEqual([
      [
        [1, 2, 3],
        [10, 20, 30],
      ],
      [
        [4, 5, 6],
        [40, 50, 60],
      ],
      [
        [7, 8, 9],
        [70, 80, 90],
      ],
    ]);
    const c1 = cat([T1(), T2()], 1);
    expect(c1.shape).toEqual([3, 6]);
    expect(c1.toArray()).toEqual([
      [1, 2, 3, 10, 20, 30],
      [4, 5, 6, 40, 50, 60],
      [7, 8, 9, 70, 80, 90],
    ]);
  });
  it('stack at the last and negative dims', () => {
    expect(stack([T1(), T2()], 2).toArray()).toEqual([
      [
        [1, 10],
        [2, 20],
        [3, 30],
      ],
      [
        [4, 40],
        [5, 50],
        [6, 60],
      ],
      [
        [7, 70],
        [8, 80],
        [9, 90],
      ],
    ]);
    expect(stack([T1(), T2()], -1).shape).toEqual([3, 3, 2]);
    expect(stack([tensor(1), tensor(2)]).toArray()).toEqual([1, 2]);
  });
});

describe('stack', () => {
  it('promotes dtypes and reads non-contiguous inputs', () => {
    const f = tensor([1.5, 2.5], { dtype: 'float64' });
    const i = tensor(new Int32Array([3, 4]));
    const r = stack([i, f, tensor([true, false])]);
    expect(r.dtype).toBe('float64');
    expect(r.toArray()).toEqual([
      [3, 4],
      [1.5, 2.5],
      [1, 0],
    ]);
    const tr = new Tensor(new Float32Array([1, 2, 3, 4]), [2, 2], [1, 2], 0); // [[1,3],[2,4]]
    expect(stack([tr, tr], 1).toArray()).toEqual([
      [
        [1, 3],
        [1, 3],
      ],
      [
        [2, 4],
        [2, 4],
      ],
    ]);
  });
  it('names every shape when shapes differ', () => {
    expect(() => stack([zeros([2, 3]), zeros([2, 3]), zeros([2, 4])])).toThrowError(
      'stack: expects each tensor to be equal size, but got [2,3] at entry 0 and [2,4] at entry 2 (shapes [2,3], [2,3], [2,4])',
    );
    expect(() => stack([])).toThrowError('stack: expected a non-empty list of tensors');
    expect(() => stack([zeros([2])], 2)).toThrowError(
      /stack: dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)/,
    );
  });
});

describe('cat', () => {
  it('joins along any dim with different sizes there', () => {
    const a = tensor([[1], [2]]);
    const b = tensor([
      [3, 4],
      [5, 6],
    ]);
    expect(cat([a, b], 1).toArray()).toEqual([
      [1, 3, 4],
      [2, 5, 6],
    ]);
    expect(cat([a, b], -1).shape).toEqual([2, 3]);
    expect(cat([zeros([0, 2]), b]).toArray()).toEqual([
      [3, 4],
      [5, 6],
    ]);
  });
  it('skips legacy 1-D empty tensors and promotes dtypes', () => {
    expect(cat([T1(), zeros([0])]).shape).toEqual([3, 3]);
    expect(cat([zeros([0]), zeros([0])]).shape).toEqual([0]);
    const r = cat([tensor(new Int32Array([1])), tensor([true])]);
    expect(r.dtype).toBe('int32');
    expect(r.toArray()).toEqual([1, 1]);
  });
  it('rejects mismatched shapes, ranks and 0-d tensors', () => {
    expect(() => cat([zeros([2, 3]), zeros([3, 4])])).toThrowError(
      'cat: sizes of tensors must match except in dimension 0, but got [2,3] and [3,4] (shapes [2,3], [3,4])',
    );
    expect(() => cat([zeros([2, 3]), zeros([3])])).toThrowError(
      'cat: tensors must have the same number of dimensions: got 2 and 1 (shapes [2,3], [3])',
    );
    expect(() => cat([tensor(1)])).toThrowError('cat: zero-dimensional tensor (at position 0) cannot be concatenated');
    expect(() => cat([])).toThrowError(TorchletError);
  });
});

describe('split / chunk', () => {
  it('split by size gives views with a smaller last chunk', () => {
    const x = tensor(
      Array.from({ length: 10 }, (_, i) => i),
      { shape: [5, 2] },
    );
    const parts = split(x, 2);
    expect(parts.map((p) => p.shape)).toEqual([
      [2, 2],
      [2, 2],
      [1, 2],
    ]);
    expect(parts[2].toArray()).toEqual([[8, 9]]);
    expect(parts[1].data).toBe(x.data); // a view
    expect(split(x, 1, 1).map((p) => p.toArray())).toEqual([
      [[0], [2], [4], [6], [8]],
      [[1], [3], [5], [7], [9]],
    ]);
    expect(split(x, 7).map((p) => p.shape)).toEqual([[5, 2]]);
    expect(split(zeros([0]), 0).map((p) => p.shape)).toEqual([[0]]);
  });
  it('split by sizes', () => {
    const parts = split(arange(6), [1, 0, 5]);
    expect(parts.map((p) => p.toArray())).toEqual([[0], [], [1, 2, 3, 4, 5]]);
  });
  it('split rejects bad sizes with named errors', () => {
    expect(() => split(arange(5), 0)).toThrowError(
      'split: splitSize can only be 0 if dimension size is 0, but got dimension size of 5 (shape [5])',
    );
    expect(() => split(arange(5), -1)).toThrowError(
      /split: expects splitSize to be a non-negative integer, but got -1/,
    );
    expect(() => split(arange(5), [2, 2])).toThrowError(
      "split: expects split sizes to sum exactly to 5 (input's size at dimension 0, shape [5]), but got split sizes [2,2]",
    );
    expect(() => split(tensor(1), 1)).toThrowError(/split: split expects at least a 1-dimensional tensor/);
  });
  it('chunk follows PyTorch for the last chunk', () => {
    expect(chunk(arange(5), 4).map((p) => p.toArray())).toEqual([[0, 1], [2, 3], [4]]);
    expect(chunk(arange(6), 3).map((p) => p.toArray())).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    expect(chunk(arange(2), 5).map((p) => p.toArray())).toEqual([[0], [1]]);
    expect(chunk(zeros([0]), 3).map((p) => p.shape)).toEqual([[0], [0], [0]]);
    expect(chunk(T1(), 2, 1).map((p) => p.toArray())).toEqual([
      [
        [1, 2],
        [4, 5],
        [7, 8],
      ],
      [[3], [6], [9]],
    ]);
    expect(() => chunk(arange(5), 0)).toThrowError('chunk: expects chunks to be an integer greater than 0, got: 0');
  });
  it('split then cat gives back the input, for views too', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 8 }),
        fc.boolean(),
        (n, m, size, transposed) => {
          const base = tensor(
            Array.from({ length: n * m }, (_, i) => i),
            { shape: [n, m] },
          );
          const x = transposed ? new Tensor(base.data, [m, n], [1, m], 0) : base;
          const parts = split(x, size, transposed ? 1 : 0);
          const back = cat(parts, transposed ? 1 : 0);
          expect(back.toArray()).toEqual(x.toArray());
          for (const p of parts.slice(0, -1)) expect(p.shape[transposed ? 1 : 0]).toBe(size);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('equal / allclose', () => {
  it('equal needs the same shape and values', () => {
    expect(equal(T1(), T1())).toBe(true);
    expect(equal(T1(), T2())).toBe(false);
    expect(equal(tensor([1, 2]), tensor([[1, 2]]))).toBe(false);
    expect(equal(tensor([NaN]), tensor([NaN]))).toBe(false);
    expect(equal(tensor(new Int32Array([1])), tensor([1]))).toBe(true);
    const tr = new Tensor(new Float32Array([1, 4, 7, 2, 5, 8, 3, 6, 9]), [3, 3], [1, 3], 0);
    expect(equal(tr, T1())).toBe(true);
  });
  it('allclose uses |a - b| <= atol + rtol * |b| with broadcasting', () => {
    expect(allclose(tensor([1, 2]), tensor([1, 2.00001]))).toBe(true);
    expect(allclose(tensor([1, 2]), tensor([1, 2.0001]))).toBe(false);
    expect(allclose(tensor([100]), tensor([101]), { rtol: 0.01 })).toBe(true);
    expect(allclose(tensor([0]), tensor([1e-9]))).toBe(true);
    expect(allclose(tensor([0]), tensor([1e-7]))).toBe(false);
    expect(allclose(tensor([0]), tensor([1e-7]), { atol: 1e-6 })).toBe(true);
    // [2] vs [2,1] broadcast to [2,2]
    expect(allclose(tensor([1, 2]), tensor([[1], [2]]))).toBe(false);
    expect(allclose(tensor([2, 2]), tensor([[2], [2]]))).toBe(true);
    expect(() => allclose(zeros([2]), zeros([3]))).toThrowError(/allclose: shapes \[2\] and \[3\] do not broadcast/);
  });
  it('allclose treats infinities and NaN like PyTorch', () => {
    expect(allclose(tensor([Infinity]), tensor([Infinity]))).toBe(true);
    expect(allclose(tensor([Infinity]), tensor([-Infinity]))).toBe(false);
    expect(allclose(tensor([Infinity]), tensor([1e38]), { rtol: 10 })).toBe(false);
    expect(allclose(tensor([NaN]), tensor([NaN]))).toBe(false);
    expect(allclose(tensor([NaN]), tensor([NaN]), { equalNan: true })).toBe(true);
    expect(allclose(tensor([NaN]), tensor([1]), { equalNan: true })).toBe(false);
  });
  it('allclose rejects mixed dtypes like PyTorch', () => {
    expect(() => allclose(zeros([2]), zeros([2], { dtype: 'float64' }))).toThrowError(
      'allclose: expected both tensors to have the same dtype, but got float32 and float64 (shapes [2] and [2])',
    );
  });
});
