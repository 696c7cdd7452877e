import type { Im2colOptions, IntPair, PadBackwardOptions, PadOptions } from '@torchlet/ops';
import * as O from '@torchlet/ops';
import { record } from '../graph.js';
import type { Variable, VariableOrTensor } from '../variable.js';
import { input, rawTensor } from './util.js';

// Linear rearrangements whose backward kernels are their adjoints: im2col <-> col2im and
// pad <-> padBackward differentiate into each other.

/**
 * Differentiable `im2col` (PyTorch's unfold): every sliding block as a column. Gradient: `col2im`.
 *
 * Shapes: `[N, C, H, W]` -> `[N, C*kh*kw, L]` (or unbatched).
 *
 * @param x - Input `[N, C, H, W]` (or `[C, H, W]`).
 * @param kernelSize - The window size, `k` or `[kH, kW]`.
 * @param options - `stride`, `padding` (default `0`) and `dilation` (default `1`); see {@link Im2colOptions}.
 * @returns The columns `[N, C * kH * kW, L]`, one column per window position (PyTorch's `unfold`).
 * @see torch.nn.functional.unfold
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { im2col, variable } from '@torchlet/autograd';
 * const x = variable(tensor([[[[1, 2, 3]]]]), { requiresGrad: true });
 * im2col(x, [1, 2]).sum().backward();
 * x.grad?.toArray(); // -> [[[[1, 2, 1]]]]
 * ```
 */
export function im2col(x: VariableOrTensor, kernelSize: IntPair, options: Im2colOptions = {}): Variable {
  const rx = rawTensor(x);
  const size: [number, number] = [rx.shape[rx.ndim - 2], rx.shape[rx.ndim - 1]];
  return record('im2col', O.im2col(rx, kernelSize, options), [input(x)], (g) => [col2im(g, size, kernelSize, options)]);
}

/**
 * Differentiable `col2im` (PyTorch's fold): sums columns back into images. Gradient: `im2col`.
 *
 * Shapes: `[N, C*kh*kw, L]` -> `[N, C, H, W]` (or unbatched).
 *
 * @param cols - Columns `[N, C * kH * kW, L]` (or without the batch dimension).
 * @param outputSize - The image size `[H, W]` to fold back to.
 * @param kernelSize - The window size, `k` or `[kH, kW]`.
 * @param options - `stride`, `padding` (default `0`) and `dilation` (default `1`); see {@link Im2colOptions}.
 * @returns The image `[N, C, H, W]`, overlapping windows summed (PyTorch's `fold`).
 * @see torch.nn.functional.fold
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { col2im, variable } from '@torchlet/autograd';
 * col2im(variable(ones([1, 4, 2])), [2, 3], [2, 2]).toArray(); // -> [[[[1, 2, 1], [1, 2, 1]]]]
 * ```
 */
export function col2im(
  cols: VariableOrTensor,
  outputSize: IntPair,
  kernelSize: IntPair,
  options: Im2colOptions = {},
): Variable {
  return record('col2im', O.col2im(rawTensor(cols), outputSize, kernelSize, options), [input(cols)], (G) => [
    im2col(G, kernelSize, options),
  ]);
}

/**
 * Differentiable `pad` (constant, reflect, replicate, circular; negative pads crop). Gradient:
 * `padBackward` (border gradients fold back into the positions they were copied from).
 *
 * Shapes: `[..., H, W]` -> `[..., H + top + bottom, W + left + right]`.
 *
 * @param x - A Variable or tensor of any rank.
 * @param pads - Pairs `(before, after)` from the last dimension backwards, as PyTorch's `F.pad`: `[left, right,
 *   top, bottom, ...]`; negative values crop.
 * @param options - `mode` (`'constant'` by default, `'reflect'`, `'replicate'` or `'circular'`) and `value`
 *   (for constant, default `0`); see {@link PadOptions}.
 * @returns The padded Variable.
 * @see torch.nn.functional.pad
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { pad, variable } from '@torchlet/autograd';
 * const x = variable(tensor([[[1, 2, 3]]]), { requiresGrad: true });
 * pad(x, [1, 1], { mode: 'replicate' }).sum().backward();
 * x.grad?.toArray(); // -> [[[2, 1, 2]]]
 * ```
 */
export function pad(x: VariableOrTensor, pads: readonly number[], options: PadOptions = {}): Variable {
  const rx = rawTensor(x);
  const shape = rx.shape;
  const mode = options.mode ?? 'constant';
  return record('pad', O.pad(rx, pads, options), [input(x)], (g) => [padBackward(g, shape, pads, { mode })], {
    attrs: { ...options, pads },
  });
}

/**
 * Differentiable `padBackward` (the adjoint of pad; its gradient is pad with zero fill).
 *
 * Shapes: upstream is the padded shape -> `inputShape`.
 *
 * @param upstream - The gradient of the padded output.
 * @param inputShape - The shape of the input that was padded.
 * @param pads - The forward pass's pads.
 * @param options - The forward pass's `mode`; see {@link PadBackwardOptions}.
 * @returns The gradient with respect to the input, of shape `inputShape`.
 * @see torch.nn.functional.pad (its autograd backward)
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { padBackward, variable } from '@torchlet/autograd';
 * padBackward(variable(tensor([[[1, 1, 1, 1, 1, 1]]])), [1, 1, 3], [2, 1], { mode: 'replicate' }).toArray(); // -> [[[3, 1, 2]]]
 * ```
 */
export function padBackward(
  upstream: VariableOrTensor,
  inputShape: readonly number[],
  pads: readonly number[],
  options: PadBackwardOptions = {},
): Variable {
  const mode = options.mode ?? 'constant';
  return record(
    'padBackward',
    O.padBackward(rawTensor(upstream), inputShape, pads, options),
    [input(upstream)],
    (G) => [pad(G, pads, { mode })],
  );
}
