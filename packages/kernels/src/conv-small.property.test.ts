// wasmConv2dSmallForward against a naive float64 loop, within the float32 accumulation bound: random
// stride-1 geometries with 1 to 6 output channels (odd counts use the spare row), widths across
// the 16- and 12-column tiles, padding up to and beyond the window (rows of taps that fall in the
// padding are skipped, whole rows of outputs are the bias alone), bottom/right rows never read,
// fused ReLU and clamp; then what it declines and what it rejects.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gamma, geometry, lenetConv1, randomArray, seedArb, withinBound } from '../test/conv-cases.js';
import type { Conv2dActivation, Conv2dGeometry } from './conv.js';
import {
  SMALL_CONV2D_MAX_OUT_CHANNELS,
  takesConv2dSmall,
  WASM_CONV2D_SMALL_KERNEL,
  wasmConv2dSmallForward,
} from './conv-small.js';
import { KernelArgumentError } from './errors.js';
import { getBackendInfo } from './info.js';

const CLAMP: Conv2dActivation = { clamp: [-0.25, 0.5] };

/** Runs the kernel and checks every output against float64 sums, within gamma(k + 2) of the terms' magnitudes. */
function check(g: Conv2dGeometry, bias: boolean, seed: number, activation: Conv2dActivation | null = null): void {
  const { batch, inChannels: cin, inH, inW, outChannels: cout, kh, kw, outH, outW } = g;
  const x = randomArray(batch * cin * inH * inW, seed);
  const w = randomArray(cout * cin * kh * kw, seed + 1);
  const b = bias ? randomArray(cout, seed + 2) : null;
  const out = new Float32Array(batch * cout * outH * outW).fill(Number.NaN);
  expect(wasmConv2dSmallForward(g, x, w, b, out, { activation })).toBe(true);
  expect(getBackendInfo().lastKernel).toBe(WASM_CONV2D_SMALL_KERNEL);
  const bound = gamma(cin * kh * kw + 2);
  const act = (v: number): number =>
    activation === null ? v : activation === 'relu' ? Math.max(v, 0) : Math.min(Math.max(v, -0.25), 0.5);
  for (let n = 0; n < batch; n++) {
    for (let oc = 0; oc < cout; oc++) {
      for (let oh = 0; oh < outH; oh++) {
        for (let ow = 0; ow < outW; ow++) {
          let acc = b === null ? 0 : b[oc];
          let mag = Math.abs(acc);
          for (let c = 0; c < cin; c++) {
            for (let i = 0; i < kh; i++) {
              const ih = oh + i - g.padTop;
              if (ih < 0 || ih >= inH) continue;
              for (let j = 0; j < kw; j++) {
                const iw = ow + j - g.padLeft;
                if (iw < 0 || iw >= inW) continue;
                const t = x[((n * cin + c) * inH + ih) * inW + iw] * w[((oc * cin + c) * kh + i) * kw + j];
                acc += t;
                mag += Math.abs(t);
              }
            }
          }
          const got = out[((n * cout + oc) * outH + oh) * outW + ow];
          if (!withinBound(got, act(acc), bound, mag)) {
            throw new Error(`output (${n}, ${oc}, ${oh}, ${ow}) = ${got}, float64 reference ${act(acc)}`);
          }
        }
      }
    }
  }
}

/** Stride-1 geometries the kernel takes: any padding (0 to 6 per side), bottom/right possibly never read. */
const smallArb = fc
  .record({
    batch: fc.integer({ min: 1, max: 3 }),
    cin: fc.integer({ min: 1, max: 8 }),
    cout: fc.integer({ min: 1, max: SMALL_CONV2D_MAX_OUT_CHANNELS }),
    kh: fc.integer({ min: 1, max: 5 }),
    kw: fc.integer({ min: 2, max: 5 }),
    pads: fc.tuple(fc.nat(6), fc.integer({ min: -2, max: 6 }), fc.nat(6), fc.integer({ min: -2, max: 6 })),
    extraH: fc.nat(12),
    extraW: fc.nat(40),
  })
  .map(({ batch, cin, cout, kh, kw, pads: [pt, pb, pl, pr], extraH, extraW }) => {
    const inH = Math.max(1, kh - pt - pb) + extraH;
    const inW = Math.max(1, kw - pl - pr) + extraW;
    return geometry({
      batch,
      inChannels: cin,
      inH,
      inW,
      outChannels: cout,
      kh,
      kw,
      padTop: pt,
      padLeft: pl,
      outH: inH + pt + pb - kh + 1,
      outW: inW + pl + pr - kw + 1,
    });
  })
  .filter((g) => g.outH >= 1 && g.outW >= 1);

describe('wasmConv2dSmallForward', () => {
  it("LeNet's conv1 and the full correlation of conv2's input gradient match float64", () => {
    check({ ...lenetConv1, batch: 3 }, true, 1);
    check(
      geometry({
        batch: 2,
        inChannels: 16,
        inH: 10,
        inW: 10,
        outChannels: 6,
        kh: 5,
        kw: 5,
        padTop: 4,
        padLeft: 4,
        outH: 14,
        outW: 14,
      }),
      false,
      2,
    );
  });

  it('matches float64 on random stride-1 geometries, with and without bias and activation', () => {
    fc.assert(
      fc.property(
        smallArb,
        fc.boolean(),
        seedArb,
        fc.constantFrom<Conv2dActivation | null>(null, 'relu', CLAMP),
        (g, bias, seed, activation) => {
          check(g, bias, seed, activation);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('covers every computed width from 1 to 48 columns', () => {
    for (let w = 1; w <= 48; w++) {
      check(
        geometry({
          batch: 1,
          inChannels: 2,
          inH: 4,
          inW: w,
          outChannels: 3,
          kh: 3,
          kw: 3,
          padTop: 1,
          padLeft: 1,
          outH: 4,
          outW: w,
        }),
        true,
        w,
      );
    }
  });

  it('declines what it does not take, leaving out untouched', () => {
    const strided = { ...lenetConv1, strideH: 2, strideW: 2, outH: 14, outW: 14 };
    const out = new Float32Array(6 * 14 * 14).fill(7);
    expect(takesConv2dSmall(strided)).toBe(false);
    expect(wasmConv2dSmallForward(strided, new Float32Array(784), new Float32Array(150), null, out)).toBe(false);
    expect(out.every((v) => v === 7)).toBe(true);
    const wide = { ...lenetConv1, outChannels: SMALL_CONV2D_MAX_OUT_CHANNELS + 1 };
    expect(takesConv2dSmall(wide)).toBe(false);
    expect(takesConv2dSmall({ ...lenetConv1, kh: 1, kw: 1, padTop: 0, padLeft: 0 })).toBe(false);
    // float64 operands: the caller's kernel runs.
    const out64 = new Float64Array(6 * 784);
    expect(wasmConv2dSmallForward(lenetConv1, new Float64Array(784), new Float64Array(150), null, out64)).toBe(false);
    expect(getBackendInfo().lastKernel).toBe('js');
  });

  it('throws a KernelArgumentError on a bad geometry or short operands', () => {
    expect(() => takesConv2dSmall({ ...lenetConv1, kh: -1 })).toThrow(KernelArgumentError);
    const out = new Float32Array(6 * 784);
    expect(() => wasmConv2dSmallForward(lenetConv1, new Float32Array(100), new Float32Array(150), null, out)).toThrow(
      /wasmConv2dSmallForward.*x/,
    );
    expect(() =>
      wasmConv2dSmallForward(lenetConv1, new Float32Array(784), new Float32Array(150), null, out.subarray(1)),
    ).toThrow(KernelArgumentError);
  });
});
