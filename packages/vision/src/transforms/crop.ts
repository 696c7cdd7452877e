import { pad } from '@torchlet/ops';
import { fail, formatShape, formatValue, type Generator, randint, type Tensor } from '@torchlet/tensor';
import { checkOutputPlanes, imageSize, roundHalfEven, sizePair } from './image-shape.js';

/**
 * Crops `img` to rows `top..top+height` and columns `left..left+width`; parts outside the image
 * are zero (torchvision pads them).
 *
 * Shapes: `[..., H, W]` -> `[..., height, width]`.
 *
 * @param img - An image `[..., H, W]` (e.g. `[C, H, W]`), any dtype.
 * @param top - The row of the crop's top edge (may be negative or past the image: outside is zero).
 * @param left - The column of the crop's left edge.
 * @param height - The crop's height.
 * @param width - The crop's width.
 * @returns A new tensor `[..., height, width]`.
 * @see torchvision.transforms.functional.crop
 * @example
 * ```ts
 * import { arange } from '@torchlet/tensor';
 * import { crop } from '@torchlet/vision';
 * crop(arange(9).reshape([1, 3, 3]), 1, 1, 2, 2).toArray(); // -> [[[4, 5], [7, 8]]]
 * crop(arange(4).reshape([1, 2, 2]), -1, 0, 2, 2).toArray(); // -> [[[0, 0], [0, 1]]]
 * ```
 */
export function crop(img: Tensor, top: number, left: number, height: number, width: number): Tensor {
  const fn = 'crop';
  const [h, w] = imageSize(fn, img);
  for (const [arg, v] of [
    ['top', top],
    ['left', left],
  ] as const)
    if (!Number.isInteger(v)) fail(fn, arg, `${arg} must be an integer, got ${formatValue(v)}`);
  sizePair(fn, 'size', [height, width]);
  checkOutputPlanes(fn, 'size', img, height, width);
  const right = left + width;
  const bottom = top + height;
  const r = img.ndim - 2;
  if (left < 0 || top < 0 || right > w || bottom > h) {
    // torchvision: slice what lies inside, then zero-pad by max(-left + min(0, right), 0) ...
    const clampTo = (v: number, n: number): number => Math.min(Math.max(v, 0), n);
    const y0 = clampTo(top, h);
    const x0 = clampTo(left, w);
    const inside = img
      .narrow(r, y0, Math.max(clampTo(bottom, h) - y0, 0))
      .narrow(r + 1, x0, Math.max(clampTo(right, w) - x0, 0));
    const pads = [
      Math.max(-left + Math.min(0, right), 0),
      Math.max(right - Math.max(w, left), 0),
      Math.max(-top + Math.min(0, bottom), 0),
      Math.max(bottom - Math.max(h, top), 0),
    ];
    return pad(inside.contiguous(), pads);
  }
  return img
    .narrow(r, top, height)
    .narrow(r + 1, left, width)
    .contiguous();
}

/**
 * Crops the centre `size` (an int for a square, or `[h, w]`); an image smaller than `size` is
 * first padded with zeros on both sides. The offsets round as torchvision's (halves to even).
 *
 * Shapes: `[..., H, W]` -> `[..., h, w]`.
 *
 * @param img - An image `[..., H, W]`, any dtype.
 * @param size - The crop size: `s` for a square, or `[h, w]`; an image smaller than it is zero-padded first.
 * @returns A new tensor `[..., h, w]` from the image's centre.
 * @see torchvision.transforms.CenterCrop
 * @example
 * ```ts
 * import { arange } from '@torchlet/tensor';
 * import { centerCrop } from '@torchlet/vision';
 * centerCrop(arange(16).reshape([1, 4, 4]), 2).toArray(); // -> [[[5, 6], [9, 10]]]
 * ```
 */
export function centerCrop(img: Tensor, size: number | readonly number[]): Tensor {
  const fn = 'centerCrop';
  let [h, w] = imageSize(fn, img);
  const [ch, cw] = sizePair(fn, 'size', size);
  checkOutputPlanes(fn, 'size', img, Math.max(ch, h), Math.max(cw, w));
  let x = img;
  if (cw > w || ch > h) {
    const pads = [
      cw > w ? Math.floor((cw - w) / 2) : 0,
      cw > w ? Math.floor((cw - w + 1) / 2) : 0,
      ch > h ? Math.floor((ch - h) / 2) : 0,
      ch > h ? Math.floor((ch - h + 1) / 2) : 0,
    ];
    x = pad(img.contiguous(), pads);
    [h, w] = [x.shape[x.ndim - 2], x.shape[x.ndim - 1]];
    if (cw === w && ch === h) return x;
  }
  return crop(x, roundHalfEven((h - ch) / 2), roundHalfEven((w - cw) / 2), ch, cw);
}

/**
 * Options of {@link randomCrop}.
 *
 * @example
 * ```ts
 * import { Generator, zeros } from '@torchlet/tensor';
 * import { type RandomCropOptions, randomCrop } from '@torchlet/vision';
 * const options: RandomCropOptions = { padding: 4, generator: new Generator(0) };
 * randomCrop(zeros([3, 32, 32]), 32, options).shape; // -> [3, 32, 32]
 * ```
 */
export interface RandomCropOptions {
  /** Zero padding added first: one int for every side, `[lr, tb]` or `[left, top, right, bottom]`. Default none. */
  readonly padding?: number | readonly number[];
  /** Pad an image smaller than `size` up to it. Default `false`. */
  readonly padIfNeeded?: boolean;
  /** Value of the padding. Default `0`. */
  readonly fill?: number;
  /** Draws the crop's position. Default: the default generator. */
  readonly generator?: Generator;
}

/**
 * Crops a random `size` window (uniform over the positions that fit), after optional padding:
 * the CIFAR-style `randomCrop(x, 32, { padding: 4 })` augmentation.
 *
 * Shapes: `[..., H, W]` -> `[..., h, w]`.
 *
 * @param img - An image `[..., H, W]`, any dtype.
 * @param size - The crop size: `s` for a square, or `[h, w]`.
 * @param options - `padding`, `padIfNeeded` (default `false`), `fill` (default `0`) and `generator`; see
 *   {@link RandomCropOptions}.
 * @returns A new tensor `[..., h, w]` from a uniformly random position.
 * @see torchvision.transforms.RandomCrop
 * @example
 * ```ts
 * import { arange, Generator } from '@torchlet/tensor';
 * import { randomCrop } from '@torchlet/vision';
 * const y = randomCrop(arange(16).reshape([1, 4, 4]), 2, { generator: new Generator(1) });
 * y.shape; // -> [1, 2, 2]
 * ```
 */
export function randomCrop(img: Tensor, size: number | readonly number[], options: RandomCropOptions = {}): Tensor {
  const fn = 'randomCrop';
  imageSize(fn, img);
  const [th, tw] = sizePair(fn, 'size', size);
  const fill = options.fill ?? 0;
  let x = img;
  if (options.padding !== undefined) {
    const p = options.padding;
    const list: readonly unknown[] = typeof p === 'number' ? [p] : Array.isArray(p) ? p : [];
    if (![1, 2, 4].includes(list.length) || !list.every((v) => Number.isInteger(v) && (v as number) >= 0))
      fail(fn, 'padding', `padding must be one, two or four non-negative integers, got ${formatValue(p)}`);
    const v = list as number[];
    const [l, t, r, b] = v.length === 1 ? [v[0], v[0], v[0], v[0]] : v.length === 2 ? [v[0], v[1], v[0], v[1]] : v;
    checkOutputPlanes(fn, 'padding', x, x.shape[x.ndim - 2] + t + b, x.shape[x.ndim - 1] + l + r);
    x = pad(x.contiguous(), [l, r, t, b], { value: fill });
  }
  let [h, w] = imageSize(fn, x);
  if (options.padIfNeeded && (w < tw || h < th))
    checkOutputPlanes(fn, 'size', x, h < th ? h + 2 * (th - h) : h, w < tw ? w + 2 * (tw - w) : w);
  if (options.padIfNeeded && w < tw) x = pad(x.contiguous(), [tw - w, tw - w, 0, 0], { value: fill });
  if (options.padIfNeeded && h < th) x = pad(x.contiguous(), [0, 0, th - h, th - h], { value: fill });
  [h, w] = imageSize(fn, x);
  if (h < th || w < tw)
    fail(fn, 'size', `required crop size [${th}, ${tw}] is larger than the input image ${formatShape(x.shape)}`);
  if (h === th && w === tw) return x;
  const g = options.generator;
  const i = randint(0, h - th + 1, [1], { generator: g }).item();
  const j = randint(0, w - tw + 1, [1], { generator: g }).item();
  return crop(x, i, j, th, tw);
}
