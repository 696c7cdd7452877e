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

// Batch 1 (MobileNetV2's layers from 3 * 2^17 multiply-adds, split while splitsPay allows: each
// is retried until a call ran split) and a batch over 2^23, with the fused activation, which the
// parts apply on the thread that computed each plane.
const forwardCases: [Conv2dGeometry, 'relu' | { clamp: [number, number] }][] = [
  [dw(32, 112, 1, 1), { clamp: [0, 0.5] }],
  [dw(144, 56, 2, 1), { clamp: [0, 6] }],
  [dw(960, 7, 1, 1), 'relu'],
  [dw(96, 56, 1, 4), { clamp: [-0.5, 0.25] }],
];

function forward(g: Conv2dGeometry, activation: 'relu' | { clamp: [number, number] }, seed: number): Float32Array {
  const ch = g.inChannels;
  const x = lcgArray(g.batch * ch * g.inH * g.inW, seed);
  const w = lcgArray(ch * g.kh * g.kw, seed + 1);
  const y = new Float32Array(g.batch * ch * g.outH * g.outW);
  expect(wasmDepthwiseConv2dForward(g, x, w, w.subarray(0, ch), y, { activation })).toBe(true);
  return y;
}

describe('depthwise conv2d forward with its activation on worker threads (Node)', () => {
  afterAll(() => setThreads(1));

  it('splits batch-1 layers and gives the single-threaded bits', async () => {
    setThreads(1);
    const single = forwardCases.map(([g, act], i) => forward(g, act, 20 + i));
    expect(getBackendInfo().lastKernel).toBe(WASM_DEPTHWISE_KERNEL);
    // The activation itself: the same call without it, then clamped here.
    const [g0] = forwardCases[0];
    const raw = new Float32Array(single[0].length);
    const x0 = lcgArray(g0.batch * g0.inChannels * g0.inH * g0.inW, 20);
    const w0 = lcgArray(g0.inChannels * 9, 21);
    expect(wasmDepthwiseConv2dForward(g0, x0, w0, w0.subarray(0, g0.inChannels), raw)).toBe(true);
    expect(raw.some((v) => v < 0) && raw.some((v) => v > 0.5)).toBe(true);
    expect(bits(single[0])).toEqual(bits(raw.map((v) => Math.min(Math.max(v, 0), 0.5))));
    setThreads(2);
    for (let i = 0; i < forwardCases.length; i++) {
      const [g, act] = forwardCases[i];
      let split = forward(g, act, 20 + i);
      await untilTwoThreads(() => {
        split = forward(g, act, 20 + i);
      });
      expect(getBackendInfo().lastKernel).toBe(`${WASM_DEPTHWISE_KERNEL} x2 threads`);
      expect(bits(split)).toEqual(bits(single[i]));
    }
  });
});
