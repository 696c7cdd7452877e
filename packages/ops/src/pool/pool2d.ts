import { allocStorage, type FloatArray, fail, formatShape, formatValue, isTensor, Tensor } from '@torchlet/tensor';
import { gpuPool2d, onGpu } from '../device/gpu-corr2d.js';
import { checkFloatTensor, type IntPair, toPair } from '../params.js';
import { avgPoolPlaneInto } from './avg-pool2d.js';
import { maxPoolInto } from './max-pool2d.js';
import type { Pool2dGeometry } from './params.js';

/**
 * The d2l book's from-scratch `pool2d`: max or average over every `ph x pw` window of a 2-D
 * tensor, stride 1, no padding. (A NaN in a window makes its max NaN, like `tensor.max()`.)
 *
 * Shapes: `X [H, W]`, `poolSize [ph, pw]` -> `[H-ph+1, W-pw+1]`.
 *
 * @param X - The image `[H, W]`.
 * @param poolSize - The window size, `p` or `[pH, pW]` (stride 1, no padding, as in d2l).
 * @param mode - `'max'` (default) or `'avg'`.
 * @returns A new tensor `[H - pH + 1, W - pW + 1]`.
 * @see d2l.pool2d (torch.nn.functional.max_pool2d / avg_pool2d for batched input)
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { pool2d } from '@torchlet/ops';
 * const X = tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
 * pool2d(X, [2, 2]).toArray(); // -> [[4, 5], [7, 8]]
 * pool2d(X, [2, 2], 'avg').toArray(); // -> [[2, 3], [5, 6]]
 * ```
 */
export function pool2d(X: Tensor, poolSize: IntPair, mode: 'max' | 'avg' = 'max'): Tensor {
  const fn = 'pool2d';
  if (isTensor(X) && X.ndim !== 2) {
    fail(
      fn,
      'X',
      `expects a 2-D X, got X ${formatShape(X.shape)}; for batched multi-channel input use maxPool2d or avgPool2d`,
    );
  }
  checkFloatTensor(fn, 'X', X);
  if (mode !== 'max' && mode !== 'avg') fail(fn, 'mode', `mode must be 'max' or 'avg', got ${formatValue(mode)}`);
  const [kh, kw] = toPair(fn, 'poolSize', poolSize, 1);
  const [h, w] = X.shape;
  if (kh > h || kw > w)
    fail(fn, 'poolSize', `pool window ${formatShape([kh, kw])} is larger than X ${formatShape(X.shape)}`);
  if (onGpu(fn, { X })) return gpuPool2d(X, kh, kw, mode);
  const ho = h - kh + 1;
  const wo = w - kw + 1;
  const g: Pool2dGeometry = {
    batched: false,
    n: 1,
    c: 1,
    h,
    w,
    kh,
    kw,
    sh: 1,
    sw: 1,
    ph: 0,
    pw: 0,
    dh: 1,
    dw: 1,
    ho,
    wo,
    ceilMode: false,
  };
  const out = allocStorage(X.dtype, ho * wo) as FloatArray;
  const [sH, sW] = X.strides;
  if (mode === 'max') maxPoolInto(X.data as FloatArray, X.offset, 0, 0, sH, sW, g, out, null);
  else avgPoolPlaneInto(X.data as FloatArray, X.offset, sH, sW, g, out);
  return new Tensor(out, [ho, wo]);
}
