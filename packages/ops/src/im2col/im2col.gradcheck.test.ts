import { Tensor } from '@torchlet/tensor';
import { closeness, finiteDifferenceGrad, randomArr, rng } from '@torchlet/test-utils';
import { describe, expect, it } from 'vitest';
import { col2im, type Im2colOptions, im2col } from './im2col.js';

// im2col and col2im are each other's backward: check both directions against finite differences.
const cases: { name: string; x: number[]; k: [number, number]; options: Im2colOptions }[] = [
  { name: 'plain', x: [2, 2, 4, 5], k: [2, 3], options: {} },
  {
    name: 'stride, padding, dilation',
    x: [1, 2, 6, 5],
    k: [3, 2],
    options: { stride: [2, 1], padding: [1, 2], dilation: [1, 2] },
  },
  { name: 'unbatched', x: [3, 4, 4], k: [2, 2], options: { stride: 2 } },
];

describe('im2col/col2im backward vs finite differences', () => {
  it.each(cases)('$name', ({ x: xShape, k, options }) => {
    const next = rng(xShape.length * 31 + k[0]);
    const x = randomArr(xShape, next);
    const cols = im2col(new Tensor(x.data, xShape), k, options);
    const upCols = randomArr([...cols.shape], next);
    const size: [number, number] = [xShape[xShape.length - 2], xShape[xShape.length - 1]];
    const gx = finiteDifferenceGrad((t) => im2col(t, k, options), x, upCols.data);
    expect(closeness(col2im(new Tensor(upCols.data, upCols.shape), size, k, options), gx, 1e-6, 1e-6)).toBeNull();
    const c = randomArr([...cols.shape], next);
    const upImg = randomArr(xShape, next);
    const gc = finiteDifferenceGrad((t) => col2im(t, size, k, options), c, upImg.data);
    expect(closeness(im2col(new Tensor(upImg.data, xShape), k, options), gc, 1e-6, 1e-6)).toBeNull();
  });
});
