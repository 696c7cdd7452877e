// int32 on the webgpu device against the CPU: exact arithmetic (wrapping at 32 bits), comparisons,
// mixed int32/float32/bool promotion and the conversions between the device's dtypes; the ops
// without an int32 kernel throw a named error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  add,
  eq,
  ge,
  getBackendInfo,
  gt,
  initWebGPU,
  le,
  lt,
  maximum,
  minimum,
  mul,
  ne,
  sub,
  type Tensor,
  TorchletError,
  tensor,
} from '../index.js';

await initWebGPU();

const OPS = { add, sub, mul, maximum, minimum, eq, ne, lt, le, gt, ge } as const;

const int32Arb = fc.oneof(fc.integer({ min: -9, max: 9 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));

async function same(gpu: Tensor, cpu: Tensor): Promise<void> {
  expect(gpu.device).toBe('webgpu');
  expect(gpu.dtype).toBe(cpu.dtype);
  expect(gpu.shape).toEqual(cpu.shape);
  expect(await gpu.toArrayAsync()).toEqual(cpu.toArray());
}

describe('int32 elementwise math on the webgpu device', () => {
  it('add, sub, mul, maximum, minimum and comparisons match the CPU exactly, broadcast and transposed (property)', async () => {
    const arb = fc.record({
      op: fc.constantFrom(...(Object.keys(OPS) as (keyof typeof OPS)[])),
      a: fc.array(int32Arb, { minLength: 6, maxLength: 6 }),
      b: fc.array(int32Arb, { minLength: 3, maxLength: 3 }),
      scalar: fc.option(fc.integer({ min: -5, max: 5 }), { nil: null }),
    });
    await fc.assert(
      fc.asyncProperty(arb, async ({ op, a, b, scalar }) => {
        const x = tensor(a, { dtype: 'int32', shape: [3, 2] }).t(); // a transposed [2, 3] view
        const y = tensor(b, { dtype: 'int32' });
        const f = OPS[op] as (p: Tensor, q: Tensor | number) => Tensor;
        await same(f(x.to('webgpu'), y.to('webgpu')), f(x, y));
        expect(getBackendInfo().webgpu.lastKernel).toBe('webgpu-int32-binary-strided');
        if (scalar !== null) await same(f(x.to('webgpu'), scalar), f(x, scalar));
      }),
      { numRuns: 40 },
    );
  });

  it('promotes int32 with float32 and bool as the CPU does', async () => {
    const i = tensor([1, -2, 3], { dtype: 'int32' });
    const f = tensor([0.5, 0.25, -1]);
    const b = tensor([true, false, true]);
    await same(add(i.to('webgpu'), f.to('webgpu')), add(i, f));
    await same(add(i.to('webgpu'), 0.5), add(i, 0.5));
    await same(mul(i.to('webgpu'), b.to('webgpu')), mul(i, b));
    await same(i.to('webgpu').div(2), i.div(2));
  });

  it('converts between int32, float32 and bool as the CPU does', async () => {
    const f = tensor([-2.7, -0.5, 0, 0.5, 3.9]);
    await same(f.to('webgpu').to('int32'), f.to('int32'));
    const i = tensor([0, -1, 7, 16777217], { dtype: 'int32' });
    await same(i.to('webgpu').to('float32'), i.to('float32'));
    await same(i.to('webgpu').to('bool'), i.to('bool'));
    await same(tensor([true, false]).to('webgpu').to('int32'), tensor([true, false]).to('int32'));
  });

  it('neg and abs match the CPU exactly (wrapping at -2^31), on a transposed view', async () => {
    const base = tensor([3, -4, -2147483648, 2147483647, 0, -1], { dtype: 'int32', shape: [3, 2] });
    const x = base.t();
    const g = base.to('webgpu').t(); // the same transposed view, on the device
    await same(g.neg(), x.neg());
    expect(getBackendInfo().webgpu.lastKernel).toBe('webgpu-int32-unary-strided');
    await same(g.abs(), x.abs());
  });

  it('an int32 op without a kernel throws a named error saying what to do', () => {
    const i = tensor([1, 2], { dtype: 'int32' }).to('webgpu');
    expect(() => i.pow(2)).toThrow(TorchletError);
    expect(() => i.pow(2)).toThrow(/pow: .*int32.*webgpu.*\.to\('float32'\)/);
  });
});
