// PNG and JPEG decoding with pure-JS libraries (pngjs, jpeg-js): Node only, behind the
// `@torchlet/vision/node` entry point, as pngjs reads through Node's zlib.
import { readFile } from 'node:fs/promises';
import { fail, formatValue, type Tensor } from '@torchlet/tensor';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { type ImageReadOptions, rgbaToTensor } from './image-data.js';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

function checkBytes(fn: string, bytes: unknown): Uint8Array {
  if (!(bytes instanceof Uint8Array))
    fail(fn, 'bytes', `expected a Uint8Array (or Buffer), got ${bytes === null ? 'null' : typeof bytes}`);
  return bytes;
}

/**
 * Decodes PNG bytes (any bit depth, palette, grey or colour, interlaced or not) to an int32
 * `[H, W, C]` tensor of 0..255 (16-bit samples are scaled to 8 bits).
 *
 * Shapes: `[H, W, 3]` (RGB), `[H, W, 4]` (RGBA) or `[H, W, 1]` (L).
 *
 * @see torchvision.io.decode_png
 * @example
 * ```ts
 * import { decodePng } from '@torchlet/vision/node';
 * // A 2x1 PNG whose pixels are (10, 20, 30).
 * const bytes = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAD0lEQVR4nGPkEpFjYGAAAAEmAD5j+GBZAAAAAElFTkSuQmCC', 'base64');
 * decodePng(bytes).toArray(); // -> [[[10, 20, 30], [10, 20, 30]]]
 * ```
 */
export function decodePng(bytes: Uint8Array, options: ImageReadOptions = {}): Tensor {
  const fn = 'decodePng';
  const b = checkBytes(fn, bytes);
  if (!startsWith(b, PNG_MAGIC)) fail(fn, 'bytes', 'not a PNG file (no PNG signature)');
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  } catch (e) {
    fail(fn, 'bytes', `cannot decode the PNG: ${(e as Error).message}`);
  }
  return rgbaToTensor(fn, png, options);
}

/**
 * Decodes baseline or progressive JPEG bytes to an int32 `[H, W, C]` tensor of 0..255.
 * Decoders differ slightly: without chroma subsampling (4:4:4) jpeg-js is within 2 levels of
 * libjpeg (PIL, torchvision); with 4:2:0 its simpler chroma upsampling can differ by tens of
 * levels at sharp colour edges (smooth photographs differ far less).
 *
 * Shapes: `[H, W, 3]` (RGB), `[H, W, 4]` (RGBA, alpha 255) or `[H, W, 1]` (L).
 *
 * @see torchvision.io.decode_jpeg
 * @example
 * ```ts
 * import { decodeJpeg } from '@torchlet/vision/node';
 * let message = '';
 * try {
 *   decodeJpeg(new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
 * } catch (e) {
 *   message = (e as Error).message;
 * }
 * message; // -> 'decodeJpeg: not a JPEG file (no JPEG SOI marker)'
 * // With a file: decodeJpeg(readFileSync('photo.jpg')).shape is [H, W, 3]
 * ```
 */
export function decodeJpeg(bytes: Uint8Array, options: ImageReadOptions = {}): Tensor {
  const fn = 'decodeJpeg';
  const b = checkBytes(fn, bytes);
  if (!startsWith(b, JPEG_MAGIC)) fail(fn, 'bytes', 'not a JPEG file (no JPEG SOI marker)');
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = jpeg.decode(b, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
  } catch (e) {
    fail(fn, 'bytes', `cannot decode the JPEG: ${(e as Error).message}`);
  }
  return rgbaToTensor(fn, img, options);
}

/**
 * Decodes PNG or JPEG bytes (recognised by their signature) to an int32 `[H, W, C]` tensor.
 *
 * Shapes: `[H, W, C]`.
 *
 * @see torchvision.io.decode_image
 * @example
 * ```ts
 * import { decodeImage } from '@torchlet/vision/node';
 * // A 2x1 PNG: a white pixel, then a black one.
 * const bytes = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAD0lEQVR4nGP4//8/AwMDAA74Av7Ji4P1AAAAAElFTkSuQmCC', 'base64');
 * decodeImage(bytes, { mode: 'L' }).toArray(); // -> [[[255], [0]]]
 * ```
 */
export function decodeImage(bytes: Uint8Array, options: ImageReadOptions = {}): Tensor {
  const b = checkBytes('decodeImage', bytes);
  if (startsWith(b, PNG_MAGIC)) return decodePng(b, options);
  if (startsWith(b, JPEG_MAGIC)) return decodeJpeg(b, options);
  fail('decodeImage', 'bytes', 'unsupported image format (PNG and JPEG are supported)');
}

/**
 * Reads a PNG or JPEG file to an int32 `[H, W, C]` tensor.
 *
 * Shapes: `[H, W, C]`.
 *
 * @see torchvision.io.read_image
 * @example
 * ```ts
 * import { readImage } from '@torchlet/vision/node';
 * typeof readImage; // -> 'function'
 * // const img = await readImage('cat.jpg'); // [H, W, 3]
 * ```
 */
export async function readImage(path: string, options: ImageReadOptions = {}): Promise<Tensor> {
  const fn = 'readImage';
  const target: unknown = path;
  if (typeof target !== 'string' && !(target instanceof URL) && !(target instanceof Uint8Array))
    fail(fn, 'path', `expected a file path (a string, URL or Buffer), got ${formatValue(path)}`);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    // A missing or unreadable file is the caller's input too: say which, with the system's reason.
    fail(fn, 'path', `cannot read ${formatValue(String(path))}: ${e instanceof Error ? e.message : formatValue(e)}`);
  }
  return decodeImage(bytes, options);
}
