import { type FileHandle, open, writeFile } from 'node:fs/promises';
import { fail, formatValue, type Tensor } from '@torchlet/tensor';
import type { StateDict } from '../state-dict.js';
import { declaredHeaderLength, loadSafetensors, parseHeader, readTensor, recordOf } from './load.js';
import { saveSafetensors } from './save.js';

/**
 * Writes a state dict to a `.safetensors` file (Node only; in the browser use
 * `saveSafetensors`, which returns the bytes).
 *
 * @param path - The file to write (replaced when it exists).
 * @param stateDict - The tensors by name, e.g. `net.stateDict()`.
 * @param metadata - Strings stored in the header's `__metadata__`. Default: none.
 * @example
 * ```ts
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { zeros } from '@torchlet/tensor';
 * import { loadSafetensorsFile, saveSafetensorsFile } from '@torchlet/nn/node';
 * const path = join(tmpdir(), 'torchlet-example.safetensors');
 * await saveSafetensorsFile(path, { w: zeros([2]) });
 * (await loadSafetensorsFile(path)).w.toArray(); // -> [0, 0]
 * ```
 */
export async function saveSafetensorsFile(
  path: string,
  stateDict: StateDict,
  metadata?: Readonly<Record<string, string>>,
): Promise<void> {
  if (typeof path !== 'string') fail('saveSafetensorsFile', 'path', `expected a file path, got ${formatValue(path)}`);
  await writeFile(path, saveSafetensors(stateDict, metadata));
}

/**
 * Reads a `.safetensors` file into a state dict (Node only; in the browser pass the bytes to
 * `loadSafetensors`).
 *
 * @param path - The `.safetensors` file to read.
 * @returns The tensors by name, ready for `Module.loadStateDict`.
 * @example
 * ```ts
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { ones } from '@torchlet/tensor';
 * import { loadSafetensorsFile, saveSafetensorsFile } from '@torchlet/nn/node';
 * const path = join(tmpdir(), 'torchlet-example-2.safetensors');
 * await saveSafetensorsFile(path, { b: ones([1]) });
 * (await loadSafetensorsFile(path)).b.toArray(); // -> [1]
 * ```
 */
export async function loadSafetensorsFile(path: string): Promise<StateDict> {
  if (typeof path !== 'string') {
    fail('loadSafetensorsFile', 'path', `expected a file path, got ${formatValue(path)}`);
  }
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    // Small files in one read; large ones (Node reads at most 2 GiB at once) header first, then
    // each tensor's bytes on their own, so the whole file is never one buffer.
    if (size <= WHOLE_FILE_BYTES) return loadSafetensors(await readRange(file, 0, size));
    return await loadInPieces(file, size);
  } finally {
    await file.close();
  }
}

/** Reads an open safetensors file of `size` bytes tensor by tensor (what large files take). */
export async function loadInPieces(file: FileHandle, size: number): Promise<StateDict> {
  const first8 = await readRange(file, 0, Math.min(8, size));
  const headerLength = declaredHeaderLength(first8, size);
  const { entries, dataStart } = parseHeader(await readRange(file, 0, 8 + headerLength), size);
  const pairs: [string, Tensor][] = [];
  for (const e of entries)
    pairs.push([e.name, readTensor(await readRange(file, dataStart + e.begin, e.end - e.begin), e)]);
  return recordOf(pairs);
}

/** Files up to this size are read in one piece. */
const WHOLE_FILE_BYTES = 2 ** 30;

/** Reads `length` bytes from `position`, in reads of at most 1 GiB (Node's limit is 2 GiB per read). */
async function readRange(file: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const want = Math.min(2 ** 30, length - done);
    const { bytesRead } = await file.read(out, done, want, position + done);
    if (bytesRead === 0) {
      fail(
        'loadSafetensorsFile',
        'path',
        `the file ended after ${position + done} bytes (it changed while being read)`,
      );
    }
    done += bytesRead;
  }
  return out;
}
