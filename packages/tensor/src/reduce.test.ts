import { describe, expect, it } from 'vitest';
import {
  argmax,
  argmin,
  cumprod,
  cumsum,
  max,
  mean,
  min,
  prod,
  std,
  sum,
  Tensor,
  TorchletError,
  tensor,
  variance,
  zeros,
} from './index.js';

const x = () =>
  tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);

describe('sum', () => {
  it('reduces everything to a 0-d tensor, or the given dims', () => {
    expect(sum(x()).shape).toEqual([]);
    expect(sum(x()).item()).toBe(21);
    expect(sum(x(), 0).toArray()).toEqual([5, 7, 9]);
    expect(sum(x(), 1).toArray()).toEqual([6, 15]);
    expect(sum(x(), -1).toArray()).toEqual([6, 15]);
    expect(sum(x(), [0, 1]).item()).toBe(21);
    expect(sum(x(), [1, 0]).shape).toEqual([]);
  });
  it('keeps reduced dims with keepdim', () => {
    expect(sum(x(), 1, { keepdim: true }).toArray()).toEqual([[6], [15]]);
    expect(sum(x(), null, { keepdim: true }).toArray()).toEqual([[21]]);
    expect(sum(x(), [0, 1], { keepdim: true }).shape).toEqual([1, 1]);
  });
  it('treats an empty dim list as all dims, like PyTorch', () => {
    expect(sum(x(), []).item()).toBe(21);
  });
  it('reduces non-adjacent dims of a 3-D tensor', () => {
    const t = tensor([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    ]);
    expect(sum(t, [0, 2]).toArray()).toEqual([1 + 2 + 5 + 6, 3 + 4 + 7 + 8]);
    expect(sum(t, [0, 2], { keepdim: true }).shape).toEqual([1, 2, 1]);
    expect(sum(t, 1).toArray()).toEqual([
      [4, 6],
      [12, 14],
    ]);
  });
  it('gives int64 for int32, int64 and bool inputs (as PyTorch), keeps float dtypes', () => {
    expect(sum(tensor([true, true, false])).dtype).toBe('int64');
    expect(sum(tensor([true, true, false])).item()).toBe(2);
    expect(sum(tensor(new Int32Array([1, 2]))).dtype).toBe('int64');
    expect(sum(tensor([1n, 2n])).dtype).toBe('int64');
    expect(sum(tensor([1, 2], { dtype: 'float64' })).dtype).toBe('float64');
    expect(sum(x()).dtype).toBe('float32');
  });
  it('accumulates float32 in float64 before rounding once', () => {
    // 1 + 1e-8 * 1e4 is exactly representable as 1.0001 only with a wide accumulator.
    const data = new Float32Array(10001).fill(1e-8);
    data[0] = 1;
    expect(sum(tensor(data)).item()).toBe(Math.fround(1 + 1e4 * Math.fround(1e-8)));
  });
  it('handles 0-d and empty tensors', () => {
    expect(sum(tensor(3)).item()).toBe(3);
    expect(sum(tensor(3), 0).shape).toEqual([]);
    expect(sum(zeros([0])).item()).toBe(0);
    expect(sum(zeros([2, 0]), 1).toArray()).toEqual([0, 0]);
    expect(sum(zeros([0, 3]), 0).toArray()).toEqual([0, 0, 0]);
  });
  it('reads non-contiguous views', () => {
    // x.t() of [[1,2,3],[4,5,6]]
    const data = new Float32Array([1, 2, 3, 4, 5, 6]);
    const t = new Tensor(data, [3, 2], [1, 3], 0);
    expect(sum(t, 0).toArray()).toEqual([6, 15]);
    expect(sum(t, 1).toArray()).toEqual([5, 7, 9]);
  });
  it('rejects bad dims with named errors', () => {
    expect(() => sum(x(), [0, 0])).toThrowError('sum: dim 0 appears multiple times in the list of dims');
    expect(() => sum(x(), [1, -1])).toThrowError(/sum: dim 1 appears multiple times/);
    expect(() => sum(x(), 2)).toThrowError(
      /sum: dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)/,
    );
    expect(() => sum(x(), 2)).toThrowError(TorchletError);
  });
});

describe('mean', () => {
  it('averages over all or some dims', () => {
    expect(mean(x()).item()).toBe(3.5);
    expect(mean(x(), 0).toArray()).toEqual([2.5, 3.5, 4.5]);
    expect(mean(x(), [1], { keepdim: true }).toArray()).toEqual([[2], [5]]);
  });
  it('gives NaN for no elements, like PyTorch', () => {
    expect(mean(zeros([0])).item()).toBeNaN();
  });
  it('rejects integer tensors like PyTorch', () => {
    expect(() => mean(tensor(new Int32Array([1, 2])))).toThrowError(
      'mean: could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: int32',
    );
  });
});

const exact64 = (r: Tensor): bigint => (r.toTypedArray() as BigInt64Array)[0];

describe('prod', () => {
  it('multiplies all or along one dim', () => {
    expect(prod(x()).item()).toBe(720);
    expect(prod(x(), 0).toArray()).toEqual([4, 10, 18]);
    expect(prod(x(), 1, { keepdim: true }).toArray()).toEqual([[6], [120]]);
    expect(prod(zeros([0])).item()).toBe(1);
    expect(prod(tensor([true, false])).dtype).toBe('int64');
  });
  it('multiplies int32 into exact int64 in any layout, as torch.prod does', () => {
    // The product is about -3e16, past 2^53: a float64 running product would lose low bits and
    // give different answers for different element orders. PyTorch gives -30153269289268125.
    const v = [3, 11, 3, 15, 1, 19, 1, 7, 3, 1, 13, -1, -15, 9, -7, 17, 1, -19, 19, 5, 9, 5, 3, -1];
    const t = tensor(v, { dtype: 'int32' }).reshape([4, 3, 2]);
    expect(prod(t).dtype).toBe('int64');
    expect(exact64(prod(t))).toBe(-30153269289268125n);
    expect(exact64(prod(t.permute([2, 1, 0])))).toBe(-30153269289268125n);
    expect(exact64(prod(t.permute([2, 1, 0]).contiguous().flatten(), 0))).toBe(-30153269289268125n);
    expect(exact64(cumprod(t.flatten(), 0).get('-1'))).toBe(-30153269289268125n);
    // item() refuses a value it cannot represent exactly, and says where to read it
    expect(() => prod(t).item()).toThrowError(
      /^item: int64 value -30153269289268125 is beyond 2\^53.*toTypedArray\(\)/,
    );
  });
  it('wraps int64 products at 64 bits, as PyTorch', () => {
    expect(exact64(prod(tensor([2n ** 40n, 2n ** 40n])))).toBe(0n);
    expect(exact64(prod(tensor([2n ** 62n, 3n])))).toBe(-(2n ** 62n));
  });
  it('takes one dim only', () => {
    expect(() => prod(x(), [0, 1] as unknown as number)).toThrowError(/prod: expected one dimension/);
  });
});

describe('max / min / argmax / argmin', () => {
  const y = () =>
    tensor([
      [3, 7, 7],
      [9, 1, 1],
    ]);
  it('find values over all or one dim', () => {
    expect(max(y()).item()).toBe(9);
    expect(min(y()).item()).toBe(1);
    expect(max(y(), 1).toArray()).toEqual([7, 9]);
    expect(min(y(), 0).toArray()).toEqual([3, 1, 1]);
    expect(max(y(), 0, { keepdim: true }).toArray()).toEqual([[9, 7, 7]]);
    expect(max(y()).dtype).toBe('float32');
    expect(max(tensor([true, false])).dtype).toBe('bool');
    expect(max(tensor(new Int32Array([-5, -2]))).item()).toBe(-2);
  });
  it('return the first index of the extreme value as int64 (as PyTorch)', () => {
    expect(argmax(y()).item()).toBe(3);
    expect(argmax(y()).dtype).toBe('int64');
    expect(argmin(y(), 0).dtype).toBe('int64');
    expect(argmax(y(), 1).toArray()).toEqual([1, 0]);
    expect(argmin(y(), 1).toArray()).toEqual([0, 1]);
    expect(argmin(y()).item()).toBe(4);
    expect(argmax(y(), 0).toArray()).toEqual([1, 0, 0]);
    expect(argmax(y(), null, { keepdim: true }).shape).toEqual([1, 1]);
    expect(argmax(tensor(5)).item()).toBe(0);
  });
  it('propagate NaN: the value is NaN and the index is the first NaN', () => {
    const z = tensor([
      [1, NaN, 5, NaN],
      [0, 2, 4, 3],
    ]);
    expect(max(z).item()).toBeNaN();
    expect(min(z).item()).toBeNaN();
    expect(max(z, 1).toArray()).toEqual([NaN, 4]);
    expect(argmax(z, 1).toArray()).toEqual([1, 2]);
    expect(argmin(z, 1).toArray()).toEqual([1, 0]);
    expect(argmin(z).item()).toBe(1);
    // Along dim 0 (the strided inner-loop path).
    expect(max(z, 0).toArray()).toEqual([1, NaN, 5, NaN]);
    expect(argmin(z, 0).toArray()).toEqual([1, 0, 1, 0]);
  });
  it('reject empty reductions and bool argmax with named errors', () => {
    expect(() => max(zeros([0]))).toThrowError(/max: Expected reduction dim to be specified for input.numel\(\) == 0/);
    expect(() => min(zeros([0, 3]), 0)).toThrowError(
      /min: Expected reduction dim 0 to have non-zero size \(shape \[0,3\]\)/,
    );
    expect(max(zeros([0, 3]), 1).shape).toEqual([0]);
    expect(() => argmax(zeros([0]))).toThrowError(/argmax: Expected reduction dim to be specified/);
    expect(() => argmax(tensor([true]))).toThrowError(/argmax: not implemented for bool/);
  });
});

describe('variance / std', () => {
  it('use Bessel correction by default', () => {
    const v = tensor([1, 2, 3, 4], { dtype: 'float64' });
    expect(variance(v).item()).toBeCloseTo(5 / 3, 15);
    expect(variance(v, null, { correction: 0 }).item()).toBe(1.25);
    expect(std(v, 0, { correction: 0 }).item()).toBe(Math.sqrt(1.25));
    expect(
      std(
        tensor(
          [
            [1, 3],
            [5, 5],
          ],
          { dtype: 'float64' },
        ),
        1,
        { keepdim: true },
      ).toArray(),
    ).toEqual([[Math.SQRT2], [0]]);
    expect(
      variance(
        tensor(
          [
            [1, 3],
            [5, 7],
          ],
          { dtype: 'float64' },
        ),
        0,
      ).toArray(),
    ).toEqual([8, 8]);
  });
  it('gives NaN or inf when N <= correction, like PyTorch', () => {
    expect(variance(tensor([1])).item()).toBeNaN();
    expect(variance(tensor([1, 2]), null, { correction: 3 }).item()).toBe(Infinity);
  });
  it('rejects integer tensors', () => {
    expect(() => variance(tensor(new Int32Array([1, 2])))).toThrowError(/var: std and var only support floating point/);
    expect(() => std(tensor([true]))).toThrowError(/std: std and var only support floating point/);
  });
});

describe('cumsum / cumprod', () => {
  it('accumulate along a dim', () => {
    expect(cumsum(x(), 1).toArray()).toEqual([
      [1, 3, 6],
      [4, 9, 15],
    ]);
    expect(cumsum(x(), 0).toArray()).toEqual([
      [1, 2, 3],
      [5, 7, 9],
    ]);
    expect(cumsum(x(), -1).shape).toEqual([2, 3]);
    expect(cumprod(x(), 1).toArray()).toEqual([
      [1, 2, 6],
      [4, 20, 120],
    ]);
    expect(cumprod(x(), 0).toArray()).toEqual([
      [1, 2, 3],
      [4, 10, 18],
    ]);
  });
  it('give int64 for bool and int32 (as PyTorch) and keep 0-d tensors', () => {
    const c = cumsum(tensor([true, true, false]), 0);
    expect(c.dtype).toBe('int64');
    // int32 running sums do not wrap at 32 bits: PyTorch's [2147483647, 2147483652]
    expect(cumsum(tensor([2147483647, 5], { dtype: 'int32' }), 0).toArray()).toEqual([2147483647, 2147483652]);
    expect(c.toArray()).toEqual([1, 2, 2]);
    expect(cumsum(tensor(3), 0).toArray()).toBe(3);
  });
  it('read transposed views', () => {
    const t = new Tensor(new Float64Array([1, 2, 3, 4, 5, 6]), [3, 2], [1, 3], 0);
    expect(cumsum(t, 0).toArray()).toEqual([
      [1, 4],
      [3, 9],
      [6, 15],
    ]);
  });
  it('reject a bad dim', () => {
    expect(() => cumsum(x(), 2)).toThrowError(/cumsum: dimension out of range/);
  });
});

describe('sum and mean of expanded views, int32 overflow (issue 18)', () => {
  it('reduce an expanded view without materialising it', () => {
    const base = tensor([1, 2, 3]);
    // 2^20 x 2^20 x 3 elements: far over the allocation limit, so any copy would throw.
    const huge = base.expand([2 ** 20, 2 ** 20, 3]);
    expect(sum(huge).item()).toBe(6 * 2 ** 40);
    expect(mean(huge).item()).toBe(2);
    expect(sum(huge, [0, 1]).toArray()).toEqual([2 ** 40, 2 * 2 ** 40, 3 * 2 ** 40]);
    expect(mean(huge, [0, 1], { keepdim: true }).shape).toEqual([1, 1, 3]);
    const small = tensor([[1], [2]]).expand([2, 3]);
    expect(sum(small, 1).toArray()).toEqual([3, 6]);
    expect(sum(small, 0).toArray()).toEqual([3, 3, 3]);
    expect(sum(small, 0, { keepdim: true }).toArray()).toEqual([[3, 3, 3]]);
    expect(mean(small, 0).toArray()).toEqual([1.5, 1.5, 1.5]);
    expect(sum(tensor([5], { dtype: 'int32' }).expand([4]), 0).toArray()).toEqual(20);
  });
  it('int32 sums go to int64 and do not overflow, as PyTorch', () => {
    const x = tensor([2147483647, 1], { dtype: 'int32' });
    expect(sum(x).item()).toBe(2147483648);
    expect(sum(tensor([2147483647, -1], { dtype: 'int32' })).item()).toBe(2147483646);
    expect(sum(tensor([2 ** 30], { dtype: 'int32' }).expand([4])).item()).toBe(4294967296);
    // over 2^22 copies of 2^31 - 1 the float64 shortcut would round: exact in BigInt
    const many = tensor([2147483647], { dtype: 'int32' }).expand([2 ** 23 + 1]);
    expect((sum(many).toTypedArray() as BigInt64Array)[0]).toBe(2147483647n * (2n ** 23n + 1n));
  });
  it('int64 sums wrap at 64 bits, as PyTorch', () => {
    expect((sum(tensor([2n ** 62n, 2n ** 62n])).toTypedArray() as BigInt64Array)[0]).toBe(-(2n ** 63n));
  });
});
