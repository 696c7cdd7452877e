// The weight gradient of the 3x3, stride-1 conv2d geometries with 16+ channels each way, which the
// 'wasm' kernel and 'auto' run as @torchlet/kernels' Winograd weight gradient: PyTorch's golden
// vectors, finite differences, a float64 reference on random problems, one and two threads, and
// infinities / NaN (the kernel declines, a direct kernel gives PyTorch's values). Every check
// asserts which kernel really ran.

import { readFileSync } from 'node:fs';
import { getBackendInfo, preferWinogradBackwardWeight, setThreads } from '@torchlet/kernels';
import { Tensor } from '@torchlet/tensor';
import {
  closeness,
  type GoldenTensor,
  goldenCloseness,
  goldenTolerance,
  randomArr,
  rng,
  toTensor,
} from '@torchlet/test-utils';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { conv2d, conv2dBackward, conv2dBackwardWeight } from './conv2d.js';
import type { Conv2dOptions } from './params.js';

const KERNEL = 'wasm-simd128-conv2d-backward-weight-winograd-f2x2-3x3';
const expectWinograd = (threads = 1): void =>
  expect(getBackendInfo().lastKernel).toBe(threads > 1 ? `${KERNEL} x${threads} threads` : KERNEL);

interface WeightCase {
  readonly input: GoldenTensor;
  readonly weight_shape: number[];
  readonly padding: number;
  readonly upstream: GoldenTensor;
  readonly grad_weight: GoldenTensor;
}

// golden/gen_conv2d_winograd_weight.py
const goldenCases = (
  JSON.parse(readFileSync(new URL('./golden/conv2d_winograd_weight.json', import.meta.url), 'utf8')) as {
    cases: WeightCase[];
  }
).cases;

/** The kernels' geometry of a 3x3, stride-1 problem with symmetric padding. */
const geometryOf = (x: readonly number[], cout: number, pad: number) => ({
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

const f32 = (data: ArrayLike<number>, shape: number[]): Tensor => new Tensor(Float32Array.from(data), shape);
const f64 = (data: ArrayLike<number>, shape: number[]): Tensor => new Tensor(Float64Array.from(data), shape);

afterAll(() => setThreads(1));

describe('Winograd conv2d weight gradient against PyTorch (golden vectors), float32', () => {
  it('has the generated cases, every one of them taken by the Winograd weight gradient', () => {
    expect(goldenCases.length).toBe(4);
    for (const c of goldenCases) {
      expect(preferWinogradBackwardWeight(geometryOf(c.input.shape, c.weight_shape[0], c.padding))).toBe(true);
    }
  });

  describe.each(['wasm', 'auto'] as const)('%s kernel, 1 thread', (kernel) => {
    it.each(
      goldenCases.map(
        (c) => [`${JSON.stringify(c.input.shape)} -> ${c.weight_shape[0]}, padding ${c.padding}`, c] as const,
      ),
    )('%s', (_label, c) => {
      setThreads(1);
      const x = toTensor(c.input, 'float32');
      const up = toTensor(c.upstream, 'float32');
      const [n, , oh, ow] = c.upstream.shape;
      const options: Conv2dOptions = { padding: c.padding, kernel };
      const dw = conv2dBackwardWeight(up, x, c.weight_shape, options);
      expect(goldenCloseness(dw, c.grad_weight, n * oh * ow)).toBeNull();
      expectWinograd();
      // Through the both-gradients entry point too (same kernel, same bits).
      const weight = new Tensor(new Float32Array(c.weight_shape.reduce((a, b) => a * b)), c.weight_shape);
      const both = conv2dBackward(up, x, weight, { ...options, outputMask: [false, true] });
      expect(both.gradWeight?.toArray()).toEqual(dw.toArray());
      expectWinograd();
    });
  });
});

describe('Winograd conv2d weight gradient against finite differences', () => {
  // <up, conv(x, w + e v) - conv(x, w - e v)> / 2e = <dw, v> for random directions v (the conv is
  // linear in w, so the float64 central difference is exact up to rounding).
  it.each([
    { x: [1, 16, 14, 14], cout: 16, pad: 1 },
    { x: [2, 24, 9, 11], cout: 20, pad: 0 },
    { x: [1, 16, 7, 6], cout: 17, pad: 2 },
  ])('input $x -> $cout channels, padding $pad', ({ x: xShape, cout, pad }) => {
    setThreads(1);
    const next = rng(xShape.reduce((a, b) => a * 5 + b, cout));
    const wShape = [cout, xShape[1], 3, 3];
    const x = randomArr(xShape, next);
    const w = randomArr(wShape, next);
    const outShape = [xShape[0], cout, xShape[2] + 2 * pad - 2, xShape[3] + 2 * pad - 2];
    const up = randomArr(outShape, next);
    const options: Conv2dOptions = { padding: pad, kernel: 'wasm' };
    const dw = conv2dBackwardWeight(
      f32(up.data, outShape),
      f32(x.data, xShape),
      wShape,
      options,
    ).toTypedArray() as Float32Array;
    expectWinograd();
    const X64 = f64(x.data, xShape);
    const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i] * b[i];
      return s;
    };
    const loss = (data: Float64Array): number =>
      dot(conv2d(X64, new Tensor(data, wShape), null, options).toTypedArray() as Float64Array, up.data);
    const eps = 1e-3;
    for (let d = 0; d < 4; d++) {
      const v = randomArr(wShape, next).data;
      const fd =
        (loss(Float64Array.from(w.data, (wi, i) => wi + eps * v[i])) -
          loss(Float64Array.from(w.data, (wi, i) => wi - eps * v[i]))) /
        (2 * eps);
      expect(Math.abs(dot(dw, v) - fd)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(fd)));
    }
  });
});

const problemArb = fc.record({
  n: fc.integer({ min: 1, max: 3 }),
  cin: fc.integer({ min: 16, max: 19 }),
  cout: fc.integer({ min: 16, max: 21 }),
  h: fc.integer({ min: 1, max: 11 }),
  w: fc.integer({ min: 1, max: 11 }),
  pad: fc.integer({ min: 0, max: 2 }),
  seed: fc.integer(),
});
type Problem = typeof problemArb extends fc.Arbitrary<infer T> ? T : never;
const valid = (p: Problem): boolean => p.h + 2 * p.pad >= 3 && p.w + 2 * p.pad >= 3;

/** The float32 weight gradient on `kernel` against the float64 im2col one, at the golden tolerance. */
function checkProblem(p: Problem, threads: number): void {
  const next = rng(p.seed);
  const xShape = [p.n, p.cin, p.h, p.w];
  const wShape = [p.cout, p.cin, 3, 3];
  const x = randomArr(xShape, next);
  const outShape = [p.n, p.cout, p.h + 2 * p.pad - 2, p.w + 2 * p.pad - 2];
  const up = randomArr(outShape, next);
  const options = { padding: p.pad, kernel: 'wasm' } as const;
  const dw = conv2dBackwardWeight(f32(up.data, outShape), f32(x.data, xShape), wShape, options);
  expectWinograd(threads);
  const ref = conv2dBackwardWeight(f64(up.data, outShape), f64(x.data, xShape), wShape, {
    ...options,
    kernel: 'im2col',
  });
  const { atol, rtol } = goldenTolerance(p.n * outShape[2] * outShape[3]);
  expect(closeness(dw, { shape: ref.shape, data: ref.toTypedArray() as Float64Array }, atol, rtol)).toBeNull();
}

describe('Winograd conv2d weight gradient vs a float64 reference', () => {
  it('random sizes (odd and even, down to one tile) and padding, one thread', () => {
    setThreads(1);
    fc.assert(
      fc.property(problemArb.filter(valid), (p) => checkProblem(p, 1)),
      { numRuns: 25 },
    );
  });

  it('two threads: the same bits as one thread', async () => {
    const p: Problem = { n: 2, cin: 32, cout: 32, h: 16, w: 15, pad: 1, seed: 7 };
    const next = rng(p.seed);
    const x = f32(randomArr([p.n, p.cin, p.h, p.w], next).data, [p.n, p.cin, p.h, p.w]);
    const outShape = [p.n, p.cout, p.h, p.w];
    const up = f32(randomArr(outShape, next).data, outShape);
    const options = { padding: 1, kernel: 'wasm' } as const;
    setThreads(1);
    const one = conv2dBackwardWeight(up, x, [p.cout, p.cin, 3, 3], options).toTypedArray() as Float32Array;
    expectWinograd(1);
    setThreads(2);
    // The workers start in the background: retry until the split really ran.
    const deadline = Date.now() + 20_000;
    let two = one;
    do {
      two = conv2dBackwardWeight(up, x, [p.cout, p.cin, 3, 3], options).toTypedArray() as Float32Array;
      if (getBackendInfo().lastKernel.endsWith('x2 threads')) break;
      await new Promise((r) => setTimeout(r, 20));
    } while (Date.now() < deadline);
    expectWinograd(2);
    expect(Array.from(two)).toEqual(Array.from(one));
    checkProblem(p, 2);
  });
});

describe('Winograd conv2d weight gradient with infinities and NaN', () => {
  // The transforms would spread an infinity to weights whose direct sum never reads it: the
  // kernel declines and a direct kernel gives PyTorch's values (here the float64 im2col's).
  it.each([
    ['an infinity in the input corner', 'x', 0, Number.POSITIVE_INFINITY],
    ['a NaN in the input', 'x', 37, Number.NaN],
    ['a -infinity in the upstream gradient', 'up', 5, Number.NEGATIVE_INFINITY],
  ] as const)('%s', (_label, where, at, value) => {
    setThreads(1);
    const next = rng(11);
    const xShape = [2, 16, 8, 8];
    const wShape = [16, 16, 3, 3];
    const outShape = [2, 16, 6, 6];
    const x = randomArr(xShape, next).data;
    const up = randomArr(outShape, next).data;
    (where === 'x' ? x : up)[at] = value;
    const options = { padding: 0, kernel: 'wasm' } as const;
    const dw = conv2dBackwardWeight(f32(up, outShape), f32(x, xShape), wShape, options).toTypedArray() as Float32Array;
    expect(getBackendInfo().lastKernel.startsWith(KERNEL)).toBe(false);
    const ref = conv2dBackwardWeight(f64(up, outShape), f64(x, xShape), wShape, {
      ...options,
      kernel: 'im2col',
    }).toTypedArray() as Float64Array;
    let finite = 0;
    for (let i = 0; i < ref.length; i++) {
      if (Number.isFinite(ref[i])) {
        finite++;
        expect(Math.abs(dw[i] - ref[i])).toBeLessThanOrEqual(1e-3);
      } else expect(dw[i]).toBe(ref[i]);
    }
    // Most weights never read the bad value and stay finite.
    expect(finite).toBeGreaterThan(ref.length / 2);
  });
});
