import { conv2d as conv2dVariable, variable } from '@torchlet/autograd';
import { conv2dOutputShape } from '@torchlet/ops';
import { fromStorage, Generator, randn, type Tensor } from '@torchlet/tensor';
import { type Exercise, maxAbsDiff, Report } from '../report.js';

/** Shapes of one convolution: input ci x h x w, kernel co x ci x kh x kw, padding and stride. */
export interface ConvSpec {
  readonly ci: number;
  readonly h: number;
  readonly w: number;
  readonly co: number;
  readonly kh: number;
  readonly kw: number;
  readonly ph: number;
  readonly pw: number;
  readonly sh: number;
  readonly sw: number;
}

/** The answers as formulas (multiplications, additions, numbers stored), with ho x wo the output. */
// #region snippet cost-formulas
export function costFormulas(c: ConvSpec) {
  const ho = Math.floor((c.h + 2 * c.ph - c.kh) / c.sh) + 1;
  const wo = Math.floor((c.w + 2 * c.pw - c.kw) / c.sw) + 1;
  const taps = c.ci * c.kh * c.kw; // weights per output value
  const outputs = c.co * ho * wo;
  return {
    ho,
    wo,
    forwardMuls: outputs * taps,
    forwardAdds: outputs * (taps - 1) + outputs, // the sums, then the bias
    forwardMemory: c.ci * c.h * c.w + (c.co * taps + c.co) + outputs, // input + weights and bias + output
    backwardMuls: 2 * outputs * taps, // dX (dY with the weights) and dK (dY with the input)
    backwardAdds: 2 * outputs * taps + outputs, // scatter-adds into dX and dK, and dB
    backwardMemory: 2 * (c.ci * c.h * c.w) + 2 * (c.co * taps + c.co) + outputs, // X, K, b kept; dY; dX, dK, dB
  };
}
// #endregion

/** A convolution and its backward pass as plain loops, counting every multiplication and addition. */
// #region snippet counted-conv
export function countedConv(c: ConvSpec, X: Float64Array, K: Float64Array, B: Float64Array, dY: Float64Array) {
  const { ho, wo } = costFormulas(c);
  const Y = new Float64Array(c.co * ho * wo);
  const dX = new Float64Array(X.length);
  const dK = new Float64Array(K.length);
  const dB = new Float64Array(c.co);
  const n = { forwardMuls: 0, forwardAdds: 0, backwardMuls: 0, backwardAdds: 0 };
  const x = (ch: number, i: number, j: number) =>
    i < 0 || i >= c.h || j < 0 || j >= c.w ? -1 : (ch * c.h + i) * c.w + j; // -1: a padding zero
  for (let o = 0; o < c.co; o++)
    for (let i = 0; i < ho; i++)
      for (let j = 0; j < wo; j++) {
        const yi = (o * ho + i) * wo + j;
        let sum = 0;
        let first = true;
        for (let ch = 0; ch < c.ci; ch++)
          for (let a = 0; a < c.kh; a++)
            for (let b = 0; b < c.kw; b++) {
              const xi = x(ch, i * c.sh + a - c.ph, j * c.sw + b - c.pw);
              const ki = ((o * c.ci + ch) * c.kh + a) * c.kw + b;
              const term = (xi < 0 ? 0 : X[xi]) * K[ki]; // dense: padding zeros are multiplied too
              n.forwardMuls++;
              if (first) sum = term;
              else {
                sum += term;
                n.forwardAdds++;
              }
              first = false;
              // backward: dX[xi] += dY * K, dK[ki] += dY * X
              n.backwardMuls += 2;
              if (xi >= 0) dX[xi] += dY[yi] * K[ki];
              dK[ki] += dY[yi] * (xi < 0 ? 0 : X[xi]);
              n.backwardAdds += 2;
            }
        Y[yi] = sum + B[o];
        n.forwardAdds++;
        dB[o] += dY[yi];
        n.backwardAdds++;
      }
  return { Y, dX, dK, dB, counts: n };
}
// #endregion

/** Runs the counted loops and torchlet's conv2d (with autograd) on the same numbers. */
export function measureCost(c: ConvSpec, seed = 0) {
  const g = new Generator(seed);
  const X = randn([1, c.ci, c.h, c.w], { generator: g, dtype: 'float64' });
  const K = randn([c.co, c.ci, c.kh, c.kw], { generator: g, dtype: 'float64' });
  const B = randn([c.co], { generator: g, dtype: 'float64' });
  const options = { padding: [c.ph, c.pw], stride: [c.sh, c.sw] } as const;
  const outShape = conv2dOutputShape(X.shape, K.shape, options);
  const dY = randn(outShape, { generator: g, dtype: 'float64' });
  const loops = countedConv(
    c,
    X.toTypedArray() as Float64Array,
    K.toTypedArray() as Float64Array,
    B.toTypedArray() as Float64Array,
    dY.toTypedArray() as Float64Array,
  );
  const x = variable(X, { requiresGrad: true });
  const k = variable(K, { requiresGrad: true });
  const b = variable(B, { requiresGrad: true });
  const y = conv2dVariable(x, k, b, options);
  y.mul(dY).sum().backward();
  const asTensor = (a: Float64Array, t: Tensor) => fromStorage(a, t.shape);
  const diffs = [
    maxAbsDiff(asTensor(loops.Y, y.data), y.data),
    maxAbsDiff(asTensor(loops.dX, X), x.grad as Tensor),
    maxAbsDiff(asTensor(loops.dK, K), k.grad as Tensor),
    maxAbsDiff(asTensor(loops.dB, B), b.grad as Tensor),
  ];
  return { counts: loops.counts, formulas: costFormulas(c), maxDiff: Math.max(...diffs) };
}

export const SPEC: ConvSpec = { ci: 3, h: 9, w: 11, co: 4, kh: 3, kw: 2, ph: 1, pw: 1, sh: 2, sw: 1 };

export const convCostExercise: Exercise = {
  id: 'conv-cost',
  title: 'Exercises 2 and 3 (first edition: 2, 3 and 4): the cost of a convolution, forward and backward',
  section: 'channels',
  part: 'exercise',
  summary:
    'co ci kh kw ho wo multiplications forward, twice that backward; counted in plain loops that reproduce conv2d and its gradients; x4 for doubled channels; 1x1: co ci h w',
  cpuOnly:
    'it counts operations with instrumented JavaScript loops over float64 arrays, checked against conv2d and autograd in float64 (WebGPU has no 64-bit floats)',
  async run() {
    const r = new Report(this.id, this.title, this.part);
    const m = measureCost(SPEC);
    const f = m.formulas;
    r.item('cost', 'Exercise 2: computational cost and memory, forward and backward')
      .text(
        'Input ci x h x w, kernel co x ci x kh x kw, padding (ph, pw), stride (sh, sw). The output is co x ho x wo with ho = floor((h + 2ph - kh)/sh) + 1 and wo = floor((w + 2pw - kw)/sw) + 1. Forward: each output value is a sum of ci kh kw products, so co ci kh kw ho wo multiplications and co (ci kh kw - 1) ho wo additions, plus co ho wo for the bias. Memory: the input, the co ci kh kw + co parameters and the co ho wo outputs (4 bytes each in float32; an im2col implementation adds a ci kh kw x ho wo buffer). Backward: dX needs dY with the weights and dK needs dY with the input, each as many multiply-adds as the forward pass, so 2 co ci kh kw ho wo multiplications, plus co ho wo additions for dB. Its memory: the kept input and weights, dY, and gradients as large as X, K and b. The loops below count every operation of a dense implementation (padding zeros included) and must reproduce conv2d and its autograd gradients.',
      )
      .code('cost-formulas')
      .code('counted-conv')
      .value(
        'spec',
        JSON.stringify(SPEC),
        `ci=${SPEC.ci}, h=${SPEC.h}, w=${SPEC.w}, co=${SPEC.co}, kh=${SPEC.kh}, kw=${SPEC.kw}, padding (${SPEC.ph}, ${SPEC.pw}), stride (${SPEC.sh}, ${SPEC.sw}): output ${SPEC.co} x ${f.ho} x ${f.wo}`,
      )
      .value(
        'counted',
        [m.counts.forwardMuls, m.counts.forwardAdds, m.counts.backwardMuls, m.counts.backwardAdds],
        `forward ${m.counts.forwardMuls} multiplications, ${m.counts.forwardAdds} additions; backward ${m.counts.backwardMuls} multiplications, ${m.counts.backwardAdds} additions`,
      )
      .value(
        'memory',
        [f.forwardMemory, f.backwardMemory],
        `memory: ${f.forwardMemory} numbers forward, ${f.backwardMemory} for the backward pass`,
      )
      .check(
        'the loops reproduce conv2d, dX, dK and dB of autograd (|diff| < 1e-12)',
        m.maxDiff < 1e-12,
        `max |diff| = ${m.maxDiff.toExponential(2)}`,
      )
      .check(
        'the counts equal the formulas',
        m.counts.forwardMuls === f.forwardMuls &&
          m.counts.forwardAdds === f.forwardAdds &&
          m.counts.backwardMuls === f.backwardMuls &&
          m.counts.backwardAdds === f.backwardAdds,
      )
      .check('backward costs twice the forward multiplications', f.backwardMuls === 2 * f.forwardMuls);
    const doubled = measureCost({ ...SPEC, ci: 2 * SPEC.ci, co: 2 * SPEC.co }, 1);
    const padded = measureCost({ ...SPEC, ph: 2 * SPEC.ph, pw: 2 * SPEC.pw }, 2);
    const padRatio = padded.counts.forwardMuls / m.counts.forwardMuls;
    const big = costFormulas({ ...SPEC, h: 224, w: 224 });
    const bigPadded = costFormulas({ ...SPEC, h: 224, w: 224, ph: 2, pw: 2 });
    r.item('doubling', 'Exercise 3: doubling the channels, doubling the padding')
      .text(
        'The cost is proportional to ci x co, so doubling both multiplies it by 4. Doubling the padding changes only the output size: ho wo grows from floor((h + 2ph - kh)/sh + 1) floor((w + 2pw - kw)/sw + 1) to the same with 4ph and 4pw - here from 5 x 12 to 6 x 14, x1.4; on a 224 x 224 input only x1.01, since padding adds a border of fixed width.',
      )
      .value(
        'ratios',
        [doubled.counts.forwardMuls / m.counts.forwardMuls, Number(padRatio.toFixed(4))],
        `doubling ci and co: x${doubled.counts.forwardMuls / m.counts.forwardMuls}; doubling the padding: x${padRatio.toFixed(3)} (224 x 224: x${(bigPadded.forwardMuls / big.forwardMuls).toFixed(3)})`,
      )
      .check(
        'doubling ci and co: exactly 4 times the multiplications (and the backward pass too)',
        doubled.counts.forwardMuls === 4 * m.counts.forwardMuls &&
          doubled.counts.backwardMuls === 4 * m.counts.backwardMuls &&
          doubled.maxDiff < 1e-12,
      )
      .check(
        'doubling the padding: the ratio of output sizes, (6 * 14) / (5 * 12)',
        padRatio === (6 * 14) / (5 * 12) && padded.maxDiff < 1e-12,
      );
    const oneByOne = measureCost({ ci: 3, h: 5, w: 7, co: 4, kh: 1, kw: 1, ph: 0, pw: 0, sh: 1, sw: 1 }, 3);
    r.item('one-by-one', 'First edition, exercise 4: the cost of a 1x1 convolution')
      .text(
        'With kh = kw = 1 (no padding, stride 1) the output keeps the input size, and the forward pass is the matrix product of the co x ci kernel with the ci x (h w) input: co ci h w multiplications, independent of any window - O(co ci h w).',
      )
      .value(
        '1x1',
        oneByOne.counts.forwardMuls,
        `ci=3, co=4, 5 x 7: ${oneByOne.counts.forwardMuls} multiplications = 4 * 3 * 5 * 7`,
      )
      .check(
        'co ci h w multiplications, and the loops match conv2d',
        oneByOne.counts.forwardMuls === 4 * 3 * 5 * 7 && oneByOne.maxDiff < 1e-12,
      );
    return r.result();
  },
};
