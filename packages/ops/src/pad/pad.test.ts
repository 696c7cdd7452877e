import { Tensor, TorchletError, tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { type PadMode, pad, padBackward } from './pad.js';

const x = tensor([
  [
    [1, 2, 3],
    [4, 5, 6],
  ],
]); // [1, 2, 3]

describe('pad', () => {
  it('pads the last dims with a constant, pads listed from the last dim backwards', () => {
    expect(pad(x, [1, 0, 0, 1]).toArray()).toEqual([
      [
        [0, 1, 2, 3],
        [0, 4, 5, 6],
        [0, 0, 0, 0],
      ],
    ]);
    expect(pad(x, [0, 1], { value: -1 }).toArray()).toEqual([
      [
        [1, 2, 3, -1],
        [4, 5, 6, -1],
      ],
    ]);
    expect(pad(x, [0, 0, 0, 0, 1, 0]).shape).toEqual([2, 2, 3]);
  });
  it('crops with negative constant pads', () => {
    expect(pad(x, [-1, 1, -1, 0]).toArray()).toEqual([[[5, 6, 0]]]);
  });
  it('reflects without repeating the edge', () => {
    expect(pad(x, [2, 2, 1, 1], { mode: 'reflect' }).toArray()).toEqual([
      [
        [6, 5, 4, 5, 6, 5, 4],
        [3, 2, 1, 2, 3, 2, 1],
        [6, 5, 4, 5, 6, 5, 4],
        [3, 2, 1, 2, 3, 2, 1],
      ],
    ]);
  });
  it('replicates the edge and wraps circularly', () => {
    expect(pad(x, [1, 2], { mode: 'replicate' }).toArray()).toEqual([
      [
        [1, 1, 2, 3, 3, 3],
        [4, 4, 5, 6, 6, 6],
      ],
    ]);
    expect(pad(x, [3, 1, 1, 0], { mode: 'circular' }).toArray()).toEqual([
      [
        [4, 5, 6, 4, 5, 6, 4],
        [1, 2, 3, 1, 2, 3, 1],
        [4, 5, 6, 4, 5, 6, 4],
      ],
    ]);
  });
  it('pads 4-D batches and float64, and reads non-contiguous views', () => {
    const y = new Tensor(new Float64Array([1, 3, 2, 4]), [1, 1, 2, 2], [4, 4, 1, 2]); // [[1,2],[3,4]]
    const p = pad(y, [1, 0, 0, 0], { mode: 'replicate' });
    expect(p.dtype).toBe('float64');
    expect(p.toArray()).toEqual([
      [
        [
          [1, 1, 2],
          [3, 3, 4],
        ],
      ],
    ]);
  });
  it('rejects bad arguments with named errors', () => {
    const bad = (f: () => unknown, m: string) => {
      expect(f).toThrowError(TorchletError);
      expect(f).toThrowError(m);
    };
    bad(
      () => pad(x, [3, 0], { mode: 'reflect' }),
      'pad: reflect padding must be smaller than the padded dimension: pads 3 and 0 on dimension 2 of size 3 (input [1,2,3], pads [3,0])',
    );
    bad(() => pad(x, [4, 0], { mode: 'circular' }), 'pad: circular padding must be at most the padded dimension');
    bad(() => pad(x, [1]), 'pad: pads must be an even-length list of integers');
    bad(() => pad(x, [1, 1, 1, 1, 1, 1, 1, 1]), 'pad: pads has 8 entries, more than 2 per dimension of the 3-D input');
    bad(() => pad(x, [-4, 0]), 'pad: dimension 2 of size 3 with pads -4 and 0 would have negative size -1');
    bad(
      () => pad(tensor([1, 2, 3]), [1, 1], { mode: 'reflect' }),
      'pad: reflect padding of the last 1 dimension(s) expects a 2-D or 3-D input, got 1-D',
    );
    bad(
      () => pad(x, [1, 1], { mode: 'wrap' as 'circular' }),
      'pad: mode must be one of constant, reflect, replicate, circular',
    );
    bad(() => pad(x, [1, 1], { mode: 'reflect', value: 2 }), 'pad: value is only used by constant mode');
  });
});

describe('padBackward', () => {
  it('accumulates reflected, replicated and wrapped borders into their sources', () => {
    const up = tensor([[[1, 10, 100, 1000, 10000]]]);
    expect(padBackward(up, [1, 1, 3], [1, 1], { mode: 'reflect' }).toArray()).toEqual([[[10, 1 + 100 + 10000, 1000]]]);
    expect(padBackward(up, [1, 1, 3], [1, 1], { mode: 'replicate' }).toArray()).toEqual([[[11, 100, 11000]]]);
    expect(padBackward(up, [1, 1, 3], [1, 1], { mode: 'circular' }).toArray()).toEqual([[[10010, 100, 1001]]]);
    expect(padBackward(up, [1, 1, 3], [1, 1]).toArray()).toEqual([[[10, 100, 1000]]]);
    expect(padBackward(tensor([[[7, 8]]]), [1, 1, 3], [-1, 0]).toArray()).toEqual([[[0, 7, 8]]]);
  });
  it('checks the upstream shape', () => {
    expect(() => padBackward(tensor([[[1, 2]]]), [1, 1, 3], [1, 1])).toThrowError(
      'padBackward: upstream has shape [1,1,2] but padding [1,1,3] with pads [1,1] gives [1,1,5]',
    );
  });
});

describe('negative pads crop in every mode, as PyTorch (issue 18)', () => {
  // Expected values from PyTorch 1.13's F.pad on arange(5).reshape(1, 1, 5).
  const x = tensor([[[0, 1, 2, 3, 4]]]);
  const cases: [PadMode, [number, number], number[]][] = [
    ['reflect', [-1, 2], [1, 2, 3, 4, 3, 2]],
    ['reflect', [2, -1], [2, 1, 0, 1, 2, 3]],
    ['reflect', [-2, -1], [2, 3]],
    ['reflect', [-3, 1], [3, 4, 3]],
    ['replicate', [-1, 2], [1, 2, 3, 4, 4, 4]],
    ['replicate', [2, -1], [0, 0, 0, 1, 2, 3]],
    ['replicate', [-3, 1], [3, 4, 4]],
    ['circular', [-1, 2], [1, 2, 3, 4, 1, 2]],
    ['circular', [2, -1], [2, 3, 0, 1, 2, 3]],
    ['circular', [-2, -1], [2, 3]],
    ['circular', [-3, 1], [3, 4, 3]],
  ];
  it.each(cases)('%s %j', (mode, pads, want) => {
    expect(pad(x, pads, { mode }).toArray()).toEqual([[want]]);
  });
  it('crops and reflects in two dimensions', () => {
    const y = tensor([
      [
        [
          [0, 1, 2],
          [3, 4, 5],
          [6, 7, 8],
        ],
      ],
    ]);
    expect(pad(y, [-1, 1, 1, -1], { mode: 'reflect' }).toArray()).toEqual([
      [
        [
          [4, 5, 4],
          [1, 2, 1],
          [4, 5, 4],
        ],
      ],
    ]);
  });
  it('a sparse or non-integer pads list is a TorchletError', () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    expect(() => pad(x, [, 3] as number[])).toThrowError(/^pad: pads must be an even-length list of integers/);
    expect(() => pad(x, [1n, 2n] as unknown as number[])).toThrowError(/got \[1n,2n\]/);
    expect(() => pad(x, [1, 1], null as never)).toThrowError('pad: expected an options object, got null');
  });
});
