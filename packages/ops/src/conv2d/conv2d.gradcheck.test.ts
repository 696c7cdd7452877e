import { getBackendInfo } from '@torchlet/kernels';
import { Tensor } from '@torchlet/tensor';
import { closeness, finiteDifferenceGrad, randomArr, rng } from '@torchlet/test-utils';
import { describe, expect, it } from 'vitest';
import { conv2d, conv2dBackwardBias, conv2dBackwardInput, conv2dBackwardWeight } from './conv2d.js';
import {
  type Conv2dKernelName,
  type Conv2dOptions,
  conv2dDepthwiseKernels,
  conv2dKernels,
  conv2dOutputShape,
} from './params.js';

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

type Case = (typeof cases)[number];

/** Each backward kernel of `kernel` on case `c` in `dtype` against central differences of the float64 forward pass. */
function check(
  { x: xShape, w: wShape, options: base }: Case,
  kernel: Conv2dKernelName,
  dtype: 'float32' | 'float64',
): void {
  const options = { ...base, kernel };
  const next = rng(xShape.reduce((a, b) => a * 7 + b, wShape[0]));
  const x = randomArr(xShape, next);
  const w = randomArr(wShape, next);
  const b = randomArr([wShape[0]], next);
  const up = randomArr(conv2dOutputShape(xShape, wShape, options), next);
  const X = new Tensor(x.data, xShape);
  const W = new Tensor(w.data, wShape);
  const B = new Tensor(b.data, [wShape[0]]);
  const gx = finiteDifferenceGrad((t) => conv2d(t, W, B, options), x, up.data);
  const gw = finiteDifferenceGrad((t) => conv2d(X, t, B, options), w, up.data);
  const gb = finiteDifferenceGrad((t) => conv2d(X, W, t, options), b, up.data);
  // float32 gradients (exact float32 operands) against the float64 differences: float32 rounding.
  const tol = dtype === 'float64' ? 1e-6 : 1e-4;
  const cast = (t: Tensor): Tensor => (dtype === 'float64' ? t : t.to('float32'));
  const U = cast(new Tensor(up.data, up.shape));
  expect(closeness(conv2dBackwardInput(U, xShape, cast(W), options), gx, tol, tol)).toBeNull();
  expect(closeness(conv2dBackwardWeight(U, cast(X), wShape, options), gw, tol, tol)).toBeNull();
  expect(closeness(conv2dBackwardBias(U), gb, tol, tol)).toBeNull();
  if (kernel === 'depthwise' && dtype === 'float32') {
    expect(getBackendInfo().lastKernel.startsWith('wasm-simd128-depthwise-conv2d')).toBe(true);
  }
}

describe.each(conv2dKernels)('conv2d backward kernels vs finite differences, %s kernel', (kernel) => {
  it.each(cases)('$name', (c) => check(c, kernel, 'float64'));
});

// Depthwise problems (groups = in channels = out channels) on every kernel that runs them, in
// float64 and, for the kernels with a float32 path of their own, float32 against the same differences.
const depthwiseCases: Case[] = [
  { name: 'depthwise 3x3, pad 1', x: [2, 3, 6, 9], w: [3, 1, 3, 3], options: { groups: 3, padding: 1 } },
  { name: 'depthwise 3x3, stride 2', x: [1, 4, 9, 11], w: [4, 1, 3, 3], options: { groups: 4, padding: 1, stride: 2 } },
  {
    name: 'depthwise 5x3, dilation, stride (1, 2)',
    x: [1, 2, 10, 9],
    w: [2, 1, 5, 3],
    options: { groups: 2, padding: [2, 1], dilation: [2, 1], stride: [1, 2] },
  },
  {
    name: 'depthwise, reflect',
    x: [1, 2, 5, 6],
    w: [2, 1, 3, 3],
    options: { groups: 2, padding: 1, paddingMode: 'reflect' },
  },
  { name: 'depthwise, unbatched', x: [3, 5, 5], w: [3, 1, 2, 2], options: { groups: 3, padding: 1 } },
];

describe.each(conv2dDepthwiseKernels)(
  'depthwise conv2d backward kernels vs finite differences, %s kernel',
  (kernel) => {
    it.each(depthwiseCases)('$name, float64', (c) => check(c, kernel, 'float64'));
    it.each(depthwiseCases)('$name, float32', (c) => check(c, kernel, 'float32'));
  },
);
