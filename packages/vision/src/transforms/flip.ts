import { fail, formatValue, type Generator, rand, type Tensor } from '@torchlet/tensor';
import { imageSize } from './image-shape.js';

/**
 * Mirrors the image left to right.
 *
 * Shapes: `[..., H, W]` -> same.
 *
 * @param img - An image `[..., H, W]`, any dtype.
 * @returns A new tensor with the columns reversed.
 * @see torchvision.transforms.functional.hflip
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { hflip } from '@torchlet/vision';
 * hflip(tensor([[[1, 2, 3]]])).toArray(); // -> [[[3, 2, 1]]]
 * ```
 */
export function hflip(img: Tensor): Tensor {
  imageSize('hflip', img);
  return img.flip(img.ndim - 1);
}

/**
 * Options of {@link randomHorizontalFlip}.
 *
 * @example
 * ```ts
 * import { Generator, tensor } from '@torchlet/tensor';
 * import { type RandomFlipOptions, randomHorizontalFlip } from '@torchlet/vision';
 * const options: RandomFlipOptions = { p: 1, generator: new Generator(0) };
 * randomHorizontalFlip(tensor([[[1, 2]]]), options).toArray(); // -> [[[2, 1]]]
 * ```
 */
export interface RandomFlipOptions {
  /** Probability of flipping. Default `0.5`. */
  readonly p?: number;
  /** Draws the coin. Default: the default generator. */
  readonly generator?: Generator;
}

/**
 * Mirrors the image left to right with probability `p` (one uniform draw per call, as torchvision).
 *
 * Shapes: `[..., H, W]` -> same.
 *
 * @param img - An image `[..., H, W]`, any dtype.
 * @param options - `p`, the probability of flipping (default `0.5`), and `generator`; see
 *   {@link RandomFlipOptions}.
 * @returns The flipped image, or `img` itself.
 * @see torchvision.transforms.RandomHorizontalFlip
 * @example
 * ```ts
 * import { Generator, tensor } from '@torchlet/tensor';
 * import { randomHorizontalFlip } from '@torchlet/vision';
 * randomHorizontalFlip(tensor([[[1, 2]]]), { p: 0, generator: new Generator(0) }).toArray(); // -> [[[1, 2]]]
 * ```
 */
export function randomHorizontalFlip(img: Tensor, options: RandomFlipOptions = {}): Tensor {
  imageSize('randomHorizontalFlip', img);
  const p = options.p ?? 0.5;
  if (!(p >= 0 && p <= 1)) fail('randomHorizontalFlip', 'p', `p must be in [0, 1], got ${formatValue(p)}`);
  return rand([1], { generator: options.generator }).item() < p ? hflip(img) : img;
}
