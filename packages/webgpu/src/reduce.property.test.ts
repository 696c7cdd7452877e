// Reductions against float64: every op and dimension of small shapes (the one-invocation kernel)
// and long dimensions (the workgroup kernel).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { seedArb } from '../test/arbitraries.js';
import { gpu, ranOn } from '../test/gpu.js';
import { randomFloats } from '../test/reference.js';
import { type ReduceOpName, readback, reduce, upload } from './index.js';

const OPS: ReduceOpName[] = ['sum', 'mean', 'prod', 'max', 'min'];

function refReduce(
  op: ReduceOpName,
  x: Float32Array,
  shape: number[],
  dim: number,
): { value: Float64Array; mag: Float64Array } {
  const outer = shape.slice(0, dim).reduce((p, s) => p * s, 1);
  const size = shape[dim];
  const inner = shape.slice(dim + 1).reduce((p, s) => p * s, 1);
  const value = new Float64Array(outer * inner);
  const mag = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const vals = Array.from({ length: size }, (_, j) => x[(o * size + j) * inner + i]);
      let v: number;
      if (op === 'sum' || op === 'mean') v = vals.reduce((s, a) => s + a, 0) / (op === 'mean' ? size : 1);
      else if (op === 'prod') v = vals.reduce((s, a) => s * a, 1);
      else v = op === 'max' ? Math.max(...vals) : Math.min(...vals);
      value[o * inner + i] = v;
      mag[o * inner + i] =
        op === 'prod' ? Math.abs(v) : vals.reduce((s, a) => s + Math.abs(a), 0) / (op === 'mean' ? size : 1);
    }
  }
  return { value, mag };
}

async function check(op: ReduceOpName, shape: number[], dim: number, seed: number): Promise<void> {
  const n = shape.reduce((p, s) => p * s, 1);
  // prod of many factors in [-1, 1] underflows: keep them near 1.
  const x = randomFloats(n, seed).map((v) => (op === 'prod' ? 1 + v / 8 : v));
  const xb = upload(gpu, x);
  const out = await readback(reduce(op, xb, shape, dim));
  expect(ranOn(shape[dim] >= 256 ? 'webgpu-reduce-workgroup' : 'webgpu-reduce-serial')).toBe(true);
  const { value, mag } = refReduce(op, x, shape, dim);
  const eps = shape[dim] * 2 ** -23;
  for (let i = 0; i < value.length; i++) {
    expect(
      Math.abs(out[i] - value[i]),
      `${op} dim ${dim} of [${shape}] element ${i}: ${out[i]} vs ${value[i]}`,
    ).toBeLessThanOrEqual(1e-6 + eps * mag[i]);
  }
  xb.release();
}

describe('reduce on WebGPU', () => {
  test('every op over every dimension of small shapes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 })
          .chain((shape) => fc.tuple(fc.constant(shape), fc.integer({ min: 0, max: shape.length - 1 }))),
        fc.constantFrom(...OPS),
        seedArb,
        async ([shape, dim], op, seed) => check(op, shape, dim, seed),
      ),
      { numRuns: 60 },
    );
  });

  test('long dimensions run one workgroup per output', async () => {
    for (const op of OPS) {
      await check(op, [3, 700], 1, 5);
      await check(op, [2, 300, 3], 1, 6);
    }
  });

  test('an empty dimension gives the identity, and mean gives NaN (as PyTorch)', async () => {
    const x = upload(gpu, new Float32Array(0));
    expect(Array.from(await readback(reduce('sum', x, [2, 0], 1)))).toEqual([0, 0]);
    expect(Array.from(await readback(reduce('max', x, [1, 0], 1)))).toEqual([Number.NEGATIVE_INFINITY]);
    expect(Array.from(await readback(reduce('mean', x, [1, 0], 1)))).toEqual([Number.NaN]);
  });

  test('max and min propagate NaN (as PyTorch), on both kernels', async () => {
    for (const size of [5, 300]) {
      const data = new Float32Array(size).fill(1);
      data[2] = Number.NaN;
      const x = upload(gpu, data);
      expect(Array.from(await readback(reduce('max', x, [size], 0)))).toEqual([Number.NaN]);
      expect(Array.from(await readback(reduce('min', x, [size], 0)))).toEqual([Number.NaN]);
    }
  });

  test('rejects a dim out of range, naming the shape', () => {
    const x = upload(gpu, new Float32Array(6));
    expect(() => reduce('sum', x, [2, 3], 2)).toThrow(
      /reduce: must be an integer in \[0, 2\) for shape \[2,3\], got 2/,
    );
  });
});
