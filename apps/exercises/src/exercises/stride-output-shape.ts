import { Conv2d } from '@torchlet/nn';
import { conv2dBackwardInput, conv2dOutputShape } from '@torchlet/ops';
import { type Device, Generator, ones, rand, type Tensor } from '@torchlet/tensor';
import { DEFAULT_RUN, type Exercise, Report } from '../report.js';
import { compConv2d } from './padding-stride.js';

/** The book's shape formula, with pTotal the padding of both sides together. */
// #region snippet shape-formula
export function outputSize(n: number, k: number, pTotal: number, s: number): number {
  return Math.floor((n - k + pTotal + s) / s);
}
export function lastExample(device: Device = 'cpu') {
  const X = rand([8, 8], { generator: new Generator(0), device });
  const conv2d = new Conv2d(1, 1, [3, 5], { padding: [0, 1], stride: [3, 4] });
  const measured = compConv2d(conv2d, X);
  const byHand = [outputSize(8, 3, 2 * 0, 3), outputSize(8, 5, 2 * 1, 4)]; // floor(8/3), floor(9/4)
  return { measured, byHand };
}
// #endregion

/** How many windows of the last example read each input pixel: d(sum Y)/dX for an all-ones kernel. */
// #region snippet pixels-read
export function pixelsRead(device: Device = 'cpu'): Tensor {
  const options = { padding: [0, 1], stride: [3, 4] } as const;
  const K = ones([1, 1, 3, 5], { device });
  const outShape = conv2dOutputShape([1, 1, 8, 8], K.shape, options); // [1, 1, 2, 2]
  return conv2dBackwardInput(ones(outShape, { device }), [1, 1, 8, 8], K, options).reshape([8, 8]);
}
// #endregion

/** Exercise 2 of the first edition: every padding and stride combination, measured against the formula. */
// #region snippet shape-sweep
export function shapeSweep(n: readonly [number, number], device: Device = 'cpu') {
  const X = rand([1, 1, ...n], { generator: new Generator(1), device });
  const rows: { k: number; p: number; s: number; measured: number[]; formula: number[] }[] = [];
  for (let k = 1; k <= 5; k++)
    for (
      let p = 0;
      p <= Math.floor(k / 2);
      p++ // PyTorch allows padding up to half the kernel
    )
      for (let s = 1; s <= 4; s++) {
        const Y = new Conv2d(1, 1, k, { padding: p, stride: s }).to(device).forward(X);
        rows.push({ k, p, s, measured: Y.shape.slice(2), formula: n.map((ni) => outputSize(ni, k, 2 * p, s)) });
      }
  return rows;
}
// #endregion

export const strideOutputShapeExercise: Exercise = {
  id: 'stride-output-shape',
  title: 'Exercise 1 (both editions) and 2 (first edition): the output shape by the formula',
  section: 'padding-and-strides',
  part: 'exercise',
  summary:
    'kernel (3, 5), padding (0, 1), stride (3, 4) on 8x8: floor(8/3) x floor(9/4) = 2x2, the pixels never read, and 88 other combinations',
  async run({ device } = DEFAULT_RUN) {
    const r = new Report(this.id, this.title, this.part);
    const { measured, byHand } = lastExample(device);
    const reads = await pixelsRead(device).cpu();
    const rowRead = (reads.toArray() as number[][]).map((row) => row.some((v) => v > 0));
    const colRead = (reads.toArray() as number[][])[0].map((_, j) =>
      (reads.toArray() as number[][]).some((row) => row[j] > 0),
    );
    r.item(
      'formula',
      'Given the last example (kernel (3, 5), padding (0, 1), stride (3, 4)), calculate the output shape',
    )
      .text(
        'With total padding ph = 0, pw = 2: height floor((nh - kh + ph + sh) / sh) = floor((8 - 3 + 0 + 3) / 3) = floor(8/3) = 2, width floor((8 - 5 + 2 + 4) / 4) = floor(9/4) = 2. The floor drops the rows that no whole window reaches: (nh + ph - kh) mod sh = 5 mod 3 = 2 rows (rows 6 and 7 of X are never read), and (nw + pw - kw) mod sw = 5 mod 4 = 1 column, which is the right padding column, so every column of X is read.',
      )
      .code('shape-formula')
      .value('measured', measured, `comp_conv2d(...).shape = [${measured.join(', ')}]`)
      .value('by hand', byHand, `[floor(8/3), floor(9/4)] = [${byHand.join(', ')}]`)
      .check('the formula agrees with the layer: [2, 2]', measured.join() === byHand.join() && byHand.join() === '2,2')
      .code('pixels-read')
      .tensor('windows reading each pixel', reads)
      .check(
        'rows 6 and 7 are never read, rows 0-5 are',
        rowRead.join() === [true, true, true, true, true, true, false, false].join(),
      )
      .check(
        'every column is read (the unread column is padding)',
        colRead.every((c) => c),
      )
      .check(
        'windows overlap only in the width (kw = 5 > sw = 4): no pixel is read more than twice',
        reads.max().item() === 2,
      );
    const inputs = [
      [8, 8],
      [7, 9],
    ] as const;
    const sweeps = inputs.map((n) => shapeSweep(n, device));
    const all = sweeps.flat();
    const bad = all.filter((row) => row.measured.join() !== row.formula.join());
    const examples = sweeps[1]
      .filter((row) => (row.k === 3 && row.p === 1) || (row.k === 4 && row.p === 2 && row.s === 3))
      .map((row) => `k=${row.k} p=${row.p} s=${row.s}: [7, 9] -> [${row.measured.join(', ')}]`)
      .join('\n');
    r.item('sweep', 'First edition: try other padding and stride combinations')
      .text(
        'Every square kernel 1..5, padding 0..floor(k/2) and stride 1..4, on an 8x8 and a 7x9 input. With an odd kernel and p = (k - 1)/2 the formula becomes floor((n - 1)/s) + 1 = ceil(n/s): stride 1 keeps the size ("same" padding), stride s divides it, rounding up.',
      )
      .code('shape-sweep')
      .value('combinations', all.length)
      .value('examples', examples, examples)
      .check(
        `all ${all.length} measured shapes equal the formula`,
        bad.length === 0,
        bad.map((b) => JSON.stringify(b)).join('; '),
      )
      .check(
        'odd k with p = (k - 1)/2 gives ceil(n / s) in both dimensions',
        sweeps.every((rows, i) =>
          rows
            .filter((row) => row.k % 2 === 1 && 2 * row.p === row.k - 1)
            .every((row) => row.measured.join() === inputs[i].map((n) => Math.ceil(n / row.s)).join()),
        ),
      )
      .check(
        'conv2dOutputShape of @torchlet/ops agrees',
        sweeps.every((rows, i) =>
          rows.every(
            (row) =>
              conv2dOutputShape([1, 1, ...inputs[i]], [1, 1, row.k, row.k], { padding: row.p, stride: row.s })
                .slice(2)
                .join() === row.measured.join(),
          ),
        ),
      );
    return r.result();
  },
};
