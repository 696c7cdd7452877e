// The gradient of max/min along a dimension on the webgpu device. The CPU rule compares int32
// argmax indices with positions, and the device has no int32 math: the same selection (the first
// extreme, NaN counting as the extreme) comes from max pooling with a window spanning the dimension,
// whose indices scatter the gradient (maxPool2dBackward, itself differentiable).
import * as O from '@torchlet/ops';
import * as T from '@torchlet/tensor';
import type { Variable } from '../variable.js';
import { maxPool2dBackward } from './pool.js';
import { reshape } from './views.js';

/** The gradient reaching `t` of `max`/`min(t, d, { keepdim: true })` given its gradient `g`. */
export function extremumGradOnDevice(name: 'max' | 'min', t: T.Tensor, d: number, g: Variable): Variable {
  const size = t.shape[d];
  const outer = t.shape.slice(0, d).reduce((a, s) => a * s, 1);
  const inner = t.shape.slice(d + 1).reduce((a, s) => a * s, 1);
  const planes = [outer, 1, size, inner];
  const x = (name === 'max' ? t : T.neg(t)).reshape(planes);
  const { indices } = O.maxPool2d(x, [size, 1], { returnIndices: true });
  return reshape(maxPool2dBackward(reshape(g, [outer, 1, 1, inner]), indices, planes), t.shape);
}
