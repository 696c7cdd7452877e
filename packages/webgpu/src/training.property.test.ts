// The kernels training needs against float64 references: cross-entropy over random layouts and
// options (its gradient also against central finite differences of the float64 loss), softmax
// rows, mse, SGD and Adam/AdamW steps, argmax/argmin, clamp and where.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { seedArb } from '../test/arbitraries.js';
import { gpu, ranOn } from '../test/gpu.js';
import { closeTo, randomFloats } from '../test/reference.js';
import {
  adamStep,
  allocate,
  argReduce,
  clamp,
  crossEntropyBackward,
  crossEntropyForward,
  LOSS_KERNELS,
  type LossReduction,
  mseLossBackward,
  mseLossForward,
  OPTIM_KERNELS,
  readback,
  sgdStep,
  upload,
  where,
} from './index.js';

interface CeCase {
  outer: number;
  classes: number;
  inner: number;
  reduction: LossReduction;
  ignoreIndex: number;
  labelSmoothing: number;
  weighted: boolean;
  seed: number;
}

const ceArb = fc.record({
  outer: fc.integer({ min: 1, max: 5 }),
  classes: fc.integer({ min: 1, max: 6 }),
  inner: fc.integer({ min: 1, max: 3 }),
  reduction: fc.constantFrom<LossReduction>('mean', 'sum', 'none'),
  ignoreIndex: fc.constantFrom(-100, 0, 1),
  labelSmoothing: fc.constantFrom(0, 0.1, 0.5),
  weighted: fc.boolean(),
  seed: seedArb,
});

/** PyTorch's cross_entropy in float64, written from its definition: per-row losses and the denominator. */
function refCrossEntropy(
  c: CeCase,
  x: Float64Array,
  t: Int32Array,
  w: Float64Array,
): { rows: Float64Array; denominator: number } {
  const rows = new Float64Array(c.outer * c.inner);
  let denominator = 0;
  for (let r = 0; r < rows.length; r++) {
    if (t[r] === c.ignoreIndex) continue;
    const base = Math.floor(r / c.inner) * c.classes * c.inner + (r % c.inner);
    const at = (k: number) => x[base + k * c.inner];
    let m = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < c.classes; k++) m = Math.max(m, at(k));
    let s = 0;
    for (let k = 0; k < c.classes; k++) s += Math.exp(at(k) - m);
    const lse = m + Math.log(s);
    let smooth = 0;
    for (let k = 0; k < c.classes; k++) smooth -= w[k] * (at(k) - lse);
    rows[r] = (1 - c.labelSmoothing) * -w[t[r]] * (at(t[r]) - lse) + (c.labelSmoothing / c.classes) * smooth;
    denominator += w[t[r]];
  }
  return { rows, denominator };
}

function reduceRef(c: CeCase, rows: Float64Array, denominator: number, upstream: Float32Array): number {
  let total = 0;
  for (let r = 0; r < rows.length; r++) total += rows[r] * (c.reduction === 'none' ? upstream[r] : 1);
  if (c.reduction === 'none') return total;
  return (c.reduction === 'mean' ? total / denominator : total) * upstream[0];
}

describe('cross-entropy', () => {
  test('forward equals the float64 definition; backward equals finite differences of it', async () => {
    await fc.assert(
      fc.asyncProperty(ceArb, async (c) => {
        const rows = c.outer * c.inner;
        const x32 = randomFloats(c.outer * c.classes * c.inner, c.seed).map((v) => v * 4);
        const t = Int32Array.from(randomFloats(rows, c.seed + 1), (v) =>
          Math.min(c.classes - 1, Math.floor(((v + 1) / 2) * c.classes)),
        );
        // Make sure some row is not ignored, so a mean has a denominator.
        if (t.every((v) => v === c.ignoreIndex)) t[0] = c.ignoreIndex === 0 ? Math.min(1, c.classes - 1) : 0;
        if (t.every((v) => v === c.ignoreIndex)) return;
        const w32 = c.weighted
          ? randomFloats(c.classes, c.seed + 2).map((v) => Math.abs(v) + 0.25)
          : new Float32Array(c.classes).fill(1);
        const upstream = randomFloats(c.reduction === 'none' ? rows : 1, c.seed + 3).map((v) => v + 1.5);
        const options = { ...c, weight: c.weighted ? upload(gpu, w32) : null };
        const x = upload(gpu, x32);
        const tb = upload(gpu, t);
        const w = Float64Array.from(w32);
        const ref = refCrossEntropy(c, Float64Array.from(x32), t, w);
        const got = await readback(crossEntropyForward(x, tb, options));
        if (c.reduction === 'none') {
          expect(closeTo(got, ref.rows, 1e-5, 1e-5)).toBeNull();
        } else {
          const total = ref.rows.reduce((p, v) => p + v, 0);
          const want = Float64Array.of(c.reduction === 'mean' ? total / ref.denominator : total);
          expect(closeTo(got, want, 1e-5, 1e-5)).toBeNull();
        }
        const dx = await readback(crossEntropyBackward(x, tb, upload(gpu, upstream), options));
        expect(ranOn(LOSS_KERNELS.crossEntropyBackward)).toBe(true);
        const fd = new Float64Array(x32.length);
        const h = 1e-6;
        for (let i = 0; i < x32.length; i++) {
          const xp = Float64Array.from(x32);
          const xm = Float64Array.from(x32);
          xp[i] += h;
          xm[i] -= h;
          const plus = refCrossEntropy(c, xp, t, w);
          const minus = refCrossEntropy(c, xm, t, w);
          fd[i] =
            (reduceRef(c, plus.rows, plus.denominator, upstream) -
              reduceRef(c, minus.rows, minus.denominator, upstream)) /
            (2 * h);
        }
        expect(closeTo(dx, fd, 1e-4, 1e-5)).toBeNull();
      }),
      { numRuns: 40 },
    );
  });

  test('rejects bad options before any work, naming the function and the option', () => {
    const x = upload(gpu, new Float32Array(6));
    const t = upload(gpu, new Int32Array(2));
    expect(() => crossEntropyForward(x, t, { outer: 2, classes: 4 })).toThrow(/^crossEntropyForward: holds 6 elements/);
    expect(() => crossEntropyForward(x, t, { outer: 2, classes: 3, labelSmoothing: 2 })).toThrow(
      /labelSmoothing must be in \[0, 1\]/,
    );
    expect(() => crossEntropyForward(x, t, { outer: 2, classes: 3, reduction: 'avg' as never })).toThrow(
      /reduction must be 'mean', 'sum' or 'none'/,
    );
  });
});

describe('mse_loss', () => {
  test('every reduction and its gradient equal float64', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 700 }),
        fc.constantFrom<LossReduction>('mean', 'sum', 'none'),
        seedArb,
        async (n, reduction, seed) => {
          const a = randomFloats(n, seed);
          const b = randomFloats(n, seed + 1);
          const g = randomFloats(reduction === 'none' ? n : 1, seed + 2);
          const sq = Float64Array.from(a, (v, i) => (v - b[i]) ** 2);
          const total = sq.reduce((p, v) => p + v, 0);
          const want = reduction === 'none' ? sq : Float64Array.of(reduction === 'mean' ? total / n : total);
          const [ga, gb] = [upload(gpu, a), upload(gpu, b)];
          expect(closeTo(await readback(mseLossForward(ga, gb, reduction)), want, 1e-5, 1e-6)).toBeNull();
          const wantGrad = Float64Array.from(
            a,
            (v, i) => 2 * (v - b[i]) * (reduction === 'none' ? g[i] : reduction === 'mean' ? g[0] / n : g[0]),
          );
          const dx = await readback(mseLossBackward(ga, gb, upload(gpu, g), reduction));
          expect(closeTo(dx, wantGrad, 1e-5, 1e-7)).toBeNull();
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('optimizer steps', () => {
  const sgdArb = fc.record({
    lr: fc.constantFrom(0.1, 0.01),
    momentum: fc.constantFrom(0, 0.5, 0.9),
    dampening: fc.constantFrom(0, 0.2),
    weightDecay: fc.constantFrom(0, 0.05),
    nesterov: fc.boolean(),
    maximize: fc.boolean(),
  });

  test('SGD matches a float64 reference of torch.optim.SGD over three steps', async () => {
    await fc.assert(
      fc.asyncProperty(sgdArb, fc.integer({ min: 1, max: 200 }), seedArb, async (o, n, seed) => {
        const nesterov = o.nesterov && o.momentum > 0 && o.dampening === 0;
        const p64 = Float64Array.from(randomFloats(n, seed));
        const buf64 = new Float64Array(n);
        const param = upload(gpu, Float32Array.from(p64));
        const buf = allocate(gpu, n, { zero: true });
        for (let step = 0; step < 3; step++) {
          const g = randomFloats(n, seed + step + 1);
          for (let i = 0; i < n; i++) {
            let d = (o.maximize ? -g[i] : g[i]) + o.weightDecay * p64[i];
            if (o.momentum > 0) {
              buf64[i] = step === 0 ? d : o.momentum * buf64[i] + (1 - o.dampening) * d;
              d = nesterov ? d + o.momentum * buf64[i] : buf64[i];
            }
            p64[i] -= o.lr * d;
          }
          sgdStep(param, upload(gpu, g), o.momentum > 0 ? buf : null, { ...o, nesterov, firstStep: step === 0 });
          expect(ranOn(OPTIM_KERNELS.sgd)).toBe(true);
        }
        expect(closeTo(await readback(param), p64, 1e-5, 1e-6)).toBeNull();
      }),
      { numRuns: 30 },
    );
  });

  const adamArb = fc.record({
    lr: fc.constantFrom(0.01, 0.001),
    beta1: fc.constantFrom(0.9, 0.5),
    beta2: fc.constantFrom(0.999, 0.9),
    weightDecay: fc.constantFrom(0, 0.1),
    amsgrad: fc.boolean(),
    maximize: fc.boolean(),
    decoupledWeightDecay: fc.boolean(),
  });

  test('Adam and AdamW match a float64 reference of torch.optim over three steps', async () => {
    await fc.assert(
      fc.asyncProperty(adamArb, fc.integer({ min: 1, max: 200 }), seedArb, async (o, n, seed) => {
        const eps = 1e-8;
        const p64 = Float64Array.from(randomFloats(n, seed));
        const [m64, v64, vmax64] = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
        const param = upload(gpu, Float32Array.from(p64));
        const [m, v, vmax] = [0, 1, 2].map(() => allocate(gpu, n, { zero: true }));
        for (let step = 1; step <= 3; step++) {
          const g = randomFloats(n, seed + step);
          const bc1 = 1 - o.beta1 ** step;
          const bc2 = 1 - o.beta2 ** step;
          for (let i = 0; i < n; i++) {
            let gi = o.maximize ? -g[i] : g[i];
            if (o.decoupledWeightDecay) p64[i] *= 1 - o.lr * o.weightDecay;
            else gi += o.weightDecay * p64[i];
            m64[i] = o.beta1 * m64[i] + (1 - o.beta1) * gi;
            v64[i] = o.beta2 * v64[i] + (1 - o.beta2) * gi * gi;
            vmax64[i] = Math.max(vmax64[i], v64[i]);
            const vHat = o.amsgrad ? vmax64[i] : v64[i];
            p64[i] -= ((o.lr / bc1) * m64[i]) / (Math.sqrt(vHat) / Math.sqrt(bc2) + eps);
          }
          adamStep(param, upload(gpu, g), m, v, o.amsgrad ? vmax : null, { ...o, step, eps });
          expect(ranOn(OPTIM_KERNELS.adam)).toBe(true);
        }
        expect(closeTo(await readback(param), p64, 1e-5, 1e-6)).toBeNull();
      }),
      { numRuns: 30 },
    );
  });

  test('refuses a missing momentum buffer and aliased state buffers', () => {
    const p = upload(gpu, new Float32Array(3));
    const g = upload(gpu, new Float32Array(3));
    expect(() => sgdStep(p, g, null, { lr: 0.1, momentum: 0.9 })).toThrow(/^sgdStep: momentumBuffer is needed/);
    expect(() => adamStep(p, g, g, allocate(gpu, 3), null, { lr: 0.1, step: 1 })).toThrow(
      /^adamStep: is the same buffer as another argument/,
    );
    expect(() => adamStep(p, g, allocate(gpu, 3), allocate(gpu, 3), null, { lr: 0.1, step: 0 })).toThrow(
      /^adamStep: must be an integer >= 1/,
    );
  });
});

describe('argReduce, clamp and where', () => {
  test('argmax / argmin: first extreme, NaN wins, over every dimension', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
        fc.nat(),
        fc.constantFrom('argmax' as const, 'argmin' as const),
        seedArb,
        async (shape, d, op, seed) => {
          const dim = d % shape.length;
          const n = shape.reduce((p, s) => p * s, 1);
          // A coarse grid makes ties; an occasional NaN must win.
          const x = randomFloats(n, seed).map((v, i) =>
            i % 7 === 3 && seed % 3 === 0 ? Number.NaN : Math.round(v * 3),
          );
          const size = shape[dim];
          const inner = shape.slice(dim + 1).reduce((p, s) => p * s, 1);
          const outer = n / (size * inner);
          const want: number[] = [];
          for (let o = 0; o < outer; o++) {
            for (let r = 0; r < inner; r++) {
              let best = 0;
              for (let j = 1; j < size; j++) {
                const v = x[(o * size + j) * inner + r];
                const b = x[(o * size + best) * inner + r];
                if (!Number.isNaN(b) && (Number.isNaN(v) || (op === 'argmax' ? v > b : v < b))) best = j;
              }
              want.push(best);
            }
          }
          const got = await readback(argReduce(op, upload(gpu, x), shape, dim), Int32Array);
          expect(ranOn('webgpu-argreduce-serial')).toBe(true);
          expect(Array.from(got)).toEqual(want);
        },
      ),
      { numRuns: 40 },
    );
  });

  test('clamp follows PyTorch for open bounds, NaN and min > max', async () => {
    const a = upload(gpu, new Float32Array([-3, -0.5, 0.5, 3, Number.NaN]));
    const run = async (lo?: number, hi?: number) =>
      Array.from(await readback(clamp({ buffer: a, strides: [1] }, [5], lo, hi)));
    expect(await run(-1, 1)).toEqual([-1, -0.5, 0.5, 1, Number.NaN]);
    expect(ranOn('webgpu-clamp-strided')).toBe(true);
    expect(await run(0)).toEqual([0, 0, 0.5, 3, Number.NaN]);
    expect(await run(undefined, 0)).toEqual([-3, -0.5, 0, 0, Number.NaN]);
    expect(await run(2, 1)).toEqual([1, 1, 1, 1, Number.NaN]);
    expect(await run(Number.NaN, 1)).toEqual([Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN]);
  });

  test('where broadcasts all three operands', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), seedArb, async (r, c, seed) => {
        const cond = randomFloats(r, seed).map((v) => (v > 0 ? 1 : 0)); // [r, 1]
        const a = randomFloats(r * c, seed + 1); // [r, c]
        const b = randomFloats(c, seed + 2); // [c]
        const got = await readback(
          where(
            { buffer: upload(gpu, cond), strides: [1, 0] },
            { buffer: upload(gpu, a), strides: [c, 1] },
            { buffer: upload(gpu, b), strides: [0, 1] },
            [r, c],
          ),
        );
        expect(ranOn('webgpu-where-strided')).toBe(true);
        const want = Float64Array.from({ length: r * c }, (_, i) => (cond[Math.floor(i / c)] !== 0 ? a[i] : b[i % c]));
        expect(closeTo(got, want, 0, 0)).toBeNull();
      }),
      { numRuns: 20 },
    );
  });
});
