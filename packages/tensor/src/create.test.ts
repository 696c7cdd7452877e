import { describe, expect, it } from 'vitest';
import { arange, eye, fromStorage, full, linspace, ones, TorchletError, tensor, zeros } from './index.js';

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
