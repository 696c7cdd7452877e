import fc from 'fast-check';
import { describe, it } from 'vitest';
import { randomArray } from '../test/conv-cases.js';
import { wasmGemm } from './gemm.js';

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
}

const U = 2 ** -24; // float32 unit roundoff

/** Runs wasmGemm on a case and checks it against a naive float64 triple loop, element by element. */
function check(c: Case): void {
  const { transA, transB, m, n, k, alpha, beta } = c;
  const [ra, ca] = transA ? [k, m] : [m, k];
  const [rb, cb] = transB ? [n, k] : [k, n];
  const lda = Math.max(1, ca + c.padA);
  const ldb = Math.max(1, cb + c.padB);
  const ldc = Math.max(1, n + c.padC);
  const a = randomArray(c.offA + ra * lda, c.seed);
  const b = randomArray(c.offB + rb * ldb, c.seed + 1);
  const cArr = randomArray(c.offC + m * ldc, c.seed + 2);
  // beta = 0 must ignore C entirely, NaN included.
  if (beta === 0) cArr.fill(Number.NaN);
  const before = cArr.slice();
  if (!wasmGemm(transA, transB, m, n, k, alpha, a, c.offA, lda, b, c.offB, ldb, beta, cArr, c.offC, ldc)) {
    throw new Error('wasmGemm declined a float32 product');
  }
  // Float32 accumulation: |error| <= gamma_(k+8) * (|alpha| sum |a b| + |beta c|), the textbook bound
  // for k products summed in order plus the alpha, beta and per-block roundings; any wrong term is
  // off by ~|a b|, far above it.
  const gamma = ((k + 8) * U) / (1 - (k + 8) * U);
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
      const bound = gamma * (Math.abs(alpha) * mag + Math.abs(prev)) + 1e-30;
      const got = cArr[ci];
      if (!(Math.abs(got - expected) <= bound)) {
        throw new Error(`C[${i},${j}] = ${got}, expected ${expected} +- ${bound} (case ${JSON.stringify(c)})`);
      }
    }
  }
  // Nothing outside the m x n block of C (padding, offset, trailing elements) may change.
  for (let idx = 0; idx < cArr.length; idx++) {
    const r = Math.floor((idx - c.offC) / ldc);
    const col = (idx - c.offC) % ldc;
    const inside = idx >= c.offC && r < m && col < n;
    if (!inside && !Object.is(cArr[idx], before[idx])) {
      throw new Error(`C[${idx}] outside the block changed (case ${JSON.stringify(c)})`);
    }
  }
}

const caseArb = (minDim: number, maxDim: number, maxPad = 7) =>
  fc.record({
    transA: fc.boolean(),
    transB: fc.boolean(),
    m: fc.integer({ min: minDim, max: maxDim }),
    n: fc.integer({ min: minDim, max: maxDim }),
    k: fc.integer({ min: minDim, max: maxDim }),
    alpha: fc.constantFrom(1, -1, 0.5, 2.25, 0),
    beta: fc.constantFrom(0, 1, -0.5, 3),
    padA: fc.integer({ min: 0, max: maxPad }),
    padB: fc.integer({ min: 0, max: maxPad }),
    padC: fc.integer({ min: 0, max: maxPad }),
    offA: fc.integer({ min: 0, max: 5 }),
    offB: fc.integer({ min: 0, max: 5 }),
    offC: fc.integer({ min: 0, max: 5 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  });

const base = { alpha: 1, beta: 0, padA: 0, padB: 0, padC: 0, offA: 0, offB: 0, offC: 0, seed: 11 };

describe('wasmGemm against a naive float64 reference', () => {
  it('every transpose, alpha, beta, offset and leading dimension, sizes 1..70', () => {
    fc.assert(fc.property(caseArb(1, 70), check), { numRuns: 100 });
  });

  it('the empty and 1..4-wide edge cases', () => {
    fc.assert(fc.property(caseArb(0, 4, 3), check), { numRuns: 100 });
  });

  it('leading dimensions far above the minimum (operands compacted row by row)', () => {
    fc.assert(fc.property(caseArb(1, 12, 40), check), { numRuns: 40 });
  });

  it('straddles the micro-tile and cache blocks (MR 4, NR 8, KC 256, MC 128, NC 2048)', () => {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const t = { ...base, transA, transB };
        check({ ...t, m: 129, n: 9, k: 513, beta: transB ? 0.5 : 0, padA: 3, offC: 2 });
        check({ ...t, m: 257, n: 33, k: 257, alpha: -0.5, padB: 1, padC: 5, offA: 1 });
        check({ ...t, m: 5, n: 2059, k: 3, beta: 1, padC: 1, offB: 4 });
      }
    }
  });

  it('a square product larger than every block (257 x 257 x 513)', () => {
    check({ ...base, transA: false, transB: false, m: 257, n: 257, k: 513 });
  });
});
