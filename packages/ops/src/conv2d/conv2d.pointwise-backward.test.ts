// The 1x1, stride-1, unpadded conv2d gradients that run as GEMMs on the NCHW layout
// (@torchlet/kernels' wasmConv2dBackwardInput1x1 / wasmConv2dBackwardWeight1x1, behind the 'wasm'
// kernel and 'auto'): PyTorch's golden vectors, a float64 reference on random problems (one and
// two threads), and finite differences. Every float32 check asserts the 1x1 kernels really ran.

import { readFileSync } from 'node:fs';
import { getBackendInfo, setThreads } from '@torchlet/kernels';
import { Tensor } from '@torchlet/tensor';
import {
  bilinear,
  type Conv2dCase,
  caseLabel,
  closeness,
  convTerms,
  finiteDifferenceGrad,
  goldenCloseness,
  randomArr,
  rng,
  toTensor,
} from '@torchlet/test-utils';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from './conv2d.js';
import type { Conv2dKernelName } from './params.js';

const INPUT_KERNEL = 'wasm-simd128-conv2d-1x1-backward-input-gemm';
const WEIGHT_KERNEL = 'wasm-simd128-conv2d-1x1-backward-weight-gemm';

const expectKernel = (name: string): void => {
  expect(getBackendInfo().lastKernel.startsWith(name)).toBe(true);
};

// golden/gen_conv2d_pointwise.py
const goldenCases = (
  JSON.parse(readFileSync(new URL('./golden/conv2d_pointwise.json', import.meta.url), 'utf8')) as {
    cases: Conv2dCase[];
  }
).cases;

describe('1x1 conv2d gradients against PyTorch (golden vectors), float32 on the 1x1 GEMM kernels', () => {
  it('has the generated cases', () => expect(goldenCases.length).toBeGreaterThanOrEqual(9));
  it.each(goldenCases.map((c, i) => [caseLabel(c, i), c] as const))('%s', (_label, c) => {
    const x = toTensor(c.input, 'float32');
    const w = toTensor(c.weight, 'float32');
    const up = toTensor(c.upstream, 'float32');
    const options = { groups: c.groups, kernel: 'wasm' as const };
    const [cout] = c.weight.shape;
    const [n, , h, wd] = c.out.shape;
    expect(goldenCloseness(conv2dBackwardInput(up, x.shape, w, options), c.grad_input, cout / c.groups)).toBeNull();
    expectKernel(INPUT_KERNEL);
    expect(goldenCloseness(conv2dBackwardWeight(up, x, w.shape, options), c.grad_weight, n * h * wd)).toBeNull();
    expectKernel(WEIGHT_KERNEL);
  });
});

interface Problem {
  readonly n: number;
  readonly groups: number;
  readonly cinG: number;
  readonly coutG: number;
  readonly h: number;
  readonly w: number;
  readonly seed: number;
}

/** Both gradients of a 1x1 conv on `kernel` in float32 against the float64 reference of the same (exact) operands. */
function checkProblem(p: Problem, kernel: Conv2dKernelName | 'auto'): void {
  const next = rng(p.seed);
  const cin = p.cinG * p.groups;
  const cout = p.coutG * p.groups;
  const x = randomArr([p.n, cin, p.h, p.w], next);
  const wt = randomArr([cout, p.cinG, 1, 1], next);
  const opt = {
    stride: [1, 1] as [number, number],
    pads: [0, 0, 0, 0] as [number, number, number, number],
    dilation: [1, 1] as [number, number],
    groups: p.groups,
  };
  const outShape = convTerms(x.shape, wt.shape, opt, () => {});
  const up = randomArr(outShape, next);
  const ref = bilinear((v) => convTerms(x.shape, wt.shape, opt, v), x, wt, up);
  const X = new Tensor(Float32Array.from(x.data), x.shape);
  const W = new Tensor(Float32Array.from(wt.data), wt.shape);
  const U = new Tensor(Float32Array.from(up.data), up.shape);
  const options = { groups: p.groups, kernel };
  // Terms are multiples of 1/4096 up to 4: float32 sums of up to ~2^11 terms stay within 1e-4 relative.
  const tol = 1e-5 * Math.max(p.coutG, p.n * p.h * p.w);
  expect(closeness(conv2dBackwardInput(U, X.shape, W, options), ref.gradX, tol, tol)).toBeNull();
  expectKernel(INPUT_KERNEL);
  expect(closeness(conv2dBackwardWeight(U, X, W.shape, options), ref.gradW, tol, tol)).toBeNull();
  expectKernel(WEIGHT_KERNEL);
}

const problemArb = fc.record({
  n: fc.integer({ min: 1, max: 4 }),
  groups: fc.integer({ min: 1, max: 3 }),
  cinG: fc.integer({ min: 1, max: 9 }),
  coutG: fc.integer({ min: 1, max: 9 }),
  h: fc.integer({ min: 1, max: 12 }),
  w: fc.integer({ min: 1, max: 12 }),
  seed: fc.integer(),
});

describe('1x1 conv2d gradients vs a naive float64 reference', () => {
  afterAll(() => setThreads(1));

  it('random batch, channels, groups and sizes on the wasm kernel, one thread', () => {
    setThreads(1);
    fc.assert(
      fc.property(problemArb, (p) => checkProblem(p, 'wasm')),
      { numRuns: 100 },
    );
  });

  it("'auto' runs the 1x1 GEMM kernels above the direct loop's range", () => {
    setThreads(1);
    checkProblem({ n: 2, groups: 1, cinG: 24, coutG: 16, h: 9, w: 13, seed: 1 }, 'auto');
    checkProblem({ n: 3, groups: 2, cinG: 8, coutG: 12, h: 7, w: 7, seed: 2 }, 'auto');
  });

  it('two threads: random problems, and problems large enough to be split', async () => {
    setThreads(2);
    fc.assert(
      fc.property(problemArb, (p) => checkProblem(p, 'wasm')),
      { numRuns: 30 },
    );
    // 2^22+ multiply-adds: units shared by the threads (once the workers are up).
    const big: Problem = { n: 4, groups: 1, cinG: 48, coutG: 40, h: 33, w: 34, seed: 3 };
    const deadline = Date.now() + 20_000;
    do {
      checkProblem(big, 'wasm');
      if (getBackendInfo().lastKernel.endsWith('x2 threads')) break;
      await new Promise((r) => setTimeout(r, 20));
    } while (Date.now() < deadline);
    expect(getBackendInfo().lastKernel).toBe(`${WEIGHT_KERNEL} x2 threads`);
    checkProblem(big, 'wasm');
    expect(getBackendInfo().lastKernel).toBe(`${WEIGHT_KERNEL} x2 threads`);
  });
});

describe('1x1 conv2d gradients vs finite differences (float32 kernels, float64 differences)', () => {
  const cases = [
    { name: '1x1', x: [2, 5, 4, 6], w: [3, 5, 1, 1], groups: 1 },
    { name: '1x1, groups', x: [1, 6, 3, 5], w: [9, 2, 1, 1], groups: 3 },
    { name: '1x1, unbatched', x: [4, 3, 7], w: [6, 4, 1, 1], groups: 1 },
  ];
  it.each(cases)('$name', ({ x: xShape, w: wShape, groups }) => {
    const next = rng(xShape.reduce((a, b) => a * 7 + b, wShape[0]));
    const x = randomArr(xShape, next);
    const w = randomArr(wShape, next);
    const outShape = conv2d(new Tensor(x.data, xShape), new Tensor(w.data, wShape), null, { groups }).shape;
    const up = randomArr([...outShape], next);
    const X = new Tensor(x.data, xShape);
    const W = new Tensor(w.data, wShape);
    const gx = finiteDifferenceGrad((t) => conv2d(t, W, null, { groups }), x, up.data);
    const gw = finiteDifferenceGrad((t) => conv2d(X, t, null, { groups }), w, up.data);
    const options = { groups, kernel: 'wasm' as const };
    const U = new Tensor(Float32Array.from(up.data), up.shape);
    expect(closeness(conv2dBackwardInput(U, xShape, W.to('float32'), options), gx, 1e-4, 1e-4)).toBeNull();
    expectKernel(INPUT_KERNEL);
    expect(closeness(conv2dBackwardWeight(U, X.to('float32'), wShape, options), gw, 1e-4, 1e-4)).toBeNull();
    expectKernel(WEIGHT_KERNEL);
  });
});
