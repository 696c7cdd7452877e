import { caseLabel, type GoldenTensor, goldenTolerance, loadGolden, pair, toTensor } from '@torchlet/test-utils';
import { describe, expect, it } from 'vitest';
import { closeness } from '../../test/conv-reference.js';
import { col2im, im2col } from './im2col.js';

const asArr = (g: GoldenTensor) => ({ shape: g.shape, data: Float64Array.from(g.data) });

describe.each(['float32', 'float64'] as const)('im2col/col2im golden vectors (F.unfold/F.fold), %s', (dtype) => {
  const cases = loadGolden('unfold_fold');
  it.each(cases.map((c, i) => [caseLabel(c, i), c] as const))('%s', (_label, c) => {
    const options = { stride: pair(c.stride), padding: pair(c.padding), dilation: pair(c.dilation) };
    const k = pair(c.kernel_size);
    const terms = k[0] * k[1];
    const { atol, rtol } = goldenTolerance(terms);
    const x = toTensor(c.input, dtype);
    const out = im2col(x, k, options);
    expect(closeness(out, asArr(c.out), atol, rtol)).toBeNull();
    // the gradient of unfold is fold of the upstream gradient
    expect(
      closeness(col2im(toTensor(c.upstream, dtype), c.output_size, k, options), asArr(c.grad_input), atol, rtol),
    ).toBeNull();
    expect(closeness(col2im(out, c.output_size, k, options), asArr(c.fold_of_out), atol, rtol)).toBeNull();
  });
});
