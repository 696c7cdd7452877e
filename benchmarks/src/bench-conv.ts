// Convolution workloads: conv2d forward and both backward kernels on the d2l toy, LeNet's conv1
// and a ResNet block conv, plus d2l's corr2d on the toy.
//
// The tfjs peers: tf.conv2d (Conv2D), tf.conv2dTranspose (its kernel is Conv2DBackpropInput, the
// input gradient) and the Conv2DBackpropFilter kernel called through tf.engine().runKernel - the
// kernel tf.grad runs for the filter gradient, without the forward pass tf.grad would add.
// tfjs-backend-wasm registers no Conv2DBackpropFilter, so that cell reads "n/a (no kernel)".

import { conv2d, conv2dBackwardInput, conv2dBackwardWeight, corr2d } from '@torchlet/ops';
import { fromStorage } from '@torchlet/tensor';
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
import { torchletContender } from './torchlet.js';

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
  'ResNet block': { 'conv2d backward weight': ['cpu'] },
};

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
        torchletContender(() => {
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
        torchletContender(() => {
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
        torchletContender(() => {
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
        torchletContender(() => {
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
  return workloads;
}
