// Max pooling's indices across devices: int64 on the CPU (as PyTorch), int32 on webgpu (WGSL has
// no 64-bit integers), and second-order gradients through maxPool2dBackward on both, which
// gather at the indices on the indices' own device.
import { getBackendInfo, initWebGPU, rand, type Tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { gradients, maxPool2d, mul, sum, variable } from '../index.js';

await initWebGPU();

/** d/dx of sum((d/dx sum(maxPool2d(x)^2))^2): needs the gather at the indices. */
function secondOrder(x: Tensor): Tensor {
  const v = variable(x, { requiresGrad: true });
  const y = maxPool2d(v, 2, { stride: 1 });
  const [g] = gradients(sum(mul(y, y)), [v], { createGraph: true });
  const [gg] = gradients(sum(mul(g, g)), [v]);
  return gg.data;
}

describe('maxPool2d indices and second-order gradients, on every device', () => {
  it('returns int64 indices on the CPU and int32 ones on webgpu, with the same values', async () => {
    const x = rand([2, 3, 5, 4]);
    const cpu = maxPool2d(variable(x), 2, { returnIndices: true }).indices;
    const gpu = maxPool2d(variable(x.to('webgpu')), 2, { returnIndices: true }).indices;
    expect([cpu.dtype, cpu.device]).toEqual(['int64', 'cpu']);
    expect([gpu.dtype, gpu.device]).toEqual(['int32', 'webgpu']);
    const back = await gpu.cpu();
    expect(back.dtype).toBe('int32');
    expect(back.toArray()).toEqual(cpu.toArray());
    expect(back.to('int64').toString()).toBe(cpu.toString());
  });

  it('differentiates twice through maxPool2d on webgpu as on the CPU', async () => {
    const x = rand([1, 2, 5, 5]);
    const want = secondOrder(x).toArray() as number[][][][];
    const onGpu = secondOrder(x.to('webgpu'));
    expect(onGpu.device).toBe('webgpu');
    expect(getBackendInfo().webgpu.error).toBe('');
    const got = (await onGpu.toArrayAsync()) as number[][][][];
    const flat = (a: number[][][][]): number[] => a.flat(3);
    const w = flat(want);
    const g = flat(got);
    expect(g.length).toBe(w.length);
    expect(w.some((v) => v !== 0)).toBe(true);
    for (let i = 0; i < w.length; i++) expect(Math.abs(g[i] - w[i])).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(w[i])));
  });
});
