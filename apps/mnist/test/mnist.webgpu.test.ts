// LeNet trained on the webgpu device (SwiftShader here) against the same run on the CPU: same
// seed, same batches, so the losses and accuracies agree within float32 noise. Two batches keep
// the software adapter's time reasonable (it runs shaders on the CPU, ~10 s a batch here); `pnpm -F @torchlet/mnist start -- --device webgpu` runs it all.
import { Generator, getBackendInfo, initWebGPU } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { loadAllDigits, subset, trainTestSplit } from '../src/data.js';
import { lenet } from '../src/model.js';
import { train } from '../src/train.js';

await initWebGPU();

describe('LeNet on MNIST on the webgpu device', () => {
  it('trains to the CPU run: same losses and accuracies within float32 noise, the GPU really ran', async () => {
    const split = trainTestSplit(loadAllDigits(), 8000, 0);
    const order = Int32Array.from({ length: 64 }, (_, i) => i);
    const trainSet = subset(split.train, order);
    const testSet = subset(split.test, order.subarray(0, 64));
    const options = { epochs: 1, batchSize: 32, lr: 2e-3, seed: 0 };
    const [cpu] = await train(lenet(new Generator(0)), trainSet, testSet, { ...options, device: 'cpu' });
    const dispatchesBefore = getBackendInfo().webgpu.dispatches;
    const [gpu] = await train(lenet(new Generator(0)), trainSet, testSet, { ...options, device: 'webgpu' });
    const { webgpu } = getBackendInfo();
    expect(webgpu.error).toBe('');
    expect(webgpu.dispatches - dispatchesBefore).toBeGreaterThan(100);
    expect(Math.abs(gpu.loss - cpu.loss)).toBeLessThan(1e-4);
    expect(Math.abs(gpu.trainAccuracy - cpu.trainAccuracy)).toBeLessThanOrEqual(1 / 64);
    expect(Math.abs(gpu.testAccuracy - cpu.testAccuracy)).toBeLessThanOrEqual(1 / 64);
  }, 600_000);
});
