import { type Device, toDevice } from './device/transfer.js';
import {
  allocStorage,
  castScalar,
  checkStorage,
  DTYPES,
  type DType,
  dtypeOfStorage,
  isDetached,
  type Storage,
  scalarFor,
  storeNumberAt,
} from './dtype.js';
import { fail, formatShape, formatValue } from './errors.js';
import { int64ToFloat32 } from './int64.js';
import { checkShape, contiguousStrides, type Shape, shapeSize } from './shape.js';
import { isTensor, type NestedArray, type NestedBigIntArray, Tensor } from './tensor.js';
import { convertElements } from './views.js';

/**
 * Options of the creation functions.
 *
 * @example
 * ```ts
 * import { type CreateOptions, ones } from '@torchlet/tensor';
 * const options: CreateOptions = { dtype: 'int32' };
 * ones([2], options).dtype; // -> 'int32'
 * ```
 */
export interface CreateOptions {
  /** Element type. Default `float32` (or the typed array's own type for `tensor(typedArray)`). */
  readonly dtype?: DType;
  /** Where to put the tensor: `'cpu'` (default) or `'webgpu'` (after `await initWebGPU()`; float32, int32, bool). */
  readonly device?: Device;
}

/** `t` moved to `options.device` when one is given (creation runs on the CPU, then uploads). */
function placed(fn: string, t: Tensor, options: CreateOptions): Tensor {
  return options.device === undefined ? t : toDevice(t, options.device, fn);
}

/**
 * Options of {@link tensor}.
 *
 * @example
 * ```ts
 * import { type TensorOptions, tensor } from '@torchlet/tensor';
 * const options: TensorOptions = { shape: [2, 2], dtype: 'float64' };
 * tensor([1, 2, 3, 4], options).toArray(); // -> [[1, 2], [3, 4]]
 * ```
 */
export interface TensorOptions extends CreateOptions {
  /** For flat input (a typed array or flat JS array): the shape to give it. */
  readonly shape?: Shape;
}

function checkDType(fn: string, dtype: DType): DType {
  if (!DTYPES.includes(dtype))
    fail(fn, 'dtype', `unsupported dtype ${formatValue(dtype)} (expected one of ${DTYPES.join(', ')})`);
  return dtype;
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = (level as readonly NestedArray[])[0];
  }
  return shape;
}

/**
 * Creates a tensor from nested arrays (PyTorch's `torch.tensor`) or from a typed array.
 * JS numbers carry no int/float distinction, so nested numbers give `float32` unless `dtype`
 * says otherwise; nested booleans give `bool`; nested `bigint`s give `int64` (exact over the
 * whole int64 range); a typed array keeps its own dtype (`BigInt64Array`: int64) and is copied.
 *
 * Shapes: the nesting of `data` (or `options.shape` for flat data).
 *
 * @param data - The values: nested arrays of numbers, booleans or bigints (a number for a 0-d tensor), or a
 *   typed array (copied; give `shape` for other than 1-D).
 * @param options - `dtype` (default `'float32'`, or the typed array's own type; bigints give int64), `shape`
 *   (for flat input) and `device` (default `'cpu'`); see {@link TensorOptions}.
 * @returns A new tensor owning a copy of the values.
 * @see torch.tensor
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * tensor([[1, -1]]).toString(); // -> 'tensor([[ 1., -1.]])'
 * tensor(new Float64Array([1, 2, 3, 4]), { shape: [2, 2] }).dtype; // -> 'float64'
 * tensor([1, 2, 3], { dtype: 'int64' }).toString(); // -> 'tensor([1, 2, 3])'
 * tensor([2n ** 62n]).dtype; // -> 'int64'
 * ```
 */
export function tensor(data: NestedArray | NestedBigIntArray | Storage, options: TensorOptions = {}): Tensor {
  if (options === null || typeof options !== 'object') {
    fail('tensor', 'options', `expected an options object, got ${formatValue(options)}`);
  }
  if (ArrayBuffer.isView(data)) return placed('tensor', fromTypedArray(data, options), options);
  const nestedShape = inferShape(data as NestedArray);
  const flat: (number | boolean | bigint)[] = [];
  let sawBoolean = false;
  let sawNumber = false;
  let sawBigInt = false;
  const walk = (v: NestedArray | NestedBigIntArray, depth: number, path: string): void => {
    if (depth === nestedShape.length) {
      if (typeof v === 'boolean') sawBoolean = true;
      else if (typeof v === 'number') sawNumber = true;
      else if (typeof v === 'bigint') sawBigInt = true;
      else
        fail(
          'tensor',
          'data',
          `expected a number, bigint or boolean at ${path || 'top level'}, got ${Array.isArray(v) ? 'an array (ragged nesting)' : typeof v}`,
        );
      flat.push(v as number | boolean | bigint);
      return;
    }
    if (!Array.isArray(v) || v.length !== nestedShape[depth]) {
      fail(
        'tensor',
        'data',
        `ragged nested array: expected length ${nestedShape[depth]} at ${path || 'top level'} (shape ${formatShape(nestedShape)}), got ${Array.isArray(v) ? `length ${v.length}` : typeof v}`,
      );
    }
    for (const [i, x] of (v as readonly NestedArray[]).entries()) walk(x, depth + 1, `${path}[${i}]`);
  };
  walk(data as NestedArray, 0, '');
  const inferred = sawNumber ? 'float32' : sawBigInt ? 'int64' : sawBoolean ? 'bool' : 'float32';
  const dtype = checkDType('tensor', options.dtype ?? inferred);
  const out = allocStorage(dtype, flat.length, 'tensor');
  for (let i = 0; i < flat.length; i++) storeChecked('tensor', 'data', out, i, flat[i], dtype);
  let shape = nestedShape;
  if (options.shape) {
    shape = checkShape('tensor', 'shape', options.shape);
    if (shapeSize(shape) !== flat.length) {
      fail(
        'tensor',
        'shape',
        `shape ${formatShape(shape)} holds ${shapeSize(shape)} elements but data has ${flat.length}`,
      );
    }
  }
  return placed('tensor', new Tensor(out, shape), options);
}

/** The typed-array types that are not storage but convert by value: integers give int32, floats float32. */
type OtherTypedArray =
  | Int8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** `tensor(typedArray)`: storage types keep their dtype; other integer arrays give int32 (checked). */
function fromTypedArray(data: ArrayBufferView, options: TensorOptions): Tensor {
  if (isDetached(data))
    fail('tensor', 'data', `the ${data.constructor.name}'s ArrayBuffer is detached (transferred away)`);
  if (data instanceof DataView) fail('tensor', 'data', 'expected a typed array, got a DataView');
  const isStorage =
    data instanceof Float32Array ||
    data instanceof Float64Array ||
    data instanceof Int32Array ||
    data instanceof BigInt64Array ||
    (data instanceof Uint8Array && data.constructor === Uint8Array);
  const typed = data as Storage | OtherTypedArray;
  const isFloat = typed instanceof Float32Array || typed instanceof Float64Array;
  const ownDType = isStorage
    ? dtypeOfStorage(typed as Storage)
    : isFloat
      ? 'float32'
      : typed instanceof BigUint64Array
        ? 'int64'
        : 'int32';
  const dtype = checkDType('tensor', options.dtype ?? ownDType);
  const shape = options.shape ? checkShape('tensor', 'shape', options.shape) : [typed.length];
  if (shapeSize(shape) !== typed.length) {
    fail(
      'tensor',
      'shape',
      `shape ${formatShape(shape)} holds ${shapeSize(shape)} elements but data has ${typed.length}`,
    );
  }
  const out = allocStorage(dtype, typed.length, 'tensor');
  if (isStorage && dtype === ownDType) out.set(typed as never);
  else if (isStorage) return new Tensor(convertElements(typed as Storage, dtype), shape, undefined, 0, dtype);
  // Values of other arrays (Uint16Array, BigUint64Array, ...) convert as written values do: checked.
  else for (let i = 0; i < typed.length; i++) storeChecked('tensor', 'data', out, i, typed[i], dtype);
  return new Tensor(out, shape);
}

/**
 * Stores a value the user wrote at `out[i]` for `dtype`, as `torch.tensor` converts: integers out
 * of the target's range (and NaN or infinities for integer dtypes) are a TorchletError.
 */
function storeChecked(
  fn: string,
  arg: string,
  out: Storage,
  i: number,
  v: number | boolean | bigint,
  dtype: DType,
): void {
  if (typeof v !== 'bigint') {
    storeNumberAt(out, i, scalarFor(fn, arg, Number(v), dtype));
    return;
  }
  if (out instanceof BigInt64Array || dtype === 'int32') {
    const bits = dtype === 'int32' ? 32 : 64;
    if (BigInt.asIntN(bits, v) !== v) {
      fail(fn, arg, `value cannot be converted to type ${dtype} without overflow (got ${v})`);
    }
    if (out instanceof BigInt64Array) out[i] = v;
    else out[i] = Number(v);
  } else if (dtype === 'float32') out[i] = int64ToFloat32(v);
  else if (dtype === 'bool') out[i] = v !== 0n ? 1 : 0;
  else out[i] = Number(v);
}

/**
 * Checks a strided layout over `length` elements of storage: integer strides, one per dimension,
 * a non-negative integer offset, and every element it addresses inside the storage.
 */
export function checkLayout(
  fn: string,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  length: number,
): void {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    fail(fn, 'offset', `offset must be a non-negative integer, got ${formatValue(offset)}`);
  }
  if (!Array.isArray(strides) || strides.length !== shape.length || !strides.every((s) => Number.isSafeInteger(s))) {
    fail(
      fn,
      'strides',
      `expected ${shape.length} integer strides for shape ${formatShape(shape)}, got ${formatValue(strides)}`,
    );
  }
  if (shapeSize(shape) === 0) return;
  let lo = offset;
  let hi = offset;
  for (let d = 0; d < shape.length; d++) {
    const reach = (shape[d] - 1) * strides[d];
    if (reach > 0) hi += reach;
    else lo += reach;
  }
  if (lo < 0 || hi >= length) {
    fail(
      fn,
      'strides',
      `shape ${formatShape(shape)} with strides ${formatShape(strides)} at offset ${offset} reaches elements ${lo} to ${hi}, but the storage has ${length}`,
    );
  }
}

/**
 * Wraps a typed array as a tensor without copying (the storage is shared). The storage must be a
 * Float32Array, Float64Array, Int32Array or Uint8Array (bool), and the layout must stay inside it.
 *
 * Shapes: `shape` must hold `data.length` elements unless `strides` are given.
 *
 * @param data - The typed array to wrap (not copied: the tensor and the array share memory).
 * @param shape - The dimension sizes.
 * @param layout - `strides` (default: row-major contiguous) and `offset` (default `0`), checked against
 *   `data`'s length.
 * @returns A tensor viewing `data`.
 * @example
 * ```ts
 * import { fromStorage } from '@torchlet/tensor';
 * const data = new Float32Array([1, 2, 3, 4, 5, 6]);
 * fromStorage(data, [2, 3]).toArray(); // -> [[1, 2, 3], [4, 5, 6]]
 * ```
 */
export function fromStorage(
  data: Storage,
  shape: Shape,
  layout: { readonly strides?: readonly number[]; readonly offset?: number } = {},
): Tensor {
  checkStorage('fromStorage', 'data', data);
  const checked = checkShape('fromStorage', 'shape', shape);
  if (layout === null || typeof layout !== 'object') {
    fail('fromStorage', 'layout', `expected { strides?, offset? }, got ${formatValue(layout)}`);
  }
  const offset = layout.offset ?? 0;
  if (!layout.strides && Number.isSafeInteger(offset) && offset + shapeSize(checked) > data.length) {
    fail(
      'fromStorage',
      'shape',
      `shape ${formatShape(checked)} needs ${shapeSize(checked)} elements but data has ${data.length}`,
    );
  }
  const strides = layout.strides ? [...layout.strides] : contiguousStrides(checked);
  checkLayout('fromStorage', checked, strides, offset, data.length);
  return new Tensor(data, checked, strides, offset);
}

/**
 * A tensor of `shape` filled with `value`.
 *
 * @param shape - The dimension sizes, e.g. `[2, 3]`.
 * @param value - The value of every element (a bigint for int64 values beyond 2^53).
 * @param options - `dtype` (default `'float32'`) and `device` (default `'cpu'`); see {@link CreateOptions}.
 * @returns A new tensor of `shape` filled with `value`.
 * @see torch.full
 * @example
 * ```ts
 * import { full } from '@torchlet/tensor';
 * full([2, 2], 7).toArray(); // -> [[7, 7], [7, 7]]
 * ```
 */
export function full(shape: Shape, value: number | boolean | bigint, options: CreateOptions = {}): Tensor {
  return filled('full', shape, value, options);
}

function filled(fn: string, shape: Shape, value: number | boolean | bigint, options: CreateOptions): Tensor {
  if (typeof value !== 'number' && typeof value !== 'boolean' && typeof value !== 'bigint') {
    fail(fn, 'value', `expected a number, bigint or boolean, got ${formatValue(value)}`);
  }
  if (options === null || typeof options !== 'object') {
    fail(fn, 'options', `expected an options object, got ${formatValue(options)}`);
  }
  const inferred = typeof value === 'boolean' ? 'bool' : typeof value === 'bigint' ? 'int64' : 'float32';
  const dtype = checkDType(fn, options.dtype ?? inferred);
  const s = checkShape(fn, 'shape', shape);
  const data = allocStorage(dtype, shapeSize(s), fn);
  if (data.length === 0) {
    storeChecked(fn, 'value', allocStorage(dtype, 1, fn), 0, value, dtype); // still checks the value
    return placed(fn, new Tensor(data, s), options);
  }
  storeChecked(fn, 'value', data, 0, value, dtype);
  if (data instanceof BigInt64Array) data.fill(data[0]);
  else data.fill(data[0]);
  return placed(fn, new Tensor(data, s), options);
}

/**
 * A tensor of zeros.
 *
 * @param shape - The dimension sizes, e.g. `[2, 3]`.
 * @param options - `dtype` (default `'float32'`) and `device` (default `'cpu'`); see {@link CreateOptions}.
 * @returns A new tensor of `shape` filled with 0.
 * @see torch.zeros
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * zeros([2, 3]).shape; // -> [2, 3]
 * ```
 */
export function zeros(shape: Shape, options: CreateOptions = {}): Tensor {
  return filled('zeros', shape, 0, options);
}

/**
 * A tensor of ones. The d2l edge image starts as `ones([6, 8])`.
 *
 * @param shape - The dimension sizes, e.g. `[2, 3]`.
 * @param options - `dtype` (default `'float32'`) and `device` (default `'cpu'`); see {@link CreateOptions}.
 * @returns A new tensor of `shape` filled with 1.
 * @see torch.ones
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * ones([1, 3]).toArray(); // -> [[1, 1, 1]]
 * ```
 */
export function ones(shape: Shape, options: CreateOptions = {}): Tensor {
  return filled('ones', shape, 1, options);
}

/**
 * Zeros with the shape and dtype of `t` (dtype overridable).
 *
 * @param t - The tensor whose shape (and, by default, dtype and device) to take.
 * @param options - `dtype` and `device`, each defaulting to `t`'s; see {@link CreateOptions}.
 * @returns A new tensor of `t`'s shape filled with 0.
 * @see torch.zeros_like
 * @example
 * ```ts
 * import { ones, zerosLike } from '@torchlet/tensor';
 * zerosLike(ones([2])).toArray(); // -> [0, 0]
 * ```
 */
export function zerosLike(t: Tensor, options: CreateOptions = {}): Tensor {
  if (!isTensor(t)) fail('zerosLike', 'input', `expected a tensor, got ${formatValue(t)}`);
  return full(t.shape, 0, { dtype: options.dtype ?? t.dtype, device: options.device ?? t.device });
}

/**
 * Ones with the shape and dtype of `t` (dtype overridable).
 *
 * @param t - The tensor whose shape (and, by default, dtype and device) to take.
 * @param options - `dtype` and `device`, each defaulting to `t`'s; see {@link CreateOptions}.
 * @returns A new tensor of `t`'s shape filled with 1.
 * @see torch.ones_like
 * @example
 * ```ts
 * import { onesLike, zeros } from '@torchlet/tensor';
 * onesLike(zeros([2])).toArray(); // -> [1, 1]
 * ```
 */
export function onesLike(t: Tensor, options: CreateOptions = {}): Tensor {
  if (!isTensor(t)) fail('onesLike', 'input', `expected a tensor, got ${formatValue(t)}`);
  return full(t.shape, 1, { dtype: options.dtype ?? t.dtype, device: options.device ?? t.device });
}

/**
 * An `n x m` matrix with ones on the diagonal (`m` defaults to `n`).
 *
 * @param n - The number of rows.
 * @param m - The number of columns. Default `n`.
 * @param options - `dtype` (default `'float32'`) and `device` (default `'cpu'`); see {@link CreateOptions}.
 * @returns A new `[n, m]` tensor with ones on the main diagonal and zeros elsewhere.
 * @see torch.eye
 * @example
 * ```ts
 * import { eye } from '@torchlet/tensor';
 * eye(2).toArray(); // -> [[1, 0], [0, 1]]
 * ```
 */
export function eye(n: number, m: number = n, options: CreateOptions = {}): Tensor {
  const s = checkShape('eye', 'n', [n, m]);
  const out = zeros(s, { dtype: options.dtype });
  for (let i = 0; i < Math.min(n, m); i++) storeNumberAt(out.data, i * m + i, 1);
  return placed('eye', out, options);
}

/**
 * Evenly spaced values in `[start, end)` with step `step`; `arange(n)` is `0..n-1`.
 * Number arguments default to float32 (JavaScript numbers carry no int/float distinction, so
 * `arange(5)` cannot tell PyTorch's integer `arange(5)` from `arange(5.0)`; the book's float
 * kernels want float32). A `bigint` argument gives int64, as PyTorch's integer arange:
 * `arange(5n)`, `arange(0n, 10n, 3n)`, exact over the whole int64 range.
 *
 * @param start - The first value, or the end (exclusive) when `end` is omitted (then the start is 0).
 * @param end - The end, excluded.
 * @param step - The spacing, positive or negative, not 0. Default `1`.
 * @param options - `dtype` (default `'float32'`, or `'int64'` when an argument is a `bigint`) and `device`
 *   (default `'cpu'`); see {@link CreateOptions}.
 * @returns A new 1-D tensor of `ceil((end - start) / step)` values.
 * @see torch.arange
 * @example
 * ```ts
 * import { arange } from '@torchlet/tensor';
 * arange(4).toArray(); // -> [0, 1, 2, 3]
 * arange(1, 2, 0.25).toArray(); // -> [1, 1.25, 1.5, 1.75]
 * arange(4).toString(); // -> 'tensor([0., 1., 2., 3.])'
 * arange(4n).toString(); // -> 'tensor([0, 1, 2, 3])'
 * arange(0n, 10n, 3n).dtype; // -> 'int64'
 * ```
 */
export function arange(
  start: number | bigint,
  end?: number | bigint,
  step: number | bigint = 1,
  options: CreateOptions = {},
): Tensor {
  if (typeof start === 'bigint' || typeof end === 'bigint' || typeof step === 'bigint') {
    return arangeBigInt(start, end, step, options);
  }
  let lo = start;
  let hi = end;
  if (hi === undefined) {
    hi = start;
    lo = 0;
  }
  if (typeof step !== 'number' || step === 0 || !Number.isFinite(step))
    fail('arange', 'step', `step must be a non-zero finite number, got ${formatValue(step)}`);
  if (typeof lo !== 'number' || typeof hi !== 'number' || !Number.isFinite(lo) || !Number.isFinite(hi))
    fail('arange', 'end', `bounds must be finite numbers, got start ${formatValue(lo)}, end ${formatValue(hi)}`);
  const dtype = checkDType('arange', options.dtype ?? 'float32');
  if (dtype === 'int32' || dtype === 'int64') return placed('arange', arangeInt(lo, hi, step, dtype), options);
  if ((hi - lo) / step < 0) {
    fail(
      'arange',
      'step',
      `upper bound and larger bound inconsistent with step sign (start ${lo}, end ${hi}, step ${step})`,
    );
  }
  const n = Math.ceil((hi - lo) / step);
  const data = allocStorage(dtype, n, 'arange');
  for (let i = 0; i < n; i++) storeNumberAt(data, i, castScalar(lo + i * step, dtype));
  return placed('arange', new Tensor(data, [n]), options);
}

/** An int64 argument of a bigint `arange`: a bigint in the int64 range, or a finite number truncated toward zero. */
function int64Arg(arg: string, v: unknown): bigint {
  if (typeof v === 'number' && Number.isFinite(v) && Math.abs(v) < 2 ** 63) return BigInt(Math.trunc(v));
  if (typeof v === 'bigint' && BigInt.asIntN(64, v) === v) return v;
  return fail(
    'arange',
    arg,
    typeof v === 'bigint' || typeof v === 'number'
      ? `value cannot be converted to type int64 without overflow (got ${formatValue(v)})`
      : `expected a number or a bigint, got ${formatValue(v)}`,
  );
}

/**
 * `arange` with a `bigint` argument: int64 by default, computed exactly in BigInt (PyTorch's
 * integer arange). Another `dtype` takes the values as numbers (each exact, below 2^53).
 */
function arangeBigInt(
  start: number | bigint,
  end: number | bigint | undefined,
  step: number | bigint,
  options: CreateOptions,
): Tensor {
  const dtype = checkDType('arange', options.dtype ?? 'int64');
  if (dtype !== 'int64') {
    const num = (arg: string, v: number | bigint | undefined): number | undefined => {
      if (typeof v !== 'bigint') return v;
      if (v > 2n ** 53n || v < -(2n ** 53n))
        fail('arange', arg, `${v} has no exact JS number for dtype ${dtype}; use dtype 'int64'`);
      return Number(v);
    };
    return arange(num('start', start) as number, num('end', end), num('step', step), options);
  }
  let first = int64Arg('start', start);
  let last: bigint;
  if (end === undefined) {
    last = first;
    first = 0n;
  } else last = int64Arg('end', end);
  const by = int64Arg('step', step);
  if (by === 0n) fail('arange', 'step', `step must be nonzero (step ${formatValue(step)} as int64 is 0)`);
  if ((by > 0n && last < first) || (by < 0n && last > first)) {
    fail(
      'arange',
      'step',
      `upper bound and larger bound inconsistent with step sign (start ${first}, end ${last}, step ${by})`,
    );
  }
  const span = by > 0n ? last - first : first - last;
  const magnitude = by > 0n ? by : -by;
  const count = (span + magnitude - 1n) / magnitude;
  // allocStorage names the size limit; a count past 2^53 is far beyond it either way.
  const data = allocStorage('int64', count > 2n ** 53n ? Number.MAX_SAFE_INTEGER : Number(count), 'arange');
  for (let i = 0; i < data.length; i++) data[i] = first + BigInt(i) * by;
  return placed('arange', new Tensor(data, [data.length]), options);
}

/**
 * Integer `arange` as PyTorch computes it: start, end and step cast to integers first (so a
 * fractional step below 1 is a zero step, and the sign check uses the cast bounds).
 */
function arangeInt(lo: number, hi: number, step: number, dtype: 'int32' | 'int64'): Tensor {
  const first = scalarFor('arange', 'start', lo, dtype);
  const last = scalarFor('arange', 'end', hi, dtype);
  const by = scalarFor('arange', 'step', step, dtype);
  if (by === 0) fail('arange', 'step', `step must be nonzero (step ${step} cast to ${dtype} is 0)`);
  if ((by > 0 && last < first) || (by < 0 && last > first)) {
    fail(
      'arange',
      'step',
      `upper bound and larger bound inconsistent with step sign (start ${lo}, end ${hi}, step ${step})`,
    );
  }
  // PyTorch computes the length in the accumulate type: double for int32 (the real bounds), int64
  // for int64 (the cast ones): arange(0, 7.5, 2.5) has 3 int32 values but 4 int64 values.
  const n = Math.max(0, Math.ceil(dtype === 'int64' ? (last - first) / by : (hi - lo) / step));
  const data = allocStorage(dtype, n, 'arange');
  if (data instanceof BigInt64Array) {
    // exact in BigInt: start and step may be large integers whose products pass 2^53
    const b0 = BigInt(first);
    const bBy = BigInt(by);
    const lastValue = b0 + BigInt(Math.max(n - 1, 0)) * bBy;
    if (BigInt.asIntN(64, lastValue) !== lastValue) {
      fail('arange', 'end', `value cannot be converted to type int64 without overflow (got ${lastValue})`);
    }
    for (let i = 0; i < n; i++) data[i] = b0 + BigInt(i) * bBy;
    return new Tensor(data, [n]);
  }
  scalarFor('arange', 'end', first + (n - 1) * by, 'int32');
  for (let i = 0; i < n; i++) data[i] = first + i * by;
  return new Tensor(data, [n]);
}

/**
 * `steps` evenly spaced values from `start` to `end` inclusive.
 *
 * @param start - The first value.
 * @param end - The last value (included).
 * @param steps - How many values, a non-negative integer.
 * @param options - `dtype` (default `'float32'`) and `device` (default `'cpu'`); see {@link CreateOptions}.
 * @returns A new 1-D tensor of `steps` values.
 * @see torch.linspace
 * @example
 * ```ts
 * import { linspace } from '@torchlet/tensor';
 * linspace(0, 1, 5).toArray(); // -> [0, 0.25, 0.5, 0.75, 1]
 * ```
 */
export function linspace(start: number, end: number, steps: number, options: CreateOptions = {}): Tensor {
  if (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 0)
    fail('linspace', 'steps', `number of steps must be a non-negative integer, got ${formatValue(steps)}`);
  if (typeof start !== 'number' || typeof end !== 'number')
    fail('linspace', 'start', `start and end must be numbers, got ${formatValue(start)} and ${formatValue(end)}`);
  const dtype = checkDType('linspace', options.dtype ?? 'float32');
  const data = allocStorage(dtype, steps, 'linspace');
  if (steps === 1) {
    storeNumberAt(data, 0, scalarFor('linspace', 'start', start, dtype)); // PyTorch: one step is `start`
    return placed('linspace', new Tensor(data, [1]), options);
  }
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // PyTorch fills the second half from the end so both endpoints are exact.
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) {
    storeNumberAt(data, i, castScalar(i < half ? start + step * i : end - step * (steps - 1 - i), dtype));
  }
  return placed('linspace', new Tensor(data, [steps]), options);
}
