import { corr2d } from '@torchlet/ops';
import { type Device, eye, ones, tensor, tril } from '@torchlet/tensor';
import { DEFAULT_RUN, type Exercise, Report, toCpu } from '../report.js';

// #region snippet diagonal-edges
export function diagonalEdges(device: Device = 'cpu') {
  const X = eye(8).to(device);
  const K = tensor([[1, -1]], { device });
  const Y = corr2d(X, K); // 8x7
  const YofXt = corr2d(X.t(), K); // 8x7: eye(8).t() is eye(8)
  const YofKt = corr2d(X, K.t()); // 7x8: the vertical-difference kernel
  return { X, K, Y, YofXt, YofKt };
}
// #endregion

// #region snippet diagonal-step
export function diagonalStep(device: Device = 'cpu') {
  const X = tril(ones([6, 8], { device })); // ones on and below the diagonal: a diagonal step edge
  const K = tensor([[1, -1]], { device });
  const Y = corr2d(X, K);
  const YofXt = corr2d(X.t(), K);
  const YofKtT = corr2d(X, K.t()).t();
  return { X, K, Y, YofXt, YofKtT };
}
// #endregion

export const diagonalEdgesExercise: Exercise = {
  id: 'diagonal-edges',
  title: 'Exercise 1: an image with diagonal edges',
  section: 'conv-layer',
  part: 'exercise',
  summary: 'eye(8) with K, with X.t() and with K.t(); a diagonal step edge; corr2d(X.t(), K) = corr2d(X, K.t()).t()',
  async run({ device } = DEFAULT_RUN) {
    const r = new Report(this.id, this.title, this.part);
    const d = await toCpu(diagonalEdges(device));
    r.item('eye', 'What happens if you apply the kernel K to it?')
      .text(
        'X = eye(8) is a thin diagonal line. K = [[1, -1]] computes X[i, j] - X[i, j+1]: in row i it meets the line twice, giving +1 where the line pixel is on the left (j = i) and -1 where it is on the right (j = i-1). A thin line is two edges of opposite sign, so the diagonal shows up as a +1 / -1 double line, and the output loses one column (8x7).',
      )
      .code('diagonal-edges')
      .tensor('X', d.X)
      .tensor('K', d.K)
      .tensor('corr2d(X, K)', d.Y);
    r.item('transpose-x', 'What happens if you transpose X?')
      .text(
        'Nothing changes: eye(8) is symmetric, X.t() equals X element for element, so corr2d(X.t(), K) is the same 8x7 tensor.',
      )
      .tensor('corr2d(X.t(), K)', d.YofXt)
      .check('X.t() equals X (eye is symmetric)', d.X.t().equal(d.X))
      .check('corr2d(X.t(), K) equals corr2d(X, K)', d.YofXt.equal(d.Y));
    r.item('transpose-k', 'What happens if you transpose K?')
      .text(
        'K.t() = [[1], [-1]] differences vertical neighbours, X[i, j] - X[i+1, j]: +1 on the diagonal (i, i) and -1 just right of it (i, i+1); the output loses a row instead (7x8).',
      )
      .tensor('K.t()', d.K.t())
      .tensor('corr2d(X, K.t())', d.YofKt)
      .check('corr2d(X, K.t()) is 7x8', d.YofKt.shape[0] === 7 && d.YofKt.shape[1] === 8);
    const s = await toCpu(diagonalStep(device));
    r.item('step', 'A single diagonal step edge: transposing X flips the polarity')
      .text(
        'With X = tril(ones(6, 8)) there is one edge, between the ones on and below the diagonal and the zeros above it. Going right in X we step from 1 to 0, so Y has +1 on the diagonal. X.t() is upper triangular: going right we step from 0 to 1, so the edge comes out -1. For a symmetric image (like eye) the two agree; for a step they differ in sign. In general transposing the image is transposing the kernel: corr2d(X.t(), K) = corr2d(X, K.t()).t().',
      )
      .code('diagonal-step')
      .tensor('X', s.X)
      .tensor('corr2d(X, K)', s.Y)
      .tensor('corr2d(X.t(), K)', s.YofXt)
      .check('corr2d(X, K) is +1 exactly on the diagonal', s.Y.equal(eye(6, 7)))
      .check(
        'corr2d(X.t(), K) is -1 exactly on the first subdiagonal',
        s.YofXt.equal(eye(8, 5).neg().roll(1, 0)) && s.YofXt.sum().item() === -5,
      )
      .check('corr2d(X.t(), K) equals corr2d(X, K.t()).t() for the step', s.YofXt.equal(s.YofKtT))
      .check('corr2d(X.t(), K) equals corr2d(X, K.t()).t() for eye(8)', d.YofXt.equal(d.YofKt.t()));
    return r.result();
  },
};
