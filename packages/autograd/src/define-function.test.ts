import { type Tensor, tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { rnd } from '../test/random.js';
import {
  defineFunction,
  gradcheck,
  gradgradcheck,
  gradients,
  mul,
  neg,
  sigmoid,
  sum,
  type Variable,
  variable,
} from './index.js';

// A user-defined softplus log(1 + e^x), with backward written with autograd functions (so
// second order works): d/dx = sigmoid(x).
const softplus = defineFunction({
  name: 'softplus',
  forward: (ctx, x) => {
    ctx.saveForBackward(x);
    return x.exp().add(1).log();
  },
  backward: (ctx, g) => [mul(g, sigmoid(ctx.saved[0]))],
});

describe('defineFunction', () => {
  it('records a node with the given name and computes gradients', () => {
    const x = variable(tensor([0, 1], { dtype: 'float64' }), { requiresGrad: true });
    const y = softplus(x);
    expect(y.gradFn?.name).toBe('softplus');
    expect(y.toArray()).toEqual([Math.log(2), Math.log(1 + Math.E)]);
    sum(y).backward();
    expect(x.grad?.toArray()).toEqual([0.5, 1 / (1 + Math.exp(-1))]);
  });

  it('passes gradcheck and gradgradcheck when backward uses autograd functions', () => {
    expect(gradcheck((x) => softplus(x), [rnd([2, 3], 1)]).ok).toBe(true);
    expect(gradgradcheck((x) => softplus(x), [rnd([3], 2)]).ok).toBe(true);
  });

  it('computes only the gradients needed (needsInputGrad)', () => {
    const seen: boolean[][] = [];
    const scale = defineFunction({
      name: 'scale',
      forward: (ctx, a, b) => {
        ctx.saveForBackward(a, b);
        return a.mul(b);
      },
      backward: (ctx, g) => {
        seen.push([...ctx.needsInputGrad]);
        const [a, b] = ctx.saved;
        return [ctx.needsInputGrad[0] ? mul(g, b) : null, ctx.needsInputGrad[1] ? mul(g, a) : null];
      },
    });
    const a = variable(tensor([2]), { requiresGrad: true });
    const b = tensor([5]);
    scale(a, b).sum().backward();
    expect(seen).toEqual([[true, false]]);
    expect(a.grad?.toArray()).toEqual([5]);
    const c = variable(tensor([3]), { requiresGrad: true });
    const d = variable(tensor([4]), { requiresGrad: true });
    gradients(sum(scale(c, d)), [d]);
    expect(seen[1]).toEqual([false, true]);
  });

  it('keeps state and rejects malformed backward results', () => {
    const bad = defineFunction({
      name: 'bad',
      forward: (ctx, x) => {
        ctx.state.n = x.numel;
        return x.mul(2);
      },
      backward: (ctx) => [tensor(new Array<number>((ctx.state.n as number) + 1).fill(1))],
    });
    const x = variable(tensor([1, 2]), { requiresGrad: true });
    expect(() => sum(bad(x)).backward()).toThrow(
      /bad: backward returned a gradient of shape \[3\] for input 0 of shape \[2\]/,
    );
    const wrongCount = defineFunction({ name: 'wrongCount', forward: (_c, a) => a, backward: () => [] });
    expect(() => sum(wrongCount(variable(tensor([1]), { requiresGrad: true }))).backward()).toThrow(
      /must return an array of 1 gradients/,
    );
  });

  it('gradcheck catches a wrong backward and names the worst element', () => {
    const wrong = defineFunction({
      name: 'wrongSquare',
      forward: (_ctx, x: Tensor) => x.mul(x),
      backward: (_ctx, g: Variable) => [neg(g)],
    });
    const x = tensor([0.5, -1, 2], { dtype: 'float64' });
    expect(() => gradcheck((v) => wrong(v), [x])).toThrow(
      /gradcheck: Jacobian mismatch for output 0 element \[\d\] with respect to input 0 element \[\d\]: analytic -?\d/,
    );
    const report = gradcheck((v) => wrong(v), [x], { raiseException: false });
    expect(report.ok).toBe(false);
    expect(report.checked).toBe(9);
    expect(report.worst?.analytic).toBe(-1);
    expect(report.worst?.numerical).toBeCloseTo(4, 6);
    expect(() => gradcheck((v) => mul(v, v), [tensor([1, 2])])).toThrow(/needs float64 inputs/);
  });
});
