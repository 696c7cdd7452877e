import { noGrad } from '@torchlet/autograd';
import { Adam, crossEntropy, type Module } from '@torchlet/nn';
import { type Device, Generator, type Tensor } from '@torchlet/tensor';
import { batches, type Digits, permutation } from './data.js';

// One training loop for every device. On webgpu the model and the images live on the GPU and the
// labels stay on the CPU (crossEntropy reads them there); the loss and the predictions are read
// back once per batch with `await x.cpu()`, the loop's only wait for the GPU (on the CPU it
// returns at once).

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
  /** Where the model trains (default `'cpu'`; `'webgpu'` needs `await initWebGPU()` first). */
  readonly device?: Device;
  /** Called after every batch with the batch index, the batch count and the running mean loss. */
  readonly onBatch?: (batch: number, batchCount: number, runningLoss: number) => void;
  /** Called after every epoch. */
  readonly onEpoch?: (result: EpochResult) => void;
}

/** How many of `labels` the rows of `logits` (on any device) predict. */
async function countCorrect(logits: Tensor, labels: Tensor): Promise<number> {
  const predicted = (await logits.cpu()).argmax(1);
  return Number(predicted.eq(labels).sum().item());
}

/** Fraction of `data` the model (on `device`) classifies correctly (evaluation mode, no graph). */
export async function accuracy(model: Module, data: Digits, device: Device = 'cpu', batchSize = 500): Promise<number> {
  model.eval();
  let correct = 0;
  const order = Int32Array.from({ length: data.count }, (_, i) => i);
  for (const batch of batches(data, batchSize, order)) {
    const logits = noGrad(() => model.forward(batch.images.to(device)).data);
    correct += await countCorrect(logits, batch.labels);
  }
  model.train();
  return correct / data.count;
}

/**
 * Trains `model` with Adam on cross-entropy on `options.device` (moving the model there first),
 * shuffling the training digits every epoch with a seeded generator, and measures train and test
 * accuracy after each epoch.
 */
export async function train(
  model: Module,
  trainSet: Digits,
  testSet: Digits,
  options: TrainOptions,
): Promise<EpochResult[]> {
  const device = options.device ?? 'cpu';
  model.to(device);
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
      const logits = model.forward(batch.images.to(device));
      const loss = crossEntropy(logits, batch.labels);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      const n = batch.labels.numel;
      lossSum += Number((await loss.data.cpu()).item()) * n;
      seen += n;
      correct += await countCorrect(logits.data, batch.labels);
      options.onBatch?.(++b, batchCount, lossSum / seen);
    }
    const result: EpochResult = {
      epoch,
      loss: lossSum / seen,
      trainAccuracy: correct / seen,
      testAccuracy: await accuracy(model, testSet, device),
      seconds: (performance.now() - started) / 1000,
    };
    results.push(result);
    options.onEpoch?.(result);
  }
  return results;
}
