import type { DType } from '@torchlet/tensor';

/** The safetensors dtype names torchlet reads, and what each becomes. */
export const readableDTypes = {
  F32: { bytes: 4, dtype: 'float32' },
  F64: { bytes: 8, dtype: 'float64' },
  I32: { bytes: 4, dtype: 'int32' },
  BOOL: { bytes: 1, dtype: 'bool' },
  // Read and converted: PyTorch writes int64 buffers (BatchNorm's num_batches_tracked) and
  // half-precision weights; torchlet holds them as int32 / float32.
  I64: { bytes: 8, dtype: 'int32' },
  F16: { bytes: 2, dtype: 'float32' },
  BF16: { bytes: 2, dtype: 'float32' },
} as const satisfies Record<string, { bytes: number; dtype: DType }>;

/** A safetensors dtype name torchlet can read. */
export type SafetensorsDType = keyof typeof readableDTypes;

/** The safetensors dtype torchlet writes for each of its dtypes. */
export const writtenDType: Record<DType, SafetensorsDType> = {
  float32: 'F32',
  float64: 'F64',
  int32: 'I32',
  bool: 'BOOL',
};

/** Largest header accepted, as in the reference implementation (100 MB). */
export const maxHeaderBytes = 100_000_000;

/** True on little-endian machines, where stored bytes can be copied as they are. */
export const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
