import type { AnyModule } from '@torchlet/nn';
import { Generator, type Tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { densenet121 } from './densenet.js';
import { googlenet } from './googlenet.js';
import { mobilenetV2 } from './mobilenet.js';
import { resnet18 } from './resnet.js';

// torchvision's initialisations, checked by their statistics (the draws cannot equal PyTorch's).
function stats(t: Tensor): { mean: number; std: number; maxAbs: number } {
  const v = t.toTypedArray() as Float32Array;
  let s = 0;
  let s2 = 0;
  let m = 0;
  for (const x of v) {
    s += x;
    s2 += x * x;
    m = Math.max(m, Math.abs(x));
  }
  const mean = s / v.length;
  return { mean, std: Math.sqrt(s2 / v.length - mean * mean), maxAbs: m };
}

const param = (model: AnyModule, name: string): Tensor => {
  const p = model.namedParameters().find(([n]) => n === name);
  if (p === undefined) throw new Error(`no parameter ${name}`);
  return p[1].data;
};

describe("torchvision's initialisation", () => {
  it('ResNet: Kaiming normal (fan-out, ReLU) convolutions, BatchNorm 1 and 0, default Linear', () => {
    const net = resnet18({ numClasses: 10, generator: new Generator(0) });
    // layer3.0.conv1: [256, 128, 3, 3], fan-out 256 * 9.
    expect(stats(param(net, 'layer3.0.conv1.weight')).std).toBeCloseTo(Math.sqrt(2 / (256 * 9)), 3);
    expect(stats(param(net, 'layer2.1.bn1.weight'))).toEqual({ mean: 1, std: 0, maxAbs: 1 });
    expect(stats(param(net, 'layer2.1.bn1.bias')).maxAbs).toBe(0);
    expect(stats(param(net, 'fc.weight')).maxAbs).toBeLessThanOrEqual(1 / Math.sqrt(512));
  });

  it('MobileNetV2: Kaiming normal (fan-out) convolutions, N(0, 0.01) classifier with zero bias', () => {
    const net = mobilenetV2({ numClasses: 1000, generator: new Generator(1) });
    // features.18.0: [1280, 320, 1, 1], fan-out 1280.
    expect(stats(param(net, 'features.18.0.weight')).std).toBeCloseTo(Math.sqrt(2 / 1280), 3);
    expect(stats(param(net, 'classifier.1.weight')).std).toBeCloseTo(0.01, 3);
    expect(stats(param(net, 'classifier.1.bias')).maxAbs).toBe(0);
  });

  it('DenseNet: Kaiming normal (fan-in) convolutions and zero classifier bias', () => {
    const net = densenet121({ numClasses: 10, generator: new Generator(2) });
    // denseblock3.denselayer1.conv1: [128, 256, 1, 1], fan-in 256.
    expect(stats(param(net, 'features.denseblock3.denselayer1.conv1.weight')).std).toBeCloseTo(Math.sqrt(2 / 256), 3);
    expect(stats(param(net, 'classifier.bias')).maxAbs).toBe(0);
  });

  it('GoogLeNet: truncated N(0, 0.01) convolution and linear weights', () => {
    const net = googlenet({ numClasses: 10, generator: new Generator(3) });
    const w = stats(param(net, 'inception4e.branch2.1.conv.weight'));
    expect(w.std).toBeCloseTo(0.01, 3);
    expect(w.maxAbs).toBeLessThan(0.07);
    expect(stats(param(net, 'aux1.fc1.weight')).std).toBeCloseTo(0.01, 3);
  });
});
