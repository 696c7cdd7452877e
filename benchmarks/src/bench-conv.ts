// Convolution workloads: conv2d forward and both backward kernels on the d2l toy, LeNet's conv1
// and a ResNet block conv, plus d2l's corr2d on the toy.
//
// The tfjs peers: tf.conv2d (Conv2D), tf.conv2dTranspose (its kernel is Conv2DBackpropInput, the
// input gradient) and the Conv2DBackpropFilter kernel called through tf.engine().runKernel - the
// kernel tf.grad runs for the filter gradient, without the forward pass tf.grad would add.
// tfjs-backend-wasm registers no Conv2DBackpropFilter, so that cell reads "n/a (no kernel)".

import { Conv2d } from '@torchlet/nn';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight, corr2d } from '@torchlet/ops';
import { fromStorage, type Tensor } from '@torchlet/tensor';
import {
  fmtShape,
  HWIO_TO_OIHW,
  NCHW_TO_NHWC,
  NHWC_TO_NCHW,
  OIHW_TO_HWIO,
  permuteData,
  permuteShape,
  randomData,
} from './data.js';
import { convFlops, convOutSize, type Workload } from './harness.js';
import { CONV_SHAPES, CORR2D_SHAPE, type ConvShape } from './shapes.js';
import { type TfBackend, tf, tfContenders } from './tfjs.js';
import { torchletContenders } from './torchlet.js';

type Shape4 = [number, number, number, number];
type TfPad = 'valid' | 'same' | number;

/** tfjs's padding for a stride-1 conv: 'valid', 'same' (when it keeps the size) or an explicit int. */
function tfPad(s: ConvShape): TfPad {
  const [ph, pw] = s.padding;
  const [, , kh, kw] = s.weight;
  if (ph === 0 && pw === 0) return 'valid';
  if (2 * ph === kh - 1 && 2 * pw === kw - 1) return 'same';
  if (ph === pw) return ph;
  throw new Error(`tfjs conv: asymmetric padding ${fmtShape(s.padding)} is not expressible in this benchmark`);
}

/**
 * tfjs-cpu's Conv2DBackpropFilter walks NHWC with poor locality: on the ResNet block one call takes
 * minutes on this class of machine. It is measured in full runs and skipped by `--quick`.
 */
const SLOW_TFJS: Readonly<Record<string, Partial<Record<string, readonly TfBackend[]>>>> = {
  'ResNet block': { 'conv2d backward weight': ['cpu'], 'conv2d forward+backward': ['cpu'] },
};

/** Shapes that also get the combined forward + input gradient + weight gradient workload. */
const FORWARD_BACKWARD_SHAPES: readonly string[] = ['LeNet conv1', 'ResNet block'];

/** FLOPs of forward + input gradient + weight gradient: three times the forward's. */
export function forwardBackwardFlops(forwardFlops: number): number {
  return 3 * forwardFlops;
}

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
    const [n, cin, h, w] = s.input;
    const [cout, , kh, kw] = s.weight;
    const [ph, pw] = s.padding;
    const outShape: Shape4 = [n, cout, convOutSize(h, kh, ph), convOutSize(w, kw, pw)];
    const inShape: Shape4 = [...s.input];
    const wShape: Shape4 = [...s.weight];
    const flops = convFlops({
      batch: n,
      inChannels: cin,
      outChannels: cout,
      outH: outShape[2],
      outW: outShape[3],
      kh,
      kw,
    });
    const xData = randomData(n * cin * h * w, 1);
    const wData = randomData(cout * cin * kh * kw, 2);
    const dyData = randomData(
      outShape.reduce((a, b) => a * b, 1),
      3,
    );
    const options = { padding: [ph, pw] as const };
    const pad = tfPad(s);
    // tfjs layouts, converted once here, outside every timed region.
    const xNhwc = permuteData(xData, inShape, NCHW_TO_NHWC);
    const wHwio = permuteData(wData, wShape, OIHW_TO_HWIO);
    const dyNhwc = permuteData(dyData, outShape, NCHW_TO_NHWC);
    const xShapeTf = permuteShape(inShape, NCHW_TO_NHWC) as Shape4;
    const wShapeTf = permuteShape(wShape, OIHW_TO_HWIO) as Shape4;
    const dyShapeTf = permuteShape(outShape, NCHW_TO_NHWC) as Shape4;
    const nhwcToNchw = (shapeTf: Shape4) => (d: Float32Array) => permuteData(d, shapeTf, NHWC_TO_NCHW);
    const label = `${s.label} ${fmtShape(inShape)} * ${fmtShape(wShape)}${ph || pw ? ` pad ${ph === pw ? ph : fmtShape(s.padding)}` : ''}`;
    const slow = SLOW_TFJS[s.label] ?? {};

    workloads.push({
      family: 'conv',
      name: 'conv2d forward',
      shape: label,
      flops,
      contenders: [
        ...torchletContenders(() => {
          const x = fromStorage(xData, inShape);
          const wt = fromStorage(wData, wShape);
          return () => conv2d(x, wt, null, options);
        }),
        ...tfContenders(
          () => {
            const x = tf.tensor4d(xNhwc, xShapeTf);
            const f = tf.tensor4d(wHwio, wShapeTf);
            return { run: () => tf.conv2d(x, f, 1, pad), toCanonical: nhwcToNchw(dyShapeTf), inputs: [x, f] };
          },
          { slowOn: slow['conv2d forward'] ?? [] },
        ),
      ],
    });

    workloads.push({
      family: 'conv',
      name: 'conv2d backward input',
      shape: label,
      flops,
      contenders: [
        ...torchletContenders(() => {
          const dy = fromStorage(dyData, outShape);
          const wt = fromStorage(wData, wShape);
          return () => conv2dBackwardInput(dy, inShape, wt, options);
        }),
        ...tfContenders(
          () => {
            const dy = tf.tensor4d(dyNhwc, dyShapeTf);
            const f = tf.tensor4d(wHwio, wShapeTf);
            return {
              run: () => tf.conv2dTranspose(dy, f, xShapeTf, 1, pad),
              toCanonical: nhwcToNchw(xShapeTf),
              inputs: [dy, f],
            };
          },
          { slowOn: slow['conv2d backward input'] ?? [] },
        ),
      ],
    });

    workloads.push({
      family: 'conv',
      name: 'conv2d backward weight',
      shape: label,
      flops,
      contenders: [
        ...torchletContenders(() => {
          const dy = fromStorage(dyData, outShape);
          const x = fromStorage(xData, inShape);
          return () => conv2dBackwardWeight(dy, x, wShape, options);
        }),
        ...tfContenders(
          () => {
            const x = tf.tensor4d(xNhwc, xShapeTf);
            const dy = tf.tensor4d(dyNhwc, dyShapeTf);
            const attrs: tf.NamedAttrMap = { strides: [1, 1], pad, dataFormat: 'NHWC', filterShape: wShapeTf };
            return {
              run: () => tf.engine().runKernel<tf.Tensor>(tf.Conv2DBackpropFilter, { x, dy }, attrs),
              toCanonical: (d) => permuteData(d, wShapeTf, HWIO_TO_OIHW),
              inputs: [x, dy],
            };
          },
          { slowOn: slow['conv2d backward weight'] ?? [] },
        ),
      ],
    });

    if (FORWARD_BACKWARD_SHAPES.includes(s.label)) {
      workloads.push({
        family: 'conv',
        name: 'conv2d forward+backward',
        shape: label,
        flops: forwardBackwardFlops(flops),
        contenders: [
          ...torchletContenders(() => {
            const x = fromStorage(xData, inShape);
            const wt = fromStorage(wData, wShape);
            const dy = fromStorage(dyData, outShape);
            return () => [
              conv2d(x, wt, null, options),
              conv2dBackwardInput(dy, inShape, wt, options),
              conv2dBackwardWeight(dy, x, wShape, options),
            ];
          }),
          ...tfContenders(
            () => {
              const x = tf.tensor4d(xNhwc, xShapeTf);
              const f = tf.tensor4d(wHwio, wShapeTf);
              const dy = tf.tensor4d(dyNhwc, dyShapeTf);
              const attrs: tf.NamedAttrMap = { strides: [1, 1], pad, dataFormat: 'NHWC', filterShape: wShapeTf };
              const back = [
                nhwcToNchw(dyShapeTf),
                nhwcToNchw(xShapeTf),
                (d: Float32Array) => permuteData(d, wShapeTf, HWIO_TO_OIHW),
              ];
              return {
                run: () => [
                  tf.conv2d(x, f, 1, pad),
                  tf.conv2dTranspose(dy, f, xShapeTf, 1, pad),
                  tf.engine().runKernel<tf.Tensor>(tf.Conv2DBackpropFilter, { x, dy }, attrs),
                ],
                toCanonical: (d, part) => back[part](d),
                inputs: [x, f, dy],
              };
            },
            { slowOn: slow['conv2d forward+backward'] ?? [] },
          ),
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
