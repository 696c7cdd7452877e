import {
  allocStorage,
  type FloatArray,
  fail,
  formatShape,
  formatValue,
  gemm,
  isTensor,
  Tensor,
} from '@torchlet/tensor';
import {
  gpuCorr2d,
  gpuCorr2dMatmul,
  gpuCorr2dMultiIn,
  gpuCorr2dMultiInOut,
  gpuCorr2dMultiInOut1x1,
  gpuKernelToMatrix,
  onGpu,
} from '../device/gpu-corr2d.js';
import { im2colRaw, type WindowGeometry } from '../im2col/raw.js';
import { checkFloatTensor } from '../params.js';
import { corrValidInto } from './kernel.js';

// The d2l section's from-scratch ops on single images: no batch, no padding, stride 1.
// Batched, padded, strided, grouped convolution is `conv2d`; these stay small and exact.

/**
 * Validates the two operands of the corr2d family: tensors of ranks `xRank` and `kRank` (else an
 * error naming both shapes, `layout` and `hint`), float dtypes, the same dtype.
 */
function checkOperands(
  fn: string,
  xName: string,
  x: unknown,
  kName: string,
  k: unknown,
  xRank: number,
  kRank: number,
  layout: string,
  hint: string,
): void {
  if (!isTensor(x)) checkFloatTensor(fn, xName, x);
  if (!isTensor(k)) checkFloatTensor(fn, kName, k);
  const xt = x as Tensor;
  const kt = k as Tensor;
  if (xt.ndim !== xRank || kt.ndim !== kRank) {
    fail(
      fn,
      xt.ndim !== xRank ? xName : kName,
      `expects ${layout}, got ${xName} ${formatShape(xt.shape)} and ${kName} ${formatShape(kt.shape)}${hint}`,
    );
  }
  checkFloatTensor(fn, xName, xt);
  checkFloatTensor(fn, kName, kt);
  if (xt.dtype !== kt.dtype) {
    fail(
      fn,
      kName,
      `${kName} is ${kt.dtype} but ${xName} is ${xt.dtype} (${xName} ${formatShape(xt.shape)}, ${kName} ${formatShape(kt.shape)})`,
    );
  }
}

/** Checks the last two dims of the kernel are non-empty and fit inside the input's last two. */
function checkKernelFits(fn: string, xName: string, x: Tensor, kName: string, k: Tensor): void {
  const kh = k.shape[k.ndim - 2];
  const kw = k.shape[k.ndim - 1];
  if (kh === 0 || kw === 0) fail(fn, kName, `kernel ${kName} ${formatShape(k.shape)} is empty`);
  if (kh > x.shape[x.ndim - 2] || kw > x.shape[x.ndim - 1]) {
    fail(fn, kName, `kernel ${kName} ${formatShape(k.shape)} is larger than input ${xName} ${formatShape(x.shape)}`);
  }
}

/**
 * 2-D cross-correlation of an image with a kernel, exactly the d2l book's `corr2d`: no padding,
 * stride 1, `Y[i, j] = sum_{a,b} X[i+a, j+b] * K[a, b]`. Reads non-contiguous views in place.
 *
 * Shapes: `X [H, W]`, `K [kh, kw]` -> `[H-kh+1, W-kw+1]`. Anything other than two 2-D tensors is
 * an error (batched multi-channel input is `conv2d`'s job).
 *
 * @param X - The image `[H, W]`, float32 or float64.
 * @param K - The kernel `[kH, kW]`, of the image's dtype and at most its size.
 * @returns A new tensor `[H - kH + 1, W - kW + 1]`: `Y[i, j] = sum(X[i:i+kH, j:j+kW] * K)`.
 * @see d2l.corr2d (torch.nn.functional.conv2d for batched input)
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { corr2d } from '@torchlet/ops';
 * const X = tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
 * const K = tensor([[0, 1], [2, 3]]);
 * corr2d(X, K).toArray(); // -> [[19, 25], [37, 43]]
 * ```
 */
export function corr2d(X: Tensor, K: Tensor): Tensor {
  checkOperands('corr2d', 'X', X, 'K', K, 2, 2, '2-D X and K', '; for batched multi-channel input use conv2d');
  checkKernelFits('corr2d', 'X', X, 'K', K);
  if (onGpu('corr2d', { X, K })) return gpuCorr2d(X, K);
  const kh = K.shape[0];
  const kw = K.shape[1];
  const ho = X.shape[0] - kh + 1;
  const wo = X.shape[1] - kw + 1;
  const out = allocStorage(X.dtype, ho * wo) as FloatArray;
  const xs = X.strides;
  const ks = K.strides;
  corrValidInto(
    X.data as FloatArray,
    X.offset,
    0,
    xs[0],
    xs[1],
    K.data as FloatArray,
    K.offset,
    0,
    ks[0],
    ks[1],
    1,
    kh,
    kw,
    out,
    0,
    ho,
    wo,
  );
  return new Tensor(out, [ho, wo]);
}

/** `t`'s elements as a dense row-major array plus the offset where they start (no copy if contiguous). */
function dense(t: Tensor): [FloatArray, number] {
  return t.isContiguous() ? [t.data as FloatArray, t.offset] : [t.toTypedArray() as FloatArray, 0];
}

/** The im2col geometry of the book's correlation: one channel, stride 1, no padding or dilation. */
function patchGeometry(h: number, w: number, kh: number, kw: number): WindowGeometry {
  return {
    channels: 1,
    inH: h,
    inW: w,
    kh,
    kw,
    strideH: 1,
    strideW: 1,
    padTop: 0,
    padLeft: 0,
    dilationH: 1,
    dilationW: 1,
    outH: h - kh + 1,
    outW: w - kw + 1,
  };
}

/**
 * {@link corr2d} computed as ONE matrix product: the image is unrolled into its
 * `[kh*kw, Hout*Wout]` patch matrix (im2col) and `vec(K) @ patches` runs through `gemm`.
 * Same result as `corr2d` up to rounding.
 *
 * Shapes: `X [H, W]`, `K [kh, kw]` -> `[H-kh+1, W-kw+1]`.
 *
 * @param X - The image `[H, W]`.
 * @param K - The kernel `[kH, kW]`.
 * @returns The same values as {@link corr2d}, computed as one matrix product over the image's patches.
 * @see d2l.corr2d, torch.nn.functional.unfold
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { corr2dMatmul } from '@torchlet/ops';
 * const X = tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
 * corr2dMatmul(X, tensor([[0, 1], [2, 3]])).toArray(); // -> [[19, 25], [37, 43]]
 * ```
 */
export function corr2dMatmul(X: Tensor, K: Tensor): Tensor {
  checkOperands('corr2dMatmul', 'X', X, 'K', K, 2, 2, '2-D X and K', '; for batched multi-channel input use conv2d');
  checkKernelFits('corr2dMatmul', 'X', X, 'K', K);
  if (onGpu('corr2dMatmul', { X, K })) return gpuCorr2dMatmul(X, K);
  const kh = K.shape[0];
  const kw = K.shape[1];
  const ho = X.shape[0] - kh + 1;
  const wo = X.shape[1] - kw + 1;
  const n = ho * wo;
  const taps = kh * kw;
  const patches = allocStorage(X.dtype, taps * n) as FloatArray;
  const [x, xOff] = dense(X);
  im2colRaw(x, xOff, patchGeometry(X.shape[0], X.shape[1], kh, kw), patches, 0);
  const [k, kOff] = dense(K);
  const out = allocStorage(X.dtype, n) as FloatArray;
  gemm(false, false, 1, n, taps, 1, k, kOff, taps, patches, 0, n, 0, out, 0, n);
  return new Tensor(out, [ho, wo]);
}

/**
 * The doubly block-Toeplitz matrix `W` of a kernel, so that correlation is a matrix-vector
 * product: `vec(corr2d(X, K)) = W @ vec(X)` for every `X` of `inputShape` (row-major `vec`).
 * Row `i*Wout + j` holds `K[a, b]` at column `(i+a)*W + (j+b)`.
 *
 * Shapes: `K [kh, kw]`, `inputShape [H, W]` -> `[Hout*Wout, H*W]` with `Hout = H-kh+1`, `Wout = W-kw+1`.
 *
 * @param K - The kernel `[kH, kW]`.
 * @param inputShape - The image's shape `[H, W]`.
 * @returns The matrix `[outH * outW, H * W]` whose product with the flattened image is the flattened
 *   correlation.
 * @see d2l kernel2matrix (exercise of "Convolutions for Images")
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { kernelToMatrix } from '@torchlet/ops';
 * kernelToMatrix(tensor([[1, 2], [3, 4]]), [3, 3]).toArray();
 * // -> [[1, 2, 0, 3, 4, 0, 0, 0, 0], [0, 1, 2, 0, 3, 4, 0, 0, 0], [0, 0, 0, 1, 2, 0, 3, 4, 0], [0, 0, 0, 0, 1, 2, 0, 3, 4]]
 * ```
 */
export function kernelToMatrix(K: Tensor, inputShape: readonly number[]): Tensor {
  const fn = 'kernelToMatrix';
  checkFloatTensor(fn, 'K', K);
  if (
    !Array.isArray(inputShape) ||
    inputShape.length !== 2 ||
    !inputShape.every((s) => Number.isInteger(s) && s >= 0)
  ) {
    fail(
      fn,
      'inputShape',
      `expects inputShape [H, W] of two non-negative integers, got ${formatValue(inputShape)} (K ${formatShape(K.shape)})`,
    );
  }
  if (K.ndim !== 2)
    fail(fn, 'K', `expects a 2-D kernel K, got K ${formatShape(K.shape)} (inputShape ${formatShape(inputShape)})`);
  const [kh, kw] = K.shape;
  const [h, w] = inputShape;
  if (kh === 0 || kw === 0) fail(fn, 'K', `kernel K ${formatShape(K.shape)} is empty`);
  if (kh > h || kw > w)
    fail(fn, 'K', `kernel K ${formatShape(K.shape)} is larger than inputShape ${formatShape(inputShape)}`);
  if (onGpu(fn, { K })) return gpuKernelToMatrix(K, h, w);
  const ho = h - kh + 1;
  const wo = w - kw + 1;
  const cols = h * w;
  const out = allocStorage(K.dtype, ho * wo * cols) as FloatArray;
  const k = K.data as FloatArray;
  const [ks0, ks1] = K.strides;
  for (let i = 0; i < ho; i++) {
    for (let j = 0; j < wo; j++) {
      const row = (i * wo + j) * cols;
      for (let a = 0; a < kh; a++) {
        for (let b = 0; b < kw; b++) out[row + (i + a) * w + j + b] = k[K.offset + a * ks0 + b * ks1];
      }
    }
  }
  return new Tensor(out, [ho * wo, cols]);
}

function checkChannels(fn: string, X: Tensor, K: Tensor, kDim: number): void {
  if (K.shape[kDim] !== X.shape[0]) {
    fail(
      fn,
      'K',
      `K has ${K.shape[kDim]} input channels but X has ${X.shape[0]} (X ${formatShape(X.shape)}, K ${formatShape(K.shape)})`,
    );
  }
}

/**
 * Multi-input-channel cross-correlation (d2l's `corr2d_multi_in`): correlate each channel with
 * its kernel slice and sum over channels.
 *
 * Shapes: `X [Cin, H, W]`, `K [Cin, kh, kw]` -> `[H-kh+1, W-kw+1]`.
 *
 * @param X - The input `[C_in, H, W]`.
 * @param K - One kernel per input channel, `[C_in, kH, kW]`.
 * @returns A new tensor `[H - kH + 1, W - kW + 1]`: the per-channel correlations summed.
 * @see d2l.corr2d_multi_in
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { corr2dMultiIn } from '@torchlet/ops';
 * const X = tensor([[[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]]);
 * const K = tensor([[[0, 1], [2, 3]], [[1, 2], [3, 4]]]);
 * corr2dMultiIn(X, K).toArray(); // -> [[56, 72], [104, 120]]
 * ```
 */
export function corr2dMultiIn(X: Tensor, K: Tensor): Tensor {
  const fn = 'corr2dMultiIn';
  checkOperands(fn, 'X', X, 'K', K, 3, 3, '3-D X [Cin,H,W] and K [Cin,kh,kw]', '; for batched input use conv2d');
  checkChannels(fn, X, K, 0);
  checkKernelFits(fn, 'X', X, 'K', K);
  if (onGpu(fn, { X, K })) return gpuCorr2dMultiIn(X, K);
  const [cin, h, w] = X.shape;
  const kh = K.shape[1];
  const kw = K.shape[2];
  const ho = h - kh + 1;
  const wo = w - kw + 1;
  const out = allocStorage(X.dtype, ho * wo) as FloatArray;
  const xs = X.strides;
  const ks = K.strides;
  corrValidInto(
    X.data as FloatArray,
    X.offset,
    xs[0],
    xs[1],
    xs[2],
    K.data as FloatArray,
    K.offset,
    ks[0],
    ks[1],
    ks[2],
    cin,
    kh,
    kw,
    out,
    0,
    ho,
    wo,
  );
  return new Tensor(out, [ho, wo]);
}

/**
 * Multi-input, multi-output-channel cross-correlation (d2l's `corr2d_multi_in_out`): one
 * {@link corr2dMultiIn} per output channel, stacked.
 *
 * Shapes: `X [Cin, H, W]`, `K [Cout, Cin, kh, kw]` -> `[Cout, H-kh+1, W-kw+1]`.
 *
 * @param X - The input `[C_in, H, W]`.
 * @param K - The kernels `[C_out, C_in, kH, kW]`.
 * @returns A new tensor `[C_out, H - kH + 1, W - kW + 1]`, one channel per kernel.
 * @see d2l.corr2d_multi_in_out
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { corr2dMultiInOut } from '@torchlet/ops';
 * const X = tensor([[[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]]);
 * const K = tensor([[[[0, 1], [2, 3]], [[1, 2], [3, 4]]], [[[1, 2], [3, 4]], [[2, 3], [4, 5]]]]);
 * corr2dMultiInOut(X, K).toArray(); // -> [[[56, 72], [104, 120]], [[76, 100], [148, 172]]]
 * ```
 */
export function corr2dMultiInOut(X: Tensor, K: Tensor): Tensor {
  const fn = 'corr2dMultiInOut';
  checkOperands(
    fn,
    'X',
    X,
    'K',
    K,
    3,
    4,
    '3-D X [Cin,H,W] and 4-D K [Cout,Cin,kh,kw]',
    '; for batched input use conv2d',
  );
  checkChannels(fn, X, K, 1);
  checkKernelFits(fn, 'X', X, 'K', K);
  if (onGpu(fn, { X, K })) return gpuCorr2dMultiInOut(X, K);
  const [cin, h, w] = X.shape;
  const [cout, , kh, kw] = K.shape;
  const ho = h - kh + 1;
  const wo = w - kw + 1;
  const plane = ho * wo;
  const out = allocStorage(X.dtype, cout * plane) as FloatArray;
  const xs = X.strides;
  const ks = K.strides;
  const x = X.data as FloatArray;
  const k = K.data as FloatArray;
  for (let co = 0; co < cout; co++) {
    corrValidInto(
      x,
      X.offset,
      xs[0],
      xs[1],
      xs[2],
      k,
      K.offset + co * ks[0],
      ks[1],
      ks[2],
      ks[3],
      cin,
      kh,
      kw,
      out,
      co * plane,
      ho,
      wo,
    );
  }
  return new Tensor(out, [cout, ho, wo]);
}

/**
 * 1x1 multi-channel correlation as ONE matrix product (d2l's `corr2d_multi_in_out_1x1`):
 * `K.reshape(Cout, Cin) @ X.reshape(Cin, H*W)`, reshaped to `[Cout, H, W]`.
 *
 * Shapes: `X [Cin, H, W]`, `K [Cout, Cin, 1, 1]` -> `[Cout, H, W]`.
 *
 * @param X - The input `[C_in, H, W]`.
 * @param K - The 1x1 kernels `[C_out, C_in, 1, 1]`.
 * @returns A new tensor `[C_out, H, W]`: a matrix product over channels at every pixel.
 * @see d2l.corr2d_multi_in_out_1x1
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { corr2dMultiInOut1x1 } from '@torchlet/ops';
 * const X = tensor([[[1, 2]], [[3, 4]]]); // [2, 1, 2]
 * const K = tensor([[[[1]], [[10]]]]); // [1, 2, 1, 1]
 * corr2dMultiInOut1x1(X, K).toArray(); // -> [[[31, 42]]]
 * ```
 */
export function corr2dMultiInOut1x1(X: Tensor, K: Tensor): Tensor {
  const fn = 'corr2dMultiInOut1x1';
  checkOperands(fn, 'X', X, 'K', K, 3, 4, '3-D X [Cin,H,W] and 4-D K [Cout,Cin,1,1]', '; for batched input use conv2d');
  checkChannels(fn, X, K, 1);
  if (K.shape[2] !== 1 || K.shape[3] !== 1) {
    fail(
      fn,
      'K',
      `expects 1x1 kernels, got K ${formatShape(K.shape)} (X ${formatShape(X.shape)}); use corr2dMultiInOut for larger kernels`,
    );
  }
  if (onGpu(fn, { X, K })) return gpuCorr2dMultiInOut1x1(X, K);
  const [cin, h, w] = X.shape;
  const cout = K.shape[0];
  const n = h * w;
  const [x, xOff] = dense(X);
  const [k, kOff] = dense(K);
  const out = allocStorage(X.dtype, cout * n) as FloatArray;
  gemm(false, false, cout, n, cin, 1, k, kOff, cin, x, xOff, n, 0, out, 0, n);
  return new Tensor(out, [cout, h, w]);
}
