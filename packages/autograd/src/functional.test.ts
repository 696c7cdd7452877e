import { tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { rnd } from '../test/random.js';
import {
  conv2d,
  grad,
  gradients,
  maxPool2d,
  mul,
  pow,
  sum,
  tanh,
  type Variable,
  valueAndGrad,
  variable,
  vjp,
} from './index.js';

const f64 = (x: number[]) => tensor(x, { dtype: 'float64' });

describe('functional API', () => {
  it('grad of a scalar function, and grad of grad is the second derivative', () => {
    const cube = (x: Variable) => sum(pow(x, 3));
    expect(grad(cube)(f64([1, 2])).toArray()).toEqual([3, 12]);
    expect(grad((x) => sum(grad(cube)(x)))(f64([1, 2])).toArray()).toEqual([6, 12]);
    expect(grad((x) => sum(grad((y) => sum(grad(cube)(y)))(x)))(f64([1, 2])).toArray()).toEqual([6, 6]);
  });

  it('argnums picks arguments; unused ones get zeros', () => {
    const f = (a: Variable, b: Variable, _c: Variable) => sum(mul(a, b));
    const [ga, gc] = grad(f, { argnums: [0, 2] })(f64([1, 2]), f64([3, 4]), f64([5]));
    expect(ga.toArray()).toEqual([3, 4]);
    expect(gc.toArray()).toEqual([0]);
    expect(grad(f, { argnums: 1 })(f64([1, 2]), f64([3, 4]), f64([5])).toArray()).toEqual([1, 2]);
    expect(() => grad(f, { argnums: 3 })(f64([1]), f64([1]), f64([1]))).toThrow(/argnums 3 is out of range/);
    expect(() => grad((x) => mul(x, 2))(f64([1, 2]))).toThrow(/must return a scalar/);
  });

  it('valueAndGrad returns both', () => {
    const [value, g] = valueAndGrad((x) => sum(mul(x, x)))(f64([3, 4]));
    expect(value.item()).toBe(25);
    expect(g.toArray()).toEqual([6, 8]);
  });

  it('vjp pulls back any cotangent, repeatedly', () => {
    const [out, pullback] = vjp((x, y) => mul(x, y), f64([1, 2]), f64([3, 4]));
    expect(out.toArray()).toEqual([3, 8]);
    expect(pullback(f64([1, 10])).map((g) => g.toArray())).toEqual([
      [3, 40],
      [1, 20],
    ]);
    expect(pullback(f64([1, 0])).map((g) => g.toArray())).toEqual([
      [3, 0],
      [1, 0],
    ]);
  });

  it('gradients does not touch .grad and supports createGraph through conv2d and pooling', () => {
    const x = variable(rnd([1, 1, 4, 4], 1), { requiresGrad: true });
    const w = variable(rnd([1, 1, 2, 2], 2), { requiresGrad: true });
    const y = sum(tanh(maxPool2d(conv2d(x, w, null, { padding: 1 }), 2)));
    const [gx] = gradients(y, [x], { createGraph: true });
    expect(x.grad).toBeNull();
    expect(gx.requiresGrad).toBe(true);
    const [gw] = gradients(sum(mul(gx, gx)), [w]);
    expect(gw.shape).toEqual([1, 1, 2, 2]);
    expect(w.grad).toBeNull();
  });

  it('backward with createGraph leaves a differentiable gradVariable', () => {
    const x = variable(f64([1, 2]), { requiresGrad: true });
    sum(pow(x, 3)).backward(undefined, { createGraph: true });
    expect(x.grad?.toArray()).toEqual([3, 12]);
    const g = x.gradVariable as Variable;
    expect(g.requiresGrad).toBe(true);
    x.zeroGrad();
    sum(g).backward();
    expect(x.grad?.toArray()).toEqual([6, 12]);
  });

  it('gradients reports unused inputs unless allowUnused', () => {
    const x = variable(f64([1]), { requiresGrad: true });
    const z = variable(f64([1]), { requiresGrad: true });
    expect(() => gradients(sum(x), [z])).toThrow(/was not used/);
    expect(gradients(sum(x), [z], { allowUnused: true })[0].toArray()).toEqual([0]);
  });
});
