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

  it('stages big batches in chunks of images, each image equal to its own pass bit for bit', () => {
    /** Deterministic values in [-1, 1) (a small LCG: only equality matters here). */
    const values = (n: number, seed: number): Float32Array => {
      const a = new Float32Array(n);
      let s = seed;
      for (let i = 0; i < n; i++) {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        a[i] = s / 2 ** 31 - 1;
      }
      return a;
    };
    // Padded (asymmetric, 3x3) and unpadded (1x1, two groups) batches whose padded input plus
    // output exceed the 2^20-float staging floor, so they go through in several chunks, the last
    // one short.
    const geometries: Conv2dGeometry[] = [
      { ...g1, batch: 7, inChannels: 8, inH: 96, inW: 90, outChannels: 16, kh: 3, kw: 3, padTop: 1, padLeft: 2 },
      { ...g1, batch: 7, inChannels: 8, inH: 80, inW: 80, outChannels: 24, groups: 2, kh: 1, kw: 1 },
    ].map((g) => ({ ...g, outH: g.inH + 2 * g.padTop - g.kh + 1, outW: g.inW + 2 * g.padLeft - g.kw + 1 }));
    for (const g of geometries) {
      const hp = g.inH + 2 * g.padTop;
      const wp = g.inW + 2 * g.padLeft;
      const imgIn = g.inChannels * g.inH * g.inW;
      const imgOut = g.outChannels * g.outH * g.outW;
      expect(g.batch * (g.inChannels * hp * wp + imgOut)).toBeGreaterThan(2 ** 20);
      const x = values(g.batch * imgIn, 1);
      const w = values((g.outChannels * g.inChannels * g.kh * g.kw) / g.groups, 2);
      const b = values(g.outChannels, 3);
      const out = new Float32Array(g.batch * imgOut).fill(Number.NaN);
      expect(wasmConv2dForward(g, x, w, b, out)).toBe(true);
      const one = new Float32Array(imgOut);
      for (let n = 0; n < g.batch; n++) {
        one.fill(Number.POSITIVE_INFINITY); // differs from out's NaN: unwritten elements fail
        const gn = { ...g, batch: 1 };
        expect(wasmConv2dForward(gn, x.subarray(n * imgIn, (n + 1) * imgIn), w, b, one)).toBe(true);
        // Index of the first bit-level difference (-1: none).
        const got = new Uint32Array(out.buffer, n * imgOut * 4, imgOut);
        const want = new Uint32Array(one.buffer);
        expect(want.findIndex((v, i) => v !== got[i])).toBe(-1);
      }
      // Spot-check one output against a float64 sum: image 3, channel 5, row 0, column 0.
      const cinG = g.inChannels / g.groups;
      const oc = 5;
      const c0 = Math.floor(oc / (g.outChannels / g.groups)) * cinG;
      let acc = b[oc];
      for (let c = 0; c < cinG; c++) {
        for (let i = 0; i < g.kh; i++) {
          for (let j = 0; j < g.kw; j++) {
            const ih = i - g.padTop;
            const iw = j - g.padLeft;
            if (ih < 0 || iw < 0) continue;
            acc += x[3 * imgIn + ((c0 + c) * g.inH + ih) * g.inW + iw] * w[((oc * cinG + c) * g.kh + i) * g.kw + j];
          }
        }
      }
      expect(out[3 * imgOut + oc * g.outH * g.outW]).toBeCloseTo(acc, 5);
    }
  });
});
