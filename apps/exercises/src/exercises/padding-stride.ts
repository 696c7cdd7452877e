import { Conv2d } from '@torchlet/nn';
import { conv2dOutputShape } from '@torchlet/ops';
import { type Device, Generator, rand, type Tensor } from '@torchlet/tensor';
import { DEFAULT_RUN, type Exercise, Report } from '../report.js';

/** The book's helper: add batch and channel dimensions, convolve, strip them again. */
// #region snippet comp-conv2d
export function compConv2d(conv2d: Conv2d, X: Tensor): number[] {
  conv2d.to(X.device); // the layer's parameters go where the data is
  const Y = conv2d.forward(X.reshape([1, 1, ...X.shape])); // (1, 1) = (batch size, channels)
  return Y.shape.slice(2);
}
export function paddingStrideShapes(device: Device = 'cpu') {
  const X = rand([8, 8], { generator: new Generator(0), device });
  return [
    compConv2d(new Conv2d(1, 1, 3, { padding: 1 }), X),
    compConv2d(new Conv2d(1, 1, [5, 3], { padding: [2, 1] }), X),
    compConv2d(new Conv2d(1, 1, 3, { padding: 1, stride: 2 }), X),
    compConv2d(new Conv2d(1, 1, [3, 5], { padding: [0, 1], stride: [3, 4] }), X),
  ];
}
// #endregion

/** The layers above, as data: kernel, padding, stride. */
export const LAYERS = [
  { kernel: [3, 3], padding: [1, 1], stride: [1, 1] },
  { kernel: [5, 3], padding: [2, 1], stride: [1, 1] },
  { kernel: [3, 3], padding: [1, 1], stride: [2, 2] },
  { kernel: [3, 5], padding: [0, 1], stride: [3, 4] },
] as const;

export const paddingStrideExercise: Exercise = {
  id: 'padding-stride',
  title: 'Padding and stride: output shapes',
  section: 'padding-and-strides',
  part: 'section',
  summary:
    'output shapes of an 8x8 input: 8x8 (3x3, pad 1), 8x8 (5x3, pad (2, 1)), 4x4 (stride 2), 2x2 (3x5, pad (0, 1), stride (3, 4))',
  async run({ device } = DEFAULT_RUN) {
    const r = new Report(this.id, this.title, this.part);
    const shapes = paddingStrideShapes(device);
    const item = r
      .item('shapes', 'Output shapes with padding and stride')
      .text(
        'Without padding a kh x kw kernel shrinks the input by kh-1 rows and kw-1 columns. Padding ph rows and pw columns on each side and moving the window sh rows and sw columns at a time gives floor((nh - kh + 2ph) / sh) + 1 by floor((nw - kw + 2pw) / sw) + 1: padding (k-1)/2 keeps the size, stride 2 halves it.',
      )
      .code('comp-conv2d');
    shapes.forEach((s, i) => {
      const { kernel, padding, stride } = LAYERS[i];
      const formula = conv2dOutputShape([1, 1, 8, 8], [1, 1, ...kernel], { padding, stride }).slice(2);
      const byHand = [0, 1].map((d) => Math.floor((8 - kernel[d] + 2 * padding[d]) / stride[d]) + 1);
      item
        .value(
          `shape ${i + 1}`,
          s,
          `kernel [${kernel.join(', ')}], padding [${padding.join(', ')}], stride [${stride.join(', ')}]: [8, 8] -> [${s.join(', ')}]`,
        )
        .check(
          `layer ${i + 1}: matches the formula and conv2dOutputShape`,
          s.join() === byHand.join() && s.join() === formula.join(),
        );
    });
    return r.result();
  },
};
