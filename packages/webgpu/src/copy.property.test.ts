// copyInto against a CPU model: cat along a random dimension of random shapes (each input copied
// into its slice of the output), and the argument checks.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { seedArb } from '../test/arbitraries.js';
import { gpu, ranOn } from '../test/gpu.js';
import { randomFloats } from '../test/reference.js';
import { allocate, copyInto, readback, upload } from './index.js';

/** Row-major strides of `shape`. */
const contiguous = (shape: readonly number[]): number[] =>
  shape.map((_, d) => shape.slice(d + 1).reduce((p, x) => p * x, 1));

describe('copyInto on WebGPU', () => {
  test('cat of 1-3 arrays along any dimension equals the CPU concatenation', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 })
          .chain((shape) =>
            fc.tuple(
              fc.constant(shape),
              fc.integer({ min: 0, max: shape.length - 1 }),
              fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
            ),
          ),
        seedArb,
        async ([shape, dim, sizes], seed) => {
          const parts = sizes.map((size, i) => {
            const s = shape.slice();
            s[dim] = size;
            return {
              shape: s,
              data: randomFloats(
                s.reduce((p, x) => p * x, 1),
                seed + i,
              ),
            };
          });
          const outShape = shape.slice();
          outShape[dim] = sizes.reduce((p, x) => p + x, 0);
          const outStrides = contiguous(outShape);
          const out = allocate(
            gpu,
            outShape.reduce((p, x) => p * x, 1),
          );
          let at = 0;
          for (const part of parts) {
            const src = upload(gpu, part.data);
            copyInto(
              { buffer: src, strides: contiguous(part.shape) },
              { buffer: out, offset: at * outStrides[dim], strides: outStrides },
              part.shape,
            );
            expect(ranOn('webgpu-copy-strided')).toBe(true);
            at += part.shape[dim];
            src.release();
          }
          // The CPU concatenation: outer blocks, each the parts' rows in turn.
          const outer = shape.slice(0, dim).reduce((p, x) => p * x, 1);
          const want: number[] = [];
          for (let o = 0; o < outer; o++) {
            for (const part of parts) {
              const block = part.data.length / outer;
              want.push(...part.data.subarray(o * block, (o + 1) * block));
            }
          }
          expect(Array.from(await readback(out))).toEqual(want);
          out.release();
        },
      ),
      { numRuns: 40 },
    );
  });

  test('rejects the same buffer on both sides, a view past its buffer, and a view writing twice', () => {
    const a = upload(gpu, new Float32Array(4));
    const b = allocate(gpu, 4);
    expect(() => copyInto({ buffer: a, strides: [1] }, { buffer: a, strides: [1] }, [4])).toThrow(
      /copyInto: must be another buffer than src/,
    );
    expect(() => copyInto({ buffer: a, strides: [2] }, { buffer: b, strides: [1] }, [4])).toThrow(
      /reach element 6, but the buffer holds 4/,
    );
    expect(() => copyInto({ buffer: a, strides: [1] }, { buffer: b, strides: [0] }, [4])).toThrow(
      /write some elements more than once/,
    );
  });
});
