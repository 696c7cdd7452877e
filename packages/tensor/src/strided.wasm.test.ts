import { getBackendInfo, wasmTranspose } from '@torchlet/kernels';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  allocStorage,
  type Backend,
  contiguous,
  contiguousStrides,
  copyStridedInto,
  type DType,
  fromStorage,
  getBackend,
  setBackend,
  shapeSize,
  Tensor,
} from './index.js';

/** Deterministic 32-bit patterns: int32 values, or float32 ones (NaNs with payloads, -0) through {@link f32}. */
function bits(n: number, seed: number): Int32Array {
  const x = new Int32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s;
  }
  return x;
}

const f32 = (n: number, seed: number): Float32Array => new Float32Array(bits(n, seed).buffer);

/** Makes `getBackendInfo().lastKernel` say 'js' (a declined call), so that a later wasm call shows. */
function resetLastKernel(): void {
  wasmTranspose(new Float32Array(0), 0, 0, 0, 0, 0, new Int32Array(0), 0);
  expect(getBackendInfo().lastKernel).toBe('js');
}

/** The elements of `t` in row-major order, by index arithmetic. */
function naive(t: Tensor): number[] {
  const out: number[] = [];
  const n = shapeSize(t.shape);
  const idx = new Array<number>(t.ndim).fill(0);
  for (let k = 0; k < n; k++) {
    let pos = t.offset;
    for (let d = 0; d < t.ndim; d++) pos += idx[d] * t.strides[d];
    out.push(Number(t.data[pos]));
    for (let d = t.ndim - 1; d >= 0; d--) {
      if (++idx[d] < t.shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * Same numbers, -0 and NaN included (`Object.is`). NaN payloads are not compared: a JavaScript
 * float32 copy may quiet a signalling NaN, the WebAssembly one moves bits (its kernel test checks them).
 */
function sameValues(got: ArrayLike<number>, want: readonly number[]): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) throw new Error(`element ${i}: got ${got[i]}, expected ${want[i]}`);
  }
}

/** contiguous(t) under `backend`: equal to the naive copy; returns the last kernel. */
function check(t: Tensor, backend: Backend): string {
  const previous = getBackend();
  setBackend(backend);
  resetLastKernel();
  const c = contiguous(t);
  const ran = getBackendInfo().lastKernel;
  setBackend(previous);
  expect(c.shape).toEqual(t.shape);
  if (c !== t) expect(c.strides).toEqual(contiguousStrides(t.shape));
  expect(c.dtype).toBe(t.dtype);
  // contiguous() returns `t` itself when it is already contiguous (maybe at an offset).
  sameValues(c.data.subarray(c.offset, c.offset + c.numel) as ArrayLike<number>, naive(t));
  return ran;
}

const TRANSPOSE = 'wasm-simd128-transpose-4x4';

describe('contiguous() of transposed views through WebAssembly SIMD equals the naive copy bit for bit', () => {
  const previous = getBackend();
  afterEach(() => setBackend(previous));
  const simd = getBackendInfo().simd;
  const expectKernel = (t: Tensor, backend: Backend, kernel: string): void => {
    const ran = check(t, backend);
    if (simd) expect(ran).toBe(kernel);
  };

  it('x.t() of a matrix, float32 (NaNs and -0 included) and int32', () => {
    const x = fromStorage(f32(300 * 257, 1), [300, 257]);
    expectKernel(x.t(), 'auto', TRANSPOSE);
    expectKernel(fromStorage(bits(70 * 90, 2), [70, 90]).t(), 'auto', TRANSPOSE);
    expectKernel(x.t(), 'js', 'js');
  });

  it('batched transposes, NCHW -> NHWC, sliced batches and outer dimensions', () => {
    const b = fromStorage(f32(6 * 40 * 50, 3), [6, 40, 50]);
    expectKernel(b.transpose(1, 2), 'auto', TRANSPOSE);
    expectKernel(b.narrow(0, 1, 4).transpose(-1, -2), 'auto', TRANSPOSE);
    // A batch stride with gaps: every other matrix of 20 rows.
    expectKernel(b.narrow(1, 10, 20).transpose(1, 2), 'js', 'js');
    const nchw = fromStorage(f32(2 * 3 * 40 * 40, 4), [2, 3, 40, 40]);
    expectKernel(nchw.permute([0, 2, 3, 1]), 'auto', TRANSPOSE);
    // [3, 2] outer dimensions that do not merge, each a [40, 40] transpose: an odometer of calls.
    expectKernel(nchw.permute([1, 0, 3, 2]), 'auto', TRANSPOSE);
    expectKernel(nchw.permute([1, 0, 3, 2]), 'wasm', TRANSPOSE);
  });

  it('stays in JavaScript below the threshold, for other dtypes and for non-transposing strides', () => {
    expectKernel(fromStorage(f32(20 * 30, 5), [20, 30]).t(), 'auto', 'js');
    expectKernel(fromStorage(f32(20 * 30, 5), [20, 30]).t(), 'wasm', TRANSPOSE);
    const x = fromStorage(f32(100 * 100, 6), [100, 100]);
    expectKernel(x.to('float64').t(), 'auto', 'js');
    expectKernel(x.gt(0).t(), 'auto', 'js');
    // Every other column: the last stride is 2, not a transpose.
    expectKernel(fromStorage(f32(100 * 200, 7), [100, 200]).get(':, ::2'), 'auto', 'js');
  });

  it('copyStridedInto at an output offset, and into another dtype (JavaScript, converting)', () => {
    const x = fromStorage(f32(64 * 48, 8), [64, 48]).t();
    const out = new Float32Array(64 * 48 + 5).fill(1);
    setBackend('auto');
    copyStridedInto(x.data, x.shape, x.strides, x.offset, out, 5);
    sameValues(out.subarray(5), naive(x));
    expect(Array.from(out.subarray(0, 5))).toEqual([1, 1, 1, 1, 1]);
    const ints = fromStorage(bits(64 * 48, 9), [64, 48]).t();
    const asFloat = new Float64Array(64 * 48);
    copyStridedInto(ints.data, ints.shape, ints.strides, ints.offset, asFloat);
    sameValues(asFloat, naive(ints));
  });
});

/** A tensor over `values` stored with dims permuted by `perm`, some flipped, gapped by `step`, at `offset`. */
function layout(
  values: ArrayLike<number>,
  dtype: DType,
  shape: readonly number[],
  perm: readonly number[],
  flips: readonly boolean[],
  step: number,
  offset: number,
): Tensor {
  const phys = perm.map((d) => shape[d]);
  const physStrides = contiguousStrides(phys).map((s) => s * step);
  const strides = new Array<number>(shape.length).fill(0);
  perm.forEach((d, i) => {
    strides[d] = physStrides[i];
  });
  let extent = offset + 1;
  for (let d = 0; d < shape.length; d++) extent += Math.max(shape[d] - 1, 0) * strides[d];
  const storage = allocStorage(dtype, extent);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < values.length; k++) {
    let pos = offset;
    for (let d = 0; d < shape.length; d++) pos += idx[d] * strides[d];
    storage[pos] = values[k];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  // Flipped dims read backwards: start at their last element with a negative stride.
  let start = offset;
  const finalStrides = strides.map((s, d) => {
    if (!flips[d] || shape[d] === 0) return s;
    start += (shape[d] - 1) * s;
    return -s;
  });
  return new Tensor(storage, shape, finalStrides, start, dtype);
}

describe('contiguous() of any layout on every backend equals the naive copy', () => {
  const previous = getBackend();
  afterEach(() => setBackend(previous));

  it('random shapes, permutations, flips, gaps, offsets and dtypes', () => {
    const caseArb = fc.array(fc.integer({ min: 1, max: 11 }), { minLength: 0, maxLength: 4 }).chain((shape) =>
      fc.record({
        shape: fc.constant(shape),
        perm: fc.shuffledSubarray(
          shape.map((_, i) => i),
          { minLength: shape.length, maxLength: shape.length },
        ),
        flips: fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
        step: fc.integer({ min: 1, max: 2 }),
        offset: fc.integer({ min: 0, max: 3 }),
        dtype: fc.constantFrom<DType>('float32', 'int32', 'float64', 'bool'),
        seed: fc.integer(),
      }),
    );
    fc.assert(
      fc.property(caseArb, ({ shape, perm, flips, step, offset, dtype, seed }) => {
        const n = shapeSize(shape);
        const raw = bits(n, seed);
        const values =
          dtype === 'float32' ? new Float32Array(raw.buffer) : dtype === 'bool' ? raw.map((v) => v & 1) : raw;
        const t = layout(values, dtype, shape, perm, flips, step, offset);
        for (const backend of ['js', 'wasm', 'auto'] as const) check(t, backend);
      }),
      { numRuns: 200 },
    );
  });
});
