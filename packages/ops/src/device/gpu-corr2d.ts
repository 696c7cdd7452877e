// The d2l functions (corr2d and its family, pool2d) on the webgpu device, as the conv2d, pooling,
// im2col and matmul kernels they are special cases of: the operands are reshaped into
// [N, C, H, W] views, and the result back to the function's shape.
import { eye, type Tensor } from '@torchlet/tensor';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from '../conv2d/conv2d.js';
import { im2col } from '../im2col/im2col.js';
import { avgPool2d } from '../pool/avg-pool2d.js';
import { maxPool2d } from '../pool/max-pool2d.js';
import { anyOnGpu, checkGpuOperands } from './gpu.js';

/** True when the op should run on the device; then every operand is checked to be a float32 webgpu tensor. */
export function onGpu(fn: string, named: Readonly<Record<string, Tensor>>): boolean {
  if (!anyOnGpu(...Object.values(named))) return false;
  checkGpuOperands(fn, named);
  return true;
}

const image = (t: Tensor): Tensor => t.reshape([1, 1, t.shape[0], t.shape[1]]);

/** `corr2d(X, K)`: a one-channel conv2d. */
export function gpuCorr2d(X: Tensor, K: Tensor): Tensor {
  const y = conv2d(image(X), image(K));
  return y.reshape([y.shape[2], y.shape[3]]);
}

/** `corr2dMatmul(X, K)`: the patches (im2col) times the flattened kernel, as on the CPU. */
export function gpuCorr2dMatmul(X: Tensor, K: Tensor): Tensor {
  const [kh, kw] = K.shape;
  const patches = im2col(image(X), [kh, kw]); // [1, kh*kw, L]
  const y = K.reshape([1, 1, kh * kw]).matmul(patches);
  patches.dispose();
  return y.reshape([X.shape[0] - kh + 1, X.shape[1] - kw + 1]);
}

/**
 * `kernelToMatrix(K, [h, w])`: row `(i, j)` is K placed at `(i, j)` in a zero `h x w` image, which is
 * the input gradient of a one-channel correlation for a one-hot upstream at `(i, j)`: one batched
 * conv2dBackwardInput over the identity.
 */
export function gpuKernelToMatrix(K: Tensor, h: number, w: number): Tensor {
  const [kh, kw] = K.shape;
  const ho = h - kh + 1;
  const wo = w - kw + 1;
  const onehots = eye(ho * wo).to('webgpu');
  const rows = conv2dBackwardInput(onehots.reshape([ho * wo, 1, ho, wo]), [ho * wo, 1, h, w], image(K));
  onehots.dispose();
  return rows.reshape([ho * wo, h * w]);
}

/** `corr2dBackwardInput(upstream, K)`: conv2d's input gradient with one channel. */
export function gpuCorr2dBackwardInput(upstream: Tensor, K: Tensor, h: number, w: number): Tensor {
  return conv2dBackwardInput(image(upstream), [1, 1, h, w], image(K)).reshape([h, w]);
}

/** `corr2dBackwardKernel(upstream, X)`: conv2d's weight gradient with one channel. */
export function gpuCorr2dBackwardKernel(upstream: Tensor, X: Tensor, kh: number, kw: number): Tensor {
  return conv2dBackwardWeight(image(upstream), image(X), [1, 1, kh, kw]).reshape([kh, kw]);
}

/** `corr2dMultiIn(X [Cin,H,W], K [Cin,kh,kw])`: conv2d with one output channel. */
export function gpuCorr2dMultiIn(X: Tensor, K: Tensor): Tensor {
  const y = conv2d(X.unsqueeze(0), K.unsqueeze(0));
  return y.reshape([y.shape[2], y.shape[3]]);
}

/** `corr2dMultiInOut(X [Cin,H,W], K [Cout,Cin,kh,kw])`: conv2d of one image. */
export function gpuCorr2dMultiInOut(X: Tensor, K: Tensor): Tensor {
  return conv2d(X, K);
}

/** `corr2dMultiInOut1x1(X [Cin,H,W], K [Cout,Cin,1,1])`: `K [Cout,Cin] @ X [Cin,H*W]`. */
export function gpuCorr2dMultiInOut1x1(X: Tensor, K: Tensor): Tensor {
  const [cin, h, w] = X.shape;
  return K.reshape([K.shape[0], cin])
    .matmul(X.reshape([cin, h * w]))
    .reshape([K.shape[0], h, w]);
}

/** `pool2d(X, [kh, kw], mode)`: max or average pooling of one plane with stride 1. */
export function gpuPool2d(X: Tensor, kh: number, kw: number, mode: 'max' | 'avg'): Tensor {
  const y =
    mode === 'max' ? maxPool2d(image(X), [kh, kw], { stride: 1 }) : avgPool2d(image(X), [kh, kw], { stride: 1 });
  return y.reshape([y.shape[2], y.shape[3]]);
}
