import { afterEach, describe, expect, it } from 'vitest';
import { setTransposeChunks, wasmTranspose } from './copy.js';
import { KernelArgumentError } from './errors.js';
import { getBackendInfo } from './info.js';

const iota = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** The transpose of `batch` dense `rows x cols` matrices, by index arithmetic. */
function naive(x: ArrayLike<number>, batch: number, rows: number, cols: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) out.push(x[b * rows * cols + r * cols + c]);
  }
  return out;
}

/** Transposes with the kernel, failing when it declines. */
function transpose(x: ArrayLike<number>, batch: number, rows: number, cols: number): number[] {
  const out = new Float32Array(batch * rows * cols).fill(-7);
  if (!wasmTranspose(Float32Array.from(x), 0, batch, rows * cols, rows, cols, out, 0)) {
    throw new Error('wasmTranspose declined float32');
  }
  return Array.from(out);
}

describe('wasmTranspose', () => {
  afterEach(() => setTransposeChunks(0, 0));

  it('transposes matrices of every size around the 4 x 4 blocks and the 64 x 64 tiles', () => {
    expect(transpose(iota(6), 1, 2, 3)).toEqual([0, 3, 1, 4, 2, 5]);
    expect(getBackendInfo().lastKernel).toBe('wasm-simd128-transpose-4x4');
    for (const [rows, cols] of [
      [1, 1],
      [1, 9],
      [9, 1],
      [4, 4],
      [5, 7],
      [8, 12],
      [67, 3],
      [3, 70],
      [66, 130],
    ]) {
      const x = iota(rows * cols);
      expect(transpose(x, 1, rows, cols)).toEqual(naive(x, 1, rows, cols));
    }
  });

  it('transposes a batch, at offsets, with a batch stride leaving gaps between matrices', () => {
    // Two 2x3 matrices at offset 1, 8 apart (two unused elements between them), written at offset 2.
    const x = Float32Array.from([99, 0, 1, 2, 3, 4, 5, 98, 97, 10, 11, 12, 13, 14, 15]);
    const out = new Float32Array(14).fill(-1);
    expect(wasmTranspose(x, 1, 2, 8, 2, 3, out, 2)).toBe(true);
    expect(Array.from(out)).toEqual([-1, -1, 0, 3, 1, 4, 2, 5, 10, 13, 11, 14, 12, 15]);
  });

  it('takes a negative batch stride (a flipped batch: the last matrix first)', () => {
    // The same two 2x3 matrices read from offset 9 backwards: the second one first.
    const x = Float32Array.from([99, 0, 1, 2, 3, 4, 5, 98, 97, 10, 11, 12, 13, 14, 15]);
    const out = new Float32Array(12);
    expect(wasmTranspose(x, 9, 2, -8, 2, 3, out, 0)).toBe(true);
    expect(Array.from(out)).toEqual([10, 13, 11, 14, 12, 15, 0, 3, 1, 4, 2, 5]);
    expect(() => wasmTranspose(x, 7, 2, -8, 2, 3, out, 0)).toThrow(/span elements -1 to/);
  });

  it('copies bits: NaN payloads, -0 and int32 values come through unchanged', () => {
    const bits = Int32Array.from([0x7fc00001, 0xff800000 | 0, 0x80000000 | 0, 1, 0x7f800001, -5, 123456789, 0]);
    const x = new Float32Array(bits.buffer);
    const out = new Float32Array(8);
    expect(wasmTranspose(x, 0, 1, 8, 2, 4, out, 0)).toBe(true);
    expect(Array.from(new Int32Array(out.buffer))).toEqual(naive(bits, 1, 2, 4));
    const outInt = new Int32Array(8);
    expect(wasmTranspose(bits, 0, 1, 8, 4, 2, outInt, 0)).toBe(true);
    expect(Array.from(outInt)).toEqual(naive(bits, 1, 4, 2));
  });

  it('does nothing for empty matrices or an empty batch', () => {
    const out = new Float32Array(2).fill(4);
    expect(wasmTranspose(new Float32Array(0), 0, 3, 0, 0, 5, out, 0)).toBe(true);
    expect(wasmTranspose(new Float32Array(6), 0, 0, 6, 2, 3, out, 0)).toBe(true);
    expect(Array.from(out)).toEqual([4, 4]);
  });

  it('declines other element types, mixed types and too-wide large matrices, leaving out untouched', () => {
    const out = new Float32Array(4).fill(5);
    expect(wasmTranspose(new Int32Array(4), 0, 1, 4, 2, 2, out, 0)).toBe(false);
    expect(getBackendInfo().lastKernel).toBe('js');
    expect(wasmTranspose(new Float32Array(4), 0, 1, 4, 2, 2, new Int32Array(4), 0)).toBe(false);
    // 4 MB of rows would hold fewer than 64 of them (here with a 1000-element large chunk).
    setTransposeChunks(100, 1000);
    const wide = new Float32Array(100 * 20);
    const outWide = new Float32Array(2000).fill(5);
    expect(wasmTranspose(wide, 0, 1, 2000, 100, 20, outWide, 0)).toBe(false);
    expect(outWide.every((v) => v === 5)).toBe(true);
    expect(Array.from(out)).toEqual([5, 5, 5, 5]);
  });

  it('gives the same result when matrices cross in small chunks, groups and row bands', () => {
    const x = iota(3 * 150 * 7);
    // [batch, rows, cols] and [small, large] chunk sizes: row bands of 64 and 100 rows, whole
    // matrices with output bands of one or a few transposed rows, groups of small matrices.
    const cases: [[number, number, number], [number, number][]][] = [
      [
        [3, 150, 7],
        [
          [16, 64 * 7],
          [40, 700],
          [64, 1050],
          [1000, 0],
        ],
      ],
      [
        [21, 50, 3],
        [
          [16, 448],
          [40, 700],
          [1000, 0],
        ],
      ],
      [
        [2, 7, 150],
        [
          [16, 1050],
          [300, 2000],
          [1000, 0],
        ],
      ],
    ];
    for (const [[batch, rows, cols], chunks] of cases) {
      const want = naive(x, batch, rows, cols);
      for (const [small, large] of chunks) {
        setTransposeChunks(small, large);
        expect(transpose(x, batch, rows, cols)).toEqual(want);
      }
    }
  });

  it('rejects bad sizes and operands that do not hold the matrices, detached buffers included', () => {
    const out = new Float32Array(6);
    const detached = new Float32Array(6);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    const thrown = (f: () => unknown): KernelArgumentError => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(KernelArgumentError);
        return e as KernelArgumentError;
      }
      throw new Error('did not throw');
    };
    expect(thrown(() => wasmTranspose(new Float32Array(6), 0, 1, 6, detached as never, 3, out, 0)).arg).toBe('rows');
    expect(thrown(() => wasmTranspose(new Float32Array(6), 0.5, 1, 6, 2, 3, out, 0)).arg).toBe('offset');
    expect(thrown(() => wasmTranspose(new Float32Array(6), 0, -1, 6, 2, 3, out, 0)).arg).toBe('batch');
    const src = thrown(() => wasmTranspose(detached, 0, 1, 6, 2, 3, out, 0));
    expect(src.arg).toBe('src');
    expect(src.message).toMatch(/span elements 0 to 6, but src holds 0/);
    expect(thrown(() => wasmTranspose(new Float32Array(6), 0, 1, 6, 2, 3, detached, 0)).arg).toBe('out');
    expect(thrown(() => wasmTranspose(new Float32Array(12), 0, 2, 7, 2, 3, new Float32Array(12), 0)).arg).toBe('src');
    expect(thrown(() => wasmTranspose(new Float32Array(6), 0, 1, 6, 2, 3, out, 1)).arg).toBe('out');
  });
});
