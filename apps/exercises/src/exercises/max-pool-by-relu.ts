import { Conv2d, MaxPool2d, ReLU, Sequential } from '@torchlet/nn';
import { maxPool2d } from '@torchlet/ops';
import { Generator, randint, randn, type Tensor, tensor, zeros } from '@torchlet/tensor';
import { DEFAULT_RUN, type Exercise, maxAbsDiff, Report, toCpu } from '../report.js';

/** Any convolution (with bias) is affine: f(A + B) + f(0) = f(A) + f(B). */
// #region snippet affine-test
export async function affineDefect(f: (X: Tensor) => Tensor, A: Tensor, B: Tensor): Promise<number> {
  const lhs = f(A.add(B)).add(f(zeros(A.shape, { device: A.device })));
  const defect = lhs
    .sub(f(A).add(f(B)))
    .abs()
    .max();
  return (await defect.cpu()).item(); // reading a GPU tensor is asynchronous
}
// #endregion

/**
 * Max-pooling from convolutions and ReLUs, as a knockout tournament: each round pairs up the
 * values and uses max(a, b) = relu(a) - relu(-a) + relu(b - a) (a leftover x passes as
 * relu(x) - relu(-x)). A round is a convolution making the channels a, -a, b - a (and x, -x), then
 * a ReLU; the next round's convolution first adds them back up (both maps are linear, so they fuse
 * into one 1x1 convolution). Works per channel: feed [N*C, 1, H, W].
 */
// #region snippet max-by-relu
export function maxPoolByReLU(kh: number, kw: number): Sequential {
  const layers: (Conv2d | ReLU)[] = [];
  let n = kh * kw; // values in play
  let recover: number[][] = []; // values = recover @ (ReLU outputs of the last round); [] before the first
  while (n > 1) {
    const pre: number[][] = []; // this round's channels as combinations of the values
    const next: number[][] = []; // the next values as combinations of this round's channels
    for (let v = 0; v + 1 < n; v += 2) {
      const row = (coeffs: [number, number][]) =>
        Array.from({ length: n }, (_, i) => coeffs.find(([j]) => j === i)?.[1] ?? 0);
      const c = pre.length;
      pre.push(
        row([[v, 1]]),
        row([[v, -1]]),
        row([
          [v, -1],
          [v + 1, 1],
        ]),
      ); // a, -a, b - a
      next.push([c, 1, c + 1, -1, c + 2, 1]);
    }
    if (n % 2 === 1) {
      const c = pre.length;
      pre.push(
        Array.from({ length: n }, (_, i) => (i === n - 1 ? 1 : 0)),
        Array.from({ length: n }, (_, i) => (i === n - 1 ? -1 : 0)),
      );
      next.push([c, 1, c + 1, -1]);
    }
    layers.push(convFrom(recover.length === 0 ? pre : matmul(pre, recover), recover.length === 0 ? [kh, kw] : [1, 1]));
    layers.push(new ReLU());
    recover = next.map((pairs) => {
      const row = new Array<number>(pre.length).fill(0);
      for (let i = 0; i < pairs.length; i += 2) row[pairs[i]] = pairs[i + 1];
      return row;
    });
    n = next.length;
  }
  layers.push(convFrom(recover, [1, 1]));
  return new Sequential(...layers);
}
// #endregion

function matmul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
}

/** A bias-free convolution with fixed weights: rows of `w` are the output channels (inputs x kh x kw, flattened). */
function convFrom(w: number[][], [kh, kw]: [number, number]): Conv2d {
  const cIn = w[0].length / (kh * kw);
  const conv = new Conv2d(cIn, w.length, [kh, kw], { stride: [kh, kw], bias: false });
  conv.weight.data.copyInPlace(tensor(w).reshape([w.length, cIn, kh, kw]));
  return conv;
}

/** Conv layers, ReLU layers and the channels of each conv output. */
export function describeNet(net: Sequential): { convs: number; relus: number; channels: number[] } {
  const mods = [...net.children()];
  const convs = mods.filter((m): m is Conv2d => m instanceof Conv2d);
  return { convs: convs.length, relus: mods.length - convs.length, channels: convs.map((c) => c.weight.data.shape[0]) };
}

export const maxPoolByReLUExercise: Exercise = {
  id: 'max-pool-by-relu',
  title: 'Exercises 2 and 3 (first edition: 2): max-pooling is not a convolution, but convolutions and ReLUs make it',
  section: 'pooling',
  part: 'exercise',
  summary:
    'convolutions are affine and max is not (max(A + B) = 1, max(A) + max(B) = 2); max(a, b) = a + relu(b - a); a 2x2 max-pool from 3 convs and 2 ReLUs (6, 3, 1 channels), a 3x3 one from 5 convs and 4 ReLUs (14, 8, 5, 3, 1)',
  async run({ device } = DEFAULT_RUN) {
    const r = new Report(this.id, this.title, this.part);
    const A = tensor(
      [
        [
          [
            [1, 0],
            [0, 0],
          ],
        ],
      ],
      { device },
    );
    const B = tensor(
      [
        [
          [
            [0, 1],
            [0, 0],
          ],
        ],
      ],
      { device },
    );
    const pool = (X: Tensor) => maxPool2d(X, 2);
    const g = new Generator(0);
    const conv = new Conv2d(1, 1, 2, { stride: 2, generator: g }).to(device);
    const convFn = (X: Tensor) => conv.forward(X).data;
    const RA = randn([1, 1, 6, 6], { generator: g, dtype: 'float32', device });
    const RB = randn([1, 1, 6, 6], { generator: g, dtype: 'float32', device });
    const convDefect = await affineDefect(convFn, RA, RB);
    const poolDefect = await affineDefect(pool, A, B);
    r.item('not-conv', 'Exercise 2: max-pooling cannot be a convolution')
      .text(
        'Proof: a convolution (with bias) is an affine map f(X) = W X + b, so f(A + B) + f(0) = f(A) + f(B) for all A and B. Max-pooling breaks this: for the 2x2 windows A = [[1, 0], [0, 0]] and B = [[0, 1], [0, 0]], max(A + B) + max(0) = 1 + 0, but max(A) + max(B) = 2. So no choice of kernel and bias computes it (the first edition asks whether it can be done as a special case of a convolution layer: not by the convolution alone, see exercise 3 for what it takes).',
      )
      .code('affine-test')
      .value(
        'conv defect',
        convDefect,
        `random Conv2d(1, 1, 2, { stride: 2 }) on random 6x6 A, B: max |f(A + B) + f(0) - f(A) - f(B)| = ${convDefect.toExponential(2)}`,
      )
      .value('pool defect', poolDefect, `maxPool2d(X, 2) on A, B: max |f(A + B) + f(0) - f(A) - f(B)| = ${poolDefect}`)
      .check('the convolution passes the affine test (float32 rounding only, < 1e-5)', convDefect < 1e-5)
      .check('max-pooling fails it by exactly 1', poolDefect === 1);
    const net2 = maxPoolByReLU(2, 2).to(device);
    const net3 = maxPoolByReLU(3, 3).to(device);
    const Xint = randint(-50, 50, [2, 3, 12, 12], { generator: g }).to('float32').to(device);
    const Xf = randn([2, 3, 12, 12], { generator: g, device });
    const perChannel = (net: Sequential, X: Tensor) => {
      const Y = net.forward(X.reshape([6, 1, 12, 12])).data; // channels as separate images
      return Y.reshape([2, 3, ...Y.shape.slice(2)]);
    };
    const d2 = describeNet(net2);
    const d3 = describeNet(net3);
    const c = await toCpu({
      int2: perChannel(net2, Xint),
      int3: perChannel(net3, Xint),
      pool2: new MaxPool2d(2).forward(Xint).data,
      pool3: new MaxPool2d(3).forward(Xint).data,
      float2: perChannel(net2, Xf),
      float3: perChannel(net3, Xf),
      floatPool2: maxPool2d(Xf, 2),
      floatPool3: maxPool2d(Xf, 3),
    });
    r.item('by-relu', 'Exercise 3: max-pooling from convolutions and ReLUs')
      .text(
        "1. max(a, b) = a + relu(b - a) (or (a + b)/2 + (relu(a - b) + relu(b - a))/2). A network cannot pass a through unchanged next to a ReLU'd channel unless it is a linear channel, so write a = relu(a) - relu(-a): max(a, b) = relu(a) - relu(-a) + relu(b - a), three ReLU channels. 2. A window's maximum is a knockout tournament over its values, one round of pairs per ReLU layer: a ph x pw convolution with the window's stride makes the channels (a, -a, b - a) per pair, a ReLU, and each later round is a 1x1 convolution (adding the three channels back up and forming the next pairs in one linear map) and a ReLU; a last 1x1 convolution adds up the final three channels. 3. A 2x2 window (4 values) needs 2 rounds: convolutions with 6, 3 and 1 output channels and 2 ReLU layers; a 3x3 window (9 values) needs ceil(log2 9) = 4 rounds: 14, 8, 5, 3 and 1 channels, 4 ReLU layers. Checked exactly on integer inputs (where a + (b - a) = b holds in float32) and to 1e-5 on random ones.",
      )
      .code('max-by-relu')
      .value(
        '2x2',
        d2.channels,
        `2x2: ${d2.convs} convolutions with ${d2.channels.join(', ')} output channels, ${d2.relus} ReLU layers`,
      )
      .value(
        '3x3',
        d3.channels,
        `3x3: ${d3.convs} convolutions with ${d3.channels.join(', ')} output channels, ${d3.relus} ReLU layers`,
      )
      .check('2x2: 3 convolutions (6, 3, 1 channels), 2 ReLUs', d2.channels.join() === '6,3,1' && d2.relus === 2)
      .check(
        '3x3: 5 convolutions (14, 8, 5, 3, 1 channels), 4 ReLUs',
        d3.channels.join() === '14,8,5,3,1' && d3.relus === 4,
      )
      .check('equals MaxPool2d(2) exactly on integers', c.int2.equal(c.pool2))
      .check('equals MaxPool2d(3) exactly on integers', c.int3.equal(c.pool3))
      .check(
        'and to 1e-5 on random floats (2x2 and 3x3)',
        maxAbsDiff(c.float2, c.floatPool2) < 1e-5 && maxAbsDiff(c.float3, c.floatPool3) < 1e-5,
      );
    return r.result();
  },
};
