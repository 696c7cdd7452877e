import { Tensor } from '@torchlet/tensor';
import { closeness, finiteDifferenceGrad, randomArr, rng } from '@torchlet/test-utils';
import { describe, expect, it } from 'vitest';
import { conv2dKernels } from '../conv2d/params.js';
import {
  type ConvTranspose2dOptions,
  convTranspose2d,
  convTranspose2dBackwardBias,
  convTranspose2dBackwardInput,
  convTranspose2dBackwardWeight,
  convTranspose2dOutputShape,
} from './conv-transpose2d.js';

const cases: { name: string; x: number[]; w: number[]; options: ConvTranspose2dOptions }[] = [
  { name: 'plain', x: [2, 2, 3, 4], w: [2, 3, 3, 3], options: {} },
  {
    name: 'stride, padding, outputPadding',
    x: [1, 2, 3, 3],
    w: [2, 2, 3, 2],
    options: { stride: [2, 3], padding: 1, outputPadding: [1, 2] },
  },
  {
    name: 'dilation with outputPadding >= stride',
    x: [1, 1, 4, 3],
    w: [1, 2, 2, 2],
    options: { dilation: 3, outputPadding: [2, 1] },
  },
  { name: 'groups', x: [1, 4, 3, 3], w: [4, 1, 2, 2], options: { groups: 2, stride: 2 } },
  { name: 'unbatched', x: [2, 3, 2], w: [2, 1, 2, 3], options: { padding: [0, 1] } },
];

describe.each(conv2dKernels)('convTranspose2d backward kernels vs finite differences, %s kernel', (kernel) => {
  it.each(cases)('$name', ({ x: xShape, w: wShape, options: base }) => {
    const options = { ...base, kernel };
    const next = rng(xShape.reduce((a, b) => a * 5 + b, wShape[1]));
    const outShape = convTranspose2dOutputShape(xShape, wShape, options);
    const cout = outShape[xShape.length === 4 ? 1 : 0];
    const x = randomArr(xShape, next);
    const w = randomArr(wShape, next);
    const b = randomArr([cout], next);
    const up = randomArr(outShape, next);
    const X = new Tensor(x.data, xShape);
    const W = new Tensor(w.data, wShape);
    const B = new Tensor(b.data, [cout]);
    const U = new Tensor(up.data, outShape);
    const tol = 1e-6;
    const gx = finiteDifferenceGrad((t) => convTranspose2d(t, W, B, options), x, up.data);
    expect(closeness(convTranspose2dBackwardInput(U, X, W, options), gx, tol, tol)).toBeNull();
    const gw = finiteDifferenceGrad((t) => convTranspose2d(X, t, B, options), w, up.data);
    expect(closeness(convTranspose2dBackwardWeight(U, X, W, options), gw, tol, tol)).toBeNull();
    const gb = finiteDifferenceGrad((t) => convTranspose2d(X, W, t, options), b, up.data);
    expect(closeness(convTranspose2dBackwardBias(U), gb, tol, tol)).toBeNull();
  });
});
