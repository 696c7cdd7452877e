// State dicts through the safetensors format into fresh models.
import { noGrad } from '@torchlet/autograd';
import { Generator, randn } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { ReLU } from './layers/activation.js';
import { BatchNorm2d } from './layers/batchnorm.js';
import { Conv2d, ConvTranspose2d } from './layers/conv.js';
import { Flatten } from './layers/flatten.js';
import { Linear } from './layers/linear.js';
import { AdaptiveAvgPool2d } from './layers/pooling.js';
import { Sequential } from './layers/sequential.js';
import { loadSafetensors } from './safetensors/load.js';
import { saveSafetensors } from './safetensors/save.js';

const model = (seed: number): Sequential => {
  const generator = new Generator(seed);
  return new Sequential(
    new Conv2d(3, 4, 3, { padding: 1, generator }),
    new BatchNorm2d(4),
    new ReLU(),
    new ConvTranspose2d(4, 2, 2, { stride: 2, generator }),
    new AdaptiveAvgPool2d(2),
    new Flatten(),
    new Linear(8, 3, { generator }),
  );
};

describe('state dict round trip through safetensors', () => {
  it('a fresh model loaded from the bytes gives identical outputs', () => {
    const trained = model(1);
    const x = randn([2, 3, 6, 6], { generator: new Generator(7) });
    trained.forward(x); // moves BatchNorm's running statistics away from their initial values
    trained.forward(x.mul(2));
    trained.eval();
    const bytes = saveSafetensors(trained.stateDict());
    const fresh = model(2).eval();
    const outBefore = noGrad(() => fresh.forward(x)).data;
    expect(outBefore.equal(noGrad(() => trained.forward(x)).data)).toBe(false);
    fresh.loadStateDict(loadSafetensors(bytes));
    expect(noGrad(() => fresh.forward(x)).data.equal(noGrad(() => trained.forward(x)).data)).toBe(true);
    for (const [k, t] of Object.entries(fresh.stateDict())) {
      expect(t.equal(trained.stateDict()[k]), k).toBe(true);
      expect(t.dtype, k).toBe(trained.stateDict()[k].dtype);
    }
    expect((fresh.at(1) as BatchNorm2d).numBatchesTracked.item()).toBe(2);
  });

  it('keys keep PyTorch names in the file', () => {
    const dict = loadSafetensors(saveSafetensors(model(1).stateDict()));
    expect(Object.keys(dict).sort()).toEqual(
      [
        '0.weight',
        '0.bias',
        '1.weight',
        '1.bias',
        '1.running_mean',
        '1.running_var',
        '1.num_batches_tracked',
        '3.weight',
        '3.bias',
        '6.weight',
        '6.bias',
      ].sort(),
    );
  });
});
