import fc from 'fast-check';
import { describe, it } from 'vitest';
import { type Conv2dGeometry, wasmConv2dForward } from './conv.js';

/** Deterministic uniform float32 values in [-1, 1) from a seed (mulberry32). */
function randomArray(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

const U = 2 ** -24; // float32 unit roundoff

interface Case {
  readonly g: Conv2dGeometry;
  readonly bias: boolean;
  readonly seed: number;
}

/** Runs wasmConv2dForward and checks every output against a naive float64 loop, within the float32 accumulation bound. */
function check({ g, bias, seed }: Case): void {
  const { batch, inChannels: cin, inH, inW, outChannels: cout, kh, kw, groups } = g;
  const cinG = cin / groups;
  const coutG = cout / groups;
  const x = randomArray(batch * cin * inH * inW, seed);
  const w = randomArray(cout * cinG * kh * kw, seed + 1);
  const b = bias ? randomArray(cout, seed + 2) : null;
  const out = new Float32Array(batch * cout * g.outH * g.outW).fill(Number.NaN);
  if (!wasmConv2dForward(g, x, w, b, out)) throw new Error('wasmConv2dForward declined float32 operands');
  const k = cinG * kh * kw;
  const gamma = ((k + 2) * U) / (1 - (k + 2) * U);
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
          const got = out[((n * cout + oc) * g.outH + oh) * g.outW + ow];
          if (!(Math.abs(got - acc) <= gamma * mag + 1e-30)) {
            throw new Error(
              `out[${n},${oc},${oh},${ow}] = ${got}, expected ${acc} (case ${JSON.stringify({ g, bias, seed })})`,
            );
          }
        }
      }
    }
  }
}

const outSize = (size: number, k: number, s: number, p0: number, p1: number, d: number): number =>
  Math.floor((size + p0 + p1 - d * (k - 1) - 1) / s) + 1;

/** Random valid geometries: groups, stride, dilation, asymmetric padding (bottom/right implied by the output size). */
const caseArb = (maxC: number, maxHW: number) =>
  fc
    .record({
      batch: fc.integer({ min: 1, max: 3 }),
      groups: fc.integer({ min: 1, max: 3 }),
      cinG: fc.integer({ min: 1, max: maxC }),
      coutG: fc.integer({ min: 1, max: 9 }),
      kh: fc.integer({ min: 1, max: 5 }),
      kw: fc.integer({ min: 1, max: 5 }),
      sh: fc.integer({ min: 1, max: 3 }),
      sw: fc.integer({ min: 1, max: 3 }),
      dh: fc.integer({ min: 1, max: 2 }),
      dw: fc.integer({ min: 1, max: 2 }),
      pads: fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3), fc.nat(3)),
      extraH: fc.nat(maxHW),
      extraW: fc.nat(maxHW),
      bias: fc.boolean(),
      seed: fc.nat(2 ** 31 - 1),
    })
    .map((p): Case => {
      const [pt, pb, pl, pr] = p.pads;
      const inH = Math.max(1, p.dh * (p.kh - 1) + 1 - pt - pb) + p.extraH;
      const inW = Math.max(1, p.dw * (p.kw - 1) + 1 - pl - pr) + p.extraW;
      const g: Conv2dGeometry = {
        batch: p.batch,
        inChannels: p.cinG * p.groups,
        inH,
        inW,
        outChannels: p.coutG * p.groups,
        kh: p.kh,
        kw: p.kw,
        groups: p.groups,
        strideH: p.sh,
        strideW: p.sw,
        padTop: pt,
        padLeft: pl,
        dilationH: p.dh,
        dilationW: p.dw,
        outH: outSize(inH, p.kh, p.sh, pt, pb, p.dh),
        outW: outSize(inW, p.kw, p.sw, pl, pr, p.dw),
      };
      return { g, bias: p.bias, seed: p.seed };
    });

const geometry = (g: Partial<Conv2dGeometry>): Conv2dGeometry => ({
  batch: 1,
  inChannels: 1,
  inH: 1,
  inW: 1,
  outChannels: 1,
  kh: 1,
  kw: 1,
  groups: 1,
  strideH: 1,
  strideW: 1,
  padTop: 0,
  padLeft: 0,
  dilationH: 1,
  dilationW: 1,
  outH: 1,
  outW: 1,
  ...g,
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
    // LeNet conv1's geometry on 2 images: 28-wide rows split each sliver into two halves.
    check({
      g: geometry({
        batch: 2,
        inH: 28,
        inW: 28,
        outChannels: 6,
        kh: 5,
        kw: 5,
        padTop: 2,
        padLeft: 2,
        outH: 28,
        outW: 28,
      }),
      bias: false,
      seed: 4,
    });
  });
});
