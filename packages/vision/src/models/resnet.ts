import { add, flatten, relu, type Variable } from '@torchlet/autograd';
import {
  AdaptiveAvgPool2d,
  BatchNorm2d,
  Conv2d,
  convBatchNorm2d,
  Linear,
  MaxPool2d,
  Module,
  type ModuleInput,
  ReLU,
  Sequential,
} from '@torchlet/nn';
import { fail, formatValue } from '@torchlet/tensor';
import { initialize, kaimingFanOut } from './init.js';
import { type ModelOptions, type ResolvedModelOptions, resolveModelOptions } from './options.js';

type LayerOptions = ResolvedModelOptions['layer'];

const RELU = { activation: 'relu' } as const;

function conv3x3(inPlanes: number, outPlanes: number, stride: number, o: LayerOptions): Conv2d {
  return new Conv2d(inPlanes, outPlanes, 3, { stride, padding: 1, bias: false, ...o });
}

function conv1x1(inPlanes: number, outPlanes: number, stride: number, o: LayerOptions): Conv2d {
  return new Conv2d(inPlanes, outPlanes, 1, { stride, bias: false, ...o });
}

/**
 * ResNet-18/34's residual block: two 3x3 convolutions with BatchNorm, plus the input (through
 * `downsample` when the shape changes). Module tree and names as torchvision's `BasicBlock`.
 *
 * Shapes: `[N, inPlanes, H, W]` -> `[N, planes, H/stride, W/stride]`.
 *
 * @see torchvision.models.resnet.BasicBlock
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { BasicBlock } from '@torchlet/vision';
 * const block = new BasicBlock(64, 64);
 * block.forward(zeros([1, 64, 8, 8])).shape; // -> [1, 64, 8, 8]
 * Object.keys(block.stateDict()).slice(0, 3); // -> ['conv1.weight', 'bn1.weight', 'bn1.bias']
 * ```
 */
export class BasicBlock extends Module {
  /** Output channels are `planes * expansion`. */
  static readonly expansion = 1;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu = new ReLU();
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly downsample: Sequential | null;

  /**
   * ResNet's basic block: two 3x3 convolutions with BatchNorm, plus the input (or its `downsample`).
   * @param inPlanes - Channels of the input.
   * @param planes - Channels of the output.
   * @param stride - The first convolution's stride. Default `1`.
   * @param downsample - The shortcut applied to the input when the shape changes (1x1 convolution and
   *   BatchNorm), or `null` for the identity.
   * @param options - `generator` and `dtype` of the parameters.
   */
  constructor(
    inPlanes: number,
    planes: number,
    stride = 1,
    downsample: Sequential | null = null,
    options: Pick<ModelOptions, 'generator' | 'dtype'> = {},
  ) {
    super();
    const o = resolveModelOptions('BasicBlock', options, 1).layer;
    this.conv1 = conv3x3(inPlanes, planes, stride, o);
    this.bn1 = new BatchNorm2d(planes, { dtype: o.dtype });
    this.conv2 = conv3x3(planes, planes, 1, o);
    this.bn2 = new BatchNorm2d(planes, { dtype: o.dtype });
    this.downsample = downsample;
  }

  /**
   * `relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))`.
   * @param x - Features `[N, inPlanes, H, W]`.
   * @returns `relu(block(x) + shortcut(x))`, `[N, planes, H / stride, W / stride]`.
   */
  forward(x: ModuleInput): Variable {
    // convBatchNorm2d runs conv + BatchNorm (+ ReLU) as one folded convolution in eval mode under noGrad.
    const out = convBatchNorm2d(convBatchNorm2d(x, this.conv1, this.bn1, RELU), this.conv2, this.bn2);
    const identity = this.downsample === null ? x : this.downsample.forward(x);
    return relu(add(out, identity));
  }
}

/**
 * ResNet-50's bottleneck block: 1x1 reduce, 3x3 (with the stride, as torchvision's V1.5), 1x1
 * expand by 4, each with BatchNorm, plus the input. Names as torchvision's `Bottleneck`.
 *
 * Shapes: `[N, inPlanes, H, W]` -> `[N, 4 * planes, H/stride, W/stride]`.
 *
 * @see torchvision.models.resnet.Bottleneck
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { Sequential, BatchNorm2d, Conv2d } from '@torchlet/nn';
 * import { Bottleneck } from '@torchlet/vision';
 * const down = new Sequential(new Conv2d(64, 256, 1, { bias: false }), new BatchNorm2d(256));
 * new Bottleneck(64, 64, 1, down).forward(zeros([1, 64, 4, 4])).shape; // -> [1, 256, 4, 4]
 * ```
 */
export class Bottleneck extends Module {
  /** Output channels are `planes * expansion`. */
  static readonly expansion = 4;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly conv3: Conv2d;
  readonly bn3: BatchNorm2d;
  readonly relu = new ReLU();
  readonly downsample: Sequential | null;

  /**
   * ResNet's bottleneck block: 1x1, 3x3 and 1x1 convolutions with BatchNorm, plus the input (or its `downsample`).
   * @param inPlanes - Channels of the input.
   * @param planes - Channels of the middle convolutions; the output has `4 * planes`.
   * @param stride - The 3x3 convolution's stride (torchvision's v1.5). Default `1`.
   * @param downsample - The shortcut applied to the input when the shape changes, or `null` for the identity.
   * @param options - `generator` and `dtype` of the parameters.
   */
  constructor(
    inPlanes: number,
    planes: number,
    stride = 1,
    downsample: Sequential | null = null,
    options: Pick<ModelOptions, 'generator' | 'dtype'> = {},
  ) {
    super();
    const o = resolveModelOptions('Bottleneck', options, 1).layer;
    this.conv1 = conv1x1(inPlanes, planes, 1, o);
    this.bn1 = new BatchNorm2d(planes, { dtype: o.dtype });
    this.conv2 = conv3x3(planes, planes, stride, o);
    this.bn2 = new BatchNorm2d(planes, { dtype: o.dtype });
    this.conv3 = conv1x1(planes, planes * 4, 1, o);
    this.bn3 = new BatchNorm2d(planes * 4, { dtype: o.dtype });
    this.downsample = downsample;
  }

  /**
   * The three convolutions, plus the shortcut, then ReLU.
   * @param x - Features `[N, inPlanes, H, W]`.
   * @returns `relu(block(x) + shortcut(x))`, `[N, 4 * planes, H / stride, W / stride]`.
   */
  forward(x: ModuleInput): Variable {
    let out = convBatchNorm2d(x, this.conv1, this.bn1, RELU);
    out = convBatchNorm2d(out, this.conv2, this.bn2, RELU);
    out = convBatchNorm2d(out, this.conv3, this.bn3);
    const identity = this.downsample === null ? x : this.downsample.forward(x);
    return relu(add(out, identity));
  }
}

/** A residual block class: {@link BasicBlock} or {@link Bottleneck}. */
type BlockClass = typeof BasicBlock | typeof Bottleneck;

/**
 * Options of {@link ResNet}'s constructor.
 *
 * @example
 * ```ts
 * import { type ResNetOptions, resnet18 } from '@torchlet/vision';
 * const options: ResNetOptions = { numClasses: 2, zeroInitResidual: true };
 * resnet18(options).layer1.at(0).bn2.weight?.data.sum().item(); // -> 0
 * ```
 */
export interface ResNetOptions extends ModelOptions {
  /** Start each block's last BatchNorm at weight 0, so blocks begin as identities. Default `false`. */
  readonly zeroInitResidual?: boolean;
}

/**
 * The residual network of He et al. (2016) as torchvision builds it: a 7x7 stride-2 stem, max
 * pooling, four stages of residual blocks (64, 128, 256, 512 planes) and a linear classifier after
 * global average pooling. Use {@link resnet18}, {@link resnet34} or {@link resnet50}.
 *
 * Shapes: `[N, 3, H, W]` -> `[N, numClasses]` (any H, W >= 32 or so).
 *
 * @see torchvision.models.ResNet
 * @example
 * ```ts
 * import { BasicBlock, ResNet } from '@torchlet/vision';
 * const tiny = new ResNet(BasicBlock, [1, 1, 1, 1], { numClasses: 3 });
 * tiny.layer4.length; // -> 1
 * ```
 */
export class ResNet extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu = new ReLU();
  readonly maxpool = new MaxPool2d(3, { stride: 2, padding: 1 });
  readonly layer1: Sequential<BasicBlock | Bottleneck>;
  readonly layer2: Sequential<BasicBlock | Bottleneck>;
  readonly layer3: Sequential<BasicBlock | Bottleneck>;
  readonly layer4: Sequential<BasicBlock | Bottleneck>;
  readonly avgpool = new AdaptiveAvgPool2d([1, 1]);
  readonly fc: Linear;

  /**
   * A ResNet of `block`s with `layers[i]` blocks in stage `i`, with torchvision's initialisation.
   * @param block - The block class, {@link BasicBlock} (ResNet-18/34) or {@link Bottleneck} (ResNet-50 and
   *   deeper).
   * @param layers - How many blocks in each of the four stages, e.g. `[2, 2, 2, 2]` for ResNet-18.
   * @param options - `numClasses` (default `1000`), `zeroInitResidual` (default `false`), `generator` and
   *   `dtype`; see {@link ResNetOptions}.
   */
  constructor(block: BlockClass, layers: readonly [number, number, number, number], options: ResNetOptions = {}) {
    super();
    const { numClasses, layer: o } = resolveModelOptions('ResNet', options, 1000);
    if (!Array.isArray(layers) || layers.length !== 4 || !layers.every((n) => Number.isInteger(n) && n >= 1))
      fail('ResNet', 'layers', `layers must be four positive block counts, got ${formatValue(layers)}`);
    let inPlanes = 64;
    const makeLayer = (planes: number, blocks: number, stride: number): Sequential<BasicBlock | Bottleneck> => {
      const out = planes * block.expansion;
      const downsample =
        stride !== 1 || inPlanes !== out
          ? new Sequential(conv1x1(inPlanes, out, stride, o), new BatchNorm2d(out, { dtype: o.dtype }))
          : null;
      const seq = new Sequential<BasicBlock | Bottleneck>(new block(inPlanes, planes, stride, downsample, o));
      inPlanes = out;
      for (let i = 1; i < blocks; i++) seq.append(new block(inPlanes, planes, 1, null, o));
      return seq;
    };
    this.conv1 = new Conv2d(3, 64, 7, { stride: 2, padding: 3, bias: false, ...o });
    this.bn1 = new BatchNorm2d(64, { dtype: o.dtype });
    this.layer1 = makeLayer(64, layers[0], 1);
    this.layer2 = makeLayer(128, layers[1], 2);
    this.layer3 = makeLayer(256, layers[2], 2);
    this.layer4 = makeLayer(512, layers[3], 2);
    this.fc = new Linear(512 * block.expansion, numClasses, o);
    initialize(this, { conv: kaimingFanOut }, o.generator);
    if (options.zeroInitResidual) {
      for (const m of this.modules()) {
        if (m instanceof Bottleneck) m.bn3.weight?.data.mulInPlace(0);
        else if (m instanceof BasicBlock) m.bn2.weight?.data.mulInPlace(0);
      }
    }
  }

  /**
   * Stem, four stages, global average pooling, classifier.
   * @param x - Images `[N, 3, H, W]` (224x224 in torchvision).
   * @returns The logits `[N, numClasses]`.
   */
  forward(x: ModuleInput): Variable {
    // The stem's ReLU runs in the folded conv's pass unless its forward is replaced (summary()
    // observes it as a module call then).
    const stem =
      this.relu.forward === ReLU.prototype.forward
        ? convBatchNorm2d(x, this.conv1, this.bn1, RELU)
        : this.relu.forward(convBatchNorm2d(x, this.conv1, this.bn1));
    let y = this.maxpool.forward(stem);
    y = this.layer4.forward(this.layer3.forward(this.layer2.forward(this.layer1.forward(y))));
    return this.fc.forward(flatten(this.avgpool.forward(y), 1));
  }
}

/**
 * ResNet-18 (torchvision's `resnet18`, 11.7M parameters with 1000 classes): basic blocks `[2, 2, 2, 2]`.
 *
 * Shapes: `[N, 3, H, W]` -> `[N, numClasses]`.
 *
 * @param options - `numClasses` (default `1000`), `zeroInitResidual` (default `false`), `generator` and
 *   `dtype`; see {@link ResNetOptions}.
 * @returns A new, randomly initialised ResNet-18 in training mode.
 * @see torchvision.models.resnet18
 * @example
 * ```ts
 * import { Generator, zeros } from '@torchlet/tensor';
 * import { resnet18 } from '@torchlet/vision';
 * const net = resnet18({ numClasses: 10, generator: new Generator(0) }).eval();
 * net.forward(zeros([1, 3, 32, 32])).shape; // -> [1, 10]
 * Object.keys(net.stateDict())[6]; // -> 'layer1.0.conv1.weight'
 * ```
 */
export function resnet18(options: ResNetOptions = {}): ResNet {
  return new ResNet(BasicBlock, [2, 2, 2, 2], options);
}

/**
 * ResNet-34 (torchvision's `resnet34`): basic blocks `[3, 4, 6, 3]`.
 *
 * Shapes: `[N, 3, H, W]` -> `[N, numClasses]`.
 *
 * @param options - `numClasses` (default `1000`), `zeroInitResidual` (default `false`), `generator` and
 *   `dtype`; see {@link ResNetOptions}.
 * @returns A new, randomly initialised ResNet-34 in training mode.
 * @see torchvision.models.resnet34
 * @example
 * ```ts
 * import { resnet34 } from '@torchlet/vision';
 * resnet34({ numClasses: 10 }).layer3.length; // -> 6
 * ```
 */
export function resnet34(options: ResNetOptions = {}): ResNet {
  return new ResNet(BasicBlock, [3, 4, 6, 3], options);
}

/**
 * ResNet-50 (torchvision's `resnet50`, V1.5: the stride on the 3x3): bottleneck blocks `[3, 4, 6, 3]`.
 *
 * Shapes: `[N, 3, H, W]` -> `[N, numClasses]`.
 *
 * @param options - `numClasses` (default `1000`), `zeroInitResidual` (default `false`), `generator` and
 *   `dtype`; see {@link ResNetOptions}.
 * @returns A new, randomly initialised ResNet-50 in training mode.
 * @see torchvision.models.resnet50
 * @example
 * ```ts
 * import { resnet50 } from '@torchlet/vision';
 * resnet50({ numClasses: 10 }).fc.inFeatures; // -> 2048
 * ```
 */
export function resnet50(options: ResNetOptions = {}): ResNet {
  return new ResNet(Bottleneck, [3, 4, 6, 3], options);
}
