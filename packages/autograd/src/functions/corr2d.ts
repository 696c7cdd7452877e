import * as O from '@torchlet/ops';
import * as T from '@torchlet/tensor';
import { record } from '../graph.js';
import type { Variable, VariableOrTensor } from '../variable.js';
import { conv2dBackwardInput, conv2dBackwardWeight } from './conv.js';
import { input, rawTensor } from './util.js';
import { squeeze, unsqueeze } from './views.js';

// The d2l book's correlations. corr2d and its two backward kernels close under differentiation
// like conv2d's (see conv.ts); the multi-channel variants are conv2d problems, so their
// gradients are conv2d's backward kernels.

function corr2dRule(
  name: string,
  forward: (X: T.Tensor, K: T.Tensor) => T.Tensor,
  X: VariableOrTensor,
  K: VariableOrTensor,
): Variable {
  const rx = rawTensor(X);
  return record(
    name,
    forward(rx, rawTensor(K)),
    [input(X), input(K)],
    (g, needs) => [needs[0] ? corr2dBackwardInput(g, K, rx.shape) : null, needs[1] ? corr2dBackwardKernel(g, X) : null],
    { save: [X, K] },
  );
}

/**
 * Differentiable d2l `corr2d`: `Y[i, j] = sum_{a,b} X[i+a, j+b] * K[a, b]`. Gradients come from
 * the ops' `corr2dBackwardInput`/`corr2dBackwardKernel`, themselves differentiable.
 *
 * Shapes: `X [H, W]`, `K [kh, kw]` -> `[H-kh+1, W-kw+1]`.
 *
 * @param X - The image `[H, W]`.
 * @param K - The kernel `[kH, kW]`, at most the image's size.
 * @returns The cross-correlation `[H - kH + 1, W - kW + 1]`, differentiable in `X` and `K`.
 * @see d2l.corr2d
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { corr2d, variable } from '@torchlet/autograd';
 * const X = tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
 * const K = variable(tensor([[0, 1], [2, 3]]), { requiresGrad: true });
 * const Y = corr2d(X, K);
 * Y.toArray(); // -> [[19, 25], [37, 43]]
 * Y.sum().backward();
 * K.grad?.toArray(); // -> [[8, 12], [20, 24]]
 * ```
 */
export function corr2d(X: VariableOrTensor, K: VariableOrTensor): Variable {
  return corr2dRule('corr2d', O.corr2d, X, K);
}

/**
 * Differentiable `corr2dMatmul` (corr2d as one matrix product): same values and gradients as
 * {@link corr2d}.
 *
 * Shapes: `X [H, W]`, `K [kh, kw]` -> `[H-kh+1, W-kw+1]`.
 *
 * @param X - The image `[H, W]`.
 * @param K - The kernel `[kH, kW]`.
 * @returns The same values as {@link corr2d}, computed as one matrix product.
 * @see d2l.corr2d
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { corr2dMatmul, variable } from '@torchlet/autograd';
 * const K = variable(tensor([[1, -1]]), { requiresGrad: true });
 * corr2dMatmul(tensor([[1, 2, 4]]), K).sum().backward();
 * K.grad?.toArray(); // -> [[3, 6]]
 * ```
 */
export function corr2dMatmul(X: VariableOrTensor, K: VariableOrTensor): Variable {
  return corr2dRule('corr2dMatmul', O.corr2dMatmul, X, K);
}

/**
 * Differentiable `corr2dBackwardInput`: the full correlation of the upstream gradient with the
 * flipped kernel, linear in each.
 *
 * Shapes: `upstream [Hout, Wout]`, `K [kh, kw]` -> `[Hout+kh-1, Wout+kw-1]`.
 *
 * @param upstream - The gradient of the output, `[H - kH + 1, W - kW + 1]`.
 * @param K - The kernel `[kH, kW]`.
 * @param inputShape - The image's shape `[H, W]`. Default: the full correlation's size.
 * @returns The gradient with respect to the image, `[H, W]`.
 * @see torch.nn.grad.conv2d_input
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { corr2dBackwardInput, variable } from '@torchlet/autograd';
 * corr2dBackwardInput(variable(tensor([[1, 1]])), tensor([[1, -1]])).toArray(); // -> [[1, 0, -1]]
 * ```
 */
export function corr2dBackwardInput(
  upstream: VariableOrTensor,
  K: VariableOrTensor,
  inputShape?: readonly number[],
): Variable {
  return record(
    'corr2dBackwardInput',
    O.corr2dBackwardInput(rawTensor(upstream), rawTensor(K), inputShape),
    [input(upstream), input(K)],
    (G, needs) => [needs[0] ? corr2d(G, K) : null, needs[1] ? corr2dBackwardKernel(upstream, G) : null],
    { save: [upstream, K] },
  );
}

/**
 * Differentiable `corr2dBackwardKernel`: the valid correlation of the input with the upstream
 * gradient, linear in each.
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
 * import { corr2dBackwardKernel, variable } from '@torchlet/autograd';
 * corr2dBackwardKernel(variable(tensor([[1, 1]])), tensor([[1, 2, 3]])).toArray(); // -> [[3, 5]]
 * ```
 */
export function corr2dBackwardKernel(upstream: VariableOrTensor, X: VariableOrTensor): Variable {
  const rx = rawTensor(X);
  return record(
    'corr2dBackwardKernel',
    O.corr2dBackwardKernel(rawTensor(upstream), rx),
    [input(upstream), input(X)],
    (G, needs) => [needs[0] ? corr2d(X, G) : null, needs[1] ? corr2dBackwardInput(upstream, G, rx.shape) : null],
    { save: [upstream, X] },
  );
}

/**
 * Differentiable d2l `corr2d_multi_in`: correlate each input channel with its kernel slice and
 * sum (a one-output-channel conv2d; gradients from conv2d's backward kernels).
 *
 * Shapes: `X [Cin, H, W]`, `K [Cin, kh, kw]` -> `[H-kh+1, W-kw+1]`.
 *
 * @param X - The input `[C_in, H, W]`.
 * @param K - One kernel per input channel, `[C_in, kH, kW]`.
 * @returns The sum over channels of the per-channel correlations, `[H - kH + 1, W - kW + 1]`.
 * @see d2l.corr2d_multi_in
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { corr2dMultiIn, variable } from '@torchlet/autograd';
 * const K = variable(ones([2, 1, 1]), { requiresGrad: true });
 * corr2dMultiIn(ones([2, 2, 2]), K).sum().backward();
 * K.grad?.toArray(); // -> [[[4]], [[4]]]
 * ```
 */
export function corr2dMultiIn(X: VariableOrTensor, K: VariableOrTensor): Variable {
  const rx = rawTensor(X);
  const rk = rawTensor(K);
  return record(
    'corr2dMultiIn',
    O.corr2dMultiIn(rx, rk),
    [input(X), input(K)],
    (g, needs) => {
      const g3 = unsqueeze(g, 0);
      return [
        needs[0] ? conv2dBackwardInput(g3, rx.shape, unsqueeze(K, 0)) : null,
        needs[1] ? squeeze(conv2dBackwardWeight(g3, X, [1, ...rk.shape]), 0) : null,
      ];
    },
    { save: [X, K] },
  );
}

function multiInOut(
  name: string,
  forward: (X: T.Tensor, K: T.Tensor) => T.Tensor,
  X: VariableOrTensor,
  K: VariableOrTensor,
): Variable {
  const rx = rawTensor(X);
  const rk = rawTensor(K);
  return record(
    name,
    forward(rx, rk),
    [input(X), input(K)],
    (g, needs) => [
      needs[0] ? conv2dBackwardInput(g, rx.shape, K) : null,
      needs[1] ? conv2dBackwardWeight(g, X, rk.shape) : null,
    ],
    { save: [X, K] },
  );
}

/**
 * Differentiable d2l `corr2d_multi_in_out` (an unbatched conv2d; gradients from conv2d's
 * backward kernels).
 *
 * Shapes: `X [Cin, H, W]`, `K [Cout, Cin, kh, kw]` -> `[Cout, H-kh+1, W-kw+1]`.
 *
 * @param X - The input `[C_in, H, W]`.
 * @param K - The kernels `[C_out, C_in, kH, kW]`.
 * @returns One output channel per kernel, `[C_out, H - kH + 1, W - kW + 1]`.
 * @see d2l.corr2d_multi_in_out
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { corr2dMultiInOut, variable } from '@torchlet/autograd';
 * const X = variable(ones([1, 2, 2]), { requiresGrad: true });
 * corr2dMultiInOut(X, ones([3, 1, 1, 1])).sum().backward();
 * X.grad?.toArray(); // -> [[[3, 3], [3, 3]]]
 * ```
 */
export function corr2dMultiInOut(X: VariableOrTensor, K: VariableOrTensor): Variable {
  return multiInOut('corr2dMultiInOut', O.corr2dMultiInOut, X, K);
}

/**
 * Differentiable d2l `corr2d_multi_in_out_1x1` (1x1 kernels as one matrix product).
 *
 * Shapes: `X [Cin, H, W]`, `K [Cout, Cin, 1, 1]` -> `[Cout, H, W]`.
 *
 * @param X - The input `[C_in, H, W]`.
 * @param K - The 1x1 kernels `[C_out, C_in, 1, 1]`.
 * @returns `[C_out, H, W]`: a matrix product over channels at every pixel.
 * @see d2l.corr2d_multi_in_out_1x1
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { corr2dMultiInOut1x1, variable } from '@torchlet/autograd';
 * const K = variable(tensor([[[[1]], [[10]]]]), { requiresGrad: true });
 * corr2dMultiInOut1x1(tensor([[[1, 2]], [[3, 4]]]), K).sum().backward();
 * K.grad?.toArray(); // -> [[[[3]], [[7]]]]
 * ```
 */
export function corr2dMultiInOut1x1(X: VariableOrTensor, K: VariableOrTensor): Variable {
  return multiInOut('corr2dMultiInOut1x1', O.corr2dMultiInOut1x1, X, K);
}

/**
 * Differentiable `kernelToMatrix`: the doubly block-Toeplitz matrix of a kernel. Gradient: each
 * kernel element collects the gradient of every matrix entry it was copied to.
 *
 * Shapes: `K [kh, kw]`, `inputShape [H, W]` -> `[Hout*Wout, H*W]`.
 *
 * @param K - The kernel `[kH, kW]`.
 * @param inputShape - The image's shape `[H, W]`.
 * @returns The matrix `[outH * outW, H * W]` whose product with the flattened image is the flattened
 *   correlation.
 * @see d2l kernel2matrix (exercise)
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { kernelToMatrix, variable } from '@torchlet/autograd';
 * const K = variable(tensor([[1, 2]]), { requiresGrad: true });
 * kernelToMatrix(K, [1, 3]).toArray(); // -> [[1, 2, 0], [0, 1, 2]]
 * kernelToMatrix(K, [1, 3]).sum().backward();
 * K.grad?.toArray(); // -> [[2, 2]]
 * ```
 */
export function kernelToMatrix(K: VariableOrTensor, inputShape: readonly number[]): Variable {
  const rk = rawTensor(K);
  return record('kernelToMatrix', O.kernelToMatrix(rk, inputShape), [input(K)], (G) => [
    kernelFromMatrix(G, rk.shape, inputShape),
  ]);
}

/**
 * The adjoint of kernelToMatrix: `dK[a, b] = sum_{i,j} G[i*Wout + j, (i+a)*W + j+b]`, read as a
 * strided view of G (those entries are evenly spaced in memory) and summed.
 */
function kernelFromMatrix(G: Variable, kShape: readonly number[], inputShape: readonly number[]): Variable {
  const [kh, kw] = kShape;
  const [h, w] = inputShape;
  const ho = h - kh + 1;
  const wo = w - kw + 1;
  const g = G.data.contiguous();
  // a strided view of the storage on either device (the webgpu reduction reads views through their strides)
  const diagonal = new T.Tensor(g.storage, [kh, kw, ho, wo], [w, 1, wo * h * w + w, h * w + 1], g.offset, g.dtype);
  return record('kernelFromMatrix', T.sum(diagonal, [2, 3]), [G], (dK) => [kernelToMatrix(dK, inputShape)]);
}
