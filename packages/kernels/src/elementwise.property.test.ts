import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BinaryOp, wasmBinary, wasmClamp, wasmRelu } from './elementwise.js';
import { getBackendInfo } from './info.js';

/** Naive float64 reference: the op in double, rounded once to float32 (what a float32 store does). */
function reference(op: BinaryOp, x: number, y: number): number {
  let r: number;
  if (op === 'add') r = x + y;
  else if (op === 'sub') r = x - y;
  else if (op === 'mul') r = x * y;
  else if (op === 'div') r = x / y;
  // biome-ignore lint/complexity/useMathMinMax: spelled out, independent of the Math.max under test
  else r = Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : x === y ? (Object.is(x, -0) ? y : x) : x > y ? x : y;
  return Math.fround(r);
}

/** Float32 values rich in the cases that matter: ±0, ±inf, NaN, denormals, extremes, ordinary floats. */
const value = fc.oneof(
  fc.constantFrom(0, -0, Number.NaN, Infinity, -Infinity, 1, -1, 2 ** -149, -(2 ** -140), 3.4028234663852886e38),
  fc.float(),
  fc.float({ min: -1, max: 1, noNaN: true }),
);

const op = fc.constantFrom<BinaryOp>('add', 'sub', 'mul', 'div', 'maximum');

function check(got: Float32Array, want: (i: number) => number): void {
  for (let i = 0; i < got.length; i++) {
    const w = want(i);
    if (!Object.is(got[i], w)) throw new Error(`element ${i}: got ${got[i]}, expected ${w}`);
  }
}

describe('wasm elementwise kernels against a naive float64 reference', () => {
  it('wasmBinary matches dense, broadcast-row and scalar operands of every tail length', () => {
    fc.assert(
      fc.property(
        op,
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 19 }),
        fc.constantFrom('dense', 'row', 'scalar'),
        fc.array(value, { minLength: 95, maxLength: 95 }),
        fc.array(value, { minLength: 95, maxLength: 95 }),
        (o, rows, colsIn, mode, av, bv) => {
          const cols = mode === 'scalar' ? 1 : colsIn;
          const n = rows * cols;
          const a = Float32Array.from(av.slice(0, n));
          const b = Float32Array.from(bv.slice(0, mode === 'dense' ? n : cols));
          const out = new Float32Array(n).fill(12345);
          expect(wasmBinary(o, a, b, out, rows, cols, mode !== 'dense')).toBe(true);
          check(out, (i) => reference(o, a[i], mode === 'dense' ? b[i] : b[i % cols]));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('wasmRelu matches max(x, 0) with NaN kept and -0 made +0', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 40 }), (xv) => {
        const x = Float32Array.from(xv);
        const out = new Float32Array(x.length).fill(12345);
        expect(wasmRelu(x, out)).toBe(true);
        // biome-ignore lint/complexity/useMathMinMax: spelled out, independent of the Math.max under test
        check(out, (i) => (Number.isNaN(x[i]) ? Number.NaN : x[i] > 0 ? x[i] : 0));
      }),
      { numRuns: 100 },
    );
  });

  it('wasmClamp matches min(max(x, lo), hi) with NaN kept, -0 below +0 and lo > hi giving hi', () => {
    // Spelled out, independent of the Math.min/Math.max under test: NaN stays, then the bounds.
    const ordered = (p: number, q: number): boolean => p < q || (p === q && Object.is(p, -0) && Object.is(q, 0));
    const clampRef = (v: number, lo: number, hi: number): number => {
      if (Number.isNaN(v) || Number.isNaN(lo) || Number.isNaN(hi)) return Number.NaN;
      const up = ordered(v, lo) ? lo : v;
      return ordered(hi, up) ? hi : up;
    };
    fc.assert(
      fc.property(
        fc.array(value, { maxLength: 70 }),
        fc.oneof(value, fc.constant(-Infinity)),
        fc.oneof(value, fc.constant(Infinity)),
        (xv, loIn, hiIn) => {
          const x = Float32Array.from(xv);
          const lo = Math.fround(loIn);
          const hi = Math.fround(hiIn);
          const out = new Float32Array(x.length).fill(12345);
          expect(wasmClamp(x, out, lo, hi)).toBe(true);
          if (x.length > 0) expect(getBackendInfo().lastKernel).toBe('wasm-simd128-elementwise');
          check(out, (i) => clampRef(x[i], lo, hi));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('wasmClamp is ReLU6 on the book values and declines float64', () => {
    const out = new Float32Array(5);
    expect(wasmClamp(new Float32Array([-1, -0, 3, 8, Number.NaN]), out, 0, 6)).toBe(true);
    expect(Array.from(out)).toEqual([0, 0, 3, 6, Number.NaN]);
    expect(Object.is(out[1], 0)).toBe(true);
    expect(wasmClamp(new Float64Array(3), new Float64Array(3), 0, 6)).toBe(false);
  });
});
