// Option types, validation and the output-size formula of conv2d (the only place it lives).

import { fail, formatShape, formatValue } from '@torchlet/tensor';
import { type IntPair, toPair } from '../params.js';

/**
 * conv2d padding: an int, an `[h, w]` pair (both sides), `'valid'` (none) or `'same'` (output size = input size, stride 1 only).
 *
 * @example
 * ```ts
 * import { conv2dOutputShape, type Conv2dPadding } from '@torchlet/ops';
 * const padding: Conv2dPadding = 'same';
 * conv2dOutputShape([1, 1, 8, 8], [1, 1, 3, 4], { padding }); // -> [1, 1, 8, 8]
 * ```
 */
export type Conv2dPadding = number | readonly [number, number] | 'valid' | 'same';

/**
 * How padded positions are filled: zeros, or `pad`'s reflect/replicate/circular modes (as `nn.Conv2d`'s `padding_mode`).
 *
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { conv2d, type Conv2dPaddingMode } from '@torchlet/ops';
 * const paddingMode: Conv2dPaddingMode = 'replicate';
 * conv2d(ones([1, 1, 2, 2]), ones([1, 1, 3, 3]), null, { padding: 1, paddingMode }).toArray(); // -> [[[[9, 9], [9, 9]]]]
 * ```
 */
export type Conv2dPaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/**
 * The conv2d kernel implementations: a direct loop, im2col + GEMM, an implicit GEMM (no unfold),
 * `'depthwise'` (depthwise convolutions only: groups = in channels = out channels; WebAssembly SIMD
 * for float32, the direct loops for float64; forced on another geometry it throws), and `'wasm'`, the WebAssembly SIMD forward pass of `@torchlet/kernels` (float32; float64 runs
 * im2col), which also computes the input gradient when the stride is 1 (as a forward conv of the
 * upstream gradient with the flipped, transposed weight) and the weight gradient
 * (`wasmConv2dBackwardWeight`); the strided input gradient is im2col's.
 *
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { conv2d, type Conv2dKernelName } from '@torchlet/ops';
 * const kernel: Conv2dKernelName = 'im2col';
 * conv2d(ones([1, 1, 3, 3]), ones([1, 1, 2, 2]), null, { kernel }).toArray(); // -> [[[[4, 4], [4, 4]]]]
 * ```
 */
export type Conv2dKernelName = 'direct' | 'im2col' | 'implicit' | 'wasm' | 'depthwise';

/**
 * Every conv2d kernel implementation that runs any geometry, so tests can run the same body on
 * each (`describe.each(conv2dKernels)`). `'depthwise'` runs only depthwise geometries: see
 * {@link conv2dDepthwiseKernels}.
 *
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { conv2d, conv2dKernels } from '@torchlet/ops';
 * conv2dKernels.map((kernel) => conv2d(ones([1, 1, 2, 2]), ones([1, 1, 2, 2]), null, { kernel }).item()); // -> [4, 4, 4, 4]
 * ```
 */
export const conv2dKernels: readonly Conv2dKernelName[] = Object.freeze([
  'direct',
  'im2col',
  'implicit',
  'wasm',
] as const);

/**
 * Every kernel that runs a depthwise convolution (groups = in channels = out channels): those of
 * {@link conv2dKernels} plus `'depthwise'`, so depthwise tests run the same body on each.
 *
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { conv2d, conv2dDepthwiseKernels } from '@torchlet/ops';
 * // Two channels, one 2x2 filter of ones each.
 * conv2dDepthwiseKernels.map((kernel) =>
 *   conv2d(ones([1, 2, 2, 2]), ones([2, 1, 2, 2]), null, { groups: 2, kernel }).sum().item()); // -> [8, 8, 8, 8, 8]
 * ```
 */
export const conv2dDepthwiseKernels: readonly Conv2dKernelName[] = Object.freeze([...conv2dKernels, 'depthwise']);

/**
 * Options of {@link conv2d}, its output shape and its backward kernels.
 *
 * @example
 * ```ts
 * import { conv2dOutputShape, type Conv2dOptions } from '@torchlet/ops';
 * const options: Conv2dOptions = { stride: 2, padding: 1, dilation: 1, groups: 1 };
 * conv2dOutputShape([1, 1, 8, 8], [1, 1, 3, 3], options); // -> [1, 1, 4, 4]
 * ```
 */
export interface Conv2dOptions {
  /** Step of the window, an int or `[sh, sw]`. Default `1`. */
  readonly stride?: IntPair;
  /** Implicit padding of both sides, `'valid'` or `'same'`. Default `0`. */
  readonly padding?: Conv2dPadding;
  /** Spacing between kernel elements, an int or `[dh, dw]`. Default `1`. */
  readonly dilation?: IntPair;
  /** Number of blocked connections from input to output channels. Default `1`. */
  readonly groups?: number;
  /** How padded positions are filled. Default `'zeros'`. */
  readonly paddingMode?: Conv2dPaddingMode;
  /**
   * Which kernel runs: `'direct'`, `'im2col'`, `'implicit'`, `'wasm'`, `'depthwise'` (depthwise
   * geometries only; it throws on others), or `'auto'` (default) to pick by problem size
   * (see {@link conv2d} for the rule). Results agree to rounding.
   */
  readonly kernel?: Conv2dKernelName | 'auto';
}

/**
 * An activation {@link conv2d} applies to its output in the same pass: `'relu'` (as `relu`),
 * `'relu6'` (as `clamp(x, 0, 6)`, `nn.ReLU6`) or `{ clamp: [lo, hi] }` (as `clamp(x, lo, hi)`,
 * e.g. `nn.Hardtanh`'s). NaN stays NaN, as in the separate ops.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { conv2d, type Conv2dActivation } from '@torchlet/ops';
 * const activation: Conv2dActivation = 'relu';
 * conv2d(tensor([[[[1, -2]]]]), tensor([[[[1]]]]), null, { activation }).toArray(); // -> [[[[1, 0]]]]
 * ```
 */
export type Conv2dActivation = 'relu' | 'relu6' | { readonly clamp: readonly [number, number] };

/**
 * Options of {@link conv2d}'s forward pass: those of {@link Conv2dOptions} plus a fused activation.
 * The backward functions take {@link Conv2dOptions} (an `activation` there throws: differentiate
 * the conv and the activation separately).
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { conv2d, type Conv2dForwardOptions } from '@torchlet/ops';
 * const options: Conv2dForwardOptions = { padding: 1, activation: 'relu6' };
 * conv2d(tensor([[[[4]]]]), tensor([[[[0, 0, 0], [0, 2, 0], [0, 0, 0]]]]), null, options).item(); // -> 6
 * ```
 */
export interface Conv2dForwardOptions extends Conv2dOptions {
  /**
   * Applied to every output element in the same pass (default none): see {@link Conv2dActivation}.
   * `conv2d(x, w, b, { activation: 'relu' })` equals `relu(conv2d(x, w, b))`.
   */
  readonly activation?: Conv2dActivation | null;
}

/** An activation after validation: ReLU, or a clamp to `[lo, hi]` (ReLU6 is `[0, 6]`). */
export type ResolvedActivation = 'relu' | { readonly clamp: readonly [number, number] };

/** Validates conv2d's `activation` option (null for none). */
export function resolveActivation(fn: string, activation: unknown): ResolvedActivation | null {
  if (activation === undefined || activation === null) return null;
  if (activation === 'relu') return 'relu';
  if (activation === 'relu6') return { clamp: [0, 6] };
  if (typeof activation === 'object' && 'clamp' in activation) {
    const c = (activation as { clamp: unknown }).clamp;
    if (Array.isArray(c) && c.length === 2 && c.every((v) => typeof v === 'number' && !Number.isNaN(v))) {
      return { clamp: [c[0], c[1]] };
    }
  }
  return fail(
    fn,
    'activation',
    `activation must be 'relu', 'relu6', { clamp: [lo, hi] } (two numbers, not NaN) or null, got ${formatValue(activation)}`,
  );
}

/** Everything a conv2d kernel needs, in elements. The output size may be smaller than the padded input allows (conv-transpose). */
export interface ConvGeometry {
  readonly batch: number;
  readonly inChannels: number;
  readonly inH: number;
  readonly inW: number;
  readonly outChannels: number;
  readonly kh: number;
  readonly kw: number;
  readonly groups: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly outH: number;
  readonly outW: number;
}

/** Options after validation: pairs, padding as `[top, bottom, left, right]`. */
export interface ResolvedConv2d {
  readonly stride: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;
  /** `[top, bottom, left, right]`. */
  readonly pads: [number, number, number, number];
  readonly paddingMode: Conv2dPaddingMode;
  readonly kernel: Conv2dKernelName | 'auto';
}

/**
 * Output size along one dimension of a convolution or pooling window:
 * `floor((in + padBefore + padAfter - dilation*(k-1) - 1) / stride) + 1`. Sizes and paddings
 * must be non-negative integers and stride and dilation positive ones (else a `TorchletError`);
 * a result below 1 means the window does not fit, which callers report.
 *
 * @param inSize - The input's size along one axis (H or W).
 * @param kernelSize - The kernel's size along that axis.
 * @param stride - The step of the window.
 * @param padBefore - Padding before the first element.
 * @param padAfter - Padding after the last element.
 * @param dilation - The spacing between kernel elements.
 * @returns The output's size along that axis (at least 1, else a `TorchletError`).
 * @see torch.nn.Conv2d (the output-shape formula in its docs)
 * @example
 * ```ts
 * import { convOutputSize } from '@torchlet/ops';
 * convOutputSize(28, 5, 1, 2, 2, 1); // -> 28
 * convOutputSize(8, 3, 2, 1, 1, 1); // -> 4
 * ```
 */
export function convOutputSize(
  inSize: number,
  kernelSize: number,
  stride: number,
  padBefore: number,
  padAfter: number,
  dilation: number,
): number {
  const counts = { inSize, kernelSize, padBefore, padAfter, stride, dilation };
  for (const [arg, v] of Object.entries(counts)) {
    const min = arg === 'stride' || arg === 'dilation' ? 1 : 0;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
      fail('convOutputSize', arg, `${arg} must be an integer >= ${min}, got ${formatValue(v)}`);
    }
  }
  return Math.floor((inSize + padBefore + padAfter - dilation * (kernelSize - 1) - 1) / stride) + 1;
}

const PADDING_MODES: readonly string[] = ['zeros', 'reflect', 'replicate', 'circular'];
// 'auto' before 'implicit' keeps the message's original prefix ("direct, im2col, auto").
/** Every value the `kernel` option accepts, in the order error messages list them. */
export const kernelChoices: readonly string[] = ['direct', 'im2col', 'auto', 'implicit', 'wasm', 'depthwise'];

/** Validates the options object (not yet the shapes). */
export function resolveConv2dOptions(
  fn: string,
  kernelHW: readonly [number, number],
  options: Conv2dOptions,
): ResolvedConv2d {
  if (options === null || typeof options !== 'object')
    fail(fn, 'options', `expected an options object, got ${String(options)}`);
  const stride = toPair(fn, 'stride', options.stride ?? 1, 1);
  const dilation = toPair(fn, 'dilation', options.dilation ?? 1, 1);
  const groups = options.groups ?? 1;
  if (typeof groups !== 'number' || !Number.isInteger(groups) || groups < 1) {
    fail(fn, 'groups', `groups must be a positive integer, got ${formatValue(groups)}`);
  }
  const paddingMode = options.paddingMode ?? 'zeros';
  if (!PADDING_MODES.includes(paddingMode)) {
    fail(fn, 'paddingMode', `paddingMode must be one of ${PADDING_MODES.join(', ')}, got ${formatValue(paddingMode)}`);
  }
  const kernel = options.kernel ?? 'auto';
  if (!kernelChoices.includes(kernel))
    fail(fn, 'kernel', `kernel must be one of ${kernelChoices.join(', ')}, got ${formatValue(kernel)}`);
  const padding = options.padding ?? 0;
  let pads: [number, number, number, number];
  if (padding === 'valid') {
    pads = [0, 0, 0, 0];
  } else if (padding === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) {
      fail(fn, 'padding', `padding='same' is not supported for strided convolutions (stride ${formatShape(stride)})`);
    }
    // PyTorch pads dilation*(k-1) in total, the extra element (even kernels) at the bottom/right.
    const th = dilation[0] * (kernelHW[0] - 1);
    const tw = dilation[1] * (kernelHW[1] - 1);
    pads = [th >> 1, th - (th >> 1), tw >> 1, tw - (tw >> 1)];
  } else if (typeof padding === 'string') {
    fail(fn, 'padding', `padding must be an int, a pair of ints, 'valid' or 'same', got ${formatValue(padding)}`);
  } else {
    const [ph, pw] = toPair(fn, 'padding', padding, 0);
    pads = [ph, ph, pw, pw];
  }
  return { stride, dilation, groups, pads, paddingMode, kernel };
}

/** `(input [..], weight [..])`, the shapes an error names; built only on error paths (formatting costs more than a tiny conv). */
function bothShapes(inputArg: string, inputShape: readonly number[], weightShape: readonly number[]): string {
  return `(${inputArg} ${formatShape(inputShape)}, weight ${formatShape(weightShape)})`;
}

/**
 * Validates the input and weight shapes of a conv2d against resolved options and returns the
 * kernel geometry. `inputShape` is `[N, C, H, W]` or unbatched `[C, H, W]`; `weight` is OIHW.
 */
export function conv2dGeometry(
  fn: string,
  inputShape: readonly number[],
  weightShape: readonly number[],
  r: ResolvedConv2d,
  inputArg = 'input',
): ConvGeometry {
  if (inputShape.length !== 3 && inputShape.length !== 4) {
    fail(
      fn,
      inputArg,
      `expected 3-D (unbatched) or 4-D (batched) ${inputArg} [N,C,H,W], got ${inputShape.length}-D ${inputArg} ${formatShape(inputShape)}`,
    );
  }
  if (weightShape.length !== 4) {
    fail(
      fn,
      'weight',
      `expected 4-D weight [out_channels, in_channels/groups, kh, kw], got ${weightShape.length}-D weight ${formatShape(weightShape)}`,
    );
  }
  const batched = inputShape.length === 4;
  const batch = batched ? inputShape[0] : 1;
  const d = batched ? 1 : 0;
  const inChannels = inputShape[d];
  const inH = inputShape[d + 1];
  const inW = inputShape[d + 2];
  const outChannels = weightShape[0];
  const wIn = weightShape[1];
  const kh = weightShape[2];
  const kw = weightShape[3];
  const g = r.groups;
  if (outChannels % g !== 0) {
    fail(
      fn,
      'groups',
      `groups=${g} must divide the weight's ${outChannels} output channels ${bothShapes(inputArg, inputShape, weightShape)}`,
    );
  }
  if (inChannels % g !== 0) {
    fail(
      fn,
      'groups',
      `groups=${g} must divide the ${inputArg}'s ${inChannels} channels ${bothShapes(inputArg, inputShape, weightShape)}`,
    );
  }
  if (wIn * g !== inChannels) {
    const what = g === 1 ? `${wIn} input channels` : `${wIn} input channels per group x ${g} groups = ${wIn * g}`;
    fail(
      fn,
      'weight',
      `weight has ${what} but ${inputArg} has ${inChannels} ${bothShapes(inputArg, inputShape, weightShape)}`,
    );
  }
  if (kh < 1 || kw < 1 || outChannels < 1)
    fail(fn, 'weight', `weight must have non-zero sizes, got ${formatShape(weightShape)}`);
  const pads = r.pads;
  const pt = pads[0];
  const pb = pads[1];
  const pl = pads[2];
  const pr = pads[3];
  const dkh = r.dilation[0] * (kh - 1) + 1;
  const dkw = r.dilation[1] * (kw - 1) + 1;
  const padH = inH + pt + pb;
  const padW = inW + pl + pr;
  if (dkh > padH || dkw > padW) {
    fail(
      fn,
      'weight',
      `kernel size (dilated) ${formatShape([dkh, dkw])} is larger than the padded input ${formatShape([padH, padW])} ${bothShapes(inputArg, inputShape, weightShape).slice(0, -1)}, padding ${formatShape(r.pads)}, dilation ${formatShape(r.dilation)})`,
    );
  }
  return {
    batch,
    inChannels,
    inH,
    inW,
    outChannels,
    kh,
    kw,
    groups: g,
    strideH: r.stride[0],
    strideW: r.stride[1],
    padTop: pt,
    padLeft: pl,
    dilationH: r.dilation[0],
    dilationW: r.dilation[1],
    outH: convOutputSize(inH, kh, r.stride[0], pt, pb, r.dilation[0]),
    outW: convOutputSize(inW, kw, r.stride[1], pl, pr, r.dilation[1]),
  };
}

/** The output shape for a geometry, unbatched when the input was. */
export function outputShapeOf(g: ConvGeometry, batched: boolean): number[] {
  return batched ? [g.batch, g.outChannels, g.outH, g.outW] : [g.outChannels, g.outH, g.outW];
}

/**
 * The shape `conv2d(input, weight, bias, options)` returns, after the same validation conv2d does.
 *
 * Shapes: input `[N, Cin, H, W]` or `[Cin, H, W]`, weight `[Cout, Cin/groups, kh, kw]` ->
 * `[N, Cout, Hout, Wout]` (or `[Cout, Hout, Wout]`), `Hout = floor((H + padTop + padBottom - dilation*(kh-1) - 1)/stride) + 1`.
 *
 * @param inputShape - The input's shape, `[N, C_in, H, W]` or `[C_in, H, W]`.
 * @param weightShape - The filters' shape, `[C_out, C_in / groups, kH, kW]`.
 * @param options - `stride`, `padding`, `dilation` and `groups`; see {@link Conv2dOptions}.
 * @returns The output shape `[N, C_out, H_out, W_out]` (or without `N`); throws a `TorchletError` for shapes
 *   that do not fit.
 * @see torch.nn.Conv2d
 * @example
 * ```ts
 * import { conv2dOutputShape } from '@torchlet/ops';
 * conv2dOutputShape([64, 1, 28, 28], [6, 1, 5, 5], { padding: 2 }); // -> [64, 6, 28, 28]
 * conv2dOutputShape([1, 8, 8], [2, 1, 3, 3], { stride: 2 }); // -> [2, 3, 3]
 * ```
 */
export function conv2dOutputShape(
  inputShape: readonly number[],
  weightShape: readonly number[],
  options: Conv2dOptions = {},
): number[] {
  const fn = 'conv2dOutputShape';
  if (!Array.isArray(inputShape)) fail(fn, 'inputShape', `expected an array of sizes, got ${String(inputShape)}`);
  if (!Array.isArray(weightShape)) fail(fn, 'weightShape', `expected an array of sizes, got ${String(weightShape)}`);
  const r = resolveConv2dOptions(fn, [weightShape[2], weightShape[3]], options);
  return outputShapeOf(conv2dGeometry(fn, inputShape, weightShape, r), inputShape.length === 4);
}
