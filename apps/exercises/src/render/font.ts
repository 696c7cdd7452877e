import type { RgbImage } from './png.js';

// A 3x5 bitmap font for the colour-scale labels: digits, sign, point and exponent. Each glyph is
// five rows of three bits, most significant bit on the left.
const GLYPHS: Readonly<Record<string, readonly number[]>> = {
  '0': [0b111, 0b101, 0b101, 0b101, 0b111],
  '1': [0b010, 0b110, 0b010, 0b010, 0b111],
  '2': [0b111, 0b001, 0b111, 0b100, 0b111],
  '3': [0b111, 0b001, 0b111, 0b001, 0b111],
  '4': [0b101, 0b101, 0b111, 0b001, 0b001],
  '5': [0b111, 0b100, 0b111, 0b001, 0b111],
  '6': [0b111, 0b100, 0b111, 0b101, 0b111],
  '7': [0b111, 0b001, 0b010, 0b010, 0b010],
  '8': [0b111, 0b101, 0b111, 0b101, 0b111],
  '9': [0b111, 0b101, 0b111, 0b001, 0b111],
  '-': [0b000, 0b000, 0b111, 0b000, 0b000],
  '+': [0b000, 0b010, 0b111, 0b010, 0b000],
  '.': [0b000, 0b000, 0b000, 0b000, 0b010],
  e: [0b000, 0b111, 0b111, 0b100, 0b111],
  N: [0b101, 0b111, 0b111, 0b111, 0b101],
  a: [0b000, 0b011, 0b101, 0b101, 0b011],
  I: [0b111, 0b010, 0b010, 0b010, 0b111],
  n: [0b000, 0b110, 0b101, 0b101, 0b101],
  f: [0b011, 0b100, 0b110, 0b100, 0b100],
};

/** Width in pixels of `text` drawn at `scale` (3 columns per glyph plus 1 of spacing). */
export function textWidth(text: string, scale: number): number {
  return text.length === 0 ? 0 : (text.length * 4 - 1) * scale;
}

/** Height in pixels of a line of text at `scale`. */
export function textHeight(scale: number): number {
  return 5 * scale;
}

/** Draws `text` with its top-left corner at (x, y); characters without a glyph are left blank. */
export function drawText(
  image: RgbImage,
  text: string,
  x: number,
  y: number,
  scale: number,
  colour: readonly [number, number, number],
): void {
  for (let c = 0; c < text.length; c++) {
    const glyph = GLYPHS[text[c]];
    if (glyph === undefined) continue;
    for (let gy = 0; gy < 5; gy++) {
      for (let gx = 0; gx < 3; gx++) {
        if (((glyph[gy] >> (2 - gx)) & 1) === 0) continue;
        fillRect(image, x + (c * 4 + gx) * scale, y + gy * scale, scale, scale, colour);
      }
    }
  }
}

/** Fills a rectangle, clipped to the image. */
export function fillRect(
  image: RgbImage,
  x: number,
  y: number,
  w: number,
  h: number,
  colour: readonly [number, number, number],
): void {
  const x0 = Math.max(0, x);
  const y0 = Math.max(0, y);
  const x1 = Math.min(image.width, x + w);
  const y1 = Math.min(image.height, y + h);
  for (let yy = y0; yy < y1; yy++) {
    for (let xx = x0; xx < x1; xx++) {
      const i = (yy * image.width + xx) * 3;
      image.pixels[i] = colour[0];
      image.pixels[i + 1] = colour[1];
      image.pixels[i + 2] = colour[2];
    }
  }
}
