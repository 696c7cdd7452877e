import { gpuFlip, gpuRoll, gpuTriangle } from './device/gpu-structure.js';
import { allocStorage } from './dtype.js';
import { fail, formatShape, formatValue } from './errors.js';
import { normalizeDim } from './shape.js';
import { copyStridedInto } from './strided.js';
import { isTensor, Tensor } from './tensor.js';
import { clone, reshape } from './views.js';

function checkTensor(fn: string, x: unknown): asserts x is Tensor {
  if (!isTensor(x)) fail(fn, 'input', `expected a tensor, got ${formatValue(x)}`);
}

function dimList(dims: number | readonly number[], fn = 'flip', arg = 'dims'): readonly number[] {
  if (typeof dims === 'number') return [dims];
  if (!Array.isArray(dims)) fail(fn, arg, `expected a dimension or an array of dimensions, got ${formatValue(dims)}`);
  return dims;
}

/** A copy of `t` with the elements on one side of a diagonal of the last two dimensions zeroed. */
function triangle(fn: string, t: Tensor, diagonal: number, lower: boolean): Tensor {
  checkTensor(fn, t);
  if (t.ndim < 2) {
    fail(
      fn,
      'input',
      `expected a tensor with at least 2 dimensions, but got ${t.ndim} (input ${formatShape(t.shape)})`,
    );
  }
  if (!Number.isInteger(diagonal)) fail(fn, 'diagonal', `expected an integer, got ${diagonal}`);
  if (t.gpuBuffer !== null) return gpuTriangle(t, diagonal, lower);
  const out = clone(t);
  const data = out.data;
  const zero = (data instanceof BigInt64Array ? 0n : 0) as never; // int64 storage holds bigints
  const rows = t.shape[t.ndim - 2];
  const cols = t.shape[t.ndim - 1];
  const matrix = rows * cols;
  for (let base = 0; base < data.length; base += matrix) {
    for (let i = 0; i < rows; i++) {
      const row = base + i * cols;
      // tril keeps column j <= i + diagonal, triu keeps j >= i + diagonal
      if (lower) data.fill(zero, row + Math.min(cols, Math.max(0, i + diagonal + 1)), row + cols);
      else data.fill(zero, row, row + Math.min(cols, Math.max(0, i + diagonal)));
    }
  }
  return out;
}

/**
 * The lower triangle of the last two dimensions: keeps element `(i, j)` when `j <= i + diagonal`,
 * zeroes the rest. Batched over leading dimensions; returns a copy.
 *
 * Shapes: `[..., m, n]` -> `[..., m, n]`.
 *
 * @param t - A matrix `[m, n]` or a batch `[..., m, n]`.
 * @param diagonal - The last diagonal kept: `0` the main one, positive above, negative below. Default `0`.
 * @returns A new tensor of `t`'s shape with the elements above that diagonal zeroed.
 * @see torch.tril
 * @example
 * ```ts
 * import { ones, tril } from '@torchlet/tensor';
 * tril(ones([3, 3])).toArray(); // -> [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
 * tril(ones([2, 3]), 1).toArray(); // -> [[1, 1, 0], [1, 1, 1]]
 * ```
 */
export function tril(t: Tensor, diagonal = 0): Tensor {
  return triangle('tril', t, diagonal, true);
}

/**
 * The upper triangle of the last two dimensions: keeps element `(i, j)` when `j >= i + diagonal`,
 * zeroes the rest. Batched over leading dimensions; returns a copy.
 *
 * Shapes: `[..., m, n]` -> `[..., m, n]`.
 *
 * @param t - A matrix `[m, n]` or a batch `[..., m, n]`.
 * @param diagonal - The first diagonal kept: `0` the main one, positive above, negative below. Default `0`.
 * @returns A new tensor of `t`'s shape with the elements below that diagonal zeroed.
 * @see torch.triu
 * @example
 * ```ts
 * import { ones, triu } from '@torchlet/tensor';
 * triu(ones([3, 3])).toArray(); // -> [[1, 1, 1], [0, 1, 1], [0, 0, 1]]
 * triu(ones([3, 3]), -1).toArray(); // -> [[1, 1, 1], [1, 1, 1], [0, 1, 1]]
 * ```
 */
export function triu(t: Tensor, diagonal = 0): Tensor {
  return triangle('triu', t, diagonal, false);
}

/**
 * Reverses the order of elements along the given dimensions. Returns a copy, as PyTorch does
 * (unlike NumPy's `flip`, which returns a view).
 *
 * Shapes: any -> same.
 *
 * @param t - The tensor to flip.
 * @param dims - The dimension or dimensions to reverse.
 * @returns A new tensor of `t`'s shape.
 * @see torch.flip
 * @example
 * ```ts
 * import { arange, flip } from '@torchlet/tensor';
 * const x = arange(6).reshape([2, 3]);
 * flip(x, 1).toArray(); // -> [[2, 1, 0], [5, 4, 3]]
 * flip(x, [0, 1]).toArray(); // -> [[5, 4, 3], [2, 1, 0]]
 * ```
 */
export function flip(t: Tensor, dims: number | readonly number[]): Tensor {
  checkTensor('flip', t);
  const list = dimList(dims);
  const flipped = new Array<boolean>(Math.max(t.ndim, 1)).fill(false);
  for (const dim of list) {
    const d = normalizeDim('flip', dim, t.ndim, 'dims');
    if (flipped[d]) fail('flip', 'dims', `dim ${d} appears multiple times in the list of dims ${formatShape(list)}`);
    flipped[d] = true;
  }
  if (t.gpuBuffer !== null) return gpuFlip(t, flipped);
  // read through a negative-stride layout, then copy it out row-major
  const strides = [...t.strides];
  let offset = t.offset;
  for (let d = 0; d < t.ndim; d++) {
    if (!flipped[d] || t.shape[d] === 0) continue;
    offset += (t.shape[d] - 1) * strides[d];
    strides[d] = -strides[d];
  }
  const out = allocStorage(t.dtype, t.numel);
  copyStridedInto(t.data, t.shape, strides, offset, out);
  return new Tensor(out, t.shape, undefined, 0, t.dtype);
}

/**
 * Rolls elements along dimensions: element `i` moves to `(i + shift) mod size`, so elements shifted
 * past the end come back at the start. With no `dims`, the tensor is flattened, rolled by one
 * shift and given back its shape. Returns a copy.
 *
 * Shapes: any -> same; `shifts` and `dims` have equal lengths.
 *
 * @param t - The tensor to roll.
 * @param shifts - How far to shift, one per dimension in `dims` (positive moves elements to higher indices).
 * @param dims - The dimensions to roll; omitted: the flattened elements are rolled.
 * @returns A new tensor of `t`'s shape.
 * @see torch.roll
 * @example
 * ```ts
 * import { arange, roll } from '@torchlet/tensor';
 * const x = arange(6).reshape([2, 3]);
 * roll(x, 1).toArray(); // -> [[5, 0, 1], [2, 3, 4]]
 * roll(x, [1, -1], [0, 1]).toArray(); // -> [[4, 5, 3], [1, 2, 0]]
 * ```
 */
export function roll(t: Tensor, shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
  checkTensor('roll', t);
  const shiftList = typeof shifts === 'number' ? [shifts] : shifts;
  if (!Array.isArray(shiftList) || shiftList.length === 0) fail('roll', 'shifts', 'expected at least one shift');
  for (const s of shiftList) {
    if (!Number.isInteger(s)) fail('roll', 'shifts', `shifts must be integers, got ${formatShape(shiftList)}`);
  }
  if (dims === undefined || dims === null) {
    if (shiftList.length !== 1) {
      fail(
        'roll',
        'dims',
        `shifts and dims must align: got ${shiftList.length} shifts ${formatShape(shiftList)} but no dims (one shift rolls the flattened tensor)`,
      );
    }
    return reshape(rollDims(reshape(t, [-1]), [shiftList[0]]), t.shape);
  }
  const dimArr = dimList(dims as number | readonly number[], 'roll', 'dims');
  if (dimArr.length !== shiftList.length) {
    fail('roll', 'dims', `shifts and dims must align (shifts ${formatShape(shiftList)}, dims ${formatShape(dimArr)})`);
  }
  const total = new Array<number>(Math.max(t.ndim, 1)).fill(0);
  for (let k = 0; k < dimArr.length; k++) total[normalizeDim('roll', dimArr[k], t.ndim, 'dims')] += shiftList[k];
  return rollDims(t, total);
}

/** Rolls every dimension `d` of `t` by `shifts[d]` into a new contiguous tensor. */
function rollDims(t: Tensor, shifts: readonly number[]): Tensor {
  if (t.gpuBuffer !== null) return gpuRoll(t, shifts);
  const out = allocStorage(t.dtype, t.numel);
  const nd = t.ndim;
  if (out.length === 0) return new Tensor(out, t.shape, undefined, 0, t.dtype);
  if (nd === 0) {
    out[0] = t.data[t.offset];
    return new Tensor(out, t.shape, undefined, 0, t.dtype);
  }
  // maps[d][i]: storage offset, along d, of the element that lands at index i
  const maps = t.shape.map((n, d) => {
    const s = ((shifts[d] % n) + n) % n;
    const map = new Array<number>(n);
    for (let i = 0; i < n; i++) map[i] = ((i - s + n) % n) * t.strides[d];
    return map;
  });
  const last = nd - 1;
  const n = t.shape[last];
  const inner = maps[last];
  const counter = new Array<number>(last).fill(0);
  let base = t.offset;
  for (let d = 0; d < last; d++) base += maps[d][0];
  const src = t.data;
  for (let o = 0; o < out.length; ) {
    for (let i = 0; i < n; i++) out[o++] = src[base + inner[i]];
    for (let d = last - 1; d >= 0; d--) {
      base -= maps[d][counter[d]];
      if (++counter[d] < t.shape[d]) {
        base += maps[d][counter[d]];
        break;
      }
      counter[d] = 0;
      base += maps[d][0];
    }
  }
  return new Tensor(out, t.shape, undefined, 0, t.dtype);
}
