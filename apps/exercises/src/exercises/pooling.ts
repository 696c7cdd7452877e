import { MaxPool2d } from '@torchlet/nn';
import { maxPool2d, pool2d } from '@torchlet/ops';
import { arange, cat, type Device, type Tensor, tensor } from '@torchlet/tensor';
import { DEFAULT_RUN, type Exercise, Report, toCpu } from '../report.js';

// #region snippet pool2d
export function pool2dExample(device: Device = 'cpu') {
  const X = tensor(
    [
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
    ],
    { device },
  );
  const max = pool2d(X, [2, 2]);
  const avg = pool2d(X, [2, 2], 'avg');
  return { X, max, avg };
}
// #endregion

// #region snippet max-pool-padding
export function maxPoolPaddingStride(device: Device = 'cpu') {
  const X = arange(0, 16, 1, { device }).reshape([1, 1, 4, 4]);
  const window3 = new MaxPool2d(3).forward(X); // stride defaults to the window: one 3x3 window fits
  const padded = new MaxPool2d(3, { padding: 1, stride: 2 }).forward(X);
  const rect = new MaxPool2d([2, 3], { stride: [2, 3], padding: [0, 1] }).forward(X);
  return { X, window3: window3.data, padded: padded.data, rect: rect.data };
}
// #endregion

// #region snippet max-pool-channels
export function maxPoolChannels(X: Tensor) {
  const X2 = cat([X, X.add(1)], 1); // two channels
  const Y = new MaxPool2d(3, { padding: 1, stride: 2 }).forward(X2);
  return { X2, Y: Y.data, functional: maxPool2d(X2, 3, { padding: 1, stride: 2 }) };
}
// #endregion

export const poolingExercise: Exercise = {
  id: 'pooling',
  title: 'Maximum and average pooling',
  section: 'pooling',
  part: 'section',
  summary: "the book's pool2d (max and average), MaxPool2d with padding and stride, and per-channel pooling",
  async run({ device } = DEFAULT_RUN) {
    const r = new Report(this.id, this.title, this.part);
    const p = await toCpu(pool2dExample(device));
    r.item('pool2d', 'Maximum and average pooling')
      .text(
        'Like cross-correlation, a window slides over the input, but instead of a weighted sum it takes the maximum or the mean; there is no kernel to learn.',
      )
      .code('pool2d')
      .tensor('X', p.X)
      .tensor('pool2d(X, [2, 2])', p.max)
      .tensor("pool2d(X, [2, 2], 'avg')", p.avg);
    const onDevice = maxPoolPaddingStride(device);
    const m = await toCpu(onDevice);
    r.item('padding-stride', 'Padding and stride')
      .text(
        "By default the stride equals the window, so windows do not overlap; padding and stride can be set like a convolution's, and windows can be rectangular.",
      )
      .code('max-pool-padding')
      .tensor('X', m.X)
      .tensor('MaxPool2d(3)', m.window3)
      .tensor('MaxPool2d(3, { padding: 1, stride: 2 })', m.padded)
      .tensor('MaxPool2d([2, 3], { stride: [2, 3], padding: [0, 1] })', m.rect)
      .check('padding 1, stride 2 and the rectangular window agree: [[5, 7], [13, 15]]', m.padded.equal(m.rect));
    const c = await toCpu(maxPoolChannels(onDevice.X));
    r.item('channels', 'Multiple channels')
      .text(
        'Pooling works on each channel separately: the output has as many channels as the input, and channel 1 (X + 1) pools to channel 0 plus 1.',
      )
      .code('max-pool-channels')
      .tensor('X2', c.X2)
      .tensor('MaxPool2d(3, { padding: 1, stride: 2 }) of X2', c.Y)
      .check(
        '2 channels in, 2 out; channel 1 = channel 0 + 1',
        c.Y.shape[1] === 2 && c.Y.get(':, 1').equal(c.Y.get(':, 0').add(1)),
      )
      .check('the layer equals the functional maxPool2d of @torchlet/ops', c.Y.equal(c.functional));
    return r.result();
  },
};
