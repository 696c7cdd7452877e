// The copy-free 3x3 pad-1 paths of the depthwise forward kernel (stride 1 and 2, reading the
// staged planes with a zero row, shuffles and masks) against the bordered-copy paths: the same
// filter over the explicitly zero-padded input with padding 0 sums the same products in the same
// order, so the two must agree bit for bit, at every width (the row's first step, the steps inside
// it, the last overlapping or partial step) and with or without a padding row and column on the
// bottom and right. The input and weight gradients of stride 1 run the same paths (the forward on
// the flipped filter) and are covered by depthwise.property.test.ts against float64 references.

import { describe, expect, it } from 'vitest';
import { geometry, lcgArray } from '../test/conv-cases.js';
import { WASM_DEPTHWISE_KERNEL, wasmDepthwiseConv2dForward } from './depthwise.js';
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
    for (let h = 1; h <= 13; h++) {
      for (let w = 1; w <= 21; w++) {
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
