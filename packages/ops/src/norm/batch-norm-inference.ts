// Batch normalisation in evaluation mode as one pass: the running statistics, weight and bias are
// folded into a per-channel scale and shift first, as PyTorch's CPU kernel does
// (aten batch_norm_cpu_collect_linear_and_constant_terms), then `y = x * scale[c] + shift[c]`
// (and ReLU when asked) runs over the data once, in WebAssembly SIMD for large float32 inputs.
//
// Float32 follows PyTorch's float32 arithmetic: invstd = 1 / sqrt(var + eps) rounded at each step,
// scale = invstd * weight, shift = bias - mean * scale (one rounding, PyTorch's fused multiply-add),
// y = x * scale + shift computed in float64 and rounded once (the fused multiply-add of PyTorch's
// vectorised loop, except about one element in 2^29, which is one unit in the last place off).

import { wasmChannelAffine } from '@torchlet/kernels';
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
import { checkFloatTensor } from '../params.js';

/**
 * Options of {@link batchNormInference}.
 *
 * @example
 * ```ts
 * import { ones, tensor, zeros } from '@torchlet/tensor';
 * import { type BatchNormInferenceOptions, batchNormInference } from '@torchlet/ops';
 * const options: BatchNormInferenceOptions = { eps: 0, relu: true };
 * batchNormInference(tensor([[-2, 3]]).reshape([1, 2, 1]), zeros([2]), ones([2]), null, null, options).toArray(); // -> [[[0], [3]]]
 * ```
 */
export interface BatchNormInferenceOptions {
  /** Added to the variance. Default `1e-5`. */
  readonly eps?: number;
  /** Apply ReLU to the result (`max(y, 0)`; NaN stays NaN). Default `false`. */
  readonly relu?: boolean;
  /**
   * `'js'` (a JavaScript loop), `'wasm'` (`@torchlet/kernels`' `wasmChannelAffine`, float32 only;
   * throws where it cannot run) or `'auto'` (the default: WebAssembly for float32 inputs of at
   * least 2048 elements unless `setBackend('js')` is in force). Both give the same bits.
   */
  readonly kernel?: 'auto' | 'js' | 'wasm';
}

/** Elements from which `'auto'` runs float32 inputs in WebAssembly (below, the staging costs what it saves). */
const WASM_MIN_ELEMENTS = 1 << 11;

/**
 * The per-channel scale and shift that batch normalisation in evaluation mode applies:
 * `scale = weight / sqrt(var + eps)`, `shift = bias - mean * scale`, in the arithmetic of
 * PyTorch's CPU kernel for `dtype` (see the file comment).
 *
 * Shapes: `runningMean`, `runningVar`, `weight`, `bias` `[C]` -> `scale`, `shift`, `invstd` `[C]`
 * (internal to this package: its tests check it through {@link batchNormInference}).
 */
export function batchNormScaleShift(
  runningMean: Tensor,
  runningVar: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  eps: number,
  dtype: 'float32' | 'float64',
): { scale: FloatArray; shift: FloatArray; invstd: FloatArray } {
  const c = runningMean.numel;
  const mean = runningMean.toTypedArray() as FloatArray;
  const variance = runningVar.toTypedArray() as FloatArray;
  const w = weight === null ? null : (weight.toTypedArray() as FloatArray);
  const b = bias === null ? null : (bias.toTypedArray() as FloatArray);
  const f32 = dtype === 'float32';
  const scale = allocStorage(dtype, c) as FloatArray;
  const shift = allocStorage(dtype, c) as FloatArray;
  const invstd = allocStorage(dtype, c) as FloatArray;
  const r = f32 ? Math.fround : (v: number) => v;
  const e = r(eps);
  for (let i = 0; i < c; i++) {
    const inv = r(1 / r(Math.sqrt(r(r(variance[i]) + e))));
    const a = w === null ? inv : r(inv * r(w[i]));
    invstd[i] = inv;
    scale[i] = a;
    shift[i] = (b === null ? 0 : r(b[i])) - r(mean[i]) * a;
  }
  return { scale, shift, invstd };
}

function checkPerChannel(fn: string, arg: string, t: unknown, c: number, input: Tensor, optional: boolean): void {
  if (optional && t === null) return;
  if (!isTensor(t)) fail(fn, arg, `expected ${arg} to be a Tensor${optional ? ' or null' : ''}, got ${formatValue(t)}`);
  checkFloatTensor(fn, arg, t);
  if (t.ndim !== 1 || t.shape[0] !== c) {
    fail(fn, arg, `expected ${arg} [${c}] for input ${formatShape(input.shape)}, got ${arg} ${formatShape(t.shape)}`);
  }
}

/**
 * Batch normalisation of `input` `[N, C, ...]` in evaluation mode, as one pass over the data:
 * `(x - runningMean[c]) / sqrt(runningVar[c] + eps) * weight[c] + bias[c]`, then ReLU when
 * `relu` is set. Computed as PyTorch's CPU kernel does (statistics folded into a per-channel scale
 * and shift first), so float32 results match `torch.nn.functional.batch_norm(training=False)` to
 * within one unit in the last place (almost always exactly). `weight` and `bias` may be null (1
 * and 0). Large float32 inputs run in WebAssembly SIMD (`wasmChannelAffine`), with the same bits
 * as the JavaScript loop.
 *
 * Shapes: `input [N, C, *]`; `runningMean`, `runningVar`, `weight`, `bias` `[C]` -> `[N, C, *]`.
 *
 * @param input - The batch `[N, C, *]`, float32 or float64.
 * @param runningMean - The per-channel mean `[C]`.
 * @param runningVar - The per-channel variance `[C]`.
 * @param weight - The per-channel scale `[C]`, or null for 1.
 * @param bias - The per-channel shift `[C]`, or null for 0.
 * @param options - `eps` (default 1e-5), `relu` (default false), `kernel` (default `'auto'`).
 * @returns The normalised batch, the shape and dtype of `input`.
 * @see torch.nn.functional.batch_norm
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { batchNormInference } from '@torchlet/ops';
 * const x = tensor([[[1, 3]], [[5, 7]]]); // [2, 1, 2]
 * // (x - 4) / sqrt(4 + 0) * 2 + 1
 * batchNormInference(x, tensor([4]), tensor([4]), tensor([2]), tensor([1]), { eps: 0 }).toArray(); // -> [[[-2, 0]], [[2, 4]]]
 * ```
 */
export function batchNormInference(
  input: Tensor,
  runningMean: Tensor,
  runningVar: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  options: BatchNormInferenceOptions = {},
): Tensor {
  const fn = 'batchNormInference';
  let x = checkFloatTensor(fn, 'input', input);
  if (x.ndim < 2) {
    fail(fn, 'input', `expected input [N, C, ...] with at least 2 dimensions, got input ${formatShape(x.shape)}`);
  }
  const c = x.shape[1];
  checkPerChannel(fn, 'runningMean', runningMean, c, x, false);
  checkPerChannel(fn, 'runningVar', runningVar, c, x, false);
  checkPerChannel(fn, 'weight', weight ?? null, c, x, true);
  checkPerChannel(fn, 'bias', bias ?? null, c, x, true);
  if (options === null || typeof options !== 'object') {
    fail(fn, 'options', `expected an options object, got ${formatValue(options)}`);
  }
  const eps = options.eps ?? 1e-5;
  const relu = options.relu ?? false;
  const kernel = options.kernel ?? 'auto';
  if (typeof eps !== 'number' || !(eps >= 0) || eps === Number.POSITIVE_INFINITY) {
    fail(fn, 'eps', `eps must be a non-negative finite number, got ${formatValue(eps)}`);
  }
  if (typeof relu !== 'boolean') fail(fn, 'relu', `relu must be a boolean, got ${formatValue(relu)}`);
  if (kernel !== 'auto' && kernel !== 'js' && kernel !== 'wasm') {
    fail(fn, 'kernel', `kernel must be 'auto', 'js' or 'wasm', got ${formatValue(kernel)}`);
  }
  if (kernel === 'wasm' && x.dtype !== 'float32') {
    fail(fn, 'kernel', `the 'wasm' kernel takes float32 input, got ${x.dtype} input ${formatShape(x.shape)}`);
  }
  const dtype = x.dtype as 'float32' | 'float64'; // checkFloatTensor
  const { scale, shift } = batchNormScaleShift(runningMean, runningVar, weight ?? null, bias ?? null, eps, dtype);
  const n = x.shape[0];
  const size = x.numel;
  const inner = c === 0 || n === 0 ? 0 : size / (n * c);
  if (!x.isContiguous()) x = x.contiguous();
  const data = x.data as FloatArray;
  const src = x.offset === 0 && data.length === size ? data : data.subarray(x.offset, x.offset + size);
  const out = allocStorage(dtype, size) as FloatArray;
  const useWasm = kernel === 'wasm' || (kernel === 'auto' && size >= WASM_MIN_ELEMENTS && getBackend() !== 'js');
  if (useWasm && x.dtype === 'float32' && wasmChannelAffine(src, out, n, c, inner, scale, shift, relu)) {
    return new Tensor(out, x.shape);
  }
  if (kernel === 'wasm') {
    fail(
      fn,
      'kernel',
      `the 'wasm' kernel cannot run (WebAssembly SIMD is unavailable) on input ${formatShape(x.shape)}`,
    );
  }
  channelAffineInto(src, out, n, c, inner, scale, shift, relu);
  return new Tensor(out, x.shape);
}

/** The JavaScript loop: `x * s + b` in doubles, rounded once when stored; ReLU as `Math.max(y, 0)`. */
function channelAffineInto(
  x: FloatArray,
  out: FloatArray,
  n: number,
  c: number,
  inner: number,
  scale: FloatArray,
  shift: FloatArray,
  relu: boolean,
): void {
  let at = 0;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const s = scale[ch];
      const t = shift[ch];
      const end = at + inner;
      if (relu) {
        for (; at < end; at++) {
          const y = x[at] * s + t;
          // biome-ignore lint/suspicious/noSelfCompare: NaN test
          out[at] = y > 0 || y !== y ? y : 0;
        }
      } else {
        for (; at < end; at++) out[at] = x[at] * s + t;
      }
    }
  }
}
