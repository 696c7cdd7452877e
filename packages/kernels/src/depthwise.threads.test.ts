import { afterAll, describe, expect, it } from 'vitest';
import { geometry, lcgArray, untilTwoThreads } from '../test/conv-cases.js';
import type { Conv2dGeometry } from './conv.js';
import {
  WASM_DEPTHWISE_KERNEL,
  wasmDepthwiseConv2dBackwardInput,
  wasmDepthwiseConv2dBackwardWeight,
  wasmDepthwiseConv2dForward,
} from './depthwise.js';
import { getBackendInfo } from './info.js';
import { setThreads } from './threads.js';

// MobileNetV2's 3x3 stride-1 and stride-2 shapes (batches staged in several chunks, pipelined), and
// a dilated 5x3 kernel with asymmetric padding; each over the 2^23 multiply-adds that are split.
const dw = (c: number, hw: number, s: number, batch: number): Conv2dGeometry =>
  geometry({
    batch,
    inChannels: c,
    outChannels: c,
    groups: c,
    inH: hw,
    inW: hw,
    kh: 3,
    kw: 3,
    strideH: s,
    strideW: s,
    padTop: 1,
    padLeft: 1,
    outH: Math.floor((hw - 1) / s) + 1,
    outW: Math.floor((hw - 1) / s) + 1,
  });
const geometries: Conv2dGeometry[] = [
  dw(96, 56, 1, 4),
  dw(144, 56, 2, 9),
  geometry({
    batch: 8,
    inChannels: 40,
    outChannels: 40,
    groups: 40,
    inH: 50,
    inW: 45,
    kh: 5,
    kw: 3,
    dilationH: 2,
    padTop: 3,
    padLeft: 0,
    outH: 48,
    outW: 43,
  }),
];

function runAll(g: Conv2dGeometry): Float32Array[] {
  const ch = g.inChannels;
  const x = lcgArray(g.batch * ch * g.inH * g.inW, 4);
  const w = lcgArray(ch * g.kh * g.kw, 5);
  const dy = lcgArray(g.batch * ch * g.outH * g.outW, 6);
  const y = new Float32Array(dy.length);
  const dx = new Float32Array(x.length);
  const dwt = new Float32Array(w.length);
  expect(wasmDepthwiseConv2dForward(g, x, w, w.subarray(0, ch), y)).toBe(true);
  expect(wasmDepthwiseConv2dBackwardInput(g, dy, w, dx)).toBe(true);
  expect(wasmDepthwiseConv2dBackwardWeight(g, dy, x, dwt)).toBe(true);
  return [y, dx, dwt];
}

const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer));

describe('depthwise conv2d on worker threads (Node)', () => {
  afterAll(() => setThreads(1));

  it('equals the single-threaded results bit for bit', async () => {
    setThreads(1);
    const single = geometries.map(runAll);
    expect(getBackendInfo().lastKernel).toBe(WASM_DEPTHWISE_KERNEL);
    setThreads(2);
    await untilTwoThreads(() => runAll(geometries[0]));
    geometries.forEach((g, i) => {
      const split = runAll(g);
      expect(getBackendInfo().lastKernel).toBe(`${WASM_DEPTHWISE_KERNEL} x2 threads`);
      for (let j = 0; j < split.length; j++) expect(bits(split[j])).toEqual(bits(single[i][j]));
    });
  });
});
