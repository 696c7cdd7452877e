import { arange, Generator, type Tensor, TorchletError, tensor, zeros } from '@torchlet/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromImageData } from '../image/image-data.js';
import { compose } from './compose.js';
import { centerCrop, crop, randomCrop } from './crop.js';
import { hflip, randomHorizontalFlip } from './flip.js';
import { normalize } from './normalize.js';
import { resize, resizedSize } from './resize.js';
import { toTensor } from './to-tensor.js';

describe('resize with antialias', () => {
  it('averages every pixel when downscaling by an integer factor (a box of 2f-1 taps), and keeps constants', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), (factor, out) => {
        const n = factor * out;
        const img = arange(0, n * n, 1, { dtype: 'float64' }).reshape([1, n, n]);
        const y = resize(img, [out, out], { antialias: true });
        // Symmetric filter over a linear ramp: each output is the ramp at its pixel's centre, away from the borders.
        for (let i = 1; i < out - 1; i++) {
          const c = factor * (i + 0.5) - 0.5;
          expect(y.get(`0, ${i}, ${i}`).item()).toBeCloseTo(c * n + c, 9);
        }
        const ones = resize(zeros([2, n, n], { dtype: 'float64' }).add(3), [out, Math.max(1, out - 1)], {
          antialias: true,
        });
        expect((ones.toTypedArray() as Float64Array).every((v) => Math.abs(v - 3) < 1e-12)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });
});

describe('resizedSize (torchvision rules)', () => {
  it('matches the shorter edge, keeps the aspect ratio, caps with maxSize', () => {
    expect(resizedSize([480, 640], 256)).toEqual([256, 341]);
    expect(resizedSize([640, 480], 256)).toEqual([341, 256]);
    expect(resizedSize([100, 100], 10)).toEqual([10, 10]);
    expect(resizedSize([100, 300], 50, 120)).toEqual([40, 120]);
    expect(resizedSize([5, 7], [3, 2])).toEqual([3, 2]);
    expect(() => resizedSize([5, 7], [3, 2], 10)).toThrow(/maxSize should only be passed/);
    expect(() => resizedSize([5, 7], 10, 10)).toThrow(/strictly greater/);
    expect(() => resizedSize([5, 7], 0)).toThrow(TorchletError);
  });
});

describe('transforms', () => {
  it('random crops are windows of the (padded) input, reproducible from a generator', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 5 }), (seed, size) => {
        const img = arange(36).reshape([1, 6, 6]);
        const a = randomCrop(img, size, { generator: new Generator(seed) });
        const b = randomCrop(img, size, { generator: new Generator(seed) });
        expect(a.equal(b)).toBe(true);
        const top = Math.floor((a.toTypedArray()[0] as number) / 6);
        const left = (a.toTypedArray()[0] as number) % 6;
        expect(a.equal(crop(img, top, left, size, size))).toBe(true);
      }),
      { numRuns: 50 },
    );
    const padded = randomCrop(zeros([3, 4, 4]).add(1), 8, { padding: 2, generator: new Generator(0) });
    expect(padded.sum().item()).toBe(3 * 16);
    expect(randomCrop(zeros([1, 2, 3]), [4, 5], { padIfNeeded: true, generator: new Generator(0) }).shape).toEqual([
      1, 4, 5,
    ]);
    expect(() => randomCrop(zeros([1, 2, 2]), 3)).toThrow(/larger than the input image/);
  });

  it('random flips flip about half the time and follow the generator', () => {
    const g = new Generator(3);
    const img = tensor([[[1, 2]]]);
    let flips = 0;
    for (let i = 0; i < 400; i++) if (randomHorizontalFlip(img, { generator: g }).toTypedArray()[0] === 2) flips++;
    expect(flips).toBeGreaterThan(150);
    expect(flips).toBeLessThan(250);
    expect(hflip(hflip(arange(6).reshape([2, 3]))).equal(arange(6).reshape([2, 3]))).toBe(true);
    expect(() => randomHorizontalFlip(img, { p: 2 })).toThrow(TorchletError);
  });

  it('validates inputs with named errors', () => {
    expect(() => toTensor(zeros([1, 2, 3, 4]))).toThrow(
      'toTensor: expected an image [H, W, C] or [H, W], got img [1,2,3,4]',
    );
    expect(() => normalize(zeros([3, 2, 2]), [0, 0], [1, 1, 1])).toThrow(
      'normalize: mean has 2 values but img has 3 channels',
    );
    expect(() => normalize(zeros([3, 2, 2]), 0, 0)).toThrow(/division by zero/);
    expect(() => normalize(zeros([3, 2, 2], { dtype: 'int32' }), 0, 1)).toThrow(/use toTensor first/);
    expect(() => resize(zeros([4]), 2)).toThrow(TorchletError);
    expect(() => resize(zeros([1, 4, 4]), 2, { interpolation: 'nearest', antialias: true })).toThrow(
      "resize: antialias is only supported with interpolation 'bilinear', not 'nearest'",
    );
    expect(() => resize(zeros([1, 4, 4]), 2, { antialias: 'yes' as unknown as boolean })).toThrow(TorchletError);
    expect(() => centerCrop(zeros([1, 4, 4]), 0)).toThrow(TorchletError);
    expect(() => compose([1 as unknown as (x: Tensor) => Tensor])).toThrow(TorchletError);
    expect(() => fromImageData({ width: 2, height: 2, data: new Uint8ClampedArray(4) })).toThrow(
      'fromImageData: expected 2x2 RGBA pixels (16 bytes), got 4 bytes',
    );
  });

  it('resize of a batch resizes every image alike, and the same size is the identity', () => {
    const batch = arange(2 * 3 * 5 * 7)
      .to('float32')
      .reshape([2, 3, 5, 7]);
    const r = resize(batch, [4, 9]);
    expect(r.shape).toEqual([2, 3, 4, 9]);
    expect(r.get('1, 2').equal(resize(batch.get('1, 2').contiguous(), [4, 9]))).toBe(true);
    expect(resize(batch, [5, 7]).equal(batch)).toBe(true);
  });
});

describe('bad sizes are refused before allocating, with a TorchletError naming the argument', () => {
  it('resize, crop, centerCrop and randomCrop name the argument and the output shape', () => {
    const img = zeros([1, 1, 4, 4]);
    const bad = (f: () => unknown, message: RegExp): void => {
      expect(f).toThrow(TorchletError);
      expect(f).toThrow(message);
    };
    bad(() => resize(img, 2147483648), /^resize: the output \[1, 1, 2147483648, 2147483648\] of img \[1,1,4,4\]/);
    bad(() => resize(img, [2 ** 20, 2 ** 20]), /over the limit of \d+ elements; raise it with setMaxElements/);
    bad(() => crop(img, 0, 0, 2 ** 20, 2 ** 20), /^crop: the output \[1, 1, 1048576, 1048576\]/);
    bad(() => centerCrop(img, 2147483648), /^centerCrop: the output \[1, 1, 2147483648, 2147483648\]/);
    bad(() => randomCrop(img, 2, { padding: 2 ** 30 }), /^randomCrop: the output \[1, 1, 2147483652, 2147483652\]/);
    bad(() => randomCrop(img, 2 ** 30, { padIfNeeded: true }), /^randomCrop: the output/);
    bad(() => resizedSize(5 as unknown as [number, number], 3), /^resize: imageSize must be \[height, width\]/);
    bad(() => resize(zeros([1, 0, 3]), 2), /^resize: cannot resize an empty image, got img \[1,0,3\]/);
    bad(
      () => resize(img, 3n as unknown as number),
      /^resize: size must be a positive integer or a pair of them, got 3n/,
    );
    bad(() => fromImageData({ width: Symbol('w'), height: 2, data: [] } as never), /got Symbol\(w\)x2/);
    bad(() => fromImageData({ width: 1, height: 1, data: 5 } as never), /got undefined bytes/);
    // Sizes that fit, padded or not, still work.
    expect(resize(img, [3, 5]).shape).toEqual([1, 1, 3, 5]);
    expect(centerCrop(img, 6).shape).toEqual([1, 1, 6, 6]);
  });
});
