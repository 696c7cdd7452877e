import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  Conv2d,
  Dropout,
  Flatten,
  Linear,
  MaxPool2d,
  type Module,
  ReLU,
  Sequential,
  Sigmoid,
} from '@torchlet/nn';
import { fail, formatValue } from '@torchlet/tensor';
import { type ModelOptions, resolveModelOptions } from './options.js';

/**
 * Options of the book's models, {@link lenet} and {@link nin}.
 *
 * @example
 * ```ts
 * import { type BookModelOptions, lenet } from '@torchlet/vision';
 * const options: BookModelOptions = { inChannels: 3 };
 * lenet(options).at(0).toString(); // -> 'Conv2d(3, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))'
 * ```
 */
export interface BookModelOptions extends ModelOptions {
  /** Input channels. Default `1` (Fashion-MNIST, as in the book). */
  readonly inChannels?: number;
}

function inChannelsOf(fn: string, options: BookModelOptions): number {
  const c = options.inChannels ?? 1;
  if (!Number.isInteger(c) || c < 1)
    fail(fn, 'inChannels', `inChannels must be a positive integer, got ${formatValue(c)}`);
  return c;
}

/**
 * LeNet-5 as d2l's PyTorch code writes it: two 5x5 convolutions with sigmoid and 2x2 average
 * pooling, then three fully connected layers (120, 84, `numClasses`), for 28x28 images.
 *
 * Shapes: `[N, inChannels, 28, 28]` -> `[N, numClasses]`.
 *
 * @param options - `numClasses` (default `10`), `inChannels` (default `1`), `generator` and `dtype`; see
 *   {@link BookModelOptions}.
 * @returns A `Sequential` taking `[N, inChannels, 28, 28]` images to `[N, numClasses]` logits.
 * @see https://d2l.ai/chapter_convolutional-neural-networks/lenet.html
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { lenet } from '@torchlet/vision';
 * const net = lenet();
 * net.forward(zeros([1, 1, 28, 28])).shape; // -> [1, 10]
 * net.parameters().reduce((n, p) => n + p.numel, 0); // -> 61706
 * ```
 */
export function lenet(options: BookModelOptions = {}): Sequential {
  const { numClasses, layer: o } = resolveModelOptions('lenet', options, 10);
  const c = inChannelsOf('lenet', options);
  return new Sequential(
    new Conv2d(c, 6, 5, { padding: 2, ...o }),
    new Sigmoid(),
    new AvgPool2d(2, { stride: 2 }),
    new Conv2d(6, 16, 5, o),
    new Sigmoid(),
    new AvgPool2d(2, { stride: 2 }),
    new Flatten(),
    new Linear(16 * 5 * 5, 120, o),
    new Sigmoid(),
    new Linear(120, 84, o),
    new Sigmoid(),
    new Linear(84, numClasses, o),
  );
}

/**
 * The book's NiN block: a convolution followed by two 1x1 convolutions, each with ReLU (per-pixel
 * fully connected layers).
 *
 * Shapes: `[N, inChannels, H, W]` -> `[N, outChannels, H', W']`.
 *
 * @param inChannels - Channels of the input.
 * @param outChannels - Channels of each of the block's three convolutions.
 * @param kernelSize - The first convolution's kernel size (the other two are 1x1).
 * @param stride - The first convolution's stride.
 * @param padding - The first convolution's padding.
 * @param options - `generator` and `dtype` of the parameters.
 * @returns A `Sequential` of the three convolutions, each followed by a ReLU.
 * @see https://d2l.ai/chapter_convolutional-modern/nin.html
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { ninBlock } from '@torchlet/vision';
 * ninBlock(1, 96, 11, 4, 0).forward(zeros([1, 1, 224, 224])).shape; // -> [1, 96, 54, 54]
 * ```
 */
export function ninBlock(
  inChannels: number,
  outChannels: number,
  kernelSize: number,
  stride: number,
  padding: number,
  options: Pick<ModelOptions, 'generator' | 'dtype'> = {},
): Sequential {
  const o = resolveModelOptions('ninBlock', options, 1).layer;
  return new Sequential(
    new Conv2d(inChannels, outChannels, kernelSize, { stride, padding, ...o }),
    new ReLU(),
    new Conv2d(outChannels, outChannels, 1, o),
    new ReLU(),
    new Conv2d(outChannels, outChannels, 1, o),
    new ReLU(),
  );
}

/**
 * Network in Network (Lin et al. 2013) as d2l's PyTorch code writes it: four NiN blocks with max
 * pooling and dropout, the last with `numClasses` channels, then global average pooling instead
 * of fully connected layers. For 224x224 images in the book.
 *
 * Shapes: `[N, inChannels, H, W]` -> `[N, numClasses]` (H, W >= 67 or so).
 *
 * @param options - `numClasses` (default `10`), `inChannels` (default `1`), `generator` and `dtype`; see
 *   {@link BookModelOptions}.
 * @returns A `Sequential` taking `[N, inChannels, 224, 224]` images to `[N, numClasses]` logits.
 * @see https://d2l.ai/chapter_convolutional-modern/nin.html
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { nin } from '@torchlet/vision';
 * nin().eval().forward(zeros([1, 1, 96, 96])).shape; // -> [1, 10]
 * ```
 */
export function nin(options: BookModelOptions = {}): Sequential {
  const { numClasses, layer: o } = resolveModelOptions('nin', options, 10);
  const c = inChannelsOf('nin', options);
  const layers: Module[] = [
    ninBlock(c, 96, 11, 4, 0, o),
    new MaxPool2d(3, { stride: 2 }),
    ninBlock(96, 256, 5, 1, 2, o),
    new MaxPool2d(3, { stride: 2 }),
    ninBlock(256, 384, 3, 1, 1, o),
    new MaxPool2d(3, { stride: 2 }),
    new Dropout(0.5, { generator: o.generator }),
    ninBlock(384, numClasses, 3, 1, 1, o),
    new AdaptiveAvgPool2d([1, 1]),
    new Flatten(),
  ];
  return new Sequential(...layers);
}
