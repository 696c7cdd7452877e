// The webgpu device end to end: transfers, the synchronous readers' errors, device mixing, and
// every dispatched op checked against the CPU result on the same inputs (float32 tolerances).
// Needs a WebGPU adapter (SwiftShader here): without one initWebGPU rejects and the file fails.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  add,
  arange,
  cat,
  getBackendInfo,
  initWebGPU,
  manualSeed,
  matmul,
  ones,
  rand,
  randint,
  randn,
  ready,
  stack,
  type Tensor,
  TorchletError,
  tensor,
  where,
  zeros,
  zerosLike,
} from '../index.js';

await initWebGPU();

/** Asserts that `kernel` was the last GPU kernel and that the device reported no error. */
function ranOnGpu(kernel: string): void {
  const { webgpu } = getBackendInfo();
  expect(webgpu.available).toBe(true);
  expect(webgpu.error).toBe('');
  expect(webgpu.lastKernel).toBe(kernel);
}

/** `gpu`'s elements (read back) within float32 tolerance of the CPU result `cpu`. */
async function expectClose(gpu: Tensor, cpu: Tensor, tol = 1e-5): Promise<void> {
  expect(gpu.device).toBe('webgpu');
  expect(gpu.shape).toEqual(cpu.shape);
  expect(gpu.dtype).toBe(cpu.dtype);
  const back = await gpu.cpu();
  expect(back.device).toBe('cpu');
  const got = Array.from(back.toTypedArray() as Float32Array);
  const want = Array.from(cpu.toTypedArray() as Float32Array);
  for (let i = 0; i < want.length; i++) {
    if (Number.isNaN(want[i])) expect(got[i]).toBeNaN();
    else if (got[i] !== want[i]) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i])));
  }
}

const shapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 3 });
/** Two shapes that broadcast: one is the other with some sizes set to 1 and leading dims dropped. */
const broadcastPair = shapeArb.chain((s) =>
  fc
    .tuple(fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }), fc.integer({ min: 0, max: s.length }))
    .map(([ones1, drop]) => [s, s.map((n, i) => (ones1[i] ? 1 : n)).slice(drop)] as const),
);

describe('transfers and the device', () => {
  it('to("webgpu") and cpu() round-trip float32, int32 and bool; toArrayAsync reads back', async () => {
    const x = tensor([
      [1.5, -2],
      [3, 4],
    ]);
    const g = x.to('webgpu');
    expect(g.device).toBe('webgpu');
    expect(x.device).toBe('cpu');
    expect(await g.toArrayAsync()).toEqual([
      [1.5, -2],
      [3, 4],
    ]);
    expect(await tensor([7, -1], { dtype: 'int32' }).to('webgpu').toArrayAsync()).toEqual([7, -1]);
    expect(await tensor([true, false]).to('webgpu').toArrayAsync()).toEqual([true, false]);
    const back = await g.cpu();
    expect(back.equal(x)).toBe(true);
    expect(await x.cpu()).toBe(x);
    expect(x.to('cpu')).toBe(x);
    expect(g.to('webgpu')).toBe(g);
  });

  it('creation functions take { device }; *Like keeps the device', async () => {
    const z = zeros([2, 3], { device: 'webgpu' });
    expect(z.device).toBe('webgpu');
    expect(await z.toArrayAsync()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(await arange(4, undefined, 1, { device: 'webgpu' }).toArrayAsync()).toEqual([0, 1, 2, 3]);
    expect(await ones([2], { device: 'webgpu' }).toArrayAsync()).toEqual([1, 1]);
    expect(zerosLike(z).device).toBe('webgpu');
    expect(() => zeros([2], { device: 'cuda' as 'webgpu' })).toThrow(/torchlet's GPU device is 'webgpu'/);
  });

  it('synchronous readers of a webgpu tensor throw a TorchletError saying to await x.cpu()', () => {
    const g = tensor([1, 2]).to('webgpu');
    for (const read of [() => g.toArray(), () => g.item(), () => g.toString(), () => g.toTypedArray(), () => g.data]) {
      expect(read).toThrow(TorchletError);
      expect(read).toThrow(/await x\.cpu\(\)/);
    }
    expect(() => g.to('cpu')).toThrow(/await x\.cpu\(\)/);
  });

  it('mixing devices throws naming both devices', () => {
    const g = tensor([1, 2]).to('webgpu');
    const c = tensor([1, 2]);
    expect(() => add(g, c)).toThrow(TorchletError);
    expect(() => add(g, c)).toThrow(/same device.*webgpu and cpu/);
    expect(() => add(c, g)).toThrow(/cpu and webgpu/);
    expect(() => matmul(tensor([[1]]), tensor([[1]]).to('webgpu'))).toThrow(/same device/);
    expect(() => c.addInPlace(g)).toThrow(/same device/);
  });

  it('float64 (and int64) on webgpu is a named "not supported" error', () => {
    expect(() => tensor([1], { dtype: 'float64' }).to('webgpu')).toThrow(
      /float64 is not supported on the webgpu device/,
    );
    expect(() => zeros([2], { dtype: 'float64', device: 'webgpu' })).toThrow(TorchletError);
  });

  it('ready({ device: "webgpu" }) resolves; getBackendInfo reports the adapter and live buffers; dispose frees', async () => {
    await ready({ device: 'webgpu' });
    const before = getBackendInfo().webgpu;
    expect(before.available).toBe(true);
    expect(typeof before.vendor).toBe('string');
    expect(before.architecture.length + before.description.length).toBeGreaterThan(0);
    const g = zeros([1000], { device: 'webgpu' });
    const during = getBackendInfo().webgpu;
    expect(during.liveBuffers).toBe(before.liveBuffers + 1);
    expect(during.liveBytes).toBeGreaterThanOrEqual(before.liveBytes + 4000);
    g.dispose();
    expect(getBackendInfo().webgpu.liveBuffers).toBe(before.liveBuffers);
    await expect(g.cpu()).rejects.toThrow(TorchletError);
  });
});

describe('elementwise on the device against the CPU', () => {
  it('binary ops broadcast as on the CPU (property)', async () => {
    await fc.assert(
      fc.asyncProperty(broadcastPair, fc.boolean(), async ([sa, sb], swap) => {
        const [shapeA, shapeB] = swap ? [sb, sa] : [sa, sb];
        const a = rand([...shapeA]).sub(0.5);
        const b = rand([...shapeB]).add(0.5);
        const ga = a.to('webgpu');
        const gb = b.to('webgpu');
        await expectClose(ga.add(gb), a.add(b));
        ranOnGpu('webgpu-binary-strided');
        await expectClose(ga.sub(gb), a.sub(b));
        await expectClose(ga.mul(gb), a.mul(b));
        await expectClose(ga.div(gb), a.div(b));
        await expectClose(ga.maximum(gb), a.maximum(b));
        await expectClose(ga.gt(gb), a.gt(b));
        await expectClose(ga.ne(gb), a.ne(b));
      }),
      { numRuns: 15 },
    );
  });

  it('scalars, unary ops, clamp and a transposed view', async () => {
    const x = tensor([
      [-1.5, 0, 2],
      [3, -0.25, 0.5],
    ]);
    const g = x.to('webgpu');
    await expectClose(g.add(2), x.add(2));
    await expectClose(g.pow(2), x.pow(2));
    await expectClose(g.relu(), x.relu());
    ranOnGpu('webgpu-unary-strided');
    await expectClose(g.neg(), x.neg());
    await expectClose(g.abs().add(1).log(), x.abs().add(1).log());
    await expectClose(g.exp(), x.exp());
    await expectClose(g.tanh(), x.tanh());
    await expectClose(g.sigmoid(), x.sigmoid());
    await expectClose(g.clamp(-1, 1), x.clamp(-1, 1));
    await expectClose(g.t().mul(g.t()), x.t().mul(x.t()));
    await expectClose(g.eq(0).to('float32'), x.eq(0).to('float32'));
    // where selects without leaking the other branch's NaN or infinity (relu's gradient uses it).
    const inf = tensor([Number.POSITIVE_INFINITY, Number.NaN, 1]);
    const cond = tensor([false, false, true]);
    await expectClose(where(cond.to('webgpu'), inf.to('webgpu'), 5), where(cond, inf, 5));
    await expectClose(where(cond.to('webgpu'), 2, inf.to('webgpu').get('None, :')), where(cond, 2, inf.get('None, :')));
    await expectClose(where(g.gt(0), g, 0), where(x.gt(0), x, 0));
  });

  it('in-place ops write through views and bump the version (what optimizers need)', async () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const g = x.clone().to('webgpu');
    const grad = tensor([0.5, -1, 2]);
    g.subInPlace(grad.to('webgpu'), 0.1);
    x.subInPlace(grad, 0.1);
    expect(g.version).toBe(1);
    await expectClose(g, x);
    g.narrow(1, 1, 2).mulInPlace(3);
    x.narrow(1, 1, 2).mulInPlace(3);
    await expectClose(g, x);
    g.get('0').copyInPlace(tensor([9, 8, 7]).to('webgpu'));
    x.get('0').copyInPlace(tensor([9, 8, 7]));
    await expectClose(g, x);
    ranOnGpu('webgpu-copy-strided');
    // Slice assignment (PyTorch's x[...] = value) writes through the view on the device.
    g.set(':, 1:', tensor([[5, 6]]).to('webgpu'));
    x.set(':, 1:', tensor([[5, 6]]));
    g.set('1, 0', 7);
    x.set('1, 0', 7);
    await expectClose(g, x);
    expect(() => g.set('0', tensor([1, 2, 3]))).toThrow(/same device/);
    expect(() => g.set('0', tensor([1, 2]).to('webgpu'))).toThrow(/cannot be broadcast/);
    g.zeroInPlace();
    expect(await g.toArrayAsync()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });
});

describe('reductions, matmul and views on the device against the CPU', () => {
  it('sum, mean, max, min over dims (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 7 }),
        async (shape, keepdim, mask) => {
          const x = rand(shape).sub(0.5);
          const g = x.to('webgpu');
          const dims = shape.map((_, d) => d).filter((d) => (mask >> d) & 1);
          await expectClose(g.sum(dims, { keepdim }), x.sum(dims, { keepdim }));
          expect(getBackendInfo().webgpu.lastKernel).toMatch(/^webgpu-(reduce-serial|reduce-workgroup|unary-strided)$/);
          await expectClose(g.mean(dims, { keepdim }), x.mean(dims, { keepdim }));
          await expectClose(g.sum(), x.sum());
          await expectClose(g.max(), x.max());
          await expectClose(g.min(0, { keepdim }), x.min(0, { keepdim }));
          await expectClose(g.transpose(0, -1).max(-1), x.transpose(0, -1).max(-1));
        },
      ),
      { numRuns: 15 },
    );
  });

  it('var and std over dims, with a correction, and rand/randn/randint with { device }', async () => {
    const x = rand([3, 4, 5]).mul(3);
    const g = x.to('webgpu');
    for (const dims of [null, 0, [1, 2]] as const) {
      for (const correction of [0, 1]) {
        await expectClose(g.var(dims, { correction }), x.var(dims, { correction }), 1e-4);
        await expectClose(g.std(dims, { correction, keepdim: true }), x.std(dims, { correction, keepdim: true }), 1e-4);
      }
    }
    manualSeed(4);
    const cpu = [rand([3]), randn([3]), randint(0, 9, [3])];
    manualSeed(4);
    const gpu = [
      rand([3], { device: 'webgpu' }),
      randn([3], { device: 'webgpu' }),
      randint(0, 9, [3], { device: 'webgpu' }),
    ];
    for (const [i, t] of gpu.entries()) {
      expect(t.device).toBe('webgpu');
      expect(await t.toArrayAsync()).toEqual(cpu[i].toArray());
    }
  });

  it('a long dimension takes the workgroup reduction', async () => {
    const x = rand([3, 300]);
    await expectClose(x.to('webgpu').sum(1), x.sum(1), 1e-4);
    ranOnGpu('webgpu-reduce-workgroup');
  });

  it('matmul: 2-D, transposed views, 1-D promotion, broadcast batches (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom('plain', 'ta', 'tb', 'batch', 'broadcast', 'vec'),
        async (m, n, k, kind) => {
          let a = rand([m, k]);
          let b = rand([k, n]);
          if (kind === 'ta') a = rand([k, m]).t();
          if (kind === 'tb') b = rand([n, k]).t();
          if (kind === 'batch') {
            a = rand([2, m, k]);
            b = rand([2, k, n]);
          }
          if (kind === 'broadcast') {
            a = rand([3, 1, m, k]);
            b = rand([2, k, n]);
          }
          if (kind === 'vec') a = rand([k]);
          const got = matmul(a.to('webgpu'), b.to('webgpu'));
          ranOnGpu('webgpu-matmul-tiled-32x32');
          await expectClose(got, matmul(a, b), 1e-4);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('argmax and argmin (int32 on the device), cat and stack, against the CPU', async () => {
    const x = tensor([
      [0.5, 3, 3, -1],
      [Number.NaN, 2, 7, 7],
      [1, 1, 1, 1],
    ]);
    const g = x.to('webgpu');
    for (const dim of [null, 0, 1, -1] as const) {
      for (const keepdim of [false, true]) {
        const am = g.argmax(dim, { keepdim });
        expect(am.device).toBe('webgpu');
        expect(am.shape).toEqual(x.argmax(dim, { keepdim }).shape);
        expect(await am.toArrayAsync()).toEqual(x.argmax(dim, { keepdim }).to('int32').toArray());
        expect(await g.argmin(dim, { keepdim }).toArrayAsync()).toEqual(
          x.argmin(dim, { keepdim }).to('int32').toArray(),
        );
      }
    }
    ranOnGpu('webgpu-argreduce-serial');
    const a = rand([2, 3]);
    const b = rand([2, 1]);
    const c = rand([2, 3]);
    await expectClose(cat([a.to('webgpu'), b.to('webgpu'), c.t().to('webgpu').t()], 1), cat([a, b, c], 1));
    ranOnGpu('webgpu-copy-strided');
    await expectClose(cat([a.to('webgpu'), c.to('webgpu')]), cat([a, c]));
    await expectClose(stack([a.to('webgpu'), c.to('webgpu')], 1), stack([a, c], 1));
    expect(() => cat([a.to('webgpu'), c])).toThrow(/same device/);
  });

  it('views share the buffer; reshape of a strided view, contiguous and clone copy', async () => {
    const x = arange(24).reshape([2, 3, 4]);
    const g = x.to('webgpu');
    const v = g.reshape([6, 4]);
    expect(v.gpuBuffer).toBe(g.gpuBuffer);
    expect(await v.toArrayAsync()).toEqual(x.reshape([6, 4]).toArray());
    const p = g.permute([2, 0, 1]);
    expect(p.gpuBuffer).toBe(g.gpuBuffer);
    expect(await p.toArrayAsync()).toEqual(x.permute([2, 0, 1]).toArray());
    const r = p.reshape([24]);
    expect(r.gpuBuffer).not.toBe(g.gpuBuffer);
    expect(await r.toArrayAsync()).toEqual(x.permute([2, 0, 1]).reshape([24]).toArray());
    expect(await p.contiguous().toArrayAsync()).toEqual(x.permute([2, 0, 1]).contiguous().toArray());
    expect(await g.get(':, 1:, ::2').toArrayAsync()).toEqual(x.get(':, 1:, ::2').toArray());
    expect(await g.narrow(2, 1, 2).clone().toArrayAsync()).toEqual(x.narrow(2, 1, 2).toArray());
    expect(await g.expand([3, 2, 3, 4]).sum(0).toArrayAsync()).toEqual(x.expand([3, 2, 3, 4]).sum(0).toArray());
  });
});
