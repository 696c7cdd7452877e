import { fail, formatShape, formatValue, getMaxElements, isTensor, type Tensor } from '@torchlet/tensor';

/** Checks `img` is a tensor image `[..., H, W]` (at least 2-D, non-empty planes); returns `[H, W]`. */
export function imageSize(fn: string, img: unknown): [number, number] {
  if (!isTensor(img))
    fail(fn, 'img', `expected a Tensor image [..., C, H, W], got ${img === null ? 'null' : typeof img}`);
  if (img.ndim < 2)
    fail(
      fn,
      'img',
      `expected a tensor image with at least 2 dimensions [..., H, W], got img ${formatShape(img.shape)}`,
    );
  return [img.shape[img.ndim - 2], img.shape[img.ndim - 1]];
}

/**
 * Checks that an output of `img`'s leading dimensions and `[h, w]` planes fits the element limit
 * (`getMaxElements()`), before anything of that size is padded or interpolated: a huge `size`
 * must be a TorchletError naming `arg`, not an allocation that takes the machine down.
 */
export function checkOutputPlanes(fn: string, arg: string, img: Tensor, h: number, w: number): void {
  const lead = img.shape.slice(0, -2);
  const count = lead.reduce((a, b) => a * b, 1) * h * w;
  if (count > getMaxElements())
    fail(
      fn,
      arg,
      `the output [${[...lead, h, w].join(', ')}] of img ${formatShape(img.shape)} has ${count} elements, over the limit of ${getMaxElements()} elements; raise it with setMaxElements()`,
    );
}

/** `[h, w]` from an int or a pair of positive integers. */
export function sizePair(fn: string, arg: string, size: number | readonly number[]): [number, number] {
  const p: readonly unknown[] =
    typeof size === 'number'
      ? [size, size]
      : Array.isArray(size) && size.length === 1
        ? [size[0], size[0]]
        : Array.isArray(size)
          ? size
          : [];
  if (p.length !== 2 || !p.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 1))
    fail(fn, arg, `${arg} must be a positive integer or a pair of them, got ${formatValue(size)}`);
  return [p[0] as number, p[1] as number];
}

/** The image as `[N, C, H, W]` for 2-d ops (leading dimensions folded into N), and how to undo it. */
export function asBatch(img: Tensor): { batch: Tensor; restore: (t: Tensor) => Tensor } {
  const lead = img.shape.slice(0, -2);
  const [h, w] = img.shape.slice(-2);
  const n = lead.reduce((a, b) => a * b, 1);
  return {
    batch: img.reshape([n, 1, h, w]),
    restore: (t) => t.reshape([...lead, t.shape[2], t.shape[3]]),
  };
}

/** Python's round(): to the nearest integer, halves to even (what `torch.round` does). */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
