import { conv2d as conv2dVariable, variable } from '@torchlet/autograd';
import { conv2d, convTranspose2d } from '@torchlet/ops';
import { arange, flip, Generator, randn, type Tensor, tensor, zeros } from '@torchlet/tensor';
import { type Exercise, maxAbsDiff, Report } from '../report.js';

/** A stride of 1/2: put a zero between neighbouring pixels, then convolve with stride 1. */
// #region snippet half-stride
export function zeroInsert(X: Tensor): Tensor {
  const [n, c, h, w] = X.shape;
  return zeros([n, c, 2 * h - 1, 2 * w - 1], { dtype: X.dtype }).set(':, :, ::2, ::2', X);
}
export function halfStride(X: Tensor, K: Tensor): Tensor {
  const k = K.shape[2];
  // full convolution of the zero-inserted input: padding k - 1, kernel flipped (a true convolution)
  return conv2d(zeroInsert(X), flip(K, [2, 3]).transpose(0, 1), null, { padding: k - 1 });
}
// #endregion

// #region snippet bilinear-upsampling
export function bilinearUpsample(X: Tensor): Tensor {
  const b = tensor([0.5, 1, 0.5], { dtype: X.dtype });
  const K = b
    .reshape([3, 1])
    .mul(b.reshape([1, 3]))
    .reshape([1, 1, 3, 3]);
  return convTranspose2d(X, K, null, { stride: 2, padding: 1, outputPadding: 1 });
}
// #endregion

export const halfStrideExercise: Exercise = {
  id: 'half-stride',
  title: 'Exercise 6: a stride of 1/2',
  section: 'padding-and-strides',
  part: 'exercise',
  summary:
    'zero insertion + convolution = convTranspose2d with stride 2 (the input gradient of a stride-2 conv); upsampling by 2, bilinear with [1/2, 1, 1/2] kernels',
  cpuOnly: 'it works in float64 (the identities are checked to 1e-12), and WebGPU has no 64-bit floats',
  async run() {
    const r = new Report(this.id, this.title, this.part);
    const g = new Generator(0);
    const X = randn([1, 2, 3, 4], { generator: g, dtype: 'float64' });
    const K = randn([2, 3, 3, 3], { generator: g, dtype: 'float64' }); // [Cin, Cout, kh, kw] as convTranspose2d takes it
    const byHand = halfStride(X, K);
    const library = convTranspose2d(X, K, null, { stride: 2 });
    // the input gradient of a stride-2 convolution with weight K^T ([Cout, Cin] = [2, 3] here: 3 -> 2 channels)
    const Z = variable(zeros([1, 3, 7, 9], { dtype: 'float64' }), { requiresGrad: true });
    conv2dVariable(Z, K, null, { stride: 2 }).mul(X).sum().backward();
    const gradient = Z.grad as Tensor;
    r.item('transposed', 'How: insert zeros, then convolve; what it is: a transposed convolution with stride 2')
      .text(
        'A stride of 2 moves the window two input pixels per output pixel; a stride of 1/2 moves it half an input pixel, so the output has twice the resolution. Put a zero between every two input pixels (and rows), then run an ordinary stride-1 convolution over the result: each input pixel now lands on every other output position. That is the fractionally strided or transposed convolution, convTranspose2d with stride 2, and it is also the gradient of a stride-2 convolution with respect to its input. X [1, 2, 3, 4], K [2, 3, 3, 3], float64.',
      )
      .code('half-stride')
      .tensor('zeroInsert(X)[0, 0]', zeroInsert(X).get('0, 0'))
      .value(
        'output shape',
        [...byHand.shape],
        `output shape [${byHand.shape.join(', ')}]: (3 - 1) * 2 + 3 = 7 by (4 - 1) * 2 + 3 = 9`,
      )
      .check(
        'zero insertion + convolution equals convTranspose2d(X, K, { stride: 2 })',
        maxAbsDiff(byHand, library) < 1e-12,
        `max |diff| = ${maxAbsDiff(byHand, library)}`,
      )
      .check('and equals the input gradient of a stride-2 conv2d (autograd)', maxAbsDiff(gradient, library) < 1e-12);
    const ramp = arange(4, undefined, undefined, { dtype: 'float64' })
      .reshape([4, 1])
      .add(arange(5, undefined, undefined, { dtype: 'float64' }).mul(2).reshape([1, 5]))
      .reshape([1, 1, 4, 5]);
    const up = bilinearUpsample(ramp);
    const expected = arange(8, undefined, undefined, { dtype: 'float64' })
      .div(2)
      .reshape([8, 1])
      .add(arange(10, undefined, undefined, { dtype: 'float64' }).reshape([1, 10]))
      .reshape([1, 1, 8, 10]);
    r.item('upsampling', 'What it is for: learned upsampling')
      .text(
        'A stride of 1/2 doubles the resolution: decoders that turn features back into images (semantic segmentation, super-resolution, autoencoders, GAN generators) use it as a learnable upsampling layer. With the fixed kernel [1/2, 1, 1/2] (outer product) it is bilinear interpolation: the new pixels are the averages of their neighbours. On the ramp X[i, j] = i + 2j the output is the ramp i/2 + j at half-pixel spacing, except at the last row and column, where the missing neighbour counts as 0.',
      )
      .code('bilinear-upsampling')
      .tensor('ramp', ramp.reshape([4, 5]))
      .tensor('bilinearUpsample(ramp)', up.reshape([8, 10]))
      .check('inside, the upsampled ramp is exactly i/2 + j', up.get('..., :7, :9').equal(expected.get('..., :7, :9')));
    return r.result();
  },
};
