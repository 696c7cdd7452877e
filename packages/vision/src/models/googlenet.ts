import { adaptiveAvgPool2d, add, cat, flatten, isVariable, mul, relu, type Variable } from '@torchlet/autograd';
import {
  AdaptiveAvgPool2d,
  BatchNorm2d,
  Conv2d,
  type Conv2dLayerOptions,
  convBatchNorm2d,
  Dropout,
  Linear,
  MaxPool2d,
  Module,
  type ModuleInput,
  Sequential,
} from '@torchlet/nn';
import { tensor } from '@torchlet/tensor';
import { initialize, truncNormal } from './init.js';
import { type ModelOptions, resolveModelOptions } from './options.js';

/**
 * GoogLeNet's convolution unit: a bias-free convolution, BatchNorm (eps 0.001) and ReLU.
 *
 * Shapes: `[N, inChannels, H, W]` -> `[N, outChannels, H', W']`.
 *
 * @see torchvision.models.googlenet.BasicConv2d
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { BasicConv2d } from '@torchlet/vision';
 * new BasicConv2d(3, 8, 3, { padding: 1 }).eval().forward(zeros([1, 3, 5, 5])).shape; // -> [1, 8, 5, 5]
 * ```
 */
export class BasicConv2d extends Module {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d;

  /**
   * A convolution without bias followed by BatchNorm (eps `0.001`) and ReLU, GoogLeNet's building block.
   * @param inChannels - Channels of the input.
   * @param outChannels - Channels of the output.
   * @param kernelSize - The convolution's kernel size.
   * @param options - The convolution's other options (`stride`, `padding`, `generator`, `dtype`, ...), as
   *   `Conv2d` takes them (`bias` is always off).
   */
  constructor(inChannels: number, outChannels: number, kernelSize: number, options: Conv2dLayerOptions = {}) {
    super();
    this.conv = new Conv2d(inChannels, outChannels, kernelSize, { ...options, bias: false });
    this.bn = new BatchNorm2d(outChannels, { eps: 0.001, dtype: options.dtype });
  }

  /**
   * `relu(bn(conv(x)))`.
   * @param x - Features `[N, inChannels, H, W]`.
   * @returns `relu(bn(conv(x)))`, `[N, outChannels, H_out, W_out]`.
   */
  forward(x: ModuleInput): Variable {
    // One folded convolution in evaluation mode under noGrad (see convBatchNorm2d).
    return convBatchNorm2d(x, this.conv, this.bn, { activation: 'relu' });
  }
}

/**
 * The Inception module: four branches (1x1; 1x1 then 3x3; 1x1 then 3x3, where the paper has 5x5,
 * as torchvision's; 3x3 max pooling then 1x1) concatenated along the channels.
 *
 * Shapes: `[N, inChannels, H, W]` -> `[N, ch1x1 + ch3x3 + ch5x5 + poolProj, H, W]`.
 *
 * @see torchvision.models.googlenet.Inception
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { Inception } from '@torchlet/vision';
 * new Inception(192, 64, 96, 128, 16, 32, 32).eval().forward(zeros([1, 192, 4, 4])).shape; // -> [1, 256, 4, 4]
 * ```
 */
export class Inception extends Module {
  readonly branch1: BasicConv2d;
  readonly branch2: Sequential<BasicConv2d>;
  readonly branch3: Sequential<BasicConv2d>;
  readonly branch4: Sequential;

  /**
   * An Inception block: four parallel branches concatenated along channels.
   * @param inChannels - Channels of the input.
   * @param ch1x1 - Channels of the 1x1 branch.
   * @param ch3x3red - Channels of the 1x1 reduction before the 3x3 branch.
   * @param ch3x3 - Channels of the 3x3 branch.
   * @param ch5x5red - Channels of the 1x1 reduction before the 5x5 branch (a 3x3 convolution in torchvision).
   * @param ch5x5 - Channels of that branch.
   * @param poolProj - Channels of the 1x1 projection after the max-pooling branch.
   * @param options - `generator` and `dtype` of the parameters.
   */
  constructor(
    inChannels: number,
    ch1x1: number,
    ch3x3red: number,
    ch3x3: number,
    ch5x5red: number,
    ch5x5: number,
    poolProj: number,
    options: Pick<ModelOptions, 'generator' | 'dtype'> = {},
  ) {
    super();
    const o = resolveModelOptions('Inception', options, 1).layer;
    this.branch1 = new BasicConv2d(inChannels, ch1x1, 1, o);
    this.branch2 = new Sequential(
      new BasicConv2d(inChannels, ch3x3red, 1, o),
      new BasicConv2d(ch3x3red, ch3x3, 3, { padding: 1, ...o }),
    );
    this.branch3 = new Sequential(
      new BasicConv2d(inChannels, ch5x5red, 1, o),
      new BasicConv2d(ch5x5red, ch5x5, 3, { padding: 1, ...o }),
    );
    this.branch4 = new Sequential(
      new MaxPool2d(3, { stride: 1, padding: 1, ceilMode: true }),
      new BasicConv2d(inChannels, poolProj, 1, o),
    );
  }

  /**
   * The four branches, concatenated along dimension 1.
   * @param x - Features `[N, inChannels, H, W]`.
   * @returns `[N, ch1x1 + ch3x3 + ch5x5 + poolProj, H, W]`.
   */
  forward(x: ModuleInput): Variable {
    return cat([this.branch1.forward(x), this.branch2.forward(x), this.branch3.forward(x), this.branch4.forward(x)], 1);
  }
}

/**
 * GoogLeNet's auxiliary classifier (used in training only): 4x4 adaptive average pooling, a 1x1
 * convolution to 128 channels, two linear layers with dropout.
 *
 * Shapes: `[N, inChannels, H, W]` -> `[N, numClasses]`.
 *
 * @see torchvision.models.googlenet.InceptionAux
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { InceptionAux } from '@torchlet/vision';
 * new InceptionAux(512, 10).eval().forward(zeros([1, 512, 4, 4])).shape; // -> [1, 10]
 * ```
 */
export class InceptionAux extends Module {
  readonly conv: BasicConv2d;
  readonly fc1: Linear;
  readonly fc2: Linear;
  readonly dropout: Dropout;

  /**
   * An auxiliary classifier: average pooling to 4x4, a 1x1 convolution and two linear layers.
   * @param inChannels - Channels of the input.
   * @param numClasses - Size of the output.
   * @param options - `dropout` (default `0.7`), `generator` and `dtype`.
   */
  constructor(
    inChannels: number,
    numClasses: number,
    options: Pick<ModelOptions, 'generator' | 'dtype'> & { readonly dropout?: number } = {},
  ) {
    super();
    const o = resolveModelOptions('InceptionAux', options, 1).layer;
    this.conv = new BasicConv2d(inChannels, 128, 1, o);
    this.fc1 = new Linear(2048, 1024, o);
    this.fc2 = new Linear(1024, numClasses, o);
    this.dropout = new Dropout(options.dropout ?? 0.7, { generator: o.generator });
  }

  /**
   * Pool to 4x4, 1x1 convolution, flatten, `fc2(dropout(relu(fc1(x))))`.
   * @param x - Features `[N, inChannels, H, W]` (14x14 in GoogLeNet).
   * @returns The logits `[N, numClasses]`.
   */
  forward(x: ModuleInput): Variable {
    const y = flatten(this.conv.forward(adaptiveAvgPool2d(x, [4, 4])), 1);
    return this.fc2.forward(this.dropout.forward(relu(this.fc1.forward(y))));
  }
}

/**
 * Options of {@link googlenet}.
 *
 * @example
 * ```ts
 * import { type GoogLeNetOptions, googlenet } from '@torchlet/vision';
 * const options: GoogLeNetOptions = { numClasses: 10, auxLogits: false };
 * googlenet(options).aux1; // -> null
 * ```
 */
export interface GoogLeNetOptions extends ModelOptions {
  /** Build the two auxiliary classifiers (their outputs come from {@link GoogLeNet.forwardWithAux}). Default `true`, as torchvision. */
  readonly auxLogits?: boolean;
  /** Dropout before the classifier. Default `0.2`. */
  readonly dropout?: number;
  /** Dropout in the auxiliary classifiers. Default `0.7`. */
  readonly dropoutAux?: number;
  /**
   * Map ImageNet-normalised input to the `[-1, 1]` scaling of the original Inception weights
   * first. Default `false`; torchvision turns it on with its pretrained weights, so set it when
   * loading them.
   */
  readonly transformInput?: boolean;
}

/**
 * What {@link GoogLeNet.forwardWithAux} returns: the logits and, in training mode with
 * `auxLogits`, the two auxiliary classifiers' logits (torchvision's `GoogLeNetOutputs`).
 *
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { type GoogLeNetOutputs, googlenet } from '@torchlet/vision';
 * const out: GoogLeNetOutputs = googlenet({ numClasses: 4 }).eval().forwardWithAux(zeros([1, 3, 64, 64]));
 * [out.logits.shape, out.aux1]; // -> [[1, 4], null]
 * ```
 */
export interface GoogLeNetOutputs {
  readonly logits: Variable;
  readonly aux2: Variable | null;
  readonly aux1: Variable | null;
}

/**
 * GoogLeNet (Inception v1, Szegedy et al. 2015) as torchvision builds it, with BatchNorm in
 * every convolution unit. `forward` returns the logits (what torchvision returns in eval mode);
 * `forwardWithAux` also returns the auxiliary logits in training mode. torchvision's
 * initialisation: truncated N(0, 0.01) for convolution and linear weights.
 *
 * Shapes: `[N, 3, H, W]` -> `[N, numClasses]` (H, W >= 32 or so).
 *
 * @see torchvision.models.GoogLeNet
 * @example
 * ```ts
 * import { googlenet } from '@torchlet/vision';
 * const net = googlenet({ numClasses: 10, auxLogits: false });
 * net.inception3a.branch2.at(1).conv.toString(); // -> 'Conv2d(96, 128, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)'
 * ```
 */
export class GoogLeNet extends Module {
  readonly conv1: BasicConv2d;
  readonly maxpool1 = new MaxPool2d(3, { stride: 2, ceilMode: true });
  readonly conv2: BasicConv2d;
  readonly conv3: BasicConv2d;
  readonly maxpool2 = new MaxPool2d(3, { stride: 2, ceilMode: true });
  readonly inception3a: Inception;
  readonly inception3b: Inception;
  readonly maxpool3 = new MaxPool2d(3, { stride: 2, ceilMode: true });
  readonly inception4a: Inception;
  readonly inception4b: Inception;
  readonly inception4c: Inception;
  readonly inception4d: Inception;
  readonly inception4e: Inception;
  readonly maxpool4 = new MaxPool2d(2, { stride: 2, ceilMode: true });
  readonly inception5a: Inception;
  readonly inception5b: Inception;
  readonly aux1: InceptionAux | null;
  readonly aux2: InceptionAux | null;
  readonly avgpool = new AdaptiveAvgPool2d([1, 1]);
  readonly dropout: Dropout;
  readonly fc: Linear;
  /** Whether `forward` first rescales ImageNet-normalised input (see {@link GoogLeNetOptions.transformInput}). */
  readonly transformInput: boolean;

  /**
   * A GoogLeNet (Inception v1) with torchvision's layers and initialisation.
   * @param options - `numClasses` (default `1000`), `auxLogits` (default `true`), `dropout` (default `0.2`),
   *   `dropoutAux` (default `0.7`), `transformInput` (default `false`), `generator` and `dtype`; see {@link
   *   GoogLeNetOptions}.
   */
  constructor(options: GoogLeNetOptions = {}) {
    super();
    this.transformInput = options.transformInput ?? false;
    const { numClasses, layer: o } = resolveModelOptions('GoogLeNet', options, 1000);
    const inc = (...c: [number, number, number, number, number, number, number]): Inception => new Inception(...c, o);
    this.conv1 = new BasicConv2d(3, 64, 7, { stride: 2, padding: 3, ...o });
    this.conv2 = new BasicConv2d(64, 64, 1, o);
    this.conv3 = new BasicConv2d(64, 192, 3, { padding: 1, ...o });
    this.inception3a = inc(192, 64, 96, 128, 16, 32, 32);
    this.inception3b = inc(256, 128, 128, 192, 32, 96, 64);
    this.inception4a = inc(480, 192, 96, 208, 16, 48, 64);
    this.inception4b = inc(512, 160, 112, 224, 24, 64, 64);
    this.inception4c = inc(512, 128, 128, 256, 24, 64, 64);
    this.inception4d = inc(512, 112, 144, 288, 32, 64, 64);
    this.inception4e = inc(528, 256, 160, 320, 32, 128, 128);
    this.inception5a = inc(832, 256, 160, 320, 32, 128, 128);
    this.inception5b = inc(832, 384, 192, 384, 48, 128, 128);
    const aux = options.auxLogits ?? true;
    const auxOptions = { ...o, dropout: options.dropoutAux ?? 0.7 };
    this.aux1 = aux ? new InceptionAux(512, numClasses, auxOptions) : null;
    this.aux2 = aux ? new InceptionAux(528, numClasses, auxOptions) : null;
    this.dropout = new Dropout(options.dropout ?? 0.2, { generator: o.generator });
    this.fc = new Linear(1024, numClasses, o);
    const g = o.generator;
    initialize(
      this,
      {
        conv: (m) => truncNormal(m.weight.data, 0.01, -2, 2, g),
        linear: (m) => truncNormal(m.weight.data, 0.01, -2, 2, g),
      },
      g,
    );
  }

  /**
   * The logits (the auxiliary classifiers are not run).
   * @param x - Images `[N, 3, H, W]` (224x224 in torchvision).
   * @returns The logits `[N, numClasses]`.
   */
  forward(x: ModuleInput): Variable {
    return this.forwardWithAux(x, false).logits;
  }

  /**
   * The logits, and in training mode with `auxLogits` the auxiliary logits after 4a (`aux1`) and 4d (`aux2`).
   * @param x - Images `[N, 3, H, W]`.
   * @param withAux - Run the auxiliary classifiers too (only in training mode with `auxLogits`). Default
   *   `true`.
   * @returns `{ logits, aux1, aux2 }`, each `[N, numClasses]`; `aux1` and `aux2` are `null` when not run.
   */
  forwardWithAux(x: ModuleInput, withAux = true): GoogLeNetOutputs {
    const runAux = withAux && this.training;
    let y = this.maxpool1.forward(this.conv1.forward(this.transformInput ? transformImageNetInput(x) : x));
    y = this.maxpool2.forward(this.conv3.forward(this.conv2.forward(y)));
    y = this.maxpool3.forward(this.inception3b.forward(this.inception3a.forward(y)));
    y = this.inception4a.forward(y);
    const aux1 = runAux && this.aux1 !== null ? this.aux1.forward(y) : null;
    y = this.inception4d.forward(this.inception4c.forward(this.inception4b.forward(y)));
    const aux2 = runAux && this.aux2 !== null ? this.aux2.forward(y) : null;
    y = this.maxpool4.forward(this.inception4e.forward(y));
    y = this.inception5b.forward(this.inception5a.forward(y));
    const logits = this.fc.forward(this.dropout.forward(flatten(this.avgpool.forward(y), 1)));
    return { logits, aux2, aux1 };
  }
}

/** torchvision's `_transform_input`: `x[c] * std[c] / 0.5 + (mean[c] - 0.5) / 0.5` per channel. */
function transformImageNetInput(x: ModuleInput): Variable {
  const dtype = (isVariable(x) ? x.data : x).dtype;
  const scale = tensor([0.229 / 0.5, 0.224 / 0.5, 0.225 / 0.5], { dtype }).reshape([1, 3, 1, 1]);
  const shift = tensor([(0.485 - 0.5) / 0.5, (0.456 - 0.5) / 0.5, (0.406 - 0.5) / 0.5], { dtype }).reshape([
    1, 3, 1, 1,
  ]);
  return add(mul(x, scale), shift);
}

/**
 * GoogLeNet (torchvision's `googlenet`, 6.6M parameters without the auxiliary classifiers).
 *
 * Shapes: `[N, 3, H, W]` -> `[N, numClasses]`.
 *
 * @param options - `numClasses` (default `1000`), `auxLogits` (default `true`), `dropout`, `dropoutAux`,
 *   `transformInput`, `generator` and `dtype`; see {@link GoogLeNetOptions}.
 * @returns A new, randomly initialised GoogLeNet in training mode.
 * @see torchvision.models.googlenet
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { googlenet } from '@torchlet/vision';
 * googlenet({ numClasses: 10 }).eval().forward(zeros([1, 3, 64, 64])).shape; // -> [1, 10]
 * ```
 */
export function googlenet(options: GoogLeNetOptions = {}): GoogLeNet {
  return new GoogLeNet(options);
}
