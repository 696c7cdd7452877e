import type { InterpolateOptions } from '@torchlet/ops';
import * as O from '@torchlet/ops';
import { record } from '../graph.js';
import type { Variable, VariableOrTensor } from '../variable.js';
import { input, rawTensor } from './util.js';

// Interpolation is linear in its input: interpolate and interpolateBackward are each other's
// adjoints with the same options, so each differentiates into the other (second order is free).

/**
 * Differentiable `interpolate` (nearest, nearest-exact, bilinear; `size` or `scaleFactor`;
 * `alignCorners`; `recomputeScaleFactor`), with PyTorch's rules. Gradient: each output's gradient
 * spread back over the pixels it was read from, with the same weights.
 *
 * Shapes: `[N, C, H, W]` -> `[N, C, Hout, Wout]`.
 *
 * @param x - Input `[N, C, H, W]`, float32 or float64.
 * @param options - `size` or `scaleFactor`, `mode` (`'nearest'` by default, `'nearest-exact'` or `'bilinear'`),
 *   `alignCorners`, `recomputeScaleFactor` and `antialias`; see {@link InterpolateOptions}.
 * @returns The resized input `[N, C, outH, outW]`.
 * @see torch.nn.functional.interpolate
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { interpolate, variable } from '@torchlet/autograd';
 * const x = variable(tensor([[[[1, 2], [3, 4]]]]), { requiresGrad: true });
 * interpolate(x, { scaleFactor: 2, mode: 'bilinear' }).sum().backward();
 * x.grad?.toArray(); // -> [[[[4, 4], [4, 4]]]]
 * ```
 */
export function interpolate(x: VariableOrTensor, options: InterpolateOptions): Variable {
  const rx = rawTensor(x);
  const shape = rx.shape;
  const out = O.interpolate(rx, options);
  return record('interpolate', out, [input(x)], (g) => [interpolateBackward(g, shape, options)], {
    attrs: { ...options, outputSize: out.shape.slice(2) },
  });
}

/**
 * Differentiable `interpolateBackward` (the adjoint of {@link interpolate}; its gradient is
 * `interpolate` with the same options).
 *
 * Shapes: `upstream [N, C, Hout, Wout]`, `inputShape [N, C, H, W]` -> `inputShape`.
 *
 * @param upstream - The gradient of the resized output, `[N, C, outH, outW]`.
 * @param inputShape - The shape of the input that was resized.
 * @param options - The options of the forward `interpolate`.
 * @returns The gradient with respect to the input, of shape `inputShape`.
 * @see torch.ops.aten.upsample_bilinear2d_backward
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { interpolateBackward, variable } from '@torchlet/autograd';
 * interpolateBackward(variable(ones([1, 1, 2, 2])), [1, 1, 1, 1], { scaleFactor: 2 }).toArray(); // -> [[[[4]]]]
 * ```
 */
export function interpolateBackward(
  upstream: VariableOrTensor,
  inputShape: readonly number[],
  options: InterpolateOptions,
): Variable {
  const ru = rawTensor(upstream);
  return record('interpolateBackward', O.interpolateBackward(ru, inputShape, options), [input(upstream)], (G) => [
    interpolate(G, options),
  ]);
}
