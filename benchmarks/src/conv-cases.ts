// What the contenders of a conv workload time, shared by the Node suite (bench-conv.ts) and the
// browser page (browser/workloads.ts): the same data (NCHW for torchlet; NHWC/HWIO copies for
// tfjs, made once here, outside every timed region) and the same calls. Node-free: tfjs-core and
// torchlet only; each suite wraps the builders in its own contenders.
//
// tfjs's peers: tf.conv2d (Conv2D), tf.conv2dTranspose (its kernel is Conv2DBackpropInput, the
// input gradient) and the Conv2DBackpropFilter kernel called through tf.engine().runKernel - the
// kernel tf.grad runs for the filter gradient, without the forward pass tf.grad would add.
// tfjs-backend-wasm registers no Conv2DBackpropFilter, so its first call fails with "not
// registered" and the cell reads "n/a (no kernel)".

import * as tf from '@tensorflow/tfjs-core';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from '@torchlet/ops';
import { fromStorage, type Tensor } from '@torchlet/tensor';
import type { ConvGeometry, ConvOp, Shape4 } from './conv-spec.js';
import {
  HWIO_TO_OIHW,
  NCHW_TO_NHWC,
  NHWC_TO_NCHW,
  OIHW_TO_HWIO,
  permuteData,
  permuteShape,
  randomData,
} from './data.js';
import type { TfCase } from './tfjs.js';

/** The builders of one conv op's contenders: torchlet's timed call, and tfjs's case. */
export interface ConvCase {
  /** Creates the inputs once; returns the call each sample times. */
  readonly torchlet: () => () => Tensor | readonly Tensor[];
  /** Creates the inputs once, with the tfjs backend active. */
  readonly tfjs: () => TfCase;
}

/**
 * The cases of every conv op on `g`, on one set of numbers (seeds 1, 2 and 3 for x, w and dy, in
 * both suites); tfjs's results are turned back into NCHW/OIHW for the agreement check.
 */
export function convCases(g: ConvGeometry): Record<ConvOp, ConvCase> {
  const { inShape, wShape, outShape, tfPad: pad } = g;
  const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
  const xData = randomData(size(inShape), 1);
  const wData = randomData(size(wShape), 2);
  const dyData = randomData(size(outShape), 3);
  const options = { padding: g.padding };
  const xNhwc = permuteData(xData, inShape, NCHW_TO_NHWC);
  const wHwio = permuteData(wData, wShape, OIHW_TO_HWIO);
  const dyNhwc = permuteData(dyData, outShape, NCHW_TO_NHWC);
  const xShapeTf = permuteShape(inShape, NCHW_TO_NHWC) as Shape4;
  const wShapeTf = permuteShape(wShape, OIHW_TO_HWIO) as Shape4;
  const dyShapeTf = permuteShape(outShape, NCHW_TO_NHWC) as Shape4;
  const nhwcToNchw = (shapeTf: Shape4) => (d: Float32Array) => permuteData(d, shapeTf, NHWC_TO_NCHW);
  const hwioToOihw = (d: Float32Array) => permuteData(d, wShapeTf, HWIO_TO_OIHW);
  const filterAttrs: tf.NamedAttrMap = { strides: [1, 1], pad, dataFormat: 'NHWC', filterShape: wShapeTf };

  return {
    'conv2d forward': {
      torchlet: () => {
        const x = fromStorage(xData, inShape);
        const wt = fromStorage(wData, wShape);
        return () => conv2d(x, wt, null, options);
      },
      tfjs: () => {
        const x = tf.tensor4d(xNhwc, xShapeTf);
        const f = tf.tensor4d(wHwio, wShapeTf);
        return { run: () => tf.conv2d(x, f, 1, pad), toCanonical: nhwcToNchw(dyShapeTf), inputs: [x, f] };
      },
    },
    'conv2d backward input': {
      torchlet: () => {
        const dy = fromStorage(dyData, outShape);
        const wt = fromStorage(wData, wShape);
        return () => conv2dBackwardInput(dy, inShape, wt, options);
      },
      tfjs: () => {
        const dy = tf.tensor4d(dyNhwc, dyShapeTf);
        const f = tf.tensor4d(wHwio, wShapeTf);
        return {
          run: () => tf.conv2dTranspose(dy, f, xShapeTf, 1, pad),
          toCanonical: nhwcToNchw(xShapeTf),
          inputs: [dy, f],
        };
      },
    },
    'conv2d backward weight': {
      torchlet: () => {
        const dy = fromStorage(dyData, outShape);
        const x = fromStorage(xData, inShape);
        return () => conv2dBackwardWeight(dy, x, wShape, options);
      },
      tfjs: () => {
        const x = tf.tensor4d(xNhwc, xShapeTf);
        const dy = tf.tensor4d(dyNhwc, dyShapeTf);
        return {
          run: () => tf.engine().runKernel<tf.Tensor>(tf.Conv2DBackpropFilter, { x, dy }, filterAttrs),
          toCanonical: hwioToOihw,
          inputs: [x, dy],
        };
      },
    },
    'conv2d forward+backward': {
      torchlet: () => {
        const x = fromStorage(xData, inShape);
        const wt = fromStorage(wData, wShape);
        const dy = fromStorage(dyData, outShape);
        return () => [
          conv2d(x, wt, null, options),
          conv2dBackwardInput(dy, inShape, wt, options),
          conv2dBackwardWeight(dy, x, wShape, options),
        ];
      },
      tfjs: () => {
        const x = tf.tensor4d(xNhwc, xShapeTf);
        const f = tf.tensor4d(wHwio, wShapeTf);
        const dy = tf.tensor4d(dyNhwc, dyShapeTf);
        const back = [nhwcToNchw(dyShapeTf), nhwcToNchw(xShapeTf), hwioToOihw];
        return {
          run: () => [
            tf.conv2d(x, f, 1, pad),
            tf.conv2dTranspose(dy, f, xShapeTf, 1, pad),
            tf.engine().runKernel<tf.Tensor>(tf.Conv2DBackpropFilter, { x, dy }, filterAttrs),
          ],
          toCanonical: (d, part) => back[part](d),
          inputs: [x, f, dy],
        };
      },
    },
  };
}
