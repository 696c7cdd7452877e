// The packed-weight cache of wasmConv2dForward (weight-cache.ts): reuse only for the same owner,
// layout, version and packing; never stale; bounded; not clobbered by other kernels' scratch.
import { afterEach, describe, expect, it } from 'vitest';
import { geometry, randomArray, untilTwoThreads } from '../test/conv-cases.js';
import { BLOCKS_OUTER_MIN_BYTES, type Conv2dForwardOptions, type Conv2dGeometry, wasmConv2dForward } from './conv.js';
import { KernelArgumentError } from './errors.js';
import { wasmGemm } from './gemm.js';
import { getBackendInfo } from './info.js';
import { setThreads } from './threads.js';
import { clearWeightCache, DEFAULT_WEIGHT_CACHE_BYTES, setWeightCacheBytes, weightCacheInfo } from './weight-cache.js';

const g: Conv2dGeometry = geometry({
  batch: 2,
  inChannels: 6,
  inH: 9,
  inW: 11,
  outChannels: 10,
  kh: 3,
  kw: 3,
  padTop: 1,
  padLeft: 1,
  outH: 9,
  outW: 11,
});
const outSize = g.batch * g.outChannels * g.outH * g.outW;
const wSize = g.outChannels * g.inChannels * g.kh * g.kw;
const x = randomArray(g.batch * g.inChannels * g.inH * g.inW, 1);
const bias = randomArray(g.outChannels, 2);

/** The output of a pass with no cache (the reference every cached pass must equal bit for bit). */
function uncached(w: Float32Array, geom: Conv2dGeometry = g): Float32Array {
  const out = new Float32Array(geom.batch * geom.outChannels * geom.outH * geom.outW).fill(Number.NaN);
  expect(wasmConv2dForward(geom, x, w, bias, out)).toBe(true);
  return out;
}

/** A pass with the options, and whether it reused packed weights (hit), packed them (miss) or bypassed the cache. */
function run(
  w: Float32Array,
  options: Conv2dForwardOptions,
  geom: Conv2dGeometry = g,
): { out: Float32Array; use: 'hit' | 'miss' | 'none' } {
  const before = weightCacheInfo();
  const out = new Float32Array(geom.batch * geom.outChannels * geom.outH * geom.outW).fill(Number.NaN);
  expect(wasmConv2dForward(geom, x, w, bias, out, options)).toBe(true);
  expect(getBackendInfo().lastKernel.startsWith('wasm-simd128-conv2d-implicit-4x8')).toBe(true);
  const after = weightCacheInfo();
  const use = after.hits > before.hits ? 'hit' : after.misses > before.misses ? 'miss' : 'none';
  return { out, use };
}

const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

afterEach(() => {
  setWeightCacheBytes(DEFAULT_WEIGHT_CACHE_BYTES);
  setThreads(1);
});

describe('wasmConv2dForward packed-weight cache', () => {
  it('packs on first use, reuses on the next call with the same key, and gives the uncached bits', () => {
    const w = randomArray(wSize, 3);
    const key = { owner: w, layout: 'a', version: 0 };
    const first = run(w, { weightKey: key });
    const second = run(w, { weightKey: key });
    expect([first.use, second.use]).toEqual(['miss', 'hit']);
    expect(bits(second.out)).toEqual(bits(uncached(w)));
    expect(bits(first.out)).toEqual(bits(second.out));
  });

  it('repacks when the version changes (an in-place update), never returning the old weights', () => {
    const w = randomArray(wSize, 4);
    const key = { owner: w, layout: 'a', version: 0 };
    run(w, { weightKey: key });
    w.set(randomArray(wSize, 5)); // the owner's values change in place...
    const stale = run(w, { weightKey: key }); // ...and a caller that does not bump the version gets the old packing
    expect(stale.use).toBe('hit');
    const bumped = run(w, { weightKey: { ...key, version: 1 } });
    expect(bumped.use).toBe('miss');
    expect(bits(bumped.out)).toEqual(bits(uncached(w)));
    expect(run(w, { weightKey: { ...key, version: 1 } }).use).toBe('hit');
    // A repack of a new version reuses the old version's slot: no entry is added.
    const entries = weightCacheInfo().entries;
    w.set(randomArray(wSize, 6));
    const v2 = run(w, { weightKey: { ...key, version: 2 } });
    expect(v2.use).toBe('miss');
    expect(weightCacheInfo().entries).toBe(entries);
    expect(bits(v2.out)).toEqual(bits(uncached(w)));
  });

  it('keeps views of one storage apart by layout, and equal values of two storages apart by owner', () => {
    const storage = randomArray(2 * wSize, 7);
    const lo = storage.subarray(0, wSize);
    const hi = storage.subarray(wSize);
    const a = run(lo, { weightKey: { owner: storage, layout: 'offset 0', version: 0 } });
    const b = run(hi, { weightKey: { owner: storage, layout: `offset ${wSize}`, version: 0 } });
    expect([a.use, b.use]).toEqual(['miss', 'miss']);
    expect(bits(a.out)).toEqual(bits(uncached(lo)));
    expect(bits(b.out)).toEqual(bits(uncached(hi)));
    expect(bits(run(lo, { weightKey: { owner: storage, layout: 'offset 0', version: 0 } }).out)).toEqual(bits(a.out));
    // Two owners with equal values: two entries, each correct (an equal-valued weight is not a key).
    const w1 = randomArray(wSize, 8);
    const w2 = new Float32Array(w1);
    expect(run(w1, { weightKey: { owner: w1, layout: 'a', version: 0 } }).use).toBe('miss');
    expect(run(w2, { weightKey: { owner: w2, layout: 'a', version: 0 } }).use).toBe('miss');
    w2[0] += 1;
    const changed = run(w2, { weightKey: { owner: w2, layout: 'a', version: 1 } });
    expect(bits(changed.out)).toEqual(bits(uncached(w2)));
    expect(bits(run(w1, { weightKey: { owner: w1, layout: 'a', version: 0 } }).out)).toEqual(bits(uncached(w1)));
  });

  it('keys on the packing: the same weights under another geometry pack again', () => {
    const w = randomArray(wSize, 9);
    const key = { owner: w, layout: 'a', version: 0 };
    run(w, { weightKey: key });
    // The same key, read as 10 filters of 27 taps over 2 groups (the first half of the array).
    const grouped = { ...g, groups: 2 };
    const half = w.subarray(0, wSize / 2);
    const r = run(half, { weightKey: key }, grouped);
    expect(r.use).toBe('miss');
    expect(bits(r.out)).toEqual(bits(uncached(half, grouped)));
    expect(run(w, { weightKey: key }).use).toBe('hit');
  });

  it('survives other kernels using the scratch memory between calls', () => {
    const w = randomArray(wSize, 10);
    const key = { owner: w, layout: 'a', version: 0 };
    const want = bits(run(w, { weightKey: key }).out);
    // A GEMM whose operands and packing workspace span far more memory than the cached entry.
    const n = 300;
    const c = new Float32Array(n * n);
    expect(
      wasmGemm(false, false, n, n, n, 1, randomArray(n * n, 11), 0, n, randomArray(n * n, 12), 0, n, 0, c, 0, n),
    ).toBe(true);
    const again = run(w, { weightKey: key });
    expect(again.use).toBe('hit');
    expect(bits(again.out)).toEqual(want);
  });

  it('stays within its byte budget, dropping entries when full, and is off at budget 0', () => {
    const packed = 4 * 12 * 54; // 10 filters rounded up to 12, 54 taps: 2592 bytes, 2624 aligned
    const budget = 8000; // room for three entries
    setWeightCacheBytes(budget);
    const ws = [0, 1, 2, 3, 4].map((i) => randomArray(wSize, 20 + i));
    for (const w of ws) {
      const r = run(w, { weightKey: { owner: w, layout: 'a', version: 0 } });
      expect(r.use).toBe('miss');
      expect(bits(r.out)).toEqual(bits(uncached(w)));
      expect(weightCacheInfo().bytes).toBeLessThanOrEqual(budget);
    }
    // The fourth entry did not fit: the arena was dropped and refilled (entries 4 and 5 remain).
    expect(weightCacheInfo().entries).toBe(2);
    expect(run(ws[0], { weightKey: { owner: ws[0], layout: 'a', version: 0 } }).use).toBe('miss');
    expect(run(ws[4], { weightKey: { owner: ws[4], layout: 'a', version: 0 } }).use).toBe('hit');
    // Weights larger than half the budget bypass the cache.
    setWeightCacheBytes(packed);
    expect(run(ws[0], { weightKey: { owner: ws[0], layout: 'a', version: 0 } }).use).toBe('none');
    setWeightCacheBytes(0);
    const off = run(ws[0], { weightKey: { owner: ws[0], layout: 'a', version: 0 } });
    expect(off.use).toBe('none');
    expect(bits(off.out)).toEqual(bits(uncached(ws[0])));
    expect(weightCacheInfo()).toMatchObject({ budget: 0, entries: 0, bytes: 0 });
    expect(() => setWeightCacheBytes(-1)).toThrow(KernelArgumentError);
  });

  it('clearWeightCache drops every entry (the next call packs again)', () => {
    const w = randomArray(wSize, 30);
    const key = { owner: w, layout: 'a', version: 0 };
    run(w, { weightKey: key });
    clearWeightCache();
    expect(weightCacheInfo().entries).toBe(0);
    expect(run(w, { weightKey: key }).use).toBe('miss');
  });

  it('caches in the threads’ shared memory too, with the same bits', async () => {
    // 2 x 64 x 28 x 28 outputs, 576 taps: above the 2^22 multiply-adds that split a problem.
    const big = geometry({
      batch: 2,
      inChannels: 64,
      inH: 28,
      inW: 28,
      outChannels: 64,
      kh: 3,
      kw: 3,
      padTop: 1,
      padLeft: 1,
      outH: 28,
      outW: 28,
    });
    const xb = randomArray(big.batch * 64 * 28 * 28, 40);
    const w = randomArray(64 * 64 * 9, 41);
    const ref = new Float32Array(big.batch * 64 * 28 * 28);
    expect(wasmConv2dForward(big, xb, w, null, ref, { algorithm: 'gemm' })).toBe(true);
    setThreads(2);
    const key = { owner: w, layout: 'a', version: 0 };
    const options: Conv2dForwardOptions = { weightKey: key, activation: { clamp: [-1, 1] }, algorithm: 'gemm' };
    const scratch = new Float32Array(ref.length);
    await untilTwoThreads(() => wasmConv2dForward(big, xb, w, null, scratch, options));
    expect(getBackendInfo().lastKernel).toBe('wasm-simd128-conv2d-implicit-4x8 x2 threads');
    const outs: Float32Array[] = [];
    for (let i = 0; i < 2; i++) {
      const before = weightCacheInfo().hits;
      const out = new Float32Array(ref.length).fill(Number.NaN);
      expect(wasmConv2dForward(big, xb, w, null, out, options)).toBe(true);
      expect(getBackendInfo().lastKernel).toBe('wasm-simd128-conv2d-implicit-4x8 x2 threads');
      expect(weightCacheInfo().hits).toBe(before + 1);
      outs.push(out);
    }
    const clamped = ref.map((v) => Math.min(Math.max(v, -1), 1));
    for (const o of outs) expect(bits(o)).toEqual(bits(clamped));
  });
});

describe('wasmConv2dForward on weight-bound layers (k blocks outside the slivers)', () => {
  it('gives the same bits on 1 and 2 threads, cached or not', async () => {
    // ResNet-18's layer4 conv at batch 1: 512 x 512 x 3 x 3 (9.4 MB packed), 7x7 outputs.
    const g4 = geometry({
      inChannels: 512,
      inH: 7,
      inW: 7,
      outChannels: 512,
      kh: 3,
      kw: 3,
      padTop: 1,
      padLeft: 1,
      outH: 7,
      outW: 7,
    });
    expect(4 * 512 * 512 * 9).toBeGreaterThan(BLOCKS_OUTER_MIN_BYTES);
    const x4 = randomArray(512 * 49, 60);
    const w4 = randomArray(512 * 512 * 9, 61);
    const b4 = randomArray(512, 62);
    const one = new Float32Array(512 * 49);
    expect(wasmConv2dForward(g4, x4, w4, b4, one)).toBe(true);
    // A float64 spot check of output channel 300, position (3, 0).
    let acc = b4[300];
    for (let c = 0; c < 512; c++) {
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          const ih = 3 + i - 1;
          const iw = j - 1;
          if (iw >= 0) acc += x4[(c * 7 + ih) * 7 + iw] * w4[((300 * 512 + c) * 3 + i) * 3 + j];
        }
      }
    }
    expect(one[300 * 49 + 21]).toBeCloseTo(acc, 2);
    setThreads(2);
    const key = { owner: w4, layout: 'a', version: 0 };
    const two = new Float32Array(one.length);
    await untilTwoThreads(() => wasmConv2dForward(g4, x4, w4, b4, two, { weightKey: key }));
    for (let i = 0; i < 2; i++) {
      two.fill(Number.NaN);
      expect(wasmConv2dForward(g4, x4, w4, b4, two, { weightKey: key })).toBe(true);
      expect(getBackendInfo().lastKernel).toBe('wasm-simd128-conv2d-implicit-4x8 x2 threads');
      expect(bits(two)).toEqual(bits(one));
    }
  });
});

describe('wasmConv2dForward fused activation', () => {
  it('applies ReLU and clamp (ReLU6) as the separate kernels do, NaN included', () => {
    const w = randomArray(wSize, 50);
    w[0] = Number.NaN; // filter 0 sees a NaN: its outputs are NaN and must stay NaN
    const ref = uncached(w);
    const relu = run(w, { activation: 'relu' }).out;
    const relu6 = run(w, { activation: { clamp: [0, 6] } }).out;
    const scaled = run(w, { activation: { clamp: [-0.5, 0.25] } }).out;
    for (let i = 0; i < outSize; i++) {
      const v = ref[i];
      expect(relu[i]).toBe(Math.max(v, 0));
      expect(relu6[i]).toBe(Math.fround(Math.min(Math.max(v, 0), 6)));
      expect(scaled[i]).toBe(Math.fround(Math.min(Math.max(v, -0.5), 0.25)));
    }
    expect(Number.isNaN(relu[0])).toBe(true);
    expect(relu.some((v) => v === 0)).toBe(true);
  });

  it('activates the bias-only output of a problem without taps', () => {
    const g0 = { ...g, inChannels: 0, outChannels: 2, batch: 1, outH: 1, outW: 2 };
    const out = new Float32Array(4);
    const b = new Float32Array([-3, 8]);
    expect(wasmConv2dForward(g0, new Float32Array(0), new Float32Array(0), b, out, { activation: 'relu' })).toBe(true);
    expect(Array.from(out)).toEqual([0, 0, 8, 8]);
    expect(
      wasmConv2dForward(g0, new Float32Array(0), new Float32Array(0), b, out, { activation: { clamp: [0, 6] } }),
    ).toBe(true);
    expect(Array.from(out)).toEqual([0, 0, 6, 6]);
  });
});
