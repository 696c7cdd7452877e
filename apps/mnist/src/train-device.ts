import { noGrad } from '@torchlet/autograd';
import { Adam, crossEntropy, type Module } from '@torchlet/nn';
import { type Device, Generator, type Tensor } from '@torchlet/tensor';
import { batches, type Digits, permutation } from './data.js';
import type { EpochResult, TrainOptions } from './train.js';

// The training loop of train.ts on any device. On webgpu the model and the images live on the GPU
// and the labels stay on the CPU (crossEntropy reads them there); the loss and the predictions are
// read back once per batch, which is the loop's only wait for the GPU.

/** How many of `labels` the rows of `logits` (on any device) predict, read back asynchronously. */
async function countCorrect(logits: Tensor, labels: Tensor): Promise<number> {
  const predicted = (await logits.cpu()).argmax(1);
  return predicted.eq(labels).sum().item();
}

/** {@link accuracy} of train.ts on the model's device. */
export async function accuracyOn(device: Device, model: Module, data: Digits, batchSize = 500): Promise<number> {
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
 * {@link train} of train.ts on `device`: moves the model there first (`'webgpu'` needs `await
 * initWebGPU()`), then trains with Adam on cross-entropy with the same shuffling and reports.
 */
export async function trainOn(
  device: Device,
  model: Module,
  trainSet: Digits,
  testSet: Digits,
  options: TrainOptions,
): Promise<EpochResult[]> {
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
      lossSum += (await loss.data.cpu()).item() * n;
      seen += n;
      correct += await countCorrect(logits.data, batch.labels);
      options.onBatch?.(++b, batchCount, lossSum / seen);
    }
    const result: EpochResult = {
      epoch,
      loss: lossSum / seen,
      trainAccuracy: correct / seen,
      testAccuracy: await accuracyOn(device, model, testSet),
      seconds: (performance.now() - started) / 1000,
    };
    results.push(result);
    options.onEpoch?.(result);
  }
  return results;
}
