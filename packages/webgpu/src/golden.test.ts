// PyTorch's own results (the repository's golden vectors, tools/test-utils/golden, made by
// PyTorch 1.13 in float64 from float32-exact inputs): conv2d forward and every gradient, max and
// average pooling forward and backward, every case run on the WebGPU device.
import {
  type Conv2dCase,
  type ConvTranspose2dCase,
  caseLabel,
  type GoldenTensor,
  goldenTolerance,
  loadGolden,
  type Pool2dCase,
  pair,
} from '@torchlet/test-utils';
import { describe, expect, test } from 'vitest';
import { gpu, ranOn } from '../test/gpu.js';
import {
  avgPool2dBackward,
  avgPool2dForward,
  binary,
  CONV2D_KERNELS,
  type Conv2dGeometry,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dForward,
  type GpuBuffer,
  maxPool2dBackward,
  maxPool2dForward,
  POOL2D_KERNELS,
  type Pool2dGeometry,
  readback,
  reduce,
  upload,
} from './index.js';

const put = (t: GoldenTensor): GpuBuffer => upload(gpu, Float32Array.from(t.data));

/** The first element off by more than the golden tolerance for `terms` summed products, or null. */
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

function convGeometry(c: Conv2dCase): Conv2dGeometry {
  const [batch, inChannels, inH, inW] = c.input.shape;
  const [outChannels, , kh, kw] = c.weight.shape;
  const [dilationH, dilationW] = pair(c.dilation);
  const [strideH, strideW] = pair(c.stride);
  // 'same' (stride 1) pads d*(k-1) in all, the smaller half before, as PyTorch does.
  const [padTop, padLeft] =
    c.padding === 'valid'
      ? [0, 0]
      : c.padding === 'same'
        ? [Math.floor((dilationH * (kh - 1)) / 2), Math.floor((dilationW * (kw - 1)) / 2)]
        : pair(c.padding);
  return {
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
    outH: c.out.shape[2],
    outW: c.out.shape[3],
  };
}

describe('conv2d on WebGPU matches PyTorch', () => {
  const cases = loadGolden('conv2d');
  test.each(cases.map((c, i) => [caseLabel(c, i), c] as const))('%s', async (_, c) => {
    const g = convGeometry(c);
    const [x, w, dy] = [put(c.input), put(c.weight), put(c.upstream)];
    const b = c.bias ? put(c.bias) : null;
    const taps = g.kh * g.kw;
    expect(await offBy(conv2dForward(x, w, b, g), c.out, (g.inChannels / g.groups) * taps + 1)).toBeNull();
    expect(ranOn(CONV2D_KERNELS.forward)).toBe(true);
    expect(await offBy(conv2dBackwardInput(dy, w, g), c.grad_input, (g.outChannels / g.groups) * taps)).toBeNull();
    expect(ranOn(CONV2D_KERNELS.backwardInput)).toBe(true);
    expect(await offBy(conv2dBackwardWeight(dy, x, g), c.grad_weight, g.batch * g.outH * g.outW)).toBeNull();
    expect(ranOn(CONV2D_KERNELS.backwardWeight)).toBe(true);
    if (c.grad_bias) {
      // The bias gradient: dy summed over height x width, then over the batch.
      const perImage = reduce('sum', dy, [g.batch, g.outChannels, g.outH * g.outW], 2);
      expect(
        await offBy(reduce('sum', perImage, [g.batch, g.outChannels], 0), c.grad_bias, g.batch * g.outH * g.outW),
      ).toBeNull();
    }
  });
});

/**
 * conv_transpose2d is the input gradient of the conv2d whose input is the transposed conv's output:
 * that conv2d's geometry, with the transposed conv's input as its output (output_padding is just a
 * larger conv input, whose extra rows no output reads).
 */
function transposedGeometry(c: ConvTranspose2dCase): Conv2dGeometry {
  const [batch, inT, hT, wT] = c.input.shape;
  const [, , kh, kw] = c.weight.shape;
  const [, outT, outH, outW] = c.out.shape;
  const [strideH, strideW] = pair(c.stride);
  const [padTop, padLeft] = pair(c.padding);
  const [dilationH, dilationW] = pair(c.dilation);
  return {
    batch,
    inChannels: outT,
    inH: outH,
    inW: outW,
    outChannels: inT,
    kh,
    kw,
    groups: c.groups,
    strideH,
    strideW,
    padTop,
    padLeft,
    dilationH,
    dilationW,
    outH: hT,
    outW: wT,
  };
}

describe('conv_transpose2d through the conv2d kernels matches PyTorch', () => {
  const cases = loadGolden('conv_transpose2d');
  test.each(cases.map((c, i) => [caseLabel(c, i), c] as const))('%s', async (_, c) => {
    const g = transposedGeometry(c);
    const [x, w, dy] = [put(c.input), put(c.weight), put(c.upstream)];
    const taps = g.kh * g.kw;
    // forward: the conv2d input gradient of x; then the bias, broadcast over batch, height, width.
    let y = conv2dBackwardInput(x, w, g);
    if (c.bias) {
      const shape = c.out.shape;
      const plane = shape[2] * shape[3];
      const strides = [shape[1] * plane, plane, shape[3], 1];
      y = binary('add', { buffer: y, strides }, { buffer: put(c.bias), strides: [0, 1, 0, 0] }, shape);
    }
    expect(await offBy(y, c.out, (g.outChannels / g.groups) * taps + 1)).toBeNull();
    // grad input: conv2d forward of the upstream gradient; grad weight: conv2d's weight gradient with the roles swapped.
    expect(await offBy(conv2dForward(dy, w, null, g), c.grad_input, (g.inChannels / g.groups) * taps)).toBeNull();
    expect(await offBy(conv2dBackwardWeight(x, dy, g), c.grad_weight, g.batch * g.outH * g.outW)).toBeNull();
  });
});

function poolGeometry(c: Pool2dCase): Pool2dGeometry {
  const [batch, channels, inH, inW] = c.input.shape;
  const [kh, kw] = pair(c.kernel_size);
  const [strideH, strideW] = pair(c.stride ?? c.kernel_size);
  const [padTop, padLeft] = pair(c.padding);
  const [dilationH, dilationW] = pair(c.dilation ?? 1);
  return {
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
    outH: c.out.shape[2],
    outW: c.out.shape[3],
  };
}

describe('pooling on WebGPU matches PyTorch', () => {
  const cases = loadGolden('pool2d');
  test.each(cases.map((c, i) => [caseLabel(c, i), c] as const))('%s', async (_, c) => {
    const g = poolGeometry(c);
    const [x, dy] = [put(c.input), put(c.upstream)];
    const terms = g.kh * g.kw;
    if (c.op === 'max_pool2d') {
      const { values, indices } = maxPool2dForward(x, g);
      expect(ranOn(POOL2D_KERNELS.maxForward)).toBe(true);
      expect(await offBy(values, c.out, 1)).toBeNull();
      expect(await offBy(maxPool2dBackward(dy, indices, g), c.grad_input, terms)).toBeNull();
      expect(ranOn(POOL2D_KERNELS.maxBackward)).toBe(true);
    } else {
      const o = { countIncludePad: c.count_include_pad ?? true };
      expect(await offBy(avgPool2dForward(x, g, o), c.out, terms)).toBeNull();
      expect(ranOn(POOL2D_KERNELS.avgForward)).toBe(true);
      expect(await offBy(avgPool2dBackward(dy, g, o), c.grad_input, terms)).toBeNull();
      expect(ranOn(POOL2D_KERNELS.avgBackward)).toBe(true);
    }
  });
});
