import { variable } from '@torchlet/autograd';
import { Generator, ones, tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { Dropout } from './dropout.js';

describe('Dropout', () => {
  it('training: zeroes about p of the elements and scales the rest by 1/(1-p)', () => {
    const y = Array.from(
      new Dropout(0.25, { generator: new Generator(1) }).forward(ones([4000])).data.toTypedArray() as Float32Array,
    );
    const kept = y.filter((v) => v !== 0);
    expect(kept.every((v) => v === Math.fround(1 / 0.75))).toBe(true);
    // 4000 Bernoulli(0.75) draws: mean 3000, standard deviation ~27.
    expect(kept.length).toBeGreaterThan(3000 - 150);
    expect(kept.length).toBeLessThan(3000 + 150);
  });

  it('is reproducible with a seeded generator, and masks differ between calls', () => {
    const a = new Dropout(0.5, { generator: new Generator(9) });
    const b = new Dropout(0.5, { generator: new Generator(9) });
    const ya = a.forward(ones([64])).data;
    expect(ya.equal(b.forward(ones([64])).data)).toBe(true);
    expect(ya.equal(a.forward(ones([64])).data)).toBe(false);
  });

  it('gradient is the same mask', () => {
    const x = variable(ones([200]), { requiresGrad: true });
    const y = new Dropout(0.5, { generator: new Generator(2) }).forward(x);
    y.sum().backward();
    expect(x.grad?.equal(y.data)).toBe(true);
  });

  it('evaluation mode and p = 0 are the identity; p = 1 gives zeros', () => {
    const x = tensor([1, -2, 3]);
    expect(new Dropout(0.9).eval().forward(x).toArray()).toEqual([1, -2, 3]);
    expect(new Dropout(0).forward(x).toArray()).toEqual([1, -2, 3]);
    expect(new Dropout(1).forward(x).toArray()).toEqual([0, -0, 0]);
    expect(new Dropout(0.5, { generator: new Generator(0) }).forward(x.to('float64')).dtype).toBe('float64');
  });

  it('errors and repr', () => {
    expect(() => new Dropout(1.5)).toThrow('Dropout: dropout probability has to be between 0 and 1, but got 1.5');
    expect(() => new Dropout(0.5).forward(tensor([1], { dtype: 'int32' }))).toThrow(
      'Dropout: expected a float input, got int32 input [1]',
    );
    expect(new Dropout(0.1).toString()).toBe('Dropout(p=0.1, inplace=False)');
    expect(new Dropout().toString()).toBe('Dropout(p=0.5, inplace=False)');
  });
});
