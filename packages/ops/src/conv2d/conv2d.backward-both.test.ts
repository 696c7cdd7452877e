// conv2dBackward: both conv2d gradients in one call. Where a kernel computes both from one copy of
// the upstream gradient (@torchlet/kernels' wasmConv2dBackward1x1, behind 'auto' and 'wasm' for
// 1x1 stride-1 unpadded float32 convs) it must give conv2dBackwardInput's and
// conv2dBackwardWeight's bits, and PyTorch's golden values; elsewhere it runs those two functions.

import { readFileSync } from 'node:fs';
import { getBackendInfo, setThreads } from '@torchlet/kernels';
import { isTensor, type Tensor, TorchletError, tensor } from '@torchlet/tensor';
import { type Conv2dCase, caseLabel, goldenCloseness, randomArr, rng, toTensor } from '@torchlet/test-utils';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { poisonFreshOutputs } from '../fresh-output.js';
import { conv2dBackward, conv2dBackwardInput, conv2dBackwardWeight } from './conv2d.js';
import type { Conv2dOptions } from './params.js';

const BOTH_KERNEL = 'wasm-simd128-conv2d-1x1-backward-gemm';

const bits = (t: Tensor | null): number[] => {
  if (t === null) throw new Error('missing gradient');
  const d = t.toTypedArray();
  return Array.from(
    d instanceof Float32Array ? new Uint32Array(d.buffer, d.byteOffset, d.length) : (d as ArrayLike<number>),
  );
};

function random(shape: number[], seed: number, dtype: 'float32' | 'float64' = 'float32'): Tensor {
  const a = randomArr(shape, rng(seed));
  return tensor(dtype === 'float32' ? Float32Array.from(a.data) : Float64Array.from(a.data), { shape: [...a.shape] });
}

/** conv2dBackward against the two single functions, bit for bit; returns the kernel noted by the combined call. */
function compare(x: Tensor, w: Tensor, up: Tensor, options: Conv2dOptions): string {
  const r = conv2dBackward(up, x, w, options);
  const kernel = getBackendInfo().lastKernel;
  expect(bits(r.gradInput)).toEqual(bits(conv2dBackwardInput(up, x.shape, w, options)));
  expect(bits(r.gradWeight)).toEqual(bits(conv2dBackwardWeight(up, x, w.shape, options)));
  expect(r.gradInput?.shape).toEqual(x.shape);
  expect(r.gradWeight?.shape).toEqual(w.shape);
  return kernel;
}

// golden/gen_conv2d_pointwise.py
const goldenCases = (
  JSON.parse(readFileSync(new URL('./golden/conv2d_pointwise.json', import.meta.url), 'utf8')) as {
    cases: Conv2dCase[];
  }
).cases;

describe('conv2dBackward', () => {
  afterAll(() => {
    setThreads(1);
    poisonFreshOutputs(null);
  });

  it.each(goldenCases.map((c, i) => [caseLabel(c, i), c] as const))(
    'PyTorch golden 1x1 gradients from one call on the combined kernel: %s',
    (_label, c) => {
      const x = toTensor(c.input, 'float32');
      const w = toTensor(c.weight, 'float32');
      const up = toTensor(c.upstream, 'float32');
      const [cout] = c.weight.shape;
      const [n, , h, wd] = c.out.shape;
      const r = conv2dBackward(up, x, w, { groups: c.groups, kernel: 'wasm' });
      expect(getBackendInfo().lastKernel.startsWith(BOTH_KERNEL)).toBe(true);
      expect(goldenCloseness(r.gradInput as Tensor, c.grad_input, cout / c.groups)).toBeNull();
      expect(goldenCloseness(r.gradWeight as Tensor, c.grad_weight, n * h * wd)).toBeNull();
    },
  );

  it('1x1 stride 1 unpadded float32: the single functions bits, every element written (poisoned fresh outputs), 1 and 2 threads', () => {
    const problem = fc.record({
      n: fc.integer({ min: 1, max: 4 }),
      groups: fc.integer({ min: 1, max: 3 }),
      cinG: fc.integer({ min: 1, max: 9 }),
      coutG: fc.integer({ min: 1, max: 9 }),
      h: fc.integer({ min: 1, max: 9 }),
      w: fc.integer({ min: 1, max: 9 }),
      seed: fc.nat(1000),
    });
    poisonFreshOutputs(Number.NaN);
    for (const threads of [1, 2]) {
      setThreads(threads);
      fc.assert(
        fc.property(problem, ({ n, groups, cinG, coutG, h, w, seed }) => {
          const x = random([n, cinG * groups, h, w], seed);
          const wt = random([coutG * groups, cinG, 1, 1], seed + 1);
          const up = random([n, coutG * groups, h, w], seed + 2);
          expect(compare(x, wt, up, { groups, kernel: 'wasm' }).startsWith(BOTH_KERNEL)).toBe(true);
        }),
        { numRuns: 40 },
      );
    }
    // A large problem ('auto' picks the combined kernel), staged in chunks of images.
    const x = random([4, 24, 56, 56], 1);
    const wt = random([32, 24, 1, 1], 2);
    const up = random([4, 32, 56, 56], 3);
    expect(compare(x, wt, up, {}).startsWith(BOTH_KERNEL)).toBe(true);
    poisonFreshOutputs(null);
    setThreads(1);
  });

  it('other problems run the two functions: 3x3, strided 1x1, padded 1x1, float64, the JavaScript kernels, unbatched', () => {
    const x = random([2, 4, 6, 6], 4);
    const up3 = random([2, 8, 6, 6], 5);
    expect(compare(x, random([8, 4, 3, 3], 6), up3, { padding: 1 })).not.toContain(BOTH_KERNEL);
    expect(compare(x, random([8, 4, 1, 1], 7), random([2, 8, 3, 3], 8), { stride: 2 })).not.toContain(BOTH_KERNEL);
    expect(compare(x, random([8, 4, 1, 1], 7), random([2, 8, 8, 8], 9), { padding: 1 })).not.toContain(BOTH_KERNEL);
    const x64 = random([2, 4, 6, 6], 4, 'float64');
    compare(x64, random([8, 4, 1, 1], 7, 'float64'), random([2, 8, 6, 6], 5, 'float64'), {});
    expect(compare(x, random([8, 4, 1, 1], 7), random([2, 8, 6, 6], 5), { kernel: 'im2col' })).not.toContain(
      BOTH_KERNEL,
    );
    expect(
      compare(random([4, 6, 6], 4), random([8, 4, 1, 1], 7), random([8, 6, 6], 5), { kernel: 'wasm' }).startsWith(
        BOTH_KERNEL,
      ),
    ).toBe(true);
  });

  it('outputMask: only the gradients asked for', () => {
    const x = tensor([[[[1, 2, 3]]]]);
    const w = tensor([[[[1, 2]]]]);
    const up = tensor([[[[1, 1]]]]);
    const onlyInput = conv2dBackward(up, x, w, { outputMask: [true, false] });
    expect(onlyInput.gradInput?.toArray()).toEqual([[[[1, 3, 2]]]]);
    expect(onlyInput.gradWeight).toBeNull();
    const onlyWeight = conv2dBackward(up, x, w, { outputMask: [false, true] });
    expect(onlyWeight.gradInput).toBeNull();
    expect(isTensor(onlyWeight.gradWeight)).toBe(true);
    expect(onlyWeight.gradWeight?.toArray()).toEqual([[[[3, 5]]]]);
  });

  it('bad arguments: a TorchletError naming conv2dBackward and the argument', () => {
    const x = tensor([[[[1, 2, 3]]]]);
    const w = tensor([[[[1, 2]]]]);
    const up = tensor([[[[1, 1]]]]);
    const bad: [() => unknown, RegExp][] = [
      [() => conv2dBackward(up, x, w, { outputMask: [true] as never }), /conv2dBackward.*outputMask/],
      [() => conv2dBackward(up, x, w, { outputMask: 'yes' as never }), /conv2dBackward.*outputMask/],
      [() => conv2dBackward(up, x, w, null as never), /conv2dBackward.*options/],
      [() => conv2dBackward(tensor([[[[1, 1, 1]]]]), x, w), /conv2dBackward.*upstream.*\[1,1,1,3\]/],
      [() => conv2dBackward(up, x, tensor([[[[1, 2]]]], { dtype: 'float64' })), /conv2dBackward/],
      [() => conv2dBackward(up, 'x' as never, w), /conv2dBackward.*Tensor/],
      [() => conv2dBackward(up, x, w, { activation: 'relu' } as never), /conv2dBackward.*activation/],
    ];
    for (const [f, message] of bad) {
      expect(f).toThrow(TorchletError);
      expect(f).toThrow(message);
    }
  });
});
