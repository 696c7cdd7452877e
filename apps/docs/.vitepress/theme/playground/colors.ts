// Heatmap colours. Images look like images: greyscale, 0 black and 1 white (as the book draws
// its edge image: white with a black stripe). Signed values (kernels, outputs) use a diverging
// map centred on 0: blue below, white at 0, red above, as strong as |v| / max|v|.

/** An sRGB colour, channels 0..255. */
export type Rgb = readonly [number, number, number];

export type ColorScale = 'grey' | 'diverging';

const clamp01 = (t: number): number => Math.min(1, Math.max(0, t));

/** Greyscale: `lo` black, `hi` white (an image's 0 and 1 by default). */
export function greyColor(v: number, lo = 0, hi = 1): Rgb {
  const g = Math.round(255 * clamp01((v - lo) / (hi - lo || 1)));
  return [g, g, g];
}

const NEGATIVE: Rgb = [33, 102, 172]; // RdBu's blue end
const POSITIVE: Rgb = [178, 24, 43]; // RdBu's red end
const CENTRE: Rgb = [247, 247, 247];

/** Diverging map centred on 0: `-scale` blue, 0 white, `+scale` red. */
export function divergingColor(v: number, scale: number): Rgb {
  const t = clamp01(Math.abs(v) / (scale || 1));
  const end = v < 0 ? NEGATIVE : POSITIVE;
  return [0, 1, 2].map((k) => Math.round(CENTRE[k] + (end[k] - CENTRE[k]) * t)) as unknown as Rgb;
}

/** WCAG relative luminance of an sRGB colour. */
export function luminance([r, g, b]: Rgb): number {
  const lin = (c: number): number => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio of two colours (1 to 21). */
export function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The text colour (near-black or white) that reads best on a cell of colour `bg`. */
export function textOn(bg: Rgb): Rgb {
  const dark: Rgb = [0, 0, 0]; // pure black: with white, 4.5:1 on any background
  const light: Rgb = [255, 255, 255];
  return contrast(bg, dark) >= contrast(bg, light) ? dark : light;
}

export const css = ([r, g, b]: Rgb): string => `rgb(${r}, ${g}, ${b})`;

/** A cell's background and text colour under a scale (`scale` is max |v| of the grid). */
export function cellColors(v: number, kind: ColorScale, range: { min: number; max: number }): { bg: Rgb; fg: Rgb } {
  const bg =
    kind === 'grey'
      ? greyColor(v, Math.min(0, range.min), Math.max(1, range.max))
      : divergingColor(v, Math.max(Math.abs(range.min), Math.abs(range.max)));
  return { bg, fg: textOn(bg) };
}
