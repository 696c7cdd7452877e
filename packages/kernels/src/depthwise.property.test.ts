import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gamma, geometry, geometryArb, randomArray, seedArb, withinBound } from '../test/conv-cases.js';
import type { Conv2dGeometry } from './conv.js';
import {
  isDepthwiseConv2d,
  WASM_DEPTHWISE_KERNEL,
  wasmDepthwiseConv2dBackwardInput,
  wasmDepthwiseConv2dBackwardWeight,
  wasmDepthwiseConv2dForward,
} from './depthwise.js';
import { getBackendInfo } from './info.js';
import { setThreads } from './threads.js';

/**
 * Random depthwise geometries: 1 to 3 channels (one filter each), kernels up to 5x5, stride up to
 * 3, dilation up to 2, asymmetric padding, rows up to ~40 wide (every vector path and its tail).
 */
const depthwiseArb = geometryArb({ maxC: 1, maxM: 1, maxHW: 40, minFarPad: -2 });

/** Calls `term(n, c, oh, ow, ih, iw, t)` for every product of the depthwise convolution. */
function forEachTerm(
  g: Conv2dGeometry,
  term: (plane: number, oh: number, ow: number, ih: number, iw: number, t: number) => void,
): void {
  for (let u = 0; u < g.batch * g.inChannels; u++) {
    for (let oh = 0; oh < g.outH; oh++) {
      for (let ow = 0; ow < g.outW; ow++) {
        for (let a = 0; a < g.kh; a++) {
          const ih = oh * g.strideH + a * g.dilationH - g.padTop;
          if (ih < 0 || ih >= g.inH) continue;
          for (let b = 0; b < g.kw; b++) {
            const iw = ow * g.strideW + b * g.dilationW - g.padLeft;
            if (iw >= 0 && iw < g.inW) term(u, oh, ow, ih, iw, a * g.kw + b);
          }
        }
      }
    }
  }
}

/** Runs the three kernels on random operands and checks each element against float64 sums within the float32 bound. */
function check(g: Conv2dGeometry, bias: boolean, seed: number): void {
  const ch = g.inChannels;
  const taps = g.kh * g.kw;
  const inPlane = g.inH * g.inW;
  const outPlane = g.outH * g.outW;
  const x = randomArray(g.batch * ch * inPlane, seed);
  const w = randomArray(ch * taps, seed + 1);
  const b = bias ? randomArray(ch, seed + 2) : null;
  const dy = randomArray(g.batch * ch * outPlane, seed + 3);
  const y = new Float32Array(dy.length).fill(Number.NaN);
  const dx = new Float32Array(x.length).fill(Number.NaN);
  const dw = new Float32Array(w.length).fill(Number.NaN);
  expect(wasmDepthwiseConv2dForward(g, x, w, b, y)).toBe(true);
  expect(getBackendInfo().lastKernel.startsWith(WASM_DEPTHWISE_KERNEL)).toBe(true);
  expect(wasmDepthwiseConv2dBackwardInput(g, dy, w, dx)).toBe(true);
  expect(wasmDepthwiseConv2dBackwardWeight(g, dy, x, dw)).toBe(true);

  const ySum = new Float64Array(y.length);
  const yMag = new Float64Array(y.length);
  const dxSum = new Float64Array(dx.length);
  const dxMag = new Float64Array(dx.length);
  const dwSum = new Float64Array(dw.length);
  const dwMag = new Float64Array(dw.length);
  for (let u = 0; u < g.batch * ch; u++) {
    const v = b === null ? 0 : b[u % ch];
    for (let j = 0; j < outPlane; j++) {
      ySum[u * outPlane + j] = v;
      yMag[u * outPlane + j] = Math.abs(v);
    }
  }
  forEachTerm(g, (u, oh, ow, ih, iw, t) => {
    const c = u % ch;
    const yi = u * outPlane + oh * g.outW + ow;
    const xi = u * inPlane + ih * g.inW + iw;
    const p = x[xi] * w[c * taps + t];
    ySum[yi] += p;
    yMag[yi] += Math.abs(p);
    const q = dy[yi] * w[c * taps + t];
    dxSum[xi] += q;
    dxMag[xi] += Math.abs(q);
    const r = dy[yi] * x[xi];
    dwSum[c * taps + t] += r;
    dwMag[c * taps + t] += Math.abs(r);
  });
  const bad = (got: Float32Array, want: Float64Array, mag: Float64Array, bound: number): number =>
    got.findIndex((v, i) => !withinBound(v, want[i], bound, mag[i]));
  expect(bad(y, ySum, yMag, gamma(taps + 2))).toBe(-1);
  expect(bad(dx, dxSum, dxMag, gamma(taps + 2))).toBe(-1);
  expect(bad(dw, dwSum, dwMag, gamma(g.batch * outPlane + 2))).toBe(-1);
}

describe('depthwise conv2d kernels vs float64 sums', () => {
  it('agree on random geometries (stride, dilation, asymmetric and negative far padding, any width)', () => {
    fc.assert(
      fc.property(depthwiseArb, fc.boolean(), seedArb, (g, bias, seed) => {
        expect(isDepthwiseConv2d(g)).toBe(true);
        check(g, bias, seed);
      }),
      { numRuns: 200 },
    );
  });

  it('agree on MobileNet-like shapes: 3x3 stride 1 and 2, dilation 1 and 2, 3x3 to 28x28 images', () => {
    const base = geometry({ kh: 3, kw: 3, padTop: 1, padLeft: 1 });
    for (const [hw, s] of [
      [28, 1],
      [14, 2],
      [7, 1],
      [9, 2],
      [3, 1],
    ]) {
      for (const d of [1, 2]) {
        const out = Math.floor((hw + 2 * d - 2 * d - 1) / s) + 1;
        const ch = 24;
        check(
          {
            ...base,
            batch: 3,
            inChannels: ch,
            outChannels: ch,
            groups: ch,
            inH: hw,
            inW: hw,
            strideH: s,
            strideW: s,
            padTop: d,
            padLeft: d,
            dilationH: d,
            dilationW: d,
            outH: out,
            outW: out,
          },
          true,
          hw * 10 + s,
        );
      }
    }
  });

  it('agree on random 3x3 stride 1 and 2, pad 0 and 1 problems (odd and even sizes, 7x7 planes, activations)', () => {
    // The copy-free pad-1 paths (two output rows per pass, an odd last row alone; stride 2's
    // left-tap sums and overlapping last step) and the bordered ones, at widths and heights around
    // their vector steps, any channel count; the fused ReLU / clamp equals the rule applied after.
    fc.assert(
      fc.property(
        fc.record({
          batch: fc.integer({ min: 1, max: 2 }),
          ch: fc.integer({ min: 1, max: 11 }),
          h: fc.integer({ min: 1, max: 20 }),
          w: fc.integer({ min: 1, max: 24 }),
          s: fc.constantFrom(1, 2),
          pad: fc.constantFrom(0, 1),
          bias: fc.boolean(),
          act: fc.constantFrom('relu', 'clamp'),
          seed: seedArb,
        }),
        ({ batch, ch, h, w, s, pad, bias, act, seed }) => {
          const outH = Math.floor((h + 2 * pad - 3) / s) + 1;
          const outW = Math.floor((w + 2 * pad - 3) / s) + 1;
          if (outH < 1 || outW < 1) return;
          const g = geometry({
            batch,
            inChannels: ch,
            outChannels: ch,
            groups: ch,
            inH: h,
            inW: w,
            kh: 3,
            kw: 3,
            strideH: s,
            strideW: s,
            padTop: pad,
            padLeft: pad,
            outH,
            outW,
          });
          check(g, bias, seed);
          const x = randomArray(batch * ch * h * w, seed);
          const wt = randomArray(ch * 9, seed + 1);
          const b = bias ? randomArray(ch, seed + 2) : null;
          const plain = new Float32Array(batch * ch * outH * outW);
          expect(wasmDepthwiseConv2dForward(g, x, wt, b, plain)).toBe(true);
          const fused = new Float32Array(plain.length).fill(Number.NaN);
          const activation = act === 'relu' ? 'relu' : { clamp: [-0.25, 0.5] as [number, number] };
          expect(wasmDepthwiseConv2dForward(g, x, wt, b, fused, { activation })).toBe(true);
          expect(getBackendInfo().lastKernel).toBe(WASM_DEPTHWISE_KERNEL);
          const rule = (v: number): number => (act === 'relu' ? Math.max(v, 0) : Math.min(Math.max(v, -0.25), 0.5));
          expect(Array.from(fused)).toEqual(Array.from(plain, (v) => Math.fround(rule(v))));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('agree when a staged chunk of planes starts inside an image (large planes, 7 channels)', () => {
    // 112x112 planes: a chunk holds a few planes, so chunks start at channels other than 0
    // (on one thread; threaded calls stage larger chunks).
    setThreads(1);
    for (const s of [1, 2]) {
      const out = Math.floor((112 - 1) / s) + 1;
      check(
        geometry({
          batch: 2,
          inChannels: 7,
          outChannels: 7,
          groups: 7,
          inH: 112,
          inW: 112,
          kh: 3,
          kw: 3,
          strideH: s,
          strideW: s,
          padTop: 1,
          padLeft: 1,
          outH: out,
          outW: out,
        }),
        true,
        7 + s,
      );
    }
    setThreads('auto');
  });

  it('keeps NaN and infinity where PyTorch has them, and only there', () => {
    // One channel, 1x5 input with an infinity in the last column, 1x2 kernel, stride 2: the last
    // column is never read, so no output or weight gradient may become NaN.
    const g = geometry({ inW: 5, kw: 2, strideW: 2, outW: 2 });
    const x = new Float32Array([1, 2, 3, 4, Number.POSITIVE_INFINITY]);
    const y = new Float32Array(2);
    expect(wasmDepthwiseConv2dForward(g, x, new Float32Array([1, 1]), null, y)).toBe(true);
    expect(Array.from(y)).toEqual([3, 7]);
    const dw = new Float32Array(2);
    expect(wasmDepthwiseConv2dBackwardWeight(g, new Float32Array([1, 1]), x, dw)).toBe(true);
    expect(Array.from(dw)).toEqual([4, 6]);
    // A NaN input that is read reaches its outputs.
    x[2] = Number.NaN;
    expect(wasmDepthwiseConv2dForward(g, x, new Float32Array([1, 1]), null, y)).toBe(true);
    expect(Number.isNaN(y[1])).toBe(true);
    expect(y[0]).toBe(3);
  });

  it('keeps an infinity that only masked lanes read out of the 3x3 weight gradient', () => {
    // 2x5 image, 3x3 pad 1: +inf at row 1, column 0. Kernel row 0 never meets it (output rows 0
    // and 1 read image rows -1..0 and 0..1 with it), but a row's last vector reads past the row
    // end into the next one, where it sits: those lanes are masked, so dw[0, :] stays finite.
    const g = geometry({ inH: 2, inW: 5, kh: 3, kw: 3, padTop: 1, padLeft: 1, outH: 2, outW: 5 });
    const x = Float32Array.from({ length: 10 }, (_, i) => i + 1);
    x[5] = Number.POSITIVE_INFINITY;
    const dw = new Float32Array(9);
    expect(wasmDepthwiseConv2dBackwardWeight(g, new Float32Array(10).fill(1), x, dw)).toBe(true);
    // dw[0, b] = sum over output row 1 of image row 0 at columns ow + b - 1.
    expect(Array.from(dw.subarray(0, 3))).toEqual([1 + 2 + 3 + 4, 1 + 2 + 3 + 4 + 5, 2 + 3 + 4 + 5]);
  });

  it('declines float64 operands and leaves the result untouched', () => {
    const g = geometry({ inW: 3, kw: 2, outW: 2 });
    const out = new Float64Array(2).fill(7);
    expect(wasmDepthwiseConv2dForward(g, new Float64Array(3), new Float64Array(2), null, out)).toBe(false);
    expect(Array.from(out)).toEqual([7, 7]);
    expect(getBackendInfo().lastKernel).toBe('js');
  });

  it('handles empty batches and outputs', () => {
    const g = geometry({ batch: 0, inChannels: 2, outChannels: 2, groups: 2 });
    expect(wasmDepthwiseConv2dForward(g, new Float32Array(0), new Float32Array(2), null, new Float32Array(0))).toBe(
      true,
    );
    const dw = new Float32Array(2).fill(5);
    expect(wasmDepthwiseConv2dBackwardWeight(g, new Float32Array(0), new Float32Array(0), dw)).toBe(true);
    expect(Array.from(dw)).toEqual([0, 0]);
  });
});
