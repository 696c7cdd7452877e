import { allocStorage, type FloatArray, fail, formatShape, Tensor } from '@torchlet/tensor';
import { gpuCorr2dBackwardInput, gpuCorr2dBackwardKernel, onGpu } from '../device/gpu-corr2d.js';
import { checkFloatTensor } from '../params.js';
import { corrFullFlippedInto, corrValidInto } from './kernel.js';

function checkUpstreamAnd(fn: string, upstream: Tensor, otherName: string, other: Tensor): void {
  checkFloatTensor(fn, 'upstream', upstream);
  checkFloatTensor(fn, otherName, other);
  if (upstream.ndim !== 2 || other.ndim !== 2) {
    fail(
      fn,
      upstream.ndim !== 2 ? 'upstream' : otherName,
      `expects 2-D upstream and ${otherName}, got upstream ${formatShape(upstream.shape)} and ${otherName} ${formatShape(other.shape)}`,
    );
  }
  if (upstream.dtype !== other.dtype) {
    fail(
      fn,
      otherName,
      `${otherName} is ${other.dtype} but upstream is ${upstream.dtype} (upstream ${formatShape(upstream.shape)}, ${otherName} ${formatShape(other.shape)})`,
    );
  }
}

/**
 * Gradient of {@link corr2d} with respect to its input `X`: the full correlation of the upstream
 * gradient with the flipped kernel (a true convolution),
 * `dX[p, q] = sum_{a,b} upstream[p-a, q-b] * K[a, b]`.
 *
 * Shapes: `upstream [Hout, Wout]`, `K [kh, kw]` -> `[Hout+kh-1, Wout+kw-1]`; `inputShape`, when
 * given, must equal that shape (a check that the caller pairs the right tensors).
 *
 * @param upstream - The gradient of the output, `[H - kH + 1, W - kW + 1]`.
 * @param K - The kernel `[kH, kW]`.
 * @param inputShape - The image's shape `[H, W]`. Default: the full correlation's size, `upstream`'s plus `K`'s
 *   minus 1.
 * @returns The gradient with respect to the image, `[H, W]`.
 * @see torch.nn.grad.conv2d_input
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { corr2dBackwardInput } from '@torchlet/ops';
 * corr2dBackwardInput(tensor([[1, 1]]), tensor([[1, -1]])).toArray(); // -> [[1, 0, -1]]
 * ```
 */
export function corr2dBackwardInput(upstream: Tensor, K: Tensor, inputShape?: readonly number[]): Tensor {
  const fn = 'corr2dBackwardInput';
  checkUpstreamAnd(fn, upstream, 'K', K);
  const [ho, wo] = upstream.shape;
  const [kh, kw] = K.shape;
  if (kh === 0 || kw === 0) fail(fn, 'K', `kernel K ${formatShape(K.shape)} is empty`);
  const h = ho + kh - 1;
  const w = wo + kw - 1;
  if (inputShape !== undefined && (inputShape.length !== 2 || inputShape[0] !== h || inputShape[1] !== w)) {
    fail(
      fn,
      'inputShape',
      `upstream ${formatShape(upstream.shape)} and K ${formatShape(K.shape)} come from an input of shape ${formatShape([h, w])}, not inputShape ${formatShape(inputShape)}`,
    );
  }
  if (onGpu(fn, { upstream, K })) return gpuCorr2dBackwardInput(upstream, K, h, w);
  const out = allocStorage(upstream.dtype, h * w) as FloatArray;
  if (ho > 0 && wo > 0) {
    corrFullFlippedInto(
      upstream.data as FloatArray,
      upstream.offset,
      upstream.strides[0],
      upstream.strides[1],
      ho,
      wo,
      K.data as FloatArray,
      K.offset,
      K.strides[0],
      K.strides[1],
      kh,
      kw,
      out,
    );
  }
  return new Tensor(out, [h, w]);
}

/**
 * Gradient of {@link corr2d} with respect to its kernel `K`: the valid correlation of the input
 * with the upstream gradient, `dK[a, b] = sum_{i,j} upstream[i, j] * X[i+a, j+b]`.
 *
 * Shapes: `upstream [Hout, Wout]`, `X [H, W]` -> `[H-Hout+1, W-Wout+1]`.
 *
 * @param upstream - The gradient of the output, `[H - kH + 1, W - kW + 1]`.
 * @param X - The image `[H, W]`.
 * @returns The gradient with respect to the kernel, `[kH, kW]`.
 * @see torch.nn.grad.conv2d_weight
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { corr2dBackwardKernel } from '@torchlet/ops';
 * corr2dBackwardKernel(tensor([[1, 1]]), tensor([[1, 2, 3]])).toArray(); // -> [[3, 5]]
 * ```
 */
export function corr2dBackwardKernel(upstream: Tensor, X: Tensor): Tensor {
  const fn = 'corr2dBackwardKernel';
  checkUpstreamAnd(fn, upstream, 'X', X);
  const [ho, wo] = upstream.shape;
  const [h, w] = X.shape;
  if (ho === 0 || wo === 0 || ho > h || wo > w) {
    fail(
      fn,
      'upstream',
      `upstream ${formatShape(upstream.shape)} cannot be the output of a valid correlation of X ${formatShape(X.shape)} (it must be non-empty and no larger than X)`,
    );
  }
  const kh = h - ho + 1;
  const kw = w - wo + 1;
  if (onGpu(fn, { upstream, X })) return gpuCorr2dBackwardKernel(upstream, X, kh, kw);
  const out = allocStorage(X.dtype, kh * kw) as FloatArray;
  const xs = X.strides;
  const gs = upstream.strides;
  corrValidInto(
    X.data as FloatArray,
    X.offset,
    0,
    xs[0],
    xs[1],
    upstream.data as FloatArray,
    upstream.offset,
    0,
    gs[0],
    gs[1],
    1,
    ho,
    wo,
    out,
    0,
    kh,
    kw,
  );
  return new Tensor(out, [kh, kw]);
}
