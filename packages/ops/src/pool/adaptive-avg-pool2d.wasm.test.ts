// The global average pool's two float32 loops (JavaScript, and `wasmSum` in WebAssembly) give the
// same bits: each plane summed in float64 from +0 in order, divided by H*W, rounded once.
import { getBackendInfo } from '@torchlet/kernels';
import { getBackend, randn, setBackend, type Tensor } from '@torchlet/tensor';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { adaptiveAvgPool2d } from './adaptive-avg-pool2d.js';

const WASM_SUM = 'wasm-simd128-sum-f64acc';
const backendBefore = getBackend();
afterEach(() => setBackend(backendBefore));

/** Each [n, c] plane's in-order float64 sum over H*W, divided by H*W, rounded to float32. */
function reference(x: Tensor): number[] {
  const [n, c, h, w] = x.shape;
  const values = x.toTypedArray() as Float32Array;
  const out: number[] = [];
  for (let p = 0; p < n * c; p++) {
    let s = 0;
    for (let i = 0; i < h * w; i++) s += values[p * h * w + i];
    out.push(Math.fround(s / (h * w)));
  }
  return out;
}

const bitsOf = (t: Tensor): number[] =>
  Array.from(new Uint32Array(Float32Array.from(t.toTypedArray() as Float32Array).buffer));
const bitsOfNumbers = (v: number[]): number[] => Array.from(new Uint32Array(Float32Array.from(v).buffer));

describe('adaptiveAvgPool2d(x, 1) on float32: JavaScript and WebAssembly', () => {
  it('gives the in-order float64 mean, bit for bit, under every backend and view (property)', () => {
    const arb = fc.record({
      n: fc.integer({ min: 1, max: 3 }),
      c: fc.integer({ min: 1, max: 9 }),
      h: fc.integer({ min: 1, max: 9 }),
      w: fc.integer({ min: 1, max: 9 }),
      // 'dense', channels sliced out of a wider tensor (images apart, planes adjacent), or a
      // width slice (planes not contiguous: the general loop).
      view: fc.constantFrom('dense', 'channels', 'width'),
      big: fc.boolean(),
      seed: fc.integer(),
    });
    fc.assert(
      fc.property(arb, (p) => {
        const scale = p.big ? 1e30 : 1;
        let x: Tensor;
        if (p.view === 'dense') x = randn([p.n, p.c, p.h, p.w]).mul(scale);
        else if (p.view === 'channels')
          x = randn([p.n, p.c + 2, p.h, p.w])
            .mul(scale)
            .get(`:, 1:${p.c + 1}`);
        else
          x = randn([p.n, p.c, p.h, p.w + 1])
            .mul(scale)
            .get(`:, :, :, 1:${p.w + 1}`);
        const want = bitsOfNumbers(reference(x));
        for (const backend of ['js', 'wasm', 'auto'] as const) {
          setBackend(backend);
          const y = adaptiveAvgPool2d(x, 1);
          expect(y.shape).toEqual([p.n, p.c, 1, 1]);
          expect(bitsOf(y)).toEqual(want);
          if (backend === 'wasm' && p.view !== 'width') expect(getBackendInfo().lastKernel).toBe(WASM_SUM);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("runs MobileNetV2's head [1,1280,7,7] and a batch of it in WebAssembly under 'auto'", () => {
    setBackend('auto');
    for (const shape of [
      [1, 1280, 7, 7],
      [4, 512, 7, 7],
    ]) {
      const x = randn(shape);
      getBackendInfo();
      const y = adaptiveAvgPool2d(x, 1);
      expect(getBackendInfo().lastKernel).toBe(WASM_SUM);
      expect(bitsOf(y)).toEqual(bitsOfNumbers(reference(x)));
    }
  });

  it('an empty batch gives an empty result on both loops', () => {
    for (const backend of ['js', 'wasm'] as const) {
      setBackend(backend);
      const y = adaptiveAvgPool2d(randn([0, 3, 4, 4]), 1);
      expect(y.shape).toEqual([0, 3, 1, 1]);
    }
  });
});
