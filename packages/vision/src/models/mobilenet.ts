import { adaptiveAvgPool2d, add, flatten, type Variable } from '@torchlet/autograd';
import { BatchNorm2d, Conv2d, Dropout, Linear, Module, type ModuleInput, ReLU6, Sequential } from '@torchlet/nn';
import { fail, formatValue } from '@torchlet/tensor';
import { initialize, kaimingFanOut, smallNormalLinear } from './init.js';
import { type ModelOptions, type ResolvedModelOptions, resolveModelOptions } from './options.js';

type LayerOptions = ResolvedModelOptions['layer'];

/**
 * `v` rounded to the nearest multiple of `divisor`, never below 90% of `v` (torchvision's
 * `_make_divisible`, which sets MobileNetV2's channel counts for a width multiplier).
 *
 * @param v - The channel count to round (e.g. `32 * widthMult`).
 * @param divisor - The multiple to round to.
 * @param minValue - The smallest result. Default: `divisor`.
 * @returns The nearest multiple of `divisor` at least `minValue`, and never below 90% of `v`.
 * @example
 * ```ts
 * import { makeDivisible } from '@torchlet/vision';
 * makeDivisible(32 * 0.75, 8); // -> 24
 * makeDivisible(10, 8); // -> 16
 * ```
 */
export function makeDivisible(v: number, divisor: number, minValue: number | null = null): number {
  const fn = 'makeDivisible';
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    fail(fn, 'v', `v must be a finite non-negative number, got ${formatValue(v)}`);
  if (typeof divisor !== 'number' || !Number.isSafeInteger(divisor) || divisor < 1)
    fail(fn, 'divisor', `divisor must be a positive integer, got ${formatValue(divisor)}`);
  if (minValue !== null && minValue !== undefined && (typeof minValue !== 'number' || !Number.isSafeInteger(minValue)))
    fail(fn, 'minValue', `minValue must be an integer or null, got ${formatValue(minValue)}`);
  const min = minValue ?? divisor;
  let out = Math.max(min, Math.floor(v + divisor / 2) - (Math.floor(v + divisor / 2) % divisor));
  if (out < 0.9 * v) out += divisor;
  return out;
}

/**
 * Convolution, BatchNorm and ReLU6 as one Sequential (torchvision's `Conv2dNormActivation` as
 * MobileNetV2 uses it), with "same" padding `(k - 1) / 2`.
 *
 * Shapes: `[N, inChannels, H, W]` -> `[N, outChannels, H/stride, W/stride]`.
 *
 * @see torchvision.ops.Conv2dNormActivation
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { Conv2dNormActivation } from '@torchlet/vision';
 * const m = new Conv2dNormActivation(3, 8, { stride: 2 });
 * m.eval().forward(zeros([1, 3, 8, 8])).shape; // -> [1, 8, 4, 4]
 * Object.keys(m.stateDict())[0]; // -> '0.weight'
 * ```
 */
export class Conv2dNormActivation extends Sequential {
  /**
   * A convolution without bias, BatchNorm and ReLU6 (torchvision's `Conv2dNormActivation`), padded to keep the
   * size at stride 1.
   * @param inChannels - Channels of the input.
   * @param outChannels - Channels of the output.
   * @param options - `kernelSize` (default `3`), `stride` (default `1`), `groups` (default `1`), `generator`
   *   and `dtype`.
   */
  constructor(
    inChannels: number,
    outChannels: number,
    options: Pick<ModelOptions, 'generator' | 'dtype'> & {
      readonly kernelSize?: number;
      readonly stride?: number;
      readonly groups?: number;
    } = {},
  ) {
    const o = resolveModelOptions('Conv2dNormActivation', options, 1).layer;
    const k = options.kernelSize ?? 3;
    super(
      new Conv2d(inChannels, outChannels, k, {
        stride: options.stride ?? 1,
        padding: Math.floor((k - 1) / 2),
        groups: options.groups ?? 1,
        bias: false,
        ...o,
      }),
      new BatchNorm2d(outChannels, { dtype: o.dtype }),
      new ReLU6(),
    );
  }
}

/**
 * MobileNetV2's inverted residual block: 1x1 expansion (unless `expandRatio` is 1), 3x3
 * depthwise convolution with the stride, 1x1 linear projection; plus the input when the shape
 * is kept. The layers are in `conv`, as torchvision names them.
 *
 * Shapes: `[N, inp, H, W]` -> `[N, oup, H/stride, W/stride]`.
 *
 * @see torchvision.models.mobilenetv2.InvertedResidual
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { InvertedResidual } from '@torchlet/vision';
 * const block = new InvertedResidual(16, 16, 1, 6);
 * block.useResConnect; // -> true
 * block.eval().forward(zeros([1, 16, 4, 4])).shape; // -> [1, 16, 4, 4]
 * ```
 */
export class InvertedResidual extends Module {
  readonly conv: Sequential;
  /** Whether the input is added to the output (stride 1 and `inp === oup`). */
  readonly useResConnect: boolean;
  /** Output channels. */
  readonly outChannels: number;

  /**
   * MobileNetV2's inverted residual block: a 1x1 expansion, a 3x3 depthwise convolution and a 1x1 linear
   * projection.
   * @param inp - Channels of the input.
   * @param oup - Channels of the output.
   * @param stride - The depthwise convolution's stride, `1` or `2` (a residual connection only at 1 with `inp
   *   === oup`).
   * @param expandRatio - The expansion factor of the hidden channels (`1` skips the expansion).
   * @param options - `generator` and `dtype` of the parameters.
   */
  constructor(
    inp: number,
    oup: number,
    stride: number,
    expandRatio: number,
    options: Pick<ModelOptions, 'generator' | 'dtype'> = {},
  ) {
    super();
    const fn = 'InvertedResidual';
    for (const [arg, v] of [
      ['inp', inp],
      ['oup', oup],
    ] as const)
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
        fail(fn, arg, `${arg} must be a positive integer, got ${formatValue(v)}`);
    if (stride !== 1 && stride !== 2) fail(fn, 'stride', `stride should be 1 or 2, got ${formatValue(stride)}`);
    if (typeof expandRatio !== 'number' || !Number.isFinite(expandRatio) || expandRatio <= 0)
      fail(fn, 'expandRatio', `expandRatio must be a positive number, got ${formatValue(expandRatio)}`);
    const o: LayerOptions = resolveModelOptions('InvertedResidual', options, 1).layer;
    // Python's round(): halves to even.
    const hidden = roundHalfEven(inp * expandRatio);
    this.useResConnect = stride === 1 && inp === oup;
    this.outChannels = oup;
    const layers: Module[] = [];
    if (expandRatio !== 1) layers.push(new Conv2dNormActivation(inp, hidden, { kernelSize: 1, ...o }));
    layers.push(
      new Conv2dNormActivation(hidden, hidden, { stride, groups: hidden, ...o }),
      new Conv2d(hidden, oup, 1, { bias: false, ...o }),
      new BatchNorm2d(oup, { dtype: o.dtype }),
    );
    this.conv = new Sequential(...layers);
  }

  /**
   * `x + conv(x)` when shapes allow, else `conv(x)`.
   * @param x - Features `[N, inp, H, W]`.
   * @returns `[N, oup, H / stride, W / stride]` (with the input added when the block is residual).
   */
  forward(x: ModuleInput): Variable {
    const y = this.conv.forward(x);
    return this.useResConnect ? add(x, y) : y;
  }
}

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Options of {@link mobilenetV2}.
 *
 * @example
 * ```ts
 * import { type MobileNetV2Options, mobilenetV2 } from '@torchlet/vision';
 * const options: MobileNetV2Options = { numClasses: 10, widthMult: 0.5 };
 * mobilenetV2(options).stateDict()['features.0.0.weight'].shape; // -> [16, 3, 3, 3]
 * ```
 */
export interface MobileNetV2Options extends ModelOptions {
  /** Multiplies every layer's channels (rounded to multiples of `roundNearest`). Default `1`. */
  readonly widthMult?: number;
  /** Channel counts are multiples of this. Default `8`. */
  readonly roundNearest?: number;
  /** Dropout before the classifier. Default `0.2`. */
  readonly dropout?: number;
}

/**
 * MobileNetV2 (Sandler et al. 2018) as torchvision builds it: a stride-2 stem, 17 inverted
 * residual blocks, a 1x1 convolution to 1280 channels, global average pooling and a classifier
 * with dropout. torchvision's initialisation: Kaiming normal (fan-out) convolutions, N(0, 0.01)
 * linear weights, zero biases.
 *
 * Shapes: `[N, 3, H, W]` -> `[N, numClasses]`.
 *
 * @see torchvision.models.MobileNetV2
 * @example
 * ```ts
 * import { MobileNetV2 } from '@torchlet/vision';
 * const net = new MobileNetV2({ numClasses: 10 });
 * net.features.length; // -> 19
 * ```
 */
export class MobileNetV2 extends Module {
  readonly features: Sequential;
  readonly classifier: Sequential;
  /** Channels before the classifier (1280 for `widthMult <= 1`). */
  readonly lastChannel: number;

  /**
   * A MobileNetV2 with torchvision's layers and initialisation.
   * @param options - `numClasses` (default `1000`), `widthMult` (default `1`), `roundNearest` (default `8`),
   *   `dropout` (default `0.2`), `generator` and `dtype`; see {@link MobileNetV2Options}.
   */
  constructor(options: MobileNetV2Options = {}) {
    super();
    const fn = 'MobileNetV2';
    const { numClasses, layer: o } = resolveModelOptions(fn, options, 1000);
    const widthMult = options.widthMult ?? 1;
    const roundNearest = options.roundNearest ?? 8;
    if (!(widthMult > 0)) fail(fn, 'widthMult', `widthMult must be positive, got ${formatValue(widthMult)}`);
    if (!Number.isInteger(roundNearest) || roundNearest < 1)
      fail(fn, 'roundNearest', `roundNearest must be a positive integer, got ${formatValue(roundNearest)}`);
    const setting: readonly (readonly [number, number, number, number])[] = [
      [1, 16, 1, 1],
      [6, 24, 2, 2],
      [6, 32, 3, 2],
      [6, 64, 4, 2],
      [6, 96, 3, 1],
      [6, 160, 3, 2],
      [6, 320, 1, 1],
    ];
    let inputChannel = makeDivisible(32 * widthMult, roundNearest);
    this.lastChannel = makeDivisible(1280 * Math.max(1, widthMult), roundNearest);
    const features: Module[] = [new Conv2dNormActivation(3, inputChannel, { stride: 2, ...o })];
    for (const [t, c, n, s] of setting) {
      const outputChannel = makeDivisible(c * widthMult, roundNearest);
      for (let i = 0; i < n; i++) {
        features.push(new InvertedResidual(inputChannel, outputChannel, i === 0 ? s : 1, t, o));
        inputChannel = outputChannel;
      }
    }
    features.push(new Conv2dNormActivation(inputChannel, this.lastChannel, { kernelSize: 1, ...o }));
    this.features = new Sequential(...features);
    this.classifier = new Sequential(
      new Dropout(options.dropout ?? 0.2, { generator: o.generator }),
      new Linear(this.lastChannel, numClasses, o),
    );
    initialize(this, { conv: kaimingFanOut, linear: smallNormalLinear }, o.generator);
  }

  /**
   * `classifier(flatten(adaptiveAvgPool(features(x), 1)))`.
   * @param x - Images `[N, 3, H, W]` (224x224 in torchvision).
   * @returns The logits `[N, numClasses]`.
   */
  forward(x: ModuleInput): Variable {
    return this.classifier.forward(flatten(adaptiveAvgPool2d(this.features.forward(x), [1, 1]), 1));
  }
}

/**
 * MobileNetV2 (torchvision's `mobilenet_v2`, 3.5M parameters with 1000 classes).
 *
 * Shapes: `[N, 3, H, W]` -> `[N, numClasses]`.
 *
 * @param options - `numClasses` (default `1000`), `widthMult` (default `1`), `roundNearest` (default `8`),
 *   `dropout` (default `0.2`), `generator` and `dtype`; see {@link MobileNetV2Options}.
 * @returns A new, randomly initialised MobileNetV2 in training mode.
 * @see torchvision.models.mobilenet_v2
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { mobilenetV2 } from '@torchlet/vision';
 * mobilenetV2({ numClasses: 10 }).eval().forward(zeros([1, 3, 32, 32])).shape; // -> [1, 10]
 * ```
 */
export function mobilenetV2(options: MobileNetV2Options = {}): MobileNetV2 {
  return new MobileNetV2(options);
}
