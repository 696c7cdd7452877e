// The pointwise kernel split over two threads gives the single-threaded results bit for bit (each
// output is one unit's sum in channel order, whoever computes it), with the split asserted.
import { afterAll, describe, expect, it } from 'vitest';
import { geometry, lcgArray, untilTwoThreads } from '../test/conv-cases.js';
import type { Conv2dGeometry } from './conv.js';
import { getBackendInfo } from './info.js';
import { pointwisePipelineSteps, WASM_POINTWISE_KERNEL, wasmPointwiseConv2dForward } from './pointwise.js';
import { setThreads } from './threads.js';

const pw = (batch: number, cin: number, cout: number, side: number, s: number): Conv2dGeometry =>
  geometry({
    batch,
    inChannels: cin,
    outChannels: cout,
    inH: side,
    inW: side,
    kh: 1,
    kw: 1,
    strideH: s,
    strideW: s,
    padTop: 0,
    padLeft: 0,
    outH: Math.floor((side - 1) / s) + 1,
    outW: Math.floor((side - 1) / s) + 1,
  });

// Each over the multiply-adds that are split (POINTWISE_PARALLEL_MIN_WORK): one image per chunk,
// output bands (the 112x112 expansion), ResNet's stride-2 downsample, and 7x7 planes (13 images
// per chunk) with a 1-column last sliver and Cout % 4 = 2; MobileNetV2's projections, whose
// images are staged in slices of input planes (the threads add one slice at a time to the
// partial sums).
const geometries: Conv2dGeometry[] = [
  pw(8, 96, 24, 56, 1),
  pw(4, 144, 24, 56, 1),
  pw(8, 150, 22, 45, 1),
  pw(2, 16, 96, 112, 1),
  pw(8, 64, 128, 56, 2),
  pw(40, 320, 66, 7, 1),
];

// Pipelined (each over PARALLEL_ALWAYS_MIN_WORK, so split whatever splitsPay says): bands of
// output channels copied out while the threads compute the next band (8 bands of 48 rows; 7 of
// 12 with a last band of 2 rows and a 1-column last sliver; chunks of 6 images, the last of 4, 6
// bands each), and slices of input planes copied in while the threads sum the previous slice (8
// slices of 48 planes; 8 of 9 with a last slice of 3 planes). Counted: pipelined steps.
const pipelinedGeometries: [Conv2dGeometry, number][] = [
  [pw(1, 64, 384, 56, 1), 8],
  [pw(1, 73, 74, 79, 1), 7],
  [pw(40, 32, 160, 14, 1), 42],
  [pw(1, 384, 64, 56, 1), 8],
  [pw(1, 66, 65, 89, 1), 8],
];

function run(g: Conv2dGeometry, i: number): Float32Array {
  const x = lcgArray(g.batch * g.inChannels * g.inH * g.inW, 4 + i);
  const w = lcgArray(g.outChannels * g.inChannels, 5 + i);
  const out = new Float32Array(g.batch * g.outChannels * g.outH * g.outW);
  const options = { activation: { clamp: [0, 6] } as const, weightKey: { owner: w, layout: 'threads', version: 0 } };
  expect(wasmPointwiseConv2dForward(g, x, w, w.subarray(0, g.outChannels), out, options)).toBe(true);
  return out;
}

const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer));

describe('pointwise conv2d on worker threads (Node)', () => {
  afterAll(() => setThreads(1));

  it('equals the single-threaded results bit for bit', async () => {
    setThreads(1);
    const single = geometries.map(run);
    expect(getBackendInfo().lastKernel).toBe(WASM_POINTWISE_KERNEL);
    setThreads(2);
    await untilTwoThreads(() => run(geometries[0], 0));
    geometries.forEach((g, i) => {
      const split = run(g, i);
      expect(getBackendInfo().lastKernel).toBe(`${WASM_POINTWISE_KERNEL} x2 threads`);
      expect(bits(split)).toEqual(bits(single[i]));
    });
  });

  it('pipelines the copies of batch-1 calls with the threads, same bits', async () => {
    setThreads(1);
    const single = pipelinedGeometries.map(([g], i) => run(g, 10 + i));
    expect(getBackendInfo().lastKernel).toBe(WASM_POINTWISE_KERNEL);
    setThreads(2);
    await untilTwoThreads(() => run(geometries[0], 0));
    pipelinedGeometries.forEach(([g, steps], i) => {
      const before = pointwisePipelineSteps();
      const split = run(g, 10 + i);
      expect(getBackendInfo().lastKernel).toBe(`${WASM_POINTWISE_KERNEL} x2 threads`);
      expect(pointwisePipelineSteps() - before).toBe(steps);
      expect(bits(split)).toEqual(bits(single[i]));
    });
  });
});
