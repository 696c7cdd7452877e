// A batch-1 layer of the Node `nets` family in the page (runs in the browser, and in Node for the
// tests): torchlet's `conv2d` with the layer's options and tfjs's closest op, as ../bench-nets.ts
// builds them (which imports Node-only modules), on the same seeded data (spec.ts's NET_SEEDS).
// tfjs has no grouped conv2d: a grouped, non-depthwise layer's tfjs cell reads `n/a (no kernel)`.

import * as tf from '@tensorflow/tfjs-core';
import { conv2d } from '@torchlet/ops';
import { fromStorage, type Tensor } from '@torchlet/tensor';
import { NCHW_TO_NHWC, NHWC_TO_NCHW, OIHW_TO_HWIO, permuteData, permuteShape, randomData } from '../data.js';
import type { TfCase } from '../tfjs.js';
import { NET_SEEDS, type NetConvLayer, netConvOutShape } from './spec.js';

type Shape4 = [number, number, number, number];

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** The builders of one layer's torchlet and tfjs contenders. */
export interface NetConvCase {
  readonly torchlet: () => () => Tensor;
  readonly tfjs: () => TfCase;
}

/** The cases of a NET_LAYERS conv: its data made once, each contender's inputs on first use. */
export function netConvCase(l: NetConvLayer): NetConvCase {
  const inShape: Shape4 = [...l.input];
  const wShape: Shape4 = [...l.weight];
  const outShape = netConvOutShape(l);
  const [, cin] = inShape;
  const [cout, , kh, kw] = wShape;
  const xData = randomData(size(inShape), NET_SEEDS.x);
  const wData = randomData(size(wShape), NET_SEEDS.w);
  const options = { stride: l.stride, padding: l.padding, dilation: l.dilation, groups: l.groups };
  const depthwise = l.groups === cin && l.groups === cout;
  return {
    torchlet: () => {
      const x = fromStorage(xData, inShape);
      const w = fromStorage(wData, wShape);
      return () => conv2d(x, w, null, options);
    },
    tfjs: () => {
      if (l.groups > 1 && !depthwise) throw new Error('tfjs has no grouped conv2d: no kernel');
      const xTf = permuteShape(inShape, NCHW_TO_NHWC) as Shape4;
      const outTf = permuteShape(outShape, NCHW_TO_NHWC) as Shape4;
      const x = tf.tensor4d(permuteData(xData, inShape, NCHW_TO_NHWC), xTf);
      // OIHW [C,1,kh,kw] -> HWIO [kh,kw,1,C] holds the same order as depthwise's [kh,kw,C,1].
      const hwio = permuteData(wData, wShape, OIHW_TO_HWIO);
      const f = depthwise
        ? tf.tensor4d(hwio, [kh, kw, cin, 1])
        : tf.tensor4d(hwio, permuteShape(wShape, OIHW_TO_HWIO) as Shape4);
      const dil: [number, number] = [l.dilation, l.dilation];
      return {
        run: () =>
          depthwise
            ? tf.depthwiseConv2d(x, f, l.stride, l.padding, 'NHWC', dil)
            : tf.conv2d(x, f, l.stride, l.padding, 'NHWC', dil),
        toCanonical: (d) => permuteData(d, outTf, NHWC_TO_NCHW),
        inputs: [x, f],
      };
    },
  };
}
