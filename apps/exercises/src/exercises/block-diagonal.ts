import { conv2d as conv2dVariable, variable } from '@torchlet/autograd';
import { conv2d } from '@torchlet/ops';
import { Generator, randn, type Tensor, tensor, zeros } from '@torchlet/tensor';
import { type Exercise, maxAbsDiff, Report } from '../report.js';

/** A c x c block-diagonal matrix with b blocks is a 1x1 convolution with b groups. */
// #region snippet block-diagonal
export function blockDiagonal(W: Tensor, blocks: number): Tensor {
  const c = W.shape[0]; // W: the grouped weight [c, c / b, 1, 1]
  const m = c / blocks;
  const dense = zeros([c, c], { dtype: W.dtype });
  for (let g = 0; g < blocks; g++)
    dense.set(`${g * m}:${(g + 1) * m}, ${g * m}:${(g + 1) * m}`, W.get(`${g * m}:${(g + 1) * m}, :, 0, 0`));
  return dense;
}
export function channelShuffle(X: Tensor, blocks: number): Tensor {
  const [n, c, h, w] = X.shape; // [n, b, c/b, h, w] -> [n, c/b, b, h, w]: each new group takes one channel of every group
  return X.reshape([n, blocks, c / blocks, h, w])
    .transpose(1, 2)
    .reshape([n, c, h, w]);
}
// #endregion

/** Which inputs each output depends on after `layers` grouped 1x1 layers (with or without shuffles). */
// #region snippet dependencies
export function dependencies(c: number, blocks: number, layers: number, shuffle: boolean): number[][] {
  const g = new Generator(7);
  const weights = Array.from({ length: layers }, () =>
    randn([c, c / blocks, 1, 1], { generator: g, dtype: 'float64' }),
  );
  return Array.from({ length: c }, (_, o) => {
    const x = variable(randn([1, c, 1, 1], { generator: g, dtype: 'float64' }), { requiresGrad: true });
    let y = x;
    weights.forEach((w, l) => {
      y = conv2dVariable(y, w, null, { groups: blocks });
      if (shuffle && l < layers - 1)
        y = y
          .reshape([1, blocks, c / blocks, 1, 1])
          .transpose(1, 2)
          .reshape([1, c, 1, 1]);
    });
    y.get(`0, ${o}, 0, 0`).backward();
    return Array.from((x.grad as Tensor).toTypedArray() as Float64Array, (v) => (v !== 0 ? 1 : 0));
  });
}
// #endregion

export const blockDiagonalExercise: Exercise = {
  id: 'block-diagonal',
  title: 'Exercise 7: multiplying by a block-diagonal matrix',
  section: 'channels',
  part: 'exercise',
  summary:
    'b blocks: c^2/b multiplications, b times fewer (a grouped 1x1 convolution); the groups never talk; channel shuffles (ShuffleNet) or a dense 1x1 layer mix them again',
  cpuOnly:
    'it works in float64 (grouped conv against the block-diagonal product to 1e-12, dependency matrices by float64 autograd), and WebGPU has no 64-bit floats',
  async run() {
    const r = new Report(this.id, this.title, this.part);
    const c = 8;
    const b = 4;
    const g = new Generator(0);
    const W = randn([c, c / b, 1, 1], { generator: g, dtype: 'float64' });
    const X = randn([1, c, 5, 6], { generator: g, dtype: 'float64' });
    const dense = blockDiagonal(W, b);
    const grouped = conv2d(X, W, null, { groups: b });
    const byMatrix = dense.matmul(X.reshape([c, 30])).reshape([1, c, 5, 6]);
    r.item('speed', '1: how much faster?')
      .text(
        'A dense c x c matrix costs c^2 multiplications per vector. With b blocks of size (c/b) x (c/b) on the diagonal only b (c/b)^2 = c^2/b entries are non-zero: b times faster (and b times fewer parameters). In a network this is a grouped convolution: a 1x1 convolution with groups = b multiplies every pixel by a block-diagonal matrix. Here c = 8, b = 4.',
      )
      .code('block-diagonal')
      .tensor('blockDiagonal(W, 4)', dense.to('float32'))
      .value('multiplications', [c * c, W.numel], `per pixel: dense ${c * c}, block-diagonal ${W.numel} (= c^2 / b)`)
      .check(
        'conv2d with groups = 4 equals the block-diagonal matrix product (|diff| < 1e-12)',
        maxAbsDiff(grouped, byMatrix) < 1e-12,
      )
      .check('the grouped weight has c^2 / b entries', W.numel === (c * c) / b);
    const plain = [1, 2, 3].map((L) => dependencies(c, b, L, false));
    const shuffled = [1, 2, 3].map((L) => dependencies(c, b, L, true));
    const fraction = (m: number[][]) => m.flat().reduce((s, v) => s + v, 0) / (c * c);
    const xs = randn([1, c, 2, 2], { generator: g });
    r.item('downside', '2: the downside, and a fix')
      .text(
        'The blocks never exchange information: output group g depends only on input group g, and stacking more grouped layers does not change that, so the network splits into b independent narrow networks. Fixes: shuffle the channels between grouped layers so that each group draws from every group (ShuffleNet), or follow the grouped layer by a dense 1x1 layer (as ResNeXt and MobileNet do with their pointwise convolutions). The dependency matrices below are measured with autograd (1 where d output / d input is non-zero); with shuffles the fraction of connected pairs grows as (c/b)^L / c: 1/4, 1/2, 1.',
      )
      .code('dependencies')
      .tensor('dependencies after 3 grouped layers', tensor(plain[2]))
      .tensor('dependencies after 3 grouped layers with shuffles', tensor(shuffled[2]))
      .value(
        'connected',
        shuffled.map(fraction),
        `fraction of connected (output, input) pairs without shuffles: ${plain.map(fraction).join(', ')}; with: ${shuffled.map(fraction).join(', ')}`,
      )
      .check(
        'without shuffles: block diagonal (1/4 connected) at any depth',
        plain.every((m) => fraction(m) === 1 / b),
      )
      .check('with shuffles: 1/4, 1/2, 1 after 1, 2, 3 layers', shuffled.map(fraction).join() === [0.25, 0.5, 1].join())
      .check(
        'channelShuffle with b, then with c/b, gives the input back (a permutation)',
        channelShuffle(channelShuffle(xs, b), c / b).equal(xs) && !channelShuffle(xs, b).equal(xs),
      );
    return r.result();
  },
};
