import { type DType, fail, formatShape, type Tensor, tensor } from '@torchlet/tensor';
import { DataType, type TensorProto } from './proto/types.js';

// TensorProto <-> torchlet tensors. torchlet has float32, float64, int32, int64 and bool: INT64
// (and UINT32, UINT64) become int64, as PyTorch holds them (UINT64 values beyond 2^63 - 1
// saturate); the narrower integer types become int32; float16 widens to float32. Every size is
// checked against the bytes actually present before anything is allocated.

/** The largest element count of one tensor (2^31 - 1: typed-array and int32 index limits). */
export const MAX_ELEMENTS = 2 ** 31 - 1;

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);
const INT64_MAX = 2n ** 63n - 1n;

/** The ONNX integer types torchlet holds as int64 (the others, all narrower, as int32). */
const WIDE_INTS: ReadonlySet<number> = new Set([DataType.INT64, DataType.UINT32, DataType.UINT64]);

const BYTES: Readonly<Record<number, number>> = {
  [DataType.FLOAT]: 4,
  [DataType.UINT8]: 1,
  [DataType.INT8]: 1,
  [DataType.UINT16]: 2,
  [DataType.INT16]: 2,
  [DataType.INT32]: 4,
  [DataType.INT64]: 8,
  [DataType.BOOL]: 1,
  [DataType.FLOAT16]: 2,
  [DataType.DOUBLE]: 8,
  [DataType.UINT32]: 4,
  [DataType.UINT64]: 8,
};

const NAMES: Readonly<Record<number, string>> = {
  0: 'UNDEFINED',
  1: 'FLOAT',
  2: 'UINT8',
  3: 'INT8',
  4: 'UINT16',
  5: 'INT16',
  6: 'INT32',
  7: 'INT64',
  8: 'STRING',
  9: 'BOOL',
  10: 'FLOAT16',
  11: 'DOUBLE',
  12: 'UINT32',
  13: 'UINT64',
  14: 'COMPLEX64',
  15: 'COMPLEX128',
  16: 'BFLOAT16',
};

/** ONNX's name of a data type number (`1` -> `'FLOAT'`). */
export function dataTypeName(t: number): string {
  return NAMES[t] ?? `data type ${t}`;
}

/** The torchlet dtype an ONNX data type is held in, or null when torchlet cannot hold it. */
export function dtypeOfDataType(t: number): DType | null {
  if (t === DataType.FLOAT || t === DataType.FLOAT16) return 'float32';
  if (t === DataType.DOUBLE) return 'float64';
  if (t === DataType.BOOL) return 'bool';
  if (WIDE_INTS.has(t)) return 'int64';
  if (BYTES[t] !== undefined) return 'int32';
  return null;
}

/** The ONNX data type a torchlet dtype is written as. */
export function dataTypeOfDType(d: DType): number {
  if (d === 'float32') return DataType.FLOAT;
  if (d === 'float64') return DataType.DOUBLE;
  if (d === 'int32') return DataType.INT32;
  if (d === 'int64') return DataType.INT64;
  return DataType.BOOL;
}

/** Checks ONNX dims (each `0 <= d`, the product at most {@link MAX_ELEMENTS}) and returns the element count. */
export function checkDims(fn: string, what: string, dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0)
      fail(fn, 'bytes', `${what} has an invalid dimension ${String(d)} in ${formatShape(dims)}`);
    n *= d;
    if (n > MAX_ELEMENTS)
      fail(fn, 'bytes', `${what} has absurd dimensions ${formatShape(dims)} (more than ${MAX_ELEMENTS} elements)`);
  }
  return n;
}

/**
 * The bytes of a model's external data files by the `location` its tensors name (ONNX keeps
 * weights of models over 2 GB beside the `.onnx` file).
 *
 * @example
 * ```ts
 * import type { ExternalData } from '@torchlet/onnx';
 * const files: ExternalData = { 'model.onnx.data': new Uint8Array(16) };
 * files['model.onnx.data'].length; // -> 16
 * ```
 */
export type ExternalData = Readonly<Record<string, Uint8Array>>;

/**
 * The tensor a TensorProto holds. `what` names it in errors (`initializer 'conv.weight'`).
 * External data is read from `external`; a missing file or range is an error.
 */
export function tensorFromProto(fn: string, what: string, t: TensorProto, external: ExternalData = {}): Tensor {
  const dims = (t.dims ?? []).map(Number);
  const n = checkDims(fn, what, dims);
  const type = t.data_type ?? 0;
  const dtype = dtypeOfDataType(type);
  if (dtype === null) fail(fn, 'bytes', `${what} has data type ${dataTypeName(type)}, which torchlet cannot hold`);
  const size = BYTES[type];
  let raw = t.raw_data;
  if (t.data_location === 1) raw = externalBytes(fn, what, t, external, n * size);
  let values: ArrayLike<number> | BigInt64Array;
  if (raw !== undefined && raw.length > 0) {
    if (raw.length !== n * size)
      fail(
        fn,
        'bytes',
        `${what} declares ${formatShape(dims)} ${dataTypeName(type)} (${n * size} bytes) but holds ${raw.length} bytes`,
      );
    values = dtype === 'int64' ? readRawInt64(type, raw, n) : readRaw(type, raw, n);
  } else {
    const field = typedField(t, type);
    if (field.length !== n && !(n === 0 && field.length === 0))
      fail(fn, 'bytes', `${what} declares ${formatShape(dims)} (${n} values) but holds ${field.length}`);
    values = type === DataType.FLOAT16 ? Float32Array.from(field as number[], halfToFloat) : field;
    // The codec reads int64 fields as numbers (exact up to 2^53).
    if (dtype === 'int64') values = BigInt64Array.from(field as number[], saturate64);
    else if (dtype === 'int32' || dtype === 'bool') values = Int32Array.from(values as number[], saturate);
  }
  return makeTensor(values, dims, dtype);
}

function makeTensor(values: ArrayLike<number> | BigInt64Array, dims: number[], dtype: DType): Tensor {
  if (values instanceof BigInt64Array) return tensor(values, { dtype: 'int64' }).reshape(dims);
  const storage =
    dtype === 'float32'
      ? values instanceof Float32Array
        ? values
        : Float32Array.from(values)
      : dtype === 'float64'
        ? Float64Array.from(values)
        : dtype === 'int32'
          ? values instanceof Int32Array
            ? values
            : Int32Array.from(values)
          : Uint8Array.from(values, (v) => (v !== 0 ? 1 : 0));
  return tensor(storage, { dtype }).reshape(dims);
}

function typedField(t: TensorProto, type: number): readonly number[] {
  if (type === DataType.FLOAT) return t.float_data ?? [];
  if (type === DataType.DOUBLE) return t.double_data ?? [];
  if (type === DataType.INT64) return t.int64_data ?? [];
  if (type === DataType.UINT32 || type === DataType.UINT64) return t.uint64_data ?? [];
  // INT32, INT16, INT8, UINT16, UINT8, BOOL and FLOAT16 (as bits) live in int32_data.
  return t.int32_data ?? [];
}

function externalBytes(fn: string, what: string, t: TensorProto, external: ExternalData, expected: number): Uint8Array {
  const entries = new Map((t.external_data ?? []).map((e) => [e.key, e.value]));
  const location = entries.get('location');
  if (location === undefined) fail(fn, 'bytes', `${what} stores its data externally but names no location`);
  const file = Object.hasOwn(external, location) ? external[location] : undefined;
  if (!(file instanceof Uint8Array))
    fail(
      fn,
      'bytes',
      `${what} stores its data in the external file '${location}', which is missing (pass its bytes in options.externalData['${location}'])`,
    );
  const offset = Number(entries.get('offset') ?? '0');
  const length = entries.has('length') ? Number(entries.get('length')) : expected;
  if (
    !Number.isSafeInteger(offset) ||
    !Number.isSafeInteger(length) ||
    offset < 0 ||
    length < 0 ||
    offset + length > file.length
  )
    fail(
      fn,
      'bytes',
      `${what} reads bytes [${offset}, ${offset + length}) of external file '${location}', which has ${file.length} bytes`,
    );
  return file.subarray(offset, offset + length);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function readRaw(type: number, raw: Uint8Array, n: number): ArrayLike<number> {
  // An aligned copy (Node's Buffer.slice would share, hence Uint8Array.prototype.slice).
  if (LITTLE_ENDIAN && type === DataType.FLOAT)
    return new Float32Array(Uint8Array.prototype.slice.call(raw).buffer, 0, n);
  if (LITTLE_ENDIAN && type === DataType.DOUBLE)
    return new Float64Array(Uint8Array.prototype.slice.call(raw).buffer, 0, n);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  switch (type) {
    case DataType.FLOAT: {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
      return out;
    }
    case DataType.DOUBLE: {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, true);
      return out;
    }
    case DataType.FLOAT16: {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
      return out;
    }
    default: {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = saturate(readInt(view, type, i));
      return out;
    }
  }
}

/** INT64, UINT32 and UINT64 raw bytes as int64 storage (UINT64 beyond 2^63 - 1 saturates). */
function readRawInt64(type: number, raw: Uint8Array, n: number): BigInt64Array {
  // An aligned copy, as readRaw's.
  if (LITTLE_ENDIAN && type === DataType.INT64)
    return new BigInt64Array(Uint8Array.prototype.slice.call(raw).buffer, 0, n);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    if (type === DataType.INT64) out[i] = view.getBigInt64(8 * i, true);
    else if (type === DataType.UINT32) out[i] = BigInt(view.getUint32(4 * i, true));
    else {
      const v = view.getBigUint64(8 * i, true);
      out[i] = v > INT64_MAX ? INT64_MAX : v;
    }
  }
  return out;
}

function readInt(view: DataView, type: number, i: number): number {
  switch (type) {
    case DataType.INT64:
      return Number(view.getBigInt64(8 * i, true));
    case DataType.UINT64:
      return Number(view.getBigUint64(8 * i, true));
    case DataType.INT32:
      return view.getInt32(4 * i, true);
    case DataType.UINT32:
      return view.getUint32(4 * i, true);
    case DataType.INT16:
      return view.getInt16(2 * i, true);
    case DataType.UINT16:
      return view.getUint16(2 * i, true);
    case DataType.INT8:
      return view.getInt8(i);
    case DataType.BOOL:
      return view.getUint8(i) !== 0 ? 1 : 0;
    default:
      return view.getUint8(i);
  }
}

/** An int64 field value (a JS number from the codec) as an int64 element. */
function saturate64(v: number): bigint {
  if (Number.isNaN(v)) return 0n;
  if (v >= 2 ** 63) return INT64_MAX;
  if (v < -(2 ** 63)) return -INT64_MAX - 1n;
  return BigInt(Math.trunc(v));
}

function saturate(v: number): number {
  if (Number.isNaN(v)) return 0;
  return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : Math.trunc(v);
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/**
 * A TensorProto holding `t` (named `name`): float32, float64, int64 and bool as raw little-endian
 * bytes; int32 as INT64 when `asInt64` (ONNX wants int64 for shapes, axes and indices), else INT32.
 */
export function tensorToProto(name: string, t: Tensor, asInt64 = false): TensorProto {
  const dims = [...t.shape];
  const c = t.contiguous();
  const n = c.numel;
  if (t.dtype === 'int32' && asInt64) {
    const raw = new Uint8Array(8 * n);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < n; i++) view.setBigInt64(8 * i, BigInt(c.data[c.offset + i] as number), true);
    return { name, dims, data_type: DataType.INT64, raw_data: raw };
  }
  const type = dataTypeOfDType(t.dtype);
  const size = BYTES[type];
  const data = c.data;
  if (LITTLE_ENDIAN && t.dtype !== 'bool') {
    // Typed arrays are little-endian here, as ONNX's raw_data: copy the bytes as they are.
    const bytes = new Uint8Array(data.buffer, data.byteOffset + c.offset * size, n * size);
    return { name, dims, data_type: type, raw_data: bytes.slice() };
  }
  const raw = new Uint8Array(size * n);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < n; i++) {
    const e = data[c.offset + i];
    if (typeof e === 'bigint') {
      view.setBigInt64(8 * i, e, true);
      continue;
    }
    const v = Number(e);
    if (t.dtype === 'float32') view.setFloat32(4 * i, v, true);
    else if (t.dtype === 'float64') view.setFloat64(8 * i, v, true);
    else if (t.dtype === 'int32') view.setInt32(4 * i, v, true);
    else view.setUint8(i, v !== 0 ? 1 : 0);
  }
  return { name, dims, data_type: type, raw_data: raw };
}

/** The elements of `t` in row-major order, as numbers. */
export function flatValues(t: Tensor): number[] {
  const c = t.contiguous();
  const out = new Array<number>(c.numel);
  for (let i = 0; i < out.length; i++) out[i] = Number(c.data[c.offset + i]);
  return out;
}
