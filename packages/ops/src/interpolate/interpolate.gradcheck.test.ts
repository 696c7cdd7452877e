import { Tensor } from '@torchlet/tensor';
import { arr, closeness, finiteDifferenceGrad, randomArr, rng } from '@torchlet/test-utils';
import { describe, expect, it } from 'vitest';
import { interpolate, interpolateBackward } from './interpolate.js';
import type { InterpolateOptions } from './params.js';

// Finite differences of L(X) = sum(G * interpolate(X)) against interpolateBackward, in float64,
// without autograd. Nearest modes are piecewise constant in X (the indices do not depend on X),
// so their gradient is exact too.
const cases: readonly [string, readonly number[], InterpolateOptions][] = [
  ['nearest x2', [1, 2, 3, 4], { scaleFactor: 2 }],
  ['nearest to [5, 2]', [2, 1, 3, 4], { size: [5, 2] }],
  ['nearest-exact 0.6', [1, 1, 5, 5], { scaleFactor: 0.6, mode: 'nearest-exact' }],
  ['bilinear up', [1, 2, 3, 4], { size: [5, 7], mode: 'bilinear' }],
  ['bilinear down', [1, 1, 6, 5], { size: [4, 2], mode: 'bilinear' }],
  ['bilinear alignCorners', [1, 1, 3, 4], { size: [5, 6], mode: 'bilinear', alignCorners: true }],
  ['bilinear scale 1.7, 0.5', [1, 1, 4, 6], { scaleFactor: [1.7, 0.5], mode: 'bilinear' }],
  ['antialias down', [1, 2, 9, 7], { size: [4, 3], mode: 'bilinear', antialias: true }],
  ['antialias W only, scale 0.3', [1, 1, 3, 10], { scaleFactor: [1, 0.3], mode: 'bilinear', antialias: true }],
  ['antialias up and down', [1, 1, 4, 9], { size: [7, 2], mode: 'bilinear', antialias: true }],
];

describe('interpolateBackward against finite differences (float64)', () => {
  it.each(cases)('%s', (_label, shape, options) => {
    const next = rng(shape.reduce((a, b) => a * b, 7));
    const x = randomArr([...shape], next);
    const y = interpolate(new Tensor(Float64Array.from(x.data), [...shape]), options);
    const g = randomArr([...y.shape], next);
    const numeric = finiteDifferenceGrad((t) => interpolate(t, options), x, g.data);
    const analytic = interpolateBackward(new Tensor(Float64Array.from(g.data), [...y.shape]), shape, options);
    expect(closeness(analytic, numeric, 1e-6, 1e-5)).toBeNull();
    expect(arr([...shape]).shape).toEqual(analytic.shape);
  });
});
