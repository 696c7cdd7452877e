import type { AdaptiveMaxPool2dOptions, AdaptiveSize, IntPair, MaxUnpool2dOptions } from '@torchlet/ops';
import * as O from '@torchlet/ops';
import type * as T from '@torchlet/tensor';
import { record } from '../graph.js';
import type { Variable, VariableOrTensor } from '../variable.js';
import { type MaxPool2dVariableResult, maxPool2dBackward } from './pool.js';
import { input, rawTensor } from './util.js';

// Adaptive max pooling routes its gradient through its argmax indices as maxPool2d does. Max
// unpooling writes values at indices; its gradient gathers at them (maxUnpool2dBackward), and
// that gather's gradient is maxPool2dBackward's scatter-add, so every order stays differentiable.

/**
 * Differentiable adaptive max pooling to `outputSize` (`@torchlet/ops`' `adaptiveMaxPool2d`).
 * Gradient: to each window's maximum (the first on ties), accumulated where windows overlap.
 *
 * Shapes: `[N,C,H,W]` or `[C,H,W]` -> `[N,C,Hout,Wout]` or `[C,Hout,Wout]`.
 *
 * @param x - Input `[N, C, H, W]` or `[C, H, W]`.
 * @param outputSize - The output size `s` or `[outH, outW]` (`null` keeps that input size).
 * @param options - `returnIndices` (default `false`); see {@link AdaptiveMaxPool2dOptions}.
 * @returns The window maxima; with `returnIndices: true`, `{ values, indices }` (int64 flat positions in each
 *   input plane).
 * @see torch.nn.functional.adaptive_max_pool2d
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { adaptiveMaxPool2d, variable } from '@torchlet/autograd';
 * const x = variable(tensor([[[1, 3, 2], [2, 0, 5]]]), { requiresGrad: true });
 * adaptiveMaxPool2d(x, [1, 2]).sum().backward();
 * x.grad?.toArray(); // -> [[[0, 1, 0], [0, 0, 1]]]
 * ```
 */
export function adaptiveMaxPool2d(
  x: VariableOrTensor,
  outputSize: AdaptiveSize,
  options: AdaptiveMaxPool2dOptions & { readonly returnIndices: true },
): MaxPool2dVariableResult;
export function adaptiveMaxPool2d(
  x: VariableOrTensor,
  outputSize: AdaptiveSize,
  options?: AdaptiveMaxPool2dOptions & { readonly returnIndices?: false },
): Variable;
export function adaptiveMaxPool2d(
  x: VariableOrTensor,
  outputSize: AdaptiveSize,
  options: AdaptiveMaxPool2dOptions = {},
): Variable | MaxPool2dVariableResult {
  const rx = rawTensor(x);
  const { values, indices } = O.adaptiveMaxPool2d(rx, outputSize, { returnIndices: true });
  const shape = rx.shape;
  const out = record('adaptiveMaxPool2d', values, [input(x)], (g) => [maxPool2dBackward(g, indices, shape)], {
    attrs: { outputSize },
  });
  return options.returnIndices === true ? { values: out, indices } : out;
}

/**
 * Differentiable 2-D max-unpooling (`@torchlet/ops`' `maxUnpool2d`): each value written at its
 * index in a zero output plane. Gradient: the upstream gradient read at each index.
 *
 * Shapes: `x` and `indices` `[N,C,Hin,Win]` (or `[C,Hin,Win]`) -> `[N,C,H,W]` (or `[C,H,W]`).
 *
 * @param x - The pooled values.
 * @param indices - int64 (or int32) flat positions within each output plane, the shape of `x`.
 * @param kernelSize - The pool's window size, `k` or `[kH, kW]`.
 * @param options - `stride` (default: `kernelSize`), `padding` (default `0`) and `outputSize`; see
 *   {@link MaxUnpool2dOptions}.
 * @returns The unpooled planes.
 * @see torch.nn.functional.max_unpool2d
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { maxPool2d, maxUnpool2d, variable } from '@torchlet/autograd';
 * const x = variable(tensor([[[[1, 5, 2, 0], [3, 4, 8, 6]]]]), { requiresGrad: true });
 * const { values, indices } = maxPool2d(x, 2, { returnIndices: true });
 * maxUnpool2d(values, indices, 2).sum().backward();
 * x.grad?.toArray(); // -> [[[[0, 1, 0, 0], [0, 0, 1, 0]]]]
 * ```
 */
export function maxUnpool2d(
  x: VariableOrTensor,
  indices: T.Tensor,
  kernelSize: IntPair,
  options: MaxUnpool2dOptions = {},
): Variable {
  const rx = rawTensor(x);
  return record(
    'maxUnpool2d',
    O.maxUnpool2d(rx, indices, kernelSize, options),
    [input(x)],
    (g) => [maxUnpool2dBackward(g, indices)],
    { attrs: { ...options, kernelSize } },
  );
}

/**
 * Differentiable `maxUnpool2dBackward`: the upstream gradient read at each index (a gather); its
 * own gradient scatters back to the same indices.
 *
 * Shapes: `upstream [N,C,H,W]` (or `[C,H,W]`), `indices [N,C,Hin,Win]` -> the shape of `indices`.
 *
 * @param upstream - The gradient of the unpooled output.
 * @param indices - The indices the forward pass took.
 * @returns The gradient with respect to the unpooled input, of the shape of `indices`.
 * @see torch.nn.functional.max_unpool2d
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { maxUnpool2dBackward, variable } from '@torchlet/autograd';
 * maxUnpool2dBackward(variable(tensor([[[1, 2], [3, 4]]])), tensor([[[3n]]])).toArray(); // -> [[[4]]]
 * ```
 */
export function maxUnpool2dBackward(upstream: VariableOrTensor, indices: T.Tensor): Variable {
  const ru = rawTensor(upstream);
  const shape = ru.shape;
  return record('maxUnpool2dBackward', O.maxUnpool2dBackward(ru, indices), [input(upstream)], (G) => [
    maxPool2dBackward(G, indices, shape),
  ]);
}
