import * as T from '@torchlet/tensor';
import { isGradEnabled } from '../grad-mode.js';
import { record } from '../graph.js';
import type { Variable, VariableOrTensor } from '../variable.js';
import { div, mul, sub, where } from './elementwise.js';
import { cat } from './join.js';
import { extremumGradOnDevice } from './reduce-device.js';
import { flip } from './structure.js';
import { input, rawTensor } from './util.js';
import { expand, narrow, reshape, unsqueeze } from './views.js';

// Reductions. The gradient of a reduction broadcasts the output's gradient back over the reduced
// dimensions (`expandBack`), then weights it by the local derivative.

/** The reduced dimensions of an `ndim`-D input, normalised, in order. */
function reducedDims(fn: string, dims: T.Dims, ndim: number): number[] {
  if (dims === null || dims === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dims === 'number' ? [dims] : [...dims];
  if (list.length === 0) return Array.from({ length: ndim }, (_, i) => i);
  return list.map((d) => T.normalizeDim(fn, d, Math.max(ndim, 1))).filter((d) => d < ndim);
}

/** The input shape with the reduced dimensions set to 1 (the keepdim shape). */
function keptShape(shape: readonly number[], dims: readonly number[]): number[] {
  return shape.map((s, i) => (dims.includes(i) ? 1 : s));
}

/** Broadcasts the gradient of a reduction over `dims` back to the input's shape. */
function expandBack(g: Variable, shape: readonly number[], dims: readonly number[]): Variable {
  const kept = keptShape(shape, dims);
  const r = T.shapesEqual(g.shape, kept) ? g : reshape(g, kept);
  return T.shapesEqual(kept, shape) ? r : expand(r, shape);
}

function count(shape: readonly number[], dims: readonly number[]): number {
  return dims.reduce((n, d) => n * shape[d], 1);
}

/**
 * Sum of all elements, or over `dims` (`keepdim` keeps them as size 1). Gradient: `g`
 * broadcast back over the reduced dimensions.
 *
 * Shapes: `[...]` -> `[]`, or the input shape without `dims`.
 *
 * @param x - A Variable or tensor.
 * @param dims - The dimension or dimensions to reduce; omitted or `null` for all.
 * @param options - `keepdim` (keep reduced dimensions with size 1). Default `false`.
 * @returns The sums; a 0-d Variable when reducing everything.
 * @see torch.sum
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { sum, variable } from '@torchlet/autograd';
 * const x = variable(tensor([[1, 2], [3, 4]]), { requiresGrad: true });
 * const s = sum(x, 1);
 * s.toArray(); // -> [3, 7]
 * s.backward(tensor([1, 10]));
 * x.grad?.toArray(); // -> [[1, 1], [10, 10]]
 * ```
 */
export function sum(x: VariableOrTensor, dims?: T.Dims, options: T.ReduceOptions = {}): Variable {
  const t = rawTensor(x);
  const out = T.sum(t, dims, options);
  const d = reducedDims('sum', dims, t.ndim);
  const shape = t.shape;
  return record('sum', out, [input(x)], (g) => [expandBack(g, shape, d)], {
    attrs: { dims: d, keepdim: options.keepdim ?? false },
  });
}

/**
 * Mean of all elements, or over `dims`. Gradient: `g / n` broadcast back, `n` the number of
 * elements averaged.
 *
 * Shapes: `[...]` -> `[]`, or the input shape without `dims`.
 *
 * @param x - A Variable or tensor (float).
 * @param dims - The dimension or dimensions to reduce; omitted or `null` for all.
 * @param options - `keepdim` (keep reduced dimensions with size 1). Default `false`.
 * @returns The means; a 0-d Variable when reducing everything.
 * @see torch.mean
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { mean, variable } from '@torchlet/autograd';
 * const x = variable(tensor([1, 2, 3, 6]), { requiresGrad: true });
 * mean(x).backward();
 * x.grad?.toArray(); // -> [0.25, 0.25, 0.25, 0.25]
 * ```
 */
export function mean(x: VariableOrTensor, dims?: T.Dims, options: T.ReduceOptions = {}): Variable {
  const t = rawTensor(x);
  const out = T.mean(t, dims, options);
  const d = reducedDims('mean', dims, t.ndim);
  const shape = t.shape;
  const n = count(shape, d);
  return record('mean', out, [input(x)], (g) => [div(expandBack(g, shape, d), n)], {
    attrs: { dims: d, keepdim: options.keepdim ?? false },
  });
}

function extremum(
  name: 'max' | 'min',
  x: VariableOrTensor,
  dim: number | null | undefined,
  options: T.ReduceOptions,
): Variable {
  const t = rawTensor(x);
  const out = name === 'max' ? T.max(t, dim, options) : T.min(t, dim, options);
  const shape = t.shape;
  if (dim === null || dim === undefined) {
    // All elements: ties share the gradient evenly (PyTorch's evenly_distribute_backward).
    return record(
      name,
      out,
      [input(x)],
      (g, _n, o) => {
        // A NaN result comes from the NaN elements, which share the gradient (as PyTorch).
        if (t.device === 'webgpu') {
          // no synchronous read on the device: both masks, picked by the result, and a tensor count
          const mask = T.where(T.ne(o.data, o.data), T.ne(t, t), T.eq(t, o.data));
          return [where(mask, div(reshape(g, []), T.sum(mask.to('float32'))), 0)];
        }
        const mask = Number.isNaN(o.data.item()) ? T.ne(t, t) : T.eq(t, o.data);
        const ties = T.sum(mask).item();
        return [where(mask, div(reshape(g, []), ties), 0)];
      },
      { save: [x], saveOutput: true, attrs: { dims: null, keepdim: false } },
    );
  }
  const d = T.normalizeDim(name, dim, Math.max(t.ndim, 1));
  return record(
    name,
    out,
    [input(x)],
    (g) => {
      // Along a dimension: the gradient goes to the selected element (the first on ties), as PyTorch.
      if (t.ndim === 0) return [reshape(g, [])];
      if (t.device === 'webgpu') return [extremumGradOnDevice(name, t, d, options.keepdim ? g : unsqueeze(g, d))];
      const index = name === 'max' ? T.argmax(t, d, { keepdim: true }) : T.argmin(t, d, { keepdim: true });
      const positions = T.arange(shape[d], undefined, 1, { dtype: 'int32' }).reshape(
        shape.map((s, i) => (i === d ? s : 1)),
      );
      const gk = options.keepdim ? g : unsqueeze(g, d);
      return [where(T.eq(positions, index), gk, 0)];
    },
    { save: [x], attrs: { dims: [d], keepdim: options.keepdim ?? false } },
  );
}

/**
 * Largest element (0-d), or the largest values along `dim`. Gradient: to the maximum (shared
 * evenly among ties for the full reduction; to the first maximum along a dimension, as PyTorch).
 *
 * Shapes: `[...]` -> `[]`, or the input shape without `dim`.
 *
 * @param x - A Variable or tensor.
 * @param dim - The dimension to reduce; omitted or `null` for all.
 * @param options - `keepdim` (keep the reduced dimension with size 1). Default `false`.
 * @returns The maxima (values only; use the tensor's `argmax` for the indices).
 * @see torch.max, torch.amax
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { max, variable } from '@torchlet/autograd';
 * const x = variable(tensor([[1, 5], [7, 2]]), { requiresGrad: true });
 * max(x, 1).sum().backward();
 * x.grad?.toArray(); // -> [[0, 1], [1, 0]]
 * ```
 */
export function max(x: VariableOrTensor, dim?: number | null, options: T.ReduceOptions = {}): Variable {
  return extremum('max', x, dim, options);
}

/**
 * Smallest element (0-d), or the smallest values along `dim`. Gradient: to the minimum (shared
 * evenly among ties for the full reduction; to the first minimum along a dimension).
 *
 * Shapes: `[...]` -> `[]`, or the input shape without `dim`.
 *
 * @param x - A Variable or tensor.
 * @param dim - The dimension to reduce; omitted or `null` for all.
 * @param options - `keepdim` (keep the reduced dimension with size 1). Default `false`.
 * @returns The minima (values only; use the tensor's `argmin` for the indices).
 * @see torch.min, torch.amin
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { min, variable } from '@torchlet/autograd';
 * const x = variable(tensor([3, 1, 1]), { requiresGrad: true });
 * min(x).backward();
 * x.grad?.toArray(); // -> [0, 0.5, 0.5]
 * ```
 */
export function min(x: VariableOrTensor, dim?: number | null, options: T.ReduceOptions = {}): Variable {
  return extremum('min', x, dim, options);
}

/** Exclusive cumulative product along `d`: `[1, x0, x0*x1, ...]` (differentiable). */
function exclusiveCumprod(x: Variable, d: number): Variable {
  const n = x.shape[d];
  const oneShape = x.shape.map((s, i) => (i === d ? 1 : s));
  const ones = T.ones(oneShape, { dtype: x.dtype, device: x.data.device });
  if (n <= 1) return expand(reshape(ones, oneShape), x.shape);
  return cumprod(cat([ones, narrow(x, d, 0, n - 1)], d), d);
}

/**
 * Product of all elements, or along `dim`. Gradient: `g` times the product of the other
 * elements, computed without dividing (so zeros are handled exactly).
 *
 * Shapes: `[...]` -> `[]`, or the input shape without `dim`.
 *
 * @param x - A Variable or tensor.
 * @param dim - The dimension to reduce; omitted or `null` for all.
 * @param options - `keepdim` (keep the reduced dimension with size 1). Default `false`.
 * @returns The products; a 0-d Variable when reducing everything.
 * @see torch.prod
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { prod, variable } from '@torchlet/autograd';
 * const x = variable(tensor([2, 0, 4]), { requiresGrad: true });
 * prod(x).backward();
 * x.grad?.toArray(); // -> [0, 8, 0]
 * ```
 */
export function prod(x: VariableOrTensor, dim?: number | null, options: T.ReduceOptions = {}): Variable {
  const t = rawTensor(x);
  const out = T.prod(t, dim, options);
  const shape = t.shape;
  const all = dim === null || dim === undefined;
  const d = all || t.ndim === 0 ? 0 : T.normalizeDim('prod', dim, t.ndim);
  return record(
    'prod',
    out,
    [input(x)],
    (g) => {
      const xv = input(x) as Variable;
      const flat = all || t.ndim === 0 ? reshape(xv, [-1]) : xv;
      const others = mul(exclusiveCumprod(flat, d), flip(exclusiveCumprod(flip(flat, d), d), d));
      if (all || t.ndim === 0) return [reshape(mul(others, reshape(g, [])), shape)];
      const gk = options.keepdim ? g : unsqueeze(g, d);
      return [mul(others, gk)];
    },
    { save: [x] },
  );
}

function varianceLike(name: 'var' | 'std', x: VariableOrTensor, dims: T.Dims, options: T.VarianceOptions): Variable {
  const t = rawTensor(x);
  const out = name === 'var' ? T.variance(t, dims, options) : T.std(t, dims, options);
  const d = reducedDims(name, dims, t.ndim);
  const shape = t.shape;
  const denom = count(shape, d) - (options.correction ?? 1);
  return record(
    name,
    out,
    [input(x)],
    (g, _n, o) => {
      const xv = input(x) as Variable;
      const centered = sub(xv, mean(xv, d, { keepdim: true }));
      if (name === 'var') return [mul(expandBack(g, shape, d), div(centered, denom / 2))];
      // std = 0 (a constant slice): gradient 0 there, as PyTorch's masked_fill, not 0 / 0.
      const std = expandBack(o, shape, d);
      const gOverStd = where(T.eq(std.data, 0), 0, div(expandBack(g, shape, d), std));
      return [mul(gOverStd, div(centered, denom))];
    },
    { save: [x], saveOutput: name === 'std' },
  );
}

/**
 * Variance over all elements or `dims`, dividing by `N - correction` (default 1). Gradient:
 * `g * 2 (x - mean) / (N - correction)`. (`var` is a JavaScript keyword, hence the name; the
 * Variable method is `x.var()`.)
 *
 * Shapes: `[...]` -> `[]`, or the input shape without `dims`.
 *
 * @param x - A Variable or tensor (float).
 * @param dims - The dimension or dimensions to reduce; omitted or `null` for all.
 * @param options - `correction` (divide by `n - correction`, default `1`) and `keepdim` (default `false`).
 * @returns The variances.
 * @see torch.var
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { variable, variance } from '@torchlet/autograd';
 * const x = variable(tensor([1, 3]), { requiresGrad: true });
 * variance(x).backward(); // var = ((1-2)^2 + (3-2)^2) / 1
 * x.grad?.toArray(); // -> [-2, 2]
 * ```
 */
export function variance(x: VariableOrTensor, dims?: T.Dims, options: T.VarianceOptions = {}): Variable {
  return varianceLike('var', x, dims, options);
}

/**
 * Standard deviation over all elements or `dims` (`correction` as {@link variance}). Gradient:
 * `g * (x - mean) / ((N - correction) * std)`.
 *
 * Shapes: `[...]` -> `[]`, or the input shape without `dims`.
 *
 * @param x - A Variable or tensor (float).
 * @param dims - The dimension or dimensions to reduce; omitted or `null` for all.
 * @param options - `correction` (divide by `n - correction`, default `1`) and `keepdim` (default `false`).
 * @returns The standard deviations.
 * @see torch.std
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { std, variable } from '@torchlet/autograd';
 * const x = variable(tensor([1, 3]), { requiresGrad: true });
 * std(x, null, { correction: 0 }).backward(); // std = 1
 * x.grad?.toArray(); // -> [-0.5, 0.5]
 * ```
 */
export function std(x: VariableOrTensor, dims?: T.Dims, options: T.VarianceOptions = {}): Variable {
  return varianceLike('std', x, dims, options);
}

/**
 * Cumulative sum along `dim`. Gradient: the reversed cumulative sum of `g`.
 *
 * Shapes: same as the input.
 *
 * @param x - A Variable or tensor.
 * @param dim - The dimension to accumulate along (negative counts from the end).
 * @returns The running sums, the shape of `x`.
 * @see torch.cumsum
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { cumsum, variable } from '@torchlet/autograd';
 * const x = variable(tensor([1, 2, 3]), { requiresGrad: true });
 * cumsum(x, 0).sum().backward();
 * x.grad?.toArray(); // -> [3, 2, 1]
 * ```
 */
export function cumsum(x: VariableOrTensor, dim: number): Variable {
  const t = rawTensor(x);
  const out = T.cumsum(t, dim);
  if (t.ndim === 0) return record('cumsum', out, [input(x)], (g) => [g]);
  const d = T.normalizeDim('cumsum', dim, t.ndim);
  return record('cumsum', out, [input(x)], (g) => [flip(cumsum(flip(g, d), d), d)]);
}

/**
 * Cumulative product along `dim`. Gradient: `sum_{j>=i} g_j * prod_{k<=j, k!=i} x_k`, computed
 * exactly even when the input holds zeros (an O(n^2) path is used for slices with zeros).
 *
 * Shapes: same as the input.
 *
 * @param x - A Variable or tensor.
 * @param dim - The dimension to accumulate along (negative counts from the end).
 * @returns The running products, the shape of `x`.
 * @see torch.cumprod
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { cumprod, variable } from '@torchlet/autograd';
 * const x = variable(tensor([2, 3, 4]), { requiresGrad: true });
 * cumprod(x, 0).sum().backward(); // outputs 2, 6, 24
 * x.grad?.toArray(); // -> [16, 10, 6]
 * ```
 */
export function cumprod(x: VariableOrTensor, dim: number): Variable {
  const t = rawTensor(x);
  const out = T.cumprod(t, dim);
  if (t.ndim === 0) return record('cumprod', out, [input(x)], (g) => [g]);
  const d = T.normalizeDim('cumprod', dim, t.ndim);
  return record(
    'cumprod',
    out,
    [input(x)],
    (g, _n, o) => {
      const xv = input(x) as Variable;
      const n = t.shape[d];
      // PyTorch's cumprod_backward: a dimension of size 1 passes the gradient through; without
      // zeros, sum_{j>=i} g_j out_j / x_i (infinities give what that division gives: NaN for
      // inf / inf); with zeros, the division up to each slice's first zero, the division-free
      // product at the first zero, and 0 after it.
      if (n === 1) return [g];
      // The device cannot be read synchronously to pick a branch: it takes the zeros formula,
      // which without zeros is the division one.
      const onDevice = t.device === 'webgpu';
      if (!onDevice && T.sum(T.eq(t, 0)).item() === 0) return [div(flip(cumsum(flip(mul(g, o), d), d), d), xv)];
      // Work on the last dimension: zerosUpTo counts the zeros at or before each position.
      const xl = xv.transpose(d, -1);
      const gl = g.transpose(d, -1);
      const ol = o.transpose(d, -1);
      // (counted in float32 on the device, which holds no int64; exact up to 2^24 zeros)
      const zerosUpTo = T.cumsum(onDevice ? T.eq(t, 0).to('float32') : T.eq(t, 0), d).transpose(d, -1);
      const before = T.eq(zerosUpTo, 0); // i < first zero
      const firstRun = T.eq(zerosUpTo, 1); // first zero <= i < second zero
      const isFirstZero = T.mul(firstRun, T.eq(t.transpose(d, -1), 0));
      const last = xl.ndim - 1;
      const idx = T.arange(n, undefined, 1, { dtype: 'int32' });
      const jGtI = T.gt(idx.reshape([1, n]), idx.reshape([n, 1])).to(t.device);
      const jGeI = T.ge(idx.reshape([1, n]), idx.reshape([n, 1])).to(t.device);
      const rows = [...xl.shape.slice(0, -1), n, n];
      const table = cumprod(where(jGtI, expand(unsqueeze(xl, -2), rows), 1), -1);
      if (isGradEnabled()) {
        // Building a graph (double backward): as PyTorch under grad mode, the division-free
        // formula over every j, differentiable in the zeros too.
        const all = sum(where(jGeI, mul(expand(unsqueeze(gl, -2), rows), table), 0), -1);
        return [mul(exclusiveCumprod(xl, last), all).transpose(d, -1)];
      }
      const w = where(before, mul(gl, ol), 0);
      // dividing by 1 elsewhere keeps the unselected branch finite (its gradient is 0, not 0 * inf)
      const beforeGrad = div(flip(cumsum(flip(w, last), last), last), where(before, xl, 1));
      // At the first zero: prefix * sum_{z1 <= j < z2} g_j prod_{z1<k<=j} x_k, with the [n, n]
      // table C[i, j] = prod_{i<k<=j} x_k.
      const inRun = T.mul(jGeI, T.unsqueeze(firstRun, -2));
      const s = sum(where(inRun, mul(expand(unsqueeze(gl, -2), rows), table), 0), -1);
      const atZero = mul(exclusiveCumprod(xl, last), s);
      return [where(before, beforeGrad, where(isFirstZero, atZero, 0)).transpose(d, -1)];
    },
    { save: [x], saveOutput: true },
  );
}
