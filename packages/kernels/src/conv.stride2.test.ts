import { describe, expect, it } from 'vitest';
import { gamma, geometry, randomArray, withinBound } from '../test/conv-cases.js';
import { type Conv2dGeometry, wasmConv2dForward } from './conv.js';

// Width stride 2 on rows long enough for the shuffle gathers (8 adjacent output positions, or two
// runs of 4 across a row break): ResNet's 3x3 and 1x1 stride-2 convs and the 7x7 stem, odd widths,
// a row stride of 1, dilation, and a NaN that only a column the stride skips holds.
const cases: Conv2dGeometry[] = [
  geometry({
    inChannels: 5,
    inH: 30,
    inW: 35,
    outChannels: 6,
    kh: 3,
    kw: 3,
    strideH: 2,
    strideW: 2,
    padTop: 1,
    padLeft: 1,
    outH: 15,
    outW: 18,
  }),
  geometry({ batch: 2, inChannels: 4, inH: 16, inW: 16, outChannels: 7, strideH: 2, strideW: 2, outH: 8, outW: 8 }),
  geometry({
    inChannels: 3,
    inH: 40,
    inW: 38,
    outChannels: 8,
    kh: 7,
    kw: 7,
    strideH: 2,
    strideW: 2,
    padTop: 3,
    padLeft: 3,
    outH: 20,
    outW: 19,
  }),
  geometry({
    inChannels: 2,
    inH: 9,
    inW: 41,
    outChannels: 4,
    kh: 2,
    kw: 3,
    strideW: 2,
    dilationW: 2,
    padLeft: 2,
    outH: 8,
    outW: 21,
  }),
];

function check(g: Conv2dGeometry, seed: number): void {
  const { batch, inChannels: cin, inH, inW, outChannels: cout, kh, kw } = g;
  const x = randomArray(batch * cin * inH * inW, seed);
  const w = randomArray(cout * cin * kh * kw, seed + 1);
  const out = new Float32Array(batch * cout * g.outH * g.outW).fill(Number.NaN);
  expect(wasmConv2dForward(g, x, w, null, out)).toBe(true);
  const bound = gamma(cin * kh * kw + 2);
  for (let n = 0; n < batch; n++) {
    for (let oc = 0; oc < cout; oc++) {
      for (let oh = 0; oh < g.outH; oh++) {
        for (let ow = 0; ow < g.outW; ow++) {
          let acc = 0;
          let mag = 0;
          for (let c = 0; c < cin; c++) {
            for (let i = 0; i < kh; i++) {
              const ih = oh * g.strideH + i * g.dilationH - g.padTop;
              if (ih < 0 || ih >= inH) continue;
              for (let j = 0; j < kw; j++) {
                const iw = ow * g.strideW + j * g.dilationW - g.padLeft;
                if (iw < 0 || iw >= inW) continue;
                const v = x[((n * cin + c) * inH + ih) * inW + iw] * w[((oc * cin + c) * kh + i) * kw + j];
                acc += v;
                mag += Math.abs(v);
              }
            }
          }
          const got = out[((n * cout + oc) * g.outH + oh) * g.outW + ow];
          if (!withinBound(got, acc, bound, mag)) throw new Error(`output ${n},${oc},${oh},${ow}: ${got} vs ${acc}`);
        }
      }
    }
  }
}

describe('wasmConv2dForward with a width stride of 2', () => {
  it('matches a float64 loop on long rows', () => {
    for (const [i, g] of cases.entries()) check(g, 100 + i);
  });

  it('never reads the columns the stride skips', () => {
    // One row of 17: positions 0, 2, ..., 16 are read by a 1x1 stride-2 conv; 1, 3, ... are not.
    const g = geometry({ inW: 17, strideW: 2, outW: 9 });
    const x = Float32Array.from({ length: 17 }, (_, i) => (i % 2 === 0 ? i : Number.NaN));
    const out = new Float32Array(9);
    expect(wasmConv2dForward(g, x, new Float32Array([1]), null, out)).toBe(true);
    expect(Array.from(out)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16]);
  });
});
