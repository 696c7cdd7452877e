import { corr2d } from '@torchlet/ops';
import { fromStorage, Generator, randn, type Tensor } from '@torchlet/tensor';
import { type Exercise, maxAbsDiff, Report } from '../report.js';

/**
 * A k x k correlation that scans each output row in strips: it loads a k x (k + delta - 1) block
 * of the input into "registers" (a small local array) and computes delta outputs from it.
 * Counts the loads from the image; `live` is the number of values held at once (block, kernel, sums).
 */
// #region snippet strips
export function corr2dStrips(X: Float64Array, h: number, w: number, K: Float64Array, k: number, delta: number) {
  const ho = h - k + 1;
  const wo = w - k + 1;
  const Y = new Float64Array(ho * wo);
  let loads = 0;
  for (let i = 0; i < ho; i++)
    for (let j0 = 0; j0 < wo; j0 += delta) {
      const d = Math.min(delta, wo - j0); // the last strip of a row may be narrower
      const block = new Float64Array(k * (k + d - 1));
      for (let a = 0; a < k; a++)
        for (let b = 0; b < k + d - 1; b++) block[a * (k + d - 1) + b] = X[(i + a) * w + j0 + b];
      loads += k * (k + d - 1);
      for (let t = 0; t < d; t++) {
        let s = 0;
        for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) s += block[a * (k + d - 1) + t + b] * K[a * k + b];
        Y[i * wo + j0 + t] = s;
      }
    }
  return { Y, loads, live: k * (k + delta - 1) + k * k + delta };
}
// #endregion

export const stripReuseExercise: Exercise = {
  id: 'strip-reuse',
  title: 'Exercise 6: a k-wide strip per output, or a (k + delta)-wide strip per delta outputs?',
  section: 'channels',
  part: 'exercise',
  summary:
    'loads per output fall from k^2 to k + k(k - 1)/delta (counted, and the result equals corr2d); delta is bounded by the registers: k^2 + k(k + delta - 1) + delta <= 32 gives delta <= 4 for k = 3',
  cpuOnly: 'it counts loads with an instrumented JavaScript loop over float64 arrays (CPU code by design)',
  async run() {
    const r = new Report(this.id, this.title, this.part);
    const k = 3;
    const [h, w] = [10, 66];
    const X = randn([h, w], { generator: new Generator(0), dtype: 'float64' });
    const K = randn([k, k], { generator: new Generator(1), dtype: 'float64' });
    const ref: Tensor = corr2d(X, K);
    const outputs = (h - k + 1) * (w - k + 1);
    const deltas = [1, 2, 4, 8, 16, 64];
    const rows = deltas.map((delta) => {
      const s = corr2dStrips(X.toTypedArray() as Float64Array, h, w, K.toTypedArray() as Float64Array, k, delta);
      return { delta, perOutput: s.loads / outputs, live: s.live, diff: maxAbsDiff(fromStorage(s.Y, ref.shape), ref) };
    });
    const registers = 32;
    const maxDelta = Math.floor((registers - 2 * k * k + k) / (k + 1)); // k^2 + k(k + d - 1) + d <= R
    r.item('strips', 'Reading a wider strip reuses each loaded value for up to k outputs')
      .text(
        'Computing one output at a time reads its whole k x k window: k^2 loads per output, although neighbouring windows share k(k - 1) of those values. Reading a k x (k + delta - 1) block and computing delta neighbouring outputs from it costs k(k + delta - 1) loads for delta outputs, k + k(k - 1)/delta per output: each loaded value serves up to k outputs, so the memory traffic, which bounds a convolution more than its arithmetic, falls by up to a factor k. The limit: the block, the k^2 weights and the delta running sums must stay in registers (or L1 cache), k^2 + k(k + delta - 1) + delta <= R, so with R = 32 vector registers and k = 3, delta <= 4; beyond that values spill and are reloaded. And the gain flattens: k(k - 1)/delta is already small once delta is a few times k, and delta cannot exceed the output width. Measured on a 10 x 66 input, k = 3 (64 outputs per row).',
      )
      .code('strips')
      .value(
        'loads per output',
        rows.map((row) => row.perOutput),
        rows
          .map(
            (row) =>
              `delta ${String(row.delta).padStart(2)}: ${row.perOutput.toFixed(3)} loads per output, ${row.live} values live`,
          )
          .join('\n'),
      )
      .check(
        'every strip width reproduces corr2d exactly',
        rows.every((row) => row.diff === 0),
      )
      .check(
        'loads per output = k + k(k - 1)/delta (delta divides the 64 outputs of a row)',
        rows.every((row) => Math.abs(row.perOutput - (k + (k * (k - 1)) / row.delta)) < 1e-12),
      )
      .value('max delta', maxDelta, `largest delta with k^2 + k(k + delta - 1) + delta <= ${registers}: ${maxDelta}`)
      .check(
        'delta <= 4 for k = 3 and 32 registers (31 values live at delta 4, 47 at delta 8)',
        maxDelta === 4 &&
          rows.find((row) => row.delta === 4)?.live === 31 &&
          rows.find((row) => row.delta === 8)?.live === 47,
      );
    return r.result();
  },
};
