import { conv2d, corr2dMultiIn, corr2dMultiInOut } from '@torchlet/ops';
import { type Device, Generator, randn, stack, type Tensor, tensor } from '@torchlet/tensor';
import { DEFAULT_RUN, type Exercise, maxAbsDiff, Report, toCpu } from '../report.js';

// #region snippet multi-in
export function multiInExample(device: Device = 'cpu') {
  const X = tensor(
    [
      [
        [0, 1, 2],
        [3, 4, 5],
        [6, 7, 8],
      ],
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
    ],
    { device },
  );
  const K = tensor(
    [
      [
        [0, 1],
        [2, 3],
      ],
      [
        [1, 2],
        [3, 4],
      ],
    ],
    { device },
  );
  const Y = corr2dMultiIn(X, K); // correlate each channel with its kernel, then add
  return { X, K, Y };
}
// #endregion

// #region snippet multi-in-out
export function multiInOutExample(X: Tensor, K: Tensor) {
  const K3 = stack([K, K.add(1), K.add(2)]); // [3, 2, 2, 2]: three output channels
  const Y = corr2dMultiInOut(X, K3);
  return { K3, Y };
}
// #endregion

/** The book's 1x1 convolution as a matrix product: channels mix, pixels do not. */
// #region snippet conv1x1
export function corr2dMultiInOut1x1(X: Tensor, K: Tensor): Tensor {
  const [cIn, h, w] = X.shape;
  const cOut = K.shape[0];
  const Xm = X.reshape([cIn, h * w]);
  const Km = K.reshape([cOut, cIn]);
  return Km.matmul(Xm).reshape([cOut, h, w]);
}
// #endregion

// #region snippet conv1x1-check
export function conv1x1Check(device: Device = 'cpu') {
  const g = new Generator(0);
  const X = randn([3, 3, 3], { generator: g, device });
  const K = randn([2, 3, 1, 1], { generator: g, device });
  const Y1 = corr2dMultiInOut1x1(X, K);
  const Y2 = corr2dMultiInOut(X, K);
  return { X, K, Y1, Y2 };
}
// #endregion

export const channelsExercise: Exercise = {
  id: 'channels',
  title: 'Multiple input and output channels, 1x1 convolution',
  section: 'channels',
  part: 'section',
  summary: 'corr2dMultiIn, corr2dMultiInOut and the 1x1 convolution as a matrix product',
  async run({ device } = DEFAULT_RUN) {
    const r = new Report(this.id, this.title, this.part);
    const example = multiInExample(device);
    const { X, K, Y } = await toCpu(example);
    r.item('multi-in', 'Multiple input channels')
      .text(
        'One 2-D kernel per input channel; the per-channel cross-correlations are summed into one output channel: (0*0 + 1*1 + 3*2 + 4*3) + (1*1 + 2*2 + 4*3 + 5*4) = 19 + 37 = 56.',
      )
      .code('multi-in')
      .tensor('X', X)
      .tensor('K', K)
      .tensor('corr2dMultiIn(X, K)', Y);
    const mo = await toCpu(multiInOutExample(example.X, example.K));
    const ref = conv2d(X.unsqueeze(0), mo.K3).squeeze(0);
    r.item('multi-in-out', 'Multiple output channels')
      .text(
        'Stacking Cout kernels of shape [Cin, kh, kw] gives a [Cout, Cin, kh, kw] weight and one output channel per kernel; the first channel is the multi-input result above.',
      )
      .code('multi-in-out')
      .value('K3.shape', [...mo.K3.shape])
      .tensor('corr2dMultiInOut(X, K3)', mo.Y)
      .check('first output channel equals corr2dMultiIn(X, K)', mo.Y.get('0').equal(Y))
      .check('equals conv2d(X[None], K3)', mo.Y.equal(ref), `max |diff| = ${maxAbsDiff(mo.Y, ref)}`);
    const { X: X1, K: K1, Y1, Y2 } = await toCpu(conv1x1Check(device));
    const d = maxAbsDiff(Y1, Y2);
    r.item('conv1x1', 'A 1x1 convolution is a matrix product over channels')
      .text(
        'A 1x1 kernel sees one pixel at a time, so it cannot detect spatial patterns; it mixes the Cin values at each pixel into Cout values with a [Cout, Cin] matrix - a fully connected layer applied per pixel. Random X [3, 3, 3] and K [2, 3, 1, 1] (seeded), as in the book.',
      )
      .code('conv1x1')
      .code('conv1x1-check')
      .tensor('X', X1)
      .tensor('K', K1)
      .tensor('Y1', Y1)
      .value('max |Y1 - Y2|', d)
      .check('1x1 by matmul equals corr2dMultiInOut (|diff| < 1e-6)', d < 1e-6)
      .check('and equals conv2d(X[None], K)', maxAbsDiff(Y1, conv2d(X1.unsqueeze(0), K1).squeeze(0)) < 1e-6);
    return r.result();
  },
};
