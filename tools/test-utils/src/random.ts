import { type Arr, arr } from './array.js';

/** A deterministic pseudo-random generator (mulberry32) in [0, 1), so property failures replay. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random values that are multiples of 1/64 in [-2, 2] (exact in float32, like the golden inputs). */
export function randomArr(shape: number[], next: () => number): Arr {
  const a = arr(shape);
  for (let i = 0; i < a.data.length; i++) a.data[i] = Math.round((next() * 4 - 2) * 64) / 64;
  return a;
}
