import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getBackendInfo } from '@torchlet/kernels';
import type { Tensor } from '@torchlet/tensor';
import { type GoldenTensor, toTensor } from '@torchlet/test-utils';
import { describe, expect, it } from 'vitest';
import { batchNormTraining, batchNormTrainingBackward } from './batch-norm-training.js';

// PyTorch 1.13's F.batch_norm(training=True) and its gradients (packages/ops/test/batch-norm-training-golden.py).
interface Expected {
  readonly output: GoldenTensor;
  readonly mean: GoldenTensor;
  readonly variance: GoldenTensor;
  readonly invstd: GoldenTensor;
  readonly grad_input: GoldenTensor;
  readonly grad_weight: GoldenTensor;
  readonly grad_bias: GoldenTensor;
}
interface TrainingCase {
  readonly input: GoldenTensor;
  readonly weight: GoldenTensor | null;
  readonly bias: GoldenTensor | null;
  readonly grad_output: GoldenTensor;
  readonly eps: number;
  readonly activation: 'relu' | 'relu6' | null;
  readonly float32: Expected;
  readonly float64: Expected;
}

const file = fileURLToPath(new URL('../../test/golden/batch_norm_training.json', import.meta.url));
const { cases } = JSON.parse(readFileSync(file, 'utf8')) as { cases: TrainingCase[] };
const KERNEL = 'wasm-simd128-batch-norm-train';

/** Max |a - b| / (atol + rtol * |b|) over the elements: <= 1 passes. */
function expectClose(actual: Tensor, expected: GoldenTensor, atol: number, rtol: number, what: string): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.toTypedArray() as Float32Array | Float64Array;
  for (let i = 0; i < expected.data.length; i++) {
    const e = expected.data[i];
    if (!(Math.abs(a[i] - e) <= atol + rtol * Math.abs(e))) expect.fail(`${what} element ${i}: ${a[i]} vs ${e}`);
  }
}

const runs = [
  { dtype: 'float32', kernel: 'wasm' },
  { dtype: 'float32', kernel: 'js' },
  { dtype: 'float64', kernel: 'js' },
  { dtype: 'float64', kernel: 'auto' },
] as const;

describe('batchNormTraining / batchNormTrainingBackward: batch_norm_training.json golden', () => {
  it('covers no affine, rank 2 to 5, eps 0 and data far from zero', () => {
    expect(cases.some((c) => c.weight === null)).toBe(true);
    expect(new Set(cases.map((c) => c.input.shape.length))).toEqual(new Set([2, 3, 4, 5]));
    expect(cases.some((c) => c.eps === 0)).toBe(true);
    expect(new Set(cases.map((c) => c.activation))).toEqual(new Set([null, 'relu', 'relu6']));
  });

  describe.each(runs)('$dtype, kernel $kernel', ({ dtype, kernel }) => {
    it.each(cases.map((c, i) => [`${i}: [${c.input.shape.join(',')}]`, c] as const))('%s', (_, c) => {
      const t = (g: GoldenTensor | null) => (g === null ? null : toTensor(g, dtype));
      const x = toTensor(c.input, dtype);
      const w = t(c.weight);
      const want = c[dtype];
      const b = t(c.bias);
      const r = batchNormTraining(x, w, b, { eps: c.eps, kernel, activation: c.activation });
      if (kernel === 'wasm') expect(getBackendInfo().lastKernel).toBe(KERNEL);
      const tol = dtype === 'float32' ? { atol: 2e-5, rtol: 1e-5 } : { atol: 1e-12, rtol: 1e-12 };
      expectClose(r.output, want.output, tol.atol * 10, tol.rtol, 'output');
      expectClose(r.mean, want.mean, tol.atol, tol.rtol, 'mean');
      expectClose(r.variance, want.variance, tol.atol * 10, tol.rtol * 10, 'variance');
      expectClose(r.invstd, want.invstd, tol.atol, tol.rtol * 10, 'invstd');
      const g = batchNormTrainingBackward(toTensor(c.grad_output, dtype), x, r.mean, r.invstd, w, {
        kernel,
        activation: c.activation,
        bias: b,
      });
      if (kernel === 'wasm') expect(getBackendInfo().lastKernel).toBe(KERNEL);
      expectClose(g.gradInput, want.grad_input, tol.atol * 10, tol.rtol * 10, 'grad_input');
      // Sums over up to 3,600 terms of either sign: absolute tolerance by the term count.
      const terms = c.input.data.length / c.input.shape[1];
      expectClose(g.gradWeight, want.grad_weight, tol.atol * Math.sqrt(terms) * 10, tol.rtol * 10, 'grad_weight');
      expectClose(g.gradBias, want.grad_bias, tol.atol * Math.sqrt(terms) * 10, tol.rtol * 10, 'grad_bias');
    });
  });
});
