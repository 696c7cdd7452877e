import { getBackendInfo } from '@torchlet/kernels';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { TorchletError } from './errors.js';
import {
  type FloatArray,
  type GemmKernel,
  gemm,
  gemmLoops,
  gemmPacked,
  getBackend,
  getGemmKernel,
  jsGemm,
  setBackend,
  setGemmKernel,
} from './gemm.js';

/** Deterministic uniform values in [-1, 1) from a seed (mulberry32), so cases stay small to shrink. */
function randomArray(ctor: Float32ArrayConstructor | Float64ArrayConstructor, n: number, seed: number): FloatArray {
  let s = seed >>> 0;
  const out = new ctor(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

interface Case {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  padA: number;
  padB: number;
  padC: number;
  offA: number;
  offB: number;
  offC: number;
  seed: number;
  f64: boolean;
}

/** Runs `kernel` on a case and checks it against a naive float64 triple loop, element by element. */
function check(kernel: GemmKernel, c: Case): void {
  const { transA, transB, m, n, k, alpha, beta } = c;
  const ctor = c.f64 ? Float64Array : Float32Array;
  const [ra, ca] = transA ? [k, m] : [m, k];
  const [rb, cb] = transB ? [n, k] : [k, n];
  const lda = Math.max(1, ca + c.padA);
  const ldb = Math.max(1, cb + c.padB);
  const ldc = Math.max(1, n + c.padC);
  const a = randomArray(ctor, c.offA + ra * lda, c.seed);
  const b = randomArray(ctor, c.offB + rb * ldb, c.seed + 1);
  const cArr = randomArray(ctor, c.offC + m * ldc, c.seed + 2);
  // beta = 0 must ignore C entirely, NaN included.
  if (beta === 0) cArr.fill(Number.NaN);
  const before = cArr.slice();
  kernel(transA, transB, m, n, k, alpha, a, c.offA, lda, b, c.offB, ldb, beta, cArr, c.offC, ldc);
  // Float32 may accumulate in float32 (the WebAssembly kernel): allow gamma_(k+8), the textbook
  // bound for k products summed in order plus the alpha, beta and per-block roundings.
  const eps = c.f64 ? 1e-13 : Math.max(2e-6, (k + 8) * 2 ** -24);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      let mag = 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[c.offA + p * lda + i] : a[c.offA + i * lda + p];
        const bv = transB ? b[c.offB + j * ldb + p] : b[c.offB + p * ldb + j];
        acc += av * bv;
        mag += Math.abs(av * bv);
      }
      const ci = c.offC + i * ldc + j;
      const prev = beta === 0 ? 0 : beta * before[ci];
      const expected = alpha * acc + prev;
      const bound = eps * (Math.abs(alpha) * mag + Math.abs(prev) + 1e-30) + (c.f64 ? 0 : Math.abs(expected) * 6e-8);
      const got = cArr[ci];
      if (!(Math.abs(got - expected) <= bound)) {
        throw new Error(`C[${i},${j}] = ${got}, expected ${expected} (case ${JSON.stringify(c)})`);
      }
    }
  }
  // Nothing outside the m x n block of C (padding, offset, trailing elements) may change.
  for (let idx = 0; idx < cArr.length; idx++) {
    const r = Math.floor((idx - c.offC) / ldc);
    const col = (idx - c.offC) % ldc;
    const inside = idx >= c.offC && r < m && col < n;
    if (!inside) expect(Object.is(cArr[idx], before[idx])).toBe(true);
  }
}

const caseArb = (maxDim: number) =>
  fc.record({
    transA: fc.boolean(),
    transB: fc.boolean(),
    m: fc.integer({ min: 0, max: maxDim }),
    n: fc.integer({ min: 0, max: maxDim }),
    k: fc.integer({ min: 0, max: maxDim }),
    alpha: fc.constantFrom(1, -1, 0.5, 2.25, 0),
    beta: fc.constantFrom(0, 1, -0.5, 3),
    padA: fc.integer({ min: 0, max: 3 }),
    padB: fc.integer({ min: 0, max: 3 }),
    padC: fc.integer({ min: 0, max: 3 }),
    offA: fc.integer({ min: 0, max: 5 }),
    offB: fc.integer({ min: 0, max: 5 }),
    offC: fc.integer({ min: 0, max: 5 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    f64: fc.boolean(),
  });

// One test body for every implementation (DESIGN principle 4): the public entry point, the default
// dispatching kernel, and each JS kernel on its own whatever the sizes.
/** `gemm` with a backend chosen for the call (the default kernel, so the backend applies). */
const onBackend =
  (name: 'js' | 'wasm' | 'auto'): GemmKernel =>
  (...args) => {
    const before = getBackend();
    setBackend(name);
    try {
      gemm(...args);
    } finally {
      setBackend(before);
    }
  };

const kernels: [string, GemmKernel][] = [
  ['gemm', gemm],
  ['gemm (backend js)', onBackend('js')],
  ['gemm (backend wasm)', onBackend('wasm')],
  ['jsGemm', jsGemm],
  ['gemmPacked', gemmPacked],
  ['gemmLoops', gemmLoops],
];

describe.each(kernels)('%s', (_name, kernel) => {
  it('matches the naive reference for every transpose, alpha, beta, stride and size in 0..70', () => {
    fc.assert(
      fc.property(caseArb(70), (c) => check(kernel, c)),
      { numRuns: 60 },
    );
  });
  it('handles the 1-wide and empty edge cases', () => {
    fc.assert(
      fc.property(caseArb(3), (c) => check(kernel, c)),
      { numRuns: 60 },
    );
  });
  it('straddles the cache blocks (k > 256, m > 64, n > 2048)', () => {
    const base = { alpha: 1, beta: 0, padA: 1, padB: 2, padC: 3, offA: 1, offB: 2, offC: 3, seed: 7 };
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        check(kernel, { ...base, transA, transB, m: 67, n: 9, k: 517, f64: transA, beta: transB ? 0.5 : 0 });
        check(kernel, { ...base, transA, transB, m: 5, n: 2053, k: 3, f64: !transB });
      }
    }
  });
});

describe('gemm dispatch', () => {
  afterEach(() => {
    setGemmKernel(null);
    setBackend('auto');
  });
  it('runs float32 products in the WebAssembly kernel by default and float64 in JavaScript', () => {
    const run = (ctor: Float32ArrayConstructor | Float64ArrayConstructor) => {
      const c = new ctor(64);
      gemm(false, false, 8, 8, 8, 1, new ctor(64).fill(1), 0, 8, new ctor(64).fill(2), 0, 8, 0, c, 0, 8);
      expect(c[63]).toBe(16);
    };
    run(Float32Array);
    expect(getBackendInfo().lastKernel).toMatch(/^wasm-simd128/);
    run(Float64Array);
    expect(getBackendInfo().lastKernel).toMatch(/^wasm-simd128/); // float64 never reaches the kernel
    setBackend('js');
    const c = new Float32Array(1);
    gemm(false, false, 1, 1, 1, 1, new Float32Array([2]), 0, 1, new Float32Array([3]), 0, 1, 0, c, 0, 1);
    expect(c[0]).toBe(6);
  });
  it('setBackend validates its argument', () => {
    expect(() => setBackend('gpu' as 'js')).toThrowError("setBackend: expected 'js', 'wasm' or 'auto', got \"gpu\"");
  });
  it('routes through the installed kernel and restores the default with null', () => {
    expect(getGemmKernel()).toBe(jsGemm);
    const calls: number[] = [];
    setGemmKernel((...args) => {
      calls.push(args[2]);
      jsGemm(...args);
    });
    const c = new Float32Array(1);
    gemm(false, false, 1, 1, 2, 1, new Float32Array([1, 2]), 0, 2, new Float32Array([3, 4]), 0, 1, 0, c, 0, 1);
    expect(calls).toEqual([1]);
    expect(c[0]).toBe(11);
    setGemmKernel(null);
    expect(getGemmKernel()).toBe(jsGemm);
  });
  it('validates sizes, leading dimensions and array extents with named errors', () => {
    const a = new Float32Array(6);
    const b = new Float32Array(6);
    const c = new Float32Array(4);
    expect(() => gemm(false, false, 2, 2, 3, 1, a, 0, 2, b, 0, 2, 0, c, 0, 2)).toThrowError(
      'gemm: lda must be an integer >= 3, got 2',
    );
    expect(() => gemm(false, false, -1, 2, 3, 1, a, 0, 3, b, 0, 2, 0, c, 0, 2)).toThrowError(
      /gemm: m must be an integer >= 0/,
    );
    expect(() => gemm(false, false, 2, 2, 3, 1, a, 1, 3, b, 0, 2, 0, c, 0, 2)).toThrowError(
      'gemm: a needs 7 elements for a 2x3 matrix at offset 1 with leading dimension 3, but has 6',
    );
    expect(() => gemm(false, true, 2, 2, 3, 1, a, 0, 3, b, 0, 2, 0, c, 0, 2)).toThrowError(
      /gemm: ldb must be an integer >= 3/,
    );
    expect(() => gemm(false, false, 2, 3, 3, 1, a, 0, 3, new Float32Array(9), 0, 3, 0, c, 0, 3)).toThrowError(
      /gemm: c needs 6 elements/,
    );
  });
});

describe('the exported kernels validate their arguments (issue 18: no hang on absurd sizes)', () => {
  const kernels: [string, GemmKernel][] = [
    ['jsGemm', jsGemm],
    ['gemmLoops', gemmLoops],
    ['gemmPacked', gemmPacked],
  ];
  const sizes = [Number.POSITIVE_INFINITY, 1e12, 2 ** 31, 2 ** 53, Number.NaN, -1, 0.5];
  it.each(kernels)('%s throws a TorchletError naming itself for m or n out of reach', (name, kernel) => {
    const a = new Float64Array(4);
    const b = new Float64Array(4);
    const c = new Float64Array(4);
    for (const bad of sizes) {
      expect(() => kernel(false, false, bad, 2, 2, 1, a, 0, 2, b, 0, 2, 0, c, 0, 2)).toThrowError(TorchletError);
      expect(() => kernel(false, false, 2, bad, 2, 1, a, 0, 2, b, 0, bad, 0, c, 0, bad)).toThrowError(
        new RegExp(`^${name}: `),
      );
    }
    expect(() =>
      kernel(false, false, 1, 1, 1, 1, [1] as unknown as FloatArray, 0, 1, b, 0, 1, 0, c, 0, 1),
    ).toThrowError(/a must be a Float32Array or Float64Array, got \[1\]/);
  });
});
