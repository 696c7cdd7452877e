// Elementwise kernels against float64 definitions: broadcasting shapes, transposed and offset
// views, every binary and unary op.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { seedArb } from '../test/arbitraries.js';
import { gpu, ranOn } from '../test/gpu.js';
import { closeTo, randomFloats } from '../test/reference.js';
import {
  type BinaryOpName,
  binary,
  broadcastStrides,
  readback,
  type StridedOperand,
  type UnaryOpName,
  unary,
  upload,
} from './index.js';

const BINARY_REF: Record<BinaryOpName, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  maximum: Math.max,
  minimum: Math.min,
  pow: (x, y) => x ** y,
  gt: (x, y) => Number(x > y),
  lt: (x, y) => Number(x < y),
  ge: (x, y) => Number(x >= y),
  le: (x, y) => Number(x <= y),
  eq: (x, y) => Number(x === y),
  ne: (x, y) => Number(x !== y),
  reluBackward: (x, y) => (x > 0 ? y : 0),
  sigmoidBackward: (x, y) => y * x * (1 - x),
  tanhBackward: (x, y) => y * (1 - x * x),
};

const UNARY_REF: Record<UnaryOpName, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  reciprocal: (x) => 1 / x,
  square: (x) => x * x,
  relu: (x) => Math.max(x, 0),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
  sin: Math.sin,
  cos: Math.cos,
  sign: Math.sign,
  floor: Math.floor,
  ceil: Math.ceil,
  // Half to even, as PyTorch.
  round: (x) => {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
  trunc: Math.trunc,
  log1p: Math.log1p,
  expm1: Math.expm1,
  copy: (x) => x,
};

/** Multi-indices of `shape` in row-major order. */
function* indices(shape: readonly number[]): Generator<number[]> {
  const n = shape.reduce((p, s) => p * s, 1);
  for (let i = 0; i < n; i++) {
    const idx = new Array<number>(shape.length);
    let rem = i;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d] = rem % shape[d];
      rem = Math.floor(rem / shape[d]);
    }
    yield idx;
  }
}

const at = (data: Float32Array, op: { offset?: number; strides: readonly number[] }, idx: number[]): number =>
  data[(op.offset ?? 0) + idx.reduce((s, c, d) => s + c * op.strides[d], 0)];

/**
 * An operand for `shape`: a broadcast source shape (some dimensions 1 or dropped), stored either
 * contiguously or transposed (its dimensions reversed in memory), after `offset` padding elements.
 */
const operandArb = (shape: readonly number[]) =>
  fc.record({
    keep: fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
    drop: fc.integer({ min: 0, max: shape.length }),
    transposed: fc.boolean(),
    offset: fc.integer({ min: 0, max: 3 }),
    seed: seedArb,
  });

function makeOperand(
  shape: readonly number[],
  o: { keep: boolean[]; drop: number; transposed: boolean; offset: number; seed: number },
  values: (n: number, seed: number) => Float32Array,
): { op: StridedOperand; data: Float32Array } {
  const src = shape.map((s, d) => (o.keep[d] ? s : 1)).slice(o.drop);
  const n = src.reduce((p, s) => p * s, 1);
  const data = new Float32Array(o.offset + n);
  data.set(values(n, o.seed), o.offset);
  let strides: number[];
  if (o.transposed) {
    // Column-major storage of `src`: stride of dim d is the product of the sizes before it.
    const own = src.map((_, d) => src.slice(0, d).reduce((p, s) => p * s, 1));
    strides = shape.map((_, d) => {
      const sd = d - (shape.length - src.length);
      return sd < 0 || src[sd] === 1 ? 0 : own[sd];
    });
  } else {
    strides = broadcastStrides(src, shape);
  }
  return { op: { buffer: upload(gpu, data), offset: o.offset, strides }, data };
}

const shapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 });

describe('binary on WebGPU', () => {
  test('every op over broadcast, transposed and offset operands matches float64 (then float32 rounding)', async () => {
    const ops = Object.keys(BINARY_REF) as BinaryOpName[];
    await fc.assert(
      fc.asyncProperty(
        shapeArb.chain((shape) => fc.tuple(fc.constant(shape), operandArb(shape), operandArb(shape))),
        fc.constantFrom(...ops),
        async ([shape, oa, ob], op) => {
          const a = makeOperand(shape, oa, randomFloats);
          // pow: small integer exponents, so negative bases are defined.
          const bValues =
            op === 'pow' ? (n: number, s: number) => randomFloats(n, s).map((v) => Math.round(v * 3)) : randomFloats;
          const b = makeOperand(shape, ob, bValues);
          const out = await readback(binary(op, a.op, b.op, shape));
          expect(ranOn('webgpu-binary-strided')).toBe(true);
          const want = Float64Array.from(indices(shape), (idx) =>
            Math.fround(BINARY_REF[op](at(a.data, a.op, idx), at(b.data, b.op, idx))),
          );
          // pow rounds through exp2/log2; the two gradients round three products (1 - a^2 cancels near 1).
          const grad = op === 'sigmoidBackward' || op === 'tanhBackward';
          const rtol = op === 'pow' ? 2e-6 : grad ? 1e-6 : 3e-7;
          expect(closeTo(out, want, rtol, grad ? 1e-7 : 0), `${op} over [${shape}]`).toBeNull();
          a.op.buffer.release();
          b.op.buffer.release();
        },
      ),
      { numRuns: 60 },
    );
  });

  test('pow: a negative base with an integer exponent, 0^0 = 1, 0^-1 = inf, (-8)^(1/3) = NaN (as PyTorch)', async () => {
    const x = upload(gpu, new Float32Array([-2, -2, 0, 0, -8, 3]));
    const y = upload(gpu, new Float32Array([3, 2, 0, -1, 1 / 3, 0.5]));
    const got = Array.from(
      await readback(binary('pow', { buffer: x, strides: [1] }, { buffer: y, strides: [1] }, [6])),
    );
    expect(got.slice(0, 5)).toEqual([-8, 4, 1, Number.POSITIVE_INFINITY, Number.NaN]);
    expect(got[5]).toBeCloseTo(Math.sqrt(3), 6);
  });

  test('pow with an integer exponent is exact where the powers are (5^2 = 25, 7^3 = 343), as in PyTorch', async () => {
    const bases = [0, 1, 2, 3, 4, 5, 6, 7, -3, -5, 0.5, 10];
    const exponents = [2, 3, 2, 3, 5, 2, 2, 3, 3, 2, -2, 7];
    const x = upload(gpu, new Float32Array(bases));
    const y = upload(gpu, new Float32Array(exponents));
    const got = Array.from(
      await readback(binary('pow', { buffer: x, strides: [1] }, { buffer: y, strides: [1] }, [bases.length])),
    );
    expect(got).toEqual(bases.map((b, i) => Math.fround(b ** exponents[i])));
  });

  test('maximum and minimum propagate NaN, as in PyTorch', async () => {
    const x = upload(gpu, new Float32Array([Number.NaN, 1, 2]));
    const y = upload(gpu, new Float32Array([0, Number.NaN, 3]));
    const run = async (op: BinaryOpName) =>
      Array.from(await readback(binary(op, { buffer: x, strides: [1] }, { buffer: y, strides: [1] }, [3])));
    expect(await run('maximum')).toEqual([Number.NaN, Number.NaN, 3]);
    expect(await run('minimum')).toEqual([Number.NaN, Number.NaN, 2]);
  });

  test('rejects strides that reach past the buffer, naming the operand and the shapes', () => {
    const a = upload(gpu, new Float32Array(6));
    expect(() => binary('add', { buffer: a, strides: [3, 1] }, { buffer: a, strides: [4, 1] }, [2, 3])).toThrow(
      /binary: strides \[4,1\] from offset 0 over shape \[2,3\] reach element 6, but the buffer holds 6/,
    );
    expect(() => binary('add', { buffer: a, strides: [1] }, { buffer: a, strides: [3, 1] }, [2, 3])).toThrow(
      /has 1 strides for an output of rank 2/,
    );
  });
});

describe('unary on WebGPU', () => {
  test('every op matches float64 within float32 accuracy, over transposed views', async () => {
    const ops = Object.keys(UNARY_REF) as UnaryOpName[];
    await fc.assert(
      fc.asyncProperty(
        shapeArb.chain((shape) => fc.tuple(fc.constant(shape), operandArb(shape))),
        fc.constantFrom(...ops),
        async ([shape, oa], op) => {
          // Positive inputs for log, sqrt, rsqrt; a wide range elsewhere (tanh/sigmoid saturate).
          // sin and cos in [-pi, pi], where WGSL bounds their error (absolute 2^-11).
          const positive = op === 'log' || op === 'sqrt' || op === 'rsqrt' || op === 'reciprocal';
          const trig = op === 'sin' || op === 'cos';
          const values = (n: number, s: number) =>
            randomFloats(n, s).map((v) => (positive ? Math.abs(v) * 10 + 0.01 : trig ? v * Math.PI : v * 30));
          const a = makeOperand(shape, { ...oa, keep: oa.keep.map(() => true), drop: 0 }, values);
          const out = await readback(unary(op, a.op, shape));
          expect(ranOn('webgpu-unary-strided')).toBe(true);
          const want = Float64Array.from(indices(shape), (idx) => UNARY_REF[op](at(a.data, a.op, idx)));
          // WGSL allows exp and log a few ulp (1e-5 covers them), sin and cos an absolute 2^-11.
          expect(closeTo(out, want, 1e-5, trig ? 2 ** -11 : 1e-6), `${op} over [${shape}]`).toBeNull();
          a.op.buffer.release();
        },
      ),
      { numRuns: 50 },
    );
  });

  test('log, sqrt, rsqrt and log1p outside their domain give NaN; log1p(-1) = -inf (as PyTorch)', async () => {
    const x = upload(gpu, new Float32Array([-1, -2, -0.5]));
    for (const op of ['log', 'sqrt', 'rsqrt'] as const) {
      const got = Array.from(await readback(unary(op, { buffer: x, strides: [1] }, [3])));
      expect(got, op).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    }
    const got = Array.from(await readback(unary('log1p', { buffer: x, strides: [1] }, [3])));
    expect(got.slice(0, 2)).toEqual([Number.NEGATIVE_INFINITY, Number.NaN]);
    expect(got[2]).toBeCloseTo(Math.log(0.5), 6);
  });

  test('sigmoid and tanh saturate without NaN at +-100', async () => {
    const x = upload(gpu, new Float32Array([-100, 100]));
    expect(Array.from(await readback(unary('sigmoid', { buffer: x, strides: [1] }, [2])))).toEqual([0, 1]);
    expect(Array.from(await readback(unary('tanh', { buffer: x, strides: [1] }, [2])))).toEqual([-1, 1]);
  });

  test('a long array spans more than one row of workgroups', async () => {
    const n = 65535 * 64 + 100;
    const x = upload(gpu, new Float32Array(n).fill(-3));
    const out = await readback(unary('abs', { buffer: x, strides: [1] }, [n]));
    expect(out[0]).toBe(3);
    expect(out[n - 1]).toBe(3);
    expect(out.every((v) => v === 3)).toBe(true);
    x.release();
  });
});

test('broadcastStrides follows NumPy rules and rejects shapes that do not broadcast', () => {
  expect(broadcastStrides([2, 3], [2, 3])).toEqual([3, 1]);
  expect(broadcastStrides([1, 3], [4, 2, 3])).toEqual([0, 0, 1]);
  expect(() => broadcastStrides([2, 3], [3, 3])).toThrow(/\[2,3\] does not broadcast to \[3,3\]/);
});
