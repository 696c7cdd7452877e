// Bad arguments at autograd's public boundary get a TorchletError, never a raw TypeError (issue 18).
import { TorchletError, tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import {
  add,
  cat,
  defineFunction,
  enableGrad,
  gradcheck,
  maximum,
  noGrad,
  stack,
  variable,
  vjp,
  where,
} from './index.js';

describe('autograd argument guards', () => {
  it('callbacks must be functions', () => {
    expect(() => noGrad(undefined as never)).toThrowError('noGrad: expected a function, got undefined');
    expect(() => enableGrad(5 as never)).toThrowError('enableGrad: expected a function, got 5');
    expect(() => defineFunction(undefined as never)).toThrowError(
      /^defineFunction: expected \{ name, forward, backward \}/,
    );
    expect(() => vjp(null as never, tensor([1]))).toThrowError('vjp: expected a function, got null');
    expect(() => gradcheck((x) => x, 5 as never)).toThrowError('gradcheck: expected an array of inputs, got 5');
  });
  it('operands must be Variables, tensors or numbers; lists must be arrays', () => {
    expect(() => add(null as never, 1)).toThrowError('add: expected a Variable, a tensor or a number, got null');
    expect(() => maximum(tensor([1]), {} as never)).toThrowError(TorchletError);
    expect(() => where(tensor([true]), undefined as never, 1)).toThrowError(TorchletError);
    expect(() => cat(5 as never)).toThrowError('cat: expected an array of tensors, got 5');
    expect(() => stack(null as never)).toThrowError(TorchletError);
    expect(add(tensor([1]), 2).data.toArray()).toEqual([3]);
  });
});

describe('Variable.grad assignment', () => {
  it('refuses a gradient of another dtype, as PyTorch', () => {
    const x = variable(tensor([1, 2]), { requiresGrad: true });
    expect(() => {
      x.grad = tensor([1, 2], { dtype: 'int32' });
    }).toThrowError('grad: assigned grad has dtype int32 but the Variable has dtype float32');
    x.grad = tensor([1, 2]);
    expect(x.grad?.toArray()).toEqual([1, 2]);
  });
});
