import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TorchletError } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { vggConfigs, vggFeatures } from './vgg.js';

// Every VGG configuration's `features` against torchvision's state dict (test/golden/models.json),
// without building the 10^8-weight classifiers (test/*.golden.test.ts build whole models).
const file = fileURLToPath(new URL('../../test/golden/models.json', import.meta.url));
const golden = JSON.parse(readFileSync(file, 'utf8')) as {
  models: Record<string, { stateDict: [string, number[]][] }>;
};

const cases = [
  ['vgg11', 'A', false],
  ['vgg11Bn', 'A', true],
  ['vgg13', 'B', false],
  ['vgg13Bn', 'B', true],
  ['vgg16', 'D', false],
  ['vgg16Bn', 'D', true],
  ['vgg19', 'E', false],
  ['vgg19Bn', 'E', true],
] as const;

describe('VGG features', () => {
  it.each(cases)('%s: configuration %s has torchvision features keys and shapes', (name, config, batchNorm) => {
    const features = vggFeatures(vggConfigs[config], { batchNorm });
    const expected = golden.models[name].stateDict.filter(([k]) => k.startsWith('features.'));
    expect(Object.entries(features.stateDict()).map(([k, t]) => [`features.${k}`, t.shape])).toEqual(expected);
    // The classifier is the same in every VGG.
    const classifier = golden.models[name].stateDict.filter(([k]) => k.startsWith('classifier.'));
    expect(classifier).toEqual(golden.models.vgg11.stateDict.filter(([k]) => k.startsWith('classifier.')));
  });

  it('rejects bad configurations', () => {
    expect(() => vggFeatures([8, 'X' as 'M'])).toThrow(TorchletError);
    expect(() => vggFeatures([0])).toThrow("vggFeatures: config must list positive channel counts and 'M'");
  });
});
