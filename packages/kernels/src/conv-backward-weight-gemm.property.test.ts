import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { gamma, geometry, randomArray, seedArb, untilTwoThreads, withinBound } from '../test/conv-cases.js';
import type { Conv2dGeometry } from './conv.js';
import {
  takesConv2dWeightGemm,
  WASM_CONV2D_BACKWARD_WEIGHT_GEMM_KERNEL,
  wasmConv2dBackwardWeightGemm,
} from './conv-backward-weight-gemm.js';
import { getBackendInfo } from './info.js';
import { setThreads } from './threads.js';

interface Case {
  readonly g: Conv2dGeometry;
  readonly seed: number;
}

function operands({ g, seed }: Case): { dy: Float32Array; x: Float32Array } {
  return {
    x: randomArray(g.batch * g.inChannels * g.inH * g.inW, seed),
    dy: randomArray(g.batch * g.outChannels * g.outH * g.outW, seed + 1),
  };
}

/** Runs the batched GEMM (asserting it ran) and checks every element of dw against float64 sums within the float32 bound. */
function check(c: Case): void {
  const { g } = c;
  const { batch, inChannels: cin, inH, inW, outChannels: cout, kh, kw, outH, outW } = g;
  const { x, dy } = operands(c);
  const dw = new Float32Array(cout * cin * kh * kw).fill(Number.NaN);
  expect(wasmConv2dBackwardWeightGemm(g, dy, x, dw)).toBe(true);
  expect(getBackendInfo().lastKernel.startsWith(WASM_CONV2D_BACKWARD_WEIGHT_GEMM_KERNEL)).toBe(true);
  const bound = gamma(batch * outH * outW + 2);
  for (let o = 0; o < cout; o++) {
    for (let ci = 0; ci < cin; ci++) {
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          let acc = 0;
          let mag = 0;
          for (let n = 0; n < batch; n++) {
            for (let oh = 0; oh < outH; oh++) {
              const ih = oh * g.strideH + i * g.dilationH - g.padTop;
              if (ih < 0 || ih >= inH) continue;
              for (let ow = 0; ow < outW; ow++) {
                const iw = ow * g.strideW + j * g.dilationW - g.padLeft;
                if (iw < 0 || iw >= inW) continue;
                const v = x[((n * cin + ci) * inH + ih) * inW + iw] * dy[((n * cout + o) * outH + oh) * outW + ow];
                acc += v;
                mag += Math.abs(v);
              }
            }
          }
          const got = dw[((o * cin + ci) * kh + i) * kw + j];
          if (!withinBound(got, acc, bound, mag)) {
            throw new Error(`dw[${o},${ci},${i},${j}] = ${got}, expected ${acc} (case ${JSON.stringify(c)})`);
          }
        }
      }
    }
  }
}

const outSize = (size: number, k: number, s: number, p0: number, p1: number, d: number): number =>
  Math.floor((size + p0 + p1 - d * (k - 1) - 1) / s) + 1;

/** Random geometries the kernel takes: stride, dilation, asymmetric padding (negative far padding included), small images. */
const caseArb = fc
  .record({
    batch: fc.integer({ min: 1, max: 4 }),
    cin: fc.integer({ min: 8, max: 24 }),
    cout: fc.integer({ min: 32, max: 44 }),
    kh: fc.integer({ min: 1, max: 3 }),
    kw: fc.integer({ min: 1, max: 3 }),
    sh: fc.integer({ min: 1, max: 3 }),
    sw: fc.integer({ min: 1, max: 3 }),
    dh: fc.integer({ min: 1, max: 2 }),
    dw: fc.integer({ min: 1, max: 2 }),
    pt: fc.integer({ min: 0, max: 2 }),
    pl: fc.integer({ min: 0, max: 2 }),
    pb: fc.integer({ min: -1, max: 2 }),
    pr: fc.integer({ min: -1, max: 2 }),
    h: fc.integer({ min: 6, max: 18 }),
    w: fc.integer({ min: 6, max: 18 }),
    seed: seedArb,
  })
  .map(({ batch, cin, cout, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, h, w, seed }) => ({
    g: geometry({
      batch,
      inChannels: cin,
      inH: h,
      inW: w,
      outChannels: cout,
      kh,
      kw,
      strideH: sh,
      strideW: sw,
      padTop: pt,
      padLeft: pl,
      dilationH: dh,
      dilationW: dw,
      outH: outSize(h, kh, sh, pt, pb, dh),
      outW: outSize(w, kw, sw, pl, pr, dw),
    }),
    seed,
  }))
  .filter((c) => takesConv2dWeightGemm(c.g));

describe('wasmConv2dBackwardWeightGemm (one GEMM over the batch) against a naive float64 reference', () => {
  afterAll(() => setThreads(1));

  it('random stride, dilation and asymmetric padding on small images', () => {
    setThreads(1);
    fc.assert(fc.property(caseArb, check), { numRuns: 40 });
  });

  it('ResNet-like layers: 3x3 on 7x7 (512 channels cut down), 3x3 stride 2 and 1x1 stride 2', () => {
    setThreads(1);
    const resnet = (cin: number, cout: number, hw: number, k: number, s: number, p: number): Conv2dGeometry => {
      const o = outSize(hw, k, s, p, p, 1);
      return geometry({
        batch: 3,
        inChannels: cin,
        inH: hw,
        inW: hw,
        outChannels: cout,
        kh: k,
        kw: k,
        strideH: s,
        strideW: s,
        padTop: p,
        padLeft: p,
        outH: o,
        outW: o,
      });
    };
    check({ g: resnet(96, 64, 7, 3, 1, 1), seed: 1 });
    check({ g: resnet(32, 48, 14, 3, 2, 1), seed: 2 });
    check({ g: resnet(128, 96, 14, 1, 2, 0), seed: 3 });
  });

  it('declines what it does not take: groups, large images, few output channels, little work', () => {
    const base = geometry({
      batch: 8,
      inChannels: 64,
      inH: 14,
      inW: 14,
      outChannels: 64,
      kh: 3,
      kw: 3,
      outH: 12,
      outW: 12,
    });
    expect(takesConv2dWeightGemm(base)).toBe(true);
    const declined = [
      { ...base, groups: 2 },
      { ...base, inH: 20, inW: 20, outH: 18, outW: 18 },
      { ...base, outChannels: 16 },
      { ...base, batch: 1, inChannels: 4 },
    ];
    for (const g of declined) {
      expect(takesConv2dWeightGemm(g)).toBe(false);
      const dw = new Float32Array(8).fill(3);
      expect(wasmConv2dBackwardWeightGemm(g, new Float32Array(8), new Float32Array(8), dw)).toBe(false);
      expect(Array.from(dw)).toEqual([3, 3, 3, 3, 3, 3, 3, 3]);
    }
    const dw = new Float64Array(4).fill(3);
    expect(wasmConv2dBackwardWeightGemm(base, new Float64Array(1), new Float64Array(1), dw)).toBe(false);
    expect(Array.from(dw)).toEqual([3, 3, 3, 3]);
  });

  it('on two worker threads: the same bits as on one thread', async () => {
    const g = geometry({
      batch: 4,
      inChannels: 64,
      inH: 14,
      inW: 14,
      outChannels: 64,
      kh: 3,
      kw: 3,
      strideH: 2,
      strideW: 2,
      padTop: 1,
      padLeft: 1,
      outH: 7,
      outW: 7,
    });
    const c: Case = { g, seed: 4 };
    const run = (): Float32Array => {
      const { x, dy } = operands(c);
      const dw = new Float32Array(g.outChannels * g.inChannels * 9);
      expect(wasmConv2dBackwardWeightGemm(g, dy, x, dw)).toBe(true);
      return dw;
    };
    setThreads(1);
    const single = run();
    expect(getBackendInfo().lastKernel).toBe(WASM_CONV2D_BACKWARD_WEIGHT_GEMM_KERNEL);
    setThreads(2);
    await untilTwoThreads(run);
    const split = run();
    expect(getBackendInfo().lastKernel).toBe(`${WASM_CONV2D_BACKWARD_WEIGHT_GEMM_KERNEL} x2 threads`);
    expect(Array.from(new Uint32Array(split.buffer))).toEqual(Array.from(new Uint32Array(single.buffer)));
    check(c);
  });
});
