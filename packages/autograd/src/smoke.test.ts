import { tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { gradcheck, mul, sigmoid, sum, variable } from './index.js';

describe('smoke', () => {
  it('works', () => {
    const x = variable(tensor([1, 2, 3]), { requiresGrad: true });
    const y = sum(mul(x, x));
    y.backward();
    expect(x.grad?.toArray()).toEqual([2, 4, 6]);
    expect(gradcheck((v) => mul(sigmoid(v), v), [tensor([0.5, -1, 2], { dtype: 'float64' })]).ok).toBe(true);
    console.log(y.toString(), x.toString());
  });
});
