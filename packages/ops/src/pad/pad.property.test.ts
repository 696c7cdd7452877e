import {
  closeness,
  floatDTypeArb,
  gather,
  padTerms,
  randomArr,
  rng,
  viewLayoutArb,
  withLayout,
} from '@torchlet/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pad, padBackward } from './pad.js';

const problem = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 2 }),
    H: fc.integer({ min: 1, max: 5 }),
    W: fc.integer({ min: 1, max: 5 }),
    pads: fc.tuple(
      fc.integer({ min: 0, max: 5 }),
      fc.integer({ min: 0, max: 5 }),
      fc.integer({ min: 0, max: 5 }),
      fc.integer({ min: 0, max: 5 }),
    ),
    mode: fc.constantFrom('constant' as const, 'reflect' as const, 'replicate' as const, 'circular' as const),
    rank3: fc.boolean(),
    layout: viewLayoutArb,
    dtype: floatDTypeArb,
    seed: fc.integer(),
  })
  .map((p) => {
    const limit = (v: number, size: number) =>
      p.mode === 'reflect' ? Math.min(v, size - 1) : p.mode === 'circular' ? Math.min(v, size) : v;
    const pads: [number, number, number, number] = [
      limit(p.pads[0], p.W),
      limit(p.pads[1], p.W),
      limit(p.pads[2], p.H),
      limit(p.pads[3], p.H),
    ];
    return { ...p, pads };
  });

describe('pad / padBackward vs a naive float64 reference', () => {
  it('every mode, random pads, ranks and layouts', () => {
    fc.assert(
      fc.property(problem, (p) => {
        const next = rng(p.seed);
        const x = randomArr([p.n, p.c, p.H, p.W], next);
        const terms = (v: (o: number, i: number) => void) => padTerms(x.shape, p.pads, p.mode, v);
        const up = randomArr(
          terms(() => {}),
          next,
        );
        const ref = gather(terms, x, 0.5, up);
        // a rank-3 input folds N and C together
        const view = <T extends { shape: number[] }>(a: T): T =>
          p.rank3 ? { ...a, shape: [a.shape[0] * a.shape[1], ...a.shape.slice(2)] } : a;
        const xv = view(x);
        const X = withLayout(xv.data, xv.shape, p.dtype, p.layout);
        const value = p.mode === 'constant' ? 0.5 : 0;
        expect(closeness(pad(X, p.pads, { mode: p.mode, value }), view(ref.out), 0, 0)).toBeNull();
        const uv = view(up);
        const U = withLayout(uv.data, uv.shape, p.dtype, p.layout);
        const tol = p.dtype === 'float32' ? 1e-5 : 1e-12;
        expect(closeness(padBackward(U, X.shape, p.pads, { mode: p.mode }), view(ref.gradX), tol * 8, tol)).toBeNull();
      }),
      { numRuns: 100 },
    );
  });

  it('constant mode crops with negative pads', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: -2, max: 2 }),
        fc.integer({ min: -2, max: 2 }),
        fc.integer(),
        (size, l, r, seed) => {
          fc.pre(size + l + r >= 0 && size + Math.min(l, 0) + Math.min(r, 0) >= 0);
          const x = randomArr([1, 1, size], rng(seed));
          const X = withLayout(x.data, x.shape, 'float64', 'offset');
          const out = pad(X, [l, r]).toTypedArray();
          for (let i = 0; i < out.length; i++) {
            const s = i - l;
            expect(out[i]).toBe(s >= 0 && s < size ? x.data[s] : 0);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
