import { flatten, type Variable } from '@torchlet/autograd';
import {
  AdaptiveAvgPool2d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  Linear,
  MaxPool2d,
  Module,
  type ModuleInput,
  ReLU,
  Sequential,
} from '@torchlet/nn';
import { fail, formatValue } from '@torchlet/tensor';
import { initialize, kaimingFanOut, smallNormalLinear } from './init.js';
import { type ModelOptions, resolveModelOptions } from './options.js';

/**
 * A VGG configuration: output channels of each 3x3 convolution, `'M'` for a 2x2 max pooling.
 *
 * @example
 * ```ts
 * import { VGG, type VggConfig } from '@torchlet/vision';
 * const tiny: VggConfig = [8, 'M', 16, 'M'];
 * new VGG(tiny, { numClasses: 2 }).features.length; // -> 6
 * ```
 */
export type VggConfig = readonly (number | 'M')[];

/**
 * torchvision's VGG configurations: A (VGG-11), B (VGG-13), D (VGG-16) and E (VGG-19).
 *
 * @see torchvision.models.vgg.cfgs
 * @example
 * ```ts
 * import { vggConfigs } from '@torchlet/vision';
 * vggConfigs.D.filter((v) => v !== 'M').length + 3; // -> 16
 * ```
 */
export const vggConfigs: Readonly<Record<'A' | 'B' | 'D' | 'E', VggConfig>> = {
  A: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  B: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  D: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  E: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
};

/**
 * Options of {@link VGG} and the `vgg*` constructors.
 *
 * @example
 * ```ts
 * import { type VggOptions, vggConfigs, vggFeatures } from '@torchlet/vision';
 * const options: VggOptions = { numClasses: 10, batchNorm: true };
 * vggFeatures(vggConfigs.A, options).at(1).constructor.name; // -> 'BatchNorm2d'
 * // new VGG(vggConfigs.A, options) is vgg11Bn({ numClasses: 10 })
 * ```
 */
export interface VggOptions extends ModelOptions {
  /** BatchNorm after each convolution (torchvision's `vgg11_bn` ...). Default `false`. */
  readonly batchNorm?: boolean;
  /** Dropout probability in the classifier. Default `0.5`. */
  readonly dropout?: number;
}

/**
 * The convolutional part of a VGG (torchvision's `make_layers`): for each entry of `config`, a
 * 3x3 convolution with padding 1 (then BatchNorm with `batchNorm`) and ReLU, or `'M'`, 2x2 max
 * pooling. Initialised as PyTorch's layers are by default (the VGG constructor re-initialises).
 *
 * Shapes: `[N, 3, H, W]` -> `[N, C, H / 2^m, W / 2^m]` (C the last channel count, m the pools).
 *
 * @param config - The layers: a number is a 3x3 convolution (padding 1) with that many channels followed by
 *   ReLU, `'M'` a 2x2 max pooling.
 * @param options - `batchNorm` (default `false`), `generator` and `dtype`.
 * @returns A `Sequential` of the layers, numbered as torchvision's `features`.
 * @see torchvision.models.vgg.make_layers
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { vggFeatures } from '@torchlet/vision';
 * const features = vggFeatures([8, 'M', 16, 'M'], { batchNorm: true });
 * Object.keys(features.stateDict())[2]; // -> '1.weight'
 * features.eval().forward(zeros([1, 3, 8, 8])).shape; // -> [1, 16, 2, 2]
 * ```
 */
export function vggFeatures(
  config: VggConfig,
  options: Pick<VggOptions, 'batchNorm' | 'generator' | 'dtype'> = {},
): Sequential {
  if (!Array.isArray(config) || !config.every((v) => v === 'M' || (Number.isInteger(v) && (v as number) > 0)))
    fail('vggFeatures', 'config', `config must list positive channel counts and 'M', got ${formatValue(config)}`);
  const { layer: o } = resolveModelOptions('vggFeatures', options, 1);
  const layers: Module[] = [];
  let inChannels = 3;
  for (const v of config) {
    if (v === 'M') {
      layers.push(new MaxPool2d(2, { stride: 2 }));
      continue;
    }
    layers.push(new Conv2d(inChannels, v, 3, { padding: 1, ...o }));
    if (options.batchNorm) layers.push(new BatchNorm2d(v, { dtype: o.dtype }));
    layers.push(new ReLU());
    inChannels = v;
  }
  return new Sequential(...layers);
}

/**
 * VGG (Simonyan and Zisserman 2015) as torchvision builds it: blocks of 3x3 convolutions with
 * ReLU (and BatchNorm for the `_bn` variants) and 2x2 max pooling in `features`, adaptive pooling
 * to 7x7, and a three-layer classifier with dropout. torchvision's initialisation: Kaiming normal
 * (fan-out) convolutions, N(0, 0.01) linear weights, zero biases.
 *
 * Shapes: `[N, 3, H, W]` -> `[N, numClasses]` (H, W >= 32).
 *
 * @see torchvision.models.VGG
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { VGG } from '@torchlet/vision';
 * const net = new VGG([8, 'M', 16, 'M'], { numClasses: 3 }).eval();
 * net.classifier.at(0).toString(); // -> 'Linear(in_features=784, out_features=4096, bias=True)'
 * ```
 */
export class VGG extends Module {
  readonly features: Sequential;
  readonly avgpool = new AdaptiveAvgPool2d([7, 7]);
  readonly classifier: Sequential;

  /**
   * A VGG network: `vggFeatures(config)`, adaptive average pooling to 7x7 and a three-layer classifier.
   * @param config - The feature layers, as for {@link vggFeatures}.
   * @param options - `batchNorm` (default `false`), `dropout` (default `0.5`), `numClasses` (default `1000`),
   *   `generator` and `dtype`; see {@link VggOptions}.
   */
  constructor(config: VggConfig, options: VggOptions = {}) {
    super();
    const { numClasses, layer: o } = resolveModelOptions('VGG', options, 1000);
    if (!Array.isArray(config))
      fail('VGG', 'config', `config must list positive channel counts and 'M', got ${formatValue(config)}`);
    const last = [...config].reverse().find((v) => v !== 'M');
    const inChannels = typeof last === 'number' ? last : 3;
    const p = options.dropout ?? 0.5;
    const drop = { generator: o.generator };
    // The classifier first: its first Linear is the largest tensor, so one over the element limit
    // is refused before the convolutions are built (as many random draws either way).
    const classifier = new Sequential(
      new Linear(inChannels * 7 * 7, 4096, o),
      new ReLU(),
      new Dropout(p, drop),
      new Linear(4096, 4096, o),
      new ReLU(),
      new Dropout(p, drop),
      new Linear(4096, numClasses, o),
    );
    this.features = vggFeatures(config, { batchNorm: options.batchNorm, ...o });
    this.classifier = classifier;
    initialize(this, { conv: kaimingFanOut, linear: smallNormalLinear }, o.generator);
  }

  /**
   * `classifier(flatten(avgpool(features(x))))`.
   * @param x - Images `[N, 3, H, W]` (224x224 in torchvision).
   * @returns The logits `[N, numClasses]`.
   */
  forward(x: ModuleInput): Variable {
    return this.classifier.forward(flatten(this.avgpool.forward(this.features.forward(x)), 1));
  }
}

function make(config: 'A' | 'B' | 'D' | 'E', batchNorm: boolean, options: Omit<VggOptions, 'batchNorm'>): VGG {
  return new VGG(vggConfigs[config], { ...options, batchNorm });
}

/**
 * VGG-11 (configuration A; torchvision's `vgg11`, 132.9M parameters with 1000 classes).
 *
 * Shapes: `[N, 3, H, W]` -> `[N, numClasses]`.
 *
 * @param options - `numClasses` (default `1000`), `dropout` (default `0.5`), `generator` and `dtype`.
 * @returns A new, randomly initialised VGG-11 in training mode.
 * @see torchvision.models.vgg11
 * @example
 * ```ts
 * import { vgg11 } from '@torchlet/vision';
 * // Building it allocates and initialises over 10^8 weights (seconds in Node): build once.
 * const build = () => vgg11({ numClasses: 10 });
 * typeof build; // -> 'function'
 * // build().features.length === 21
 * ```
 */
export function vgg11(options: Omit<VggOptions, 'batchNorm'> = {}): VGG {
  return make('A', false, options);
}

/**
 * VGG-11 with BatchNorm (torchvision's `vgg11_bn`).
 *
 * Shapes: `[N, 3, H, W]` -> `[N, numClasses]`.
 *
 * @param options - `numClasses` (default `1000`), `dropout` (default `0.5`), `generator` and `dtype`.
 * @returns A new, randomly initialised VGG-11 with BatchNorm, in training mode.
 * @see torchvision.models.vgg11_bn
 * @example
 * ```ts
 * import { vgg11Bn } from '@torchlet/vision';
 * // Building it allocates and initialises over 10^8 weights (seconds in Node): build once.
 * const build = () => vgg11Bn({ numClasses: 10 });
 * typeof build; // -> 'function'
 * // build().features.length === 29
 * ```
 */
export function vgg11Bn(options: Omit<VggOptions, 'batchNorm'> = {}): VGG {
  return make('A', true, options);
}

/**
 * VGG-13 (configuration B; torchvision's `vgg13`).
 *
 * Shapes: `[N, 3, H, W]` -> `[N, numClasses]`.
 *
 * @param options - `numClasses` (default `1000`), `dropout` (default `0.5`), `generator` and `dtype`.
 * @returns A new, randomly initialised VGG-13 in training mode.
 * @see torchvision.models.vgg13
 * @example
 * ```ts
 * import { vgg13 } from '@torchlet/vision';
 * // Building it allocates and initialises over 10^8 weights (seconds in Node): build once.
 * const build = () => vgg13({ numClasses: 10 });
 * typeof build; // -> 'function'
 * // build().features.length === 25
 * ```
 */
export function vgg13(options: Omit<VggOptions, 'batchNorm'> = {}): VGG {
  return make('B', false, options);
}

/**
 * VGG-13 with BatchNorm (torchvision's `vgg13_bn`).
 *
 * Shapes: `[N, 3, H, W]` -> `[N, numClasses]`.
 *
 * @param options - `numClasses` (default `1000`), `dropout` (default `0.5`), `generator` and `dtype`.
 * @returns A new, randomly initialised VGG-13 with BatchNorm, in training mode.
 * @see torchvision.models.vgg13_bn
 * @example
 * ```ts
 * import { vgg13Bn } from '@torchlet/vision';
 * // Building it allocates and initialises over 10^8 weights (seconds in Node): build once.
 * const build = () => vgg13Bn({ numClasses: 10 });
 * typeof build; // -> 'function'
 * // build().features.length === 35
 * ```
 */
export function vgg13Bn(options: Omit<VggOptions, 'batchNorm'> = {}): VGG {
  return make('B', true, options);
}

/**
 * VGG-16 (configuration D; torchvision's `vgg16`, 138.4M parameters with 1000 classes).
 *
 * Shapes: `[N, 3, H, W]` -> `[N, numClasses]`.
 *
 * @param options - `numClasses` (default `1000`), `dropout` (default `0.5`), `generator` and `dtype`.
 * @returns A new, randomly initialised VGG-16 in training mode.
 * @see torchvision.models.vgg16
 * @example
 * ```ts
 * import { vgg16 } from '@torchlet/vision';
 * // Building it allocates and initialises over 10^8 weights (seconds in Node): build once.
 * const build = () => vgg16({ numClasses: 10 });
 * typeof build; // -> 'function'
 * // build().features.length === 31
 * ```
 */
export function vgg16(options: Omit<VggOptions, 'batchNorm'> = {}): VGG {
  return make('D', false, options);
}

/**
 * VGG-16 with BatchNorm (torchvision's `vgg16_bn`).
 *
 * Shapes: `[N, 3, H, W]` -> `[N, numClasses]`.
 *
 * @param options - `numClasses` (default `1000`), `dropout` (default `0.5`), `generator` and `dtype`.
 * @returns A new, randomly initialised VGG-16 with BatchNorm, in training mode.
 * @see torchvision.models.vgg16_bn
 * @example
 * ```ts
 * import { vgg16Bn } from '@torchlet/vision';
 * // Building it allocates and initialises over 10^8 weights (seconds in Node): build once.
 * const build = () => vgg16Bn({ numClasses: 10 });
 * typeof build; // -> 'function'
 * // build().features.length === 44
 * ```
 */
export function vgg16Bn(options: Omit<VggOptions, 'batchNorm'> = {}): VGG {
  return make('D', true, options);
}

/**
 * VGG-19 (configuration E; torchvision's `vgg19`).
 *
 * Shapes: `[N, 3, H, W]` -> `[N, numClasses]`.
 *
 * @param options - `numClasses` (default `1000`), `dropout` (default `0.5`), `generator` and `dtype`.
 * @returns A new, randomly initialised VGG-19 in training mode.
 * @see torchvision.models.vgg19
 * @example
 * ```ts
 * import { vgg19 } from '@torchlet/vision';
 * // Building it allocates and initialises over 10^8 weights (seconds in Node): build once.
 * const build = () => vgg19({ numClasses: 10 });
 * typeof build; // -> 'function'
 * // build().features.length === 37
 * ```
 */
export function vgg19(options: Omit<VggOptions, 'batchNorm'> = {}): VGG {
  return make('E', false, options);
}

/**
 * VGG-19 with BatchNorm (torchvision's `vgg19_bn`).
 *
 * Shapes: `[N, 3, H, W]` -> `[N, numClasses]`.
 *
 * @param options - `numClasses` (default `1000`), `dropout` (default `0.5`), `generator` and `dtype`.
 * @returns A new, randomly initialised VGG-19 with BatchNorm, in training mode.
 * @see torchvision.models.vgg19_bn
 * @example
 * ```ts
 * import { vgg19Bn } from '@torchlet/vision';
 * // Building it allocates and initialises over 10^8 weights (seconds in Node): build once.
 * const build = () => vgg19Bn({ numClasses: 10 });
 * typeof build; // -> 'function'
 * // build().features.length === 53
 * ```
 */
export function vgg19Bn(options: Omit<VggOptions, 'batchNorm'> = {}): VGG {
  return make('E', true, options);
}
