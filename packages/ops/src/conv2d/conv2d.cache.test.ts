// conv2d's packed-weight cache (the WebAssembly kernel keeps a float32 weight packed while the
// tensor's storage, layout and version are unchanged) and its fused activation option.
import { getBackendInfo, weightCacheInfo } from '@torchlet/kernels';
import { clamp, relu, Tensor, TorchletError } from '@torchlet/tensor';
import { closeness, randomArr, rng } from '@torchlet/test-utils';
import { describe, expect, it } from 'vitest';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from './conv2d.js';
import { type Conv2dActivation, type Conv2dForwardOptions, conv2dKernels, conv2dOutputShape } from './params.js';

const next = rng(12);
const f32 = (shape: number[]): Tensor => new Tensor(Float32Array.from(randomArr(shape, next).data), shape);
const x = f32([2, 6, 9, 10]);
const bias = f32([8]);
const options: Conv2dForwardOptions = { padding: 1, kernel: 'wasm' };

/** conv2d on the WebAssembly kernel, asserting that it ran there, and what the cache did. */
function run(w: Tensor, opts: Conv2dForwardOptions = options): { y: Tensor; use: 'hit' | 'miss' } {
  const before = weightCacheInfo();
  const y = conv2d(x, w, bias, opts);
  expect(getBackendInfo().lastKernel.startsWith('wasm-simd128-conv2d-implicit-4x8')).toBe(true);
  const after = weightCacheInfo();
  expect(after.hits + after.misses).toBe(before.hits + before.misses + 1);
  return { y, use: after.hits > before.hits ? 'hit' : 'miss' };
}

/** The same conv on a fresh copy of the weights (a storage the cache has never seen). */
const fresh = (w: Tensor, opts: Conv2dForwardOptions = options): Tensor => conv2d(x, w.clone(), bias, opts);

/** The float32 bit patterns of a tensor's values, every NaN as one pattern (NaN payloads and signs are not specified). */
const bits = (t: Tensor): number[] =>
  Array.from(Float32Array.from(t.toTypedArray() as Float32Array), (v) =>
    Number.isNaN(v) ? 0x7fc00000 : new Uint32Array(Float32Array.of(v).buffer)[0],
  );

describe('conv2d packed-weight cache', () => {
  it('reuses the packed weights of an unchanged tensor, bit for bit', () => {
    const w = f32([8, 6, 3, 3]);
    const first = run(w);
    const second = run(w);
    expect([first.use, second.use]).toEqual(['miss', 'hit']);
    expect(bits(second.y)).toEqual(bits(first.y));
    expect(bits(second.y)).toEqual(bits(fresh(w)));
  });

  it('repacks after every kind of in-place write (the version counter moves)', () => {
    const w = f32([8, 6, 3, 3]);
    run(w);
    const writes: [string, () => void][] = [
      ['subInPlace', () => w.subInPlace(0.25)],
      ['mulInPlace', () => w.mulInPlace(-1.5)],
      ['set', () => w.set('0:2, :, 1', 3)],
      ['copyInPlace', () => w.copyInPlace(f32([8, 6, 3, 3]))],
      ['fillInPlace of a view', () => w.get('3').fillInPlace(0.5)],
      [
        'a raw write + bumpVersion',
        () => {
          (w.data as Float32Array)[17] = 42;
          w.bumpVersion();
        },
      ],
    ];
    for (const [label, write] of writes) {
      const before = bits(run(w).y);
      write();
      const after = run(w);
      expect(after.use, label).toBe('miss');
      expect(bits(after.y), label).toEqual(bits(fresh(w)));
      expect(bits(after.y), label).not.toEqual(before);
      expect(run(w).use, label).toBe('hit');
    }
  });

  it('keeps views of one storage apart: offsets, strides and shapes are part of the key', () => {
    const storage = f32([2, 8, 6, 3, 3]);
    const views: [string, Tensor][] = [
      ['first half', storage.get('0')],
      ['second half (offset)', storage.get('1')],
      ['channels reversed (negative-free permuted strides)', storage.get('0').permute([0, 1, 3, 2])],
      ['every other output channel of both halves', storage.reshape([16, 6, 3, 3]).get('::2')],
    ];
    const results = views.map(([label, v]) => {
      const r = run(v);
      expect(bits(r.y), label).toEqual(bits(fresh(v)));
      return bits(r.y);
    });
    // Each view again: hits, still its own values.
    views.forEach(([label, v], i) => {
      const r = run(v);
      expect(r.use, label).toBe('hit');
      expect(bits(r.y), label).toEqual(results[i]);
    });
    // A write through one view moves the version of the whole storage: every view repacks.
    views[1][1].addInPlace(1);
    for (const [label, v] of views) {
      const r = run(v);
      expect(r.use, label).toBe('miss');
      expect(bits(r.y), label).toEqual(bits(fresh(v)));
    }
  });

  it('gives two weights with equal values their own entries (values are never the key)', () => {
    const a = f32([8, 6, 3, 3]);
    const b = a.clone();
    expect([run(a).use, run(b).use]).toEqual(['miss', 'miss']);
    b.addInPlace(0.5);
    expect(bits(run(b).y)).toEqual(bits(fresh(b)));
    const ra = run(a);
    expect(ra.use).toBe('hit');
    expect(bits(ra.y)).toEqual(bits(fresh(a)));
  });

  it('finite differences through in-place perturbations of one weight tensor match conv2dBackwardWeight', () => {
    // conv2d is linear in the weight: float32 central differences with a power-of-two step are
    // exact up to the rounding of the sums, and a stale packing would make them zero.
    const w = f32([3, 2, 3, 3]);
    const xs = f32([1, 2, 6, 7]);
    const up = f32(conv2dOutputShape(xs.shape, w.shape, { padding: 1 }));
    const loss = (): number => {
      const y = conv2d(xs, w, null, options).toTypedArray() as Float32Array;
      const u = up.toTypedArray() as Float32Array;
      let s = 0;
      for (let i = 0; i < y.length; i++) s += y[i] * u[i];
      return s;
    };
    const eps = 0.125;
    const data = w.data as Float32Array;
    const fd = new Float64Array(w.numel);
    for (let i = 0; i < w.numel; i++) {
      const v = data[i];
      data[i] = v + eps;
      w.bumpVersion();
      const plus = loss();
      data[i] = v - eps;
      w.bumpVersion();
      const minus = loss();
      data[i] = v;
      w.bumpVersion();
      fd[i] = (plus - minus) / (2 * eps);
    }
    const analytic = conv2dBackwardWeight(up, xs, w.shape, options);
    expect(closeness(analytic, { data: fd, shape: w.shape }, 1e-3, 1e-3)).toBeNull();
  });
});

describe('conv2d activation option', () => {
  const w = f32([8, 6, 3, 3]);
  const cases: [Conv2dActivation, (t: Tensor) => Tensor][] = [
    ['relu', (t) => relu(t)],
    ['relu6', (t) => clamp(t, 0, 6)],
    [{ clamp: [-0.5, 0.25] }, (t) => clamp(t, -0.5, 0.25)],
    [{ clamp: [Number.NEGATIVE_INFINITY, 0] }, (t) => clamp(t, null, 0)],
  ];

  it.each(conv2dKernels)('equals the separate op bit for bit on the %s kernel (float32)', (kernel) => {
    for (const [activation, separate] of cases) {
      const plain = conv2d(x, w, bias, { padding: 1, kernel });
      const fused = conv2d(x, w, bias, { padding: 1, kernel, activation });
      if (kernel === 'wasm')
        expect(getBackendInfo().lastKernel.startsWith('wasm-simd128-conv2d-implicit-4x8')).toBe(true);
      expect(bits(fused)).toEqual(bits(separate(plain)));
    }
  });

  it('runs on float64 and through auto, equal to the separate op', () => {
    const x64 = x.to('float64');
    const w64 = w.to('float64');
    for (const [activation, separate] of cases) {
      const fused = conv2d(x64, w64, null, { padding: 1, activation });
      const want = separate(conv2d(x64, w64, null, { padding: 1 }));
      expect(Array.from(fused.toTypedArray() as Float64Array)).toEqual(Array.from(want.toTypedArray() as Float64Array));
    }
  });

  it('keeps NaN as the separate ops do', () => {
    const wn = w.clone();
    (wn.data as Float32Array)[0] = Number.NaN;
    wn.bumpVersion();
    const y = conv2d(x, wn, bias, { padding: 1, activation: 'relu' });
    expect(Number.isNaN(y.get('0, 0, 0, 0').item())).toBe(true);
    expect(bits(y)).toEqual(bits(relu(conv2d(x, wn, bias, { padding: 1 }))));
  });

  it('rejects bad activations with a TorchletError naming conv2d and the argument', () => {
    for (const bad of ['gelu', { clamp: [Number.NaN, 1] }, { clamp: [0] }, { clamp: ['0', 1] }, 6]) {
      expect(() => conv2d(x, w, bias, { activation: bad as Conv2dActivation })).toThrow(TorchletError);
      expect(() => conv2d(x, w, bias, { activation: bad as Conv2dActivation })).toThrow(/conv2d.*activation/);
    }
  });

  it('is refused by the backward functions (the activation has its own gradient)', () => {
    const up = f32([2, 8, 9, 10]);
    const withActivation = { padding: 1, activation: 'relu' } as Conv2dForwardOptions;
    expect(() => conv2dBackwardInput(up, x.shape, w, withActivation)).toThrow(/conv2dBackwardInput.*activation/);
    expect(() => conv2dBackwardWeight(up, x, w.shape, withActivation)).toThrow(/conv2dBackwardWeight.*activation/);
    // null and absent are fine (the options object of a forward pass without activation)
    expect(conv2dBackwardInput(up, x.shape, w, { padding: 1, activation: null } as Conv2dForwardOptions).shape).toEqual(
      x.shape,
    );
  });
});
