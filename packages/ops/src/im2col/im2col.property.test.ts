import {
  closeness,
  floatDTypeArb,
  gather,
  intPairArb,
  randomArr,
  rng,
  unbatch,
  unfoldTerms,
  viewLayoutArb,
  withLayout,
} from '@torchlet/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { col2im, im2col } from './im2col.js';

const problem = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 3 }),
    k: intPairArb(1, 3),
    stride: intPairArb(1, 3),
    padding: intPairArb(0, 2),
    dilation: intPairArb(1, 2),
    extra: intPairArb(0, 4),
    unbatched: fc.boolean(),
    layout: viewLayoutArb,
    dtype: floatDTypeArb,
    seed: fc.integer(),
  })
  .map((p) => {
    const dk = [p.dilation[0] * (p.k[0] - 1) + 1, p.dilation[1] * (p.k[1] - 1) + 1];
    const H = Math.max(1, dk[0] - 2 * p.padding[0]) + p.extra[0];
    const W = Math.max(1, dk[1] - 2 * p.padding[1]) + p.extra[1];
    return { ...p, n: p.unbatched ? 1 : p.n, H, W };
  });

describe('im2col / col2im vs a naive float64 reference', () => {
  it('unfold, fold and their gradients agree on random problems and layouts', () => {
    fc.assert(
      fc.property(problem, (p) => {
        const next = rng(p.seed);
        const x = randomArr([p.n, p.c, p.H, p.W], next);
        const opt = { stride: p.stride, padding: p.padding, dilation: p.dilation };
        const terms = (v: (o: number, i: number) => void) => unfoldTerms(x.shape, p.k, opt, v);
        const colsShape = terms(() => {});
        const up = randomArr(colsShape, next);
        const ref = gather(terms, x, 0, up);
        const drop = <T extends { shape: number[] }>(a: T): T => (p.unbatched ? unbatch(a) : a);
        const tol = p.dtype === 'float32' ? 1e-5 : 1e-12;
        const xs = drop(x);
        const X = withLayout(xs.data, xs.shape, p.dtype, p.layout);
        expect(closeness(im2col(X, p.k, opt), drop(ref.out), tol, tol)).toBeNull();
        const ups = drop(up);
        const U = withLayout(ups.data, ups.shape, p.dtype, p.layout);
        // fold is unfold's adjoint: fold(up) is unfold's input gradient
        const terms9 = p.k[0] * p.k[1] * 4;
        expect(closeness(col2im(U, [p.H, p.W], p.k, opt), drop(ref.gradX), tol * terms9, tol)).toBeNull();
      }),
      { numRuns: 100 },
    );
  });
});
