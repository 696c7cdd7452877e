import { avgPool2d, maxPool2d, pad } from '@torchlet/ops';
import { Generator, randn, type Tensor } from '@torchlet/tensor';
import { type Exercise, Report } from '../report.js';

/** Pooling as plain loops, counting comparisons (max) or additions and divisions (average). */
// #region snippet counted-pool
export function countedPool(X: Tensor, p: [number, number], s: [number, number], mode: 'max' | 'avg') {
  const [c, h, w] = X.shape;
  const [ph, pw] = p; // window ph x pw, padded by (ph, pw) as the exercise says
  const ho = Math.floor((h + 2 * ph - ph) / s[0]) + 1;
  const wo = Math.floor((w + 2 * pw - pw) / s[1]) + 1;
  const x = X.toTypedArray() as Float64Array;
  const out = new Float64Array(c * ho * wo);
  const n = { comparisons: 0, additions: 0, divisions: 0 };
  const pixel = (ch: number, i: number, j: number) =>
    i < 0 || i >= h || j < 0 || j >= w ? (mode === 'max' ? Number.NEGATIVE_INFINITY : 0) : x[(ch * h + i) * w + j];
  for (let ch = 0; ch < c; ch++)
    for (let i = 0; i < ho; i++)
      for (let j = 0; j < wo; j++) {
        let acc = pixel(ch, i * s[0] - ph, j * s[1] - pw);
        for (let t = 1; t < ph * pw; t++) {
          const v = pixel(ch, i * s[0] - ph + Math.floor(t / pw), j * s[1] - pw + (t % pw));
          if (mode === 'max') {
            acc = Math.max(acc, v);
            n.comparisons++;
          } else {
            acc += v;
            n.additions++;
          }
        }
        if (mode === 'avg') {
          acc /= ph * pw;
          n.divisions++;
        }
        out[(ch * ho + i) * wo + j] = acc;
      }
  return { out, ho, wo, counts: n };
}
// #endregion

export const poolCostExercise: Exercise = {
  id: 'pool-cost',
  title: 'Exercise 4 (3 in the first edition): the computational cost of a pooling layer',
  section: 'pooling',
  part: 'exercise',
  summary:
    'c x ho x wo windows of ph pw values: c ho wo (ph pw - 1) comparisons or additions (+ c ho wo divisions), ho = floor((h + ph)/sh) + 1; no parameters; counted in loops that match maxPool2d/avgPool2d',
  cpuOnly:
    'it counts operations with an instrumented JavaScript loop over float64 arrays, against maxPool2d/avgPool2d in float64 (CPU code by design)',
  async run() {
    const r = new Report(this.id, this.title, this.part);
    const X = randn([3, 7, 9], { generator: new Generator(0), dtype: 'float64' });
    const p: [number, number] = [2, 3];
    const s: [number, number] = [2, 2];
    const mx = countedPool(X, p, s, 'max');
    const av = countedPool(X, p, s, 'avg');
    const windows = 3 * mx.ho * mx.wo;
    // the library refuses padding larger than half the window (PyTorch's rule): pad explicitly instead
    const padded = (value: number) => pad(X, [p[1], p[1], p[0], p[0]], { value });
    const libMax = maxPool2d(padded(Number.NEGATIVE_INFINITY), p, { stride: s });
    const libAvg = avgPool2d(padded(0), p, { stride: s });
    r.item('cost', 'The cost, counted')
      .text(
        'With padding (ph, pw) and stride (sh, sw) the output has ho = floor((h + 2ph - ph)/sh) + 1 = floor((h + ph)/sh) + 1 rows and wo = floor((w + pw)/sw) + 1 columns per channel, and pooling treats the c channels separately. Each output reduces a window of ph pw values: ph pw - 1 comparisons for the maximum, or ph pw - 1 additions and one division for the average. Total: c ho wo (ph pw - 1) operations (+ c ho wo divisions), O(c h w ph pw / (sh sw)), with no parameters and no multiplications by weights: about ci kh kw times cheaper than a convolution of the same geometry with ci input channels. Memory: the input and output (max-pooling keeps the argmax indices for the backward pass). Here c = 3, h = 7, w = 9, window 2 x 3 with padding (2, 3) and stride 2. PyTorch and torchlet only allow padding up to half the window, and for a reason: with padding as wide as the window, whole windows fall into the padding (the first row and column of outputs here see no pixel: -inf for the maximum, 0 for the average), computed at full cost. So the library check pads explicitly (-inf for max, 0 for the average) and pools without padding.',
      )
      .code('counted-pool')
      .value(
        'output',
        [3, mx.ho, mx.wo],
        `output [3, ${mx.ho}, ${mx.wo}]: ho = floor((7 + 2)/2) + 1 = 5, wo = floor((9 + 3)/2) + 1 = 7`,
      )
      .value(
        'counts',
        [mx.counts.comparisons, av.counts.additions, av.counts.divisions],
        `max: ${mx.counts.comparisons} comparisons; average: ${av.counts.additions} additions and ${av.counts.divisions} divisions (c ho wo = ${windows}, ph pw - 1 = 5)`,
      )
      .check(
        'the counts equal c ho wo (ph pw - 1) and c ho wo',
        mx.counts.comparisons === windows * 5 && av.counts.additions === windows * 5 && av.counts.divisions === windows,
      )
      .check(
        'the loops equal maxPool2d and avgPool2d of the explicitly padded input',
        sameValues(mx.out, libMax) && sameValues(av.out, libAvg, 1e-12),
      )
      .check(
        'the first output row sees only padding: -inf for the maximum',
        mx.out.slice(0, mx.wo).every((v) => v === Number.NEGATIVE_INFINITY),
      )
      .error('maxPool2d itself refuses padding (2, 3) with a 2 x 3 window', () =>
        maxPool2d(X, p, { stride: s, padding: p }),
      );
    return r.result();
  },
};

function sameValues(a: Float64Array, t: Tensor, tol = 0): boolean {
  const b = t.toTypedArray() as Float64Array;
  return a.length === b.length && a.every((v, i) => v === b[i] || Math.abs(v - b[i]) <= tol); // -inf === -inf
}
