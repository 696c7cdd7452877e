import { AvgPool2d, Conv2d } from '@torchlet/nn';
import { Generator, ones, randn, type Tensor } from '@torchlet/tensor';
import { DEFAULT_RUN, type Exercise, maxAbsDiff, Report, toCpu } from '../report.js';

/** Average pooling as a convolution: one fixed kernel of 1/(ph pw) per channel (groups = channels), stride = window. */
// #region snippet avg-pool-conv
export function avgPoolConv(channels: number, window: number, padding = 0): Conv2d {
  const conv = new Conv2d(channels, channels, window, { stride: window, padding, groups: channels, bias: false });
  conv.weight.data.copyInPlace(ones([channels, 1, window, window]).div(window * window));
  return conv;
}
export function avgPoolTwoWays(X: Tensor) {
  const C = X.shape[1];
  return {
    conv: avgPoolConv(C, 2).to(X.device).forward(X).data,
    pool: new AvgPool2d(2).forward(X).data,
    convPadded: avgPoolConv(C, 3, 1).to(X.device).forward(X).data, // zeros count in the mean, as countIncludePad: true
    poolPadded: new AvgPool2d(3, { padding: 1 }).forward(X).data,
  };
}
// #endregion

export const avgPoolAsConvExercise: Exercise = {
  id: 'avg-pool-as-conv',
  title: 'Exercise 1 (both editions): average pooling through a convolution',
  section: 'pooling',
  part: 'exercise',
  summary:
    'a depthwise Conv2d (groups = channels) with weights 1/(ph pw) and stride = window equals AvgPool2d, padded or not',
  async run({ device } = DEFAULT_RUN) {
    const r = new Report(this.id, this.title, this.part);
    const X = randn([2, 3, 6, 7], { generator: new Generator(0), device });
    const a = await toCpu(avgPoolTwoWays(X));
    r.item('avg-as-conv', 'Average pooling is a convolution with a fixed kernel')
      .text(
        "Averaging a ph x pw window is a weighted sum with every weight 1/(ph pw), so it is a convolution whose kernel is fixed, applied to each channel separately: groups = channels (one 1-channel kernel per channel, a depthwise convolution) and stride equal to the window, as pooling's default. Zero padding counts the padded zeros in the mean, which is AvgPool2d's default countIncludePad: true. X [2, 3, 6, 7]: 2x2 windows give 3 x 3 outputs (the last column is dropped), 3x3 windows with padding 1 give 2 x 3.",
      )
      .code('avg-pool-conv')
      .tensor('avgPoolConv(3, 2)(X)[0, 0]', a.conv.get('0, 0'))
      .check(
        'equals AvgPool2d(2) (|diff| < 1e-6)',
        maxAbsDiff(a.conv, a.pool) < 1e-6,
        `max |diff| = ${maxAbsDiff(a.conv, a.pool).toExponential(2)}`,
      )
      .check(
        'with padding 1 and a 3x3 window, equals AvgPool2d(3, { padding: 1 }) (|diff| < 1e-6)',
        maxAbsDiff(a.convPadded, a.poolPadded) < 1e-6,
      );
    return r.result();
  },
};
