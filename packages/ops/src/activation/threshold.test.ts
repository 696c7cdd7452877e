import { getBackendInfo } from '@torchlet/kernels';
import { fromStorage, getBackend, setBackend, Tensor, TorchletError, tensor } from '@torchlet/tensor';
import { closeness, finiteDifferenceGrad, randomArr, rng, storageLayoutArb, withLayout } from '@torchlet/test-utils';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { thresholdBackward } from './threshold.js';

const before = getBackend();
afterEach(() => setBackend(before));

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diffs = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) diffs++;
  return diffs;
}

describe('thresholdBackward', () => {
  it('passes the gradient where input > threshold and where input is NaN, as PyTorch', () => {
    // torch.ops.aten.threshold_backward(torch.tensor([1.,2,3,4,5,6,7,8]),
    //   torch.tensor([-1.,0,-0.,0.5,nan,3,0.1,-inf]), t) for t = 0 and 0.1 (float32 and float64)
    const g = tensor([1, 2, 3, 4, 5, 6, 7, 8]);
    const x = tensor([-1, 0, -0, 0.5, Number.NaN, 3, 0.1, -Infinity]);
    expect(thresholdBackward(g, x, 0).toArray()).toEqual([0, 0, 0, 4, 5, 6, 7, 0]);
    // float32: 0.1 is compared as fround(0.1), so x = fround(0.1) is at the threshold.
    expect(thresholdBackward(g, x, 0.1).toArray()).toEqual([0, 0, 0, 4, 5, 6, 0, 0]);
    // float64 of the same float32 values: fround(0.1) > 0.1.
    const r64 = thresholdBackward(g.to('float64'), x.to('float64'), 0.1);
    expect(r64.dtype).toBe('float64');
    expect(r64.toArray()).toEqual([0, 0, 0, 4, 5, 6, 7, 0]);
    // A NaN or infinite gradient where the input is at or below the threshold gives 0.
    // torch.ops.aten.threshold_backward(torch.tensor([nan, inf]), torch.tensor([-1., 2]), 0) -> [0., inf]
    expect(thresholdBackward(tensor([Number.NaN, Infinity]), tensor([-1, 2]), 0).toArray()).toEqual([0, Infinity]);
  });

  it('runs the WebAssembly kernel on float32 and gives the JavaScript loop bit for bit', () => {
    const specials = [0, -0, Number.NaN, Infinity, -Infinity, 2 ** -149, -(2 ** -149)];
    for (const n of [64, 100, 5000, 70_001]) {
      const x = new Float32Array(n);
      const g = new Float32Array(n);
      let s = n;
      for (let i = 0; i < n; i++) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        x[i] = s % 10 < 3 ? specials[s % specials.length] : s / 2 ** 32 - 0.5;
        g[i] = s % 7 === 0 ? specials[s % specials.length] : (s % 1000) / 7;
      }
      const X = fromStorage(x, [n]);
      const G = fromStorage(g, [n]);
      setBackend('auto');
      const wasm = thresholdBackward(G, X, 0).toTypedArray() as Float32Array;
      expect(getBackendInfo().lastKernel).toBe('wasm-simd128-activation-backward');
      setBackend('js');
      const js = thresholdBackward(G, X, 0).toTypedArray() as Float32Array;
      expect(sameBits(wasm, js)).toBe(0);
    }
  });

  it('is the gradient of relu away from 0, on any layout (finite differences, float64)', () => {
    fc.assert(
      fc.property(storageLayoutArb, fc.integer({ min: 1, max: 1000 }), (layout, seed) => {
        const next = rng(seed);
        const shape = [2, 3, 4];
        const x = randomArr(shape, next);
        for (let i = 0; i < x.data.length; i++) if (Math.abs(x.data[i]) < 0.02) x.data[i] += 0.05;
        const up = randomArr(shape, next);
        const fd = finiteDifferenceGrad((t) => t.relu(), x, up.data);
        const X = withLayout(x.data, shape, 'float64', layout);
        const G = withLayout(up.data, shape, 'float64', layout);
        expect(closeness(thresholdBackward(G, X, 0), fd, 1e-6, 1e-6)).toBeNull();
        // On relu's output (what relu's backward passes), the same gradient.
        expect(closeness(thresholdBackward(G, X.relu(), 0), fd, 1e-6, 1e-6)).toBeNull();
      }),
      { numRuns: 20 },
    );
  });

  it('matches the definition on strided float32 layouts and any threshold (property)', () => {
    fc.assert(
      fc.property(
        storageLayoutArb,
        fc.integer({ min: 1, max: 1000 }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        (layout, seed, threshold) => {
          const next = rng(seed);
          const shape = [3, 5, 7];
          const x = randomArr(shape, next);
          const up = randomArr(shape, next);
          const X = withLayout(x.data, shape, 'float32', layout);
          const G = withLayout(up.data, shape, 'float32', layout);
          const xs = X.toTypedArray() as Float32Array;
          const gs = G.toTypedArray() as Float32Array;
          const t = Math.fround(threshold);
          const want = Float32Array.from(xs, (v, i) => (v <= t ? 0 : gs[i]));
          expect(sameBits(thresholdBackward(G, X, threshold).toTypedArray() as Float32Array, want)).toBe(0);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('rejects mismatched operands and thresholds with named errors', () => {
    const x = new Tensor(new Float32Array(4), [2, 2]);
    expect(() => thresholdBackward(new Tensor(new Float32Array(4), [4]), x, 0)).toThrow(/gradOutput/);
    expect(() => thresholdBackward(x.to('float64'), x, 0)).toThrow(/dtype/);
    expect(() => thresholdBackward(x, x, Number.NaN)).toThrow(/threshold/);
    expect(() => thresholdBackward(x, tensor([1, 2], { dtype: 'int32' }), 0)).toThrow(TorchletError);
  });
});
