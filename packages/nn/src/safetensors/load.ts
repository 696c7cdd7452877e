import {
  allocStorage,
  checkNumel,
  fail,
  formatShape,
  formatValue,
  type NumberStorage,
  type Storage,
  Tensor,
} from '@torchlet/tensor';
import type { StateDict } from '../state-dict.js';
import { littleEndian, maxHeaderBytes, readableDTypes, type SafetensorsDType } from './format.js';

const fn = 'loadSafetensors';

/** One tensor's header entry, its offsets relative to the start of the data section. */
export interface Entry {
  readonly name: string;
  readonly dtype: SafetensorsDType;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
}

/**
 * What a safetensors file holds, without reading its tensor data.
 *
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { type SafetensorsHeader, readSafetensorsHeader, saveSafetensors } from '@torchlet/nn';
 * const header: SafetensorsHeader = readSafetensorsHeader(saveSafetensors({ b: zeros([3]) }, { format: 'pt' }));
 * header.metadata; // -> { format: 'pt' }
 * ```
 */
export interface SafetensorsHeader {
  /** The free-form string metadata (`__metadata__`), or `{}`. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Each tensor's stored dtype and shape, in file order. */
  readonly tensors: Readonly<Record<string, { readonly dtype: SafetensorsDType; readonly shape: readonly number[] }>>;
}

/**
 * Parses and validates the header of a safetensors file: the length prefix, the JSON, every
 * entry's dtype, shape and offsets, and that the entries tile the data exactly (no gaps, no
 * overlaps, nothing past the end). Throws a `TorchletError` naming the problem otherwise.
 *
 * @param bytes - The start of a `.safetensors` file (at least the 8-byte length and the JSON header).
 * @returns Each tensor's stored dtype and shape, in file order, and the `__metadata__` strings.
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { readSafetensorsHeader, saveSafetensors } from '@torchlet/nn';
 * readSafetensorsHeader(saveSafetensors({ w: zeros([2, 3]) })).tensors.w.shape; // -> [2, 3]
 * ```
 */
export function readSafetensorsHeader(bytes: Uint8Array): SafetensorsHeader {
  const { entries, metadata } = parseHeader(checkBytes(bytes), bytes.length);
  const tensors = recordOf(entries.map((e) => [e.name, { dtype: e.dtype, shape: e.shape }] as const));
  return { metadata, tensors };
}

/**
 * A plain object of `pairs`, each an own enumerable property whatever its key: a tensor named
 * `__proto__` is data, never the object's prototype (`Object.fromEntries` defines properties
 * rather than assigning them, and stays fast for hundreds of thousands of keys).
 */
export function recordOf<T>(pairs: Iterable<readonly [string, T]>): Record<string, T> {
  return Object.fromEntries(pairs);
}

function checkBytes(bytes: Uint8Array): Uint8Array {
  if (!(bytes instanceof Uint8Array)) fail(fn, 'bytes', `expected a Uint8Array, got ${formatValue(bytes)}`);
  return bytes;
}

/**
 * Reads a safetensors file (as bytes) into a state dict. F32, F64, I32 and BOOL load as they are;
 * I64 (PyTorch's integer buffers) loads as int64 (exact), F16 and BF16 as float32.
 * Malformed input (truncated, an oversized header, offsets out of range or overlapping, an unknown
 * dtype, a shape that does not match its bytes) throws a `TorchletError`; nothing larger than
 * the file is ever allocated.
 *
 * Shapes: as stored.
 *
 * @param bytes - The contents of a `.safetensors` file.
 * @returns The tensors by name, ready for {@link Module.loadStateDict}.
 * @see safetensors.torch.load
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { loadSafetensors, saveSafetensors } from '@torchlet/nn';
 * const dict = loadSafetensors(saveSafetensors({ 'conv.weight': tensor([[[[1, -1]]]]) }));
 * dict['conv.weight'].shape; // -> [1, 1, 1, 2]
 * ```
 */
export function loadSafetensors(bytes: Uint8Array): StateDict {
  const { entries, dataStart } = parseHeader(checkBytes(bytes), bytes.length);
  return recordOf(entries.map((e) => [e.name, readTensor(bytes.subarray(dataStart + e.begin, dataStart + e.end), e)]));
}

/** A parsed header: the entries (offsets relative to `dataStart`), the metadata, where data starts. */
export interface ParsedHeader {
  readonly entries: readonly Entry[];
  readonly metadata: Record<string, string>;
  readonly dataStart: number;
}

/**
 * The header length a file declares in its first 8 bytes (checked against the 100 MB limit and
 * the file's size), so a file reader knows how much to read before {@link parseHeader}.
 */
export function declaredHeaderLength(first8: Uint8Array, fileLength: number): number {
  if (first8.length < 8)
    fail(fn, 'bytes', `file is truncated: ${fileLength} bytes, fewer than the 8-byte header length`);
  const declared = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (declared > BigInt(maxHeaderBytes)) fail(fn, 'bytes', `header length ${declared} exceeds the 100 MB limit`);
  const headerLength = Number(declared);
  if (8 + headerLength > fileLength) {
    fail(fn, 'bytes', `header length ${headerLength} runs past the end of the file (${fileLength} bytes)`);
  }
  return headerLength;
}

/**
 * Parses the header of a file of `fileLength` bytes from `bytes`, which holds at least the file's
 * first `8 + headerLength` bytes (the whole file, or only its head when reading in pieces).
 */
export function parseHeader(bytes: Uint8Array, fileLength: number): ParsedHeader {
  if (bytes.length < 8 || fileLength < 8)
    fail(fn, 'bytes', `file is truncated: ${fileLength} bytes, fewer than the 8-byte header length`);
  const headerLength = declaredHeaderLength(bytes, fileLength);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    fail(fn, 'bytes', 'header is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail(fn, 'bytes', "header is not a JSON object (it must start with '{')");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    fail(fn, 'bytes', `header is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    fail(fn, 'bytes', 'header is not a JSON object');
  const dataStart = 8 + headerLength;
  const dataLength = fileLength - dataStart;
  const metaPairs: [string, string][] = [];
  const entries: Entry[] = [];
  // Object.keys and indexing, not Object.entries: a header of 600k entries parses as a dictionary,
  // whose entries() costs several times its keys().
  const header = parsed as Record<string, unknown>;
  for (const name of Object.keys(header)) {
    const raw = header[name];
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
        fail(fn, 'bytes', '__metadata__ must be an object of strings');
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(fn, 'bytes', `__metadata__ value for '${k}' is not a string`);
        metaPairs.push([k, v]);
      }
      continue;
    }
    entries.push(parseEntry(name, raw, dataLength));
  }
  // The entries must tile the data buffer exactly, as the reference reader requires.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const e of sorted) {
    if (e.begin !== cursor) {
      const why = e.begin < cursor ? 'overlaps the previous tensor' : `leaves a gap of ${e.begin - cursor} bytes`;
      fail(fn, 'bytes', `tensor '${e.name}' starts at byte ${e.begin} and ${why}`);
    }
    cursor = e.end;
  }
  if (cursor !== dataLength) fail(fn, 'bytes', `tensors cover ${cursor} bytes but the data section has ${dataLength}`);
  return { entries, metadata: recordOf(metaPairs), dataStart };
}

function parseEntry(name: string, raw: unknown, dataLength: number): Entry {
  // Formats the file's own values for messages (JSON.stringify of a short, parsed value).
  const show = (v: unknown): string => {
    const text = JSON.stringify(v) ?? String(v);
    return text.length > 60 ? `${text.slice(0, 60)}...` : text;
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    fail(fn, 'bytes', `entry '${name}' is not an object`);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (typeof dtype !== 'string' || !Object.hasOwn(readableDTypes, dtype)) {
    fail(
      fn,
      'bytes',
      `tensor '${name}' has unsupported dtype ${show(dtype)} (supported: ${Object.keys(readableDTypes).join(', ')})`,
    );
  }
  const info = readableDTypes[dtype as SafetensorsDType];
  if (!Array.isArray(shape) || !shape.every((s) => typeof s === 'number' && Number.isSafeInteger(s) && s >= 0)) {
    fail(fn, 'bytes', `tensor '${name}' has an invalid shape ${show(shape)}`);
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => typeof o === 'number' && Number.isSafeInteger(o) && o >= 0) ||
    offsets[0] > offsets[1]
  ) {
    fail(fn, 'bytes', `tensor '${name}' has invalid data_offsets ${show(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end > dataLength)
    fail(
      fn,
      'bytes',
      `tensor '${name}' data_offsets [${begin},${end}] run past the data section (${dataLength} bytes)`,
    );
  // Multiply with a bound so a huge shape cannot overflow into a plausible size (an empty tensor,
  // with a 0 anywhere in its shape, needs no bytes whatever its other sizes).
  let count = (shape as number[]).includes(0) ? 0 : 1;
  if (count !== 0)
    for (const s of shape as number[]) {
      count *= s;
      if (count * info.bytes > dataLength) {
        fail(
          fn,
          'bytes',
          `tensor '${name}' shape ${formatShape(shape as number[])} needs more bytes than the file holds`,
        );
      }
    }
  if (count * info.bytes !== end - begin) {
    fail(
      fn,
      'bytes',
      `tensor '${name}' shape ${formatShape(shape as number[])} of ${dtype} needs ${count * info.bytes} bytes but data_offsets span ${end - begin}`,
    );
  }
  return { name, dtype: dtype as SafetensorsDType, shape: shape as number[], begin, end };
}

/** One tensor from its stored bytes `src` (exactly `e.end - e.begin` of them). */
export function readTensor(src: Uint8Array, e: Entry): Tensor {
  const info = readableDTypes[e.dtype];
  const count = (e.end - e.begin) / info.bytes;
  checkNumel(fn, count, info.dtype);
  // Only the converting paths read through a DataView: creating one per tensor costs as much as
  // the copy for the many small tensors of a large header.
  const view =
    littleEndian && e.dtype !== 'F16' && e.dtype !== 'BF16'
      ? null
      : new DataView(src.buffer, src.byteOffset, src.byteLength);
  let data: Storage;
  switch (e.dtype) {
    case 'F32':
    case 'F64':
    case 'I32':
    case 'BOOL': {
      const numbers = allocStorage(info.dtype, count) as NumberStorage;
      data = numbers;
      if (littleEndian || info.bytes === 1) {
        new Uint8Array(data.buffer).set(src);
      } else {
        for (let i = 0; i < count; i++) {
          numbers[i] =
            e.dtype === 'F32'
              ? (view as DataView).getFloat32(i * 4, true)
              : e.dtype === 'F64'
                ? (view as DataView).getFloat64(i * 8, true)
                : (view as DataView).getInt32(i * 4, true);
        }
      }
      if (e.dtype === 'BOOL')
        for (let i = 0; i < count; i++)
          if (numbers[i] > 1) fail(fn, 'bytes', `tensor '${e.name}' has a BOOL byte that is neither 0 nor 1`);
      break;
    }
    case 'I64': {
      const wide = new BigInt64Array(count);
      if (littleEndian) new Uint8Array(wide.buffer).set(src);
      else for (let i = 0; i < count; i++) wide[i] = (view as DataView).getBigInt64(i * 8, true);
      data = wide;
      break;
    }
    case 'F16': {
      data = allocStorage('float32', count);
      for (let i = 0; i < count; i++) data[i] = halfToFloat((view as DataView).getUint16(i * 2, true));
      break;
    }
    case 'BF16': {
      data = allocStorage('float32', count);
      const word = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < count; i++) {
        word.setUint32(0, (view as DataView).getUint16(i * 2, true) << 16);
        data[i] = word.getFloat32(0);
      }
      break;
    }
  }
  // parseEntry checked the shape (safe non-negative integers) against the byte span: no
  // fromStorage layout checks needed, which would double the cost per tensor.
  return new Tensor(data, e.shape);
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
