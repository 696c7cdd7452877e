import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { convWork, gamma, geometry, randomArray, seedArb, untilTwoThreads, withinBound } from '../test/conv-cases.js';
import type { Conv2dGeometry } from './conv.js';
import {
  is1x1Stride1Conv2d,
  WASM_CONV2D_1X1_BACKWARD_INPUT_KERNEL,
  WASM_CONV2D_1X1_BACKWARD_WEIGHT_KERNEL,
  wasmConv2dBackwardInput1x1,
  wasmConv2dBackwardWeight1x1,
} from './conv-backward-1x1.js';
import { PARALLEL_MIN_WORK } from './gemm.js';
import { getBackendInfo } from './info.js';
import { setThreads } from './threads.js';

interface Case {
  readonly g: Conv2dGeometry;
  readonly seed: number;
}

/** A 1x1 stride-1 unpadded geometry. */
const pointwise = (batch: number, cin: number, cout: number, h: number, w: number, groups = 1): Conv2dGeometry =>
  geometry({ batch, inChannels: cin, outChannels: cout, inH: h, inW: w, outH: h, outW: w, groups });

interface Operands {
  readonly x: Float32Array;
  readonly w: Float32Array;
  readonly dy: Float32Array;
}

function operands({ g, seed }: Case): Operands {
  const l = g.inH * g.inW;
  return {
    x: randomArray(g.batch * g.inChannels * l, seed),
    w: randomArray((g.outChannels * g.inChannels) / g.groups, seed + 1),
    dy: randomArray(g.batch * g.outChannels * l, seed + 2),
  };
}

/** Runs both kernels (asserting they ran) and checks every element against float64 sums within the float32 bound. */
function check(c: Case): void {
  const { g } = c;
  const { batch, inChannels: cin, outChannels: cout, groups } = g;
  const cinG = cin / groups;
  const coutG = cout / groups;
  const l = g.inH * g.inW;
  const { x, w, dy } = operands(c);
  const dx = new Float32Array(batch * cin * l).fill(Number.NaN);
  const dw = new Float32Array(cout * cinG).fill(Number.NaN);
  expect(wasmConv2dBackwardInput1x1(g, dy, w, dx)).toBe(true);
  expect(getBackendInfo().lastKernel.startsWith(WASM_CONV2D_1X1_BACKWARD_INPUT_KERNEL)).toBe(true);
  expect(wasmConv2dBackwardWeight1x1(g, dy, x, dw)).toBe(true);
  expect(getBackendInfo().lastKernel.startsWith(WASM_CONV2D_1X1_BACKWARD_WEIGHT_KERNEL)).toBe(true);
  const dxBound = gamma(coutG + 2);
  for (let n = 0; n < batch; n++) {
    for (let gi = 0; gi < groups; gi++) {
      for (let ci = 0; ci < cinG; ci++) {
        for (let j = 0; j < l; j++) {
          let acc = 0;
          let mag = 0;
          for (let o = 0; o < coutG; o++) {
            const v = w[(gi * coutG + o) * cinG + ci] * dy[(n * cout + gi * coutG + o) * l + j];
            acc += v;
            mag += Math.abs(v);
          }
          const got = dx[(n * cin + gi * cinG + ci) * l + j];
          if (!withinBound(got, acc, dxBound, mag)) {
            throw new Error(`dx[${n},${gi * cinG + ci},${j}] = ${got}, expected ${acc} (case ${JSON.stringify(c)})`);
          }
        }
      }
    }
  }
  const dwBound = gamma(batch * l + 8);
  for (let gi = 0; gi < groups; gi++) {
    for (let o = 0; o < coutG; o++) {
      for (let ci = 0; ci < cinG; ci++) {
        let acc = 0;
        let mag = 0;
        for (let n = 0; n < batch; n++) {
          for (let j = 0; j < l; j++) {
            const v = dy[(n * cout + gi * coutG + o) * l + j] * x[(n * cin + gi * cinG + ci) * l + j];
            acc += v;
            mag += Math.abs(v);
          }
        }
        const got = dw[(gi * coutG + o) * cinG + ci];
        if (!withinBound(got, acc, dwBound, mag)) {
          throw new Error(`dw[${gi * coutG + o},${ci}] = ${got}, expected ${acc} (case ${JSON.stringify(c)})`);
        }
      }
    }
  }
}

const caseArb = (maxC: number, maxHW: number) =>
  fc.record({
    g: fc
      .record({
        batch: fc.integer({ min: 1, max: 5 }),
        groups: fc.integer({ min: 1, max: 3 }),
        cinG: fc.integer({ min: 1, max: maxC }),
        coutG: fc.integer({ min: 1, max: maxC }),
        h: fc.integer({ min: 1, max: maxHW }),
        w: fc.integer({ min: 1, max: maxHW }),
      })
      .map(({ batch, groups, cinG, coutG, h, w }) => pointwise(batch, cinG * groups, coutG * groups, h, w, groups)),
    seed: seedArb,
  });

describe('1x1 conv2d gradients as GEMMs, against float64 references', () => {
  afterAll(() => setThreads(1));

  it('random batch, channels, groups and image sizes (ragged tiles: rows not a multiple of 4, columns of 8)', () => {
    setThreads(1);
    fc.assert(fc.property(caseArb(13, 11), check), { numRuns: 150 });
  });

  it('large images (several column chunks and position ranges), deep layers (the blocked GEMM) and staging in chunks', () => {
    setThreads(1);
    // 56x56: 4 position ranges per image, 4 column chunks; staged one image at a time.
    check({ g: pointwise(2, 24, 20, 56, 56), seed: 3 });
    // W^T of 90 x 800 floats: over the whole-packing limit, so the units run the blocked GEMM (k > 256).
    check({ g: pointwise(2, 90, 800, 3, 3), seed: 4 });
    // Grouped, 7x7: classes of images only (no position ranges).
    check({ g: pointwise(7, 12, 18, 7, 7, 3), seed: 5 });
  });

  it('declines other geometries and non-float32 operands, leaving the output untouched', () => {
    const strided = { ...pointwise(1, 2, 2, 4, 4), strideH: 2, strideW: 2, outH: 2, outW: 2 };
    const padded = { ...pointwise(1, 2, 2, 4, 4), padTop: 1, padLeft: 1, outH: 6, outW: 6 };
    const k3 = { ...pointwise(1, 2, 2, 4, 4), kh: 3, kw: 3, outH: 2, outW: 2 };
    for (const g of [strided, padded, k3]) {
      expect(is1x1Stride1Conv2d(g)).toBe(false);
      const out = new Float32Array(64).fill(7);
      expect(wasmConv2dBackwardInput1x1(g, new Float32Array(64), new Float32Array(64), out)).toBe(false);
      expect(wasmConv2dBackwardWeight1x1(g, new Float32Array(64), new Float32Array(64), out)).toBe(false);
      expect(out.every((v) => v === 7)).toBe(true);
    }
    const g = pointwise(1, 2, 2, 2, 2);
    const out = new Float64Array(8).fill(7);
    expect(wasmConv2dBackwardInput1x1(g, new Float64Array(8), new Float64Array(4), out)).toBe(false);
    expect(wasmConv2dBackwardWeight1x1(g, new Float64Array(8), new Float64Array(8), out)).toBe(false);
    expect(out.every((v) => v === 7)).toBe(true);
  });

  it('empty sizes: zero images or output channels give zeros', () => {
    const dx = new Float32Array(6).fill(5);
    expect(wasmConv2dBackwardInput1x1(pointwise(1, 2, 0, 1, 3), new Float32Array(0), new Float32Array(0), dx)).toBe(
      true,
    );
    expect(Array.from(dx)).toEqual([0, 0, 0, 0, 0, 0]);
    const dw = new Float32Array(6).fill(5);
    expect(wasmConv2dBackwardWeight1x1(pointwise(0, 2, 3, 4, 4), new Float32Array(0), new Float32Array(0), dw)).toBe(
      true,
    );
    expect(Array.from(dw)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('on two worker threads: the same bits as on one thread', async () => {
    const cases: Case[] = [
      { g: pointwise(8, 24, 36, 56, 56), seed: 6 },
      { g: pointwise(5, 64, 96, 14, 14), seed: 7 },
      { g: pointwise(3, 64, 96, 30, 30, 2), seed: 8 },
    ];
    for (const c of cases) expect(convWork(c.g)).toBeGreaterThanOrEqual(PARALLEL_MIN_WORK);
    const run = (c: Case): [Float32Array, Float32Array] => {
      const { x, w, dy } = operands(c);
      const dx = new Float32Array(c.g.batch * c.g.inChannels * c.g.inH * c.g.inW);
      const dw = new Float32Array((c.g.outChannels * c.g.inChannels) / c.g.groups);
      expect(wasmConv2dBackwardInput1x1(c.g, dy, w, dx)).toBe(true);
      expect(wasmConv2dBackwardWeight1x1(c.g, dy, x, dw)).toBe(true);
      return [dx, dw];
    };
    setThreads(1);
    const single = cases.map(run);
    expect(getBackendInfo().lastKernel).toBe(WASM_CONV2D_1X1_BACKWARD_WEIGHT_KERNEL);
    check(cases[1]);
    setThreads(2);
    await untilTwoThreads(() => run(cases[0]));
    cases.forEach((c, i) => {
      const { x, w, dy } = operands(c);
      const dx = new Float32Array(single[i][0].length);
      const dw = new Float32Array(single[i][1].length);
      expect(wasmConv2dBackwardInput1x1(c.g, dy, w, dx)).toBe(true);
      expect(getBackendInfo().lastKernel).toBe(`${WASM_CONV2D_1X1_BACKWARD_INPUT_KERNEL} x2 threads`);
      expect(wasmConv2dBackwardWeight1x1(c.g, dy, x, dw)).toBe(true);
      expect(getBackendInfo().lastKernel).toBe(`${WASM_CONV2D_1X1_BACKWARD_WEIGHT_KERNEL} x2 threads`);
      expect(Array.from(new Uint32Array(dx.buffer))).toEqual(Array.from(new Uint32Array(single[i][0].buffer)));
      expect(Array.from(new Uint32Array(dw.buffer))).toEqual(Array.from(new Uint32Array(single[i][1].buffer)));
    });
    check(cases[1]);
  });
});
