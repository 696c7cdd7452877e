import { fail, formatShape, formatValue, type Tensor, tensor } from '@torchlet/tensor';
import { imageSize } from './image-shape.js';

/**
 * Normalises each channel: `(img[c] - mean[c]) / std[c]`, as ImageNet models expect
 * (`mean = [0.485, 0.456, 0.406]`, `std = [0.229, 0.224, 0.225]`). One value broadcasts to every
 * channel.
 *
 * Shapes: `[..., C, H, W]` -> same.
 *
 * @param img - A float image `[..., C, H, W]`.
 * @param mean - The per-channel means (one number for every channel), e.g. ImageNet's `[0.485, 0.456, 0.406]`.
 * @param std - The per-channel standard deviations, e.g. ImageNet's `[0.229, 0.224, 0.225]`.
 * @returns A new float tensor `(img - mean) / std`, the shape of `img`.
 * @see torchvision.transforms.Normalize
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { normalize } from '@torchlet/vision';
 * normalize(ones([2, 1, 1]), [0.5, 0], [0.25, 2]).toArray(); // -> [[[2]], [[0.5]]]
 * ```
 */
export function normalize(img: Tensor, mean: number | readonly number[], std: number | readonly number[]): Tensor {
  const fn = 'normalize';
  imageSize(fn, img);
  if (img.dtype !== 'float32' && img.dtype !== 'float64')
    fail(
      fn,
      'img',
      `expected a float tensor image, got ${img.dtype} img ${formatShape(img.shape)} (use toTensor first)`,
    );
  if (img.ndim < 3) fail(fn, 'img', `expected a tensor image [..., C, H, W], got img ${formatShape(img.shape)}`);
  const c = img.shape[img.ndim - 3];
  const list = (v: number | readonly number[], arg: string): number[] => {
    const a = typeof v === 'number' ? [v] : Array.isArray(v) ? [...v] : [];
    if (a.length === 0 || !a.every((x) => typeof x === 'number' && Number.isFinite(x)))
      fail(fn, arg, `${arg} must be a number or a list of numbers, got ${formatValue(v)}`);
    if (a.length !== 1 && a.length !== c)
      fail(fn, arg, `${arg} has ${a.length} values but img has ${c} channels (img ${formatShape(img.shape)})`);
    return a.length === 1 ? new Array<number>(c).fill(a[0]) : a;
  };
  const m = list(mean, 'mean');
  const s = list(std, 'std');
  if (s.some((v) => v === 0))
    fail(fn, 'std', `std evaluated to zero, leading to division by zero (std ${formatValue(std)})`);
  const shape = [c, 1, 1];
  return img.sub(tensor(m, { dtype: img.dtype }).reshape(shape)).div(tensor(s, { dtype: img.dtype }).reshape(shape));
}
