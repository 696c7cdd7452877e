import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  convWork,
  gamma,
  geometry,
  geometryArb,
  randomArray,
  seedArb,
  untilTwoThreads,
  withinBound,
} from '../test/conv-cases.js';
import type { Conv2dGeometry } from './conv.js';
import { WASM_CONV2D_BACKWARD_INPUT_KERNEL, wasmConv2dBackwardInput } from './conv-backward-input.js';
import { PARALLEL_MIN_WORK } from './gemm.js';
import { getBackendInfo } from './info.js';
import { setThreads } from './threads.js';

interface Case {
  readonly g: Conv2dGeometry;
  readonly seed: number;
}

function operands({ g, seed }: Case): { dy: Float32Array; w: Float32Array } {
  return {
    dy: randomArray(g.batch * g.outChannels * g.outH * g.outW, seed),
    w: randomArray((g.outChannels * g.inChannels * g.kh * g.kw) / g.groups, seed + 1),
  };
}

/** Runs wasmConv2dBackwardInput (asserting it ran) and checks every element against a float64 scatter within the float32 bound. */
function check(c: Case): void {
  const { g } = c;
  const { batch, inChannels: cin, inH, inW, outChannels: cout, kh, kw, groups, outH, outW } = g;
  const cinG = cin / groups;
  const coutG = cout / groups;
  const { dy, w } = operands(c);
  const dx = new Float32Array(batch * cin * inH * inW).fill(Number.NaN);
  expect(wasmConv2dBackwardInput(g, dy, w, dx)).toBe(true);
  expect(getBackendInfo().lastKernel.startsWith(WASM_CONV2D_BACKWARD_INPUT_KERNEL)).toBe(true);
  const want = new Float64Array(dx.length);
  const mag = new Float64Array(dx.length);
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < cout; o++) {
      const c0 = Math.floor(o / coutG) * cinG;
      for (let ci = 0; ci < cinG; ci++) {
        for (let i = 0; i < kh; i++) {
          for (let j = 0; j < kw; j++) {
            const wv = w[((o * cinG + ci) * kh + i) * kw + j];
            for (let oh = 0; oh < outH; oh++) {
              const ih = oh * g.strideH + i * g.dilationH - g.padTop;
              if (ih < 0 || ih >= inH) continue;
              for (let ow = 0; ow < outW; ow++) {
                const iw = ow * g.strideW + j * g.dilationW - g.padLeft;
                if (iw < 0 || iw >= inW) continue;
                const at = ((n * cin + c0 + ci) * inH + ih) * inW + iw;
                const v = wv * dy[((n * cout + o) * outH + oh) * outW + ow];
                want[at] += v;
                mag[at] += Math.abs(v);
              }
            }
          }
        }
      }
    }
  }
  // Each element sums at most coutG * kh * kw terms (GEMM), then up to kh * kw more additions (col2im).
  const bound = gamma(coutG * kh * kw + kh * kw + 2);
  for (let i = 0; i < dx.length; i++) {
    if (!withinBound(dx[i], want[i], bound, mag[i])) {
      throw new Error(`dx[${i}] = ${dx[i]}, expected ${want[i]} (case ${JSON.stringify(c)})`);
    }
  }
}

const caseArb = (maxC: number, maxM: number, maxHW: number) =>
  fc.record({ g: geometryArb({ maxC, maxM, maxHW, minFarPad: -2 }), seed: seedArb });

describe('wasmConv2dBackwardInput (GEMM + col2im) against a naive float64 reference', () => {
  afterAll(() => setThreads(1));

  it('random stride, dilation, groups and asymmetric padding (negative bottom/right included)', () => {
    setThreads(1);
    fc.assert(fc.property(caseArb(3, 5, 12), check), { numRuns: 200 });
  });

  it('ResNet-like strided layers: W^T packed whole, and the blocked GEMM (K x M over the limit), several position blocks', () => {
    setThreads(1);
    // 3x3 stride 2 pad 1, K = 288, M = 64 (packed whole), 29x29 -> 15x15 (ragged blocks of 8).
    check({
      g: geometry({
        batch: 2,
        inChannels: 32,
        inH: 29,
        inW: 29,
        outChannels: 64,
        kh: 3,
        kw: 3,
        strideH: 2,
        strideW: 2,
        padTop: 1,
        padLeft: 1,
        outH: 15,
        outW: 15,
      }),
      seed: 3,
    });
    // K x M = 576 x 256 > 2^17: the blocked GEMM (256-position blocks over 784 positions); k = 256.
    check({
      g: geometry({
        inChannels: 64,
        inH: 56,
        inW: 56,
        outChannels: 256,
        kh: 3,
        kw: 3,
        strideH: 2,
        strideW: 2,
        padTop: 1,
        padLeft: 1,
        outH: 28,
        outW: 28,
      }),
      seed: 4,
    });
    // 1x1 stride 2 (ResNet's downsample), and a stride-1 conv padded beyond (k - 1).
    check({
      g: geometry({
        batch: 3,
        inChannels: 16,
        inH: 14,
        inW: 13,
        outChannels: 24,
        strideH: 2,
        strideW: 2,
        outH: 7,
        outW: 7,
      }),
      seed: 5,
    });
    check({
      g: geometry({
        inChannels: 4,
        inH: 5,
        inW: 6,
        outChannels: 3,
        kh: 2,
        kw: 2,
        padTop: 2,
        padLeft: 3,
        outH: 8,
        outW: 11,
      }),
      seed: 6,
    });
  });

  it('empty sizes give zeros; float64 operands are declined, the output untouched', () => {
    const dx = new Float32Array(4).fill(5);
    const g = geometry({ inChannels: 1, inH: 2, inW: 2, outChannels: 0, outH: 2, outW: 2 });
    expect(wasmConv2dBackwardInput(g, new Float32Array(0), new Float32Array(0), dx)).toBe(true);
    expect(Array.from(dx)).toEqual([0, 0, 0, 0]);
    const out = new Float64Array(4).fill(5);
    const g1 = geometry({ inH: 2, inW: 2, outH: 2, outW: 2 });
    expect(wasmConv2dBackwardInput(g1, new Float64Array(4), new Float64Array(1), out)).toBe(false);
    expect(Array.from(out)).toEqual([5, 5, 5, 5]);
  });

  it('on two worker threads: the same bits as on one thread', async () => {
    const cases: Case[] = [
      {
        g: geometry({
          batch: 4,
          inChannels: 32,
          inH: 30,
          inW: 30,
          outChannels: 64,
          kh: 3,
          kw: 3,
          strideH: 2,
          strideW: 2,
          padTop: 1,
          padLeft: 1,
          outH: 15,
          outW: 15,
        }),
        seed: 7,
      },
      {
        g: geometry({
          batch: 3,
          inChannels: 24,
          inH: 40,
          inW: 41,
          outChannels: 48,
          kh: 3,
          kw: 2,
          groups: 2,
          strideH: 2,
          strideW: 1,
          padTop: 1,
          padLeft: 0,
          dilationW: 2,
          outH: 20,
          outW: 39,
        }),
        seed: 8,
      },
    ];
    for (const c of cases) expect(convWork(c.g)).toBeGreaterThanOrEqual(PARALLEL_MIN_WORK);
    const run = (c: Case): Float32Array => {
      const { dy, w } = operands(c);
      const dx = new Float32Array(c.g.batch * c.g.inChannels * c.g.inH * c.g.inW);
      expect(wasmConv2dBackwardInput(c.g, dy, w, dx)).toBe(true);
      return dx;
    };
    setThreads(1);
    const single = cases.map(run);
    expect(getBackendInfo().lastKernel).toBe(WASM_CONV2D_BACKWARD_INPUT_KERNEL);
    setThreads(2);
    await untilTwoThreads(() => run(cases[0]));
    cases.forEach((c, i) => {
      const split = run(c);
      expect(getBackendInfo().lastKernel).toBe(`${WASM_CONV2D_BACKWARD_INPUT_KERNEL} x2 threads`);
      expect(Array.from(new Uint32Array(split.buffer))).toEqual(Array.from(new Uint32Array(single[i].buffer)));
    });
    check(cases[1]);
  });
});
