import * as zlib from 'node:zlib';
import { inflateSync } from 'node:zlib';
import { tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { edgeDetection } from '../src/exercises/edge-detection.js';
import { colourOf, colourScale, heatmapPng, renderHeatmap } from '../src/render/heatmap.js';
import { crc32, createImage, encodePng } from '../src/render/png.js';

/** A minimal PNG reader for the files encodePng writes: checks every chunk's CRC, returns RGB rows. */
function decodePng(bytes: Uint8Array): { width: number; height: number; rgb: (x: number, y: number) => number[] } {
  expect(Array.from(bytes.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  let width = 0;
  let height = 0;
  const idat: Uint8Array[] = [];
  const types: string[] = [];
  while (at < bytes.length) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, at + 8 + len);
    expect(view.getUint32(at + 8 + len), `CRC of ${type}`).toBe(zlib.crc32(bytes.subarray(at + 4, at + 8 + len)));
    types.push(type);
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      expect(Array.from(data.subarray(8))).toEqual([8, 2, 0, 0, 0]); // 8-bit RGB, no interlace
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + len;
  }
  expect(types).toEqual(['IHDR', 'IDAT', 'IEND']);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 3 + 1;
  expect(raw.length).toBe(stride * height);
  for (let y = 0; y < height; y++) expect(raw[y * stride]).toBe(0); // filter None
  return { width, height, rgb: (x, y) => Array.from(raw.subarray(y * stride + 1 + x * 3, y * stride + 4 + x * 3)) };
}

describe('png encoder', () => {
  it('crc32 agrees with zlib', () => {
    for (const s of ['', 'IEND', 'The quick brown fox jumps over the lazy dog']) {
      const b = new TextEncoder().encode(s);
      expect(crc32(b)).toBe(zlib.crc32(b));
    }
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('round-trips a small image', () => {
    const img = createImage(3, 2, [10, 20, 30]);
    img.pixels.set([255, 0, 0], (1 * 3 + 2) * 3);
    const png = decodePng(encodePng(img));
    expect([png.width, png.height]).toEqual([3, 2]);
    expect(png.rgb(0, 0)).toEqual([10, 20, 30]);
    expect(png.rgb(2, 1)).toEqual([255, 0, 0]);
  });
});

describe('heatmap of the edge map Y (6x7, values -1, 0, 1)', () => {
  const { Y } = edgeDetection();
  const { layout } = renderHeatmap(Y);
  const png = decodePng(heatmapPng(Y));
  const centre = (i: number, j: number) =>
    png.rgb(
      layout.originX + j * layout.cell + (layout.cell >> 1),
      layout.originY + i * layout.cell + (layout.cell >> 1),
    );

  it('has the size of its layout: 7 x 6 cells plus the colour bar and its labels', () => {
    expect([png.width, png.height]).toEqual([layout.width, layout.height]);
    expect([layout.rows, layout.cols, layout.planes]).toEqual([6, 7, 1]);
    expect(layout.cell).toBe(32); // 320 px / 7 columns, capped at 32
    expect(png.width).toBeGreaterThan(7 * 32 + layout.barWidth);
    expect(png.height).toBeGreaterThanOrEqual(6 * 32);
  });

  it('colours +1 red, -1 blue and 0 near-white on a symmetric scale', () => {
    expect(layout.scale).toEqual({ lo: -1, hi: 1, diverging: true });
    expect(centre(0, 1)).toEqual([178, 24, 43]);
    expect(centre(5, 5)).toEqual([33, 102, 172]);
    expect(centre(3, 0)).toEqual([247, 247, 247]);
    // The colour bar runs from +1 (top) to -1 (bottom).
    const barX = layout.barX + (layout.barWidth >> 1);
    expect(png.rgb(barX, layout.barY)).toEqual([178, 24, 43]);
    expect(png.rgb(barX, layout.barY + layout.barHeight - 1)).toEqual([33, 102, 172]);
  });

  it('non-negative data uses the sequential scale from min to max; constants sit mid-scale', () => {
    expect(colourScale([0, 1, 0.5])).toEqual({ lo: 0, hi: 1, diverging: false });
    expect(colourScale([3, 3])).toEqual({ lo: 2.5, hi: 3.5, diverging: false });
    expect(colourOf(Number.NaN, colourScale([0, 1]))).toEqual([255, 0, 255]);
    // Images in greyscale, as the book and the docs site draw them: 1 white, 0 black.
    expect(colourOf(1, colourScale([0, 1]))).toEqual([255, 255, 255]);
    expect(colourOf(0, colourScale([0, 1]))).toEqual([0, 0, 0]);
    expect(colourOf(0.5, colourScale([0, 1]))).toEqual([128, 128, 128]);
    const { layout: l3 } = renderHeatmap(tensor([[[1, 2]], [[3, 4]]]));
    expect([l3.rows, l3.cols, l3.planes]).toEqual([1, 2, 2]);
  });
});
