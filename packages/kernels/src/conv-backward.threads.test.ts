import { afterAll, describe, expect, it } from 'vitest';
import { convWork, geometry, lcgArray, lenetConv1, oneLargeImage, untilTwoThreads } from '../test/conv-cases.js';
import type { Conv2dGeometry } from './conv.js';
import { WASM_CONV2D_BACKWARD_WEIGHT_KERNEL, wasmConv2dBackwardWeight } from './conv-backward.js';
import { PARALLEL_MIN_WORK } from './gemm.js';
import { getBackendInfo } from './info.js';
import { setThreads } from './threads.js';

// Many small images (slices only, each unit pads its own images), a single image (column chunks
// only, a separate padding phase), and a strided, dilated, grouped batch staged in three chunks.
const geometries: Conv2dGeometry[] = [
  { ...lenetConv1, batch: 40, inChannels: 2, groups: 2 },
  oneLargeImage,
  geometry({
    batch: 5,
    inChannels: 16,
    inH: 120,
    inW: 118,
    outChannels: 20,
    kh: 3,
    kw: 2,
    groups: 4,
    strideH: 2,
    strideW: 2,
    padTop: 1,
    padLeft: 0,
    dilationW: 2,
    outH: 60,
    outW: 58,
  }),
];

function run(g: Conv2dGeometry): Float32Array {
  const dw = new Float32Array((g.outChannels * g.inChannels * g.kh * g.kw) / g.groups);
  const x = lcgArray(g.batch * g.inChannels * g.inH * g.inW, 4);
  const dy = lcgArray(g.batch * g.outChannels * g.outH * g.outW, 5);
  expect(wasmConv2dBackwardWeight(g, dy, x, dw)).toBe(true);
  return dw;
}

describe('conv2d weight gradient on worker threads (Node)', () => {
  afterAll(() => setThreads(1));

  it('equals the single-threaded result bit for bit', async () => {
    for (const g of geometries) expect(convWork(g)).toBeGreaterThanOrEqual(PARALLEL_MIN_WORK);
    setThreads(1);
    const single = geometries.map(run);
    expect(getBackendInfo().lastKernel).toBe(WASM_CONV2D_BACKWARD_WEIGHT_KERNEL);
    setThreads(2);
    await untilTwoThreads(() => run(geometries[1]));
    geometries.forEach((g, i) => {
      const split = run(g);
      expect(getBackendInfo().lastKernel).toBe(`${WASM_CONV2D_BACKWARD_WEIGHT_KERNEL} x2 threads`);
      expect(Array.from(new Uint32Array(split.buffer))).toEqual(Array.from(new Uint32Array(single[i].buffer)));
    });
  });
});
