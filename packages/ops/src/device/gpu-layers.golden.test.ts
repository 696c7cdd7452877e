// PyTorch's own results on the webgpu device for what gpu-layers.test.ts compares with the CPU:
// conv2d's padding modes with both gradients, interpolate and its gradient (every mode, antialias),
// unfold/fold and the d2l functions, from the same golden vectors the CPU tests read, with float32
// tolerances.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initWebGPU, type Tensor } from '@torchlet/tensor';
import {
  caseLabel,
  closeness,
  type GoldenTensor,
  goldenCloseness,
  loadGolden,
  pair,
  toTensor,
} from '@torchlet/test-utils';
import { describe, expect, it } from 'vitest';
import {
  col2im,
  conv2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  corr2d,
  corr2dMatmul,
  corr2dMultiIn,
  corr2dMultiInOut,
  type InterpolateOptions,
  im2col,
  interpolate,
  interpolateBackward,
} from '../index.js';

await initWebGPU();

const gpu = (g: GoldenTensor): Tensor => toTensor(g, 'float32').to('webgpu');

async function expectGolden(actual: Tensor, expected: GoldenTensor, terms: number): Promise<void> {
  expect(actual.device).toBe('webgpu');
  expect(actual.shape).toEqual(expected.shape);
  expect(goldenCloseness(await actual.cpu(), expected, terms)).toBeNull();
}

describe('conv2d padding modes (conv2d_padding_mode.json) on the webgpu device', () => {
  const cases = loadGolden('conv2d_padding_mode');
  it.each(cases.map((c, i) => [caseLabel(c, i), c] as const))('%s', async (_label, c) => {
    const x = gpu(c.input);
    const w = gpu(c.weight);
    const up = gpu(c.upstream);
    const options = { padding: pair(c.padding), paddingMode: c.padding_mode };
    const [cout, cin, kh, kw] = c.weight.shape;
    const [n, , hout, wout] = c.out.shape;
    await expectGolden(conv2d(x, w, null, options), c.out, cin * kh * kw);
    await expectGolden(conv2dBackwardInput(up, x.shape, w, options), c.grad_input, 4 * cout * kh * kw);
    await expectGolden(conv2dBackwardWeight(up, x, w.shape, options), c.grad_weight, n * hout * wout);
  });
});

interface InterpolateCase {
  readonly options: InterpolateOptions;
  readonly input: GoldenTensor;
  readonly upstream: GoldenTensor;
  readonly float32: { readonly out: GoldenTensor; readonly grad_input: GoldenTensor };
}

describe('interpolate (interpolate.json) on the webgpu device', () => {
  const file = fileURLToPath(new URL('../../test/golden/interpolate.json', import.meta.url));
  const { cases } = JSON.parse(readFileSync(file, 'utf8')) as { cases: InterpolateCase[] };
  it.each(cases.map((c, i) => [`${i}: ${JSON.stringify(c.options)} ${JSON.stringify(c.input.shape)}`, c] as const))(
    '%s',
    async (_label, c) => {
      const x = gpu(c.input);
      const out = interpolate(x, c.options);
      expect(out.device).toBe('webgpu');
      // nearest modes copy values, so they are exact on the device too (same float32 source indices)
      const exact = (c.options.mode ?? 'nearest') !== 'bilinear';
      expect(closeness(await out.cpu(), c.float32.out, exact ? 0 : 1e-5, 1e-6)).toBeNull();
      const grad = interpolateBackward(gpu(c.upstream), x.shape, c.options);
      expect(closeness(await grad.cpu(), c.float32.grad_input, 1e-5, 1e-5)).toBeNull();
    },
  );
});

describe('unfold/fold (unfold_fold.json) on the webgpu device', () => {
  const cases = loadGolden('unfold_fold');
  it.each(cases.map((c, i) => [caseLabel(c, i), c] as const))('%s', async (_label, c) => {
    const options = { stride: pair(c.stride), padding: pair(c.padding), dilation: pair(c.dilation) };
    const k = pair(c.kernel_size);
    const terms = k[0] * k[1];
    const out = im2col(gpu(c.input), k, options);
    await expectGolden(out, c.out, terms);
    await expectGolden(col2im(gpu(c.upstream), c.output_size, k, options), c.grad_input, terms);
    await expectGolden(col2im(out, c.output_size, k, options), c.fold_of_out, terms);
  });
});

describe('the d2l functions (d2l.json) on the webgpu device', () => {
  const d2l = loadGolden('d2l');
  it.each([
    ['corr2d', corr2d],
    ['corr2dMatmul', corr2dMatmul],
  ] as const)('%s: corr2d_basic, edge, diagonal', async (_name, f) => {
    for (const c of [d2l.corr2d_basic, d2l.edge, d2l.diagonal]) {
      await expectGolden(f(gpu(c.X), gpu(c.K)), c.Y, c.K.data.length);
    }
  });

  it('multi_channel: corr2dMultiIn and corr2dMultiInOut', async () => {
    const c = d2l.multi_channel;
    await expectGolden(corr2dMultiIn(gpu(c.X), gpu(c.K)), c.multi_in, c.K.data.length);
    await expectGolden(corr2dMultiInOut(gpu(c.X), gpu(c.K3)), c.multi_in_out, c.K.data.length);
  });
});
