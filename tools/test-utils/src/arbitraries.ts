import fc from 'fast-check';
import type { FloatDType } from './layouts.js';

/** `n` values that are exact in float32: multiples of 1/64 in [-2, 2], as a Float64Array. */
export const exactValuesArb = (n: number): fc.Arbitrary<Float64Array> =>
  fc
    .array(fc.integer({ min: -128, max: 128 }), { minLength: n, maxLength: n })
    .map((a) => Float64Array.from(a, (v) => v / 64));

/** A pair of integers in [min, max], e.g. a random `[h, w]` stride or kernel size. */
export const intPairArb = (min: number, max: number): fc.Arbitrary<[number, number]> =>
  fc.tuple(fc.integer({ min, max }), fc.integer({ min, max }));

/** Either float dtype. */
export const floatDTypeArb: fc.Arbitrary<FloatDType> = fc.constantFrom<FloatDType>('float32', 'float64');
