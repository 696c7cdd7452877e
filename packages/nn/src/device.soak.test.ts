// Memory on the webgpu device without tidy(): a training loop whose intermediate tensors are only
// dropped keeps the live GPU buffers and bytes flat, since the buffer pool takes back the buffers
// of collected tensors (FinalizationRegistry). The 10,000-step soak is the same loop,
// longer; SwiftShader runs shaders on the CPU, so this one is short.
import { variable } from '@torchlet/autograd';
import { getBackendInfo, initWebGPU, manualSeed, rand } from '@torchlet/tensor';
import { expect, it } from 'vitest';
import { Linear, mseLoss, ReLU, Sequential, SGD } from './index.js';

await initWebGPU();

/** Forces collection and lets the finalizers run (they are queued as tasks). */
async function collect(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc (the nn vitest config sets it)');
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

it('a training loop on the device keeps live GPU buffers and bytes flat', async () => {
  manualSeed(0);
  const net = new Sequential(new Linear(8, 16), new ReLU(), new Linear(16, 1)).to('webgpu');
  const opt = new SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = rand([32, 8]).to('webgpu');
  const y = rand([32, 1]).to('webgpu');
  const step = (): void => {
    const loss = mseLoss(net.forward(variable(x)), variable(y));
    opt.zeroGrad();
    loss.backward();
    opt.step();
  };
  for (let i = 0; i < 20; i++) step();
  await collect();
  const warm = getBackendInfo().webgpu;
  for (let i = 0; i < 200; i++) step();
  await collect();
  const after = getBackendInfo().webgpu;
  expect(after.error).toBe('');
  expect(after.dispatches - warm.dispatches).toBeGreaterThan(200 * 10);
  expect(after.liveBuffers).toBeLessThanOrEqual(warm.liveBuffers + 4);
  expect(after.liveBytes).toBeLessThanOrEqual(warm.liveBytes + 4 * 4096);
  // The collected buffers wait in the pool, and the next steps take theirs from it.
  expect(after.pooledBuffers).toBeGreaterThan(0);
  for (let i = 0; i < 10; i++) step();
  expect(getBackendInfo().webgpu.createdBuffers - after.createdBuffers).toBeLessThan(10);
  const loss = mseLoss(net.forward(variable(x)), variable(y));
  expect((await loss.data.cpu()).item()).toBeLessThan(1);
});
