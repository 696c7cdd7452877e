// PyTorch's own results (the repository's golden vectors) for conv2d and convTranspose2d with
// their gradients and for max/average pooling forward and backward, every case run on the webgpu
// device through the ops' public functions, with the golden tolerance for float32.
import { initWebGPU, type Tensor } from '@torchlet/tensor';
import {
  type Conv2dCase,
  type ConvTranspose2dCase,
  caseLabel,
  type GoldenTensor,
  goldenCloseness,
  loadGolden,
  type Pool2dCase,
  pair,
  toTensor,
} from '@torchlet/test-utils';
import { describe, expect, it } from 'vitest';
import {
  avgPool2d,
  avgPool2dBackward,
  conv2d,
  conv2dBackwardBias,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  convTranspose2d,
  convTranspose2dBackwardBias,
  convTranspose2dBackwardInput,
  convTranspose2dBackwardWeight,
  maxPool2d,
  maxPool2dBackward,
} from '../index.js';

await initWebGPU();

const gpu = (g: GoldenTensor): Tensor => toTensor(g, 'float32').to('webgpu');

async function expectGolden(actual: Tensor, expected: GoldenTensor, terms: number): Promise<void> {
  expect(actual.device).toBe('webgpu');
  expect(goldenCloseness(await actual.cpu(), expected, terms)).toBeNull();
}

describe('conv2d golden vectors on the webgpu device', () => {
  const cases = loadGolden('conv2d');
  it.each(cases.map((c, i) => [caseLabel(c, i), c] as const))('%s', async (_label, c: Conv2dCase) => {
    const x = gpu(c.input);
    const w = gpu(c.weight);
    const b = c.bias ? gpu(c.bias) : null;
    const up = gpu(c.upstream);
    const options = {
      stride: pair(c.stride),
      padding: typeof c.padding === 'string' ? c.padding : pair(c.padding),
      dilation: pair(c.dilation),
      groups: c.groups,
    };
    const [cout, cinG, kh, kw] = c.weight.shape;
    const [n, , hout, wout] = c.out.shape;
    await expectGolden(conv2d(x, w, b, options), c.out, cinG * kh * kw + 1);
    await expectGolden(conv2dBackwardInput(up, x.shape, w, options), c.grad_input, (cout / c.groups) * kh * kw);
    await expectGolden(conv2dBackwardWeight(up, x, w.shape, options), c.grad_weight, n * hout * wout);
    if (c.grad_bias) await expectGolden(conv2dBackwardBias(up), c.grad_bias, n * hout * wout);
  });
});

describe('pool2d golden vectors on the webgpu device', () => {
  const cases = loadGolden('pool2d');
  it.each(cases.map((c, i) => [caseLabel(c, i), c] as const))('%s', async (_label, c: Pool2dCase) => {
    const input = gpu(c.input);
    const upstream = gpu(c.upstream);
    const common = { stride: c.stride, padding: c.padding, ceilMode: c.ceil_mode };
    const [kh, kw] = pair(c.kernel_size);
    if (c.op === 'max_pool2d') {
      const { values, indices } = maxPool2d(input, c.kernel_size, {
        ...common,
        dilation: c.dilation ?? 1,
        returnIndices: true,
      });
      await expectGolden(values, c.out, 1);
      await expectGolden(maxPool2dBackward(upstream, indices, input.shape), c.grad_input, kh * kw);
    } else {
      const options = { ...common, countIncludePad: c.count_include_pad ?? true };
      await expectGolden(avgPool2d(input, c.kernel_size, options), c.out, kh * kw);
      await expectGolden(avgPool2dBackward(upstream, input.shape, c.kernel_size, options), c.grad_input, kh * kw);
    }
  });
});

describe('convTranspose2d golden vectors on the webgpu device', () => {
  const cases = loadGolden('conv_transpose2d');
  it.each(cases.map((c, i) => [caseLabel(c, i), c] as const))('%s', async (_label, c: ConvTranspose2dCase) => {
    const options = {
      stride: pair(c.stride),
      padding: pair(c.padding),
      outputPadding: pair(c.output_padding),
      dilation: pair(c.dilation),
      groups: c.groups,
    };
    const x = gpu(c.input);
    const w = gpu(c.weight);
    const b = c.bias ? gpu(c.bias) : null;
    const up = gpu(c.upstream);
    const [cin, coutG, kh, kw] = c.weight.shape;
    const [n, , hin, win] = c.input.shape;
    const [, , hout, wout] = c.out.shape;
    await expectGolden(convTranspose2d(x, w, b, options), c.out, (cin / c.groups) * kh * kw + 1);
    await expectGolden(convTranspose2dBackwardInput(up, x.shape, w, options), c.grad_input, coutG * kh * kw);
    await expectGolden(convTranspose2dBackwardWeight(up, x, w.shape, options), c.grad_weight, n * hin * win);
    if (c.grad_bias) await expectGolden(convTranspose2dBackwardBias(up), c.grad_bias, n * hout * wout);
  });
});
