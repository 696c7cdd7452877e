// The `nets` family (issue 12): every layer shape a real CNN runs (shapes.ts's NET_LAYERS), at
// batch 1 and batch 8, against tfjs-wasm and onnxruntime-web's WebAssembly build, forward only.
// torchlet runs what a user would call: `conv2d` with the layer's options, `maxPool2d`,
// `adaptiveAvgPool2d(x, 1)` and an `nn.BatchNorm2d` in eval mode under `noGrad` followed by `relu`;
// tfjs its closest ops (NHWC); onnxruntime-web a one-node (BatchNorm + ReLU: two-node) model.
// tfjs-cpu and torchlet-js are left out: they take seconds on these shapes and no target names them.

import { noGrad, relu } from '@torchlet/autograd';
import { BatchNorm2d } from '@torchlet/nn';
import { adaptiveAvgPool2d, conv2d, conv2dBackwardInput, conv2dBackwardWeight, maxPool2d } from '@torchlet/ops';
import { fromStorage } from '@torchlet/tensor';
import { fmtShape, NCHW_TO_NHWC, NHWC_TO_NCHW, OIHW_TO_HWIO, permuteData, permuteShape, randomData } from './data.js';
import { convFlops, convOutSize, type Workload } from './harness.js';
import { onnxModel } from './onnx-model.js';
import { ortContenders } from './ort.js';
import { NET_BATCHES, NET_LAYERS, type NetLayer } from './shapes.js';
import { type TfCase, tf, tfContenders } from './tfjs.js';
import { torchletContenders } from './torchlet.js';

type Shape4 = [number, number, number, number];

/** tfjs-wasm only (tfjs-cpu takes seconds here). */
const tfWasm = (build: () => TfCase) => tfContenders(build).filter((c) => c.name === 'tfjs-wasm');
/** torchlet on WebAssembly, one thread and every core. */
const torchlet = (build: Parameters<typeof torchletContenders>[0]) =>
  torchletContenders(build, { skip: ['torchlet-js'] });

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** The layer's output shape. */
export function netOutShape(l: NetLayer): Shape4 {
  const [n, c, h, w] = l.input;
  if (l.kind === 'conv') {
    const [cout, , kh, kw] = l.weight;
    return [
      n,
      cout,
      convOutSize(h, kh, l.padding, l.stride, l.dilation),
      convOutSize(w, kw, l.padding, l.stride, l.dilation),
    ];
  }
  if (l.kind === 'maxpool')
    return [n, c, convOutSize(h, l.kernel, l.padding, l.stride), convOutSize(w, l.kernel, l.padding, l.stride)];
  if (l.kind === 'gap') return [n, c, 1, 1];
  return [n, c, h, w];
}

/** The table label of a layer, e.g. `[8,144,56,56] * [144,1,3,3] s2 p1 g144`. */
export function netLabel(l: NetLayer): string {
  if (l.kind === 'conv') {
    const opts = [
      l.stride > 1 ? `s${l.stride}` : '',
      l.padding > 0 ? `p${l.padding}` : '',
      l.dilation > 1 ? `d${l.dilation}` : '',
      l.groups > 1 ? `g${l.groups}` : '',
    ].filter(Boolean);
    return `${fmtShape(l.input)} * ${fmtShape(l.weight)}${opts.length ? ` ${opts.join(' ')}` : ''}`;
  }
  if (l.kind === 'maxpool') return `${fmtShape(l.input)} k${l.kernel} s${l.stride} p${l.padding}`;
  return fmtShape(l.input);
}

function convWorkload(l: Extract<NetLayer, { kind: 'conv' }>): Workload {
  const inShape: Shape4 = [...l.input];
  const wShape: Shape4 = [...l.weight];
  const outShape = netOutShape(l);
  const [, cin] = inShape;
  const [cout, , kh, kw] = wShape;
  const xData = randomData(size(inShape), 11);
  const wData = randomData(size(wShape), 12);
  const options = { stride: l.stride, padding: l.padding, dilation: l.dilation, groups: l.groups };
  const depthwise = l.groups === cin && l.groups === cout;
  const xTf = permuteShape(inShape, NCHW_TO_NHWC) as Shape4;
  const outTf = permuteShape(outShape, NCHW_TO_NHWC) as Shape4;
  const wTf = permuteShape(wShape, OIHW_TO_HWIO) as Shape4;
  return {
    family: 'nets',
    name: l.family,
    shape: netLabel(l),
    flops: convFlops({
      batch: inShape[0],
      inChannels: cin,
      outChannels: cout,
      outH: outShape[2],
      outW: outShape[3],
      kh,
      kw,
      groups: l.groups,
    }),
    contenders: [
      ...torchlet(() => {
        const x = fromStorage(xData, inShape);
        const w = fromStorage(wData, wShape);
        return () => conv2d(x, w, null, options);
      }),
      ...tfWasm(() => {
        if (l.groups > 1 && !depthwise) throw new Error('tfjs has no grouped conv2d: no kernel');
        const x = tf.tensor4d(permuteData(xData, inShape, NCHW_TO_NHWC), xTf);
        // OIHW [C,1,kh,kw] -> HWIO [kh,kw,1,C] holds the same order as depthwise's [kh,kw,C,1].
        const hwio = permuteData(wData, wShape, OIHW_TO_HWIO);
        const f = depthwise ? tf.tensor4d(hwio, [kh, kw, cin, 1]) : tf.tensor4d(hwio, wTf);
        const dil: [number, number] = [l.dilation, l.dilation];
        return {
          run: () =>
            depthwise
              ? tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, l.stride, l.padding, 'NHWC', dil)
              : tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, l.stride, l.padding, 'NHWC', dil),
          toCanonical: (d) => permuteData(d, outTf, NHWC_TO_NCHW),
          inputs: [x, f],
        };
      }),
      ...ortContenders(() => ({
        model: onnxModel(
          inShape,
          [
            {
              op: 'Conv',
              inputs: ['x', 'w'],
              outputs: ['y'],
              attrs: {
                kernel_shape: [kh, kw],
                strides: [l.stride, l.stride],
                pads: [l.padding, l.padding, l.padding, l.padding],
                dilations: [l.dilation, l.dilation],
                group: l.groups,
              },
            },
          ],
          [{ name: 'w', dims: wShape, data: wData }],
        ),
        input: xData,
        inShape,
      })),
    ],
  };
}

function otherWorkload(l: Exclude<NetLayer, { kind: 'conv' }>): Workload {
  const inShape: Shape4 = [...l.input];
  const outShape = netOutShape(l);
  const c = inShape[1];
  const xData = randomData(size(inShape), 21);
  const xTf = permuteShape(inShape, NCHW_TO_NHWC) as Shape4;
  const outTf = permuteShape(outShape, NCHW_TO_NHWC) as Shape4;
  const toNchw = (d: Float32Array) => permuteData(d, outTf, NHWC_TO_NCHW);
  // BatchNorm's parameters and running statistics (variance kept away from zero).
  const gamma = randomData(c, 22);
  const beta = randomData(c, 23);
  const mean = randomData(c, 24);
  const variance = randomData(c, 25).map((v) => 1 + 0.5 * v);
  const eps = 1e-5;
  let torchletBuild: Parameters<typeof torchletContenders>[0];
  let tfBuild: (x: tf.Tensor4D) => { run: () => tf.Tensor; inputs: tf.Tensor[] };
  let model: Uint8Array;
  if (l.kind === 'maxpool') {
    const { kernel, stride, padding } = l;
    torchletBuild = () => {
      const x = fromStorage(xData, inShape);
      return () => maxPool2d(x, kernel, { stride, padding });
    };
    tfBuild = (x) => ({ run: () => tf.maxPool(x, kernel, stride, padding), inputs: [] });
    model = onnxModel(inShape, [
      {
        op: 'MaxPool',
        inputs: ['x'],
        outputs: ['y'],
        attrs: {
          kernel_shape: [kernel, kernel],
          strides: [stride, stride],
          pads: [padding, padding, padding, padding],
        },
      },
    ]);
  } else if (l.kind === 'gap') {
    torchletBuild = () => {
      const x = fromStorage(xData, inShape);
      return () => adaptiveAvgPool2d(x, 1);
    };
    tfBuild = (x) => ({ run: () => tf.mean(x, [1, 2], true), inputs: [] });
    model = onnxModel(inShape, [{ op: 'GlobalAveragePool', inputs: ['x'], outputs: ['y'] }]);
  } else {
    torchletBuild = () => {
      const x = fromStorage(xData, inShape);
      const bn = new BatchNorm2d(c, { eps });
      (bn.weight?.data ?? bn.runningMean).copyInPlace(fromStorage(gamma, [c]));
      bn.bias?.data.copyInPlace(fromStorage(beta, [c]));
      bn.runningMean.copyInPlace(fromStorage(mean, [c]));
      bn.runningVar.copyInPlace(fromStorage(variance, [c]));
      bn.eval();
      return () => noGrad(() => relu(bn.forward(x))).data;
    };
    tfBuild = (x) => {
      const m = tf.tensor1d(mean);
      const v = tf.tensor1d(variance);
      const o = tf.tensor1d(beta);
      const s = tf.tensor1d(gamma);
      return { run: () => tf.relu(tf.batchNorm(x, m, v, o, s, eps)), inputs: [m, v, o, s] };
    };
    model = onnxModel(
      inShape,
      [
        {
          op: 'BatchNormalization',
          inputs: ['x', 'scale', 'B', 'mean', 'var'],
          outputs: ['t'],
          attrs: { epsilon: { float: eps } },
        },
        { op: 'Relu', inputs: ['t'], outputs: ['y'] },
      ],
      [
        { name: 'scale', dims: [c], data: gamma },
        { name: 'B', dims: [c], data: beta },
        { name: 'mean', dims: [c], data: mean },
        { name: 'var', dims: [c], data: variance },
      ],
    );
  }
  return {
    family: 'nets',
    name: l.family,
    shape: netLabel(l),
    contenders: [
      ...torchlet(torchletBuild),
      ...tfWasm(() => {
        const x = tf.tensor4d(permuteData(xData, inShape, NCHW_TO_NHWC), xTf);
        const b = tfBuild(x);
        return { run: b.run, toCanonical: toNchw, inputs: [x, ...b.inputs] };
      }),
      ...ortContenders(() => ({ model, input: xData, inShape })),
    ],
  };
}

/** The suffixes of the gradient workloads' names (`depthwise 3x3 input grad`). */
export const GRAD_SUFFIX = { input: 'input grad', weight: 'weight grad' } as const;

/**
 * Whether tfjs-wasm has the kernel of a conv layer's gradient: `Conv2DBackpropInput`
 * (`tf.conv2dTranspose`) for dense, undilated convs; it registers no `Conv2DBackpropFilter` and
 * no depthwise backprop kernel, has no grouped conv, and tfjs's conv2d gradient refuses dilation.
 */
export function tfjsWasmHasGrad(l: Extract<NetLayer, { kind: 'conv' }>, which: 'input' | 'weight'): boolean {
  return which === 'input' && l.groups === 1 && l.dilation === 1;
}

/**
 * The input and weight gradients of a conv layer (`conv2dBackwardInput` / `conv2dBackwardWeight`
 * with the layer's options), against tfjs-wasm where it has the kernel
 * ({@link tfjsWasmHasGrad}); onnxruntime-web runs inference only, so where tfjs-wasm lacks the
 * kernel the row has no peer and its GFLOP/s is the number to read (FLOPs as the forward's).
 */
function convGradWorkloads(l: Extract<NetLayer, { kind: 'conv' }>): Workload[] {
  const inShape: Shape4 = [...l.input];
  const wShape: Shape4 = [...l.weight];
  const outShape = netOutShape(l);
  const [, cin] = inShape;
  const [cout, , kh, kw] = wShape;
  // Made on first use (these workloads are many; each builder runs once per contender).
  const xData = () => randomData(size(inShape), 11);
  const wData = () => randomData(size(wShape), 12);
  const dyData = () => randomData(size(outShape), 13);
  const options = { stride: l.stride, padding: l.padding, dilation: l.dilation, groups: l.groups };
  const xTf = permuteShape(inShape, NCHW_TO_NHWC) as Shape4;
  const dyTf = permuteShape(outShape, NCHW_TO_NHWC) as Shape4;
  const wTf = permuteShape(wShape, OIHW_TO_HWIO) as Shape4;
  const flops = convFlops({
    batch: inShape[0],
    inChannels: cin,
    outChannels: cout,
    outH: outShape[2],
    outW: outShape[3],
    kh,
    kw,
    groups: l.groups,
  });
  const noKernel = (which: string) => () => {
    throw new Error(`tfjs-backend-wasm has no ${which} kernel for this conv: no kernel`);
  };
  const input: Workload = {
    family: 'nets',
    name: `${l.family} ${GRAD_SUFFIX.input}`,
    shape: netLabel(l),
    flops,
    contenders: [
      ...torchlet(() => {
        const dy = fromStorage(dyData(), outShape);
        const w = fromStorage(wData(), wShape);
        return () => conv2dBackwardInput(dy, inShape, w, options);
      }),
      ...tfWasm(
        tfjsWasmHasGrad(l, 'input')
          ? () => {
              const dy = tf.tensor4d(permuteData(dyData(), outShape, NCHW_TO_NHWC), dyTf);
              const f = tf.tensor4d(permuteData(wData(), wShape, OIHW_TO_HWIO), wTf);
              return {
                run: () => tf.conv2dTranspose(dy, f, xTf, l.stride, l.padding),
                toCanonical: (d) => permuteData(d, xTf, NHWC_TO_NCHW),
                inputs: [dy, f],
              };
            }
          : noKernel('Conv2DBackpropInput'),
      ),
    ],
  };
  const weight: Workload = {
    family: 'nets',
    name: `${l.family} ${GRAD_SUFFIX.weight}`,
    shape: netLabel(l),
    flops,
    contenders: [
      ...torchlet(() => {
        const dy = fromStorage(dyData(), outShape);
        const x = fromStorage(xData(), inShape);
        return () => conv2dBackwardWeight(dy, x, wShape, options);
      }),
      ...tfWasm(noKernel('Conv2DBackpropFilter')),
    ],
  };
  return [input, weight];
}

/**
 * The `nets` family's workloads: every layer of {@link NET_LAYERS} at each batch of
 * {@link NET_BATCHES}, forward; then every conv layer's input and weight gradients.
 */
export function netWorkloads(): Workload[] {
  const out: Workload[] = [];
  const grads: Workload[] = [];
  for (const batch of NET_BATCHES) {
    for (const layer of NET_LAYERS) {
      const l = { ...layer, input: [batch, ...layer.input.slice(1)] as unknown as Shape4 } as NetLayer;
      out.push(l.kind === 'conv' ? convWorkload(l) : otherWorkload(l));
      if (l.kind === 'conv') grads.push(...convGradWorkloads(l));
    }
  }
  return [...out, ...grads];
}
