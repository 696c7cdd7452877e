import { getBackendInfo } from '@torchlet/kernels';
import { getBackend, ones, setBackend, Tensor, TorchletError, tensor } from '@torchlet/tensor';
import { afterEach, describe, expect, it } from 'vitest';
import { convTranspose2d } from '../conv-transpose/conv-transpose2d.js';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from './conv2d.js';

// The depthwise kernel's dispatch and errors; its numbers are checked by the golden, property and
// finite-difference suites (conv2dDepthwiseKernels).

const depthwiseKernel = 'wasm-simd128-depthwise-conv2d';
const ramp = (shape: readonly number[], dtype: 'float32' | 'float64' = 'float32'): Tensor => {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = ((i * 7) % 13) / 8 - 0.75;
  return new Tensor(data, shape);
};

describe("the 'depthwise' kernel", () => {
  const before = getBackend();
  afterEach(() => setBackend(before));

  it('runs in WebAssembly when forced, in every pass, and agrees with the direct loops', () => {
    const x = ramp([2, 6, 11, 13]);
    const w = ramp([6, 1, 3, 3]);
    const b = ramp([6]);
    const options = { groups: 6, padding: 1, stride: 2 } as const;
    const y = conv2d(x, w, b, { ...options, kernel: 'depthwise' });
    expect(getBackendInfo().lastKernel).toBe(depthwiseKernel);
    const ref = conv2d(x, w, b, { ...options, kernel: 'direct' });
    expect(y.shape).toEqual([2, 6, 6, 7]);
    expect(y.sub(ref).abs().max().item()).toBeLessThan(1e-5);
    const up = ramp(y.shape);
    const dx = conv2dBackwardInput(up, x.shape, w, { ...options, kernel: 'depthwise' });
    expect(getBackendInfo().lastKernel).toBe(depthwiseKernel);
    const dxRef = conv2dBackwardInput(up, x.shape, w, { ...options, kernel: 'direct' });
    expect(dx.sub(dxRef).abs().max().item()).toBeLessThan(1e-5);
    const dw = conv2dBackwardWeight(up, x, w.shape, { ...options, kernel: 'depthwise' });
    expect(getBackendInfo().lastKernel).toBe(depthwiseKernel);
    const dwRef = conv2dBackwardWeight(up, x, w.shape, { ...options, kernel: 'direct' });
    expect(dw.sub(dwRef).abs().max().item()).toBeLessThan(1e-4);
  });

  it("is what 'auto' runs for float32 depthwise problems above the tiny range, unless setBackend('js')", () => {
    const x = ramp([1, 32, 20, 20]);
    const w = ramp([32, 1, 3, 3]);
    setBackend('auto');
    conv2d(x, w, null, { groups: 32, padding: 1 });
    expect(getBackendInfo().lastKernel).toBe(depthwiseKernel);
    conv2dBackwardWeight(ramp([1, 32, 20, 20]), x, w.shape, { groups: 32, padding: 1 });
    expect(getBackendInfo().lastKernel).toBe(depthwiseKernel);
    setBackend('js');
    const marker = 'none-yet';
    expect(getBackendInfo().lastKernel).not.toBe(marker);
    const y = conv2d(x, w, null, { groups: 32, padding: 1 });
    expect(getBackendInfo().lastKernel).toBe(depthwiseKernel); // unchanged: JavaScript ran
    setBackend('auto');
    expect(conv2d(x, w, null, { groups: 32, padding: 1 }).sub(y).abs().max().item()).toBeLessThan(1e-5);
  });

  it('throws, naming the function and the shapes, when forced on a problem that is not depthwise', () => {
    const bad = (f: () => unknown, message: string) => {
      expect(f).toThrowError(TorchletError);
      expect(f).toThrowError(message);
    };
    bad(
      () => conv2d(ones([1, 4, 5, 5]), ones([4, 2, 3, 3]), null, { groups: 2, kernel: 'depthwise' }),
      "conv2d: kernel 'depthwise' needs groups = in channels = out channels (one filter per channel), got groups 2, 4 input and 4 output channels",
    );
    bad(
      () => conv2d(ones([1, 2, 5, 5]), ones([4, 1, 3, 3]), null, { groups: 2, kernel: 'depthwise' }),
      "conv2d: kernel 'depthwise' needs groups = in channels = out channels",
    );
    bad(
      () => conv2dBackwardInput(ones([1, 4, 3, 3]), [1, 4, 5, 5], ones([4, 4, 3, 3]), { kernel: 'depthwise' }),
      "conv2dBackwardInput: kernel 'depthwise' needs groups = in channels = out channels",
    );
    bad(
      () => conv2dBackwardWeight(ones([1, 4, 3, 3]), ones([1, 4, 5, 5]), [4, 4, 3, 3], { kernel: 'depthwise' }),
      "conv2dBackwardWeight: kernel 'depthwise' needs groups = in channels = out channels",
    );
  });

  it('runs float64 problems on the direct loops (there is no float64 WebAssembly kernel)', () => {
    const x = ramp([1, 3, 6, 6], 'float64');
    const w = ramp([3, 1, 3, 3], 'float64');
    const y = conv2d(x, w, null, { groups: 3, kernel: 'depthwise' });
    expect(y.dtype).toBe('float64');
    expect(
      y
        .sub(conv2d(x, w, null, { groups: 3, kernel: 'direct' }))
        .abs()
        .max()
        .item(),
    ).toBe(0);
  });

  it('runs a depthwise transposed convolution (its forward pass is the input gradient)', () => {
    const x = tensor([
      [
        [
          [1, 2],
          [3, 4],
        ],
      ],
      [
        [
          [1, 1],
          [1, 1],
        ],
      ],
    ]).reshape([1, 2, 2, 2]);
    const w = ones([2, 1, 2, 2]);
    const y = convTranspose2d(x, w, null, { groups: 2, kernel: 'depthwise' });
    expect(getBackendInfo().lastKernel).toBe(depthwiseKernel);
    expect(y.toArray()).toEqual([
      [
        [
          [1, 3, 2],
          [4, 10, 6],
          [3, 7, 4],
        ],
        [
          [1, 2, 1],
          [2, 4, 2],
          [1, 2, 1],
        ],
      ],
    ]);
  });
});
