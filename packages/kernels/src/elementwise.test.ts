import { describe, expect, it } from 'vitest';
import { type BinaryOp, wasmBinary, wasmRelu } from './elementwise.js';
import { getBackendInfo } from './info.js';

/** The JavaScript loops of @torchlet/tensor's float32 fast paths (double arithmetic, one rounding on store). */
function jsOp(op: BinaryOp, x: number, y: number): number {
  switch (op) {
    case 'add':
      return x + y;
    case 'sub':
      return x - y;
    case 'mul':
      return x * y;
    case 'div':
      return x / y;
    case 'maximum':
      return Math.max(x, y);
  }
}

const OPS: readonly BinaryOp[] = ['add', 'sub', 'mul', 'div', 'maximum'];

/** Special float32 values (rounded to float32: 0.1 and 2^24 + 1 become their float32 neighbours). */
const SPECIALS = Array.from(
  Float32Array.from([
    0,
    -0,
    Number.NaN,
    Infinity,
    -Infinity,
    1,
    -1,
    1.5,
    2 ** -149, // smallest denormal
    -(2 ** -149),
    2 ** -127, // a denormal
    3.4028234663852886e38, // largest float32
    -3.4028234663852886e38,
    2 ** -126, // smallest normal
    0.1,
    -7.25,
    16777217,
  ]),
);

function expectSame(got: Float32Array, want: Float32Array): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) throw new Error(`element ${i}: got ${got[i]}, expected ${want[i]}`);
  }
}

describe('wasmBinary', () => {
  it('computes hand-checked sums, differences, products, quotients and maxima', () => {
    const a = new Float32Array([1, 2, 3, 4, 5, 6]);
    const b = new Float32Array([6, 5, 4, 3, 2, 1]);
    const out = new Float32Array(6);
    const cases: [BinaryOp, number[]][] = [
      ['add', [7, 7, 7, 7, 7, 7]],
      ['sub', [-5, -3, -1, 1, 3, 5]],
      ['mul', [6, 10, 12, 12, 10, 6]],
      ['div', [1 / 6, 0.4, 0.75, 4 / 3, 2.5, 6].map(Math.fround)],
      ['maximum', [6, 5, 4, 4, 5, 6]],
    ];
    for (const [op, want] of cases) {
      expect(wasmBinary(op, a, b, out, 2, 3, false)).toBe(true);
      expect(Array.from(out)).toEqual(want);
    }
    expect(getBackendInfo().lastKernel).toBe('wasm-simd128-elementwise');
  });

  it('matches the JavaScript loop bit for bit on every pair of special values, dense and scalar', () => {
    const n = SPECIALS.length;
    const a = new Float32Array(n * n);
    const b = new Float32Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        a[i * n + j] = SPECIALS[i];
        b[i * n + j] = SPECIALS[j];
      }
    }
    for (const op of OPS) {
      const want = a.map((x, i) => jsOp(op, x, b[i]));
      const out = new Float32Array(n * n);
      expect(wasmBinary(op, a, b, out, n, n, false)).toBe(true);
      expectSame(out, want);
      // The same pairs as rows of `a` against one broadcast row (b's first row is SPECIALS).
      out.fill(7);
      expect(wasmBinary(op, b, Float32Array.from(SPECIALS), out, n, n, true)).toBe(true);
      expectSame(
        out,
        b.map((x, i) => jsOp(op, x, SPECIALS[i % n])),
      );
      // Each special value as a scalar.
      for (const s of SPECIALS) {
        out.fill(7);
        expect(wasmBinary(op, a, new Float32Array([s]), out, n * n, 1, true)).toBe(true);
        expectSame(
          out,
          a.map((x) => jsOp(op, x, s)),
        );
      }
    }
  });

  it('keeps -0 and +0 as Math.max does, in both orders and in the scalar tail', () => {
    const a = new Float32Array([-0, 0, -0, 0, -0]);
    const b = new Float32Array([0, -0, -0, 0, 0]);
    const out = new Float32Array(5);
    expect(wasmBinary('maximum', a, b, out, 1, 5, false)).toBe(true);
    expect([0, 1, 2, 3, 4].map((i) => Object.is(out[i], Math.max(a[i], b[i])))).toEqual([true, true, true, true, true]);
    expect(Object.is(out[2], -0)).toBe(true);
    expect(Object.is(out[4], 0)).toBe(true);
  });

  it('handles rows longer than a chunk and chunks of many rows', () => {
    for (const [rows, cols] of [
      [3, 40_001],
      [1000, 37],
      [5, 16_384],
    ]) {
      const a = Float32Array.from({ length: rows * cols }, (_, i) => ((i * 7919) % 1009) - 500.25);
      const b = Float32Array.from({ length: cols }, (_, i) => ((i * 104_729) % 997) / 7 - 3);
      const out = new Float32Array(rows * cols);
      expect(wasmBinary('sub', a, b, out, rows, cols, true)).toBe(true);
      expectSame(
        out,
        a.map((x, i) => x - b[i % cols]),
      );
    }
  });

  it('accepts empty problems, may write over a, and declines what it cannot compute', () => {
    expect(wasmBinary('add', new Float32Array(0), new Float32Array(0), new Float32Array(0), 0, 5, true)).toBe(true);
    const a = new Float32Array([1, 2, 3, 4, 5]);
    expect(wasmBinary('mul', a, new Float32Array([2]), a, 5, 1, true)).toBe(true);
    expect(Array.from(a)).toEqual([2, 4, 6, 8, 10]);
    const out = new Float64Array(2).fill(7);
    expect(wasmBinary('add', new Float64Array(2), new Float64Array(2), out, 1, 2, false)).toBe(false);
    expect(Array.from(out)).toEqual([7, 7]);
    expect(getBackendInfo().lastKernel).toBe('js');
    const out32 = new Float32Array(2).fill(7);
    expect(wasmBinary('pow' as BinaryOp, new Float32Array(2), new Float32Array(2), out32, 1, 2, false)).toBe(false);
    expect(Array.from(out32)).toEqual([7, 7]);
  });
});

describe('wasmRelu', () => {
  it('matches Math.max(x, 0) bit for bit on special values (-0 gives +0, NaN stays)', () => {
    const x = Float32Array.from([...SPECIALS, ...SPECIALS.map((v) => -v), ...SPECIALS.slice(3)]);
    const out = new Float32Array(x.length).fill(7);
    expect(wasmRelu(x, out)).toBe(true);
    expectSame(
      out,
      x.map((v) => Math.max(v, 0)),
    );
    expect(Object.is(out[1], 0)).toBe(true);
    expect(getBackendInfo().lastKernel).toBe('wasm-simd128-elementwise');
  });

  it('works in place across chunks, and declines float64', () => {
    const x = Float32Array.from({ length: 50_003 }, (_, i) => ((i * 7919) % 1009) - 504);
    const want = x.map((v) => Math.max(v, 0));
    expect(wasmRelu(x, x)).toBe(true);
    expectSame(x, want);
    expect(wasmRelu(new Float32Array(0), new Float32Array(0))).toBe(true);
    const out = new Float64Array(1).fill(7);
    expect(wasmRelu(new Float64Array([-1]), out)).toBe(false);
    expect(out[0]).toBe(7);
  });
});
