import { flatten, type Variable } from '@torchlet/autograd';
import {
  AdaptiveAvgPool2d,
  Conv2d,
  Dropout,
  Linear,
  MaxPool2d,
  Module,
  type ModuleInput,
  ReLU,
  Sequential,
} from '@torchlet/nn';
import { type ModelOptions, resolveModelOptions } from './options.js';

/**
 * Options of {@link alexnet}.
 *
 * @example
 * ```ts
 * import { type AlexNetOptions, alexnet } from '@torchlet/vision';
 * const options: AlexNetOptions = { numClasses: 10, dropout: 0.3 };
 * alexnet(options).classifier.at(0).toString(); // -> 'Dropout(p=0.3, inplace=False)'
 * ```
 */
export interface AlexNetOptions extends ModelOptions {
  /** Dropout probability before each hidden classifier layer. Default `0.5`. */
  readonly dropout?: number;
}

/**
 * AlexNet as torchvision builds it (the single-GPU variant of Krizhevsky et al. 2012): five
 * convolutions with ReLU and max pooling in `features`, adaptive pooling to 6x6, and a three-layer
 * classifier with dropout. PyTorch's default layer initialisation.
 *
 * Shapes: `[N, 3, H, W]` -> `[N, numClasses]` (H, W >= 63).
 *
 * @see torchvision.models.AlexNet
 * @example
 * ```ts
 * import { AlexNet } from '@torchlet/vision';
 * // 61M weights: building takes a few seconds in Node.
 * const build = () => new AlexNet({ numClasses: 10 });
 * typeof build; // -> 'function'
 * // Object.keys(build().stateDict()).slice(0, 2) is ['features.0.weight', 'features.0.bias']
 * ```
 */
export class AlexNet extends Module {
  readonly features: Sequential;
  readonly avgpool = new AdaptiveAvgPool2d([6, 6]);
  readonly classifier: Sequential;

  /**
   * An AlexNet with torchvision's layers and initialisation.
   * @param options - `numClasses` (default `1000`), `dropout` (default `0.5`), `generator` and `dtype`; see
   *   {@link AlexNetOptions}.
   */
  constructor(options: AlexNetOptions = {}) {
    super();
    const { numClasses, layer: o } = resolveModelOptions('AlexNet', options, 1000);
    const p = options.dropout ?? 0.5;
    const drop = { generator: o.generator };
    this.features = new Sequential(
      new Conv2d(3, 64, 11, { stride: 4, padding: 2, ...o }),
      new ReLU(),
      new MaxPool2d(3, { stride: 2 }),
      new Conv2d(64, 192, 5, { padding: 2, ...o }),
      new ReLU(),
      new MaxPool2d(3, { stride: 2 }),
      new Conv2d(192, 384, 3, { padding: 1, ...o }),
      new ReLU(),
      new Conv2d(384, 256, 3, { padding: 1, ...o }),
      new ReLU(),
      new Conv2d(256, 256, 3, { padding: 1, ...o }),
      new ReLU(),
      new MaxPool2d(3, { stride: 2 }),
    );
    this.classifier = new Sequential(
      new Dropout(p, drop),
      new Linear(256 * 6 * 6, 4096, o),
      new ReLU(),
      new Dropout(p, drop),
      new Linear(4096, 4096, o),
      new ReLU(),
      new Linear(4096, numClasses, o),
    );
  }

  /**
   * `classifier(flatten(avgpool(features(x))))`.
   * @param x - Images `[N, 3, H, W]` (224x224 in torchvision; at least 63x63).
   * @returns The logits `[N, numClasses]`.
   */
  forward(x: ModuleInput): Variable {
    return this.classifier.forward(flatten(this.avgpool.forward(this.features.forward(x)), 1));
  }
}

/**
 * AlexNet (torchvision's `alexnet`, 61.1M parameters with 1000 classes).
 *
 * Shapes: `[N, 3, H, W]` -> `[N, numClasses]`.
 *
 * @param options - `numClasses` (default `1000`), `dropout` (default `0.5`), `generator` and `dtype`; see
 *   {@link AlexNetOptions}.
 * @returns A new, randomly initialised AlexNet in training mode.
 * @see torchvision.models.alexnet
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { alexnet } from '@torchlet/vision';
 * const classify = (x = zeros([1, 3, 64, 64])) => alexnet({ numClasses: 10 }).eval().forward(x);
 * typeof classify; // -> 'function'
 * // classify().shape is [1, 10]
 * ```
 */
export function alexnet(options: AlexNetOptions = {}): AlexNet {
  return new AlexNet(options);
}
