import { Generator, type Tensor, tensor, zeros } from '@torchlet/tensor';
import { loadGolden } from '@torchlet/test-utils';
import { describe, expect, it } from 'vitest';
import { pattern, torchRef } from '../../test/pytorch-reference.js';
import { Conv2d, type Conv2dLayerOptions, ConvTranspose2d, type ConvTranspose2dLayerOptions } from './conv.js';
import type { IntPair } from './util.js';

function expectClose(actual: Tensor, expected: readonly number[], shape: readonly number[], atol = 1e-5): void {
  expect(actual.shape).toEqual(shape);
  const got = Array.from(actual.toTypedArray() as Float32Array);
  expect(got).toHaveLength(expected.length);
  got.forEach((v, i) => {
    expect(Math.abs(v - expected[i]), `element ${i}: ${v} vs ${expected[i]}`).toBeLessThanOrEqual(
      atol + 1e-5 * Math.abs(expected[i]),
    );
  });
}

describe('Conv2d shapes and parameters match PyTorch', () => {
  // [in, out, kernel, options, input shape, output shape, weight shape] (PyTorch's results for the same arguments)
  const cases: [number, number, IntPair, Conv2dLayerOptions, number[], number[], number[]][] = [
    [1, 6, 5, { padding: 2 }, [64, 1, 28, 28], [64, 6, 28, 28], [6, 1, 5, 5]],
    [6, 16, 5, {}, [2, 6, 14, 14], [2, 16, 10, 10], [16, 6, 5, 5]],
    [3, 4, [3, 5], { stride: [2, 1], padding: [1, 2] }, [1, 3, 7, 9], [1, 4, 4, 9], [4, 3, 3, 5]],
    [4, 6, 3, { groups: 2, dilation: 2, padding: 2 }, [1, 4, 6, 6], [1, 6, 6, 6], [6, 2, 3, 3]],
    [2, 2, 3, { padding: 'same' }, [2, 5, 4], [2, 5, 4], [2, 2, 3, 3]],
    [2, 3, [2, 4], { padding: 'valid', stride: 3 }, [1, 2, 8, 8], [1, 3, 3, 2], [3, 2, 2, 4]],
    [1, 1, [1, 2], { bias: false }, [1, 1, 6, 8], [1, 1, 6, 7], [1, 1, 1, 2]],
  ];
  it.each(cases)('Conv2d(%i, %i, %j, %j) on %j', (cin, cout, k, options, input, output, weight) => {
    const conv = new Conv2d(cin, cout, k, options);
    expect(conv.forward(zeros(input)).shape).toEqual(output);
    const names = conv.namedParameters().map(([n, p]) => [n, p.shape]);
    expect(names).toEqual(
      options.bias === false
        ? [['weight', weight]]
        : [
            ['weight', weight],
            ['bias', [cout]],
          ],
    );
  });

  it("d2l's padding-and-stride examples (golden out_hw)", () => {
    const cases = loadGolden('d2l').padding_stride_shapes;
    expect(cases.map((c) => c.out_hw)).toEqual([
      [8, 8],
      [8, 8],
      [4, 4],
      [2, 2],
    ]);
    for (const c of cases) {
      const conv = new Conv2d(1, 1, c.kernel_size, { padding: c.padding, stride: c.stride });
      expect(conv.forward(zeros([1, 1, 8, 8])).shape).toEqual([1, 1, ...c.out_hw]);
    }
  });

  it('ConvTranspose2d shapes', () => {
    const cases: [number, number, IntPair, ConvTranspose2dLayerOptions, number[], number[], number[]][] = [
      [4, 2, 2, { stride: 2 }, [1, 4, 3, 3], [1, 2, 6, 6], [4, 2, 2, 2]],
      [2, 4, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2 }, [3, 2, 5, 5], [3, 4, 10, 10], [2, 2, 3, 3]],
      [1, 1, [3, 1], { dilation: [2, 1] }, [1, 4, 4], [1, 8, 4], [1, 1, 3, 1]],
    ];
    for (const [cin, cout, k, options, input, output, weight] of cases) {
      const layer = new ConvTranspose2d(cin, cout, k, options);
      expect(layer.forward(zeros(input)).shape).toEqual(output);
      expect(layer.weight.shape).toEqual(weight);
      expect(layer.bias?.shape).toEqual([cout]);
    }
  });
});

describe('numbers match PyTorch (weights copied in)', () => {
  it('Conv2d(2, 3, 3, stride 2, padding 1) with bias', () => {
    const conv = new Conv2d(2, 3, 3, { stride: 2, padding: 1 });
    conv.weight.data.copyInPlace(pattern([3, 2, 3, 3], 1));
    conv.bias?.data.copyInPlace(tensor([0.25, -0.5, 0.125]));
    expectClose(conv.forward(pattern([1, 2, 5, 5], 0)).data, torchRef.conv_s2p1, torchRef.conv_s2p1_shape);
  });

  it('Conv2d groups 2 with reflect padding, no bias', () => {
    const conv = new Conv2d(2, 4, 3, { groups: 2, padding: 1, paddingMode: 'reflect', bias: false });
    conv.weight.data.copyInPlace(pattern([4, 1, 3, 3], 2));
    expectClose(
      conv.forward(pattern([1, 2, 4, 4], 3)).data,
      torchRef.conv_groups_reflect,
      torchRef.conv_groups_reflect_shape,
    );
  });

  it('Conv2d with a rectangular dilated kernel and a batch of 2', () => {
    const conv = new Conv2d(1, 2, [2, 3], { dilation: [2, 1], padding: [1, 0] });
    conv.weight.data.copyInPlace(pattern([2, 1, 2, 3], 4));
    conv.bias?.data.copyInPlace(tensor([1, -1]));
    expectClose(conv.forward(pattern([2, 1, 5, 6], 5)).data, torchRef.conv_dil, torchRef.conv_dil_shape);
  });

  it('ConvTranspose2d(2, 3, 3, stride 2, padding 1, outputPadding 1)', () => {
    const layer = new ConvTranspose2d(2, 3, 3, { stride: 2, padding: 1, outputPadding: 1 });
    layer.weight.data.copyInPlace(pattern([2, 3, 3, 3], 6));
    layer.bias?.data.copyInPlace(tensor([0.5, 0, -0.25]));
    expectClose(layer.forward(pattern([1, 2, 3, 3], 7)).data, torchRef.convT, torchRef.convT_shape);
  });

  it('gradients flow to weight, bias and input', () => {
    const conv = new Conv2d(1, 1, [1, 2]);
    conv.weight.data.copyInPlace(tensor([[[[1, -1]]]]));
    conv
      .forward(tensor([[[[1, 2, 4]]]]))
      .sum()
      .backward();
    expect(conv.weight.grad?.toArray()).toEqual([[[[3, 6]]]]);
    expect(conv.bias?.grad?.toArray()).toEqual([2]);
  });
});

describe('initialisation follows PyTorch', () => {
  it('Conv2d: weight and bias within +-1/sqrt(fanIn), reproducible with a generator', () => {
    const a = new Conv2d(3, 8, 3, { generator: new Generator(5) });
    const b = new Conv2d(3, 8, 3, { generator: new Generator(5) });
    expect(a.weight.data.equal(b.weight.data)).toBe(true);
    expect(a.bias?.data.equal(b.bias?.data as Tensor)).toBe(true);
    const bound = 1 / Math.sqrt(27);
    expect(a.weight.data.abs().max().item()).toBeLessThanOrEqual(bound);
    expect(a.bias?.data.abs().max().item()).toBeLessThanOrEqual(bound);
    // Spread: a uniform over (-b, b) has standard deviation b / sqrt(3).
    expect(a.weight.data.std().item()).toBeGreaterThan(0.8 * (bound / Math.sqrt(3)));
    expect(a.weight.data.std().item()).toBeLessThan(1.2 * (bound / Math.sqrt(3)));
  });

  it('ConvTranspose2d computes fanIn from weight.shape[1] * kh * kw', () => {
    // weight [16, 2, 3, 3]: PyTorch's fan_in is 2 * 9 = 18, not 16 * 9.
    const layer = new ConvTranspose2d(16, 2, 3, { generator: new Generator(1) });
    const bound = 1 / Math.sqrt(18);
    expect(layer.weight.data.abs().max().item()).toBeLessThanOrEqual(bound);
    expect(layer.weight.data.abs().max().item()).toBeGreaterThan(0.9 * bound);
    expect(layer.bias?.data.abs().max().item()).toBeLessThanOrEqual(bound);
  });

  it('dtype option', () => {
    expect(new Conv2d(1, 1, 1, { dtype: 'float64' }).weight.dtype).toBe('float64');
  });
});

describe('errors name the layer and the shapes', () => {
  it('wrong channel count or rank', () => {
    const conv = new Conv2d(3, 4, 3);
    expect(() => conv.forward(zeros([1, 2, 5, 5]))).toThrow(
      'Conv2d: expected input with 3 channels, got input [1,2,5,5]',
    );
    expect(() => conv.forward(zeros([5, 5]))).toThrow(
      'Conv2d: expected a 3-D [C, H, W] or 4-D [N, C, H, W] input, got input [5,5]',
    );
    expect(() => new ConvTranspose2d(2, 1, 2).forward(zeros([1, 3, 4, 4]))).toThrow(
      'ConvTranspose2d: expected input with 2 channels, got input [1,3,4,4]',
    );
  });

  it('bad constructor arguments', () => {
    expect(() => new Conv2d(0, 1, 3)).toThrow('Conv2d: inChannels must be a positive integer, got 0');
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow(
      'Conv2d: inChannels must be divisible by groups (inChannels 3, groups 2)',
    );
    expect(() => new Conv2d(4, 3, 3, { groups: 2 })).toThrow(
      'Conv2d: outChannels must be divisible by groups (outChannels 3, groups 2)',
    );
    expect(() => new Conv2d(1, 1, [3, 0])).toThrow(
      'Conv2d: kernelSize must be a positive integer or a pair of them, got [3,0]',
    );
    expect(() => new Conv2d(1, 1, 3, { padding: 'same', stride: 2 })).toThrow(
      "Conv2d: padding='same' is not supported for strided convolutions",
    );
    expect(() => new Conv2d(1, 1, 3, { padding: -1 })).toThrow(
      'Conv2d: padding must be a non-negative integer or a pair of them, got -1',
    );
    expect(() => new Conv2d(1, 1, 3, { paddingMode: 'mirror' as 'reflect' })).toThrow(
      'Conv2d: paddingMode must be one of zeros, reflect, replicate, circular, got "mirror"',
    );
    // A bigint is named, not a raw "Do not know how to serialize a BigInt" (issue 18).
    expect(() => new Conv2d(1, 1, 3, { paddingMode: 1n as unknown as 'reflect' })).toThrow(
      'Conv2d: paddingMode must be one of zeros, reflect, replicate, circular, got 1n',
    );
    // As PyTorch: built without complaint, refused when it runs (issue 18).
    const late = new ConvTranspose2d(1, 1, 3, { stride: 2, outputPadding: 2 });
    expect(() => late.forward(zeros([1, 1, 3, 3]))).toThrow(
      'ConvTranspose2d: outputPadding must be smaller than either stride or dilation',
    );
    expect(new ConvTranspose2d(1, 1, 3, { outputPadding: 1 }).outputPadding).toEqual([1, 1]);
  });
});

it('toString matches PyTorch', () => {
  expect(new Conv2d(1, 6, 5, { padding: 2 }).toString()).toBe(
    'Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))',
  );
  expect(
    new Conv2d(4, 6, [3, 1], { stride: 2, dilation: 2, groups: 2, bias: false, padding: 'valid' }).toString(),
  ).toBe('Conv2d(4, 6, kernel_size=(3, 1), stride=(2, 2), padding=valid, dilation=(2, 2), groups=2, bias=False)');
  expect(new Conv2d(1, 1, 3, { padding: 'same' }).toString()).toBe(
    'Conv2d(1, 1, kernel_size=(3, 3), stride=(1, 1), padding=same)',
  );
  expect(
    new ConvTranspose2d(2, 4, 3, {
      stride: 2,
      padding: 1,
      outputPadding: 1,
      groups: 2,
      bias: false,
      dilation: 2,
    }).toString(),
  ).toBe(
    'ConvTranspose2d(2, 4, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), dilation=(2, 2), output_padding=(1, 1), groups=2, bias=False)',
  );
});
