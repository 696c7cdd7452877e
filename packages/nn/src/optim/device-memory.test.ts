// Optimizer steps on the webgpu device release their temporaries when the step ends: after the
// first step (which creates the state), a step leaves the live GPU buffer count unchanged, so
// nothing waits for the garbage collector. The updates still match the CPU's.
import { getBackendInfo, initWebGPU, manualSeed, rand, type Tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { Parameter } from '../parameter.js';
import { Adam, AdamW } from './adam.js';
import { SGD } from './sgd.js';

await initWebGPU();

const live = (): number => getBackendInfo().webgpu.liveBuffers;

type Make = (params: Parameter[]) => { step(): void };

const optimizers: [string, Make][] = [
  [
    'SGD nesterov, weight decay, maximize',
    (p) => new SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01, maximize: true }),
  ],
  ['SGD plain', (p) => new SGD(p, { lr: 0.1 })],
  [
    'Adam amsgrad, weight decay, maximize',
    (p) => new Adam(p, { lr: 0.01, amsgrad: true, weightDecay: 0.1, maximize: true }),
  ],
  ['AdamW', (p) => new AdamW(p, { lr: 0.01 })],
];

async function values(t: Tensor): Promise<number[]> {
  return Array.from((await t.cpu()).toTypedArray() as Float32Array);
}

describe('optimizer steps on webgpu keep no temporaries', () => {
  for (const [name, make] of optimizers) {
    it(name, async () => {
      manualSeed(5);
      const w = rand([3, 4]);
      const grads = [rand([3, 4]), rand([3, 4]), rand([3, 4])];
      const cpu = new Parameter(w.clone());
      const gpu = new Parameter(w.to('webgpu'));
      const cpuOpt = make([cpu]);
      const gpuOpt = make([gpu]);
      for (const [i, g] of grads.entries()) {
        cpu.grad = g;
        gpu.grad = g.to('webgpu');
        cpuOpt.step();
        const before = live();
        gpuOpt.step();
        if (i > 0) expect(live()).toBe(before);
      }
      const got = await values(gpu.data);
      const want = cpu.data.toTypedArray() as Float32Array;
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5);
    });
  }
});
