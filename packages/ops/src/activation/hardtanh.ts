// The gradient of hardtanh (PyTorch's hardtanh_backward, which ReLU6 = hardtanh(x, 0, 6) uses):
// the upstream gradient where min < x < max, 0 at and beyond the bounds, in one pass. Built from
// tensor ops instead (two comparisons, two casts and two products), ReLU6's backward made six
// passes over the activation with a fresh output each: as much as MobileNetV2's convolutions'
// backward at batch 8.

import { allocStorage, type FloatArray, fail, formatValue, Tensor } from '@torchlet/tensor';
import { checkGradientOperands, denseValues } from './gradient-operands.js';

/**
 * The gradient of `hardtanh(input, minVal, maxVal)` (`clamp` with PyTorch's hardtanh gradient rule):
 * `gradOutput` where `minVal < input < maxVal`, else 0 (also at the bounds, where `clamp`'s gradient
 * passes; a NaN input passes the gradient, as PyTorch's `hardtanh_backward`). One pass over the data.
 * ReLU6's gradient is `hardtanhBackward(g, x, 0, 6)`.
 *
 * Shapes: `gradOutput` and `input` of one shape -> that shape.
 *
 * @param gradOutput - The gradient of hardtanh's output, float32 or float64.
 * @param input - hardtanh's input, the shape and dtype of `gradOutput`.
 * @param minVal - The lower bound (PyTorch's `min_val`).
 * @param maxVal - The upper bound (`max_val`), at least `minVal`.
 * @returns The gradient of the input, the shape and dtype of `gradOutput`.
 * @see torch.ops.aten.hardtanh_backward
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { hardtanhBackward } from '@torchlet/ops';
 * hardtanhBackward(tensor([1, 2, 3, 4, 5]), tensor([-1, 0, 3, 6, 7]), 0, 6).toArray(); // -> [0, 0, 3, 0, 0]
 * ```
 */
export function hardtanhBackward(gradOutput: Tensor, input: Tensor, minVal: number, maxVal: number): Tensor {
  const fn = 'hardtanhBackward';
  const { g, x } = checkGradientOperands(fn, gradOutput, input);
  if (typeof minVal !== 'number' || Number.isNaN(minVal))
    fail(fn, 'minVal', `minVal must be a number, got ${formatValue(minVal)}`);
  if (typeof maxVal !== 'number' || !(maxVal >= minVal)) {
    fail(fn, 'maxVal', `maxVal must be a number at least minVal (${minVal}), got ${formatValue(maxVal)}`);
  }
  const n = x.numel;
  const gs = denseValues(g);
  const xs = denseValues(x);
  const out = allocStorage(x.dtype, n) as FloatArray;
  for (let i = 0; i < n; i++) {
    const v = xs[i];
    out[i] = v <= minVal || v >= maxVal ? 0 : gs[i];
  }
  return new Tensor(out, x.shape);
}
