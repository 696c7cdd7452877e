import { ones, TorchletError, tensor, zeros } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import {
  add,
  conv2d,
  enableGrad,
  exp,
  get,
  isGradEnabled,
  isVariable,
  mul,
  noGrad,
  relu,
  set,
  sum,
  variable,
} from './index.js';

describe('Variable and backward', () => {
  it('computes the gradient of a scalar and accumulates across calls until zeroed', () => {
    const x = variable(tensor([1, 2, 3]), { requiresGrad: true });
    sum(mul(x, x)).backward();
    expect(x.grad?.toArray()).toEqual([2, 4, 6]);
    sum(mul(x, 3)).backward();
    expect(x.grad?.toArray()).toEqual([5, 7, 9]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
    sum(x).backward();
    expect(x.grad?.toArray()).toEqual([1, 1, 1]);
    x.grad = null;
    expect(x.grad).toBeNull();
  });

  it('sums gradients over every path (diamond graph)', () => {
    const x = variable(tensor([2]), { requiresGrad: true });
    const a = mul(x, 3);
    const b = mul(x, x);
    add(a, b).sum().backward(); // d/dx (3x + x^2) = 3 + 2x
    expect(x.grad?.toArray()).toEqual([7]);
  });

  it('refuses a non-scalar backward without a gradient, as PyTorch', () => {
    const x = variable(tensor([1, 2]), { requiresGrad: true });
    const y = mul(x, 2);
    expect(() => y.backward()).toThrow(/grad can be implicitly created only for scalar outputs/);
    expect(() => y.backward()).toThrow(TorchletError);
    y.backward(tensor([1, 10]));
    expect(x.grad?.toArray()).toEqual([2, 20]);
    expect(() => y.backward(tensor([1, 2, 3]))).toThrow(/gradient has shape \[3\] but the output has shape \[2\]/);
  });

  it('backward through a released graph throws; retainGraph allows a second pass', () => {
    const x = variable(tensor([1, 2]), { requiresGrad: true });
    const y = sum(mul(x, x));
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(x.grad?.toArray()).toEqual([4, 8]);
    expect(() => y.backward()).toThrow(/backward through the graph a second time.*retainGraph: true/);
  });

  it('backward on something that does not require grad is a clear error', () => {
    const y = sum(variable(tensor([1, 2])));
    expect(y.requiresGrad).toBe(false);
    expect(() => y.backward()).toThrow(/does not require grad/);
  });

  it('accepts plain tensors and numbers as constants', () => {
    const w = variable(tensor([2, 3]), { requiresGrad: true });
    const y = add(mul(tensor([1, 10]), w), 5);
    expect(y.toArray()).toEqual([7, 35]);
    y.sum().backward();
    expect(w.grad?.toArray()).toEqual([1, 10]);
  });

  it('noGrad records nothing, enableGrad turns it back on, both restore the mode on throw', () => {
    const x = variable(tensor([1]), { requiresGrad: true });
    const y = noGrad(() => mul(x, 2));
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    expect(noGrad(() => enableGrad(() => mul(x, 2))).requiresGrad).toBe(true);
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
  });

  it('detach shares storage and cuts the graph', () => {
    const x = variable(tensor([1, 2]), { requiresGrad: true });
    const y = mul(x, 2);
    const d = y.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.isLeaf).toBe(true);
    expect(d.data).toBe(y.data);
  });

  it('only float tensors can require grad, and only leaves change requiresGrad', () => {
    expect(() => variable(tensor([1, 2], { dtype: 'int32' }), { requiresGrad: true })).toThrow(
      /only floating point tensors can require gradients/,
    );
    const x = variable(tensor([1]), { requiresGrad: true });
    expect(() => {
      mul(x, 2).requiresGrad = false;
    }).toThrow(/only change requiresGrad of leaf/);
    expect(() => variable(x as never)).toThrow(/got a Variable/);
  });

  it('retainGrad keeps a non-leaf gradient', () => {
    const x = variable(tensor([1, 2]), { requiresGrad: true });
    const y = mul(x, 3).retainGrad();
    sum(mul(y, y)).backward();
    expect(y.grad?.toArray()).toEqual([6, 12]);
    expect(x.grad?.toArray()).toEqual([18, 36]);
  });

  it('casts gradients back to each input dtype', () => {
    const x = variable(tensor([1, 2]), { requiresGrad: true });
    const y = mul(x, tensor([0.5, 0.25], { dtype: 'float64' }));
    expect(y.dtype).toBe('float64');
    y.sum().backward();
    expect(x.grad?.dtype).toBe('float32');
    expect(x.grad?.toArray()).toEqual([0.5, 0.25]);
  });

  it('prints like PyTorch', () => {
    const x = variable(tensor([1, 2]), { requiresGrad: true });
    expect(x.toString()).toBe('tensor([1., 2.], requires_grad=True)');
    expect(sum(x).toString()).toBe('tensor(3., grad_fn=<SumBackward0>)');
    expect(variable(tensor([1])).toString()).toBe('tensor([1.])');
    expect(isVariable(x)).toBe(true);
    expect(isVariable(x.data)).toBe(false);
  });

  it('exposes gradFn names and next functions', () => {
    const x = variable(tensor([1]), { requiresGrad: true });
    const y = exp(mul(x, 2));
    expect(y.gradFn?.name).toBe('exp');
    expect(y.gradFn?.nextFunctions[0]?.name).toBe('mul');
    expect(y.gradFn?.nextFunctions[0]?.nextFunctions.map((n) => n?.name ?? null)).toEqual(['accumulateGrad', null]);
  });
});

describe('in-place writes and the version counter', () => {
  it('set is recorded (CopySlices): gradients flow to the value and to the untouched part', () => {
    const x = variable(tensor([1, 2, 3]), { requiresGrad: true });
    const v = variable(tensor([10]), { requiresGrad: true });
    const y = mul(x, 1);
    y.set('1', mul(v, 2));
    expect(y.toArray()).toEqual([1, 20, 3]);
    expect(y.gradFn?.name).toBe('set');
    sum(mul(y, y)).backward();
    expect(x.grad?.toArray()).toEqual([2, 0, 6]);
    expect(v.grad?.toArray()).toEqual([80]); // d/dv (2v)^2 = 8v
  });

  it('writing into a leaf that requires grad throws, as PyTorch; under noGrad it is allowed', () => {
    const w = variable(tensor([1, 2]), { requiresGrad: true });
    expect(() => w.set('0', 5)).toThrow(/a leaf Variable that requires grad is being used in an in-place operation/);
    noGrad(() => w.set('0', 5));
    expect(w.toArray()).toEqual([5, 2]);
  });

  it('a value saved for backward then modified in place makes backward throw, naming the op', () => {
    const x = variable(tensor([1, 2]), { requiresGrad: true });
    const a = add(x, 1);
    const y = sum(a);
    const d = mul(x, 1);
    const z = sum(mul(d, d));
    d.set('0', 0);
    expect(() => z.backward()).toThrow(
      /modified by an in-place operation: 'mul' saved a float32 tensor of shape \[2\] at version 0, and it is now at version 1/,
    );
    a.set('0', 0);
    y.backward(); // neither sum nor add reads its input: the write does not matter to them
    expect(x.grad?.toArray()).toEqual([1, 1]);
  });

  it('an output read by its backward (exp) and then overwritten is detected', () => {
    const x = variable(tensor([0, 1]), { requiresGrad: true });
    const e = exp(x);
    const y = sum(e);
    e.data.addInPlace(1);
    expect(() => y.backward()).toThrow(/'exp' saved/);
  });

  it('a plain tensor operand modified after use is detected too (conv2d names itself)', () => {
    const w = variable(ones([1, 1, 2, 2]), { requiresGrad: true });
    const x = ones([1, 1, 3, 3]);
    const y = sum(conv2d(x, w, null));
    x.set('..., 0, 0', 5);
    expect(() => y.backward()).toThrow(
      /'conv2d' saved a float32 tensor of shape \[1,1,3,3\] at version 0, and it is now at version 1/,
    );
  });

  it('the version counter is shared by views of the same storage', () => {
    const base = zeros([2, 2]);
    const view = base.t();
    expect(view.version).toBe(base.version);
    base.set('0, 0', 1);
    expect(view.version).toBe(base.version);
    expect(base.version).toBeGreaterThan(0);
  });

  it('writing a Variable that requires grad into a plain tensor is refused', () => {
    const v = variable(tensor([1]), { requiresGrad: true });
    expect(() => set(zeros([2]), '0', v)).toThrow(/wrap the target with variable/);
    const t = zeros([2]);
    set(t, '0', 3);
    expect(t.toArray()).toEqual([3, 0]);
  });

  it('a stale view of a rebased Variable is refused', () => {
    const v = variable(tensor([1, 2]), { requiresGrad: true });
    const y = variable(zeros([2]));
    const view = get(y, '0:1');
    y.set('1', v.get('1'));
    expect(() => mul(view, 2)).toThrow(/stale/);
    expect(() => get(y, '0:1').set('0', v.get('0'))).toThrow(/view of another Variable/);
  });

  it('optimizer-style updates go through data in place', () => {
    const p = variable(ones([2]), { requiresGrad: true });
    sum(mul(p, p)).backward();
    const before = p.data.version;
    p.data.subInPlace(p.grad as never, 0.5);
    expect(p.data.version).toBe(before + 1);
    expect(p.toArray()).toEqual([0, 0]);
    p.zeroGrad();
    sum(relu(mul(p, -1))).backward();
    expect(Array.from(p.grad?.data ?? [], Number).every((g) => g === 0)).toBe(true);
  });
});
