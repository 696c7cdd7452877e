import { type Tensor, Tensor as TensorClass } from '@torchlet/tensor';
import { type Arr, arr } from './array.js';

/**
 * Central finite differences of `L(x) = sum(f(x) * upstream)` with respect to every element of
 * `x` (float64): the gradient a backward kernel must return. `f` receives a fresh float64 tensor
 * each call. Terms whose upstream weight is 0 are left out of the sum, so an output that is
 * infinite (an empty max-pool window, say) but carries no gradient does not turn L into NaN.
 */
export function finiteDifferenceGrad(f: (x: Tensor) => Tensor, x: Arr, upstream: ArrayLike<number>, eps = 1e-6): Arr {
  const grad = arr(x.shape);
  const data = Float64Array.from(x.data);
  const loss = (): number => {
    const out = f(new TensorClass(Float64Array.from(data), x.shape)).toTypedArray() as ArrayLike<number>;
    let s = 0;
    for (let i = 0; i < out.length; i++) if (upstream[i] !== 0) s += out[i] * upstream[i];
    return s;
  };
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    data[i] = v + eps;
    const plus = loss();
    data[i] = v - eps;
    const minus = loss();
    data[i] = v;
    grad.data[i] = (plus - minus) / (2 * eps);
  }
  return grad;
}
