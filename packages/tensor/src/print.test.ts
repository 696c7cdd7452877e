import { describe, expect, it } from 'vitest';
import { tensor, zeros } from './create.js';
import { TorchletError } from './errors.js';
import { get } from './indexing.js';
import { formatTensor } from './print.js';
import { Tensor } from './tensor.js';

// Every expected string below was printed by PyTorch 1.13 (`repr(t)`) for a tensor with the same
// values and dtype (generated once with /usr/bin/python3 and pasted here; tests never need PyTorch).
// JS numbers in the builders are the exact float32/float64 values PyTorch held.
const cases: ReadonlyArray<readonly [string, () => Tensor, string]> = [
  [
    'd2l corr2d result (2x2)',
    () => tensor([19, 25, 37, 43], { shape: [2, 2] }),
    'tensor([[19., 25.],\n        [37., 43.]])',
  ],
  ['d2l kernel K', () => tensor([1, -1], { shape: [1, 2] }), 'tensor([[ 1., -1.]])'],
  [
    'd2l edge detection Y = corr2d(X, K), 6x7',
    () =>
      tensor(
        [
          0, 1, 0, 0, 0, -1, 0, 0, 1, 0, 0, 0, -1, 0, 0, 1, 0, 0, 0, -1, 0, 0, 1, 0, 0, 0, -1, 0, 0, 1, 0, 0, 0, -1, 0,
          0, 1, 0, 0, 0, -1, 0,
        ],
        { shape: [6, 7] },
      ),
    'tensor([[ 0.,  1.,  0.,  0.,  0., -1.,  0.],\n        [ 0.,  1.,  0.,  0.,  0., -1.,  0.],\n        [ 0.,  1.,  0.,  0.,  0., -1.,  0.],\n        [ 0.,  1.,  0.,  0.,  0., -1.,  0.],\n        [ 0.,  1.,  0.,  0.,  0., -1.,  0.],\n        [ 0.,  1.,  0.,  0.,  0., -1.,  0.]])',
  ],
  [
    'corr2d(eye(8), K), 8x7',
    () =>
      tensor(
        [
          1, 0, 0, 0, 0, 0, 0, -1, 1, 0, 0, 0, 0, 0, 0, -1, 1, 0, 0, 0, 0, 0, 0, -1, 1, 0, 0, 0, 0, 0, 0, -1, 1, 0, 0,
          0, 0, 0, 0, -1, 1, 0, 0, 0, 0, 0, 0, -1, 1, 0, 0, 0, 0, 0, 0, -1,
        ],
        { shape: [8, 7] },
      ),
    'tensor([[ 1.,  0.,  0.,  0.,  0.,  0.,  0.],\n        [-1.,  1.,  0.,  0.,  0.,  0.,  0.],\n        [ 0., -1.,  1.,  0.,  0.,  0.,  0.],\n        [ 0.,  0., -1.,  1.,  0.,  0.,  0.],\n        [ 0.,  0.,  0., -1.,  1.,  0.,  0.],\n        [ 0.,  0.,  0.,  0., -1.,  1.,  0.],\n        [ 0.,  0.,  0.,  0.,  0., -1.,  1.],\n        [ 0.,  0.,  0.,  0.,  0.,  0., -1.]])',
  ],
  [
    'corr2d(eye(8), K.t()), 7x8',
    () =>
      tensor(
        [
          1, -1, 0, 0, 0, 0, 0, 0, 0, 1, -1, 0, 0, 0, 0, 0, 0, 0, 1, -1, 0, 0, 0, 0, 0, 0, 0, 1, -1, 0, 0, 0, 0, 0, 0,
          0, 1, -1, 0, 0, 0, 0, 0, 0, 0, 1, -1, 0, 0, 0, 0, 0, 0, 0, 1, -1,
        ],
        { shape: [7, 8] },
      ),
    'tensor([[ 1., -1.,  0.,  0.,  0.,  0.,  0.,  0.],\n        [ 0.,  1., -1.,  0.,  0.,  0.,  0.,  0.],\n        [ 0.,  0.,  1., -1.,  0.,  0.,  0.,  0.],\n        [ 0.,  0.,  0.,  1., -1.,  0.,  0.,  0.],\n        [ 0.,  0.,  0.,  0.,  1., -1.,  0.,  0.],\n        [ 0.,  0.,  0.,  0.,  0.,  1., -1.,  0.],\n        [ 0.,  0.,  0.,  0.,  0.,  0.,  1., -1.]])',
  ],
  [
    'the d2l image X, 6x8',
    () =>
      tensor(
        [
          1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0,
          0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1,
        ],
        { shape: [6, 8] },
      ),
    'tensor([[1., 1., 0., 0., 0., 0., 1., 1.],\n        [1., 1., 0., 0., 0., 0., 1., 1.],\n        [1., 1., 0., 0., 0., 0., 1., 1.],\n        [1., 1., 0., 0., 0., 0., 1., 1.],\n        [1., 1., 0., 0., 0., 0., 1., 1.],\n        [1., 1., 0., 0., 0., 0., 1., 1.]])',
  ],
  ['1e-5 alone', () => tensor([9.999999747378752e-6], { shape: [1] }), 'tensor([1.0000e-05])'],
  [
    '1e-5 next to 1 (sci mode)',
    () => tensor([9.999999747378752e-6, 1], { shape: [2] }),
    'tensor([1.0000e-05, 1.0000e+00])',
  ],
  [
    '123456789 as float32 (sci mode, rounded to float32 first)',
    () => tensor([123456792], { shape: [1] }),
    'tensor([1.2346e+08])',
  ],
  [
    '123456789 as float64',
    () => tensor([123456789], { dtype: 'float64', shape: [1] }),
    'tensor([1.2346e+08], dtype=torch.float64)',
  ],
  [
    'int-valued float64 below 1e8',
    () => tensor([12345678, -3], { dtype: 'float64', shape: [2] }),
    'tensor([ 1.2346e+07, -3.0000e+00], dtype=torch.float64)',
  ],
  [
    'mixed negative and decimal',
    () => tensor([-1.5, 2.25, 0, 3.141590118408203, -0.0010000000474974513, 100], { shape: [2, 3] }),
    'tensor([[-1.5000e+00,  2.2500e+00,  0.0000e+00],\n        [ 3.1416e+00, -1.0000e-03,  1.0000e+02]])',
  ],
  [
    'mixed negative and decimal without sci mode',
    () => tensor([-1.5, 2.25, 0, 3.141590118408203, -0.5, 10], { shape: [2, 3] }),
    'tensor([[-1.5000,  2.2500,  0.0000],\n        [ 3.1416, -0.5000, 10.0000]])',
  ],
  [
    'int32 negatives',
    () => tensor([-5, 12345, 0], { dtype: 'int32', shape: [3] }),
    'tensor([   -5, 12345,     0], dtype=torch.int32)',
  ],
  [
    'bool matrix',
    () => tensor([true, false, true, false, false, true], { dtype: 'bool', shape: [2, 3] }),
    'tensor([[ True, False,  True],\n        [False, False,  True]])',
  ],
  ['float32 0.1 + 0.2', () => tensor([0.30000001192092896], { shape: [1] }), 'tensor([0.3000])'],
  [
    'float64 0.1 + 0.2',
    () => tensor([0.30000000000000004], { dtype: 'float64', shape: [1] }),
    'tensor([0.3000], dtype=torch.float64)',
  ],
  [
    'float32 thirds',
    () => tensor([0.3333333432674408, 0.6666666865348816, 1.3333333730697632], { shape: [3] }),
    'tensor([0.3333, 0.6667, 1.3333])',
  ],
  [
    '3-D tensor: blank lines between blocks',
    () =>
      tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23], {
        shape: [2, 3, 4],
      }),
    'tensor([[[ 0.,  1.,  2.,  3.],\n         [ 4.,  5.,  6.,  7.],\n         [ 8.,  9., 10., 11.]],\n\n        [[12., 13., 14., 15.],\n         [16., 17., 18., 19.],\n         [20., 21., 22., 23.]]])',
  ],
  [
    '4-D tensor: two blank lines between outer blocks',
    () => tensor([-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7], { shape: [2, 2, 2, 2] }),
    'tensor([[[[-8., -7.],\n          [-6., -5.]],\n\n         [[-4., -3.],\n          [-2., -1.]]],\n\n\n        [[[ 0.,  1.],\n          [ 2.,  3.]],\n\n         [[ 4.,  5.],\n          [ 6.,  7.]]]])',
  ],
  [
    'wide float row wraps at 80 columns',
    () => tensor(Array.from({ length: 30 }, (_, i) => i / 7)),
    'tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,\n        2.5714, 2.7143, 2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143,\n        3.8571, 4.0000, 4.1429])',
  ],
  [
    'wide int32 row wraps',
    () =>
      tensor(
        Array.from({ length: 40 }, (_, i) => i),
        { dtype: 'int32' },
      ),
    'tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17,\n        18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,\n        36, 37, 38, 39], dtype=torch.int32)',
  ],
  [
    '2-D rows wrap with 8-space continuation',
    () =>
      tensor(
        Array.from({ length: 60 }, (_, i) => i / 3),
        { shape: [2, 30] },
      ),
    'tensor([[ 0.0000,  0.3333,  0.6667,  1.0000,  1.3333,  1.6667,  2.0000,  2.3333,\n          2.6667,  3.0000,  3.3333,  3.6667,  4.0000,  4.3333,  4.6667,  5.0000,\n          5.3333,  5.6667,  6.0000,  6.3333,  6.6667,  7.0000,  7.3333,  7.6667,\n          8.0000,  8.3333,  8.6667,  9.0000,  9.3333,  9.6667],\n        [10.0000, 10.3333, 10.6667, 11.0000, 11.3333, 11.6667, 12.0000, 12.3333,\n         12.6667, 13.0000, 13.3333, 13.6667, 14.0000, 14.3333, 14.6667, 15.0000,\n         15.3333, 15.6667, 16.0000, 16.3333, 16.6667, 17.0000, 17.3333, 17.6667,\n         18.0000, 18.3333, 18.6667, 19.0000, 19.3333, 19.6667]])',
  ],
  [
    '40x40 summarised (int mode)',
    () =>
      tensor(
        Array.from({ length: 1600 }, (_, i) => i - 800),
        { shape: [40, 40] },
      ),
    'tensor([[-800., -799., -798.,  ..., -763., -762., -761.],\n        [-760., -759., -758.,  ..., -723., -722., -721.],\n        [-720., -719., -718.,  ..., -683., -682., -681.],\n        ...,\n        [ 680.,  681.,  682.,  ...,  717.,  718.,  719.],\n        [ 720.,  721.,  722.,  ...,  757.,  758.,  759.],\n        [ 760.,  761.,  762.,  ...,  797.,  798.,  799.]])',
  ],
  [
    '40x40 summarised (decimals)',
    () =>
      tensor(
        Array.from({ length: 1600 }, (_, i) => i / 7),
        { shape: [40, 40] },
      ),
    'tensor([[0.0000e+00, 1.4286e-01, 2.8571e-01,  ..., 5.2857e+00, 5.4286e+00,\n         5.5714e+00],\n        [5.7143e+00, 5.8571e+00, 6.0000e+00,  ..., 1.1000e+01, 1.1143e+01,\n         1.1286e+01],\n        [1.1429e+01, 1.1571e+01, 1.1714e+01,  ..., 1.6714e+01, 1.6857e+01,\n         1.7000e+01],\n        ...,\n        [2.1143e+02, 2.1157e+02, 2.1171e+02,  ..., 2.1671e+02, 2.1686e+02,\n         2.1700e+02],\n        [2.1714e+02, 2.1729e+02, 2.1743e+02,  ..., 2.2243e+02, 2.2257e+02,\n         2.2271e+02],\n        [2.2286e+02, 2.2300e+02, 2.2314e+02,  ..., 2.2814e+02, 2.2829e+02,\n         2.2843e+02]])',
  ],
  [
    '1-D summarised (ratio > 1000 turns on sci mode)',
    () => tensor(Array.from({ length: 2000 }, (_, i) => i)),
    'tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])',
  ],
  [
    '3-D summarised',
    () =>
      tensor(
        Array.from({ length: 1200 }, (_, i) => i / 1200),
        { shape: [10, 10, 12] },
      ),
    'tensor([[[0.0000e+00, 8.3333e-04, 1.6667e-03,  ..., 7.5000e-03,\n          8.3333e-03, 9.1667e-03],\n         [1.0000e-02, 1.0833e-02, 1.1667e-02,  ..., 1.7500e-02,\n          1.8333e-02, 1.9167e-02],\n         [2.0000e-02, 2.0833e-02, 2.1667e-02,  ..., 2.7500e-02,\n          2.8333e-02, 2.9167e-02],\n         ...,\n         [7.0000e-02, 7.0833e-02, 7.1667e-02,  ..., 7.7500e-02,\n          7.8333e-02, 7.9167e-02],\n         [8.0000e-02, 8.0833e-02, 8.1667e-02,  ..., 8.7500e-02,\n          8.8333e-02, 8.9167e-02],\n         [9.0000e-02, 9.0833e-02, 9.1667e-02,  ..., 9.7500e-02,\n          9.8333e-02, 9.9167e-02]],\n\n        [[1.0000e-01, 1.0083e-01, 1.0167e-01,  ..., 1.0750e-01,\n          1.0833e-01, 1.0917e-01],\n         [1.1000e-01, 1.1083e-01, 1.1167e-01,  ..., 1.1750e-01,\n          1.1833e-01, 1.1917e-01],\n         [1.2000e-01, 1.2083e-01, 1.2167e-01,  ..., 1.2750e-01,\n          1.2833e-01, 1.2917e-01],\n         ...,\n         [1.7000e-01, 1.7083e-01, 1.7167e-01,  ..., 1.7750e-01,\n          1.7833e-01, 1.7917e-01],\n         [1.8000e-01, 1.8083e-01, 1.8167e-01,  ..., 1.8750e-01,\n          1.8833e-01, 1.8917e-01],\n         [1.9000e-01, 1.9083e-01, 1.9167e-01,  ..., 1.9750e-01,\n          1.9833e-01, 1.9917e-01]],\n\n        [[2.0000e-01, 2.0083e-01, 2.0167e-01,  ..., 2.0750e-01,\n          2.0833e-01, 2.0917e-01],\n         [2.1000e-01, 2.1083e-01, 2.1167e-01,  ..., 2.1750e-01,\n          2.1833e-01, 2.1917e-01],\n         [2.2000e-01, 2.2083e-01, 2.2167e-01,  ..., 2.2750e-01,\n          2.2833e-01, 2.2917e-01],\n         ...,\n         [2.7000e-01, 2.7083e-01, 2.7167e-01,  ..., 2.7750e-01,\n          2.7833e-01, 2.7917e-01],\n         [2.8000e-01, 2.8083e-01, 2.8167e-01,  ..., 2.8750e-01,\n          2.8833e-01, 2.8917e-01],\n         [2.9000e-01, 2.9083e-01, 2.9167e-01,  ..., 2.9750e-01,\n          2.9833e-01, 2.9917e-01]],\n\n        ...,\n\n        [[7.0000e-01, 7.0083e-01, 7.0167e-01,  ..., 7.0750e-01,\n          7.0833e-01, 7.0917e-01],\n         [7.1000e-01, 7.1083e-01, 7.1167e-01,  ..., 7.1750e-01,\n          7.1833e-01, 7.1917e-01],\n         [7.2000e-01, 7.2083e-01, 7.2167e-01,  ..., 7.2750e-01,\n          7.2833e-01, 7.2917e-01],\n         ...,\n         [7.7000e-01, 7.7083e-01, 7.7167e-01,  ..., 7.7750e-01,\n          7.7833e-01, 7.7917e-01],\n         [7.8000e-01, 7.8083e-01, 7.8167e-01,  ..., 7.8750e-01,\n          7.8833e-01, 7.8917e-01],\n         [7.9000e-01, 7.9083e-01, 7.9167e-01,  ..., 7.9750e-01,\n          7.9833e-01, 7.9917e-01]],\n\n        [[8.0000e-01, 8.0083e-01, 8.0167e-01,  ..., 8.0750e-01,\n          8.0833e-01, 8.0917e-01],\n         [8.1000e-01, 8.1083e-01, 8.1167e-01,  ..., 8.1750e-01,\n          8.1833e-01, 8.1917e-01],\n         [8.2000e-01, 8.2083e-01, 8.2167e-01,  ..., 8.2750e-01,\n          8.2833e-01, 8.2917e-01],\n         ...,\n         [8.7000e-01, 8.7083e-01, 8.7167e-01,  ..., 8.7750e-01,\n          8.7833e-01, 8.7917e-01],\n         [8.8000e-01, 8.8083e-01, 8.8167e-01,  ..., 8.8750e-01,\n          8.8833e-01, 8.8917e-01],\n         [8.9000e-01, 8.9083e-01, 8.9167e-01,  ..., 8.9750e-01,\n          8.9833e-01, 8.9917e-01]],\n\n        [[9.0000e-01, 9.0083e-01, 9.0167e-01,  ..., 9.0750e-01,\n          9.0833e-01, 9.0917e-01],\n         [9.1000e-01, 9.1083e-01, 9.1167e-01,  ..., 9.1750e-01,\n          9.1833e-01, 9.1917e-01],\n         [9.2000e-01, 9.2083e-01, 9.2167e-01,  ..., 9.2750e-01,\n          9.2833e-01, 9.2917e-01],\n         ...,\n         [9.7000e-01, 9.7083e-01, 9.7167e-01,  ..., 9.7750e-01,\n          9.7833e-01, 9.7917e-01],\n         [9.8000e-01, 9.8083e-01, 9.8167e-01,  ..., 9.8750e-01,\n          9.8833e-01, 9.8917e-01],\n         [9.9000e-01, 9.9083e-01, 9.9167e-01,  ..., 9.9750e-01,\n          9.9833e-01, 9.9917e-01]]])',
  ],
  [
    'int32 40x40 summarised',
    () =>
      tensor(
        Array.from({ length: 1600 }, (_, i) => i),
        { dtype: 'int32', shape: [40, 40] },
      ),
    'tensor([[   0,    1,    2,  ...,   37,   38,   39],\n        [  40,   41,   42,  ...,   77,   78,   79],\n        [  80,   81,   82,  ...,  117,  118,  119],\n        ...,\n        [1480, 1481, 1482,  ..., 1517, 1518, 1519],\n        [1520, 1521, 1522,  ..., 1557, 1558, 1559],\n        [1560, 1561, 1562,  ..., 1597, 1598, 1599]], dtype=torch.int32)',
  ],
  [
    'int32 matrix',
    () => tensor([1, -20, 300, 4], { dtype: 'int32', shape: [2, 2] }),
    'tensor([[  1, -20],\n        [300,   4]], dtype=torch.int32)',
  ],
  [
    'float64 decimals',
    () => tensor([1.5, 2], { dtype: 'float64', shape: [2] }),
    'tensor([1.5000, 2.0000], dtype=torch.float64)',
  ],
  [
    'float64 integers',
    () => tensor([1, 2, 3, 4], { dtype: 'float64', shape: [2, 2] }),
    'tensor([[1., 2.],\n        [3., 4.]], dtype=torch.float64)',
  ],
  [
    'dtype suffix wraps to its own line',
    () => tensor([0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5], { dtype: 'float64' }),
    'tensor([0.5000, 1.5000, 2.5000, 3.5000, 4.5000, 5.5000, 6.5000, 7.5000, 8.5000],\n       dtype=torch.float64)',
  ],
  ['bool vector', () => tensor([true, false], { dtype: 'bool', shape: [2] }), 'tensor([ True, False])'],
  ['bool all true', () => tensor([true, true], { dtype: 'bool', shape: [2, 1] }), 'tensor([[True],\n        [True]])'],
  ['0-d float', () => tensor([3], { shape: [] }), 'tensor(3.)'],
  ['0-d decimal', () => tensor([0.5], { shape: [] }), 'tensor(0.5000)'],
  ['0-d int32', () => tensor([3], { dtype: 'int32', shape: [] }), 'tensor(3, dtype=torch.int32)'],
  ['0-d bool', () => tensor([true], { dtype: 'bool', shape: [] }), 'tensor(True)'],
  ['0-d negative zero', () => tensor([-0], { shape: [] }), 'tensor(-0.)'],
  ['empty 1-D', () => tensor([]), 'tensor([])'],
  ['empty 0x3', () => zeros([0, 3]), 'tensor([], size=(0, 3))'],
  ['empty int32', () => zeros([0], { dtype: 'int32' }), 'tensor([], dtype=torch.int32)'],
  [
    'empty float64 2x0x3',
    () => zeros([2, 0, 3], { dtype: 'float64' }),
    'tensor([], size=(2, 0, 3), dtype=torch.float64)',
  ],
  ['empty bool', () => zeros([0], { dtype: 'bool' }), 'tensor([], dtype=torch.bool)'],
  [
    'nan and inf in int mode',
    () => tensor([NaN, 1, Infinity, -Infinity], { shape: [4] }),
    'tensor([nan, 1., inf, -inf])',
  ],
  [
    'nan and inf with decimals',
    () => tensor([NaN, 1.5, -Infinity], { shape: [3] }),
    'tensor([   nan, 1.5000,   -inf])',
  ],
  [
    'nan and inf with sci mode',
    () => tensor([NaN, 9.999999747378752e-6, 1, Infinity], { shape: [4] }),
    'tensor([       nan, 1.0000e-05, 1.0000e+00,        inf])',
  ],
  ['all nan', () => tensor([NaN, NaN], { shape: [2] }), 'tensor([nan, nan])'],
  ['all zeros', () => zeros([2, 2]), 'tensor([[0., 0.],\n        [0., 0.]])'],
  ['negative zero (int mode)', () => tensor([-0, 1], { shape: [2] }), 'tensor([-0., 1.])'],
  ['negative zero (decimals)', () => tensor([-0, 1.5], { shape: [2] }), 'tensor([-0.0000, 1.5000])'],
  [
    'negative zero (sci mode)',
    () => tensor([-0, 9.999999747378752e-6], { shape: [2] }),
    'tensor([-0.0000e+00, 1.0000e-05])',
  ],
  ['half-even tie 0.03125 -> 0.0312', () => tensor([0.03125, 1], { shape: [2] }), 'tensor([0.0312, 1.0000])'],
  [
    'half-even tie -0.03125 and 0.09375',
    () => tensor([-0.03125, 0.09375], { shape: [2] }),
    'tensor([-0.0312,  0.0938])',
  ],
  [
    'half-even tie in sci mode 123445000',
    () => tensor([123445000, 1], { dtype: 'float64', shape: [2] }),
    'tensor([1.2344e+08, 1.0000e+00], dtype=torch.float64)',
  ],
  [
    'rounding carries to a new digit 9.99995',
    () => tensor([9.99995, 1], { dtype: 'float64', shape: [2] }),
    'tensor([10.0000,  1.0000], dtype=torch.float64)',
  ],
  [
    'sci rounding carries 9.99995e-5',
    () => tensor([9.99995e-5, 1], { dtype: 'float64', shape: [2] }),
    'tensor([9.9999e-05, 1.0000e+00], dtype=torch.float64)',
  ],
  [
    'float64 extremes',
    () => tensor([1e-300, -1e300], { dtype: 'float64', shape: [2] }),
    'tensor([ 1.0000e-300, -1.0000e+300], dtype=torch.float64)',
  ],
  ['float32 denormal', () => tensor([1.401298464324817e-45, 1], { shape: [2] }), 'tensor([1.4013e-45, 1.0000e+00])'],
  ['int mode with ratio > 1000', () => tensor([1, 2000], { shape: [2] }), 'tensor([1.0000e+00, 2.0000e+03])'],
  [
    'large and small decimals',
    () =>
      tensor([9.999999747378752e-5, 123.45670318603516, -99.98999786376953, 0.0005000000237487257], { shape: [2, 2] }),
    'tensor([[ 1.0000e-04,  1.2346e+02],\n        [-9.9990e+01,  5.0000e-04]])',
  ],
  [
    'min just below 1e-4',
    () => tensor([9.000000136438757e-5, 0.5], { shape: [2] }),
    'tensor([9.0000e-05, 5.0000e-01])',
  ],
  ['float32 pi', () => tensor([3.1415927410125732, -2.7182817459106445], { shape: [2] }), 'tensor([ 3.1416, -2.7183])'],
];

const EXPECT_NONCONTIG = 'tensor([[1.5000, 3.0000],\n        [2.0000, 4.0000]])';
const EXPECT_NONCONTIG2 =
  'tensor([[[ 0.,  4.,  8.],\n         [12., 16., 20.]],\n\n        [[ 2.,  6., 10.],\n         [14., 18., 22.]]])';
const EXPECT_PREC2 = 'tensor([1.12, 2.50])';
const EXPECT_PREC2B = 'tensor([1.50])';
const EXPECT_PREC0 = 'tensor([0, 2, 4])';
const EXPECT_THRESH5 = 'tensor([0, 1, 2,  ..., 7, 8, 9], dtype=torch.int32)';
const EXPECT_THRESH5F = 'tensor([[0., 1., 2., 3., 4.],\n        [5., 6., 7., 8., 9.]])';
const EXPECT_LW40 =
  'tensor([0.0000, 0.3333, 0.6667, 1.0000,\n        1.3333, 1.6667, 2.0000, 2.3333,\n        2.6667, 3.0000, 3.3333, 3.6667,\n        4.0000, 4.3333, 4.6667, 5.0000,\n        5.3333, 5.6667, 6.0000, 6.3333])';
const EXPECT_NOSCI = 'tensor([    0.0000,     1.0000])';
const EXPECT_SCI = 'tensor([1.5000e+00, 2.0000e+00])';
const EXPECT_SCIINT = 'tensor([1.0000e+00, 2.0000e+00])';
const EXPECT_RG = 'tensor([1., 2.], requires_grad=True)';

describe('formatTensor matches PyTorch', () => {
  for (const [name, build, expected] of cases) {
    it(name, () => {
      expect(formatTensor(build())).toBe(expected);
    });
  }

  it('is what Tensor.toString() returns', () => {
    expect(
      tensor([
        [19, 25],
        [37, 43],
      ]).toString(),
    ).toBe('tensor([[19., 25.],\n        [37., 43.]])');
  });

  it('prints non-contiguous views in logical order (x.t())', () => {
    const x = tensor([
      [1.5, 2],
      [3, 4],
    ]);
    const xt = new Tensor(x.data, [2, 2], [1, 2], 0);
    expect(formatTensor(xt)).toBe(EXPECT_NONCONTIG);
  });

  it('prints a permuted, stepped view (arange(24).reshape(2,3,4).permute(2,0,1)[::2])', () => {
    const base = tensor(
      Array.from({ length: 24 }, (_, i) => i),
      { shape: [2, 3, 4] },
    );
    const permuted = new Tensor(base.data, [4, 2, 3], [1, 12, 4], 0);
    expect(formatTensor(get(permuted, '::2'))).toBe(EXPECT_NONCONTIG2);
  });

  it('reads a view with an offset', () => {
    const base = tensor([9, 9, 1.25, 2.5], { shape: [4] });
    expect(formatTensor(new Tensor(base.data, [2], [1], 2))).toBe('tensor([1.2500, 2.5000])');
  });
});

describe('print options (torch.set_printoptions per call)', () => {
  it('precision 2 and 0 round half to even like Python', () => {
    expect(formatTensor(tensor([1.125, 2.5]), { precision: 2 })).toBe(EXPECT_PREC2);
    expect(formatTensor(tensor([1.5]), { precision: 2 })).toBe(EXPECT_PREC2B);
    expect(formatTensor(tensor([0.5, 2.5, 3.5]), { precision: 0 })).toBe(EXPECT_PREC0);
  });
  it('threshold summarises only dimensions longer than 2 * edgeitems', () => {
    expect(
      formatTensor(
        tensor(
          Array.from({ length: 10 }, (_, i) => i),
          { dtype: 'int32' },
        ),
        { threshold: 5 },
      ),
    ).toBe(EXPECT_THRESH5);
    expect(
      formatTensor(
        tensor(
          Array.from({ length: 10 }, (_, i) => i),
          { shape: [2, 5] },
        ),
        { threshold: 5 },
      ),
    ).toBe(EXPECT_THRESH5F);
  });
  it('linewidth', () => {
    expect(formatTensor(tensor(Array.from({ length: 20 }, (_, i) => i / 3)), { linewidth: 40 })).toBe(EXPECT_LW40);
  });
  it('sciMode leaves tensors without a non-zero finite value alone, as PyTorch (issue 18)', () => {
    expect(formatTensor(zeros([3]), { sciMode: true })).toBe('tensor([0., 0., 0.])');
    expect(formatTensor(tensor([0, Number.NaN, Number.POSITIVE_INFINITY]), { sciMode: true })).toBe(
      'tensor([0., nan, inf])',
    );
    expect(formatTensor(tensor(0), { sciMode: true })).toBe('tensor(0.)');
    expect(formatTensor(tensor([1e-5, 0]), { sciMode: true })).toBe('tensor([1.0000e-05, 0.0000e+00])');
  });

  it('sciMode forces or forbids scientific notation, keeping the automatic width', () => {
    expect(formatTensor(tensor([1e-5, 1]), { sciMode: false })).toBe(EXPECT_NOSCI);
    expect(formatTensor(tensor([1.5, 2]), { sciMode: true })).toBe(EXPECT_SCI);
    expect(formatTensor(tensor([1, 2]), { sciMode: true })).toBe(EXPECT_SCIINT);
  });
  it('appends extra suffixes such as requires_grad', () => {
    expect(formatTensor(tensor([1, 2]), { suffixes: ['requires_grad=True'] })).toBe(EXPECT_RG);
  });
  it('rejects bad options with named errors', () => {
    expect(() => formatTensor(tensor([1]), { precision: -1 })).toThrowError(
      /formatTensor: precision must be an integer/,
    );
    expect(() => formatTensor(tensor([1]), { edgeitems: 0 })).toThrowError(TorchletError);
    expect(() => formatTensor(tensor([1]), { linewidth: 0 })).toThrowError(/formatTensor: linewidth/);
  });
});
