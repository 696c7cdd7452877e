import type { AdaptiveSize, AvgPool2dOptions, IntPair, MaxPool2dOptions } from '@torchlet/ops';
import * as O from '@torchlet/ops';
import * as T from '@torchlet/tensor';
import { isGradEnabled } from '../grad-mode.js';
import { record } from '../graph.js';
import { isTracing } from '../trace.js';
import { isVariable, Variable, type VariableOrTensor } from '../variable.js';
import { matmul } from './linalg.js';
import { input, rawTensor } from './util.js';
import { reshape, squeeze, unsqueeze } from './views.js';

// Pooling. Average pools are linear maps whose backward kernels are their adjoints, so
// avgPool2d <-> avgPool2dBackward (and the adaptive pair) differentiate into each other. Max
// pooling routes gradients through the argmax indices: maxPool2dBackward scatters, and its own
// gradient gathers at the same indices.

/**
 * What {@link maxPool2d} returns with `returnIndices: true`.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { maxPool2d, variable } from '@torchlet/autograd';
 * const r = maxPool2d(variable(tensor([[[1, 3], [2, 0]]])), 2, { returnIndices: true });
 * r.values.toArray(); // -> [[[3]]]
 * r.indices.toArray(); // -> [[[1]]]
 * r.indices.dtype; // -> 'int64'
 * ```
 */
export interface MaxPool2dVariableResult {
  /** The pooled maxima (differentiable). */
  readonly values: Variable;
  /**
   * int64 flat index `h*W + w` of each maximum within its input plane (a constant), as PyTorch's
   * (int32 on the webgpu device, which has no 64-bit integers).
   */
  readonly indices: T.Tensor;
}

/**
 * Differentiable 2-D max pooling with every option of `@torchlet/ops`' `maxPool2d` (stride,
 * padding, dilation, ceilMode, returnIndices). Gradient: to each window's maximum (the first on
 * ties), accumulated over overlapping windows.
 *
 * Shapes: `[N,C,H,W]` or `[C,H,W]` -> `[N,C,Hout,Wout]` or `[C,Hout,Wout]`.
 *
 * @param x - Input `[N, C, H, W]` or `[C, H, W]`.
 * @param kernelSize - The window size, `k` or `[kH, kW]`.
 * @param options - `stride` (default: `kernelSize`), `padding` (default `0`), `dilation` (default `1`),
 *   `ceilMode` (default `false`) and `returnIndices`; see {@link MaxPool2dOptions}.
 * @returns The window maxima `[N, C, H_out, W_out]`; with `returnIndices: true`, `{ values, indices }` where
 *   `indices` (int64, as PyTorch; int32 on the webgpu device) are flat positions in each input plane.
 * @see torch.nn.functional.max_pool2d
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { maxPool2d, variable } from '@torchlet/autograd';
 * const x = variable(tensor([[[1, 3], [2, 0]]]), { requiresGrad: true });
 * maxPool2d(x, 2).sum().backward();
 * x.grad?.toArray(); // -> [[[0, 1], [0, 0]]]
 * ```
 */
export function maxPool2d(
  x: VariableOrTensor,
  kernelSize: IntPair,
  options: MaxPool2dOptions & { readonly returnIndices: true },
): MaxPool2dVariableResult;
export function maxPool2d(
  x: VariableOrTensor,
  kernelSize: IntPair,
  options?: MaxPool2dOptions & { readonly returnIndices?: false },
): Variable;
export function maxPool2d(
  x: VariableOrTensor,
  kernelSize: IntPair,
  options: MaxPool2dOptions = {},
): Variable | MaxPool2dVariableResult {
  const rx = rawTensor(x);
  // The argmax indices are only needed for backward or when asked for.
  if (!options.returnIndices && !isTracing() && !(isGradEnabled() && isVariable(x) && x.requiresGrad))
    return new Variable(O.maxPool2d(rx, kernelSize, { ...options, returnIndices: false }));
  // The backward takes int32 indices: unless the caller asked for them (int64, as PyTorch's),
  // they stay int32 (half the memory, no widening pass).
  const { values, indices } = O.maxPool2d(rx, kernelSize, {
    ...options,
    returnIndices: true,
    indicesDtype: options.returnIndices ? options.indicesDtype : 'int32',
  });
  const shape = rx.shape;
  const out = record('maxPool2d', values, [input(x)], (g) => [maxPool2dBackward(g, indices, shape)], {
    attrs: { ...options, kernelSize },
  });
  return options.returnIndices ? { values: out, indices } : out;
}

/**
 * Differentiable `maxPool2dBackward`: scatters the upstream gradient to the argmax `indices`.
 * It is linear in the upstream gradient; its gradient gathers at the same indices (as a
 * product with the constant one-hot matrix of the indices, so it stays differentiable).
 *
 * Shapes: `upstream` and `indices` `[N,C,Hout,Wout]` (or unbatched), `inputShape` -> `inputShape`.
 *
 * @param upstream - The gradient of the pooled output, `[N, C, H_out, W_out]`.
 * @param indices - The int64 indices the forward pass returned (int32 ones are accepted too), the shape of
 *   `upstream`.
 * @param inputShape - The shape of the pooled input.
 * @returns The gradient with respect to the input: each window's gradient sent to its maximum.
 * @see torch.ops.aten.max_pool2d_with_indices_backward
 * @example
 * ```ts
 * import { ones, tensor } from '@torchlet/tensor';
 * import { maxPool2dBackward, variable } from '@torchlet/autograd';
 * const idx = tensor([[[1n]]]); // int64, as maxPool2d(..., { returnIndices: true }) returns
 * maxPool2dBackward(variable(ones([1, 1, 1])), idx, [1, 2, 2]).toArray(); // -> [[[0, 1], [0, 0]]]
 * ```
 */
export function maxPool2dBackward(
  upstream: VariableOrTensor,
  indices: T.Tensor,
  inputShape: readonly number[],
): Variable {
  const ru = rawTensor(upstream);
  return record('maxPool2dBackward', O.maxPool2dBackward(ru, indices, inputShape), [input(upstream)], (G) => [
    gatherAt(G, indices, ru.shape),
  ]);
}

/** `G`'s planes read at `indices` (flat positions within each plane), as `[P, L, HW] @ [P, HW, 1]`. */
function gatherAt(G: Variable, indices: T.Tensor, outShape: readonly number[]): Variable {
  const rank = G.ndim;
  const hw = G.shape[rank - 2] * G.shape[rank - 1];
  const l = outShape[rank - 2] * outShape[rank - 1];
  const planes = hw === 0 ? 0 : G.numel / hw;
  // In the indices' dtype and on their device (int64 on the CPU; int32 on webgpu, or from an older caller).
  const positions = T.arange(hw, undefined, 1, { dtype: indices.dtype, device: indices.device }).reshape([1, 1, hw]);
  const oneHot = T.eq(indices.reshape([planes, l, 1]), positions).to(G.dtype);
  return reshape(matmul(oneHot, reshape(G, [planes, hw, 1])), outShape);
}

/**
 * Differentiable 2-D average pooling with every option of `@torchlet/ops`' `avgPool2d`
 * (stride, padding, ceilMode, countIncludePad, divisorOverride).
 *
 * Shapes: `[N,C,H,W]` or `[C,H,W]` -> `[N,C,Hout,Wout]` or `[C,Hout,Wout]`.
 *
 * @param x - Input `[N, C, H, W]` or `[C, H, W]`.
 * @param kernelSize - The window size, `k` or `[kH, kW]`.
 * @param options - `stride` (default: `kernelSize`), `padding` (default `0`), `ceilMode` (default `false`),
 *   `countIncludePad` (default `true`) and `divisorOverride`; see {@link AvgPool2dOptions}.
 * @returns The window means `[N, C, H_out, W_out]` (or `[C, H_out, W_out]`).
 * @see torch.nn.functional.avg_pool2d
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { avgPool2d, variable } from '@torchlet/autograd';
 * const x = variable(tensor([[[1, 3], [2, 0]]]), { requiresGrad: true });
 * avgPool2d(x, 2).sum().backward();
 * x.grad?.toArray(); // -> [[[0.25, 0.25], [0.25, 0.25]]]
 * ```
 */
export function avgPool2d(x: VariableOrTensor, kernelSize: IntPair, options: AvgPool2dOptions = {}): Variable {
  const rx = rawTensor(x);
  const shape = rx.shape;
  return record(
    'avgPool2d',
    O.avgPool2d(rx, kernelSize, options),
    [input(x)],
    (g) => [avgPool2dBackward(g, shape, kernelSize, options)],
    { attrs: { ...options, kernelSize } },
  );
}

/**
 * Differentiable `avgPool2dBackward` (the adjoint of avgPool2d; its gradient is avgPool2d).
 *
 * Shapes: `upstream [N,C,Hout,Wout]` (or unbatched), `inputShape` -> `inputShape`.
 *
 * @param upstream - The gradient of the pooled output.
 * @param inputShape - The shape of the pooled input.
 * @param kernelSize - The window size of the forward pass.
 * @param options - The options of the forward pass; see {@link AvgPool2dOptions}.
 * @returns The gradient with respect to the input, of shape `inputShape`.
 * @see torch.ops.aten.avg_pool2d_backward
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { avgPool2dBackward, variable } from '@torchlet/autograd';
 * avgPool2dBackward(variable(ones([1, 1, 1])), [1, 2, 2], 2).toArray(); // -> [[[0.25, 0.25], [0.25, 0.25]]]
 * ```
 */
export function avgPool2dBackward(
  upstream: VariableOrTensor,
  inputShape: readonly number[],
  kernelSize: IntPair,
  options: AvgPool2dOptions = {},
): Variable {
  return record(
    'avgPool2dBackward',
    O.avgPool2dBackward(rawTensor(upstream), inputShape, kernelSize, options),
    [input(upstream)],
    (G) => [avgPool2d(G, kernelSize, options)],
  );
}

/**
 * Differentiable adaptive average pooling to `outputSize`.
 *
 * Shapes: `[N,C,H,W]` or `[C,H,W]` -> `[N,C,Hout,Wout]` or `[C,Hout,Wout]`.
 *
 * @param x - Input `[N, C, H, W]` or `[C, H, W]`.
 * @param outputSize - The output size `s` or `[outH, outW]` (`null` keeps that input size).
 * @returns The adaptive window means `[N, C, outH, outW]`.
 * @see torch.nn.functional.adaptive_avg_pool2d
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { adaptiveAvgPool2d, variable } from '@torchlet/autograd';
 * const x = variable(tensor([[[1, 3], [2, 0]]]), { requiresGrad: true });
 * adaptiveAvgPool2d(x, 1).toArray(); // -> [[[1.5]]]
 * ```
 */
export function adaptiveAvgPool2d(x: VariableOrTensor, outputSize: AdaptiveSize): Variable {
  const rx = rawTensor(x);
  const shape = rx.shape;
  return record(
    'adaptiveAvgPool2d',
    O.adaptiveAvgPool2d(rx, outputSize),
    [input(x)],
    (g) => [adaptiveAvgPool2dBackward(g, shape)],
    { attrs: { outputSize } },
  );
}

/**
 * Differentiable `adaptiveAvgPool2dBackward` (the adjoint of adaptiveAvgPool2d; its gradient is
 * adaptiveAvgPool2d to the upstream's size).
 *
 * Shapes: `upstream [N,C,Hout,Wout]` (or unbatched), `inputShape` -> `inputShape`.
 *
 * @param upstream - The gradient of the pooled output, `[N, C, outH, outW]`.
 * @param inputShape - The shape of the pooled input.
 * @returns The gradient with respect to the input, of shape `inputShape`.
 * @see torch.ops.aten._adaptive_avg_pool2d_backward
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { adaptiveAvgPool2dBackward, variable } from '@torchlet/autograd';
 * adaptiveAvgPool2dBackward(variable(ones([1, 1, 1])), [1, 2, 2]).toArray(); // -> [[[0.25, 0.25], [0.25, 0.25]]]
 * ```
 */
export function adaptiveAvgPool2dBackward(upstream: VariableOrTensor, inputShape: readonly number[]): Variable {
  const ru = rawTensor(upstream);
  const size: [number, number] = [ru.shape[ru.ndim - 2], ru.shape[ru.ndim - 1]];
  return record('adaptiveAvgPool2dBackward', O.adaptiveAvgPool2dBackward(ru, inputShape), [input(upstream)], (G) => [
    adaptiveAvgPool2d(G, size),
  ]);
}

/**
 * Differentiable d2l `pool2d` (max or average over every window of a 2-D tensor, stride 1).
 *
 * Shapes: `X [H, W]`, `poolSize [ph, pw]` -> `[H-ph+1, W-pw+1]`.
 *
 * @param X - The image `[H, W]`.
 * @param poolSize - The window size, `p` or `[pH, pW]` (stride 1, no padding, as in d2l).
 * @param mode - `'max'` (default) or `'avg'`.
 * @returns The pooled image `[H - pH + 1, W - pW + 1]`.
 * @see d2l.pool2d
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { pool2d, variable } from '@torchlet/autograd';
 * const X = variable(tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]), { requiresGrad: true });
 * pool2d(X, [2, 2]).sum().backward();
 * X.grad?.toArray(); // -> [[0, 0, 0], [0, 1, 1], [0, 1, 1]]
 * ```
 */
export function pool2d(X: VariableOrTensor, poolSize: IntPair, mode: 'max' | 'avg' = 'max'): Variable {
  const rx = rawTensor(X);
  const out = O.pool2d(rx, poolSize, mode);
  const planeShape = [1, ...rx.shape];
  return record(
    'pool2d',
    out,
    [input(X)],
    (g) => {
      const g3 = unsqueeze(g, 0);
      if (mode === 'avg') return [squeeze(avgPool2dBackward(g3, planeShape, poolSize, { stride: 1 }), 0)];
      const { indices } = O.maxPool2d(rx.reshape(planeShape), poolSize, { stride: 1, returnIndices: true });
      return [squeeze(maxPool2dBackward(g3, indices, planeShape), 0)];
    },
    { save: [mode === 'max' ? X : null], attrs: { poolSize, mode } },
  );
}
