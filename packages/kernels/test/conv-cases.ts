// What the conv kernels' tests share: seeded operands, geometries (fixed and random), the float32
// error bound the naive float64 references check against, and the wait for worker threads.
// Test-only: it lives outside src/, so it is neither compiled into dist nor published.

import fc from 'fast-check';
import type { Conv2dGeometry } from '../src/conv.js';
import { getBackendInfo } from '../src/info.js';

/** Deterministic uniform float32 values in [-1, 1) from a seed (mulberry32). */
export function randomArray(n: number, seed: number): Float32Array {
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

/** Deterministic float32 values in [-1, 1) from a seed (an LCG): cheap operands for tests that compare bits. */
export function lcgArray(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Float32 unit roundoff. */
const U = 2 ** -24;

/** gamma_n = nu / (1 - nu), u the float32 unit roundoff: bounds the relative error of a float32 sum of n products. */
export const gamma = (n: number): number => (n * U) / (1 - n * U);

/**
 * Whether a float32 result `got` is within `bound * mag` of the float64 sum `want`, `mag` the sum
 * of the terms' magnitudes (false for NaN).
 */
export const withinBound = (got: number, want: number, bound: number, mag: number): boolean =>
  Math.abs(got - want) <= bound * mag + 1e-30;

/** A geometry from the fields that differ from one 1x1 image, channel and kernel, stride and dilation 1, no padding. */
export const geometry = (g: Partial<Conv2dGeometry>): Conv2dGeometry => ({
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

/** LeNet's first conv on one image: 28x28, 1 -> 6 channels, 5x5 kernel, padding 2 (spread it to change fields). */
export const lenetConv1 = geometry({
  inH: 28,
  inW: 28,
  outChannels: 6,
  kh: 5,
  kw: 5,
  padTop: 2,
  padLeft: 2,
  outH: 28,
  outW: 28,
});

/** One 30x30 image, 32 -> 40 channels, 3x3 kernel, padding 1: a problem worth threads in a single image. */
export const oneLargeImage = geometry({
  inChannels: 32,
  inH: 30,
  inW: 30,
  outChannels: 40,
  kh: 3,
  kw: 3,
  padTop: 1,
  padLeft: 1,
  outH: 30,
  outW: 30,
});

/** Multiply-adds of a conv2d forward pass (and of its weight gradient). */
export const convWork = (g: Conv2dGeometry): number =>
  g.batch * g.outChannels * g.outH * g.outW * (g.inChannels / g.groups) * g.kh * g.kw;

const outSize = (size: number, k: number, s: number, p0: number, p1: number, d: number): number =>
  Math.floor((size + p0 + p1 - d * (k - 1) - 1) / s) + 1;

/** Bounds of {@link geometryArb}. */
export interface GeometryBounds {
  /** Most input channels per group. */
  readonly maxC: number;
  /** Most output channels per group. */
  readonly maxM: number;
  /** Most rows (columns) beyond the fewest the kernel needs. */
  readonly maxHW: number;
  /** Least bottom and right padding (0 to 3 at most); negative: rows and columns the conv never reads. */
  readonly minFarPad?: number;
}

/**
 * Random valid geometries: 1 to 3 images and groups, kernels up to 5x5, stride up to 3, dilation
 * up to 2, asymmetric padding (bottom/right implied by the output size).
 */
export const geometryArb = ({ maxC, maxM, maxHW, minFarPad = 0 }: GeometryBounds): fc.Arbitrary<Conv2dGeometry> =>
  fc
    .record({
      batch: fc.integer({ min: 1, max: 3 }),
      groups: fc.integer({ min: 1, max: 3 }),
      cinG: fc.integer({ min: 1, max: maxC }),
      coutG: fc.integer({ min: 1, max: maxM }),
      kh: fc.integer({ min: 1, max: 5 }),
      kw: fc.integer({ min: 1, max: 5 }),
      sh: fc.integer({ min: 1, max: 3 }),
      sw: fc.integer({ min: 1, max: 3 }),
      dh: fc.integer({ min: 1, max: 2 }),
      dw: fc.integer({ min: 1, max: 2 }),
      pads: fc.tuple(
        fc.nat(3),
        fc.integer({ min: minFarPad, max: 3 }),
        fc.nat(3),
        fc.integer({ min: minFarPad, max: 3 }),
      ),
      extraH: fc.nat(maxHW),
      extraW: fc.nat(maxHW),
    })
    .map((p): Conv2dGeometry => {
      const [pt, pb, pl, pr] = p.pads;
      const inH = Math.max(1, p.dh * (p.kh - 1) + 1 - pt - pb) + p.extraH;
      const inW = Math.max(1, p.dw * (p.kw - 1) + 1 - pl - pr) + p.extraW;
      return {
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
    });

/** Seeds for {@link randomArray}. */
export const seedArb = fc.nat(2 ** 31 - 1);

/**
 * Calls `step` every 20 ms until the last kernel ran on two threads (workers start in the
 * background; until one is up, calls run on one thread), for 20 s at most.
 */
export async function untilTwoThreads(step: () => void): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!getBackendInfo().lastKernel.endsWith('x2 threads') && Date.now() < deadline) {
    step();
    await new Promise((r) => setTimeout(r, 20));
  }
}
