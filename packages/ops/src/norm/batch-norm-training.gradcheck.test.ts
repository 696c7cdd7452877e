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
  { shape: [3, 2, 3, 3], affine: true, eps: 1e-5, activation: 'relu6' as const },
  { shape: [2, 3, 5], affine: false, eps: 1e-5, activation: 'relu' as const },
];

describe('batchNormTrainingBackward vs finite differences of batchNormTraining', () => {
  it.each(cases)('$shape affine $affine $activation', ({ shape, affine, eps, activation = null }) => {
    const next = rng(shape.reduce((a, b) => a * b, 7));
    const x = randomArr(shape, next);
    const c = shape[1];
    const w = affine ? randomArr([c], next) : null;
    const b = affine ? randomArr([c], next) : null;
    const wt = w === null ? null : new Tensor(w.data, [c]);
    const bt = b === null ? null : new Tensor(b.data, [c]);
    const up = randomArr(shape, next);
    const xt = new Tensor(x.data, shape);
    // ReLU6 and ReLU clip: normalised values of about -2 to 2, times weights and plus biases up to 2.
    const r = batchNormTraining(xt, wt, bt, { eps, activation });
    // The masks are exercised: some outputs are clipped.
    if (activation !== null)
      expect(Array.from(r.output.toTypedArray() as Float64Array).some((v) => v === 0)).toBe(true);
    const got = batchNormTrainingBackward(new Tensor(up.data, shape), xt, r.mean, r.invstd, wt, {
      activation,
      bias: bt,
    });
    const dx = finiteDifferenceGrad((t) => batchNormTraining(t, wt, bt, { eps, activation }).output, x, up.data);
    expect(closeness(got.gradInput, dx, 1e-6, 1e-6)).toBeNull();
    const ones = randomArr([c], next);
    ones.data.fill(1);
    const zeros = randomArr([c], next);
    zeros.data.fill(0);
    const dw = finiteDifferenceGrad(
      (t) => batchNormTraining(xt, t, bt ?? new Tensor(zeros.data, [c]), { eps, activation }).output,
      w ?? ones,
      up.data,
    );
    expect(closeness(got.gradWeight, dw, 1e-6, 1e-6)).toBeNull();
    const db = finiteDifferenceGrad(
      (t) => batchNormTraining(xt, wt ?? new Tensor(ones.data, [c]), t, { eps, activation }).output,
      b ?? zeros,
      up.data,
    );
    expect(closeness(got.gradBias, db, 1e-6, 1e-6)).toBeNull();
  });
});
