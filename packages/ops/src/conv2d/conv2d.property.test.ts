import { getBackendInfo } from '@torchlet/kernels';
import {
  type Arr,
  addBias,
  bilinear,
  channelSums,
  closeness,
  convTerms,
  floatDTypeArb,
  gather,
  intPairArb,
  padTerms,
  randomArr,
  rng,
  unbatch,
  viewLayoutArb,
  withLayout,
} from '@torchlet/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conv2d, conv2dBackwardBias, conv2dBackwardInput, conv2dBackwardWeight } from './conv2d.js';
import {
  type Conv2dActivation,
  type Conv2dKernelName,
  type Conv2dOptions,
  type Conv2dPaddingMode,
  conv2dDepthwiseKernels,
  conv2dKernels,
} from './params.js';

/** A random valid conv2d problem: shapes, options (incl. 'same' with even kernels and padding modes), layouts. */
const problem = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    groups: fc.integer({ min: 1, max: 3 }),
    cinG: fc.integer({ min: 1, max: 2 }),
    coutG: fc.integer({ min: 1, max: 3 }),
    kh: fc.integer({ min: 1, max: 3 }),
    kw: fc.integer({ min: 1, max: 3 }),
    stride: intPairArb(1, 3),
    dilation: intPairArb(1, 2),
    padKind: fc.constantFrom('pair', 'pair', 'same', 'valid'),
    pad: intPairArb(0, 2),
    paddingMode: fc.constantFrom<Conv2dPaddingMode>('zeros', 'zeros', 'reflect', 'replicate', 'circular'),
    extra: intPairArb(0, 4),
    unbatched: fc.boolean(),
    bias: fc.boolean(),
    layoutX: viewLayoutArb,
    layoutW: viewLayoutArb,
    layoutUp: viewLayoutArb,
    dtype: floatDTypeArb,
    activation: fc.constantFrom<Conv2dActivation | null>(null, null, 'relu', 'relu6', { clamp: [-0.3, 0.2] }),
    seed: fc.integer(),
  })
  .map((p) => {
    const stride: [number, number] = p.padKind === 'same' ? [1, 1] : p.stride;
    const dk = [p.dilation[0] * (p.kh - 1) + 1, p.dilation[1] * (p.kw - 1) + 1];
    let pads: [number, number, number, number];
    if (p.padKind === 'same') {
      const th = dk[0] - 1;
      const tw = dk[1] - 1;
      pads = [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
    } else if (p.padKind === 'valid') pads = [0, 0, 0, 0];
    else pads = [p.pad[0], p.pad[0], p.pad[1], p.pad[1]];
    // the input must hold the kernel after padding, and reflect/circular need pads that fit
    const minH = Math.max(1, dk[0] - pads[0] - pads[1], pads[0] + 1, pads[1] + 1);
    const minW = Math.max(1, dk[1] - pads[2] - pads[3], pads[2] + 1, pads[3] + 1);
    const H = minH + p.extra[0];
    const W = minW + p.extra[1];
    const padding: Conv2dOptions['padding'] =
      p.padKind === 'pair' ? [p.pad[0], p.pad[1]] : (p.padKind as 'same' | 'valid');
    return { ...p, n: p.unbatched ? 1 : p.n, stride, pads, H, W, padding };
  });

type Problem = typeof problem extends fc.Arbitrary<infer T> ? T : never;

function reference(p: Problem, x: Arr, w: Arr, b: Arr | null, up: (shape: number[]) => Arr) {
  const zeroPad = p.paddingMode === 'zeros';
  const padded = zeroPad
    ? null
    : gather((v) => padTerms(x.shape, [p.pads[2], p.pads[3], p.pads[0], p.pads[1]], p.paddingMode as 'reflect', v), x);
  const xin = padded ? padded.out : x;
  const opt = {
    stride: p.stride,
    pads: zeroPad ? p.pads : ([0, 0, 0, 0] as [number, number, number, number]),
    dilation: p.dilation,
    groups: p.groups,
  };
  const outShape = convTerms(xin.shape, w.shape, opt, () => {});
  const u = up(outShape);
  const r = bilinear((v) => convTerms(xin.shape, w.shape, opt, v), xin, w, u);
  const gradX = padded
    ? gather(
        (v) => padTerms(x.shape, [p.pads[2], p.pads[3], p.pads[0], p.pads[1]], p.paddingMode as 'reflect', v),
        x,
        0,
        r.gradX,
      ).gradX
    : r.gradX;
  return { out: addBias(r.out, b), gradX, gradW: r.gradW, gradB: channelSums(u), up: u };
}

/** `a` through conv2d's activation option (null: unchanged). */
function activate(a: Arr, activation: Conv2dActivation | null): Arr {
  if (activation === null) return a;
  const [lo, hi] =
    activation === 'relu' ? [0, Number.POSITIVE_INFINITY] : activation === 'relu6' ? [0, 6] : activation.clamp;
  return { shape: a.shape, data: a.data.map((v) => Math.min(Math.max(v, lo), hi)) };
}

/**
 * Every pass of `kernel` on problem `p` against the float64 reference, within float32 or float64
 * rounding. The forward pass runs twice (the second reuses the WebAssembly kernel's packed weights),
 * with the problem's activation.
 */
function checkProblem(p: Problem, kernel: Conv2dKernelName): void {
  const next = rng(p.seed);
  const cin = p.cinG * p.groups;
  const cout = p.coutG * p.groups;
  const x = randomArr([p.n, cin, p.H, p.W], next);
  const w = randomArr([cout, p.cinG, p.kh, p.kw], next);
  const b = p.bias ? randomArr([cout], next) : null;
  const ref = reference(p, x, w, b, (shape) => randomArr(shape, next));
  const xs = p.unbatched ? unbatch(x) : x;
  const ups = p.unbatched ? unbatch(ref.up) : ref.up;
  const X = withLayout(xs.data, xs.shape, p.dtype, p.layoutX);
  const Wt = withLayout(w.data, w.shape, p.dtype, p.layoutW);
  const B = b ? withLayout(b.data, b.shape, p.dtype, 'offset') : null;
  const U = withLayout(ups.data, ups.shape, p.dtype, p.layoutUp);
  const options: Conv2dOptions = {
    stride: p.stride,
    padding: p.padding,
    dilation: p.dilation,
    groups: p.groups,
    paddingMode: p.paddingMode,
    kernel,
  };
  const tol = p.dtype === 'float32' ? 1e-5 : 1e-12;
  const K = p.cinG * p.kh * p.kw;
  const outRef = activate(p.unbatched ? unbatch(ref.out) : ref.out, p.activation);
  for (let run = 0; run < 2; run++) {
    const y = conv2d(X, Wt, B, { ...options, activation: p.activation });
    expect(closeness(y, outRef, tol * (K + 1) * 4, tol)).toBeNull();
  }
  const gx = conv2dBackwardInput(U, X.shape, Wt, options);
  expect(closeness(gx, p.unbatched ? unbatch(ref.gradX) : ref.gradX, tol * 16 * p.coutG * p.kh * p.kw, tol)).toBeNull();
  const L = ref.up.shape[2] * ref.up.shape[3] * p.n;
  expect(closeness(conv2dBackwardWeight(U, X, Wt.shape, options), ref.gradW, tol * 4 * L, tol)).toBeNull();
  expect(closeness(conv2dBackwardBias(U), ref.gradB, tol * 4 * L, tol)).toBeNull();
  if (kernel === 'depthwise' && p.dtype === 'float32') {
    expect(getBackendInfo().lastKernel.startsWith('wasm-simd128-depthwise-conv2d')).toBe(true);
  }
}

/** The same random problems with one filter per channel (groups = in channels = out channels). */
const depthwiseProblem = problem.map((p) => ({ ...p, cinG: 1, coutG: 1 }));

describe.each(conv2dDepthwiseKernels)('depthwise conv2d vs a naive float64 reference, %s kernel', (kernel) => {
  it('forward and every backward kernel agree on random depthwise problems and layouts', () => {
    fc.assert(
      fc.property(depthwiseProblem, (p) => checkProblem(p, kernel)),
      { numRuns: 100 },
    );
  });
});

describe.each(conv2dKernels)('conv2d vs a naive float64 reference, %s kernel', (kernel) => {
  it('forward and every backward kernel agree on random problems and layouts', () => {
    fc.assert(
      fc.property(problem, (p) => checkProblem(p, kernel)),
      { numRuns: 100 },
    );
  });

  it('handles a kernel as large as the input and 1x1 kernels', () => {
    for (const [h, w, kh, kw] of [
      [4, 5, 4, 5],
      [3, 3, 1, 1],
      [1, 7, 1, 7],
    ]) {
      const next = rng(h * 100 + kw);
      const x = randomArr([2, 3, h, w], next);
      const wt = randomArr([4, 3, kh, kw], next);
      const opt = {
        stride: [1, 1] as [number, number],
        pads: [0, 0, 0, 0] as [number, number, number, number],
        dilation: [1, 1] as [number, number],
        groups: 1,
      };
      const outShape = convTerms(x.shape, wt.shape, opt, () => {});
      const up = randomArr(outShape, next);
      const ref = bilinear((v) => convTerms(x.shape, wt.shape, opt, v), x, wt, up);
      const X = withLayout(x.data, x.shape, 'float64', 'permuted');
      const Wt = withLayout(wt.data, wt.shape, 'float64', 'sliced');
      const U = withLayout(up.data, up.shape, 'float64', 'contiguous');
      expect(closeness(conv2d(X, Wt, null, { kernel }), ref.out, 1e-12, 1e-12)).toBeNull();
      expect(closeness(conv2dBackwardInput(U, X, Wt, { kernel }), ref.gradX, 1e-12, 1e-12)).toBeNull();
      expect(closeness(conv2dBackwardWeight(U, X, Wt, { kernel }), ref.gradW, 1e-12, 1e-12)).toBeNull();
    }
  });
});
