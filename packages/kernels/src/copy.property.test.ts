import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { setTransposeChunks, wasmTranspose } from './copy.js';

/**
 * Naive reference: `out[outOffset + (b * cols + c) * rows + r] = src[offset + b * batchStride +
 * r * cols + c]`, by index arithmetic on the bits (Int32Array views).
 */
function reference(
  src: Int32Array,
  offset: number,
  batch: number,
  batchStride: number,
  rows: number,
  cols: number,
  out: Int32Array,
  outOffset: number,
): void {
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        out[outOffset + (b * cols + c) * rows + r] = src[offset + b * batchStride + r * cols + c];
      }
    }
  }
}

/** Random 32-bit patterns: float32 NaN payloads, denormals and ordinary values alike. */
function fill(n: number, seed: number): Int32Array {
  const x = new Int32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s;
  }
  return x;
}

describe('wasmTranspose against naive index arithmetic, bit for bit', () => {
  afterEach(() => setTransposeChunks(0, 0));

  it('any batch, shape, batch stride, offsets, element type and chunk sizes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 19 }),
        fc.integer({ min: 0, max: 19 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        fc.constantFrom<[number, number]>([0, 0], [16, 0], [8, 64], [32, 96], [100, 400]),
        fc.integer(),
        (batch, rows, cols, gap, offset, outOffset, asFloat, [small, large], seed) => {
          const m = rows * cols;
          const batchStride = m + gap;
          const bits = fill(offset + batch * batchStride, seed);
          const want = new Int32Array(outOffset + batch * m + 1).fill(-3);
          reference(bits, offset, batch, batchStride, rows, cols, want, outOffset);
          setTransposeChunks(small, large);
          const got = new Int32Array(want.length).fill(-3);
          const done = asFloat
            ? wasmTranspose(
                new Float32Array(bits.buffer),
                offset,
                batch,
                batchStride,
                rows,
                cols,
                new Float32Array(got.buffer),
                outOffset,
              )
            : wasmTranspose(bits, offset, batch, batchStride, rows, cols, got, outOffset);
          // It declines only a matrix larger than the large chunk whose band would be < 64 rows.
          const bandRows = Math.floor((large || 1 << 20) / Math.max(1, cols));
          const declines = m > (small || 1 << 14) && bandRows < rows && bandRows < 64;
          expect(done).toBe(!declines);
          if (done) expect(Array.from(got)).toEqual(Array.from(want));
          else expect(got.every((v) => v === -3)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('matrices staged in bands of at least 64 rows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 65, max: 200 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 8, max: 64 }),
        fc.integer(),
        (batch, rows, cols, extra, small, seed) => {
          const m = rows * cols;
          // Bands of 64 .. rows - 1 rows (so at least two bands).
          const large = Math.min(m - cols, 64 * cols + extra * cols * 10);
          const bits = fill(batch * m, seed);
          const want = new Int32Array(batch * m);
          reference(bits, 0, batch, m, rows, cols, want, 0);
          setTransposeChunks(small, large);
          const got = new Int32Array(batch * m);
          expect(wasmTranspose(bits, 0, batch, m, rows, cols, got, 0)).toBe(true);
          expect(Array.from(got)).toEqual(Array.from(want));
        },
      ),
      { numRuns: 60 },
    );
  });
});
