import { describe, expect, it } from 'vitest';
import { arange, flip, ones, roll, shapeSize, type Tensor, tensor, tril, triu, zeros } from './index.js';

const m23 = () => arange(6).reshape([2, 3]); // [[0,1,2],[3,4,5]]

function indices(shape: readonly number[]): number[][] {
  const out: number[][] = [];
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < shapeSize(shape); k++) {
    out.push([...idx]);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

const at = (t: Tensor, idx: readonly number[]) => t.data[idx.reduce((p, v, d) => p + v * t.strides[d], t.offset)];
const mod = (a: number, n: number) => ((a % n) + n) % n;

/** Non-contiguous inputs of a few shapes: transposed, permuted, narrowed. */
function stridedInputs(): Tensor[] {
  const base = arange(120).reshape([2, 3, 4, 5]);
  return [
    m23().t(),
    base.permute([3, 1, 0, 2]),
    base.narrow(3, 1, 3).transpose(0, 2),
    arange(7).narrow(0, 2, 4),
    base.permute([2, 3, 0, 1]).narrow(0, 1, 2),
  ];
}

describe('tril and triu', () => {
  it('keep the PyTorch triangles for square and rectangular matrices', () => {
    expect(tril(ones([3, 3])).toArray()).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [1, 1, 1],
    ]);
    expect(triu(ones([3, 3])).toArray()).toEqual([
      [1, 1, 1],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    expect(tril(m23(), 1).toArray()).toEqual([
      [0, 1, 0],
      [3, 4, 5],
    ]);
    expect(triu(m23(), -1).toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(triu(m23(), 1).toArray()).toEqual([
      [0, 1, 2],
      [0, 0, 5],
    ]);
    expect(tril(m23(), -5).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(triu(m23(), 7).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });
  it('are batched over leading dims, copy, and keep dtype', () => {
    const x = arange(8, undefined, 1, { dtype: 'int32' }).reshape([2, 2, 2]);
    const y = tril(x);
    expect(y.toArray()).toEqual([
      [
        [0, 0],
        [2, 3],
      ],
      [
        [4, 0],
        [6, 7],
      ],
    ]);
    expect(y.dtype).toBe('int32');
    expect(y.data).not.toBe(x.data);
    expect(x.toArray()).toEqual([
      [
        [0, 1],
        [2, 3],
      ],
      [
        [4, 5],
        [6, 7],
      ],
    ]);
    expect(
      triu(
        tensor([
          [true, true],
          [true, true],
        ]),
      ).toArray(),
    ).toEqual([
      [true, true],
      [false, true],
    ]);
    expect(tril(zeros([0, 3])).shape).toEqual([0, 3]);
  });
  it('match the index definition on strided inputs', () => {
    for (const x of stridedInputs().filter((t) => t.ndim >= 2)) {
      for (const k of [-2, 0, 1]) {
        const lo = tril(x, k);
        const up = triu(x, k);
        const n = x.ndim;
        for (const idx of indices(x.shape)) {
          const j = idx[n - 1] - idx[n - 2];
          expect(at(lo, idx)).toBe(j <= k ? at(x, idx) : 0);
          expect(at(up, idx)).toBe(j >= k ? at(x, idx) : 0);
        }
      }
    }
  });
  it('need at least 2 dims and an integer diagonal', () => {
    expect(() => tril(arange(3))).toThrowError(
      'tril: expected a tensor with at least 2 dimensions, but got 1 (input [3])',
    );
    expect(() => triu(tensor(1))).toThrowError(/^triu: expected a tensor with at least 2 dimensions, but got 0/);
    expect(() => tril(m23(), 0.5)).toThrowError('tril: expected an integer, got 0.5');
  });
});

describe('flip', () => {
  it('reverses the given dims into a copy', () => {
    const x = m23();
    expect(flip(x, 0).toArray()).toEqual([
      [3, 4, 5],
      [0, 1, 2],
    ]);
    expect(flip(x, -1).toArray()).toEqual([
      [2, 1, 0],
      [5, 4, 3],
    ]);
    expect(flip(x, [0, 1]).toArray()).toEqual([
      [5, 4, 3],
      [2, 1, 0],
    ]);
    expect(flip(x, []).toArray()).toEqual(x.toArray());
    expect(flip(x, 0).data).not.toBe(x.data);
    expect(flip(zeros([0, 2]), 0).shape).toEqual([0, 2]);
    expect(flip(tensor(3), []).toArray()).toBe(3);
  });
  it('matches the index definition on strided inputs', () => {
    for (const x of stridedInputs()) {
      const dims = x.shape.map((_, i) => i).filter((i) => i % 2 === 0);
      const y = flip(x, dims);
      for (const idx of indices(x.shape)) {
        const src = idx.map((v, d) => (dims.includes(d) ? x.shape[d] - 1 - v : v));
        expect(at(y, idx)).toBe(at(x, src));
      }
    }
  });
  it('rejects repeated and out-of-range dims', () => {
    expect(() => flip(m23(), [0, -2])).toThrowError('flip: dim 0 appears multiple times in the list of dims [0,-2]');
    expect(() => flip(m23(), 2)).toThrowError(/^flip: dimension out of range/);
  });
});

describe('roll', () => {
  it('rolls the flattened tensor when no dims are given', () => {
    expect(roll(tensor([5, 3]), 1).toArray()).toEqual([3, 5]);
    expect(roll(m23(), 1).toArray()).toEqual([
      [5, 0, 1],
      [2, 3, 4],
    ]);
    expect(roll(m23(), -7).toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 0],
    ]);
    expect(roll(m23().t(), 1).toArray()).toEqual([
      [5, 0],
      [3, 1],
      [4, 2],
    ]);
  });
  it('rolls each named dim (PyTorch values)', () => {
    // torch.arange(6).reshape(2,3).roll((1,1),(0,1)) -> [[5,3,4],[2,0,1]]
    expect(roll(m23(), [1, 1], [0, 1]).toArray()).toEqual([
      [5, 3, 4],
      [2, 0, 1],
    ]);
    expect(roll(m23(), [1, -1], [0, 1]).toArray()).toEqual([
      [4, 5, 3],
      [1, 2, 0],
    ]);
    expect(roll(m23(), 1, 1).toArray()).toEqual([
      [2, 0, 1],
      [5, 3, 4],
    ]);
    // repeated dims add up
    expect(roll(m23(), [1, 1], [1, 1]).toArray()).toEqual(roll(m23(), 2, 1).toArray());
    expect(roll(zeros([0, 3]), 1, 1).shape).toEqual([0, 3]);
    expect(roll(tensor(2), 3).toArray()).toBe(2);
  });
  it('matches the index definition on strided inputs', () => {
    for (const x of stridedInputs()) {
      const shifts = x.shape.map((_, d) => 2 * d - 3);
      const dims = x.shape.map((_, d) => d);
      const y = roll(x, shifts, dims);
      for (const idx of indices(x.shape)) {
        const src = idx.map((v, d) => mod(v - shifts[d], x.shape[d]));
        expect(at(y, idx)).toBe(at(x, src));
      }
    }
  });
  it('needs shifts and dims to align', () => {
    expect(() => roll(m23(), 1, [0, 1])).toThrowError('roll: shifts and dims must align (shifts [1], dims [0,1])');
    expect(() => roll(m23(), [1, 2])).toThrowError(
      'roll: shifts and dims must align: got 2 shifts [1,2] but no dims (one shift rolls the flattened tensor)',
    );
    expect(() => roll(m23(), [])).toThrowError('roll: expected at least one shift');
    expect(() => roll(m23(), 0.5)).toThrowError('roll: shifts must be integers, got [0.5]');
    expect(() => roll(m23(), 1, 2)).toThrowError(/^roll: dimension out of range/);
  });
});
