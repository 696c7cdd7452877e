import { afterAll, describe, expect, it } from 'vitest';
import { type Conv2dGeometry, wasmConv2dForward } from './conv.js';
import { PARALLEL_MIN_WORK, wasmGemm } from './gemm.js';
import { getBackendInfo } from './info.js';
import { ready } from './ready.js';
import { getThreads, setThreads } from './threads.js';

function randomArray(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

interface Shape {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  beta: number;
  padC: number;
}

/** C for one shape: A, B, C from fixed seeds, C with row stride n + padC. */
function product(s: Shape): Float32Array {
  const a = randomArray(s.m * s.k, 1);
  const b = randomArray(s.k * s.n, 2);
  const ldc = s.n + s.padC;
  const c = randomArray(s.m * ldc, 3);
  const ok = wasmGemm(
    s.transA,
    s.transB,
    s.m,
    s.n,
    s.k,
    0.75,
    a,
    0,
    s.transA ? s.m : s.k,
    b,
    0,
    s.transB ? s.k : s.n,
    s.beta,
    c,
    0,
    ldc,
  );
  expect(ok).toBe(true);
  return c;
}

const shapes: Shape[] = [
  // taller than wide: split by rows, with a ragged last chunk
  { transA: false, transB: false, m: 203, n: 160, k: 150, beta: 0, padC: 0 },
  { transA: true, transB: true, m: 203, n: 160, k: 150, beta: 0.5, padC: 3 },
  // wider than tall: split by columns
  { transA: false, transB: true, m: 37, n: 1001, k: 130, beta: 1, padC: 0 },
  { transA: true, transB: false, m: 37, n: 1001, k: 130, beta: 0, padC: 5 },
];

describe('worker threads (Node)', () => {
  afterAll(() => setThreads(1));

  it('split products equal the single-threaded ones bit for bit', async () => {
    for (const s of shapes) expect(s.m * s.n * s.k).toBeGreaterThanOrEqual(PARALLEL_MIN_WORK);
    const single = shapes.map(product);
    expect(getBackendInfo().lastKernel).toBe('wasm-simd128-sgemm-4x8');
    setThreads(2);
    expect(getThreads()).toBe(2);
    // Workers start in the background; products run on one thread until one is up.
    const deadline = Date.now() + 20_000;
    while (!getBackendInfo().lastKernel.endsWith('x2 threads') && Date.now() < deadline) {
      product(shapes[0]);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(getBackendInfo().lastKernel).toBe('wasm-simd128-sgemm-4x8 x2 threads');
    shapes.forEach((s, i) => {
      const split = product(s);
      expect(getBackendInfo().lastKernel).toBe('wasm-simd128-sgemm-4x8 x2 threads');
      expect(split).toEqual(single[i]);
    });
  });

  it('split conv2d forward passes equal the single-threaded ones bit for bit', async () => {
    // Few images (units are column ranges), padding (the pad phase runs on the threads too),
    // many images with a ragged micro-tile, and a batch staged in two chunks (4 + 3 images).
    const geometries: Conv2dGeometry[] = [
      {
        batch: 1,
        inChannels: 32,
        inH: 30,
        inW: 30,
        outChannels: 40,
        kh: 3,
        kw: 3,
        groups: 1,
        strideH: 1,
        strideW: 1,
        padTop: 1,
        padLeft: 1,
        dilationH: 1,
        dilationW: 1,
        outH: 30,
        outW: 30,
      },
      {
        batch: 40,
        inChannels: 2,
        inH: 28,
        inW: 28,
        outChannels: 6,
        kh: 5,
        kw: 5,
        groups: 2,
        strideH: 1,
        strideW: 1,
        padTop: 2,
        padLeft: 2,
        dilationH: 1,
        dilationW: 1,
        outH: 28,
        outW: 28,
      },
      {
        batch: 7,
        inChannels: 8,
        inH: 96,
        inW: 90,
        outChannels: 16,
        kh: 3,
        kw: 3,
        groups: 1,
        strideH: 1,
        strideW: 1,
        padTop: 1,
        padLeft: 2,
        dilationH: 1,
        dilationW: 1,
        outH: 96,
        outW: 92,
      },
    ];
    const run = (g: Conv2dGeometry): Float32Array => {
      const out = new Float32Array(g.batch * g.outChannels * g.outH * g.outW);
      const x = randomArray(g.batch * g.inChannels * g.inH * g.inW, 4);
      const w = randomArray((g.outChannels * g.inChannels * g.kh * g.kw) / g.groups, 5);
      expect(wasmConv2dForward(g, x, w, randomArray(g.outChannels, 6), out)).toBe(true);
      return out;
    };
    for (const g of geometries) {
      expect(
        g.batch * g.outChannels * g.outH * g.outW * (g.inChannels / g.groups) * g.kh * g.kw,
      ).toBeGreaterThanOrEqual(PARALLEL_MIN_WORK);
    }
    setThreads(1);
    const single = geometries.map(run);
    expect(getBackendInfo().lastKernel).toBe('wasm-simd128-conv2d-implicit-4x8');
    setThreads(2);
    const deadline = Date.now() + 20_000;
    while (!getBackendInfo().lastKernel.endsWith('x2 threads') && Date.now() < deadline) {
      run(geometries[0]);
      await new Promise((r) => setTimeout(r, 20));
    }
    geometries.forEach((g, i) => {
      const split = run(g);
      expect(getBackendInfo().lastKernel).toBe('wasm-simd128-conv2d-implicit-4x8 x2 threads');
      // Index of the first bit-level difference (-1: none); faster than toEqual on 10^6 floats.
      const want = new Uint32Array(single[i].buffer);
      const got = new Uint32Array(split.buffer);
      expect(got.length).toBe(want.length);
      expect(want.findIndex((v, j) => v !== got[j])).toBe(-1);
    });
  });

  it('keeps small products on the calling thread', () => {
    setThreads(2);
    product({ transA: false, transB: false, m: 64, n: 64, k: 64, beta: 0, padC: 0 });
    expect(getBackendInfo().lastKernel).toBe('wasm-simd128-sgemm-4x8');
  });

  it('ready() starts every worker, so the first large product is already split', async () => {
    setThreads(1); // a fresh pool on the next line
    setThreads(3);
    expect(getBackendInfo().threadsActive).toBeLessThanOrEqual(3);
    await ready();
    expect(getBackendInfo().threadsActive).toBe(3);
    product(shapes[0]);
    expect(getBackendInfo().lastKernel).toBe('wasm-simd128-sgemm-4x8 x3 threads');
    setThreads(1);
    expect(getBackendInfo().threadsActive).toBe(1);
  });

  it('validates the thread count', () => {
    expect(() => setThreads(0)).toThrowError("setThreads: count must be 'auto' or an integer from 1 to 64, got 0");
    expect(() => setThreads(1.5)).toThrowError(/got 1.5/);
    setThreads('auto');
    expect(getThreads()).toBeGreaterThanOrEqual(1);
    setThreads(1);
    expect(getBackendInfo().threads).toBe(1);
  });
});
