import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gamma, geometry, randomArray, seedArb, withinBound } from '../test/conv-cases.js';
import { type Conv2dActivation, type Conv2dGeometry, wasmConv2dForward } from './conv.js';
import { KernelArgumentError } from './errors.js';
import { getBackendInfo } from './info.js';
import { setThreads } from './threads.js';
import { weightCacheInfo } from './weight-cache.js';
import { isWinogradConv2d, preferWinograd, wasmWinogradConv2dForward } from './winograd.js';

const WINOGRAD = 'wasm-simd128-conv2d-winograd-f2x2-3x3';
/** The Winograd kernel ran, on this thread or split between threads (the geometry and the pool decide). */
const RAN_WINOGRAD = /^wasm-simd128-conv2d-winograd-f2x2-3x3( x\d+ threads)?$/;

type Variant = 'plain' | 'cached' | 'relu' | 'clamp';
const CLAMP: Conv2dActivation = { clamp: [-0.25, 0.5] };
const activated = (variant: Variant, v: number): number =>
  variant === 'relu' ? Math.max(v, 0) : variant === 'clamp' ? Math.min(Math.max(v, -0.25), 0.5) : v;

/** A 3x3, stride-1 geometry from its sizes and the four paddings (bottom/right implied by the output size). */
function winogradGeometry(
  batch: number,
  cin: number,
  cout: number,
  inH: number,
  inW: number,
  [pt, pb, pl, pr]: readonly [number, number, number, number],
): Conv2dGeometry {
  return geometry({
    batch,
    inChannels: cin,
    outChannels: cout,
    inH,
    inW,
    kh: 3,
    kw: 3,
    padTop: pt,
    padLeft: pl,
    outH: inH + pt + pb - 2,
    outW: inW + pl + pr - 2,
  });
}

/**
 * The float64 conv of the float32 operands, and per output the magnitude its Winograd error is
 * bounded by: sum over input channels and the 16 transformed positions of |G| |g| |G^T| times
 * |B^T| |d| |B| (d the output's 4x4 tile window): the sum of the products' magnitudes before the
 * output transform, which adds them with coefficients of magnitude 1.
 */
function reference(
  g: Conv2dGeometry,
  x: Float32Array,
  w: Float32Array,
  b: Float32Array | null,
): { out: Float64Array; mag: Float64Array } {
  const { batch, inChannels: cin, outChannels: cout, inH, inW, outH, outW } = g;
  const out = new Float64Array(batch * cout * outH * outW);
  const mag = new Float64Array(out.length);
  const xAt = (n: number, c: number, ih: number, iw: number): number =>
    ih < 0 || ih >= inH || iw < 0 || iw >= inW ? 0 : x[((n * cin + c) * inH + ih) * inW + iw];
  // |G| |g| |G^T| per (oc, c): 4x4, rows of |G| are [1,0,0], [.5,.5,.5], [.5,.5,.5], [0,0,1].
  const absG = [
    [1, 0, 0],
    [0.5, 0.5, 0.5],
    [0.5, 0.5, 0.5],
    [0, 0, 1],
  ];
  const absBt = [
    [1, 0, 1, 0],
    [0, 1, 1, 0],
    [0, 1, 1, 0],
    [0, 1, 0, 1],
  ];
  const uBar = new Float64Array(cout * cin * 16);
  for (let oc = 0; oc < cout; oc++) {
    for (let c = 0; c < cin; c++) {
      for (let r = 0; r < 4; r++) {
        for (let s = 0; s < 4; s++) {
          let v = 0;
          for (let i = 0; i < 3; i++) {
            for (let j = 0; j < 3; j++) v += absG[r][i] * Math.abs(w[((oc * cin + c) * 3 + i) * 3 + j]) * absG[s][j];
          }
          uBar[(oc * cin + c) * 16 + r * 4 + s] = v;
        }
      }
    }
  }
  const vBar = new Float64Array(cin * 16);
  for (let n = 0; n < batch; n++) {
    for (let th = 0; th < Math.ceil(outH / 2); th++) {
      for (let tw = 0; tw < Math.ceil(outW / 2); tw++) {
        for (let c = 0; c < cin; c++) {
          for (let r = 0; r < 4; r++) {
            for (let s = 0; s < 4; s++) {
              let v = 0;
              for (let i = 0; i < 4; i++) {
                for (let j = 0; j < 4; j++) {
                  v += absBt[r][i] * Math.abs(xAt(n, c, 2 * th + i - g.padTop, 2 * tw + j - g.padLeft)) * absBt[s][j];
                }
              }
              vBar[c * 16 + r * 4 + s] = v;
            }
          }
        }
        for (let oc = 0; oc < cout; oc++) {
          let m = b === null ? 0 : Math.abs(b[oc]);
          for (let k = 0; k < cin * 16; k++) m += uBar[oc * cin * 16 + k] * vBar[k];
          for (let dh = 0; dh < 2 && 2 * th + dh < outH; dh++) {
            for (let dw = 0; dw < 2 && 2 * tw + dw < outW; dw++) {
              const oh = 2 * th + dh;
              const ow = 2 * tw + dw;
              let acc = b === null ? 0 : b[oc];
              for (let c = 0; c < cin; c++) {
                for (let i = 0; i < 3; i++) {
                  for (let j = 0; j < 3; j++) {
                    acc += xAt(n, c, oh + i - g.padTop, ow + j - g.padLeft) * w[((oc * cin + c) * 3 + i) * 3 + j];
                  }
                }
              }
              const o = ((n * cout + oc) * outH + oh) * outW + ow;
              out[o] = acc;
              mag[o] = m;
            }
          }
        }
      }
    }
  }
  return { out, mag };
}

/**
 * The error bound of the Winograd results: gamma(Cin + 16) times the magnitude above (a float32
 * sum over Cin products, plus the roundings of the input transform, the weight transform and the
 * output transform, at most 16 per term).
 */
const winogradBound = (cin: number): number => gamma(cin + 16);

interface Case {
  readonly g: Conv2dGeometry;
  readonly bias: boolean;
  readonly seed: number;
  readonly variant: Variant;
}

/** Runs the forced Winograd pass and checks every output against the float64 reference and the GEMM path. */
function check({ g, bias, seed, variant }: Case): void {
  const { batch, inChannels: cin, outChannels: cout, inH, inW, outH, outW } = g;
  const x = randomArray(batch * cin * inH * inW, seed);
  const w = randomArray(cout * cin * 9, seed + 1);
  const b = bias ? randomArray(cout, seed + 2) : null;
  const activation = variant === 'relu' ? 'relu' : variant === 'clamp' ? CLAMP : null;
  const weightKey = variant === 'cached' ? { owner: w, layout: 'winograd-test', version: 0 } : null;
  const out = new Float32Array(batch * cout * outH * outW).fill(Number.NaN);
  expect(wasmWinogradConv2dForward(g, x, w, b, out, { activation, weightKey })).toBe(true);
  expect(getBackendInfo().lastKernel).toMatch(RAN_WINOGRAD);
  const outs = [out];
  if (weightKey !== null) {
    const hits = weightCacheInfo().hits;
    const again = new Float32Array(out.length).fill(Number.NaN);
    wasmConv2dForward(g, x, w, b, again, { weightKey, algorithm: 'winograd' });
    expect(getBackendInfo().lastKernel).toMatch(RAN_WINOGRAD);
    expect(weightCacheInfo().hits).toBe(hits + 1);
    outs.push(again);
  }
  const gemm = new Float32Array(out.length).fill(Number.NaN);
  expect(wasmConv2dForward(g, x, w, b, gemm, { activation, algorithm: 'gemm' })).toBe(true);
  expect(getBackendInfo().lastKernel).not.toBe(WINOGRAD);
  const ref = reference(g, x, w, b);
  const bound = winogradBound(cin);
  for (let i = 0; i < out.length; i++) {
    const want = activated(variant, ref.out[i]);
    for (const o of outs) {
      if (!withinBound(o[i], want, bound, ref.mag[i])) {
        throw new Error(`out[${i}] = ${o[i]}, expected ${want} (case ${JSON.stringify({ g, bias, seed, variant })})`);
      }
    }
    // The GEMM path's error is within the same magnitude's bound (the direct terms are among its terms).
    expect(Math.abs(out[i] - gemm[i])).toBeLessThanOrEqual(
      bound * ref.mag[i] + gamma(9 * cin + 2) * ref.mag[i] + 1e-30,
    );
  }
}

const pads = fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2));
const caseArb = (maxC: number, maxHW: number) =>
  fc
    .record({
      batch: fc.integer({ min: 1, max: 3 }),
      cin: fc.integer({ min: 1, max: maxC }),
      cout: fc.integer({ min: 1, max: maxC }),
      extraH: fc.nat(maxHW),
      extraW: fc.nat(maxHW),
      pads,
      bias: fc.boolean(),
      seed: seedArb,
      variant: fc.constantFrom<Variant>('plain', 'cached', 'relu', 'clamp'),
    })
    .map(({ batch, cin, cout, extraH, extraW, pads: p, bias, seed, variant }): Case => {
      // At least one output row and column: inH + padTop + padBottom >= 3.
      const inH = Math.max(1, 3 - p[0] - p[1]) + extraH;
      const inW = Math.max(1, 3 - p[2] - p[3]) + extraW;
      return { g: winogradGeometry(batch, cin, cout, inH, inW, p), bias, seed, variant };
    });

describe('wasmWinogradConv2dForward against a float64 reference and the GEMM path', () => {
  it('random sizes (odd and even), padding 0 to 2 on each side, batch, bias, cache and activations', () => {
    fc.assert(fc.property(caseArb(9, 13), check), { numRuns: 120 });
  });

  it('wide rows, several tile blocks and ragged output channels', () => {
    fc.assert(fc.property(caseArb(24, 40), check), { numRuns: 15 });
    // 33 x 35 outputs: 17 x 18 tiles (39 8-tile panels), 4-tile groups that straddle tile rows, an
    // odd last output row and column; 13 output channels: a padded sliver.
    check({ g: winogradGeometry(2, 40, 13, 33, 35, [1, 1, 1, 1]), bias: true, seed: 11, variant: 'plain' });
    check({ g: winogradGeometry(1, 17, 6, 20, 9, [2, 0, 0, 2]), bias: false, seed: 12, variant: 'relu' });
    // 20 x 21 tiles of 48 + 48 channels: two units of 216 tiles (V and M within 2 MB), the second
    // starting mid-row; 45 output channels (a padded last sliver).
    check({ g: winogradGeometry(1, 48, 45, 39, 41, [1, 1, 1, 1]), bias: true, seed: 13, variant: 'clamp' });
  });

  it('stays within the bound up to 512 input channels (ResNet-18 channel counts)', () => {
    for (const [cin, hw] of [
      [64, 12],
      [128, 10],
      [256, 8],
      [512, 7],
    ] as const) {
      check({ g: winogradGeometry(1, cin, 8, hw, hw, [1, 1, 1, 1]), bias: true, seed: cin, variant: 'plain' });
    }
  });

  it('gives the same bits on one and two threads', () => {
    const g = winogradGeometry(2, 32, 24, 30, 30, [1, 1, 1, 1]);
    const x = randomArray(2 * 32 * 30 * 30, 1);
    const w = randomArray(24 * 32 * 9, 2);
    const run = (threads: number): Float32Array => {
      setThreads(threads);
      const out = new Float32Array(2 * 24 * 30 * 30);
      wasmWinogradConv2dForward(g, x, w, null, out);
      return out;
    };
    try {
      expect(run(2)).toEqual(run(1));
    } finally {
      setThreads(1);
    }
  });
});

describe("wasmConv2dForward's Winograd dispatch", () => {
  const g = winogradGeometry(1, 16, 16, 14, 14, [1, 1, 1, 1]);

  it("runs Winograd for 'auto' where preferWinograd says so, the GEMM for 'gemm'", () => {
    setThreads(1);
    expect(preferWinograd(g)).toBe(true);
    const x = randomArray(16 * 14 * 14, 3);
    const w = randomArray(16 * 16 * 9, 4);
    const a = new Float32Array(16 * 14 * 14);
    const b = new Float32Array(a.length);
    expect(wasmConv2dForward(g, x, w, null, a)).toBe(true);
    expect(getBackendInfo().lastKernel).toBe(WINOGRAD);
    expect(wasmConv2dForward(g, x, w, null, b, { algorithm: 'gemm' })).toBe(true);
    expect(getBackendInfo().lastKernel.startsWith('wasm-simd128-conv2d-implicit')).toBe(true);
    // Too few tiles, too few channels, another geometry: the GEMM.
    expect(preferWinograd(winogradGeometry(1, 16, 16, 12, 12, [1, 1, 1, 1]))).toBe(false); // 36 tiles
    // ResNet-18's layer4 (16 tiles per image), whatever the batch: every unit reads all the weights.
    expect(preferWinograd(winogradGeometry(8, 512, 512, 7, 7, [1, 1, 1, 1]))).toBe(false);
    expect(preferWinograd(winogradGeometry(1, 8, 16, 28, 28, [1, 1, 1, 1]))).toBe(false);
    expect(preferWinograd({ ...g, strideH: 2, strideW: 2, outH: 7, outW: 7 })).toBe(false);
  });

  it("falls back to the GEMM on infinities and NaN under 'auto' (PyTorch's values), spreads them when forced", () => {
    setThreads(1);
    const x = randomArray(16 * 14 * 14, 5);
    const w = randomArray(16 * 16 * 9, 6);
    // Input row 3 of channel 0 is infinite: output row 0 reads input rows 0..1 (padding 1) only.
    x.fill(Number.POSITIVE_INFINITY, 3 * 14, 4 * 14);
    const auto = new Float32Array(16 * 14 * 14);
    expect(wasmConv2dForward(g, x, w, null, auto)).toBe(true);
    expect(getBackendInfo().lastKernel.startsWith('wasm-simd128-conv2d-implicit')).toBe(true);
    const ref = reference(g, x, w, null).out;
    for (let i = 0; i < auto.length; i++) {
      if (!Number.isFinite(ref[i])) expect(auto[i]).toBe(ref[i]);
      else expect(Math.abs(auto[i] - ref[i])).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(ref[i])));
    }
    expect(Number.isFinite(auto[0])).toBe(true);
    const forced = new Float32Array(auto.length);
    expect(wasmConv2dForward(g, x, w, null, forced, { algorithm: 'winograd' })).toBe(true);
    expect(getBackendInfo().lastKernel).toBe(WINOGRAD);
    // Row 0's tiles read input rows -1..2, row 1's rows 1..4: the infinity reaches output rows 2 and 3.
    expect(Number.isFinite(forced[0])).toBe(true);
    expect(Number.isFinite(forced[2 * 14])).toBe(false);
    // Infinite weights: 'auto' declines before packing and runs the GEMM.
    const wInf = w.slice();
    wInf[4] = Number.NEGATIVE_INFINITY;
    const xFinite = randomArray(16 * 14 * 14, 7);
    expect(
      wasmConv2dForward(g, xFinite, wInf, null, auto, { weightKey: { owner: wInf, layout: 'inf', version: 0 } }),
    ).toBe(true);
    expect(getBackendInfo().lastKernel.startsWith('wasm-simd128-conv2d-implicit')).toBe(true);
  });
});

describe('wasmWinogradConv2dForward argument checks', () => {
  const g = winogradGeometry(1, 2, 3, 5, 5, [1, 1, 1, 1]);
  const x = new Float32Array(2 * 25);
  const w = new Float32Array(3 * 2 * 9);
  const out = new Float32Array(3 * 25);

  it('accepts exactly the geometries it can run', () => {
    expect(isWinogradConv2d(g)).toBe(true);
    expect(isWinogradConv2d({ ...g, kh: 5, kw: 5, outH: 3, outW: 3 })).toBe(false);
    expect(isWinogradConv2d({ ...g, dilationH: 2, outH: 3 })).toBe(false);
    expect(isWinogradConv2d({ ...g, groups: 2, inChannels: 2, outChannels: 4 })).toBe(false);
    expect(() => isWinogradConv2d({ ...g, outH: -1 })).toThrow(KernelArgumentError);
  });

  it('throws, naming the function, the argument and the shapes, on a geometry it cannot run', () => {
    const strided = { ...g, strideH: 2, strideW: 2, outH: 3, outW: 3 };
    expect(() => wasmWinogradConv2dForward(strided, x, w, null, out)).toThrow(KernelArgumentError);
    expect(() => wasmWinogradConv2dForward(strided, x, w, null, out)).toThrow(
      /wasmWinogradConv2dForward.*g.*stride \[2, 2\].*input \[1,2,5,5\]/,
    );
    // Forcing it through wasmConv2dForward throws too (never a silent fallback).
    expect(() => wasmConv2dForward(strided, x, w, null, out, { algorithm: 'winograd' })).toThrow(
      /wasmConv2dForward.*Winograd kernel needs a 3x3 conv/,
    );
    const grouped = { ...g, groups: 2, outChannels: 4 };
    expect(() => wasmConv2dForward(grouped, x, w, null, out, { algorithm: 'winograd' })).toThrow(KernelArgumentError);
  });

  it('throws on short arrays, wrong array types and bad options', () => {
    expect(() => wasmWinogradConv2dForward(g, x.subarray(1), w, null, out)).toThrow(
      /wasmWinogradConv2dForward.*x has 49 elements.*needs 50/,
    );
    expect(() => wasmWinogradConv2dForward(g, x, w.subarray(1), null, out)).toThrow(/w has 53 elements/);
    expect(() => wasmWinogradConv2dForward(g, x, w, new Float32Array(2), out)).toThrow(/bias has 2 elements/);
    expect(() => wasmWinogradConv2dForward(g, x, w, null, out.subarray(1))).toThrow(/out has 74 elements/);
    expect(() => wasmWinogradConv2dForward(g, [1, 2] as unknown as Float32Array, w, null, out)).toThrow(
      KernelArgumentError,
    );
    expect(() =>
      wasmWinogradConv2dForward(g, x, w, null, out, { activation: 'gelu' as unknown as Conv2dActivation }),
    ).toThrow(/options.activation/);
  });

  it('declines float64 operands, leaving out untouched', () => {
    const out64 = new Float64Array(3 * 25).fill(7);
    expect(wasmWinogradConv2dForward(g, new Float64Array(50), new Float64Array(54), null, out64)).toBe(false);
    expect(out64.every((v) => v === 7)).toBe(true);
  });
});
