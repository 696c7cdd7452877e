// The Winograd kernel split over two threads gives the single-threaded results bit for bit (each
// unit of tiles writes only its own outputs, whoever computes it), with the split asserted.
import { afterAll, describe, expect, it } from 'vitest';
import { geometry, lcgArray, untilTwoThreads } from '../test/conv-cases.js';
import type { Conv2dGeometry } from './conv.js';
import { getBackendInfo } from './info.js';
import { setThreads } from './threads.js';
import { WASM_WINOGRAD_KERNEL, wasmWinogradConv2dForward } from './winograd.js';

const w3 = (batch: number, cin: number, cout: number, h: number, w: number, pad: number): Conv2dGeometry =>
  geometry({
    batch,
    inChannels: cin,
    outChannels: cout,
    inH: h,
    inW: w,
    kh: 3,
    kw: 3,
    padTop: pad,
    padLeft: pad,
    outH: h + 2 * pad - 2,
    outW: w + 2 * pad - 2,
  });

// Each at least PARALLEL_ALWAYS_MIN_WORK multiply-adds, so the split does not depend on the pool's
// recent history: ResNet-18's 56x56 layer (4 units of about 200 tiles), its 14x14 layer (49 tiles
// as 24 + 24 + 1: a batch-1 image split for the threads), and three odd-sized unpadded images with
// a ragged output-channel sliver.
const geometries: Conv2dGeometry[] = [w3(1, 64, 64, 56, 56, 1), w3(1, 256, 256, 14, 14, 1), w3(3, 64, 42, 27, 25, 0)];

function run(g: Conv2dGeometry, i: number): Float32Array {
  const x = lcgArray(g.batch * g.inChannels * g.inH * g.inW, 7 + i);
  const w = lcgArray(g.outChannels * g.inChannels * 9, 8 + i);
  const out = new Float32Array(g.batch * g.outChannels * g.outH * g.outW).fill(Number.NaN);
  const options = { activation: 'relu' as const, weightKey: { owner: w, layout: 'winograd-threads', version: 0 } };
  expect(wasmWinogradConv2dForward(g, x, w, w.subarray(0, g.outChannels), out, options)).toBe(true);
  return out;
}

const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer));

describe('Winograd conv2d on worker threads (Node)', () => {
  afterAll(() => setThreads(1));

  it('equals the single-threaded results bit for bit', async () => {
    setThreads(1);
    const single = geometries.map(run);
    expect(getBackendInfo().lastKernel).toBe(WASM_WINOGRAD_KERNEL);
    setThreads(2);
    await untilTwoThreads(() => run(geometries[0], 0));
    geometries.forEach((g, i) => {
      const split = run(g, i);
      expect(getBackendInfo().lastKernel).toBe(`${WASM_WINOGRAD_KERNEL} x2 threads`);
      expect(bits(split)).toEqual(bits(single[i]));
      // Outputs start as NaN: every one was written (by some unit), not left over.
      expect(split.some(Number.isNaN)).toBe(false);
    });
  });
});
