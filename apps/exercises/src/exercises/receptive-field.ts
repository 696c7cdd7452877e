import { conv2dBackwardInput, convOutputSize } from '@torchlet/ops';
import { type Device, ones, type Tensor, zeros } from '@torchlet/tensor';
import { DEFAULT_RUN, type Exercise, Report } from '../report.js';

/** One conv layer of a stack: square kernel and stride, no padding. */
export interface ConvLayer {
  readonly kernel: number;
  readonly stride: number;
}

/** The receptive field by the recurrence r <- r + (k - 1) * jump, jump <- jump * stride. */
// #region snippet receptive-field-formula
export function receptiveField(layers: readonly ConvLayer[]): number {
  let r = 1;
  let jump = 1; // distance in input pixels between neighbouring outputs of the current layer
  for (const { kernel, stride } of layers) {
    r += (kernel - 1) * jump;
    jump *= stride;
  }
  return r;
}
// #endregion

/**
 * The receptive field measured: push a one-hot gradient at output (0, 0) back through the
 * stack with all-ones kernels (conv2dBackwardInput); the input elements it reaches are the ones
 * that output depends on (each counted once per path).
 */
// #region snippet receptive-field-measured
export function footprint(inputSize: number, layers: readonly ConvLayer[], device: Device = 'cpu'): Tensor {
  const sizes = [inputSize];
  for (const { kernel, stride } of layers) sizes.push(convOutputSize(sizes[sizes.length - 1], kernel, stride, 0, 0, 1));
  let g = zeros([1, 1, sizes[layers.length], sizes[layers.length]], { device });
  g.set([0, 0, 0, 0], 1); // d(output[0, 0]) / d(output)
  for (let l = layers.length - 1; l >= 0; l--) {
    const { kernel, stride } = layers[l];
    g = conv2dBackwardInput(g, [1, 1, sizes[l], sizes[l]], ones([1, 1, kernel, kernel], { device }), { stride });
  }
  return g.reshape([inputSize, inputSize]);
}
// #endregion

/** Number of rows and columns of a 2-D tensor that hold a non-zero. */
export function extent(t: Tensor): [number, number] {
  const a = t.toArray() as number[][];
  const rows = a.filter((row) => row.some((v) => v !== 0)).length;
  const cols = a[0].filter((_, j) => a.some((row) => row[j] !== 0)).length;
  return [rows, cols];
}

export const receptiveFieldExercise: Exercise = {
  id: 'receptive-field',
  title: 'Feature map and receptive field',
  section: 'conv-layer',
  part: 'section',
  summary: 'receptive field of a conv stack, by formula and measured by back-propagating a one-hot gradient',
  async run({ device } = DEFAULT_RUN) {
    const r = new Report(this.id, this.title, this.part);
    const book: ConvLayer[] = [
      { kernel: 2, stride: 1 },
      { kernel: 2, stride: 1 },
    ];
    const fp = await footprint(3, book, device).cpu();
    r.item('book', "The book's figure: 3x3 input, two 2x2 convolutions")
      .text(
        "Y = corr2d(X, K) is 2x2; a second 2x2 convolution of Y gives one element z. Each element of Y sees 2x2 inputs, and z sees all of Y, so z's receptive field is all nine elements of X. The numbers below count the paths from each input to z.",
      )
      .code('receptive-field-formula')
      .code('receptive-field-measured')
      .value(
        'receptiveField([2x2, 2x2])',
        receptiveField(book),
        `receptiveField([2x2, 2x2]) = ${receptiveField(book)}: z sees a ${receptiveField(book)}x${receptiveField(book)} window of X`,
      )
      .tensor('footprint(3, [2x2, 2x2])', fp)
      .check('every one of the 9 inputs reaches z', fp.gt(0).sum().item() === 9);
    const stack: ConvLayer[] = [
      { kernel: 3, stride: 1 },
      { kernel: 3, stride: 2 },
      { kernel: 3, stride: 1 },
    ];
    const formula = receptiveField(stack);
    const fp2 = await footprint(11, stack, device).cpu();
    const [rows, cols] = extent(fp2);
    r.item('stack', 'A deeper stack: 3x3 conv, 3x3 conv with stride 2, 3x3 conv')
      .text('Stride multiplies the reach of every later layer: 1 + 2 + 2 + 2*2 = 9, measured on an 11x11 input.')
      .value('receptiveField(stack)', formula, `receptiveField(stack) = ${formula}: a ${formula}x${formula} window`)
      .tensor('footprint(11, stack)', fp2)
      .value('measured extent', [rows, cols], `measured: the non-zeros span ${rows} rows and ${cols} columns`)
      .check('the measured receptive field is 9x9, as the formula says', formula === 9 && rows === 9 && cols === 9);
    return r.result();
  },
};
