// Gradients at the edges PyTorch defines (issue 18): std over a constant slice, NaN in
// max/min/maximum/minimum, cumprod of an infinity. Expected values from PyTorch 1.13.
import { tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { variable } from '../variable.js';
import { maximum, minimum } from './elementwise.js';
import { cumprod, max, min, std, sum, variance } from './reduce.js';

const leaf = (values: number[] | number[][]) => variable(tensor(values), { requiresGrad: true });

describe('gradients at the edges, as PyTorch', () => {
  it('std and var over a constant slice give 0, not NaN', () => {
    const x = leaf([
      [1, 2],
      [5, 5],
    ]);
    sum(std(x, 1)).backward();
    const g = x.grad!.toArray() as number[][];
    expect(g[0][0]).toBeCloseTo(-Math.SQRT1_2, 4);
    expect(g[0][1]).toBeCloseTo(Math.SQRT1_2, 4);
    expect(g[1]).toEqual([0, 0]);
    const c = leaf([0.1, 0.1, 0.1]);
    std(c).backward();
    expect(c.grad!.toArray()).toEqual([0, 0, 0]);
    const v = leaf([0.1, 0.1, 0.1]);
    variance(v).backward();
    expect(v.grad!.toArray()).toEqual([0, 0, 0]);
  });

  it('max and min send the gradient to a NaN, over everything or along a dim', () => {
    for (const f of [max, min]) {
      const x = leaf([1, Number.NaN, 2]);
      f(x).backward();
      expect(x.grad!.toArray()).toEqual([0, 1, 0]);
    }
    const y = leaf([[1, Number.NaN, 2]]);
    sum(max(y, 1)).backward();
    expect(y.grad!.toArray()).toEqual([[0, 1, 0]]);
  });

  it('maximum and minimum give both operands the gradient where one is NaN', () => {
    const x = leaf([1, 1, 2]);
    const y = leaf([0, Number.NaN, 3]);
    sum(maximum(x, y)).backward();
    expect(x.grad!.toArray()).toEqual([1, 1, 0]);
    expect(y.grad!.toArray()).toEqual([0, 1, 1]);
    const a = leaf([1, 1, 2]);
    const b = leaf([0, Number.NaN, 3]);
    sum(minimum(a, b)).backward();
    expect(a.grad!.toArray()).toEqual([0, 1, 1]);
    expect(b.grad!.toArray()).toEqual([1, 1, 0]);
    const t = leaf([2, 2]);
    sum(maximum(t, tensor([2, 1]))).backward();
    expect(t.grad!.toArray()).toEqual([0.5, 1]);
  });

  it('cumprod of an infinity has gradient 1 at the end, zeros stay exact', () => {
    const x = leaf([Number.POSITIVE_INFINITY]);
    sum(cumprod(x, 0)).backward();
    expect(x.grad!.toArray()).toEqual([1]);
    const z = leaf([2, 0, 3]);
    sum(cumprod(z, 0)).backward();
    expect(z.grad!.toArray()).toEqual([1, 8, 0]);
  });

  it('cumprod of slices holding both 0 and inf: the gradients PyTorch gives (issue 18)', () => {
    const inf = Number.POSITIVE_INFINITY;
    const cases: [number[], number[]][] = [
      [
        [2, 0, inf, 3],
        [1, inf, 0, 0],
      ],
      [
        [0, inf],
        [inf, 0],
      ],
      [
        [inf, 0, 2],
        [Number.NaN, inf, 0],
      ],
      [
        [2, inf, 3],
        [inf, Number.NaN, inf],
      ],
      [
        [0, 0, 5, inf],
        [1, 0, 0, 0],
      ],
      [
        [2, 0, 3, 0, 4],
        [1, 8, 0, 0, 0],
      ],
    ];
    for (const [v, want] of cases) {
      const x = leaf(v);
      sum(cumprod(x, 0)).backward();
      expect(x.grad!.toArray(), JSON.stringify(v)).toEqual(want);
    }
    // along either dimension of a matrix, each slice on its own
    const m = leaf([2, 0, inf, 3, inf, 0, 2, 1]);
    sum(cumprod(m.reshape([2, 4]), 1)).backward();
    expect(m.grad!.toArray()).toEqual([1, inf, 0, 0, Number.NaN, inf, 0, 0]);
    const c = leaf([2, inf, 0, 0, inf, 2, 3, 1]);
    sum(cumprod(c.reshape([4, 2]), 0)).backward();
    expect(c.grad!.toArray()).toEqual([1, Number.NaN, inf, inf, 0, 0, 0, 0]);
  });
});
