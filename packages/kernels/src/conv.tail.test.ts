import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  gamma,
  geometry,
  geometryArb,
  randomArray,
  seedArb,
  untilTwoThreads,
  withinBound,
} from '../test/conv-cases.js';
import {
  BLOCKS_OUTER_MIN_BYTES,
  type Conv2dActivation,
  type Conv2dGeometry,
  WASM_CONV2D_KERNEL,
  wasmConv2dForward,
} from './conv.js';
import { getBackendInfo } from './info.js';
import { setThreads } from './threads.js';

// The last sliver of an image's outputs when l = outH * outW is not a multiple of 8: one column
// (l mod 8 = 1: 7x7, 13x13) runs a 16 x 1 micro-kernel, two to four columns (14x14: 4) an 8 x 4
// one, five to seven the 4 x 8 tile; weight-bound layers also touch the next k block of weights
// while they multiply by this one. Every row count (1 to 16 in a block), both loop orders, fused
// activations, the weight cache, batches and threads.

type Variant = 'plain' | 'cached' | 'relu' | 'clamp';

const CLAMP: Conv2dActivation = { clamp: [-0.25, 0.5] };

interface Case {
  readonly g: Conv2dGeometry;
  readonly bias: boolean;
  readonly seed: number;
  readonly variant: Variant;
}

afterEach(() => setThreads(1));

/** Runs the kernel and checks every output against a float64 loop, within the float32 accumulation bound. */
function check({ g, bias, seed, variant }: Case): void {
  const { batch, inChannels: cin, inH, inW, outChannels: cout, kh, kw, groups, outH, outW } = g;
  const cinG = cin / groups;
  const coutG = cout / groups;
  const x = randomArray(batch * cin * inH * inW, seed);
  const w = randomArray(cout * cinG * kh * kw, seed + 1);
  const b = bias ? randomArray(cout, seed + 2) : null;
  const activation = variant === 'relu' ? 'relu' : variant === 'clamp' ? CLAMP : null;
  const weightKey = variant === 'cached' ? { owner: w, layout: 'tail', version: 0 } : null;
  const outs: Float32Array[] = [];
  for (let call = 0; call < (weightKey === null ? 1 : 2); call++) {
    const out = new Float32Array(batch * cout * outH * outW).fill(Number.NaN);
    expect(wasmConv2dForward(g, x, w, b, out, { activation, weightKey, algorithm: 'gemm' })).toBe(true);
    expect(getBackendInfo().lastKernel).toBe(WASM_CONV2D_KERNEL);
    outs.push(out);
  }
  const bound = gamma(cinG * kh * kw + 2);
  for (let n = 0; n < batch; n++) {
    for (let oc = 0; oc < cout; oc++) {
      const c0 = Math.floor(oc / coutG) * cinG;
      for (let oh = 0; oh < outH; oh++) {
        for (let ow = 0; ow < outW; ow++) {
          let acc = b === null ? 0 : b[oc];
          let mag = Math.abs(acc);
          for (let c = 0; c < cinG; c++) {
            for (let i = 0; i < kh; i++) {
              const ih = oh * g.strideH + i * g.dilationH - g.padTop;
              if (ih < 0 || ih >= inH) continue;
              for (let j = 0; j < kw; j++) {
                const iw = ow * g.strideW + j * g.dilationW - g.padLeft;
                if (iw < 0 || iw >= inW) continue;
                const v = x[((n * cin + c0 + c) * inH + ih) * inW + iw] * w[((oc * cinG + c) * kh + i) * kw + j];
                acc += v;
                mag += Math.abs(v);
              }
            }
          }
          const want =
            variant === 'relu' ? Math.max(acc, 0) : variant === 'clamp' ? Math.min(Math.max(acc, -0.25), 0.5) : acc;
          for (const out of outs) {
            const got = out[((n * cout + oc) * outH + oh) * outW + ow];
            if (!withinBound(got, want, bound, mag)) {
              throw new Error(
                `out[${n},${oc},${oh},${ow}] = ${got}, expected ${want} (${JSON.stringify({ g, bias, seed, variant })})`,
              );
            }
          }
        }
      }
    }
  }
}

const variantArb = fc.constantFrom<Variant>('plain', 'cached', 'relu', 'clamp');

/** A ResNet-like layer with 512 input channels (3x3: 4608 taps) and `cout` filters: above BLOCKS_OUTER_MIN_BYTES from 57 filters. */
const weightBound = (cout: number, side: number, stride: number, batch = 1): Conv2dGeometry =>
  geometry({
    batch,
    inChannels: 512,
    inH: side,
    inW: side,
    outChannels: cout,
    kh: 3,
    kw: 3,
    strideH: stride,
    strideW: stride,
    padTop: 1,
    padLeft: 1,
    outH: Math.floor((side - 1) / stride) + 1,
    outW: Math.floor((side - 1) / stride) + 1,
  });

const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('wasmConv2dForward: the last sliver of 1 to 7 columns', () => {
  it('matches a float64 loop for every l mod 8, up to 40 filters per group (16 x 1 and 8 x 4 row blocks)', () => {
    const arb = fc
      .record({
        g: geometryArb({ maxC: 3, maxM: 40, maxHW: 12 }),
        bias: fc.boolean(),
        seed: seedArb,
        variant: variantArb,
      })
      .filter(({ g }) => (g.outH * g.outW) % 8 !== 0 && g.kh * g.kw > 1);
    fc.assert(fc.property(arb, check), { numRuns: 120 });
  });

  it('covers each l mod 8 = 1..7 with ragged row blocks (batch 1 and 2)', () => {
    // outH x outW = 8q + r for r = 1..7, filters 1..37 (every remainder of 16 and 8 rows somewhere).
    const sides: [number, number][] = [
      [7, 7],
      [5, 2],
      [3, 9],
      [6, 6],
      [13, 1],
      [2, 11],
      [3, 5],
    ];
    sides.forEach(([oh, ow], i) => {
      expect((oh * ow) % 8).toBe(i + 1);
      for (const cout of [1, 3, 6, 9, 13, 16, 17, 22, 31, 37]) {
        const g = geometry({
          batch: 1 + (cout % 2),
          inChannels: 5,
          inH: oh,
          inW: ow,
          outChannels: cout,
          kh: 3,
          kw: 3,
          padTop: 1,
          padLeft: 1,
          outH: oh,
          outW: ow,
        });
        check({
          g,
          bias: cout % 3 !== 0,
          seed: 100 * i + cout,
          variant: (['plain', 'cached', 'relu', 'clamp'] as const)[cout % 4],
        });
      }
    });
  });

  it('weight-bound layers (k blocks outside the slivers, next block touched ahead) match a float64 loop', () => {
    const arb = fc.record({
      cout: fc.integer({ min: 57, max: 80 }),
      side: fc.integer({ min: 1, max: 9 }),
      stride: fc.integer({ min: 1, max: 2 }),
      batch: fc.integer({ min: 1, max: 2 }),
      bias: fc.boolean(),
      seed: seedArb,
      variant: variantArb,
    });
    expect(4 * 60 * 512 * 9).toBeGreaterThan(BLOCKS_OUTER_MIN_BYTES);
    fc.assert(
      fc.property(arb, ({ cout, side, stride, batch, bias, seed, variant }) =>
        check({ g: weightBound(cout, side, stride, batch), bias, seed, variant }),
      ),
      { numRuns: 12 },
    );
  });

  it('gives the same bits on 1 and 2 threads (one-column and four-column last slivers)', async () => {
    // 3 x 64 x 49 x 4608 and 6 x 64 x 196 x 576 multiply-adds: both above the threads' threshold.
    const cases: Conv2dGeometry[] = [
      weightBound(64, 7, 1, 3),
      geometry({
        batch: 6,
        inChannels: 64,
        inH: 14,
        inW: 14,
        outChannels: 64,
        kh: 3,
        kw: 3,
        padTop: 1,
        padLeft: 1,
        outH: 14,
        outW: 14,
      }),
    ];
    for (const [i, g] of cases.entries()) {
      const x = randomArray(g.batch * g.inChannels * g.inH * g.inW, 7 + i);
      const w = randomArray(g.outChannels * g.inChannels * 9, 8 + i);
      const b = randomArray(g.outChannels, 9 + i);
      const size = g.batch * g.outChannels * g.outH * g.outW;
      setThreads(1);
      const one = new Float32Array(size);
      expect(wasmConv2dForward(g, x, w, b, one, { activation: 'relu', algorithm: 'gemm' })).toBe(true);
      expect(getBackendInfo().lastKernel).toBe(WASM_CONV2D_KERNEL);
      setThreads(2);
      const two = new Float32Array(size);
      await untilTwoThreads(() => wasmConv2dForward(g, x, w, b, two, { activation: 'relu', algorithm: 'gemm' }));
      two.fill(Number.NaN);
      expect(wasmConv2dForward(g, x, w, b, two, { activation: 'relu', algorithm: 'gemm' })).toBe(true);
      expect(getBackendInfo().lastKernel).toBe(`${WASM_CONV2D_KERNEL} x2 threads`);
      expect(bits(two)).toEqual(bits(one));
    }
  }, 60_000);
});
