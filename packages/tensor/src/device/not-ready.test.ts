// Before WebGPU is initialised (this file never calls initWebGPU, and vitest gives each file its
// own module state), and with a WebGPU that offers no adapter: named errors that say why.
import { describe, expect, it } from 'vitest';
import { getBackendInfo, initWebGPU, TorchletError, tensor, zeros } from '../index.js';

describe('the webgpu device before it is ready', () => {
  it("to('webgpu') and { device: 'webgpu' } say to await initWebGPU() first", () => {
    expect(getBackendInfo().webgpu.available).toBe(false);
    expect(() => tensor([1]).to('webgpu')).toThrow(TorchletError);
    expect(() => tensor([1]).to('webgpu')).toThrow(/await initWebGPU\(\)/);
    expect(() => zeros([2], { device: 'webgpu' })).toThrow(/WebGPU is not ready/);
  });

  it('a WebGPU without an adapter rejects with a TorchletError whose reason says so', async () => {
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU;
    const failure = initWebGPU({ gpu: noAdapter });
    await expect(failure).rejects.toThrow(TorchletError);
    await expect(initWebGPU({ gpu: noAdapter })).rejects.toMatchObject({ reason: 'no-adapter' });
  });
});
