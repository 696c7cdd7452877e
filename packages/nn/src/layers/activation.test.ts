import { variable } from '@torchlet/autograd';
import { tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { torchRef } from '../../test/pytorch-reference.js';
import { ReLU, Sigmoid, Tanh } from './activation.js';

const x = tensor([-3, -0.5, 0, 0.25, 2]);

describe('activations', () => {
  it('ReLU: values and gradient (0 at 0, as PyTorch)', () => {
    const v = variable(x, { requiresGrad: true });
    const y = new ReLU().forward(v);
    expect(y.toArray()).toEqual([0, 0, 0, 0.25, 2]);
    y.sum().backward();
    expect(v.grad?.toArray()).toEqual([0, 0, 0, 1, 1]);
  });

  it('Sigmoid and Tanh match PyTorch', () => {
    const s = Array.from(new Sigmoid().forward(x).data.toTypedArray() as Float32Array);
    const t = Array.from(new Tanh().forward(x).data.toTypedArray() as Float32Array);
    s.forEach((v, i) => {
      expect(v).toBeCloseTo(torchRef.sigmoid[i], 6);
    });
    t.forEach((v, i) => {
      expect(v).toBeCloseTo(torchRef.tanh[i], 6);
    });
  });

  it('repr and bad input', () => {
    expect([new ReLU(), new Sigmoid(), new Tanh()].map(String)).toEqual(['ReLU()', 'Sigmoid()', 'Tanh()']);
    expect(() => new ReLU().forward([1, 2] as unknown as typeof x)).toThrow(
      'ReLU: expected a Variable or a Tensor, got object',
    );
  });
});
