import {
  type Arr,
  addBias,
  bilinear,
  channelSums,
  closeness,
  convTransposeTerms,
  floatDTypeArb,
  intPairArb,
  randomArr,
  rng,
  unbatch,
  viewLayoutArb,
  withLayout,
} from '@torchlet/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conv2dKernels } from '../conv2d/params.js';
import {
  convTranspose2d,
  convTranspose2dBackwardBias,
  convTranspose2dBackwardInput,
  convTranspose2dBackwardWeight,
} from './conv-transpose2d.js';

const problem = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    groups: fc.integer({ min: 1, max: 3 }),
    cinG: fc.integer({ min: 1, max: 2 }),
    coutG: fc.integer({ min: 1, max: 2 }),
    k: intPairArb(1, 3),
    stride: intPairArb(1, 3),
    dilation: intPairArb(1, 2),
    padding: intPairArb(0, 2),
    opSeed: intPairArb(0, 5),
    hw: intPairArb(1, 4),
    unbatched: fc.boolean(),
    bias: fc.boolean(),
    layout: viewLayoutArb,
    dtype: floatDTypeArb,
    seed: fc.integer(),
  })
  .map((p) => {
    // outputPadding below max(stride, dilation); padding small enough for a positive output size
    const outputPadding: [number, number] = [0, 1].map((i) => p.opSeed[i] % Math.max(p.stride[i], p.dilation[i])) as [
      number,
      number,
    ];
    const size = (i: number, pad: number) =>
      (p.hw[i] - 1) * p.stride[i] - 2 * pad + p.dilation[i] * (p.k[i] - 1) + outputPadding[i] + 1;
    const padding: [number, number] = [0, 1].map((i) => {
      let pad = p.padding[i];
      while (pad > 0 && size(i, pad) < 1) pad--;
      return pad;
    }) as [number, number];
    return { ...p, n: p.unbatched ? 1 : p.n, outputPadding, padding };
  });

const drop = (a: Arr, yes: boolean): Arr => (yes ? unbatch(a) : a);

describe.each(conv2dKernels)('convTranspose2d vs a naive float64 reference, %s kernel', (kernel) => {
  it('forward and every backward kernel agree on random problems and layouts', () => {
    fc.assert(
      fc.property(problem, (p) => {
        const next = rng(p.seed);
        const cin = p.cinG * p.groups;
        const x = randomArr([p.n, cin, p.hw[0], p.hw[1]], next);
        const w = randomArr([cin, p.coutG, p.k[0], p.k[1]], next);
        const b = p.bias ? randomArr([p.coutG * p.groups], next) : null;
        const opt = {
          stride: p.stride,
          padding: p.padding,
          outputPadding: p.outputPadding,
          dilation: p.dilation,
          groups: p.groups,
        };
        const terms = (v: (o: number, i: number, j: number) => void) => convTransposeTerms(x.shape, w.shape, opt, v);
        const up = randomArr(
          terms(() => {}),
          next,
        );
        const ref = bilinear(terms, x, w, up);
        const tol = p.dtype === 'float32' ? 1e-5 : 1e-12;
        const xs = drop(x, p.unbatched);
        const ups = drop(up, p.unbatched);
        const X = withLayout(xs.data, xs.shape, p.dtype, p.layout);
        const Wt = withLayout(w.data, w.shape, p.dtype, p.layout);
        const U = withLayout(ups.data, ups.shape, p.dtype, p.layout);
        const B = b ? withLayout(b.data, b.shape, p.dtype, 'offset') : null;
        const options = { ...opt, kernel };
        const K = p.cinG * p.k[0] * p.k[1];
        expect(
          closeness(convTranspose2d(X, Wt, B, options), drop(addBias(ref.out, b), p.unbatched), tol * 4 * (K + 1), tol),
        ).toBeNull();
        expect(
          closeness(
            convTranspose2dBackwardInput(U, X.shape, Wt, options),
            drop(ref.gradX, p.unbatched),
            tol * 4 * p.coutG * p.k[0] * p.k[1],
            tol,
          ),
        ).toBeNull();
        const L = p.n * p.hw[0] * p.hw[1];
        expect(
          closeness(convTranspose2dBackwardWeight(U, X, Wt.shape, options), ref.gradW, tol * 4 * L, tol),
        ).toBeNull();
        expect(closeness(convTranspose2dBackwardBias(U), channelSums(up), tol * 4 * up.data.length, tol)).toBeNull();
      }),
      { numRuns: 100 },
    );
  });
});
