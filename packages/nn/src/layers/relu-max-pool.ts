// ReLU then MaxPool2d (LeNet's and VGG's conv -> ReLU -> pool) computed as MaxPool2d then ReLU:
// ReLU is monotonic, so the max of the ReLUs is the ReLU of the max, bit for bit (ties keep the
// first maximum either way, NaN wins either way, and -0 comes out +0 either way), and so is the
// gradient (it reaches a window's first maximum when that is above 0, else nothing). The ReLU
// then runs on the pooled quarter of the elements, forward and backward.

import { isTracing, type Variable } from '@torchlet/autograd';
import type { Module } from '../module.js';
import { ReLU } from './activation.js';
import { MaxPool2d } from './pooling.js';

/**
 * Whether `layers[i]`, `layers[i + 1]` are a built-in `ReLU` and `MaxPool2d` (exact classes: a
 * subclass or a forward patched on the instance may change either) that may run in the other order on `x`: a float image batch on the
 * CPU, outside a trace (`traceOps` sees the layers' own order).
 */
export function swapsReluMaxPool(layers: readonly Module[], i: number, x: Variable): boolean {
  if (i + 1 >= layers.length) return false;
  const relu = layers[i];
  const pool = layers[i + 1];
  if (Object.getPrototypeOf(relu) !== ReLU.prototype || Object.getPrototypeOf(pool) !== MaxPool2d.prototype)
    return false;
  // A forward patched on the instance (a hook) sees its own layer's input.
  if (Object.hasOwn(relu, 'forward') || Object.hasOwn(pool, 'forward')) return false;
  // Indices are the pool's output, not an input to the ReLU.
  if ((pool as MaxPool2d<boolean>).returnIndices) return false;
  const t = x.data;
  return (
    t.gpuBuffer === null &&
    (t.dtype === 'float32' || t.dtype === 'float64') &&
    (t.ndim === 3 || t.ndim === 4) &&
    !isTracing()
  );
}
