import { fail, formatShape, formatValue } from './errors.js';

/**
 * A tensor's shape: one non-negative integer size per dimension.
 *
 * @example
 * ```ts
 * import { type Shape, zeros } from '@torchlet/tensor';
 * const shape: Shape = [2, 3];
 * zeros(shape).numel; // -> 6
 * ```
 */
export type Shape = readonly number[];

/**
 * Row-major (C order) strides for `shape`, in elements.
 *
 * @param shape - The dimension sizes.
 * @returns The row-major strides, e.g. `[12, 4, 1]` for `[2, 3, 4]`.
 * @example
 * ```ts
 * import { contiguousStrides } from '@torchlet/tensor';
 * contiguousStrides([2, 3, 4]); // -> [12, 4, 1]
 * ```
 */
export function contiguousStrides(shape: Shape): number[] {
  checkSizes('contiguousStrides', 'shape', shape);
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

/**
 * The number of elements in a tensor of this shape (1 for a scalar `[]`).
 *
 * @param shape - The dimension sizes.
 * @returns The number of elements (1 for `[]`).
 * @example
 * ```ts
 * import { shapeSize } from '@torchlet/tensor';
 * shapeSize([2, 3, 4]); // -> 24
 * ```
 */
export function shapeSize(shape: Shape): number {
  if (!Array.isArray(shape)) fail('shapeSize', 'shape', `expected an array of sizes, got ${formatValue(shape)}`);
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/**
 * Checks that every size is a non-negative integer; names `fn` and `arg` otherwise.
 *
 * @param fn - The public function, named in the error.
 * @param arg - The argument, named in the error.
 * @param shape - The shape to check: non-negative integers.
 * @returns A copy of the shape; a bad one is a `TorchletError`.
 * @example
 * ```ts
 * import { checkShape } from '@torchlet/tensor';
 * checkShape('zeros', 'shape', [2, 3]); // -> [2, 3]
 * ```
 */
export function checkShape(fn: string, arg: string, shape: readonly number[]): number[] {
  if (!Array.isArray(shape)) fail(fn, arg, `expected an array of sizes, got ${formatValue(shape)}`);
  for (const s of shape) {
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0) {
      fail(fn, arg, `sizes must be non-negative integers, got ${formatShape(shape)}`);
    }
  }
  return [...shape];
}

/**
 * Normalises a possibly negative dimension index into `[0, ndim)`, as PyTorch does.
 *
 * @param fn - The public function, named in the error.
 * @param dim - The dimension, in `[-ndim, ndim)`.
 * @param ndim - The number of dimensions.
 * @param arg - The argument, named in the error. Default `'dim'`.
 * @returns The dimension in `[0, ndim)`; out of range is a `TorchletError`.
 * @example
 * ```ts
 * import { normalizeDim } from '@torchlet/tensor';
 * normalizeDim('sum', -1, 3); // -> 2
 * ```
 */
export function normalizeDim(fn: string, dim: number, ndim: number, arg = 'dim'): number {
  if (typeof ndim !== 'number' || !Number.isInteger(ndim) || ndim < 0) {
    fail(fn, 'ndim', `ndim must be a non-negative integer, got ${formatValue(ndim)}`);
  }
  const lo = ndim === 0 ? -1 : -ndim;
  const hi = ndim === 0 ? 0 : ndim - 1;
  if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < lo || dim > hi) {
    fail(fn, arg, `dimension out of range (expected to be in range of [${lo}, ${hi}], but got ${formatValue(dim)})`);
  }
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}

/**
 * The shape two shapes broadcast to under NumPy/PyTorch rules, or a named error.
 *
 * @param fn - The public function, named in the error.
 * @param a - The first shape.
 * @param b - The second shape.
 * @returns The broadcast shape (NumPy/PyTorch rules); incompatible shapes are a `TorchletError`.
 * @example
 * ```ts
 * import { broadcastShapes } from '@torchlet/tensor';
 * broadcastShapes('add', [3, 1], [1, 4]); // -> [3, 4]
 * ```
 */
export function broadcastShapes(fn: string, a: Shape, b: Shape): number[] {
  checkSizes(fn, 'a', a);
  checkSizes(fn, 'b', b);
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      fail(
        fn,
        '',
        `shapes ${formatShape(a)} and ${formatShape(b)} do not broadcast (size ${da} vs ${db} at dimension ${i})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * True when both shapes have the same sizes.
 *
 * @param a - The first shape.
 * @param b - The second shape.
 * @returns `true` when both have the same sizes in the same order.
 * @example
 * ```ts
 * import { shapesEqual } from '@torchlet/tensor';
 * shapesEqual([2, 3], [2, 3]); // -> true
 * ```
 */
export function shapesEqual(a: Shape, b: Shape): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return false;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Rejects anything but an array of non-negative integers (what every shape helper iterates). */
function checkSizes(fn: string, arg: string, shape: unknown): void {
  if (!Array.isArray(shape) || !shape.every((s) => typeof s === 'number' && Number.isInteger(s) && s >= 0)) {
    fail(fn, arg, `expected an array of non-negative integer sizes, got ${formatValue(shape)}`);
  }
}
