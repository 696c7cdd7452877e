import { conv2d, convTranspose2d, type Variable } from '@torchlet/autograd';
import { fail, formatValue, type Generator, zeros } from '@torchlet/tensor';
import * as init from '../init.js';
import { Module, type ModuleInput } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyPair } from '../repr.js';
import { checkImageInput, type FloatDType, floatDType, type IntPair, positiveInt, toPair } from './util.js';

/**
 * `nn.Conv2d`'s padding: an int, an `[h, w]` pair (both sides), `'valid'` (none) or `'same'` (output size = input size; stride 1 only).
 *
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { Conv2d, type Conv2dPadding } from '@torchlet/nn';
 * const padding: Conv2dPadding = 'same';
 * new Conv2d(1, 1, [3, 5], { padding }).forward(zeros([1, 1, 6, 8])).shape; // -> [1, 1, 6, 8]
 * ```
 */
export type Conv2dPadding = number | readonly [number, number] | 'valid' | 'same';

/**
 * How `Conv2d` fills padded positions (PyTorch's `padding_mode`).
 *
 * @example
 * ```ts
 * import { Conv2d, type PaddingMode } from '@torchlet/nn';
 * const paddingMode: PaddingMode = 'reflect';
 * new Conv2d(1, 1, 3, { padding: 1, paddingMode }).toString(); // -> 'Conv2d(1, 1, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), padding_mode=reflect)'
 * ```
 */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/** Options shared by the convolution layers' constructors. */
interface ConvCommonOptions {
  /** Step of the window, an int or `[sh, sw]`. Default `1`. */
  readonly stride?: IntPair;
  /** Spacing between kernel elements. Default `1`. */
  readonly dilation?: IntPair;
  /** Blocked connections from input to output channels; both channel counts must divide by it. Default `1`. */
  readonly groups?: number;
  /** Learn an additive bias per output channel. Default `true`. */
  readonly bias?: boolean;
  /** Draws the initial weights (Kaiming uniform, as PyTorch). Default: the default generator. */
  readonly generator?: Generator;
  /** Element type of the parameters. Default `'float32'`. */
  readonly dtype?: FloatDType;
}

/**
 * Options of {@link Conv2d}'s constructor (PyTorch's keyword arguments).
 *
 * @example
 * ```ts
 * import { Generator, zeros } from '@torchlet/tensor';
 * import { Conv2d, type Conv2dLayerOptions } from '@torchlet/nn';
 * const options: Conv2dLayerOptions = { stride: 2, padding: 1, bias: false, generator: new Generator(0) };
 * new Conv2d(1, 1, 3, options).forward(zeros([1, 1, 8, 8])).shape; // -> [1, 1, 4, 4]
 * ```
 */
export interface Conv2dLayerOptions extends ConvCommonOptions {
  /** Implicit padding. Default `0`. */
  readonly padding?: Conv2dPadding;
  /** How padded positions are filled. Default `'zeros'`. */
  readonly paddingMode?: PaddingMode;
}

/**
 * Options of {@link ConvTranspose2d}'s constructor (PyTorch's keyword arguments).
 *
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { ConvTranspose2d, type ConvTranspose2dLayerOptions } from '@torchlet/nn';
 * const options: ConvTranspose2dLayerOptions = { stride: 2, padding: 1, outputPadding: 1 };
 * new ConvTranspose2d(1, 1, 3, options).forward(zeros([1, 1, 4, 4])).shape; // -> [1, 1, 8, 8]
 * ```
 */
export interface ConvTranspose2dLayerOptions extends ConvCommonOptions {
  /** `dilation * (kernel - 1) - padding` zeros are added to each side of the input. Default `0`. */
  readonly padding?: IntPair;
  /** Extra size added to one side of the output, to pick among the sizes a strided conv maps to the same size. Default `0`. */
  readonly outputPadding?: IntPair;
}

const PADDING_MODES: readonly string[] = ['zeros', 'reflect', 'replicate', 'circular'];

/** PyTorch's `_ConvNd.reset_parameters`: Kaiming uniform with a = sqrt(5), bias U(+-1/sqrt(fanIn)). */
function resetConvParameters(weight: Parameter, bias: Parameter | null, generator: Generator | undefined): void {
  init.kaimingUniform(weight.data, { a: Math.sqrt(5), generator });
  if (bias !== null) {
    const [fanIn] = init.fanInAndFanOut(weight.data);
    if (fanIn > 0) {
      const bound = 1 / Math.sqrt(fanIn);
      init.uniform(bias.data, -bound, bound, { generator });
    }
  }
}

function checkGroups(layer: string, inChannels: number, outChannels: number, groups: number): void {
  positiveInt(layer, 'groups', groups);
  if (inChannels % groups !== 0)
    fail(layer, 'inChannels', `inChannels must be divisible by groups (inChannels ${inChannels}, groups ${groups})`);
  if (outChannels % groups !== 0)
    fail(
      layer,
      'outChannels',
      `outChannels must be divisible by groups (outChannels ${outChannels}, groups ${groups})`,
    );
}

/**
 * A 2-d convolution layer (cross-correlation, as in d2l): learns `outChannels` filters of
 * `kernelSize` over `inChannels / groups` channels, plus a bias per output channel.
 * Initialised as PyTorch does: weight Kaiming-uniform with `a = sqrt(5)`, bias U(+-1/sqrt(fanIn)).
 *
 * Shapes: input `[N, Cin, H, W]` or `[Cin, H, W]`; output `[N, Cout, Hout, Wout]` with
 * `Hout = floor((H + 2*ph - dh*(kh-1) - 1) / sh) + 1`; weight `[Cout, Cin/groups, kh, kw]`, bias `[Cout]`.
 *
 * @see torch.nn.Conv2d
 * @example
 * ```ts
 * import { Generator, zeros } from '@torchlet/tensor';
 * import { Conv2d } from '@torchlet/nn';
 * const conv = new Conv2d(1, 6, 5, { padding: 2, generator: new Generator(0) });
 * conv.toString(); // -> 'Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))'
 * conv.forward(zeros([1, 1, 28, 28])).shape; // -> [1, 6, 28, 28]
 * conv.namedParameters().map(([n, p]) => [n, p.shape]); // -> [['weight', [6, 1, 5, 5]], ['bias', [6]]]
 * ```
 */
export class Conv2d extends Module {
  /** Filters, `[outChannels, inChannels / groups, kh, kw]`. */
  weight: Parameter;
  /** One bias per output channel `[outChannels]`, or null when built with `bias: false`. */
  bias: Parameter | null;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number] | 'valid' | 'same';
  readonly dilation: [number, number];
  readonly groups: number;
  readonly paddingMode: PaddingMode;

  /**
   * A 2-D convolution layer from `inChannels` to `outChannels` with a `kernelSize` window; weights Kaiming-uniform
   * initialised as in PyTorch.
   * @param inChannels - C_in, the channels of the `[N, C_in, H, W]` input.
   * @param outChannels - C_out, the number of filters (channels of the output).
   * @param kernelSize - The window size, `k` or `[kH, kW]`.
   * @param options - `stride`, `padding`, `dilation`, `groups`, `bias`, `paddingMode`, `generator` and `dtype`;
   *   see {@link Conv2dLayerOptions}.
   */
  constructor(inChannels: number, outChannels: number, kernelSize: IntPair, options: Conv2dLayerOptions = {}) {
    super();
    const L = 'Conv2d';
    this.inChannels = positiveInt(L, 'inChannels', inChannels);
    this.outChannels = positiveInt(L, 'outChannels', outChannels);
    this.kernelSize = toPair(L, 'kernelSize', kernelSize, 1);
    this.stride = toPair(L, 'stride', options.stride ?? 1, 1);
    this.dilation = toPair(L, 'dilation', options.dilation ?? 1, 1);
    this.groups = options.groups ?? 1;
    checkGroups(L, this.inChannels, this.outChannels, this.groups);
    const padding = options.padding ?? 0;
    if (padding === 'same' || padding === 'valid') {
      if (padding === 'same' && (this.stride[0] !== 1 || this.stride[1] !== 1)) {
        fail(
          L,
          'padding',
          `padding='same' is not supported for strided convolutions (stride ${formatValue(this.stride)})`,
        );
      }
      this.padding = padding;
    } else {
      this.padding = toPair(L, 'padding', padding, 0);
    }
    this.paddingMode = options.paddingMode ?? 'zeros';
    if (!PADDING_MODES.includes(this.paddingMode)) {
      fail(
        L,
        'paddingMode',
        `paddingMode must be one of ${PADDING_MODES.join(', ')}, got ${formatValue(this.paddingMode)}`,
      );
    }
    const dtype = floatDType(L, options.dtype);
    this.weight = new Parameter(
      zeros([this.outChannels, this.inChannels / this.groups, ...this.kernelSize], { dtype }),
    );
    this.bias = options.bias === false ? null : new Parameter(zeros([this.outChannels], { dtype }));
    resetConvParameters(this.weight, this.bias, options.generator);
  }

  /**
   * Convolves `input` with the filters and adds the bias.
   * @param input - A batch `[N, C_in, H, W]` (or one image `[C_in, H, W]`) of the layer's dtype.
   * @returns The output `[N, C_out, H_out, W_out]` (or `[C_out, H_out, W_out]`).
   */
  forward(input: ModuleInput): Variable {
    checkImageInput('Conv2d', input, this.inChannels);
    return conv2d(input, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
      paddingMode: this.paddingMode,
    });
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyPair(this.kernelSize)}, stride=${pyPair(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding[0] !== 0 || this.padding[1] !== 0) s += `, padding=${pyPair(this.padding)}`;
    if (this.dilation[0] !== 1 || this.dilation[1] !== 1) s += `, dilation=${pyPair(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}

/**
 * A 2-d transposed convolution layer (the gradient of Conv2d with respect to its input; used to
 * upsample). Initialised as PyTorch does, with fanIn computed from `weight.shape[1] * kh * kw`.
 *
 * Shapes: input `[N, Cin, H, W]` or `[Cin, H, W]`; output `[N, Cout, Hout, Wout]` with
 * `Hout = (H-1)*sh - 2*ph + dh*(kh-1) + oph + 1`; weight `[Cin, Cout/groups, kh, kw]`, bias `[Cout]`.
 *
 * @see torch.nn.ConvTranspose2d
 * @example
 * ```ts
 * import { Generator, zeros } from '@torchlet/tensor';
 * import { ConvTranspose2d } from '@torchlet/nn';
 * const up = new ConvTranspose2d(4, 2, 2, { stride: 2, generator: new Generator(0) });
 * up.toString(); // -> 'ConvTranspose2d(4, 2, kernel_size=(2, 2), stride=(2, 2))'
 * up.forward(zeros([1, 4, 3, 3])).shape; // -> [1, 2, 6, 6]
 * up.weight.shape; // -> [4, 2, 2, 2]
 * ```
 */
export class ConvTranspose2d extends Module {
  /** Filters, `[inChannels, outChannels / groups, kh, kw]`. */
  weight: Parameter;
  /** One bias per output channel `[outChannels]`, or null when built with `bias: false`. */
  bias: Parameter | null;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly outputPadding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;

  /**
   * A 2-D transposed convolution layer from `inChannels` to `outChannels` with a `kernelSize` window; weights
   * initialised as in PyTorch.
   * @param inChannels - C_in, the channels of the `[N, C_in, H, W]` input.
   * @param outChannels - C_out, the channels of the output.
   * @param kernelSize - The window size, `k` or `[kH, kW]`.
   * @param options - `stride`, `padding`, `outputPadding`, `dilation`, `groups`, `bias`, `generator` and
   *   `dtype`; see {@link ConvTranspose2dLayerOptions}.
   */
  constructor(inChannels: number, outChannels: number, kernelSize: IntPair, options: ConvTranspose2dLayerOptions = {}) {
    super();
    const L = 'ConvTranspose2d';
    this.inChannels = positiveInt(L, 'inChannels', inChannels);
    this.outChannels = positiveInt(L, 'outChannels', outChannels);
    this.kernelSize = toPair(L, 'kernelSize', kernelSize, 1);
    this.stride = toPair(L, 'stride', options.stride ?? 1, 1);
    this.padding = toPair(L, 'padding', options.padding ?? 0, 0);
    this.outputPadding = toPair(L, 'outputPadding', options.outputPadding ?? 0, 0);
    this.dilation = toPair(L, 'dilation', options.dilation ?? 1, 1);
    this.groups = options.groups ?? 1;
    checkGroups(L, this.inChannels, this.outChannels, this.groups);
    const dtype = floatDType(L, options.dtype);
    this.weight = new Parameter(
      zeros([this.inChannels, this.outChannels / this.groups, ...this.kernelSize], { dtype }),
    );
    this.bias = options.bias === false ? null : new Parameter(zeros([this.outChannels], { dtype }));
    resetConvParameters(this.weight, this.bias, options.generator);
  }

  /**
   * The transposed convolution of `input` with the filters, plus the bias.
   * @param input - A batch `[N, C_in, H, W]` (or one image `[C_in, H, W]`) of the layer's dtype.
   * @returns The output `[N, C_out, H_out, W_out]` with `H_out = (H - 1) * stride - 2 * padding + dilation *
   *   (kH - 1) + outputPadding + 1`.
   */
  forward(input: ModuleInput): Variable {
    checkImageInput('ConvTranspose2d', input, this.inChannels);
    // Checked here, not at construction, as PyTorch does (a layer may be built, then given a
    // stride or dilation by hand before it runs).
    for (const i of [0, 1]) {
      if (this.outputPadding[i] >= this.stride[i] && this.outputPadding[i] >= this.dilation[i]) {
        fail(
          'ConvTranspose2d',
          'outputPadding',
          `outputPadding must be smaller than either stride or dilation, got outputPadding ${pyPair(this.outputPadding)}, stride ${pyPair(this.stride)}, dilation ${pyPair(this.dilation)}`,
        );
      }
    }
    return convTranspose2d(input, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      outputPadding: this.outputPadding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyPair(this.kernelSize)}, stride=${pyPair(this.stride)}`;
    if (this.padding[0] !== 0 || this.padding[1] !== 0) s += `, padding=${pyPair(this.padding)}`;
    if (this.dilation[0] !== 1 || this.dilation[1] !== 1) s += `, dilation=${pyPair(this.dilation)}`;
    if (this.outputPadding[0] !== 0 || this.outputPadding[1] !== 0)
      s += `, output_padding=${pyPair(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    return s;
  }
}
