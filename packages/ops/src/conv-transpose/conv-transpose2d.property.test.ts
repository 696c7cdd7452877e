import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Arr,
  addBias,
  bilinear,
  channelSums,
  closeness,
  convTransposeTerms,
  type Layout,
  randomArr,
  rng,
  toTensorLayout,
} from '../../test/conv-reference.js';
import { conv2dKernels } from '../conv2d/params.js';
import {
  convTranspose2d,
  convTranspose2dBackwardBias,
  convTranspose2dBackwardInput,
  convTranspose2dBackwardWeight,
} from './conv-transpose2d.js';

const layouts: Layout[] = ['contiguous', 'offset', 'permuted', 'sliced'];
const pairOf = (min: number, max: number) => fc.tuple(fc.integer({ min, max }), fc.integer({ min, max }));

const problem = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    groups: fc.integer({ min: 1, max: 3 }),
    cinG: fc.integer({ min: 1, max: 2 }),
    coutG: fc.integer({ min: 1, max: 2 }),
    k: pairOf(1, 3),
    stride: pairOf(1, 3),
    dilation: pairOf(1, 2),
    padding: pairOf(0, 2),
    opSeed: pairOf(0, 5),
    hw: pairOf(1, 4),
    unbatched: fc.boolean(),
    bias: fc.boolean(),
    layout: fc.constantFrom(...layouts),
    dtype: fc.constantFrom('float32' as const, 'float64' as const),
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

const drop = (a: Arr, yes: boolean): Arr => (yes ? { shape: a.shape.slice(1), data: a.data } : a);

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
        const X = toTensorLayout(drop(x, p.unbatched), p.dtype, p.layout);
        const Wt = toTensorLayout(w, p.dtype, p.layout);
        const U = toTensorLayout(drop(up, p.unbatched), p.dtype, p.layout);
        const B = b ? toTensorLayout(b, p.dtype, 'offset') : null;
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
