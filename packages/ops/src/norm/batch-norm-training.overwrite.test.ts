// batchNormTrainingBackward with `overwriteGradOutput` writes the input gradient over gradOutput's
// storage (autograd's engine asks for it when it owns the gradient): the same bits as a new array on
// both kernels, every dtype and activation, NaN and infinity included; a gradOutput that is a view
// (not its whole storage) is left untouched and a new array returned.
import { getBackendInfo } from '@torchlet/kernels';
import { Generator, randn, type Tensor } from '@torchlet/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchNormTraining, batchNormTrainingBackward } from './batch-norm-training.js';

const bits = (t: Tensor): string[] => {
  const d = t.toTypedArray() as Float32Array | Float64Array;
  return Array.from(d, (v) => (Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : String(v)));
};

describe('batchNormTrainingBackward overwriteGradOutput', () => {
  it('writes the input gradient over gradOutput with the bits of a new array (both kernels, dtypes, activations)', () => {
    const problem = fc.record({
      n: fc.integer({ min: 1, max: 3 }),
      c: fc.integer({ min: 1, max: 5 }),
      h: fc.integer({ min: 1, max: 9 }),
      w: fc.integer({ min: 2, max: 33 }),
      kernel: fc.constantFrom('js' as const, 'wasm' as const),
      dtype: fc.constantFrom('float32' as const, 'float64' as const),
      activation: fc.constantFrom(null, 'relu' as const, 'relu6' as const),
      special: fc.constantFrom(null, Number.NaN, Number.POSITIVE_INFINITY),
      seed: fc.nat(1000),
    });
    fc.assert(
      fc.property(problem, ({ n, c, h, w, kernel, dtype, activation, special, seed }) => {
        if (kernel === 'wasm' && dtype === 'float64') return;
        const generator = new Generator(seed);
        const x = randn([n, c, h, w], { generator }).mul(3).to(dtype);
        const weight = randn([c], { generator }).to(dtype);
        const bias = randn([c], { generator }).to(dtype);
        const dy = randn([n, c, h, w], { generator }).to(dtype);
        if (special !== null) (dy.data as Float32Array)[seed % dy.numel] = special;
        const f = batchNormTraining(x, weight, bias, { kernel, activation });
        const options = { kernel, activation, bias };
        const fresh = batchNormTrainingBackward(dy, x, f.mean, f.invstd, weight, options);
        const owned = dy.clone();
        const version = owned.version;
        const inPlace = batchNormTrainingBackward(owned, x, f.mean, f.invstd, weight, {
          ...options,
          overwriteGradOutput: true,
        });
        if (kernel === 'wasm') expect(getBackendInfo().lastKernel).toBe('wasm-simd128-batch-norm-train');
        expect(inPlace.gradInput.data).toBe(owned.data);
        expect(owned.version).toBe(version + 1);
        expect(bits(inPlace.gradInput)).toEqual(bits(fresh.gradInput));
        expect(bits(inPlace.gradWeight)).toEqual(bits(fresh.gradWeight));
        expect(bits(inPlace.gradBias)).toEqual(bits(fresh.gradBias));
      }),
      { numRuns: 60 },
    );
  });

  it('leaves a gradOutput that is not its whole storage alone', () => {
    const generator = new Generator(5);
    const x = randn([2, 3, 4, 4], { generator });
    const big = randn([3, 3, 4, 4], { generator });
    const dy = big.get('1:3'); // a view from the second image on
    const before = bits(big);
    const f = batchNormTraining(x, null, null);
    const r = batchNormTrainingBackward(dy, x, f.mean, f.invstd, null, { overwriteGradOutput: true });
    expect(r.gradInput.data).not.toBe(big.data);
    expect(bits(big)).toEqual(before);
    const plain = batchNormTrainingBackward(dy, x, f.mean, f.invstd, null);
    expect(bits(r.gradInput)).toEqual(bits(plain.gradInput));
  });

  it('names a bad overwriteGradOutput', () => {
    const x = randn([2, 1, 2]);
    const f = batchNormTraining(x, null, null);
    expect(() =>
      batchNormTrainingBackward(x, x, f.mean, f.invstd, null, { overwriteGradOutput: 1 as unknown as boolean }),
    ).toThrow(/batchNormTrainingBackward.*overwriteGradOutput must be a boolean, got 1/);
  });
});
