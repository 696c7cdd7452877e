// adaptiveMaxPool2d and maxUnpool2d (+ its backward): PyTorch golden data (golden/gen_unpool_adaptive_max.py;
// the ops only move values, so every value and index must match exactly, NaN and -inf included),
// properties against maxPool2d, and the errors for bad indices and output sizes.
import { readFileSync } from 'node:fs';
import { type Tensor, TorchletError, tensor } from '@torchlet/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adaptiveMaxPool2d } from './adaptive-max-pool2d.js';
import { maxPool2d, maxPool2dBackward } from './max-pool2d.js';
import { maxUnpool2d, maxUnpool2dBackward } from './max-unpool2d.js';

type Num = number | 'NaN' | 'Infinity' | '-Infinity';
interface GoldenTensor {
  readonly shape: number[];
  readonly data: Num[];
}
interface AdaptiveCase {
  readonly input: GoldenTensor;
  readonly output_size: [number | null, number | null];
  readonly values: GoldenTensor;
  readonly indices: GoldenTensor;
  readonly upstream: GoldenTensor;
  readonly grad_input: GoldenTensor;
}
type Pair = number | [number, number];
interface UnpoolCase {
  readonly input: GoldenTensor;
  readonly indices: GoldenTensor;
  readonly kernel_size: Pair;
  readonly stride: Pair | null;
  readonly padding: Pair;
  readonly output_size: number[] | null;
  readonly output: GoldenTensor;
  readonly upstream: GoldenTensor;
  readonly grad_input: GoldenTensor;
}
const golden = JSON.parse(readFileSync(new URL('./golden/unpool_adaptive_max.json', import.meta.url), 'utf8')) as {
  adaptive: AdaptiveCase[];
  unpool: UnpoolCase[];
};

const num = (v: Num): number => (typeof v === 'number' ? v : Number(v));
const floats = (g: GoldenTensor, dtype: 'float32' | 'float64'): Tensor =>
  tensor(dtype === 'float32' ? Float32Array.from(g.data, num) : Float64Array.from(g.data, num), { shape: g.shape });
const int64 = (g: GoldenTensor): Tensor =>
  tensor(
    BigInt64Array.from(g.data, (v) => BigInt(num(v))),
    { shape: g.shape },
  );

function expectExact(actual: Tensor, expected: GoldenTensor): void {
  expect(actual.shape).toEqual(expected.shape);
  const got = Array.from(actual.toTypedArray() as ArrayLike<number | bigint>, Number);
  const want = expected.data.map(num);
  // Object.is: NaN equals NaN, and the values are moved, never computed, so they match bit for bit.
  const bad = got.findIndex((v, i) => !Object.is(v, want[i]) && !(v === 0 && want[i] === 0));
  expect(bad, `element ${bad}: got ${got[bad]}, want ${want[bad]}`).toBe(-1);
}

describe.each(['float32', 'float64'] as const)('PyTorch golden (%s)', (dtype) => {
  it('covers NaN, -inf, None sizes and overlapping windows', () => {
    expect(golden.adaptive.some((c) => c.input.data.includes('NaN'))).toBe(true);
    expect(golden.adaptive.some((c) => c.output_size.includes(null))).toBe(true);
    expect(golden.unpool.some((c) => c.output_size !== null)).toBe(true);
  });

  it.each(golden.adaptive.map((c, i) => [i, c] as const))('adaptiveMaxPool2d #%i', (_i, c) => {
    const x = floats(c.input, dtype);
    const { values, indices } = adaptiveMaxPool2d(x, c.output_size, { returnIndices: true });
    expectExact(values, c.values);
    expectExact(indices, c.indices);
    expect(indices.dtype).toBe('int64');
    expectExact(adaptiveMaxPool2d(x, c.output_size), c.values);
    // The gradient is maxPool2d's: the upstream scattered to the argmax positions.
    expectExact(maxPool2dBackward(floats(c.upstream, dtype), indices, x.shape), c.grad_input);
  });

  it.each(golden.unpool.map((c, i) => [i, c] as const))('maxUnpool2d #%i', (_i, c) => {
    const options = {
      stride: c.stride,
      padding: c.padding,
      ...(c.output_size === null ? {} : { outputSize: c.output_size }),
    };
    const y = maxUnpool2d(floats(c.input, dtype), int64(c.indices), c.kernel_size, options);
    expectExact(y, c.output);
    expect(y.dtype).toBe(dtype);
    expectExact(maxUnpool2dBackward(floats(c.upstream, dtype), int64(c.indices)), c.grad_input);
  });
});

describe('properties', () => {
  const image = fc
    .record({
      n: fc.integer({ min: 1, max: 2 }),
      c: fc.integer({ min: 1, max: 3 }),
      ho: fc.integer({ min: 1, max: 4 }),
      wo: fc.integer({ min: 1, max: 4 }),
      k: fc.integer({ min: 1, max: 3 }),
    })
    .chain((s) =>
      fc.record({
        s: fc.constant(s),
        data: fc.array(fc.integer({ min: -4, max: 4 }), {
          minLength: s.n * s.c * s.ho * s.k * s.wo * s.k,
          maxLength: s.n * s.c * s.ho * s.k * s.wo * s.k,
        }),
      }),
    );

  it('adaptiveMaxPool2d to a size that divides the input is maxPool2d with kernel = stride = the quotient', () => {
    fc.assert(
      fc.property(image, ({ s, data }) => {
        const x = tensor(Float32Array.from(data), { shape: [s.n, s.c, s.ho * s.k, s.wo * s.k] });
        const a = adaptiveMaxPool2d(x, [s.ho, s.wo], { returnIndices: true });
        const m = maxPool2d(x, s.k, { returnIndices: true, kernel: 'js' });
        expect(a.values.toArray()).toEqual(m.values.toArray());
        expect(a.indices.toArray()).toEqual(m.indices.toArray());
      }),
    );
  });

  it('maxUnpool2d after maxPool2d keeps each window maximum at its place and zeros elsewhere', () => {
    fc.assert(
      fc.property(image, ({ s, data }) => {
        const x = tensor(Float32Array.from(data), { shape: [s.n, s.c, s.ho * s.k, s.wo * s.k] });
        const { values, indices } = maxPool2d(x, s.k, { returnIndices: true });
        const y = maxUnpool2d(values, indices, s.k);
        expect(y.shape).toEqual(x.shape);
        // Every non-zero output is the input value at the same position (a window maximum put back).
        const xs = x.toTypedArray() as Float32Array;
        const ys = Array.from(y.toTypedArray() as Float32Array);
        const kept = ys.filter((v, i) => v !== 0 && v !== xs[i]);
        expect(kept).toEqual([]);
        const back = maxUnpool2dBackward(y, indices);
        expect(back.toArray()).toEqual(values.toArray());
      }),
    );
  });

  it('maxUnpool2dBackward is the adjoint of maxUnpool2d: <unpool(v), g> = <v, unpoolBackward(g)>', () => {
    fc.assert(
      fc.property(image, fc.integer({ min: 0, max: 1000 }), ({ s, data }, seed) => {
        const x = tensor(
          Float64Array.from(data, (d, i) => d + ((i * 7919 + seed) % 13) / 16),
          {
            shape: [s.n, s.c, s.ho * s.k, s.wo * s.k],
          },
        );
        const { values, indices } = maxPool2d(x, s.k, { returnIndices: true });
        const g = tensor(
          Float64Array.from({ length: x.numel }, (_, i) => ((i * 31 + seed) % 17) - 8),
          {
            shape: x.shape,
          },
        );
        const lhs = maxUnpool2d(values, indices, s.k).mul(g).sum().item();
        const rhs = values.mul(maxUnpool2dBackward(g, indices)).sum().item();
        expect(lhs).toBeCloseTo(rhs, 9);
      }),
    );
  });
});

describe('arguments', () => {
  const v = tensor([
    [
      [
        [1, 2],
        [3, 4],
      ],
    ],
  ]);
  const idx = tensor([
    [
      [
        [0n, 3n],
        [10n, 15n],
      ],
    ],
  ]);

  it('writes the last value where two indices meet, as PyTorch', () => {
    const y = maxUnpool2d(
      v,
      tensor([
        [
          [
            [0n, 0n],
            [5n, 5n],
          ],
        ],
      ]),
      2,
    );
    expect(y.toArray()).toEqual([
      [
        [
          [2, 0, 0, 0],
          [0, 4, 0, 0],
          [0, 0, 0, 0],
          [0, 0, 0, 0],
        ],
      ],
    ]);
  });

  it('takes unbatched input and int32 indices', () => {
    expect(maxUnpool2d(tensor([[[5]]]), tensor([[[3]]], { dtype: 'int32' }), 2).toArray()).toEqual([
      [
        [0, 0],
        [0, 5],
      ],
    ]);
  });

  it('rejects indices outside the output plane, naming the index and the plane', () => {
    expect(() =>
      maxUnpool2d(
        v,
        tensor([
          [
            [
              [0n, 3n],
              [10n, 16n],
            ],
          ],
        ]),
        2,
      ),
    ).toThrow(/maxUnpool2d.*indices.*16.*4x4/);
    expect(() =>
      maxUnpool2d(
        v,
        tensor([
          [
            [
              [0n, -1n],
              [10n, 15n],
            ],
          ],
        ]),
        2,
      ),
    ).toThrow(TorchletError);
    expect(() =>
      maxUnpool2d(
        v,
        tensor([
          [
            [
              [0n, 2n ** 40n],
              [10n, 15n],
            ],
          ],
        ]),
        2,
      ),
    ).toThrow(TorchletError);
    expect(() =>
      maxUnpool2dBackward(
        tensor([
          [
            [
              [1, 2],
              [3, 4],
            ],
          ],
        ]),
        idx,
      ),
    ).toThrow(/maxUnpool2dBackward.*indices/);
  });

  it('rejects indices of another shape or dtype', () => {
    expect(() => maxUnpool2d(v, tensor([[[0n, 3n, 10n, 15n]]]), 2)).toThrow(
      /maxUnpool2d.*indices \[1,1,4\].*input \[1,1,2,2\]/,
    );
    expect(() =>
      maxUnpool2d(
        v,
        tensor([
          [
            [
              [0, 3],
              [10, 15],
            ],
          ],
        ]),
        2,
      ),
    ).toThrow(/int64/);
    expect(() => maxUnpool2d(v, 'x' as unknown as Tensor, 2)).toThrow(TorchletError);
  });

  it('checks outputSize against the default size, as PyTorch (strictly within one stride)', () => {
    expect(maxUnpool2d(v, idx, 2, { outputSize: [5, 5] }).shape).toEqual([1, 1, 5, 5]);
    expect(maxUnpool2d(v, idx, 2, { outputSize: [1, 1, 5, 4] }).shape).toEqual([1, 1, 5, 4]);
    expect(() => maxUnpool2d(v, idx, 2, { outputSize: [6, 5] })).toThrow(/outputSize.*between 2 and 6/);
    expect(() => maxUnpool2d(v, idx, 2, { outputSize: [4, 4, 4] })).toThrow(/maxUnpool2d.*outputSize/);
    expect(() => maxUnpool2d(v, idx, 1, { padding: 1 })).toThrow(/maxUnpool2d.*0x0/);
  });

  it('rejects a stride that would need an absurd output before allocating it', () => {
    expect(() => maxUnpool2d(v, idx, 2, { stride: 2 ** 20 })).toThrow(TorchletError);
  });

  it('adaptiveMaxPool2d rejects bad sizes and keeps None', () => {
    const x = tensor([[[1, 2, 3]]]);
    expect(adaptiveMaxPool2d(x, [null, 2]).toArray()).toEqual([[[2, 3]]]);
    expect(() => adaptiveMaxPool2d(x, -1)).toThrow(/adaptiveMaxPool2d.*outputSize/);
    expect(() => adaptiveMaxPool2d(x, [1, 2, 3] as unknown as number)).toThrow(/adaptiveMaxPool2d.*\[1,2,3\]/);
    expect(() => adaptiveMaxPool2d(tensor([1, 2]), 1)).toThrow(/adaptiveMaxPool2d.*input/);
  });
});
