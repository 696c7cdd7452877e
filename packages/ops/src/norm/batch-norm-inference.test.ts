import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getBackendInfo } from '@torchlet/kernels';
import { type Tensor, TorchletError, tensor, zeros } from '@torchlet/tensor';
import { type GoldenTensor, storageLayoutArb, toTensor, withLayout } from '@torchlet/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchNormInference } from './batch-norm-inference.js';

/** A float tensor's values, in row-major order. */
const floats = (t: Tensor): Float32Array | Float64Array => t.toTypedArray() as Float32Array | Float64Array;

// PyTorch 1.13's F.batch_norm(training=False) [then F.relu] (packages/ops/test/batch-norm-golden.py).
interface BatchNormCase {
  readonly input: GoldenTensor;
  readonly running_mean: GoldenTensor;
  readonly running_var: GoldenTensor;
  readonly weight: GoldenTensor | null;
  readonly bias: GoldenTensor | null;
  readonly eps: number;
  readonly relu: boolean;
  readonly out_float32: GoldenTensor;
  readonly out_float64: GoldenTensor;
}

const file = fileURLToPath(new URL('../../test/golden/batch_norm_inference.json', import.meta.url));
const { cases } = JSON.parse(readFileSync(file, 'utf8')) as { cases: BatchNormCase[] };
const KERNEL = 'wasm-simd128-channel-affine';

/** The spacing of float32 values at |y| (the smallest subnormal at 0). */
function ulp32(y: number): number {
  const a = Math.abs(y);
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

function expectSameBits(a: Tensor, b: Tensor): void {
  expect(a.shape).toEqual(b.shape);
  const x = floats(a);
  const y = floats(b);
  for (let i = 0; i < y.length; i++) if (!Object.is(x[i], y[i])) expect.fail(`element ${i}: ${x[i]} vs ${y[i]}`);
}

function run(c: BatchNormCase, dtype: 'float32' | 'float64', kernel: 'js' | 'wasm'): Tensor {
  const t = (g: GoldenTensor | null) => (g === null ? null : toTensor(g, dtype));
  return batchNormInference(
    toTensor(c.input, dtype),
    toTensor(c.running_mean, dtype),
    toTensor(c.running_var, dtype),
    t(c.weight),
    t(c.bias),
    { eps: c.eps, relu: c.relu, kernel },
  );
}

describe('batchNormInference: batch_norm_inference.json golden', () => {
  it('covers ReLU, no affine, rank 2 to 5 and eps 0', () => {
    expect(cases.some((c) => c.relu)).toBe(true);
    expect(cases.some((c) => c.weight === null)).toBe(true);
    expect(new Set(cases.map((c) => c.input.shape.length))).toEqual(new Set([2, 3, 4, 5]));
    expect(cases.some((c) => c.eps === 0)).toBe(true);
  });

  it.each(cases.map((c, i) => [`${i}: ${JSON.stringify(c.input.shape)} relu=${c.relu}`, c] as const))(
    'float32 %s: within one unit in the last place of PyTorch, almost always exact; wasm = js',
    (_label, c) => {
      const wasm = run(c, 'float32', 'wasm');
      expect(getBackendInfo().lastKernel).toBe(KERNEL);
      const js = run(c, 'float32', 'js');
      expectSameBits(wasm, js);
      const expected = c.out_float32.data;
      const got = floats(wasm);
      let exact = 0;
      for (let i = 0; i < expected.length; i++) {
        if (Object.is(got[i], expected[i])) exact++;
        else if (!(Math.abs(got[i] - expected[i]) <= ulp32(expected[i])))
          expect.fail(`element ${i}: ${got[i]} vs PyTorch ${expected[i]}`);
      }
      expect(exact / expected.length).toBeGreaterThan(0.999);
    },
  );

  it.each(cases.map((c, i) => [`${i}: ${JSON.stringify(c.input.shape)} relu=${c.relu}`, c] as const))(
    'float64 %s: within a few units of the terms (x * scale, shift) of PyTorch',
    (_label, c) => {
      const got = floats(run(c, 'float64', 'js'));
      const expected = c.out_float64.data;
      const [n, ch] = c.input.shape;
      const inner = expected.length / (n * ch);
      for (let i = 0; i < expected.length; i++) {
        const k = Math.floor(i / inner) % ch;
        const scale = Math.abs((c.weight?.data[k] ?? 1) / Math.sqrt(c.running_var.data[k] + c.eps));
        const terms =
          Math.abs(c.input.data[i]) * scale + Math.abs(c.running_mean.data[k]) * scale + Math.abs(c.bias?.data[k] ?? 0);
        if (!(Math.abs(got[i] - expected[i]) <= 1e-15 * terms))
          expect.fail(`element ${i}: ${got[i]} vs PyTorch ${expected[i]}`);
      }
    },
  );
});

describe('batchNormInference vs the textbook formula and across kernels', () => {
  it('wasm and js give the same bits on any shape and layout (NaN, ±0, ±inf included), near the formula', () => {
    const special = fc.constantFrom(Number.NaN, 0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
    fc.assert(
      fc.property(
        fc
          .record({
            n: fc.integer({ min: 1, max: 3 }),
            c: fc.integer({ min: 1, max: 4 }),
            h: fc.integer({ min: 1, max: 6 }),
            w: fc.integer({ min: 1, max: 7 }),
            affine: fc.boolean(),
            relu: fc.boolean(),
            layout: storageLayoutArb,
            eps: fc.constantFrom(0, 1e-5, 0.1),
          })
          .chain((p) =>
            fc.record({
              p: fc.constant(p),
              x: fc.array(fc.oneof(fc.float({ min: -100, max: 100, noNaN: true }), special), {
                minLength: p.n * p.c * p.h * p.w,
                maxLength: p.n * p.c * p.h * p.w,
              }),
              stats: fc.array(fc.float({ min: -4, max: 4, noNaN: true }), { minLength: 4 * p.c, maxLength: 4 * p.c }),
            }),
          ),
        ({ p, x, stats }) => {
          const shape = [p.n, p.c, p.h, p.w];
          const X = withLayout(x, shape, 'float32', p.layout);
          const mean = tensor(Float32Array.from(stats.slice(0, p.c)));
          const variance = tensor(Float32Array.from(stats.slice(p.c, 2 * p.c), (v) => Math.abs(v) + 0.01));
          const weight = p.affine ? tensor(Float32Array.from(stats.slice(2 * p.c, 3 * p.c))) : null;
          const bias = p.affine ? tensor(Float32Array.from(stats.slice(3 * p.c))) : null;
          const options = { eps: p.eps, relu: p.relu };
          const wasm = batchNormInference(X, mean, variance, weight, bias, { ...options, kernel: 'wasm' });
          expect(getBackendInfo().lastKernel).toBe(KERNEL);
          const js = batchNormInference(X, mean, variance, weight, bias, { ...options, kernel: 'js' });
          expectSameBits(wasm, js);
          const got = floats(wasm);
          const xs = floats(X.contiguous());
          const m = floats(mean);
          const v = floats(variance);
          const wt = weight === null ? undefined : floats(weight);
          const bs = bias === null ? undefined : floats(bias);
          const inner = p.h * p.w;
          for (let i = 0; i < got.length; i++) {
            const ch = Math.floor(i / inner) % p.c;
            const g = wt === undefined ? 1 : wt[ch];
            const pre = ((xs[i] - m[ch]) / Math.sqrt(v[ch] + p.eps)) * g + (bs === undefined ? 0 : bs[ch]);
            const y = p.relu && !(pre > 0) && !Number.isNaN(pre) ? 0 : pre;
            // Judged before the ReLU: relu(-inf) = 0 in float64, while PyTorch's folded scale can be
            // NaN there (-inf * 0 with a denormal weight), and relu keeps NaN.
            if (!Number.isFinite(pre)) {
              // inf * 0 and inf - inf are NaN in both; otherwise the same infinity. PyTorch folds the
              // statistics into a float32 scale first, so a scale that rounds to 0 (a denormal weight)
              // makes inf * 0 = NaN where the formula in float64 gives inf: either is right.
              const inv = Math.fround(1 / Math.fround(Math.sqrt(Math.fround(v[ch] + p.eps))));
              const scale = Math.fround(inv * g);
              let folded = xs[i] * scale + Math.fround((bs === undefined ? 0 : bs[ch]) - m[ch] * scale);
              if (p.relu && !(folded > 0) && !Number.isNaN(folded)) folded = 0;
              const same = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
              if (!(same(got[i], y) || same(got[i], folded))) expect.fail(`element ${i}: ${got[i]} vs ${y}`);
              continue;
            }
            // Float32 rounding of invstd, scale, shift and the result: a few units of the terms' size.
            const size = Math.abs((xs[i] * g) / Math.sqrt(v[ch] + p.eps)) + Math.abs(y) + 1e-30;
            if (!(Math.abs(got[i] - y) <= 4e-7 * size + 1e-6 * Math.abs(m[ch] * g) + 1e-37))
              expect.fail(`element ${i}: ${got[i]} vs ${y}`);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the same with the fused ReLU: -inf * 0 is NaN, and ReLU keeps NaN, as PyTorch (seed 1354592064)', () => {
    // F.relu(F.batch_norm(tensor([-inf]).reshape(1, 1, 1), mean 0, var 3.9, weight 1.4e-45, bias 0,
    // eps 0.1)) in PyTorch 1.13: tensor([[[nan]]]).
    const x = tensor(Float32Array.from([Number.NEGATIVE_INFINITY, 2]), { shape: [1, 1, 2] });
    const stat = (v: number) => tensor(Float32Array.from([v]));
    for (const kernel of ['js', 'wasm'] as const) {
      const y = floats(
        batchNormInference(x, stat(0), stat(3.9), stat(1.401298464324817e-45), stat(0), {
          eps: 0.1,
          relu: true,
          kernel,
        }),
      );
      expect(Number.isNaN(y[0])).toBe(true);
      expect(y[1]).toBe(0);
    }
  });

  it('a scale that rounds to 0 in float32 gives NaN for an infinite input, as PyTorch (inf * 0)', () => {
    // torch.nn.functional.batch_norm(tensor([inf, 1, -3]).reshape(1, 1, 3), mean 0, var 4,
    // weight 1.4e-45, bias 0, eps 0) in PyTorch 1.13: tensor([[[nan, 0., 0.]]]).
    const x = tensor(Float32Array.from([Number.POSITIVE_INFINITY, 1, -3]), { shape: [1, 1, 3] });
    const stat = (v: number) => tensor(Float32Array.from([v]));
    for (const kernel of ['js', 'wasm'] as const) {
      const y = floats(
        batchNormInference(x, stat(0), stat(4), stat(1.401298464324817e-45), stat(0), { eps: 0, kernel }),
      );
      expect(Number.isNaN(y[0])).toBe(true);
      expect(y[1] === 0 && y[2] === 0).toBe(true); // PyTorch prints 0. for both (signs aside)
    }
  });

  it('rejects bad arguments with a TorchletError naming them; a forced wasm kernel that cannot run throws', () => {
    const x = zeros([2, 3, 4]);
    const s = zeros([3]);
    expect(() => batchNormInference(zeros([3]), s, s, null, null)).toThrow(/input/);
    expect(() => batchNormInference(x, zeros([2]), s, null, null)).toThrow(/runningMean \[2\]/);
    expect(() => batchNormInference(x, s, s, zeros([3, 1]), null)).toThrow(/weight/);
    expect(() => batchNormInference(x, s, s, null, null, { eps: -1 })).toThrow(TorchletError);
    expect(() => batchNormInference(x, s, s, null, null, { kernel: 'gpu' as 'js' })).toThrow(/kernel/);
    const x64 = zeros([2, 3, 4], { dtype: 'float64' });
    expect(() => batchNormInference(x64, s, s, null, null, { kernel: 'wasm' })).toThrow(TorchletError);
    expect(batchNormInference(x64, s, s, null, null, { kernel: 'auto' }).dtype).toBe('float64');
  });
});
