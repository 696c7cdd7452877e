import { getBackendInfo } from '@torchlet/kernels';
import { type Tensor, TorchletError, tensor, zeros } from '@torchlet/tensor';
import { storageLayoutArb, withLayout } from '@torchlet/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchNormTraining, batchNormTrainingBackward } from './batch-norm-training.js';

const KERNEL = 'wasm-simd128-batch-norm-train';
const floats = (t: Tensor): Float32Array | Float64Array => t.toTypedArray() as Float32Array | Float64Array;

/** The textbook formulas in float64: output, biased variance and the three gradients. */
function reference(x: number[], shape: number[], w: number[] | null, b: number[] | null, dy: number[], eps: number) {
  const [n, c] = shape;
  const inner = x.length / (n * c);
  const m = n * inner;
  const out = new Float64Array(x.length);
  const dx = new Float64Array(x.length);
  const variance = new Float64Array(c);
  const means = new Float64Array(c);
  const dw = new Float64Array(c);
  const db = new Float64Array(c);
  const at = (i: number, ch: number, j: number) => (i * c + ch) * inner + j;
  for (let ch = 0; ch < c; ch++) {
    let s = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < inner; j++) s += x[at(i, ch, j)];
    const mean = s / m;
    means[ch] = mean;
    let q = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < inner; j++) q += (x[at(i, ch, j)] - mean) ** 2;
    variance[ch] = q / m;
    const inv = 1 / Math.sqrt(variance[ch] + eps);
    const wc = w === null ? 1 : w[ch];
    let sg = 0;
    let sgx = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < inner; j++) {
        const k = at(i, ch, j);
        out[k] = (x[k] - mean) * inv * wc + (b === null ? 0 : b[ch]);
        sg += dy[k];
        sgx += dy[k] * (x[k] - mean) * inv;
      }
    }
    dw[ch] = sgx;
    db[ch] = sg;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < inner; j++) {
        const k = at(i, ch, j);
        const xhat = (x[k] - mean) * inv;
        dx[k] = wc * inv * (dy[k] - sg / m - xhat * (sgx / m));
      }
    }
  }
  return { out, variance, means, dx, dw, db };
}

function expectNear(a: ArrayLike<number>, e: ArrayLike<number>, atol: number, rtol: number, what: string): void {
  for (let i = 0; i < e.length; i++) {
    if (!(Math.abs(a[i] - e[i]) <= atol + rtol * Math.abs(e[i]))) throw new Error(`${what} ${i}: ${a[i]} vs ${e[i]}`);
  }
}

describe('batchNormTraining vs the textbook formulas, on every kernel and layout', () => {
  it('wasm (float32), js (float32) and js (float64) agree with float64 formulas on any shape and layout', () => {
    fc.assert(
      fc.property(
        fc
          .record({
            n: fc.integer({ min: 1, max: 3 }),
            c: fc.integer({ min: 1, max: 4 }),
            h: fc.integer({ min: 1, max: 6 }),
            w: fc.integer({ min: 1, max: 9 }),
            affine: fc.boolean(),
            layout: storageLayoutArb,
            eps: fc.constantFrom(1e-5, 0.1),
            offset: fc.constantFrom(0, 1, -30),
          })
          .filter((p) => p.n * p.h * p.w > 1)
          .chain((p) => {
            const size = p.n * p.c * p.h * p.w;
            const v = fc.float({ min: -8, max: 8, noNaN: true, noDefaultInfinity: true });
            return fc.record({
              p: fc.constant(p),
              x: fc.array(v, { minLength: size, maxLength: size }),
              dy: fc.array(v, { minLength: size, maxLength: size }),
              stats: fc.array(fc.float({ min: -4, max: 4, noNaN: true }), { minLength: 2 * p.c, maxLength: 2 * p.c }),
            });
          }),
        ({ p, x: x0, dy, stats }) => {
          const shape = [p.n, p.c, p.h, p.w];
          const x = x0.map((v) => Math.fround(v + p.offset));
          const w = p.affine ? stats.slice(0, p.c) : null;
          const b = p.affine ? stats.slice(p.c) : null;
          const ref = reference(x, shape, w, b, dy, p.eps);
          for (const [dtype, kernel] of [
            ['float32', 'wasm'],
            ['float32', 'js'],
            ['float64', 'js'],
          ] as const) {
            const X = withLayout(x, shape, dtype, p.layout);
            const W = w === null ? null : tensor(w, { dtype });
            const B = b === null ? null : tensor(b, { dtype });
            const r = batchNormTraining(X, W, B, { eps: p.eps, kernel });
            if (kernel === 'wasm') expect(getBackendInfo().lastKernel).toBe(KERNEL);
            expect(r.output.dtype).toBe(dtype);
            const f32 = dtype === 'float32';
            // The variance can be tiny against the data (constant channels): compare on the data's scale.
            const scale = Math.max(1, ...x.map(Math.abs));
            expectNear(
              floats(r.variance),
              ref.variance,
              (f32 ? 1e-6 : 1e-13) * scale * scale,
              f32 ? 1e-5 : 1e-12,
              'variance',
            );
            const inv = floats(r.invstd);
            const wscale = (ch: number) => inv[ch] * (w === null ? 1 : Math.abs(w[ch]));
            const big = Math.max(...Array.from({ length: p.c }, (_, ch) => wscale(ch))) * scale + 1;
            expectNear(floats(r.output), ref.out, (f32 ? 1e-5 : 1e-12) * big, f32 ? 1e-5 : 1e-12, 'output');
            const G = withLayout(dy, shape, dtype, p.layout);
            const g = batchNormTrainingBackward(G, X, r.mean, r.invstd, W, { kernel });
            if (kernel === 'wasm') expect(getBackendInfo().lastKernel).toBe(KERNEL);
            const dscale = big * 8 * (1 + p.n * p.h * p.w * 1e-2);
            expectNear(floats(g.gradInput), ref.dx, (f32 ? 1e-5 : 1e-11) * dscale, f32 ? 1e-4 : 1e-11, 'gradInput');
            const terms = p.n * p.h * p.w * 8;
            expectNear(floats(g.gradBias), ref.db, (f32 ? 1e-5 : 1e-12) * terms, 1e-6, 'gradBias');
            // The backward reads the saved mean, float32 as PyTorch's: x - mean carries the mean's
            // rounding, which 1/std amplifies where a channel's spread is far below its offset.
            const m = p.n * p.h * p.w;
            for (let ch = 0; ch < p.c; ch++) {
              const delta = f32 ? Math.abs(ref.means[ch] - Math.fround(ref.means[ch])) : 0;
              const sumAbsDy = Array.from({ length: m }, (_, k) => {
                const i = Math.floor(k / (p.h * p.w));
                return Math.abs(dy[(i * p.c + ch) * p.h * p.w + (k % (p.h * p.w))]);
              }).reduce((a, v) => a + v, 0);
              const meanError = inv[ch] * delta * sumAbsDy;
              expectNear(
                [floats(g.gradWeight)[ch]],
                [ref.dw[ch]],
                (f32 ? 1e-4 : 1e-11) * terms + 2 * meanError,
                f32 ? 1e-4 : 1e-11,
                'gradWeight',
              );
            }
          }
        },
      ),
      { numRuns: 80 },
    );
  });

  it('with a fused ReLU / ReLU6: wasm and js (float32) agree, the output is the activation of the plain one', () => {
    fc.assert(
      fc.property(
        fc.record({
          n: fc.integer({ min: 1, max: 3 }),
          c: fc.integer({ min: 1, max: 4 }),
          hw: fc.integer({ min: 2, max: 40 }),
          activation: fc.constantFrom('relu' as const, 'relu6' as const),
          affine: fc.boolean(),
          seed: fc.integer({ min: 1, max: 10_000 }),
          layout: storageLayoutArb,
        }),
        ({ n, c, hw, activation, affine, seed, layout }) => {
          const shape = [n, c, hw];
          const size = n * c * hw;
          let s = seed;
          const rand = () => {
            s = (Math.imul(s, 1103515245) + 12345) >>> 0;
            return (s / 2 ** 32) * 8 - 3;
          };
          const x = Array.from({ length: size }, rand);
          const dy = Array.from({ length: size }, rand);
          const X = withLayout(x, shape, 'float32', layout);
          const G = withLayout(dy, shape, 'float32', layout);
          const W = affine ? tensor(Array.from({ length: c }, rand)) : null;
          const B = affine ? tensor(Array.from({ length: c }, () => rand() * 2)) : null;
          const plain = batchNormTraining(X, W, B, { kernel: 'js' }).output.clamp(0, activation === 'relu6' ? 6 : null);
          const grads = (['wasm', 'js'] as const).map((kernel) => {
            const r = batchNormTraining(X, W, B, { kernel, activation });
            if (kernel === 'wasm') expect(getBackendInfo().lastKernel).toBe(KERNEL);
            expectNear(floats(r.output), floats(plain), 2e-6, 2e-6, `${kernel} output`);
            const g = batchNormTrainingBackward(G, X, r.mean, r.invstd, W, { kernel, activation, bias: B });
            if (kernel === 'wasm') expect(getBackendInfo().lastKernel).toBe(KERNEL);
            return g;
          });
          expectNear(floats(grads[0].gradInput), floats(grads[1].gradInput), 1e-5, 1e-4, 'gradInput');
          expectNear(floats(grads[0].gradWeight), floats(grads[1].gradWeight), 1e-4, 1e-4, 'gradWeight');
          expectNear(floats(grads[0].gradBias), floats(grads[1].gradBias), 1e-4, 1e-5, 'gradBias');
        },
      ),
      { numRuns: 50 },
    );
  });

  it('rejects bad arguments with named errors, before computing', () => {
    const x = zeros([2, 3, 4]);
    expect(() => batchNormTraining(zeros([1, 3, 1]), null, null)).toThrow(/more than 1 value per channel/);
    expect(() => batchNormTraining(zeros([3]), null, null)).toThrow(TorchletError);
    expect(() => batchNormTraining(x, zeros([2]), null)).toThrow(/weight \[3\]/);
    expect(() => batchNormTraining(x, null, zeros([3], { dtype: 'int32' }))).toThrow(TorchletError);
    expect(() => batchNormTraining(x, null, null, { eps: -1 })).toThrow(/eps/);
    expect(() => batchNormTraining(x, null, null, { kernel: 'gpu' as never })).toThrow(/kernel/);
    expect(() => batchNormTraining(x, null, null, { activation: 'gelu' as never })).toThrow(/activation/);
    expect(() => batchNormTraining(zeros([2, 3], { dtype: 'float64' }), null, null, { kernel: 'wasm' })).toThrow(
      /'wasm' kernel takes float32/,
    );
    const { mean, invstd } = batchNormTraining(x, null, null);
    expect(() => batchNormTrainingBackward(zeros([2, 3, 5]), x, mean, invstd, null)).toThrow(/gradOutput/);
    expect(() => batchNormTrainingBackward(zeros([2, 3, 4], { dtype: 'float64' }), x, mean, invstd, null)).toThrow(
      /dtype/,
    );
    expect(() => batchNormTrainingBackward(zeros([2, 3, 4]), x, zeros([2]), invstd, null)).toThrow(/mean \[3\]/);
    expect(() => batchNormTrainingBackward(zeros([2, 3, 4]), x, mean, invstd, null, { kernel: 'x' as never })).toThrow(
      TorchletError,
    );
  });
});
