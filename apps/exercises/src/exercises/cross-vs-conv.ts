import { corr2d, pad } from '@torchlet/ops';
import { type Tensor, tensor } from '@torchlet/tensor';
import { DEFAULT_RUN, type Exercise, maxAbsDiff, Report, toCpu } from '../report.js';
import { corr2dBasic } from './corr2d.js';
import { edgeDetection } from './edge-detection.js';

/** Strict convolution: cross-correlation with the kernel flipped in both directions. */
// #region snippet convolve2d
export function convolve2d(X: Tensor, K: Tensor): Tensor {
  return corr2d(X, K.flip([0, 1]));
}
// #endregion

/** "Full" versions (every overlap, zero padding kh-1 / kw-1 on each side). */
// #region snippet full-modes
export function corr2dFull(X: Tensor, K: Tensor): Tensor {
  const [h, w] = K.shape;
  return corr2d(pad(X, [w - 1, w - 1, h - 1, h - 1]), K);
}
export function convolve2dFull(X: Tensor, K: Tensor): Tensor {
  return corr2dFull(X, K.flip([0, 1]));
}
// #endregion

export const crossVsConvExercise: Exercise = {
  id: 'cross-correlation-vs-convolution',
  title: 'Cross-correlation and convolution',
  section: 'conv-layer',
  part: 'section',
  summary: 'convolution = cross-correlation with the flipped kernel; a learned kernel just comes out flipped',
  async run({ device } = DEFAULT_RUN) {
    const r = new Report(this.id, this.title, this.part);
    const basic = corr2dBasic(device);
    const C = await convolve2d(basic.X, basic.K).cpu();
    const { X, K, Y } = await toCpu(basic);
    r.item('flip', 'Convolution flips the kernel')
      .text(
        'Strict convolution computes Y[i, j] = sum_ab X[i+a, j+b] K[kh-1-a, kw-1-b]: the cross-correlation with K flipped horizontally and vertically. On the 3x3 example it differs from corr2d.',
      )
      .code('convolve2d')
      .tensor('K.flip([0, 1])', K.flip([0, 1]))
      .tensor('convolve2d(X, K)', C)
      .tensor('corr2d(X, K)', Y)
      .check(
        'convolve2d(X, K) equals corr2d(X, flipped K) and differs from corr2d(X, K)',
        C.equal(corr2d(X, K.flip([0, 1]))) && !C.equal(Y),
      );
    const edgeOnDevice = edgeDetection(device);
    const Ce = await convolve2d(edgeOnDevice.X, edgeOnDevice.K).cpu();
    const CeFlipped = await convolve2d(edgeOnDevice.X, edgeOnDevice.K.flip([0, 1])).cpu();
    const edge = await toCpu(edgeOnDevice);
    r.item('same-output', 'Why deep learning does not care')
      .text(
        'Kernels are learned from data. If a layer convolved instead of cross-correlating, training would find the flipped kernel and produce the same outputs: convolving with flip(K) is correlating with K. For the edge image, convolving with [[1, -1]] gives -Y; convolving with the flipped kernel [[-1, 1]] gives Y back.',
      )
      .tensor('convolve2d(X, K)', Ce)
      .tensor('convolve2d(X, K.flip([0, 1]))', CeFlipped)
      .check('convolve2d(X, K) = -corr2d(X, K) for K = [[1, -1]]', maxAbsDiff(Ce, edge.Y.neg()) === 0)
      .check('convolve2d(X, flip(K)) = corr2d(X, K)', CeFlipped.equal(edge.Y));
    const A = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { device },
    );
    const B = tensor(
      [
        [0, 1, 0],
        [1, -1, 2],
      ],
      { device },
    );
    const { ab, ba, cab, cba } = await toCpu({
      ab: convolve2dFull(A, B),
      ba: convolve2dFull(B, A),
      cab: corr2dFull(A, B),
      cba: corr2dFull(B, A),
    });
    r.item('commutes', 'What convolution has that cross-correlation lacks')
      .text(
        'In "full" mode (all overlaps), convolution is commutative - A * B = B * A - which is why mathematics prefers it; cross-correlation is not: swapping the operands flips the result.',
      )
      .code('full-modes')
      .tensor('A', A)
      .tensor('B', B)
      .tensor('convolve2dFull(A, B)', ab)
      .tensor('corr2dFull(A, B)', cab)
      .tensor('corr2dFull(B, A)', cba)
      .check('convolve2dFull(A, B) equals convolve2dFull(B, A)', ab.equal(ba))
      .check(
        'corr2dFull(A, B) differs from corr2dFull(B, A), which is its flip',
        !cab.equal(cba) && cba.equal(cab.flip([0, 1])),
      );
    return r.result();
  },
};
