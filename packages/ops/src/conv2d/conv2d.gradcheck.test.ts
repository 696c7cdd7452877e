import { Tensor } from '@torchlet/tensor';
import { closeness, finiteDifferenceGrad, randomArr, rng } from '@torchlet/test-utils';
import { describe, expect, it } from 'vitest';
import { conv2d, conv2dBackwardBias, conv2dBackwardInput, conv2dBackwardWeight } from './conv2d.js';
import { type Conv2dOptions, conv2dKernels, conv2dOutputShape } from './params.js';

// Each backward kernel against central finite differences of the forward kernel, in float64.
const cases: { name: string; x: number[]; w: number[]; options: Conv2dOptions }[] = [
  { name: 'plain 3x3', x: [2, 2, 5, 6], w: [3, 2, 3, 3], options: {} },
  {
    name: 'stride, padding pair, dilation',
    x: [1, 2, 7, 6],
    w: [2, 2, 2, 3],
    options: { stride: [2, 1], padding: [1, 2], dilation: [2, 1] },
  },
  { name: 'groups', x: [2, 4, 5, 5], w: [6, 2, 2, 2], options: { groups: 2, padding: 1 } },
  {
    name: "'same' with an even kernel",
    x: [1, 2, 5, 4],
    w: [2, 2, 2, 4],
    options: { padding: 'same', dilation: [2, 1] },
  },
  { name: "'valid', stride 3", x: [1, 1, 7, 8], w: [2, 1, 3, 2], options: { padding: 'valid', stride: 3 } },
  { name: 'reflect', x: [1, 2, 4, 5], w: [2, 2, 3, 3], options: { padding: [1, 2], paddingMode: 'reflect' } },
  { name: 'replicate', x: [2, 1, 3, 4], w: [1, 1, 3, 2], options: { padding: 2, paddingMode: 'replicate', stride: 2 } },
  {
    name: 'circular',
    x: [1, 2, 4, 3],
    w: [2, 1, 3, 3],
    options: { padding: [1, 3], paddingMode: 'circular', groups: 2 },
  },
  { name: 'unbatched', x: [2, 4, 4], w: [2, 2, 2, 2], options: { padding: 1, dilation: 2 } },
];

describe.each(conv2dKernels)('conv2d backward kernels vs finite differences, %s kernel', (kernel) => {
  it.each(cases)('$name', ({ x: xShape, w: wShape, options: base }) => {
    const options = { ...base, kernel };
    const next = rng(xShape.reduce((a, b) => a * 7 + b, wShape[0]));
    const x = randomArr(xShape, next);
    const w = randomArr(wShape, next);
    const b = randomArr([wShape[0]], next);
    const up = randomArr(conv2dOutputShape(xShape, wShape, options), next);
    const X = new Tensor(x.data, xShape);
    const W = new Tensor(w.data, wShape);
    const B = new Tensor(b.data, [wShape[0]]);
    const U = new Tensor(up.data, up.shape);
    const tol = 1e-6;
    const gx = finiteDifferenceGrad((t) => conv2d(t, W, B, options), x, up.data);
    expect(closeness(conv2dBackwardInput(U, xShape, W, options), gx, tol, tol)).toBeNull();
    const gw = finiteDifferenceGrad((t) => conv2d(X, t, B, options), w, up.data);
    expect(closeness(conv2dBackwardWeight(U, X, wShape, options), gw, tol, tol)).toBeNull();
    const gb = finiteDifferenceGrad((t) => conv2d(X, W, t, options), b, up.data);
    expect(closeness(conv2dBackwardBias(U), gb, tol, tol)).toBeNull();
  });
});
