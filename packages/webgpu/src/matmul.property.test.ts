// matmul against a float64 reference: sizes crossing the 32x32 tiles and the K step of 16,
// transposes, batches and broadcast (stride 0) batches, offsets.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { seedArb } from '../test/arbitraries.js';
import { gpu, ranOn } from '../test/gpu.js';
import { mismatch, randomFloats, refMatmul } from '../test/reference.js';
import { MATMUL_KERNEL, matmul, readback, upload } from './index.js';

describe('matmul on WebGPU', () => {
  test('random sizes, transposes and batch strides match float64', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          m: fc.integer({ min: 1, max: 70 }),
          n: fc.integer({ min: 1, max: 70 }),
          k: fc.integer({ min: 1, max: 40 }),
          batch: fc.integer({ min: 1, max: 3 }),
          transA: fc.boolean(),
          transB: fc.boolean(),
          shareB: fc.boolean(),
          aOffset: fc.integer({ min: 0, max: 5 }),
          seed: seedArb,
        }),
        async (o) => {
          const aBatch = o.m * o.k;
          const bBatch = o.shareB ? 0 : o.k * o.n;
          const a = randomFloats(o.aOffset + o.batch * aBatch, o.seed);
          const b = randomFloats(o.k * o.n * (o.shareB ? 1 : o.batch), o.seed + 1);
          const [ab, bb] = [upload(gpu, a), upload(gpu, b)];
          const c = matmul(ab, bb, { ...o, bBatchStride: bBatch });
          expect(ranOn(MATMUL_KERNEL)).toBe(true);
          const ref = refMatmul(a.subarray(o.aOffset), b, { ...o, aBatch, bBatch });
          expect(mismatch(await readback(c), ref), JSON.stringify(o)).toBeNull();
          for (const x of [ab, bb, c]) x.release();
        },
      ),
      { numRuns: 40 },
    );
  });

  test('k = 0 gives zeros; an empty product gives an empty buffer', async () => {
    const a = upload(gpu, new Float32Array(4));
    expect(Array.from(await readback(matmul(a, a, { m: 2, n: 2, k: 0 })))).toEqual([0, 0, 0, 0]);
    expect(matmul(a, a, { m: 0, n: 2, k: 2 }).length).toBe(0);
  });

  test('rejects a buffer too small for the sizes, before any work', () => {
    const a = upload(gpu, new Float32Array(5));
    expect(() => matmul(a, a, { m: 2, n: 2, k: 3 })).toThrow(/matmul: holds 5 elements, but 1 matrices of 2x3 needs 6/);
    expect(() => matmul(a, a, { m: 2.5, n: 2, k: 3 })).toThrow(/matmul: must be an integer >= 0, got 2.5/);
  });
});
