import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { convWork, geometry, randomArray, seedArb, untilTwoThreads } from '../test/conv-cases.js';
import type { Conv2dGeometry } from './conv.js';
import {
  WASM_CONV2D_1X1_BACKWARD_KERNEL,
  wasmConv2dBackward1x1,
  wasmConv2dBackwardInput1x1,
  wasmConv2dBackwardWeight1x1,
} from './conv-backward-1x1.js';
import { PARALLEL_MIN_WORK } from './gemm.js';
import { getBackendInfo } from './info.js';
import { setThreads } from './threads.js';

// wasmConv2dBackward1x1 computes both gradients from one copy of dy: the same GEMMs, units and
// slices as the two single kernels, so the same bits (the single kernels' accuracy against float64
// references is conv-backward-1x1.property.test.ts's).

interface Case {
  readonly g: Conv2dGeometry;
  readonly seed: number;
}

const pointwise = (batch: number, cin: number, cout: number, h: number, w: number, groups = 1): Conv2dGeometry =>
  geometry({ batch, inChannels: cin, outChannels: cout, inH: h, inW: w, outH: h, outW: w, groups });

const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

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

/** The combined call's gradients (asserting it ran; NaN-filled outputs show an unwritten element). */
function combined(c: Case): [Float32Array, Float32Array] {
  const { g } = c;
  const { x, w, dy } = operands(c);
  const dx = new Float32Array(x.length).fill(Number.NaN);
  const dw = new Float32Array(w.length).fill(Number.NaN);
  expect(wasmConv2dBackward1x1(g, dy, x, w, dx, dw)).toBe(true);
  expect(getBackendInfo().lastKernel.startsWith(WASM_CONV2D_1X1_BACKWARD_KERNEL)).toBe(true);
  return [dx, dw];
}

/** The two single kernels' gradients. */
function separate(c: Case): [Float32Array, Float32Array] {
  const { g } = c;
  const { x, w, dy } = operands(c);
  const dx = new Float32Array(x.length);
  const dw = new Float32Array(w.length);
  expect(wasmConv2dBackwardInput1x1(g, dy, w, dx)).toBe(true);
  expect(wasmConv2dBackwardWeight1x1(g, dy, x, dw)).toBe(true);
  return [dx, dw];
}

function sameBits(c: Case): void {
  const [dx, dw] = combined(c);
  const [dx1, dw1] = separate(c);
  expect(bits(dx)).toEqual(bits(dx1));
  expect(bits(dw)).toEqual(bits(dw1));
}

const caseArb = fc.record({
  g: fc
    .record({
      batch: fc.integer({ min: 1, max: 5 }),
      groups: fc.integer({ min: 1, max: 3 }),
      cinG: fc.integer({ min: 1, max: 13 }),
      coutG: fc.integer({ min: 1, max: 13 }),
      h: fc.integer({ min: 1, max: 11 }),
      w: fc.integer({ min: 1, max: 11 }),
    })
    .map(({ batch, groups, cinG, coutG, h, w }) => pointwise(batch, cinG * groups, coutG * groups, h, w, groups)),
  seed: seedArb,
});

describe('wasmConv2dBackward1x1: both 1x1 gradients from one copy of dy', () => {
  afterAll(() => setThreads(1));

  it('the same bits as wasmConv2dBackwardInput1x1 and wasmConv2dBackwardWeight1x1 (random geometries, groups)', () => {
    setThreads(1);
    fc.assert(fc.property(caseArb, sameBits), { numRuns: 100 });
  });

  it('staged in chunks of images, several column chunks and position ranges, the blocked GEMM', () => {
    setThreads(1);
    sameBits({ g: pointwise(3, 24, 20, 56, 56), seed: 3 });
    sameBits({ g: pointwise(2, 90, 800, 3, 3), seed: 4 });
    sameBits({ g: pointwise(7, 12, 18, 7, 7, 3), seed: 5 });
  });

  it('declines other geometries and non-float32 operands, leaving both outputs untouched', () => {
    const strided = { ...pointwise(1, 2, 2, 4, 4), strideH: 2, strideW: 2, outH: 2, outW: 2 };
    const k3 = { ...pointwise(1, 2, 2, 4, 4), kh: 3, kw: 3, outH: 2, outW: 2 };
    for (const g of [strided, k3]) {
      const dx = new Float32Array(64).fill(7);
      const dw = new Float32Array(64).fill(7);
      const a = new Float32Array(64);
      expect(wasmConv2dBackward1x1(g, a, a, a, dx, dw)).toBe(false);
      expect(dx.every((v) => v === 7) && dw.every((v) => v === 7)).toBe(true);
    }
    const g = pointwise(1, 2, 2, 2, 2);
    const dx = new Float32Array(8).fill(7);
    const dw = new Float64Array(4).fill(7);
    expect(wasmConv2dBackward1x1(g, new Float32Array(8), new Float32Array(8), new Float32Array(4), dx, dw)).toBe(false);
    expect(getBackendInfo().lastKernel).toBe('js');
    expect(dx.every((v) => v === 7) && dw.every((v) => v === 7)).toBe(true);
  });

  it('empty sizes: zero images give a zero weight gradient, zero output channels a zero input gradient', () => {
    const dw = new Float32Array(6).fill(5);
    const none = new Float32Array(0);
    expect(wasmConv2dBackward1x1(pointwise(0, 2, 3, 4, 4), none, none, new Float32Array(6), none, dw)).toBe(true);
    expect(Array.from(dw)).toEqual([0, 0, 0, 0, 0, 0]);
    const dx = new Float32Array(6).fill(5);
    expect(wasmConv2dBackward1x1(pointwise(1, 2, 0, 1, 3), none, new Float32Array(6), none, dx, none)).toBe(true);
    expect(Array.from(dx)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('on two worker threads: the same bits as the single kernels on one thread', async () => {
    const cases: Case[] = [
      { g: pointwise(8, 24, 36, 56, 56), seed: 6 },
      { g: pointwise(5, 64, 96, 14, 14), seed: 7 },
      { g: pointwise(3, 64, 96, 30, 30, 2), seed: 8 },
    ];
    for (const c of cases) expect(convWork(c.g)).toBeGreaterThanOrEqual(PARALLEL_MIN_WORK);
    setThreads(1);
    const single = cases.map(separate);
    setThreads(2);
    await untilTwoThreads(() => combined(cases[0]));
    cases.forEach((c, i) => {
      const [dx, dw] = combined(c);
      expect(getBackendInfo().lastKernel).toBe(`${WASM_CONV2D_1X1_BACKWARD_KERNEL} x2 threads`);
      expect(bits(dx)).toEqual(bits(single[i][0]));
      expect(bits(dw)).toEqual(bits(single[i][1]));
    });
  });
});
