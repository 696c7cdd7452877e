import { fail, formatValue, isTensor, type Storage } from '@torchlet/tensor';
import type { StateDict } from '../state-dict.js';
import { littleEndian, writtenDType } from './format.js';

/**
 * Serialises a state dict in the safetensors format: an 8-byte little-endian header length, a JSON
 * header (`{ name: { dtype, shape, data_offsets } }`, plus optional string `__metadata__`), then
 * the raw little-endian bytes of each tensor in row-major order. Keys keep PyTorch's names and
 * weights keep PyTorch's OIHW layout, so the bytes load in PyTorch's `safetensors.torch.load`.
 *
 * Shapes: any; each tensor is written contiguous.
 *
 * @param stateDict - The tensors by name, e.g. `net.stateDict()`.
 * @param metadata - Strings stored in the header's `__metadata__`. Default: none.
 * @returns The bytes of the `.safetensors` file.
 * @see safetensors.torch.save
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { loadSafetensors, saveSafetensors } from '@torchlet/nn';
 * const bytes = saveSafetensors({ weight: tensor([[1, -1]]) });
 * loadSafetensors(bytes).weight.toArray(); // -> [[1, -1]]
 * ```
 */
export function saveSafetensors(stateDict: StateDict, metadata?: Readonly<Record<string, string>>): Uint8Array {
  if (stateDict === null || typeof stateDict !== 'object' || Array.isArray(stateDict)) {
    fail('saveSafetensors', 'stateDict', `expected an object of named tensors, got ${formatValue(stateDict)}`);
  }
  if (metadata !== undefined && (metadata === null || typeof metadata !== 'object')) {
    fail('saveSafetensors', 'metadata', `expected an object of strings, got ${formatValue(metadata)}`);
  }
  // No prototype: a tensor named '__proto__' is a key like any other.
  const header: Record<string, unknown> = Object.create(null);
  if (metadata) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string')
        fail('saveSafetensors', 'metadata', `metadata values must be strings, got ${typeof v} for '${k}'`);
    }
    header.__metadata__ = { ...metadata };
  }
  const entries = Object.entries(stateDict);
  let offset = 0;
  const chunks: Uint8Array[] = [];
  for (const [name, t] of entries) {
    if (name === '__metadata__')
      fail('saveSafetensors', 'stateDict', "the key '__metadata__' is reserved by the format");
    if (!isTensor(t)) fail('saveSafetensors', 'stateDict', `'${name}' is not a Tensor`);
    const flat = t.toTypedArray();
    const bytes = toLittleEndianBytes(flat);
    header[name] = { dtype: writtenDType[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
    chunks.push(bytes);
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
  const encoder = new TextEncoder();
  let headerBytes = encoder.encode(json);
  const padding = (8 - ((8 + headerBytes.length) % 8)) % 8;
  if (padding) {
    json += ' '.repeat(padding);
    headerBytes = encoder.encode(json);
  }
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

function toLittleEndianBytes(flat: Storage): Uint8Array {
  const bytes = new Uint8Array(flat.buffer, flat.byteOffset, flat.byteLength);
  if (littleEndian || flat.BYTES_PER_ELEMENT === 1) return bytes;
  const out = new Uint8Array(bytes.length);
  const width = flat.BYTES_PER_ELEMENT;
  for (let i = 0; i < bytes.length; i += width) for (let b = 0; b < width; b++) out[i + b] = bytes[i + width - 1 - b];
  return out;
}
