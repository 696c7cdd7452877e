import {
  allocStorage,
  checkShape,
  clamp,
  fail,
  formatShape,
  formatValue,
  isTensor,
  relu,
  type Shape,
  shapesEqual,
  Tensor,
} from '@torchlet/tensor';
import {
  anyOnGpu,
  checkGpuOperands,
  gpuConv2d,
  gpuConv2dBackwardInput,
  gpuConv2dBackwardWeight,
} from '../device/gpu.js';
import { gpuModePad, gpuPadBackward } from '../device/gpu-layers.js';
import { freshFloat32 } from '../fresh-output.js';
import { padBackwardRaw, padRaw, planPad } from '../pad/pad.js';
import { checkFloatTensor, checkSameDType, denseData, type FloatStorage } from '../params.js';
import { pickKernel } from './kernels.js';
import {
  type Conv2dForwardOptions,
  type Conv2dOptions,
  type ConvGeometry,
  conv2dGeometry,
  outputShapeOf,
  type ResolvedActivation,
  type ResolvedConv2d,
  resolveActivation,
  resolveConv2dOptions,
} from './params.js';

/** A validated conv2d problem: geometry (after any mode padding), resolved options and whether the input was batched. */
interface Plan {
  readonly g: ConvGeometry;
  readonly r: ResolvedConv2d;
  readonly batched: boolean;
  readonly inputShape: readonly number[];
  /** For non-zero padding modes: the explicit pad step that runs before a zero-padding conv. */
  readonly modePad: (ReturnType<typeof planPad> & { readonly inShape4: number[] }) | null;
}

function planConv(
  fn: string,
  inputShape: readonly number[],
  weightShape: readonly number[],
  options: Conv2dOptions,
  inputArg = 'input',
): Plan {
  const r = resolveConv2dOptions(fn, [weightShape[2], weightShape[3]], options);
  if (fn !== 'conv2d' && options !== null && typeof options === 'object' && 'activation' in options) {
    const a = (options as Conv2dForwardOptions).activation;
    if (a !== undefined && a !== null) {
      fail(
        fn,
        'activation',
        `activation is conv2d's forward-only option: relu(conv2d(...))'s gradient needs the activation's own (got ${formatValue(a)})`,
      );
    }
  }
  const g0 = conv2dGeometry(fn, inputShape, weightShape, r, inputArg);
  const batched = inputShape.length === 4;
  const pads = r.pads;
  const pt = pads[0];
  const pb = pads[1];
  const pl = pads[2];
  const pr = pads[3];
  if (r.paddingMode === 'zeros' || (pt === 0 && pb === 0 && pl === 0 && pr === 0)) {
    return { g: g0, r, batched, inputShape, modePad: null };
  }
  // nn.Conv2d's non-zero padding modes: pad explicitly, then convolve without padding.
  const inShape4 = [g0.batch, g0.inChannels, g0.inH, g0.inW];
  const mode = r.paddingMode;
  const planned = planPad(fn, inShape4, [pl, pr, pt, pb], mode, inputArg);
  const g: ConvGeometry = { ...g0, inH: g0.inH + pt + pb, inW: g0.inW + pl + pr, padTop: 0, padLeft: 0 };
  return { g, r, batched, inputShape, modePad: { ...planned, inShape4 } };
}

/** The (mode-padded) dense input of a plan. */
function planInput(p: Plan, x: Tensor): FloatStorage {
  const data = denseData(x);
  if (p.modePad === null) return data;
  const out = allocStorage(
    x.dtype,
    p.modePad.outShape.reduce((a, b) => a * b, 1),
  ) as FloatStorage;
  padRaw(data, p.modePad.inShape4, p.modePad.outShape, p.modePad.maps, 0, out);
  return out;
}

/**
 * The packed-weight cache key of a CPU weight tensor: its storage (by identity), how the tensor
 * reads it (offset, strides, shape) and its in-place write count. Equal keys mean equal values as
 * long as writes go through tensor operations (or are followed by `bumpVersion()`).
 */
function weightKeyOf(weight: Tensor): { owner: object; layout: string; version: number } {
  return {
    owner: weight.data,
    layout: `${weight.offset}/${weight.strides.join(',')}/${weight.shape.join(',')}`,
    version: weight.version,
  };
}

/** `out = activation(out)` in place, with the separate ops' rules (relu: `max(x, 0)`; clamp: `min(max(x, lo), hi)`; NaN stays). */
function activateInPlace(out: FloatStorage, activation: ResolvedActivation): void {
  if (activation === 'relu') {
    for (let i = 0; i < out.length; i++) out[i] = Math.max(out[i], 0);
    return;
  }
  const [lo, hi] = activation.clamp;
  for (let i = 0; i < out.length; i++) out[i] = Math.min(Math.max(out[i], lo), hi);
}

function checkBias(fn: string, bias: Tensor | null | undefined, weight: Tensor): Tensor | null {
  if (bias === null || bias === undefined) return null;
  checkFloatTensor(fn, 'bias', bias);
  const cout = weight.shape[0];
  if (bias.ndim !== 1 || bias.shape[0] !== cout) {
    fail(
      fn,
      'bias',
      `bias must be 1-D with ${cout} elements (one per output channel), got bias ${formatShape(bias.shape)} (weight ${formatShape(weight.shape)})`,
    );
  }
  return bias;
}

function shapeArg(fn: string, arg: string, x: Tensor | Shape): readonly number[] {
  return isTensor(x) ? x.shape : checkShape(fn, arg, x);
}

function checkUpstream(
  fn: string,
  upstream: Tensor,
  p: Plan,
  inputShape: readonly number[],
  weightShape: readonly number[],
): void {
  const expected = outputShapeOf(p.g, p.batched);
  if (!shapesEqual(upstream.shape, expected)) {
    fail(
      fn,
      'upstream',
      `upstream has shape ${formatShape(upstream.shape)} but conv2d of input ${formatShape(inputShape)} with weight ${formatShape(weightShape)} gives ${formatShape(expected)}`,
    );
  }
}

/**
 * 2-D convolution (cross-correlation, as in every DL framework) of a batch of images with a bank
 * of filters, plus an optional per-channel bias. With `groups = g`, input and output channels are
 * split into `g` groups convolved separately (`groups = Cin` is a depthwise convolution).
 *
 * Kernels: `'direct'` (tap-by-tap loops over output rows, no scratch memory), `'im2col'`
 * (unfold + GEMM per image and group) and `'implicit'` (the same GEMM with the unfold replaced by
 * tap offsets into a zero-bordered copy of each image, register-blocked; its strided input
 * gradient and its weight gradient are im2col's) and `'wasm'` (float32 forward in WebAssembly
 * SIMD through `@torchlet/kernels`' `wasmConv2dForward`, threaded per its `setThreads`, which
 * also computes the float32 input gradient when the stride is 1, as a forward conv of the upstream
 * gradient with the flipped, transposed weight, and the float32 weight gradient with
 * `wasmConv2dBackwardWeight`; float64 and the strided input gradient are im2col's), and
 * `'depthwise'` (groups = Cin = Cout only: one filter per channel, WebAssembly SIMD for float32 in
 * every pass, the direct loops for float64; forced on another geometry, or on float32 without
 * WebAssembly SIMD, it throws). `'auto'` (the default) picks the direct kernel when the problem is tiny
 * (`N*Cout*Hout*Wout*Cin/groups*kh*kw < 8192`), `'depthwise'` for other depthwise problems
 * (float32 in WebAssembly unless `setBackend('js')`, else the direct loops), the direct kernel when
 * each group has at most 2 output channels;
 * otherwise every float32 pass runs `'wasm'` (unless `setBackend('js')`; the weight gradient also
 * when the direct kernel was picked for at most 2 output channels per group, unless the problem is
 * tiny), and other passes the implicit GEMM when the pass's GEMM would run in JavaScript with fewer than 32
 * rows (output channels per group forward, input channels per group for the input gradient),
 * im2col + GEMM from there.
 *
 * Shapes: input `[N, Cin, H, W]` (or unbatched `[Cin, H, W]`), weight `[Cout, Cin/groups, kh, kw]`,
 * bias `[Cout]` or null -> `[N, Cout, Hout, Wout]` (or `[Cout, Hout, Wout]`), with
 * `Hout = floor((H + padTop + padBottom - dilation*(kh-1) - 1)/stride) + 1` (see `conv2dOutputShape`).
 *
 * @param input - Input `[N, C_in, H, W]` (or one image `[C_in, H, W]`), float32 or float64.
 * @param weight - Filters `[C_out, C_in / groups, kH, kW]`, of the input's dtype.
 * @param bias - Per-output-channel bias `[C_out]`, or `null` for none.
 * Float32 weights on the WebAssembly kernel are packed once and kept packed in WebAssembly memory
 * while the weight tensor is unchanged (same storage, offset, strides, shape and `version`; see
 * `@torchlet/kernels`' `setWeightCacheBytes` for the budget): in-place tensor operations bump the
 * version; after writing a weight's typed array directly, call its `bumpVersion()`.
 *
 * @param options - `stride` (default `1`), `padding` (an int, a pair, `'valid'` or `'same'`; default `0`),
 *   `dilation` (default `1`), `groups` (default `1`), `paddingMode` (default `'zeros'`), `kernel` (default
 *   `'auto'`) and `activation` (default none: `'relu'`, `'relu6'` or `{ clamp: [lo, hi] }`, applied in
 *   the same pass on the WebAssembly kernel); see {@link Conv2dForwardOptions}.
 * @returns A new tensor `[N, C_out, H_out, W_out]` (or `[C_out, H_out, W_out]`).
 * @see torch.nn.functional.conv2d
 * @see torch.nn.Conv2d (for `paddingMode`)
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { conv2d } from '@torchlet/ops';
 * const x = tensor([[[[0, 1, 2], [3, 4, 5], [6, 7, 8]]]]);
 * const k = tensor([[[[0, 1], [2, 3]]]]);
 * conv2d(x, k, null).toArray(); // -> [[[[19, 25], [37, 43]]]]
 * conv2d(x, k, tensor([1]), { padding: 'same' }).shape; // -> [1, 1, 3, 3]
 * ```
 */
export function conv2d(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  options: Conv2dForwardOptions = {},
): Tensor {
  const fn = 'conv2d';
  checkFloatTensor(fn, 'input', input);
  checkFloatTensor(fn, 'weight', weight);
  const b = checkBias(fn, bias, weight);
  if (weight.dtype !== input.dtype || (b !== null && b.dtype !== input.dtype)) {
    checkSameDType(fn, { input, weight, bias: b });
  }
  const p = planConv(fn, input.shape, weight.shape, options);
  const activation = resolveActivation(fn, options.activation);
  if (anyOnGpu(input, weight, b)) {
    if (activation !== null) {
      const y = conv2d(input, weight, b, { ...options, activation: null });
      return activation === 'relu' ? relu(y) : clamp(y, activation.clamp[0], activation.clamp[1]);
    }
    checkGpuOperands(fn, { input, weight, bias: b }, p.r.kernel);
    const x = p.modePad === null ? input : gpuModePad(input, p.modePad.outShape, p.modePad.maps);
    const y = gpuConv2d(p.g, x, weight, b, outputShapeOf(p.g, p.batched));
    if (x !== input) x.dispose();
    return y;
  }
  const g = p.g;
  const kernel = pickKernel(g, p.r.kernel, fn);
  const size = g.batch * g.outChannels * g.outH * g.outW;
  // Every forward kernel overwrites `out` (Conv2dKernelImpl.forward), so float32 skips the zero fill.
  const out = input.dtype === 'float32' ? freshFloat32(size) : new Float64Array(size);
  // The key is built only if the WebAssembly kernel reads it (the direct kernel of a d2l-sized
  // problem takes about a microsecond, as long as building the key).
  const extras = {
    activation,
    get weightKey() {
      return weightKeyOf(weight);
    },
  };
  const biasData = b === null ? null : denseData(b);
  const fused = kernel.forward(g, planInput(p, input), denseData(weight), biasData, out, extras);
  if (activation !== null && fused !== true) activateInPlace(out, activation);
  return new Tensor(out, outputShapeOf(g, p.batched));
}

/**
 * The gradient of {@link conv2d} with respect to its input, given the gradient `upstream` of its
 * output. Only the input's shape is used, so pass the input tensor or its shape. Handles every
 * conv2d option, including non-zero padding modes (the padded border's gradient is folded back
 * into the input by `padBackward`).
 *
 * Shapes: upstream `[N, Cout, Hout, Wout]`, input `[N, Cin, H, W]` (or both unbatched), weight
 * `[Cout, Cin/groups, kh, kw]` -> `[N, Cin, H, W]`.
 *
 * @param upstream - The gradient of the output, `[N, C_out, H_out, W_out]`.
 * @param input - The forward pass's input, or just its shape `[N, C_in, H, W]`.
 * @param weight - The filters `[C_out, C_in / groups, kH, kW]`.
 * @param options - The forward pass's options; see {@link Conv2dOptions}.
 * @returns The gradient with respect to the input, of the input's shape.
 * @see torch.nn.grad.conv2d_input
 * @example
 * ```ts
 * import { ones, tensor } from '@torchlet/tensor';
 * import { conv2dBackwardInput } from '@torchlet/ops';
 * const k = tensor([[[[1, 2]]]]);
 * conv2dBackwardInput(ones([1, 1, 1, 2]), [1, 1, 1, 3], k).toArray(); // -> [[[[1, 3, 2]]]]
 * ```
 */
export function conv2dBackwardInput(
  upstream: Tensor,
  input: Tensor | Shape,
  weight: Tensor,
  options: Conv2dOptions = {},
): Tensor {
  const fn = 'conv2dBackwardInput';
  checkFloatTensor(fn, 'upstream', upstream);
  checkFloatTensor(fn, 'weight', weight);
  checkSameDType(fn, { upstream, weight });
  const inputShape = shapeArg(fn, 'input', input);
  const p = planConv(fn, inputShape, weight.shape, options);
  checkUpstream(fn, upstream, p, inputShape, weight.shape);
  if (anyOnGpu(upstream, weight)) {
    checkGpuOperands(fn, { upstream, weight }, p.r.kernel);
    if (p.modePad === null) return gpuConv2dBackwardInput(p.g, upstream, weight, inputShape);
    // the gradient of the padded input, then each border element added into the element it copied
    const dxPadded = gpuConv2dBackwardInput(p.g, upstream, weight, p.modePad.outShape);
    const dx = gpuPadBackward(fn, dxPadded, p.modePad.inShape4, p.modePad.maps);
    dxPadded.dispose();
    return dx.reshape(inputShape);
  }
  const kernel = pickKernel(p.g, p.r.kernel, fn);
  const size = inputShape.reduce((a, s) => a * s, 1);
  if (p.modePad === null) {
    const dx = allocStorage(upstream.dtype, size) as FloatStorage;
    kernel.backwardInput(p.g, denseData(upstream), denseData(weight), dx);
    return new Tensor(dx, inputShape);
  }
  const { outShape, maps, inShape4 } = p.modePad;
  const dxPadded = allocStorage(
    upstream.dtype,
    outShape.reduce((a, s) => a * s, 1),
  ) as FloatStorage;
  kernel.backwardInput(p.g, denseData(upstream), denseData(weight), dxPadded);
  const dx = allocStorage(upstream.dtype, size) as FloatStorage;
  padBackwardRaw(dxPadded, inShape4, outShape, maps, dx);
  return new Tensor(dx, inputShape);
}

/**
 * The gradient of {@link conv2d} with respect to its weight, given the gradient `upstream` of its
 * output and the input. Only the weight's shape is used, so pass the weight tensor or its shape.
 *
 * Shapes: upstream `[N, Cout, Hout, Wout]`, input `[N, Cin, H, W]` (or both unbatched), weight
 * `[Cout, Cin/groups, kh, kw]` -> `[Cout, Cin/groups, kh, kw]`.
 *
 * @param upstream - The gradient of the output, `[N, C_out, H_out, W_out]`.
 * @param input - The forward pass's input `[N, C_in, H, W]`.
 * @param weight - The filters, or just their shape `[C_out, C_in / groups, kH, kW]`.
 * @param options - The forward pass's options; see {@link Conv2dOptions}.
 * @returns The gradient with respect to the filters, of their shape.
 * @see torch.nn.grad.conv2d_weight
 * @example
 * ```ts
 * import { ones, tensor } from '@torchlet/tensor';
 * import { conv2dBackwardWeight } from '@torchlet/ops';
 * const x = tensor([[[[1, 2, 3]]]]);
 * conv2dBackwardWeight(ones([1, 1, 1, 2]), x, [1, 1, 1, 2]).toArray(); // -> [[[[3, 5]]]]
 * ```
 */
export function conv2dBackwardWeight(
  upstream: Tensor,
  input: Tensor,
  weight: Tensor | Shape,
  options: Conv2dOptions = {},
): Tensor {
  const fn = 'conv2dBackwardWeight';
  checkFloatTensor(fn, 'upstream', upstream);
  checkFloatTensor(fn, 'input', input);
  checkSameDType(fn, { upstream, input });
  if (isTensor(weight)) checkSameDType(fn, { upstream, weight });
  const weightShape = shapeArg(fn, 'weight', weight);
  const p = planConv(fn, input.shape, weightShape, options);
  checkUpstream(fn, upstream, p, input.shape, weightShape);
  if (anyOnGpu(upstream, input)) {
    checkGpuOperands(fn, { upstream, input }, p.r.kernel);
    const x = p.modePad === null ? input : gpuModePad(input, p.modePad.outShape, p.modePad.maps);
    const dw = gpuConv2dBackwardWeight(p.g, upstream, x, weightShape);
    if (x !== input) x.dispose();
    return dw;
  }
  const kernel = pickKernel(p.g, p.r.kernel, fn);
  const dw = allocStorage(
    upstream.dtype,
    weightShape.reduce((a, s) => a * s, 1),
  ) as FloatStorage;
  kernel.backwardWeight(p.g, denseData(upstream), planInput(p, input), dw);
  return new Tensor(dw, weightShape);
}

/**
 * Options of {@link conv2dBackward}: the forward pass's options and which gradients to compute.
 *
 * @example
 * ```ts
 * import type { Conv2dBackwardOptions } from '@torchlet/ops';
 * const options: Conv2dBackwardOptions = { padding: 1, outputMask: [true, false] };
 * options.outputMask; // -> [true, false]
 * ```
 */
export interface Conv2dBackwardOptions extends Conv2dOptions {
  /** Which gradients to compute: `[input, weight]` (PyTorch's `output_mask`). Default `[true, true]`. */
  readonly outputMask?: readonly [boolean, boolean];
}

/**
 * What {@link conv2dBackward} returns: each gradient, or `null` where `outputMask` left it out.
 *
 * @example
 * ```ts
 * import { ones, tensor } from '@torchlet/tensor';
 * import { type Conv2dGradients, conv2dBackward } from '@torchlet/ops';
 * const r: Conv2dGradients = conv2dBackward(ones([1, 1, 1, 2]), tensor([[[[1, 2, 3]]]]), tensor([[[[1, 2]]]]));
 * r.gradWeight?.toArray(); // -> [[[[3, 5]]]]
 * ```
 */
export interface Conv2dGradients {
  /** The gradient with respect to the input, of its shape (null when not asked for). */
  readonly gradInput: Tensor | null;
  /** The gradient with respect to the weight, of its shape (null when not asked for). */
  readonly gradWeight: Tensor | null;
}

/**
 * The input and weight gradients of {@link conv2d} in one call, PyTorch's `convolution_backward`:
 * what {@link conv2dBackwardInput} and {@link conv2dBackwardWeight} return, to the bit. Where a
 * kernel computes both from one pass (the WebAssembly 1x1 stride-1 unpadded float32 GEMMs of
 * MobileNetV2's expansions and projections), the upstream gradient crosses into WebAssembly memory
 * once instead of twice, and the input gradient is written without a zero fill first; elsewhere
 * the two functions run.
 *
 * Shapes: upstream `[N, Cout, Hout, Wout]`, input `[N, Cin, H, W]` (or both unbatched), weight
 * `[Cout, Cin/groups, kh, kw]` -> gradInput of the input's shape, gradWeight of the weight's.
 *
 * @param upstream - The gradient of the output, `[N, C_out, H_out, W_out]`.
 * @param input - The forward pass's input `[N, C_in, H, W]`.
 * @param weight - The forward pass's filters `[C_out, C_in / groups, kH, kW]`.
 * @param options - The forward pass's options and `outputMask` (default both); see {@link Conv2dBackwardOptions}.
 * @returns Both gradients; see {@link Conv2dGradients}.
 * @see torch.ops.aten.convolution_backward
 * @example
 * ```ts
 * import { ones, tensor } from '@torchlet/tensor';
 * import { conv2dBackward } from '@torchlet/ops';
 * const x = tensor([[[[1, 2, 3]]]]);
 * const { gradInput, gradWeight } = conv2dBackward(ones([1, 1, 1, 2]), x, tensor([[[[1, 2]]]]));
 * gradInput?.toArray(); // -> [[[[1, 3, 2]]]]
 * gradWeight?.toArray(); // -> [[[[3, 5]]]]
 * ```
 */
export function conv2dBackward(
  upstream: Tensor,
  input: Tensor,
  weight: Tensor,
  options: Conv2dBackwardOptions = {},
): Conv2dGradients {
  const fn = 'conv2dBackward';
  if (options === null || typeof options !== 'object')
    fail(fn, 'options', `expected an options object, got ${formatValue(options)}`);
  const { outputMask = [true, true], ...convOptions } = options;
  if (
    !Array.isArray(outputMask) ||
    outputMask.length !== 2 ||
    typeof outputMask[0] !== 'boolean' ||
    typeof outputMask[1] !== 'boolean'
  ) {
    fail(fn, 'outputMask', `outputMask must be a pair of booleans [input, weight], got ${formatValue(outputMask)}`);
  }
  const [wantInput, wantWeight] = outputMask;
  checkFloatTensor(fn, 'upstream', upstream);
  checkFloatTensor(fn, 'input', input);
  checkFloatTensor(fn, 'weight', weight);
  checkSameDType(fn, { upstream, input, weight });
  const p = planConv(fn, input.shape, weight.shape, convOptions);
  checkUpstream(fn, upstream, p, input.shape, weight.shape);
  if (
    wantInput &&
    wantWeight &&
    upstream.dtype === 'float32' &&
    p.modePad === null &&
    !anyOnGpu(upstream, input, weight)
  ) {
    const kernel = pickKernel(p.g, p.r.kernel, fn);
    if (kernel.backward !== undefined) {
      // Only a kernel that overwrites both may write into unzeroed memory (it returns false untouched otherwise).
      const dx = freshFloat32(input.numel);
      const dw = new Float32Array(weight.numel);
      if (kernel.backward(p.g, denseData(upstream), denseData(input), denseData(weight), dx, dw)) {
        return { gradInput: new Tensor(dx, input.shape), gradWeight: new Tensor(dw, weight.shape) };
      }
    }
  }
  return {
    gradInput: wantInput ? conv2dBackwardInput(upstream, input, weight, convOptions) : null,
    gradWeight: wantWeight ? conv2dBackwardWeight(upstream, input, weight, convOptions) : null,
  };
}

/**
 * The gradient of {@link conv2d} (and of `convTranspose2d`) with respect to its bias: the
 * upstream gradient summed over everything but the channel dimension.
 *
 * Shapes: upstream `[N, C, H, W]` or `[C, H, W]` -> `[C]`.
 *
 * @param upstream - The gradient of the output, `[N, C_out, H_out, W_out]` (or `[C_out, H_out, W_out]`).
 * @returns The gradient with respect to the bias, `[C_out]`: `upstream` summed over batch and space.
 * @see torch.nn.grad (bias gradient of conv2d: `grad_output.sum((0, 2, 3))`)
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { conv2dBackwardBias } from '@torchlet/ops';
 * conv2dBackwardBias(ones([2, 3, 4, 5])).toArray(); // -> [40, 40, 40]
 * ```
 */
export function conv2dBackwardBias(upstream: Tensor): Tensor {
  return sumChannels('conv2dBackwardBias', upstream);
}

/** Sums a `[N, C, H, W]` or `[C, H, W]` gradient over everything but `C` (float64 accumulation). */
export function sumChannels(fn: string, upstream: Tensor): Tensor {
  checkFloatTensor(fn, 'upstream', upstream);
  if (upstream.ndim !== 3 && upstream.ndim !== 4) {
    fail(
      fn,
      'upstream',
      `expected 3-D or 4-D upstream [N,C,H,W], got ${upstream.ndim}-D upstream ${formatShape(upstream.shape)}`,
    );
  }
  if (upstream.gpuBuffer !== null) return upstream.sum(upstream.ndim === 4 ? [0, 2, 3] : [1, 2]);
  const dy = denseData(upstream);
  const batched = upstream.ndim === 4;
  const n = batched ? upstream.shape[0] : 1;
  const c = upstream.shape[batched ? 1 : 0];
  const plane = upstream.shape[batched ? 2 : 1] * upstream.shape[batched ? 3 : 2];
  const acc = new Float64Array(c);
  for (let b = 0; b < n; b++) {
    let ch = 0;
    // Four channels' sums side by side: four independent chains of adds instead of one (each in
    // the same order as alone, so the same bits), ~3x faster (LeNet's conv bias gradients: 88 ms
    // of a 1.5 s epoch on one thread).
    for (; ch + 4 <= c; ch += 4) {
      const o = (b * c + ch) * plane;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < plane; i++) {
        s0 += dy[o + i];
        s1 += dy[o + plane + i];
        s2 += dy[o + 2 * plane + i];
        s3 += dy[o + 3 * plane + i];
      }
      acc[ch] += s0;
      acc[ch + 1] += s1;
      acc[ch + 2] += s2;
      acc[ch + 3] += s3;
    }
    for (; ch < c; ch++) {
      let s = 0;
      const o = (b * c + ch) * plane;
      for (let i = 0; i < plane; i++) s += dy[o + i];
      acc[ch] += s;
    }
  }
  const out = allocStorage(upstream.dtype, c);
  out.set(acc as never);
  return new Tensor(out, [c]);
}
