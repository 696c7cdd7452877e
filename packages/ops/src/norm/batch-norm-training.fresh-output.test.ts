// batchNormTraining's float32 output and batchNormTrainingBackward's float32 input gradient skip
// the zero fill (fresh-output.ts), so both kernels must write every element: with each fresh array
// filled with NaN first, every kernel and activation must give the same bits as with zeroed arrays.
import { getBackendInfo } from '@torchlet/kernels';
import { Generator, randn, type Tensor } from '@torchlet/tensor';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { poisonFreshOutputs } from '../fresh-output.js';
import { batchNormTraining, batchNormTrainingBackward } from './batch-norm-training.js';

const bits = (t: Tensor): number[] => {
  const d = t.toTypedArray() as Float32Array;
  return Array.from(new Uint32Array(d.buffer, d.byteOffset, d.length));
};

/** Output, input gradient and parameter gradients, as bits, of one forward and backward. */
function run(x: Tensor, w: Tensor, b: Tensor, dy: Tensor, kernel: 'js' | 'wasm', activation: 'relu' | 'relu6' | null) {
  const f = batchNormTraining(x, w, b, { kernel, activation });
  if (kernel === 'wasm') expect(getBackendInfo().lastKernel).toBe('wasm-simd128-batch-norm-train');
  const g = batchNormTrainingBackward(dy, x, f.mean, f.invstd, w, { kernel, activation, bias: b });
  return [bits(f.output), bits(g.gradInput), bits(g.gradWeight), bits(g.gradBias)];
}

describe('batchNormTraining and its backward write every element of their unzeroed float32 outputs', () => {
  afterEach(() => {
    poisonFreshOutputs(null);
  });

  it('NaN-filled fresh arrays give the zeroed arrays bits (both kernels, every activation, odd sizes)', () => {
    const problem = fc.record({
      n: fc.integer({ min: 1, max: 3 }),
      c: fc.integer({ min: 1, max: 5 }),
      h: fc.integer({ min: 1, max: 70 }),
      w: fc.integer({ min: 2, max: 90 }),
      kernel: fc.constantFrom('js' as const, 'wasm' as const),
      activation: fc.constantFrom(null, 'relu' as const, 'relu6' as const),
      seed: fc.nat(1000),
    });
    fc.assert(
      fc.property(problem, ({ n, c, h, w, kernel, activation, seed }) => {
        const generator = new Generator(seed);
        const x = randn([n, c, h, w], { generator }).mul(3);
        const weight = randn([c], { generator });
        const bias = randn([c], { generator });
        const dy = randn([n, c, h, w], { generator });
        const zeroed = run(x, weight, bias, dy, kernel, activation);
        const count = poisonFreshOutputs(Number.NaN);
        let poisoned: number[][];
        try {
          poisoned = run(x, weight, bias, dy, kernel, activation);
          // The output and the input gradient both came from fresh arrays.
          expect(count()).toBe(2);
        } finally {
          poisonFreshOutputs(null);
        }
        expect(poisoned).toEqual(zeroed);
      }),
      { numRuns: 40 },
    );
  });
});
