// The weight gradient of conv2d on small output images (groups 1, at most 256 positions, 32+
// output channels, 2^20+ multiply-adds: ResNet's 14x14 and 7x7 stages) on the 'wasm' kernel and
// 'auto': @torchlet/kernels' wasmConv2dBackwardWeightGemm, one GEMM over the batch. PyTorch's
// golden vectors and a float64 reference on random problems (one and two threads); every check
// asserts the kernel really ran. (Finite differences would need millions of float64 forward
// passes at these sizes; the kernel's own tests check small problems element by element.)

import { readFileSync } from 'node:fs';
import { getBackendInfo, setThreads } from '@torchlet/kernels';
import { Tensor } from '@torchlet/tensor';
import {
  bilinear,
  closeness,
  convTerms,
  type GoldenTensor,
  goldenCloseness,
  randomArr,
  rng,
} from '@torchlet/test-utils';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { conv2dBackwardWeight } from './conv2d.js';
import type { Conv2dKernelName } from './params.js';

const KERNEL = 'wasm-simd128-conv2d-backward-weight-gemm';

const expectKernel = (): void => {
  expect(getBackendInfo().lastKernel.startsWith(KERNEL)).toBe(true);
};

interface GemmCase {
  readonly input: GoldenTensor;
  readonly weight_shape: number[];
  readonly stride: number;
  readonly padding: number;
  readonly upstream: GoldenTensor;
  readonly grad_weight: GoldenTensor;
}

// golden/gen_conv2d_weight_gemm.py
const goldenCases = (
  JSON.parse(readFileSync(new URL('./golden/conv2d_weight_gemm.json', import.meta.url), 'utf8')) as {
    cases: GemmCase[];
  }
).cases;

const f32 = (t: GoldenTensor): Tensor => new Tensor(Float32Array.from(t.data), t.shape);

describe('conv2d weight gradient on small images against PyTorch (golden vectors), float32', () => {
  afterAll(() => setThreads(1));
  it('has the generated cases', () => expect(goldenCases.length).toBe(2));
  it.each(
    goldenCases.map(
      (c) => [`${JSON.stringify(c.input.shape)} -> ${JSON.stringify(c.weight_shape)}, stride ${c.stride}`, c] as const,
    ),
  )('%s', (_label, c) => {
    setThreads(1);
    const [n, , h, w] = c.upstream.shape;
    for (const kernel of ['wasm', 'auto'] as const) {
      const options = { stride: c.stride, padding: c.padding, kernel };
      const dw = conv2dBackwardWeight(f32(c.upstream), f32(c.input), c.weight_shape, options);
      expect(goldenCloseness(dw, c.grad_weight, n * h * w)).toBeNull();
      expectKernel();
    }
  });
});

const problemArb = fc.record({
  n: fc.integer({ min: 2, max: 4 }),
  cin: fc.integer({ min: 12, max: 20 }),
  cout: fc.integer({ min: 32, max: 40 }),
  k: fc.integer({ min: 1, max: 3 }),
  stride: fc.integer({ min: 1, max: 2 }),
  dilation: fc.integer({ min: 1, max: 2 }),
  pad: fc.integer({ min: 0, max: 2 }),
  size: fc.integer({ min: 8, max: 15 }),
  seed: fc.integer(),
});

type Problem = typeof problemArb extends fc.Arbitrary<infer T> ? T : never;

/** Whether the dispatch sends `p` to the batched GEMM (see @torchlet/kernels' takesConv2dWeightGemm). */
function taken(p: Problem): boolean {
  const o = Math.floor((p.size + 2 * p.pad - p.dilation * (p.k - 1) - 1) / p.stride) + 1;
  // 3x3 stride-1 undilated convs with 16+ input channels run the Winograd weight gradient instead.
  const winograd = p.k === 3 && p.stride === 1 && p.dilation === 1 && p.cin >= 16;
  return !winograd && o > 0 && o * o <= 256 && p.n * p.cout * o * o * p.cin * p.k * p.k >= 2 ** 20;
}

function checkProblem(p: Problem, kernel: Conv2dKernelName | 'auto'): void {
  const next = rng(p.seed);
  const x = randomArr([p.n, p.cin, p.size, p.size], next);
  const wt = randomArr([p.cout, p.cin, p.k, p.k], next);
  const opt = {
    stride: [p.stride, p.stride] as [number, number],
    pads: [p.pad, p.pad, p.pad, p.pad] as [number, number, number, number],
    dilation: [p.dilation, p.dilation] as [number, number],
    groups: 1,
  };
  const outShape = convTerms(x.shape, wt.shape, opt, () => {});
  const up = randomArr(outShape, next);
  const ref = bilinear((v) => convTerms(x.shape, wt.shape, opt, v), x, wt, up);
  const X = new Tensor(Float32Array.from(x.data), x.shape);
  const U = new Tensor(Float32Array.from(up.data), up.shape);
  const options = { stride: p.stride, padding: p.pad, dilation: p.dilation, kernel };
  const tol = 1e-5 * p.n * outShape[2] * outShape[3];
  expect(closeness(conv2dBackwardWeight(U, X, wt.shape, options), ref.gradW, tol, tol)).toBeNull();
  expectKernel();
}

describe('conv2d weight gradient on small images vs a naive float64 reference', () => {
  afterAll(() => setThreads(1));

  it('random stride, dilation and padding, one thread', () => {
    setThreads(1);
    fc.assert(
      fc.property(problemArb.filter(taken), (p) => checkProblem(p, 'wasm')),
      { numRuns: 15 },
    );
  });

  it('two threads', async () => {
    setThreads(2);
    const p: Problem = { n: 4, cin: 16, cout: 48, k: 3, stride: 2, dilation: 1, pad: 1, size: 27, seed: 5 };
    const deadline = Date.now() + 20_000;
    do {
      checkProblem(p, 'auto');
      if (getBackendInfo().lastKernel.endsWith('x2 threads')) break;
      await new Promise((r) => setTimeout(r, 20));
    } while (Date.now() < deadline);
    expect(getBackendInfo().lastKernel).toBe(`${KERNEL} x2 threads`);
    fc.assert(
      fc.property(problemArb.filter(taken), (q) => checkProblem(q, 'wasm')),
      { numRuns: 5 },
    );
  });
});
