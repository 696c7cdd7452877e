// The losses against naive float64 formulas, over random shapes, scales (large logits included),
// reductions, label smoothing and input memory layouts.
import { tensor } from '@torchlet/tensor';
import { exactValuesArb, layoutArb, withLayout } from '@torchlet/test-utils';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { bceWithLogits, crossEntropy, mseLoss, type Reduction } from './losses.js';

const reductionArb = fc.constantFrom<Reduction>('mean', 'sum', 'none');

function reduce(values: number[], reduction: Reduction): number[] {
  const total = values.reduce((a, b) => a + b, 0);
  return reduction === 'none' ? values : [reduction === 'sum' ? total : total / values.length];
}
function close(got: ArrayLike<number>, want: number[]): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    expect(Math.abs((got[i] as number) - want[i]), `element ${i}`).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(want[i])));
}

it('crossEntropy = mean/sum of -sum_c q[c] log softmax(x)[c], stable for large logits', () => {
  const arb = fc
    .record({
      n: fc.integer({ min: 1, max: 4 }),
      c: fc.integer({ min: 1, max: 5 }),
      scale: fc.constantFrom(1, 100, 1000),
      smoothing: fc.constantFrom(0, 0.1, 0.5),
      reduction: reductionArb,
      layout: layoutArb(),
    })
    .chain((s) =>
      fc.record({
        s: fc.constant(s),
        x: exactValuesArb(s.n * s.c),
        t: fc.array(fc.integer({ min: 0, max: s.c - 1 }), { minLength: s.n, maxLength: s.n }),
      }),
    );
  fc.assert(
    fc.property(arb, ({ s, x, t }) => {
      const logits = Float64Array.from(x, (v) => v * s.scale);
      const input = withLayout(logits, [s.n, s.c], 'float64', s.layout);
      const got = crossEntropy(input, tensor(t, { dtype: 'int32' }), {
        reduction: s.reduction,
        labelSmoothing: s.smoothing,
      });
      const rows: number[] = [];
      for (let i = 0; i < s.n; i++) {
        const row = Array.from(logits.subarray(i * s.c, (i + 1) * s.c));
        const m = Math.max(...row);
        const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
        let loss = 0;
        for (let k = 0; k < s.c; k++) loss -= ((k === t[i] ? 1 - s.smoothing : 0) + s.smoothing / s.c) * (row[k] - lse);
        rows.push(loss);
      }
      close(got.data.toTypedArray() as ArrayLike<number>, reduce(rows, s.reduction));
    }),
    { numRuns: 100 },
  );
});

it('bceWithLogits = max(x, 0) - x y + log(1 + exp(-|x|)); mseLoss = (x - y)^2', () => {
  const arb = fc
    .record({
      shape: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
      scale: fc.constantFrom(1, 100, 1000),
      reduction: reductionArb,
      layout: layoutArb(),
    })
    .chain((s) => {
      const n = s.shape.reduce((a, b) => a * b, 1);
      return fc.record({ s: fc.constant(s), x: exactValuesArb(n), y: exactValuesArb(n) });
    });
  fc.assert(
    fc.property(arb, ({ s, x, y }) => {
      const logits = Float64Array.from(x, (v) => v * s.scale);
      const targets = Float64Array.from(y, (v) => (v + 2) / 4); // in [0, 1]
      const input = withLayout(logits, s.shape, 'float64', s.layout);
      const target = withLayout(targets, s.shape, 'float64', 'contiguous');
      const bce = Array.from(logits, (v, i) => Math.max(v, 0) - v * targets[i] + Math.log1p(Math.exp(-Math.abs(v))));
      close(
        bceWithLogits(input, target, { reduction: s.reduction }).data.toTypedArray() as ArrayLike<number>,
        reduce(bce, s.reduction),
      );
      const mse = Array.from(logits, (v, i) => (v - targets[i]) ** 2);
      close(
        mseLoss(input, target, { reduction: s.reduction }).data.toTypedArray() as ArrayLike<number>,
        reduce(mse, s.reduction),
      );
    }),
    { numRuns: 100 },
  );
});
