import * as T from '@torchlet/tensor';
import { record } from '../graph.js';
import type { Variable, VariableOrTensor } from '../variable.js';
import { indexBackward } from './indexing.js';
import { input, rawTensor, sumToShape } from './util.js';

// Views and copies. A view's gradient is the inverse view of the output's gradient (reshape
// back, transpose back, inverse permutation, sum over expanded dimensions). Outputs that share
// storage with their input are marked as views, so in-place writes through them are checked.

function viewOf(x: VariableOrTensor, out: T.Tensor): Variable | undefined {
  const v = input(x);
  return v !== null && out.storage === v.data.storage ? v : undefined;
}

/**
 * Same elements in a new shape (`-1` infers one size): a view when the layout allows it.
 * Gradient: `g` reshaped back.
 *
 * Shapes: `[...]` -> `shape` (same number of elements).
 *
 * @param x - A Variable or tensor.
 * @param shape - The new shape, with as many elements; one entry may be `-1` (inferred).
 * @returns A view when the layout allows it, else a copy.
 * @see torch.reshape
 * @example
 * ```ts
 * import { arange } from '@torchlet/tensor';
 * import { reshape, variable } from '@torchlet/autograd';
 * const x = variable(arange(6), { requiresGrad: true });
 * reshape(x, [2, -1]).shape; // -> [2, 3]
 * ```
 */
export function reshape(x: VariableOrTensor, shape: readonly number[]): Variable {
  const t = rawTensor(x);
  const out = T.reshape(t, shape);
  const s = t.shape;
  return record('reshape', out, [input(x)], (g) => [reshape(g, s)], { viewOf: viewOf(x, out) });
}

/**
 * Like {@link reshape} but never copies (throws when the layout does not allow a view).
 *
 * Shapes: `[...]` -> `shape`.
 *
 * @param x - A Variable or tensor whose layout allows the view.
 * @param shape - The new shape, with as many elements; one entry may be `-1` (inferred).
 * @returns A view of `x`'s storage.
 * @see torch.Tensor.view
 * @example
 * ```ts
 * import { arange } from '@torchlet/tensor';
 * import { variable, view } from '@torchlet/autograd';
 * view(variable(arange(4)), [2, 2]).toArray(); // -> [[0, 1], [2, 3]]
 * ```
 */
export function view(x: VariableOrTensor, shape: readonly number[]): Variable {
  const t = rawTensor(x);
  const out = T.view(t, shape);
  const s = t.shape;
  return record('view', out, [input(x)], (g) => [reshape(g, s)], { viewOf: viewOf(x, out) });
}

/**
 * Transpose of a tensor with at most 2 dimensions (a view). Gradient: `t(g)`.
 *
 * Shapes: `[m, n]` -> `[n, m]`.
 *
 * @param x - A matrix `[m, n]` (or a 0-d or 1-d Variable, returned as is).
 * @returns The transpose `[n, m]`, a view.
 * @see torch.t
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { t, variable } from '@torchlet/autograd';
 * t(variable(tensor([[1, 2]]))).toArray(); // -> [[1], [2]]
 * ```
 */
export function t(x: VariableOrTensor): Variable {
  const out = T.t(rawTensor(x));
  return record('t', out, [input(x)], (g) => [t(g)], { viewOf: viewOf(x, out) });
}

/**
 * Swaps two dimensions (a view). Gradient: `g` with the same dimensions swapped back.
 *
 * Shapes: `[..., a, ..., b, ...]` -> `[..., b, ..., a, ...]`.
 *
 * @param x - A Variable or tensor.
 * @param dim0 - The first dimension to swap.
 * @param dim1 - The second dimension to swap.
 * @returns A view with the two dimensions swapped.
 * @see torch.transpose
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { transpose, variable } from '@torchlet/autograd';
 * transpose(variable(zeros([2, 3, 4])), 0, 2).shape; // -> [4, 3, 2]
 * ```
 */
export function transpose(x: VariableOrTensor, dim0: number, dim1: number): Variable {
  const out = T.transpose(rawTensor(x), dim0, dim1);
  return record('transpose', out, [input(x)], (g) => [transpose(g, dim0, dim1)], {
    viewOf: viewOf(x, out),
    attrs: { dim0, dim1 },
  });
}

/**
 * Reorders the dimensions (a view). Gradient: `g` permuted by the inverse permutation.
 *
 * Shapes: `[s0, s1, ...]` -> `[s[dims[0]], s[dims[1]], ...]`.
 *
 * @param x - A Variable or tensor.
 * @param dims - The new order of the dimensions, a permutation of `0..ndim-1`.
 * @returns A view with the dimensions reordered.
 * @see torch.permute
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { permute, variable } from '@torchlet/autograd';
 * permute(variable(zeros([2, 3, 4])), [2, 0, 1]).shape; // -> [4, 2, 3]
 * ```
 */
export function permute(x: VariableOrTensor, dims: readonly number[]): Variable {
  const t0 = rawTensor(x);
  const out = T.permute(t0, dims);
  return record(
    'permute',
    out,
    [input(x)],
    (g) => {
      const inverse = new Array<number>(dims.length);
      dims.forEach((d, i) => {
        inverse[T.normalizeDim('permute', d, t0.ndim)] = i;
      });
      return [permute(g, inverse)];
    },
    { viewOf: viewOf(x, out), attrs: { dims } },
  );
}

/**
 * Broadcasts size-1 dimensions to `shape` without copying (`-1` keeps a size). Gradient: `g`
 * summed over the expanded dimensions.
 *
 * Shapes: `[...]` -> `shape`.
 *
 * @param x - A Variable or tensor.
 * @param shape - The target shape: size-1 dimensions may grow, `-1` keeps a size, new leading dimensions may be
 *   added.
 * @returns A view repeating `x` without copying (stride 0).
 * @see torch.Tensor.expand
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { expand, variable } from '@torchlet/autograd';
 * const x = variable(tensor([[1], [2]]), { requiresGrad: true });
 * expand(x, [2, 3]).sum().backward();
 * x.grad?.toArray(); // -> [[3], [3]]
 * ```
 */
export function expand(x: VariableOrTensor, shape: readonly number[]): Variable {
  const t0 = rawTensor(x);
  const out = T.expand(t0, shape);
  const s = t0.shape;
  return record('expand', out, [input(x)], (g) => [sumToShape(g, s)], { viewOf: viewOf(x, out) });
}

/**
 * Removes size-1 dimensions (all, or the given ones). Gradient: `g` reshaped back.
 *
 * Shapes: `[1, n, 1]` -> `[n]`.
 *
 * @param x - A Variable or tensor.
 * @param dim - The dimension(s) to remove when of size 1; omitted: every size-1 dimension.
 * @returns A view without those dimensions.
 * @see torch.squeeze
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { squeeze, variable } from '@torchlet/autograd';
 * squeeze(variable(zeros([1, 3, 1]))).shape; // -> [3]
 * ```
 */
export function squeeze(x: VariableOrTensor, dim?: number | readonly number[]): Variable {
  const t0 = rawTensor(x);
  const out = T.squeeze(t0, dim);
  const s = t0.shape;
  return record('squeeze', out, [input(x)], (g) => [reshape(g, s)], { viewOf: viewOf(x, out) });
}

/**
 * Inserts a size-1 dimension at `dim`. Gradient: `g` reshaped back.
 *
 * Shapes: `[n]` -> `[1, n]` for `dim = 0`.
 *
 * @param x - A Variable or tensor.
 * @param dim - Where the new size-1 dimension goes, in `[-ndim - 1, ndim]`.
 * @returns A view with one more dimension.
 * @see torch.unsqueeze
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { unsqueeze, variable } from '@torchlet/autograd';
 * unsqueeze(variable(zeros([3])), -1).shape; // -> [3, 1]
 * ```
 */
export function unsqueeze(x: VariableOrTensor, dim: number): Variable {
  const t0 = rawTensor(x);
  const out = T.unsqueeze(t0, dim);
  const s = t0.shape;
  return record('unsqueeze', out, [input(x)], (g) => [reshape(g, s)], { viewOf: viewOf(x, out) });
}

/**
 * Flattens dimensions `startDim..endDim` into one. Gradient: `g` reshaped back.
 *
 * Shapes: `[2, 3, 4]` -> `[24]` (defaults).
 *
 * @param x - A Variable or tensor.
 * @param startDim - The first dimension to merge. Default `0`.
 * @param endDim - The last dimension to merge. Default `-1`.
 * @returns `x` with those dimensions merged into one (a view when possible).
 * @see torch.flatten
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { flatten, variable } from '@torchlet/autograd';
 * flatten(variable(zeros([2, 3, 4])), 1).shape; // -> [2, 12]
 * ```
 */
export function flatten(x: VariableOrTensor, startDim = 0, endDim = -1): Variable {
  const t0 = rawTensor(x);
  const out = T.flatten(t0, startDim, endDim);
  const s = t0.shape;
  return record('flatten', out, [input(x)], (g) => [reshape(g, s)], { viewOf: viewOf(x, out) });
}

/**
 * The slice `start..start+length` of dimension `dim` (a view). Gradient: `g` placed into zeros
 * of the input's shape.
 *
 * Shapes: `[..., n, ...]` -> `[..., length, ...]`.
 *
 * @param x - A Variable or tensor.
 * @param dim - The dimension to narrow.
 * @param start - The first index kept (negative counts from the end).
 * @param length - How many indices to keep.
 * @returns A view of `length` elements along `dim`.
 * @see torch.narrow
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { narrow, variable } from '@torchlet/autograd';
 * const x = variable(tensor([1, 2, 3, 4]), { requiresGrad: true });
 * narrow(x, 0, 1, 2).sum().backward();
 * x.grad?.toArray(); // -> [0, 1, 1, 0]
 * ```
 */
export function narrow(x: VariableOrTensor, dim: number, start: number, length: number): Variable {
  const t0 = rawTensor(x);
  const out = T.narrow(t0, dim, start, length);
  const s = t0.shape;
  return record(
    'narrow',
    out,
    [input(x)],
    (g) => {
      const d = T.normalizeDim('narrow', dim, s.length);
      const begin = start < 0 ? start + s[d] : start;
      const index: T.IndexItem[] = s.map((_, i) => (i === d ? T.slice(begin, begin + length) : T.slice()));
      return [indexBackward(g, s, index)];
    },
    { viewOf: viewOf(x, out), attrs: { dim, start, length } },
  );
}

/**
 * A copy with its own storage. Gradient: `g`.
 *
 * Shapes: same as the input.
 *
 * @param x - A Variable or tensor.
 * @returns A copy with its own storage; gradients flow back to `x`.
 * @see torch.clone
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { clone, variable } from '@torchlet/autograd';
 * const x = variable(tensor([1, 2]));
 * clone(x).data.data === x.data.data; // -> false
 * ```
 */
export function clone(x: VariableOrTensor): Variable {
  return record('clone', T.clone(rawTensor(x)), [input(x)], (g) => [g]);
}

/**
 * The input itself when already row-major contiguous, else a contiguous copy. Gradient: `g`.
 *
 * Shapes: same as the input.
 *
 * @param x - A Variable or tensor.
 * @returns `x` when already row-major contiguous, else a contiguous copy.
 * @see torch.Tensor.contiguous
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { contiguous, variable } from '@torchlet/autograd';
 * contiguous(variable(tensor([[1, 2], [3, 4]])).t()).data.strides; // -> [2, 1]
 * ```
 */
export function contiguous(x: VariableOrTensor): Variable {
  const t0 = rawTensor(x);
  const out = T.contiguous(t0);
  return record('contiguous', out, [input(x)], (g) => [g], { viewOf: viewOf(x, out) });
}

/**
 * A copy converted to `dtype` (the input itself when it already has it). Gradient: `g`
 * converted back to the input's dtype.
 *
 * Shapes: same as the input.
 *
 * @param x - A Variable or tensor.
 * @param dtype - The element type to convert to (`'float32'`, `'float64'`, `'int32'`, `'bool'`, ...).
 * @returns A converted copy (`x` itself when the dtype is already `dtype`); gradients flow back between float
 *   types.
 * @see torch.Tensor.to
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { to, variable } from '@torchlet/autograd';
 * const x = variable(tensor([1, 2]), { requiresGrad: true });
 * to(x, 'float64').sum().backward();
 * x.grad?.dtype; // -> 'float32'
 * ```
 */
export function to(x: VariableOrTensor, dtype: T.DType | T.Device): Variable {
  const t0 = rawTensor(x);
  if (dtype === 'cpu' || dtype === 'webgpu') return toDevice(x, t0, dtype);
  const out = t0.to(dtype);
  const from = t0.dtype;
  return record('to', out, [input(x)], (g) => [to(g, from)], { viewOf: viewOf(x, out) });
}

/**
 * `x` moved to `device`. The move is not differentiable: a gradient coming back from webgpu would
 * have to be read synchronously. Move tensors (and modules) before building the graph instead.
 */
function toDevice(x: VariableOrTensor, t0: T.Tensor, device: T.Device): Variable {
  const v = input(x);
  if (t0.device !== device && v !== null && v.requiresGrad) {
    T.fail(
      'to',
      'device',
      `a Variable that requires grad cannot move between devices (reading the GPU back is asynchronous); move the tensor before building the graph, e.g. variable(t.to('${device}'), { requiresGrad: true }), and modules with module.to('${device}')`,
    );
  }
  return record('to', t0.to(device), [v], (g) => [g]);
}

/** PyTorch's printed form of a Variable: the tensor plus `requires_grad=True` or `grad_fn=<...>`. */
export function formatVariable(v: Variable): string {
  const suffixes: string[] = [];
  const fn = v.gradFn;
  if (fn !== null) suffixes.push(`grad_fn=<${fn.name[0].toUpperCase()}${fn.name.slice(1)}Backward0>`);
  else if (v.requiresGrad) suffixes.push('requires_grad=True');
  return T.formatTensor(v.data, { suffixes });
}
