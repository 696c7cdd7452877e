import {
  adaptiveAvgPool2d,
  adaptiveMaxPool2d,
  avgPool2d,
  type MaxPool2dVariableResult,
  maxPool2d,
  ownIntermediates,
  type Variable,
} from '@torchlet/autograd';
import { fail, formatValue } from '@torchlet/tensor';
import { Module, type ModuleInput } from '../module.js';
import { pyBool } from '../repr.js';
import { checkImageInput, type IntPair, inputTensor, toPair } from './util.js';

/**
 * Options of {@link MaxPool2d}'s constructor.
 *
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { MaxPool2d, type MaxPool2dLayerOptions } from '@torchlet/nn';
 * const options: MaxPool2dLayerOptions = { stride: 2, padding: 1 };
 * new MaxPool2d(3, options).forward(zeros([1, 1, 4, 4])).shape; // -> [1, 1, 2, 2]
 * ```
 */
export interface MaxPool2dLayerOptions {
  /** Step of the window. Default: the kernel size. */
  readonly stride?: IntPair | null;
  /** Implicit `-Infinity` padding on both sides (at most half the kernel). Default `0`. */
  readonly padding?: IntPair;
  /** Spacing between window elements. Default `1`. */
  readonly dilation?: IntPair;
  /** Round the output size up instead of down. Default `false`. */
  readonly ceilMode?: boolean;
}

/**
 * What `forward` of a {@link MaxPool2d} or {@link AdaptiveMaxPool2d} returns: the pooled
 * `Variable`, or with `returnIndices: true` the values and their indices.
 *
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { MaxPool2d, type MaxPoolOutput } from '@torchlet/nn';
 * const out: MaxPoolOutput<true> = new MaxPool2d(2, { returnIndices: true }).forward(zeros([1, 1, 2, 2]));
 * out.indices.toArray(); // -> [[[[0]]]]
 * ```
 */
export type MaxPoolOutput<ReturnIndices extends boolean> = ReturnIndices extends true
  ? MaxPool2dVariableResult
  : Variable;

/**
 * Options of {@link AvgPool2d}'s constructor.
 *
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { AvgPool2d, type AvgPool2dLayerOptions } from '@torchlet/nn';
 * const options: AvgPool2dLayerOptions = { padding: 1, countIncludePad: false };
 * new AvgPool2d(2, options).forward(ones([1, 1, 2, 2])).toArray(); // -> [[[[1, 1], [1, 1]]]]
 * ```
 */
export interface AvgPool2dLayerOptions {
  /** Step of the window. Default: the kernel size. */
  readonly stride?: IntPair | null;
  /** Implicit zero padding on both sides (at most half the kernel). Default `0`. */
  readonly padding?: IntPair;
  /** Round the output size up instead of down. Default `false`. */
  readonly ceilMode?: boolean;
  /** Count padded zeros in the divisor. Default `true`. */
  readonly countIncludePad?: boolean;
  /** Divide by this instead of the window size. Default: none. */
  readonly divisorOverride?: number | null;
}

/** `returnIndices` as a boolean (default `false`), or a named error. */
function checkReturnIndices(layer: string, value: unknown): boolean {
  if (value !== undefined && typeof value !== 'boolean')
    fail(layer, 'returnIndices', `returnIndices must be a boolean, got ${formatValue(value)}`);
  return value === true;
}

/** Python's spelling of an int or a pair: `2` or `(2, 3)`. */
function pyIntPair(v: IntPair): string {
  return typeof v === 'number' ? String(v) : `(${v[0]}, ${v[1]})`;
}

/**
 * 2-d max pooling: the maximum of each `kernelSize` window, moved by `stride` (default: the
 * kernel size, so windows do not overlap).
 *
 * Shapes: `[N, C, H, W]` or `[C, H, W]` -> `[N, C, Hout, Wout]`, `Hout = floor((H + 2*ph - dh*(kh-1) - 1) / sh) + 1`.
 *
 * @see torch.nn.MaxPool2d
 * @example
 * ```ts
 * import { arange } from '@torchlet/tensor';
 * import { MaxPool2d } from '@torchlet/nn';
 * const pool = new MaxPool2d(2);
 * pool.forward(arange(16).reshape([1, 1, 4, 4])).toArray(); // -> [[[[5, 7], [13, 15]]]]
 * pool.toString(); // -> 'MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)'
 * ```
 */
export class MaxPool2d<ReturnIndices extends boolean = false> extends Module<
  [input: ModuleInput],
  MaxPoolOutput<ReturnIndices>
> {
  readonly kernelSize: IntPair;
  readonly stride: IntPair;
  readonly padding: IntPair;
  readonly dilation: IntPair;
  readonly ceilMode: boolean;
  /** Whether `forward` returns `{ values, indices }` (PyTorch's `return_indices`). */
  readonly returnIndices: ReturnIndices;

  /**
   * A 2-D max pooling layer with a `kernelSize` window.
   * @param kernelSize - The window size, `k` or `[kH, kW]`.
   * @param options - `stride` (default: `kernelSize`), `padding` (default `0`), `dilation` (default `1`) and
   *   `ceilMode` (default `false`), see {@link MaxPool2dLayerOptions}; and `returnIndices` (default `false`),
   *   which makes `forward` return `{ values, indices }`: the maxima and their int64 flat positions in each
   *   input plane, which `MaxUnpool2d` takes.
   */
  constructor(kernelSize: IntPair, options: MaxPool2dLayerOptions & { readonly returnIndices?: ReturnIndices } = {}) {
    super();
    const L = 'MaxPool2d';
    toPair(L, 'kernelSize', kernelSize, 1);
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    toPair(L, 'stride', this.stride, 1);
    this.padding = options.padding ?? 0;
    toPair(L, 'padding', this.padding, 0);
    this.dilation = options.dilation ?? 1;
    toPair(L, 'dilation', this.dilation, 1);
    this.ceilMode = options.ceilMode ?? false;
    this.returnIndices = checkReturnIndices(L, options.returnIndices) as ReturnIndices;
  }

  /**
   * The window maxima (with `returnIndices`, and their indices).
   * @param input - A batch `[N, C, H, W]` or one image `[C, H, W]`.
   * @returns The maxima `[N, C, H_out, W_out]` (or `[C, H_out, W_out]`); with `returnIndices`,
   *   `{ values, indices }`.
   */
  forward(input: ModuleInput): MaxPoolOutput<ReturnIndices> {
    checkImageInput('MaxPool2d', input, null);
    const options = { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode };
    // The caller owns indices it asked for.
    if (this.returnIndices)
      return maxPool2d(input, this.kernelSize, { ...options, returnIndices: true }) as MaxPoolOutput<ReturnIndices>;
    // The argmax indices backward reads belong to the graph (released after backward on webgpu).
    return ownIntermediates([inputTensor('MaxPool2d', input)], () =>
      maxPool2d(input, this.kernelSize, options),
    ) as MaxPoolOutput<ReturnIndices>;
  }

  override extraRepr(): string {
    return `kernel_size=${pyIntPair(this.kernelSize)}, stride=${pyIntPair(this.stride)}, padding=${pyIntPair(this.padding)}, dilation=${pyIntPair(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/**
 * 2-d average pooling: the mean of each `kernelSize` window, moved by `stride` (default: the
 * kernel size).
 *
 * Shapes: `[N, C, H, W]` or `[C, H, W]` -> `[N, C, Hout, Wout]`, `Hout = floor((H + 2*ph - kh) / sh) + 1`.
 *
 * @see torch.nn.AvgPool2d
 * @example
 * ```ts
 * import { arange } from '@torchlet/tensor';
 * import { AvgPool2d } from '@torchlet/nn';
 * const pool = new AvgPool2d(2);
 * pool.forward(arange(16).to('float32').reshape([1, 1, 4, 4])).toArray(); // -> [[[[2.5, 4.5], [10.5, 12.5]]]]
 * pool.toString(); // -> 'AvgPool2d(kernel_size=2, stride=2, padding=0)'
 * ```
 */
export class AvgPool2d extends Module {
  readonly kernelSize: IntPair;
  readonly stride: IntPair;
  readonly padding: IntPair;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  /**
   * A 2-D average pooling layer with a `kernelSize` window.
   * @param kernelSize - The window size, `k` or `[kH, kW]`.
   * @param options - `stride` (default: `kernelSize`), `padding` (default `0`), `ceilMode` (default `false`),
   *   `countIncludePad` (default `true`) and `divisorOverride`; see {@link AvgPool2dLayerOptions}.
   */
  constructor(kernelSize: IntPair, options: AvgPool2dLayerOptions = {}) {
    super();
    const L = 'AvgPool2d';
    toPair(L, 'kernelSize', kernelSize, 1);
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    toPair(L, 'stride', this.stride, 1);
    this.padding = options.padding ?? 0;
    toPair(L, 'padding', this.padding, 0);
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
    this.divisorOverride = options.divisorOverride ?? null;
    if (this.divisorOverride !== null && !(Number.isInteger(this.divisorOverride) && this.divisorOverride > 0)) {
      fail(L, 'divisorOverride', `divisorOverride must be a positive integer, got ${String(this.divisorOverride)}`);
    }
  }

  /**
   * The window means.
   * @param input - A batch `[N, C, H, W]` or one image `[C, H, W]`.
   * @returns The means `[N, C, H_out, W_out]` (or `[C, H_out, W_out]`).
   */
  forward(input: ModuleInput): Variable {
    checkImageInput('AvgPool2d', input, null);
    return avgPool2d(input, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${pyIntPair(this.kernelSize)}, stride=${pyIntPair(this.stride)}, padding=${pyIntPair(this.padding)}`;
  }
}

/**
 * The output size of {@link AdaptiveAvgPool2d}: an int, or `[h, w]` where `null` keeps the input's size.
 *
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { AdaptiveAvgPool2d, type AdaptiveOutputSize } from '@torchlet/nn';
 * const size: AdaptiveOutputSize = [2, null];
 * new AdaptiveAvgPool2d(size).forward(zeros([1, 3, 5, 7])).shape; // -> [1, 3, 2, 7]
 * ```
 */
export type AdaptiveOutputSize = number | readonly [number | null, number | null];

/**
 * 2-d adaptive average pooling: averages over windows chosen so the output has `outputSize`
 * whatever the input size (`1` gives global average pooling).
 *
 * Shapes: `[N, C, H, W]` or `[C, H, W]` -> `[N, C, oh, ow]`.
 *
 * @see torch.nn.AdaptiveAvgPool2d
 * @example
 * ```ts
 * import { arange } from '@torchlet/tensor';
 * import { AdaptiveAvgPool2d } from '@torchlet/nn';
 * const gap = new AdaptiveAvgPool2d(1);
 * gap.forward(arange(8).to('float32').reshape([1, 2, 2, 2])).toArray(); // -> [[[[1.5]], [[5.5]]]]
 * gap.toString(); // -> 'AdaptiveAvgPool2d(output_size=1)'
 * ```
 */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: AdaptiveOutputSize;

  /**
   * A 2-D adaptive average pooling layer to a fixed output size.
   * @param outputSize - The output size `s` or `[outH, outW]`; `null` in a pair keeps that input size.
   */
  constructor(outputSize: AdaptiveOutputSize) {
    super();
    this.outputSize = checkAdaptiveOutputSize('AdaptiveAvgPool2d', outputSize);
  }

  /**
   * The adaptive window means.
   * @param input - A batch `[N, C, H, W]` or one image `[C, H, W]`.
   * @returns The means `[N, C, outH, outW]` (or `[C, outH, outW]`).
   */
  forward(input: ModuleInput): Variable {
    checkImageInput('AdaptiveAvgPool2d', input, null);
    return adaptiveAvgPool2d(input, this.outputSize);
  }

  override extraRepr(): string {
    return adaptiveRepr(this.outputSize);
  }
}

/** A positive integer or a pair of positive integers or nulls, or a named error. */
function checkAdaptiveOutputSize(layer: string, outputSize: AdaptiveOutputSize): AdaptiveOutputSize {
  const sizes: readonly unknown[] =
    typeof outputSize === 'number'
      ? [outputSize]
      : Array.isArray(outputSize) && outputSize.length === 2
        ? outputSize
        : [undefined];
  if (!sizes.every((s) => s === null || (typeof s === 'number' && Number.isInteger(s) && s >= 1))) {
    fail(
      layer,
      'outputSize',
      `outputSize must be a positive integer or a pair of positive integers or nulls, got ${formatValue(outputSize)}`,
    );
  }
  return outputSize;
}

/** PyTorch's `output_size=2` / `output_size=(2, None)`. */
function adaptiveRepr(s: AdaptiveOutputSize): string {
  return `output_size=${typeof s === 'number' ? s : `(${s[0] ?? 'None'}, ${s[1] ?? 'None'})`}`;
}

/**
 * 2-d adaptive max pooling: the maximum over windows chosen so the output has `outputSize`
 * whatever the input size (`1` gives global max pooling).
 *
 * Shapes: `[N, C, H, W]` or `[C, H, W]` -> `[N, C, oh, ow]`.
 *
 * @see torch.nn.AdaptiveMaxPool2d
 * @example
 * ```ts
 * import { arange } from '@torchlet/tensor';
 * import { AdaptiveMaxPool2d } from '@torchlet/nn';
 * const pool = new AdaptiveMaxPool2d([1, null]);
 * pool.forward(arange(8).to('float32').reshape([1, 2, 2, 2])).toArray(); // -> [[[[2, 3]], [[6, 7]]]]
 * pool.toString(); // -> 'AdaptiveMaxPool2d(output_size=(1, None))'
 * new AdaptiveMaxPool2d(1, { returnIndices: true }).forward(arange(4).to('float32').reshape([1, 2, 2])).indices.toArray(); // -> [[[3]]]
 * ```
 */
export class AdaptiveMaxPool2d<ReturnIndices extends boolean = false> extends Module<
  [input: ModuleInput],
  MaxPoolOutput<ReturnIndices>
> {
  readonly outputSize: AdaptiveOutputSize;
  /** Whether `forward` returns `{ values, indices }` (PyTorch's `return_indices`). */
  readonly returnIndices: ReturnIndices;

  /**
   * A 2-D adaptive max pooling layer to a fixed output size.
   * @param outputSize - The output size `s` or `[outH, outW]`; `null` in a pair keeps that input size.
   * @param options - `returnIndices` (default `false`): make `forward` return `{ values, indices }`.
   */
  constructor(outputSize: AdaptiveOutputSize, options: { readonly returnIndices?: ReturnIndices } = {}) {
    super();
    this.outputSize = checkAdaptiveOutputSize('AdaptiveMaxPool2d', outputSize);
    this.returnIndices = checkReturnIndices('AdaptiveMaxPool2d', options.returnIndices) as ReturnIndices;
  }

  /**
   * The adaptive window maxima (with `returnIndices`, and their indices).
   * @param input - A batch `[N, C, H, W]` or one image `[C, H, W]`.
   * @returns The maxima `[N, C, outH, outW]` (or `[C, outH, outW]`); with `returnIndices`, `{ values, indices }`.
   */
  forward(input: ModuleInput): MaxPoolOutput<ReturnIndices> {
    checkImageInput('AdaptiveMaxPool2d', input, null);
    const r = adaptiveMaxPool2d(input, this.outputSize, { returnIndices: true });
    return (this.returnIndices ? r : r.values) as MaxPoolOutput<ReturnIndices>;
  }

  override extraRepr(): string {
    return adaptiveRepr(this.outputSize);
  }
}
