import { corr2d } from '@torchlet/ops';
import { type Device, slice, type Tensor, tensor, zeros } from '@torchlet/tensor';
import { DEFAULT_RUN, type Exercise, maxAbsDiff, Report, toCpu } from '../report.js';

/** The book's first listing: the 3x3 input and 2x2 kernel. */
// #region snippet corr2d-basic
export function corr2dBasic(device: Device = 'cpu') {
  const X = tensor(
    [
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
    ],
    { device },
  );
  const K = tensor(
    [
      [0, 1],
      [2, 3],
    ],
    { device },
  );
  const Y = corr2d(X, K);
  return { X, K, Y };
}
// #endregion

/** The book's `corr2d`, written the same way: a loop over output positions. */
// #region snippet corr2d-loops
export function corr2dLoops(X: Tensor, K: Tensor): Tensor {
  const [h, w] = K.shape;
  const Y = zeros([X.shape[0] - h + 1, X.shape[1] - w + 1], { device: X.device });
  for (let i = 0; i < Y.shape[0]; i++) {
    for (let j = 0; j < Y.shape[1]; j++) {
      Y.set(
        [i, j],
        X.get([slice(i, i + h), slice(j, j + w)])
          .mul(K)
          .sum(),
      );
    }
  }
  return Y;
}
// #endregion

export const corr2dExercise: Exercise = {
  id: 'corr2d',
  title: 'The cross-correlation operation',
  section: 'conv-layer',
  part: 'section',
  summary: "corr2d on the book's 3x3 example: [[19, 25], [37, 43]]",
  async run({ device } = DEFAULT_RUN) {
    const r = new Report(this.id, this.title, this.part);
    const { X, K, Y } = corr2dBasic(device);
    r.item('basic', 'corr2d(X, K) on the 3x3 example')
      .text(
        'Each output element is the sum of the elementwise product of the kernel with the input window under it: 0*0 + 1*1 + 3*2 + 4*3 = 19.',
      )
      .code('corr2d-basic')
      .tensor('X', X)
      .tensor('K', K)
      .tensor('Y', Y);
    const Yloops = corr2dLoops(X, K);
    const cpu = await toCpu({ Y, Yloops });
    r.item('loops', 'The same operation as the book writes it: a loop of window sums')
      .text(
        "corr2d from @torchlet/ops is a strided kernel; this loop version is the book's definition, written with get/set slices.",
      )
      .code('corr2d-loops')
      .tensor('corr2dLoops(X, K)', Yloops)
      .check(
        'corr2dLoops(X, K) equals corr2d(X, K)',
        cpu.Yloops.equal(cpu.Y),
        `max |diff| = ${maxAbsDiff(cpu.Yloops, cpu.Y)}`,
      );
    return r.result();
  },
};
