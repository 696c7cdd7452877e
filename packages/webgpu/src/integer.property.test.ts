// int32 arithmetic and comparisons against JavaScript's 32-bit integer math (Math.imul, | 0), over
// broadcast operands and the whole int32 range; conversions between float32, int32 and bool.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { gpu, ranOn } from '../test/gpu.js';
import { binaryInt32, castElements, type Int32BinaryOpName, readback, upload } from './index.js';

const REFERENCE: Readonly<Record<Int32BinaryOpName, (x: number, y: number) => number>> = {
  add: (x, y) => (x + y) | 0,
  sub: (x, y) => (x - y) | 0,
  mul: (x, y) => Math.imul(x, y),
  maximum: (x, y) => Math.max(x, y),
  minimum: (x, y) => Math.min(x, y),
  gt: (x, y) => Number(x > y),
  lt: (x, y) => Number(x < y),
  ge: (x, y) => Number(x >= y),
  le: (x, y) => Number(x <= y),
  eq: (x, y) => Number(x === y),
  ne: (x, y) => Number(x !== y),
};

const int32Arb = fc.oneof(fc.integer({ min: -20, max: 20 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));

describe('binaryInt32', () => {
  test('matches 32-bit integer math for every op, a [rows, cols] by [cols] broadcast (property)', async () => {
    const arb = fc.record({
      op: fc.constantFrom(...(Object.keys(REFERENCE) as Int32BinaryOpName[])),
      rows: fc.integer({ min: 1, max: 3 }),
      cols: fc.integer({ min: 1, max: 4 }),
      a: fc.array(int32Arb, { minLength: 12, maxLength: 12 }),
      b: fc.array(int32Arb, { minLength: 4, maxLength: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(arb, async ({ op, rows, cols, a, b }) => {
        const x = upload(gpu, Int32Array.from(a.slice(0, rows * cols)));
        const y = upload(gpu, Int32Array.from(b.slice(0, cols)));
        const out = binaryInt32(op, { buffer: x, strides: [cols, 1] }, { buffer: y, strides: [0, 1] }, [rows, cols]);
        expect(ranOn('webgpu-int32-binary-strided')).toBe(true);
        const comparison = ['gt', 'lt', 'ge', 'le', 'eq', 'ne'].includes(op);
        const got = Array.from(comparison ? await readback(out) : await readback(out, Int32Array));
        const want = Array.from({ length: rows * cols }, (_, i) => REFERENCE[op](a[i], b[i % cols]));
        expect(got).toEqual(want);
      }),
      { numRuns: 40 },
    );
  });
});

describe('castElements', () => {
  test('int32 -> float32 rounds, float32 -> int32 truncates toward zero, anything -> bool is x != 0', async () => {
    const ints = upload(gpu, new Int32Array([0, -1, 7, 16777217, -2147483648]));
    const v = { buffer: ints, strides: [1] };
    expect(Array.from(await readback(castElements(v, [5], 'int32', 'float32')))).toEqual([
      0, -1, 7, 16777216, -2147483648,
    ]);
    expect(ranOn('webgpu-cast-strided')).toBe(true);
    expect(Array.from(await readback(castElements(v, [5], 'int32', 'bool')))).toEqual([0, 1, 1, 1, 1]);
    const floats = upload(gpu, new Float32Array([-2.7, -0.5, 0, 0.5, 3.9, 1e6]));
    const f = { buffer: floats, strides: [1] };
    expect(Array.from(await readback(castElements(f, [6], 'float32', 'int32'), Int32Array))).toEqual([
      -2, 0, 0, 0, 3, 1000000,
    ]);
    expect(Array.from(await readback(castElements(f, [6], 'float32', 'bool')))).toEqual([1, 1, 0, 1, 1, 1]);
    const bools = upload(gpu, new Float32Array([1, 0, 1]));
    expect(
      Array.from(await readback(castElements({ buffer: bools, strides: [1] }, [3], 'bool', 'int32'), Int32Array)),
    ).toEqual([1, 0, 1]);
  });

  test('names a bad element type', () => {
    const x = upload(gpu, new Float32Array(1));
    expect(() => castElements({ buffer: x, strides: [1] }, [1], 'float64' as never, 'int32')).toThrow(
      /castElements: must be 'float32', 'int32' or 'bool'/,
    );
  });
});
