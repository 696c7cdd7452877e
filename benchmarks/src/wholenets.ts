// The `wholenets` family (issue 12's whole networks and native anchor): @torchlet/vision's
// ResNet-18 and MobileNetV2 (seeded weights, 1000 classes, 224x224) end to end.
//
// - forward at batch 1 and 8: torchlet in eval mode under `noGrad` (1 thread, every core) against
//   onnxruntime-web running `exportOnnx` of the same model (the wasm build; 1 intra-op thread,
//   every core; see ort.ts) and PyTorch when installed (a subprocess, see pytorch.ts;
//   `torch.set_num_threads` 1 and every core) on the same weights (safetensors). Every peer's output
//   is compared with torchlet's first and the peer's row fails (MISMATCH) beyond 1e-3 relative to
//   max |y|; only then is it timed.
// - one SGD training step (forward, crossEntropy, zeroGrad, backward, step) at batch 8: torchlet and
//   PyTorch (onnxruntime-web runs inference only). The check column is each side's first-step loss.
// - the LeNet epoch at apps/mnist's settings (batch 32, Adam 2e-3, the 8,000 digits): torchlet and
//   PyTorch from the same initial weights; the check column is the test accuracy after the epoch.
// tfjs cannot load ONNX (and has no MobileNetV2/ResNet-18 with these weights), so it is not here.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { noGrad } from '@torchlet/autograd';
import { getThreads } from '@torchlet/kernels';
import { crossEntropy, SGD, saveSafetensors } from '@torchlet/nn';
import { fromStorage, Generator } from '@torchlet/tensor';
import { type EpochConfig, epochSettings, torchletContender, torchletLenet } from './bench-lenet.js';
import type { Contender, HarnessOptions, Prepared, PyTorchName, TorchletName, Workload } from './harness.js';
import { mnistEpochData } from './mnist.js';
import { ortContenders } from './ort.js';
import { findTorch, NO_TORCH, PyTorchWorker, pytorchThreads } from './pytorch.js';
import { LENET_PYTORCH_EPOCH, WHOLE_NETS } from './shapes.js';
import { applyConfig, configEnter, TORCHLET_CONFIGS, torchletContenders, waitForThreads } from './torchlet.js';
import {
  buildNet,
  checkAgreement,
  type ForwardArtifacts,
  forwardArtifacts,
  inputShape,
  netInput,
  netInputData,
  netLabels,
  type WholeNetCase,
} from './wholenet-models.js';

/** The table label of a network. */
export const NET_LABELS: Readonly<Record<WholeNetCase['net'], string>> = {
  resnet18: 'ResNet-18',
  mobilenetV2: 'MobileNetV2',
};

/** The workload names of the family (the table matches forward and training rows by shape). */
export const WHOLE_NET_WORKLOADS = {
  forward: 'forward (eval, noGrad)',
  train: 'training step (SGD, crossEntropy)',
  lenet: 'LeNet epoch vs PyTorch',
} as const;

/** `ResNet-18 [8,3,224,224]`. */
export function wholeNetShape(c: WholeNetCase): string {
  return `${NET_LABELS[c.net]} [${inputShape(c).join(',')}]`;
}

// One scratch directory per process for the files PyTorch reads (weights, inputs, outputs),
// removed at exit (or by removeScratch: a test runner's workers may not exit).
let scratch: string | undefined;

/** Deletes the scratch directory of the PyTorch files, if any. */
export function removeScratch(): void {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
}

function scratchFile(name: string, bytes?: Uint8Array | ArrayBufferView): string {
  if (!scratch) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'torchlet-bench-'));
    scratch = dir;
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  const file = path.join(scratch, name);
  if (bytes) writeFileSync(file, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return file;
}

/** What a PyTorch workload asks of the worker. */
interface PyTorchTask {
  /** The `setup` request (files already written). */
  readonly setup: () => Record<string, unknown>;
  /** Compare the eval output with this (torchlet's) before timing; the row fails on a mismatch. */
  readonly reference?: () => Float32Array;
  /** Fresh model and optimizer before every sample (an epoch from the same start). */
  readonly resetEachSample?: boolean;
  /** Read the worker's sanity number after the samples (first loss, test accuracy). */
  readonly metric?: boolean;
}

/** The two PyTorch contenders (1 thread, every core); `skipped` without torch. */
export function pytorchContenders(task: PyTorchTask): Contender[] {
  const threads = pytorchThreads();
  return (['pytorch-1t', 'pytorch'] as const).map(
    (name: PyTorchName): Contender => ({
      name,
      threads: () => threads[name],
      prepare: async (): Promise<Prepared> => {
        const info = findTorch();
        if (!info) throw new Error(NO_TORCH);
        const worker = new PyTorchWorker(info.python, threads[name]);
        let output: Float32Array | undefined;
        let difference: number | undefined;
        try {
          await worker.request({ cmd: 'setup', threads: threads[name], ...task.setup() });
          if (task.reference) {
            const file = scratchFile(`out-${name}.f32`);
            await worker.request({ cmd: 'output', path: file });
            const b = readFileSync(file);
            output = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
            difference = checkAgreement(name, output, task.reference());
          }
        } catch (err) {
          worker.close();
          throw err;
        }
        const out = output;
        return {
          ...(task.resetEachSample
            ? {
                enter: async () => {
                  await worker.request({ cmd: 'reset' });
                },
              }
            : {}),
          run: () => worker.request({ cmd: 'run' }),
          ...(out ? { output: () => out } : {}),
          ...(task.metric
            ? { metric: async () => Number((await worker.request({ cmd: 'metric' })).value ?? Number.NaN) }
            : difference !== undefined
              ? { metric: () => difference }
              : {}),
          dispose: () => worker.close(),
        };
      },
    }),
  );
}

/** Builds once, on first use, what every contender of one forward workload shares. */
function lazyArtifacts(c: WholeNetCase): { get: () => ForwardArtifacts; release: () => void } {
  let a: ForwardArtifacts | undefined;
  return {
    get: () => {
      a ??= forwardArtifacts(c);
      return a;
    },
    release: () => {
      a = undefined;
    },
  };
}

/** Runs after the contender's `dispose`: frees the shared artifacts once the workload is done. */
function releasing(cs: readonly Contender[], release: () => void): Contender[] {
  return cs.map((c) => ({
    ...c,
    prepare: async () => {
      const p = await c.prepare();
      return {
        ...p,
        dispose: () => {
          p.dispose?.();
          release();
        },
      };
    },
  }));
}

/** The forward workload of one network at one batch. */
export function forwardWorkload(c: WholeNetCase): Workload {
  const art = lazyArtifacts(c);
  const torchlet = torchletContenders(
    () => {
      const a = art.get();
      return () => noGrad(() => a.model.forward(a.input)).data;
    },
    { skip: ['torchlet-js'] },
  ).map(
    (t): Contender => ({
      ...t,
      prepare: async () => {
        const p = await t.prepare();
        return { ...p, metric: () => 0 };
      },
    }),
  );
  const ort = ortContenders(() => {
    const a = art.get();
    return { model: a.onnx, input: a.inputData, inShape: inputShape(c) };
  }).map(
    (o): Contender => ({
      ...o,
      prepare: async () => {
        const p = await o.prepare();
        let difference: number;
        try {
          difference = checkAgreement(o.name, (await p.output?.()) ?? [], art.get().reference);
        } catch (err) {
          p.dispose?.();
          throw err;
        }
        return { ...p, metric: () => difference };
      },
    }),
  );
  const pytorch = pytorchContenders({
    setup: () => {
      const a = art.get();
      return {
        task: 'forward',
        net: c.net,
        numClasses: c.numClasses,
        weights: scratchFile(`${c.net}.safetensors`, a.safetensors),
        input: scratchFile(`${c.net}-${c.batch}.f32`, a.inputData),
        inputShape: inputShape(c),
      };
    },
    reference: () => art.get().reference,
  });
  return {
    family: 'wholenets',
    name: WHOLE_NET_WORKLOADS.forward,
    shape: wholeNetShape(c),
    metric: 'max rel diff',
    contenders: releasing([...torchlet, ...ort, ...pytorch], art.release),
  };
}

/** A training step's run settings: at most `trainRuns` samples, every step a sample (prepare warms up). */
export function trainSettings(o: HarnessOptions): Partial<HarnessOptions> {
  return { runs: Math.min(o.runs, WHOLE_NETS.trainRuns), warmupMs: 0, slowCallMs: 0, budgetMs: o.budgetMs * 2 };
}

/** torchlet's training step on one configuration: its own model, SGD with momentum. */
function torchletTrainContender(name: TorchletName, c: WholeNetCase): Contender {
  const config = TORCHLET_CONFIGS[name];
  let threads = 1;
  return {
    name,
    threads: () => threads,
    prepare: async (): Promise<Prepared> => {
      applyConfig(config);
      threads = getThreads();
      await waitForThreads();
      const model = buildNet(c).train();
      const x = netInput(c);
      const labels = fromStorage(netLabels(c), [c.batch]);
      const optimizer = new SGD(model.parameters(), WHOLE_NETS.sgd);
      const step = (): number => {
        const loss = crossEntropy(model.forward(x), labels);
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        return loss.item();
      };
      const firstLoss = step();
      return { enter: configEnter(config, step), run: step, metric: () => firstLoss };
    },
  };
}

/** One SGD training step of one network at the training batch. */
export function trainWorkload(c: WholeNetCase): Workload {
  return {
    family: 'wholenets',
    name: WHOLE_NET_WORKLOADS.train,
    shape: wholeNetShape(c),
    metric: 'first loss',
    settings: trainSettings,
    contenders: [
      torchletTrainContender('torchlet-wasm-1t', c),
      torchletTrainContender('torchlet-wasm', c),
      ...pytorchContenders({
        setup: () => {
          const model = buildNet(c);
          return {
            task: 'train',
            net: c.net,
            numClasses: c.numClasses,
            weights: scratchFile(`${c.net}-train.safetensors`, saveSafetensors(model.stateDict())),
            input: scratchFile(`${c.net}-train-${c.batch}.f32`, netInputData(c)),
            inputShape: inputShape(c),
            labels: scratchFile(`${c.net}-labels-${c.batch}.i32`, netLabels(c)),
            ...WHOLE_NETS.sgd,
          };
        },
        metric: true,
      }),
    ],
  };
}

/** The LeNet epoch at apps/mnist's settings, torchlet against PyTorch from the same initial weights. */
export function lenetPytorchWorkload(): Workload {
  const { trainSize, batchSize, lr, seed, label } = LENET_PYTORCH_EPOCH;
  let config: EpochConfig | undefined;
  const data = (): EpochConfig => {
    if (!config) {
      const { train, test } = mnistEpochData(trainSize, seed);
      config = { train, test, batchSize, lr, seed };
    }
    return config;
  };
  const lazyTorchlet = (name: TorchletName): Contender => {
    let inner: Contender | undefined;
    return {
      name,
      threads: () => (name === 'torchlet-wasm-1t' ? 1 : os.availableParallelism()),
      prepare: () => {
        inner ??= torchletContender(name, data());
        return inner.prepare();
      },
    };
  };
  return {
    family: 'wholenets',
    name: WHOLE_NET_WORKLOADS.lenet,
    shape: `${label} [${trainSize},1,28,28], batch ${batchSize}, Adam ${lr}`,
    metric: 'test acc',
    settings: epochSettings,
    contenders: [
      lazyTorchlet('torchlet-wasm-1t'),
      lazyTorchlet('torchlet-wasm'),
      ...pytorchContenders({
        setup: () => {
          const d = data();
          const weights = saveSafetensors(torchletLenet(new Generator(seed)).stateDict());
          return {
            task: 'lenet-epoch',
            net: 'lenet',
            weights: scratchFile('lenet.safetensors', weights),
            trainImages: scratchFile('mnist-train.f32', d.train.images),
            trainLabels: scratchFile('mnist-train.i32', d.train.labels),
            testImages: scratchFile('mnist-test.f32', d.test.images),
            testLabels: scratchFile('mnist-test.i32', d.test.labels),
            trainCount: d.train.count,
            testCount: d.test.count,
            batchSize,
            lr,
          };
        },
        resetEachSample: true,
        metric: true,
      }),
    ],
  };
}

/** The cases of the family: every network at every batch (forward) and at the training batch. */
export function wholeNetCases(): { forward: WholeNetCase[]; train: WholeNetCase[] } {
  const { nets, numClasses, size, batches, trainBatch } = WHOLE_NETS;
  return {
    forward: nets.flatMap((net) => batches.map((batch) => ({ net, numClasses, size, batch }))),
    train: nets.map((net) => ({ net, numClasses, size, batch: trainBatch })),
  };
}

/** The `wholenets` family's workloads: forwards, training steps, then the LeNet epoch. */
export function wholeNetWorkloads(): Workload[] {
  const { forward, train } = wholeNetCases();
  return [...forward.map(forwardWorkload), ...train.map(trainWorkload), lenetPytorchWorkload()];
}
