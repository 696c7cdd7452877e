import { avgPool2d, im2col, maxPool2d } from '@torchlet/ops';
import { Generator, randn, type Tensor, tensor } from '@torchlet/tensor';
import { type Exercise, maxAbsDiff, Report } from '../report.js';

/**
 * Softmax pooling: the average of each window weighted by softmax(beta x). beta -> 0 gives the
 * average, beta -> infinity the maximum. Stable form: subtract the window's maximum first.
 */
// #region snippet softmax-pool
export function softmaxPool2d(X: Tensor, k: number, beta: number): Tensor {
  const [n, c, h, w] = X.shape;
  const cols = im2col(X, k, { stride: k }).reshape([n, c, k * k, -1]); // each window is a column
  const shifted = cols.sub(cols.max(2, { keepdim: true })).mul(beta); // <= 0: exp cannot overflow
  const weights = shifted.exp().div(shifted.exp().sum(2, { keepdim: true }));
  return weights
    .mul(cols)
    .sum(2)
    .reshape([n, c, Math.floor(h / k), Math.floor(w / k)]);
}
export function naiveSoftmaxWeights(x: Tensor, beta: number): Tensor {
  return x.mul(beta).exp().div(x.mul(beta).exp().sum()); // overflows in float32 once beta x > 88.7
}
// #endregion

export const softmaxPoolExercise: Exercise = {
  id: 'softmax-pool',
  title: 'Exercise 7 (6 in the first edition): softmax pooling, between average and maximum',
  section: 'pooling',
  part: 'exercise',
  summary:
    'softmax(beta x)-weighted pooling: beta -> 0 is the average, beta -> infinity the maximum, monotone in between; it costs an exp per value, needs the max anyway for stability (naive float32 gives NaN) and adds a hyperparameter',
  cpuOnly: 'it works in float64 (monotonicity in beta is checked to 1e-15), and WebGPU has no 64-bit floats',
  async run() {
    const r = new Report(this.id, this.title, this.part);
    const X = randn([1, 2, 6, 8], { generator: new Generator(0), dtype: 'float64' });
    const betas = [0, 0.5, 1, 2, 4, 8];
    const pooled = betas.map((b) => softmaxPool2d(X, 2, b));
    const monotone = pooled.every(
      (p, i) =>
        i === 0 ||
        p
          .sub(pooled[i - 1])
          .min()
          .item() >= -1e-15,
    );
    const nearAvg = maxAbsDiff(softmaxPool2d(X, 2, 1e-6), avgPool2d(X, 2));
    const nearMax = maxAbsDiff(softmaxPool2d(X, 2, 1e4), maxPool2d(X, 2));
    const naive = naiveSoftmaxWeights(tensor([1, 2, 3]), 50);
    const stable = softmaxPool2d(
      tensor([
        [
          [
            [1, 2],
            [3, 1],
          ],
        ],
      ]),
      2,
      50,
    );
    r.item('softmax-pool', 'Softmax pooling interpolates between average and max')
      .text(
        "Weighting each window's values by softmax(beta x) gives sum_i softmax(beta x)_i x_i: at beta = 0 all weights are equal (average pooling), as beta grows the weight moves to the largest value (max-pooling), and the result grows monotonically in between (its derivative in beta is beta-weighted variance, >= 0). Why it is not popular: it costs an exponential per value instead of one comparison or addition; a numerically safe version must subtract the window maximum first, so it computes max-pooling anyway; beta is one more hyperparameter (or parameter) to tune; and its gradient reaches every value of the window, so it is neither as selective as max nor as simple as the average, with no accuracy gain that has made it worth that in practice. (The first edition's hint asks for an operation between the two: the same holds for the power mean (mean x^p)^(1/p) of non-negative inputs, p = 1 to infinity.)",
      )
      .code('softmax-pool')
      .tensor('softmaxPool2d(X, 2, 1)[0, 0]', pooled[2].get('0, 0'))
      .value(
        'distance',
        [nearAvg, nearMax],
        `beta = 1e-6: max |diff| to avgPool2d ${nearAvg.toExponential(2)}; beta = 1e4: to maxPool2d ${nearMax.toExponential(2)}`,
      )
      .check('beta -> 0 is average pooling (|diff| < 1e-5)', nearAvg < 1e-5)
      .check('beta -> infinity is max-pooling (|diff| < 1e-3)', nearMax < 1e-3)
      .check('monotone in beta (0, 0.5, 1, 2, 4, 8) at every output', monotone)
      .tensor('naiveSoftmaxWeights([1, 2, 3], 50) in float32', naive)
      .check(
        'the naive float32 softmax overflows to NaN, the shifted one does not',
        Number.isNaN(naive.get('2').item()) && Math.abs(stable.item() - 3) < 1e-6,
      );
    return r.result();
  },
};
