import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gamma, geometry, randomArray, seedArb, untilTwoThreads, withinBound } from '../test/conv-cases.js';
import type { Conv2dGeometry } from './conv.js';
import {
  WASM_CONV2D_BACKWARD_WEIGHT_WINOGRAD_KERNEL as KERNEL,
  preferWinogradBackwardWeight,
  wasmConv2dBackwardWeightWinograd,
} from './conv-backward-winograd.js';
import { KernelArgumentError } from './errors.js';
import { getBackendInfo } from './info.js';
import { setThreads } from './threads.js';

/** A 3x3, stride-1 geometry from its sizes and the four paddings (bottom/right implied by the output size). */
function winogradGeometry(
  batch: number,
  cin: number,
  cout: number,
  inH: number,
  inW: number,
  [pt, pb, pl, pr]: readonly [number, number, number, number],
): Conv2dGeometry {
  return geometry({
    batch,
    inChannels: cin,
    outChannels: cout,
    inH,
    inW,
    kh: 3,
    kw: 3,
    padTop: pt,
    padLeft: pl,
    outH: inH + pt + pb - 2,
    outW: inW + pl + pr - 2,
  });
}

/**
 * The float64 weight gradient of the float32 operands, and per (output, input) channel pair the
 * sum over tiles of (sum of the tile's |dy|) x (sum of its 4x4 window's |x|): every transformed
 * product is bounded by it, so it bounds the rounding of the transformed sums too (where the
 * direct sum's terms cancel or read only padding, the Winograd sum need not be exactly 0).
 */
function reference(g: Conv2dGeometry, dy: Float32Array, x: Float32Array): { dw: Float64Array; mag: Float64Array } {
  const { batch, inChannels: cin, outChannels: cout, inH, inW, outH, outW } = g;
  const dw = new Float64Array(cout * cin * 9);
  const mag = new Float64Array(cout * cin);
  const xAt = (n: number, c: number, ih: number, iw: number): number =>
    ih < 0 || ih >= inH || iw < 0 || iw >= inW ? 0 : x[((n * cin + c) * inH + ih) * inW + iw];
  const dyAt = (n: number, o: number, oh: number, ow: number): number =>
    oh >= outH || ow >= outW ? 0 : dy[((n * cout + o) * outH + oh) * outW + ow];
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < cout; o++) {
      for (let c = 0; c < cin; c++) {
        for (let oh = 0; oh < outH; oh++) {
          for (let ow = 0; ow < outW; ow++) {
            const d = dyAt(n, o, oh, ow);
            for (let t = 0; t < 9; t++) {
              const i = Math.floor(t / 3);
              dw[(o * cin + c) * 9 + t] += d * xAt(n, c, oh + i - g.padTop, ow + (t % 3) - g.padLeft);
            }
          }
        }
        for (let th = 0; th < outH; th += 2) {
          for (let tw = 0; tw < outW; tw += 2) {
            let sd = 0;
            let sx = 0;
            for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) sd += Math.abs(dyAt(n, o, th + a, tw + b));
            for (let a = 0; a < 4; a++) {
              for (let b = 0; b < 4; b++) sx += Math.abs(xAt(n, c, th + a - g.padTop, tw + b - g.padLeft));
            }
            mag[o * cin + c] += sd * sx;
          }
        }
      }
    }
  }
  return { dw, mag };
}

/**
 * Checks the kernel on `g` against the float64 reference: each weight within a float32 sum's error
 * bound (over the tiles and the 16 transformed positions) of its channel pair's magnitude.
 */
function check(g: Conv2dGeometry, seed: number): void {
  const dy = randomArray(g.batch * g.outChannels * g.outH * g.outW, seed);
  const x = randomArray(g.batch * g.inChannels * g.inH * g.inW, seed + 1);
  const dw = new Float32Array(g.outChannels * g.inChannels * 9).fill(Number.NaN);
  expect(wasmConv2dBackwardWeightWinograd(g, dy, x, dw)).toBe(true);
  expect(getBackendInfo().lastKernel.startsWith(KERNEL)).toBe(true);
  const ref = reference(g, dy, x);
  const bound = 16 * gamma(g.batch * Math.ceil(g.outH / 2) * Math.ceil(g.outW / 2) + 16);
  for (let i = 0; i < dw.length; i++) {
    if (!withinBound(dw[i], ref.dw[i], bound, ref.mag[Math.floor(i / 9)])) {
      expect.fail(`dw[${i}] = ${dw[i]}, want ${ref.dw[i]} (magnitude ${ref.mag[Math.floor(i / 9)]})`);
    }
  }
}

const problemArb = fc.record({
  batch: fc.integer({ min: 1, max: 3 }),
  cin: fc.integer({ min: 1, max: 6 }),
  cout: fc.integer({ min: 1, max: 6 }),
  inH: fc.integer({ min: 1, max: 10 }),
  inW: fc.integer({ min: 1, max: 10 }),
  pads: fc.tuple(
    fc.integer({ min: 0, max: 2 }),
    fc.integer({ min: 0, max: 2 }),
    fc.integer({ min: 0, max: 2 }),
    fc.integer({ min: 0, max: 2 }),
  ),
  seed: seedArb,
});

describe('wasmConv2dBackwardWeightWinograd', () => {
  it('matches a float64 reference: any sizes, asymmetric padding, partial tiles', () => {
    setThreads(1);
    fc.assert(
      fc.property(
        problemArb.filter((p) => p.inH + p.pads[0] + p.pads[1] >= 3 && p.inW + p.pads[2] + p.pads[3] >= 3),
        (p) => check(winogradGeometry(p.batch, p.cin, p.cout, p.inH, p.inW, p.pads), p.seed),
      ),
      { numRuns: 60 },
    );
  });

  it('matches it on larger problems: blocks of tiles across images, chunks of images, many channels', () => {
    setThreads(1);
    // 56x56 with 32 + 32 channels: blocks of 128 tiles, one of them spanning two images.
    check(winogradGeometry(3, 32, 32, 56, 56, [1, 1, 1, 1]), 3);
    check(winogradGeometry(2, 40, 36, 13, 9, [0, 1, 2, 0]), 4);
    // 1100x1100 images exceed half the staging budget: one image per chunk (sums added over chunks).
    check(winogradGeometry(2, 1, 2, 1100, 1099, [1, 0, 0, 1]), 5);
  });

  it('gives the same bits on two threads', async () => {
    const g = winogradGeometry(4, 32, 32, 20, 20, [1, 1, 1, 1]);
    const dy = randomArray(4 * 32 * 400, 5);
    const x = randomArray(4 * 32 * 400, 6);
    setThreads(1);
    const one = new Float32Array(32 * 32 * 9);
    expect(wasmConv2dBackwardWeightWinograd(g, dy, x, one)).toBe(true);
    expect(getBackendInfo().lastKernel).toBe(KERNEL);
    setThreads(2);
    const two = new Float32Array(one.length);
    try {
      await untilTwoThreads(() => wasmConv2dBackwardWeightWinograd(g, dy, x, two));
      expect(getBackendInfo().lastKernel).toBe(`${KERNEL} x2 threads`);
      expect(two).toEqual(one);
    } finally {
      setThreads(1);
    }
  });

  it('declines on an infinity or NaN in x or dy, leaving dw untouched', () => {
    setThreads(1);
    const g = winogradGeometry(2, 3, 4, 6, 7, [1, 1, 1, 1]);
    for (const [where, value] of [
      ['x', Number.POSITIVE_INFINITY],
      ['x', Number.NaN],
      ['dy', Number.NEGATIVE_INFINITY],
    ] as const) {
      const dy = randomArray(2 * 4 * 6 * 7, 7);
      const x = randomArray(2 * 3 * 6 * 7, 8);
      (where === 'x' ? x : dy)[50] = value;
      const dw = new Float32Array(4 * 3 * 9).fill(42);
      expect(wasmConv2dBackwardWeightWinograd(g, dy, x, dw)).toBe(false);
      expect(dw.every((v) => v === 42)).toBe(true);
    }
  });

  it('declines on float64 operands and gives zeros for an empty batch', () => {
    const g = winogradGeometry(1, 2, 2, 4, 4, [0, 0, 0, 0]);
    const dw = new Float64Array(36).fill(1);
    expect(wasmConv2dBackwardWeightWinograd(g, new Float64Array(8), new Float64Array(32), dw)).toBe(false);
    expect(dw.every((v) => v === 1)).toBe(true);
    const empty = new Float32Array(36).fill(1);
    expect(wasmConv2dBackwardWeightWinograd({ ...g, batch: 0 }, new Float32Array(0), new Float32Array(0), empty)).toBe(
      true,
    );
    expect(empty.every((v) => v === 0)).toBe(true);
  });

  it('throws on geometries it cannot run and on short arrays, naming the argument', () => {
    const g = winogradGeometry(1, 2, 2, 4, 4, [0, 0, 0, 0]);
    const ok = [new Float32Array(8), new Float32Array(32), new Float32Array(36)] as const;
    const call = (h: Conv2dGeometry, dy: unknown, x: unknown, dw: unknown) => () =>
      wasmConv2dBackwardWeightWinograd(h, dy as Float32Array, x as Float32Array, dw as Float32Array);
    expect(call({ ...g, strideH: 2, outH: 1 }, ...ok)).toThrow(KernelArgumentError);
    expect(call({ ...g, kh: 5, kw: 5, outH: 0, outW: 0 }, ...ok)).toThrow(/3x3/);
    expect(call({ ...g, groups: 2 }, ...ok)).toThrow(KernelArgumentError);
    expect(call(g, new Float32Array(7), ok[1], ok[2])).toThrow(/dy has 7 elements/);
    expect(call(g, ok[0], [1, 2], ok[2])).toThrow(/x must be a Float32Array/);
    expect(call(g, ok[0], ok[1], new Float32Array(35))).toThrow(/dw has 35 elements/);
  });

  it('is preferred on 3x3 stride-1 convs with 16+ channels each way only', () => {
    const g = winogradGeometry(8, 64, 64, 56, 56, [1, 1, 1, 1]);
    expect(preferWinogradBackwardWeight(g)).toBe(true);
    expect(preferWinogradBackwardWeight({ ...g, inChannels: 15 })).toBe(false);
    expect(preferWinogradBackwardWeight({ ...g, outChannels: 8 })).toBe(false);
    expect(preferWinogradBackwardWeight({ ...g, dilationH: 2, outH: 54 })).toBe(false);
  });
});
