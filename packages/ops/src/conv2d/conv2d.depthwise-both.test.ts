// conv2dBackward on depthwise float32 convs ('auto'): both gradients from @torchlet/kernels'
// depthwise kernels in one call, the input gradient written into unzeroed memory. It must give
// conv2dBackwardInput's and conv2dBackwardWeight's bits, write every element (fresh outputs
// poisoned with NaN show one it missed), and match a float64 run of the direct loops.

import { getBackendInfo, setThreads } from '@torchlet/kernels';
import { type Tensor, tensor } from '@torchlet/tensor';
import { randomArr, rng } from '@torchlet/test-utils';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { poisonFreshOutputs } from '../fresh-output.js';
import { conv2dBackward, conv2dBackwardInput, conv2dBackwardWeight } from './conv2d.js';

const DEPTHWISE_KERNEL = 'wasm-simd128-depthwise-conv2d';

const bits = (t: Tensor | null): number[] => {
  if (t === null) throw new Error('missing gradient');
  const d = t.toTypedArray() as Float32Array;
  return Array.from(new Uint32Array(d.buffer, d.byteOffset, d.length));
};

function random(shape: number[], seed: number, dtype: 'float32' | 'float64'): Tensor {
  const a = randomArr(shape, rng(seed));
  return tensor(dtype === 'float32' ? Float32Array.from(a.data) : Float64Array.from(a.data), { shape: [...a.shape] });
}

describe('conv2dBackward on depthwise convs', () => {
  afterAll(() => {
    setThreads(1);
    poisonFreshOutputs(null);
  });

  it('both gradients from the depthwise kernels: the single functions bits, every element written, close to float64 (1 and 2 threads)', () => {
    const problem = fc.record({
      n: fc.integer({ min: 1, max: 3 }),
      c: fc.integer({ min: 1, max: 12 }),
      k: fc.constantFrom(3, 5),
      stride: fc.constantFrom(1, 2),
      dilation: fc.constantFrom(1, 2),
      pad: fc.integer({ min: 0, max: 2 }),
      h: fc.integer({ min: 9, max: 20 }),
      w: fc.integer({ min: 9, max: 20 }),
      threads: fc.constantFrom(1, 2),
      seed: fc.nat(1000),
    });
    poisonFreshOutputs(Number.NaN);
    let ran = 0;
    fc.assert(
      fc.property(problem, (p) => {
        setThreads(p.threads);
        const options = { stride: p.stride, padding: p.pad, dilation: p.dilation, groups: p.c };
        const span = p.dilation * (p.k - 1) + 1;
        const oh = Math.floor((p.h + 2 * p.pad - span) / p.stride) + 1;
        const ow = Math.floor((p.w + 2 * p.pad - span) / p.stride) + 1;
        const x = random([p.n, p.c, p.h, p.w], p.seed, 'float32');
        const w = random([p.c, 1, p.k, p.k], p.seed + 1, 'float32');
        const up = random([p.n, p.c, oh, ow], p.seed + 2, 'float32');
        const r = conv2dBackward(up, x, w, options);
        if (getBackendInfo().lastKernel.startsWith(DEPTHWISE_KERNEL)) ran++;
        expect(bits(r.gradInput)).toEqual(bits(conv2dBackwardInput(up, x.shape, w, options)));
        expect(bits(r.gradWeight)).toEqual(bits(conv2dBackwardWeight(up, x, w.shape, options)));
        // float64 runs the direct loops: the same sums in another precision and order.
        const x64 = random([p.n, p.c, p.h, p.w], p.seed, 'float64');
        const w64 = random([p.c, 1, p.k, p.k], p.seed + 1, 'float64');
        const up64 = random([p.n, p.c, oh, ow], p.seed + 2, 'float64');
        const ref = conv2dBackward(up64, x64, w64, options);
        const close = (a: Tensor | null, b: Tensor | null, terms: number): void => {
          const av = (a as Tensor).toTypedArray();
          const bv = (b as Tensor).toTypedArray();
          for (let i = 0; i < av.length; i++) {
            expect(Math.abs(Number(av[i]) - Number(bv[i]))).toBeLessThan(1e-5 * terms);
          }
        };
        close(r.gradInput, ref.gradInput, p.k * p.k);
        close(r.gradWeight, ref.gradWeight, p.n * oh * ow);
      }),
      { numRuns: 40, seed: 12 },
    );
    // The depthwise kernels really ran (the last call of conv2dBackward is the input gradient's).
    expect(ran).toBeGreaterThan(30);
  });
});
