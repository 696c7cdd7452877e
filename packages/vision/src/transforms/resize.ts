import { interpolate } from '@torchlet/ops';
import { allocStorage, fail, formatShape, formatValue, Tensor } from '@torchlet/tensor';
import { asBatch, checkOutputPlanes, imageSize, roundHalfEven } from './image-shape.js';

/**
 * Options of {@link resize}.
 *
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { type ResizeOptions, resize } from '@torchlet/vision';
 * const options: ResizeOptions = { interpolation: 'nearest', maxSize: 40 };
 * resize(zeros([3, 10, 30]), 20, options).shape; // -> [3, 13, 40]
 * ```
 */
export interface ResizeOptions {
  /** `'bilinear'` (default) or `'nearest'`. */
  readonly interpolation?: 'bilinear' | 'nearest';
  /** With one `size`: the longer edge is capped at this, shrinking the shorter one below `size`. */
  readonly maxSize?: number;
  /**
   * Bilinear only: antialias when downscaling (a triangle filter widened by the scale factor, as
   * torchvision's `antialias=True` and PIL's bilinear), so small outputs average every input pixel
   * instead of skipping some. Default `false`: torchvision 0.14's default for tensors (it warns
   * that the default will change; torchvision 0.17 made it `true`). torchvision's PIL path always
   * antialiases; pass `true` to match it (within one level for 8-bit images: PIL computes in fixed point).
   */
  readonly antialias?: boolean;
}

/**
 * The output `[h, w]` of {@link resize} for an image of `[height, width]`: with one size, the
 * shorter edge becomes `size` and the longer one `floor(size * long / short)` (then `maxSize`
 * applies); with `[h, w]`, exactly that. torchvision's `_compute_resized_output_size`.
 *
 * @param imageSize - The image's `[height, width]`.
 * @param size - The shorter edge's new length, or the exact `[h, w]`.
 * @param maxSize - The longest the longer edge may become (only with one `size`); the result is scaled down to
 *   it. Default: no limit.
 * @returns The output `[h, w]`.
 * @see torchvision.transforms.functional.resize
 * @example
 * ```ts
 * import { resizedSize } from '@torchlet/vision';
 * resizedSize([480, 640], 256); // -> [256, 341]
 * resizedSize([480, 640], [224, 224]); // -> [224, 224]
 * ```
 */
export function resizedSize(
  imageSize: readonly [number, number],
  size: number | readonly number[],
  maxSize?: number,
): [number, number] {
  const fn = 'resize';
  if (
    !Array.isArray(imageSize) ||
    imageSize.length !== 2 ||
    !imageSize.every((v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1)
  )
    fail(fn, 'imageSize', `imageSize must be [height, width] of positive integers, got ${formatValue(imageSize)}`);
  const sizes: readonly unknown[] = typeof size === 'number' ? [size] : Array.isArray(size) ? size : [];
  if (
    (sizes.length !== 1 && sizes.length !== 2) ||
    !sizes.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 1)
  )
    fail(fn, 'size', `size must be a positive integer or a pair of them, got ${formatValue(size)}`);
  const [h, w] = imageSize;
  if (sizes.length === 2) {
    if (maxSize !== undefined)
      fail(
        fn,
        'maxSize',
        `maxSize should only be passed if size specifies the length of the smaller edge, got size ${formatValue(size)}`,
      );
    return [sizes[0] as number, sizes[1] as number];
  }
  const [short, long] = w <= h ? [w, h] : [h, w];
  let newShort = sizes[0] as number;
  let newLong = Math.floor((newShort * long) / short);
  if (maxSize !== undefined) {
    if (!(Number.isInteger(maxSize) && maxSize > newShort))
      fail(
        fn,
        'maxSize',
        `maxSize = ${maxSize} must be an integer strictly greater than the requested size for the smaller edge, ${newShort}`,
      );
    if (newLong > maxSize) {
      newShort = Math.floor((maxSize * newShort) / newLong);
      newLong = maxSize;
    }
  }
  return w <= h ? [newLong, newShort] : [newShort, newLong];
}

/**
 * Resizes a tensor image with torchvision's rules: one `size` matches the shorter edge keeping the
 * aspect ratio, `[h, w]` is exact; bilinear (`alignCorners: false`; antialiased only with
 * `antialias: true`, torchvision 0.14's default for tensors being `false`) or nearest. Integer
 * images are interpolated in float32 and rounded back (halves to even).
 *
 * Shapes: `[..., H, W]` -> `[..., h, w]`.
 *
 * @param img - An image `[..., H, W]` (e.g. `[C, H, W]` or a batch `[N, C, H, W]`), float32, float64 or int32
 *   (interpolated in float32, rounded back half to even).
 * @param size - The shorter edge's new length (keeping the aspect ratio), or the exact `[h, w]`.
 * @param options - `interpolation` (`'bilinear'`, the default, or `'nearest'`), `maxSize` and `antialias`
 *   (default `false`); see {@link ResizeOptions}.
 * @returns A new tensor `[..., h, w]` with `[h, w]` from {@link resizedSize}.
 * @see torchvision.transforms.Resize
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { resize } from '@torchlet/vision';
 * resize(zeros([3, 480, 640]), 256).shape; // -> [3, 256, 341]
 * resize(zeros([3, 480, 640]), [224, 224], { interpolation: 'nearest' }).shape; // -> [3, 224, 224]
 * resize(zeros([3, 480, 640]), 64, { antialias: true }).shape; // -> [3, 64, 85]
 * ```
 */
export function resize(img: Tensor, size: number | readonly number[], options: ResizeOptions = {}): Tensor {
  const fn = 'resize';
  const [h, w] = imageSize(fn, img);
  if (h < 1 || w < 1) fail(fn, 'img', `cannot resize an empty image, got img ${formatShape(img.shape)}`);
  const mode = options.interpolation ?? 'bilinear';
  if (mode !== 'bilinear' && mode !== 'nearest')
    fail(fn, 'interpolation', `interpolation must be 'bilinear' or 'nearest', got ${formatValue(mode)}`);
  const antialias = options.antialias ?? false;
  if (typeof antialias !== 'boolean')
    fail(fn, 'antialias', `antialias must be a boolean, got ${formatValue(antialias)}`);
  if (antialias && mode !== 'bilinear')
    fail(fn, 'antialias', "antialias is only supported with interpolation 'bilinear', not 'nearest'");
  const [oh, ow] = resizedSize([h, w], size, options.maxSize);
  checkOutputPlanes(fn, 'size', img, oh, ow);
  const isFloat = img.dtype === 'float32' || img.dtype === 'float64';
  if (!isFloat && img.dtype !== 'int32') fail(fn, 'img', `expected a float or int32 image, got ${img.dtype}`);
  const { batch, restore } = asBatch(isFloat ? img : img.to('float32'));
  const out = interpolate(batch, {
    size: [oh, ow],
    mode,
    ...(mode === 'bilinear' ? { alignCorners: false, antialias } : {}),
  });
  if (isFloat) return restore(out);
  const values = out.toTypedArray() as Float32Array;
  const rounded = allocStorage('int32', values.length) as Int32Array;
  for (let i = 0; i < values.length; i++) rounded[i] = roundHalfEven(values[i]);
  return restore(new Tensor(rounded, out.shape));
}
