import { getBackendInfo, wasmGemm } from '@torchlet/kernels';
import { fromStorage, getBackend, setBackend, Tensor, TorchletError, tensor } from '@torchlet/tensor';
import { afterEach, describe, expect, it } from 'vitest';
import { conv2d, conv2dBackwardBias, conv2dBackwardInput, conv2dBackwardWeight } from './conv2d.js';
import { depthwiseAuto, pickKernel } from './kernels.js';
import {
  type Conv2dKernelName,
  conv2dGeometry,
  conv2dKernels,
  conv2dOutputShape,
  convOutputSize,
  resolveConv2dOptions,
} from './params.js';

const t4 = (rows: number[][]): Tensor => tensor([[rows]]);

describe.each(conv2dKernels)('conv2d, %s kernel', (kernel) => {
  it("computes d2l's corr2d example", () => {
    const x = t4([
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
    ]);
    const k = t4([
      [0, 1],
      [2, 3],
    ]);
    expect(conv2d(x, k, null, { kernel }).toArray()).toEqual([
      [
        [
          [19, 25],
          [37, 43],
        ],
      ],
    ]);
  });

  it("detects d2l's vertical edges with a 1x2 kernel", () => {
    const row = [1, 1, 0, 0, 0, 0, 1, 1];
    const x = t4(Array.from({ length: 6 }, () => row));
    const y = conv2d(x, t4([[1, -1]]), null, { kernel });
    expect(y.shape).toEqual([1, 1, 6, 7]);
    expect((y.toArray() as number[][][][])[0][0][3]).toEqual([0, 1, 0, 0, 0, -1, 0]);
  });

  it('adds the bias and accepts unbatched CHW input (returns CHW)', () => {
    const x = tensor([[[1, 2, 3]]]);
    const w = tensor([[[[1, 1]]], [[[2, 0]]]]);
    expect(conv2d(x, w, tensor([10, 20]), { kernel }).toArray()).toEqual([[[13, 15]], [[22, 24]]]);
  });

  it('pads asymmetrically for same with an even kernel, as PyTorch (extra at the end)', () => {
    const x = t4([[1, 2, 3]]);
    expect(conv2d(x, t4([[1, 1]]), null, { padding: 'same', kernel }).toArray()).toEqual([[[[3, 5, 3]]]]);
    // dilation 2, kernel 2: total padding 2, split 1/1
    expect(conv2d(x, t4([[1, 1]]), null, { padding: 'same', dilation: 2, kernel }).toArray()).toEqual([[[[2, 4, 2]]]]);
    expect(conv2d(x, t4([[1, 1]]), null, { padding: 'valid', kernel }).toArray()).toEqual([[[[3, 5]]]]);
  });

  it('applies stride, padding pairs and dilation', () => {
    const x = t4([[1, 2, 3, 4, 5]]);
    expect(conv2d(x, t4([[1]]), null, { stride: 2, kernel }).toArray()).toEqual([[[[1, 3, 5]]]]);
    expect(conv2d(x, t4([[1, 10]]), null, { dilation: [1, 3], kernel }).toArray()).toEqual([[[[41, 52]]]]);
    expect(conv2d(x, t4([[1]]), null, { padding: [1, 1], kernel }).toArray()).toEqual([
      [
        [
          [0, 0, 0, 0, 0, 0, 0],
          [0, 1, 2, 3, 4, 5, 0],
          [0, 0, 0, 0, 0, 0, 0],
        ],
      ],
    ]);
  });

  it('keeps groups separate (depthwise)', () => {
    const x = tensor([[[[1, 2]], [[3, 4]]]]);
    const w = tensor([[[[1, 1]]], [[[1, -1]]]]);
    expect(conv2d(x, w, null, { groups: 2, kernel }).toArray()).toEqual([[[[3]], [[-1]]]]);
  });

  it('fills the border with reflect, replicate or circular padding', () => {
    const x = t4([[1, 2, 3]]);
    const pick = t4([[1, 0, 0]]); // output[i] = padded[i]
    const run = (paddingMode: 'zeros' | 'reflect' | 'replicate' | 'circular') =>
      conv2d(x, pick, null, { padding: [0, 1], paddingMode, kernel }).toArray();
    expect(run('zeros')).toEqual([[[[0, 1, 2]]]]);
    expect(run('reflect')).toEqual([[[[2, 1, 2]]]]);
    expect(run('replicate')).toEqual([[[[1, 1, 2]]]]);
    expect(run('circular')).toEqual([[[[3, 1, 2]]]]);
  });

  it('keeps float64 and computes the backward kernels by hand', () => {
    const x = tensor([[[[1, 2, 3]]]], { dtype: 'float64' });
    const w = tensor([[[[1, 2]]]], { dtype: 'float64' });
    const up = tensor([[[[1, 10]]]], { dtype: 'float64' });
    expect(conv2d(x, w, null, { kernel }).dtype).toBe('float64');
    // dx[j] = sum_i up[i] * w[j - i]
    expect(conv2dBackwardInput(up, x, w, { kernel }).toArray()).toEqual([[[[1, 12, 20]]]]);
    // dw[k] = sum_i up[i] * x[i + k]
    expect(conv2dBackwardWeight(up, x, w, { kernel }).toArray()).toEqual([[[[21, 32]]]]);
    expect(conv2dBackwardBias(up).toArray()).toEqual([11]);
    expect(conv2dBackwardInput(up, x, w, { kernel }).dtype).toBe('float64');
  });

  it('routes the reflect border gradient back into the mirrored pixel', () => {
    const x = t4([[1, 2, 3]]);
    const pick = t4([[1, 0, 0]]);
    const up = t4([[1, 10, 100]]);
    // output = [x1, x0, x1] -> dx = [10, 1 + 100, 0]
    expect(conv2dBackwardInput(up, x, pick, { padding: [0, 1], paddingMode: 'reflect', kernel }).toArray()).toEqual([
      [[[10, 101, 0]]],
    ]);
    expect(
      conv2dBackwardWeight(up, x, pick.shape, { padding: [0, 1], paddingMode: 'reflect', kernel }).toArray(),
    ).toEqual([[[[2 + 10 + 200, 1 + 20 + 300, 2 + 30 + 200]]]]);
  });
});

describe('conv2d validation', () => {
  const x = new Tensor(new Float32Array(50), [1, 2, 5, 5]);
  const w = new Tensor(new Float32Array(4 * 27), [4, 3, 3, 3]);
  const w2 = new Tensor(new Float32Array(4 * 18), [4, 2, 3, 3]);
  const bad = (f: () => unknown, message: string) => {
    expect(f).toThrowError(TorchletError);
    expect(f).toThrowError(message);
  };

  it('names channel mismatches with both shapes', () => {
    bad(() => conv2d(x, w), 'conv2d: weight has 3 input channels but input has 2 (input [1,2,5,5], weight [4,3,3,3])');
    const x6 = new Tensor(new Float32Array(6 * 25), [1, 6, 5, 5]);
    bad(
      () => conv2d(x6, w2, null, { groups: 2 }),
      'conv2d: weight has 2 input channels per group x 2 groups = 4 but input has 6 (input [1,6,5,5], weight [4,2,3,3])',
    );
  });
  it('rejects groups that do not divide the channels', () => {
    bad(() => conv2d(x, w2, null, { groups: 3 }), "conv2d: groups=3 must divide the weight's 4 output channels");
    const w6 = new Tensor(new Float32Array(6 * 9), [6, 1, 3, 3]);
    bad(() => conv2d(x, w6, null, { groups: 3 }), "conv2d: groups=3 must divide the input's 2 channels");
    bad(() => conv2d(x, w2, null, { groups: 0 }), 'conv2d: groups must be a positive integer, got 0');
  });
  it('rejects kernels larger than the padded input', () => {
    const small = new Tensor(new Float32Array(9), [1, 1, 3, 3]);
    const big = new Tensor(new Float32Array(25), [1, 1, 5, 5]);
    bad(
      () => conv2d(small, big),
      'conv2d: kernel size (dilated) [5,5] is larger than the padded input [3,3] (input [1,1,3,3], weight [1,1,5,5], padding [0,0,0,0], dilation [1,1])',
    );
    const k3 = new Tensor(new Float32Array(9), [1, 1, 3, 3]);
    bad(
      () => conv2d(small, k3, null, { dilation: 2 }),
      'conv2d: kernel size (dilated) [5,5] is larger than the padded input [3,3]',
    );
    expect(conv2d(small, big, null, { padding: 1 }).shape).toEqual([1, 1, 1, 1]);
  });
  it('rejects bad stride, dilation, padding and paddingMode', () => {
    bad(() => conv2d(x, w2, null, { stride: 0 }), 'conv2d: stride must be positive integers, got 0');
    bad(() => conv2d(x, w2, null, { stride: [1, -1] }), 'conv2d: stride must be positive integers, got [1,-1]');
    bad(() => conv2d(x, w2, null, { dilation: 0 }), 'conv2d: dilation must be positive integers, got 0');
    bad(() => conv2d(x, w2, null, { padding: -1 }), 'conv2d: padding must be non-negative integers, got -1');
    bad(() => conv2d(x, w2, null, { padding: 1.5 }), 'conv2d: padding must be non-negative integers, got 1.5');
    bad(
      () => conv2d(x, w2, null, { padding: 'same', stride: 2 }),
      "conv2d: padding='same' is not supported for strided convolutions (stride [2,2])",
    );
    bad(
      () => conv2d(x, w2, null, { padding: 'full' as 'same' }),
      "conv2d: padding must be an int, a pair of ints, 'valid' or 'same', got \"full\"",
    );
    bad(
      () => conv2d(x, w2, null, { padding: 1, paddingMode: 'mirror' as 'reflect' }),
      'conv2d: paddingMode must be one of zeros, reflect, replicate, circular',
    );
    bad(
      () => conv2d(x, w2, null, { padding: 5, paddingMode: 'reflect' }),
      'conv2d: reflect padding must be smaller than the padded dimension',
    );
    bad(() => conv2d(x, w2, null, { kernel: 'fft' as 'direct' }), 'conv2d: kernel must be one of direct, im2col, auto');
    // A bigint option is named in the message (formatting it once threw a raw TypeError).
    bad(
      () => conv2d(x, w2, null, { groups: 1n as unknown as number }),
      'conv2d: groups must be a positive integer, got 1n',
    );
    bad(
      () => conv2d(x, w2, null, { padding: 1, paddingMode: 2n as unknown as 'reflect' }),
      'conv2d: paddingMode must be one of zeros, reflect, replicate, circular, got 2n',
    );
    bad(() => conv2d(x, w2, null, { kernel: 3n as unknown as 'direct' }), 'got 3n');
    bad(() => conv2d(x, w2, null, { padding: [1n, 1n] as unknown as number }), 'conv2d: padding must be');
  });
  it('rejects wrong ranks', () => {
    bad(
      () => conv2d(new Tensor(new Float32Array(25), [5, 5]), w2),
      'conv2d: expected 3-D (unbatched) or 4-D (batched) input [N,C,H,W], got 2-D input [5,5]',
    );
    bad(
      () => conv2d(x, new Tensor(new Float32Array(18), [2, 3, 3])),
      'conv2d: expected 4-D weight [out_channels, in_channels/groups, kh, kw], got 3-D weight [2,3,3]',
    );
  });
  it('rejects a bias of the wrong length or rank', () => {
    bad(
      () => conv2d(x, w2, new Tensor(new Float32Array(3), [3])),
      'conv2d: bias must be 1-D with 4 elements (one per output channel), got bias [3] (weight [4,2,3,3])',
    );
    bad(
      () => conv2d(x, w2, new Tensor(new Float32Array(4), [1, 4])),
      'conv2d: bias must be 1-D with 4 elements (one per output channel), got bias [1,4]',
    );
  });
  it('rejects non-float and mismatched dtypes', () => {
    const xi = new Tensor(new Int32Array(50), [1, 2, 5, 5]);
    bad(() => conv2d(xi, w2), 'conv2d: expected a float32 or float64 tensor, got int32 (input [1,2,5,5])');
    const w64 = new Tensor(new Float64Array(72), [4, 2, 3, 3]);
    bad(() => conv2d(x, w64), 'conv2d: weight is float64 but input is float32 (input [1,2,5,5], weight [4,2,3,3])');
    bad(() => conv2d(x, w2, new Tensor(new Float64Array(4), [4])), 'conv2d: bias is float64 but input is float32');
    bad(() => conv2d([1, 2] as unknown as Tensor, w2), 'conv2d: expected a Tensor, got object');
  });
  it('checks the backward kernels arguments too', () => {
    const up = new Tensor(new Float32Array(4 * 9), [1, 4, 3, 3]);
    expect(conv2dBackwardInput(up, x.shape, w2).shape).toEqual([1, 2, 5, 5]);
    bad(
      () => conv2dBackwardInput(new Tensor(new Float32Array(16), [1, 4, 2, 2]), x.shape, w2),
      'conv2dBackwardInput: upstream has shape [1,4,2,2] but conv2d of input [1,2,5,5] with weight [4,2,3,3] gives [1,4,3,3]',
    );
    bad(
      () => conv2dBackwardWeight(up, x, [4, 3, 3, 3]),
      'conv2dBackwardWeight: weight has 3 input channels but input has 2',
    );
    bad(
      () => conv2dBackwardInput(up, [1, 2, -5, 5], w2),
      'conv2dBackwardInput: sizes must be non-negative integers, got [1,2,-5,5]',
    );
    bad(
      () => conv2dBackwardWeight(new Tensor(new Float64Array(36), [1, 4, 3, 3]), x, w2.shape),
      'conv2dBackwardWeight: input is float32 but upstream is float64',
    );
    bad(
      () => conv2dBackwardBias(new Tensor(new Float32Array(4), [4])),
      'conv2dBackwardBias: expected 3-D or 4-D upstream [N,C,H,W], got 1-D upstream [4]',
    );
  });
});

describe('conv2dOutputShape and convOutputSize', () => {
  it('follow the PyTorch formula', () => {
    expect(convOutputSize(8, 3, 1, 1, 1, 1)).toBe(8);
    expect(convOutputSize(8, 3, 2, 1, 1, 1)).toBe(4);
    expect(convOutputSize(7, 3, 2, 0, 0, 2)).toBe(2);
    // Bad arguments get a TorchletError naming the argument (never a raw TypeError or NaN).
    expect(() => convOutputSize(8, 3, 0, 1, 1, 1)).toThrowError(
      'convOutputSize: stride must be an integer >= 1, got 0',
    );
    expect(() => convOutputSize(Object.create(null) as number, 3, 1, 0, 0, 1)).toThrowError(TorchletError);
    expect(() => convOutputSize(8, 3, 1, Number.NaN, 0, 1)).toThrowError('padBefore must be an integer >= 0, got NaN');
    expect(() => convOutputSize(8, 2.5, 1, 0, 0, 1)).toThrowError('kernelSize must be an integer >= 0, got 2.5');
    expect(conv2dOutputShape([2, 3, 8, 8], [4, 3, 2, 2], { padding: 'same' })).toEqual([2, 4, 8, 8]);
    expect(conv2dOutputShape([3, 8, 9], [6, 1, 3, 3], { groups: 3, stride: [2, 3] })).toEqual([6, 3, 3]);
    expect(() => conv2dOutputShape([1, 2, 5, 5], [4, 3, 3, 3])).toThrowError(
      'conv2dOutputShape: weight has 3 input channels but input has 2',
    );
  });
  it("d2l's padding/stride examples", () => {
    expect(conv2dOutputShape([1, 1, 8, 8], [1, 1, 3, 3], { padding: 1 })).toEqual([1, 1, 8, 8]);
    expect(conv2dOutputShape([1, 1, 8, 8], [1, 1, 5, 3], { padding: [2, 1] })).toEqual([1, 1, 8, 8]);
    expect(conv2dOutputShape([1, 1, 8, 8], [1, 1, 3, 3], { padding: 1, stride: 2 })).toEqual([1, 1, 4, 4]);
    expect(conv2dOutputShape([1, 1, 8, 8], [1, 1, 3, 5], { padding: [0, 1], stride: [3, 4] })).toEqual([1, 1, 2, 2]);
  });
});

describe("the 'auto' dispatch rule", () => {
  const geometry = (x: number[], w: number[], groups = 1) =>
    conv2dGeometry('t', x, w, resolveConv2dOptions('t', [w[2], w[3]], { groups }));
  const pick = (x: number[], w: number[], groups = 1) => {
    const g = geometry(x, w, groups);
    const impl = pickKernel(g, 'auto');
    if (impl === depthwiseAuto) return 'depthwise';
    return impl.forward === pickKernel(g, 'direct').forward ? 'direct' : 'im2col';
  };
  it('uses the direct loop for tiny problems and one or two output channels, im2col + GEMM otherwise', () => {
    expect(pick([1, 1, 6, 8], [1, 1, 1, 2])).toBe('direct');
    expect(pick([1, 1, 28, 28], [1, 1, 5, 5])).toBe('depthwise'); // one channel, one filter
    expect(pick([1, 1, 28, 28], [2, 1, 5, 5])).toBe('direct');
    expect(pick([64, 1, 28, 28], [6, 1, 5, 5])).toBe('im2col');
    expect(pick([8, 64, 56, 56], [64, 64, 3, 3])).toBe('im2col');
    expect(pick([8, 64, 56, 56], [64, 1, 3, 3], 64)).toBe('depthwise');
    expect(pick([8, 64, 56, 56], [128, 1, 3, 3], 64)).toBe('direct');
    expect(pick([1, 4, 4, 4], [4, 1, 3, 3], 4)).toBe('direct');
  });

  describe('the float32 weight gradient', () => {
    const before = getBackend();
    afterEach(() => setBackend(before));
    const run = (x: number[], w: number[], groups: number, kernel: Conv2dKernelName | 'auto') => {
      const g = geometry(x, w, groups);
      const up = conv2dOutputShape(x, w, { groups });
      const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
      const X = fromStorage(new Float32Array(size(x)).fill(0.5), x);
      const U = fromStorage(new Float32Array(size(up)).fill(0.25), up);
      setBackend('auto');
      // A marker: a tiny product leaves the GEMM's name as the last kernel.
      wasmGemm(
        false,
        false,
        1,
        1,
        1,
        1,
        new Float32Array(1),
        0,
        1,
        new Float32Array(1),
        0,
        1,
        0,
        new Float32Array(1),
        0,
        1,
      );
      const dw = conv2dBackwardWeight(U, X, w, { groups, kernel });
      expect(dw.toTypedArray().every((v) => v === 0.125 * size(up.slice(-2)) * x[0])).toBe(true);
      return { last: getBackendInfo().lastKernel, impl: pickKernel(g, 'auto').backwardWeight };
    };
    const wasmKernel = /^wasm-simd128-conv2d-backward-weight-2x4/;
    it("runs in WebAssembly under 'auto' (also with one or two output channels per group) unless tiny", () => {
      expect(run([2, 8, 16, 16], [16, 1, 3, 3], 8, 'auto').last).toMatch(wasmKernel);
      expect(run([2, 8, 16, 16], [8, 1, 3, 3], 8, 'auto').last).toBe('wasm-simd128-depthwise-conv2d');
      expect(run([2, 4, 16, 16], [8, 4, 3, 3], 1, 'auto').last).toMatch(wasmKernel);
      const tiny = run([1, 1, 6, 8], [1, 1, 1, 2], 1, 'auto');
      expect(tiny.last).toBe('wasm-simd128-sgemm-4x8');
      expect(tiny.impl).toBe(pickKernel(geometry([1, 1, 6, 8], [1, 1, 1, 2]), 'direct').backwardWeight);
    });
    it("runs in WebAssembly whatever the size when the kernel is 'wasm'", () => {
      expect(run([1, 1, 6, 8], [1, 1, 1, 2], 1, 'wasm').last).toMatch(wasmKernel);
      expect(run([1, 2, 3, 3], [2, 1, 2, 2], 2, 'wasm').last).toMatch(wasmKernel);
    });
  });
});
