import type { DType } from '@torchlet/tensor';

/**
 * A safetensors dtype name torchlet can read: F32, F64, I32, I64 and BOOL as they are; F16 and BF16 read as float32.
 *
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { type SafetensorsDType, readSafetensorsHeader, saveSafetensors } from '@torchlet/nn';
 * const stored: SafetensorsDType = readSafetensorsHeader(saveSafetensors({ w: zeros([1]) })).tensors.w.dtype;
 * stored; // -> 'F32'
 * ```
 */
export type SafetensorsDType = 'F32' | 'F64' | 'I32' | 'BOOL' | 'I64' | 'F16' | 'BF16';

/** The safetensors dtype names torchlet reads, and what each becomes. */
export const readableDTypes: Readonly<Record<SafetensorsDType, { readonly bytes: number; readonly dtype: DType }>> = {
  F32: { bytes: 4, dtype: 'float32' },
  F64: { bytes: 8, dtype: 'float64' },
  I32: { bytes: 4, dtype: 'int32' },
  BOOL: { bytes: 1, dtype: 'bool' },
  // PyTorch writes int64 buffers (BatchNorm's num_batches_tracked) as I64.
  I64: { bytes: 8, dtype: 'int64' },
  // Read and converted: half-precision weights become float32.
  F16: { bytes: 2, dtype: 'float32' },
  BF16: { bytes: 2, dtype: 'float32' },
};

/** The safetensors dtype torchlet writes for each of its dtypes. */
export const writtenDType: Record<DType, SafetensorsDType> = {
  float32: 'F32',
  float64: 'F64',
  int32: 'I32',
  int64: 'I64',
  bool: 'BOOL',
};

/** Largest header accepted, as in the reference implementation (100 MB). */
export const maxHeaderBytes = 100_000_000;

/** True on little-endian machines, where stored bytes can be copied as they are. */
export const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
