import { readFileSync } from 'node:fs';
import { getBackendInfo, weightCacheInfo } from '@torchlet/kernels';
import {
  type Conv2dCase,
  caseLabel,
  type GoldenTensor,
  goldenCloseness,
  loadGolden,
  pair,
  toTensor,
} from '@torchlet/test-utils';
import { describe, expect, it } from 'vitest';
import { conv2d, conv2dBackwardBias, conv2dBackwardInput, conv2dBackwardWeight } from './conv2d.js';
import {
  type Conv2dActivation,
  type Conv2dKernelName,
  type Conv2dOptions,
  conv2dDepthwiseKernels,
  conv2dKernels,
} from './params.js';

const dtypes = ['float32', 'float64'] as const;

function expectGolden(actual: ReturnType<typeof conv2d>, expected: GoldenTensor, terms: number): void {
  expect(goldenCloseness(actual, expected, terms)).toBeNull();
}

/** conv2d's fused activations; each is checked against the golden output passed through it. */
const activations: readonly Conv2dActivation[] = ['relu', 'relu6', { clamp: [-0.5, 0.25] }];
function activated(t: GoldenTensor, a: Conv2dActivation): GoldenTensor {
  const [lo, hi] = a === 'relu' ? [0, Number.POSITIVE_INFINITY] : a === 'relu6' ? [0, 6] : a.clamp;
  return { shape: t.shape, data: t.data.map((v) => Math.min(Math.max(v, lo), hi)) };
}

/**
 * The forward pass again on the same weights, and with each activation: on the WebAssembly kernel
 * (float32) the repeat reuses the packed weights (checked through the cache's hit count) and the
 * activations run inside the pass.
 */
function checkForwardPaths(
  x: ReturnType<typeof toTensor>,
  w: ReturnType<typeof toTensor>,
  b: ReturnType<typeof toTensor> | null,
  options: Conv2dOptions,
  expected: GoldenTensor,
  terms: number,
): void {
  const wasm = options.kernel === 'wasm' && x.dtype === 'float32';
  const hits = weightCacheInfo().hits;
  expectGolden(conv2d(x, w, b, options), expected, terms);
  if (wasm) {
    // 1x1 convs with groups 1 and no padding run the pointwise kernel, stride-1 convs with at most
    // 6 output channels (groups 1) the small-channel direct kernel, the others the implicit GEMM.
    expect(getBackendInfo().lastKernel).toMatch(/^wasm-simd128-conv2d-((implicit|pointwise)-4x8|small-cout)/);
    expect(weightCacheInfo().hits).toBe(hits + 1);
  }
  for (const activation of activations) {
    expectGolden(conv2d(x, w, b, { ...options, activation }), activated(expected, activation), terms);
  }
}

/** Forward and every gradient of golden case `c` on `kernel` in `dtype`. */
function checkCase(c: Conv2dCase, dtype: (typeof dtypes)[number], kernel: Conv2dKernelName): void {
  const x = toTensor(c.input, dtype);
  const w = toTensor(c.weight, dtype);
  const b = c.bias ? toTensor(c.bias, dtype) : null;
  const up = toTensor(c.upstream, dtype);
  const options: Conv2dOptions = {
    stride: pair(c.stride),
    padding: typeof c.padding === 'string' ? c.padding : pair(c.padding),
    dilation: pair(c.dilation),
    groups: c.groups,
    kernel,
  };
  const [cout, cinG, kh, kw] = c.weight.shape;
  const [n, , hout, wout] = c.out.shape;
  expectGolden(conv2d(x, w, b, options), c.out, cinG * kh * kw + 1);
  checkForwardPaths(x, w, b, options, c.out, cinG * kh * kw + 1);
  expectGolden(conv2dBackwardInput(up, x.shape, w, options), c.grad_input, (cout / c.groups) * kh * kw);
  expectGolden(conv2dBackwardInput(up, x, w, options), c.grad_input, (cout / c.groups) * kh * kw);
  expectGolden(conv2dBackwardWeight(up, x, w.shape, options), c.grad_weight, n * hout * wout);
  if (c.grad_bias) expectGolden(conv2dBackwardBias(up), c.grad_bias, n * hout * wout);
  if (kernel === 'depthwise' && dtype === 'float32') {
    expect(getBackendInfo().lastKernel.startsWith('wasm-simd128-depthwise-conv2d')).toBe(true);
  }
}

describe.each(conv2dKernels)('conv2d golden vectors, %s kernel', (kernel) => {
  describe.each(dtypes)('%s', (dtype) => {
    const cases = loadGolden('conv2d');
    it.each(cases.map((c, i) => [caseLabel(c, i), c] as const))('%s', (_label, c) => checkCase(c, dtype, kernel));
  });
});

// Depthwise cases (golden/gen_conv2d_depthwise.py): every kernel that runs depthwise problems.
const depthwiseCases = (
  JSON.parse(readFileSync(new URL('./golden/conv2d_depthwise.json', import.meta.url), 'utf8')) as {
    cases: Conv2dCase[];
  }
).cases;

describe.each(conv2dDepthwiseKernels)('depthwise conv2d golden vectors, %s kernel', (kernel) => {
  it('has the generated cases', () => expect(depthwiseCases.length).toBeGreaterThanOrEqual(16));
  describe.each(dtypes)('%s', (dtype) => {
    it.each(depthwiseCases.map((c, i) => [caseLabel(c, i), c] as const))('%s', (_label, c) =>
      checkCase(c, dtype, kernel),
    );
  });
});

describe.each(conv2dKernels)('conv2d padding-mode golden vectors, %s kernel', (kernel) => {
  describe.each(dtypes)('%s', (dtype) => {
    const cases = loadGolden('conv2d_padding_mode');
    it.each(cases.map((c, i) => [caseLabel(c, i), c] as const))('%s', (_label, c) => {
      const x = toTensor(c.input, dtype);
      const w = toTensor(c.weight, dtype);
      const up = toTensor(c.upstream, dtype);
      const options: Conv2dOptions = { padding: pair(c.padding), paddingMode: c.padding_mode, kernel };
      const [cout, cin, kh, kw] = c.weight.shape;
      const [n, , hout, wout] = c.out.shape;
      expectGolden(conv2d(x, w, null, options), c.out, cin * kh * kw);
      checkForwardPaths(x, w, null, options, c.out, cin * kh * kw);
      // a border pixel of the input can feed the output several times through the padding
      expectGolden(conv2dBackwardInput(up, x, w, options), c.grad_input, 4 * cout * kh * kw);
      expectGolden(conv2dBackwardWeight(up, x, w, options), c.grad_weight, n * hout * wout);
    });
  });
});
