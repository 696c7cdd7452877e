// PyTorch's own results (the repository's golden vectors in tools/test-utils/golden) for the
// kernels beyond conv2d and pooling: conv2d with every padding_mode (pad2d + conv2d, and both
// gradients through pad2dBackward), unfold/fold (im2col/col2im) and conv_transpose2d through its
// own entry points, each asserting the kernel that ran on the WebGPU device.
import { caseLabel, type GoldenTensor, goldenTolerance, loadGolden, pair } from '@torchlet/test-utils';
import { describe, expect, test } from 'vitest';
import { gpu, ranOn } from '../test/gpu.js';
import {
  biasGradient,
  CONV2D_KERNELS,
  type Conv2dGeometry,
  col2im,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dForward,
  convTranspose2dBackwardInput,
  convTranspose2dBackwardWeight,
  convTranspose2dForward,
  type GpuBuffer,
  im2col,
  PAD2D_KERNELS,
  type PadMode,
  type Pool2dGeometry,
  pad2d,
  pad2dBackward,
  readback,
  UNFOLD_KERNELS,
  upload,
} from './index.js';

const put = (t: GoldenTensor): GpuBuffer => upload(gpu, Float32Array.from(t.data));

async function offBy(got: GpuBuffer, want: GoldenTensor, terms: number): Promise<string | null> {
  const values = await readback(got);
  const { atol, rtol } = goldenTolerance(terms);
  if (values.length !== want.data.length) return `length ${values.length}, want ${want.data.length}`;
  for (let i = 0; i < values.length; i++) {
    if (!(Math.abs(values[i] - want.data[i]) <= atol + rtol * Math.abs(want.data[i]))) {
      return `element ${i}: got ${values[i]}, want ${want.data[i]}`;
    }
  }
  return null;
}

describe('conv2d with padding_mode on WebGPU (pad2d, then conv2d) matches PyTorch', () => {
  const cases = loadGolden('conv2d_padding_mode');
  test.each(cases.map((c, i) => [caseLabel(c, i), c] as const))('%s', async (_, c) => {
    const [batch, inChannels, inH, inW] = c.input.shape;
    const [outChannels, , kh, kw] = c.weight.shape;
    const [ph, pw] = pair(c.padding);
    const mode: PadMode = c.padding_mode === 'zeros' ? 'constant' : c.padding_mode;
    const padGeometry = {
      planes: batch * inChannels,
      inH,
      inW,
      padTop: ph,
      padBottom: ph,
      padLeft: pw,
      padRight: pw,
    };
    const g: Conv2dGeometry = {
      batch,
      inChannels,
      inH: inH + 2 * ph,
      inW: inW + 2 * pw,
      outChannels,
      kh,
      kw,
      groups: 1,
      strideH: 1,
      strideW: 1,
      padTop: 0,
      padLeft: 0,
      dilationH: 1,
      dilationW: 1,
      outH: c.out.shape[2],
      outW: c.out.shape[3],
    };
    const [x, w, dy] = [put(c.input), put(c.weight), put(c.upstream)];
    const padded = pad2d(x, padGeometry, mode);
    expect(ranOn(PAD2D_KERNELS.forward)).toBe(true);
    expect(await offBy(conv2dForward(padded, w, null, g), c.out, inChannels * kh * kw)).toBeNull();
    const dPadded = conv2dBackwardInput(dy, w, g);
    const dx = pad2dBackward(dPadded, padGeometry, mode);
    expect(ranOn(PAD2D_KERNELS.backward)).toBe(true);
    expect(await offBy(dx, c.grad_input, 4 * outChannels * kh * kw)).toBeNull();
    expect(await offBy(conv2dBackwardWeight(dy, padded, g), c.grad_weight, batch * g.outH * g.outW)).toBeNull();
  });
});

describe('unfold / fold (im2col / col2im) on WebGPU match PyTorch', () => {
  const cases = loadGolden('unfold_fold');
  test.each(cases.map((c, i) => [caseLabel(c, i), c] as const))('%s', async (_, c) => {
    const [batch, channels, inH, inW] = c.input.shape;
    const [kh, kw] = pair(c.kernel_size);
    const [strideH, strideW] = pair(c.stride);
    const [padTop, padLeft] = pair(c.padding);
    const [dilationH, dilationW] = pair(c.dilation);
    const outH = Math.floor((inH + 2 * padTop - dilationH * (kh - 1) - 1) / strideH) + 1;
    const outW = Math.floor((inW + 2 * padLeft - dilationW * (kw - 1) - 1) / strideW) + 1;
    const g: Pool2dGeometry = {
      batch,
      channels,
      inH,
      inW,
      kh,
      kw,
      strideH,
      strideW,
      padTop,
      padLeft,
      dilationH,
      dilationW,
      outH,
      outW,
    };
    const columns = im2col(put(c.input), g);
    expect(ranOn(UNFOLD_KERNELS.im2col)).toBe(true);
    expect(await offBy(columns, c.out, 1)).toBeNull();
    expect(await offBy(col2im(put(c.upstream), g), c.grad_input, kh * kw)).toBeNull();
    expect(ranOn(UNFOLD_KERNELS.col2im)).toBe(true);
    expect(await offBy(col2im(columns, g), c.fold_of_out, kh * kw)).toBeNull();
  });
});

describe('convTranspose2d on WebGPU matches PyTorch', () => {
  const cases = loadGolden('conv_transpose2d');
  test.each(cases.map((c, i) => [caseLabel(c, i), c] as const))('%s', async (_, c) => {
    const [batch, inChannels, inH, inW] = c.input.shape;
    const [, , kh, kw] = c.weight.shape;
    const [, outChannels, outH, outW] = c.out.shape;
    const [strideH, strideW] = pair(c.stride);
    const [padTop, padLeft] = pair(c.padding);
    const [dilationH, dilationW] = pair(c.dilation);
    const g = {
      batch,
      inChannels,
      inH,
      inW,
      outChannels,
      kh,
      kw,
      groups: c.groups,
      strideH,
      strideW,
      padTop,
      padLeft,
      dilationH,
      dilationW,
      outH,
      outW,
    };
    const [x, w, dy] = [put(c.input), put(c.weight), put(c.upstream)];
    const taps = kh * kw;
    const y = convTranspose2dForward(x, w, c.bias ? put(c.bias) : null, g);
    expect(await offBy(y, c.out, (inChannels / c.groups) * taps + 1)).toBeNull();
    const dx = convTranspose2dBackwardInput(dy, w, g);
    expect(ranOn(CONV2D_KERNELS.forward)).toBe(true);
    expect(await offBy(dx, c.grad_input, (outChannels / c.groups) * taps)).toBeNull();
    const dw = convTranspose2dBackwardWeight(dy, x, g);
    expect(await offBy(dw, c.grad_weight, batch * inH * inW)).toBeNull();
    if (c.grad_bias) {
      expect(
        await offBy(biasGradient(dy, [batch, outChannels, outH, outW]), c.grad_bias, batch * outH * outW),
      ).toBeNull();
    }
  });
});
