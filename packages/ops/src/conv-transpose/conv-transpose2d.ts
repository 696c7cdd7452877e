// conv-transpose is conv2d run backwards, so it reuses conv2d's kernels with roles swapped:
// with G the conv2d geometry that maps convTranspose2d's OUTPUT to its INPUT (same weight, stride,
// padding, dilation, groups):
//   convTranspose2d(x)         = conv2d backward-input kernel (G, upstream := x)
//   its input gradient         = conv2d forward kernel (G, input := upstream)
//   its weight gradient        = conv2d backward-weight kernel (G, upstream := x, input := upstream)
// G's output size may be smaller than conv2d's formula allows (outputPadding >= stride), which the
// kernels support.

import {
  allocStorage,
  checkShape,
  fail,
  formatShape,
  formatValue,
  isTensor,
  type Shape,
  Tensor,
} from '@torchlet/tensor';
import { sumChannels } from '../conv2d/conv2d.js';
import { pickKernel } from '../conv2d/kernels.js';
import { type Conv2dKernelName, type ConvGeometry, kernelChoices } from '../conv2d/params.js';
import {
  anyOnGpu,
  checkGpuOperands,
  gpuConv2d,
  gpuConv2dBackwardInput,
  gpuConv2dBackwardWeight,
} from '../device/gpu.js';
import { checkFloatTensor, checkSameDType, denseData, type FloatStorage, type IntPair, toPair } from '../params.js';

/**
 * Options of {@link convTranspose2d} and its backward kernels.
 *
 * @example
 * ```ts
 * import { convTranspose2dOutputShape, type ConvTranspose2dOptions } from '@torchlet/ops';
 * const options: ConvTranspose2dOptions = { stride: 2, padding: 1, outputPadding: 1 };
 * convTranspose2dOutputShape([1, 1, 4, 4], [1, 1, 3, 3], options); // -> [1, 1, 8, 8]
 * ```
 */
export interface ConvTranspose2dOptions {
  /** Step of the (forward conv's) window, an int or `[sh, sw]`. Default `1`. */
  readonly stride?: IntPair;
  /** `dilation*(k-1) - padding` zero padding is added to both sides of the input; an int or `[ph, pw]`. Default `0`. */
  readonly padding?: IntPair;
  /** Extra size added to one side (bottom/right) of the output; must be smaller than stride or dilation. Default `0`. */
  readonly outputPadding?: IntPair;
  /** Spacing between kernel elements. Default `1`. */
  readonly dilation?: IntPair;
  /** Number of blocked connections from input to output channels. Default `1`. */
  readonly groups?: number;
  /** Which conv2d kernel runs: `'direct'`, `'im2col'`, `'implicit'` or `'auto'` (default; the same rule as conv2d). */
  readonly kernel?: Conv2dKernelName | 'auto';
}

interface Plan {
  readonly g: ConvGeometry;
  readonly kernel: Conv2dKernelName | 'auto';
  readonly batched: boolean;
  readonly outShape: number[];
}

function planTranspose(
  fn: string,
  inputShape: readonly number[],
  weightShape: readonly number[],
  options: ConvTranspose2dOptions,
): Plan {
  if (options === null || typeof options !== 'object')
    fail(fn, 'options', `expected an options object, got ${String(options)}`);
  const shapes = `(input ${formatShape(inputShape)}, weight ${formatShape(weightShape)})`;
  if (inputShape.length !== 3 && inputShape.length !== 4) {
    fail(
      fn,
      'input',
      `expected 3-D (unbatched) or 4-D (batched) input [N,C,H,W], got ${inputShape.length}-D input ${formatShape(inputShape)}`,
    );
  }
  if (weightShape.length !== 4) {
    fail(
      fn,
      'weight',
      `expected 4-D weight [in_channels, out_channels/groups, kh, kw], got ${weightShape.length}-D weight ${formatShape(weightShape)}`,
    );
  }
  const stride = toPair(fn, 'stride', options.stride ?? 1, 1);
  const padding = toPair(fn, 'padding', options.padding ?? 0, 0);
  const outputPadding = toPair(fn, 'outputPadding', options.outputPadding ?? 0, 0);
  const dilation = toPair(fn, 'dilation', options.dilation ?? 1, 1);
  const groups = options.groups ?? 1;
  if (typeof groups !== 'number' || !Number.isInteger(groups) || groups < 1) {
    fail(fn, 'groups', `groups must be a positive integer, got ${formatValue(groups)}`);
  }
  const kernel = options.kernel ?? 'auto';
  if (!kernelChoices.includes(kernel)) {
    fail(fn, 'kernel', `kernel must be one of ${kernelChoices.join(', ')}, got ${formatValue(kernel)}`);
  }
  for (let i = 0; i < 2; i++) {
    if (outputPadding[i] >= stride[i] && outputPadding[i] >= dilation[i]) {
      fail(
        fn,
        'outputPadding',
        `outputPadding must be smaller than either stride or dilation, got outputPadding ${formatShape(outputPadding)}, stride ${formatShape(stride)}, dilation ${formatShape(dilation)}`,
      );
    }
  }
  const batched = inputShape.length === 4;
  const batch = batched ? inputShape[0] : 1;
  const [inChannels, h, w] = batched ? inputShape.slice(1) : inputShape;
  const [wIn, coutG, kh, kw] = weightShape;
  if (wIn !== inChannels) fail(fn, 'weight', `weight has ${wIn} input channels but input has ${inChannels} ${shapes}`);
  if (inChannels % groups !== 0)
    fail(fn, 'groups', `groups=${groups} must divide the input's ${inChannels} channels ${shapes}`);
  if (kh < 1 || kw < 1 || coutG < 1)
    fail(fn, 'weight', `weight must have non-zero sizes, got ${formatShape(weightShape)}`);
  const outH = (h - 1) * stride[0] - 2 * padding[0] + dilation[0] * (kh - 1) + outputPadding[0] + 1;
  const outW = (w - 1) * stride[1] - 2 * padding[1] + dilation[1] * (kw - 1) + outputPadding[1] + 1;
  if (outH < 1 || outW < 1) {
    fail(
      fn,
      'padding',
      `output size ${formatShape([outH, outW])} is too small ${shapes.slice(0, -1)}, stride ${formatShape(stride)}, padding ${formatShape(padding)}, dilation ${formatShape(dilation)}, outputPadding ${formatShape(outputPadding)})`,
    );
  }
  const outChannels = coutG * groups;
  const g: ConvGeometry = {
    batch,
    inChannels: outChannels,
    inH: outH,
    inW: outW,
    outChannels: inChannels,
    kh,
    kw,
    groups,
    strideH: stride[0],
    strideW: stride[1],
    padTop: padding[0],
    padLeft: padding[1],
    dilationH: dilation[0],
    dilationW: dilation[1],
    outH: h,
    outW: w,
  };
  return { g, kernel, batched, outShape: batched ? [batch, outChannels, outH, outW] : [outChannels, outH, outW] };
}

function checkUpstream(
  fn: string,
  upstream: Tensor,
  p: Plan,
  inputShape: readonly number[],
  weightShape: readonly number[],
): void {
  const e = p.outShape;
  if (upstream.ndim !== e.length || upstream.shape.some((s, i) => s !== e[i])) {
    fail(
      fn,
      'upstream',
      `upstream has shape ${formatShape(upstream.shape)} but convTranspose2d of input ${formatShape(inputShape)} with weight ${formatShape(weightShape)} gives ${formatShape(e)}`,
    );
  }
}

/**
 * The shape `convTranspose2d(input, weight, bias, options)` returns, after the same validation.
 *
 * Shapes: input `[N, Cin, H, W]` (or `[Cin, H, W]`), weight `[Cin, Cout/groups, kh, kw]` ->
 * `[N, Cout, Hout, Wout]` with `Hout = (H-1)*stride - 2*padding + dilation*(kh-1) + outputPadding + 1`.
 *
 * @param inputShape - The input's shape, `[N, C_in, H, W]` or `[C_in, H, W]`.
 * @param weightShape - The filters' shape, `[C_in, C_out / groups, kH, kW]`.
 * @param options - `stride`, `padding`, `outputPadding`, `dilation` and `groups`; see
 *   {@link ConvTranspose2dOptions}.
 * @returns The output shape `[N, C_out, H_out, W_out]` (or without `N`); throws a `TorchletError` for shapes
 *   that do not fit.
 * @see torch.nn.ConvTranspose2d
 * @example
 * ```ts
 * import { convTranspose2dOutputShape } from '@torchlet/ops';
 * convTranspose2dOutputShape([1, 2, 3, 3], [2, 4, 3, 3], { stride: 2, padding: 1, outputPadding: 1 }); // -> [1, 4, 6, 6]
 * ```
 */
export function convTranspose2dOutputShape(
  inputShape: readonly number[],
  weightShape: readonly number[],
  options: ConvTranspose2dOptions = {},
): number[] {
  const fn = 'convTranspose2dOutputShape';
  return planTranspose(
    fn,
    checkShape(fn, 'inputShape', inputShape),
    checkShape(fn, 'weightShape', weightShape),
    options,
  ).outShape;
}

/**
 * 2-D transposed convolution ("deconvolution"): the gradient of conv2d with respect to its input,
 * used as an upsampling layer. Each input pixel scatters a scaled copy of the kernel into the
 * output, `stride` apart; `padding` crops the border and `outputPadding` adds rows/columns at the
 * bottom/right. Runs on conv2d's kernels (same `kernel` option and dispatch rule).
 *
 * Shapes: input `[N, Cin, H, W]` (or `[Cin, H, W]`), weight `[Cin, Cout/groups, kh, kw]`, bias
 * `[Cout]` or null -> `[N, Cout, Hout, Wout]`, `Hout = (H-1)*stride - 2*padding + dilation*(kh-1) + outputPadding + 1`.
 *
 * @param input - Input `[N, C_in, H, W]` (or one image `[C_in, H, W]`), float32 or float64.
 * @param weight - Filters `[C_in, C_out / groups, kH, kW]` (PyTorch's layout for transposed convolutions), of
 *   the input's dtype.
 * @param bias - Per-output-channel bias `[C_out]`, or `null` for none.
 * @param options - `stride` (default `1`), `padding` (default `0`), `outputPadding` (default `0`), `dilation`
 *   (default `1`), `groups` (default `1`) and `kernel`; see {@link ConvTranspose2dOptions}.
 * @returns A new tensor `[N, C_out, H_out, W_out]` with `H_out = (H - 1) * stride - 2 * padding + dilation *
 *   (kH - 1) + outputPadding + 1`.
 * @see torch.nn.functional.conv_transpose2d
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { convTranspose2d } from '@torchlet/ops';
 * const x = tensor([[[[0, 1], [2, 3]]]]);
 * const k = tensor([[[[0, 1], [2, 3]]]]);
 * convTranspose2d(x, k, null).toArray(); // -> [[[[0, 0, 1], [0, 4, 6], [4, 12, 9]]]]
 * ```
 */
export function convTranspose2d(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  options: ConvTranspose2dOptions = {},
): Tensor {
  const fn = 'convTranspose2d';
  checkFloatTensor(fn, 'input', input);
  checkFloatTensor(fn, 'weight', weight);
  if (bias !== null && bias !== undefined) checkFloatTensor(fn, 'bias', bias);
  checkSameDType(fn, { input, weight, bias });
  const p = planTranspose(fn, input.shape, weight.shape, options);
  const cout = p.g.inChannels;
  if (bias !== null && bias !== undefined && (bias.ndim !== 1 || bias.shape[0] !== cout)) {
    fail(
      fn,
      'bias',
      `bias must be 1-D with ${cout} elements (one per output channel), got bias ${formatShape(bias.shape)} (weight ${formatShape(weight.shape)}, groups ${p.g.groups})`,
    );
  }
  if (anyOnGpu(input, weight, bias)) {
    // The transposed conv's forward is the input gradient of the conv it transposes (p.g).
    checkGpuOperands(fn, { input, weight, bias: bias ?? null }, p.kernel);
    const y = gpuConv2dBackwardInput(p.g, input, weight, p.outShape);
    if (bias === null || bias === undefined) return y;
    const out = y.add(bias.reshape([cout, ...p.outShape.slice(-2).map(() => 1)]));
    y.dispose();
    return out;
  }
  const plane = p.g.inH * p.g.inW;
  const out = allocStorage(input.dtype, p.g.batch * cout * plane) as FloatStorage;
  pickKernel(p.g, p.kernel).backwardInput(p.g, denseData(input), denseData(weight), out);
  if (bias !== null && bias !== undefined) {
    const b = denseData(bias);
    for (let n = 0; n < p.g.batch; n++) {
      for (let c = 0; c < cout; c++) {
        const bv = b[c];
        const o = (n * cout + c) * plane;
        for (let i = 0; i < plane; i++) out[o + i] += bv;
      }
    }
  }
  return new Tensor(out, p.outShape);
}

/**
 * The gradient of {@link convTranspose2d} with respect to its input (a conv2d of the upstream
 * gradient with the same weight). Only the input's shape is used: pass the tensor or its shape.
 *
 * Shapes: upstream `[N, Cout, Hout, Wout]`, input `[N, Cin, H, W]`, weight `[Cin, Cout/groups, kh, kw]` -> `[N, Cin, H, W]`.
 *
 * @param upstream - The gradient of the output, `[N, C_out, H_out, W_out]`.
 * @param input - The forward pass's input, or just its shape.
 * @param weight - The filters `[C_in, C_out / groups, kH, kW]`.
 * @param options - The forward pass's options; see {@link ConvTranspose2dOptions}.
 * @returns The gradient with respect to the input, of the input's shape.
 * @see torch.nn.functional.conv_transpose2d (its autograd backward)
 * @example
 * ```ts
 * import { ones, tensor } from '@torchlet/tensor';
 * import { convTranspose2dBackwardInput } from '@torchlet/ops';
 * const k = tensor([[[[1, 2]]]]);
 * convTranspose2dBackwardInput(ones([1, 1, 1, 3]), [1, 1, 1, 2], k).toArray(); // -> [[[[3, 3]]]]
 * ```
 */
export function convTranspose2dBackwardInput(
  upstream: Tensor,
  input: Tensor | Shape,
  weight: Tensor,
  options: ConvTranspose2dOptions = {},
): Tensor {
  const fn = 'convTranspose2dBackwardInput';
  checkFloatTensor(fn, 'upstream', upstream);
  checkFloatTensor(fn, 'weight', weight);
  checkSameDType(fn, { upstream, weight });
  const inputShape = isTensor(input) ? input.shape : checkShape(fn, 'input', input);
  const p = planTranspose(fn, inputShape, weight.shape, options);
  checkUpstream(fn, upstream, p, inputShape, weight.shape);
  if (anyOnGpu(upstream, weight)) {
    checkGpuOperands(fn, { upstream, weight }, p.kernel);
    return gpuConv2d(p.g, upstream, weight, null, inputShape);
  }
  const dx = allocStorage(upstream.dtype, p.g.batch * p.g.outChannels * p.g.outH * p.g.outW) as FloatStorage;
  pickKernel(p.g, p.kernel).forward(p.g, denseData(upstream), denseData(weight), null, dx);
  return new Tensor(dx, inputShape);
}

/**
 * The gradient of {@link convTranspose2d} with respect to its weight. Only the weight's shape is
 * used: pass the tensor or its shape.
 *
 * Shapes: upstream `[N, Cout, Hout, Wout]`, input `[N, Cin, H, W]` -> `[Cin, Cout/groups, kh, kw]`.
 *
 * @param upstream - The gradient of the output, `[N, C_out, H_out, W_out]`.
 * @param input - The forward pass's input `[N, C_in, H, W]`.
 * @param weight - The filters, or just their shape `[C_in, C_out / groups, kH, kW]`.
 * @param options - The forward pass's options; see {@link ConvTranspose2dOptions}.
 * @returns The gradient with respect to the filters, of their shape.
 * @see torch.nn.functional.conv_transpose2d (its autograd backward)
 * @example
 * ```ts
 * import { ones, tensor } from '@torchlet/tensor';
 * import { convTranspose2dBackwardWeight } from '@torchlet/ops';
 * const x = tensor([[[[1, 2]]]]);
 * convTranspose2dBackwardWeight(ones([1, 1, 1, 3]), x, [1, 1, 1, 2]).toArray(); // -> [[[[3, 3]]]]
 * ```
 */
export function convTranspose2dBackwardWeight(
  upstream: Tensor,
  input: Tensor,
  weight: Tensor | Shape,
  options: ConvTranspose2dOptions = {},
): Tensor {
  const fn = 'convTranspose2dBackwardWeight';
  checkFloatTensor(fn, 'upstream', upstream);
  checkFloatTensor(fn, 'input', input);
  checkSameDType(fn, { upstream, input });
  if (isTensor(weight)) checkSameDType(fn, { upstream, weight });
  const weightShape = isTensor(weight) ? weight.shape : checkShape(fn, 'weight', weight);
  const p = planTranspose(fn, input.shape, weightShape, options);
  checkUpstream(fn, upstream, p, input.shape, weightShape);
  if (anyOnGpu(upstream, input)) {
    checkGpuOperands(fn, { upstream, input }, p.kernel);
    return gpuConv2dBackwardWeight(p.g, input, upstream, weightShape);
  }
  const dw = allocStorage(
    upstream.dtype,
    weightShape.reduce((a, s) => a * s, 1),
  ) as FloatStorage;
  pickKernel(p.g, p.kernel).backwardWeight(p.g, denseData(input), denseData(upstream), dw);
  return new Tensor(dw, weightShape);
}

/**
 * The gradient of {@link convTranspose2d} with respect to its bias: upstream summed over all but the channel dimension.
 *
 * Shapes: upstream `[N, Cout, Hout, Wout]` or `[Cout, Hout, Wout]` -> `[Cout]`.
 *
 * @param upstream - The gradient of the output, `[N, C_out, H_out, W_out]` (or `[C_out, H_out, W_out]`).
 * @returns The gradient with respect to the bias, `[C_out]`.
 * @see torch.nn.functional.conv_transpose2d (its autograd backward)
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { convTranspose2dBackwardBias } from '@torchlet/ops';
 * convTranspose2dBackwardBias(ones([1, 2, 3, 3])).toArray(); // -> [9, 9]
 * ```
 */
export function convTranspose2dBackwardBias(upstream: Tensor): Tensor {
  return sumChannels('convTranspose2dBackwardBias', upstream);
}
