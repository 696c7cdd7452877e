import { open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TorchletError, tensor } from '@torchlet/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInPieces, loadSafetensorsFile, saveSafetensorsFile } from './node.js';
import { saveSafetensors } from './save.js';

const dir = tmpdir();
const paths: string[] = [];
const tmp = (name: string): string => {
  const path = join(dir, `torchlet-${process.pid}-${name}.safetensors`);
  paths.push(path);
  return path;
};

describe('loadSafetensorsFile', () => {
  afterAll(async () => {
    for (const p of paths) await rm(p, { force: true });
  });

  const dict = {
    'conv.weight': tensor([[[[1, -1]]]]),
    empty: tensor([]).reshape([2, 0]),
    'bn.num_batches_tracked': tensor(new Int32Array([3])),
    mask: tensor([true, false]),
  };

  it('reads a file whole, and tensor by tensor as large files are, with the same result', async () => {
    const path = tmp('pieces');
    await saveSafetensorsFile(path, dict);
    const whole = await loadSafetensorsFile(path);
    const file = await open(path, 'r');
    try {
      const pieces = await loadInPieces(file, (await file.stat()).size);
      for (const out of [whole, pieces]) {
        expect(Object.keys(out)).toEqual(Object.keys(dict));
        expect(out['conv.weight'].toArray()).toEqual([[[[1, -1]]]]);
        expect(out.empty.shape).toEqual([2, 0]);
        expect(out.mask.toArray()).toEqual([true, false]);
      }
    } finally {
      await file.close();
    }
  });

  it('a truncated file is a TorchletError in either mode', async () => {
    const path = tmp('truncated');
    const bytes = saveSafetensors(dict);
    await writeFile(path, bytes.subarray(0, bytes.length - 1));
    await expect(loadSafetensorsFile(path)).rejects.toThrowError(TorchletError);
    const file = await open(path, 'r');
    try {
      await expect(loadInPieces(file, bytes.length - 1)).rejects.toThrowError(
        /data_offsets .* run past the data section/,
      );
    } finally {
      await file.close();
    }
  });

  it('rejects a path that is not a string', async () => {
    await expect(loadSafetensorsFile(5 as unknown as string)).rejects.toThrowError(
      'loadSafetensorsFile: expected a file path, got 5',
    );
  });
});
