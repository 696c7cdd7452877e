import { describe, expect, it } from 'vitest';
import { addInPlace, copyInPlace, divInPlace, mulInPlace, resultType } from './elementwise.js';
import {
  abs,
  add,
  arange,
  clamp,
  div,
  eq,
  exp,
  expand,
  ge,
  gt,
  le,
  log,
  lt,
  maximum,
  minimum,
  mul,
  ne,
  neg,
  pow,
  relu,
  sigmoid,
  sqrt,
  sub,
  Tensor,
  TorchletError,
  tanh,
  tensor,
  where,
  zeros,
} from './index.js';

const i32 = (v: number[], shape?: number[]) => tensor(new Int32Array(v), shape ? { shape } : {});
const f64 = (v: number[], shape?: number[]) => tensor(new Float64Array(v), shape ? { shape } : {});
const bool = (v: boolean[]) => tensor(v);

describe('binary ops: broadcasting', () => {
  it('broadcasts rows, columns and leading dims', () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(add(a, tensor([10, 20, 30])).toArray()).toEqual([
      [11, 22, 33],
      [14, 25, 36],
    ]);
    expect(add(a, tensor([[100], [200]])).toArray()).toEqual([
      [101, 102, 103],
      [204, 205, 206],
    ]);
    expect(sub(tensor([[1], [2]]), tensor([1, 2, 3])).toArray()).toEqual([
      [0, -1, -2],
      [1, 0, -1],
    ]);
    expect(mul(tensor([[[2]]]), tensor([1, 2])).shape).toEqual([1, 1, 2]);
    expect(add(tensor(1), tensor(2)).toArray()).toBe(3);
    expect(add(zeros([0, 3]), tensor([1, 2, 3])).shape).toEqual([0, 3]);
  });
  it('accepts scalars on either side', () => {
    expect(sub(10, tensor([1, 2])).toArray()).toEqual([9, 8]);
    expect(div(tensor([1, 2]), 4).toArray()).toEqual([0.25, 0.5]);
    expect(pow(2, tensor([0, 1, 3])).toArray()).toEqual([1, 2, 8]);
    expect(add(tensor([1, 2]), true).toArray()).toEqual([2, 3]);
  });
  it('reads non-contiguous operands correctly', () => {
    const a = arange(6).reshape([2, 3]);
    expect(add(a.t(), a.t()).toArray()).toEqual([
      [0, 6],
      [2, 8],
      [4, 10],
    ]);
    expect(mul(a.t(), tensor([1, -1])).toArray()).toEqual([
      [0, -3],
      [1, -4],
      [2, -5],
    ]);
    expect(add(a.narrow(1, 1, 2), expand(tensor([[10], [20]]), [2, 2])).toArray()).toEqual([
      [11, 12],
      [24, 25],
    ]);
  });
  it('names both shapes when they do not broadcast', () => {
    expect(() => add(zeros([2, 3]), zeros([3, 2]))).toThrowError(
      'add: shapes [2,3] and [3,2] do not broadcast (size 2 vs 3 at dimension 0)',
    );
    expect(() => lt(zeros([2]), zeros([3]))).toThrowError(/^lt: shapes \[2\] and \[3\] do not broadcast/);
  });
  it('rejects non-tensor operands', () => {
    expect(() => add(zeros([2]), 'x' as never)).toThrowError('add: expected a tensor, number or boolean, got "x"');
    expect(() => add(null as never, 1)).toThrowError(TorchletError);
  });
});

describe('binary ops: dtypes, as PyTorch', () => {
  it('promotes tensors, 0-d tensors and scalars by category', () => {
    expect(add(i32([1, 2]), 1.5).dtype).toBe('float32');
    expect(add(i32([1, 2]), 1).dtype).toBe('int32');
    expect(add(i32([1, 2]), f64([1.5], [])).dtype).toBe('float64');
    expect(add(tensor([1, 2]), f64([1.5], [])).dtype).toBe('float32');
    expect(add(tensor([1, 2]), f64([1.5, 1])).dtype).toBe('float64');
    expect(add(bool([true]), i32([3], [])).toArray()).toEqual([4]);
    expect(add(bool([true]), i32([3], [])).dtype).toBe('int32');
    expect(add(bool([true]), 1.5).toArray()).toEqual([2.5]);
    expect(resultType(1, 2.5)).toBe('float32');
    expect(resultType(true, false)).toBe('bool');
  });
  it('div always gives floats; int / 0 gives inf and nan', () => {
    const q = div(i32([2, 3]), i32([2, 2]));
    expect(q.dtype).toBe('float32');
    expect(q.toArray()).toEqual([1, 1.5]);
    expect(div(i32([2, 0]), 0).toArray()).toEqual([Infinity, Number.NaN]);
    expect(div(bool([true]), bool([true])).dtype).toBe('float32');
  });
  it('int32 arithmetic wraps like C', () => {
    expect(add(i32([2147483647]), 1).toArray()).toEqual([-2147483648]);
    expect(mul(i32([65536 * 3 + 7]), i32([65536 * 5 + 11])).toArray()).toEqual([
      Math.imul(65536 * 3 + 7, 65536 * 5 + 11),
    ]);
    expect(sub(i32([-2147483648]), 1).toArray()).toEqual([2147483647]);
  });
  it('bool + is or, * is and, and - is rejected', () => {
    expect(add(bool([true, false, false]), bool([true, true, false])).toArray()).toEqual([true, true, false]);
    expect(mul(bool([true, false, true]), bool([true, true, false])).toArray()).toEqual([true, false, false]);
    expect(maximum(bool([true, false]), bool([false, false])).toArray()).toEqual([true, false]);
    expect(minimum(bool([true, true]), bool([false, true])).toArray()).toEqual([false, true]);
    expect(() => sub(bool([true]), bool([true]))).toThrowError(
      'sub: subtraction with two bool tensors is not supported; use ne() for exclusive or (input bool [1], other bool [1])',
    );
  });
  it('pow: int stays int, negative int scalar exponents throw, negative int tensor exponents follow powi', () => {
    const p = pow(i32([2, 3]), 2);
    expect(p.dtype).toBe('int32');
    expect(p.toArray()).toEqual([4, 9]);
    expect(pow(2, i32([2, 3])).dtype).toBe('int32');
    expect(pow(2.5, i32([2, 3])).toArray()).toEqual([6.25, 15.625]);
    expect(pow(i32([2, 3]), 0.5).dtype).toBe('float32');
    expect(() => pow(i32([2, 3]), -1)).toThrowError(
      'pow: integers to negative integer powers are not allowed (input int32 [2], exponent -1)',
    );
    expect(pow(i32([1, 2, -1, -1]), i32([-1, -1, -1, -2])).toArray()).toEqual([1, 0, -1, 1]);
    expect(pow(i32([3]), i32([21])).toArray()).toEqual([Math.imul(3 ** 10, 3 ** 11) | 0]);
    expect(() => pow(bool([true]), bool([true]))).toThrowError(/^pow: pow is not implemented for bool tensors/);
    // C pow: 1 ** NaN = 1 and (-1) ** inf = 1
    expect(pow(tensor([1, -1, 2]), tensor([Number.NaN, Infinity, Number.NaN])).toArray()).toEqual([1, 1, Number.NaN]);
  });
  it('maximum/minimum propagate NaN', () => {
    expect(maximum(tensor([Number.NaN, 1]), tensor([0, Number.NaN])).toArray()).toEqual([Number.NaN, Number.NaN]);
    expect(minimum(tensor([Number.NaN, 1]), 0).toArray()).toEqual([Number.NaN, 0]);
  });
  it('float32 results round once from double', () => {
    const a = Math.fround(0.1);
    const b = Math.fround(0.2);
    expect(add(tensor([0.1]), tensor([0.2])).data[0]).toBe(Math.fround(a + b));
    expect(div(tensor([1]), tensor([3])).data[0]).toBe(Math.fround(1 / 3));
  });
});

describe('comparisons', () => {
  it('give bool tensors and compare in the promoted dtype', () => {
    const x = tensor([1, 2, 3]);
    expect(eq(x, tensor([1, 0, 3])).toArray()).toEqual([true, false, true]);
    expect(ne(x, 2).toArray()).toEqual([true, false, true]);
    expect(lt(x, 2).toArray()).toEqual([true, false, false]);
    expect(le(x, 2).toArray()).toEqual([true, true, false]);
    expect(gt(x, 2).toArray()).toEqual([false, false, true]);
    expect(ge(x, 2).toArray()).toEqual([false, true, true]);
    expect(ge(x, 2).dtype).toBe('bool');
    // PyTorch: torch.tensor([0.1]) == 0.1 is True (the scalar is cast to float32 first)
    expect(eq(tensor([0.1]), 0.1).toArray()).toEqual([true]);
    expect(eq(f64([0.1]), 0.1).toArray()).toEqual([true]);
    expect(eq(tensor([1]), 0.1).toArray()).toEqual([false]);
    expect(lt(i32([1]), 1.5).toArray()).toEqual([true]);
    expect(ne(tensor([Number.NaN]), tensor([Number.NaN])).toArray()).toEqual([true]);
    expect(eq(tensor([[1], [2]]), tensor([1, 2])).toArray()).toEqual([
      [true, false],
      [false, true],
    ]);
  });
});

describe('unary ops', () => {
  it('compute the PyTorch values', () => {
    expect(neg(tensor([1, -2])).toArray()).toEqual([-1, 2]);
    expect(abs(tensor([-1.5, 2])).toArray()).toEqual([1.5, 2]);
    expect(exp(tensor([0, 1])).data[1]).toBe(Math.fround(Math.E));
    expect(log(tensor([1, 0, -1])).toArray()).toEqual([0, -Infinity, Number.NaN]);
    expect(sqrt(tensor([4, -1])).toArray()).toEqual([2, Number.NaN]);
    expect(tanh(f64([0.5])).data[0]).toBe(Math.tanh(0.5));
    expect(sigmoid(f64([0, 2, -1000])).toArray()).toEqual([0.5, 1 / (1 + Math.exp(-2)), 0]);
    expect(relu(tensor([-1, 0, 2, Number.NaN])).toArray()).toEqual([0, 0, 2, Number.NaN]);
  });
  it('keep int32 for neg/abs/relu and give float32 for exp/log/sqrt/tanh/sigmoid', () => {
    expect(neg(i32([-2147483648, 3])).toArray()).toEqual([-2147483648, -3]);
    expect(abs(i32([-2, 3])).dtype).toBe('int32');
    expect(relu(i32([1, -2])).toArray()).toEqual([1, 0]);
    for (const f of [exp, log, sqrt, tanh, sigmoid]) {
      expect(f(i32([1, 2])).dtype).toBe('float32');
      expect(f(bool([true])).dtype).toBe('float32');
    }
    expect(sqrt(i32([4, 9])).toArray()).toEqual([2, 3]);
  });
  it('read non-contiguous input', () => {
    const x = arange(6).reshape([2, 3]).t();
    expect(neg(x).toArray()).toEqual([
      [-0, -3],
      [-1, -4],
      [-2, -5],
    ]);
    expect(relu(expand(tensor([-1, 2]), [2, 2])).toArray()).toEqual([
      [0, 2],
      [0, 2],
    ]);
  });
  it('reject bool where PyTorch does', () => {
    expect(() => neg(bool([true]))).toThrowError(
      'neg: negation is not supported on a bool tensor; use eq(x, false) to invert a mask (input bool [1])',
    );
    expect(() => abs(bool([true]))).toThrowError(/^abs: abs is not implemented for bool tensors/);
    expect(() => relu(bool([true]))).toThrowError(/^relu: bool inputs are not supported for relu/);
    expect(() => exp([1, 2] as never)).toThrowError('exp: expected a tensor, got [1,2]');
  });
});

describe('clamp', () => {
  it('clamps with either or both bounds', () => {
    expect(clamp(tensor([-2, 0.5, 3]), -1, 1).toArray()).toEqual([-1, 0.5, 1]);
    expect(clamp(tensor([-2, 0.5, 3]), null, 0).toArray()).toEqual([-2, 0, 0]);
    expect(clamp(tensor([-2, 0.5, 3]), 0).toArray()).toEqual([0, 0.5, 3]);
  });
  it('min > max gives max everywhere and NaN stays NaN', () => {
    expect(clamp(tensor([-5, 0, 5]), 2, 1).toArray()).toEqual([1, 1, 1]);
    expect(clamp(tensor([Number.NaN]), 0, 1).toArray()).toEqual([Number.NaN]);
  });
  it('promotes with the bounds', () => {
    const a = clamp(i32([0, 2]), 0.5);
    expect(a.dtype).toBe('float32');
    expect(a.toArray()).toEqual([0.5, 2]);
    expect(clamp(i32([1, 2]), null, 1).dtype).toBe('int32');
    expect(clamp(bool([true, false]), 0).dtype).toBe('int64');
  });
  it('needs at least one bound', () => {
    expect(() => clamp(tensor([1]))).toThrowError("clamp: at least one of 'min' or 'max' must not be null");
    expect(() => clamp(tensor([1]), null, null)).toThrowError(/^clamp: at least one/);
  });
});

describe('where', () => {
  it('selects with three-way broadcasting', () => {
    const cond = tensor([[true], [false]]);
    expect(where(cond, tensor([1, 2]), tensor(0)).toArray()).toEqual([
      [1, 2],
      [0, 0],
    ]);
    expect(where(true, tensor([1, 2]), 5).toArray()).toEqual([1, 2]);
    const x = tensor([-1, 2, -3]);
    expect(where(gt(x, 0), x, 0).toArray()).toEqual([0, 2, 0]);
  });
  it('copies float32 values exactly: NaN, -0, infinities and subnormals, from strided operands', () => {
    const a = tensor([Number.NaN, -0, Number.POSITIVE_INFINITY, 1e-45, 3, -7]);
    const b = tensor([0, 0, -1, -0, Number.NEGATIVE_INFINITY, Number.NaN]);
    const pick = [true, true, true, true, false, false];
    const r = where(bool(pick), a, b).toTypedArray();
    expect(Array.from(r, Number)).toEqual([
      Number.NaN,
      -0,
      Number.POSITIVE_INFINITY,
      Math.fround(1e-45),
      -Infinity,
      Number.NaN,
    ]);
    expect(Object.is(r[1], -0)).toBe(true);
    // Transposed operands and a condition stored with a byte other than 1 (any nonzero is true).
    const cond = new Tensor(new Uint8Array([2, 0, 0, 255]), [2, 2], [2, 1], 0, 'bool');
    // 1 + 2^-23 has its lowest mantissa bit set: a mask of -2 instead of -1 would clear it.
    const odd = 1 + 2 ** -23;
    const x = tensor([odd, 2, 3, 4]).reshape([2, 2]).t();
    expect(where(cond, x, -0).toArray()).toEqual([
      [odd, -0],
      [-0, 4],
    ]);
  });
  it('promotes the two branches, as PyTorch', () => {
    expect(where(bool([true, false]), 1, 2.5).dtype).toBe('float32');
    expect(where(bool([true, false]), i32([1, 2]), 2).dtype).toBe('int32');
    expect(where(bool([true, false]), i32([1, 2]), 2.5).toArray()).toEqual([1, 2.5]);
  });
  it('needs a bool condition and broadcastable shapes', () => {
    expect(() => where(tensor([1]), tensor([1]), tensor([2]))).toThrowError(
      'where: expected condition to be a bool tensor, but got float32 [1]',
    );
    expect(() => where(1 as never, 1, 2)).toThrowError(
      /^where: expected condition to be a bool tensor, but got scalar 1/,
    );
    expect(() => where(bool([true, false]), zeros([3]), 0)).toThrowError(
      /^where: shapes \[2\] and \[3\] do not broadcast/,
    );
  });
});

describe('in-place ops', () => {
  it('addInPlace adds alpha * other with broadcasting and bumps version once', () => {
    const x = zeros([2, 2]);
    const v0 = x.version;
    addInPlace(x, tensor([1, 2]), 10);
    expect(x.toArray()).toEqual([
      [10, 20],
      [10, 20],
    ]);
    expect(x.version).toBe(v0 + 1);
    addInPlace(x, 1, 1);
    expect(x.toArray()).toEqual([
      [11, 21],
      [11, 21],
    ]);
    expect(x.version).toBe(v0 + 2);
  });
  it('writes through a transposed view into its base and bumps the shared version', () => {
    const base = zeros([2, 3]);
    const view = base.t(); // [3, 2], strides [1, 3]
    const v0 = base.version;
    addInPlace(
      view,
      tensor([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      1,
    );
    expect(base.toArray()).toEqual([
      [1, 3, 5],
      [2, 4, 6],
    ]);
    expect(base.version).toBe(v0 + 1);
    expect(view.version).toBe(v0 + 1);
    mulInPlace(view, tensor([10, 100]));
    expect(base.toArray()).toEqual([
      [10, 30, 50],
      [200, 400, 600],
    ]);
    divInPlace(view, 10);
    expect(base.toArray()).toEqual([
      [1, 3, 5],
      [20, 40, 60],
    ]);
    copyInPlace(view.narrow(0, 1, 1), tensor([[-1, -2]]));
    expect(base.toArray()).toEqual([
      [1, -1, 5],
      [20, -2, 60],
    ]);
    expect(base.version).toBe(v0 + 4);
  });
  it('keeps int arithmetic exact and wraps, and accepts bool other', () => {
    const x = i32([1, 2]);
    addInPlace(x, i32([2147483647, 1]), 1);
    expect(x.toArray()).toEqual([-2147483648, 3]);
    addInPlace(x, i32([1, 1]), -3);
    expect(x.toArray()).toEqual([2147483645, 0]);
    mulInPlace(x, bool([true, false]));
    expect(x.toArray()).toEqual([2147483645, 0]);
    expect(x.dtype).toBe('int32');
  });
  it('computes float32 += float64 in double and rounds once', () => {
    const x = tensor([1]);
    addInPlace(x, f64([1e-9]), 1);
    expect(x.data[0]).toBe(Math.fround(1 + 1e-9));
    expect(x.dtype).toBe('float32');
  });
  it('rejects results that need a wider dtype than the target', () => {
    expect(() => addInPlace(i32([1]), 1.5, 1)).toThrowError(
      "addInPlace: result type float32 can't be cast to the desired output type int32 (self int32 [1], other scalar 1.5)",
    );
    expect(() => divInPlace(i32([1]), 2)).toThrowError(
      "divInPlace: result type float32 can't be cast to the desired output type int32 (self int32 [1], other scalar 2)",
    );
    expect(() => mulInPlace(i32([1]), tensor(2))).toThrowError(/^mulInPlace: result type float32 can't be cast/);
    expect(() => addInPlace(bool([true]), 1, 1)).toThrowError(
      /^addInPlace: result type int64 can't be cast to the desired output type bool/,
    );
    expect(() => addInPlace(i32([1]), 1, 0.5)).toThrowError(
      'addInPlace: for integral input tensors, argument alpha must not be a floating point number (got 0.5)',
    );
  });
  it('rejects other that does not broadcast to the target shape', () => {
    expect(() => addInPlace(zeros([2]), zeros([2, 2]), 1)).toThrowError(
      "addInPlace: output with shape [2] doesn't match the broadcast shape [2,2] (self [2], other [2,2])",
    );
    expect(() => copyInPlace(zeros([2]), zeros([2, 2]))).toThrowError(
      "copyInPlace: output with shape [2] doesn't match the broadcast shape [2,2] (self [2], src [2,2])",
    );
    expect(() => mulInPlace(zeros([2]), zeros([3]))).toThrowError(
      /^mulInPlace: shapes \[2\] and \[3\] do not broadcast/,
    );
  });
  it('rejects writing into an expanded tensor', () => {
    const x = expand(zeros([1]), [3]);
    expect(() => addInPlace(x, 1, 1)).toThrowError(
      'addInPlace: unsupported operation: more than one element of the written-to tensor refers to a single memory location (shape [3], strides [0]); clone() the tensor first',
    );
    expect(() => copyInPlace(x, tensor([1, 2, 3]))).toThrowError(/^copyInPlace: unsupported operation/);
  });
  it('fills an expanded tensor with a scalar, as PyTorch fill_ and zero_ do (issue 18)', () => {
    const base = zeros([1]);
    copyInPlace(expand(base, [3]), 4);
    expect(base.toArray()).toEqual([4]);
    expand(base, [2, 3]).zeroInPlace();
    expect(base.toArray()).toEqual([0]);
  });
  it('refuses subtraction with one bool operand, as PyTorch (issue 18)', () => {
    const message = /^sub: Subtraction, the `-` operator, with a bool tensor is not supported/;
    expect(() => sub(tensor([true, false]), 1)).toThrowError(message);
    expect(() => sub(tensor([1, 2]), true)).toThrowError(message);
    expect(() => sub(1, tensor([true]))).toThrowError(message);
    expect(() => tensor([1, 2]).subInPlace(true)).toThrowError(/^subInPlace: Subtraction/);
    expect(() => tensor([true]).subInPlace(tensor([1]))).toThrowError(/^subInPlace: Subtraction/);
    expect(() => tensor([true, false]).subInPlace(true)).toThrowError(
      /^subInPlace: subtraction with two bool tensors is not supported/,
    );
    expect(
      tensor([3, 4])
        .subInPlace(tensor([1, 1]), 2)
        .toArray(),
    ).toEqual([1, 2]);
  });
  it('int32 scalars that int32 cannot hold are refused, as PyTorch (issue 18)', () => {
    const x = zeros([2], { dtype: 'int32' });
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY, 3e9, -2147483649]) {
      expect(() => x.fillInPlace(v)).toThrowError(/value cannot be converted to type int32 without overflow/);
      expect(() => x.set('0', v)).toThrowError(/^set: value cannot be converted to type int32/);
    }
    // An integral exponent stays int32 (a NaN or infinite one gives float32, as PyTorch).
    expect(() => pow(x, 3e9)).toThrowError(/^pow: value cannot be converted to type int32/);
    expect(pow(x, Number.NaN).dtype).toBe('float32');
    x.fillInPlace(2.7);
    expect(x.toArray()).toEqual([2, 2]);
    x.set('1', -2147483648);
    expect(x.toArray()).toEqual([2, -2147483648]);
  });
  it('copyInPlace converts dtypes, fills with scalars and broadcasts', () => {
    const x = zeros([2, 3], { dtype: 'int32' });
    copyInPlace(x, tensor([1.7, -1.7, 2.5]));
    expect(x.toArray()).toEqual([
      [1, -1, 2],
      [1, -1, 2],
    ]);
    copyInPlace(x, 7.9);
    expect(x.toArray()).toEqual([
      [7, 7, 7],
      [7, 7, 7],
    ]);
    const b = zeros([2], { dtype: 'bool' });
    copyInPlace(b, tensor([0.5, 0]));
    expect(b.toArray()).toEqual([true, false]);
    copyInPlace(b, true);
    expect(b.toArray()).toEqual([true, true]);
    const f = zeros([2]);
    copyInPlace(f, 0.1);
    expect(f.data[0]).toBe(Math.fround(0.1));
  });
  it('is safe when the source overlaps the target', () => {
    // x[1:] = x[:-1] must shift, not smear
    const x = arange(5);
    copyInPlace(x.narrow(0, 1, 4), x.narrow(0, 0, 4));
    expect(x.toArray()).toEqual([0, 0, 1, 2, 3]);
    // m += m.t() reads the original transpose
    const m = tensor([
      [1, 2],
      [3, 4],
    ]);
    addInPlace(m, m.t(), 1);
    expect(m.toArray()).toEqual([
      [2, 5],
      [5, 8],
    ]);
    // x *= x (same layout) squares
    const s = tensor([2, 3]);
    mulInPlace(s, s);
    expect(s.toArray()).toEqual([4, 9]);
  });
  it('Tensor methods delegate and chain', () => {
    const x = new Tensor(new Float32Array([1, 2, 3, 4]), [2, 2]);
    x.addInPlace(1)
      .mulInPlace(2)
      .subInPlace(tensor([1, 1]), 2)
      .divInPlace(2);
    expect(x.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    x.zeroInPlace();
    expect(x.toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    x.fillInPlace(3);
    expect(x.toArray()).toEqual([
      [3, 3],
      [3, 3],
    ]);
  });
});

describe('detached storage (issue 18)', () => {
  it('an operand whose buffer was transferred away is an error, not NaN', () => {
    const x = tensor([1, 2]);
    structuredClone(x.data.buffer, { transfer: [x.data.buffer as ArrayBuffer] });
    expect(() => add(x, 1)).toThrowError(/^add: the storage of input .* is a detached ArrayBuffer/);
    expect(() => copyInPlace(zeros([2]), x)).toThrowError(/^copyInPlace: the storage of src/);
  });
});
