import { anyOnGpu, gpuSet } from './device/gpu-elementwise.js';
import { allocStorage, type Storage, scalarFor } from './dtype.js';
import { fail, formatShape, formatValue } from './errors.js';
import { shapeSize } from './shape.js';
import { copyStridedInto } from './strided.js';
import { isTensor, Tensor, type TensorLike } from './tensor.js';
import { to } from './views.js';

/**
 * One entry of a structured index: an integer, a slice, `null` (new axis) or `'...'`.
 *
 * @example
 * ```ts
 * import { type IndexItem, arange, slice } from '@torchlet/tensor';
 * const items: IndexItem[] = [null, slice(1, 3)];
 * arange(4).get(items).toArray(); // -> [[1, 2]]
 * ```
 */
export type IndexItem = number | Slice | null | '...';

/**
 * A slice `start:stop:step` with PyTorch/NumPy defaults for omitted parts. Build it with {@link slice}.
 *
 * @example
 * ```ts
 * import { type Slice, arange, slice } from '@torchlet/tensor';
 * const everyOther: Slice = slice(null, null, 2);
 * arange(5).get([everyOther]).toArray(); // -> [0, 2, 4]
 * ```
 */
export interface Slice {
  readonly start?: number | null;
  readonly stop?: number | null;
  readonly step?: number | null;
  readonly kind: 'slice';
}

/**
 * An index: a NumPy-style string (`':, 2:6'`, `'..., -1'`, `'None, ::2'`), a single integer,
 * or a structured list of {@link IndexItem}s (`[null, slice(2, 6), 0, '...']`).
 *
 * @example
 * ```ts
 * import { type Index, ones } from '@torchlet/tensor';
 * const columns: Index = ':, 2:6';
 * ones([6, 8]).get(columns).shape; // -> [6, 4]
 * ```
 */
export type Index = string | number | readonly IndexItem[];

// A parsed index item. Slices keep `null` for omitted bounds; the step is already checked > 0.
type Item =
  | { readonly k: 'int'; readonly i: number }
  | { readonly k: 'slice'; readonly start: number | null; readonly stop: number | null; readonly step: number }
  | { readonly k: 'newaxis' }
  | { readonly k: 'ellipsis' };

const isOptInt = (v: unknown): boolean =>
  v === null || v === undefined || (typeof v === 'number' && Number.isInteger(v));

/**
 * Builds a slice `start:stop:step` for structured indices; omitted or `null` parts take Python's
 * defaults (`0`, the size, `1`). Negative bounds count from the end; the step must be positive,
 * as in PyTorch.
 *
 * @param start - The first index; negative counts from the end. Default (omitted or `null`): `0`.
 * @param stop - One past the last index; negative counts from the end. Default: the size.
 * @param step - The stride, positive. Default `1`.
 * @returns A slice object for {@link Tensor.get} and {@link Tensor.set} index arrays.
 * @see Python `slice`, torch.Tensor.__getitem__
 * @example
 * ```ts
 * import { arange, slice } from '@torchlet/tensor';
 * slice(2, 6); // -> { start: 2, stop: 6, step: null, kind: 'slice' }
 * arange(10).get([slice(null, null, 3)]).toArray(); // -> [0, 3, 6, 9]
 * ```
 */
export function slice(start?: number | null, stop?: number | null, step?: number | null): Slice {
  if (!isOptInt(start))
    fail('slice', 'start', `slice bounds must be integers or null, got start ${formatValue(start)}`);
  if (!isOptInt(stop)) fail('slice', 'stop', `slice bounds must be integers or null, got stop ${formatValue(stop)}`);
  if (!isOptInt(step)) fail('slice', 'step', `slice step must be an integer or null, got ${formatValue(step)}`);
  return { start: start ?? null, stop: stop ?? null, step: step ?? null, kind: 'slice' };
}

const INT_RE = /^[+-]?\d+$/;

function checkStep(fn: string, step: number | null | undefined, where: string): number {
  if (step === null || step === undefined) return 1;
  if (step === 0) fail(fn, 'index', `slice step cannot be zero (in ${where})`);
  if (step < 0) fail(fn, 'index', `step must be greater than zero (in ${where})`);
  return step;
}

function parseString(fn: string, index: string): Item[] {
  const quoted = `'${index}'`;
  const bad = (why: string): never => fail(fn, 'index', `cannot parse index ${quoted}: ${why}`);
  if (index.trim() === '') bad("the index is empty (use '...' or ':' to select everything)");
  const parts = index.split(',');
  // A trailing comma is legal in Python (`x[1,]`), so allow exactly one.
  if (parts.length > 1 && parts[parts.length - 1].trim() === '') parts.pop();
  const items: Item[] = [];
  for (const raw of parts) {
    const part = raw.trim();
    if (part === '') bad('empty entry between commas');
    if (part === '...') {
      items.push({ k: 'ellipsis' });
    } else if (part === 'None') {
      items.push({ k: 'newaxis' });
    } else if (INT_RE.test(part)) {
      items.push({ k: 'int', i: Number(part) });
    } else if (part.includes(':')) {
      const bounds = part.split(':').map((s) => s.trim());
      if (bounds.length > 3) bad(`'${part}' has more than two colons`);
      for (const b of bounds) if (b !== '' && !INT_RE.test(b)) bad(`'${b}' is not an integer in '${part}'`);
      const num = (s: string | undefined): number | null => (s === undefined || s === '' ? null : Number(s));
      const step = num(bounds[2]);
      items.push({ k: 'slice', start: num(bounds[0]), stop: num(bounds[1]), step: checkStep(fn, step, quoted) });
    } else {
      bad(`'${part}' is not an integer, a slice, 'None' or '...'`);
    }
  }
  return items;
}

function parseIndex(fn: string, index: Index): Item[] {
  if (typeof index === 'string') return parseString(fn, index);
  if (typeof index === 'number') {
    if (!Number.isInteger(index)) fail(fn, 'index', `an integer index must be an integer, got ${formatValue(index)}`);
    return [{ k: 'int', i: index }];
  }
  if (!Array.isArray(index))
    fail(fn, 'index', `expected a string, an integer or an array of index items, got ${typeof index}`);
  return index.map((item, pos): Item => {
    if (item === null) return { k: 'newaxis' };
    if (item === '...') return { k: 'ellipsis' };
    if (typeof item === 'number') {
      if (!Number.isInteger(item)) fail(fn, 'index', `index item ${pos} must be an integer, got ${formatValue(item)}`);
      return { k: 'int', i: item };
    }
    if (typeof item === 'object' && (item as Slice).kind === 'slice') {
      const s = item as Slice;
      if (!isOptInt(s.start) || !isOptInt(s.stop) || !isOptInt(s.step)) {
        fail(fn, 'index', `slice at index item ${pos} must have integer or null bounds`);
      }
      return {
        k: 'slice',
        start: s.start ?? null,
        stop: s.stop ?? null,
        step: checkStep(fn, s.step, `index item ${pos}`),
      };
    }
    return fail(
      fn,
      'index',
      `index item ${pos} must be an integer, slice(...), null or '...', got ${typeof item === 'string' ? `'${item}'` : typeof item}`,
    );
  });
}

// Python's clamping of a slice bound with a positive step.
function clampBound(b: number | null, size: number, dflt: number): number {
  if (b === null) return dflt;
  const v = b < 0 ? b + size : b;
  return v < 0 ? 0 : Math.min(v, size);
}

interface ViewLayout {
  readonly shape: number[];
  readonly strides: number[];
  readonly offset: number;
}

function indexLayout(fn: string, t: Tensor, index: Index): ViewLayout {
  const items = parseIndex(fn, index);
  let consuming = 0;
  for (const it of items) if (it.k === 'int' || it.k === 'slice') consuming++;
  const where = typeof index === 'string' ? ` in '${index}'` : '';
  // Several ellipses are allowed, as in PyTorch: each stands for ndim - (integers and slices)
  // dimensions, so after the first the rest usually stand for dimensions past the end.
  const ndim = t.ndim;
  if (consuming > ndim) {
    fail(
      fn,
      'index',
      `too many indices for tensor of dimension ${ndim}: got ${consuming}${where} (shape ${formatShape(t.shape)})`,
    );
  }
  const shape: number[] = [];
  const strides: number[] = [];
  let offset = t.offset;
  let d = 0; // the input dimension the next consuming item applies to
  for (const it of items) {
    switch (it.k) {
      case 'ellipsis':
        for (let n = ndim - consuming; n > 0; n--, d++) {
          if (d >= ndim) continue;
          shape.push(t.shape[d]);
          strides.push(t.strides[d]);
        }
        break;
      case 'newaxis':
        // Past the end (after a second '...'), as PyTorch's unsqueeze there: out of range.
        if (d > ndim)
          fail(fn, 'index', `dimension out of range for None after '...'${where} (shape ${formatShape(t.shape)})`);
        // PyTorch's unsqueeze stride: the span of the next dimension (1 at the end).
        strides.push(d < ndim ? t.shape[d] * t.strides[d] : 1);
        shape.push(1);
        break;
      case 'int': {
        const size = d < ndim ? t.shape[d] : 0; // past the end (after a second '...'): size 0, as PyTorch
        if (it.i < -size || it.i >= size) {
          fail(
            fn,
            'index',
            `index ${it.i} is out of bounds for dimension ${d} with size ${size} (shape ${formatShape(t.shape)})`,
          );
        }
        offset += (it.i < 0 ? it.i + size : it.i) * t.strides[d];
        d++;
        break;
      }
      case 'slice': {
        if (d >= ndim) {
          fail(fn, 'index', `too many indices for tensor of dimension ${ndim}${where} (shape ${formatShape(t.shape)})`);
        }
        const size = t.shape[d];
        const start = clampBound(it.start, size, 0);
        const stop = Math.max(start, clampBound(it.stop, size, size));
        const len = Math.ceil((stop - start) / it.step);
        if (len > 0) offset += start * t.strides[d];
        shape.push(len);
        strides.push(t.strides[d] * it.step);
        d++;
        break;
      }
    }
  }
  for (; d < ndim; d++) {
    shape.push(t.shape[d]);
    strides.push(t.strides[d]);
  }
  return { shape, strides, offset };
}

/**
 * Basic indexing as a zero-copy view, with NumPy/PyTorch semantics: an integer removes its
 * dimension (negative counts from the end), a slice `start:stop:step` keeps it (bounds clamp like
 * Python, the step must be positive), `None`/`null` inserts a size-1 dimension and `...` stands for
 * as many `:` as needed. Missing trailing indices select everything.
 *
 * Shapes: `[n0, n1, ...]` -> the indexed shape, e.g. `[3, 8]` with `':, 2:6'` -> `[3, 4]`.
 *
 * @param t - The tensor to index.
 * @param index - A string (`':, 2:6'`, `'..., 0'`) or an array of numbers, `null` (new axis), slices, `'...'`
 *   and index tensors.
 * @returns The indexed region: a view for basic indexing, a copy for advanced indexing.
 * @see torch.Tensor.__getitem__
 * @example
 * ```ts
 * import { get, slice, tensor } from '@torchlet/tensor';
 * const x = tensor([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]);
 * get(x, ':, 1:3').toArray(); // -> [[1, 2], [5, 6], [9, 10]]
 * get(x, '..., -1').toArray(); // -> [3, 7, 11]
 * get(x, [null, slice(0, 1), 0]).shape; // -> [1, 1]
 * x.get('::2, ::3').toArray(); // -> [[0, 3], [8, 11]]
 * ```
 */
export function get(t: Tensor, index: Index): Tensor {
  if (!isTensor(t)) fail('get', 'self', 'expected a tensor');
  const layout = indexLayout('get', t, index);
  return new Tensor(t.storage, layout.shape, layout.strides, layout.offset, t.dtype);
}

/**
 * Writes `value` in place into the region that `index` selects (see {@link get}): a scalar fills it,
 * a tensor is broadcast to the region's shape (leading size-1 dimensions of `value` are dropped, as
 * PyTorch does) and cast to `t`'s dtype. A `value` sharing storage with `t` is copied first, so
 * overlapping regions behave as if the right-hand side were evaluated before the write.
 * Bumps `t.version` once. This is d2l's `X[:, 2:6] = 0`.
 *
 * Shapes: `value` broadcasts to the indexed shape.
 *
 * @param t - The tensor to write in place.
 * @param index - The region, as for {@link get}.
 * @param value - A tensor or number, broadcast to the region's shape and cast to `t`'s dtype.
 * @see torch.Tensor.__setitem__
 * @example
 * ```ts
 * import { ones, set, tensor } from '@torchlet/tensor';
 * const X = ones([2, 4]);
 * set(X, ':, 1:3', 0);
 * X.toArray(); // -> [[1, 0, 0, 1], [1, 0, 0, 1]]
 * X.set('0', tensor([5, 6, 7, 8])).toArray(); // -> [[5, 6, 7, 8], [1, 0, 0, 1]]
 * ```
 */
export function set(t: Tensor, index: Index, value: TensorLike): void {
  if (!isTensor(t)) fail('set', 'self', 'expected a tensor');
  const dst = indexLayout('set', t, index);
  if (anyOnGpu(t, value)) {
    gpuSet(t, dst, value);
    return;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    const v = scalarFor('set', 'value', Number(value), t.dtype);
    fillStrided(t.data, dst.shape, dst.strides, dst.offset, t.data instanceof BigInt64Array ? BigInt(v) : v);
    t.bumpVersion();
    return;
  }
  if (!isTensor(value)) {
    fail('set', 'value', `expected a number, a boolean or a tensor, got ${value === null ? 'null' : typeof value}`);
  }
  // int64 storage holds bigints: a value of another dtype converts first, with the cast rules of to().
  const v0 = value;
  if (v0.dtype !== t.dtype && (v0.dtype === 'int64' || t.dtype === 'int64')) {
    set(t, index, to(v0, t.dtype));
    return;
  }
  // Drop leading size-1 dimensions of value beyond the region's rank (PyTorch's setitem does too).
  let vShape = value.shape as readonly number[];
  let vStrides = value.strides as readonly number[];
  let lead = 0;
  while (vShape.length - lead > dst.shape.length && vShape[lead] === 1) lead++;
  vShape = vShape.slice(lead);
  vStrides = vStrides.slice(lead);
  const n = dst.shape.length;
  const k = vShape.length;
  let ok = k <= n;
  const srcStrides = new Array<number>(n).fill(0);
  for (let i = 0; ok && i < k; i++) {
    const vs = vShape[i];
    const ds = dst.shape[n - k + i];
    if (vs === ds) srcStrides[n - k + i] = vStrides[i];
    else if (vs !== 1) ok = false;
  }
  if (!ok) {
    fail(
      'set',
      'value',
      `value of shape ${formatShape(value.shape)} cannot be broadcast to the indexed region of shape ${formatShape(dst.shape)} (tensor shape ${formatShape(t.shape)})`,
    );
  }
  let src: ArrayLike<number | bigint> = value.data;
  let srcOffset = value.offset;
  const needsBoolCast = t.dtype === 'bool' && value.dtype !== 'bool';
  if (value.data.buffer === t.data.buffer || needsBoolCast) {
    // Copy value compactly (its own strides over vShape, keeping broadcast zeros) before writing:
    // aliasing then cannot corrupt what is still to be read.
    const compact: Storage = allocStorage(needsBoolCast ? 'float64' : value.dtype, shapeSize(vShape));
    copyStridedInto(value.data, vShape, vStrides, srcOffset, compact);
    if (needsBoolCast) {
      const b = new Uint8Array(compact.length);
      for (let i = 0; i < b.length; i++) b[i] = compact[i] !== 0 ? 1 : 0;
      src = b;
    } else {
      src = compact;
    }
    srcOffset = 0;
    let stride = 1;
    for (let i = k - 1; i >= 0; i--) {
      srcStrides[n - k + i] = vShape[i] === dst.shape[n - k + i] ? stride : 0;
      stride *= vShape[i];
    }
  }
  // Typed-array stores do the dtype cast: fround for float32, truncation for int32.
  copyBroadcastStrided(src, srcStrides, srcOffset, t.data, dst.shape, dst.strides, dst.offset);
  t.bumpVersion();
}

/** Sets every element of a strided region to `v`. */
function fillStrided(
  data: Storage,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  v: number | bigint,
): void {
  const total = shapeSize(shape);
  if (total === 0) return;
  const ndim = shape.length;
  if (ndim === 0) {
    data[offset] = v as never;
    return;
  }
  const inner = shape[ndim - 1];
  const is = strides[ndim - 1];
  const counter = new Array<number>(ndim).fill(0);
  let base = offset;
  for (let outer = total / inner; outer > 0; outer--) {
    if (is === 1) data.fill(v as never, base, base + inner);
    else for (let i = 0, p = base; i < inner; i++, p += is) data[p] = v as never;
    for (let d = ndim - 2; d >= 0; d--) {
      base += strides[d];
      if (++counter[d] < shape[d]) break;
      base -= strides[d] * shape[d];
      counter[d] = 0;
    }
  }
}

/**
 * Copies `src` (strides already broadcast to `shape`, 0 on broadcast dimensions) into the strided
 * region `dst`. Both walk the same odometer; the innermost dimension is a tight loop.
 */
function copyBroadcastStrided(
  src: ArrayLike<number | bigint>,
  srcStrides: readonly number[],
  srcOffset: number,
  dst: Storage,
  shape: readonly number[],
  dstStrides: readonly number[],
  dstOffset: number,
): void {
  const total = shapeSize(shape);
  if (total === 0) return;
  const ndim = shape.length;
  if (ndim === 0) {
    dst[dstOffset] = src[srcOffset];
    return;
  }
  const inner = shape[ndim - 1];
  const ss = srcStrides[ndim - 1];
  const ds = dstStrides[ndim - 1];
  const counter = new Array<number>(ndim).fill(0);
  let s = srcOffset;
  let o = dstOffset;
  for (let outer = total / inner; outer > 0; outer--) {
    if (ss === 1 && ds === 1) {
      for (let i = 0; i < inner; i++) dst[o + i] = src[s + i];
    } else if (ss === 0) {
      const v = src[s];
      for (let i = 0, p = o; i < inner; i++, p += ds) dst[p] = v;
    } else {
      for (let i = 0, p = o, q = s; i < inner; i++, p += ds, q += ss) dst[p] = src[q];
    }
    for (let d = ndim - 2; d >= 0; d--) {
      s += srcStrides[d];
      o += dstStrides[d];
      if (++counter[d] < shape[d]) break;
      s -= srcStrides[d] * shape[d];
      o -= dstStrides[d] * shape[d];
      counter[d] = 0;
    }
  }
}
