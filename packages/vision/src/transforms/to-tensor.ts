import { fail, formatShape, isTensor, type Tensor } from '@torchlet/tensor';

/**
 * Converts a decoded image, `[H, W, C]` (or `[H, W]`) with integer values 0..255 as
 * `decodeImage` and `fromImageData` return it, to a float32 `[C, H, W]` tensor in `[0, 1]`
 * (divided by 255). A float image is only moved to channels-first, as torchvision leaves
 * non-byte arrays unscaled.
 *
 * Shapes: `[H, W, C]` or `[H, W]` -> `[C, H, W]`.
 *
 * @param img - An integer image `[H, W, C]` or `[H, W]` of 0..255 (as {@link fromImageData} gives), or a float
 *   one (only permuted).
 * @returns A contiguous `[C, H, W]` tensor: integer images become float32 divided by 255 (so in [0, 1]), float
 *   ones keep their values and dtype.
 * @see torchvision.transforms.ToTensor
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { toTensor } from '@torchlet/vision';
 * const img = tensor([[[255, 0, 51]]], { dtype: 'int32' }); // one RGB pixel, [1, 1, 3]
 * toTensor(img).toArray(); // -> [[[1]], [[0]], [[0.20000000298023224]]]
 * ```
 */
export function toTensor(img: Tensor): Tensor {
  if (!isTensor(img)) fail('toTensor', 'img', `expected a Tensor [H, W, C], got ${img === null ? 'null' : typeof img}`);
  if (img.ndim !== 2 && img.ndim !== 3)
    fail('toTensor', 'img', `expected an image [H, W, C] or [H, W], got img ${formatShape(img.shape)}`);
  const hwc = img.ndim === 2 ? img.unsqueeze(2) : img;
  const chw = hwc.permute([2, 0, 1]).contiguous();
  if (img.dtype === 'float32' || img.dtype === 'float64') return chw;
  return chw.to('float32').div(255);
}
