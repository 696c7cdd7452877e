// Autograd through webgpu tensors: each differentiable function, run on the device, gives the
// gradients that the same function gives on the CPU (float32 tolerances). The backward functions
// are the ones the CPU uses; they dispatch by device inside @torchlet/tensor and @torchlet/ops.
import { getBackendInfo, initWebGPU, manualSeed, rand, type Tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import {
  add,
  avgPool2d,
  cat,
  clamp,
  conv2d,
  div,
  exp,
  expand,
  get,
  log,
  matmul,
  max,
  maximum,
  maxPool2d,
  mean,
  mul,
  permute,
  pow,
  reshape,
  sigmoid,
  sqrt,
  stack,
  sub,
  sum,
  tanh,
  transpose,
  type Variable,
  variable,
  where,
} from './index.js';

await initWebGPU();

type Case = readonly [name: string, shapes: readonly (readonly number[])[], f: (...xs: Variable[]) => Variable];

const CASES: readonly Case[] = [
  ['add/sub/mul/div with broadcasting', [[2, 3], [3]], (a, b) => div(mul(sub(add(a, b), 0.5), a), add(mul(b, b), 1))],
  [
    'exp, log, sqrt, tanh, sigmoid, pow',
    [[2, 3]],
    (a) => add(add(exp(a), log(add(a, 1))), add(sqrt(add(a, 1)), add(tanh(a), add(sigmoid(a), pow(a, 3))))),
  ],
  [
    'clamp, maximum, where',
    [
      [3, 4],
      [3, 4],
    ],
    (a, b) => add(clamp(a, 0.2, 0.8), add(maximum(a, b), where(a.data.gt(0.5), a, b))),
  ],
  ['sum and mean over dims, max over a dim', [[2, 3, 4]], (a) => add(sum(mean(a, 2), 0), sum(max(a, 1)))],
  [
    'matmul with a transposed operand and a broadcast batch',
    [
      [2, 3, 4],
      [5, 4],
    ],
    (a, b) => matmul(a, transpose(b, 0, 1)),
  ],
  [
    'reshape, permute, expand, get, cat, stack',
    [
      [2, 3],
      [2, 3],
    ],
    (a, b) => mul(cat([reshape(permute(a, [1, 0]), [2, 3]), b], 0), expand(get(sum(stack([a, b]), 0), '0:1'), [4, 3])),
  ],
  [
    'conv2d with stride, padding, groups; max and average pooling',
    [[2, 4, 6, 6], [4, 2, 3, 3], [4]],
    (x, w, bias) =>
      add(
        sum(maxPool2d(conv2d(x, w, bias, { stride: 1, padding: 1, groups: 2 }), 2)),
        sum(avgPool2d(x, 3, { stride: 2, padding: 1 })),
      ),
  ],
];

/** The largest difference relative to 1 + |cpu| over the elements. */
async function maxDiff(gpu: Tensor, cpu: Tensor): Promise<number> {
  expect(gpu.device).toBe('webgpu');
  expect(gpu.shape).toEqual(cpu.shape);
  const a = (await gpu.cpu()).toTypedArray() as Float32Array;
  const b = cpu.toTypedArray() as Float32Array;
  let d = 0;
  for (let i = 0; i < b.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return d;
}

describe('autograd on the webgpu device against the CPU', () => {
  for (const [name, shapes, f] of CASES) {
    it(name, async () => {
      manualSeed(11);
      const inputs = shapes.map((s) => rand([...s]));
      const cpu = inputs.map((t) => variable(t, { requiresGrad: true }));
      const gpu = inputs.map((t) => variable(t.to('webgpu'), { requiresGrad: true }));
      const yc = sum(f(...cpu));
      const yg = sum(f(...gpu));
      const dispatches = getBackendInfo().webgpu.dispatches;
      yc.backward();
      yg.backward();
      expect(getBackendInfo().webgpu.dispatches).toBeGreaterThan(dispatches);
      expect(await maxDiff(yg.data, yc.data)).toBeLessThan(1e-4);
      for (let i = 0; i < inputs.length; i++) {
        expect(gpu[i].grad?.device).toBe('webgpu');
        expect(await maxDiff(gpu[i].grad as Tensor, cpu[i].grad as Tensor)).toBeLessThan(1e-4);
      }
    });
  }
});

describe('moving Variables between devices', () => {
  it('moves a Variable without grad; one that requires grad says to move tensors first', async () => {
    const x = variable(rand([2, 2]));
    const g = x.to('webgpu');
    expect(g.data.device).toBe('webgpu');
    expect(await g.data.toArrayAsync()).toEqual(x.data.toArray());
    const w = variable(rand([2]), { requiresGrad: true });
    expect(w.to('cpu').data).toBe(w.data);
    expect(() => w.to('webgpu')).toThrow(/move the tensor before building the graph/);
  });
});
