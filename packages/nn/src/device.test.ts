// A small CNN trained on the webgpu device against the same network on the CPU: module.to,
// forward (conv2d, relu, max pooling, flatten, linear), autograd through GPU tensors, an MSE loss
// and SGD with momentum updating on the device. Needs a WebGPU adapter (SwiftShader here).
import { variable } from '@torchlet/autograd';
import { getBackendInfo, initWebGPU, manualSeed, rand, type Tensor, TorchletError, tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  AdamW,
  BatchNorm2d,
  Conv2d,
  crossEntropy,
  Dropout,
  dropout,
  Flatten,
  Linear,
  MaxPool2d,
  mseLoss,
  Parameter,
  ReLU,
  Sequential,
  SGD,
} from './index.js';

await initWebGPU();

function net(): Sequential {
  manualSeed(7);
  return new Sequential(
    new Conv2d(1, 3, 3, { padding: 1 }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(3 * 3 * 3, 2),
  );
}

async function maxDiff(gpu: Tensor, cpu: Tensor): Promise<number> {
  expect(gpu.device).toBe('webgpu');
  const a = (await gpu.cpu()).toTypedArray() as Float32Array;
  const b = cpu.toTypedArray() as Float32Array;
  let d = 0;
  for (let i = 0; i < b.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return d;
}

describe('training on the webgpu device', () => {
  it('module.to moves parameters in place; forward, backward and SGD steps match the CPU', async () => {
    const cpuNet = net();
    const gpuNet = net();
    const params = gpuNet.parameters();
    expect(gpuNet.to('webgpu')).toBe(gpuNet);
    expect(gpuNet.parameters()).toEqual(params); // the same Parameter objects
    for (const p of gpuNet.parameters()) expect(p.data.device).toBe('webgpu');
    const cpuOpt = new SGD(cpuNet.parameters(), { lr: 0.1, momentum: 0.9 });
    const gpuOpt = new SGD(gpuNet.parameters(), { lr: 0.1, momentum: 0.9 });
    manualSeed(1);
    const x = rand([4, 1, 6, 6]);
    const target = rand([4, 2]);
    const gx = x.to('webgpu');
    const gt = target.to('webgpu');
    const before = getBackendInfo().webgpu.liveBuffers;
    let liveAfterFirst = 0;
    for (let step = 0; step < 3; step++) {
      const cpuLoss = mseLoss(cpuNet.forward(variable(x)), variable(target));
      const gpuLoss = mseLoss(gpuNet.forward(variable(gx)), variable(gt));
      expect(await maxDiff(gpuLoss.data, cpuLoss.data)).toBeLessThan(1e-4);
      cpuOpt.zeroGrad();
      gpuOpt.zeroGrad();
      cpuLoss.backward();
      gpuLoss.backward();
      const cpuParams = cpuNet.parameters();
      for (const [i, p] of gpuNet.parameters().entries()) {
        expect(p.grad?.device).toBe('webgpu');
        expect(await maxDiff(p.grad as Tensor, cpuParams[i].grad as Tensor)).toBeLessThan(1e-4);
      }
      cpuOpt.step();
      gpuOpt.step();
      for (const [i, p] of gpuNet.parameters().entries()) {
        expect(await maxDiff(p.data, cpuParams[i].data)).toBeLessThan(1e-4);
      }
      if (step === 0) liveAfterFirst = getBackendInfo().webgpu.liveBuffers;
    }
    const info = getBackendInfo().webgpu;
    expect(info.error).toBe('');
    expect(info.dispatches).toBeGreaterThan(0);
    expect(liveAfterFirst).toBeGreaterThan(before);
    // Back to the CPU: the same objects, with the trained values.
    await gpuNet.cpu();
    for (const [i, p] of gpuNet.parameters().entries()) {
      expect(p.data.device).toBe('cpu');
      expect(p.data.allclose(cpuNet.parameters()[i].data, { atol: 1e-4, rtol: 1e-4 })).toBe(true);
    }
  });

  it('cross-entropy on webgpu logits with CPU class targets matches the CPU, value and gradient', async () => {
    manualSeed(3);
    const logits = rand([5, 4]).mul(4);
    const target = tensor([0, 3, 1, 1, 2], { dtype: 'int32' });
    const cpu = variable(logits, { requiresGrad: true });
    const gpu = variable(logits.to('webgpu'), { requiresGrad: true });
    const lc = crossEntropy(cpu, target, { labelSmoothing: 0.1 });
    const lg = crossEntropy(gpu, target, { labelSmoothing: 0.1 });
    expect(await maxDiff(lg.data, lc.data)).toBeLessThan(1e-5);
    lc.backward();
    lg.backward();
    expect(await maxDiff(gpu.grad as Tensor, cpu.grad as Tensor)).toBeLessThan(1e-5);
  });

  it('BatchNorm2d on the device: training (batch statistics, running stats, gradients) and evaluation', async () => {
    manualSeed(1);
    const x = rand([2, 3, 4, 4]);
    const cpuBn = new BatchNorm2d(3);
    const gpuBn = new BatchNorm2d(3).to('webgpu');
    expect(gpuBn.runningMean.device).toBe('webgpu');
    expect(gpuBn.numBatchesTracked.device).toBe('cpu'); // an integer counter stays on the CPU
    const vc = variable(x, { requiresGrad: true });
    const vg = variable(x.to('webgpu'), { requiresGrad: true });
    const yc = cpuBn.forward(vc);
    const yg = gpuBn.forward(vg);
    expect(await maxDiff(yg.data, yc.data)).toBeLessThan(1e-4);
    mseLoss(yc, variable(x)).backward();
    mseLoss(yg, variable(x.to('webgpu'))).backward();
    expect(await maxDiff(vg.grad as Tensor, vc.grad as Tensor)).toBeLessThan(1e-4);
    expect(await maxDiff(gpuBn.runningVar, cpuBn.runningVar)).toBeLessThan(1e-5);
    cpuBn.eval();
    gpuBn.eval();
    expect(await maxDiff(gpuBn.forward(variable(x.to('webgpu'))).data, cpuBn.forward(variable(x)).data)).toBeLessThan(
      1e-4,
    );
  });

  it('dropout draws the same mask on the device as on the CPU', async () => {
    const x = rand([4, 6]).add(1);
    manualSeed(9);
    const cpu = dropout(x, { p: 0.5 });
    manualSeed(9);
    const gpu = dropout(x.to('webgpu'), { p: 0.5 });
    expect(await maxDiff(gpu.data, cpu.data)).toBe(0);
    // The Dropout layer in training mode too (it drew its mask on the CPU and failed to mix devices).
    const layer = new Dropout(0.5);
    manualSeed(9);
    const cpuLayer = layer.forward(x);
    manualSeed(9);
    const gpuLayer = layer.forward(x.to('webgpu'));
    expect(gpuLayer.data.device).toBe('webgpu');
    expect(await maxDiff(gpuLayer.data, cpuLayer.data)).toBe(0);
  });

  it('named errors: to("cpu") on a webgpu module, mixed devices, an unknown device', () => {
    const m = net().to('webgpu');
    expect(() => m.to('cpu')).toThrow(/await x\.cpu\(\)/);
    expect(() => m.forward(variable(rand([1, 1, 6, 6])))).toThrow(/same device/);
    const loss = mseLoss(m.forward(variable(rand([1, 1, 6, 6]).to('webgpu'))), variable(rand([1, 2]).to('webgpu')));
    loss.backward();
    expect(() => m.to('cuda' as 'webgpu')).toThrow(TorchletError);
  });

  it('Adam, AdamW (with amsgrad, weight decay, maximize) update on the device as on the CPU', async () => {
    for (const [Opt, options] of [
      [Adam, { lr: 0.05, weightDecay: 0.1 }],
      [AdamW, { lr: 0.05, amsgrad: true, maximize: true }],
    ] as const) {
      manualSeed(5);
      const w = rand([3, 4]).sub(0.5);
      const cpu = new Parameter(w.clone());
      const gpu = new Parameter(w.to('webgpu'));
      const cpuOpt = new Opt([cpu], options);
      const gpuOpt = new Opt([gpu], options);
      for (let step = 0; step < 3; step++) {
        const g = rand([3, 4]).sub(0.5);
        cpu.grad = g;
        gpu.grad = g.to('webgpu');
        cpuOpt.step();
        gpuOpt.step();
        expect(await maxDiff(gpu.data, cpu.data)).toBeLessThan(1e-5);
      }
      expect(gpu.data.version).toBeGreaterThan(0);
    }
  });
});
