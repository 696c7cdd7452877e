import type { Tensor } from '@torchlet/tensor';
import { drawText, fillRect, textHeight, textWidth } from './font.js';
import { createImage, encodePng, type RgbImage } from './png.js';

type Rgb = readonly [number, number, number];

/**
 * How values map to colours, as on the docs site: images (no negative value) in greyscale from
 * black (`lo`) to white (`hi`), so the book's edge image reads white with a black stripe; signed
 * data on a diverging blue-white-red scale centred on 0.
 */
export interface ColourScale {
  /** Value drawn with the first colour of the scale (bottom of the bar). */
  readonly lo: number;
  /** Value drawn with the last colour of the scale (top of the bar). */
  readonly hi: number;
  /** True when the data has negative values: symmetric around 0, white at 0. */
  readonly diverging: boolean;
}

/** Where things are in a rendered heatmap (tests read pixels through it). */
export interface HeatmapLayout {
  readonly width: number;
  readonly height: number;
  /** Rows and columns of one plane (the last two dims; a 1-D tensor is one row). */
  readonly rows: number;
  readonly cols: number;
  /** Number of planes (product of the leading dims), stacked top to bottom. */
  readonly planes: number;
  /** Side of one cell in pixels. */
  readonly cell: number;
  /** Top-left of the first plane. */
  readonly originX: number;
  readonly originY: number;
  /** Vertical distance between the tops of consecutive planes. */
  readonly planeStride: number;
  /** The colour bar. */
  readonly barX: number;
  readonly barY: number;
  readonly barWidth: number;
  readonly barHeight: number;
  readonly scale: ColourScale;
}

const BACKGROUND: Rgb = [255, 255, 255];
const GRID: Rgb = [200, 200, 200];
const INK: Rgb = [0, 0, 0];
const NOT_FINITE: Rgb = [255, 0, 255];
const BLUE: Rgb = [33, 102, 172];
const WHITE: Rgb = [247, 247, 247];
const RED: Rgb = [178, 24, 43];
const BLACK: Rgb = [0, 0, 0];
const FULL_WHITE: Rgb = [255, 255, 255];
const PAD = 6;
const BAR_WIDTH = 14;
const FONT_SCALE = 2;

/** The colour scale for these values: diverging around 0 if any is negative, else min..max. */
export function colourScale(values: ArrayLike<number>): ColourScale {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) return { lo: 0, hi: 1, diverging: false }; // no finite value
  if (min < 0) {
    const m = Math.max(-min, max);
    return { lo: -m, hi: m, diverging: true };
  }
  // A constant image sits in the middle of the scale.
  return min === max ? { lo: min - 0.5, hi: max + 0.5, diverging: false } : { lo: min, hi: max, diverging: false };
}

function lerp(a: Rgb, b: Rgb, t: number): Rgb {
  return [
    Math.round(a[0] + (b[0] - a[0]) * t),
    Math.round(a[1] + (b[1] - a[1]) * t),
    Math.round(a[2] + (b[2] - a[2]) * t),
  ];
}

/** The colour of `v` on `scale` (magenta for NaN and infinities). */
export function colourOf(v: number, scale: ColourScale): Rgb {
  if (!Number.isFinite(v)) return NOT_FINITE;
  const t = Math.min(1, Math.max(0, (v - scale.lo) / (scale.hi - scale.lo)));
  if (scale.diverging) return t < 0.5 ? lerp(BLUE, WHITE, t * 2) : lerp(WHITE, RED, (t - 0.5) * 2);
  return lerp(BLACK, FULL_WHITE, t);
}

/** A short label for the colour bar: at most 3 significant digits. */
export function scaleLabel(v: number): string {
  if (v === 0) return '0';
  return String(Number(v.toPrecision(3)));
}

/**
 * Draws a tensor as a heatmap: one square cell per element (the last two dims are rows and
 * columns, leading dims stack planes vertically), with a colour bar labelled with its range.
 */
export function renderHeatmap(t: Tensor): { image: RgbImage; layout: HeatmapLayout } {
  const values = Float64Array.from(t.toTypedArray() as ArrayLike<number>);
  const rows = t.ndim >= 2 ? t.shape[t.ndim - 2] : 1;
  const cols = t.ndim >= 1 ? t.shape[t.ndim - 1] : 1;
  const planes = rows * cols === 0 ? 0 : values.length / (rows * cols);
  const scale = colourScale(values);
  const cell = Math.max(4, Math.min(32, Math.floor(320 / Math.max(rows, cols, 1))));
  const gap = Math.max(4, cell >> 1);
  const planeStride = rows * cell + gap;
  const mapW = Math.max(1, cols * cell);
  const mapH = Math.max(1, planes * planeStride - gap);
  const labels = [scaleLabel(scale.hi), scaleLabel((scale.lo + scale.hi) / 2), scaleLabel(scale.lo)];
  const labelW = Math.max(...labels.map((l) => textWidth(l, FONT_SCALE)));
  const fontH = textHeight(FONT_SCALE);
  const barHeight = Math.max(mapH, 64);
  const barX = PAD + mapW + 10;
  const barY = PAD + fontH;
  const width = barX + BAR_WIDTH + 6 + labelW + PAD;
  const height = Math.max(PAD + mapH + PAD, barY + barHeight + fontH + PAD);
  const image = createImage(width, height, BACKGROUND);
  const originX = PAD;
  const originY = PAD + fontH;
  const grid = cell >= 8;
  for (let p = 0; p < planes; p++) {
    const top = originY + p * planeStride;
    if (grid) fillRect(image, originX, top, cols * cell + 1, rows * cell + 1, GRID);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const c = colourOf(values[(p * rows + i) * cols + j], scale);
        if (grid) fillRect(image, originX + j * cell + 1, top + i * cell + 1, cell - 1, cell - 1, c);
        else fillRect(image, originX + j * cell, top + i * cell, cell, cell, c);
      }
    }
  }
  for (let y = 0; y < barHeight; y++) {
    const v = scale.hi - ((scale.hi - scale.lo) * y) / Math.max(1, barHeight - 1);
    fillRect(image, barX, barY + y, BAR_WIDTH, 1, colourOf(v, scale));
  }
  const labelX = barX + BAR_WIDTH + 6;
  drawText(image, labels[0], labelX, barY - fontH / 2, FONT_SCALE, INK);
  drawText(image, labels[1], labelX, barY + Math.round(barHeight / 2) - fontH / 2, FONT_SCALE, INK);
  drawText(image, labels[2], labelX, barY + barHeight - fontH / 2, FONT_SCALE, INK);
  const layout: HeatmapLayout = {
    width,
    height,
    rows,
    cols,
    planes,
    cell,
    originX,
    originY,
    planeStride,
    barX,
    barY,
    barWidth: BAR_WIDTH,
    barHeight,
    scale,
  };
  return { image, layout };
}

/** {@link renderHeatmap} encoded as PNG bytes. */
export function heatmapPng(t: Tensor): Uint8Array {
  return encodePng(renderHeatmap(t).image);
}
