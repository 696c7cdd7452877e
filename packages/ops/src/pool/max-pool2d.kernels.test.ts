// maxPool2d's WebAssembly kernel (`kernel: 'wasm'`, @torchlet/kernels' wasmMaxPool2d) against
// the PyTorch golden data, the JavaScript kernel (bit for bit, values and indices), naive
// references on random geometries and layouts, and central differences through its indices.
import { getBackendInfo, wasmMaxPool2d } from '@torchlet/kernels';
import { fromStorage, getBackend, setBackend, Tensor, TorchletError, zeros } from '@torchlet/tensor';
import {
  caseLabel,
  closeness,
  exactValuesArb,
  finiteDifferenceGrad,
  goldenCloseness,
  loadGolden,
  pair,
  refMaxPool2d,
  storageLayoutArb,
  toTensor,
  withLayout,
} from '@torchlet/test-utils';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type MaxPool2dOptions, type MaxPool2dResult, maxPool2d, maxPool2dBackward } from './max-pool2d.js';

/** A tensor's values in row-major order (float, or int64 indices as bigints: compared with Object.is). */
const floats = (t: Tensor): Float32Array | Float64Array => t.toTypedArray() as Float32Array | Float64Array;

const KERNEL = 'wasm-simd128-maxpool2d';
/** The one-pass kernels for 3x3 windows, stride 2, no dilation (values, with or without indices). */
const KERNEL_3X3S2 = 'wasm-simd128-maxpool3x3s2';

/** The kernel a float32 call must run. */
function valuesKernel(kh: number, kw: number, sh: number, sw: number, dh: number, dw: number): string {
  return kh === 3 && kw === 3 && sh === 2 && sw === 2 && dh === 1 && dw === 1 ? KERNEL_3X3S2 : KERNEL;
}
const before = getBackend();
afterEach(() => setBackend(before));

/** Values and indices bit for bit (NaN payloads aside). */
function expectSameBits(a: Tensor, b: Tensor): void {
  expect(a.shape).toEqual(b.shape);
  const x = floats(a);
  const y = floats(b);
  for (let i = 0; i < y.length; i++) {
    if (!Object.is(x[i], y[i])) expect.fail(`element ${i}: ${x[i]} vs ${y[i]}`);
  }
}

describe("maxPool2d kernel: 'wasm' on the PyTorch golden data (float32)", () => {
  const cases = loadGolden('pool2d').filter((c) => c.op === 'max_pool2d');
  it('has max-pool cases with padding, dilation and ceil mode', () => {
    expect(cases.length).toBeGreaterThan(3);
    expect(cases.some((c) => c.ceil_mode)).toBe(true);
  });
  it.each(cases.map((c, i) => [caseLabel(c, i), c] as const))('%s', (_label, c) => {
    const [kh, kw] = pair(c.kernel_size);
    const input = toTensor(c.input, 'float32');
    const options = { stride: c.stride, padding: c.padding, ceilMode: c.ceil_mode, dilation: c.dilation ?? 1 };
    const wasm = maxPool2d(input, c.kernel_size, { ...options, returnIndices: true, kernel: 'wasm' });
    const [sh0, sw0] = pair(c.stride ?? c.kernel_size);
    const [dh0, dw0] = pair(c.dilation ?? 1);
    expect(getBackendInfo().lastKernel).toBe(valuesKernel(kh, kw, sh0, sw0, dh0, dw0));
    expect(goldenCloseness(wasm.values, c.out, kh * kw)).toBeNull();
    const grad = maxPool2dBackward(toTensor(c.upstream, 'float32'), wasm.indices, input.shape);
    expect(goldenCloseness(grad, c.grad_input, kh * kw)).toBeNull();
    const js = maxPool2d(input, c.kernel_size, { ...options, returnIndices: true, kernel: 'js' });
    expectSameBits(wasm.values, js.values);
    expectSameBits(wasm.indices, js.indices);
    expectSameBits(maxPool2d(input, c.kernel_size, { ...options, kernel: 'wasm' }), js.values);
    const [sh, sw] = pair(c.stride ?? c.kernel_size);
    const [dh, dw] = pair(c.dilation ?? 1);
    expect(getBackendInfo().lastKernel).toBe(valuesKernel(kh, kw, sh, sw, dh, dw));
  });
});

describe("maxPool2d kernel: 'wasm' vs 'js' and a naive reference", () => {
  const params = fc
    .record({
      n: fc.integer({ min: 1, max: 2 }),
      c: fc.integer({ min: 1, max: 3 }),
      h: fc.integer({ min: 1, max: 12 }),
      w: fc.integer({ min: 1, max: 14 }),
      kh: fc.integer({ min: 1, max: 4 }),
      kw: fc.integer({ min: 1, max: 4 }),
      sh: fc.integer({ min: 1, max: 3 }),
      sw: fc.integer({ min: 1, max: 3 }),
      dh: fc.integer({ min: 1, max: 3 }),
      dw: fc.integer({ min: 1, max: 3 }),
      ceilMode: fc.boolean(),
      batched: fc.boolean(),
      layout: storageLayoutArb,
      specials: fc.boolean(),
    })
    .chain((p) =>
      fc.record({
        p: fc.constant(p),
        ph: fc.integer({ min: 0, max: Math.floor(p.kh / 2) }),
        pw: fc.integer({ min: 0, max: Math.floor(p.kw / 2) }),
        x: exactValuesArb((p.batched ? p.n : 1) * p.c * p.h * p.w),
        special: fc.array(fc.constantFrom(Number.NaN, 0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY), {
          maxLength: 6,
        }),
      }),
    )
    .map(({ p, ph, pw, x, special }) => {
      const data = Float64Array.from(x);
      // Sprinkle special values over the input (NaN planes take the kernel's scalar path).
      if (p.specials && data.length > 0) {
        for (const [i, v] of special.entries()) data[(i * 7919) % data.length] = v;
      }
      return { ...p, n: p.batched ? p.n : 1, ph, pw, x: data };
    });

  it('gives the same bits as the JavaScript kernel and the reference, values and indices', () => {
    fc.assert(
      fc.property(params, (q) => {
        const shape = q.batched ? [q.n, q.c, q.h, q.w] : [q.c, q.h, q.w];
        const X = withLayout(q.x, shape, 'float32', q.layout);
        const options: Omit<MaxPool2dOptions, 'returnIndices'> = {
          stride: [q.sh, q.sw],
          padding: [q.ph, q.pw],
          dilation: [q.dh, q.dw],
          ceilMode: q.ceilMode,
        };
        let js: MaxPool2dResult;
        try {
          js = maxPool2d(X, [q.kh, q.kw], { ...options, returnIndices: true, kernel: 'js' });
        } catch (e) {
          // A geometry PyTorch rejects is rejected by both kernels alike.
          expect(e).toBeInstanceOf(TorchletError);
          expect(() => maxPool2d(X, [q.kh, q.kw], { ...options, kernel: 'wasm' })).toThrow(TorchletError);
          return;
        }
        const wasm = maxPool2d(X, [q.kh, q.kw], { ...options, returnIndices: true, kernel: 'wasm' });
        expect(getBackendInfo().lastKernel).toBe(valuesKernel(q.kh, q.kw, q.sh, q.sw, q.dh, q.dw));
        expectSameBits(wasm.values, js.values);
        expectSameBits(wasm.indices, js.indices);
        const values = maxPool2d(X, [q.kh, q.kw], { ...options, kernel: 'wasm' });
        expect(getBackendInfo().lastKernel).toBe(valuesKernel(q.kh, q.kw, q.sh, q.sw, q.dh, q.dw));
        expectSameBits(values, js.values);
        const ref = refMaxPool2d(Float64Array.from(floats(X.contiguous())), {
          n: q.n,
          c: q.c,
          h: q.h,
          w: q.w,
          kh: q.kh,
          kw: q.kw,
          sh: q.sh,
          sw: q.sw,
          ph: q.ph,
          pw: q.pw,
          dh: q.dh,
          dw: q.dw,
          ceilMode: q.ceilMode,
        });
        const v = floats(values);
        for (let i = 0; i < ref.values.length; i++) {
          const r = Math.fround(ref.values[i]);
          if (!(Object.is(v[i], r) || (Number.isNaN(v[i]) && Number.isNaN(r)) || (v[i] === 0 && r === 0)))
            expect.fail(`value ${i}: ${v[i]} vs reference ${r}`);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("runs under 'auto' on large float32 problems, with and without indices, strided input included", () => {
    const n = 2;
    const data = new Float32Array(n * 16 * 40 * 40);
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.37) * 3;
    const X = fromStorage(data, [n, 16, 40, 40]);
    const options = { stride: 2, padding: 1 };
    setBackend('auto');
    const auto = maxPool2d(X, 3, { ...options, returnIndices: true });
    expect(getBackendInfo().lastKernel).toBe(KERNEL_3X3S2);
    const js = maxPool2d(X, 3, { ...options, returnIndices: true, kernel: 'js' });
    expectSameBits(auto.values, js.values);
    expectSameBits(auto.indices, js.indices);
    // A channels-last view: copied to dense planes, then the same kernel.
    const T = X.permute([0, 2, 3, 1]).contiguous().permute([0, 3, 1, 2]);
    expectSameBits(maxPool2d(T, 3, options), js.values);
    expect(getBackendInfo().lastKernel).toBe(KERNEL_3X3S2);
    // setBackend('js') keeps 'auto' on the JavaScript loops.
    setBackend('js');
    // A declined call records 'js'; the JavaScript loops leave that as it is.
    const one = { planes: 1, h: 1, w: 1, kh: 1, kw: 1, strideH: 1, strideW: 1, padTop: 0, padLeft: 0 };
    expect(
      wasmMaxPool2d(new Float64Array(1), { ...one, dilationH: 1, dilationW: 1, outH: 1, outW: 1 }, new Float64Array(1)),
    ).toBe(false);
    expectSameBits(maxPool2d(X, 3, options), js.values);
    expect(getBackendInfo().lastKernel).toBe('js');
  });

  it('a forced kernel that cannot run throws; an unknown kernel name throws', () => {
    const x64 = zeros([1, 1, 4, 4], { dtype: 'float64' });
    expect(() => maxPool2d(x64, 2, { kernel: 'wasm' })).toThrow(TorchletError);
    expect(() => maxPool2d(x64, 2, { kernel: 'wasm' })).toThrow(/kernel/);
    expect(() => maxPool2d(zeros([1, 1, 4, 4]), 2, { kernel: 'gpu' as 'js' })).toThrow(TorchletError);
    // float64 still runs on 'js' and 'auto'.
    expect(maxPool2d(x64, 2, { kernel: 'js' }).shape).toEqual([1, 1, 2, 2]);
  });
});

describe("maxPool2d kernel: 'wasm' indices vs central differences", () => {
  it('the backward through its indices matches finite differences (float32 forward, float64 check)', () => {
    fc.assert(
      fc.property(
        fc.record({
          c: fc.integer({ min: 1, max: 2 }),
          h: fc.integer({ min: 3, max: 9 }),
          w: fc.integer({ min: 3, max: 9 }),
          k: fc.integer({ min: 2, max: 3 }),
          s: fc.integer({ min: 1, max: 2 }),
          p: fc.integer({ min: 0, max: 1 }),
          d: fc.integer({ min: 1, max: 2 }),
          seed: fc.integer({ min: 1, max: 1e6 }),
        }),
        (q) => {
          const shape = [1, q.c, q.h, q.w];
          const count = q.c * q.h * q.w;
          // Distinct values 1/8 apart (exact in float32), so a perturbation never moves an argmax.
          const order = Array.from({ length: count }, (_, i) => i);
          let s = q.seed;
          for (let i = count - 1; i > 0; i--) {
            s = (s * 1103515245 + 12345) % 2147483648;
            const j = s % (i + 1);
            [order[i], order[j]] = [order[j], order[i]];
          }
          const x = Float64Array.from(order, (v) => (v - count / 2) / 8);
          const options = { stride: q.s, padding: q.p, dilation: q.d };
          if ((q.h + 2 * q.p - q.d * (q.k - 1) - 1) / q.s < 0 || (q.w + 2 * q.p - q.d * (q.k - 1) - 1) / q.s < 0)
            return;
          const { values, indices } = maxPool2d(new Tensor(Float32Array.from(x), shape), q.k, {
            ...options,
            returnIndices: true,
            kernel: 'wasm',
          });
          expect(getBackendInfo().lastKernel).toBe(valuesKernel(q.k, q.k, q.s, q.s, q.d, q.d));
          const G = Float64Array.from({ length: values.numel }, (_, i) => (((i + q.seed) * 7919) % 13) / 6 - 1);
          const dX = maxPool2dBackward(new Tensor(G, values.shape), indices, shape);
          const numeric = finiteDifferenceGrad((t) => maxPool2d(t, q.k, options), { data: x, shape }, G);
          expect(closeness(dX, numeric, 1e-6, 1e-5)).toBeNull();
        },
      ),
      { numRuns: 50 },
    );
  });
});
