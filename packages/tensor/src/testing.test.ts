import { describe, expect, it } from 'vitest';
import { tensor } from './create.js';
import { TorchletError } from './errors.js';
import { Tensor } from './tensor.js';
import { assertClose } from './testing.js';

const failure = (fn: () => void): TorchletError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof TorchletError) return e;
    throw e;
  }
  throw new Error('expected assertClose to throw');
};

describe('assertClose', () => {
  it('passes for equal and nearly equal values in any input form', () => {
    assertClose(
      tensor([
        [1, 2],
        [3, 4],
      ]),
      [
        [1, 2],
        [3, 4],
      ],
    );
    assertClose(tensor([1, 2]), new Float64Array([1, 2 + 1e-5]));
    assertClose([1e-9], [0]); // within atol
    assertClose(3, tensor([3], { shape: [] }));
    assertClose(tensor([true, false]), [1, 0]);
    assertClose([], tensor([]));
    assertClose(tensor([1, 2], { dtype: 'int32' }), tensor([1, 2], { dtype: 'float64' }));
  });
  it('compares views in logical order', () => {
    const x = tensor([1, 2, 3, 4], { shape: [2, 2] });
    assertClose(new Tensor(x.data, [2, 2], [1, 2], 0), [
      [1, 3],
      [2, 4],
    ]);
    expect(() =>
      assertClose(new Tensor(x.data, [2, 2], [1, 2], 0), [
        [1, 2],
        [3, 4],
      ]),
    ).toThrowError(/2 of 4 elements differ/);
  });
  it('uses |a - e| <= atol + rtol * |e| (relative to expected)', () => {
    assertClose([110], [100], { rtol: 0.1, atol: 0 });
    expect(() => assertClose([100], [110], { rtol: 0.09, atol: 0 })).toThrowError(TorchletError);
    assertClose([1.5], [1], { rtol: 0, atol: 0.5 });
    expect(() => assertClose([1.5000001], [1], { rtol: 0, atol: 0.5 })).toThrowError(/1 of 1 elements differ/);
  });
  it('names shapes when they differ', () => {
    expect(() => assertClose(tensor([[1, 2, 3]]), [[1], [2], [3]])).toThrowError(
      'assertClose: shapes differ: actual [1,3] vs expected [3,1]',
    );
    expect(() => assertClose([1, 2], [[1, 2]])).toThrowError(/shapes differ: actual \[2\] vs expected \[1,2\]/);
  });
  it('reports count, worst multi-index, values and differences', () => {
    const e = failure(() =>
      assertClose(
        tensor([
          [1, 2, 3],
          [4, 5, 7],
        ]),
        [
          [1, 2.1, 3],
          [4, 5, 6],
        ],
      ),
    );
    expect(e.fn).toBe('assertClose');
    expect(e.message).toBe(
      'assertClose: 2 of 6 elements differ (rtol 0.00001, atol 1e-8)\n' +
        '  worst at [1, 2]: actual 7, expected 6, abs diff 1, rel diff 0.16666666666666666',
    );
  });
  it('treats NaN as equal only to NaN (unless equalNan is false) and matches equal infinities', () => {
    assertClose([Number.NaN, Number.POSITIVE_INFINITY], [Number.NaN, Number.POSITIVE_INFINITY]);
    const e = failure(() => assertClose([1, Number.NaN], [1, 2]));
    expect(e.message).toContain('worst at [1]: actual NaN, expected 2');
    expect(() => assertClose([2], [Number.NaN])).toThrowError(/1 of 1 elements differ/);
    expect(() => assertClose([Number.NaN], [Number.NaN], { equalNan: false })).toThrowError(/1 of 1/);
    expect(() => assertClose([Number.POSITIVE_INFINITY], [Number.NEGATIVE_INFINITY])).toThrowError(/1 of 1/);
    expect(() => assertClose([1e308], [Number.POSITIVE_INFINITY])).toThrowError(/1 of 1/);
  });
  it('the worst element is the one furthest outside its tolerance', () => {
    // abs diffs 1 (vs 1000) and 0.5 (vs 0.001): the second is far worse relative to its tolerance
    const e = failure(() => assertClose([1001, 0.501], [1000, 0.001], { rtol: 1e-3, atol: 0 }));
    expect(e.message).toContain('worst at [1]');
  });
  it('prefixes a context message and validates tolerances and inputs', () => {
    expect(() => assertClose([1], [2], { message: 'conv2d grad' })).toThrowError(/^assertClose: conv2d grad: 1 of 1/);
    expect(() => assertClose([1], [1], { rtol: -1 })).toThrowError('assertClose: rtol must be >= 0, got -1');
    expect(() => assertClose([1], [1], { atol: Number.NaN })).toThrowError(/atol must be >= 0/);
    expect(() => assertClose([[1], [2, 3]], [[1], [2]])).toThrowError(/assertClose: ragged nested array/);
    expect(() => assertClose('x' as never, [1])).toThrowError(/expected a tensor, an array or a number, got string/);
  });
});
