import { conv2d as conv2dVariable, variable } from '@torchlet/autograd';
import { conv2d, im2col, pad } from '@torchlet/ops';
import { Generator, randn, stack, type Tensor } from '@torchlet/tensor';
import { type Exercise, maxAbsDiff, Report } from '../report.js';

/** im2col by hand: pad, then one strided slice per kernel offset (a, b), stacked as rows. */
// #region snippet unfold
export function unfold(X: Tensor, kh: number, kw: number, p: [number, number], s: [number, number]): Tensor {
  const [ci, h, w] = X.shape;
  const ho = Math.floor((h + 2 * p[0] - kh) / s[0]) + 1;
  const wo = Math.floor((w + 2 * p[1] - kw) / s[1]) + 1;
  const Xp = pad(X, [p[1], p[1], p[0], p[0]]);
  const rows: Tensor[] = [];
  for (let a = 0; a < kh; a++)
    for (
      let b = 0;
      b < kw;
      b++ // the pixels that kernel tap (a, b) meets, for every window
    )
      rows.push(Xp.get(`:, ${a}:${a + s[0] * (ho - 1) + 1}:${s[0]}, ${b}:${b + s[1] * (wo - 1) + 1}:${s[1]}`));
  // [kh*kw, ci, ho, wo] -> rows ordered (channel, a, b) as the weight is: [ci*kh*kw, ho*wo]
  return stack(rows)
    .reshape([kh * kw, ci, ho * wo])
    .transpose(0, 1)
    .reshape([ci * kh * kw, ho * wo]);
}
export function convByMatmul(X: Tensor, K: Tensor, p: [number, number], s: [number, number]): Tensor {
  const [co, ci, kh, kw] = K.shape;
  const cols = unfold(X, kh, kw, p, s);
  const ho = Math.floor((X.shape[1] + 2 * p[0] - kh) / s[0]) + 1;
  return K.reshape([co, ci * kh * kw])
    .matmul(cols)
    .reshape([co, ho, -1]);
}
// #endregion

export const convAsMatmulChannelsExercise: Exercise = {
  id: 'conv-as-matmul-channels',
  title: 'Exercise 5 (6 in the first edition): convolution as a matrix product for any window',
  section: 'channels',
  part: 'exercise',
  summary:
    'im2col by hand (pad + one strided slice per kernel tap), then K.reshape(co, ci*kh*kw) @ cols; equals conv2d and im2col of @torchlet/ops; the weight gradient is dY @ cols^T',
  cpuOnly:
    'it works in float64 (the products are checked against conv2d and autograd to 1e-12), and WebGPU has no 64-bit floats',
  async run() {
    const r = new Report(this.id, this.title, this.part);
    const g = new Generator(0);
    const X = randn([3, 7, 8], { generator: g, dtype: 'float64' });
    const K = randn([4, 3, 3, 2], { generator: g, dtype: 'float64' });
    const p: [number, number] = [1, 0];
    const s: [number, number] = [2, 1];
    const cols = unfold(X, 3, 2, p, s);
    const Y = convByMatmul(X, K, p, s);
    const ref = conv2d(X.unsqueeze(0), K, null, { padding: p, stride: s }).squeeze(0);
    const k = variable(K, { requiresGrad: true });
    const dY = randn(ref.shape, { generator: g, dtype: 'float64' });
    conv2dVariable(X.unsqueeze(0), k, null, { padding: p, stride: s }).mul(dY.unsqueeze(0)).sum().backward();
    const dK = dY.reshape([4, -1]).matmul(cols.t()).reshape(K.shape);
    r.item('im2col', 'Unfold the windows into columns, then one matrix product')
      .text(
        "Write every window of the (padded) input as a column of length ci kh kw: the column matrix has one column per output position (ho wo). Each kernel flattens into a row of length ci kh kw, so the convolution is the product of the co x (ci kh kw) weight matrix with the (ci kh kw) x (ho wo) column matrix - this is how im2col-based libraries (and torchlet's im2col kernel) run it on a fast GEMM. The 1x1 case is the special case where the column matrix is the input itself. The backward pass is two products as well: dK = dY cols^T and dcols = K^T dY (then col2im). The alternative, a doubly block-Toeplitz matrix acting on vec(X), is in exercise 3 of the first section (corr-as-matmul). Here X [3, 7, 8], K [4, 3, 3, 2], padding (1, 0), stride (2, 1), float64.",
      )
      .code('unfold')
      .value('cols.shape', [...cols.shape], `cols.shape = [${cols.shape.join(', ')}] = [ci*kh*kw, ho*wo]`)
      .check('unfold equals im2col of @torchlet/ops', cols.equal(im2col(X, [3, 2], { padding: p, stride: s })))
      .check(
        'K.reshape(co, ci*kh*kw) @ cols equals conv2d (|diff| < 1e-12)',
        maxAbsDiff(Y, ref) < 1e-12,
        `max |diff| = ${maxAbsDiff(Y, ref).toExponential(2)}`,
      )
      .check(
        'dY @ cols^T equals the weight gradient of autograd (|diff| < 1e-12)',
        maxAbsDiff(dK, k.grad as Tensor) < 1e-12,
      );
    return r.result();
  },
};
