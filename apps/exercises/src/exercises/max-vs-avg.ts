import { avgPool2d, maxPool2d, variable } from '@torchlet/autograd';
import { type Device, Generator, randn, stack, type Tensor, tensor } from '@torchlet/tensor';
import { DEFAULT_RUN, type Exercise, Report, toCpu } from '../report.js';

// #region snippet max-vs-avg
export function spikeAndGradients(device: Device = 'cpu') {
  const X = tensor(
    [
      [
        [
          [0, 0, 0, 0],
          [0, 4, 0, 0],
          [0, 0, 1, 2],
          [0, 0, 3, 0],
        ],
      ],
    ],
    { device },
  );
  const xMax = variable(X, { requiresGrad: true });
  const xAvg = variable(X, { requiresGrad: true });
  const yMax = maxPool2d(xMax, 2);
  const yAvg = avgPool2d(xAvg, 2);
  yMax.sum().backward();
  yAvg.sum().backward();
  return { X, max: yMax.data, avg: yAvg.data, gradMax: xMax.grad as Tensor, gradAvg: xAvg.grad as Tensor };
}
export async function onNoise(noise: Tensor) {
  const max = maxPool2d(noise, 2).data;
  const avg = avgPool2d(noise, 2).data;
  const stats = stack([max.mean(), max.var(), avg.mean(), avg.var()]);
  const [maxMean, maxVar, avgMean, avgVar] = (await stats.toArrayAsync()) as number[]; // one read of the device
  return { maxMean, maxVar, avgMean, avgVar };
}
// #endregion

/** Mean and variance of the maximum of n standard normals, by quadrature of n x phi(x) Phi(x)^(n-1). */
export function maxOfNormals(n: number): { mean: number; variance: number } {
  const h = 1e-4;
  let Phi = 0;
  let m1 = 0;
  let m2 = 0;
  for (let x = -10; x < 10; x += h) {
    const phi = Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
    const density = n * phi * (Phi + (phi * h) / 2) ** (n - 1);
    m1 += x * density * h;
    m2 += x * x * density * h;
    Phi += phi * h;
  }
  return { mean: m1, variance: m2 - m1 * m1 };
}

export const maxVsAvgExercise: Exercise = {
  id: 'max-vs-avg',
  title: 'Exercise 5 (4 in the first edition): why do max-pooling and average pooling work differently?',
  section: 'pooling',
  part: 'exercise',
  summary:
    'max keeps the strongest response (4 vs 1), routes the whole gradient to one input, and is nonlinear and biased on noise (mean 1.029, variance 0.49 for 2x2) where the average is a linear low-pass filter (mean 0, variance 1/4)',
  async run({ device } = DEFAULT_RUN) {
    const r = new Report(this.id, this.title, this.part);
    const s = await toCpu(spikeAndGradients(device));
    r.item('responses', 'What they keep, and where their gradients go')
      .text(
        'Max-pooling answers "is the feature present anywhere in this window?": a single strong response survives at full strength wherever it sits in the window, and weak responses next to it do not dilute it. Average pooling answers "how much of the window responds?": it is a linear low-pass filter (a convolution, exercise 1) that divides an isolated response by ph pw and blurs. In training, the gradient of max-pooling goes entirely to the one input that won (sparse, like a switch), while the average spreads it evenly (1/4 to each of the four inputs).',
      )
      .code('max-vs-avg')
      .tensor('X', s.X)
      .tensor('maxPool2d(X, 2)', s.max)
      .tensor('avgPool2d(X, 2)', s.avg)
      .tensor('d sum(maxPool2d(X, 2)) / dX', s.gradMax)
      .tensor('d sum(avgPool2d(X, 2)) / dX', s.gradAvg)
      .check(
        'the isolated 4 survives max-pooling whole and is divided by 4 by the average',
        s.max.get('0, 0, 0, 0').item() === 4 && s.avg.get('0, 0, 0, 0').item() === 1,
      )
      .check(
        "max: the gradient is 1 at each window's maximum and 0 elsewhere",
        s.gradMax.sum().item() === 4 &&
          s.gradMax.get('0, 0, 1, 1').item() === 1 &&
          s.gradMax.get('0, 0, 3, 2').item() === 1,
      )
      .check('average: 1/4 everywhere', s.gradAvg.eq(0.25).sum().item() === 16);
    // float64 on the CPU; WebGPU has no 64-bit floats, so there the same draws are float32
    const dtype = device === 'cpu' ? 'float64' : 'float32';
    const n = await onNoise(randn([1, 1, 400, 400], { generator: new Generator(0), dtype, device }));
    const theory = maxOfNormals(4);
    r.item('noise', 'On pure noise: max is biased and nonlinear, the average is not')
      .text(
        'Feed white noise N(0, 1). The average of 4 values is N(0, 1/4): unbiased, with a quarter of the variance. The maximum of 4 values has mean 1.029 and variance 0.492 (from the density 4 phi(x) Phi(x)^3): it shifts every window upwards and responds to noise as if it were signal, one reason max-pooling usually follows a ReLU or a learned threshold. Measured on 40,000 windows:',
      )
      .value(
        'max',
        [Number(n.maxMean.toFixed(4)), Number(n.maxVar.toFixed(4))],
        `max-pool: mean ${n.maxMean.toFixed(4)}, variance ${n.maxVar.toFixed(4)} (theory ${theory.mean.toFixed(4)}, ${theory.variance.toFixed(4)})`,
      )
      .value(
        'avg',
        [Number(n.avgMean.toFixed(4)), Number(n.avgVar.toFixed(4))],
        `avg-pool: mean ${n.avgMean.toFixed(4)}, variance ${n.avgVar.toFixed(4)} (theory 0, 0.25)`,
      )
      .check(
        'max: mean and variance within 0.02 of 1.0294 and 0.4917',
        Math.abs(n.maxMean - theory.mean) < 0.02 &&
          Math.abs(n.maxVar - theory.variance) < 0.02 &&
          Math.abs(theory.mean - 1.0294) < 1e-3,
      )
      .check(
        'average: mean within 0.01 of 0, variance within 0.01 of 1/4',
        Math.abs(n.avgMean) < 0.01 && Math.abs(n.avgVar - 0.25) < 0.01,
      );
    return r.result();
  },
};
