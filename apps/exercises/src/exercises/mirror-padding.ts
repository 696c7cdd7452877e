import { Conv2d } from '@torchlet/nn';
import { conv2d, pad } from '@torchlet/ops';
import { arange, cat, type Device, flip, Generator, ones, randn, type Tensor, tensor } from '@torchlet/tensor';
import { DEFAULT_RUN, type Exercise, maxAbsDiff, Report, toCpu } from '../report.js';

/**
 * Mirror padding of the last two dimensions by `p`, built from slices, flips and concatenation.
 * `edge: false` mirrors about the border pixel (PyTorch's 'reflect': 3 2 | 1 2 3 | 2 1),
 * `edge: true` repeats it (NumPy's 'symmetric': 2 1 | 1 2 3 | 3 2).
 */
// #region snippet mirror-pad
export function mirrorPad(X: Tensor, p: number, edge = false): Tensor {
  const d = X.shape.length;
  const [h, w] = X.shape.slice(-2);
  const o = edge ? 0 : 1; // reflect skips the border pixel itself
  const cols = cat(
    [flip(X.get(`..., ${o}:${p + o}`), [d - 1]), X, flip(X.get(`..., ${w - p - o}:${w - o}`), [d - 1])],
    d - 1,
  );
  return cat(
    [flip(cols.get(`..., ${o}:${p + o}, :`), [d - 2]), cols, flip(cols.get(`..., ${h - p - o}:${h - o}, :`), [d - 2])],
    d - 2,
  );
}
// #endregion

// #region snippet mirror-pad-use
export function mirrorPadExamples(device: Device = 'cpu') {
  const X = arange(1, 13, 1, { device }).reshape([3, 4]);
  return {
    X,
    reflect: mirrorPad(X, 2),
    symmetric: mirrorPad(X, 2, true),
    library: pad(X.unsqueeze(0), [2, 2, 2, 2], { mode: 'reflect' }).squeeze(0),
  };
}
export function mirrorConv(X: Tensor, K: Tensor) {
  const layer = new Conv2d(1, 1, 3, { padding: 1, paddingMode: 'reflect', bias: false }).to(X.device);
  layer.weight.data.copyInPlace(K);
  return { layer: layer.forward(X).data, byHand: conv2d(mirrorPad(X, 1), K) };
}
// #endregion

export const mirrorPaddingExercise: Exercise = {
  id: 'mirror-padding',
  title: 'Exercise 3: implement mirror padding',
  section: 'padding-and-strides',
  part: 'exercise',
  summary:
    "mirrorPad from slices, flip and cat; equals pad(..., { mode: 'reflect' }) and Conv2d's paddingMode 'reflect'; no false edges at the border",
  async run({ device } = DEFAULT_RUN) {
    const r = new Report(this.id, this.title, this.part);
    const m = await toCpu(mirrorPadExamples(device));
    r.item('mirror-pad', 'Mirror padding from slices, flips and concatenation')
      .text(
        "The border values are mirrored outwards. There are two conventions: reflecting about the border pixel (PyTorch's and torchlet's 'reflect', which needs p < size) and repeating it (NumPy's 'symmetric'). Columns are padded first, then rows of the widened tensor, so the corners are mirrored twice, as in the library.",
      )
      .code('mirror-pad')
      .code('mirror-pad-use')
      .tensor('X', m.X)
      .tensor('mirrorPad(X, 2)', m.reflect)
      .tensor('mirrorPad(X, 2, true)', m.symmetric)
      .check("mirrorPad(X, 2) equals pad(X, [2, 2, 2, 2], { mode: 'reflect' })", m.reflect.equal(m.library))
      .check(
        'the edge-repeating version mirrors about the border: row -1 is row 0, column -2 is column 1',
        m.symmetric.get('1, :').equal(m.symmetric.get('2, :')) &&
          m.symmetric.get(':, 0').equal(m.symmetric.get(':, 3')),
      );
    const X = randn([1, 1, 6, 7], { generator: new Generator(3), device });
    const K = randn([1, 1, 3, 3], { generator: new Generator(4), device });
    const c = await toCpu(mirrorConv(X, K));
    const flat = ones([1, 1, 5, 5], { device }).mul(3);
    const laplacian = tensor(
      [
        [
          [
            [0, 1, 0],
            [1, -4, 1],
            [0, 1, 0],
          ],
        ],
      ],
      { device },
    );
    const zeroPadded = await conv2d(flat, laplacian, null, { padding: 1 }).cpu();
    const mirrored = await conv2d(mirrorPad(flat, 1), laplacian).cpu();
    r.item('conv', 'In a layer, and why: no false edges at the border')
      .text(
        "A convolution with mirror padding is a valid convolution of the mirror-padded input; Conv2d's paddingMode 'reflect' does exactly that. Zero padding puts a step at the border of any image that is not dark there, so an edge or Laplacian kernel fires on every border pixel of a constant image; mirror padding continues the image smoothly and the response is zero.",
      )
      .check(
        "Conv2d(..., { padding: 1, paddingMode: 'reflect' }) equals conv2d(mirrorPad(X, 1), K) (|diff| < 1e-6)",
        maxAbsDiff(c.layer, c.byHand) < 1e-6,
        `max |diff| = ${maxAbsDiff(c.layer, c.byHand)}`,
      )
      .tensor('Laplacian of a constant 3, zero padding', zeroPadded)
      .tensor('Laplacian of a constant 3, mirror padding', mirrored)
      .check(
        'zero padding: false edges on the border (-3 and -6), zero inside',
        zeroPadded.get('0, 0, 1:4, 1:4').abs().max().item() === 0 && zeroPadded.get('0, 0, 0, 0').item() === -6,
      )
      .check('mirror padding: zero everywhere', mirrored.abs().max().item() === 0);
    return r.result();
  },
};
