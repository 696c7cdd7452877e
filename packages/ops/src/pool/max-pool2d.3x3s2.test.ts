// maxPool2d with 3x3 windows and stride 2 (ResNet's stem pool) runs @torchlet/kernels' one-pass
// kernels 'wasm-simd128-maxpool3x3s2' (values, and values with int64 indices): PyTorch golden data (golden/gen_max_pool3x3s2.py,
// bit for bit, -0 included), the JavaScript kernel and a naive reference on random shapes, layouts
// and special values, and central differences of its values against the backward.
import { readFileSync } from 'node:fs';
import { getBackendInfo } from '@torchlet/kernels';
import { getBackend, setBackend, Tensor, TorchletError } from '@torchlet/tensor';
import {
  closeness,
  exactValuesArb,
  finiteDifferenceGrad,
  refMaxPool2d,
  storageLayoutArb,
  withLayout,
} from '@torchlet/test-utils';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { maxPool2d, maxPool2dBackward } from './max-pool2d.js';

const KERNEL = 'wasm-simd128-maxpool3x3s2';
const before = getBackend();
afterEach(() => setBackend(before));

interface GoldenTensor {
  readonly shape: number[];
  readonly data: number[];
}
interface GoldenCase {
  readonly input: GoldenTensor;
  readonly padding: number;
  readonly ceil_mode: boolean;
  readonly out: GoldenTensor;
  readonly indices: GoldenTensor;
  readonly upstream: GoldenTensor;
  readonly grad_input: GoldenTensor;
}
const golden = (
  JSON.parse(readFileSync(new URL('./golden/max_pool3x3s2.json', import.meta.url), 'utf8')) as {
    cases: GoldenCase[];
  }
).cases;

const float32 = (t: GoldenTensor): Tensor => new Tensor(Float32Array.from(t.data), t.shape);

/** Same bits element by element (NaN payloads aside). */
function expectSameBits(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const a = got[i];
    const b = want[i];
    if (!(Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)))) expect.fail(`${what} ${i}: ${a} vs ${b}`);
  }
}

describe('maxPool2d 3x3 stride 2 (one-pass WebAssembly kernel) on PyTorch golden data', () => {
  it('has cases with both paddings, ceil mode and a zero maximum of each sign', () => {
    expect(golden.length).toBeGreaterThan(10);
    expect(golden.some((c) => c.ceil_mode)).toBe(true);
    expect(golden.some((c) => c.padding === 0) && golden.some((c) => c.padding === 1)).toBe(true);
    const outs = golden.flatMap((c) => c.out.data);
    expect(outs.some((v) => Object.is(v, -0)) && outs.some((v) => Object.is(v, 0))).toBe(true);
  });

  it.each(
    golden.map((c, i) => [`${i}: ${JSON.stringify(c.input.shape)} p${c.padding}${c.ceil_mode ? ' ceil' : ''}`, c]),
  )('%s', (_label, c) => {
    const input = float32(c.input);
    const options = { stride: 2, padding: c.padding, ceilMode: c.ceil_mode };
    for (const kernel of ['wasm', 'auto'] as const) {
      const values = maxPool2d(input, 3, { ...options, kernel });
      // 'auto' leaves problems under 256 outputs to the JavaScript loops.
      if (kernel === 'wasm' || values.numel >= 256) expect(getBackendInfo().lastKernel).toBe(KERNEL);
      expect(values.shape).toEqual(c.out.shape);
      expectSameBits(values.toTypedArray() as Float32Array, c.out.data, `${kernel} value`);
    }
    expectSameBits(
      maxPool2d(input, 3, { ...options, kernel: 'js' }).toTypedArray() as Float32Array,
      c.out.data,
      'js value',
    );
    // The indices (the one-pass kernel with indices) and the backward through them.
    const { values, indices } = maxPool2d(input, 3, { ...options, returnIndices: true, kernel: 'wasm' });
    expect(getBackendInfo().lastKernel).toBe(KERNEL);
    expectSameBits(values.toTypedArray() as Float32Array, c.out.data, 'value with indices');
    expect(Array.from(indices.toTypedArray() as BigInt64Array, Number)).toEqual(c.indices.data);
    const grad = maxPool2dBackward(float32(c.upstream), indices, c.input.shape);
    expectSameBits(grad.toTypedArray() as Float32Array, c.grad_input.data, 'gradient');
  });
});

describe('maxPool2d 3x3 stride 2 (one-pass WebAssembly kernel) vs the JavaScript kernel and a reference', () => {
  it('gives the same bits on any size, padding, ceil mode, layout and special values', () => {
    const params = fc
      .record({
        n: fc.integer({ min: 1, max: 2 }),
        c: fc.integer({ min: 1, max: 3 }),
        h: fc.integer({ min: 1, max: 19 }),
        w: fc.integer({ min: 1, max: 41 }),
        ph: fc.integer({ min: 0, max: 1 }),
        pw: fc.integer({ min: 0, max: 1 }),
        ceilMode: fc.boolean(),
        layout: storageLayoutArb,
        specials: fc.boolean(),
      })
      .chain((p) =>
        fc.record({
          p: fc.constant(p),
          x: exactValuesArb(p.n * p.c * p.h * p.w),
          special: fc.array(fc.constantFrom(Number.NaN, 0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY), {
            maxLength: 6,
          }),
        }),
      );
    fc.assert(
      fc.property(params, ({ p, x, special }) => {
        const data = Float64Array.from(x);
        if (p.specials && data.length > 0) {
          for (const [i, v] of special.entries()) data[(i * 7919) % data.length] = v;
        }
        const shape = [p.n, p.c, p.h, p.w];
        const X = withLayout(data, shape, 'float32', p.layout);
        const options = { stride: 2, padding: [p.ph, p.pw] as [number, number], ceilMode: p.ceilMode };
        let js: Tensor;
        try {
          js = maxPool2d(X, 3, { ...options, kernel: 'js' });
        } catch (e) {
          // A geometry PyTorch rejects (a window larger than the padded input) is rejected alike.
          expect(e).toBeInstanceOf(TorchletError);
          expect(() => maxPool2d(X, 3, { ...options, kernel: 'wasm' })).toThrow(TorchletError);
          return;
        }
        const wasm = maxPool2d(X, 3, { ...options, kernel: 'wasm' });
        expect(getBackendInfo().lastKernel).toBe(KERNEL);
        expectSameBits(wasm.toTypedArray() as Float32Array, js.toTypedArray() as Float32Array, 'value');
        const jsIdx = maxPool2d(X, 3, { ...options, returnIndices: true, kernel: 'js' });
        const wasmIdx = maxPool2d(X, 3, { ...options, returnIndices: true, kernel: 'wasm' });
        expect(getBackendInfo().lastKernel).toBe(KERNEL);
        expectSameBits(wasmIdx.values.toTypedArray() as Float32Array, js.toTypedArray() as Float32Array, 'value');
        expect(wasmIdx.indices.dtype).toBe('int64');
        expect(wasmIdx.indices.toTypedArray()).toEqual(jsIdx.indices.toTypedArray());
        const ref = refMaxPool2d(Float64Array.from(X.contiguous().toTypedArray() as Float32Array), {
          n: p.n,
          c: p.c,
          h: p.h,
          w: p.w,
          kh: 3,
          kw: 3,
          sh: 2,
          sw: 2,
          ph: p.ph,
          pw: p.pw,
          dh: 1,
          dw: 1,
          ceilMode: p.ceilMode,
        });
        const v = wasm.toTypedArray() as Float32Array;
        for (let i = 0; i < ref.values.length; i++) {
          const r = Math.fround(ref.values[i]);
          if (!(Object.is(v[i], r) || (Number.isNaN(v[i]) && Number.isNaN(r)) || (v[i] === 0 && r === 0)))
            expect.fail(`value ${i}: ${v[i]} vs reference ${r}`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('runs on a large batch under auto, planes of several chunks, and a NaN in one plane', () => {
    const shape = [2, 16, 57, 70];
    const data = new Float32Array(2 * 16 * 57 * 70);
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.37) * 3;
    data[12345] = Number.NaN;
    const X = new Tensor(data, shape);
    setBackend('auto');
    const auto = maxPool2d(X, 3, { stride: 2, padding: 1 });
    expect(getBackendInfo().lastKernel).toBe(KERNEL);
    const js = maxPool2d(X, 3, { stride: 2, padding: 1, kernel: 'js' });
    expectSameBits(auto.toTypedArray() as Float32Array, js.toTypedArray() as Float32Array, 'value');
    expect((auto.toTypedArray() as Float32Array).some(Number.isNaN)).toBe(true);
  });
});

describe('maxPool2d 3x3 stride 2 (one-pass WebAssembly kernel) vs central differences', () => {
  it("the values' finite differences match the backward through the indices", () => {
    fc.assert(
      fc.property(
        fc.record({
          c: fc.integer({ min: 1, max: 2 }),
          h: fc.integer({ min: 3, max: 11 }),
          w: fc.integer({ min: 3, max: 21 }),
          p: fc.integer({ min: 0, max: 1 }),
          ceilMode: fc.boolean(),
          seed: fc.integer({ min: 1, max: 1e6 }),
        }),
        (q) => {
          const shape = [1, q.c, q.h, q.w];
          const count = q.c * q.h * q.w;
          // Distinct values 1/8 apart (exact in float32); a 1/64 step never moves an argmax.
          const order = Array.from({ length: count }, (_, i) => i);
          let s = q.seed;
          for (let i = count - 1; i > 0; i--) {
            s = (s * 1103515245 + 12345) % 2147483648;
            const j = s % (i + 1);
            [order[i], order[j]] = [order[j], order[i]];
          }
          const x = Float64Array.from(order, (v) => (v - count / 2) / 8);
          const options = { stride: 2, padding: q.p, ceilMode: q.ceilMode };
          const { values, indices } = maxPool2d(new Tensor(Float32Array.from(x), shape), 3, {
            ...options,
            returnIndices: true,
            kernel: 'wasm',
          });
          expect(getBackendInfo().lastKernel).toBe(KERNEL);
          const G = Float64Array.from({ length: values.numel }, (_, i) => (((i + q.seed) * 7919) % 13) / 6 - 1);
          const dX = maxPool2dBackward(new Tensor(G, values.shape), indices, shape);
          let ran = '';
          const numeric = finiteDifferenceGrad(
            (t) => {
              const out = maxPool2d(new Tensor(Float32Array.from(t.toTypedArray() as Float64Array), shape), 3, {
                ...options,
                kernel: 'wasm',
              });
              ran = getBackendInfo().lastKernel;
              return out;
            },
            { data: x, shape },
            G,
            1 / 64,
          );
          expect(ran).toBe(KERNEL);
          expect(closeness(dX, numeric, 1e-6, 1e-5)).toBeNull();
        },
      ),
      { numRuns: 40 },
    );
  });
});
