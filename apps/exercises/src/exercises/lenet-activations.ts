import { noGrad } from '@torchlet/autograd';
import type { Module, Sequential } from '@torchlet/nn';
import { Generator, rand, type Tensor, tensor, zeros } from '@torchlet/tensor';
import { DEFAULT_RUN, type Exercise, Report, toCpu } from '../report.js';
import { budgetOf, leNet, mnistDigits, trainedLeNet } from './lenet.js';

/** The outputs of the first and second convolutional blocks (after the ReLU), and the logits. */
// #region snippet activations
export function activations(net: Sequential, X: Tensor) {
  const layers = net.children() as Module[];
  const outputs: Tensor[] = [];
  noGrad(() => {
    let Y = X;
    for (const layer of layers) {
      Y = layer.forward(Y).data;
      outputs.push(Y);
    }
  });
  return { layer1: outputs[1], layer2: outputs[4], logits: outputs[outputs.length - 1], rest: layers.slice(5) };
}
export function softmax(logits: Tensor): Tensor {
  const e = logits.sub(logits.max(1, { keepdim: true })).exp();
  return e.div(e.sum(1, { keepdim: true }));
}
// #endregion

/** The first `n` test digits of class `d`, as [n, 1, 28, 28]. */
export function testDigits(d: number, n: number): Tensor {
  const { test } = mnistDigits();
  const images: number[] = [];
  for (let i = 0; i < test.count && images.length < n * 784; i++)
    if (test.labels[i] === d) images.push(...test.images.subarray(i * 784, (i + 1) * 784));
  return tensor(images).reshape([n, 1, 28, 28]);
}

/** Mean cosine similarity of the flattened rows of A and B (pairs with i < j when A is B). */
export function meanCosine(A: Tensor, B: Tensor, same: boolean): number {
  const unit = (T: Tensor) => {
    const F = T.reshape([T.shape[0], -1]);
    return F.div(F.pow(2).sum(1, { keepdim: true }).sqrt().add(1e-12));
  };
  const C = unit(A).matmul(unit(B).t()).toArray() as number[][];
  let s = 0;
  let n = 0;
  for (const [i, row] of C.entries()) {
    for (const [j, v] of row.entries()) {
      if (same && j <= i) continue;
      s += v;
      n++;
    }
  }
  return s / n;
}

export const lenetActivationsExercise: Exercise = {
  id: 'lenet-activations',
  title:
    'Exercises 4 and 5 (4 in the first edition): the activations of the first and second layer, for digits and for other images',
  section: 'lenet',
  part: 'exercise',
  summary:
    "the trained modern LeNet's layer-1 and layer-2 maps for a 1, a 7 and a 0; layer-2 codes are closer within a class than across; noise, an inverted digit and a checkerboard excite layer 1 everywhere, and still get a digit's label (less confidently than a real digit); noise piles up in one class",
  async run(options = DEFAULT_RUN) {
    const { device } = options;
    const r = new Report(this.id, this.title, this.part);
    const { net } = await trainedLeNet(
      'relu-max',
      () => leNet({ activation: 'relu', pool: 'max' }),
      budgetOf(options),
      device,
    );
    const ones = testDigits(1, 20);
    const sevens = testDigits(7, 20);
    const zerosDigits = testDigits(0, 20);
    const sevenOnDevice = activations(net, sevens.get('0:1').to(device));
    let replayOnDevice = sevenOnDevice.layer2;
    noGrad(() => {
      for (const layer of sevenOnDevice.rest) replayOnDevice = layer.forward(replayOnDevice).data;
    });
    const { replay, ...seven } = await toCpu({
      layer1: sevenOnDevice.layer1,
      layer2: sevenOnDevice.layer2,
      logits: sevenOnDevice.logits,
      replay: replayOnDevice,
    });
    const l2 = async (X: Tensor) => activations(net, X.to(device)).layer2.cpu();
    const [l2ones, l2sevens, l2zeros] = [await l2(ones), await l2(sevens), await l2(zerosDigits)];
    const within = (meanCosine(l2ones, l2ones, true) + meanCosine(l2sevens, l2sevens, true)) / 2;
    const across = (meanCosine(l2ones, l2zeros, false) + meanCosine(l2sevens, l2zeros, false)) / 2;
    r.item('digits', 'Exercise 4: the activations of the first and second layer for different inputs')
      .text(
        "The trained ReLU + max-pooling LeNet of exercise 1 (MNIST digits stand in for the book's sweaters and coats: a 1 and a 7 are the similar pair, a 0 the different one). Layer 1 (6 maps of 28x28, after the ReLU) are edge and stroke detectors: each map is the digit seen through one 5x5 kernel, bright where the stroke has that kernel's orientation. Layer 2 (16 maps of 10x10) combine them into parts of strokes, coarser and more abstract. The --png option draws every map. Across many digits, layer-2 codes of the same class are more alike than codes of different classes: that is what the fully connected layers then separate.",
      )
      .code('activations')
      .tensor('a 7', sevens.get('0, 0'))
      .tensor('layer 1 (after ReLU) of the 7', seven.layer1.get('0'))
      .tensor('layer 2 (after ReLU) of the 7', seven.layer2.get('0'))
      .value(
        'cosine',
        [Number(within.toFixed(4)), Number(across.toFixed(4))],
        `mean cosine similarity of layer-2 codes: within class (1-1, 7-7) ${within.toFixed(3)}, across (1-0, 7-0) ${across.toFixed(3)}`,
      )
      .check(
        'passing the printed layer-2 maps through the rest of the network gives its logits exactly',
        replay.equal(seven.logits),
      )
      .check(
        'ReLU outputs are non-negative and the maps have the shapes [6, 28, 28] and [16, 10, 10]',
        seven.layer1.min().item() >= 0 &&
          seven.layer1.shape.join() === '1,6,28,28' &&
          seven.layer2.shape.join() === '1,16,10,10',
      )
      .check('layer-2 codes: same class closer than different classes', within > across);
    const g = new Generator(0);
    const inputs: [string, Tensor][] = [
      ['a digit (the 7)', sevens.get('0:1')],
      ['uniform noise', rand([1, 1, 28, 28], { generator: g })],
      ['a blank image', zeros([1, 1, 28, 28])],
      ['the 7 inverted (1 - x)', sevens.get('0:1').mul(-1).add(1)],
      [
        'a checkerboard',
        tensor(
          Array.from({ length: 28 }, (_, i) =>
            Array.from({ length: 28 }, (_, j) => (Math.floor(i / 4) + Math.floor(j / 4)) % 2),
          ),
        ).reshape([1, 1, 28, 28]),
      ],
    ];
    const stats: { name: string; active: number; mean1: number; label: number; confidence: number }[] = [];
    for (const [name, X] of inputs) {
      const a = activations(net, X.to(device));
      const { layer1, p } = await toCpu({ layer1: a.layer1, p: softmax(a.logits) });
      stats.push({
        name,
        active: layer1.gt(0).sum().item() / layer1.numel,
        mean1: layer1.mean().item(),
        label: p.argmax(1).item(),
        confidence: p.max().item(),
      });
    }
    const noise = rand([100, 1, 28, 28], { generator: g });
    const noiseLabels = (await activations(net, noise.to(device)).logits.cpu()).argmax(1).toArray() as number[];
    const distinct = new Set(noiseLabels).size;
    const counts = noiseLabels.reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map<number, number>());
    const [topLabel, topCount] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
    r.item('other-images', 'Exercise 5: significantly different images')
      .text(
        "Images unlike any digit: noise, a blank image, an inverted digit (white background) and a checkerboard. A digit is mostly black background, so layer 1 responds mainly along its strokes; noise, the inverted digit and the checkerboard have contrast everywhere, so every map is busy everywhere and the mean activation is several times higher, while a blank image leaves only the biases (which is why the share of active units says little: the biases alone switch many of them on). The softmax can only spread over the ten digits, so the network still names a digit for each of them, but with less confidence than for a real digit (though not always low), and 100 noise images mostly land in one class: it has no notion of 'none of these', and its label for such inputs means nothing.",
      )
      .tensor('noise', inputs[1][1].get('0, 0'))
      .tensor('layer 1 (after ReLU) of the noise', activations(net, inputs[1][1].to(device)).layer1.get('0'))
      .value(
        'statistics',
        stats.flatMap((s) => [Number(s.active.toFixed(4)), s.label, Number(s.confidence.toFixed(4))]),
        stats
          .map(
            (s) =>
              `${s.name.padEnd(24)} layer-1 units active ${(100 * s.active).toFixed(1).padStart(5)}%, mean ${s.mean1.toFixed(3)}, predicted ${s.label} with p = ${s.confidence.toFixed(3)}`,
          )
          .join('\n'),
      )
      .value(
        'noise labels',
        noiseLabels.slice(0, 20),
        `labels of 100 noise images: ${distinct} distinct classes, ${topCount} of them ${topLabel} (first 20: ${noiseLabels.slice(0, 20).join(' ')})`,
      )
      .check(
        'noise, the inverted digit and the checkerboard excite layer 1 more than the digit (mean activation), the blank least',
        [1, 3, 4].every((i) => stats[i].mean1 > stats[0].mean1) &&
          stats.every((s, i) => i === 2 || s.mean1 > stats[2].mean1),
      )
      .check(
        'the real digit is classified correctly and more confidently than any of the other images',
        stats[0].label === 7 && stats.every((s, i) => i === 0 || s.confidence < stats[0].confidence),
      )
      .check('the noise images pile up in one class: the most frequent label takes over 40 of the 100', topCount > 40);
    return r.result();
  },
};
