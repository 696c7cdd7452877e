import { gradcheck, variable } from '@torchlet/autograd';
import { type Tensor, tensor, zeros } from '@torchlet/tensor';
import { describe, expect, it, vi } from 'vitest';
import { pattern, torchRef } from '../test/pytorch-reference.js';
import { BCEWithLogitsLoss, bceWithLogits, CrossEntropyLoss, crossEntropy, MSELoss, mseLoss } from './losses.js';

const a = (): Tensor => pattern([4, 3], 14, 'float64');
const b = pattern([4, 3], 15, 'float64');
const classes = tensor([0, 2, 1, 2], { dtype: 'int32' });
const binary = pattern([4, 3], 17, 'float64').gt(0).to('float64');
const softTargets = (): Tensor => {
  const e = pattern([4, 3], 16, 'float64').exp();
  return e.div(e.sum(1, { keepdim: true }));
};

function expectClose(got: ArrayLike<number>, want: readonly number[], tol = 1e-12): void {
  expect(got).toHaveLength(want.length);
  Array.from(got).forEach((v, i) => {
    expect(Math.abs(v - want[i]), `element ${i}: ${v} vs ${want[i]}`).toBeLessThanOrEqual(
      tol * Math.max(1, Math.abs(want[i])),
    );
  });
}
const flat = (t: { data: Tensor }): Float64Array => t.data.toTypedArray() as Float64Array;

describe('mseLoss', () => {
  it('matches PyTorch for each reduction', () => {
    expectClose(flat(mseLoss(a(), b)), torchRef.mse_mean);
    expectClose(flat(mseLoss(a(), b, { reduction: 'sum' })), torchRef.mse_sum);
    expect(mseLoss(a(), b, { reduction: 'none' }).shape).toEqual([4, 3]);
  });
  it('gradcheck (float64) with respect to input and target', () => {
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      expect(gradcheck((x, y) => mseLoss(x, y, { reduction }), [a(), b]).ok).toBe(true);
    }
  });
  it("broadcasts shapes that differ, with PyTorch's warning (issue 18)", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const loss = mseLoss(tensor([[1], [2]]), tensor([0, 1, 2]), { reduction: 'none' });
      expect(loss.shape).toEqual([2, 3]);
      expect(loss.data.toArray()).toEqual([
        [1, 0, 1],
        [4, 1, 0],
      ]);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(
        /Using a target size \(\[3\]\) that is different to the input size \(\[2,1\]\)/,
      );
      expect(() => mseLoss(zeros([2]), zeros([3]))).toThrow(/^mseLoss: shapes \[2\] and \[3\] do not broadcast/);
    } finally {
      warn.mockRestore();
    }
    expect(() => mseLoss(zeros([2]), zeros([2]), { reduction: 'avg' as 'mean' })).toThrow(
      "mseLoss: reduction must be 'mean', 'sum' or 'none', got \"avg\"",
    );
  });
});

describe('crossEntropy', () => {
  it('matches PyTorch: value, each reduction, gradient', () => {
    const x = variable(a(), { requiresGrad: true });
    const loss = crossEntropy(x, classes);
    expectClose(flat(loss), torchRef.ce_mean);
    loss.backward();
    expectClose(x.grad?.toTypedArray() as Float64Array, torchRef.ce_grad);
    expectClose(flat(crossEntropy(a(), classes, { reduction: 'none' })), torchRef.ce_none);
    expectClose(flat(crossEntropy(a(), classes, { reduction: 'sum' })), torchRef.ce_sum);
  });

  it('label smoothing and probability targets match PyTorch', () => {
    expectClose(flat(crossEntropy(a(), classes, { labelSmoothing: 0.1 })), torchRef.ce_ls);
    expectClose(flat(crossEntropy(a(), softTargets())), torchRef.ce_probs);
  });

  it('is stable for large logits (log-sum-exp)', () => {
    const big = tensor([
      [1000, 0, -1000],
      [50, 51, 52],
    ]);
    const loss = crossEntropy(big, tensor([1, 2], { dtype: 'int32' }), { reduction: 'none' });
    expectClose(loss.data.toTypedArray() as ArrayLike<number>, torchRef.ce_big, 1e-6);
    const x = variable(big, { requiresGrad: true });
    crossEntropy(x, tensor([1, 2], { dtype: 'int32' })).backward();
    expect(Array.from(x.grad?.toTypedArray() as Float32Array).every(Number.isFinite)).toBe(true);
  });

  it('gradcheck (float64) for each reduction, smoothing and soft targets', () => {
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      expect(gradcheck((x) => crossEntropy(x, classes, { reduction }), [a()]).ok).toBe(true);
    }
    expect(gradcheck((x) => crossEntropy(x, classes, { labelSmoothing: 0.2 }), [a()]).ok).toBe(true);
    expect(gradcheck((x) => crossEntropy(x, softTargets()), [a()]).ok).toBe(true);
  });

  it('errors name the shapes', () => {
    expect(() => crossEntropy(zeros([2, 3]), tensor([0, 3], { dtype: 'int32' }))).toThrow(
      'crossEntropy: target 3 is out of bounds for 3 classes (target[1])',
    );
    expect(() => crossEntropy(zeros([2, 3]), tensor([0, -1], { dtype: 'int32' }))).toThrow(
      'crossEntropy: target -1 is out of bounds for 3 classes (target[1])',
    );
    expect(() => crossEntropy(zeros([2, 3]), tensor([0], { dtype: 'int32' }))).toThrow(
      'crossEntropy: expected class indices of shape [2] for input [2,3], got target [1]',
    );
    expect(() => crossEntropy(zeros([2, 3]), zeros([2]))).toThrow(
      'crossEntropy: expected int64 or int32 class indices [2] or probabilities [2,3], got float32 target [2]',
    );
    // Unbatched logits [C] take a 0-d target, as PyTorch.
    expect(() => crossEntropy(zeros([3]), tensor([0], { dtype: 'int32' }))).toThrow(
      'crossEntropy: expected class indices of shape [] for input [3], got target [1]',
    );
    expect(() => crossEntropy(tensor(0), tensor(0, { dtype: 'int32' }))).toThrow(
      'crossEntropy: expected logits of shape [C], [N, C] or [N, C, d1, ...], got input []',
    );
    expect(() => crossEntropy(zeros([1, 3]), tensor([0], { dtype: 'int32' }), { weight: zeros([2]) })).toThrow(
      /^crossEntropy: expected a float tensor of shape \[3\]/,
    );
    expect(() => crossEntropy(zeros([1, 2]), tensor([0], { dtype: 'int32' }), { labelSmoothing: 2 })).toThrow(
      'crossEntropy: labelSmoothing must be in [0, 1], got 2',
    );
  });
});

describe('bceWithLogits', () => {
  it('matches PyTorch: value, gradient, reductions, posWeight', () => {
    const x = variable(a(), { requiresGrad: true });
    const loss = bceWithLogits(x, binary);
    expectClose(flat(loss), torchRef.bce_mean);
    loss.backward();
    expectClose(x.grad?.toTypedArray() as Float64Array, torchRef.bce_grad);
    expectClose(flat(bceWithLogits(a(), binary, { reduction: 'none' })), torchRef.bce_none);
    const posWeight = tensor([1, 2, 0.5], { dtype: 'float64' });
    expectClose(flat(bceWithLogits(a(), binary, { posWeight, reduction: 'sum' })), torchRef.bce_pos);
  });

  it('is stable for large logits, and the gradient at 0 is sigmoid(0) - y', () => {
    const loss = bceWithLogits(tensor([200, -200, 0]), tensor([0, 1, 0.5]), { reduction: 'none' });
    expectClose(loss.data.toTypedArray() as ArrayLike<number>, torchRef.bce_big, 1e-6);
    const x = variable(tensor([0, 0], { dtype: 'float64' }), { requiresGrad: true });
    bceWithLogits(x, tensor([1, 0], { dtype: 'float64' }), { reduction: 'sum' }).backward();
    expect(x.grad?.toArray()).toEqual([-0.5, 0.5]);
  });

  it('gradcheck (float64) with respect to input and target', () => {
    const soft = pattern([4, 3], 18, 'float64').add(0.7).div(1.4);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      expect(gradcheck((x, y) => bceWithLogits(x, y, { reduction }), [a(), soft]).ok).toBe(true);
    }
    const posWeight = tensor([1, 2, 0.5], { dtype: 'float64' });
    expect(gradcheck((x, y) => bceWithLogits(x, y, { posWeight }), [a(), soft]).ok).toBe(true);
  });

  it('errors', () => {
    expect(() => bceWithLogits(zeros([2, 1]), zeros([2]))).toThrow(
      'bceWithLogits: target size [2] must be the same as input size [2,1]',
    );
    expect(() => bceWithLogits(zeros([2]), tensor([1, 0], { dtype: 'int32' }))).toThrow(
      'bceWithLogits: expected a float tensor, got int32 target [2]',
    );
  });
});

describe('loss modules', () => {
  it('forward calls the function with the stored options', () => {
    expect(new MSELoss({ reduction: 'sum' }).forward(tensor([1, 2]), tensor([0, 0])).item()).toBe(5);
    const ce = new CrossEntropyLoss({ reduction: 'sum' }).forward(a(), classes);
    expectClose(flat(ce), torchRef.ce_sum);
    expectClose(flat(new BCEWithLogitsLoss().forward(a(), binary)), torchRef.bce_mean);
    expect([new MSELoss(), new CrossEntropyLoss(), new BCEWithLogitsLoss()].map(String)).toEqual([
      'MSELoss()',
      'CrossEntropyLoss()',
      'BCEWithLogitsLoss()',
    ]);
  });
});

describe("crossEntropy: PyTorch's full signature (issue 18)", () => {
  it('unbatched, K-dimensional, ignoreIndex and weights', () => {
    // Hand-checkable: uniform logits give log C per counted target.
    const ln3 = Math.log(3);
    expect(crossEntropy(zeros([3], { dtype: 'float64' }), tensor(1, { dtype: 'int32' })).item()).toBeCloseTo(ln3, 12);
    const kdim = crossEntropy(
      zeros([2, 3, 2], { dtype: 'float64' }),
      tensor(
        [
          [0, 1],
          [2, -100],
        ],
        { dtype: 'int32' },
      ),
      {
        reduction: 'none',
      },
    );
    expect(kdim.shape).toEqual([2, 2]);
    expect(kdim.data.toArray()).toEqual([
      [expect.closeTo(ln3, 12), expect.closeTo(ln3, 12)],
      [expect.closeTo(ln3, 12), 0],
    ]);
    const weighted = crossEntropy(zeros([2, 3], { dtype: 'float64' }), tensor([0, 2], { dtype: 'int32' }), {
      weight: tensor([1, 1, 3], { dtype: 'float64' }),
    });
    expect(weighted.item()).toBeCloseTo(ln3, 12); // (1 + 3) ln 3 / (1 + 3)
  });
});
