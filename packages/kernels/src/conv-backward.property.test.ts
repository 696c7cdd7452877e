import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gamma, geometry, geometryArb, lenetConv1, randomArray, seedArb, withinBound } from '../test/conv-cases.js';
import type { Conv2dGeometry } from './conv.js';
import { wasmConv2dBackwardWeight } from './conv-backward.js';

interface Case {
  readonly g: Conv2dGeometry;
  readonly seed: number;
}

/**
 * Runs wasmConv2dBackwardWeight and checks every element of dw against a naive float64 loop,
 * within the float32 accumulation bound of its N * Hout * Wout terms.
 */
function check({ g, seed }: Case): void {
  const { batch, inChannels: cin, inH, inW, outChannels: cout, kh, kw, groups, outH, outW } = g;
  const cinG = cin / groups;
  const coutG = cout / groups;
  const x = randomArray(batch * cin * inH * inW, seed);
  const dy = randomArray(batch * cout * outH * outW, seed + 1);
  const dw = new Float32Array(cout * cinG * kh * kw).fill(Number.NaN);
  if (!wasmConv2dBackwardWeight(g, dy, x, dw)) throw new Error('wasmConv2dBackwardWeight declined float32 operands');
  const terms = batch * outH * outW;
  const bound = gamma(terms + 8);
  for (let oc = 0; oc < cout; oc++) {
    const c0 = Math.floor(oc / coutG) * cinG;
    for (let c = 0; c < cinG; c++) {
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
                const v = x[((n * cin + c0 + c) * inH + ih) * inW + iw] * dy[((n * cout + oc) * outH + oh) * outW + ow];
                acc += v;
                mag += Math.abs(v);
              }
            }
          }
          const got = dw[((oc * cinG + c) * kh + i) * kw + j];
          if (!withinBound(got, acc, bound, mag)) {
            throw new Error(`dw[${oc},${c},${i},${j}] = ${got}, expected ${acc} (case ${JSON.stringify({ g, seed })})`);
          }
        }
      }
    }
  }
}

/**
 * Random valid geometries, negative bottom/right padding included (rows and columns the conv
 * never reads).
 */
const caseArb = (maxC: number, maxM: number, maxHW: number) =>
  fc.record({ g: geometryArb({ maxC, maxM, maxHW, minFarPad: -2 }), seed: seedArb });

describe('wasmConv2dBackwardWeight against a naive float64 reference', () => {
  it('random stride, dilation, groups and asymmetric padding', () => {
    fc.assert(fc.property(caseArb(3, 5, 12), check), { numRuns: 150 });
  });

  it('wide rows, many channels, and problems cut into slices and column chunks', () => {
    fc.assert(fc.property(caseArb(2, 3, 40), check), { numRuns: 30 });
    // LeNet conv1's geometry on 2 images: 28-wide rows, 25 taps (a ragged last tap group), M = 6.
    check({
      g: { ...lenetConv1, batch: 2 },
      seed: 4,
    });
    // 2^22+ multiply-adds: 3 slices (one image each) times 3 column chunks; odd M, 1 + 4k taps.
    check({
      g: geometry({
        batch: 3,
        inChannels: 32,
        inH: 23,
        inW: 29,
        outChannels: 35,
        kh: 3,
        kw: 3,
        padTop: 1,
        padLeft: 0,
        outH: 23,
        outW: 27,
      }),
      seed: 5,
    });
    // One image, stride 2 (phase split) and groups: the cut is column chunks only.
    check({
      g: geometry({
        inChannels: 24,
        inH: 61,
        inW: 64,
        outChannels: 48,
        kh: 3,
        kw: 3,
        groups: 2,
        strideH: 2,
        strideW: 2,
        padTop: 1,
        padLeft: 1,
        outH: 31,
        outW: 32,
      }),
      seed: 6,
    });
  });

  it('runs a block of 1 x k kernels with stride 1 and no width padding as one long row', () => {
    // 1x1 on 7x7 images (the rows of a block join: 49 positions, a masked last step; 3 images
    // per block), a 3x1 kernel with top/bottom padding, a dilated 2x3 kernel with one output
    // column (not flat), and a 1x1 kernel whose right padding makes the padded width the output
    // width.
    check({ g: geometry({ batch: 3, inChannels: 5, inH: 7, inW: 7, outChannels: 3, outH: 7, outW: 7 }), seed: 7 });
    check({
      g: geometry({ batch: 2, inChannels: 3, inH: 9, inW: 6, outChannels: 4, kh: 3, padTop: 1, outH: 9, outW: 6 }),
      seed: 8,
    });
    check({
      g: geometry({
        batch: 2,
        inChannels: 2,
        inH: 5,
        inW: 5,
        outChannels: 2,
        kh: 2,
        kw: 3,
        dilationW: 2,
        outH: 4,
        outW: 1,
      }),
      seed: 9,
    });
    check({
      g: geometry({ batch: 1, inChannels: 2, inH: 3, inW: 5, outChannels: 5, kw: 1, outH: 3, outW: 7 }),
      seed: 10,
    });
    // 900 positions: two blocks of 15 rows (450 positions each, a masked last step).
    check({ g: geometry({ batch: 2, inChannels: 3, inH: 30, inW: 30, outChannels: 5, outH: 30, outW: 30 }), seed: 11 });
  });

  it('keeps non-finite values outside the rows the conv reads out of the result', () => {
    // Width 6, 3 output columns per row (a masked step); the last input column is never read.
    const g = geometry({ batch: 1, inH: 2, inW: 6, outChannels: 2, kh: 1, kw: 3, outH: 2, outW: 3 });
    const x = new Float32Array([1, 2, 3, 4, 5, Number.POSITIVE_INFINITY, 1, 2, 3, 4, 5, Number.NaN]);
    const dy = new Float32Array([1, 1, 1, 1, 1, 1, 2, 0, 0, 0, 0, 0]);
    const dw = new Float32Array(6);
    expect(wasmConv2dBackwardWeight(g, dy, x, dw)).toBe(true);
    expect(Array.from(dw)).toEqual([12, 18, 24, 2, 4, 6]);
  });

  it('writes zeros for an empty batch and declines float64 operands', () => {
    const g = geometry({ batch: 0, outChannels: 2, kh: 2, kw: 1, inH: 2, outH: 1 });
    const dw = new Float32Array(4).fill(7);
    expect(wasmConv2dBackwardWeight(g, new Float32Array(0), new Float32Array(0), dw)).toBe(true);
    expect(Array.from(dw)).toEqual([0, 0, 0, 0]);
    const d64 = new Float64Array(4).fill(7);
    expect(wasmConv2dBackwardWeight({ ...g, batch: 1 }, new Float64Array(2), new Float64Array(2), d64)).toBe(false);
    expect(Array.from(d64)).toEqual([7, 7, 7, 7]);
  });
});
