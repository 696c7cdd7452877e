// The WebAssembly path of maxPool2d (float32, 2x2 stride 2, >= 64K outputs, no indices) is
// bit-identical to the JavaScript path, including -0/+0 order, NaN and infinities.
import { getBackendInfo } from '@torchlet/kernels';
import { fromStorage, getBackend, setBackend } from '@torchlet/tensor';
import { afterEach, describe, expect, it } from 'vitest';
import { maxPool2d } from './max-pool2d.js';

const before = getBackend();
afterEach(() => setBackend(before));

describe('maxPool2d float32 2x2 stride 2 in WebAssembly', () => {
  it.each([
    [1, 300, 30, 31],
    [1, 1, 600, 601],
    [2, 64, 64, 33],
  ])('matches the JavaScript loop bit for bit on [%i,%i,%i,%i]', (n, c, h, w) => {
    const specials = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    const x = new Float32Array(n * c * h * w);
    let s = 12345;
    for (let i = 0; i < x.length; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      x[i] = s % 10 < 3 ? specials[s % 5] : s / 2 ** 32 - 0.5;
    }
    const t = fromStorage(x, [n, c, h, w]);
    setBackend('auto');
    const wasm = maxPool2d(t, 2, { stride: 2 }).toTypedArray();
    expect(getBackendInfo().lastKernel).toBe('wasm-simd128-maxpool-2x2');
    setBackend('js');
    const js = maxPool2d(t, 2, { stride: 2 }).toTypedArray();
    expect(wasm.length).toBe(js.length);
    let diffs = 0;
    for (let i = 0; i < js.length; i++) if (!Object.is(wasm[i], js[i])) diffs++;
    expect(diffs).toBe(0);
  });
});
