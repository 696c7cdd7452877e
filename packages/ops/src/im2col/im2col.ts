import { allocStorage, fail, formatShape, formatValue, Tensor } from '@torchlet/tensor';
import { convOutputSize } from '../conv2d/params.js';
import { gpuCol2im, gpuIm2col } from '../device/gpu-layers.js';
import { checkFloatTensor, denseData, type FloatStorage, type IntPair, toPair } from '../params.js';
import { col2imRaw, im2colRaw, type WindowGeometry } from './raw.js';

/**
 * Options of {@link im2col} and {@link col2im}.
 *
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { type Im2colOptions, im2col } from '@torchlet/ops';
 * const options: Im2colOptions = { stride: 2, padding: 1 };
 * im2col(ones([1, 1, 4, 4]), 2, options).shape; // -> [1, 4, 9]
 * ```
 */
export interface Im2colOptions {
  /** Step of the window, an int or `[sh, sw]`. Default `1`. */
  readonly stride?: IntPair;
  /** Zero padding of both sides, an int or `[ph, pw]`. Default `0`. */
  readonly padding?: IntPair;
  /** Spacing between kernel elements, an int or `[dh, dw]`. Default `1`. */
  readonly dilation?: IntPair;
}

function windowGeometry(
  fn: string,
  arg: string,
  channels: number,
  size: readonly [number, number],
  kernelSize: IntPair,
  options: Im2colOptions,
  shapes: string,
): WindowGeometry {
  if (options === null || typeof options !== 'object')
    fail(fn, 'options', `expected an options object, got ${String(options)}`);
  const [kh, kw] = toPair(fn, 'kernelSize', kernelSize, 1);
  const [strideH, strideW] = toPair(fn, 'stride', options.stride ?? 1, 1);
  const [ph, pw] = toPair(fn, 'padding', options.padding ?? 0, 0);
  const [dilationH, dilationW] = toPair(fn, 'dilation', options.dilation ?? 1, 1);
  const outH = convOutputSize(size[0], kh, strideH, ph, ph, dilationH);
  const outW = convOutputSize(size[1], kw, strideW, pw, pw, dilationW);
  if (outH < 1 || outW < 1) {
    const dk = [dilationH * (kh - 1) + 1, dilationW * (kw - 1) + 1];
    fail(
      fn,
      arg,
      `kernel size (dilated) ${formatShape(dk)} is larger than the padded ${arg} ${formatShape([size[0] + 2 * ph, size[1] + 2 * pw])} (${shapes}, padding ${formatShape([ph, pw])}, dilation ${formatShape([dilationH, dilationW])})`,
    );
  }
  return {
    channels,
    inH: size[0],
    inW: size[1],
    kh,
    kw,
    strideH,
    strideW,
    padTop: ph,
    padLeft: pw,
    dilationH,
    dilationW,
    outH,
    outW,
  };
}

/**
 * Extracts every sliding `kh x kw` block of a batch of images into columns (im2col): column `l`
 * holds the block at window position `l` (row-major over the output grid), one row per
 * `(channel, ki, kj)`. Padding positions read as 0. Its gradient is {@link col2im} with the same
 * arguments, and `col2im` is its adjoint.
 *
 * Shapes: `[N, C, H, W]` -> `[N, C*kh*kw, L]` (or `[C, H, W]` -> `[C*kh*kw, L]`), with
 * `L = Hout*Wout` as in conv2d.
 *
 * @param input - Input `[N, C, H, W]` (or `[C, H, W]`).
 * @param kernelSize - The window size, `k` or `[kH, kW]`.
 * @param options - `stride` (default `1`), `padding` (default `0`) and `dilation` (default `1`); see
 *   {@link Im2colOptions}.
 * @returns A new tensor `[N, C * kH * kW, L]` (or `[C * kH * kW, L]`), one column per window position
 *   (PyTorch's `unfold`).
 * @see torch.nn.functional.unfold
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { im2col } from '@torchlet/ops';
 * const x = tensor([[[[1, 2, 3], [4, 5, 6]]]]);
 * im2col(x, [2, 2]).toArray(); // -> [[[1, 2], [2, 3], [4, 5], [5, 6]]]
 * ```
 */
export function im2col(input: Tensor, kernelSize: IntPair, options: Im2colOptions = {}): Tensor {
  const fn = 'im2col';
  checkFloatTensor(fn, 'input', input);
  if (input.ndim !== 3 && input.ndim !== 4) {
    fail(
      fn,
      'input',
      `expected 3-D (unbatched) or 4-D (batched) input [N,C,H,W], got ${input.ndim}-D input ${formatShape(input.shape)}`,
    );
  }
  const batched = input.ndim === 4;
  const n = batched ? input.shape[0] : 1;
  const [c, h, w] = batched ? input.shape.slice(1) : input.shape;
  const g = windowGeometry(
    fn,
    'input',
    c,
    [h, w],
    kernelSize,
    options,
    `input ${formatShape(input.shape)}, kernelSize ${formatValue(kernelSize)}`,
  );
  const rows = c * g.kh * g.kw;
  const L = g.outH * g.outW;
  if (input.gpuBuffer !== null) return gpuIm2col(input, n, g, batched ? [n, rows, L] : [rows, L]);
  const x = denseData(input);
  const out = allocStorage(input.dtype, n * rows * L) as FloatStorage;
  for (let b = 0; b < n; b++) im2colRaw(x, b * c * h * w, g, out, b * rows * L);
  return new Tensor(out, batched ? [n, rows, L] : [rows, L]);
}

/**
 * Sums columns of sliding blocks back into images (col2im): the adjoint of {@link im2col}, so
 * overlapping block elements are ADDED, padding positions dropped. It is also im2col's gradient,
 * and im2col is its gradient.
 *
 * Shapes: `[N, C*kh*kw, L]` -> `[N, C, H, W]` (or `[C*kh*kw, L]` -> `[C, H, W]`), where
 * `[H, W] = outputSize` and `L` must be the number of window positions in it.
 *
 * @param cols - Columns `[N, C * kH * kW, L]` (or `[C * kH * kW, L]`).
 * @param outputSize - The image size `[H, W]` (or `s`) to fold back to.
 * @param kernelSize - The window size, `k` or `[kH, kW]`.
 * @param options - `stride` (default `1`), `padding` (default `0`) and `dilation` (default `1`); see
 *   {@link Im2colOptions}.
 * @returns A new tensor `[N, C, H, W]` (or `[C, H, W]`) with overlapping windows summed (PyTorch's `fold`).
 * @see torch.nn.functional.fold
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { col2im } from '@torchlet/ops';
 * col2im(ones([1, 4, 2]), [2, 3], [2, 2]).toArray(); // -> [[[[1, 2, 1], [1, 2, 1]]]]
 * ```
 */
export function col2im(cols: Tensor, outputSize: IntPair, kernelSize: IntPair, options: Im2colOptions = {}): Tensor {
  const fn = 'col2im';
  checkFloatTensor(fn, 'cols', cols);
  if (cols.ndim !== 2 && cols.ndim !== 3) {
    fail(
      fn,
      'cols',
      `expected 2-D (unbatched) or 3-D (batched) cols [N, C*kh*kw, L], got ${cols.ndim}-D cols ${formatShape(cols.shape)}`,
    );
  }
  const [oh, ow] = toPair(fn, 'outputSize', outputSize, 0);
  const [kh, kw] = toPair(fn, 'kernelSize', kernelSize, 1);
  const batched = cols.ndim === 3;
  const n = batched ? cols.shape[0] : 1;
  const [rows, L] = batched ? cols.shape.slice(1) : cols.shape;
  const shapes = `cols ${formatShape(cols.shape)}, outputSize ${formatShape([oh, ow])}, kernelSize ${formatShape([kh, kw])}`;
  if (rows % (kh * kw) !== 0) {
    fail(
      fn,
      'cols',
      `cols dimension ${batched ? 1 : 0} (${rows}) must be divisible by the kernel size product ${kh * kw} (${shapes})`,
    );
  }
  const c = rows / (kh * kw);
  const g = windowGeometry(fn, 'outputSize', c, [oh, ow], [kh, kw], options, shapes);
  if (g.outH * g.outW !== L) {
    fail(
      fn,
      'cols',
      `cols has ${L} blocks but outputSize ${formatShape([oh, ow])} gives ${g.outH}x${g.outW} = ${g.outH * g.outW} blocks (${shapes})`,
    );
  }
  if (cols.gpuBuffer !== null) return gpuCol2im(cols, n, g, batched ? [n, c, oh, ow] : [c, oh, ow]);
  const src = denseData(cols);
  const out = allocStorage(cols.dtype, n * c * oh * ow) as FloatStorage;
  for (let b = 0; b < n; b++) col2imRaw(src, b * rows * L, g, out, b * c * oh * ow);
  return new Tensor(out, batched ? [n, c, oh, ow] : [c, oh, ow]);
}
