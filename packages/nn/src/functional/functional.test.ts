import { gradcheck, variable } from '@torchlet/autograd';
import { Generator, ones, randn, TorchletError, tensor, zeros } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { BatchNorm2d } from '../layers/batchnorm.js';
import { Dropout } from '../layers/dropout.js';
import { Linear } from '../layers/linear.js';
import { batchNorm } from './batch-norm.js';
import { dropout } from './dropout.js';
import { linear } from './linear.js';

describe('functional forms agree with the modules', () => {
  it('batchNorm = BatchNorm2d in training (with the running-stat update) and evaluation', () => {
    const bn = new BatchNorm2d(3);
    bn.weight?.data.copyInPlace(tensor([1.5, -0.5, 2]));
    bn.bias?.data.copyInPlace(tensor([0.1, 0.2, -0.3]));
    const x = randn([4, 3, 5, 2], { generator: new Generator(0) });
    const rm = zeros([3]);
    const rv = ones([3]);
    const w = bn.weight?.data ?? null;
    const b = bn.bias?.data ?? null;
    const f = batchNorm(x, rm, rv, w, b, { training: true });
    expect(f.data.allclose(bn.forward(x).data, { atol: 1e-6 })).toBe(true);
    expect(rm.allclose(bn.runningMean, { atol: 1e-7 })).toBe(true);
    expect(rv.allclose(bn.runningVar, { atol: 1e-6 })).toBe(true);
    bn.eval();
    expect(batchNorm(x, rm, rv, w, b).data.allclose(bn.forward(x).data, { atol: 1e-6 })).toBe(true);
  });

  it('batchNorm is differentiable in input, weight and bias (float64 gradcheck)', () => {
    const x = randn([3, 2, 2], { dtype: 'float64', generator: new Generator(1) });
    const w = tensor([1.2, -0.7], { dtype: 'float64' });
    const b = tensor([0.3, 0.1], { dtype: 'float64' });
    const r = gradcheck((xv, wv, bv) => batchNorm(xv, null, null, wv, bv, { training: true }), [x, w, b]);
    expect(r.ok).toBe(true);
    expect(() => batchNorm(x, null, null, null, null)).toThrow('batchNorm: running statistics are required');
    expect(() => batchNorm(x, zeros([3]), ones([3]), null, null)).toThrow(TorchletError);
  });

  it('batchNorm: bad arguments are TorchletErrors naming the argument; omitted ones mean none', () => {
    const x = tensor([
      [1, 2],
      [3, 5],
    ]);
    const bad = (f: () => unknown, message: RegExp): void => {
      expect(f).toThrow(TorchletError);
      expect(f).toThrow(message);
    };
    const call = batchNorm as (...args: unknown[]) => unknown;
    bad(() => call(x, 5, ones([2]), null, null), /^batchNorm: expected runningMean to be a Tensor or null, got 5/);
    bad(
      () => call(x, zeros([2]), ones([2]), [], null),
      /^batchNorm: expected weight to be a Variable, a Tensor or null/,
    );
    bad(() => call(x, zeros([2], { dtype: 'int32' }), ones([2]), null, null), /int32 runningMean \[2\]/);
    bad(() => call(tensor([[1, 2]], { dtype: 'int32' }), null, null, null, null), /int32 input \[1,2\]/);
    bad(() => call(x, zeros([2]), ones([2]), null, null, null), /^batchNorm: expected an options object, got null/);
    bad(() => call(x, zeros([2]), ones([2]), null, null, { eps: Symbol('e') }), /eps must be a positive number/);
    bad(() => call(x, zeros([2]), ones([2]), null, null, { training: 1 }), /training must be a boolean, got 1/);
    bad(() => call(x), /running statistics are required/);
    const y = call(x, zeros([2]), ones([2])) as ReturnType<typeof batchNorm>;
    expect(y.data.allclose(x.div(Math.sqrt(1 + 1e-5)))).toBe(true);
  });

  it('linear = Linear, and dropout = Dropout for the same generator', () => {
    const fc = new Linear(4, 3, { generator: new Generator(2) });
    const x = randn([2, 5, 4], { generator: new Generator(3) });
    expect(linear(x, fc.weight, fc.bias).data.allclose(fc.forward(x).data)).toBe(true);
    expect(() => linear(x, zeros([3, 5]))).toThrow(/disagree on the number of features/);
    const a = dropout(ones([50]), { p: 0.3, generator: new Generator(4) });
    const m = new Dropout(0.3, { generator: new Generator(4) }).forward(ones([50]));
    expect(a.data.equal(m.data)).toBe(true);
    const v = variable(ones([2]));
    expect(dropout(v, { training: false })).toBe(v);
  });
});
