import { describe, expect, it } from 'vitest';
import { getBackendInfo } from './info.js';
import { wasmMaxPool2x2 } from './pool.js';

/** Pools with the kernel, failing when it declines. */
function pool(x: ArrayLike<number>, planes: number, h: number, w: number): number[] {
  const out = new Float32Array(planes * (h >> 1) * (w >> 1)).fill(7);
  if (!wasmMaxPool2x2(Float32Array.from(x), planes, h, w, out)) throw new Error('wasmMaxPool2x2 declined float32');
  return Array.from(out);
}

/** One 2x8 plane (four windows, the SIMD path) whose windows are [a0, a1, b0, b1], ... */
function windows(...ws: [number, number, number, number][]): number[] {
  const top: number[] = [];
  const bottom: number[] = [];
  for (const [a, b, c, d] of ws) {
    top.push(a, b);
    bottom.push(c, d);
  }
  return [...top, ...bottom];
}

describe('wasmMaxPool2x2', () => {
  it('takes the maximum of each 2x2 window, dropping an odd last row and column', () => {
    // 3x5 plane 0..14: windows [0,1,5,6] and [2,3,7,8]; row 2 and column 4 are dropped.
    expect(
      pool(
        Array.from({ length: 15 }, (_, i) => i),
        1,
        3,
        5,
      ),
    ).toEqual([6, 8]);
    expect(getBackendInfo().lastKernel).toBe('wasm-simd128-maxpool-2x2');
    // Two 4x4 planes of 0..31 (one vector of outputs per row pair is not full: scalar tail).
    expect(
      pool(
        Array.from({ length: 32 }, (_, i) => i),
        2,
        4,
        4,
      ),
    ).toEqual([5, 7, 13, 15, 21, 23, 29, 31]);
    // 2x10: four windows in the vector loop, the fifth in the scalar tail.
    const row = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
    expect(pool([...row, ...row.map((v) => -v)], 1, 2, 10)).toEqual([3, 4, 9, 6, 5]);
  });

  it('keeps the first maximum on ties, so -0 and +0 keep their order, in both paths', () => {
    const ws: [number, number, number, number][] = [
      [-0, 0, 0, -0],
      [0, -0, -0, -0],
      [-1, -0, 0, -2],
      [-3, -2, 0, -0],
    ];
    const expected = [-0, 0, -0, 0];
    expect(pool(windows(...ws), 1, 2, 8)).toEqual(expected); // the SIMD loop
    const scalar = ws.map((win) => pool(windows(win), 1, 2, 2)[0]); // the scalar loop
    expect(scalar).toEqual(expected);
    for (let i = 0; i < 4; i++) expect(Object.is(pool(windows(...ws), 1, 2, 8)[i], expected[i])).toBe(true);
  });

  it('gives NaN for a window holding a NaN in any tap, and leaves its neighbours exact', () => {
    for (let tap = 0; tap < 4; tap++) {
      const win: [number, number, number, number] = [1, 2, 3, 4];
      win[tap] = Number.NaN;
      const out = pool(
        windows([-0, 0, -1, -1], win, [5, 6, -7, 0], [-Infinity, -Infinity, -Infinity, -Infinity]),
        1,
        2,
        8,
      );
      expect(out).toEqual([-0, Number.NaN, 6, -Infinity]);
      expect(Object.is(out[0], -0)).toBe(true);
    }
  });

  it('handles infinities, including +inf and -inf in one row', () => {
    const out = pool(
      windows([Infinity, 1, 2, 3], [-Infinity, -Infinity, -5, -Infinity], [0, -0, -Infinity, 1], [-1, -2, -3, -4]),
      1,
      2,
      8,
    );
    expect(out).toEqual([Infinity, -5, 1, -1]);
  });

  it('stages planes larger than a chunk in bands of rows', () => {
    const h = 301;
    const w = 301;
    const x = Float32Array.from({ length: h * w }, (_, i) => (i * 7919) % 1009);
    const out = pool(x, 1, h, w);
    const ho = h >> 1;
    const wo = w >> 1;
    expect(out.length).toBe(ho * wo);
    for (const [i, j] of [
      [0, 0],
      [ho - 1, wo - 1],
      [77, 3],
      [149, 149],
    ]) {
      const b = 2 * i * w + 2 * j;
      expect(out[i * wo + j]).toBe(Math.max(x[b], x[b + 1], x[b + w], x[b + w + 1]));
    }
    const wide = pool(
      Float32Array.from({ length: 2 * 40_000 }, (_, i) => i % 40_000),
      1,
      2,
      40_000,
    );
    expect(wide).toEqual(Array.from({ length: 20_000 }, (_, j) => 2 * j + 1));
  });

  it('accepts empty problems and declines float64 arrays, leaving the output untouched', () => {
    expect(wasmMaxPool2x2(new Float32Array(3), 3, 1, 1, new Float32Array(0))).toBe(true);
    expect(wasmMaxPool2x2(new Float32Array(0), 0, 4, 4, new Float32Array(0))).toBe(true);
    const out = new Float64Array(1).fill(7);
    expect(wasmMaxPool2x2(new Float64Array(4), 1, 2, 2, out)).toBe(false);
    expect(out[0]).toBe(7);
    expect(getBackendInfo().lastKernel).toBe('js');
  });
});
