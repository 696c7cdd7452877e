import type { Conv2dForwardOptions, Conv2dOptions, ConvTranspose2dOptions } from '@torchlet/ops';
import * as O from '@torchlet/ops';
import type * as T from '@torchlet/tensor';
import { isTensor } from '@torchlet/tensor';
import { isGradEnabled } from '../grad-mode.js';
import { record } from '../graph.js';
import { markOwned } from '../owned-gradients.js';
import { isTracing } from '../trace.js';
import { isVariable, Variable, type VariableOrTensor } from '../variable.js';
import { clamp, relu } from './elementwise.js';
import { input, rawTensor } from './util.js';
import { expand, reshape } from './views.js';

// conv2d and convTranspose2d are bilinear, so their backward kernels are linear in each operand
// and the three kernels of each op close under differentiation:
//   conv2d(x, w)            -> dx = BI(g, w),         dw = BW(g, x)
//   BI(u, w)   (input-sized) -> du = conv2d(G, w),     dw = BW(u, G)
//   BW(u, x)  (weight-sized) -> du = conv2d(x, G),     dx = BI(u, G)
// and likewise for convTranspose2d with its own kernels. Every rule below is therefore a call of
// a differentiable wrapper, which is what makes second order (createGraph) work.

/**
 * Where a backward function needs only a shape: the shape itself, or a tensor or Variable of that shape.
 *
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { type ShapeArg, conv2dBackwardInput } from '@torchlet/autograd';
 * const inputShape: ShapeArg = [1, 1, 3, 3];
 * conv2dBackwardInput(ones([1, 1, 2, 2]), inputShape, ones([1, 1, 2, 2])).shape; // -> [1, 1, 3, 3]
 * ```
 */
export type ShapeArg = VariableOrTensor | readonly number[];

function shapeOfArg(x: ShapeArg): readonly number[] {
  return isVariable(x) || isTensor(x) ? x.shape : x;
}

/** The bias gradient's own gradient: `G [C]` broadcast back over `upstream`'s other dimensions. */
function biasBackward(G: Variable, upstreamShape: readonly number[]): Variable {
  const c = G.shape[0];
  const kept = upstreamShape.length === 4 ? [1, c, 1, 1] : [c, 1, 1];
  return expand(reshape(G, kept), upstreamShape);
}

/**
 * Differentiable 2-D convolution with every option of `@torchlet/ops`' `conv2d` (stride,
 * padding incl. `'same'`, dilation, groups, paddingMode, kernel). Gradients come from the ops'
 * backward kernels, themselves differentiable (second order works).
 *
 * Shapes: input `[N, Cin, H, W]` (or `[Cin, H, W]`), weight `[Cout, Cin/groups, kh, kw]`, bias
 * `[Cout]` or null -> `[N, Cout, Hout, Wout]`.
 *
 * @param x - Input `[N, C_in, H, W]` (or one image `[C_in, H, W]`), float32 or float64.
 * @param weight - Filters `[C_out, C_in / groups, kH, kW]`, of the dtype of `x`.
 * @param bias - Per-output-channel bias `[C_out]`, or `null` for none.
 * @param options - `stride` (default `1`), `padding` (an int, a pair, `'valid'` or `'same'`; default `0`),
 *   `dilation` (default `1`), `groups` (default `1`), `paddingMode` (default `'zeros'`), `kernel` and
 *   `activation` (default none; `'relu'`, `'relu6'` or `{ clamp: [lo, hi] }`: applied in the conv's own pass
 *   when no gradient is recorded, else recorded as `relu` / `clamp` after the conv); see
 *   {@link Conv2dForwardOptions}.
 * @returns The output `[N, C_out, H_out, W_out]`, differentiable in `x`, `weight` and `bias`.
 * @see torch.nn.functional.conv2d
 * @example
 * ```ts
 * import { ones, tensor } from '@torchlet/tensor';
 * import { conv2d, variable } from '@torchlet/autograd';
 * const x = tensor([[[[0, 1, 2], [3, 4, 5], [6, 7, 8]]]]);
 * const w = variable(ones([1, 1, 2, 2]), { requiresGrad: true });
 * const y = conv2d(x, w, null);
 * y.toArray(); // -> [[[[8, 12], [20, 24]]]]
 * y.sum().backward();
 * w.grad?.toArray(); // -> [[[[8, 12], [20, 24]]]]
 * ```
 */
export function conv2d(
  x: VariableOrTensor,
  weight: VariableOrTensor,
  bias: VariableOrTensor | null = null,
  options: Conv2dForwardOptions = {},
): Variable {
  const { activation, ...convOptions } = options;
  if (activation !== undefined && activation !== null) {
    // One pass when nothing is recorded; otherwise the conv and the activation as two recorded
    // operations (each with its own gradient rule, and what a trace should see).
    const recorded = isTracing() || (isGradEnabled() && [x, weight, bias].some((v) => isVariable(v) && v.requiresGrad));
    if (!recorded)
      return new Variable(O.conv2d(rawTensor(x), rawTensor(weight), bias === null ? null : rawTensor(bias), options));
    const y = conv2d(x, weight, bias, convOptions);
    if (activation === 'relu') return relu(y);
    if (activation === 'relu6') return clamp(y, 0, 6);
    if (typeof activation === 'object' && Array.isArray(activation.clamp))
      return clamp(y, activation.clamp[0], activation.clamp[1]);
    // Anything else: ops' named error.
    O.conv2d(rawTensor(x), rawTensor(weight), bias === null ? null : rawTensor(bias), options);
  }
  return conv2dRecorded(x, weight, bias, convOptions);
}

function conv2dRecorded(
  x: VariableOrTensor,
  weight: VariableOrTensor,
  bias: VariableOrTensor | null,
  options: Conv2dOptions,
): Variable {
  const rx = rawTensor(x);
  const rw = rawTensor(weight);
  const out = O.conv2d(rx, rw, bias === null ? null : rawTensor(bias), options);
  return record(
    'conv2d',
    out,
    [input(x), input(weight), bias === null ? null : input(bias)],
    (g, needs) => {
      // Both gradients, nothing recorded: one call (ops' conv2dBackward stages the upstream
      // gradient once where a kernel computes both). A recorded gradient needs the wrappers below.
      if (needs[0] && needs[1] && !isGradEnabled()) {
        const both = O.conv2dBackward(g.data, rx, rw, options);
        // A kernel's fresh array: backward owns it (see owned-gradients.ts).
        markOwned(both.gradInput as T.Tensor, [g.data, rx, rw]);
        markOwned(both.gradWeight as T.Tensor, [g.data, rx, rw]);
        return [
          new Variable(both.gradInput as T.Tensor),
          new Variable(both.gradWeight as T.Tensor),
          needs[2] ? conv2dBackwardBias(g) : null,
        ];
      }
      return [
        needs[0] ? conv2dBackwardInput(g, rx.shape, weight, options) : null,
        needs[1] ? conv2dBackwardWeight(g, x, rw.shape, options) : null,
        needs[2] ? conv2dBackwardBias(g) : null,
      ];
    },
    { save: [x, weight], attrs: { ...options } },
  );
}

/**
 * Differentiable `conv2dBackwardInput`: the gradient of conv2d with respect to its input, as a
 * function of the upstream gradient and the weight (linear in each). Only `input`'s shape is used.
 *
 * Shapes: upstream `[N, Cout, Hout, Wout]`, weight `[Cout, Cin/groups, kh, kw]` -> input's shape.
 *
 * @param upstream - The gradient of the convolution's output, `[N, C_out, H_out, W_out]`.
 * @param inputShape - The shape of the convolution's input, `[N, C_in, H, W]`.
 * @param weight - The filters `[C_out, C_in / groups, kH, kW]`.
 * @param options - The convolution's options (`stride`, `padding`, `dilation`, `groups`); see
 *   {@link Conv2dOptions}.
 * @returns The gradient with respect to the input, of shape `inputShape` (differentiable again).
 * @see torch.nn.grad.conv2d_input
 * @example
 * ```ts
 * import { ones, tensor } from '@torchlet/tensor';
 * import { conv2dBackwardInput, variable } from '@torchlet/autograd';
 * const u = variable(ones([1, 1, 1, 2]), { requiresGrad: true });
 * const dx = conv2dBackwardInput(u, [1, 1, 1, 3], tensor([[[[1, 2]]]]));
 * dx.toArray(); // -> [[[[1, 3, 2]]]]
 * dx.sum().backward();
 * u.grad?.toArray(); // -> [[[[3, 3]]]]
 * ```
 */
export function conv2dBackwardInput(
  upstream: VariableOrTensor,
  inputShape: ShapeArg,
  weight: VariableOrTensor,
  options: Conv2dOptions = {},
): Variable {
  const shape = shapeOfArg(inputShape);
  const rw = rawTensor(weight);
  const out = O.conv2dBackwardInput(rawTensor(upstream), shape, rw, options);
  return record(
    'conv2dBackwardInput',
    out,
    [input(upstream), input(weight)],
    (G, needs) => [
      needs[0] ? conv2d(G, weight, null, options) : null,
      needs[1] ? conv2dBackwardWeight(upstream, G, rw.shape, options) : null,
    ],
    { save: [upstream, weight] },
  );
}

/**
 * Differentiable `conv2dBackwardWeight`: the gradient of conv2d with respect to its weight, as a
 * function of the upstream gradient and the input (linear in each). Only `weight`'s shape is used.
 *
 * Shapes: upstream `[N, Cout, Hout, Wout]`, input `[N, Cin, H, W]` -> weight's shape.
 *
 * @param upstream - The gradient of the convolution's output, `[N, C_out, H_out, W_out]`.
 * @param x - The convolution's input `[N, C_in, H, W]`.
 * @param weightShape - The shape of the filters, `[C_out, C_in / groups, kH, kW]`.
 * @param options - The convolution's options (`stride`, `padding`, `dilation`, `groups`); see
 *   {@link Conv2dOptions}.
 * @returns The gradient with respect to the filters, of shape `weightShape` (differentiable again).
 * @see torch.nn.grad.conv2d_weight
 * @example
 * ```ts
 * import { ones, tensor } from '@torchlet/tensor';
 * import { conv2dBackwardWeight, variable } from '@torchlet/autograd';
 * const x = variable(tensor([[[[1, 2, 3]]]]), { requiresGrad: true });
 * const dw = conv2dBackwardWeight(ones([1, 1, 1, 2]), x, [1, 1, 1, 2]);
 * dw.toArray(); // -> [[[[3, 5]]]]
 * dw.sum().backward();
 * x.grad?.toArray(); // -> [[[[1, 2, 1]]]]
 * ```
 */
export function conv2dBackwardWeight(
  upstream: VariableOrTensor,
  x: VariableOrTensor,
  weightShape: ShapeArg,
  options: Conv2dOptions = {},
): Variable {
  const shape = shapeOfArg(weightShape);
  const rx = rawTensor(x);
  const out = O.conv2dBackwardWeight(rawTensor(upstream), rx, shape, options);
  return record(
    'conv2dBackwardWeight',
    out,
    [input(upstream), input(x)],
    (G, needs) => [
      needs[0] ? conv2d(x, G, null, options) : null,
      needs[1] ? conv2dBackwardInput(upstream, rx.shape, G, options) : null,
    ],
    { save: [upstream, x] },
  );
}

/**
 * Differentiable `conv2dBackwardBias`: the upstream gradient summed over all but the channel
 * dimension. Its gradient broadcasts back.
 *
 * Shapes: upstream `[N, C, H, W]` or `[C, H, W]` -> `[C]`.
 *
 * @param upstream - The gradient of the convolution's output, `[N, C_out, H_out, W_out]`.
 * @returns The gradient with respect to the bias, `[C_out]`: `upstream` summed over batch and space.
 * @see torch.nn.grad (bias gradient of conv2d)
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { conv2dBackwardBias, variable } from '@torchlet/autograd';
 * conv2dBackwardBias(variable(ones([2, 3, 2, 2]))).toArray(); // -> [8, 8, 8]
 * ```
 */
export function conv2dBackwardBias(upstream: VariableOrTensor): Variable {
  const ru = rawTensor(upstream);
  return record('conv2dBackwardBias', O.conv2dBackwardBias(ru), [input(upstream)], (G) => [biasBackward(G, ru.shape)]);
}

/**
 * Differentiable 2-D transposed convolution with every option of `@torchlet/ops`'
 * `convTranspose2d` (stride, padding, outputPadding, dilation, groups, kernel).
 *
 * Shapes: input `[N, Cin, H, W]` (or `[Cin, H, W]`), weight `[Cin, Cout/groups, kh, kw]`, bias
 * `[Cout]` or null -> `[N, Cout, Hout, Wout]`.
 *
 * @param x - Input `[N, C_in, H, W]` (or one image `[C_in, H, W]`), float32 or float64.
 * @param weight - Filters `[C_in, C_out / groups, kH, kW]` (PyTorch's layout for transposed convolutions).
 * @param bias - Per-output-channel bias `[C_out]`, or `null` for none.
 * @param options - `stride`, `padding`, `outputPadding` (default `0`), `dilation` and `groups` (default `1`);
 *   see {@link ConvTranspose2dOptions}.
 * @returns The output `[N, C_out, H_out, W_out]` with `H_out = (H - 1) * stride - 2 * padding + dilation * (kH
 *   - 1) + outputPadding + 1`.
 * @see torch.nn.functional.conv_transpose2d
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { convTranspose2d, variable } from '@torchlet/autograd';
 * const x = variable(tensor([[[[0, 1], [2, 3]]]]), { requiresGrad: true });
 * const k = tensor([[[[0, 1], [2, 3]]]]);
 * convTranspose2d(x, k, null).toArray(); // -> [[[[0, 0, 1], [0, 4, 6], [4, 12, 9]]]]
 * convTranspose2d(x, k, null).sum().backward();
 * x.grad?.toArray(); // -> [[[[6, 6], [6, 6]]]]
 * ```
 */
export function convTranspose2d(
  x: VariableOrTensor,
  weight: VariableOrTensor,
  bias: VariableOrTensor | null = null,
  options: ConvTranspose2dOptions = {},
): Variable {
  const rx = rawTensor(x);
  const rw = rawTensor(weight);
  const out = O.convTranspose2d(rx, rw, bias === null ? null : rawTensor(bias), options);
  return record(
    'convTranspose2d',
    out,
    [input(x), input(weight), bias === null ? null : input(bias)],
    (g, needs) => [
      needs[0] ? convTranspose2dBackwardInput(g, rx.shape, weight, options) : null,
      needs[1] ? convTranspose2dBackwardWeight(g, x, rw.shape, options) : null,
      needs[2] ? convTranspose2dBackwardBias(g) : null,
    ],
    { save: [x, weight], attrs: { ...options } },
  );
}

/**
 * Differentiable `convTranspose2dBackwardInput` (a conv2d of the upstream gradient). Only
 * `input`'s shape is used.
 *
 * Shapes: upstream `[N, Cout, Hout, Wout]`, weight `[Cin, Cout/groups, kh, kw]` -> input's shape.
 *
 * @param upstream - The gradient of the transposed convolution's output, `[N, C_out, H_out, W_out]`.
 * @param inputShape - The shape of its input, `[N, C_in, H, W]`.
 * @param weight - The filters `[C_in, C_out / groups, kH, kW]`.
 * @param options - The transposed convolution's options; see {@link ConvTranspose2dOptions}.
 * @returns The gradient with respect to the input, of shape `inputShape`.
 * @see torch.nn.functional.conv_transpose2d (its autograd backward)
 * @example
 * ```ts
 * import { ones, tensor } from '@torchlet/tensor';
 * import { convTranspose2dBackwardInput, variable } from '@torchlet/autograd';
 * convTranspose2dBackwardInput(variable(ones([1, 1, 1, 3])), [1, 1, 1, 2], tensor([[[[1, 2]]]])).toArray(); // -> [[[[3, 3]]]]
 * ```
 */
export function convTranspose2dBackwardInput(
  upstream: VariableOrTensor,
  inputShape: ShapeArg,
  weight: VariableOrTensor,
  options: ConvTranspose2dOptions = {},
): Variable {
  const shape = shapeOfArg(inputShape);
  const rw = rawTensor(weight);
  const out = O.convTranspose2dBackwardInput(rawTensor(upstream), shape, rw, options);
  return record(
    'convTranspose2dBackwardInput',
    out,
    [input(upstream), input(weight)],
    (G, needs) => [
      needs[0] ? convTranspose2d(G, weight, null, options) : null,
      needs[1] ? convTranspose2dBackwardWeight(upstream, G, rw.shape, options) : null,
    ],
    { save: [upstream, weight] },
  );
}

/**
 * Differentiable `convTranspose2dBackwardWeight`. Only `weight`'s shape is used.
 *
 * Shapes: upstream `[N, Cout, Hout, Wout]`, input `[N, Cin, H, W]` -> weight's shape.
 *
 * @param upstream - The gradient of the transposed convolution's output, `[N, C_out, H_out, W_out]`.
 * @param x - Its input `[N, C_in, H, W]`.
 * @param weightShape - The shape of the filters, `[C_in, C_out / groups, kH, kW]`.
 * @param options - The transposed convolution's options; see {@link ConvTranspose2dOptions}.
 * @returns The gradient with respect to the filters, of shape `weightShape`.
 * @see torch.nn.functional.conv_transpose2d (its autograd backward)
 * @example
 * ```ts
 * import { ones, tensor } from '@torchlet/tensor';
 * import { convTranspose2dBackwardWeight, variable } from '@torchlet/autograd';
 * convTranspose2dBackwardWeight(ones([1, 1, 1, 3]), variable(tensor([[[[1, 2]]]])), [1, 1, 1, 2]).toArray(); // -> [[[[3, 3]]]]
 * ```
 */
export function convTranspose2dBackwardWeight(
  upstream: VariableOrTensor,
  x: VariableOrTensor,
  weightShape: ShapeArg,
  options: ConvTranspose2dOptions = {},
): Variable {
  const shape = shapeOfArg(weightShape);
  const rx = rawTensor(x);
  const out = O.convTranspose2dBackwardWeight(rawTensor(upstream), rx, shape, options);
  return record(
    'convTranspose2dBackwardWeight',
    out,
    [input(upstream), input(x)],
    (G, needs) => [
      needs[0] ? convTranspose2d(x, G, null, options) : null,
      needs[1] ? convTranspose2dBackwardInput(upstream, rx.shape, G, options) : null,
    ],
    { save: [upstream, x] },
  );
}

/**
 * Differentiable `convTranspose2dBackwardBias`: upstream summed over all but the channel dimension.
 *
 * Shapes: upstream `[N, C, H, W]` or `[C, H, W]` -> `[C]`.
 *
 * @param upstream - The gradient of the transposed convolution's output, `[N, C_out, H_out, W_out]`.
 * @returns The gradient with respect to the bias, `[C_out]`.
 * @see torch.nn.functional.conv_transpose2d (its autograd backward)
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { convTranspose2dBackwardBias, variable } from '@torchlet/autograd';
 * convTranspose2dBackwardBias(variable(ones([1, 2, 3, 3]))).toArray(); // -> [9, 9]
 * ```
 */
export function convTranspose2dBackwardBias(upstream: VariableOrTensor): Variable {
  const ru = rawTensor(upstream);
  return record('convTranspose2dBackwardBias', O.convTranspose2dBackwardBias(ru), [input(upstream)], (G) => [
    biasBackward(G, ru.shape),
  ]);
}
