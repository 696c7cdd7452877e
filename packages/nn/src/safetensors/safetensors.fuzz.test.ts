import { TorchletError, tensor } from '@torchlet/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadSafetensors } from './load.js';
import { saveSafetensors } from './save.js';

/** Loading must either succeed or throw the library's error; nothing else may escape. */
function loadOrLibraryError(bytes: Uint8Array): void {
  try {
    const dict = loadSafetensors(bytes);
    let total = 0;
    for (const t of Object.values(dict)) total += t.data.byteLength;
    // Nothing read is larger than the file it came from (F16/BF16 widen 2x, the only exception).
    expect(total).toBeLessThanOrEqual(bytes.length * 2);
  } catch (e) {
    if (!(e instanceof TorchletError)) throw e;
    expect(e.message).toMatch(/^loadSafetensors: /);
  }
}

const validFile = saveSafetensors(
  {
    'conv.weight': tensor(
      Float32Array.from({ length: 24 }, (_, i) => i - 12),
      { shape: [2, 3, 2, 2] },
    ),
    'conv.bias': tensor(new Float64Array([1, 2])),
    count: tensor(new Int32Array([3])),
  },
  { format: 'pt' },
);

describe('loadSafetensors fuzzing', () => {
  it('random bytes never crash with anything but TorchletError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => loadOrLibraryError(bytes)),
      { numRuns: 500 },
    );
  });

  it('a plausible length prefix followed by random JSON-ish text', () => {
    const header = fc.oneof(
      fc.json(),
      fc
        .dictionary(
          fc.string({ maxLength: 6 }),
          fc.record({
            dtype: fc.constantFrom('F32', 'F64', 'I32', 'BOOL', 'I64', 'F16', 'BF16', 'U8', 7),
            shape: fc.array(fc.integer({ min: -2, max: 2 ** 31 }), { maxLength: 4 }),
            data_offsets: fc.array(fc.integer({ min: -4, max: 2 ** 40 }), { maxLength: 3 }),
          }),
        )
        .map((o) => JSON.stringify(o)),
    );
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 64 }), (text, data) => {
        const h = new TextEncoder().encode(text);
        const bytes = new Uint8Array(8 + h.length + data.length);
        new DataView(bytes.buffer).setBigUint64(0, BigInt(h.length), true);
        bytes.set(h, 8);
        bytes.set(data, 8 + h.length);
        loadOrLibraryError(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it('mutations of a valid file (flipped bytes, truncation, extension)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(validFile.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.integer({ min: 0, max: validFile.length + 16 }),
        (flips, length) => {
          const bytes = new Uint8Array(length);
          bytes.set(validFile.subarray(0, Math.min(length, validFile.length)));
          for (const [i, v] of flips) if (i < length) bytes[i] = v;
          loadOrLibraryError(bytes);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
