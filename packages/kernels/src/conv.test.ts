import { describe, expect, it } from 'vitest';
import { type Conv2dGeometry, wasmConv2dForward } from './conv.js';
import { getBackendInfo } from './info.js';

const g1: Conv2dGeometry = {
  batch: 1,
  inChannels: 1,
  inH: 3,
  inW: 3,
  outChannels: 1,
  kh: 2,
  kw: 2,
  groups: 1,
  strideH: 1,
  strideW: 1,
  padTop: 0,
  padLeft: 0,
  dilationH: 1,
  dilationW: 1,
  outH: 2,
  outW: 2,
};
const x3 = new Float32Array([0, 1, 2, 3, 4, 5, 6, 7, 8]);

describe('wasmConv2dForward', () => {
  it("computes d2l's corr2d example, with and without bias", () => {
    const out = new Float32Array(4).fill(Number.NaN);
    expect(wasmConv2dForward(g1, x3, new Float32Array([0, 1, 2, 3]), null, out)).toBe(true);
    expect(Array.from(out)).toEqual([19, 25, 37, 43]);
    expect(getBackendInfo().lastKernel).toBe('wasm-simd128-conv2d-implicit-4x8');
    expect(wasmConv2dForward(g1, x3, new Float32Array([0, 1, 2, 3]), new Float32Array([-1]), out)).toBe(true);
    expect(Array.from(out)).toEqual([18, 24, 36, 42]);
  });

  it('pads with zeros, strides and splits groups', () => {
    // 1x1 input padded by 1 on every side, 3x3 ones kernel, stride 2 -> the centre tap only.
    const g = { ...g1, inH: 1, inW: 1, kh: 3, kw: 3, padTop: 1, padLeft: 1, strideH: 2, strideW: 2, outH: 1, outW: 1 };
    const out = new Float32Array(1);
    expect(wasmConv2dForward(g, new Float32Array([5]), new Float32Array(9).fill(1), null, out)).toBe(true);
    expect(out[0]).toBe(5);
    // Two groups of one channel, 1x1 kernels [2] and [3]: each output channel sees only its input.
    const gg = { ...g1, inChannels: 2, outChannels: 2, groups: 2, inH: 1, inW: 2, kh: 1, kw: 1, outH: 1, outW: 2 };
    const o2 = new Float32Array(4);
    expect(wasmConv2dForward(gg, new Float32Array([1, 2, 10, 20]), new Float32Array([2, 3]), null, o2)).toBe(true);
    expect(Array.from(o2)).toEqual([2, 4, 30, 60]);
  });

  it('fills the output with the bias when there are no taps, and handles empty outputs', () => {
    const g = { ...g1, inChannels: 0, outChannels: 2, batch: 2, outH: 1, outW: 2 };
    const out = new Float32Array(8);
    expect(wasmConv2dForward(g, new Float32Array(0), new Float32Array(0), new Float32Array([1, 2]), out)).toBe(true);
    expect(Array.from(out)).toEqual([1, 1, 2, 2, 1, 1, 2, 2]);
    expect(wasmConv2dForward({ ...g1, batch: 0 }, x3, x3, null, new Float32Array(0))).toBe(true);
  });

  it('declines float64 operands and leaves the output untouched', () => {
    const out = new Float64Array(4).fill(7);
    expect(wasmConv2dForward(g1, new Float64Array(9), new Float64Array(4), null, out)).toBe(false);
    expect(Array.from(out)).toEqual([7, 7, 7, 7]);
    expect(getBackendInfo().lastKernel).toBe('js');
    const out32 = new Float32Array(4).fill(7);
    expect(wasmConv2dForward(g1, x3, new Float32Array(4), new Float64Array(1), out32)).toBe(false);
    expect(Array.from(out32)).toEqual([7, 7, 7, 7]);
  });
});
