import { noGrad } from '@torchlet/autograd';
import { Adam, crossEntropy, type Module } from '@torchlet/nn';
import { Generator } from '@torchlet/tensor';
import { batches, type Digits, permutation } from './data.js';

/** What one epoch reports. */
export interface EpochResult {
  readonly epoch: number;
  readonly loss: number;
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  readonly seconds: number;
}

/** Options of {@link train}. */
export interface TrainOptions {
  readonly epochs: number;
  readonly batchSize?: number;
  readonly lr?: number;
  readonly seed?: number;
  /** Called after every batch with the batch index, the batch count and the running mean loss. */
  readonly onBatch?: (batch: number, batchCount: number, runningLoss: number) => void;
  /** Called after every epoch. */
  readonly onEpoch?: (result: EpochResult) => void;
}

/** Fraction of `data` the model classifies correctly (evaluation mode, no graph). */
export function accuracy(model: Module, data: Digits, batchSize = 500): number {
  model.eval();
  let correct = 0;
  const order = Int32Array.from({ length: data.count }, (_, i) => i);
  noGrad(() => {
    for (const batch of batches(data, batchSize, order)) {
      const predicted = model.forward(batch.images).data.argmax(1);
      correct += predicted.eq(batch.labels).sum().item();
    }
  });
  model.train();
  return correct / data.count;
}

/**
 * Trains `model` with Adam on cross-entropy, shuffling the training digits every epoch with a
 * seeded generator, and measures train and test accuracy after each epoch.
 */
export function train(model: Module, trainSet: Digits, testSet: Digits, options: TrainOptions): EpochResult[] {
  const batchSize = options.batchSize ?? 64;
  const optimizer = new Adam(model.parameters(), { lr: options.lr ?? 1e-3 });
  const generator = new Generator(options.seed ?? 0);
  const results: EpochResult[] = [];
  const batchCount = Math.ceil(trainSet.count / batchSize);
  model.train();
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const started = performance.now();
    let lossSum = 0;
    let seen = 0;
    let correct = 0;
    let b = 0;
    for (const batch of batches(trainSet, batchSize, permutation(trainSet.count, generator))) {
      const logits = model.forward(batch.images);
      const loss = crossEntropy(logits, batch.labels);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      const n = batch.labels.numel;
      lossSum += loss.item() * n;
      seen += n;
      correct += logits.data.argmax(1).eq(batch.labels).sum().item();
      options.onBatch?.(++b, batchCount, lossSum / seen);
    }
    const result: EpochResult = {
      epoch,
      loss: lossSum / seen,
      trainAccuracy: correct / seen,
      testAccuracy: accuracy(model, testSet),
      seconds: (performance.now() - started) / 1000,
    };
    results.push(result);
    options.onEpoch?.(result);
  }
  return results;
}
