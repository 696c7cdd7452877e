import { conv2d, corr2dMatmul, im2col, kernelToMatrix } from '@torchlet/ops';
import { arange, stack, type Tensor, tensor } from '@torchlet/tensor';
import { DEFAULT_RUN, type Exercise, maxAbsDiff, Report, toCpu } from '../report.js';
import { corr2dBasic } from './corr2d.js';
import { edgeDetection } from './edge-detection.js';

/** Construction 1: unroll the windows of X into columns (im2col), then one row-times-matrix product. */
// #region snippet corr-im2col
export function corrByIm2col(X: Tensor, K: Tensor) {
  const [h, w] = K.shape;
  const cols = im2col(X.unsqueeze(0), [h, w]); // [h*w, L]: column l is the window at output l
  const Y = K.reshape([1, h * w])
    .matmul(cols)
    .reshape([X.shape[0] - h + 1, X.shape[1] - w + 1]);
  return { cols, Y };
}
// #endregion

/** Construction 2: the kernel as a doubly block-Toeplitz matrix acting on vec(X). */
// #region snippet corr-toeplitz
export function corrByToeplitz(X: Tensor, K: Tensor) {
  const [h, w] = K.shape;
  const W = kernelToMatrix(K, X.shape); // [Hout*Wout, H*W]
  const Y = W.matmul(X.reshape([-1])).reshape([X.shape[0] - h + 1, X.shape[1] - w + 1]);
  return { W, Y };
}
// #endregion

/** Many channels: every output channel's kernel is one row of a matrix, every window one column. */
// #region snippet conv-im2col-multi
export function convByIm2col(X: Tensor, K: Tensor): Tensor {
  const [cOut, cIn, h, w] = K.shape;
  const cols = im2col(X, [h, w]); // [cIn*h*w, L]
  const Y = K.reshape([cOut, cIn * h * w]).matmul(cols);
  return Y.reshape([cOut, X.shape[1] - h + 1, X.shape[2] - w + 1]);
}
// #endregion

export const corrAsMatmulExercise: Exercise = {
  id: 'corr-as-matmul',
  title: 'Exercise 3: cross-correlation as a matrix multiplication',
  section: 'conv-layer',
  part: 'exercise',
  summary:
    'im2col patches @ vec(K), the doubly block-Toeplitz W with vec(Y) = W @ vec(X), and the multi-channel K @ cols vs conv2d',
  async run({ device } = DEFAULT_RUN) {
    const r = new Report(this.id, this.title, this.part);
    const basic = corr2dBasic(device);
    const { X, K, Y } = await toCpu(basic);
    const a = await toCpu(corrByIm2col(basic.X, basic.K));
    r.item('im2col', 'Patches times the kernel: im2col(X) and vec(K)')
      .text(
        'Each column of im2col(X) is one 2x2 window of X, read row by row; vec(K) as a row vector dotted with every column gives every output at once. corr2dMatmul in @torchlet/ops does exactly this with one gemm call.',
      )
      .code('corr-im2col')
      .tensor('cols = im2col(X)', a.cols)
      .tensor('vec(K) @ cols', a.Y)
      .check('vec(K) @ im2col(X) equals corr2d(X, K)', a.Y.equal(Y), `max |diff| = ${maxAbsDiff(a.Y, Y)}`)
      .check('corr2dMatmul(X, K) equals corr2d(X, K)', corr2dMatmul(X, K).equal(Y));
    const b = await toCpu(corrByToeplitz(basic.X, basic.K));
    r.item('toeplitz', 'The kernel as a matrix: vec(Y) = W @ vec(X)')
      .text(
        'Row i*Wout + j of W holds K[a, b] at column (i+a)*W + (j+b): the kernel slid over the flattened image. W is doubly block-Toeplitz (blocks of Toeplitz matrices, constant along block diagonals) and mostly zeros; its transpose W.t() maps output gradients back to the input, which is the transposed convolution.',
      )
      .code('corr-toeplitz')
      .tensor('W = kernelToMatrix(K, [3, 3])', b.W)
      .tensor('W @ vec(X)', b.Y)
      .check('W @ vec(X) equals corr2d(X, K)', b.Y.equal(Y), `max |diff| = ${maxAbsDiff(b.Y, Y)}`);
    const edge = edgeDetection(device);
    const e = await toCpu(edge);
    const ea = await toCpu(corrByIm2col(edge.X, edge.K));
    const eb = await toCpu(corrByToeplitz(edge.X, edge.K));
    r.item('edge', 'Both constructions on the edge image (6x8 with K = [[1, -1]])')
      .value('im2col(X).shape', [...ea.cols.shape])
      .value('W.shape', [...eb.W.shape])
      .value(
        'nonzeros in W',
        eb.W.ne(0).sum().item(),
        `nonzeros in W = ${eb.W.ne(0).sum().item()} of ${eb.W.numel} (2 per row)`,
      )
      .check('vec(K) @ im2col(X) equals corr2d(X, K)', ea.Y.equal(e.Y))
      .check('W @ vec(X) equals corr2d(X, K)', eb.Y.equal(e.Y));
    const Xc = stack([arange(9).reshape([3, 3]), arange(1, 10).reshape([3, 3])]).to('float32');
    const K0 = tensor([
      [
        [0, 1],
        [2, 3],
      ],
      [
        [1, 2],
        [3, 4],
      ],
    ]);
    const Kc = stack([K0, K0.add(1), K0.add(2)]);
    const Yc = await convByIm2col(Xc.to(device), Kc.to(device)).cpu();
    const ref = conv2d(Xc.unsqueeze(0), Kc).squeeze(0);
    r.item('multi-channel', 'Multiple channels: K.reshape(Cout, Cin*kh*kw) @ cols')
      .text(
        "With Cin input channels a window column stacks Cin*kh*kw values, and each of the Cout kernels flattens to one row: the whole layer is one [Cout, Cin*kh*kw] x [Cin*kh*kw, L] product - how fast convolution libraries (and conv2d's im2col kernel) work. X and K are the book's multi-channel example.",
      )
      .code('conv-im2col-multi')
      .tensor('X', Xc)
      .tensor('K', Kc)
      .tensor('K.reshape([3, 8]) @ im2col(X)', Yc)
      .check('equals conv2d(X, K)', Yc.equal(ref), `max |diff| = ${maxAbsDiff(Yc, ref)}`);
    return r.result();
  },
};
