// Linear against a naive float64 loop, over random shapes, dtypes and input memory layouts.
import { noGrad } from '@torchlet/autograd';
import { tensor } from '@torchlet/tensor';
import { exactValuesArb, floatDTypeArb, layoutArb, withLayout } from '@torchlet/test-utils';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { Linear } from './linear.js';

it('Linear(in, out) on [*, in] matches sum_i x[n, i] W[o, i] + b[o]', () => {
  const caseArb = fc
    .record({
      lead: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 2 }),
      inF: fc.integer({ min: 1, max: 5 }),
      outF: fc.integer({ min: 1, max: 4 }),
      bias: fc.boolean(),
      dtype: floatDTypeArb,
      layout: layoutArb(),
    })
    .chain((c) => {
      const n = c.lead.reduce((a, b) => a * b, 1);
      return fc.record({
        c: fc.constant(c),
        x: exactValuesArb(n * c.inF),
        w: exactValuesArb(c.outF * c.inF),
        b: exactValuesArb(c.outF),
      });
    });
  fc.assert(
    fc.property(caseArb, ({ c, x, w, b }) => {
      const fc1 = new Linear(c.inF, c.outF, { bias: c.bias, dtype: c.dtype });
      fc1.weight.data.copyInPlace(tensor(w, { shape: [c.outF, c.inF] }));
      fc1.bias?.data.copyInPlace(tensor(b));
      const shape = [...c.lead, c.inF];
      const y = noGrad(() => fc1.forward(withLayout(x, shape, c.dtype, c.layout))).data;
      expect(y.shape).toEqual([...c.lead, c.outF]);
      expect(y.dtype).toBe(c.dtype);
      const got = y.toTypedArray();
      const rows = x.length / c.inF;
      for (let r = 0; r < rows; r++) {
        for (let o = 0; o < c.outF; o++) {
          let want = c.bias ? b[o] : 0;
          for (let i = 0; i < c.inF; i++) want += x[r * c.inF + i] * w[o * c.inF + i];
          expect(Math.abs((got[r * c.outF + o] as number) - want)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(want)));
        }
      }
    }),
    { numRuns: 80 },
  );
});
