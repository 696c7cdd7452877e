// The buffer pool: size buckets, reuse after release, counters, and give-back on garbage collection.
import { describe, expect, test } from 'vitest';
import { gpu } from '../test/gpu.js';
import { bucketSize } from './buffer.js';
import { allocate, getWebGPUInfo, readback, unary, upload } from './index.js';

describe('buffer pool', () => {
  test('buckets: four sizes per power of two, at least 256 bytes, never smaller than asked', () => {
    expect([1, 256, 257, 320, 321, 1000, 1024, 1025].map(bucketSize)).toEqual([
      256, 256, 320, 320, 384, 1024, 1024, 1280,
    ]);
    for (let b = 1; b < 100_000; b += 97) {
      const s = bucketSize(b);
      expect(s).toBeGreaterThanOrEqual(b);
      expect(s).toBeLessThanOrEqual(Math.max(256, b * 1.25 + 1));
    }
  });

  test('release gives the buffer back; the next request of that size reuses it', async () => {
    const before = getWebGPUInfo();
    const a = allocate(gpu, 1000);
    expect(getWebGPUInfo().liveBuffers).toBe(before.liveBuffers + 1);
    expect(getWebGPUInfo().liveBytes).toBe(before.liveBytes + bucketSize(4000));
    a.release();
    a.release(); // idempotent
    expect(a.released).toBe(true);
    expect(() => a.buffer).toThrow(expect.objectContaining({ reason: 'released' }));
    const after = getWebGPUInfo();
    expect(after.liveBuffers).toBe(before.liveBuffers);
    expect(after.pooledBuffers).toBeGreaterThanOrEqual(1);
    const b = allocate(gpu, 990); // same bucket
    expect(getWebGPUInfo().createdBuffers).toBe(after.createdBuffers);
    b.release();
  });

  test('a released input is rejected by name', () => {
    const a = upload(gpu, new Float32Array(3));
    a.release();
    expect(() => unary('neg', { buffer: a, strides: [1] }, [3])).toThrow(/unary: was released/);
  });

  test('zeroed allocation clears a reused buffer', async () => {
    const a = upload(gpu, new Float32Array(64).fill(7));
    a.release();
    expect(Array.from(await readback(allocate(gpu, 64, { zero: true })))).toEqual(new Array(64).fill(0));
  });

  test('a buffer larger than the device can bind: reason limit, before allocating', () => {
    const max = gpu.device.limits.maxStorageBufferBindingSize;
    const created = getWebGPUInfo().createdBuffers;
    expect(() => allocate(gpu, max / 4 + 1)).toThrow(
      expect.objectContaining({
        reason: 'limit',
        message: expect.stringMatching(/^allocate: \d+ float32 elements .* exceed/),
      }),
    );
    expect(getWebGPUInfo().createdBuffers).toBe(created);
  });

  test('upload rejects float64 (WebGPU has none) with a named error', () => {
    expect(() => upload(gpu, new Float64Array(2) as unknown as Float32Array)).toThrow(
      /upload: must be a Float32Array, Int32Array or Uint32Array \(WebGPU has no float64\)/,
    );
  });

  test('handles dropped without release are given back when collected: live buffers stay flat over 2,000 steps', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, 'the webgpu tests run with --expose-gc').toBeTypeOf('function');
    const x = upload(gpu, new Float32Array(256).fill(1));
    const step = () => unary('exp', { buffer: x, strides: [1] }, [256]); // dropped at once
    // Warm-up: one collection period of outputs fills the pool.
    for (let i = 0; i < 500; i++) step();
    await readback(x);
    const settle = async () => {
      for (let i = 0; i < 3; i++) {
        gc?.();
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await settle();
    const base = getWebGPUInfo();
    for (let i = 0; i < 2000; i++) {
      step();
      if (i % 500 === 499) await settle();
    }
    await readback(x);
    await settle();
    const end = getWebGPUInfo();
    expect(end.liveBuffers).toBeLessThanOrEqual(base.liveBuffers + 1);
    // Reuse, not allocation: after the warm-up the pool created (almost) no buffers for 2,000 outputs.
    expect(end.createdBuffers - base.createdBuffers).toBeLessThan(20);
    x.release();
  });
});
