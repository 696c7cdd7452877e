import { fail, formatValue, Tensor } from '@torchlet/tensor';

/**
 * Which channels a decoded image has: `'RGB'` (default), `'RGBA'` or `'L'` (luminance,
 * `L = R * 299/1000 + G * 587/1000 + B * 114/1000` as PIL converts).
 *
 * @example
 * ```ts
 * import { type ImageMode, fromImageData } from '@torchlet/vision';
 * const mode: ImageMode = 'L';
 * fromImageData({ width: 1, height: 1, data: new Uint8ClampedArray([255, 255, 255, 255]) }, { mode }).toArray(); // -> [[[255]]]
 * ```
 */
export type ImageMode = 'RGB' | 'RGBA' | 'L';

/**
 * Options of the image readers.
 *
 * @example
 * ```ts
 * import { type ImageReadOptions, fromImageData } from '@torchlet/vision';
 * const options: ImageReadOptions = { mode: 'RGBA' };
 * fromImageData({ width: 1, height: 1, data: new Uint8ClampedArray(4) }, options).shape; // -> [1, 1, 4]
 * ```
 */
export interface ImageReadOptions {
  /** Channels of the result. Default `'RGB'`. */
  readonly mode?: ImageMode;
}

/**
 * The pixels of an `ImageData`-like object: RGBA bytes, row by row.
 *
 * @example
 * ```ts
 * import { type RgbaPixels, fromImageData } from '@torchlet/vision';
 * const pixels: RgbaPixels = { width: 1, height: 1, data: [10, 20, 30, 255] };
 * fromImageData(pixels).toArray(); // -> [[[10, 20, 30]]]
 * ```
 */
export interface RgbaPixels {
  readonly width: number;
  readonly height: number;
  readonly data: ArrayLike<number>;
}

/** Converts RGBA bytes to an int32 `[H, W, C]` tensor with the channels of `mode`. */
export function rgbaToTensor(fn: string, pixels: RgbaPixels, options: ImageReadOptions = {}): Tensor {
  if (options === null || typeof options !== 'object')
    fail(fn, 'options', `expected an options object, got ${formatValue(options)}`);
  const mode = options.mode ?? 'RGB';
  if (mode !== 'RGB' && mode !== 'RGBA' && mode !== 'L')
    fail(fn, 'mode', `mode must be 'RGB', 'RGBA' or 'L', got ${formatValue(mode)}`);
  const { width: w, height: h, data } = pixels;
  if (typeof w !== 'number' || typeof h !== 'number' || !Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1)
    fail(fn, 'image', `expected a positive integer width and height, got ${formatValue(w)}x${formatValue(h)}`);
  const length = typeof data === 'object' && data !== null ? (data as { length?: unknown }).length : undefined;
  if (length !== w * h * 4)
    fail(fn, 'image', `expected ${w}x${h} RGBA pixels (${w * h * 4} bytes), got ${formatValue(length)} bytes`);
  const c = mode === 'RGBA' ? 4 : mode === 'RGB' ? 3 : 1;
  const out = new Int32Array(w * h * c);
  for (let p = 0; p < w * h; p++) {
    const r = data[4 * p];
    const g = data[4 * p + 1];
    const b = data[4 * p + 2];
    if (mode === 'L') {
      // PIL's integer rounding of ITU-R 601-2 luma.
      out[p] = Math.floor((r * 19595 + g * 38470 + b * 7471 + 0x8000) / 65536);
    } else {
      out[c * p] = r;
      out[c * p + 1] = g;
      out[c * p + 2] = b;
      if (c === 4) out[c * p + 3] = data[4 * p + 3];
    }
  }
  return new Tensor(out, [h, w, c]);
}

/**
 * An `ImageData` (a canvas's `getImageData`, or any `{ width, height, data }` of RGBA bytes) as
 * an int32 `[H, W, C]` tensor of 0..255; pass it to `toTensor` for a float `[C, H, W]` image.
 *
 * Shapes: `[H, W, 3]` (RGB), `[H, W, 4]` (RGBA) or `[H, W, 1]` (L).
 *
 * @param image - The pixels: `width`, `height` and RGBA bytes `data` (4 per pixel, row by row), such as a
 *   canvas's `ImageData`.
 * @param options - `mode`: `'RGB'` (default), `'RGBA'` or `'L'` (greyscale); see {@link ImageReadOptions}.
 * @returns An int32 tensor `[H, W, C]` of 0..255 (C = 3, 4 or 1); {@link toTensor} makes it a float `[C, H, W]`
 *   image.
 * @see torchvision.io.read_image
 * @example
 * ```ts
 * import { fromImageData } from '@torchlet/vision';
 * const data = new Uint8ClampedArray([255, 0, 0, 255, 0, 0, 255, 255]); // red, blue
 * fromImageData({ width: 2, height: 1, data }).toArray(); // -> [[[255, 0, 0], [0, 0, 255]]]
 * ```
 */
export function fromImageData(image: RgbaPixels, options: ImageReadOptions = {}): Tensor {
  if (typeof image !== 'object' || image === null) fail('fromImageData', 'image', 'expected an ImageData');
  return rgbaToTensor('fromImageData', image, options);
}

/**
 * A browser image source that a 2-d canvas can draw, as {@link fromImage} takes it.
 *
 * @example
 * ```ts
 * import type { DrawableImage } from '@torchlet/vision';
 * // In a browser: const source: DrawableImage = document.querySelector('img')!;
 * const sources: DrawableImage[] = [];
 * sources.length; // -> 0
 * ```
 */
export type DrawableImage = ImageBitmap | HTMLImageElement | HTMLCanvasElement | OffscreenCanvas;

/**
 * A browser image (`ImageBitmap`, a loaded `<img>`, a canvas) as an int32 `[H, W, C]` tensor,
 * read through a canvas's `getImageData`. Needs a browser (or any runtime with `OffscreenCanvas`
 * or `document`).
 *
 * Shapes: `[H, W, C]`.
 *
 * @param source - An image the browser can draw: an `ImageBitmap`, a loaded `<img>`, a canvas or an
 *   `OffscreenCanvas`.
 * @param options - `mode`: `'RGB'` (default), `'RGBA'` or `'L'` (greyscale); see {@link ImageReadOptions}.
 * @returns An int32 tensor `[H, W, C]` of 0..255, the image at its natural size.
 * @example
 * ```ts
 * import { fromImage } from '@torchlet/vision';
 * typeof fromImage; // -> 'function'
 * // In a browser: const img = fromImage(await createImageBitmap(blob));
 * ```
 */
export function fromImage(source: DrawableImage, options: ImageReadOptions = {}): Tensor {
  const fn = 'fromImage';
  if (typeof source !== 'object' || source === null)
    fail(fn, 'source', `expected an ImageBitmap, an <img> or a canvas, got ${formatValue(source)}`);
  const s = source as { width?: number; height?: number; naturalWidth?: number; naturalHeight?: number };
  const width = s.naturalWidth || s.width || 0;
  const height = s.naturalHeight || s.height || 0;
  if (width < 1 || height < 1) fail(fn, 'source', `the image has no pixels (${width}x${height}); is it loaded?`);
  let ctx: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null = null;
  if (typeof OffscreenCanvas !== 'undefined') ctx = new OffscreenCanvas(width, height).getContext('2d');
  else if (typeof document !== 'undefined') {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    ctx = canvas.getContext('2d');
  }
  if (ctx === null)
    fail(fn, 'source', 'no 2-d canvas in this runtime (use decodeImage from @torchlet/vision/node in Node)');
  ctx.drawImage(source, 0, 0);
  return rgbaToTensor(fn, ctx.getImageData(0, 0, width, height), options);
}
