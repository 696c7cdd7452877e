import { gradcheck, type Variable, variable } from '@torchlet/autograd';
import { type Tensor, tensor, zeros } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { pattern, torchRef } from '../../test/pytorch-reference.js';
import { BatchNorm2d } from './batchnorm.js';

function expectClose(got: ArrayLike<number>, want: readonly number[], digits = 5): void {
  expect(got).toHaveLength(want.length);
  Array.from(got).forEach((v, i) => {
    expect(v, `element ${i}`).toBeCloseTo(want[i], digits);
  });
}

describe('BatchNorm2d matches PyTorch', () => {
  const make = (): BatchNorm2d => {
    const bn = new BatchNorm2d(2);
    bn.weight?.data.copyInPlace(tensor([1.5, -0.5]));
    bn.bias?.data.copyInPlace(tensor([0.1, 0.2]));
    return bn;
  };
  const x1 = pattern([3, 2, 2, 2], 12);
  const x2 = pattern([3, 2, 2, 2], 13).mul(2).add(0.5);

  it('training: batch statistics, running stats with momentum 0.1 and unbiased variance', () => {
    const bn = make();
    expectClose(bn.forward(x1).data.toTypedArray() as Float32Array, torchRef.bn_train1);
    bn.forward(x2);
    expectClose(bn.runningMean.toTypedArray() as Float32Array, torchRef.bn_running_mean, 6);
    expectClose(bn.runningVar.toTypedArray() as Float32Array, torchRef.bn_running_var, 6);
    expect(bn.numBatchesTracked.item()).toBe(torchRef.bn_nbt);
    expect(bn.numBatchesTracked.dtype).toBe('int64'); // as PyTorch's torch.long buffer
  });

  it('evaluation: running statistics, no update', () => {
    const bn = make();
    bn.forward(x1);
    bn.forward(x2);
    bn.eval();
    const before = bn.runningMean.clone();
    expectClose(bn.forward(x1).data.toTypedArray() as Float32Array, torchRef.bn_eval);
    expect(bn.runningMean.equal(before)).toBe(true);
    expect(bn.numBatchesTracked.item()).toBe(2);
  });

  it('parameter and buffer names, as PyTorch', () => {
    const bn = new BatchNorm2d(6);
    expect(Object.entries(bn.stateDict()).map(([k, t]) => [k, t.shape, t.dtype])).toEqual([
      ['weight', [6], 'float32'],
      ['bias', [6], 'float32'],
      ['running_mean', [6], 'float32'],
      ['running_var', [6], 'float32'],
      ['num_batches_tracked', [], 'int64'],
    ]);
    expect(bn.runningVar.toArray()).toEqual([1, 1, 1, 1, 1, 1]);
    expect(bn.parameters()).toHaveLength(2);
  });

  it('momentum null keeps a cumulative average', () => {
    const bn = new BatchNorm2d(1, { momentum: null });
    bn.forward(tensor([[[[0, 2]]]]));
    bn.forward(tensor([[[[4, 6]]]]));
    expect(bn.runningMean.toArray()).toEqual([3]);
    expect(bn.runningVar.toArray()).toEqual([2]);
  });

  it('without affine or running stats', () => {
    const bn = new BatchNorm2d(1, { affine: false, trackRunningStats: false });
    expect(bn.parameters()).toEqual([]);
    expect(Object.keys(bn.stateDict())).toEqual([]);
    bn.eval();
    // Still normalises with the batch's statistics.
    const y = bn.forward(tensor([[[[1, 3]]]]));
    expectClose(y.data.toTypedArray() as Float32Array, [-1 / Math.sqrt(1 + 1e-5), 1 / Math.sqrt(1 + 1e-5)], 6);
    expect(() => bn.runningMean).toThrow("getBuffer: BatchNorm2d has no buffer 'running_mean'");
  });

  it('errors and repr', () => {
    const bn = new BatchNorm2d(3);
    expect(() => bn.forward(zeros([2, 4, 2, 2]))).toThrow(
      'BatchNorm2d: expected input with 3 channels, got input [2,4,2,2]',
    );
    expect(() => bn.forward(zeros([3, 2, 2]))).toThrow(
      'BatchNorm2d: expected a 4-D [N, C, H, W] input, got input [3,2,2]',
    );
    expect(() => bn.forward(zeros([1, 3, 1, 1]))).toThrow(
      'BatchNorm2d: expected more than 1 value per channel when training, got input [1,3,1,1]',
    );
    expect(bn.eval().forward(zeros([1, 3, 1, 1])).shape).toEqual([1, 3, 1, 1]);
    expect(() => new BatchNorm2d(2, { momentum: 2 })).toThrow('BatchNorm2d: momentum must be in [0, 1] or null, got 2');
    expect(() => new BatchNorm2d(2, { eps: 0 })).toThrow('BatchNorm2d: eps must be positive, got 0');
    expect(new BatchNorm2d(16, { eps: 1e-3, momentum: 0.01 }).toString()).toBe(
      'BatchNorm2d(16, eps=0.001, momentum=0.01, affine=True, track_running_stats=True)',
    );
  });
});

describe('BatchNorm2d gradients (gradcheck, float64)', () => {
  it('training mode: input, weight and bias', () => {
    const bn = new BatchNorm2d(2, { dtype: 'float64' });
    const x = pattern([3, 2, 2, 2], 4, 'float64');
    // gradcheck differentiates with respect to its own copies of the inputs, so the affine
    // parameters are swapped for the Variables it passes in.
    const withParams = (input: Variable, weight: Variable, bias: Variable): Variable => {
      Object.assign(bn, { weight, bias });
      return bn.forward(input);
    };
    const report = gradcheck(withParams, [
      x,
      tensor([1.5, -0.5], { dtype: 'float64' }),
      tensor([0.1, 0.2], { dtype: 'float64' }),
    ]);
    expect(report.ok).toBe(true);
    expect(report.checked).toBe(24 * 24 + 24 * 2 + 24 * 2);
  });

  it('evaluation mode: input', () => {
    const bn = new BatchNorm2d(2, { dtype: 'float64' });
    bn.forward(pattern([2, 2, 3, 1], 1, 'float64'));
    bn.eval();
    expect(gradcheck((input) => bn.forward(input), [pattern([2, 2, 2, 2], 5, 'float64')]).ok).toBe(true);
  });

  it('the gradient of a sum is zero for the input (normalisation removes the mean)', () => {
    const bn = new BatchNorm2d(1, { affine: false, dtype: 'float64' });
    const x = variable(pattern([2, 1, 2, 2], 3, 'float64'), { requiresGrad: true });
    bn.forward(x).sum().backward();
    for (const g of (x.grad as Tensor).toTypedArray() as Float64Array) expect(Math.abs(g)).toBeLessThan(1e-12);
  });
});

describe('BatchNorm2d without running statistics (issue 18)', () => {
  it('needs more than one value per channel in evaluation too, as PyTorch', () => {
    const bn = new BatchNorm2d(1, { trackRunningStats: false });
    bn.eval();
    expect(() => bn.forward(zeros([1, 1, 1, 1]))).toThrowError(
      /^BatchNorm2d: expected more than 1 value per channel when training, got input \[1,1,1,1\]/,
    );
    expect(bn.forward(tensor([[[[1, 3]]]])).data.toArray()).toEqual([
      [[[expect.closeTo(-1, 4), expect.closeTo(1, 4)]]],
    ]);
  });
});
