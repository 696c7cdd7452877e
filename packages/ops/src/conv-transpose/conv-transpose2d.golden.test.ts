import { caseLabel, type GoldenTensor, goldenCloseness, loadGolden, pair, toTensor } from '@torchlet/test-utils';
import { describe, expect, it } from 'vitest';
import { conv2dKernels } from '../conv2d/params.js';
import {
  type ConvTranspose2dOptions,
  convTranspose2d,
  convTranspose2dBackwardBias,
  convTranspose2dBackwardInput,
  convTranspose2dBackwardWeight,
} from './conv-transpose2d.js';

describe.each(conv2dKernels)('convTranspose2d golden vectors, %s kernel', (kernel) => {
  describe.each(['float32', 'float64'] as const)('%s', (dtype) => {
    const cases = loadGolden('conv_transpose2d');
    it.each(cases.map((c, i) => [caseLabel(c, i), c] as const))('%s', (_label, c) => {
      const options: ConvTranspose2dOptions = {
        stride: pair(c.stride),
        padding: pair(c.padding),
        outputPadding: pair(c.output_padding),
        dilation: pair(c.dilation),
        groups: c.groups,
        kernel,
      };
      const x = toTensor(c.input, dtype);
      const w = toTensor(c.weight, dtype);
      const b = c.bias ? toTensor(c.bias, dtype) : null;
      const up = toTensor(c.upstream, dtype);
      const [cin, coutG, kh, kw] = c.weight.shape;
      const [n, , hin, win] = c.input.shape;
      const [, , hout, wout] = c.out.shape;
      const check = (actual: ReturnType<typeof convTranspose2d>, expected: GoldenTensor, terms: number) => {
        expect(goldenCloseness(actual, expected, terms)).toBeNull();
      };
      check(convTranspose2d(x, w, b, options), c.out, (cin / c.groups) * kh * kw + 1);
      check(convTranspose2dBackwardInput(up, x.shape, w, options), c.grad_input, coutG * kh * kw);
      check(convTranspose2dBackwardWeight(up, x, w.shape, options), c.grad_weight, n * hin * win);
      if (c.grad_bias) check(convTranspose2dBackwardBias(up), c.grad_bias, n * hout * wout);
    });
  });
});
