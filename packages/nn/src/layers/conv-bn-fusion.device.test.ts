// The Conv2d + BatchNorm2d folding on the webgpu device (SwiftShader where there is no GPU): the
// fold is computed there in float32, the folded conv runs there, and after `.to('webgpu')` (new
// tensors) the filters are folded again from the moved parameters.
import { noGrad } from '@torchlet/autograd';
import { Generator, initWebGPU, rand, randn, type Tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import type { Module } from '../module.js';
import { BatchNorm2d } from './batchnorm.js';
import { Conv2d } from './conv.js';
import { fusionCounters } from './conv-bn-fusion.js';
import { ReLU6 } from './relu6.js';
import { Sequential } from './sequential.js';

await initWebGPU();

function net(): { net: Sequential<Module>; conv: Conv2d; bn: BatchNorm2d } {
  const g = new Generator(3);
  const conv = new Conv2d(3, 8, 3, { padding: 1, generator: g });
  const bn = new BatchNorm2d(8);
  bn.runningMean.copyInPlace(randn([8], { generator: g }));
  bn.runningVar.copyInPlace(rand([8], { generator: g }).add(0.1));
  bn.weight?.data.copyInPlace(randn([8], { generator: g }));
  bn.bias?.data.copyInPlace(randn([8], { generator: g }));
  return { net: new Sequential<Module>(conv, bn, new ReLU6()).eval(), conv, bn };
}

async function relDiff(gpu: Tensor, cpu: Tensor): Promise<number> {
  expect(gpu.device).toBe('webgpu');
  const a = (await gpu.cpu()).toTypedArray() as Float32Array;
  const b = cpu.toTypedArray() as Float32Array;
  let d = 0;
  for (let i = 0; i < b.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return d;
}

describe('Conv2d + BatchNorm2d folding on the webgpu device', () => {
  it('runs fused on the device and gives the CPU layers values; refolds after to() and an in-place change', async () => {
    const cpu = net();
    const gpu = net();
    const x = randn([2, 3, 7, 6], { generator: new Generator(8) }).mul(2);
    // Fold on the CPU first: moving the module must not reuse the CPU fold.
    const before = fusionCounters.folds;
    noGrad(() => gpu.net.forward(x));
    gpu.net.to('webgpu');
    const gx = x.to('webgpu');
    const forwards = fusionCounters.fusedForwards;
    const y = noGrad(() => gpu.net.forward(gx));
    expect(fusionCounters.fusedForwards - forwards).toBe(1);
    expect(fusionCounters.folds - before).toBe(2);
    const want = noGrad(() => cpu.bn.forward(cpu.conv.forward(x)).data.clamp(0, 6));
    expect(await relDiff(y.data, want)).toBeLessThan(1e-5);

    gpu.bn.runningVar.mulInPlace(4);
    cpu.bn.runningVar.mulInPlace(4);
    const y2 = noGrad(() => gpu.net.forward(gx));
    expect(fusionCounters.folds - before).toBe(3);
    const want2 = noGrad(() => cpu.bn.forward(cpu.conv.forward(x)).data.clamp(0, 6));
    expect(await relDiff(y2.data, want2)).toBeLessThan(1e-5);
  });
});
