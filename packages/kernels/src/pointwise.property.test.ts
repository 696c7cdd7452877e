// The pointwise (1x1) conv2d forward kernel against a float64 loop, within the float32 accumulation
// bound: random channel counts, image sizes, strides, batches, bias and fused activations, through
// wasmPointwiseConv2dForward and through wasmConv2dForward's dispatch, with the kernel that ran
// asserted; MobileNetV2/ResNet shapes (column blocks, output bands, several chunks of images,
// edge tiles); the packed-weight cache; NaN and infinity placement; arguments it refuses.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gamma, geometry, randomArray, seedArb, withinBound } from '../test/conv-cases.js';
import { type Conv2dActivation, type Conv2dGeometry, wasmConv2dForward } from './conv.js';
import { KernelArgumentError } from './errors.js';
import { getBackendInfo } from './info.js';
import { isPointwiseConv2d, WASM_POINTWISE_KERNEL, wasmPointwiseConv2dForward } from './pointwise.js';
import { weightCacheInfo } from './weight-cache.js';

type Act = 'none' | 'relu' | 'clamp';
const CLAMP: Conv2dActivation = { clamp: [-0.25, 0.5] };
const activation = (a: Act): Conv2dActivation | null => (a === 'relu' ? 'relu' : a === 'clamp' ? CLAMP : null);
const activated = (a: Act, v: number): number =>
  a === 'relu' ? Math.max(v, 0) : a === 'clamp' ? Math.min(Math.max(v, -0.25), 0.5) : v;

/** A 1x1 geometry with stride s, no padding. */
const pw = (batch: number, cin: number, cout: number, h: number, w: number, s = 1): Conv2dGeometry =>
  geometry({
    batch,
    inChannels: cin,
    outChannels: cout,
    inH: h,
    inW: w,
    kh: 1,
    kw: 1,
    strideH: s,
    strideW: s,
    padTop: 0,
    padLeft: 0,
    outH: Math.floor((h - 1) / s) + 1,
    outW: Math.floor((w - 1) / s) + 1,
  });

interface Case {
  readonly g: Conv2dGeometry;
  readonly bias: boolean;
  readonly act: Act;
  readonly seed: number;
  /** Through wasmConv2dForward's dispatch instead of the exported entry point. */
  readonly viaConv?: boolean;
  /** With a weight key: a second call must reuse the packed weights and give the same bits. */
  readonly cached?: boolean;
}

/** Runs the kernel and checks every output against the float64 loop; returns the output. */
function check({ g, bias, act, seed, viaConv = false, cached = false }: Case): Float32Array {
  const { batch, inChannels: k, outChannels: m, inH, inW, outH, outW } = g;
  const x = randomArray(batch * k * inH * inW, seed);
  const w = randomArray(m * k, seed + 1);
  const b = bias ? randomArray(m, seed + 2) : null;
  const out = new Float32Array(batch * m * outH * outW).fill(Number.NaN);
  const weightKey = cached ? { owner: w, layout: 'pointwise-test', version: 0 } : null;
  const options = { activation: activation(act), weightKey };
  const run = viaConv ? wasmConv2dForward : wasmPointwiseConv2dForward;
  expect(run(g, x, w, b, out, options)).toBe(true);
  // The pointwise kernel, on one thread or split (from 2^21 multiply-adds with threads).
  const ran = new RegExp(`^${WASM_POINTWISE_KERNEL}( x\\d+ threads)?$`);
  if (out.length > 0 && k > 0) expect(getBackendInfo().lastKernel).toMatch(ran);
  if (cached) {
    const hits = weightCacheInfo().hits;
    const again = new Float32Array(out.length).fill(Number.NaN);
    expect(run(g, x, w, b, again, options)).toBe(true);
    if (out.length > 0 && k > 0) expect(weightCacheInfo().hits).toBe(hits + 1);
    expect(new Uint32Array(again.buffer)).toEqual(new Uint32Array(out.buffer));
  }
  const bound = gamma(k + 2);
  const l = outH * outW;
  for (let n = 0; n < batch; n++) {
    for (let oc = 0; oc < m; oc++) {
      for (let oh = 0; oh < outH; oh++) {
        for (let ow = 0; ow < outW; ow++) {
          let acc = b === null ? 0 : b[oc];
          let mag = Math.abs(acc);
          const at = oh * g.strideH * inW + ow * g.strideW;
          for (let c = 0; c < k; c++) {
            const t = w[oc * k + c] * x[(n * k + c) * inH * inW + at];
            acc += t;
            mag += Math.abs(t);
          }
          const got = out[(n * m + oc) * l + oh * outW + ow];
          if (!withinBound(got, activated(act, acc), bound, mag)) {
            throw new Error(
              `out[${n},${oc},${oh},${ow}] = ${got}, want ${activated(act, acc)} (bound ${bound * mag}) for ${JSON.stringify(g)}`,
            );
          }
        }
      }
    }
  }
  return out;
}

const actArb = fc.constantFrom<Act>('none', 'relu', 'clamp');

describe('wasmPointwiseConv2dForward', () => {
  it('matches a float64 loop on random 1x1 problems (strides 1 to 3)', () => {
    fc.assert(
      fc.property(
        fc.record({
          batch: fc.integer({ min: 1, max: 3 }),
          cin: fc.integer({ min: 1, max: 40 }),
          cout: fc.integer({ min: 1, max: 21 }),
          h: fc.integer({ min: 1, max: 13 }),
          w: fc.integer({ min: 1, max: 19 }),
          s: fc.constantFrom(1, 1, 2, 3),
          bias: fc.boolean(),
          act: actArb,
          seed: seedArb,
          viaConv: fc.boolean(),
          cached: fc.boolean(),
        }),
        ({ batch, cin, cout, h, w, s, bias, act, seed, viaConv, cached }) => {
          check({ g: pw(batch, cin, cout, h, w, s), bias, act, seed, viaConv, cached });
        },
      ),
      { numRuns: 150 },
    );
  });

  it.each([
    // [batch, cin, cout, side, stride]: column blocks of many slivers, output bands (8 rows; 64,
    // 64 and 20 rows with a last 1-column sliver taken by the 8 x 4 kernel), several chunks of
    // images, 7x7 edge tiles, ResNet's stride-2 downsample.
    [1, 16, 96, 112, 1],
    [1, 8, 148, 45, 1],
    [2, 24, 144, 56, 1],
    [1, 144, 24, 56, 1],
    [30, 64, 40, 14, 1],
    [9, 160, 30, 7, 1],
    [2, 960, 20, 7, 1],
    [1, 64, 128, 56, 2],
    [2, 13, 7, 27, 2],
  ])('MobileNetV2/ResNet-like shape [%i,%i,%i,%i] stride %i', (batch, cin, cout, side, s) => {
    check({ g: pw(batch, cin, cout, side, side, s), bias: true, act: 'clamp', seed: 7 + cin, viaConv: true });
  });

  it('stages images of more than 2^17 input floats in slices of planes (edge tiles, 8 x 4 tails, 1 and 2 images)', () => {
    // Slices of about 2^16 floats: the sums over the first slice start at the bias, later ones
    // from the partial sums left in the output (edge tiles included), and only the last applies
    // the activation. Odd sizes give 4 x 8 edge tiles and narrow last slivers; Cout % 4 edge rows.
    fc.assert(
      fc.property(
        fc.record({
          batch: fc.integer({ min: 1, max: 2 }),
          h: fc.integer({ min: 40, max: 64 }),
          w: fc.integer({ min: 41, max: 67 }),
          extra: fc.integer({ min: 0, max: 40 }),
          cout: fc.integer({ min: 1, max: 13 }),
          bias: fc.boolean(),
          act: actArb,
          seed: seedArb,
          viaConv: fc.boolean(),
        }),
        ({ batch, h, w, extra, cout, bias, act, seed, viaConv }) => {
          const cin = Math.ceil((2 ** 17 + 1) / (h * w)) + extra;
          check({ g: pw(batch, cin, cout, h, w), bias, act, seed, viaConv });
        },
      ),
      { numRuns: 12 },
    );
  });

  it('computes the empty-sum and empty-output cases', () => {
    const g = pw(2, 0, 3, 2, 2);
    const out = new Float32Array(2 * 3 * 4).fill(Number.NaN);
    expect(
      wasmPointwiseConv2dForward(g, new Float32Array(0), new Float32Array(0), new Float32Array([1, -2, 7]), out, {
        activation: { clamp: [0, 6] },
      }),
    ).toBe(true);
    expect(Array.from(out.subarray(0, 12))).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 6, 6, 6, 6]);
    expect(
      wasmPointwiseConv2dForward(
        pw(0, 2, 3, 2, 2),
        new Float32Array(0),
        new Float32Array(6),
        null,
        new Float32Array(0),
      ),
    ).toBe(true);
  });

  it('keeps NaN and infinities where the sums put them, and past the edge tiles nothing leaks', () => {
    // 2 channels of 3x3 (9 positions: one full sliver and an edge of 1); one NaN and one infinity.
    const g = pw(1, 2, 5, 3, 3);
    const x = new Float32Array(18).fill(1);
    x[4] = Number.NaN;
    x[9 + 8] = Number.POSITIVE_INFINITY;
    const w = new Float32Array([1, 1, 1, 0, 0, 1, -1, 1, 1, -1]);
    const out = new Float32Array(45);
    expect(wasmPointwiseConv2dForward(g, x, w, null, out, { activation: 'relu' })).toBe(true);
    for (let oc = 0; oc < 5; oc++) {
      for (let j = 0; j < 9; j++) {
        let want = 0;
        for (let c = 0; c < 2; c++) want += w[oc * 2 + c] * x[c * 9 + j]; // 0 * inf is NaN, as in float32
        want = Number.isNaN(want) ? Number.NaN : Math.max(want, 0);
        expect(out[oc * 9 + j], `out[${oc},${j}]`).toBe(want);
      }
    }
  });

  it('declines float64 operands, leaving out untouched', () => {
    const g = pw(1, 2, 1, 1, 2);
    const out = new Float64Array(2).fill(5);
    expect(wasmPointwiseConv2dForward(g, new Float64Array(4), new Float64Array(2), null, out)).toBe(false);
    expect(Array.from(out)).toEqual([5, 5]);
    expect(getBackendInfo().lastKernel).toBe('js');
  });
});

describe('isPointwiseConv2d and argument checks', () => {
  it('recognises 1x1 geometries with groups 1 and no padding', () => {
    expect(isPointwiseConv2d(pw(1, 4, 4, 5, 5))).toBe(true);
    expect(isPointwiseConv2d(pw(1, 4, 4, 5, 5, 2))).toBe(true);
    expect(isPointwiseConv2d({ ...pw(1, 4, 4, 5, 5), groups: 2 })).toBe(false);
    expect(isPointwiseConv2d({ ...pw(1, 4, 4, 5, 5), padTop: 1, outH: 7 })).toBe(false);
    expect(isPointwiseConv2d({ ...pw(1, 4, 4, 5, 5), kh: 3, outH: 3 })).toBe(false);
    expect(isPointwiseConv2d({ ...pw(1, 4, 4, 5, 5), outW: 4 })).toBe(false);
  });

  it.each([undefined, null, 3, 'g'])('isPointwiseConv2d refuses %s', (g) => {
    expect(() => isPointwiseConv2d(g as never)).toThrowError(KernelArgumentError);
  });

  it('refuses a geometry it cannot compute instead of computing something else', () => {
    const g = { ...pw(1, 2, 2, 3, 3), kh: 3, kw: 3, padTop: 1, padLeft: 1 };
    const call = () =>
      wasmPointwiseConv2dForward(g, new Float32Array(18), new Float32Array(36), null, new Float32Array(18));
    expect(call).toThrowError(KernelArgumentError);
    expect(call).toThrowError(/^wasmPointwiseConv2dForward: expected a 1x1 conv/);
  });

  it('refuses short arrays, non-arrays, bad sizes and bad activations before touching anything', () => {
    const g = pw(2, 3, 4, 2, 2);
    const x = new Float32Array(24);
    const w = new Float32Array(12);
    const out = new Float32Array(32);
    const bad: [string, () => unknown][] = [
      ['x', () => wasmPointwiseConv2dForward(g, new Float32Array(23), w, null, out)],
      ['w', () => wasmPointwiseConv2dForward(g, x, new Float32Array(11), null, out)],
      ['bias', () => wasmPointwiseConv2dForward(g, x, w, new Float32Array(3), out)],
      ['out', () => wasmPointwiseConv2dForward(g, x, w, null, [] as never)],
      ['g', () => wasmPointwiseConv2dForward({ ...g, batch: -1 }, x, w, null, out)],
      ['g', () => wasmPointwiseConv2dForward({ ...g, inH: 1.5 }, x, w, null, out)],
      ['g', () => wasmPointwiseConv2dForward(null as never, x, w, null, out)],
      ['options', () => wasmPointwiseConv2dForward(g, x, w, null, out, { activation: 'gelu' as never })],
      ['options', () => wasmPointwiseConv2dForward(g, x, w, null, out, 7 as never)],
    ];
    for (const [arg, call] of bad) {
      let caught: unknown;
      try {
        call();
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(KernelArgumentError);
      expect((caught as KernelArgumentError).arg).toBe(arg);
    }
    expect(out.every((v) => v === 0)).toBe(true);
  });
});
