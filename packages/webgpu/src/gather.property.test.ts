// gatherAxes, resample2d, scan and triangle against plain float64 references on random shapes
// and tables. The backward kernels are checked as the transposes of their forward maps.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { seedArb } from '../test/arbitraries.js';
import { gpu, ranOn } from '../test/gpu.js';
import { closeTo, randomFloats } from '../test/reference.js';
import {
  GATHER_KERNELS,
  gatherAxes,
  gatherAxesBackward,
  RESAMPLE2D_KERNELS,
  type ResampleTable,
  readback,
  resample2d,
  resample2dBackward,
  scan,
  triangle,
  upload,
} from './index.js';

const RUNS = { numRuns: 25 };

const shapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 });

/** Row-major coordinates of flat index `i` in `shape`. */
function coords(i: number, shape: readonly number[]): number[] {
  const c = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    c[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return c;
}

function flat(c: readonly number[], shape: readonly number[]): number {
  return c.reduce((at, x, d) => at * shape[d] + x, 0);
}

describe('gatherAxes', () => {
  test('each output element is the source element its tables name, or the fill (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        shapeArb.chain((shape) =>
          fc.tuple(
            fc.constant(shape),
            fc.tuple(
              ...shape.map((n) =>
                fc.option(fc.array(fc.integer({ min: -1, max: n - 1 }), { minLength: 0, maxLength: 6 }), {
                  nil: null,
                }),
              ),
            ),
          ),
        ),
        seedArb,
        async ([shape, maps], seed) => {
          const n = shape.reduce((a, b) => a * b, 1);
          const x = randomFloats(n, seed);
          const outShape = maps.map((m, d) => (m === null ? shape[d] : m.length));
          const total = outShape.reduce((a, b) => a * b, 1);
          const y = await readback(gatherAxes(upload(gpu, x), { inShape: shape, maps }, { value: 7.5 }));
          if (total > 0) expect(ranOn(GATHER_KERNELS.forward)).toBe(true);
          const want = new Float64Array(total);
          const dx = new Float64Array(n);
          const dy = randomFloats(total, seed + 1);
          for (let o = 0; o < total; o++) {
            const c = coords(o, outShape);
            const src = c.map((v, d) => (maps[d] === null ? v : (maps[d] as number[])[v]));
            if (src.some((s) => s < 0)) want[o] = 7.5;
            else {
              want[o] = x[flat(src, shape)];
              dx[flat(src, shape)] += dy[o];
            }
          }
          expect(Array.from(y)).toEqual(Array.from(want, Math.fround));
          const got = await readback(gatherAxesBackward(upload(gpu, dy), { inShape: shape, maps }));
          if (total > 0 && n > 0) expect(ranOn(GATHER_KERNELS.backward)).toBe(true);
          expect(closeTo(got, dx, 1e-5, 1e-5)).toBeNull();
        },
      ),
      RUNS,
    );
  });

  test('reads a strided view, and copies int32 words exactly', async () => {
    // the transpose of [[1, 2, 3], [4, 5, 6]] flipped along its rows, filled with int32 -2 on the right
    const x = upload(gpu, new Int32Array([1, 2, 3, 4, 5, 6]));
    const y = gatherAxes(
      x,
      {
        inShape: [3, 2],
        inStrides: [1, 3],
        maps: [
          [2, 1, 0],
          [0, 1, -1],
        ],
      },
      { value: -2, dtype: 'int32' },
    );
    expect(Array.from(await readback(y, Int32Array))).toEqual([3, 6, -2, 2, 5, -2, 1, 4, -2]);
  });

  test('rejects a table entry outside the source, naming it', () => {
    const x = upload(gpu, new Float32Array(3));
    expect(() => gatherAxes(x, { inShape: [3], maps: [[0, 3]] })).toThrow(/gatherAxes: entry 1 is 3/);
  });
});

/** A random table of `out` outputs over `inSize` sources, 0-3 taps each. */
const tableArb = (inSize: number): fc.Arbitrary<ResampleTable> =>
  fc
    .array(
      fc.array(fc.tuple(fc.integer({ min: 0, max: inSize - 1 }), fc.double({ min: -2, max: 2, noNaN: true })), {
        maxLength: 3,
      }),
      {
        minLength: 1,
        maxLength: 6,
      },
    )
    .map((rows) => {
      const starts = [0];
      const index: number[] = [];
      const weight: number[] = [];
      for (const taps of rows) {
        for (const [i, w] of taps) {
          index.push(i);
          weight.push(w);
        }
        starts.push(index.length);
      }
      return { starts, index, weight };
    });

describe('resample2d', () => {
  test('forward is the taps applied to x, backward the taps transposed (property)', async () => {
    const arb = fc
      .record({
        planes: fc.integer({ min: 1, max: 3 }),
        inH: fc.integer({ min: 1, max: 4 }),
        inW: fc.integer({ min: 1, max: 4 }),
      })
      .chain((g) => fc.record({ g: fc.constant(g), rows: tableArb(g.inH), cols: tableArb(g.inW), seed: seedArb }));
    await fc.assert(
      fc.asyncProperty(arb, async ({ g, rows, cols, seed }) => {
        const outH = rows.starts.length - 1;
        const outW = cols.starts.length - 1;
        const x = randomFloats(g.planes * g.inH * g.inW, seed);
        const dy = randomFloats(g.planes * outH * outW, seed + 1);
        const want = new Float64Array(g.planes * outH * outW);
        const dx = new Float64Array(x.length);
        for (let p = 0; p < g.planes; p++) {
          for (let oy = 0; oy < outH; oy++) {
            for (let ox = 0; ox < outW; ox++) {
              const o = (p * outH + oy) * outW + ox;
              for (let a = rows.starts[oy]; a < rows.starts[oy + 1]; a++) {
                for (let b = cols.starts[ox]; b < cols.starts[ox + 1]; b++) {
                  const w = Math.fround(rows.weight[a]) * Math.fround(cols.weight[b]);
                  const i = (p * g.inH + rows.index[a]) * g.inW + cols.index[b];
                  want[o] += w * x[i];
                  dx[i] += w * dy[o];
                }
              }
            }
          }
        }
        const geometry = { ...g, rows, cols };
        const y = await readback(resample2d(upload(gpu, x), geometry));
        expect(ranOn(RESAMPLE2D_KERNELS.forward)).toBe(true);
        expect(closeTo(y, want, 1e-5, 1e-5)).toBeNull();
        const got = await readback(resample2dBackward(upload(gpu, dy), geometry));
        expect(ranOn(RESAMPLE2D_KERNELS.backward)).toBe(true);
        expect(closeTo(got, dx, 1e-5, 1e-5)).toBeNull();
      }),
      RUNS,
    );
  });
});

describe('scan and triangle', () => {
  test('cumsum and cumprod along every dimension match a serial loop (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        shapeArb,
        fc.nat(),
        fc.constantFrom('cumsum' as const, 'cumprod' as const),
        seedArb,
        async (shape, k, op, seed) => {
          const dim = k % shape.length;
          const x = randomFloats(
            shape.reduce((a, b) => a * b, 1),
            seed,
          );
          const want = new Float64Array(x.length);
          for (let i = 0; i < x.length; i++) {
            const c = coords(i, shape);
            if (c[dim] === 0) want[i] = x[i];
            else {
              c[dim]--;
              const prev = want[flat(c, shape)];
              want[i] = op === 'cumsum' ? prev + x[i] : prev * x[i];
            }
          }
          const y = await readback(scan(op, upload(gpu, x), shape, dim));
          expect(ranOn(`webgpu-scan-${op}`)).toBe(true);
          expect(closeTo(y, want, 1e-5, 1e-5)).toBeNull();
        },
      ),
      RUNS,
    );
  });

  test('tril and triu keep one side of the diagonal (property)', async () => {
    const arb = fc.record({
      batch: fc.integer({ min: 1, max: 3 }),
      rows: fc.integer({ min: 1, max: 5 }),
      cols: fc.integer({ min: 1, max: 5 }),
      diagonal: fc.integer({ min: -6, max: 6 }),
      lower: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(arb, seedArb, async (g, seed) => {
        const x = randomFloats(g.batch * g.rows * g.cols, seed);
        const y = await readback(triangle(upload(gpu, x), g));
        expect(ranOn('webgpu-triangle')).toBe(true);
        const want = Array.from(x, (v, i) => {
          const r = Math.floor(i / g.cols) % g.rows;
          const c = i % g.cols;
          return (g.lower ? c - r <= g.diagonal : c - r >= g.diagonal) ? v : 0;
        });
        expect(Array.from(y)).toEqual(want);
      }),
      RUNS,
    );
  });
});
