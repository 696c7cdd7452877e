import { describe, expect, it } from 'vitest';
import {
  arange,
  eye,
  fromStorage,
  full,
  getMaxElements,
  linspace,
  ones,
  setMaxElements,
  setThreads,
  TorchletError,
  tensor,
  zeros,
} from './index.js';

describe('tensor()', () => {
  it('infers shape and defaults to float32, as torch.tensor does for JS numbers', () => {
    const x = tensor([[1, -1]]);
    expect(x.shape).toEqual([1, 2]);
    expect(x.dtype).toBe('float32');
    expect(x.toArray()).toEqual([[1, -1]]);
  });
  it('gives bool for nested booleans and keeps a typed array dtype', () => {
    expect(tensor([true, false]).dtype).toBe('bool');
    expect(tensor(new Int32Array([1, 2])).dtype).toBe('int32');
  });
  it('rejects ragged input with a named error', () => {
    expect(() => tensor([[1, 2], [3]])).toThrowError(/tensor: ragged nested array/);
    expect(() => tensor([[1, 2], [3]])).toThrowError(TorchletError);
  });
  it('reshapes flat data with options.shape and checks its size', () => {
    expect(tensor([1, 2, 3, 4], { shape: [2, 2] }).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrowError(/shape \[2,2\] holds 4 elements but data has 3/);
  });
});

describe('creation', () => {
  it('zeros/ones/full/eye', () => {
    expect(zeros([2, 1]).toArray()).toEqual([[0], [0]]);
    expect(ones([2]).toArray()).toEqual([1, 1]);
    expect(full([1, 2], 3, { dtype: 'int32' }).toArray()).toEqual([[3, 3]]);
    expect(eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(() => zeros([2, -1])).toThrowError(/zeros: sizes must be non-negative integers, got \[2,-1\]/);
  });
  it('arange and linspace match PyTorch', () => {
    expect(arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(5, 1, -2).toArray()).toEqual([5, 3]);
    expect(linspace(-1, 1, 5).toArray()).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(() => arange(0, 1, 0)).toThrowError(/arange: step must be/);
  });
  it('fromStorage shares memory', () => {
    const data = new Float32Array(4);
    const x = fromStorage(data, [2, 2]);
    data[3] = 7;
    expect(x.toArray()).toEqual([
      [0, 0],
      [0, 7],
    ]);
  });
});

describe('storage, layouts and sizes are checked (issue 18)', () => {
  it('fromStorage rejects layouts that reach outside the storage, and bad offsets', () => {
    const data = new Float32Array(6);
    expect(() => fromStorage(data, [2, 3], { strides: [100, 1] })).toThrowError(
      'fromStorage: shape [2,3] with strides [100,1] at offset 0 reaches elements 0 to 102, but the storage has 6',
    );
    expect(() => fromStorage(data, [2, 3], { strides: [-3, 1] })).toThrowError(/reaches elements -3 to 2/);
    for (const offset of [-5, Number.NaN, 0.5]) {
      expect(() => fromStorage(data, [2], { offset })).toThrowError(
        /^fromStorage: offset must be a non-negative integer/,
      );
    }
    expect(() => fromStorage(data, [2, 3], { strides: [1] })).toThrowError(/expected 2 integer strides/);
    expect(() => fromStorage(data, [2, 3], { offset: 1 })).toThrowError(/needs 6 elements but data has 6/);
    // In range: a transposed view and a view ending exactly at the last element.
    expect(fromStorage(data, [3, 2], { strides: [1, 3] }).shape).toEqual([3, 2]);
    expect(fromStorage(new Float32Array([1, 2, 3]), [2], { offset: 1 }).toArray()).toEqual([2, 3]);
    expect(fromStorage(data, [0, 5], { strides: [100, 1], offset: 6 }).numel).toBe(0);
  });

  it('only the five storage types are storage; other typed arrays convert by value', () => {
    expect(() => fromStorage(new Uint16Array([1, 2, 300]) as unknown as Float32Array, [3])).toThrowError(
      /^fromStorage: expected a Float32Array, Float64Array, Int32Array, BigInt64Array or Uint8Array \(bool\), got Uint16Array\(3\)/,
    );
    const u16 = tensor(new Uint16Array([1, 2, 300]) as unknown as Float32Array);
    expect(u16.dtype).toBe('int32');
    expect(u16.toArray()).toEqual([1, 2, 300]);
    expect(tensor(new Uint8ClampedArray([0, 255]) as unknown as Float32Array).toArray()).toEqual([0, 255]);
    // BigInt64Array is int64 storage; converting it to int32 checks the range as torch.tensor does
    expect(tensor(new BigInt64Array([3n, -4n])).toArray()).toEqual([3, -4]);
    expect(tensor(new BigInt64Array([3n, -4n])).dtype).toBe('int64');
    expect(tensor(new BigUint64Array([3n]) as unknown as BigInt64Array).dtype).toBe('int64');
    expect(() => tensor(new BigUint64Array([2n ** 63n]) as unknown as BigInt64Array)).toThrowError(
      /^tensor: value cannot be converted to type int64 without overflow/,
    );
    expect(() => tensor([2n ** 40n], { dtype: 'int32' })).toThrowError(
      /^tensor: value cannot be converted to type int32 without overflow/,
    );
    expect(() => tensor(new Uint32Array([2 ** 32 - 1]) as unknown as Float32Array)).toThrowError(TorchletError);
  });

  it('detached buffers are an error, never NaN data', () => {
    const data = new Float32Array([1, 2]);
    structuredClone(data.buffer, { transfer: [data.buffer] });
    expect(() => tensor(data)).toThrowError(/^tensor: the Float32Array's ArrayBuffer is detached/);
    expect(() => fromStorage(data, [0])).toThrowError(/^fromStorage: the Float32Array's ArrayBuffer is detached/);
  });

  it('int32 values that int32 cannot hold are refused, as PyTorch', () => {
    const message = /value cannot be converted to type int32 without overflow/;
    expect(() => tensor([Number.NaN], { dtype: 'int32' })).toThrowError(message);
    expect(() => tensor([2 ** 31], { dtype: 'int32' })).toThrowError(message);
    expect(() => full([1], 3e9, { dtype: 'int32' })).toThrowError(/^full: value cannot be converted/);
    expect(() => full([1], Number.NEGATIVE_INFINITY, { dtype: 'int32' })).toThrowError(message);
    expect(tensor([2.7, -2.7, -(2 ** 31)], { dtype: 'int32' }).toArray()).toEqual([2, -2, -(2 ** 31)]);
    // A dtype conversion of a tensor keeps PyTorch's cast semantics.
    expect(tensor([Number.NaN]).to('int32').toArray()).toEqual([-2147483648]);
  });

  it('full takes a number, a bigint or a boolean only', () => {
    expect(() => full([2], {} as unknown as number)).toThrowError(
      'full: expected a number, bigint or boolean, got an Object',
    );
    expect(() => full([2], '3' as unknown as number)).toThrowError(
      'full: expected a number, bigint or boolean, got "3"',
    );
  });

  it('checks the element count against the limit before allocating', () => {
    expect(getMaxElements()).toBe(2 ** 30);
    expect(() => zeros([65536, 65536])).toThrowError(
      'zeros: 4294967296 elements of float32 (17179869184 bytes) are over the limit of 1073741824 elements; raise it with setMaxElements()',
    );
    expect(() => ones([2 ** 40, 2 ** 40], { dtype: 'float64' })).toThrowError(/^ones: .* over the limit/);
    expect(() =>
      tensor([1, 2, 3])
        .expand([2 ** 20, 2 ** 20, 3])
        .contiguous(),
    ).toThrowError(/over the limit/);
    setMaxElements(10);
    try {
      expect(zeros([10]).numel).toBe(10);
      expect(() => zeros([11])).toThrowError(/^zeros: 11 elements of float32 \(44 bytes\) are over the limit of 10/);
      expect(() => arange(11)).toThrowError(/^arange: 11 elements/);
    } finally {
      setMaxElements(null);
    }
    expect(() => setMaxElements(0)).toThrowError(TorchletError);
    expect(() => setMaxElements(2 ** 33)).toThrowError(TorchletError);
  });
});

describe('arange and linspace edge cases, as PyTorch (issue 18)', () => {
  it('linspace with one step gives start', () => {
    expect(linspace(0.5, 10, 1).toArray()).toEqual([0.5]);
    expect(linspace(0.5, 10, 0).toArray()).toEqual([]);
  });
  it('int32 arange casts start and step to integers first', () => {
    expect(() => arange(0, 10, 0.25, { dtype: 'int32' })).toThrowError(/^arange: step must be nonzero/);
    expect(arange(0, 10, 1.5, { dtype: 'int32' }).toArray()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(arange(0.7, 5.2, 1.7, { dtype: 'int32' }).toArray()).toEqual([0, 1, 2]);
    expect(arange(0.5, 5, 1, { dtype: 'int32' }).toArray()).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('the default dtype: numbers give float32, bigints int64 (a deliberate difference from PyTorch)', () => {
  // JavaScript's 1 and 1.0 are one value, so nested numbers cannot say "integer" as Python's can:
  // they stay float32 (the book's float kernels, torch.arange(9.0)); bigints say it and give int64.
  it('tensor and arange of numbers are float32, of bigints int64', () => {
    expect(tensor([1, 2, 3]).dtype).toBe('float32');
    expect(tensor([1, 2, 3]).toString()).toBe('tensor([1., 2., 3.])');
    expect(tensor([1n, 2n]).dtype).toBe('int64');
    expect(tensor([1n, 2n]).toString()).toBe('tensor([1, 2])');
    expect(arange(5).dtype).toBe('float32');
    expect(arange(5n).dtype).toBe('int64');
    expect(arange(0n, 5n).toString()).toBe('tensor([0, 1, 2, 3, 4])');
    expect(tensor([1, 2, 3], { dtype: 'int64' }).dtype).toBe('int64');
    expect(arange(3, undefined, 1, { dtype: 'int64' }).toString()).toBe('tensor([0, 1, 2])');
  });

  it('bigint arange is exact over the int64 range, mixes with numbers, and checks its arguments', () => {
    expect(Array.from(arange(2n ** 62n, 2n ** 62n + 3n).toTypedArray() as BigInt64Array)).toEqual([
      2n ** 62n,
      2n ** 62n + 1n,
      2n ** 62n + 2n,
    ]);
    // A number beside a bigint is taken as PyTorch's int64 arange takes it: truncated.
    expect(arange(0n, 7, 2).toArray()).toEqual([0, 2, 4, 6]);
    expect(arange(10n, 0n, -4n).toArray()).toEqual([10, 6, 2]);
    expect(arange(5n, undefined, 1n, { dtype: 'float32' }).toString()).toBe('tensor([0., 1., 2., 3., 4.])');
    expect(() => arange(0n, 10n, 0n)).toThrowError(/^arange: step must be nonzero/);
    expect(() => arange(0n, 5, 0.5)).toThrowError(/^arange: step must be nonzero/);
    expect(() => arange(0n, 10n, -1n)).toThrowError(
      /^arange: upper bound and larger bound inconsistent with step sign/,
    );
    expect(() => arange(2n ** 63n)).toThrowError(/^arange: value cannot be converted to type int64 without overflow/);
    expect(() => arange(0n, Number.NaN)).toThrowError(TorchletError);
    expect(() => arange(2n ** 60n)).toThrowError(/^arange: .*over the limit/);
    expect(() => arange(2n ** 60n, undefined, 1n, { dtype: 'float32' })).toThrowError(/^arange: .*no exact JS number/);
  });
});

describe('TorchletError covers the kernels layer (issue 18)', () => {
  it('setThreads(0) throws an error that is instanceof TorchletError', () => {
    expect(() => setThreads(0)).toThrowError(TorchletError);
    const plain = new Error('x');
    expect(plain instanceof TorchletError).toBe(false);
    expect(new TorchletError('f', 'a', 'm') instanceof TorchletError).toBe(true);
  });
});
