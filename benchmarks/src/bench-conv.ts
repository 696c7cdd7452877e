// Convolution workloads: conv2d forward and both backward kernels on the d2l toy, LeNet's conv1
// and a ResNet block conv, plus d2l's corr2d on the toy.
//
// The conv ops' data, calls and tfjs peers are conv-cases.ts's (shared with the browser page);
// this file adds the Node-only parts: tfjs-cpu alongside tfjs-wasm, corr2d and the learn-a-kernel
// loop (tf.grad needs tfjs-layers' gradients, registered by tfjs.ts).

import { Conv2d } from '@torchlet/nn';
import { corr2d } from '@torchlet/ops';
import { fromStorage, type Tensor } from '@torchlet/tensor';
import { convCases } from './conv-cases.js';
import { CONV_OPS, type ConvOp, convGeometry, convOpFlops } from './conv-spec.js';
import { fmtShape, randomData } from './data.js';
import type { Workload } from './harness.js';
import { CONV_SHAPES, CORR2D_SHAPE } from './shapes.js';
import { type TfBackend, tf, tfContenders } from './tfjs.js';
import { torchletContenders } from './torchlet.js';

export { forwardBackwardFlops } from './conv-spec.js';

/**
 * tfjs-cpu's Conv2DBackpropFilter walks NHWC with poor locality: on the ResNet block one call takes
 * minutes on this class of machine. It is measured in full runs and skipped by `--quick`.
 */
const SLOW_TFJS: Readonly<Record<string, Partial<Record<ConvOp, readonly TfBackend[]>>>> = {
  'ResNet block': { 'conv2d backward weight': ['cpu'], 'conv2d forward+backward': ['cpu'] },
};

/** Shapes that also get the combined forward + input gradient + weight gradient workload. */
const FORWARD_BACKWARD_SHAPES: readonly string[] = ['LeNet conv1', 'ResNet block'];

/** d2l's edge image: 6x8 ones with columns 2..5 zero (`X[:, 2:6] = 0`). */
export function edgeImage(): Float32Array {
  const x = new Float32Array(6 * 8).fill(1);
  for (let i = 0; i < 6; i++) for (let j = 2; j < 6; j++) x[i * 8 + j] = 0;
  return x;
}

/** `corr2d(X, [[1, -1]])` of {@link edgeImage}: the 6x7 target `Y` of the learn-a-kernel loop. */
export function edgeTarget(x: Float32Array = edgeImage()): Float32Array {
  const y = new Float32Array(6 * 7);
  for (let i = 0; i < 6; i++) for (let j = 0; j < 7; j++) y[i * 7 + j] = x[i * 8 + j] - x[i * 8 + j + 1];
  return y;
}

/** The learn-a-kernel loop's settings: the book's 10 epochs at lr 0.03, from a fixed starting kernel. */
export const LEARN_KERNEL = { epochs: 10, lr: 0.03, init: [0.5, -0.25] } as const;

/**
 * The book's loop with torchlet: `Y_hat = conv(X)`, `l = (Y_hat - Y) ** 2`, zero the gradient,
 * `l.sum().backward()`, `weight.data -= lr * grad`. Returns the learned weight.
 */
export function torchletLearnKernel(layer: Conv2d, X: Tensor, Y: Tensor, init: Tensor): Tensor {
  layer.weight.data.copyInPlace(init);
  for (let i = 0; i < LEARN_KERNEL.epochs; i++) {
    const Yhat = layer.forward(X);
    const l = Yhat.sub(Y).pow(2);
    layer.zeroGrad();
    l.sum().backward();
    layer.weight.data.subInPlace(layer.weight.grad as Tensor, LEARN_KERNEL.lr);
  }
  return layer.weight.data;
}

/** The convolution family's workloads. */
export function convWorkloads(): Workload[] {
  const workloads: Workload[] = [];
  for (const s of CONV_SHAPES) {
    const g = convGeometry(s);
    const cases = convCases(g);
    const slow = SLOW_TFJS[s.label] ?? {};
    const ops = FORWARD_BACKWARD_SHAPES.includes(s.label)
      ? CONV_OPS
      : CONV_OPS.filter((op) => op !== 'conv2d forward+backward');
    for (const op of ops) {
      workloads.push({
        family: 'conv',
        name: op,
        shape: g.label,
        flops: convOpFlops(g, op),
        contenders: [
          ...torchletContenders(cases[op].torchlet),
          ...tfContenders(cases[op].tfjs, { slowOn: slow[op] ?? [] }),
        ],
      });
    }
  }

  {
    const [h, w] = CORR2D_SHAPE.image;
    const [kh, kw] = CORR2D_SHAPE.kernel;
    const xData = randomData(h * w, 4);
    const kData = randomData(kh * kw, 5);
    const oh = h - kh + 1;
    const ow = w - kw + 1;
    workloads.push({
      family: 'conv',
      name: 'corr2d',
      shape: `${CORR2D_SHAPE.label} ${fmtShape([h, w])} * ${fmtShape([kh, kw])}`,
      flops: 2 * oh * ow * kh * kw,
      contenders: [
        ...torchletContenders(() => {
          const X = fromStorage(xData, [h, w]);
          const K = fromStorage(kData, [kh, kw]);
          return () => corr2d(X, K);
        }),
        // tfjs has no 2-D corr2d: the same numbers through conv2d on [1,H,W,1] x [kh,kw,1,1].
        ...tfContenders(() => {
          const X = tf.tensor4d(xData, [1, h, w, 1]);
          const K = tf.tensor4d(kData, [kh, kw, 1, 1]);
          return { run: () => tf.conv2d(X, K, 1, 'valid'), inputs: [X, K] };
        }),
      ],
    });
  }

  {
    const xData = edgeImage();
    const yData = edgeTarget(xData);
    const init = Float32Array.from(LEARN_KERNEL.init);
    workloads.push({
      family: 'conv',
      name: `learn a kernel (${LEARN_KERNEL.epochs} epochs, lr ${LEARN_KERNEL.lr})`,
      shape: 'd2l toy [1,1,6,8] * [1,1,1,2], Conv2d(1,1,[1,2],bias=false) + autograd',
      contenders: [
        ...torchletContenders(() => {
          const layer = new Conv2d(1, 1, [1, 2], { bias: false });
          const X = fromStorage(xData, [1, 1, 6, 8]);
          const Y = fromStorage(yData, [1, 1, 6, 7]);
          const w0 = fromStorage(init, [1, 1, 1, 2]);
          return () => torchletLearnKernel(layer, X, Y, w0);
        }),
        // tfjs: the same loop with a tf.variable kernel and tf.grad; tfjs-wasm has no
        // Conv2DBackpropFilter, so it cannot compute the kernel's gradient.
        ...tfContenders(() => {
          const X = tf.tensor4d(xData, [1, 6, 8, 1]);
          const Y = tf.tensor4d(yData, [1, 6, 7, 1]);
          const w0 = tf.tensor4d(init, [1, 2, 1, 1]);
          const K = tf.variable(tf.clone(w0));
          const grad = tf.grad((k: tf.Tensor) =>
            tf.sum(tf.square(tf.sub(tf.conv2d(X, k as tf.Tensor4D, 1, 'valid'), Y))),
          );
          return {
            run: () => {
              K.assign(w0);
              for (let i = 0; i < LEARN_KERNEL.epochs; i++) {
                tf.tidy(() => {
                  K.assign(tf.sub(K, tf.mul(grad(K), LEARN_KERNEL.lr)));
                });
              }
              return tf.clone(K); // [1,2,1,1] HWIO holds the same order as [1,1,1,2] OIHW
            },
            inputs: [X, Y, w0, K],
          };
        }),
      ],
    });
  }
  return workloads;
}
