import { fail, formatValue } from './errors.js';
import { numberToInt64 } from './int64.js';

/**
 * The element types a tensor can hold. `float32` is the default, as in PyTorch.
 *
 * @example
 * ```ts
 * import { type DType, zeros } from '@torchlet/tensor';
 * const dtype: DType = 'float64';
 * zeros([2], { dtype }).dtype; // -> 'float64'
 * ```
 */
export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool';

/**
 * The typed array behind a tensor: one per dtype (`bool` is stored as 0/1 bytes, `int64` in a
 * `BigInt64Array`, whose elements are `bigint`s).
 *
 * @example
 * ```ts
 * import { type Storage, tensor } from '@torchlet/tensor';
 * const data: Storage = tensor([true, false]).data;
 * data instanceof Uint8Array; // -> true
 * ```
 */
export type Storage = Float32Array | Float64Array | Int32Array | Uint8Array | BigInt64Array;

/**
 * The storages whose elements are JS numbers: every dtype but `int64`.
 *
 * @example
 * ```ts
 * import { type NumberStorage, tensor } from '@torchlet/tensor';
 * const data = tensor([1.5]).data as NumberStorage;
 * data[0] * 2; // -> 3
 * ```
 */
export type NumberStorage = Float32Array | Float64Array | Int32Array | Uint8Array;

/** The default of {@link getMaxElements}: 2^30 elements (4 GiB of float32). */
const DEFAULT_MAX_ELEMENTS = 2 ** 30;
let maxElements = DEFAULT_MAX_ELEMENTS;

/**
 * The most elements one tensor's storage may have: every allocation checks it first and throws a
 * `TorchletError` naming the size, instead of reserving gigabytes (or failing deep inside with a
 * raw `RangeError`). Default 2^30 (4 GiB of float32, 8 GiB of float64); see {@link setMaxElements}.
 *
 * @returns The current limit, in elements.
 * @example
 * ```ts
 * import { getMaxElements } from '@torchlet/tensor';
 * getMaxElements(); // -> 1073741824
 * ```
 */
export function getMaxElements(): number {
  return maxElements;
}

/**
 * Sets the element limit of {@link getMaxElements} (an integer from 1 to 2^32, the most a typed
 * array can hold), or restores the default with `null`. Raise it when the memory is really there.
 *
 * @param count - The new limit, a positive integer, or `null` to restore the default (2^30).
 * @example
 * ```ts
 * import { getMaxElements, setMaxElements, zeros } from '@torchlet/tensor';
 * setMaxElements(1000);
 * let message = '';
 * try {
 *   zeros([100, 100]);
 * } catch (e) {
 *   message = (e as Error).message;
 * }
 * message; // -> 'zeros: 10000 elements of float32 (40000 bytes) are over the limit of 1000 elements; raise it with setMaxElements()'
 * setMaxElements(null);
 * getMaxElements(); // -> 1073741824
 * ```
 */
export function setMaxElements(count: number | null): void {
  if (count === null) {
    maxElements = DEFAULT_MAX_ELEMENTS;
    return;
  }
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 2 ** 32) {
    fail('setMaxElements', 'count', `expected an integer from 1 to 2^32 or null, got ${formatValue(count)}`);
  }
  maxElements = count;
}

const BYTES: Readonly<Record<DType, number>> = { float32: 4, float64: 8, int32: 4, int64: 8, bool: 1 };

/**
 * Checks that `size` elements of `dtype` may be allocated (see {@link getMaxElements}), naming
 * `fn` otherwise. Call it before computing anything of that size.
 *
 * @param fn - The public function, named in the error.
 * @param size - The number of elements wanted.
 * @param dtype - Their element type (for the byte count in the message). Default `'float32'`.
 * @returns `size`, when allowed; otherwise a `TorchletError`.
 * @example
 * ```ts
 * import { checkNumel } from '@torchlet/tensor';
 * checkNumel('zeros', 6, 'float32'); // -> 6
 * ```
 */
export function checkNumel(fn: string, size: number, dtype: DType = 'float32'): number {
  if (typeof size !== 'number' || !(size >= 0) || !Number.isInteger(size)) {
    fail(fn, 'size', `expected a non-negative integer element count, got ${formatValue(size)}`);
  }
  if (size > maxElements) {
    fail(
      fn,
      'size',
      `${size} elements of ${typeof dtype === 'string' ? dtype : formatValue(dtype)} (${size * (typeof dtype === 'string' && Object.hasOwn(BYTES, dtype) ? BYTES[dtype] : 4)} bytes) are over the limit of ${maxElements} elements; raise it with setMaxElements()`,
    );
  }
  return size;
}

/**
 * Allocates zeroed storage for `size` elements of `dtype`, after {@link checkNumel} (which names
 * `fn`, default `'allocStorage'`, when the size is over the limit).
 *
 * @param dtype - The element type.
 * @param size - The number of elements (checked against {@link getMaxElements}).
 * @param fn - The public function, named in an error. Default `'allocStorage'`.
 * @returns A new zero-filled typed array of `dtype` (`Uint8Array` for bool, `BigInt64Array` for int64).
 * @example
 * ```ts
 * import { allocStorage } from '@torchlet/tensor';
 * Array.from(allocStorage('float64', 3) as Float64Array); // -> [0, 0, 0]
 * ```
 */
export function allocStorage(dtype: DType, size: number, fn = 'allocStorage'): Storage {
  if (typeof dtype !== 'string' || !Object.hasOwn(BYTES, dtype)) {
    fail(fn, 'dtype', `unsupported dtype ${formatValue(dtype)} (expected one of ${DTYPES.join(', ')})`);
  }
  checkNumel(fn, size, dtype);
  // A switch, not a table lookup: each `new` site stays monomorphic, which V8 allocates faster.
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'int64':
      return new BigInt64Array(size);
    default:
      return new Uint8Array(size);
  }
}

/**
 * The dtype a typed array stores (`Uint8Array` is read as `bool`).
 *
 * @param data - A tensor storage typed array.
 * @returns Its element type (`Uint8Array` is bool).
 * @example
 * ```ts
 * import { dtypeOfStorage } from '@torchlet/tensor';
 * dtypeOfStorage(new Float64Array(2)); // -> 'float64'
 * ```
 */
export function dtypeOfStorage(data: Storage): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  return 'bool';
}

/**
 * True for `float32` and `float64`.
 *
 * @param dtype - An element type.
 * @returns `true` for float32 and float64.
 * @example
 * ```ts
 * import { isFloatingDType } from '@torchlet/tensor';
 * isFloatingDType('int32'); // -> false
 * ```
 */
export function isFloatingDType(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/**
 * True for `int32` and `int64`.
 *
 * @param dtype - An element type.
 * @returns `true` for the integer types (int32, int64), `false` for floats and bool.
 * @example
 * ```ts
 * import { isIntegerDType } from '@torchlet/tensor';
 * isIntegerDType('int64'); // -> true
 * ```
 */
export function isIntegerDType(dtype: DType): boolean {
  return dtype === 'int32' || dtype === 'int64';
}

const rank: Record<DType, number> = { bool: 0, int32: 1, int64: 2, float32: 3, float64: 4 };

/**
 * PyTorch's type promotion for two tensors: bool < int32 < int64 < float32 < float64.
 *
 * @param a - The first element type.
 * @param b - The second element type.
 * @returns The type both promote to, as PyTorch's `promote_types`.
 * @example
 * ```ts
 * import { promoteTypes } from '@torchlet/tensor';
 * promoteTypes('int32', 'float32'); // -> 'float32'
 * ```
 */
export function promoteTypes(a: DType, b: DType): DType {
  if (typeof a !== 'string' || typeof b !== 'string' || !Object.hasOwn(rank, a) || !Object.hasOwn(rank, b)) {
    fail('promoteTypes', 'a', `expected two dtypes, got ${formatValue(a)} and ${formatValue(b)}`);
  }
  return rank[a] >= rank[b] ? a : b;
}

/**
 * The dtype of `tensor op scalar`, following PyTorch: a scalar never widens a float tensor,
 * a non-integral scalar turns an integer or bool tensor into float32, and an integral scalar
 * turns a bool tensor into int64.
 *
 * @param dtype - The tensor's element type.
 * @param scalar - A JS number or boolean combined with it.
 * @returns The result type: the tensor's, except that a non-integral scalar makes an integer or bool tensor
 *   float32 and an integral one a bool tensor int64.
 * @example
 * ```ts
 * import { promoteWithScalar } from '@torchlet/tensor';
 * promoteWithScalar('int32', 0.5); // -> 'float32'
 * ```
 */
export function promoteWithScalar(dtype: DType, scalar: number | boolean): DType {
  if (typeof scalar === 'boolean') return dtype;
  if (isFloatingDType(dtype)) return dtype;
  if (!Number.isInteger(scalar)) return 'float32';
  return dtype === 'bool' ? 'int64' : dtype;
}

/**
 * Converts a scalar the user gave for a tensor of `dtype`, as PyTorch does for `torch.tensor`,
 * `full`, `fill_` and item assignment: int32 truncates toward zero, and NaN, infinities and values
 * outside the int32 range are a TorchletError (PyTorch: "value cannot be converted to type int32
 * without overflow"), never a silent -2147483648. Other dtypes as `castScalar`.
 *
 * @param fn - The public function, named in an error.
 * @param arg - The argument, named in an error.
 * @param value - The JS number to store.
 * @param dtype - The element type it will be stored as.
 * @returns The value as `dtype` stores it (truncated for integers, rounded to float32, 0/1 for bool); out of
 *   int32 range is a `TorchletError`.
 * @example
 * ```ts
 * import { scalarFor } from '@torchlet/tensor';
 * scalarFor('full', 'value', 2.7, 'int32'); // -> 2
 * ```
 */
export function scalarFor(fn: string, arg: string, value: number, dtype: DType): number {
  if (dtype === 'int32' && !(value > -2147483649 && value < 2147483648)) {
    fail(fn, arg, `value cannot be converted to type int32 without overflow (got ${formatValue(value)})`);
  }
  // int64 keeps integers up to 2^63 (doubles there are integral); the caller stores BigInt(result).
  if (dtype === 'int64' && !(value >= -(2 ** 63) && value < 2 ** 63)) {
    fail(fn, arg, `value cannot be converted to type int64 without overflow (got ${formatValue(value)})`);
  }
  return castScalar(value, dtype);
}

/**
 * The typed-array types that are tensor storage, checked exactly (a `Uint16Array` or a detached
 * buffer is a TorchletError naming `fn` and `arg`, never bool or NaN data).
 *
 * @param fn - The public function, named in an error.
 * @param arg - The argument, named in an error.
 * @param data - The value that should be a tensor storage typed array.
 * @returns `data`, typed; anything else is a `TorchletError`.
 * @example
 * ```ts
 * import { checkStorage } from '@torchlet/tensor';
 * checkStorage('fromStorage', 'data', new Float32Array(2)).length; // -> 2
 * ```
 */
export function checkStorage(fn: string, arg: string, data: unknown): Storage {
  if (
    !(
      data instanceof Float32Array ||
      data instanceof Float64Array ||
      data instanceof Int32Array ||
      data instanceof BigInt64Array ||
      (data instanceof Uint8Array && data.constructor === Uint8Array)
    )
  ) {
    fail(
      fn,
      arg,
      `expected a Float32Array, Float64Array, Int32Array, BigInt64Array or Uint8Array (bool), got ${formatValue(data)}`,
    );
  }
  if (isDetached(data)) fail(fn, arg, `the ${data.constructor.name}'s ArrayBuffer is detached (transferred away)`);
  return data;
}

/** Whether a typed array's buffer was detached (transferred): it then reads as empty. */
export function isDetached(data: ArrayBufferView): boolean {
  if (data.byteLength !== 0) return false;
  const buffer = data.buffer as ArrayBuffer & { detached?: boolean };
  if (typeof buffer.detached === 'boolean') return buffer.detached;
  try {
    new Uint8Array(buffer, 0, 0);
    return false;
  } catch {
    return true; // V8 refuses to view a detached buffer
  }
}

/**
 * Converts a JS number to what storing it in `dtype` keeps (integers truncate, bool tests
 * non-zero). For `int64` the result is the integral number to store as `BigInt(result)`.
 */
export function castScalar(value: number, dtype: DType): number {
  switch (dtype) {
    case 'int32':
      // As PyTorch on x86 (and `Tensor.to('int32')`): NaN and out-of-range values become INT32_MIN.
      return Number.isNaN(value) || value >= 2147483648 || value < -2147483648 ? -2147483648 : Math.trunc(value);
    case 'int64':
      return Number.isNaN(value) || value >= 2 ** 63 || value < -(2 ** 63) ? -(2 ** 63) : Math.trunc(value) || 0;
    case 'bool':
      return value !== 0 ? 1 : 0;
    case 'float32':
      return Math.fround(value);
    default:
      return value;
  }
}

/** Every supported dtype, for validation messages. */
export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'int64', 'bool'];

/**
 * Stores the JS number `value` (already cast with `castScalar`) at `data[i]`, as a
 * `bigint` when the storage is int64.
 *
 * @param data - The storage to write.
 * @param i - The element index.
 * @param value - The value (converted to a bigint for int64 storage).
 * @example
 * ```ts
 * import { storeNumber } from '@torchlet/tensor';
 * const data = new BigInt64Array(1);
 * storeNumber(data, 0, 7);
 * data[0]; // -> 7n
 * ```
 */
export function storeNumber(data: Storage, i: number, value: number): void {
  checkIndexInto('storeNumber', data, i);
  if (typeof value !== 'number') fail('storeNumber', 'value', `expected a number, got ${formatValue(value)}`);
  // Integral values (what castScalar gives) convert exactly; others as a cast to int64 does.
  if (data instanceof BigInt64Array) data[i] = Number.isInteger(value) ? BigInt(value) : numberToInt64(value);
  else data[i] = value;
}

/** {@link storeNumber} without the argument checks, for the loops inside this package. */
export function storeNumberAt(data: Storage, i: number, value: number): void {
  if (data instanceof BigInt64Array) data[i] = Number.isInteger(value) ? BigInt(value) : numberToInt64(value);
  else data[i] = value;
}

/** Checks that `data` is a typed array and `i` an index into it, naming `fn`. */
function checkIndexInto(fn: string, data: Storage, i: number): void {
  if (!ArrayBuffer.isView(data) || data instanceof DataView) {
    fail(fn, 'data', `expected a typed array, got ${formatValue(data)}`);
  }
  if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= data.length) {
    fail(fn, 'i', `expected an index in [0, ${data.length}), got ${formatValue(i)}`);
  }
}

/**
 * `data[i]` as a JS number (an int64 element beyond 2^53 rounds to the nearest double).
 *
 * @param data - The storage to read.
 * @param i - The element index.
 * @returns The element as a JS number.
 * @example
 * ```ts
 * import { loadNumber } from '@torchlet/tensor';
 * loadNumber(new BigInt64Array([5n]), 0); // -> 5
 * ```
 */
export function loadNumber(data: Storage, i: number): number {
  checkIndexInto('loadNumber', data, i);
  return Number(data[i]);
}
