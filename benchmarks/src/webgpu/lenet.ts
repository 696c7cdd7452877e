// One LeNet training step (d2l's LeNet: conv 5x5 -> sigmoid -> avg-pool, twice, then three dense
// layers, cross-entropy, Adam at lr 1e-3) on a batch of 64 28x28 images, on the GPU: torchlet's
// layer-0 kernels chained by hand (the forward, every gradient and one fused Adam step per
// parameter), against tfjs-backend-webgpu's `optimizer.minimize`. One sample = one step and the
// loss read back. The images and labels are seeded noise: a step's cost does not depend on them.
import * as tf from '@tensorflow/tfjs-core';
// optimizer.minimize needs the ops' gradient functions: tfjs-layers registers them all on import
// (tfjs-core's own register_all_gradients module does not load in Node; see ../tfjs.ts).
import '@tensorflow/tfjs-layers';
import {
  adamStep,
  allocate,
  avgPool2dBackward,
  avgPool2dForward,
  biasGradient,
  binary,
  type Conv2dGeometry,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dForward,
  crossEntropyBackward,
  crossEntropyForward,
  type GpuBuffer,
  initWebGPU,
  matmul,
  type Pool2dGeometry,
  readback,
  reduce,
  unary,
  upload,
} from '@torchlet/webgpu';
import { initTfWebgpu, inputValues, type PreparedGpu } from './workloads.js';

export const LENET_BATCH = 64;
const LR = 1e-3;
/** Layer shapes: conv weights OIHW, dense weights [out, in] (PyTorch's layouts). */
const SHAPES = {
  c1w: [6, 1, 5, 5],
  c1b: [6],
  c2w: [16, 6, 5, 5],
  c2b: [16],
  f1w: [120, 400],
  f1b: [120],
  f2w: [84, 120],
  f2b: [84],
  f3w: [10, 84],
  f3b: [10],
} as const;
type ParamName = keyof typeof SHAPES;
const NAMES = Object.keys(SHAPES) as ParamName[];
const size = (s: readonly number[]) => s.reduce((p, v) => p * v, 1);

/** Initial weights, uniform in +-1/sqrt(fan_in) (PyTorch's default init range), seeded. */
export function initialWeights(): Record<ParamName, Float32Array> {
  const out = {} as Record<ParamName, Float32Array>;
  for (const [i, name] of NAMES.entries()) {
    const s = SHAPES[name];
    const fanIn = name.endsWith('b') ? size(SHAPES[NAMES[i - 1]]) / SHAPES[NAMES[i - 1]][0] : size(s) / s[0];
    out[name] = inputValues(size(s), 100 + i).map((v) => v / Math.sqrt(fanIn));
  }
  return out;
}

/** FLOPs of one step: forward and both gradients of every conv and dense layer (3x the forward). */
export function lenetStepFlops(): number {
  const b = LENET_BATCH;
  const conv1 = 2 * b * 6 * 28 * 28 * 25;
  const conv2 = 2 * b * 16 * 10 * 10 * 6 * 25;
  const dense = 2 * b * (400 * 120 + 120 * 84 + 84 * 10);
  return 3 * (conv1 + conv2 + dense);
}

const conv = (inC: number, inH: number, outC: number, pad: number, out: number): Conv2dGeometry => ({
  batch: LENET_BATCH,
  inChannels: inC,
  inH,
  inW: inH,
  outChannels: outC,
  kh: 5,
  kw: 5,
  groups: 1,
  strideH: 1,
  strideW: 1,
  padTop: pad,
  padLeft: pad,
  dilationH: 1,
  dilationW: 1,
  outH: out,
  outW: out,
});
const pool = (channels: number, inH: number): Pool2dGeometry => ({
  batch: LENET_BATCH,
  channels,
  inH,
  inW: inH,
  kh: 2,
  kw: 2,
  strideH: 2,
  strideW: 2,
  padTop: 0,
  padLeft: 0,
  dilationH: 1,
  dilationW: 1,
  outH: inH / 2,
  outW: inH / 2,
});

/** torchlet: the step written with @torchlet/webgpu's kernels. */
export async function prepareTorchletLenet(): Promise<PreparedGpu> {
  const gpu = await initWebGPU();
  const init = initialWeights();
  const p = {} as Record<ParamName, GpuBuffer>;
  const m = {} as Record<ParamName, GpuBuffer>;
  const v = {} as Record<ParamName, GpuBuffer>;
  for (const name of NAMES) {
    p[name] = upload(gpu, init[name]);
    m[name] = allocate(gpu, size(SHAPES[name]), { zero: true });
    v[name] = allocate(gpu, size(SHAPES[name]), { zero: true });
  }
  const x = upload(gpu, inputValues(LENET_BATCH * 28 * 28, 7));
  const labels = upload(
    gpu,
    Int32Array.from(inputValues(LENET_BATCH, 8), (r) => Math.floor((r + 1) * 5) % 10),
  );
  const g1 = conv(1, 28, 6, 2, 28);
  const p1 = pool(6, 28);
  const g2 = conv(6, 14, 16, 0, 10);
  const p2 = pool(16, 10);
  const ce = { outer: LENET_BATCH, classes: 10 };
  const one = upload(gpu, new Float32Array([1]));
  let step = 0;
  const temps: GpuBuffer[] = [];
  const t = (b: GpuBuffer): GpuBuffer => {
    temps.push(b);
    return b;
  };
  const flat = (b: GpuBuffer) => ({ buffer: b, strides: [1] });
  /** Dense layer: [B, in] @ W^T + b. */
  const dense = (a: GpuBuffer, w: GpuBuffer, bias: GpuBuffer, out: number, inF: number): GpuBuffer => {
    const z = t(matmul(a, w, { m: LENET_BATCH, n: out, k: inF, transB: true }));
    return t(binary('add', { buffer: z, strides: [out, 1] }, { buffer: bias, strides: [0, 1] }, [LENET_BATCH, out]));
  };
  const sig = (a: GpuBuffer, n: number) => t(unary('sigmoid', flat(a), [n]));
  const sigBack = (y: GpuBuffer, dy: GpuBuffer, n: number) => t(binary('sigmoidBackward', flat(y), flat(dy), [n]));
  /** Gradients of a dense layer from dz [B, out] and its input a [B, in]. */
  const denseBack = (dz: GpuBuffer, a: GpuBuffer, w: GpuBuffer, out: number, inF: number) => ({
    dw: t(matmul(dz, a, { m: out, n: inF, k: LENET_BATCH, transA: true })),
    db: t(reduce('sum', dz, [LENET_BATCH, out], 0)),
    da: t(matmul(dz, w, { m: LENET_BATCH, n: inF, k: out })),
  });
  const run = async (): Promise<number> => {
    step++;
    // Forward.
    const s1 = sig(t(conv2dForward(x, p.c1w, p.c1b, g1)), LENET_BATCH * 6 * 28 * 28);
    const a1 = t(avgPool2dForward(s1, p1));
    const s2 = sig(t(conv2dForward(a1, p.c2w, p.c2b, g2)), LENET_BATCH * 16 * 10 * 10);
    const a2 = t(avgPool2dForward(s2, p2)); // [B, 400]
    const h1 = sig(dense(a2, p.f1w, p.f1b, 120, 400), LENET_BATCH * 120);
    const h2 = sig(dense(h1, p.f2w, p.f2b, 84, 120), LENET_BATCH * 84);
    const logits = dense(h2, p.f3w, p.f3b, 10, 84);
    const loss = t(crossEntropyForward(logits, labels, ce));
    // Backward.
    const dLogits = t(crossEntropyBackward(logits, labels, one, ce));
    const b3 = denseBack(dLogits, h2, p.f3w, 10, 84);
    const b2 = denseBack(sigBack(h2, b3.da, LENET_BATCH * 84), h1, p.f2w, 84, 120);
    const b1 = denseBack(sigBack(h1, b2.da, LENET_BATCH * 120), a2, p.f1w, 120, 400);
    const dz2 = sigBack(s2, t(avgPool2dBackward(b1.da, p2)), LENET_BATCH * 16 * 10 * 10);
    const dc2w = t(conv2dBackwardWeight(dz2, a1, g2));
    const dc2b = t(biasGradient(dz2, [LENET_BATCH, 16, 10, 10]));
    const da1 = t(conv2dBackwardInput(dz2, p.c2w, g2));
    const dz1 = sigBack(s1, t(avgPool2dBackward(da1, p1)), LENET_BATCH * 6 * 28 * 28);
    const dc1w = t(conv2dBackwardWeight(dz1, x, g1));
    const dc1b = t(biasGradient(dz1, [LENET_BATCH, 6, 28, 28]));
    const grads: Record<ParamName, GpuBuffer> = {
      c1w: dc1w,
      c1b: dc1b,
      c2w: dc2w,
      c2b: dc2b,
      f1w: b1.dw,
      f1b: b1.db,
      f2w: b2.dw,
      f2b: b2.db,
      f3w: b3.dw,
      f3b: b3.db,
    };
    for (const name of NAMES) adamStep(p[name], grads[name], m[name], v[name], null, { lr: LR, step });
    const value = (await readback(loss))[0];
    for (const b of temps.splice(0)) b.release();
    return value;
  };
  return {
    run,
    dispose: () => {
      for (const name of NAMES) for (const b of [p[name], m[name], v[name]]) b.release();
      x.release();
      labels.release();
      one.release();
    },
  };
}

/** tfjs-backend-webgpu: the same network and initial weights (NHWC / HWIO), `optimizer.minimize`. */
export async function prepareTfjsLenet(): Promise<PreparedGpu> {
  await initTfWebgpu();
  const init = initialWeights();
  const vars = tf.tidy(() => ({
    c1w: tf.variable(tf.transpose(tf.tensor4d(init.c1w, [6, 1, 5, 5]), [2, 3, 1, 0])),
    c1b: tf.variable(tf.tensor1d(init.c1b)),
    c2w: tf.variable(tf.transpose(tf.tensor4d(init.c2w, [16, 6, 5, 5]), [2, 3, 1, 0])),
    c2b: tf.variable(tf.tensor1d(init.c2b)),
    f1w: tf.variable(tf.tensor2d(init.f1w, [120, 400])),
    f1b: tf.variable(tf.tensor1d(init.f1b)),
    f2w: tf.variable(tf.tensor2d(init.f2w, [84, 120])),
    f2b: tf.variable(tf.tensor1d(init.f2b)),
    f3w: tf.variable(tf.tensor2d(init.f3w, [10, 84])),
    f3b: tf.variable(tf.tensor1d(init.f3b)),
  }));
  const x = tf.tensor4d(inputValues(LENET_BATCH * 28 * 28, 7), [LENET_BATCH, 28, 28, 1]);
  const labels = Int32Array.from(inputValues(LENET_BATCH, 8), (r) => Math.floor((r + 1) * 5) % 10);
  const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
  const optimizer = tf.train.adam(LR);
  const forward = (): tf.Scalar => {
    const z1 = tf.sigmoid(tf.add(tf.conv2d(x, vars.c1w as tf.Tensor4D, 1, 'same'), vars.c1b)) as tf.Tensor4D;
    const a1 = tf.avgPool(z1, 2, 2, 'valid');
    const z2 = tf.sigmoid(tf.add(tf.conv2d(a1, vars.c2w as tf.Tensor4D, 1, 'valid'), vars.c2b)) as tf.Tensor4D;
    const a2 = tf.avgPool(z2, 2, 2, 'valid');
    // Flattened in PyTorch's NCHW order, so both libraries compute the same function.
    const flat = tf.reshape(tf.transpose(a2, [0, 3, 1, 2]), [LENET_BATCH, 400]) as tf.Tensor2D;
    const h1 = tf.sigmoid(tf.add(tf.matMul(flat, vars.f1w, false, true), vars.f1b)) as tf.Tensor2D;
    const h2 = tf.sigmoid(tf.add(tf.matMul(h1, vars.f2w, false, true), vars.f2b)) as tf.Tensor2D;
    const logits = tf.add(tf.matMul(h2, vars.f3w, false, true), vars.f3b);
    return tf.losses.softmaxCrossEntropy(onehot, logits) as tf.Scalar;
  };
  return {
    run: async () => {
      const loss = optimizer.minimize(forward, true) as tf.Scalar;
      const value = (await loss.data())[0];
      loss.dispose();
      return value;
    },
    dispose: () => {
      for (const t of [...Object.values(vars), x, onehot]) t.dispose();
      optimizer.dispose();
    },
  };
}
