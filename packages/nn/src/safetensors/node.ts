import { readFile, writeFile } from 'node:fs/promises';
import type { StateDict } from '../state-dict.js';
import { loadSafetensors } from './load.js';
import { saveSafetensors } from './save.js';

/**
 * Writes a state dict to a `.safetensors` file (Node only; in the browser use
 * `saveSafetensors`, which returns the bytes).
 *
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
  await writeFile(path, saveSafetensors(stateDict, metadata));
}

/**
 * Reads a `.safetensors` file into a state dict (Node only; in the browser pass the bytes to
 * `loadSafetensors`).
 *
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
  return loadSafetensors(new Uint8Array(await readFile(path)));
}
