import { Tensor, TorchletError, tensor } from '@torchlet/tensor';
import { closeness, finiteDifferenceGrad, randomArr, rng, storageLayoutArb, withLayout } from '@torchlet/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hardtanhBackward } from './hardtanh.js';

describe('hardtanhBackward', () => {
  it('passes the gradient strictly inside the bounds, as PyTorch (values from torch.ops.aten.hardtanh_backward)', () => {
    // torch.ops.aten.hardtanh_backward(torch.tensor([1.,2,3,4,5,6,7]), torch.tensor([-1.,0,3,6,7,nan,5.999]), 0, 6)
    //   -> tensor([0., 0., 3., 0., 0., 6., 7.])
    const x = tensor([-1, 0, 3, 6, 7, Number.NaN, 5.999]);
    const g = tensor([1, 2, 3, 4, 5, 6, 7]);
    expect(hardtanhBackward(g, x, 0, 6).toArray()).toEqual([0, 0, 3, 0, 0, 6, 7]);
    expect(hardtanhBackward(g.to('float64'), x.to('float64'), -1, 1).dtype).toBe('float64');
  });

  it('is the gradient of clamp away from the bounds, on any layout (finite differences, float64)', () => {
    fc.assert(
      fc.property(storageLayoutArb, fc.integer({ min: 1, max: 1000 }), (layout, seed) => {
        const next = rng(seed);
        const shape = [2, 3, 4];
        const x = randomArr(shape, next);
        // Keep values off the bounds (-0.5, 1), where clamp is not differentiable.
        for (let i = 0; i < x.data.length; i++)
          if (Math.abs(x.data[i] + 0.5) < 0.02 || Math.abs(x.data[i] - 1) < 0.02) x.data[i] += 0.05;
        const up = randomArr(shape, next);
        const fd = finiteDifferenceGrad((t) => t.clamp(-0.5, 1), x, up.data);
        const X = withLayout(x.data, shape, 'float64', layout);
        const G = withLayout(up.data, shape, 'float64', layout);
        expect(closeness(hardtanhBackward(G, X, -0.5, 1), fd, 1e-6, 1e-6)).toBeNull();
      }),
      { numRuns: 20 },
    );
  });

  it('rejects mismatched operands and bounds with named errors', () => {
    const x = new Tensor(new Float32Array(4), [2, 2]);
    expect(() => hardtanhBackward(new Tensor(new Float32Array(3), [3]), x, 0, 6)).toThrow(/gradOutput/);
    expect(() => hardtanhBackward(x.to('float64'), x, 0, 6)).toThrow(/dtype/);
    expect(() => hardtanhBackward(x, x, 1, 0)).toThrow(/maxVal/);
    expect(() => hardtanhBackward(x, tensor([1, 2], { dtype: 'int32' }), 0, 6)).toThrow(TorchletError);
  });
});
