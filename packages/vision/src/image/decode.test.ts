import { TorchletError } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { readImage } from './decode.js';

describe('readImage rejects what is not a readable image file', () => {
  it('a non-path or a missing file is a TorchletError naming readImage and the path', async () => {
    const read = readImage as (...args: unknown[]) => Promise<unknown>;
    for (const [path, message] of [
      [undefined, /^readImage: expected a file path \(a string, URL or Buffer\), got undefined/],
      [3n, /got 3n/],
      [[], /got \[\]/],
      ['/nonexistent/torchlet/cat.png', /^readImage: cannot read "\/nonexistent\/torchlet\/cat.png": ENOENT/],
    ] as const) {
      const error = await read(path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TorchletError);
      expect((error as Error).message).toMatch(message);
    }
  });
});
