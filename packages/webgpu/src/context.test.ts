// Device acquisition and its errors: the default context, the adapter it reports, and the named
// errors for no WebGPU, no adapter and a limit too small.
import { describe, expect, test } from 'vitest';
import { gpu } from '../test/gpu.js';
import { findGpu } from './context.js';
import { getWebGPU, getWebGPUInfo, initWebGPU, matmul, upload, WebGPUError } from './index.js';

describe('initWebGPU', () => {
  test('finds an adapter; the default context is shared and reports it', async () => {
    expect(await initWebGPU()).toBe(gpu);
    expect(getWebGPU()).toBe(gpu);
    const info = getWebGPUInfo();
    expect(info.available).toBe(true);
    expect(info.vendor).toBe(gpu.adapter.vendor);
    expect(info.architecture).toBe(gpu.adapter.architecture);
    // Print the adapter, so a log shows which device the suite ran on.
    console.info(`WebGPU adapter: ${info.vendor} ${info.architecture} (${info.description})`);
    expect(info.error).toBe('');
  });

  test('no navigator.gpu and no Node bindings: a named error that says how to fix it', async () => {
    const failing = () => Promise.reject(new Error("Cannot find package 'webgpu'"));
    const err = await findGpu(undefined, failing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebGPUError);
    expect((err as WebGPUError).reason).toBe('no-navigator-gpu');
    expect((err as WebGPUError).message).toMatch(
      /^initWebGPU: this runtime has no navigator.gpu, .*Cannot find package 'webgpu'.*install 'webgpu' or pass \{ gpu \}/,
    );
  });

  test('navigator.gpu wins over the Node bindings', async () => {
    const fake = { requestAdapter: async () => null } as unknown as GPU;
    expect(await findGpu({ gpu: fake }, () => Promise.reject(new Error('not called')))).toBe(fake);
  });

  test('a GPU without an adapter: reason no-adapter', async () => {
    const fake = { requestAdapter: async () => null } as unknown as GPU;
    await expect(initWebGPU({ gpu: fake })).rejects.toMatchObject({
      name: 'TorchletError',
      reason: 'no-adapter',
      message: expect.stringMatching(/^initWebGPU: WebGPU is present but offers no adapter/),
    });
  });

  test('an adapter limit below what is asked: reason limit, naming the limit and both values', async () => {
    const limit = gpu.device.limits.maxComputeWorkgroupStorageSize;
    await expect(initWebGPU({ requiredLimits: { maxComputeWorkgroupStorageSize: limit + 1 } })).rejects.toMatchObject({
      reason: 'limit',
      arg: 'requiredLimits',
      message: `initWebGPU: the adapter's maxComputeWorkgroupStorageSize is ${limit}, below the ${limit + 1} the kernels need`,
    });
  });

  test('a second context is independent: mixing its buffers with the default one is an error', async () => {
    const other = await initWebGPU({});
    try {
      expect(other).not.toBe(gpu);
      const a = upload(gpu, new Float32Array(4));
      const b = upload(other, new Float32Array(4));
      expect(() => matmul(a, b, { m: 2, n: 2, k: 2 })).toThrow(
        /matmul: is on another WebGPU device than the first input/,
      );
    } finally {
      other.destroy();
    }
    expect(other.lost).toMatch(/destroyed/);
    expect(() => upload(other, new Float32Array(1))).toThrow(
      expect.objectContaining({
        reason: 'device-lost',
        message: expect.stringMatching(/^allocate: the WebGPU device was lost/),
      }),
    );
    // The default context is untouched.
    expect(getWebGPU()).toBe(gpu);
  });
});
