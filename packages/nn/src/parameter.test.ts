import { isVariable, variable } from '@torchlet/autograd';
import { tensor, zeros } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { isParameter, Parameter } from './parameter.js';

describe('Parameter', () => {
  it('is a leaf Variable that requires grad and shares storage', () => {
    const t = tensor([1, 2]);
    const p = new Parameter(t);
    expect(isVariable(p)).toBe(true);
    expect([p.requiresGrad, p.isLeaf, p.grad]).toEqual([true, true, null]);
    expect(p.data).toBe(t);
    expect(new Parameter(t, false).requiresGrad).toBe(false);
  });

  it('wraps the data of a Variable, detached', () => {
    const v = variable(tensor([1, 2]), { requiresGrad: true }).mul(2);
    const p = new Parameter(v);
    expect([p.isLeaf, p.data]).toEqual([true, v.data]);
  });

  it('refuses non-float data when it requires grad, and non-tensors', () => {
    expect(() => new Parameter(tensor([1], { dtype: 'int32' }))).toThrow(
      'Parameter: only floating point tensors can require gradients, got a int32 tensor of shape [1]',
    );
    expect(new Parameter(tensor([1], { dtype: 'int32' }), false).dtype).toBe('int32');
    expect(() => new Parameter([1] as unknown as ReturnType<typeof zeros>)).toThrow(
      'Parameter: expected a Tensor, got object',
    );
  });

  it("prints as PyTorch's Parameter repr", () => {
    expect(new Parameter(tensor([1, 2])).toString()).toBe(
      'Parameter containing:\ntensor([1., 2.], requires_grad=True)',
    );
  });

  it('isParameter is a brand check', () => {
    expect(isParameter(new Parameter(zeros([1])))).toBe(true);
    expect(isParameter(variable(zeros([1]), { requiresGrad: true }))).toBe(false);
    expect(isParameter(zeros([1]))).toBe(false);
  });
});
