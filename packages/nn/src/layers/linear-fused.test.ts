// Linear's fused CPU node (linear-fused.ts) against finite differences and against the
// matmul + add composition it replaces, and the checks that say which path ran.
import { add, gradcheck, gradgradcheck, matmul, sum, t, traceOps, variable } from '@torchlet/autograd';
import { Generator, randn, tensor } from '@torchlet/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Linear } from './linear.js';
import { linearFused } from './linear-fused.js';

const f64 = (shape: number[], seed: number) => randn(shape, { dtype: 'float64', generator: new Generator(seed) });

describe('Linear fused node', () => {
  it('runs for CPU float inputs (one "linear" node) and not while tracing', () => {
    const fc1 = new Linear(4, 3, { generator: new Generator(1) });
    const x = randn([2, 4], { generator: new Generator(2) });
    expect(fc1.forward(x).gradFn?.name).toBe('linear');
    expect(fc1.forward(randn([5, 2, 4])).gradFn?.name).toBe('reshape');
    const names: string[] = [];
    traceOps(
      () => fc1.forward(x),
      (op) => names.push(op.name),
    );
    expect(names).not.toContain('linear');
  });

  it('passes gradcheck and gradgradcheck in float64, with and without bias', () => {
    const [x, w, b] = [f64([3, 5], 1), f64([4, 5], 2), f64([4], 3)];
    const vars = [x, w, b].map((v) => variable(v, { requiresGrad: true }));
    expect(gradcheck((xv, wv, bv) => linearFused(xv, wv, bv), vars).ok).toBe(true);
    expect(gradcheck((xv, wv) => linearFused(xv, wv, null), vars.slice(0, 2)).ok).toBe(true);
    expect(gradgradcheck((xv, wv, bv) => linearFused(xv, wv, bv), vars).ok).toBe(true);
  });

  it('gives the gradients of matmul(x, t(W)) + b (float32, random shapes, some inputs without grad)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 30 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 1000 }),
        (rows, inF, outF, withBias, xGrad, seed) => {
          const g = new Generator(seed);
          const [xd, wd, bd] = [
            randn([rows, inF], { generator: g }),
            randn([outF, inF], { generator: g }),
            randn([outF], { generator: g }),
          ];
          const up = randn([rows, outF], { generator: g });
          const run = (fused: boolean) => {
            const x = variable(xd, { requiresGrad: xGrad });
            const w = variable(wd, { requiresGrad: true });
            const b = withBias ? variable(bd, { requiresGrad: true }) : null;
            const y = fused ? linearFused(x, w, b) : b === null ? matmul(x, t(w)) : add(matmul(x, t(w)), b);
            expect(y.gradFn?.name).toBe(fused ? 'linear' : b === null ? 'matmul' : 'add');
            sum(y.mul(up)).backward();
            return { y: y.data, gx: x.grad, gw: w.grad, gb: b?.grad ?? null };
          };
          const [a, r] = [run(true), run(false)];
          const close = (p: typeof a.y | null, q: typeof a.y | null) => {
            expect(p === null).toBe(q === null);
            if (p === null || q === null) return;
            expect(p.shape).toEqual(q.shape);
            const [pa, qa] = [p.toTypedArray() as Float32Array, q.toTypedArray() as Float32Array];
            for (let i = 0; i < pa.length; i++)
              expect(Math.abs(pa[i] - qa[i])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(qa[i])));
          };
          close(a.y, r.y);
          close(a.gx, r.gx);
          close(a.gw, r.gw);
          close(a.gb, r.gb);
          // The bias gradient is g.sum(0)'s float64 row-by-row sum: the same bits.
          if (a.gb !== null && r.gb !== null)
            expect(Array.from(a.gb.toTypedArray() as Float32Array)).toEqual(
              Array.from(r.gb.toTypedArray() as Float32Array),
            );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('propagates NaN and inf as the composition does', () => {
    const x = tensor([
      [1, Number.NaN],
      [Number.POSITIVE_INFINITY, 2],
    ]);
    const w = variable(
      tensor([
        [1, 0],
        [0, 1],
      ]),
      { requiresGrad: true },
    );
    const b = variable(tensor([0, 0]), { requiresGrad: true });
    const y = linearFused(x, w, b);
    expect(y.toArray()).toEqual([
      [Number.NaN, Number.NaN],
      [Number.POSITIVE_INFINITY, Number.NaN],
    ]);
    sum(y).backward();
    expect(w.grad?.toArray()).toEqual([
      [Number.POSITIVE_INFINITY, Number.NaN],
      [Number.POSITIVE_INFINITY, Number.NaN],
    ]);
  });
});
