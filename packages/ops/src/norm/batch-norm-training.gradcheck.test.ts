import { Tensor } from '@torchlet/tensor';
import { closeness, finiteDifferenceGrad, randomArr, rng } from '@torchlet/test-utils';
import { describe, expect, it } from 'vitest';
import { batchNormTraining, batchNormTrainingBackward } from './batch-norm-training.js';

// The backward kernel against central differences of the forward (float64, every element), for
// the input, the weight and the bias, with and without affine parameters.
const cases = [
  { shape: [2, 3, 4, 5], affine: true, eps: 1e-5 },
  { shape: [3, 2, 7], affine: false, eps: 1e-3 },
  { shape: [4, 5], affine: true, eps: 0.1 },
  { shape: [2, 2, 3, 2, 2], affine: true, eps: 1e-5 },
];

describe('batchNormTrainingBackward vs finite differences of batchNormTraining', () => {
  it.each(cases)('$shape affine $affine', ({ shape, affine, eps }) => {
    const next = rng(shape.reduce((a, b) => a * b, 7));
    const x = randomArr(shape, next);
    const c = shape[1];
    const w = affine ? randomArr([c], next) : null;
    const b = affine ? randomArr([c], next) : null;
    const wt = w === null ? null : new Tensor(w.data, [c]);
    const bt = b === null ? null : new Tensor(b.data, [c]);
    const up = randomArr(shape, next);
    const xt = new Tensor(x.data, shape);
    const r = batchNormTraining(xt, wt, bt, { eps });
    const got = batchNormTrainingBackward(new Tensor(up.data, shape), xt, r.mean, r.invstd, wt);
    const dx = finiteDifferenceGrad((t) => batchNormTraining(t, wt, bt, { eps }).output, x, up.data);
    expect(closeness(got.gradInput, dx, 1e-6, 1e-6)).toBeNull();
    const ones = randomArr([c], next);
    ones.data.fill(1);
    const zeros = randomArr([c], next);
    zeros.data.fill(0);
    const dw = finiteDifferenceGrad(
      (t) => batchNormTraining(xt, t, bt ?? new Tensor(zeros.data, [c]), { eps }).output,
      w ?? ones,
      up.data,
    );
    expect(closeness(got.gradWeight, dw, 1e-6, 1e-6)).toBeNull();
    const db = finiteDifferenceGrad(
      (t) => batchNormTraining(xt, wt ?? new Tensor(ones.data, [c]), t, { eps }).output,
      b ?? zeros,
      up.data,
    );
    expect(closeness(got.gradBias, db, 1e-6, 1e-6)).toBeNull();
  });
});
