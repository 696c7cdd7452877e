// The 3x3, stride-1 conv2d geometries @torchlet/kernels runs as Winograd F(2x2, 3x3) (forward, and
// the stride-1 input gradient, which is a 3x3 conv of the upstream gradient): PyTorch's golden
// vectors and finite differences, on the 'wasm' kernel and 'auto', asserting the Winograd kernel
// really ran.

import { readFileSync } from 'node:fs';
import { getBackendInfo, preferWinograd, setThreads } from '@torchlet/kernels';
import { Tensor } from '@torchlet/tensor';
import { type Conv2dCase, caseLabel, goldenCloseness, pair, randomArr, rng, toTensor } from '@torchlet/test-utils';
import { describe, expect, it } from 'vitest';
import { conv2d, conv2dBackwardInput } from './conv2d.js';
import type { Conv2dActivation, Conv2dOptions } from './params.js';

const WINOGRAD = 'wasm-simd128-conv2d-winograd-f2x2-3x3';
const expectWinograd = (): void => expect(getBackendInfo().lastKernel).toBe(WINOGRAD);

// golden/gen_conv2d_winograd.py
const goldenCases = (
  JSON.parse(readFileSync(new URL('./golden/conv2d_winograd.json', import.meta.url), 'utf8')) as {
    cases: Conv2dCase[];
  }
).cases;

/** The kernels' geometry of a golden case (3x3, stride 1, symmetric padding). */
const geometryOf = (x: number[], cout: number, pad: number) => ({
  batch: x[0],
  inChannels: x[1],
  inH: x[2],
  inW: x[3],
  outChannels: cout,
  kh: 3,
  kw: 3,
  groups: 1,
  strideH: 1,
  strideW: 1,
  padTop: pad,
  padLeft: pad,
  dilationH: 1,
  dilationW: 1,
  outH: x[2] + 2 * pad - 2,
  outW: x[3] + 2 * pad - 2,
});

const activations: readonly Conv2dActivation[] = ['relu', 'relu6', { clamp: [-0.5, 0.25] }];
const bounds = (a: Conv2dActivation): readonly [number, number] =>
  a === 'relu' ? [0, Number.POSITIVE_INFINITY] : a === 'relu6' ? [0, 6] : a.clamp;

describe('Winograd conv2d against PyTorch (golden vectors), float32', () => {
  it('has the generated cases, every one of them taken by Winograd forward and backward', () => {
    expect(goldenCases.length).toBeGreaterThanOrEqual(4);
    for (const c of goldenCases) {
      const pad = c.padding as number;
      const [cout] = c.weight.shape;
      expect(preferWinograd(geometryOf(c.input.shape, cout, pad))).toBe(true);
      // The input gradient's conv: upstream [n, cout, outH, outW] -> [n, cin, H, W], padding 2 - pad.
      expect(preferWinograd(geometryOf(c.out.shape, c.input.shape[1], 2 - pad))).toBe(true);
    }
  });

  describe.each(['wasm', 'auto'] as const)('%s kernel, 1 thread', (kernel) => {
    it.each(goldenCases.map((c, i) => [caseLabel(c, i), c] as const))('%s', (_label, c) => {
      setThreads(1);
      const x = toTensor(c.input, 'float32');
      const w = toTensor(c.weight, 'float32');
      const b = c.bias ? toTensor(c.bias, 'float32') : null;
      const up = toTensor(c.upstream, 'float32');
      const options: Conv2dOptions = { padding: pair(c.padding as number), kernel };
      const [cout, cin] = c.weight.shape;
      expect(goldenCloseness(conv2d(x, w, b, options), c.out, cin * 9 + 1)).toBeNull();
      expectWinograd();
      // Again (the transformed weights come from the cache) and with each fused activation.
      expect(goldenCloseness(conv2d(x, w, b, options), c.out, cin * 9 + 1)).toBeNull();
      expectWinograd();
      for (const activation of activations) {
        const [lo, hi] = bounds(activation);
        const expected = { shape: c.out.shape, data: c.out.data.map((v) => Math.min(Math.max(v, lo), hi)) };
        expect(goldenCloseness(conv2d(x, w, b, { ...options, activation }), expected, cin * 9 + 1)).toBeNull();
        expectWinograd();
      }
      expect(goldenCloseness(conv2dBackwardInput(up, x.shape, w, options), c.grad_input, cout * 9)).toBeNull();
      expectWinograd();
    });
  });
});

describe('Winograd conv2d against finite differences', () => {
  // <up, conv(x + e v) - conv(x - e v)> / 2e = <dx, v> for random directions v (the conv is linear
  // in x, so the float64 central difference is exact up to rounding): the float32 input gradient
  // (Winograd) and the float32 forward pass (Winograd) against the float64 forward (im2col).
  it.each([
    { x: [1, 16, 14, 14], cout: 16, pad: 1 },
    { x: [2, 24, 16, 16], cout: 20, pad: 0 },
    { x: [1, 16, 14, 15], cout: 17, pad: 2 },
  ])('input $x -> $cout channels, padding $pad', ({ x: xShape, cout, pad }) => {
    setThreads(1);
    const next = rng(xShape.reduce((a, b) => a * 7 + b, cout));
    const wShape = [cout, xShape[1], 3, 3];
    const x = randomArr(xShape, next);
    const w = randomArr(wShape, next);
    const outShape = [xShape[0], cout, xShape[2] + 2 * pad - 2, xShape[3] + 2 * pad - 2];
    const up = randomArr(outShape, next);
    const options: Conv2dOptions = { padding: pad, kernel: 'wasm' };
    const W64 = new Tensor(Float64Array.from(w.data), wShape);
    const U32 = new Tensor(Float32Array.from(up.data), outShape);
    const W32 = new Tensor(Float32Array.from(w.data), wShape);
    const dx = conv2dBackwardInput(U32, xShape, W32, options).toTypedArray() as Float32Array;
    expectWinograd();
    const y32 = conv2d(
      new Tensor(Float32Array.from(x.data), xShape),
      W32,
      null,
      options,
    ).toTypedArray() as Float32Array;
    expectWinograd();
    const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i] * b[i];
      return s;
    };
    const loss = (data: Float64Array): number =>
      dot(conv2d(new Tensor(data, xShape), W64, null, options).toTypedArray() as Float64Array, up.data);
    // The forward pass's loss agrees with the float64 one.
    const base = loss(Float64Array.from(x.data));
    expect(Math.abs(dot(y32, up.data) - base)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(base)));
    const eps = 1e-3;
    for (let d = 0; d < 4; d++) {
      const v = randomArr(xShape, next).data;
      const plus = Float64Array.from(x.data, (xi, i) => xi + eps * v[i]);
      const minus = Float64Array.from(x.data, (xi, i) => xi - eps * v[i]);
      const fd = (loss(plus) - loss(minus)) / (2 * eps);
      const analytic = dot(dx, v);
      expect(Math.abs(analytic - fd)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(fd)));
    }
  });
});
