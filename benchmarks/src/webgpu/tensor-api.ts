// The `torchlet-tensor` contender of `pnpm bench:webgpu`: the same workloads written as a user
// writes them, with webgpu tensors (@torchlet/tensor, @torchlet/ops) and, for the LeNet step,
// @torchlet/nn's modules, autograd and Adam. Its time over torchlet-webgpu's (the kernels chained
// by hand) is what the tensor API costs on top of the kernels: validation, views, allocation from
// the pool, autograd's graph and the buffers it releases.
import { variable } from '@torchlet/autograd';
import { Adam, AvgPool2d, Conv2d, crossEntropy, Flatten, Linear, Sequential, Sigmoid } from '@torchlet/nn';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from '@torchlet/ops';
import { fromStorage, initWebGPU, type Tensor } from '@torchlet/tensor';
import { initialWeights, LENET_BATCH } from './lenet.js';
import { type GpuProblem, inputValues, type PreparedGpu } from './workloads.js';

const checksum = (values: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s;
};

/** A webgpu tensor of seeded values in [-1, 1). */
function gpuInput(shape: readonly number[], seed: number): Tensor {
  const n = shape.reduce((p, v) => p * v, 1);
  return fromStorage(inputValues(n, seed), [...shape]).to('webgpu');
}

/** Reads `t` back (the sample's end, as for every contender) and releases it. */
async function readAndDispose(t: Tensor): Promise<number> {
  const sum = checksum((await t.cpu()).toTypedArray() as Float32Array);
  t.dispose();
  return sum;
}

/** The tensor-API version of a matmul or conv workload, or of the LeNet step. */
export async function prepareTensorApi(problem: GpuProblem): Promise<PreparedGpu> {
  await initWebGPU();
  if (problem.kind === 'lenet-step') return prepareLenet();
  const owned: Tensor[] = [];
  const keep = (t: Tensor): Tensor => {
    owned.push(t);
    return t;
  };
  let run: () => Promise<number>;
  if (problem.kind === 'matmul') {
    const a = keep(gpuInput([problem.n, problem.n], 1));
    const b = keep(gpuInput([problem.n, problem.n], 2));
    run = () => readAndDispose(a.matmul(b));
  } else {
    const [batch, , inH, inW] = problem.input;
    const [outChannels, , kh, kw] = problem.weight;
    const outH = inH + 2 * problem.padding - kh + 1;
    const outW = inW + 2 * problem.padding - kw + 1;
    const x = keep(gpuInput(problem.input, 3));
    const w = keep(gpuInput(problem.weight, 4));
    const dy = keep(gpuInput([batch, outChannels, outH, outW], 5));
    const options = { padding: problem.padding };
    run =
      problem.kind === 'conv-forward'
        ? () => readAndDispose(conv2d(x, w, null, options))
        : async () => {
            const dx = conv2dBackwardInput(dy, x.shape, w, options);
            const dw = conv2dBackwardWeight(dy, x, w.shape, options);
            const [a, b] = await Promise.all([readAndDispose(dx), readAndDispose(dw)]);
            return a + b;
          };
  }
  return {
    run,
    dispose: () => {
      for (const t of owned) t.dispose();
    },
  };
}

/** d2l's LeNet as nn modules on the device, the same weights and batch as lenet.ts, Adam at 1e-3. */
async function prepareLenet(): Promise<PreparedGpu> {
  const net = new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }),
    new Sigmoid(),
    new AvgPool2d(2),
    new Conv2d(6, 16, 5),
    new Sigmoid(),
    new AvgPool2d(2),
    new Flatten(),
    new Linear(400, 120),
    new Sigmoid(),
    new Linear(120, 84),
    new Sigmoid(),
    new Linear(84, 10),
  );
  const init = Object.values(initialWeights());
  const params = net.parameters();
  params.forEach((p, i) => {
    p.data.copyInPlace(fromStorage(init[i], [...p.data.shape]));
  });
  net.to('webgpu');
  const opt = new Adam(net.parameters(), { lr: 1e-3 });
  const x = gpuInput([LENET_BATCH, 1, 28, 28], 7);
  const labels = fromStorage(
    Int32Array.from(inputValues(LENET_BATCH, 8), (r) => Math.floor((r + 1) * 5) % 10),
    [LENET_BATCH],
  );
  return {
    run: async () => {
      const loss = crossEntropy(net.forward(variable(x)), labels);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      return (await loss.data.cpu()).item();
    },
    dispose: () => {
      x.dispose();
    },
  };
}
