import { getBackendInfo, wasmSum } from '@torchlet/kernels';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Backend,
  contiguousStrides,
  getBackend,
  mean,
  setBackend,
  shapeSize,
  std,
  sum,
  Tensor,
  tensor,
  variance,
} from './index.js';

const SPECIALS = [0, -0, Number.NaN, Infinity, -Infinity, 2 ** -149, 3.4028234663852886e38, 1, -1];

/**
 * Deterministic float32 data over many binades (so float64 sums round and the order of the terms
 * shows), with special values sprinkled in when `specials` is set.
 */
function data(n: number, seed: number, specials = true): Float32Array {
  const x = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const special = specials && s % 97 === 0;
    x[i] = special ? SPECIALS[(s >>> 8) % SPECIALS.length] : ((s >>> 8) - 2 ** 23) * 2 ** ((s % 41) - 20);
  }
  return x;
}

/** Makes `getBackendInfo().lastKernel` say 'js' (a declined call), so that a later wasm call shows. */
function resetLastKernel(): void {
  wasmSum(new Float64Array(0), 0, 0, 0, 0, new Float64Array(0));
  expect(getBackendInfo().lastKernel).toBe('js');
}

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++) {
    if (!Object.is(a[i], b[i])) throw new Error(`element ${i}: wasm ${a[i]}, js ${b[i]}`);
  }
}

/**
 * Runs `f` under setBackend('js') and under `backend`; checks the bits agree and which kernel ran
 * last: the sum kernel, 'js', or (`'any'`) some WebAssembly kernel (a sum whose result is then
 * reordered, or whose input is gathered first, by the transpose kernel).
 */
function sameAsJs(f: () => Tensor, expected: 'sum' | 'js' | 'any', backend: Backend = 'auto'): void {
  const previous = getBackend();
  setBackend('js');
  const js = f();
  setBackend(backend);
  resetLastKernel();
  const fast = f();
  const ran = getBackendInfo().lastKernel;
  setBackend(previous);
  expect(fast.shape).toEqual(js.shape);
  expect(fast.dtype).toBe(js.dtype);
  sameBits(fast.toTypedArray() as ArrayLike<number>, js.toTypedArray() as ArrayLike<number>);
  if (!getBackendInfo().simd) return;
  if (expected === 'any') expect(ran).toMatch(/^wasm-simd128-/);
  else expect(ran).toBe(expected === 'sum' ? 'wasm-simd128-sum-f64acc' : 'js');
}

describe('float32 sums through WebAssembly SIMD equal setBackend("js") bit for bit', () => {
  const previous = getBackend();
  afterEach(() => setBackend(previous));
  const x = tensor(data(300 * 256, 1), { shape: [300, 256] });
  const cube = tensor(data(20 * 30 * 40, 2), { shape: [20, 30, 40] });

  it('sum over one dim, the last dims, every dim list, with and without keepdim', () => {
    sameAsJs(() => sum(x, 0), 'sum');
    sameAsJs(() => sum(x, 1), 'sum');
    sameAsJs(() => sum(x, -1, { keepdim: true }), 'sum');
    for (const dims of [0, 1, 2, [0, 1], [1, 2], [0, 2], [2, 0]]) {
      sameAsJs(() => sum(cube, dims), 'sum');
      sameAsJs(() => sum(cube, dims, { keepdim: true }), 'sum');
    }
  });

  it('mean, variance and std (float64 sums kept until the division)', () => {
    for (const dims of [0, 1, [0, 2]]) {
      sameAsJs(() => mean(cube, dims), 'sum');
      sameAsJs(() => variance(cube, dims), 'sum');
      sameAsJs(() => std(cube, dims, { correction: 0 }), 'sum');
    }
  });

  it('transposed, permuted and sliced views (read in place, or gathered first)', () => {
    sameAsJs(() => sum(x.t(), 0), 'any');
    sameAsJs(() => sum(x.t(), 1), 'any');
    sameAsJs(() => sum(cube.permute([2, 0, 1]), 1), 'any');
    sameAsJs(() => sum(cube.narrow(2, 3, 30), [0, 2]), 'any');
    sameAsJs(() => mean(x.narrow(0, 5, 200).t(), -1), 'any');
  });

  it('stays in JavaScript for one output, short rows, small inputs, other dtypes, and under setBackend("js")', () => {
    sameAsJs(() => sum(x), 'js');
    sameAsJs(() => sum(tensor(data(3000, 3), { shape: [1000, 3] }), 1), 'js');
    sameAsJs(() => sum(tensor(data(600, 4), { shape: [20, 30] }), 0), 'js');
    sameAsJs(() => sum(x.to('float64'), 0), 'js');
    // int32 sums go to int64 (as PyTorch), in JavaScript; the input is built outside the measured call
    const ints = tensor(data(300 * 256, 1, false), { shape: [300, 256] })
      .clamp(-1000, 1000)
      .to('int32');
    sameAsJs(() => sum(ints, 0), 'js');
    setBackend('js');
    resetLastKernel();
    sum(x, 0);
    mean(cube, 1);
    expect(getBackendInfo().lastKernel).toBe('js');
  });

  it('setBackend("wasm") takes small sums too', () => {
    sameAsJs(() => sum(tensor(data(600, 4), { shape: [20, 30] }), 0), 'sum', 'wasm');
    sameAsJs(() => sum(tensor(data(3000, 3), { shape: [1000, 3] }), 1), 'sum', 'wasm');
    sameAsJs(() => sum(x), 'sum', 'wasm');
  });
});

/** A tensor holding `values` (row-major logical order) in a storage permuted by `perm`, gapped by `step`, at `offset`. */
function makeTensor(
  values: Float32Array,
  shape: readonly number[],
  perm: readonly number[],
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
  const storage = new Float32Array(extent).fill(77);
  const idx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < values.length; flat++) {
    let pos = offset;
    for (let d = 0; d < shape.length; d++) pos += idx[d] * strides[d];
    storage[pos] = values[flat];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return new Tensor(storage, shape, strides, offset, 'float32');
}

describe('float32 sum, mean, variance and std: setBackend("wasm") equals setBackend("js") on any layout', () => {
  const previous = getBackend();
  afterEach(() => setBackend(previous));

  it('random shapes, layouts, dims and keepdim', () => {
    const caseArb = fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 0, maxLength: 4 }).chain((shape) =>
      fc.record({
        shape: fc.constant(shape),
        perm: fc.shuffledSubarray(
          shape.map((_, i) => i),
          { minLength: shape.length, maxLength: shape.length },
        ),
        step: fc.integer({ min: 1, max: 2 }),
        offset: fc.integer({ min: 0, max: 3 }),
        dims: fc.subarray(shape.map((_, i) => i)),
        keepdim: fc.boolean(),
        seed: fc.integer(),
      }),
    );
    fc.assert(
      fc.property(caseArb, ({ shape, perm, step, offset, dims, keepdim, seed }) => {
        const values = data(shapeSize(shape), seed, seed % 3 === 0);
        const t = makeTensor(values, shape, perm, step, offset);
        if (dims.length === 1) {
          // One dim: every sum adds its terms in index order, from 0, in float64 (both backends).
          const d = dims[0];
          const inner = shapeSize(shape.slice(d + 1));
          const n = shape[d];
          const want = new Float32Array(values.length / n);
          for (let k = 0; k < want.length; k++) {
            const base = Math.floor(k / inner) * n * inner + (k % inner);
            let acc = 0;
            for (let r = 0; r < n; r++) acc += values[base + r * inner];
            want[k] = acc;
          }
          for (const backend of ['js', 'wasm'] as const) {
            setBackend(backend);
            sameBits(sum(t, d).toTypedArray() as ArrayLike<number>, want);
          }
        }
        for (const op of [sum, mean, variance, std] as const) {
          setBackend('js');
          const js = op(t, dims, { keepdim });
          setBackend('wasm');
          const fast = op(t, dims, { keepdim });
          expect(fast.shape).toEqual(js.shape);
          sameBits(fast.toTypedArray() as ArrayLike<number>, js.toTypedArray() as ArrayLike<number>);
        }
      }),
      { numRuns: 150 },
    );
  });
});
