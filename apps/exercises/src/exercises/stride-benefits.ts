import { conv2d, conv2dOutputShape } from '@torchlet/ops';
import { type Device, Generator, ones, randn, stack, type Tensor } from '@torchlet/tensor';
import { DEFAULT_RUN, type Exercise, maxAbsDiff, Report, toCpu } from '../report.js';
import { footprint, receptiveField } from './receptive-field.js';

/** Multiply-adds of a conv2d: one per weight per output position. */
// #region snippet conv-macs
export function convMacs(
  inputShape: readonly number[],
  weightShape: readonly number[],
  stride: number,
  padding: number,
) {
  const [, cOut, hOut, wOut] = conv2dOutputShape(inputShape, weightShape, { stride, padding });
  const [, cIn, kh, kw] = weightShape;
  return { outShape: [cOut, hOut, wOut], macs: cOut * hOut * wOut * cIn * kh * kw };
}
export function strideSkipsWork(device: Device = 'cpu') {
  const g = new Generator(0);
  const X = randn([1, 3, 32, 32], { generator: g, device });
  const K = randn([8, 3, 7, 7], { generator: g, device });
  const dense = conv2d(X, K, null, { stride: 1, padding: 3 });
  const strided = conv2d(X, K, null, { stride: 2, padding: 3 });
  return { dense, strided, everyOther: dense.get(':, :, ::2, ::2') };
}
// #endregion

/** Correlation of horizontally neighbouring outputs of a 3x3 box filter over white noise. */
// #region snippet neighbour-correlation
export async function neighbourCorrelation(noise: Tensor, stride: number): Promise<number> {
  const Y = conv2d(noise, ones([1, 1, 3, 3], { dtype: noise.dtype, device: noise.device }).div(9), null, { stride });
  const a = Y.get('..., :, :-1').flatten();
  const b = Y.get('..., :, 1:').flatten();
  const da = a.sub(a.mean());
  const db = b.sub(b.mean());
  const moments = stack([da.mul(db).mean(), da.pow(2).mean(), db.pow(2).mean()]);
  const [cov, varA, varB] = (await moments.toArrayAsync()) as number[]; // one read of the device
  return cov / Math.sqrt(varA * varB);
}
// #endregion

export const strideBenefitsExercise: Exercise = {
  id: 'stride-benefits',
  title: 'Exercises 4 and 5 (4 in the first edition): computational and statistical benefits of a stride > 1',
  section: 'padding-and-strides',
  part: 'exercise',
  summary:
    'stride s computes 1/s^2 of the outputs (the dense ones it skips are exactly the dropped ones); less redundant outputs (neighbour correlation 2/3 -> 1/3 -> 0) and faster-growing receptive fields',
  async run({ device } = DEFAULT_RUN) {
    const r = new Report(this.id, this.title, this.part);
    const s = await toCpu(strideSkipsWork(device));
    const m1 = convMacs([1, 3, 224, 224], [64, 3, 7, 7], 1, 3);
    const m2 = convMacs([1, 3, 224, 224], [64, 3, 7, 7], 2, 3);
    r.item('computational', 'Computational benefits')
      .text(
        "The cost of a convolution is one multiply-add per weight per output position, and a stride (sh, sw) computes only every sh-th row and sw-th column of the stride-1 output: 1/(sh sw) of the work, and of the memory for the activations. Every later layer then works on the smaller map too. On ResNet's 7x7 stem (3 -> 64 channels, 224x224) stride 2 cuts 472 million multiply-adds to 118 million. A stride-1 convolution followed by subsampling computes the same numbers and throws 3/4 of them away.",
      )
      .code('conv-macs')
      .value(
        'stride 1',
        m1.macs,
        `stride 1: output [${m1.outShape.join(', ')}], ${m1.macs.toLocaleString('en-US')} multiply-adds`,
      )
      .value(
        'stride 2',
        m2.macs,
        `stride 2: output [${m2.outShape.join(', ')}], ${m2.macs.toLocaleString('en-US')} multiply-adds`,
      )
      .check(
        'stride 2 does exactly 1/4 of the multiply-adds',
        m1.macs === 4 * m2.macs && m2.macs === 64 * 112 * 112 * 3 * 49,
      )
      .check(
        'the stride-2 output is the stride-1 output at every other row and column (|diff| < 1e-4)',
        maxAbsDiff(s.strided, s.everyOther) < 1e-4,
        `max |diff| = ${maxAbsDiff(s.strided, s.everyOther).toExponential(2)}, shapes [${s.strided.shape.join(', ')}] and [${s.dense.shape.join(', ')}]`,
      );
    // float64 on the CPU; WebGPU has no 64-bit floats, so there the same draws are float32
    const dtype = device === 'cpu' ? 'float64' : 'float32';
    const noise = randn([1, 1, 240, 240], { generator: new Generator(1), dtype, device });
    const rho = await Promise.all([1, 2, 3].map((st) => neighbourCorrelation(noise, st)));
    const theory = [6 / 9, 3 / 9, 0];
    const rf = [
      receptiveField([
        { kernel: 3, stride: 1 },
        { kernel: 3, stride: 1 },
      ]),
      receptiveField([
        { kernel: 3, stride: 2 },
        { kernel: 3, stride: 1 },
      ]),
    ];
    const footprints = await toCpu([
      footprint(
        15,
        [
          { kernel: 3, stride: 1 },
          { kernel: 3, stride: 1 },
        ],
        device,
      ),
      footprint(
        15,
        [
          { kernel: 3, stride: 2 },
          { kernel: 3, stride: 1 },
        ],
        device,
      ),
    ]);
    const measured = footprints.map((f) => (f.toArray() as number[][])[0].filter((v) => v !== 0).length);
    r.item('statistical', 'Statistical benefits')
      .text(
        'Neighbouring outputs of a stride-1 convolution share most of their inputs, so they are strongly correlated: for a 3x3 box filter over white noise, horizontal neighbours share 6 of 9 pixels, correlation 6/9. Stride 2 leaves 3 shared pixels (1/3) and stride 3 none (0): the outputs are fewer and closer to independent samples, so less redundant features are passed on and there are fewer positions to overfit. A stride also widens the receptive field of every later layer at no extra parameters (two 3x3 layers see 5x5 pixels, 7x7 when the first has stride 2), so the network reaches global context with fewer layers, and the subsampling adds a little robustness to small shifts.',
      )
      .code('neighbour-correlation')
      .value(
        'correlation',
        rho.map((v) => Number(v.toFixed(4))),
        `neighbour correlation at stride 1, 2, 3: ${rho.map((v) => v.toFixed(3)).join(', ')} (theory 0.667, 0.333, 0)`,
      )
      .check(
        'measured correlations within 0.03 of 6/9, 3/9 and 0',
        rho.every((v, i) => Math.abs(v - theory[i]) < 0.03),
      )
      .value(
        'receptive field',
        measured,
        `receptive field of two 3x3 layers: ${measured[0]} (stride 1), ${measured[1]} (first layer stride 2)`,
      )
      .check(
        'measured by back-propagation, as the formula says: 5 and 7',
        measured.join() === rf.join() && rf.join() === '5,7',
      );
    return r.result();
  },
};
