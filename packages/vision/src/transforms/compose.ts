import { fail, type Tensor } from '@torchlet/tensor';

/**
 * A transform: a function from an image tensor to an image tensor.
 *
 * @example
 * ```ts
 * import { type Transform, hflip } from '@torchlet/vision';
 * const t: Transform = hflip;
 * ```
 */
export type Transform = (img: Tensor) => Tensor;

/**
 * Chains transforms, applied left to right.
 *
 * Shapes: as the transforms.
 *
 * @param transforms - The transforms to apply, first to last.
 * @returns One transform applying them in order.
 * @see torchvision.transforms.Compose
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { centerCrop, compose, normalize, resize, toTensor } from '@torchlet/vision';
 * const preprocess = compose([
 *   toTensor,
 *   (x) => resize(x, 4),
 *   (x) => centerCrop(x, 2),
 *   (x) => normalize(x, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
 * ]);
 * preprocess(tensor(new Int32Array(2 * 2 * 3).fill(128), { shape: [2, 2, 3] })).shape; // -> [3, 2, 2]
 * ```
 */
export function compose(transforms: readonly Transform[]): Transform {
  if (!Array.isArray(transforms) || !transforms.every((t) => typeof t === 'function'))
    fail('compose', 'transforms', 'expected an array of functions');
  const list = [...transforms];
  return (img) => list.reduce((x, t) => t(x), img);
}
