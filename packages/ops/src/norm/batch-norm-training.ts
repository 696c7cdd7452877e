// Batch normalisation in training mode (batch statistics) as two fused kernels, PyTorch's
// native_batch_norm and native_batch_norm_backward: the forward computes each channel's mean and
// biased variance and maps the data in one call; the backward computes the input, weight and bias
// gradients in one call. Composed from elementwise ops instead, BatchNorm2d's training step ran
// nine ops forward and their nine backward rules, each a pass over the activation with a fresh
// output: most of MobileNetV2's training step.
//
// The arithmetic is PyTorch's CPU kernel's (aten/src/ATen/native/cpu/batch_norm_kernel.cpp,
// contiguous): float64 sums; the mean rounded to the input's dtype; the variance as the mean
// squared deviation from it (two passes, so no cancellation); invstd = 1 / sqrt(var + eps);
// y = x * alpha + beta with alpha = invstd * weight, beta = bias - mean * alpha. Backward:
// dx = (dy - sum(dy) / M - (x - mean) * k) * invstd * weight, k = sum((x - mean) * dy) * invstd^2 / M,
// dweight = sum((x - mean) * dy) * invstd, dbias = sum(dy), M = N * H * W. Float32 runs in
// `@torchlet/kernels`' WebAssembly SIMD kernels; the JavaScript loops here compute the same
// formulas (float32 rounded at the same steps) for float64, `kernel: 'js'` and when WebAssembly is
// unavailable.

import { wasmBatchNormBackwardTraining, wasmBatchNormForwardTraining } from '@torchlet/kernels';
import {
  allocStorage,
  type FloatArray,
  fail,
  formatShape,
  formatValue,
  getBackend,
  isTensor,
  Tensor,
} from '@torchlet/tensor';
import { freshFloat32 } from '../fresh-output.js';
import { checkFloatTensor } from '../params.js';

/**
 * Options of {@link batchNormTraining} and {@link batchNormTrainingBackward}.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { type BatchNormTrainingOptions, batchNormTraining } from '@torchlet/ops';
 * const options: BatchNormTrainingOptions = { eps: 0, kernel: 'js' };
 * batchNormTraining(tensor([[1], [3]]), null, null, options).output.toArray(); // -> [[-1], [1]]
 * ```
 */
export interface BatchNormTrainingOptions {
  /** Added to the variance (forward only). Default `1e-5`. */
  readonly eps?: number;
  /**
   * An activation applied to the output in the same pass: `'relu'` (`max(y, 0)`) or `'relu6'`
   * (`clamp(y, 0, 6)`, `nn.ReLU6`); NaN stays NaN. The backward, given the same activation and the
   * forward's `bias`, takes the gradient after the activation (PyTorch's threshold_backward and
   * hardtanh_backward rules: zero where the output before it is <= 0, or outside (0, 6)).
   * Default `null` (none).
   */
  readonly activation?: 'relu' | 'relu6' | null;
  /** Backward only: the forward's bias `[C]` (or null), which the activation's mask needs. Default `null`. */
  readonly bias?: Tensor | null;
  /**
   * Backward only: write the input gradient over `gradOutput`'s storage instead of a new array, when
   * `gradOutput` is contiguous and spans its whole storage (otherwise a new array, as by default).
   * For a caller that owns `gradOutput` and never reads it again (autograd's engine). Default `false`.
   */
  readonly overwriteGradOutput?: boolean;
  /**
   * `'js'` (JavaScript loops), `'wasm'` (`@torchlet/kernels`' WebAssembly SIMD kernels, float32
   * only; throws where they cannot run) or `'auto'` (the default: WebAssembly for float32 unless
   * `setBackend('js')` is in force).
   */
  readonly kernel?: 'auto' | 'js' | 'wasm';
}

/**
 * What {@link batchNormTraining} returns: the normalised batch and the statistics its backward
 * needs (PyTorch's `save_mean`, `save_invstd`) or the running statistics' update uses.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { type BatchNormTrainingResult, batchNormTraining } from '@torchlet/ops';
 * const r: BatchNormTrainingResult = batchNormTraining(tensor([[1], [3]]), null, null, { eps: 0 });
 * r.mean.toArray(); // -> [2]
 * r.variance.toArray(); // -> [1]
 * r.invstd.toArray(); // -> [1]
 * ```
 */
export interface BatchNormTrainingResult {
  /** The normalised batch, the shape and dtype of the input. */
  readonly output: Tensor;
  /** The batch mean per channel `[C]`. */
  readonly mean: Tensor;
  /** The biased batch variance per channel `[C]` (divided by the count, not count - 1). */
  readonly variance: Tensor;
  /** `1 / sqrt(variance + eps)` per channel `[C]`. */
  readonly invstd: Tensor;
}

/**
 * What {@link batchNormTrainingBackward} returns.
 *
 * @example
 * ```ts
 * import { ones, tensor } from '@torchlet/tensor';
 * import { type BatchNormTrainingGradients, batchNormTraining, batchNormTrainingBackward } from '@torchlet/ops';
 * const x = tensor([[1], [3]]);
 * const { mean, invstd } = batchNormTraining(x, null, null, { eps: 0 });
 * const g: BatchNormTrainingGradients = batchNormTrainingBackward(ones([2, 1]), x, mean, invstd, null);
 * g.gradBias.toArray(); // -> [2]
 * ```
 */
export interface BatchNormTrainingGradients {
  /** The gradient of the input, its shape. */
  readonly gradInput: Tensor;
  /** The gradient of the weight `[C]` (`sum(dy * (x - mean)) * invstd`), also when there is no weight. */
  readonly gradWeight: Tensor;
  /** The gradient of the bias `[C]` (`sum(dy)`). */
  readonly gradBias: Tensor;
}

function checkInput(fn: string, arg: string, t: unknown): Tensor {
  const x = checkFloatTensor(fn, arg, t);
  if (x.ndim < 2)
    fail(fn, arg, `expected ${arg} [N, C, ...] with at least 2 dimensions, got ${arg} ${formatShape(x.shape)}`);
  return x;
}

function checkPerChannel(
  fn: string,
  arg: string,
  t: unknown,
  c: number,
  input: Tensor,
  optional: boolean,
): FloatArray | null {
  if (optional && (t === null || t === undefined)) return null;
  if (!isTensor(t)) fail(fn, arg, `expected ${arg} to be a Tensor${optional ? ' or null' : ''}, got ${formatValue(t)}`);
  checkFloatTensor(fn, arg, t);
  if (t.ndim !== 1 || t.shape[0] !== c) {
    fail(fn, arg, `expected ${arg} [${c}] for input ${formatShape(input.shape)}, got ${arg} ${formatShape(t.shape)}`);
  }
  // The kernels only read it: the tensor's own storage when dense (parameters are), no copy.
  return dense(t);
}

function checkOptions(
  fn: string,
  options: BatchNormTrainingOptions,
  dtype: string,
  shape: readonly number[],
): 'auto' | 'js' | 'wasm' {
  if (options === null || typeof options !== 'object')
    fail(fn, 'options', `expected an options object, got ${formatValue(options)}`);
  const kernel = options.kernel ?? 'auto';
  if (kernel !== 'auto' && kernel !== 'js' && kernel !== 'wasm') {
    fail(fn, 'kernel', `kernel must be 'auto', 'js' or 'wasm', got ${formatValue(kernel)}`);
  }
  if (kernel === 'wasm' && dtype !== 'float32') {
    fail(fn, 'kernel', `the 'wasm' kernel takes float32 input, got ${dtype} input ${formatShape(shape)}`);
  }
  const overwrite = options.overwriteGradOutput ?? false;
  if (typeof overwrite !== 'boolean')
    fail(fn, 'overwriteGradOutput', `overwriteGradOutput must be a boolean, got ${formatValue(overwrite)}`);
  const activation = options.activation ?? null;
  if (activation !== null && activation !== 'relu' && activation !== 'relu6') {
    fail(fn, 'activation', `activation must be 'relu', 'relu6' or null, got ${formatValue(activation)}`);
  }
  return kernel;
}

/** Applies the activation to one value (NaN stays NaN; ReLU maps -0 to +0, as tensor's relu and clamp). */
function activate(y: number, act: 'relu' | 'relu6' | null): number {
  // biome-ignore lint/suspicious/noSelfCompare: NaN test
  if (act === null || y !== y) return y;
  const r = Math.max(y, 0);
  return act === 'relu6' ? Math.min(r, 6) : r;
}

/** Dense row-major values of `t` (its own storage when already dense from offset 0). */
function dense(t: Tensor): FloatArray {
  const c = t.isContiguous() ? t : t.contiguous();
  const data = c.data as FloatArray;
  return c.offset === 0 && data.length === c.numel ? data : data.subarray(c.offset, c.offset + c.numel);
}

/** Whether `data`, the dense elements of `t`, is `t`'s own whole storage (so writing it changes nothing else). */
function spansStorage(t: Tensor, data: FloatArray): boolean {
  return t.gpuBuffer === null && data === t.data && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
}

function cannotRun(fn: string, shape: readonly number[]): never {
  return fail(
    fn,
    'kernel',
    `the 'wasm' kernel cannot run (WebAssembly SIMD is unavailable) on input ${formatShape(shape)}`,
  );
}

/**
 * Batch normalisation of `input` `[N, C, *]` in training mode, PyTorch's `native_batch_norm` with
 * `training=True`: each channel is normalised by the batch's mean and biased variance over every
 * dimension but C, then scaled by `weight` and shifted by `bias` (null: 1 and 0). Returns the
 * output and the statistics (`mean`, biased `variance`, `invstd = 1 / sqrt(variance + eps)`), which
 * {@link batchNormTrainingBackward} takes and from which a caller updates running statistics
 * (PyTorch's running variance uses the unbiased `variance * M / (M - 1)`). One call: float32 runs in
 * WebAssembly SIMD (two-pass statistics in float64 over cached data, then the map), float64 in
 * JavaScript, with PyTorch's CPU arithmetic (see the file comment). Needs more than one value per
 * channel, as PyTorch.
 *
 * Shapes: `input [N, C, *]`; `weight`, `bias` `[C]` -> output `[N, C, *]`; mean, variance, invstd `[C]`.
 *
 * @param input - The batch `[N, C, *]`, float32 or float64.
 * @param weight - The per-channel scale `[C]`, or null for 1.
 * @param bias - The per-channel shift `[C]`, or null for 0.
 * @param options - `eps` (default 1e-5), `activation` (`'relu'` / `'relu6'` in the same pass, default
 *   none) and `kernel` (default `'auto'`); see {@link BatchNormTrainingOptions}.
 * @returns The output and the batch statistics; see {@link BatchNormTrainingResult}.
 * @see torch.ops.aten.native_batch_norm
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { batchNormTraining } from '@torchlet/ops';
 * const x = tensor([[[1, 3]], [[5, 7]]]); // [2, 1, 2]: mean 4, variance 5
 * const r = batchNormTraining(x, tensor([2]), tensor([1]), { eps: 0 });
 * r.variance.toArray(); // -> [5]
 * r.output.allclose(tensor([[[1 - 6 / Math.sqrt(5), 1 - 2 / Math.sqrt(5)]], [[1 + 2 / Math.sqrt(5), 1 + 6 / Math.sqrt(5)]]])); // -> true
 * ```
 */
export function batchNormTraining(
  input: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  options: BatchNormTrainingOptions = {},
): BatchNormTrainingResult {
  const fn = 'batchNormTraining';
  const x = checkInput(fn, 'input', input);
  const shape = x.shape;
  const c = shape[1];
  const w = checkPerChannel(fn, 'weight', weight, c, x, true);
  const b = checkPerChannel(fn, 'bias', bias, c, x, true);
  const kernel = checkOptions(fn, options, x.dtype, shape);
  const eps = options.eps ?? 1e-5;
  if (typeof eps !== 'number' || !(eps >= 0) || eps === Number.POSITIVE_INFINITY) {
    fail(fn, 'eps', `eps must be a non-negative finite number, got ${formatValue(eps)}`);
  }
  const n = shape[0];
  const size = x.numel;
  const inner = size === 0 ? 0 : size / (n * c);
  if (n * inner <= 1) {
    fail(fn, 'input', `expected more than 1 value per channel when training, got input ${formatShape(shape)}`);
  }
  const dtype = x.dtype as 'float32' | 'float64';
  const src = dense(x);
  // Both kernels write every element: float32 skips the zero fill (see fresh-output.ts).
  const out = dtype === 'float32' ? freshFloat32(size) : (allocStorage(dtype, size) as FloatArray);
  const stats = new Float64Array(3 * c);
  const useWasm = kernel === 'wasm' || (kernel === 'auto' && getBackend() !== 'js');
  const act = options.activation ?? null;
  const ran =
    useWasm && dtype === 'float32' && wasmBatchNormForwardTraining(src, out, n, c, inner, w, b, eps, stats, act);
  if (!ran) {
    if (kernel === 'wasm') cannotRun(fn, shape);
    forwardJs(src, out, n, c, inner, w, b, eps, stats, dtype === 'float32', act);
  }
  const perChannel = (k: number): Tensor => {
    const t = allocStorage(dtype, c) as FloatArray;
    for (let i = 0; i < c; i++) t[i] = stats[k * c + i];
    return new Tensor(t, [c]);
  };
  return { output: new Tensor(out, shape), mean: perChannel(0), variance: perChannel(1), invstd: perChannel(2) };
}

/** The JavaScript forward: PyTorch's formulas, rounded to float32 at its steps when `f32`. */
function forwardJs(
  x: FloatArray,
  out: FloatArray,
  n: number,
  c: number,
  inner: number,
  w: FloatArray | null,
  b: FloatArray | null,
  eps: number,
  stats: Float64Array,
  f32: boolean,
  act: 'relu' | 'relu6' | null,
): void {
  const r = f32 ? Math.fround : (v: number) => v;
  const count = n * inner;
  for (let ch = 0; ch < c; ch++) {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const at = (i * c + ch) * inner;
      for (let j = 0; j < inner; j++) sum += x[at + j];
    }
    const mean = r(sum / count);
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const at = (i * c + ch) * inner;
      for (let j = 0; j < inner; j++) {
        const d = r(x[at + j] - mean);
        squares += d * d;
      }
    }
    const variance = squares / count;
    const invstd = r(1 / Math.sqrt(variance + eps));
    const alpha = r(invstd * (w === null ? 1 : w[ch]));
    const beta = r((b === null ? 0 : b[ch]) - mean * alpha);
    for (let i = 0; i < n; i++) {
      const at = (i * c + ch) * inner;
      if (act === null) for (let j = 0; j < inner; j++) out[at + j] = x[at + j] * alpha + beta;
      else for (let j = 0; j < inner; j++) out[at + j] = activate(r(x[at + j] * alpha + beta), act);
    }
    stats[ch] = mean;
    stats[c + ch] = variance;
    stats[2 * c + ch] = invstd;
  }
}

/**
 * The gradients of {@link batchNormTraining}, PyTorch's `native_batch_norm_backward` in training
 * mode, in one call: the input gradient
 * `dx = (dy - mean(dy) - (x - mean) * invstd^2 * mean(dy * (x - mean))) * invstd * weight`, the
 * weight gradient `sum(dy * (x - mean)) * invstd` and the bias gradient `sum(dy)`, sums over every
 * dimension but C. `mean` and `invstd` are the forward's (its result's fields).
 *
 * Shapes: `gradOutput`, `input` `[N, C, *]`; `mean`, `invstd`, `weight` `[C]` -> gradInput `[N, C, *]`,
 * gradWeight and gradBias `[C]`.
 *
 * @param gradOutput - The gradient of the forward's output, the input's shape.
 * @param input - The forward's input `[N, C, *]`.
 * @param mean - The forward's batch mean `[C]`.
 * @param invstd - The forward's `1 / sqrt(variance + eps)` `[C]`.
 * @param weight - The forward's weight `[C]`, or null for 1.
 * @param options - `kernel` (default `'auto'`), and the forward's `activation` and `bias` when it had an
 *   activation (then `gradOutput` is the gradient after it); see {@link BatchNormTrainingOptions} (`eps` is not used).
 * @returns The three gradients; see {@link BatchNormTrainingGradients}.
 * @see torch.ops.aten.native_batch_norm_backward
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { batchNormTraining, batchNormTrainingBackward } from '@torchlet/ops';
 * const x = tensor([[1], [3]]); // mean 2, invstd 1 with eps 0
 * const { mean, invstd } = batchNormTraining(x, null, null, { eps: 0 });
 * const g = batchNormTrainingBackward(tensor([[1], [0]]), x, mean, invstd, null);
 * g.gradInput.toArray(); // -> [[0], [0]]
 * g.gradWeight.toArray(); // -> [-1]
 * g.gradBias.toArray(); // -> [1]
 * ```
 */
export function batchNormTrainingBackward(
  gradOutput: Tensor,
  input: Tensor,
  mean: Tensor,
  invstd: Tensor,
  weight: Tensor | null,
  options: BatchNormTrainingOptions = {},
): BatchNormTrainingGradients {
  const fn = 'batchNormTrainingBackward';
  const x = checkInput(fn, 'input', input);
  const dy = checkFloatTensor(fn, 'gradOutput', gradOutput);
  const shape = x.shape;
  if (dy.ndim !== shape.length || dy.shape.some((d, i) => d !== shape[i])) {
    fail(
      fn,
      'gradOutput',
      `expected gradOutput of the input's shape ${formatShape(shape)}, got gradOutput ${formatShape(dy.shape)}`,
    );
  }
  if (dy.dtype !== x.dtype) {
    fail(
      fn,
      'gradOutput',
      `expected gradOutput of the input's dtype ${x.dtype}, got ${dy.dtype} gradOutput ${formatShape(dy.shape)}`,
    );
  }
  const c = shape[1];
  const m = checkPerChannel(fn, 'mean', mean, c, x, false) as FloatArray;
  const inv = checkPerChannel(fn, 'invstd', invstd, c, x, false) as FloatArray;
  const w = checkPerChannel(fn, 'weight', weight, c, x, true);
  const kernel = checkOptions(fn, options, x.dtype, shape);
  const b = checkPerChannel(fn, 'bias', options.bias ?? null, c, x, true);
  const act = options.activation ?? null;
  const n = shape[0];
  const size = x.numel;
  const inner = size === 0 ? 0 : size / (n * c);
  const dtype = x.dtype as 'float32' | 'float64';
  const xs = dense(x);
  const gs = dense(dy);
  // Both kernels write every element: float32 skips the zero fill (see fresh-output.ts). Both may
  // write dx over dy (each element is read before it is written).
  const inPlace = options.overwriteGradOutput === true && spansStorage(dy, gs);
  if (inPlace) dy.bumpVersion();
  const dx = inPlace ? gs : dtype === 'float32' ? freshFloat32(size) : (allocStorage(dtype, size) as FloatArray);
  const sums = new Float64Array(2 * c);
  const f32 = dtype === 'float32';
  const useWasm = kernel === 'wasm' || (kernel === 'auto' && getBackend() !== 'js');
  const ran = useWasm && f32 && wasmBatchNormBackwardTraining(gs, xs, dx, n, c, inner, m, inv, w, sums, b, act);
  if (!ran) {
    if (kernel === 'wasm') cannotRun(fn, shape);
    backwardJs(gs, xs, dx, n, c, inner, m, inv, w, b, sums, f32, act);
  }
  const gradWeight = allocStorage(dtype, c) as FloatArray;
  const gradBias = allocStorage(dtype, c) as FloatArray;
  for (let ch = 0; ch < c; ch++) {
    gradBias[ch] = sums[ch];
    gradWeight[ch] = sums[c + ch] * inv[ch];
  }
  return {
    gradInput: new Tensor(dx, shape),
    gradWeight: new Tensor(gradWeight, [c]),
    gradBias: new Tensor(gradBias, [c]),
  };
}

/** The JavaScript backward: PyTorch's formulas, rounded to float32 at its steps when `f32`. */
function backwardJs(
  dy: FloatArray,
  x: FloatArray,
  dx: FloatArray,
  n: number,
  c: number,
  inner: number,
  mean: FloatArray,
  invstd: FloatArray,
  w: FloatArray | null,
  b: FloatArray | null,
  sums: Float64Array,
  f32: boolean,
  act: 'relu' | 'relu6' | null,
): void {
  const r = f32 ? Math.fround : (v: number) => v;
  const count = n * inner;
  // The gradient after the activation, zeroed where its gradient is 0 (the output before it
  // recomputed with the forward's rounding); dx holds it until the second pass overwrites it.
  const g = act === null ? dy : dx;
  for (let ch = 0; ch < c; ch++) {
    const m = mean[ch];
    const inv = invstd[ch];
    if (act !== null) {
      const alpha = r(inv * (w === null ? 1 : w[ch]));
      const beta = r((b === null ? 0 : b[ch]) - m * alpha);
      for (let i = 0; i < n; i++) {
        const at = (i * c + ch) * inner;
        for (let j = 0; j < inner; j++) {
          const z = r(x[at + j] * alpha + beta);
          g[at + j] = (act === 'relu' ? z > 0 : !(z <= 0 || z >= 6)) ? dy[at + j] : 0;
        }
      }
    }
    let sumDy = 0;
    let dot = 0;
    for (let i = 0; i < n; i++) {
      const at = (i * c + ch) * inner;
      for (let j = 0; j < inner; j++) {
        sumDy += g[at + j];
        dot += r(x[at + j] - m) * g[at + j];
      }
    }
    const k = r((dot * inv * inv) / count);
    const gradMean = r(sumDy / count);
    const scale = r(inv * (w === null ? 1 : w[ch]));
    for (let i = 0; i < n; i++) {
      const at = (i * c + ch) * inner;
      for (let j = 0; j < inner; j++) {
        const d = r(r(x[at + j] - m) * k);
        dx[at + j] = r(r(g[at + j] - gradMean) - d) * scale;
      }
    }
    sums[ch] = sumDy;
    sums[c + ch] = dot;
  }
}
