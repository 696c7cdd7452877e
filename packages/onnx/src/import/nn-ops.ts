import {
  add,
  avgPool2d,
  conv2d,
  convTranspose2d,
  div,
  exp,
  interpolate,
  log,
  matmul,
  max,
  maxPool2d,
  mean,
  mul,
  narrow,
  pad,
  reshape,
  sqrt,
  sub,
  sum,
  t,
  type Variable,
  variable,
} from '@torchlet/autograd';
import { batchNorm } from '@torchlet/nn';
import type { InterpolateMode } from '@torchlet/ops';
import * as T from '@torchlet/tensor';
import { flatValues } from '../tensor-data.js';
import { axis, checkSize, constant, intsOf, need, type OpCall, type OpImpl } from './context.js';

const intsOfInput = (call: OpCall, i: number): number[] | undefined => intsOf(call, i, 'sizes');

// Neural-network operators: convolutions, pooling, normalisation, Gemm and the softmax family,
// each written with autograd's functions so an imported model trains.

type Pads4 = [number, number, number, number]; // top, bottom, left, right

function spatial2d(call: OpCall, x: Variable, op: string): void {
  if (x.ndim !== 4)
    call.attrs.fail(`${op} supports 2-d spatial inputs [N, C, H, W]; got rank ${x.ndim} [${x.shape.join(',')}]`);
}

function pair(call: OpCall, name: string, fallback: number): [number, number] {
  const v = call.attrs.ints(name);
  if (v === undefined) return [fallback, fallback];
  if (v.length !== 2)
    return call.attrs.fail(`attribute '${name}' should have 2 entries for a 2-d op, got [${v.join(',')}]`);
  for (const x of v) if (x < 1) call.attrs.fail(`attribute '${name}' must be positive, got [${v.join(',')}]`);
  return [v[0], v[1]];
}

/** ONNX pads `[top, left, bottom, right]` (with auto_pad resolved) as `[top, bottom, left, right]`. */
function pads2d(
  call: OpCall,
  inHW: readonly number[],
  kernel: readonly number[],
  stride: readonly number[],
  dilation: readonly number[],
): Pads4 {
  const autoPad = call.attrs.string('auto_pad', 'NOTSET');
  if (autoPad === 'VALID') return [0, 0, 0, 0];
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const out: number[] = [];
    for (let i = 0; i < 2; i++) {
      const total = Math.max(
        (Math.ceil(inHW[i] / stride[i]) - 1) * stride[i] + (kernel[i] - 1) * dilation[i] + 1 - inHW[i],
        0,
      );
      const small = Math.floor(total / 2);
      out.push(autoPad === 'SAME_UPPER' ? small : total - small, autoPad === 'SAME_UPPER' ? total - small : small);
    }
    return [out[0], out[1], out[2], out[3]];
  }
  if (autoPad !== 'NOTSET')
    return call.attrs.fail(`auto_pad '${autoPad}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID`);
  const p = call.attrs.ints('pads') ?? [0, 0, 0, 0];
  if (p.length !== 4)
    return call.attrs.fail(`attribute 'pads' should have 4 entries for a 2-d op, got [${p.join(',')}]`);
  for (const x of p) if (x < 0) call.attrs.fail(`attribute 'pads' must be non-negative, got [${p.join(',')}]`);
  return [p[0], p[2], p[1], p[3]];
}

/** The padded input must be a sane size before anything pads it. */
function checkPadded(call: OpCall, x: Variable, p: Pads4): void {
  checkSize(call, [x.shape[0], x.shape[1], x.shape[2] + p[0] + p[1], x.shape[3] + p[2] + p[3]], 'the padded input');
}

function symmetric(p: Pads4): boolean {
  return p[0] === p[1] && p[2] === p[3];
}

/** Pads an NCHW input explicitly (for asymmetric padding, which the torchlet ops take only symmetric). */
function padExplicit(x: Variable, p: Pads4, value = 0): Variable {
  return pad(x, [p[2], p[3], p[0], p[1]], { mode: 'constant', value });
}

const Conv: OpImpl = (call) => {
  const x = need(call, 0, 'X');
  const w = need(call, 1, 'W');
  spatial2d(call, x, 'Conv');
  if (w.ndim !== 4) return call.attrs.fail(`weight should be [M, C/group, kH, kW], got [${w.shape.join(',')}]`);
  const b = call.inputs[2] ?? null;
  const kernel = call.attrs.ints('kernel_shape') ?? w.shape.slice(2);
  if (kernel[0] !== w.shape[2] || kernel[1] !== w.shape[3])
    return call.attrs.fail(`kernel_shape [${kernel.join(',')}] does not match the weight [${w.shape.join(',')}]`);
  const stride = pair(call, 'strides', 1);
  const dilation = pair(call, 'dilations', 1);
  const groups = call.attrs.int('group', 1);
  const p = pads2d(call, x.shape.slice(2), kernel, stride, dilation);
  checkPadded(call, x, p);
  const input = symmetric(p) ? x : padExplicit(x, p);
  const padding: [number, number] = symmetric(p) ? [p[0], p[2]] : [0, 0];
  return [conv2d(input, w, b, { stride, padding, dilation, groups })];
};

const ConvTranspose: OpImpl = (call) => {
  const x = need(call, 0, 'X');
  const w = need(call, 1, 'W');
  spatial2d(call, x, 'ConvTranspose');
  if (w.ndim !== 4) return call.attrs.fail(`weight should be [C, M/group, kH, kW], got [${w.shape.join(',')}]`);
  const b = call.inputs[2] ?? null;
  const stride = pair(call, 'strides', 1);
  const dilation = pair(call, 'dilations', 1);
  const groups = call.attrs.int('group', 1);
  const outputPadding = call.attrs.ints('output_padding') ?? [0, 0];
  if (outputPadding.length !== 2)
    return call.attrs.fail(`output_padding should have 2 entries, got [${outputPadding.join(',')}]`);
  if (call.attrs.has('output_shape'))
    return call.attrs.fail(`attribute 'output_shape' is not supported; export with explicit pads`);
  const autoPad = call.attrs.string('auto_pad', 'NOTSET');
  if (autoPad !== 'NOTSET' && autoPad !== 'VALID')
    return call.attrs.fail(`auto_pad '${autoPad}' is not supported for ConvTranspose`);
  const raw = autoPad === 'VALID' ? [0, 0, 0, 0] : (call.attrs.ints('pads') ?? [0, 0, 0, 0]);
  if (raw.length !== 4 || raw.some((v) => v < 0))
    return call.attrs.fail(`attribute 'pads' should be 4 non-negative ints, got [${raw.join(',')}]`);
  const p: Pads4 = [raw[0], raw[2], raw[1], raw[3]];
  const full = [0, 1].map(
    (i) => (x.shape[2 + i] - 1) * stride[i] + dilation[i] * (w.shape[2 + i] - 1) + 1 + outputPadding[i],
  );
  checkSize(call, [x.shape[0], w.shape[1] * groups, full[0], full[1]], 'the transposed-convolution output');
  if (symmetric(p)) {
    return [
      convTranspose2d(x, w, b, {
        stride,
        padding: [p[0], p[2]],
        outputPadding: [outputPadding[0], outputPadding[1]],
        dilation,
        groups,
      }),
    ];
  }
  // Asymmetric: the full transposed convolution, then crop each side.
  const whole = convTranspose2d(x, w, b, {
    stride,
    outputPadding: [outputPadding[0], outputPadding[1]],
    dilation,
    groups,
  });
  const h = whole.shape[2] - p[0] - p[1];
  const wd = whole.shape[3] - p[2] - p[3];
  if (h <= 0 || wd <= 0) return call.attrs.fail(`pads [${raw.join(',')}] leave an empty output`);
  return [narrow(narrow(whole, 2, p[0], h), 3, p[2], wd)];
};

function poolCommon(call: OpCall, x: Variable, op: string) {
  spatial2d(call, x, op);
  const kernel = call.attrs.ints('kernel_shape');
  if (kernel === undefined || kernel.length !== 2 || kernel.some((k) => k < 1))
    return call.attrs.fail(
      `attribute 'kernel_shape' should be 2 positive ints, got ${kernel === undefined ? 'none' : `[${kernel.join(',')}]`}`,
    );
  const stride = pair(call, 'strides', 1);
  const dilation = pair(call, 'dilations', 1);
  const ceilMode = call.attrs.int('ceil_mode', 0) !== 0;
  const p = pads2d(call, x.shape.slice(2), kernel, stride, dilation);
  checkPadded(call, x, p);
  return { kernel: [kernel[0], kernel[1]] as [number, number], stride, dilation, ceilMode, p };
}

/**
 * ONNX's MaxPool Indices from maxPool2d's: positions in the flattened `[N, C, H, W]` input
 * (storage_order 0), so each plane's `h*W + w` gains `(n*C + c)*H*W`; int64 as ONNX (int32 on
 * webgpu). A window with no input element keeps -1.
 */
function flatIndices(indices: T.Tensor, shape: readonly number[]): T.Tensor {
  const [n, c, h, w] = shape;
  const options = { dtype: indices.dtype, device: indices.device };
  const offsets = T.mul(T.arange(n * c, undefined, 1, options), h * w).reshape([n, c, 1, 1]);
  return T.where(T.eq(indices, -1), indices, T.add(indices, offsets));
}

const MaxPool: OpImpl = (call) => {
  const x = need(call, 0, 'X');
  if (call.attrs.int('storage_order', 0) !== 0) return call.attrs.fail('storage_order 1 is not supported');
  const { kernel, stride, dilation, ceilMode, p } = poolCommon(call, x, 'MaxPool');
  if (symmetric(p) && 2 * p[0] <= kernel[0] && 2 * p[2] <= kernel[1]) {
    const options = { stride, padding: [p[0], p[2]] as [number, number], dilation, ceilMode };
    if (call.outputCount < 2) return [maxPool2d(x, kernel, options)];
    const r = maxPool2d(x, kernel, { ...options, returnIndices: true });
    return [r.values, constant(flatIndices(r.indices, x.shape))];
  }
  // Explicit padding shifts the plane the indices would count in.
  if (call.outputCount > 1)
    return call.attrs.fail(`the Indices output needs symmetric pads of at most half the kernel, got [${p.join(',')}]`);
  return [maxPool2d(padExplicit(x, p, Number.NEGATIVE_INFINITY), kernel, { stride, dilation, ceilMode })];
};

const AveragePool: OpImpl = (call) => {
  const x = need(call, 0, 'X');
  const { kernel, stride, dilation, ceilMode, p } = poolCommon(call, x, 'AveragePool');
  if (dilation[0] !== 1 || dilation[1] !== 1) return call.attrs.fail('dilations other than 1 are not supported');
  const countIncludePad = call.attrs.int('count_include_pad', 0) !== 0;
  if (symmetric(p) && 2 * p[0] <= kernel[0] && 2 * p[2] <= kernel[1])
    return [avgPool2d(x, kernel, { stride, padding: [p[0], p[2]], ceilMode, countIncludePad })];
  if (!countIncludePad || ceilMode)
    return call.attrs.fail(`asymmetric pads [${p.join(',')}] need count_include_pad=1 and ceil_mode=0`);
  return [avgPool2d(padExplicit(x, p), kernel, { stride, ceilMode })];
};

const GlobalAveragePool: OpImpl = (call) => {
  const x = need(call, 0, 'X');
  if (x.ndim < 3) return call.attrs.fail(`expects [N, C, ...spatial], got rank ${x.ndim}`);
  const dims = Array.from({ length: x.ndim - 2 }, (_, i) => i + 2);
  return [mean(x, dims, { keepdim: true })];
};

const GlobalMaxPool: OpImpl = (call) => {
  const x = need(call, 0, 'X');
  if (x.ndim < 3) return call.attrs.fail(`expects [N, C, ...spatial], got rank ${x.ndim}`);
  const [n, c] = x.shape;
  return [reshape(max(reshape(x, [n, c, -1]), 2, { keepdim: true }), [n, c, ...x.shape.slice(2).map(() => 1)])];
};

/**
 * Evaluation: normalises by the running statistics. Training (the model's mode decides, as a
 * PyTorch module's does, whatever the node's training_mode says): by the batch's mean and biased
 * variance, updating the running-statistic buffers in place as nn's BatchNorm2d does (the unbiased
 * variance; ONNX's `momentum` weighs the running value, so torch's momentum is `1 - momentum`).
 * Outputs 2 and 3, when named, are the running mean and variance.
 */
const BatchNormalization: OpImpl = (call) => {
  const x = need(call, 0, 'X');
  const scale = need(call, 1, 'scale');
  const bias = need(call, 2, 'B');
  const runningMean = need(call, 3, 'input_mean');
  const runningVar = need(call, 4, 'input_var');
  if (call.outputCount > 3)
    return call.attrs.fail('outputs saved_mean and saved_var (opset 9 training graphs) are not supported');
  if (x.ndim < 2) return call.attrs.fail(`expects [N, C, ...], got rank ${x.ndim}`);
  const c = x.shape[1];
  for (const [v, name] of [
    [scale, 'scale'],
    [bias, 'B'],
    [runningMean, 'input_mean'],
    [runningVar, 'input_var'],
  ] as const) {
    if (v.numel !== c || v.ndim !== 1) return call.attrs.fail(`${name} should be [${c}], got [${v.shape.join(',')}]`);
  }
  const eps = call.attrs.float('epsilon', 1e-5);
  if (!(eps > 0) && !(eps === 0 && !call.training))
    return call.attrs.fail(`epsilon ${eps} must be positive to normalise by batch statistics`);
  let y: Variable;
  if (call.training) {
    if (!call.isBuffer(runningMean) || !call.isBuffer(runningVar))
      return call.attrs.fail(
        'cannot train: the running statistics (inputs 3 and 4) are computed by the graph, not initializers, so there is no state to update',
      );
    const momentum = call.attrs.float('momentum', 0.9);
    if (!(momentum >= 0 && momentum <= 1)) return call.attrs.fail(`momentum ${momentum} must be in [0, 1]`);
    // The file holds a float32 momentum: 1 - 0.9f is 0.1 rounded to float32, as nn's momentum is stored.
    y = batchNorm(x, runningMean.data, runningVar.data, scale, bias, {
      training: true,
      momentum: Math.fround(1 - momentum),
      eps,
    });
  } else {
    const perChannel = [1, c, ...x.shape.slice(2).map(() => 1)];
    const r = (v: Variable): Variable => reshape(v, perChannel);
    const normalized = div(sub(x, r(runningMean)), sqrt(add(r(runningVar), eps)));
    y = add(mul(normalized, r(scale)), r(bias));
  }
  return [y, variable(runningMean.data), variable(runningVar.data)].slice(0, Math.max(1, call.outputCount));
};

const Gemm: OpImpl = (call) => {
  let a = need(call, 0, 'A');
  let b = need(call, 1, 'B');
  if (a.ndim !== 2 || b.ndim !== 2)
    return call.attrs.fail(`A and B should be matrices, got [${a.shape.join(',')}] and [${b.shape.join(',')}]`);
  if (call.attrs.int('transA', 0) !== 0) a = t(a);
  if (call.attrs.int('transB', 0) !== 0) b = t(b);
  if (a.shape[1] !== b.shape[0])
    return call.attrs.fail(`cannot multiply [${a.shape.join(',')}] by [${b.shape.join(',')}]`);
  const alpha = call.attrs.float('alpha', 1);
  const beta = call.attrs.float('beta', 1);
  let y = matmul(a, b);
  if (alpha !== 1) y = mul(y, alpha);
  const c = call.inputs[2];
  if (c !== null && c !== undefined && beta !== 0) y = add(y, beta === 1 ? c : mul(c, beta));
  return [y];
};

/** Softmax-family axis handling: opset >= 13 is one axis; before, the input is seen as 2-d at `axis`. */
function softmaxLike(call: OpCall, log_: boolean): Variable[] {
  const x = need(call, 0, 'input');
  const modern = call.opset >= 13;
  const a = axis(call, call.attrs.int('axis', modern ? -1 : 1), x.ndim);
  const compute = (v: Variable, d: number): Variable => {
    // Subtracting the (constant) maximum keeps exp finite; it cancels in the result and its gradient.
    const m = constant(v.data.max(d, { keepdim: true }));
    const shifted = sub(v, m);
    const e = exp(shifted);
    const total = sum(e, [d], { keepdim: true });
    return log_ ? sub(shifted, log(total)) : div(e, total);
  };
  if (modern || x.ndim === 0) return [compute(x, x.ndim === 0 ? 0 : a)];
  const outer = x.shape.slice(0, a).reduce((p, s) => p * s, 1);
  const flat = reshape(x, [outer, -1]);
  return [reshape(compute(flat, 1), [...x.shape])];
}

const LayerNormalization: OpImpl = (call) => {
  const x = need(call, 0, 'X');
  const scale = need(call, 1, 'Scale');
  const bias = call.inputs[2] ?? null;
  if (call.outputCount > 1) call.attrs.fail('the Mean and InvStdDev outputs are not supported');
  const a = axis(call, call.attrs.int('axis', -1), x.ndim);
  const eps = call.attrs.float('epsilon', 1e-5);
  const dims = Array.from({ length: x.ndim - a }, (_, i) => a + i);
  const mu = mean(x, dims, { keepdim: true });
  const centered = sub(x, mu);
  const variance = mean(mul(centered, centered), dims, { keepdim: true });
  const y = mul(div(centered, sqrt(add(variance, eps))), scale);
  return [bias === null ? y : add(y, bias)];
};

/** Resize with the coordinate rules PyTorch's interpolate exports (nearest, nearest-exact, bilinear). */
const Resize: OpImpl = (call) => {
  const x = need(call, 0, 'X');
  spatial2d(call, x, 'Resize');
  const mode = call.attrs.string('mode', 'nearest');
  const coords = call.attrs.string('coordinate_transformation_mode', 'half_pixel');
  const nearest = call.attrs.string('nearest_mode', 'round_prefer_floor');
  if (call.attrs.int('antialias', 0) !== 0) return call.attrs.fail('antialias is not supported');
  if (call.attrs.has('axes')) return call.attrs.fail("attribute 'axes' is not supported (resize all of H and W)");
  if (call.attrs.string('keep_aspect_ratio_policy', 'stretch') !== 'stretch')
    return call.attrs.fail(
      `keep_aspect_ratio_policy '${call.attrs.string('keep_aspect_ratio_policy', '')}' is not supported`,
    );
  let options: { mode: InterpolateMode; alignCorners?: boolean };
  if (mode === 'nearest' && coords === 'asymmetric' && nearest === 'floor') options = { mode: 'nearest' };
  else if (mode === 'nearest' && coords === 'half_pixel' && nearest === 'round_prefer_ceil')
    options = { mode: 'nearest-exact' };
  else if (mode === 'linear' && (coords === 'pytorch_half_pixel' || coords === 'half_pixel'))
    options = { mode: 'bilinear' };
  else if (mode === 'linear' && coords === 'align_corners') options = { mode: 'bilinear', alignCorners: true };
  else
    return call.attrs.fail(
      `mode '${mode}' with coordinate_transformation_mode '${coords}' and nearest_mode '${nearest}' is not supported`,
    );
  const scales = call.inputs[2] ? flatValues(call.inputs[2].data) : [];
  const sizes = intsOfInput(call, 3);
  if (sizes !== undefined && sizes.length > 0) {
    if (sizes.length !== 4 || sizes[0] !== x.shape[0] || sizes[1] !== x.shape[1])
      return call.attrs.fail(`sizes [${sizes.join(',')}] must keep N and C of [${x.shape.join(',')}]`);
    checkSize(call, sizes, 'the resized output');
    return [interpolate(x, { ...options, size: [sizes[2], sizes[3]] })];
  }
  if (scales.length !== 4 || scales[0] !== 1 || scales[1] !== 1 || !(scales[2] > 0 && scales[3] > 0))
    return call.attrs.fail(`scales [${scales.join(',')}] must be [1, 1, sh, sw] with positive sh, sw`);
  checkSize(
    call,
    [x.shape[0], x.shape[1], Math.floor(x.shape[2] * scales[2]), Math.floor(x.shape[3] * scales[3])],
    'the resized output',
  );
  return [interpolate(x, { ...options, scaleFactor: [scales[2], scales[3]] })];
};

const Softmax: OpImpl = (call) => softmaxLike(call, false);
const LogSoftmax: OpImpl = (call) => softmaxLike(call, true);

/** The neural-network operators by ONNX name. */
export const nnOps: Readonly<Record<string, OpImpl>> = {
  AveragePool,
  BatchNormalization,
  Conv,
  ConvTranspose,
  Gemm,
  GlobalAveragePool,
  GlobalMaxPool,
  LayerNormalization,
  LogSoftmax,
  MaxPool,
  Resize,
  Softmax,
};
