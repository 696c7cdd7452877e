import { maxPool2d, variable } from '@torchlet/autograd';
import { Generator, randn, type Tensor } from '@torchlet/tensor';
import { DEFAULT_RUN, type Exercise, Report } from '../report.js';

/** Minimum pooling needs no layer of its own: min(x) = -max(-x). */
// #region snippet min-pool
export function minPool2d(X: Tensor, k: number): Tensor {
  return maxPool2d(X.neg(), k).data.neg();
}
export function minPoolLoops(X: Tensor, k: number): number[][][][] {
  const a = X.toArray() as number[][][][];
  return a.map((img) =>
    img.map((plane) =>
      Array.from({ length: Math.floor(plane.length / k) }, (_, i) =>
        Array.from({ length: Math.floor(plane[0].length / k) }, (_, j) =>
          Math.min(...plane.slice(i * k, i * k + k).flatMap((row) => row.slice(j * k, j * k + k))),
        ),
      ),
    ),
  );
}
// #endregion

export const minPoolExercise: Exercise = {
  id: 'min-pool',
  title: 'Exercise 6 (5 in the first edition): do we need a minimum pooling layer?',
  section: 'pooling',
  part: 'exercise',
  summary: "no: minPool(X) = -maxPool(-X), values and gradients (which go to each window's minimum)",
  async run({ device } = DEFAULT_RUN) {
    const r = new Report(this.id, this.title, this.part);
    const X = randn([1, 2, 6, 6], { generator: new Generator(0) });
    const onDevice = X.to(device);
    const Y = await minPool2d(onDevice, 2).cpu();
    const x = variable(onDevice, { requiresGrad: true });
    maxPool2d(x.neg(), 2).neg().sum().backward();
    const grad = await (x.grad as Tensor).cpu();
    const isMin = X.eq(minPool2dUpsampled(Y));
    r.item('min-pool', 'Minimum pooling is max-pooling of the negated input, negated')
      .text(
        'min(a, b, ...) = -max(-a, -b, ...), so negating before and after a max-pooling layer gives minimum pooling, gradient included: the gradient flows to the minimum of each window. No separate layer is needed (after a ReLU most minima are 0 anyway, which is why min-pooling is rarely useful).',
      )
      .code('min-pool')
      .tensor('minPool2d(X, 2)[0, 0]', Y.get('0, 0'))
      .check(
        'equals the minimum of every window, by loops',
        JSON.stringify(Y.toArray()) === JSON.stringify(minPoolLoops(X, 2)),
      )
      .check("its gradient is 1 exactly at each window's minimum", grad.equal(isMin.to('float32')));
    return r.result();
  },
};

/** Each pooled value repeated over its 2x2 window (to compare with the input). */
function minPool2dUpsampled(Y: Tensor): Tensor {
  const [n, c, h, w] = Y.shape;
  return Y.reshape([n, c, h, 1, w, 1])
    .expand([n, c, h, 2, w, 2])
    .reshape([n, c, 2 * h, 2 * w]);
}
