// What the one-pass activation gradients (threshold.ts, hardtanh.ts) share: the check that
// gradOutput and input are float tensors of one shape and dtype, and their dense values.

import { type FloatArray, fail, formatShape, type Tensor } from '@torchlet/tensor';
import { checkFloatTensor } from '../params.js';

/** Dense row-major values of `t` (its own storage when already dense from offset 0). */
export function denseValues(t: Tensor): FloatArray {
  const c = t.isContiguous() ? t : t.contiguous();
  const data = c.data as FloatArray;
  return c.offset === 0 && data.length === c.numel ? data : data.subarray(c.offset, c.offset + c.numel);
}

/**
 * `gradOutput` and `input` of an elementwise gradient, checked for `fn`: float tensors of the same
 * shape and dtype (a TorchletError naming `fn`, the argument and both shapes otherwise).
 */
export function checkGradientOperands(
  fn: string,
  gradOutput: Tensor,
  input: Tensor,
): { readonly g: Tensor; readonly x: Tensor } {
  const g = checkFloatTensor(fn, 'gradOutput', gradOutput);
  const x = checkFloatTensor(fn, 'input', input);
  if (g.ndim !== x.ndim || g.shape.some((d, i) => d !== x.shape[i])) {
    fail(
      fn,
      'gradOutput',
      `expected gradOutput of the input's shape ${formatShape(x.shape)}, got gradOutput ${formatShape(g.shape)}`,
    );
  }
  if (g.dtype !== x.dtype) {
    fail(
      fn,
      'gradOutput',
      `expected gradOutput of the input's dtype ${x.dtype}, got ${g.dtype} gradOutput ${formatShape(g.shape)}`,
    );
  }
  return { g, x };
}
