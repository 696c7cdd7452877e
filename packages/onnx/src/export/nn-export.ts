import type { TracedOp, Variable } from '@torchlet/autograd';
import { tensor } from '@torchlet/tensor';
import type { AttrValue, GraphBuilder } from './builder.js';
import { FUSED_BATCH_NORM } from './fuse-batchnorm.js';
import { type ExportImpl, emitReshape, operand, type Translated, unsupported } from './translate.js';

// Convolution, pooling and padding as ONNX nodes. Unbatched [C, H, W] inputs are given a batch of
// one around the node (ONNX's Conv and pools read dim 0 as the batch).

type Pair = [number, number];

function pair(v: unknown, fallback: number): Pair {
  if (v === undefined || v === null) return [fallback, fallback];
  if (typeof v === 'number') return [v, v];
  const a = v as readonly number[];
  return [a[0], a[1]];
}

/** Runs `body` on a 4-d name for `x`, adding and removing a batch of one for 3-d inputs. */
function batched(b: GraphBuilder, op: TracedOp, x: Variable, body: (xName: string) => string): Translated {
  if (x.ndim === 4) {
    const name = body(b.nameOf(x));
    const tx = b.tag(x);
    return { name, tag: tx !== null && tx.dim === 0 ? tx : null };
  }
  if (x.ndim !== 3) unsupported(op, `expected a 3-d or 4-d input, got rank ${x.ndim}`);
  const [x4] = b.node(
    'Unsqueeze',
    b.opset >= 13 ? [b.nameOf(x), b.int64s([0], 'axes')] : [b.nameOf(x)],
    b.opset >= 13 ? {} : { axes: [0] },
  );
  const y4 = body(x4);
  const [name] = b.node(
    'Squeeze',
    b.opset >= 13 ? [y4, b.int64s([0], 'axes')] : [y4],
    b.opset >= 13 ? {} : { axes: [0] },
  );
  return { name, tag: null };
}

/** `pad`'s PyTorch-order pads (last dim first) as ONNX's `[begins..., ends...]` for rank `r`. */
function onnxPads(torchPads: readonly number[], r: number): number[] {
  const begins = new Array<number>(r).fill(0);
  const ends = new Array<number>(r).fill(0);
  for (let k = 0; 2 * k < torchPads.length; k++) {
    const d = r - 1 - k;
    begins[d] = torchPads[2 * k];
    ends[d] = torchPads[2 * k + 1] ?? 0;
  }
  return [...begins, ...ends];
}

/** Circular padding (no ONNX Pad mode before opset 19): wrap-around slices concatenated. */
function circularPad(b: GraphBuilder, xName: string, shape: readonly number[], torchPads: readonly number[]): string {
  let cur = xName;
  const r = shape.length;
  for (let k = 0; 2 * k < torchPads.length; k++) {
    const d = r - 1 - k;
    const before = torchPads[2 * k];
    const after = torchPads[2 * k + 1] ?? 0;
    if (before === 0 && after === 0) continue;
    const size = shape[d];
    const parts: string[] = [];
    const sliceOf = (start: number, end: number): string =>
      b.node('Slice', [cur, b.int64s([start], 'starts'), b.int64s([end], 'ends'), b.int64s([d], 'axes')])[0];
    if (before > 0) parts.push(sliceOf(size - before, size));
    parts.push(sliceOf(Math.max(0, -before), size - Math.max(0, -after)));
    if (after > 0) parts.push(sliceOf(0, after));
    cur = b.node('Concat', parts, { axis: d })[0];
  }
  return cur;
}

/** Pads `xName` by torch-order `pads` in `mode` ('zeros'/'constant', 'reflect', 'replicate', 'circular'). */
function emitPad(
  b: GraphBuilder,
  xName: string,
  shape: readonly number[],
  pads: readonly number[],
  mode: string,
  value = 0,
): string {
  if (mode === 'circular') return circularPad(b, xName, shape, pads);
  const onnxMode = mode === 'reflect' ? 'reflect' : mode === 'replicate' ? 'edge' : 'constant';
  const inputs = [xName, b.int64s(onnxPads(pads, shape.length), 'pads')];
  if (onnxMode === 'constant' && value !== 0) inputs.push(b.scalar(value, 'float32', 'pad_value'));
  return b.node('Pad', inputs, { mode: onnxMode })[0];
}

const conv2d: ExportImpl = (b, op) => {
  const x = operand(op, 0);
  const w = operand(op, 1);
  const bias = op.inputs[2] ?? null;
  const stride = pair(op.attrs.stride, 1);
  const dilation = pair(op.attrs.dilation, 1);
  const groups = (op.attrs.groups as number | undefined) ?? 1;
  const mode = (op.attrs.paddingMode as string | undefined) ?? 'zeros';
  const padding = op.attrs.padding ?? 0;
  const [kh, kw] = [w.shape[2], w.shape[3]];
  // [top, bottom, left, right]
  let p: number[];
  if (padding === 'valid') p = [0, 0, 0, 0];
  else if (padding === 'same') {
    const th = dilation[0] * (kh - 1);
    const tw = dilation[1] * (kw - 1);
    p = [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
  } else {
    const [ph, pw] = pair(padding, 0);
    p = [ph, ph, pw, pw];
  }
  return batched(b, op, x, (xName) => {
    let input = xName;
    let pads = [p[0], p[2], p[1], p[3]];
    if (mode !== 'zeros' && p.some((v) => v !== 0)) {
      const shape4 = x.ndim === 4 ? x.shape : [1, ...x.shape];
      input = emitPad(b, xName, shape4, [p[2], p[3], p[0], p[1]], mode);
      pads = [0, 0, 0, 0];
    }
    const inputs = [input, b.nameOf(w)];
    if (bias !== null) inputs.push(b.nameOf(bias));
    return b.node('Conv', inputs, {
      dilations: dilation,
      group: groups,
      kernel_shape: [kh, kw],
      pads,
      strides: stride,
    })[0];
  });
};

const convTranspose2d: ExportImpl = (b, op) => {
  const x = operand(op, 0);
  const w = operand(op, 1);
  const bias = op.inputs[2] ?? null;
  const stride = pair(op.attrs.stride, 1);
  const dilation = pair(op.attrs.dilation, 1);
  const [ph, pw] = pair(op.attrs.padding, 0);
  const outputPadding = pair(op.attrs.outputPadding, 0);
  const groups = (op.attrs.groups as number | undefined) ?? 1;
  return batched(b, op, x, (xName) => {
    const inputs = [xName, b.nameOf(w)];
    if (bias !== null) inputs.push(b.nameOf(bias));
    return b.node('ConvTranspose', inputs, {
      dilations: dilation,
      group: groups,
      kernel_shape: [w.shape[2], w.shape[3]],
      output_padding: outputPadding,
      pads: [ph, pw, ph, pw],
      strides: stride,
    })[0];
  });
};

/**
 * ONNX's shape rule for ceil_mode keeps a last window that starts in the end padding, which
 * PyTorch (and torchlet, and onnxruntime) drop. Where the two sizes differ, a Slice keeps
 * PyTorch's size, so every runtime and ONNX's shape inference agree.
 */
function cropToTorch(
  b: GraphBuilder,
  op: TracedOp,
  y: string,
  x: Variable,
  kernel: Pair,
  stride: Pair,
  pads: Pair,
  dilation: Pair,
  ceil: boolean,
): string {
  if (!ceil) return y;
  const r = x.ndim;
  const want = [op.output.shape[op.output.ndim - 2], op.output.shape[op.output.ndim - 1]];
  const spec = [0, 1].map((i) =>
    Math.ceil((x.shape[r - 2 + i] + 2 * pads[i] - dilation[i] * (kernel[i] - 1) - 1) / stride[i] + 1),
  );
  if (spec[0] === want[0] && spec[1] === want[1]) return y;
  return b.node('Slice', [y, b.int64s([0, 0], 'starts'), b.int64s(want, 'ends'), b.int64s([2, 3], 'axes')])[0];
}

const maxPool2d: ExportImpl = (b, op) => {
  const x = operand(op, 0);
  const kernel = pair(op.attrs.kernelSize, 1);
  const stride = op.attrs.stride === null || op.attrs.stride === undefined ? kernel : pair(op.attrs.stride, 1);
  const [ph, pw] = pair(op.attrs.padding, 0);
  const dilation = pair(op.attrs.dilation, 1);
  const ceil = op.attrs.ceilMode === true ? 1 : 0;
  return batched(b, op, x, (xName) => {
    const attrs: Record<string, number | number[]> = {
      ceil_mode: ceil,
      kernel_shape: kernel,
      pads: [ph, pw, ph, pw],
      strides: stride,
    };
    if (dilation[0] !== 1 || dilation[1] !== 1) attrs.dilations = dilation;
    const [y] = b.node('MaxPool', [xName], attrs);
    return cropToTorch(b, op, y, x, kernel, stride, [ph, pw], dilation, ceil === 1);
  });
};

const avgPool2d: ExportImpl = (b, op) => {
  const x = operand(op, 0);
  const kernel = pair(op.attrs.kernelSize, 1);
  const stride = op.attrs.stride === null || op.attrs.stride === undefined ? kernel : pair(op.attrs.stride, 1);
  const [ph, pw] = pair(op.attrs.padding, 0);
  const ceil = op.attrs.ceilMode === true;
  const countIncludePad = op.attrs.countIncludePad !== false;
  const divisor = op.attrs.divisorOverride as number | null | undefined;
  if (divisor !== null && divisor !== undefined && ceil)
    unsupported(op, 'divisorOverride with ceilMode has no ONNX AveragePool form');
  return batched(b, op, x, (xName) => {
    const include = divisor !== null && divisor !== undefined ? 1 : countIncludePad ? 1 : 0;
    const [avg] = b.node('AveragePool', [xName], {
      ceil_mode: ceil ? 1 : 0,
      count_include_pad: include,
      kernel_shape: kernel,
      pads: [ph, pw, ph, pw],
      strides: stride,
    });
    const cropped = cropToTorch(b, op, avg, x, kernel, stride, [ph, pw], [1, 1], ceil);
    if (divisor === null || divisor === undefined) return cropped;
    // sum / divisor = mean over the (padded) window * window / divisor.
    return b.node('Mul', [cropped, b.scalar((kernel[0] * kernel[1]) / divisor, x.data.dtype, 'divisor')])[0];
  });
};

/**
 * Adaptive pooling: the global pool, a plain pool when the sizes divide, else per-bin reductions
 * along H then W (both a mean and a max over a rectangle are separable).
 */
function adaptivePool2d(kind: 'avg' | 'max'): ExportImpl {
  const [globalOp, poolOp, reduceOp] =
    kind === 'avg' ? ['GlobalAveragePool', 'AveragePool', 'ReduceMean'] : ['GlobalMaxPool', 'MaxPool', 'ReduceMax'];
  return (b, op) => {
    const x = operand(op, 0);
    const r = x.ndim;
    const [h, w] = [x.shape[r - 2], x.shape[r - 1]];
    const [oh, ow] = [op.output.shape[r - 2], op.output.shape[r - 1]];
    return batched(b, op, x, (xName) => {
      if (oh === 1 && ow === 1) return b.node(globalOp, [xName])[0];
      if (h % oh === 0 && w % ow === 0) {
        const k = [h / oh, w / ow];
        return b.node(poolOp, [xName], { kernel_shape: k, strides: k })[0];
      }
      let cur = xName;
      for (const [axis, size, out] of [
        [2, h, oh],
        [3, w, ow],
      ] as const) {
        if (size === out) continue;
        const bins: string[] = [];
        for (let i = 0; i < out; i++) {
          const start = Math.floor((i * size) / out);
          const end = Math.ceil(((i + 1) * size) / out);
          const [part] = b.node('Slice', [
            cur,
            b.int64s([start], 'starts'),
            b.int64s([end], 'ends'),
            b.int64s([axis], 'axes'),
          ]);
          bins.push(b.node(reduceOp, [part], { axes: [axis], keepdims: 1 })[0]);
        }
        cur = b.node('Concat', bins, { axis })[0];
      }
      return cur;
    });
  };
}

const adaptiveAvgPool2d = adaptivePool2d('avg');
const adaptiveMaxPool2d = adaptivePool2d('max');

const pad: ExportImpl = (b, op) => {
  const x = operand(op, 0);
  const pads = op.attrs.pads as readonly number[];
  const mode = (op.attrs.mode as string | undefined) ?? 'constant';
  const value = (op.attrs.value as number | undefined) ?? 0;
  const xName = b.nameOf(x);
  const inputs = [xName, b.int64s(onnxPads(pads, x.ndim), 'pads')];
  let name: string;
  if (mode === 'circular') name = circularPad(b, xName, x.shape, pads);
  else {
    const onnxMode = mode === 'reflect' ? 'reflect' : mode === 'replicate' ? 'edge' : 'constant';
    if (onnxMode === 'constant' && value !== 0) inputs.push(b.scalar(value, x.data.dtype, 'pad_value'));
    name = b.node('Pad', inputs, { mode: onnxMode })[0];
  }
  const tx = b.tag(x);
  const padded = tx !== null && 2 * (x.ndim - 1 - tx.dim) < pads.length;
  return { name, tag: padded ? null : tx };
};

/** The book's `pool2d(X, size, mode)`: a 2-d input, stride 1. */
const pool2d: ExportImpl = (b, op) => {
  const x = operand(op, 0);
  const [kh, kw] = pair(op.attrs.poolSize, 1);
  const lead = x.ndim === 2 ? [1, 1] : [1];
  const x4 = emitReshape(b, x, [...lead, ...x.shape]).name;
  const onnx = op.attrs.mode === 'avg' ? 'AveragePool' : 'MaxPool';
  const [y] = b.node(onnx, [x4], { kernel_shape: [kh, kw], strides: [1, 1] });
  const [name] = b.node('Reshape', [y, b.int64s([...op.output.shape], 'shape')]);
  return { name, tag: null };
};

/**
 * The book's cross-correlations (`corr2d`, `corr2dMultiIn`, `corr2dMultiInOut`, its 1x1 form):
 * one Conv on the operands given batch and channel dims of one, reshaped back.
 */
const corr2dFamily: ExportImpl = (b, op) => {
  const x = operand(op, 0);
  const k = operand(op, 1);
  if (x.ndim < 2 || x.ndim > 4 || k.ndim < 2 || k.ndim > 4) unsupported(op, 'expected 2-d to 4-d X and K');
  const x4 = x.ndim === 4 ? [...x.shape] : x.ndim === 3 ? [1, ...x.shape] : [1, 1, ...x.shape];
  const k4 = k.ndim === 4 ? [...k.shape] : k.ndim === 3 ? [1, ...k.shape] : [1, 1, ...k.shape];
  const [xr] = b.node('Reshape', [b.nameOf(x), b.int64s(x4, 'shape')]);
  const [kr] = b.node('Reshape', [b.nameOf(k), b.int64s(k4, 'shape')]);
  const [y] = b.node('Conv', [xr, kr], { kernel_shape: k4.slice(2) });
  const [name] = b.node('Reshape', [y, b.int64s([...op.output.shape], 'shape')]);
  return { name, tag: null };
};

/** `interpolate` as Resize: PyTorch's coordinate rules for nearest, nearest-exact and bilinear. */
const interpolate: ExportImpl = (b, op) => {
  const x = operand(op, 0);
  if (x.ndim !== 4) unsupported(op, `Resize export takes a 4-d input, got rank ${x.ndim}`);
  // Resize's antialias attribute arrived in opset 18; the exporter writes 11 to 17.
  if (op.attrs.antialias === true)
    unsupported(op, 'antialias needs Resize from opset 18 (torchlet writes opsets 11 to 17)');
  const mode = (op.attrs.mode as string | undefined) ?? 'nearest';
  const align = op.attrs.alignCorners === true;
  const attrs: Record<string, string> =
    mode === 'bilinear'
      ? { mode: 'linear', coordinate_transformation_mode: align ? 'align_corners' : 'pytorch_half_pixel' }
      : mode === 'nearest-exact'
        ? { mode: 'nearest', coordinate_transformation_mode: 'half_pixel', nearest_mode: 'round_prefer_ceil' }
        : { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' };
  const xName = b.nameOf(x);
  const roi = b.constant(emptyFloats(), 'roi');
  const factor = op.attrs.scaleFactor as number | readonly number[] | undefined;
  let name: string;
  if (factor !== undefined && op.attrs.recomputeScaleFactor !== true) {
    // PyTorch maps output to input with 1/scaleFactor, as Resize's `scales` input does.
    const [sh, sw] = typeof factor === 'number' ? [factor, factor] : [factor[0], factor[1]];
    const scales = b.constant(floats([1, 1, sh, sw]), 'scales');
    name = b.node('Resize', [xName, roi, scales], attrs)[0];
  } else {
    const [oh, ow] = op.output.shape.slice(2);
    let sizes: string;
    if (b.tag(x) === null) sizes = b.int64s([...op.output.shape], 'sizes');
    else {
      // A dynamic batch: N and C from the input's shape, H and W fixed.
      const [shape] = b.node('Shape', [xName]);
      const [nc] = b.node('Slice', [shape, b.int64s([0], 'starts'), b.int64s([2], 'ends')]);
      [sizes] = b.node('Concat', [nc, b.int64s([oh, ow], 'hw')], { axis: 0 });
    }
    // Before opset 13 `scales` is required: an empty one means "use sizes".
    const noScales = b.opset < 13 ? b.constant(emptyFloats(), 'scales') : '';
    name = b.node('Resize', [xName, roi, noScales, sizes], attrs)[0];
  }
  return { name, tag: b.tag(x) };
};

function emptyFloats() {
  return floats([]);
}

function floats(values: readonly number[]) {
  return tensor(Float32Array.from(values));
}

/**
 * BatchNorm's evaluation pattern, fused by `fuseBatchNorms`: X, scale, B, mean, variance, with the
 * module's epsilon and momentum when its running statistics are named (epsilon 0 otherwise).
 */
const batchNormalization: ExportImpl = (b, op) => {
  const x = operand(op, 0);
  const dtype = x.data.dtype;
  const inputs = op.inputs.map((_, i) => (i === 0 ? b.nameOf(x) : b.nameOf(operand(op, i), dtype)));
  const attrs: Record<string, AttrValue> = { epsilon: { float: (op.attrs.epsilon as number | undefined) ?? 0 } };
  const momentum = op.attrs.momentum as number | undefined;
  if (momentum !== undefined) attrs.momentum = { float: momentum };
  // training_mode exists from opset 14; PyTorch writes 0 for an evaluation-mode export.
  if (momentum !== undefined && b.opset >= 14) attrs.training_mode = 0;
  const [name] = b.node('BatchNormalization', inputs, attrs);
  return { name, tag: b.tag(x) };
};

/** Image operations by traced name. */
export const nnExports: Readonly<Record<string, ExportImpl>> = {
  adaptiveAvgPool2d,
  adaptiveMaxPool2d,
  avgPool2d,
  [FUSED_BATCH_NORM]: batchNormalization,
  conv2d,
  convTranspose2d,
  corr2d: corr2dFamily,
  corr2dMultiIn: corr2dFamily,
  corr2dMultiInOut: corr2dFamily,
  corr2dMultiInOut1x1: corr2dFamily,
  interpolate,
  maxPool2d,
  pad,
  pool2d,
};
