// Every public op of @torchlet/tensor and @torchlet/ops on the webgpu device: it either runs there
// and gives the CPU's float32 result (forward, and the gradients of every input through autograd),
// or throws a TorchletError that names the op, never the generic error of reading a webgpu
// tensor's storage synchronously. The differentiable ops run their gradcheck cases (test/cases.ts,
// enumerated by the completeness test); the others run the calls below. A case listed as expected
// to throw fails once it runs, so the list stays exact. Needs an adapter (SwiftShader here).
import * as opsApi from '@torchlet/ops';
import * as T from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { type GradCase, opsCases, tensorCases } from '../test/cases.js';
import { rnd, rndAway } from '../test/random.js';
import * as A from './index.js';
import { isVariable, sum, type Variable, type VariableOrTensor, variable } from './index.js';

await T.initWebGPU();

/**
 * Cases (`op | label`) that have no webgpu path, each with the reason; each must throw a named
 * TorchletError on the device (and fails here once it runs there).
 */
const THROWS_ON_GPU: Readonly<Record<string, string>> = {
  'where | broadcast cond': 'the case builds its condition on the CPU inside f: a same-device error',
  'to | float64 -> float64 (and the cast rule via float32 in the unit tests)': 'the device holds no float64',
  'set | CopySlices: element loop into zeros': 'the case builds a CPU tensor inside f: a same-device error',
  "conv2d | padding 'same', im2col kernel": 'a forced CPU kernel cannot run on the device',
  'batchNormInference | weight and bias, eps 1e-3': 'the case passes CPU running statistics: a same-device error',
  'batchNormInference | ReLU, no affine, rank 3': 'the case passes CPU running statistics: a same-device error',
  'hardtanhBackward | ReLU6 bounds, input off the bounds': 'the case builds a CPU input inside f: a same-device error',
  'thresholdBackward | ReLU on its output, input off the threshold':
    'the case builds a CPU input inside f: a same-device error',
  'maxPool2dBackward | upstream of a 2x2 pooling': 'CPU-made indices: the device takes the indices it made',
  'batchNormTraining | fused ReLU6, weight 4 and bias 1 (both bounds clip)':
    'the case builds its weight on the CPU inside f: a same-device error',
  'adaptiveMaxPool2d | [5,7] -> [3,4] (overlapping windows)': 'no webgpu kernel yet: a named error',
  'maxUnpool2d | the 2x2 stride 2 pooling of a 4x4 plane, into 5x5': 'no webgpu kernel yet: a named error',
  'maxUnpool2dBackward | upstream of a 4x4 unpooling': 'no webgpu kernel yet: a named error',
};

/** The device the case being run is on: twins make their constants there. */
let current: T.Device = 'cpu';

/** A constant of a twin case, in float32 (floats) on the device being run. */
const on = (t: T.Tensor): T.Tensor => (T.isFloatingDType(t.dtype) ? t.to('float32') : t).to(current);

/**
 * The listed cases whose op does run on the device once its constants are there too: the same
 * computation with the constants made on the running device, which must match the CPU.
 */
const TWINS: Readonly<Record<string, GradCase>> = {
  'where | broadcast cond': {
    op: 'where',
    label: 'device condition',
    f: (a, b) => A.where(on(T.tensor([true, false, true])), a, b),
    inputs: () => [rnd([2, 3], 27), rnd([2, 1], 28)],
  },
  'set | CopySlices: element loop into zeros': {
    op: 'set',
    label: 'device zeros',
    f: (x) => {
      const y = A.variable(on(T.tensor([0, 0, 0])));
      for (let i = 0; i < 3; i++) y.set([i], A.sum(A.mul(A.get(x, `${i}:${i + 2}`), A.get(x, `${i + 1}:${i + 3}`))));
      return y;
    },
    inputs: () => [rnd([5], 81)],
  },
  'batchNormInference | weight and bias, eps 1e-3': {
    op: 'batchNormInference',
    label: 'device statistics',
    f: (x, w, b) => A.batchNormInference(x, on(rnd([3], 171)), on(rnd([3], 172, 0.5, 2)), w, b, { eps: 1e-3 }),
    inputs: () => [rnd([2, 3, 2, 2], 170), rnd([3], 173), rnd([3], 174)],
  },
  'batchNormInference | ReLU, no affine, rank 3': {
    op: 'batchNormInference',
    label: 'device statistics, ReLU',
    f: (x) => A.batchNormInference(x, on(T.zeros([2])), on(rnd([2], 176, 0.5, 2)), null, null, { relu: true }),
    inputs: () => [rndAway([2, 2, 3], 175)],
  },
  'hardtanhBackward | ReLU6 bounds, input off the bounds': {
    op: 'hardtanhBackward',
    label: 'device input',
    f: (g) => A.hardtanhBackward(g, on(T.tensor([-1, 0.5, 2, 5.5, 7, 3]).reshape([2, 3])), 0, 6),
    inputs: () => [rnd([2, 3], 181)],
  },
  'thresholdBackward | ReLU on its output, input off the threshold': {
    op: 'thresholdBackward',
    label: 'device input',
    f: (g) => A.thresholdBackward(g, on(T.tensor([0, 0.5, 2, 0, 7, 3]).reshape([2, 3])), 0),
    inputs: () => [rnd([2, 3], 182)],
  },
  'maxPool2dBackward | upstream of a 2x2 pooling': {
    op: 'maxPool2dBackward',
    label: 'indices made on the device',
    f: (u) => {
      const x = T.tensor([1, 5, 2, 0, 3, 9, 4, 8, 0, 1, 7, 2, 6, 2, 3, 5], { shape: [1, 1, 4, 4] });
      return A.maxPool2dBackward(u, A.maxPool2d(on(x), 2, { stride: 1, returnIndices: true }).indices, [1, 1, 4, 4]);
    },
    inputs: () => [rnd([1, 1, 3, 3], 159)],
  },
  'batchNormTraining | fused ReLU6, weight 4 and bias 1 (both bounds clip)': {
    op: 'batchNormTraining',
    label: 'device weight, ReLU6',
    f: (x, b) => A.batchNormTraining(x, on(T.tensor([4, 4])), b, { activation: 'relu6' }).output,
    inputs: () => [rnd([3, 2, 3], 182), rnd([2], 183, 0.5, 1.5)],
  },
};

/** The generic error of a synchronous read of a webgpu tensor, which an op must never leak. */
const GENERIC_READ = /^(data|item|toArray|toTypedArray|toString): the tensor .* is on the webgpu device/;

function expectNamedError(e: unknown, what: string): void {
  expect(e, `${what}: ${String(e)}`).toBeInstanceOf(T.TorchletError);
  expect((e as Error).message, what).not.toMatch(GENERIC_READ);
}

function closeEnough(got: ArrayLike<number>, want: ArrayLike<number>, what: string, tol = 1e-4): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [Number(got[i]), Number(want[i])];
    if (Number.isNaN(w)) expect(Number.isNaN(g), `${what} [${i}]`).toBe(true);
    else if (!Number.isFinite(w)) expect(g, `${what} [${i}]`).toBe(w);
    else expect(Math.abs(g - w), `${what} [${i}]: ${g} vs ${w}`).toBeLessThanOrEqual(tol * (1 + Math.abs(w)));
  }
}

/** The case's inputs in float32 on `device`: float tensors become leaves that need a gradient. */
function inputsOn(c: GradCase, device: T.Device): VariableOrTensor[] {
  return c.inputs().map((x) => {
    const t = isVariable(x) ? (x as Variable).data : (x as T.Tensor);
    const requiresGrad = isVariable(x) ? (x as Variable).requiresGrad : T.isFloatingDType(t.dtype);
    const moved = (T.isFloatingDType(t.dtype) ? t.to('float32') : t).to(device);
    return T.isFloatingDType(t.dtype) ? variable(moved, { requiresGrad }) : moved;
  });
}

/** Runs a case: its float32 outputs and the gradients of its inputs (after backward of their sum). */
async function run(c: GradCase, device: T.Device): Promise<{ outputs: T.Tensor[]; grads: (T.Tensor | null)[] }> {
  current = device;
  const ins = inputsOn(c, device);
  const out = c.f(...(ins as Variable[]));
  const outs = (Array.isArray(out) ? out : [out]) as Variable[];
  let total: Variable | null = null;
  for (const o of outs) {
    if (o.dtype !== 'float32' || !o.requiresGrad) continue;
    total = total === null ? sum(o) : total.add(sum(o));
  }
  total?.backward();
  const outputs = await Promise.all(outs.map((o) => o.data.cpu()));
  const grads = await Promise.all(
    ins.map((v) => (isVariable(v) && (v as Variable).grad ? ((v as Variable).grad as T.Tensor).cpu() : null)),
  );
  return { outputs, grads };
}

const cases = [...tensorCases, ...opsCases];

describe('every differentiable op on the webgpu device: the CPU result or a named error', () => {
  it.each(cases.map((c) => [`${c.op} | ${c.label}`, c] as const))('%s', async (key, c) => {
    if (key in THROWS_ON_GPU) {
      await expect(run(c, 'webgpu')).rejects.toSatisfy((e: unknown) => {
        expectNamedError(e, key);
        return true;
      });
      if (key in TWINS) await expectSameOnDevices(`${key} (twin: ${TWINS[key].label})`, TWINS[key]);
      return;
    }
    await expectSameOnDevices(key, c);
  });
});

/** Runs `c` on the CPU and on the device (float32 both) and compares outputs and gradients. */
async function expectSameOnDevices(key: string, c: GradCase): Promise<void> {
  const want = await run(c, 'cpu');
  let got: Awaited<ReturnType<typeof run>>;
  try {
    got = await run(c, 'webgpu');
  } catch (e) {
    expectNamedError(e, key);
    throw new Error(`${key} has no webgpu path (${(e as Error).message}); add a kernel or list it in THROWS_ON_GPU`);
  }
  got.outputs.forEach((o, i) => {
    expect(o.shape, `${key} output ${i}`).toEqual(want.outputs[i].shape);
    closeEnough(o.toTypedArray() as ArrayLike<number>, want.outputs[i].toTypedArray() as ArrayLike<number>, key);
  });
  got.grads.forEach((g, i) => {
    const w = want.grads[i];
    expect(g === null, `${key} gradient ${i} exists on one device only`).toBe(w === null);
    if (g !== null && w !== null) {
      closeEnough(g.toTypedArray() as ArrayLike<number>, w.toTypedArray() as ArrayLike<number>, `${key} grad ${i}`);
    }
  });
}

type Result = T.Tensor | boolean | string | number;

const x = (): T.Tensor =>
  T.tensor([
    [0.5, -1, 2],
    [3, 0.5, -4],
  ]);
const y = (): T.Tensor => T.tensor([[0.5, 1, -2]]);

/** `op(copy of a, b)` in place, then the written copy (what is compared). */
function inPlace(op: (t: T.Tensor, other: T.Tensor) => unknown, a: T.Tensor, b: T.Tensor): T.Tensor {
  const t = a.clone();
  op(t, b.expand(t.shape));
  return t;
}

/** The public non-differentiable ops that take tensors, called on small inputs. */
const CALLS: Readonly<Record<string, (a: T.Tensor, b: T.Tensor) => Result>> = {
  eq: (a, b) => T.eq(a, b),
  ne: (a, b) => T.ne(a, b),
  lt: (a, b) => T.lt(a, b),
  le: (a, b) => T.le(a, b),
  gt: (a, b) => T.gt(a, b),
  ge: (a, b) => T.ge(a, b),
  equal: (a) => T.equal(a, a),
  allclose: (a) => T.allclose(a, a),
  argmax: (a) => T.argmax(a, 1),
  argmin: (a) => T.argmin(a),
  addInPlace: (a, b) => inPlace(T.addInPlace, a, b),
  subInPlace: (a, b) => inPlace(T.subInPlace, a, b),
  mulInPlace: (a, b) => inPlace(T.mulInPlace, a, b),
  divInPlace: (a, b) => inPlace(T.divInPlace, a, b),
  copyInPlace: (a, b) => inPlace(T.copyInPlace, a, b),
  onesLike: (a) => T.onesLike(a),
  zerosLike: (a) => T.zerosLike(a),
  formatTensor: (a) => T.formatTensor(a),
};

/** Exports that take no tensor or work on raw typed arrays, shapes or settings: nothing to move. */
const NO_TENSOR_INPUT = new Set([
  'Tensor',
  'Generator',
  'TorchletError',
  'fail',
  'formatShape',
  'formatValue',
  'checkNumel',
  'checkStorage',
  'getMaxElements',
  'setMaxElements',
  'scalarFor',
  'isTensor',
  'arange',
  'eye',
  'full',
  'linspace',
  'ones',
  'zeros',
  'tensor',
  'fromStorage',
  'rand',
  'randn',
  'randint',
  'manualSeed',
  'defaultGenerator',
  'slice',
  'gemm',
  'gemmLoops',
  'gemmPacked',
  'jsGemm',
  'getGemmKernel',
  'setGemmKernel',
  'setBackend',
  'getBackend',
  'ready',
  'getBackendInfo',
  'setThreads',
  'getThreads',
  'initWebGPU',
  'allocStorage',
  'dtypeOfStorage',
  'isFloatingDType',
  'isIntegerDType',
  'loadNumber',
  'storeNumber',
  'promoteTypes',
  'promoteWithScalar',
  'resultType',
  'broadcastShapes',
  'checkShape',
  'contiguousStrides',
  'normalizeDim',
  'shapeSize',
  'shapesEqual',
  'copyStridedInto',
  'isContiguousLayout',
  'stridedOffsets',
  'conv2dKernels',
  'conv2dDepthwiseKernels',
  'conv2dOutputShape',
  'convOutputSize',
  'convTranspose2dOutputShape',
  'pool2dOutputShape',
]);

async function onCpu(r: Result): Promise<Result> {
  return T.isTensor(r) ? (r as T.Tensor).cpu() : r;
}

describe('every other public op on the webgpu device: the CPU result or a named error', () => {
  it.each(Object.keys(CALLS))('%s', async (name) => {
    const want = CALLS[name](x(), y());
    let got: Result;
    try {
      got = await onCpu(CALLS[name](x().to('webgpu'), y().to('webgpu')));
    } catch (e) {
      expectNamedError(e, name);
      // a synchronous answer (a boolean or a string) cannot come from the device
      expect(T.isTensor(want), `${name} returns a tensor on the CPU, so it must run on the device`).toBe(false);
      return;
    }
    if (T.isTensor(want)) {
      expect((got as T.Tensor).dtype).toBe((want as T.Tensor).dtype === 'int64' ? 'int32' : (want as T.Tensor).dtype);
      closeEnough(
        (got as T.Tensor).toTypedArray() as ArrayLike<number>,
        (want as T.Tensor).toTypedArray() as ArrayLike<number>,
        name,
      );
    } else expect(got).toEqual(want);
  });

  // Exports added later (not yet in a list here) are called with two webgpu tensors: whatever
  // they make of that, they may not leak the generic read error or a raw TypeError.
  const names = [...new Set([...Object.keys(T), ...Object.keys(opsApi)])].sort();
  const classified = new Set([...cases.map((c) => c.op), ...Object.keys(CALLS), ...NO_TENSOR_INPUT]);
  const api = { ...T, ...opsApi } as Record<string, unknown>;
  const others = names.filter((n) => !classified.has(n) && typeof api[n] === 'function');
  for (const name of others) {
    it(`unlisted export ${name}: a result or a named error`, () => {
      try {
        (api[name] as (a: T.Tensor, b: T.Tensor) => unknown)(x().to('webgpu'), y().to('webgpu'));
      } catch (e) {
        expectNamedError(e, name);
      }
    });
  }

  it('lists only real exports', () => {
    expect([...NO_TENSOR_INPUT, ...Object.keys(CALLS)].filter((n) => !names.includes(n))).toEqual([]);
  });
});
