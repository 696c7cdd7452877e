// The WebGPU workloads and contenders, shared by the Node runner (node.ts) and the Chromium page
// (page.ts): torchlet's layer-0 kernels (@torchlet/webgpu) against tfjs-backend-webgpu and
// onnxruntime-web's WebGPU execution provider, all on the adapter `navigator.gpu` gives.
//
// One sample = the op queued once and its whole result read back to the CPU (every library's
// `await data()`), so each contender's time includes the same readback and nothing is left
// queued. Inputs stay on the GPU between samples, except onnxruntime-web's, whose `run()` takes CPU
// tensors (its upload is inside its time; see the README). Samples alternate across contenders.

import * as tf from '@tensorflow/tfjs-core';
import {
  type Conv2dGeometry,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dForward,
  type GpuBuffer,
  type GpuContext,
  getWebGPUInfo,
  initWebGPU,
  matmul,
  readback,
  upload,
} from '@torchlet/webgpu';

/**
 * The contenders, in table order. `torchlet-tensor` is torchlet through its tensor / nn API
 * (tensor-api.ts; Node only), what a user's code runs; `torchlet-webgpu` chains the kernels.
 */
export const GPU_CONTENDERS = ['torchlet-webgpu', 'torchlet-tensor', 'tfjs-webgpu', 'ort-webgpu'] as const;
export type GpuContenderName = (typeof GPU_CONTENDERS)[number];

/** A workload's problem: a matmul `m x k @ k x n`, or a conv2d (NCHW) forward or backward. */
export type GpuProblem =
  | { readonly kind: 'matmul'; readonly n: number }
  | { readonly kind: 'lenet-step' }
  | {
      readonly kind: 'conv-forward' | 'conv-backward';
      readonly input: readonly [number, number, number, number];
      readonly weight: readonly [number, number, number, number];
      readonly padding: number;
    };

/** One row of the table. */
export interface GpuWorkload {
  readonly name: string;
  readonly shape: string;
  readonly flops: number;
  readonly problem: GpuProblem;
}

/**
 * The workloads: matmul at three sizes (1024^3 is the issue's; the smaller ones show the trend
 * where SwiftShader makes 1024 slow), and the ResNet basic-block 3x3 conv (8x64x56x56, 64
 * filters, padding 1) forward and backward (input and weight gradients); one LeNet training step
 * (lenet.ts; `lenetFlops` its FLOP count).
 */
export function gpuWorkloads(quick: boolean, lenetFlops: number): GpuWorkload[] {
  const sizes = quick ? [256] : [256, 512, 1024];
  const out: GpuWorkload[] = sizes.map((n) => ({
    name: 'matmul',
    shape: `${n}x${n}x${n}`,
    flops: 2 * n ** 3,
    problem: { kind: 'matmul', n },
  }));
  const input = (quick ? [1, 64, 28, 28] : [8, 64, 56, 56]) as [number, number, number, number];
  const weight: [number, number, number, number] = [64, 64, 3, 3];
  const conv = 2 * input[0] * weight[0] * input[2] * input[3] * weight[1] * 9;
  const shape = `${input.join('x')} * ${weight.join('x')} p1`;
  out.push({
    name: 'ResNet 3x3 conv forward',
    shape,
    flops: conv,
    problem: { kind: 'conv-forward', input, weight, padding: 1 },
  });
  out.push({
    name: 'ResNet 3x3 conv backward (dx + dw)',
    shape,
    flops: 2 * conv,
    problem: { kind: 'conv-backward', input, weight, padding: 1 },
  });
  out.push({
    name: 'LeNet training step (Adam)',
    shape: 'batch 64, 28x28',
    flops: lenetFlops,
    problem: { kind: 'lenet-step' },
  });
  return out;
}

/** Deterministic inputs in [-1, 1). */
export function inputValues(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** What a prepared contender runs per sample, and frees afterwards. */
export interface PreparedGpu {
  /** Queues the op and resolves once its whole result is back on the CPU; returns a checksum. */
  run(): Promise<number>;
  dispose(): void;
}

const numel = (s: readonly number[]): number => s.reduce((p, v) => p * v, 1);
const checksum = (values: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s;
};

type ConvProblem = Exclude<GpuProblem, { kind: 'matmul' } | { kind: 'lenet-step' }>;

function convGeometry(p: ConvProblem): Conv2dGeometry {
  const [batch, inChannels, inH, inW] = p.input;
  const [outChannels, , kh, kw] = p.weight;
  const outH = inH + 2 * p.padding - kh + 1;
  const outW = inW + 2 * p.padding - kw + 1;
  return {
    batch,
    inChannels,
    inH,
    inW,
    outChannels,
    kh,
    kw,
    groups: 1,
    strideH: 1,
    strideW: 1,
    padTop: p.padding,
    padLeft: p.padding,
    dilationH: 1,
    dilationW: 1,
    outH,
    outW,
  };
}

/** torchlet's layer-0 kernels on the default WebGPU context. */
export async function prepareTorchlet(problem: GpuProblem): Promise<PreparedGpu> {
  const gpu: GpuContext = await initWebGPU();
  const owned: GpuBuffer[] = [];
  const put = (data: Float32Array): GpuBuffer => {
    const b = upload(gpu, data);
    owned.push(b);
    return b;
  };
  let run: () => Promise<number>;
  if (problem.kind === 'lenet-step') throw new Error('the LeNet step is prepared by lenet.ts');
  if (problem.kind === 'matmul') {
    const { n } = problem;
    const a = put(inputValues(n * n, 1));
    const b = put(inputValues(n * n, 2));
    run = async () => {
      const c = matmul(a, b, { m: n, n, k: n });
      const v = await readback(c);
      c.release();
      return checksum(v);
    };
  } else {
    const g = convGeometry(problem);
    const x = put(inputValues(numel(problem.input), 3));
    const w = put(inputValues(numel(problem.weight), 4));
    const dy = put(inputValues(g.batch * g.outChannels * g.outH * g.outW, 5));
    run =
      problem.kind === 'conv-forward'
        ? async () => {
            const y = conv2dForward(x, w, null, g);
            const v = await readback(y);
            y.release();
            return checksum(v);
          }
        : async () => {
            const dx = conv2dBackwardInput(dy, w, g);
            const dw = conv2dBackwardWeight(dy, x, g);
            const [a, b] = await Promise.all([readback(dx), readback(dw)]);
            dx.release();
            dw.release();
            return checksum(a) + checksum(b);
          };
  }
  return {
    run,
    dispose: () => {
      for (const b of owned) b.release();
    },
  };
}

let tfReady: Promise<void> | null = null;

/** Starts tfjs on its WebGPU backend once. */
export function initTfWebgpu(): Promise<void> {
  tfReady ??= (async () => {
    // Imported late: the backend registers itself only if navigator.gpu exists at import time,
    // and in Node the runner installs it first.
    await import('@tensorflow/tfjs-backend-webgpu');
    if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs: the webgpu backend did not start');
    await tf.ready();
  })();
  return tfReady;
}

/** tfjs-backend-webgpu; conv inputs in its NHWC / HWIO layouts (converted outside the timed region). */
export async function prepareTfjs(problem: GpuProblem): Promise<PreparedGpu> {
  await initTfWebgpu();
  const owned: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => {
    owned.push(t);
    return t;
  };
  let run: () => Promise<number>;
  if (problem.kind === 'lenet-step') throw new Error('the LeNet step is prepared by lenet.ts');
  if (problem.kind === 'matmul') {
    const { n } = problem;
    const a = keep(tf.tensor2d(inputValues(n * n, 1), [n, n]));
    const b = keep(tf.tensor2d(inputValues(n * n, 2), [n, n]));
    run = async () => {
      const c = tf.matMul(a, b);
      const v = await c.data();
      c.dispose();
      return checksum(v);
    };
  } else {
    const g = convGeometry(problem);
    const x = keep(
      tf.tidy(() =>
        tf.transpose(tf.tensor4d(inputValues(numel(problem.input), 3), [...problem.input]), [0, 2, 3, 1]),
      ) as tf.Tensor4D,
    );
    const w = keep(
      tf.tidy(() =>
        tf.transpose(tf.tensor4d(inputValues(numel(problem.weight), 4), [...problem.weight]), [2, 3, 1, 0]),
      ) as tf.Tensor4D,
    );
    const dy = keep(
      tf.tidy(() =>
        tf.transpose(
          tf.tensor4d(inputValues(g.batch * g.outChannels * g.outH * g.outW, 5), [
            g.batch,
            g.outChannels,
            g.outH,
            g.outW,
          ]),
          [0, 2, 3, 1],
        ),
      ) as tf.Tensor4D,
    );
    const pad = problem.padding === (problem.weight[2] - 1) / 2 ? 'same' : problem.padding;
    if (problem.kind === 'conv-forward') {
      run = async () => {
        const y = tf.conv2d(x, w, 1, pad);
        const v = await y.data();
        y.dispose();
        return checksum(v);
      };
    } else {
      // The two gradient kernels tfjs's own conv2d gradient runs (Conv2DBackpropInput and
      // Conv2DBackpropFilter), called directly so no forward pass is timed.
      const attrs = { strides: [1, 1], pad, dataFormat: 'NHWC', dimRoundingMode: undefined, dilations: [1, 1] };
      run = async () => {
        const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, {
          ...attrs,
          inputShape: x.shape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor;
        const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
          ...attrs,
          filterShape: w.shape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor;
        const [a, b] = await Promise.all([dx.data(), dw.data()]);
        dx.dispose();
        dw.dispose();
        return checksum(a) + checksum(b);
      };
    }
  }
  return {
    run,
    dispose: () => {
      for (const t of owned) t.dispose();
    },
  };
}

/** The part of onnxruntime-web's API the ORT contender uses (Node and the page import it differently). */
export interface OrtApi {
  readonly InferenceSession: {
    create(model: Uint8Array, options: Record<string, unknown>): Promise<OrtSession>;
  };
  readonly Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => unknown;
}
interface OrtSession {
  run(feeds: Record<string, unknown>): Promise<Record<string, { getData(): Promise<ArrayLike<number>> }>>;
  release(): Promise<void>;
}

/** The ONNX model of a forward problem (built in Node by onnx-model.ts, served to the page). */
export interface OrtModel {
  readonly model: Uint8Array;
  readonly inShape: readonly number[];
  readonly inputSeed: number;
}

/** onnxruntime-web's WebGPU execution provider on a one-node model; forward problems only. */
export async function prepareOrt(ort: OrtApi, m: OrtModel): Promise<PreparedGpu> {
  const session = await ort.InferenceSession.create(m.model, {
    executionProviders: ['webgpu'],
    graphOptimizationLevel: 'all',
  });
  const x = new ort.Tensor('float32', inputValues(numel(m.inShape), m.inputSeed), [...m.inShape]);
  return {
    run: async () => {
      const out = await session.run({ x });
      return checksum(await out.y.getData());
    },
    dispose: () => {
      void session.release();
    },
  };
}

/** One workload's samples per contender (ms), or why a contender did not run. */
export interface GpuResult {
  readonly name: string;
  readonly shape: string;
  readonly flops: number;
  readonly samples: Partial<Record<GpuContenderName, number[]>>;
  readonly checksums: Partial<Record<GpuContenderName, number>>;
  readonly skipped: Partial<Record<GpuContenderName, string>>;
}

/**
 * Runs one workload: prepares every contender (a warm-up run compiles its shaders), then takes
 * `runs` rounds of one sample each, rotating the order.
 */
export async function runWorkload(
  w: GpuWorkload,
  prepare: Partial<Record<GpuContenderName, () => Promise<PreparedGpu>>>,
  runs: number,
): Promise<GpuResult> {
  const ready: [GpuContenderName, PreparedGpu][] = [];
  const skipped: Partial<Record<GpuContenderName, string>> = {};
  const checksums: Partial<Record<GpuContenderName, number>> = {};
  for (const name of GPU_CONTENDERS) {
    const p = prepare[name];
    if (p === undefined) continue;
    try {
      const prepared = await p();
      checksums[name] = await prepared.run();
      ready.push([name, prepared]);
    } catch (e) {
      skipped[name] = e instanceof Error ? e.message.split('\n')[0].slice(0, 200) : String(e);
    }
  }
  const samples: Partial<Record<GpuContenderName, number[]>> = {};
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < ready.length; i++) {
      const [name, prepared] = ready[(i + r) % ready.length];
      const t0 = performance.now();
      await prepared.run();
      const elapsed = performance.now() - t0;
      const list = samples[name] ?? [];
      list.push(elapsed);
      samples[name] = list;
    }
  }
  for (const [, prepared] of ready) prepared.dispose();
  return { name: w.name, shape: w.shape, flops: w.flops, samples, checksums, skipped };
}

/** The adapter every contender ran on, as torchlet's context reports it. */
export async function adapterInfo(): Promise<Record<string, string>> {
  await initWebGPU();
  const info = getWebGPUInfo();
  return { vendor: info.vendor, architecture: info.architecture, description: info.description };
}
