// Memory of a training loop on the webgpu device without tidy() and without forced garbage
// collection. What the library owns is released as the step runs (the gradients in flight, the
// outputs built-in layers hand on, the losses' intermediates, optimizer temporaries, dropped
// unread .grad tensors), so a step leaves the collector only what the loop itself dropped: the
// network's output and the loss. The 10,000-step version of the flat-memory
// run is `pnpm -F @torchlet/nn soak`; SwiftShader runs shaders on the CPU, so this one is short.
import { variable } from '@torchlet/autograd';
import { getBackendInfo, initWebGPU, manualSeed, rand, randint } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, Conv2d, crossEntropy, Flatten, Linear, MaxPool2d, ReLU, Sequential, SGD } from './index.js';

await initWebGPU();

function setup(optimizer: 'sgd' | 'adam') {
  manualSeed(0);
  const net = new Sequential(
    new Conv2d(1, 4, 3, { padding: 1 }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(4 * 4 * 4, 10),
  ).to('webgpu');
  const opt =
    optimizer === 'adam'
      ? new Adam(net.parameters(), { lr: 1e-3 })
      : new SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = rand([8, 1, 8, 8]).to('webgpu');
  const y = randint(0, 10, [8], { dtype: 'int32' });
  return () => {
    const loss = crossEntropy(net.forward(variable(x)), y);
    opt.zeroGrad();
    loss.backward();
    opt.step();
    return loss;
  };
}

describe('training on webgpu without tidy() or forced collection', () => {
  for (const optimizer of ['sgd', 'adam'] as const) {
    it(`${optimizer}: a step leaves at most 2 buffers to the garbage collector`, () => {
      const step = setup(optimizer);
      for (let i = 0; i < 3; i++) step(); // optimizer state, pooled buffers
      // A synchronous stretch: no finalizer can run, so the growth is what the steps left behind.
      const before = getBackendInfo().webgpu;
      const steps = 20;
      for (let i = 0; i < steps; i++) step();
      const after = getBackendInfo().webgpu;
      expect(after.error).toBe('');
      expect(after.liveBuffers - before.liveBuffers).toBeLessThanOrEqual(2 * steps);
      expect(after.liveBytes - before.liveBytes).toBeLessThanOrEqual(steps * 4096);
    });
  }
});
