// The TypeScript face of assembly/batch-norm.ts: BatchNorm in training mode (batch statistics),
// forward and backward, on dense float32 [n, channels, inner] data. The data crosses into
// WebAssembly memory a run of channels at a time (every image's planes of those channels, one copy
// per image), so the statistics' two passes and the map that follows read the cache, and the
// operands cross once each way. One thread: the passes are memory-bound.
//
// Linear memory, from the module's heap base (64-byte aligned):
//   [ weight | bias (forward) or mean | invstd (backward) | per-chunk statistics | x chunk | dy chunk ]

import { checkChannelSizes } from './channel-affine.js';
import { describeArgument, KernelArgumentError } from './errors.js';
import { align64, type FloatArray, memoryView, noteKernel } from './gemm.js';
import { type GemmExports, gemmModule } from './loader.js';

/** Name of the training-mode BatchNorm kernels (forward and backward). */
export const WASM_BATCH_NORM_TRAIN_KERNEL = 'wasm-simd128-batch-norm-train';

/** The entry points of the module (assembly/batch-norm.ts). */
interface BatchNormExports extends GemmExports {
  batchNormTrainForwardF32(
    x: number,
    images: number,
    cc: number,
    inner: number,
    weight: number,
    bias: number,
    c0: number,
    eps: number,
    stats: number,
    act: number,
  ): void;
  batchNormTrainBackwardF32(
    x: number,
    dy: number,
    images: number,
    cc: number,
    inner: number,
    mean: number,
    invstd: number,
    weight: number,
    bias: number,
    c0: number,
    sums: number,
    act: number,
  ): void;
}

/**
 * An activation fused into the training-mode BatchNorm kernels: `'relu'` (`max(y, 0)`) or `'relu6'`
 * (`clamp(y, 0, 6)`); NaN stays NaN.
 *
 * @example
 * ```ts
 * import type { BatchNormActivation } from '@torchlet/kernels';
 * const activation: BatchNormActivation = 'relu6';
 * activation; // -> 'relu6'
 * ```
 */
export type BatchNormActivation = 'relu' | 'relu6';

/** The module's code of an activation (assembly/batch-norm.ts). */
function activationCode(fn: string, a: unknown): number {
  if (a === null || a === undefined) return 0;
  if (a === 'relu') return 1;
  if (a === 'relu6') return 2;
  throw new KernelArgumentError(
    fn,
    'activation',
    `activation must be 'relu', 'relu6' or null, got ${describeArgument(a)}`,
  );
}

/**
 * Floats of one operand staged per chunk (256 KB): a run of whole channels (every image's planes),
 * at least one channel, so a chunk's later passes read the L2 cache.
 */
const CHUNK_FLOATS = 1 << 16;

function checkArray(fn: string, arg: string, a: unknown, need: number, float64Only = false): void {
  const ok = float64Only ? a instanceof Float64Array : a instanceof Float32Array || a instanceof Float64Array;
  if (!ok) {
    throw new KernelArgumentError(
      fn,
      arg,
      `${arg} must be a ${float64Only ? 'Float64Array' : 'Float32Array or Float64Array'}, got ${describeArgument(a)}`,
    );
  }
  if ((a as FloatArray).length < need) {
    throw new KernelArgumentError(
      fn,
      arg,
      `${arg} holds ${(a as FloatArray).length} elements, fewer than the ${need} needed`,
    );
  }
}

/** Channels per chunk: whole channels whose `n * inner` floats fill about CHUNK_FLOATS (at least one). */
function channelsPerChunk(n: number, channels: number, inner: number): number {
  return Math.max(1, Math.min(channels, Math.floor(CHUNK_FLOATS / Math.max(1, n * inner))));
}

/** Copies channels [c0, c0 + cc) of every image of `src` [n, channels, inner] into `mem` at float `at`. */
function stageIn(
  mem: Float32Array,
  at: number,
  src: FloatArray,
  n: number,
  channels: number,
  inner: number,
  c0: number,
  cc: number,
): void {
  const run = cc * inner;
  for (let b = 0; b < n; b++) {
    const from = (b * channels + c0) * inner;
    mem.set(src.subarray(from, from + run), at + b * run);
  }
}

/** The inverse of {@link stageIn}: the staged run back into `dst` [n, channels, inner]. */
function stageOut(
  mem: Float32Array,
  at: number,
  dst: FloatArray,
  n: number,
  channels: number,
  inner: number,
  c0: number,
  cc: number,
): void {
  const run = cc * inner;
  for (let b = 0; b < n; b++) dst.set(mem.subarray(at + b * run, at + (b + 1) * run), (b * channels + c0) * inner);
}

/**
 * BatchNorm's forward pass in training mode, in WebAssembly SIMD: for each channel c of dense
 * float32 `x` `[n, channels, inner]`, the batch mean and biased variance over its `n * inner`
 * values, `invstd = 1 / sqrt(variance + eps)`, then
 * `out = (x - mean) * invstd * weight[c] + bias[c]`. The arithmetic of PyTorch's CPU kernel: float64
 * sums, two passes (the variance is the mean squared deviation from the float32 mean, so it does
 * not cancel), `out = x * alpha + beta` with `alpha = invstd * weight`, `beta = bias - mean * alpha`
 * rounded to float32 and each element computed in float64 and rounded once; then `activation`
 * when given (BatchNorm + ReLU / ReLU6 in one pass). `stats` receives
 * `[mean (float32 values), biased variance, invstd (float32 values)]`, each `channels` long.
 * `out` may be `x`.
 *
 * Returns `true` when it wrote `out` and `stats`, `false` when it declined and left them untouched
 * (`x` or `out` is not a `Float32Array`, or the module is unavailable: see `ready`). Throws a
 * `KernelArgumentError` for sizes that are not non-negative integers or arrays shorter than they say.
 *
 * Shapes: x `[n, channels, inner]`, weight and bias `[channels]` or null -> out `[n, channels, inner]`,
 * stats `[3, channels]`.
 *
 * @param x - The input, dense float32 `[n, channels, inner]` (NCHW with `inner = H * W`).
 * @param out - Receives the normalised batch, the length of `x` (may be `x` itself).
 * @param n - The batch size.
 * @param channels - The number of channels.
 * @param inner - The elements per channel and sample (`H * W`).
 * @param weight - The per-channel scale, `channels` values, or null for 1.
 * @param bias - The per-channel shift, `channels` values, or null for 0.
 * @param eps - Added to the variance.
 * @param stats - Receives the mean, the biased variance and invstd, `3 * channels` float64 values.
 * @param activation - `'relu'` or `'relu6'` applied to the output in the same pass, or null (the default).
 * @returns `true` when WebAssembly computed `out` and `stats`, `false` when it declined.
 * @see torch.nn.functional.batch_norm with training=True
 * @example
 * ```ts
 * import { getBackendInfo, wasmBatchNormForwardTraining } from '@torchlet/kernels';
 * // One channel of [1, 3, 5, 7]: mean 4, variance 5.
 * const out = new Float32Array(4);
 * const stats = new Float64Array(3);
 * wasmBatchNormForwardTraining(new Float32Array([1, 3, 5, 7]), out, 2, 1, 2, null, null, 0, stats); // -> true
 * Array.from(stats.subarray(0, 2)); // -> [4, 5]
 * Math.abs(out[3] - 3 / Math.sqrt(5)) < 1e-6; // -> true
 * getBackendInfo().lastKernel; // -> 'wasm-simd128-batch-norm-train'
 * ```
 */
export function wasmBatchNormForwardTraining(
  x: FloatArray,
  out: FloatArray,
  n: number,
  channels: number,
  inner: number,
  weight: FloatArray | null,
  bias: FloatArray | null,
  eps: number,
  stats: Float64Array,
  activation: BatchNormActivation | null = null,
): boolean {
  const fn = 'wasmBatchNormForwardTraining';
  const act = activationCode(fn, activation);
  const size = checkChannelSizes(fn, n, channels, inner);
  checkArray(fn, 'x', x, size);
  checkArray(fn, 'out', out, size);
  if (weight !== null) checkArray(fn, 'weight', weight, channels);
  if (bias !== null) checkArray(fn, 'bias', bias, channels);
  checkArray(fn, 'stats', stats, 3 * channels, true);
  if (typeof eps !== 'number' || !(eps >= 0)) {
    throw new KernelArgumentError(fn, 'eps', `eps must be a non-negative number, got ${describeArgument(eps)}`);
  }
  if (!(x instanceof Float32Array && out instanceof Float32Array)) {
    noteKernel('js');
    return false;
  }
  const mod = gemmModule() as BatchNormExports | null;
  if (mod === null) {
    noteKernel('js');
    return false;
  }
  const cc = channelsPerChunk(n, channels, inner);
  const weightAt = align64(mod.heapBase());
  const biasAt = align64(weightAt + 4 * channels);
  const statsAt = align64(biasAt + 4 * channels);
  const chunkAt = align64(statsAt + 8 * 3 * cc);
  const mem = memoryView(mod, chunkAt + 4 * n * cc * inner + 64);
  if (mem === null) {
    noteKernel('js');
    return false;
  }
  noteKernel(WASM_BATCH_NORM_TRAIN_KERNEL);
  if (weight === null) mem.fill(1, weightAt / 4, weightAt / 4 + channels);
  else mem.set(weight.subarray(0, channels), weightAt / 4);
  if (bias === null) mem.fill(0, biasAt / 4, biasAt / 4 + channels);
  else mem.set(bias.subarray(0, channels), biasAt / 4);
  const f = chunkAt / 4;
  for (let c0 = 0; c0 < channels; c0 += cc) {
    const k = Math.min(cc, channels - c0);
    stageIn(mem, f, x, n, channels, inner, c0, k);
    mod.batchNormTrainForwardF32(chunkAt, n, k, inner, weightAt, biasAt, c0, eps, statsAt, act);
    stageOut(mem, f, out, n, channels, inner, c0, k);
    const s = new Float64Array(mem.buffer, statsAt, 3 * k);
    for (let j = 0; j < k; j++) {
      stats[c0 + j] = s[j];
      stats[channels + c0 + j] = s[k + j];
      stats[2 * channels + c0 + j] = s[2 * k + j];
    }
  }
  return true;
}

/**
 * BatchNorm's backward pass in training mode, in WebAssembly SIMD: given the forward's input `x`,
 * the output's gradient `dy` (both dense float32 `[n, channels, inner]`) and the forward's float32
 * `mean` and `invstd` per channel, writes `dx` and the per-channel sums `sum(dy)` (the bias
 * gradient) and `sum((x - mean) * dy)` (times invstd, the weight gradient) in float64 into `sums`.
 * PyTorch's CPU arithmetic: `dx = (dy - sum(dy) / M - (x - mean) * k) * invstd * weight` in
 * float32, `k = sum((x - mean) * dy) * invstd^2 / M`, M = `n * inner`. `dx` may be `dy`. With the
 * forward's `activation` (and its `bias`), `dy` is the gradient after the activation: it is first
 * zeroed where the activation's gradient is 0 (the output before it, recomputed with the forward's
 * rounding, <= 0 for ReLU, outside (0, 6) for ReLU6), so BatchNorm + ReLU6 backward is one call.
 *
 * Same return convention as {@link wasmBatchNormForwardTraining}.
 *
 * Shapes: dy, x `[n, channels, inner]`; mean, invstd, weight `[channels]` -> dx `[n, channels, inner]`,
 * sums `[2, channels]`.
 *
 * @param dy - The gradient of the output, dense float32 `[n, channels, inner]`.
 * @param x - The forward pass's input, dense float32 `[n, channels, inner]`.
 * @param dx - Receives the input gradient (may be `dy` itself).
 * @param n - The batch size.
 * @param channels - The number of channels.
 * @param inner - The elements per channel and sample (`H * W`).
 * @param mean - The forward's batch mean per channel.
 * @param invstd - The forward's `1 / sqrt(variance + eps)` per channel.
 * @param weight - The per-channel scale, or null for 1.
 * @param sums - Receives `sum(dy)` then `sum((x - mean) * dy)`, `2 * channels` float64 values.
 * @param bias - The forward's per-channel shift, or null for 0 (read only with an activation).
 * @param activation - The activation the forward applied, or null (the default).
 * @returns `true` when WebAssembly computed `dx` and `sums`, `false` when it declined.
 * @see torch.ops.aten.native_batch_norm_backward
 * @example
 * ```ts
 * import { wasmBatchNormBackwardTraining } from '@torchlet/kernels';
 * // A uniform upstream gradient leaves nothing for the input: the mean absorbs it.
 * const dx = new Float32Array(4);
 * const sums = new Float64Array(2);
 * wasmBatchNormBackwardTraining(new Float32Array([1, 1, 1, 1]), new Float32Array([1, 3, 5, 7]), dx, 2, 1, 2,
 *   new Float32Array([4]), new Float32Array([0.5]), null, sums); // -> true
 * Array.from(dx); // -> [0, 0, 0, 0]
 * Array.from(sums); // -> [4, 0]
 * ```
 */
export function wasmBatchNormBackwardTraining(
  dy: FloatArray,
  x: FloatArray,
  dx: FloatArray,
  n: number,
  channels: number,
  inner: number,
  mean: FloatArray,
  invstd: FloatArray,
  weight: FloatArray | null,
  sums: Float64Array,
  bias: FloatArray | null = null,
  activation: BatchNormActivation | null = null,
): boolean {
  const fn = 'wasmBatchNormBackwardTraining';
  const act = activationCode(fn, activation);
  const size = checkChannelSizes(fn, n, channels, inner);
  checkArray(fn, 'dy', dy, size);
  checkArray(fn, 'x', x, size);
  checkArray(fn, 'dx', dx, size);
  checkArray(fn, 'mean', mean, channels);
  checkArray(fn, 'invstd', invstd, channels);
  if (weight !== null) checkArray(fn, 'weight', weight, channels);
  if (bias !== null) checkArray(fn, 'bias', bias, channels);
  checkArray(fn, 'sums', sums, 2 * channels, true);
  if (!(dy instanceof Float32Array && x instanceof Float32Array && dx instanceof Float32Array)) {
    noteKernel('js');
    return false;
  }
  const mod = gemmModule() as BatchNormExports | null;
  if (mod === null) {
    noteKernel('js');
    return false;
  }
  const cc = channelsPerChunk(n, channels, inner);
  const weightAt = align64(mod.heapBase());
  const biasAt = align64(weightAt + 4 * channels);
  const meanAt = align64(biasAt + 4 * channels);
  const invstdAt = align64(meanAt + 4 * channels);
  const sumsAt = align64(invstdAt + 4 * channels);
  const xAt = align64(sumsAt + 8 * 2 * cc);
  const dyAt = align64(xAt + 4 * n * cc * inner + 64);
  const mem = memoryView(mod, dyAt + 4 * n * cc * inner + 64);
  if (mem === null) {
    noteKernel('js');
    return false;
  }
  noteKernel(WASM_BATCH_NORM_TRAIN_KERNEL);
  if (weight === null) mem.fill(1, weightAt / 4, weightAt / 4 + channels);
  else mem.set(weight.subarray(0, channels), weightAt / 4);
  if (bias === null) mem.fill(0, biasAt / 4, biasAt / 4 + channels);
  else mem.set(bias.subarray(0, channels), biasAt / 4);
  mem.set(mean.subarray(0, channels), meanAt / 4);
  mem.set(invstd.subarray(0, channels), invstdAt / 4);
  for (let c0 = 0; c0 < channels; c0 += cc) {
    const k = Math.min(cc, channels - c0);
    stageIn(mem, xAt / 4, x, n, channels, inner, c0, k);
    stageIn(mem, dyAt / 4, dy, n, channels, inner, c0, k);
    mod.batchNormTrainBackwardF32(xAt, dyAt, n, k, inner, meanAt, invstdAt, weightAt, biasAt, c0, sumsAt, act);
    stageOut(mem, dyAt / 4, dx, n, channels, inner, c0, k);
    const s = new Float64Array(mem.buffer, sumsAt, 2 * k);
    for (let j = 0; j < k; j++) {
      sums[c0 + j] = s[j];
      sums[channels + c0 + j] = s[k + j];
    }
  }
  return true;
}
