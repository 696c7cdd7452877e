import { caseLabel, goldenCloseness, loadGolden, pair, toTensor } from '@torchlet/test-utils';
import { describe, expect, it } from 'vitest';
import { col2im, im2col } from './im2col.js';

describe.each(['float32', 'float64'] as const)('im2col/col2im golden vectors (F.unfold/F.fold), %s', (dtype) => {
  const cases = loadGolden('unfold_fold');
  it.each(cases.map((c, i) => [caseLabel(c, i), c] as const))('%s', (_label, c) => {
    const options = { stride: pair(c.stride), padding: pair(c.padding), dilation: pair(c.dilation) };
    const k = pair(c.kernel_size);
    const terms = k[0] * k[1];
    const x = toTensor(c.input, dtype);
    const out = im2col(x, k, options);
    expect(goldenCloseness(out, c.out, terms)).toBeNull();
    // the gradient of unfold is fold of the upstream gradient
    expect(
      goldenCloseness(col2im(toTensor(c.upstream, dtype), c.output_size, k, options), c.grad_input, terms),
    ).toBeNull();
    expect(goldenCloseness(col2im(out, c.output_size, k, options), c.fold_of_out, terms)).toBeNull();
  });
});
