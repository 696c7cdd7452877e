// The input gradient of strided conv2d on the 'wasm' kernel (and 'auto'): @torchlet/kernels'
// wasmConv2dBackwardInput (a GEMM and a col2im inside the module). PyTorch's golden vectors, a
// float64 reference on random problems (one and two threads) and finite differences; every
// float32 check asserts the kernel really ran.

import { getBackendInfo, setThreads } from '@torchlet/kernels';
import { Tensor } from '@torchlet/tensor';
import {
  bilinear,
  caseLabel,
  closeness,
  convTerms,
  finiteDifferenceGrad,
  goldenCloseness,
  intPairArb,
  loadGolden,
  pair,
  randomArr,
  rng,
  toTensor,
} from '@torchlet/test-utils';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { conv2d, conv2dBackwardInput } from './conv2d.js';
import type { Conv2dKernelName, Conv2dOptions } from './params.js';

const KERNEL = 'wasm-simd128-conv2d-backward-input-col2im';

const expectKernel = (): void => {
  expect(getBackendInfo().lastKernel.startsWith(KERNEL)).toBe(true);
};

const strided = (s: number | number[]): boolean => pair(s as number | [number, number]).some((v) => v !== 1);

describe('strided conv2d input gradient against PyTorch (golden vectors), float32 on the GEMM + col2im kernel', () => {
  const cases = loadGolden('conv2d').filter((c) => strided(c.stride));
  it('has strided cases', () => expect(cases.length).toBeGreaterThanOrEqual(15));
  it.each(cases.map((c, i) => [caseLabel(c, i), c] as const))('%s', (_label, c) => {
    const w = toTensor(c.weight, 'float32');
    const up = toTensor(c.upstream, 'float32');
    const options: Conv2dOptions = {
      stride: pair(c.stride),
      padding: typeof c.padding === 'string' ? c.padding : pair(c.padding),
      dilation: pair(c.dilation),
      groups: c.groups,
      kernel: 'wasm',
    };
    const [cout, , kh, kw] = c.weight.shape;
    expect(
      goldenCloseness(conv2dBackwardInput(up, c.input.shape, w, options), c.grad_input, (cout / c.groups) * kh * kw),
    ).toBeNull();
    expectKernel();
  });
});

const problemArb = fc.record({
  n: fc.integer({ min: 1, max: 3 }),
  groups: fc.integer({ min: 1, max: 3 }),
  cinG: fc.integer({ min: 1, max: 4 }),
  coutG: fc.integer({ min: 1, max: 5 }),
  kh: fc.integer({ min: 1, max: 3 }),
  kw: fc.integer({ min: 1, max: 3 }),
  stride: intPairArb(2, 3),
  dilation: intPairArb(1, 2),
  pad: intPairArb(0, 2),
  extra: intPairArb(0, 5),
  seed: fc.integer(),
});

type Problem = typeof problemArb extends fc.Arbitrary<infer T> ? T : never;

/** The input gradient of a strided conv in float32 on `kernel` against the float64 reference of the same (exact) operands. */
function checkProblem(p: Problem, kernel: Conv2dKernelName | 'auto'): void {
  const next = rng(p.seed);
  const cin = p.cinG * p.groups;
  const cout = p.coutG * p.groups;
  const h = p.dilation[0] * (p.kh - 1) + 1 + p.extra[0];
  const w = p.dilation[1] * (p.kw - 1) + 1 + p.extra[1];
  const x = randomArr([p.n, cin, h, w], next);
  const wt = randomArr([cout, p.cinG, p.kh, p.kw], next);
  const opt = {
    stride: p.stride,
    pads: [p.pad[0], p.pad[0], p.pad[1], p.pad[1]] as [number, number, number, number],
    dilation: p.dilation,
    groups: p.groups,
  };
  const outShape = convTerms(x.shape, wt.shape, opt, () => {});
  const up = randomArr(outShape, next);
  const ref = bilinear((v) => convTerms(x.shape, wt.shape, opt, v), x, wt, up);
  const W = new Tensor(Float32Array.from(wt.data), wt.shape);
  const U = new Tensor(Float32Array.from(up.data), up.shape);
  const options = { stride: p.stride, padding: p.pad, dilation: p.dilation, groups: p.groups, kernel };
  const tol = 1e-5 * p.coutG * p.kh * p.kw;
  expect(closeness(conv2dBackwardInput(U, x.shape, W, options), ref.gradX, tol, tol)).toBeNull();
  expectKernel();
}

describe('strided conv2d input gradient vs a naive float64 reference', () => {
  afterAll(() => setThreads(1));

  it('random stride, dilation, padding and groups on the wasm kernel, one thread', () => {
    setThreads(1);
    fc.assert(
      fc.property(problemArb, (p) => checkProblem(p, 'wasm')),
      { numRuns: 100 },
    );
  });

  it("'auto' runs it above the direct loop's range", () => {
    setThreads(1);
    const base = { n: 2, groups: 1, kh: 3, kw: 3, dilation: [1, 1], pad: [1, 1], extra: [9, 8] } as const;
    checkProblem({ ...base, cinG: 8, coutG: 16, stride: [2, 2], seed: 1, dilation: [1, 1] } as Problem, 'auto');
  });

  it('two threads: random problems, and a ResNet-like layer large enough to be split', async () => {
    setThreads(2);
    fc.assert(
      fc.property(problemArb, (p) => checkProblem(p, 'wasm')),
      { numRuns: 30 },
    );
    const big = {
      n: 4,
      groups: 1,
      cinG: 32,
      coutG: 64,
      kh: 3,
      kw: 3,
      stride: [2, 2],
      dilation: [1, 1],
      pad: [1, 1],
      extra: [27, 27],
      seed: 2,
    } as Problem;
    const deadline = Date.now() + 20_000;
    do {
      checkProblem(big, 'wasm');
      if (getBackendInfo().lastKernel.endsWith('x2 threads')) break;
      await new Promise((r) => setTimeout(r, 20));
    } while (Date.now() < deadline);
    expect(getBackendInfo().lastKernel).toBe(`${KERNEL} x2 threads`);
  });
});

describe('strided conv2d input gradient vs finite differences (float32 kernel, float64 differences)', () => {
  const cases = [
    { name: '3x3 stride 2 pad 1', x: [2, 3, 7, 8], w: [4, 3, 3, 3], options: { stride: 2, padding: 1 } },
    { name: '1x1 stride 2', x: [1, 4, 6, 5], w: [3, 4, 1, 1], options: { stride: 2 } },
    {
      name: 'stride (3, 2), dilation, groups',
      x: [1, 4, 9, 8],
      w: [6, 2, 2, 3],
      options: { stride: [3, 2], dilation: [2, 1], groups: 2, padding: [1, 2] },
    },
  ] as const;
  it.each(cases)('$name', ({ x: xShape, w: wShape, options: base }) => {
    const next = rng((xShape as readonly number[]).reduce((a: number, b: number) => a * 7 + b, wShape[0]));
    const x = randomArr([...xShape], next);
    const w = randomArr([...wShape], next);
    const options = base as Conv2dOptions;
    const W = new Tensor(w.data, [...wShape]);
    const outShape = conv2d(new Tensor(x.data, [...xShape]), W, null, options).shape;
    const up = randomArr([...outShape], next);
    const gx = finiteDifferenceGrad((t) => conv2d(t, W, null, options), x, up.data);
    const U = new Tensor(Float32Array.from(up.data), up.shape);
    expect(
      closeness(conv2dBackwardInput(U, [...xShape], W.to('float32'), { ...options, kernel: 'wasm' }), gx, 1e-4, 1e-4),
    ).toBeNull();
    expectKernel();
  });
});
