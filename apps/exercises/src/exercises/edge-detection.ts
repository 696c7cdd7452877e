import { corr2d } from '@torchlet/ops';
import { type Device, ones, type Tensor, tensor } from '@torchlet/tensor';
import { DEFAULT_RUN, type Exercise, Report, toCpu } from '../report.js';

// #region snippet edge-detection
export function edgeDetection(device: Device = 'cpu') {
  const X = ones([6, 8], { device });
  X.set(':, 2:6', 0);
  const K = tensor([[1, -1]], { device });
  const Y = corr2d(X, K);
  return { X, K, Y };
}
// #endregion

// #region snippet edge-transposed
export function edgeTransposed(X: Tensor, K: Tensor): Tensor {
  return corr2d(X.t(), K);
}
// #endregion

/** Columns of `Y` (2-D) whose elements all equal `v`. */
export function constantColumns(Y: Tensor, v: number): number[] {
  const rows = Y.toArray() as number[][];
  const out: number[] = [];
  for (let j = 0; j < Y.shape[1]; j++) if (rows.every((row) => row[j] === v)) out.push(j);
  return out;
}

export const edgeDetectionExercise: Exercise = {
  id: 'edge-detection',
  title: 'Object edge detection in images',
  section: 'conv-layer',
  part: 'section',
  summary: 'X = ones(6, 8) with a black band, K = [[1, -1]]: 1 at the white-to-black edge, -1 at black-to-white',
  async run({ device } = DEFAULT_RUN) {
    const r = new Report(this.id, this.title, this.part);
    const onDevice = edgeDetection(device);
    const { X, K, Y } = await toCpu(onDevice);
    const plus = constantColumns(Y, 1);
    const minus = constantColumns(Y, -1);
    r.item('edges', 'Detecting vertical edges with K = [[1, -1]]')
      .text(
        'A 6x8 image, white (1) with a black (0) band in columns 2..5. K takes the difference of horizontally adjacent pixels, so Y is 1 where white turns to black, -1 where black turns to white, and 0 elsewhere.',
      )
      .code('edge-detection')
      .tensor('X', X)
      .tensor('K', K)
      .tensor('Y', Y)
      .value('columns of 1', plus)
      .value('columns of -1', minus)
      .check(
        'Y is 6x7 with a column of 1 (col 1) and a column of -1 (col 5), zeros elsewhere',
        Y.shape[0] === 6 &&
          Y.shape[1] === 7 &&
          plus.join() === '1' &&
          minus.join() === '5' &&
          Y.abs().sum().item() === 12,
      );
    const Yt = await edgeTransposed(onDevice.X, onDevice.K).cpu();
    r.item('transposed', 'The same kernel on the transposed image')
      .text(
        'X.t() turns the vertical edges horizontal; K only looks at horizontal neighbours, which are now always equal, so every output is 0: this kernel detects vertical edges only.',
      )
      .code('edge-transposed')
      .tensor('corr2d(X.t(), K)', Yt)
      .check(
        'corr2d(X.t(), K) is 8x5 and all zeros',
        Yt.shape[0] === 8 && Yt.shape[1] === 5 && Yt.abs().sum().item() === 0,
      );
    return r.result();
  },
};
