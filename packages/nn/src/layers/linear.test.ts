import { Generator, tensor, zeros } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { pattern, torchRef } from '../../test/pytorch-reference.js';
import { Linear } from './linear.js';

describe('Linear', () => {
  it('shapes and parameter names match PyTorch for every input rank', () => {
    const fc = new Linear(400, 120);
    expect(fc.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ['weight', [120, 400]],
      ['bias', [120]],
    ]);
    expect(fc.forward(zeros([64, 400])).shape).toEqual([64, 120]);
    expect(fc.forward(zeros([400])).shape).toEqual([120]);
    expect(fc.forward(zeros([2, 3, 400])).shape).toEqual([2, 3, 120]);
    expect(new Linear(3, 2, { bias: false }).namedParameters().map(([n]) => n)).toEqual(['weight']);
  });

  it('matches PyTorch on a 3-d input', () => {
    const fc = new Linear(3, 2);
    fc.weight.data.copyInPlace(pattern([2, 3], 8));
    fc.bias?.data.copyInPlace(tensor([0.5, -0.25]));
    const y = fc.forward(pattern([2, 2, 3], 9));
    expect(y.shape).toEqual([2, 2, 2]);
    const got = Array.from(y.data.toTypedArray() as Float32Array);
    got.forEach((v, i) => {
      expect(v).toBeCloseTo(torchRef.linear3d[i], 6);
    });
  });

  it('backpropagates x^T g into weight and the row sums into bias', () => {
    const fc = new Linear(2, 1);
    fc.weight.data.copyInPlace(tensor([[1, 1]]));
    fc.forward(
      tensor([
        [1, 2],
        [3, 4],
      ]),
    )
      .sum()
      .backward();
    expect(fc.weight.grad?.toArray()).toEqual([[4, 6]]);
    expect(fc.bias?.grad?.toArray()).toEqual([2]);
  });

  it('initialises within +-1/sqrt(inFeatures), reproducibly', () => {
    const a = new Linear(16, 8, { generator: new Generator(3) });
    const b = new Linear(16, 8, { generator: new Generator(3) });
    expect(a.weight.data.equal(b.weight.data)).toBe(true);
    expect(a.weight.data.abs().max().item()).toBeLessThanOrEqual(0.25);
    expect(a.weight.data.abs().max().item()).toBeGreaterThan(0.2);
    expect(a.bias?.data.abs().max().item()).toBeLessThanOrEqual(0.25);
  });

  it('names the layer and shapes on bad input', () => {
    expect(() => new Linear(3, 2).forward(zeros([4, 2]))).toThrow(
      'Linear: expected input with 3 features in its last dimension, got input [4,2]',
    );
    expect(() => new Linear(3, 2).forward(zeros([]))).toThrow(
      'Linear: expected input with 3 features in its last dimension, got input []',
    );
    expect(() => new Linear(0, 2)).toThrow('Linear: inFeatures must be a positive integer, got 0');
    expect(() => new Linear(2, 2, { dtype: 'int32' as 'float32' })).toThrow(
      "Linear: dtype must be 'float32' or 'float64', got \"int32\"",
    );
  });

  it('toString matches PyTorch', () => {
    expect(new Linear(120, 84).toString()).toBe('Linear(in_features=120, out_features=84, bias=True)');
    expect(new Linear(2, 1, { bias: false }).toString()).toBe('Linear(in_features=2, out_features=1, bias=False)');
  });
});
