import { corr2dMultiInOut } from '@torchlet/ops';
import { type Tensor, tensor } from '@torchlet/tensor';
import { type Exercise, maxAbsDiff, Report } from '../report.js';
import { conv1x1Check, corr2dMultiInOut1x1 } from './channels.js';

/** The float64 value of the 1x1 convolution: the exact reference both float32 results round towards. */
// #region snippet y-exact
export function exact1x1(X: Tensor, K: Tensor): Tensor {
  return corr2dMultiInOut1x1(X.to('float64'), K.to('float64'));
}
export function sumOrder() {
  const big = tensor([2 ** 24]); // float32: 2^24 + 1 is not representable, it rounds to 2^24
  const leftFirst = big
    .add(1)
    .sub(2 ** 24)
    .item(); // (2^24 + 1) - 2^24
  const rightFirst = big
    .sub(2 ** 24)
    .add(1)
    .item(); // (2^24 - 2^24) + 1
  // the same three numbers as three channels of one pixel, summed by a 1x1 convolution
  const X = tensor([[[2 ** 24]], [[1]], [[-(2 ** 24)]]]);
  const K = tensor([[[[1]], [[1]], [[1]]]]);
  return { leftFirst, rightFirst, conv: corr2dMultiInOut(X, K).item() };
}
// #endregion

export const y1y2Exercise: Exercise = {
  id: 'y1-y2',
  title: 'Exercise 4 (5 in the first edition): are Y1 and Y2 exactly the same?',
  section: 'channels',
  part: 'exercise',
  summary:
    'mathematically yes, numerically only up to float32 rounding: the sums run in different orders and float addition is not associative ((2^24 + 1) - 2^24 = 0, (2^24 - 2^24) + 1 = 1)',
  cpuOnly:
    "it measures the rounding of torchlet's CPU kernels against a float64 reference (WebGPU has no 64-bit floats, and its kernels round differently)",
  async run() {
    const r = new Report(this.id, this.title, this.part);
    const { X, K, Y1, Y2 } = conv1x1Check();
    const Y = exact1x1(X, K);
    const e1 = maxAbsDiff(Y1.to('float64'), Y);
    const e2 = maxAbsDiff(Y2.to('float64'), Y);
    const scale = corr2dMultiInOut1x1(X.to('float64').abs(), K.to('float64').abs()).max().item(); // max sum |x k|
    const bound = 3 * 2 ** -24 * scale * 1.01; // n u sum|terms| for n = 3 terms, with room for the rounding of the bound
    const o = sumOrder();
    r.item('rounding', 'Mathematically equal, numerically equal only up to rounding')
      .text(
        'Y1 (matrix product) and Y2 (per-channel correlation) compute the same sums Y[o, i, j] = sum_c K[o, c] X[c, i, j], so in exact arithmetic they are equal. In float32 each product and each addition rounds, and the two implementations may add the terms in different orders (a matrix-product kernel blocks and vectorises; the correlation adds channel by channel). Floating-point addition is not associative, so the results can differ in the last bits; that is why the book compares them with a tolerance (< 1e-6) instead of ==. Both stay within the classical bound n u sum|x k| (u = 2^-24, n = 3 terms) of the float64 value.',
      )
      .code('y-exact')
      .value(
        'bitwise equal',
        Y1.equal(Y2),
        `Y1 and Y2 bitwise equal on this input: ${Y1.equal(Y2)} (max |Y1 - Y2| = ${maxAbsDiff(Y1, Y2)})`,
      )
      .value(
        'errors',
        [e1, e2],
        `max error against float64: Y1 ${e1.toExponential(2)}, Y2 ${e2.toExponential(2)}, bound ${bound.toExponential(2)}`,
      )
      .check('both are within n u sum|x k| of the exact value', e1 <= bound && e2 <= bound)
      .value(
        'orders',
        [o.leftFirst, o.rightFirst],
        `float32: (2^24 + 1) - 2^24 = ${o.leftFirst}, (2^24 - 2^24) + 1 = ${o.rightFirst}`,
      )
      .check('float32 addition is not associative: 0 and 1', o.leftFirst === 0 && o.rightFirst === 1)
      .value('conv', o.conv, `corr2dMultiInOut over the channels (2^24, 1, -2^24) with a kernel of ones: ${o.conv}`)
      .check(
        "torchlet's multi-channel correlation gets 1 here (it accumulates the channel sum in float64)",
        o.conv === 1,
      );
    return r.result();
  },
};
