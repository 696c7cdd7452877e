// flip, roll, tril/triu, cumsum, cumprod and prod on the webgpu device against the CPU on the same
// inputs (random shapes, transposed views, float32 tolerances; int32 and bool copies exact), each
// asserting its WebGPU kernel ran. Needs an adapter (SwiftShader here).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cumprod,
  cumsum,
  flip,
  Generator,
  getBackendInfo,
  initWebGPU,
  prod,
  rand,
  randint,
  roll,
  type Tensor,
  TorchletError,
  tensor,
  tril,
  triu,
} from '../index.js';

await initWebGPU();

function ranOnGpu(kernel: string): void {
  const { webgpu } = getBackendInfo();
  expect(webgpu.error).toBe('');
  expect(webgpu.lastKernel).toBe(kernel);
}

async function expectClose(gpu: Tensor, cpu: Tensor, tol = 1e-5): Promise<void> {
  expect(gpu.device).toBe('webgpu');
  expect(gpu.dtype).toBe(cpu.dtype);
  expect(gpu.shape).toEqual(cpu.shape);
  const got = Array.from((await gpu.cpu()).toTypedArray() as ArrayLike<number>);
  const want = Array.from(cpu.toTypedArray() as ArrayLike<number>);
  for (let i = 0; i < want.length; i++) {
    expect(Math.abs(got[i] - want[i]), `element ${i}: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(
      tol * (1 + Math.abs(want[i])),
    );
  }
}

const caseArb = fc.record({
  shape: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 4 }),
  transposed: fc.boolean(),
  dtype: fc.constantFrom('float32' as const, 'int32' as const, 'bool' as const),
  k: fc.integer({ min: -5, max: 5 }),
  seed: fc.nat(),
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

/** A CPU tensor of the case and its webgpu copy, transposed in the last two dims when asked. */
function operands(c: Case): [Tensor, Tensor] {
  let x: Tensor =
    c.dtype === 'float32'
      ? rand(c.shape, { generator: new Generator(c.seed) })
      : c.dtype === 'int32'
        ? randint(-9, 9, c.shape, { generator: new Generator(c.seed), dtype: 'int32' })
        : rand(c.shape, { generator: new Generator(c.seed) }).gt(0.5);
  let g = x.to('webgpu');
  if (c.transposed) {
    x = x.transpose(-1, -2);
    g = g.transpose(-1, -2);
  }
  return [x, g];
}

describe('flip, roll, tril, triu on the webgpu device', () => {
  it('match the CPU for every dtype the device holds and for transposed views (property)', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const [x, g] = operands(c);
        const dims = [0, x.ndim - 1];
        await expectClose(flip(g, dims), flip(x, dims), 0);
        ranOnGpu('webgpu-gather-axes');
        await expectClose(roll(g, [c.k, 1], dims), roll(x, [c.k, 1], dims), 0);
        await expectClose(roll(g, c.k), roll(x, c.k), 0);
        await expectClose(tril(g, c.k), tril(x, c.k), 0);
        ranOnGpu('webgpu-triangle');
        await expectClose(triu(g, c.k), triu(x, c.k), 0);
      }),
      { numRuns: 15 },
    );
  });
});

describe('cumsum, cumprod, prod on the webgpu device', () => {
  it('match the CPU along every dimension, for transposed views (property)', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const [x0, g0] = operands({ ...c, dtype: 'float32' });
        // values around 1 keep products in range
        const x = x0.add(0.5);
        const g = g0.add(0.5);
        const dim = ((c.k % x.ndim) + x.ndim) % x.ndim;
        await expectClose(cumsum(g, dim), cumsum(x, dim), 1e-5);
        ranOnGpu('webgpu-scan-cumsum');
        await expectClose(cumprod(g, -1), cumprod(x, -1), 1e-5);
        ranOnGpu('webgpu-scan-cumprod');
        await expectClose(prod(g, dim, { keepdim: c.transposed }), prod(x, dim, { keepdim: c.transposed }), 1e-5);
        await expectClose(prod(g), prod(x), 1e-5);
      }),
      { numRuns: 15 },
    );
  });

  it('the hand cases of the CPU docs', async () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]).to('webgpu');
    expect(await cumsum(x, 1).toArrayAsync()).toEqual([
      [1, 3, 6],
      [4, 9, 15],
    ]);
    expect(await cumprod(x, 0).toArrayAsync()).toEqual([
      [1, 2, 3],
      [4, 10, 18],
    ]);
    expect(await prod(x).toArrayAsync()).toEqual(720);
  });

  it('integer running sums (int64 on the CPU) throw a named error', () => {
    const x = tensor([1, 2], { dtype: 'int32' }).to('webgpu');
    expect(() => cumsum(x, 0)).toThrow(TorchletError);
    expect(() => cumsum(x, 0)).toThrow(/cumsum: .*int64.*await x\.cpu\(\)/);
  });
});
