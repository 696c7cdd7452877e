// Bad arguments at nn's public boundary get a TorchletError, never a raw TypeError (issue 18).
import { Generator, ones, TorchletError, tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { init } from './index.js';
import { Linear } from './layers/linear.js';
import { Adam } from './optim/adam.js';
import { SGD } from './optim/sgd.js';
import { Parameter } from './parameter.js';

describe('nn argument guards', () => {
  it('optimizers take parameters, not plain tensors or nothing', () => {
    expect(() => new Adam(undefined as never)).toThrowError(/^Adam: expected an iterable of parameters/);
    expect(() => new Adam([ones([2])] as never)).toThrowError(
      /^Adam: got a plain Tensor \(shape \[2\]\), which cannot receive gradients/,
    );
    expect(() => new SGD([5] as never, { lr: 0.1 })).toThrowError(/^SGD: expected a Parameter/);
    expect(new SGD([new Parameter(ones([2]))], { lr: 0.1 }).paramGroups.length).toBe(1);
  });

  it('optimizer hyper-parameters are numbers', () => {
    const p = () => [new Parameter(ones([2]))];
    expect(() => new SGD(p(), { lr: '0.1' as never })).toThrowError('SGD: lr must be a number, got "0.1"');
    expect(() => new SGD(p(), null as never)).toThrowError(/^SGD: expected an options object/);
    expect(() => new Adam(p(), { betas: [0.9] as never })).toThrowError(/^Adam: betas must be a pair of numbers/);
  });

  it('init functions check their target and generator', () => {
    expect(() => init.constant(5 as never, 1)).toThrowError('constant: expected a tensor, got 5');
    expect(() => init.constant(ones([2]), '1' as never)).toThrowError(TorchletError);
    expect(() => init.fanInAndFanOut(null as never)).toThrowError(TorchletError);
    expect(() => new Linear(3, 2, { generator: {} as never })).toThrowError(
      'init: expected a Generator, got an Object',
    );
    expect(new Linear(3, 2, { generator: new Generator(0) }).weight.shape).toEqual([2, 3]);
    expect(init.constant(tensor([0, 0]), 3).toArray()).toEqual([3, 3]);
  });
});
