import { variable } from '@torchlet/autograd';
import { ones, zeros } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { Flatten } from './flatten.js';

describe('Flatten', () => {
  it('flattens all but the batch dimension by default, as PyTorch', () => {
    expect(new Flatten().forward(zeros([64, 16, 5, 5])).shape).toEqual([64, 400]);
    expect(new Flatten(0).forward(zeros([2, 3, 4])).shape).toEqual([24]);
    expect(new Flatten(1, 2).forward(zeros([2, 3, 4, 5])).shape).toEqual([2, 12, 5]);
    expect(new Flatten(-3, -2).forward(zeros([2, 3, 4, 5])).shape).toEqual([2, 12, 5]);
    // PyTorch refuses a 1-d input too (dim 1 out of range).
    expect(() => new Flatten().forward(zeros([7]))).toThrow('Flatten: cannot flatten dims 1..-1 of input [7]');
  });

  it('gradient flows back in the input shape', () => {
    const x = variable(ones([2, 2, 2]), { requiresGrad: true });
    new Flatten().forward(x).sum().backward();
    expect(x.grad?.shape).toEqual([2, 2, 2]);
  });

  it('bad dims name the input shape; repr matches PyTorch', () => {
    expect(() => new Flatten(2).forward(zeros([2, 3]))).toThrow('Flatten: cannot flatten dims 2..-1 of input [2,3]');
    expect(() => new Flatten(2, 1).forward(zeros([2, 3, 4]))).toThrow(
      'Flatten: cannot flatten dims 2..1 of input [2,3,4]',
    );
    expect(() => new Flatten(0.5)).toThrow('Flatten: startDim must be an integer, got 0.5');
    expect(new Flatten(0, 2).toString()).toBe('Flatten(start_dim=0, end_dim=2)');
  });
});
