// The tensors the d2l walk-through prints and draws, computed by torchlet itself (at build time
// for the static page, again in the browser): the page can never show numbers the library does
// not produce. guide/d2l.md shows them with <TensorView name="..." />.
import { corr2d } from '@torchlet/ops';
import { eye, ones, type Tensor, tensor } from '@torchlet/tensor';
import type { ColorScale } from '../playground/colors.js';

export interface ShownTensor {
  /** The expression as the page's code writes it. */
  readonly expr: string;
  /** How its heatmap is coloured: `grey` for images, `diverging` for signed values. */
  readonly scale: ColorScale;
  readonly build: () => Tensor;
}

/** The book's edge image: ones([6, 8]) with X[:, 2:6] = 0. */
function edgeX(): Tensor {
  const X = ones([6, 8]);
  X.set(':, 2:6', 0);
  return X;
}
const K = (): Tensor => tensor([[1.0, -1.0]]);

export const SHOWN = {
  'corr.X': {
    expr: 'X',
    scale: 'diverging',
    build: () =>
      tensor([
        [0.0, 1.0, 2.0],
        [3.0, 4.0, 5.0],
        [6.0, 7.0, 8.0],
      ]),
  },
  'corr.Y': {
    expr: 'corr2d(X, K)',
    scale: 'diverging',
    build: () =>
      corr2d(
        tensor([
          [0.0, 1.0, 2.0],
          [3.0, 4.0, 5.0],
          [6.0, 7.0, 8.0],
        ]),
        tensor([
          [0.0, 1.0],
          [2.0, 3.0],
        ]),
      ),
  },
  'edge.X': { expr: 'X', scale: 'grey', build: edgeX },
  'edge.Y': { expr: 'Y = corr2d(X, K)', scale: 'diverging', build: () => corr2d(edgeX(), K()) },
  'edge.XT': { expr: 'corr2d(X.t(), K)', scale: 'diverging', build: () => corr2d(edgeX().t(), K()) },
  'diag.X': { expr: 'X = eye(8)', scale: 'grey', build: () => eye(8) },
  'diag.Y': { expr: 'corr2d(X, K)', scale: 'diverging', build: () => corr2d(eye(8), K()) },
  'diag.KT': { expr: 'corr2d(X, K.t())', scale: 'diverging', build: () => corr2d(eye(8), K().t()) },
} satisfies Record<string, ShownTensor>;

export type ShownName = keyof typeof SHOWN;

/** A tensor's rows as plain numbers (for the heatmap), 1-D tensors as one row. */
export function rowsOf(t: Tensor): number[][] {
  const a = t.toArray() as number[] | number[][];
  return Array.isArray(a[0]) ? (a as number[][]) : [a as number[]];
}
