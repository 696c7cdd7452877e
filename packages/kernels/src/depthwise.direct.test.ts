// The copy-free 3x3 pad-1 paths of the depthwise forward kernel (stride 1 and 2, reading the
// staged planes with a zero row, shuffles and masks) against the bordered-copy paths: the same
// filter over the explicitly zero-padded input with padding 0 sums the same products in the same
// order, so the two must agree bit for bit, at every width (the row's first step, the steps inside
// it, the last overlapping or partial step) and with or without a padding row and column on the
// bottom and right. The input and weight gradients of stride 1 run the same paths (the forward on
// the flipped filter) and are covered by depthwise.property.test.ts against float64 references.
// The 3x3 stride-2 pad-1 input gradient gathers (by the parities of each input position) instead
// of scattering; it must equal the scatter done in float32 in the scatter's order, bit for bit.

import { describe, expect, it } from 'vitest';
import { geometry, lcgArray } from '../test/conv-cases.js';
import { WASM_DEPTHWISE_KERNEL, wasmDepthwiseConv2dBackwardInput, wasmDepthwiseConv2dForward } from './depthwise.js';
import { getBackendInfo } from './info.js';

/** `x` ([planes, h, w]) inside a zero border of one row and column on every side. */
function padded(x: Float32Array, planes: number, h: number, w: number): Float32Array {
  const out = new Float32Array(planes * (h + 2) * (w + 2));
  for (let p = 0; p < planes; p++) {
    for (let r = 0; r < h; r++) {
      out.set(x.subarray((p * h + r) * w, (p * h + r + 1) * w), (p * (h + 2) + r + 1) * (w + 2) + 1);
    }
  }
  return out;
}

const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer));

describe('depthwise 3x3 pad 1 without the bordered copy', () => {
  it.each([1, 2])('stride %i equals the bordered path on the padded input, bit for bit', (stride) => {
    const batch = 2;
    const ch = 3;
    // Every size up to 15 x 21, and the 28-wide planes: MobileNetV2's 7x7, 14x14 and 28x28
    // planes run unrolled kernels (straight-line steps at constant offsets).
    const sizes = (n: number): number[] => [...Array.from({ length: n }, (_, i) => i + 1), 28];
    for (const h of sizes(15)) {
      for (const w of sizes(21)) {
        for (const far of [0, 1]) {
          const outH = Math.floor((h + 1 + far - 3) / stride) + 1;
          const outW = Math.floor((w + 1 + far - 3) / stride) + 1;
          if (outH < 1 || outW < 1) continue;
          const seed = (h * 32 + w) * 2 + far;
          // Values with an infinity: the padding must read as zeros, never as neighbouring inputs.
          const x = lcgArray(batch * ch * h * w, seed);
          x[seed % x.length] = Number.POSITIVE_INFINITY;
          const wt = lcgArray(ch * 9, seed + 1);
          const bias = lcgArray(ch, seed + 2);
          const common = { batch, inChannels: ch, outChannels: ch, groups: ch, kh: 3, kw: 3, outH, outW };
          const direct = new Float32Array(batch * ch * outH * outW);
          const g1 = geometry({ ...common, inH: h, inW: w, padTop: 1, padLeft: 1, strideH: stride, strideW: stride });
          expect(wasmDepthwiseConv2dForward(g1, x, wt, bias, direct)).toBe(true);
          expect(getBackendInfo().lastKernel).toBe(WASM_DEPTHWISE_KERNEL);
          const bordered = new Float32Array(direct.length);
          const g0 = geometry({ ...common, inH: h + 2, inW: w + 2, strideH: stride, strideW: stride });
          expect(wasmDepthwiseConv2dForward(g0, padded(x, batch * ch, h, w), wt, bias, bordered)).toBe(true);
          expect({ h, w, far, bits: bits(direct) }).toEqual({ h, w, far, bits: bits(bordered) });
        }
      }
    }
  });
});

/**
 * The input gradient of a 3x3 stride-2 pad-1 depthwise conv by scattering in float32, in the
 * order the general kernel adds (output row, filter row, filter column, output column).
 */
function scatterInputGrad(
  dy: Float32Array,
  w: Float32Array,
  planes: number,
  ch: number,
  h: number,
  wd: number,
  oh: number,
  ow: number,
): Float32Array {
  const dx = new Float32Array(planes * h * wd);
  for (let p = 0; p < planes; p++) {
    const c = p % ch;
    for (let r = 0; r < oh; r++) {
      for (let a = 0; a < 3; a++) {
        for (let b = 0; b < 3; b++) {
          for (let q = 0; q < ow; q++) {
            const ih = 2 * r - 1 + a;
            const iw = 2 * q - 1 + b;
            if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
            const at = (p * h + ih) * wd + iw;
            dx[at] = Math.fround(dx[at] + Math.fround(w[c * 9 + a * 3 + b] * dy[(p * oh + r) * ow + q]));
          }
        }
      }
    }
  }
  return dx;
}

describe('depthwise 3x3 stride-2 pad-1 input gradient by gathering', () => {
  it('equals the float32 scatter in its order, bit for bit, at every size', () => {
    const batch = 2;
    const ch = 3;
    for (let h = 1; h <= 15; h++) {
      for (let w = 1; w <= 21; w++) {
        const outH = (h + 1) >> 1;
        const outW = (w + 1) >> 1;
        const seed = h * 32 + w;
        const dy = lcgArray(batch * ch * outH * outW, seed);
        const wt = lcgArray(ch * 9, seed + 1);
        const g = geometry({
          batch,
          inChannels: ch,
          outChannels: ch,
          groups: ch,
          inH: h,
          inW: w,
          kh: 3,
          kw: 3,
          strideH: 2,
          strideW: 2,
          padTop: 1,
          padLeft: 1,
          outH,
          outW,
        });
        const dx = new Float32Array(batch * ch * h * w).fill(Number.NaN);
        expect(wasmDepthwiseConv2dBackwardInput(g, dy, wt, dx)).toBe(true);
        expect(getBackendInfo().lastKernel).toBe(WASM_DEPTHWISE_KERNEL);
        const want = scatterInputGrad(dy, wt, batch * ch, ch, h, w, outH, outW);
        expect({ h, w, bits: bits(dx) }).toEqual({ h, w, bits: bits(want) });
      }
    }
  });
});
