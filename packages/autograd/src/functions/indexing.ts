import * as T from '@torchlet/tensor';
import { isGradEnabled } from '../grad-mode.js';
import { rebase, record } from '../graph.js';
import { isVariable, Variable, type VariableLike, type VariableOrTensor } from '../variable.js';
import { input, rawTensor, sumToShape } from './util.js';
import { clone } from './views.js';

/**
 * Indexing with NumPy/PyTorch syntax (`':, 2:6'`, `'..., -1'`, `[null, slice(0, 2)]`) as a
 * differentiable view. Gradient: `g` written into zeros of the input's shape at the index.
 *
 * Shapes: the indexed shape, e.g. `[3, 8]` with `':, 2:6'` -> `[3, 4]`.
 *
 * @param x - A Variable or tensor.
 * @param index - PyTorch-style indices: a string (`':, 2:6'`, `'..., 0'`), or an array of numbers, `null` (new
 *   axis), slices and index tensors.
 * @returns The indexed region: a view for basic indexing, a copy for advanced indexing.
 * @see torch.Tensor.__getitem__
 * @example
 * ```ts
 * import { arange } from '@torchlet/tensor';
 * import { get, variable } from '@torchlet/autograd';
 * const x = variable(arange(6).reshape([2, 3]), { requiresGrad: true });
 * get(x, ':, 1:').sum().backward();
 * x.grad?.toArray(); // -> [[0, 1, 1], [0, 1, 1]]
 * ```
 */
export function get(x: VariableOrTensor, index: T.Index): Variable {
  const t = rawTensor(x);
  const out = T.get(t, index);
  const shape = t.shape;
  const v = input(x);
  return record('get', out, [v], (g) => [indexBackward(g, shape, index)], {
    viewOf: v ?? undefined,
    attrs: { index },
  });
}

/** `g` placed at `index` of zeros of `shape` (differentiable in `g`): the gradient of indexing. */
export function indexBackward(g: Variable, shape: readonly number[], index: T.Index): Variable {
  const z = new Variable(T.zeros(shape, { dtype: g.dtype, device: g.data.device }));
  set(z, index, g);
  return z;
}

/**
 * Writes `value` (a number, a tensor or a Variable, broadcast to the region) in place into the
 * region of `target` that `index` selects, and records the write (PyTorch's CopySlices): the
 * gradient reaching `target` afterwards flows to `value` for the written region and to
 * `target`'s previous history for the rest. This makes the d2l book's `Y[i, j] = ...` loops
 * differentiable. Writing into a leaf that requires grad throws (wrap the write in `noGrad`),
 * as does writing a Variable that requires grad into a plain tensor.
 *
 * Shapes: `value` broadcasts to the indexed region.
 *
 * @param target - The Variable (or tensor) to write into, in place.
 * @param index - PyTorch-style indices, as for {@link get}.
 * @param value - The values to write, broadcast to the indexed region's shape.
 * @returns `target` itself.
 * @see torch.Tensor.__setitem__
 * @example
 * ```ts
 * import { tensor, zeros } from '@torchlet/tensor';
 * import { set, variable } from '@torchlet/autograd';
 * const w = variable(tensor([2]), { requiresGrad: true });
 * const Y = variable(zeros([3]));
 * set(Y, '1', w.mul(5));
 * Y.toArray(); // -> [0, 10, 0]
 * Y.sum().backward();
 * w.grad?.toArray(); // -> [5]
 * ```
 */
export function set<V extends VariableOrTensor>(target: V, index: T.Index, value: VariableLike | boolean): V {
  const val = isVariable(value) ? value : null;
  const rawValue = val === null ? (value as T.Tensor | number | boolean) : val.data;
  if (!isVariable(target)) {
    if (val?.requiresGrad && isGradEnabled()) {
      T.fail(
        'set',
        'self',
        `cannot record writing a Variable that requires grad into a plain tensor (shape ${T.formatShape((target as T.Tensor).shape)}); wrap the target with variable(t) first`,
      );
    }
    T.set(target as T.Tensor, index, rawValue);
    return target;
  }
  const recording = isGradEnabled() && (target.requiresGrad || val?.requiresGrad === true);
  if (isGradEnabled() && target.isLeaf && target.requiresGrad) {
    T.fail(
      'set',
      'self',
      `a leaf Variable that requires grad is being used in an in-place operation (shape ${T.formatShape(target.shape)}); write under noGrad(() => ...) or into a copy`,
    );
  }
  if (recording && target._base !== null) {
    T.fail(
      'set',
      'self',
      `in-place writes into a view of another Variable are not recorded (view shape ${T.formatShape(target.shape)}); write into the Variable itself with the combined index`,
    );
  }
  if (recording && val !== null) val._checkFreshView('set');
  const previous = recording ? new Variable(target.data, target._gradFn, target.requiresGrad) : null;
  const valueShape = val === null ? [] : val.shape;
  T.set(target.data, index, rawValue);
  if (!recording) return target;
  rebase(target, 'set', [previous, val], (g, needs) => [
    needs[0] ? set(clone(g), index, 0) : null,
    needs[1] ? sumToShape(get(g, index), valueShape) : null,
  ]);
  return target;
}
