import { adaptiveAvgPool2d, cat, flatten, relu, type Variable } from '@torchlet/autograd';
import {
  AvgPool2d,
  BatchNorm2d,
  Conv2d,
  init,
  Linear,
  MaxPool2d,
  Module,
  type ModuleInput,
  ReLU,
  Sequential,
} from '@torchlet/nn';
import { fail, formatValue } from '@torchlet/tensor';
import { initialize } from './init.js';
import { type ModelOptions, resolveModelOptions } from './options.js';

/**
 * One DenseNet layer: BatchNorm, ReLU, a 1x1 bottleneck convolution to `bnSize * growthRate`
 * channels, BatchNorm, ReLU and a 3x3 convolution to `growthRate` new channels, applied to the
 * concatenation of every earlier output of its block.
 *
 * Shapes: a list of `[N, Ci, H, W]` with `sum Ci = inFeatures` -> `[N, growthRate, H, W]`.
 *
 * @see torchvision.models.densenet._DenseLayer
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { DenseLayer } from '@torchlet/vision';
 * new DenseLayer(64, 32, 4).eval().forwardFeatures([zeros([1, 32, 4, 4]), zeros([1, 32, 4, 4])]).shape; // -> [1, 32, 4, 4]
 * ```
 */
export class DenseLayer extends Module {
  readonly norm1: BatchNorm2d;
  readonly relu1 = new ReLU();
  readonly conv1: Conv2d;
  readonly norm2: BatchNorm2d;
  readonly relu2 = new ReLU();
  readonly conv2: Conv2d;

  /**
   * One dense layer: BatchNorm, ReLU, a 1x1 bottleneck convolution, BatchNorm, ReLU and a 3x3 convolution.
   * @param inFeatures - Channels of the concatenated input features.
   * @param growthRate - Channels this layer adds.
   * @param bnSize - Bottleneck width as a multiple of `growthRate`.
   * @param options - `generator` and `dtype` of the parameters.
   */
  constructor(
    inFeatures: number,
    growthRate: number,
    bnSize: number,
    options: Pick<ModelOptions, 'generator' | 'dtype'> = {},
  ) {
    super();
    const o = resolveModelOptions('DenseLayer', options, 1).layer;
    this.norm1 = new BatchNorm2d(inFeatures, { dtype: o.dtype });
    this.conv1 = new Conv2d(inFeatures, bnSize * growthRate, 1, { bias: false, ...o });
    this.norm2 = new BatchNorm2d(bnSize * growthRate, { dtype: o.dtype });
    this.conv2 = new Conv2d(bnSize * growthRate, growthRate, 3, { padding: 1, bias: false, ...o });
  }

  /**
   * The new features from the concatenation of `features`.
   * @param features - The feature maps of the block so far, each `[N, C_i, H, W]`, concatenated along channels.
   * @returns The new features `[N, growthRate, H, W]`.
   */
  forwardFeatures(features: readonly ModuleInput[]): Variable {
    const x = cat(features, 1);
    const bottleneck = this.conv1.forward(relu(this.norm1.forward(x)));
    return this.conv2.forward(relu(this.norm2.forward(bottleneck)));
  }

  /**
   * The new features from one input tensor.
   * @param x - Features `[N, inFeatures, H, W]`.
   * @returns The new features `[N, growthRate, H, W]`.
   */
  forward(x: ModuleInput): Variable {
    return this.forwardFeatures([x]);
  }
}

/**
 * A dense block: `numLayers` {@link DenseLayer}s named `denselayer1`, `denselayer2`, ..., each
 * seeing the block input and every earlier layer's output; returns all of them concatenated.
 *
 * Shapes: `[N, inFeatures, H, W]` -> `[N, inFeatures + numLayers * growthRate, H, W]`.
 *
 * @see torchvision.models.densenet._DenseBlock
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { DenseBlock } from '@torchlet/vision';
 * new DenseBlock(2, 16, 4, 8).eval().forward(zeros([1, 16, 4, 4])).shape; // -> [1, 32, 4, 4]
 * ```
 */
export class DenseBlock extends Module {
  readonly #layers: DenseLayer[] = [];

  /**
   * A dense block of `numLayers` dense layers, each fed the concatenation of every earlier output.
   * @param numLayers - How many dense layers.
   * @param inFeatures - Channels of the block's input.
   * @param bnSize - Bottleneck width as a multiple of `growthRate`.
   * @param growthRate - Channels each layer adds.
   * @param options - `generator` and `dtype` of the parameters.
   */
  constructor(
    numLayers: number,
    inFeatures: number,
    bnSize: number,
    growthRate: number,
    options: Pick<ModelOptions, 'generator' | 'dtype'> = {},
  ) {
    super();
    for (let i = 0; i < numLayers; i++) {
      const layer = new DenseLayer(inFeatures + i * growthRate, growthRate, bnSize, options);
      this.registerModule(`denselayer${i + 1}`, layer);
      this.#layers.push(layer);
    }
  }

  /**
   * The input and every layer's output, concatenated along the channels.
   * @param x - Features `[N, inFeatures, H, W]`.
   * @returns `[N, inFeatures + numLayers * growthRate, H, W]`.
   */
  forward(x: ModuleInput): Variable {
    const features: ModuleInput[] = [x];
    for (const layer of this.#layers) features.push(layer.forwardFeatures(features));
    return cat(features, 1);
  }
}

/**
 * A transition between dense blocks: BatchNorm, ReLU, a 1x1 convolution and 2x2 average pooling
 * (a Sequential named `norm`, `relu`, `conv`, `pool`).
 *
 * Shapes: `[N, inFeatures, H, W]` -> `[N, outFeatures, H/2, W/2]`.
 *
 * @see torchvision.models.densenet._Transition
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { Transition } from '@torchlet/vision';
 * new Transition(16, 8).eval().forward(zeros([1, 16, 4, 4])).shape; // -> [1, 8, 2, 2]
 * ```
 */
export class Transition extends Sequential {
  /**
   * A transition between dense blocks: BatchNorm, ReLU, a 1x1 convolution and 2x2 average pooling.
   * @param inFeatures - Channels of the input.
   * @param outFeatures - Channels of the output.
   * @param options - `generator` and `dtype` of the parameters.
   */
  constructor(inFeatures: number, outFeatures: number, options: Pick<ModelOptions, 'generator' | 'dtype'> = {}) {
    const o = resolveModelOptions('Transition', options, 1).layer;
    super(
      new Map<string, Module>([
        ['norm', new BatchNorm2d(inFeatures, { dtype: o.dtype })],
        ['relu', new ReLU()],
        ['conv', new Conv2d(inFeatures, outFeatures, 1, { bias: false, ...o })],
        ['pool', new AvgPool2d(2, { stride: 2 })],
      ]),
    );
  }
}

/**
 * Options of {@link DenseNet}.
 *
 * @example
 * ```ts
 * import { DenseNet, type DenseNetOptions } from '@torchlet/vision';
 * const options: DenseNetOptions = { growthRate: 8, blockConfig: [2, 2], numInitFeatures: 16, numClasses: 3 };
 * new DenseNet(options).classifier.inFeatures; // -> 32
 * ```
 */
export interface DenseNetOptions extends ModelOptions {
  /** New channels per layer. Default `32`. */
  readonly growthRate?: number;
  /** Layers per dense block. Default `[6, 12, 24, 16]` (DenseNet-121). */
  readonly blockConfig?: readonly number[];
  /** Channels after the stem. Default `64`. */
  readonly numInitFeatures?: number;
  /** Bottleneck width as a multiple of the growth rate. Default `4`. */
  readonly bnSize?: number;
}

function checkInt(fn: string, arg: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) fail(fn, arg, `${arg} must be a positive integer, got ${formatValue(v)}`);
  return v;
}

/**
 * DenseNet (Huang et al. 2017) as torchvision builds it: a 7x7 stem with max pooling, dense blocks
 * joined by transitions that halve the channels, a final BatchNorm, ReLU, global average pooling
 * and a linear classifier. torchvision's initialisation: Kaiming normal convolutions, zero linear
 * bias.
 *
 * Shapes: `[N, 3, H, W]` -> `[N, numClasses]`.
 *
 * @see torchvision.models.DenseNet
 * @example
 * ```ts
 * import { DenseNet } from '@torchlet/vision';
 * const net = new DenseNet({ growthRate: 8, blockConfig: [2, 2], numInitFeatures: 16, numClasses: 3 });
 * net.features.namedChildren().map(([name]) => name).join(' ');
 * // -> 'conv0 norm0 relu0 pool0 denseblock1 transition1 denseblock2 norm5'
 * ```
 */
export class DenseNet extends Module {
  readonly features: Sequential;
  readonly classifier: Linear;

  /**
   * A DenseNet with torchvision's layers and initialisation.
   * @param options - `growthRate` (default `32`), `blockConfig` (default `[6, 12, 24, 16]`), `numInitFeatures`
   *   (default `64`), `bnSize` (default `4`), `numClasses` (default `1000`), `generator` and `dtype`; see
   *   {@link DenseNetOptions}.
   */
  constructor(options: DenseNetOptions = {}) {
    super();
    const fn = 'DenseNet';
    const { numClasses, layer: o } = resolveModelOptions(fn, options, 1000);
    const growthRate = checkInt(fn, 'growthRate', options.growthRate ?? 32);
    const blockConfig = options.blockConfig ?? [6, 12, 24, 16];
    if (!Array.isArray(blockConfig) || blockConfig.length === 0)
      fail(fn, 'blockConfig', `blockConfig must list the layers per block, got ${formatValue(blockConfig)}`);
    for (const n of blockConfig) checkInt(fn, 'blockConfig', n);
    const bnSize = checkInt(fn, 'bnSize', options.bnSize ?? 4);
    let numFeatures = checkInt(fn, 'numInitFeatures', options.numInitFeatures ?? 64);
    const layers = new Map<string, Module>([
      ['conv0', new Conv2d(3, numFeatures, 7, { stride: 2, padding: 3, bias: false, ...o })],
      ['norm0', new BatchNorm2d(numFeatures, { dtype: o.dtype })],
      ['relu0', new ReLU()],
      ['pool0', new MaxPool2d(3, { stride: 2, padding: 1 })],
    ]);
    blockConfig.forEach((numLayers, i) => {
      layers.set(`denseblock${i + 1}`, new DenseBlock(numLayers, numFeatures, bnSize, growthRate, o));
      numFeatures += numLayers * growthRate;
      if (i !== blockConfig.length - 1) {
        layers.set(`transition${i + 1}`, new Transition(numFeatures, Math.floor(numFeatures / 2), o));
        numFeatures = Math.floor(numFeatures / 2);
      }
    });
    layers.set('norm5', new BatchNorm2d(numFeatures, { dtype: o.dtype }));
    this.features = new Sequential(layers);
    this.classifier = new Linear(numFeatures, numClasses, o);
    initialize(
      this,
      {
        conv: (m, g) => init.kaimingNormal(m.weight.data, { generator: g }),
        linear: (m) => {
          if (m.bias !== null) init.zeros(m.bias.data);
        },
      },
      o.generator,
    );
  }

  /**
   * `classifier(flatten(adaptiveAvgPool(relu(features(x)), 1)))`.
   * @param x - Images `[N, 3, H, W]` (224x224 in torchvision).
   * @returns The logits `[N, numClasses]`.
   */
  forward(x: ModuleInput): Variable {
    const f = relu(this.features.forward(x));
    return this.classifier.forward(flatten(adaptiveAvgPool2d(f, [1, 1]), 1));
  }
}

/**
 * DenseNet-121 (torchvision's `densenet121`, 8.0M parameters with 1000 classes): growth rate 32,
 * blocks `[6, 12, 24, 16]`, 64 initial features.
 *
 * Shapes: `[N, 3, H, W]` -> `[N, numClasses]`.
 *
 * @param options - `numClasses` (default `1000`), `generator` and `dtype`; see {@link ModelOptions}.
 * @returns A new, randomly initialised DenseNet-121 in training mode.
 * @see torchvision.models.densenet121
 * @example
 * ```ts
 * import { densenet121 } from '@torchlet/vision';
 * densenet121({ numClasses: 10 }).classifier.inFeatures; // -> 1024
 * ```
 */
export function densenet121(options: ModelOptions = {}): DenseNet {
  return new DenseNet({ ...options, growthRate: 32, blockConfig: [6, 12, 24, 16], numInitFeatures: 64 });
}
