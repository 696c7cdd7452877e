// The gradient of ReLU (PyTorch's threshold_backward, which relu's backward calls on relu's
// output with threshold 0): the upstream gradient where the value is above the threshold, 0
// elsewhere, in one pass (WebAssembly SIMD for float32). Built from tensor ops instead (a bool
// comparison, then `where`), it made two passes with a byte mask in between, and took as long in
// LeNet's training epoch as its forward convolutions.

import { wasmThresholdBackward } from '@torchlet/kernels';
import { allocStorage, type FloatArray, fail, formatValue, getBackend, le, Tensor, where } from '@torchlet/tensor';
import { checkGradientOperands, denseValues } from './gradient-operands.js';

/** Below this many elements the JavaScript loop beats staging the operands in WebAssembly memory. */
const WASM_MIN_ELEMENTS = 64;

/**
 * The gradient of `threshold` / ReLU (PyTorch's `threshold_backward`): `gradOutput` where
 * `input > threshold`, else 0, compared in the tensors' dtype (for float32, `threshold` is rounded
 * to float32 first, as PyTorch casts it); a NaN `input` passes the gradient, as in PyTorch. ReLU's
 * gradient is `thresholdBackward(g, relu(x), 0)` (PyTorch applies it to ReLU's output). One pass;
 * float32 runs in WebAssembly SIMD.
 *
 * Shapes: `gradOutput` and `input` of one shape -> that shape.
 *
 * @param gradOutput - The gradient of the activation's output, float32 or float64.
 * @param input - The values compared with the threshold (ReLU's output, `self` in PyTorch), the shape and
 *   dtype of `gradOutput`.
 * @param threshold - The gradient passes where `input > threshold`.
 * @returns The gradient of the input, the shape and dtype of `gradOutput`.
 * @see torch.ops.aten.threshold_backward
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { thresholdBackward } from '@torchlet/ops';
 * thresholdBackward(tensor([1, 2, 3, 4]), tensor([0, 3, -1, 0.5]), 0).toArray(); // -> [0, 2, 0, 4]
 * ```
 */
export function thresholdBackward(gradOutput: Tensor, input: Tensor, threshold: number): Tensor {
  const fn = 'thresholdBackward';
  const { g, x } = checkGradientOperands(fn, gradOutput, input);
  if (typeof threshold !== 'number' || Number.isNaN(threshold))
    fail(fn, 'threshold', `threshold must be a number, got ${formatValue(threshold)}`);
  // The webgpu device has no fused kernel: the mask from a comparison (`<=` is false for NaN too).
  if (g.device === 'webgpu' || x.device === 'webgpu') return where(le(x, threshold), 0, g);
  const n = x.numel;
  const gs = denseValues(g);
  const xs = denseValues(x);
  const out = allocStorage(x.dtype, n) as FloatArray;
  if (n >= WASM_MIN_ELEMENTS && getBackend() !== 'js' && wasmThresholdBackward(xs, gs, out, threshold)) {
    return new Tensor(out, x.shape);
  }
  const t = x.dtype === 'float32' ? Math.fround(threshold) : threshold;
  for (let i = 0; i < n; i++) out[i] = xs[i] <= t ? 0 : gs[i];
  return new Tensor(out, x.shape);
}
