import { afterEach, describe, expect, it } from 'vitest';
import { getBackendInfo } from './info.js';
import { setSumChunkFloats, wasmSum } from './reduce.js';

/** Sums with the kernel into a float32 (or float64) output, failing when it declines. */
function sum(x: ArrayLike<number>, outer: number, reduced: number, inner: number, f64 = false): number[] {
  const out = f64 ? new Float64Array(outer * inner).fill(7) : new Float32Array(outer * inner).fill(7);
  if (!wasmSum(Float32Array.from(x), 0, outer, reduced, inner, out)) throw new Error('wasmSum declined float32');
  return Array.from(out);
}

const iota = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('wasmSum', () => {
  afterEach(() => setSumChunkFloats(0));

  it('sums over the middle dimension of [outer, reduced, inner]', () => {
    // [[0, 1, 2], [3, 4, 5]] over rows and over columns.
    expect(sum(iota(6), 1, 2, 3)).toEqual([3, 5, 7]);
    expect(getBackendInfo().lastKernel).toBe('wasm-simd128-sum-f64acc');
    expect(sum(iota(6), 2, 3, 1)).toEqual([3, 12]);
    // [2, 2, 3]: two blocks.
    expect(sum(iota(12), 2, 2, 3)).toEqual([3, 5, 7, 15, 17, 19]);
    // Everything.
    expect(sum(iota(10), 1, 10, 1)).toEqual([45]);
    // Nine and eleven columns (the 8- and 4-wide SIMD strips and the scalar tail), three rows.
    for (const inner of [9, 11]) {
      const x = iota(3 * inner);
      expect(sum(x, 1, 3, inner)).toEqual(iota(inner).map((c) => 3 * c + 3 * inner));
    }
    // Eleven rows of five (the 8-row block, the 2-row block, the last row; each with a tail column).
    const x = iota(55);
    expect(sum(x, 11, 5, 1)).toEqual(iota(11).map((r) => 25 * r + 10));
  });

  it('accumulates in float64 in input order and rounds once into the output', () => {
    // 1 + 2^-30 + ... is not representable in float32, but the float64 sum keeps it.
    const x = [1, 2 ** -30, 2 ** -30, -1];
    expect(sum(x, 1, 4, 1, true)).toEqual([2 ** -29]);
    expect(sum(x, 1, 4, 1)).toEqual([2 ** -29]);
    // In order: 2^24 + 1 + 1 in float64 is 2^24 + 2 (a float32 would stay at 2^24).
    expect(sum([2 ** 24, 1, 1], 1, 3, 1)).toEqual([2 ** 24 + 2]);
    // The same column by column: eight columns in the SIMD strip.
    const cols = [2 ** 24, 2 ** 24, 2 ** 24, 2 ** 24, 2 ** 24, 2 ** 24, 2 ** 24, 2 ** 24];
    const ones = cols.map(() => 1);
    expect(sum([...cols, ...ones, ...ones], 1, 3, 8)).toEqual(cols.map((v) => v + 2));
  });

  it('follows IEEE float64 addition for -0, infinities and NaN, like `acc += x` from 0', () => {
    // A sum starts at +0, so a single -0 gives +0; NaN and inf - inf give NaN.
    const rows = [
      [-0, -0, -0, -0],
      [1, Infinity, 2, 3],
      [Infinity, -Infinity, 0, 0],
      [Number.NaN, 1, 2, 3],
      [-1, 1, -0, 0],
      [3.4028234663852886e38, 3.4028234663852886e38, 0, 0],
      [2 ** -149, 2 ** -149, 2 ** -149, 0],
      [-2, -0, 0, -1],
    ];
    const got = sum(rows.flat(), 8, 4, 1);
    const want = [0, Infinity, Number.NaN, Number.NaN, 0, Infinity, 3 * 2 ** -149, -3];
    for (let i = 0; i < want.length; i++) expect(Object.is(got[i], want[i])).toBe(true);
    // 2 * FLT_MAX overflows float32 but not the float64 sum.
    expect(sum([3.4028234663852886e38, 3.4028234663852886e38], 1, 2, 1, true)).toEqual([2 * 3.4028234663852886e38]);
  });

  it('writes zeros for an empty reduction and nothing for an empty output', () => {
    expect(sum([], 2, 0, 3)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(sum([], 0, 5, 3)).toEqual([]);
  });

  it('reads from an offset and writes only the first outer * inner outputs', () => {
    const x = Float32Array.from([99, 99, 1, 2, 3, 4]);
    const out = new Float32Array(4).fill(-1);
    expect(wasmSum(x, 2, 1, 2, 2, out)).toBe(true);
    expect(Array.from(out)).toEqual([4, 6, -1, -1]);
  });

  it('declines non-float32 input, leaving the output untouched', () => {
    const out = new Float64Array(2).fill(5);
    expect(wasmSum(new Float64Array([1, 2, 3, 4]), 0, 1, 2, 2, out)).toBe(false);
    expect(Array.from(out)).toEqual([5, 5]);
    expect(getBackendInfo().lastKernel).toBe('js');
  });

  it('gives the same sums when the input crosses in small chunks', () => {
    const x = Float32Array.from(iota(3 * 37 * 21), (v) => Math.fround(Math.sin(v) * 100));
    const shapes: [number, number, number][] = [
      [3, 37, 21], // blocks larger than a chunk, rows that fit
      [111, 21, 1], // rows longer than a chunk
      [1, 111, 21],
      [3, 7, 111], // rows longer than a chunk over a middle dimension
      [20, 3, 5], // several blocks per chunk
    ];
    for (const [outer, reduced, inner] of shapes) {
      const whole = sum(x, outer, reduced, inner);
      for (const chunk of [8, 16, 40, 64]) {
        setSumChunkFloats(chunk);
        expect(sum(x, outer, reduced, inner)).toEqual(whole);
      }
      setSumChunkFloats(0);
    }
  });
});
