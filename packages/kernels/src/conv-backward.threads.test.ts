import { afterAll, describe, expect, it } from 'vitest';
import type { Conv2dGeometry } from './conv.js';
import { WASM_CONV2D_BACKWARD_WEIGHT_KERNEL, wasmConv2dBackwardWeight } from './conv-backward.js';
import { PARALLEL_MIN_WORK } from './gemm.js';
import { getBackendInfo } from './info.js';
import { setThreads } from './threads.js';

function randomArray(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

const base: Conv2dGeometry = {
  batch: 1,
  inChannels: 1,
  inH: 1,
  inW: 1,
  outChannels: 1,
  kh: 1,
  kw: 1,
  groups: 1,
  strideH: 1,
  strideW: 1,
  padTop: 0,
  padLeft: 0,
  dilationH: 1,
  dilationW: 1,
  outH: 1,
  outW: 1,
};

// Many small images (slices only, each unit pads its own images), a single image (column chunks
// only, a separate padding phase), and a strided, dilated, grouped batch staged in three chunks.
const geometries: Conv2dGeometry[] = [
  {
    ...base,
    batch: 40,
    inChannels: 2,
    inH: 28,
    inW: 28,
    outChannels: 6,
    kh: 5,
    kw: 5,
    groups: 2,
    padTop: 2,
    padLeft: 2,
    outH: 28,
    outW: 28,
  },
  {
    ...base,
    inChannels: 32,
    inH: 30,
    inW: 30,
    outChannels: 40,
    kh: 3,
    kw: 3,
    padTop: 1,
    padLeft: 1,
    outH: 30,
    outW: 30,
  },
  {
    ...base,
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
  },
];

function run(g: Conv2dGeometry): Float32Array {
  const dw = new Float32Array((g.outChannels * g.inChannels * g.kh * g.kw) / g.groups);
  const x = randomArray(g.batch * g.inChannels * g.inH * g.inW, 4);
  const dy = randomArray(g.batch * g.outChannels * g.outH * g.outW, 5);
  expect(wasmConv2dBackwardWeight(g, dy, x, dw)).toBe(true);
  return dw;
}

describe('conv2d weight gradient on worker threads (Node)', () => {
  afterAll(() => setThreads(1));

  it('equals the single-threaded result bit for bit', async () => {
    for (const g of geometries) {
      expect(
        g.batch * g.outChannels * g.outH * g.outW * (g.inChannels / g.groups) * g.kh * g.kw,
      ).toBeGreaterThanOrEqual(PARALLEL_MIN_WORK);
    }
    setThreads(1);
    const single = geometries.map(run);
    expect(getBackendInfo().lastKernel).toBe(WASM_CONV2D_BACKWARD_WEIGHT_KERNEL);
    setThreads(2);
    // Workers start in the background; calls run on one thread until one is up.
    const deadline = Date.now() + 20_000;
    while (!getBackendInfo().lastKernel.endsWith('x2 threads') && Date.now() < deadline) {
      run(geometries[1]);
      await new Promise((r) => setTimeout(r, 20));
    }
    geometries.forEach((g, i) => {
      const split = run(g);
      expect(getBackendInfo().lastKernel).toBe(`${WASM_CONV2D_BACKWARD_WEIGHT_KERNEL} x2 threads`);
      expect(Array.from(new Uint32Array(split.buffer))).toEqual(Array.from(new Uint32Array(single[i].buffer)));
    });
  });
});
