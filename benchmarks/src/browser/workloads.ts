// The browser workloads (runs in the page): the same ops, data and tfjs peers as the Node suite's
// bench-tensor.ts / bench-conv.ts (which import Node-only modules, so the page builds its own from
// the shared spec.ts, shapes.ts and data.ts). tfjs here is tfjs-core + tfjs-backend-wasm only.

import * as tf from '@tensorflow/tfjs-core';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from '@torchlet/ops';
import { fromStorage, matmul, type Tensor } from '@torchlet/tensor';
import {
  HWIO_TO_OIHW,
  NCHW_TO_NHWC,
  NHWC_TO_NCHW,
  OIHW_TO_HWIO,
  permuteData,
  permuteShape,
  randomData,
} from '../data.js';
import type { Contender, Prepared, TorchletName, Workload } from '../harness.js';
import type { TfCase } from '../tfjs.js';
import { concatOutputs, TORCHLET_CONFIGS, torchletContenders } from '../torchlet.js';
import type { PageSetup } from './protocol.js';
import { type BrowserWorkloadSpec, convGeometry, convShape, describeWorkload } from './spec.js';

type Shape4 = [number, number, number, number];

/**
 * The tfjs-wasm contender of one workload, with the backend already active: `build` creates the
 * inputs once; each timed call runs the op, reads the result with `dataSync()` and disposes it.
 */
export function tfjsWasmContender(build: () => TfCase): Contender {
  return {
    name: 'tfjs-wasm',
    prepare: (): Prepared => {
      const c = build();
      const run = (): (Float32Array | Int32Array | Uint8Array)[] => {
        const y = tf.tidy(c.run);
        const ys = Array.isArray(y) ? y : [y];
        const data = ys.map((t) => t.dataSync());
        tf.dispose(ys);
        return data;
      };
      return {
        run,
        output: () =>
          concatOutputs(
            run().map((part, i) => {
              const data = Float32Array.from(part);
              return c.toCanonical ? c.toCanonical(data, i) : data;
            }),
          ),
        dispose: () => tf.dispose([...c.inputs]),
      };
    },
  };
}

/** Builds one workload for a page load: its torchlet configurations, then tfjs-wasm. */
export function browserWorkload(spec: BrowserWorkloadSpec, setup: PageSetup): Workload {
  const { family, name, shape, flops } = describeWorkload(spec);
  const skip = (Object.keys(TORCHLET_CONFIGS) as TorchletName[]).filter((n) => !setup.torchlet.includes(n));
  const torchlet = (build: () => () => Tensor | readonly Tensor[]): Contender[] => torchletContenders(build, { skip });

  if (spec.op === 'matmul') {
    const n = spec.size;
    const aData = randomData(n * n, 30 + n);
    const bData = randomData(n * n, 31 + n);
    return {
      family,
      name,
      shape,
      flops,
      contenders: [
        ...torchlet(() => {
          const x = fromStorage(aData, [n, n]);
          const y = fromStorage(bData, [n, n]);
          return () => matmul(x, y);
        }),
        tfjsWasmContender(() => {
          const x = tf.tensor(aData, [n, n]);
          const y = tf.tensor(bData, [n, n]);
          return { run: () => tf.matMul(x, y), inputs: [x, y] };
        }),
      ],
    };
  }

  const g = convGeometry(convShape(spec.conv));
  const { inShape, wShape, outShape, tfPad: pad } = g;
  const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
  // The Node suite's seeds, so both suites convolve the same numbers.
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
  const base = { family, name, shape, flops };

  if (spec.op === 'conv2d forward') {
    return {
      ...base,
      contenders: [
        ...torchlet(() => {
          const x = fromStorage(xData, inShape);
          const wt = fromStorage(wData, wShape);
          return () => conv2d(x, wt, null, options);
        }),
        tfjsWasmContender(() => {
          const x = tf.tensor4d(xNhwc, xShapeTf);
          const f = tf.tensor4d(wHwio, wShapeTf);
          return { run: () => tf.conv2d(x, f, 1, pad), toCanonical: nhwcToNchw(dyShapeTf), inputs: [x, f] };
        }),
      ],
    };
  }

  if (spec.op === 'conv2d backward input') {
    return {
      ...base,
      contenders: [
        ...torchlet(() => {
          const dy = fromStorage(dyData, outShape);
          const wt = fromStorage(wData, wShape);
          return () => conv2dBackwardInput(dy, inShape, wt, options);
        }),
        tfjsWasmContender(() => {
          const dy = tf.tensor4d(dyNhwc, dyShapeTf);
          const f = tf.tensor4d(wHwio, wShapeTf);
          return {
            run: () => tf.conv2dTranspose(dy, f, xShapeTf, 1, pad),
            toCanonical: nhwcToNchw(xShapeTf),
            inputs: [dy, f],
          };
        }),
      ],
    };
  }

  // Forward, input gradient and weight gradient in one call. tfjs's peer is the Node suite's:
  // tf.conv2d, tf.conv2dTranspose and the Conv2DBackpropFilter kernel, which tfjs-backend-wasm does
  // not register, so its first call fails with "not registered" and the cell reads n/a (no kernel).
  return {
    ...base,
    contenders: [
      ...torchlet(() => {
        const x = fromStorage(xData, inShape);
        const wt = fromStorage(wData, wShape);
        const dy = fromStorage(dyData, outShape);
        return () => [
          conv2d(x, wt, null, options),
          conv2dBackwardInput(dy, inShape, wt, options),
          conv2dBackwardWeight(dy, x, wShape, options),
        ];
      }),
      tfjsWasmContender(() => {
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
      }),
    ],
  };
}
