// BatchNorm2d against a naive float64 loop: training output and running statistics, then the
// evaluation output, over random shapes, momenta and input memory layouts.
import { noGrad } from '@torchlet/autograd';
import { tensor } from '@torchlet/tensor';
import { exactValuesArb, layoutArb, withLayout } from '@torchlet/test-utils';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { BatchNorm2d } from './batchnorm.js';

function close(got: ArrayLike<number>, want: readonly number[], tol: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    expect(Math.abs((got[i] as number) - want[i]), `element ${i}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i])));
}

it('BatchNorm2d train then eval matches the formulas', () => {
  const caseArb = fc
    .record({
      n: fc.integer({ min: 1, max: 3 }),
      c: fc.integer({ min: 1, max: 3 }),
      h: fc.integer({ min: 1, max: 3 }),
      w: fc.integer({ min: 2, max: 3 }),
      momentum: fc.constantFrom(0.1, 0.5, 1),
      layout: layoutArb(),
    })
    .chain((s) =>
      fc.record({
        s: fc.constant(s),
        x: exactValuesArb(s.n * s.c * s.h * s.w),
        gamma: exactValuesArb(s.c),
        beta: exactValuesArb(s.c),
      }),
    );
  fc.assert(
    fc.property(caseArb, ({ s, x, gamma, beta }) => {
      const { n, c, h, w } = s;
      const bn = new BatchNorm2d(c, { momentum: s.momentum, dtype: 'float64' });
      bn.weight?.data.copyInPlace(tensor(gamma));
      bn.bias?.data.copyInPlace(tensor(beta));
      const input = withLayout(x, [n, c, h, w], 'float64', s.layout);
      const train = noGrad(() => bn.forward(input)).data.toTypedArray();
      const at = (i: number, ch: number, p: number): number => i * c * h * w + ch * h * w + p;
      const m = n * h * w;
      const wantTrain: number[] = new Array(x.length);
      const wantEval: number[] = new Array(x.length);
      const runMean: number[] = [];
      const runVar: number[] = [];
      for (let ch = 0; ch < c; ch++) {
        let mean = 0;
        for (let i = 0; i < n; i++) for (let p = 0; p < h * w; p++) mean += x[at(i, ch, p)];
        mean /= m;
        let v = 0;
        for (let i = 0; i < n; i++) for (let p = 0; p < h * w; p++) v += (x[at(i, ch, p)] - mean) ** 2;
        const biased = v / m;
        runMean.push(s.momentum * mean);
        runVar.push(1 - s.momentum + s.momentum * (v / (m - 1)));
        for (let i = 0; i < n; i++) {
          for (let p = 0; p < h * w; p++) {
            const k = at(i, ch, p);
            wantTrain[k] = ((x[k] - mean) / Math.sqrt(biased + 1e-5)) * gamma[ch] + beta[ch];
            wantEval[k] = ((x[k] - runMean[ch]) / Math.sqrt(runVar[ch] + 1e-5)) * gamma[ch] + beta[ch];
          }
        }
      }
      close(train as ArrayLike<number>, wantTrain, 1e-9);
      close(bn.runningMean.toTypedArray() as ArrayLike<number>, runMean, 1e-12);
      close(bn.runningVar.toTypedArray() as ArrayLike<number>, runVar, 1e-12);
      bn.eval();
      close(noGrad(() => bn.forward(input)).data.toTypedArray() as ArrayLike<number>, wantEval, 1e-9);
    }),
    { numRuns: 80 },
  );
});
