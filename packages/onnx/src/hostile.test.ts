import { readFileSync } from 'node:fs';
import { Generator, randn, TorchletError } from '@torchlet/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importOnnx } from './index.js';

// Hostile files: truncated, bit-flipped, byte-overwritten and random bytes. Importing (and running
// what imports) either works or throws TorchletError; nothing else escapes, nothing hangs, and no
// tensor larger than maxElements is created from what a file asks for.

const dir = new URL('../test/fixtures/', import.meta.url);
const files = ['small-cnn.onnx', 'mixed.onnx', 'lenet.onnx'].map((f) => new Uint8Array(readFileSync(new URL(f, dir))));
const MAX = 1 << 22;

function importAndRunOrLibraryError(bytes: Uint8Array): 'ok' | 'rejected' {
  try {
    const model = importOnnx(bytes, { maxElements: MAX });
    const g = new Generator(1);
    const inputs = model.inputs.map((v) => {
      const shape = (v.shape ?? [2]).map((d) => (d === null ? 2 : d));
      const n = shape.reduce((p, s) => p * s, 1);
      if (n > MAX) throw new TorchletError('test', '', 'declared input too large to feed');
      return randn(shape, { generator: g });
    });
    model.run(...inputs);
    return 'ok';
  } catch (e) {
    if (!(e instanceof TorchletError)) throw e;
    return 'rejected';
  }
}

describe('importOnnx on hostile bytes', () => {
  it('every truncation of a real file is rejected with TorchletError', () => {
    const file = files[0];
    for (let len = 0; len < file.length; len += Math.max(1, Math.floor(file.length / 400))) {
      expect(importAndRunOrLibraryError(file.subarray(0, len))).toBe('rejected');
    }
  });

  it('bit flips never escape as anything but TorchletError', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: files.length - 1 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        fc.nat(7),
        (f, positions, bit) => {
          const bytes = files[f].slice();
          for (const p of positions) bytes[p % bytes.length] ^= 1 << bit;
          importAndRunOrLibraryError(bytes);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('overwritten bytes (small files) never escape as anything but TorchletError', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        (f, edits) => {
          const bytes = files[f].slice();
          for (const [p, v] of edits) bytes[p % bytes.length] = v;
          importAndRunOrLibraryError(bytes);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random bytes never escape as anything but TorchletError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        importAndRunOrLibraryError(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it('random splices of real files never escape as anything but TorchletError', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1 }),
        fc.nat(),
        fc.nat(),
        fc.uint8Array({ maxLength: 64 }),
        (f, a, b, junk) => {
          const file = files[f];
          const start = a % file.length;
          const end = start + (b % (file.length - start + 1));
          const bytes = new Uint8Array([...file.subarray(0, start), ...junk, ...file.subarray(end)]);
          importAndRunOrLibraryError(bytes);
        },
      ),
      { numRuns: 300 },
    );
  });
});
