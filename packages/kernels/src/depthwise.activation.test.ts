// The depthwise forward pass's fused activation (applied in WebAssembly memory before the copy
// out) gives the bits of the plain pass followed by JavaScript's rule: relu `Math.max(v, 0)`, clamp
// `Math.min(Math.max(v, lo), hi)` (NaN stays NaN, -0 becomes +0 under relu), on one and two threads.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { geometry, geometryArb, lcgArray, seedArb, untilTwoThreads } from '../test/conv-cases.js';
import type { Conv2dActivation, Conv2dGeometry } from './conv.js';
import { WASM_DEPTHWISE_KERNEL, wasmDepthwiseConv2dForward } from './depthwise.js';
import { KernelArgumentError } from './errors.js';
import { getBackendInfo } from './info.js';
import { setThreads } from './threads.js';

const activations: Conv2dActivation[] = [
  'relu',
  { clamp: [0, 6] },
  { clamp: [-0.3, 0.2] }, // bounds that float32 rounds
  { clamp: [1, -1] }, // lo > hi: hi everywhere, as Math.min(Math.max(v, lo), hi)
];

function applied(v: number, a: Conv2dActivation): number {
  return a === 'relu' ? Math.max(v, 0) : Math.min(Math.max(v, a.clamp[0]), a.clamp[1]);
}

/** Inputs with a few NaN, infinities and negative zeros among the values. */
function inputOf(n: number, seed: number): Float32Array {
  const x = lcgArray(n, seed);
  const specials = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0];
  for (let i = seed % 7; i < n; i += 23) x[i] = specials[i % specials.length];
  return x;
}

/** The bits of each value (every NaN as one: JavaScript does not keep NaN payloads). */
const bits = (a: Float32Array): number[] =>
  Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length), (u, i) => (Number.isNaN(a[i]) ? -1 : u));

/** The fused result and the plain result with the activation applied afterwards, as bits. */
function bothWays(g: Conv2dGeometry, seed: number, a: Conv2dActivation, withBias: boolean): [number[], number[]] {
  const ch = g.inChannels;
  const x = inputOf(g.batch * ch * g.inH * g.inW, seed);
  const w = lcgArray(ch * g.kh * g.kw, seed + 1);
  const bias = withBias ? lcgArray(ch, seed + 2) : null;
  const size = g.batch * ch * g.outH * g.outW;
  const plain = new Float32Array(size);
  const fused = new Float32Array(size).fill(Number.NaN);
  expect(wasmDepthwiseConv2dForward(g, x, w, bias, plain)).toBe(true);
  expect(wasmDepthwiseConv2dForward(g, x, w, bias, fused, { activation: a })).toBe(true);
  const want = Float32Array.from(plain, (v) => applied(v, a));
  return [bits(fused), bits(want)];
}

describe('wasmDepthwiseConv2dForward with an activation', () => {
  afterAll(() => setThreads(1));

  it('equals the plain pass followed by the activation, bit for bit (property, one thread)', () => {
    setThreads(1);
    const depthwiseArb = geometryArb({ maxC: 1, maxM: 1, maxHW: 30, minFarPad: -2 });
    fc.assert(
      fc.property(depthwiseArb, seedArb, fc.constantFrom(...activations), fc.boolean(), (g, seed, a, withBias) => {
        const [got, want] = bothWays(g, seed, a, withBias);
        expect(got).toEqual(want);
      }),
      { numRuns: 150 },
    );
  });

  it('on two threads (chunks pipelined with the copies) as on one', async () => {
    // MobileNetV2-like planes in several chunks, above the 2^23 multiply-adds that are split.
    const g = geometry({
      batch: 4,
      inChannels: 96,
      outChannels: 96,
      groups: 96,
      inH: 56,
      inW: 56,
      kh: 3,
      kw: 3,
      padTop: 1,
      padLeft: 1,
      outH: 56,
      outW: 56,
    });
    setThreads(2);
    await untilTwoThreads(() => bothWays(g, 3, 'relu', true));
    for (const a of activations) {
      const [got, want] = bothWays(g, 11, a, true);
      expect(getBackendInfo().lastKernel).toBe(`${WASM_DEPTHWISE_KERNEL} x2 threads`);
      expect(got).toEqual(want);
    }
  });

  it('throws a KernelArgumentError naming options for an activation it does not know', () => {
    const g = geometry({ inChannels: 1, outChannels: 1, groups: 1, inH: 2, inW: 2, kh: 1, kw: 1, outH: 2, outW: 2 });
    const x = new Float32Array(4);
    const call = (activation: unknown) => () =>
      wasmDepthwiseConv2dForward(g, x, new Float32Array(1), null, new Float32Array(4), {
        activation: activation as Conv2dActivation,
      });
    for (const bad of ['relu6', { clamp: [0] }, { clamp: ['0', 6] }, 3]) {
      expect(call(bad)).toThrow(KernelArgumentError);
      expect(call(bad)).toThrow(/options/);
    }
    expect(call(null)()).toBe(true);
  });
});
