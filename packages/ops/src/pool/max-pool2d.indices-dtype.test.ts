// maxPool2d's `indicesDtype: 'int32'`: the same values and the same argmax (first maximum on ties,
// NaN wins, a window of padding only gives -1) as the default int64 indices, on every kernel and
// geometry; maxPool2dBackward gives the same gradient from either; bad values throw TorchletError.

import { fromStorage, type Tensor, TorchletError } from '@torchlet/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxPool2d, maxPool2dBackward } from './max-pool2d.js';

/** Values with many ties, signed zeros, infinities and NaN. */
function input(shape: number[], seed: number, dtype: 'float32' | 'float64'): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const specials = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1];
  const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s % 10 < 4 ? specials[s % 6] : Math.floor((s / 2 ** 32) * 5) - 2;
  }
  return fromStorage(data, shape);
}

const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>): boolean =>
  a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

describe("maxPool2d's indicesDtype", () => {
  it('int32 indices equal the int64 ones, with the same values and gradient, on every kernel', () => {
    fc.assert(
      fc.property(
        fc.record({
          n: fc.integer({ min: 1, max: 2 }),
          c: fc.integer({ min: 1, max: 3 }),
          h: fc.integer({ min: 1, max: 20 }),
          w: fc.integer({ min: 1, max: 20 }),
          k: fc.integer({ min: 1, max: 3 }),
          s: fc.integer({ min: 1, max: 3 }),
          d: fc.integer({ min: 1, max: 2 }),
          ceilMode: fc.boolean(),
          kernel: fc.constantFrom<'auto' | 'js' | 'wasm'>('auto', 'js', 'wasm'),
          dtype: fc.constantFrom<'float32' | 'float64'>('float32', 'float64'),
          seed: fc.nat(),
        }),
        fc.nat(),
        ({ n, c, h, w, k, s, d, ceilMode, kernel, dtype, seed }, padSeed) => {
          const padding = padSeed % (Math.floor(k / 2) + 1);
          if (d * (k - 1) + 1 > h + 2 * padding || d * (k - 1) + 1 > w + 2 * padding) return;
          const kern = dtype === 'float64' && kernel === 'wasm' ? 'js' : kernel;
          const x = input([n, c, h, w], seed, dtype);
          const options = { stride: s, padding, dilation: d, ceilMode, kernel: kern, returnIndices: true } as const;
          const wide = maxPool2d(x, k, options);
          const narrow = maxPool2d(x, k, { ...options, indicesDtype: 'int32' });
          expect(wide.indices.dtype).toBe('int64');
          expect(narrow.indices.dtype).toBe('int32');
          expect(
            sameBits(narrow.values.toTypedArray() as Float32Array, wide.values.toTypedArray() as Float32Array),
          ).toBe(true);
          const wideIdx = Array.from(wide.indices.toTypedArray() as BigInt64Array, Number);
          expect(Array.from(narrow.indices.toTypedArray() as Int32Array)).toEqual(wideIdx);
          const up = input(wide.values.shape as number[], seed + 1, dtype);
          const g64 = maxPool2dBackward(up, wide.indices, x.shape);
          const g32 = maxPool2dBackward(up, narrow.indices, x.shape);
          expect(sameBits(g32.toTypedArray() as Float32Array, g64.toTypedArray() as Float32Array)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('large float32 inputs on the WebAssembly kernel (LeNet shapes) give the same indices either way', () => {
    const x = input([32, 6, 28, 28], 7, 'float32');
    const wide = maxPool2d(x, 2, { returnIndices: true });
    const narrow = maxPool2d(x, 2, { returnIndices: true, indicesDtype: 'int32' });
    expect(Array.from(narrow.indices.toTypedArray() as Int32Array)).toEqual(
      Array.from(wide.indices.toTypedArray() as BigInt64Array, Number),
    );
  });

  it('rejects other values with a TorchletError naming maxPool2d and indicesDtype', () => {
    const x = input([1, 1, 4, 4], 1, 'float32');
    for (const bad of ['int16', 'float32', 64]) {
      expect(() => maxPool2d(x, 2, { returnIndices: true, indicesDtype: bad as unknown as 'int32' })).toThrow(
        TorchletError,
      );
      expect(() => maxPool2d(x, 2, { returnIndices: true, indicesDtype: bad as unknown as 'int32' })).toThrow(
        /maxPool2d.*indicesDtype/,
      );
    }
  });
});
