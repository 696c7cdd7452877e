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
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

/**
 * The typed array behind a tensor: one per dtype (`bool` is stored as 0/1 bytes).
 *
 * @example
 * ```ts
 * import { type Storage, tensor } from '@torchlet/tensor';
 * const data: Storage = tensor([true, false]).data;
 * data instanceof Uint8Array; // -> true
 * ```
 */
export type Storage = Float32Array | Float64Array | Int32Array | Uint8Array;

/**
 * Allocates zeroed storage for `size` elements of `dtype`.
 *
 * @example
 * ```ts
 * import { allocStorage } from '@torchlet/tensor';
 * Array.from(allocStorage('float64', 3)); // -> [0, 0, 0]
 * ```
 */
export function allocStorage(dtype: DType, size: number): Storage {
  // A switch, not a table lookup: each `new` site stays monomorphic, which V8 allocates faster.
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
    default:
      return new Uint8Array(size);
  }
}

/**
 * The dtype a typed array stores (`Uint8Array` is read as `bool`).
 *
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
  return 'bool';
}

/**
 * True for `float32` and `float64`.
 *
 * @example
 * ```ts
 * import { isFloatingDType } from '@torchlet/tensor';
 * isFloatingDType('int32'); // -> false
 * ```
 */
export function isFloatingDType(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

const rank: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/**
 * PyTorch's type promotion for two tensors: bool < int32 < float32 < float64.
 *
 * @example
 * ```ts
 * import { promoteTypes } from '@torchlet/tensor';
 * promoteTypes('int32', 'float32'); // -> 'float32'
 * ```
 */
export function promoteTypes(a: DType, b: DType): DType {
  return rank[a] >= rank[b] ? a : b;
}

/**
 * The dtype of `tensor op scalar`, following PyTorch: a scalar never widens a float tensor,
 * a non-integral scalar turns an integer or bool tensor into float32, and an integral scalar
 * turns a bool tensor into int32.
 *
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
  return dtype === 'bool' ? 'int32' : dtype;
}

/** Converts a JS number to what storing it in `dtype` keeps (int32 truncates, bool tests non-zero). */
export function castScalar(value: number, dtype: DType): number {
  switch (dtype) {
    case 'int32':
      // As PyTorch on x86 (and `Tensor.to('int32')`): NaN and out-of-range values become INT32_MIN.
      return Number.isNaN(value) || value >= 2147483648 || value < -2147483648 ? -2147483648 : Math.trunc(value);
    case 'bool':
      return value !== 0 ? 1 : 0;
    case 'float32':
      return Math.fround(value);
    default:
      return value;
  }
}

/** Every supported dtype, for validation messages. */
export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];
