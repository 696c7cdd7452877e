import { Tensor, TorchletError, tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { conv2dKernels } from '../conv2d/params.js';
import {
  convTranspose2d,
  convTranspose2dBackwardBias,
  convTranspose2dBackwardInput,
  convTranspose2dBackwardWeight,
  convTranspose2dOutputShape,
} from './conv-transpose2d.js';

describe.each(conv2dKernels)('convTranspose2d, %s kernel', (kernel) => {
  it("scatters the kernel, d2l's transposed-convolution example", () => {
    const x = tensor([
      [
        [
          [0, 1],
          [2, 3],
        ],
      ],
    ]);
    const k = tensor([
      [
        [
          [0, 1],
          [2, 3],
        ],
      ],
    ]);
    expect(convTranspose2d(x, k, null, { kernel }).toArray()).toEqual([
      [
        [
          [0, 0, 1],
          [0, 4, 6],
          [4, 12, 9],
        ],
      ],
    ]);
    expect(convTranspose2d(x, k, null, { padding: 1, kernel }).toArray()).toEqual([[[[4]]]]);
    expect(convTranspose2d(x, k, null, { stride: 2, kernel }).toArray()).toEqual([
      [
        [
          [0, 0, 0, 1],
          [0, 0, 2, 3],
          [0, 2, 0, 3],
          [4, 6, 6, 9],
        ],
      ],
    ]);
  });
  it('adds bias, outputPadding and handles unbatched input', () => {
    const x = tensor([[[1, 2]]]);
    const k = tensor([[[[1, 1]]]]);
    expect(convTranspose2d(x, k, tensor([10]), { stride: 2, outputPadding: [0, 1], kernel }).toArray()).toEqual([
      [[11, 11, 12, 12, 10]],
    ]);
  });
  it('computes its backward kernels by hand', () => {
    const x = tensor([[[[1, 2]]]], { dtype: 'float64' });
    const k = tensor([[[[1, 10]]]], { dtype: 'float64' });
    const up = tensor([[[[1, 2, 3]]]], { dtype: 'float64' }); // out = [x0, 10x0 + x1, 10x1]
    expect(convTranspose2dBackwardInput(up, x, k, { kernel }).toArray()).toEqual([[[[21, 32]]]]);
    expect(convTranspose2dBackwardWeight(up, x, k, { kernel }).toArray()).toEqual([[[[5, 8]]]]);
    expect(convTranspose2dBackwardBias(up).toArray()).toEqual([6]);
  });
});

describe('convTranspose2d validation', () => {
  const x = new Tensor(new Float32Array(18), [1, 2, 3, 3]);
  const w = new Tensor(new Float32Array(2 * 4 * 9), [2, 4, 3, 3]);
  it('computes the output shape', () => {
    expect(convTranspose2dOutputShape([1, 2, 3, 3], [2, 4, 3, 3], { stride: 2, padding: 1, outputPadding: 1 })).toEqual(
      [1, 4, 6, 6],
    );
    expect(convTranspose2dOutputShape([2, 3, 3], [2, 2, 3, 3], { groups: 2 })).toEqual([4, 5, 5]);
  });
  it('rejects bad arguments with named errors', () => {
    const bad = (f: () => unknown, m: string) => {
      expect(f).toThrowError(TorchletError);
      expect(f).toThrowError(m);
    };
    bad(
      () => convTranspose2d(x, w, null, { outputPadding: 1 }),
      'convTranspose2d: outputPadding must be smaller than either stride or dilation, got outputPadding [1,1], stride [1,1], dilation [1,1]',
    );
    expect(convTranspose2d(x, w, null, { outputPadding: 1, dilation: 2 }).shape).toEqual([1, 4, 8, 8]);
    bad(
      () => convTranspose2d(x, new Tensor(new Float32Array(36), [1, 4, 3, 3])),
      'convTranspose2d: weight has 1 input channels but input has 2 (input [1,2,3,3], weight [1,4,3,3])',
    );
    bad(
      () => convTranspose2d(x, w, null, { groups: 4 }),
      "convTranspose2d: groups=4 must divide the input's 2 channels",
    );
    bad(() => convTranspose2d(x, w, null, { padding: 3 }), 'convTranspose2d: output size [-1,-1] is too small');
    bad(() => convTranspose2d(x, w, null, { stride: 0 }), 'convTranspose2d: stride must be positive integers, got 0');
    bad(
      () => convTranspose2d(x, w, new Tensor(new Float32Array(2), [2])),
      'convTranspose2d: bias must be 1-D with 4 elements',
    );
    bad(
      () => convTranspose2d(x, new Tensor(new Float64Array(72), [2, 4, 3, 3])),
      'convTranspose2d: weight is float64 but input is float32',
    );
    bad(
      () => convTranspose2d(new Tensor(new Float32Array(9), [3, 3]), w),
      'convTranspose2d: expected 3-D (unbatched) or 4-D (batched) input',
    );
    bad(
      () => convTranspose2dBackwardInput(new Tensor(new Float32Array(4), [1, 4, 1, 1]), x.shape, w),
      'convTranspose2dBackwardInput: upstream has shape [1,4,1,1] but convTranspose2d of input [1,2,3,3] with weight [2,4,3,3] gives [1,4,5,5]',
    );
  });
});
