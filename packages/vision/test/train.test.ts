import { noGrad } from '@torchlet/autograd';
import { crossEntropy, SGD } from '@torchlet/nn';
import { Generator, randn, tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { resnet18 } from '../src/index.js';

// One training step of resnet18 in float64: the gradients that backward() leaves on the
// parameters (and the input) match central finite differences of the loss, element by element,
// for elements sampled across the network (stem, every stage, shortcuts, BatchNorm, classifier).
// Training mode, so BatchNorm normalises by batch statistics; a batch of 4 at 32x32 keeps 4 values
// per channel in the last stage (with 1 or 2 the normalised values would not depend on the input).
describe('resnet18 training step (float64)', () => {
  it('computes gradients that pass a finite-difference check, and the SGD step lowers the loss', {
    timeout: 600_000,
  }, () => {
    const g = new Generator(0);
    const model = resnet18({ numClasses: 10, dtype: 'float64', generator: g });
    const x = randn([4, 3, 32, 32], { dtype: 'float64', generator: g });
    const target = tensor([3, 7, 0, 9], { dtype: 'int32' });
    const loss = () => crossEntropy(model.forward(x), target);

    const opt = new SGD(model.parameters(), { lr: 0.05 });
    opt.zeroGrad();
    const l0 = loss();
    l0.backward();

    const params = Object.fromEntries(model.namedParameters());
    const samples: [string, number][] = [
      ['conv1.weight', 17],
      ['bn1.weight', 5],
      ['bn1.bias', 40],
      ['layer1.0.conv1.weight', 1234],
      ['layer1.1.bn2.weight', 7],
      ['layer2.0.downsample.0.weight', 99],
      ['layer2.0.downsample.1.bias', 3],
      ['layer3.1.conv2.weight', 4321],
      ['layer4.0.conv1.weight', 778], // a centre tap: the last stage is 1x1, other taps see only padding
      ['layer4.1.bn2.bias', 11],
      ['fc.weight', 123],
      ['fc.bias', 7],
    ];
    const eps = 1e-6;
    for (const [name, index] of samples) {
      const p = params[name];
      expect(p, name).toBeDefined();
      const data = p.data.data as Float64Array;
      expect(p.grad, name).not.toBeNull();
      const analytic = (p.grad as NonNullable<typeof p.grad>).toTypedArray()[index] as number;
      const original = data[p.data.offset + index];
      data[p.data.offset + index] = original + eps;
      const plus = noGrad(() => loss().item());
      data[p.data.offset + index] = original - eps;
      const minus = noGrad(() => loss().item());
      data[p.data.offset + index] = original;
      const numeric = (plus - minus) / (2 * eps);
      expect(Math.abs(analytic - numeric), `${name}[${index}]: ${analytic} vs ${numeric}`).toBeLessThanOrEqual(
        1e-6 + 1e-4 * Math.abs(numeric),
      );
      // Sampled gradients are not all trivially zero.
      if (name.startsWith('fc') || name.startsWith('layer4')) expect(Math.abs(analytic), name).toBeGreaterThan(1e-8);
    }

    opt.step();
    const l1 = noGrad(() => loss().item());
    expect(l1).toBeLessThan(l0.item());
  });
});
