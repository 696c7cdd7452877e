import { conv2d, isGradEnabled, isTracing, isVariable, relu, type Variable, variable } from '@torchlet/autograd';
import { div, fail, formatValue, isTensor, type Tensor } from '@torchlet/tensor';
import { isModule, type Module, type ModuleInput } from '../module.js';
import { ReLU } from './activation.js';
import { BatchNorm2d, batchNorm2dBatchStatistics } from './batchnorm.js';
import { Conv2d } from './conv.js';
import { ReLU6 } from './relu6.js';
import { checkImageInput } from './util.js';

// Evaluation-mode Conv2d + BatchNorm2d (+ ReLU / ReLU6) as one convolution, as PyTorch's
// `torch.fx` conv-bn fusion and `torch.jit.freeze` do: with the running statistics frozen,
// BatchNorm is a per-channel affine map, so it folds into the filters and the bias:
//   s = gamma / sqrt(var + eps),  w' = w * s[cout],  b' = (b - mean) * s + beta.
// Unlike those tools this changes no module: the folded tensors are cached per Conv2d and
// recomputed whenever anything they were computed from changed (the tensors' identities, which
// `.to(device)` and re-assignment change, and their in-place version counters, which optimizer
// steps, `loadStateDict`, init functions and BatchNorm's own running-statistics updates bump),
// and the fused path is taken only where it gives what the unfused layers give to float32 rounding.

/**
 * The activation {@link convBatchNorm2d} applies after the normalisation: `'relu'` (`max(x, 0)`),
 * `'relu6'` (`min(max(x, 0), 6)`) or `'none'`.
 *
 * @example
 * ```ts
 * import { type ConvBatchNormActivation } from '@torchlet/nn';
 * const activation: ConvBatchNormActivation = 'relu6';
 * activation; // -> 'relu6'
 * ```
 */
export type ConvBatchNormActivation = 'relu' | 'relu6' | 'none';

/**
 * Options of {@link convBatchNorm2d}.
 *
 * @example
 * ```ts
 * import { type ConvBatchNorm2dOptions } from '@torchlet/nn';
 * const options: ConvBatchNorm2dOptions = { activation: 'relu' };
 * options.activation; // -> 'relu'
 * ```
 */
export interface ConvBatchNorm2dOptions {
  /** Applied after the BatchNorm. Default `'none'`. */
  readonly activation?: ConvBatchNormActivation;
}

/** The folded filters and bias of one Conv2d + BatchNorm2d pair, and what they were computed from. */
interface Fold {
  readonly bn: BatchNorm2d;
  readonly eps: number;
  /** conv weight, conv bias, bn weight, bn bias, running mean, running var (null where absent). */
  readonly sources: readonly (Tensor | null)[];
  readonly versions: readonly number[];
  readonly weight: Tensor;
  readonly bias: Tensor;
}

// Keyed by the Conv2d (the folded filters replace its weight); dropped when the pair is seen in
// training mode, so that a training run does not keep a copy of every filter alive.
const folds = new WeakMap<Conv2d, Fold>();

/** Counters for tests: how many folds were computed and how many forwards took the fused path. */
export const fusionCounters = { folds: 0, fusedForwards: 0 };

function sourcesOf(conv: Conv2d, bn: BatchNorm2d): (Tensor | null)[] {
  return [
    conv.weight.data,
    conv.bias?.data ?? null,
    bn.weight?.data ?? null,
    bn.bias?.data ?? null,
    bn.runningMean,
    bn.runningVar,
  ];
}

function isFresh(fold: Fold, bn: BatchNorm2d, sources: readonly (Tensor | null)[]): boolean {
  if (fold.bn !== bn || fold.eps !== bn.eps) return false;
  for (let i = 0; i < sources.length; i++) {
    const t = sources[i];
    if (t !== fold.sources[i] || (t !== null && t.version !== fold.versions[i])) return false;
  }
  return true;
}

/** Folds `bn` into `conv`'s filters and bias (float64 on the CPU, then rounded to the weight's dtype). */
function computeFold(bn: BatchNorm2d, sources: readonly (Tensor | null)[]): Fold {
  const [w, b, gamma, beta, mean, variance] = sources as [
    Tensor,
    Tensor | null,
    Tensor | null,
    Tensor | null,
    Tensor,
    Tensor,
  ];
  const dtype = w.dtype;
  // The webgpu device has no float64: there the fold runs in float32, as PyTorch's fusion does.
  const wide = (t: Tensor): Tensor => (t.device === 'cpu' ? t.to('float64') : t);
  const std = wide(variance).add(bn.eps).sqrt();
  const scale = gamma === null ? div(1, std) : wide(gamma).div(std);
  const weight = wide(w)
    .mul(scale.reshape([scale.shape[0], 1, 1, 1]))
    .to(dtype);
  let shifted = wide(mean).neg();
  if (b !== null) shifted = shifted.add(wide(b));
  let bias = shifted.mul(scale);
  if (beta !== null) bias = bias.add(wide(beta));
  fusionCounters.folds++;
  return {
    bn,
    eps: bn.eps,
    sources,
    versions: sources.map((t) => (t === null ? 0 : t.version)),
    weight,
    bias: bias.to(dtype),
  };
}

function requiresGrad(x: unknown): boolean {
  return isVariable(x) && x.requiresGrad;
}

/**
 * Whether `conv` then `bn` may run as one folded convolution on `input`: both in evaluation mode
 * with running statistics, no gradient wanted from the result, not while a trace records the
 * model's operations, and only inputs the unfused layers accept alike (a 4-D input on one device
 * with one dtype; anything else takes the unfused path, which throws its own errors).
 */
function canFold(conv: Conv2d, bn: BatchNorm2d, input: ModuleInput): boolean {
  if (conv.training || bn.training || !bn.trackRunningStats) return false;
  if (isTracing()) return false;
  if (conv.forward !== Conv2d.prototype.forward || bn.forward !== BatchNorm2d.prototype.forward) return false;
  if (isGradEnabled()) {
    if (requiresGrad(input) || requiresGrad(conv.weight) || requiresGrad(conv.bias)) return false;
    if (requiresGrad(bn.weight) || requiresGrad(bn.bias)) return false;
  }
  const x = isVariable(input) ? input.data : input;
  if (!isTensor(x) || x.ndim !== 4 || conv.outChannels !== bn.numFeatures) return false;
  const w = conv.weight.data;
  const mean = bn.runningMean;
  for (const t of [conv.bias?.data, bn.weight?.data, bn.bias?.data, mean, bn.runningVar]) {
    if (t !== undefined && (t.dtype !== w.dtype || t.device !== w.device)) return false;
  }
  return x.dtype === w.dtype && x.device === w.device;
}

/** The folded convolution with the activation in the same pass. */
function fusedForward(
  conv: Conv2d,
  bn: BatchNorm2d,
  input: ModuleInput,
  activation: ConvBatchNormActivation,
): Variable {
  // Conv2d's own check, so that a wrong channel count reads as it does unfused.
  checkImageInput('Conv2d', input, conv.inChannels);
  const sources = sourcesOf(conv, bn);
  let fold = folds.get(conv);
  if (fold === undefined || !isFresh(fold, bn, sources)) {
    fold = computeFold(bn, sources);
    folds.set(conv, fold);
  }
  fusionCounters.fusedForwards++;
  const options = {
    stride: conv.stride,
    padding: conv.padding,
    dilation: conv.dilation,
    groups: conv.groups,
    paddingMode: conv.paddingMode,
  };
  // The activation runs in the convolution's own pass where ops fuses it into the WebAssembly
  // kernel (dense and depthwise float32 convs: for a depthwise conv a separate pass costs another
  // allocation and copy of the output in and out of WebAssembly memory, ~5 ms of MobileNetV2's
  // forward); grouped convs apply it afterwards as its own one-pass kernel, measured 5-10x faster
  // there than ops' fallback loop over the output.
  if (activation === 'none') return conv2d(input, fold.weight, fold.bias, options);
  const depthwise = conv.groups === conv.inChannels && conv.groups === conv.outChannels;
  if ((conv.groups === 1 || depthwise) && fold.weight.dtype === 'float32')
    return conv2d(input, fold.weight, fold.bias, { ...options, activation });
  const y = conv2d(input, fold.weight, fold.bias, options).data;
  return variable(activation === 'relu' ? y.relu() : y.clamp(0, 6));
}

// ReLU6's differentiable function, through a stateless instance (its rule lives in relu6.ts).
const RELU6 = new ReLU6();

function unfusedForward(
  conv: Conv2d,
  bn: BatchNorm2d,
  input: ModuleInput,
  activation: ConvBatchNormActivation,
): Variable {
  const y = bn.forward(conv.forward(input));
  if (activation === 'relu') return relu(y);
  if (activation === 'relu6') return RELU6.forward(y);
  return y;
}

/**
 * `activation(bn(conv(input)))`, with the BatchNorm folded into the convolution whenever that
 * gives the same values: in evaluation mode (`model.eval()`) with no gradient wanted (inside
 * `noGrad`, or with no parameter and no input requiring grad), the filters and bias become
 * `w * s` and `(b - mean) * s + beta` with `s = gamma / sqrt(var + eps)`, computed once and cached
 * until any of those tensors changes (in-place writes, optimizer steps, `loadStateDict`,
 * `.to(device)`, `eps`, a training-mode forward updating the running statistics). The result then
 * differs from the unfused layers by float32 rounding only, and BatchNorm costs nothing. In
 * training mode it runs `conv`, then BatchNorm with batch statistics and the activation as one
 * fused pass (forward and backward); with gradients wanted in evaluation mode, or while
 * `traceOps` records the model (the ONNX exporter), it runs the three layers as written. This is what `Sequential` does for a
 * `Conv2d, BatchNorm2d[, ReLU | ReLU6]` run of children; model code with the layers as named
 * attributes (ResNet's blocks) calls it directly. Modules and state-dict names are unchanged.
 *
 * Writes to a tensor's raw storage (`t.data[i] = v`) are invisible to the version counter: call
 * `t.bumpVersion()` after them, as autograd also requires.
 *
 * Shapes: input `[N, Cin, H, W]` -> `[N, Cout, Hout, Wout]` (as `conv`); `bn.numFeatures = Cout`.
 *
 * @param input - The batch `[N, C_in, H, W]`.
 * @param conv - The convolution.
 * @param bn - The BatchNorm over the convolution's `C_out` channels.
 * @param options - `activation` (default `'none'`); see {@link ConvBatchNorm2dOptions}.
 * @returns `activation(bn(conv(input)))`, `[N, C_out, H_out, W_out]`.
 * @see torch.fx.experimental.optimization.fuse
 * @see torch.nn.utils.fusion.fuse_conv_bn_eval
 * @example
 * ```ts
 * import { noGrad } from '@torchlet/autograd';
 * import { Generator, rand } from '@torchlet/tensor';
 * import { BatchNorm2d, Conv2d, convBatchNorm2d } from '@torchlet/nn';
 * const conv = new Conv2d(3, 8, 3, { padding: 1, bias: false, generator: new Generator(0) }).eval();
 * const bn = new BatchNorm2d(8).eval();
 * bn.runningVar.fillInPlace(4);
 * const x = rand([1, 3, 5, 5], { generator: new Generator(1) });
 * const fused = noGrad(() => convBatchNorm2d(x, conv, bn, { activation: 'relu' }));
 * const layered = noGrad(() => bn.forward(conv.forward(x)).relu());
 * fused.data.allclose(layered.data, { atol: 1e-6 }); // -> true
 * ```
 */
export function convBatchNorm2d(
  input: ModuleInput,
  conv: Conv2d,
  bn: BatchNorm2d,
  options: ConvBatchNorm2dOptions = {},
): Variable {
  const fn = 'convBatchNorm2d';
  if (!(conv instanceof Conv2d)) fail(fn, 'conv', `expected a Conv2d, got ${describe(conv)}`);
  if (!(bn instanceof BatchNorm2d)) fail(fn, 'bn', `expected a BatchNorm2d, got ${describe(bn)}`);
  const activation = options.activation ?? 'none';
  if (activation !== 'relu' && activation !== 'relu6' && activation !== 'none')
    fail(fn, 'options', `activation must be 'relu', 'relu6' or 'none', got ${formatValue(activation)}`);
  return tryFusedConvBatchNorm(conv, bn, input, activation) ?? unfusedForward(conv, bn, input, activation);
}

/**
 * The folded convolution (plus activation) when {@link canFold} allows it, else `null`: what
 * Sequential and convBatchNorm2d try before running the layers as written.
 */
export function tryFusedConvBatchNorm(
  conv: Conv2d,
  bn: BatchNorm2d,
  input: ModuleInput,
  activation: ConvBatchNormActivation,
): Variable | null {
  if (canFold(conv, bn, input)) return fusedForward(conv, bn, input, activation);
  // A pair seen in training mode drops its folded copy (it would be stale after the next step anyway).
  if (conv.training) folds.delete(conv);
  // With batch statistics, BatchNorm and its activation run as one op (one pass forward, one backward).
  const stock = bn.forward === BatchNorm2d.prototype.forward;
  if (activation !== 'none' && stock && (bn.training || !bn.trackRunningStats) && !isTracing())
    return batchNorm2dBatchStatistics(bn, conv.forward(input), activation);
  return null;
}

/**
 * How many children, from `layers[i]`, a fused Conv2d + BatchNorm2d (+ ReLU / ReLU6) run spans,
 * with its activation; `null` when `layers[i]` does not start one. Only the stock layer classes
 * (or subclasses that keep their `forward`) are fused: a replaced `forward` is user code to run.
 */
export function convBatchNormRun(
  layers: readonly Module[],
  i: number,
): { conv: Conv2d; bn: BatchNorm2d; activation: ConvBatchNormActivation; length: number } | null {
  const conv = layers[i];
  const bn = layers[i + 1];
  if (!(conv instanceof Conv2d) || !(bn instanceof BatchNorm2d)) return null;
  const act = layers[i + 2];
  if (act instanceof ReLU && act.forward === ReLU.prototype.forward) return { conv, bn, activation: 'relu', length: 3 };
  if (act instanceof ReLU6 && act.forward === ReLU6.prototype.forward)
    return { conv, bn, activation: 'relu6', length: 3 };
  return { conv, bn, activation: 'none', length: 2 };
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (isModule(x)) return x.constructor.name;
  return typeof x;
}
