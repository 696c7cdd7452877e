import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { centerCrop, compose, crop, hflip, normalize, resize, toTensor } from '../src/index.js';
import { decodeJpeg, decodePng } from '../src/node.js';

// torchvision 0.14 and PIL on the committed test image (test/transforms-golden.py).
interface Golden {
  readonly shape: number[];
  readonly data: number[];
}
const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const { cases } = JSON.parse(readFileSync(here('./golden/transforms.json'), 'utf8')) as {
  cases: Record<string, Golden>;
};
const png = new Uint8Array(readFileSync(here('./images/pattern.png')));
const jpg = new Uint8Array(readFileSync(here('./images/pattern.jpg')));
const jpg420 = new Uint8Array(readFileSync(here('./images/pattern-420.jpg')));

function expectClose(actual: Tensor, expected: Golden, atol: number): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.toTypedArray() as ArrayLike<number>;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - expected.data[i]));
  expect(worst).toBeLessThanOrEqual(atol);
}

describe('image decoding against PIL', () => {
  it('decodes the PNG exactly, in RGB and L', () => {
    const img = decodePng(png);
    expect(img.dtype).toBe('int32');
    expectClose(img, cases.png_pixels, 0);
    expectClose(decodePng(png, { mode: 'L' }).reshape([17, 23]), cases.png_gray, 0);
    expect(decodePng(png, { mode: 'RGBA' }).shape).toEqual([17, 23, 4]);
  });

  function differences(bytes: Uint8Array, expected: Golden): { worst: number; mean: number } {
    const img = decodeJpeg(bytes);
    expect(img.shape).toEqual(expected.shape);
    const a = img.toTypedArray() as ArrayLike<number>;
    let sum = 0;
    let worst = 0;
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs(a[i] - expected.data[i]);
      sum += d;
      worst = Math.max(worst, d);
    }
    return { worst, mean: sum / a.length };
  }

  it('decodes a 4:4:4 JPEG within IDCT rounding of libjpeg (2 levels)', () => {
    const { worst, mean } = differences(jpg, cases.jpeg_pixels);
    expect(worst).toBeLessThanOrEqual(2);
    expect(mean).toBeLessThan(1);
  });

  it('decodes a 4:2:0 JPEG (chroma upsampling differs from libjpeg at sharp colour edges)', () => {
    const { mean } = differences(jpg420, cases.jpeg420_pixels);
    // This pattern changes colour every pixel, the worst case for chroma upsampling.
    expect(mean).toBeLessThan(15);
  });
});

describe('transforms against torchvision', () => {
  const img = decodePng(png);
  const x = toTensor(img);
  const u8 = img.permute([2, 0, 1]).contiguous();
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  const f32 = 1e-6;

  it('toTensor and normalize', () => {
    expect(x.dtype).toBe('float32');
    expectClose(x, cases.to_tensor, 0);
    expectClose(normalize(x, mean, std), cases.normalize, 1e-5);
  });

  it('resize (bilinear and nearest, one size or two, maxSize, integer images)', () => {
    expectClose(resize(x, 8), cases.resize_8_bilinear, f32);
    expectClose(resize(x, 40), cases.resize_40_bilinear, f32);
    expectClose(resize(x, [10, 30], { interpolation: 'nearest' }), cases.resize_10x30_nearest, 0);
    expectClose(resize(x, 12, { maxSize: 14 }), cases.resize_12_max14_bilinear, f32);
    const r = resize(u8, 12);
    expect(r.dtype).toBe('int32');
    expectClose(r, cases.resize_uint8_12_bilinear, 0);
    expectClose(resize(u8, [9, 31], { interpolation: 'nearest' }), cases.resize_uint8_9x31_nearest, 0);
  });

  it('resize with antialias (down, up, two sizes, integer images; PIL within one level)', () => {
    expectClose(resize(x, 8, { antialias: true }), cases.resize_8_antialias, f32);
    expectClose(resize(x, 40, { antialias: true }), cases.resize_40_antialias, f32);
    expectClose(resize(x, [5, 19], { antialias: true }), cases.resize_5x19_antialias, f32);
    expectClose(resize(u8, 7, { antialias: true }), cases.resize_uint8_7_antialias, 0);
    // PIL [H, W, 3] against torchlet's integer [3, H, W]: PIL's fixed point differs by at most a level.
    expectClose(resize(u8, 7, { antialias: true }).permute([1, 2, 0]), cases.resize_pil_7, 1);
    // Downscaling 17 -> 7 without antialias skips pixels: far from PIL's.
    const plain = resize(u8, 7).permute([1, 2, 0]).contiguous().toTypedArray() as Int32Array;
    const worst = Math.max(...cases.resize_pil_7.data.map((v, i) => Math.abs(v - plain[i])));
    expect(worst).toBeGreaterThan(8);
  });

  it('centerCrop (including padding an image smaller than the crop), crop and hflip', () => {
    expectClose(centerCrop(x, 10), cases.center_crop_10, 0);
    expectClose(centerCrop(x, [8, 13]), cases.center_crop_8x13, 0);
    expectClose(centerCrop(x, [20, 30]), cases.center_crop_20x30, 0);
    expectClose(crop(x, -2, 3, 6, 8), cases.crop_m2_3_6_8, 0);
    expectClose(crop(x, 14, 20, 6, 8), cases.crop_14_20_6_8, 0);
    expectClose(hflip(x), cases.hflip, 0);
  });

  it('a composed ImageNet-style pipeline', () => {
    const preprocess = compose([
      toTensor,
      (t) => resize(t, 12),
      (t) => centerCrop(t, 10),
      (t) => normalize(t, mean, std),
    ]);
    expectClose(preprocess(img), cases.pipeline, 1e-5);
  });
});
