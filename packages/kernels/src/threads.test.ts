import { afterAll, describe, expect, it } from 'vitest';
import { convWork, geometry, lcgArray, lenetConv1, oneLargeImage, untilTwoThreads } from '../test/conv-cases.js';
import { type Conv2dGeometry, wasmConv2dForward } from './conv.js';
import { KernelArgumentError } from './errors.js';
import { PARALLEL_MIN_WORK, wasmGemm } from './gemm.js';
import { getBackendInfo } from './info.js';
import { ready } from './ready.js';
import { CONV2D_PARALLEL_MIN_WORK, POINTWISE_PARALLEL_MIN_WORK } from './thread-thresholds.js';
import { getThreads, setThreads, stallMs, threadPool } from './threads.js';

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
  const a = lcgArray(s.m * s.k, 1);
  const b = lcgArray(s.k * s.n, 2);
  const ldc = s.n + s.padC;
  const c = lcgArray(s.m * ldc, 3);
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
    await untilTwoThreads(() => product(shapes[0]));
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
      // Threads start at CONV2D_PARALLEL_MIN_WORK (2^23) multiply-adds: one image of 144 outputs,
      // and 300 LeNet images.
      { ...oneLargeImage, outChannels: 144 },
      { ...lenetConv1, batch: 300, inChannels: 2, groups: 2 },
      geometry({
        batch: 7,
        inChannels: 8,
        inH: 96,
        inW: 90,
        outChannels: 16,
        kh: 3,
        kw: 3,
        padTop: 1,
        padLeft: 2,
        outH: 96,
        outW: 92,
      }),
    ];
    const run = (g: Conv2dGeometry): Float32Array => {
      const out = new Float32Array(g.batch * g.outChannels * g.outH * g.outW);
      const x = lcgArray(g.batch * g.inChannels * g.inH * g.inW, 4);
      const w = lcgArray((g.outChannels * g.inChannels * g.kh * g.kw) / g.groups, 5);
      expect(wasmConv2dForward(g, x, w, lcgArray(g.outChannels, 6), out, { algorithm: 'gemm' })).toBe(true);
      return out;
    };
    for (const g of geometries) expect(convWork(g)).toBeGreaterThanOrEqual(CONV2D_PARALLEL_MIN_WORK);
    setThreads(1);
    const single = geometries.map(run);
    expect(getBackendInfo().lastKernel).toBe('wasm-simd128-conv2d-implicit-4x8');
    setThreads(2);
    await untilTwoThreads(() => run(geometries[0]));
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

  it('splits batch-1 MobileNetV2 pointwise layers, and keeps 1x1 problems below POINTWISE_PARALLEL_MIN_WORK on one thread', async () => {
    // [1,144,56,56] -> 24: 10.8M multiply-adds, about 0.9 ms on one thread (thread-thresholds.ts).
    const g = geometry({ inChannels: 144, inH: 56, inW: 56, outChannels: 24, kh: 1, kw: 1, outH: 56, outW: 56 });
    // [1,64,14,14] -> 128: 1.6M, under 0.1 ms.
    const small = geometry({ inChannels: 64, inH: 14, inW: 14, outChannels: 128, kh: 1, kw: 1, outH: 14, outW: 14 });
    expect(convWork(g)).toBeGreaterThanOrEqual(POINTWISE_PARALLEL_MIN_WORK);
    expect(convWork(small)).toBeLessThan(POINTWISE_PARALLEL_MIN_WORK);
    const run = (q: Conv2dGeometry): Float32Array => {
      const out = new Float32Array(q.outChannels * q.outH * q.outW);
      const x = lcgArray(q.inChannels * q.inH * q.inW, 7);
      expect(wasmConv2dForward(q, x, lcgArray(q.outChannels * q.inChannels, 8), null, out)).toBe(true);
      return out;
    };
    setThreads(1);
    const single = run(g);
    setThreads(2);
    await untilTwoThreads(() => run(g));
    // As if the threads had been running at once (splitsPay: on a busy machine they may not be).
    threadPool()!.solo = 0;
    expect(run(g)).toEqual(single);
    expect(getBackendInfo().lastKernel).toBe('wasm-simd128-conv2d-pointwise-4x8 x2 threads');
    run(small);
    expect(getBackendInfo().lastKernel).toBe('wasm-simd128-conv2d-pointwise-4x8');
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
    expect(() => setThreads(0)).toThrowError(KernelArgumentError);
    expect(() => setThreads(Symbol('n') as unknown as number)).toThrowError(/got Symbol\(n\)/);
    expect(() => setThreads(1.5)).toThrowError(/got 1.5/);
    setThreads('auto');
    expect(getThreads()).toBeGreaterThanOrEqual(1);
    setThreads(1);
    expect(getBackendInfo().threads).toBe(1);
  });

  it('a worker that died is left out, the call finishes, and the pool restarts it', async () => {
    setThreads(1);
    const single = product(shapes[0]);
    setThreads(2);
    await ready();
    const pool = threadPool();
    expect(pool).not.toBeNull();
    const first = pool!.workers[0];
    await first.terminate(); // resolves once the thread has exited ('exit' has fired)
    expect(product(shapes[0])).toEqual(single);
    // The slot holds a new worker, which comes up in the background.
    expect(pool!.workers[0]).not.toBe(first);
    expect(getBackendInfo().error).toMatch(/worker thread died .* restarted/);
    await untilTwoThreads(() => product(shapes[0]));
    expect(getBackendInfo().lastKernel).toBe('wasm-simd128-sgemm-4x8 x2 threads');
    expect(getBackendInfo().threadsActive).toBe(2);
    expect(product(shapes[0])).toEqual(single);
  });

  it('a worker killed while a call is posted never hangs the call', async () => {
    setThreads(1);
    const single = product(shapes[1]);
    setThreads(2);
    await ready();
    for (let round = 0; round < 3; round++) {
      const pool = threadPool();
      expect(pool).not.toBeNull();
      await untilTwoThreads(() => product(shapes[1]));
      void pool!.workers[0].terminate(); // not awaited: it dies before, during or after the call
      expect(product(shapes[1])).toEqual(single);
      await new Promise((r) => setTimeout(r, 20));
    }
  }, 60_000);

  it('waits for a silent worker at least 10 s, and 100 chunks of the caller', () => {
    expect(stallMs(5, 10)).toBe(10_000);
    expect(stallMs(2_000, 1)).toBe(200_000);
    expect(stallMs(0, 0)).toBe(10_000);
  });

  it('ready() never rejects, whatever it is given', async () => {
    await expect(ready(undefined, null as never)).resolves.toBeUndefined();
    await expect(ready(5 as never, 7 as never)).resolves.toBeUndefined();
  });
});
