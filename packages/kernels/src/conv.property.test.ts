import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gamma, geometry, geometryArb, lenetConv1, randomArray, seedArb, withinBound } from '../test/conv-cases.js';
import { BLOCKS_OUTER_MIN_BYTES, type Conv2dActivation, type Conv2dGeometry, wasmConv2dForward } from './conv.js';
import { weightCacheInfo } from './weight-cache.js';

/**
 * How the pass runs: plain; with a weight key, twice (the first call packs into the cache, the
 * second reuses it: both are checked); with a fused ReLU or clamp (checked against the activated
 * reference: both are 1-Lipschitz, so the same bound holds).
 */
type Variant = 'plain' | 'cached' | 'relu' | 'clamp';

interface Case {
  readonly g: Conv2dGeometry;
  readonly bias: boolean;
  readonly seed: number;
  readonly variant?: Variant;
}

const CLAMP: Conv2dActivation = { clamp: [-0.25, 0.5] };
const activated = (variant: Variant, v: number): number =>
  variant === 'relu' ? Math.max(v, 0) : variant === 'clamp' ? Math.min(Math.max(v, -0.25), 0.5) : v;

/** Runs wasmConv2dForward and checks every output against a naive float64 loop, within the float32 accumulation bound. */
function check({ g, bias, seed, variant = 'plain' }: Case): void {
  const { batch, inChannels: cin, inH, inW, outChannels: cout, kh, kw, groups } = g;
  const cinG = cin / groups;
  const coutG = cout / groups;
  const x = randomArray(batch * cin * inH * inW, seed);
  const w = randomArray(cout * cinG * kh * kw, seed + 1);
  const b = bias ? randomArray(cout, seed + 2) : null;
  const out = new Float32Array(batch * cout * g.outH * g.outW).fill(Number.NaN);
  const activation = variant === 'relu' ? 'relu' : variant === 'clamp' ? CLAMP : null;
  const weightKey = variant === 'cached' ? { owner: w, layout: 'test', version: 0 } : null;
  const outs = [out];
  if (!wasmConv2dForward(g, x, w, b, out, { activation, weightKey })) {
    throw new Error('wasmConv2dForward declined float32 operands');
  }
  if (weightKey !== null) {
    const before = weightCacheInfo().hits;
    const again = new Float32Array(out.length).fill(Number.NaN);
    wasmConv2dForward(g, x, w, b, again, { weightKey });
    if (out.length > 0 && cinG * kh * kw > 0 && weightCacheInfo().hits !== before + 1) {
      throw new Error('the second call with the same weight key did not reuse the packed weights');
    }
    outs.push(again);
  }
  const k = cinG * kh * kw;
  const bound = gamma(k + 2);
  for (let n = 0; n < batch; n++) {
    for (let oc = 0; oc < cout; oc++) {
      const c0 = Math.floor(oc / coutG) * cinG;
      for (let oh = 0; oh < g.outH; oh++) {
        for (let ow = 0; ow < g.outW; ow++) {
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
          const want = activated(variant, acc);
          for (const o of outs) {
            const got = o[((n * cout + oc) * g.outH + oh) * g.outW + ow];
            if (!withinBound(got, want, bound, mag)) {
              throw new Error(
                `out[${n},${oc},${oh},${ow}] = ${got}, expected ${want} (case ${JSON.stringify({ g, bias, seed, variant })})`,
              );
            }
          }
        }
      }
    }
  }
}

/** Random valid geometries (up to 9 output channels per group), with and without bias. */
const caseArb = (maxC: number, maxHW: number) =>
  fc.record({
    g: geometryArb({ maxC, maxM: 9, maxHW }),
    bias: fc.boolean(),
    seed: seedArb,
    variant: fc.constantFrom<Variant>('plain', 'cached', 'relu', 'clamp'),
  });

describe('wasmConv2dForward against a naive float64 reference', () => {
  it('random stride, dilation, groups, asymmetric padding and bias', () => {
    fc.assert(fc.property(caseArb(3, 12), check), { numRuns: 100 });
  });

  it('wide rows (contiguous 8-column slivers) and many channels (several k blocks)', () => {
    fc.assert(fc.property(caseArb(2, 40), check), { numRuns: 30 });
    // K = 80 * 9 = 720 taps: two balanced k blocks; 13 output channels: a ragged micro-tile.
    check({
      g: geometry({
        inChannels: 80,
        inH: 9,
        inW: 19,
        outChannels: 13,
        kh: 3,
        kw: 3,
        padTop: 1,
        padLeft: 1,
        outH: 9,
        outW: 19,
      }),
      bias: true,
      seed: 3,
    });
    // 64 filters of 512 x 3 x 3 taps: 1.2 MB of packed weights, above BLOCKS_OUTER_MIN_BYTES, so the
    // k blocks are walked outside the slivers (5x5 outputs: 4 slivers, the last of one column),
    // in every variant (cached, fused activations).
    const weightBound = geometry({
      inChannels: 512,
      inH: 5,
      inW: 5,
      outChannels: 64,
      kh: 3,
      kw: 3,
      padTop: 1,
      padLeft: 1,
      outH: 5,
      outW: 5,
    });
    expect(4 * 64 * 512 * 9).toBeGreaterThan(BLOCKS_OUTER_MIN_BYTES);
    for (const variant of ['plain', 'cached', 'relu', 'clamp'] as const) {
      check({ g: weightBound, bias: true, seed: 5, variant });
      check({
        g: { ...weightBound, batch: 2, strideH: 2, strideW: 2, outH: 3, outW: 3 },
        bias: false,
        seed: 6,
        variant,
      });
    }
    // LeNet conv1's geometry on 2 images: 28-wide rows split each sliver into two halves.
    check({
      g: { ...lenetConv1, batch: 2 },
      bias: false,
      seed: 4,
    });
  });
});
