import { type Tensor, tensor } from '@torchlet/tensor';
import type { Variable, VariableOrTensor } from '../src/index.js';
import * as A from '../src/index.js';
import { rnd, rndAway, rndDistinct } from './random.js';

/**
 * One gradcheck case: `op` is the public name (in @torchlet/tensor or @torchlet/ops) that the
 * autograd wrapper of the same name makes differentiable; `f` uses that wrapper.
 */
export interface GradCase {
  readonly op: string;
  readonly label: string;
  readonly f: (...xs: Variable[]) => Variable | readonly Variable[];
  readonly inputs: () => VariableOrTensor[];
  /** Also run gradgradcheck (second order is claimed for this op). */
  readonly secondOrder?: boolean;
}

const f64 = (data: Parameters<typeof tensor>[0]): Tensor => tensor(data, { dtype: 'float64' });
const positive = (shape: number[], seed: number): Tensor => rnd(shape, seed, 0.5, 2);

/** Cases for the differentiable functions of @torchlet/tensor. */
export const tensorCases: readonly GradCase[] = [
  {
    op: 'add',
    label: 'broadcast [2,3] + [3]',
    f: (a, b) => A.add(a, b),
    inputs: () => [rnd([2, 3], 1), rnd([3], 2)],
    secondOrder: true,
  },
  {
    op: 'add',
    label: 'broadcast [2,1,3] + [4,1] and a number',
    f: (a, b) => A.add(A.add(a, b), 2),
    inputs: () => [rnd([2, 1, 3], 3), rnd([4, 1], 4)],
  },
  {
    op: 'sub',
    label: 'non-contiguous [3,1] - [1,4]',
    f: (a, b) => A.sub(a, b),
    inputs: () => [rnd([1, 3], 5).t(), rnd([4, 1], 6).t()],
    secondOrder: true,
  },
  {
    op: 'mul',
    label: 'broadcast, transposed',
    f: (a, b) => A.mul(a, b),
    inputs: () => [rnd([3, 2], 7).t(), rnd([3], 8)],
    secondOrder: true,
  },
  { op: 'mul', label: 'same input twice', f: (a) => A.mul(a, a), inputs: () => [rnd([2, 2], 9)], secondOrder: true },
  {
    op: 'div',
    label: 'broadcast',
    f: (a, b) => A.div(a, b),
    inputs: () => [rnd([2, 3], 10), positive([2, 1], 11)],
    secondOrder: true,
  },
  { op: 'div', label: 'number numerator', f: (b) => A.div(3, b), inputs: () => [positive([3], 12)] },
  {
    op: 'pow',
    label: 'tensor exponent, broadcast',
    f: (a, b) => A.pow(a, b),
    inputs: () => [positive([2, 3], 13), rnd([3], 14)],
    secondOrder: true,
  },
  { op: 'pow', label: 'number exponent', f: (a) => A.pow(a, 3), inputs: () => [rnd([4], 15)], secondOrder: true },
  { op: 'pow', label: 'number base', f: (b) => A.pow(2, b), inputs: () => [rnd([3], 16)] },
  { op: 'neg', label: '[2,3]', f: (a) => A.neg(a), inputs: () => [rnd([2, 3], 17)], secondOrder: true },
  { op: 'exp', label: 'non-contiguous', f: (a) => A.exp(a), inputs: () => [rnd([3, 2], 18).t()], secondOrder: true },
  { op: 'log', label: 'positive', f: (a) => A.log(a), inputs: () => [positive([2, 3], 19)], secondOrder: true },
  { op: 'sqrt', label: 'positive', f: (a) => A.sqrt(a), inputs: () => [positive([5], 20)], secondOrder: true },
  { op: 'abs', label: 'away from 0', f: (a) => A.abs(a), inputs: () => [rndAway([2, 3], 21)], secondOrder: true },
  { op: 'tanh', label: '[2,3]', f: (a) => A.tanh(a), inputs: () => [rnd([2, 3], 22)], secondOrder: true },
  { op: 'sigmoid', label: '[2,3]', f: (a) => A.sigmoid(a), inputs: () => [rnd([2, 3], 23)], secondOrder: true },
  {
    op: 'relu',
    label: 'non-contiguous, away from 0',
    f: (a) => A.relu(a),
    inputs: () => [rndAway([3, 2], 24).t()],
    secondOrder: true,
  },
  {
    op: 'clamp',
    label: 'both bounds',
    f: (a) => A.clamp(a, -0.5, 0.5),
    inputs: () => [f64([-0.9, -0.3, 0.1, 0.45, 0.8, 1.2])],
    secondOrder: true,
  },
  { op: 'clamp', label: 'min only', f: (a) => A.clamp(a, 0.1), inputs: () => [f64([-0.9, 0.3, 0.6])] },
  {
    op: 'maximum',
    label: 'broadcast',
    f: (a, b) => A.maximum(a, b),
    inputs: () => [rnd([2, 3], 25), f64([0.05, -0.33, 0.71])],
    secondOrder: true,
  },
  {
    op: 'minimum',
    label: 'broadcast with number',
    f: (a, b) => A.minimum(A.minimum(a, b), 0.3),
    inputs: () => [rnd([2, 3], 26), f64([[0.11], [-0.27]])],
    secondOrder: true,
  },
  {
    op: 'where',
    label: 'broadcast cond',
    f: (a, b) => A.where(tensor([true, false, true]), a, b),
    inputs: () => [rnd([2, 3], 27), rnd([2, 1], 28)],
    secondOrder: true,
  },
  { op: 'sum', label: 'all', f: (a) => A.sum(a), inputs: () => [rnd([2, 3], 29)], secondOrder: true },
  {
    op: 'sum',
    label: 'dims [0,2] keepdim, non-contiguous',
    f: (a) => A.sum(a, [0, 2], { keepdim: true }),
    inputs: () => [rnd([3, 2, 4], 30).permute([1, 0, 2])],
  },
  { op: 'mean', label: 'dim 1', f: (a) => A.mean(a, 1), inputs: () => [rnd([2, 3], 31)], secondOrder: true },
  { op: 'max', label: 'all', f: (a) => A.max(a), inputs: () => [rndDistinct([2, 3], 32)], secondOrder: true },
  {
    op: 'max',
    label: 'dim 0 keepdim',
    f: (a) => A.max(a, 0, { keepdim: true }),
    inputs: () => [rndDistinct([3, 2], 33)],
  },
  { op: 'min', label: 'dim -1', f: (a) => A.min(a, -1), inputs: () => [rndDistinct([2, 3], 34)], secondOrder: true },
  { op: 'prod', label: 'all', f: (a) => A.prod(a), inputs: () => [rnd([2, 3], 35)], secondOrder: true },
  {
    op: 'prod',
    label: 'dim 1 with a zero',
    f: (a) => A.prod(a, 1),
    inputs: () => [
      f64([
        [0.5, 0, 2],
        [1.5, -1, 0.7],
      ]),
    ],
    secondOrder: true,
  },
  {
    op: 'variance',
    label: 'dim 1, correction 0',
    f: (a) => A.variance(a, 1, { correction: 0 }),
    inputs: () => [rnd([2, 4], 36)],
    secondOrder: true,
  },
  { op: 'variance', label: 'all', f: (a) => A.variance(a), inputs: () => [rnd([5], 37)] },
  {
    op: 'std',
    label: 'dims [0] keepdim',
    f: (a) => A.std(a, [0], { keepdim: true }),
    inputs: () => [rnd([3, 2], 38)],
    secondOrder: true,
  },
  { op: 'cumsum', label: 'dim 1', f: (a) => A.cumsum(a, 1), inputs: () => [rnd([2, 3], 39)], secondOrder: true },
  { op: 'cumprod', label: 'no zeros', f: (a) => A.cumprod(a, 0), inputs: () => [rnd([3, 2], 40)], secondOrder: true },
  {
    op: 'cumprod',
    label: 'with a zero',
    f: (a) => A.cumprod(a, 1),
    inputs: () => [
      f64([
        [0.5, 0, 2, 1.5],
        [1.2, -0.8, 0.7, 0],
      ]),
    ],
    secondOrder: true,
  },
  {
    op: 'reshape',
    label: '[2,3] -> [3,2] of a transposed view',
    f: (a) => A.reshape(a, [3, 2]),
    inputs: () => [rnd([3, 2], 41).t()],
    secondOrder: true,
  },
  { op: 'view', label: '[6] -> [2,3]', f: (a) => A.view(a, [2, 3]), inputs: () => [rnd([6], 42)] },
  { op: 't', label: '[2,3]', f: (a) => A.t(a), inputs: () => [rnd([2, 3], 43)] },
  { op: 'transpose', label: '[2,3,4] 0<->2', f: (a) => A.transpose(a, 0, 2), inputs: () => [rnd([2, 3, 4], 44)] },
  { op: 'permute', label: '[2,3,4] -> [2,0,1]', f: (a) => A.permute(a, [2, 0, 1]), inputs: () => [rnd([2, 3, 4], 45)] },
  {
    op: 'expand',
    label: '[2,1] -> [3,2,4]',
    f: (a) => A.expand(a, [3, 2, 4]),
    inputs: () => [rnd([2, 1], 46)],
    secondOrder: true,
  },
  { op: 'squeeze', label: 'all', f: (a) => A.squeeze(a), inputs: () => [rnd([1, 3, 1], 47)] },
  { op: 'unsqueeze', label: 'dim -1', f: (a) => A.unsqueeze(a, -1), inputs: () => [rnd([3], 48)] },
  { op: 'flatten', label: 'dims 1..2', f: (a) => A.flatten(a, 1, 2), inputs: () => [rnd([2, 2, 2], 49)] },
  { op: 'narrow', label: 'dim 1', f: (a) => A.narrow(a, 1, 1, 2), inputs: () => [rnd([2, 4], 50)], secondOrder: true },
  { op: 'clone', label: 'non-contiguous', f: (a) => A.clone(a), inputs: () => [rnd([3, 2], 51).t()] },
  { op: 'contiguous', label: 'non-contiguous', f: (a) => A.contiguous(a), inputs: () => [rnd([3, 2], 52).t()] },
  {
    op: 'to',
    label: 'float64 -> float64 (and the cast rule via float32 in the unit tests)',
    f: (a) => A.to(A.mul(a, 2), 'float64'),
    inputs: () => [rnd([3], 82)],
  },
  { op: 'flip', label: 'dims [0,1]', f: (a) => A.flip(a, [0, 1]), inputs: () => [rnd([2, 3], 53)] },
  { op: 'roll', label: 'shift 1 dim 1', f: (a) => A.roll(a, 1, 1), inputs: () => [rnd([2, 3], 54)] },
  { op: 'roll', label: 'flattened', f: (a) => A.roll(a, 2), inputs: () => [rnd([2, 3], 55)] },
  { op: 'tril', label: 'diagonal 0', f: (a) => A.tril(a), inputs: () => [rnd([3, 3], 56)] },
  { op: 'triu', label: 'diagonal 1', f: (a) => A.triu(a, 1), inputs: () => [rnd([3, 4], 57)] },
  { op: 'dot', label: '[4]', f: (a, b) => A.dot(a, b), inputs: () => [rnd([4], 58), rnd([4], 59)], secondOrder: true },
  {
    op: 'mm',
    label: '[2,3] @ [3,2] transposed',
    f: (a, b) => A.mm(a, b),
    inputs: () => [rnd([2, 3], 60), rnd([2, 3], 61).t()],
    secondOrder: true,
  },
  {
    op: 'matmul',
    label: 'batched broadcast [2,1,2,3] @ [3,3,2]',
    f: (a, b) => A.matmul(a, b),
    inputs: () => [rnd([2, 1, 2, 3], 62), rnd([3, 3, 2], 63)],
    secondOrder: true,
  },
  {
    op: 'matmul',
    label: '1-D @ 2-D',
    f: (a, b) => A.matmul(a, b),
    inputs: () => [rnd([3], 64), rnd([3, 2], 65)],
    secondOrder: true,
  },
  { op: 'matmul', label: '3-D @ 1-D', f: (a, b) => A.matmul(a, b), inputs: () => [rnd([2, 2, 3], 66), rnd([3], 67)] },
  { op: 'matmul', label: '1-D @ 1-D', f: (a, b) => A.matmul(a, b), inputs: () => [rnd([3], 68), rnd([3], 69)] },
  {
    op: 'cat',
    label: 'dim 1',
    f: (a, b) => A.cat([a, b], 1),
    inputs: () => [rnd([2, 1], 70), rnd([2, 3], 71)],
    secondOrder: true,
  },
  {
    op: 'stack',
    label: 'dim 1',
    f: (a, b) => A.stack([a, b], 1),
    inputs: () => [rnd([2, 3], 72), rnd([3, 2], 73).t()],
  },
  { op: 'split', label: 'sizes [1,2]', f: (a) => A.split(a, [1, 2], 1), inputs: () => [rnd([2, 3], 74)] },
  { op: 'chunk', label: '2 chunks', f: (a) => A.chunk(a, 2), inputs: () => [rnd([3, 2], 75)] },
  { op: 'get', label: "':, 1:3'", f: (a) => A.get(a, ':, 1:3'), inputs: () => [rnd([2, 4], 76)], secondOrder: true },
  {
    op: 'get',
    label: "'..., -1' of a transposed view",
    f: (a) => A.get(a, '..., -1'),
    inputs: () => [rnd([3, 2], 77).t()],
  },
  { op: 'get', label: "'::2, None, 1'", f: (a) => A.get(a, '::2, None, 1'), inputs: () => [rnd([3, 3], 78)] },
  {
    op: 'set',
    label: 'CopySlices: write a broadcast value into a clone',
    f: (x, v) => {
      const y = A.clone(x);
      y.set(':, 1', A.mul(v, 2));
      return A.mul(y, y);
    },
    inputs: () => [rnd([3, 3], 79), rnd([1], 80)],
    secondOrder: true,
  },
  {
    op: 'set',
    label: 'CopySlices: element loop into zeros',
    f: (x) => {
      const y = A.variable(tensor([0, 0, 0], { dtype: 'float64' }));
      for (let i = 0; i < 3; i++) y.set([i], A.sum(A.mul(A.get(x, `${i}:${i + 2}`), A.get(x, `${i + 1}:${i + 3}`))));
      return y;
    },
    inputs: () => [rnd([5], 81)],
    secondOrder: true,
  },
];

const conv = { x: () => rnd([2, 2, 5, 5], 101), w: () => rnd([3, 2, 3, 3], 102), b: () => rnd([3], 103) };

/** Cases for the differentiable functions of @torchlet/ops. */
export const opsCases: readonly GradCase[] = [
  {
    op: 'conv2d',
    label: 'bias, stride 2, padding 1',
    f: (x, w, b) => A.conv2d(x, w, b, { stride: 2, padding: 1 }),
    inputs: () => [conv.x(), conv.w(), conv.b()],
    secondOrder: true,
  },
  {
    op: 'conv2d',
    label: 'dilation 2, groups 2',
    f: (x, w) => A.conv2d(x, w, null, { dilation: 2, groups: 2 }),
    inputs: () => [rnd([1, 4, 6, 6], 104), rnd([2, 2, 2, 2], 105)],
    secondOrder: true,
  },
  {
    op: 'conv2d',
    label: "padding 'same', im2col kernel",
    f: (x, w) => A.conv2d(x, w, null, { padding: 'same', kernel: 'im2col' }),
    inputs: () => [rnd([1, 2, 4, 5], 106), rnd([2, 2, 2, 3], 107)],
  },
  {
    op: 'conv2d',
    label: 'paddingMode reflect, asymmetric stride',
    f: (x, w) => A.conv2d(x, w, null, { padding: [1, 2], stride: [1, 2], paddingMode: 'reflect' }),
    inputs: () => [rnd([1, 1, 4, 5], 108), rnd([2, 1, 2, 2], 109)],
    secondOrder: true,
  },
  {
    op: 'conv2d',
    label: 'paddingMode circular',
    f: (x, w) => A.conv2d(x, w, null, { padding: 1, paddingMode: 'circular' }),
    inputs: () => [rnd([1, 1, 3, 4], 110), rnd([1, 1, 3, 3], 111)],
  },
  {
    op: 'conv2d',
    label: 'paddingMode replicate',
    f: (x, w) => A.conv2d(x, w, null, { padding: 1, paddingMode: 'replicate' }),
    inputs: () => [rnd([1, 1, 3, 3], 112), rnd([1, 1, 2, 2], 113)],
  },
  {
    op: 'conv2d',
    label: 'unbatched, non-contiguous input',
    f: (x, w, b) => A.conv2d(x, w, b),
    inputs: () => [rnd([1, 5, 4], 114).transpose(1, 2), rnd([2, 1, 2, 2], 115), rnd([2], 116)],
  },
  {
    op: 'conv2dBackwardInput',
    label: 'stride 2 padding 1',
    f: (u, w) => A.conv2dBackwardInput(u, [1, 2, 5, 5], w, { stride: 2, padding: 1 }),
    inputs: () => [rnd([1, 3, 3, 3], 117), rnd([3, 2, 3, 3], 118)],
    secondOrder: true,
  },
  {
    op: 'conv2dBackwardWeight',
    label: 'groups 2',
    f: (u, x) => A.conv2dBackwardWeight(u, x, [2, 1, 2, 2], { groups: 2 }),
    inputs: () => [rnd([1, 2, 3, 3], 119), rnd([1, 2, 4, 4], 120)],
    secondOrder: true,
  },
  {
    op: 'conv2dBackwardBias',
    label: '[2,3,2,2]',
    f: (u) => A.conv2dBackwardBias(u),
    inputs: () => [rnd([2, 3, 2, 2], 121)],
    secondOrder: true,
  },
  {
    op: 'convTranspose2d',
    label: 'stride 2, padding 1, outputPadding 1, bias',
    f: (x, w, b) => A.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }),
    inputs: () => [rnd([1, 2, 3, 3], 122), rnd([2, 3, 3, 3], 123), rnd([3], 124)],
    secondOrder: true,
  },
  {
    op: 'convTranspose2d',
    label: 'groups 2, dilation 2',
    f: (x, w) => A.convTranspose2d(x, w, null, { groups: 2, dilation: 2 }),
    inputs: () => [rnd([1, 2, 3, 3], 125), rnd([2, 1, 2, 2], 126)],
  },
  {
    op: 'convTranspose2dBackwardInput',
    label: 'stride 2',
    f: (u, w) => A.convTranspose2dBackwardInput(u, [1, 2, 2, 2], w, { stride: 2 }),
    inputs: () => [rnd([1, 1, 4, 4], 127), rnd([2, 1, 2, 2], 128)],
    secondOrder: true,
  },
  {
    op: 'convTranspose2dBackwardWeight',
    label: 'stride 2',
    f: (u, x) => A.convTranspose2dBackwardWeight(u, x, [2, 1, 2, 2], { stride: 2 }),
    inputs: () => [rnd([1, 1, 4, 4], 129), rnd([1, 2, 2, 2], 130)],
    secondOrder: true,
  },
  {
    op: 'convTranspose2dBackwardBias',
    label: '[1,2,3,3]',
    f: (u) => A.convTranspose2dBackwardBias(u),
    inputs: () => [rnd([1, 2, 3, 3], 131)],
  },
  {
    op: 'corr2d',
    label: '[4,5] * [2,3]',
    f: (x, k) => A.corr2d(x, k),
    inputs: () => [rnd([4, 5], 132), rnd([2, 3], 133)],
    secondOrder: true,
  },
  {
    op: 'corr2d',
    label: 'transposed inputs',
    f: (x, k) => A.corr2d(x, k),
    inputs: () => [rnd([5, 4], 134).t(), rnd([2, 2], 135).t()],
  },
  {
    op: 'corr2dMatmul',
    label: '[3,4] * [2,2]',
    f: (x, k) => A.corr2dMatmul(x, k),
    inputs: () => [rnd([3, 4], 136), rnd([2, 2], 137)],
    secondOrder: true,
  },
  {
    op: 'corr2dBackwardInput',
    label: 'upstream [2,3], K [2,2]',
    f: (u, k) => A.corr2dBackwardInput(u, k),
    inputs: () => [rnd([2, 3], 138), rnd([2, 2], 139)],
    secondOrder: true,
  },
  {
    op: 'corr2dBackwardKernel',
    label: 'upstream [2,3], X [3,4]',
    f: (u, x) => A.corr2dBackwardKernel(u, x),
    inputs: () => [rnd([2, 3], 140), rnd([3, 4], 141)],
    secondOrder: true,
  },
  {
    op: 'corr2dMultiIn',
    label: '[2,3,3] * [2,2,2]',
    f: (x, k) => A.corr2dMultiIn(x, k),
    inputs: () => [rnd([2, 3, 3], 142), rnd([2, 2, 2], 143)],
    secondOrder: true,
  },
  {
    op: 'corr2dMultiInOut',
    label: '[2,3,3] * [3,2,2,2]',
    f: (x, k) => A.corr2dMultiInOut(x, k),
    inputs: () => [rnd([2, 3, 3], 144), rnd([3, 2, 2, 2], 145)],
    secondOrder: true,
  },
  {
    op: 'corr2dMultiInOut1x1',
    label: '[2,2,3] * [3,2,1,1]',
    f: (x, k) => A.corr2dMultiInOut1x1(x, k),
    inputs: () => [rnd([2, 2, 3], 146), rnd([3, 2, 1, 1], 147)],
  },
  {
    op: 'kernelToMatrix',
    label: 'K [2,2], input [3,4]',
    f: (k) => A.kernelToMatrix(k, [3, 4]),
    inputs: () => [rnd([2, 2], 148)],
    secondOrder: true,
  },
  {
    op: 'im2col',
    label: 'stride 2, padding 1, dilation [1,2]',
    f: (x) => A.im2col(x, [2, 2], { stride: 2, padding: 1, dilation: [1, 2] }),
    inputs: () => [rnd([1, 2, 4, 5], 149)],
    secondOrder: true,
  },
  {
    op: 'col2im',
    label: 'outputSize [3,4], kernel 2',
    f: (c) => A.col2im(c, [3, 4], 2),
    inputs: () => [rnd([1, 8, 6], 150)],
    secondOrder: true,
  },
  {
    op: 'pad',
    label: 'constant with value, negative crop',
    f: (x) => A.pad(x, [1, -1, 2, 0], { value: 0.5 }),
    inputs: () => [rnd([1, 2, 3], 151)],
    secondOrder: true,
  },
  {
    op: 'pad',
    label: 'reflect',
    f: (x) => A.pad(x, [2, 1, 1, 1], { mode: 'reflect' }),
    inputs: () => [rnd([1, 1, 3, 4], 152)],
    secondOrder: true,
  },
  {
    op: 'pad',
    label: 'replicate',
    f: (x) => A.pad(x, [1, 2], { mode: 'replicate' }),
    inputs: () => [rnd([2, 3], 153)],
  },
  {
    op: 'pad',
    label: 'circular',
    f: (x) => A.pad(x, [1, 1, 2, 0], { mode: 'circular' }),
    inputs: () => [rnd([1, 1, 2, 3], 154)],
  },
  {
    op: 'padBackward',
    label: 'reflect',
    f: (u) => A.padBackward(u, [1, 1, 3, 4], [2, 1, 1, 1], { mode: 'reflect' }),
    inputs: () => [rnd([1, 1, 5, 7], 155)],
    secondOrder: true,
  },
  {
    op: 'batchNormInference',
    label: 'weight and bias, eps 1e-3',
    f: (x, w, b) => A.batchNormInference(x, rnd([3], 171), rnd([3], 172, 0.5, 2), w, b, { eps: 1e-3 }),
    inputs: () => [rnd([2, 3, 2, 2], 170), rnd([3], 173), rnd([3], 174)],
    secondOrder: true,
  },
  {
    op: 'batchNormInference',
    label: 'ReLU, no affine, rank 3',
    f: (x) =>
      A.batchNormInference(x, tensor([0, 0], { dtype: 'float64' }), rnd([2], 176, 0.5, 2), null, null, { relu: true }),
    inputs: () => [rndAway([2, 2, 3], 175)],
    secondOrder: true,
  },
  {
    op: 'hardtanhBackward',
    label: 'ReLU6 bounds, input off the bounds',
    f: (g) => A.hardtanhBackward(g, tensor([-1, 0.5, 2, 5.5, 7, 3], { dtype: 'float64' }).reshape([2, 3]), 0, 6),
    inputs: () => [rnd([2, 3], 181)],
    secondOrder: true,
  },
  {
    op: 'thresholdBackward',
    label: 'ReLU on its output, input off the threshold',
    f: (g) => A.thresholdBackward(g, tensor([0, 0.5, 2, 0, 7, 3], { dtype: 'float64' }).reshape([2, 3]), 0),
    inputs: () => [rnd([2, 3], 182)],
    secondOrder: true,
  },
  {
    op: 'batchNormTraining',
    label: 'weight and bias, eps 1e-3',
    f: (x, w, b) => A.batchNormTraining(x, w, b, { eps: 1e-3 }).output,
    inputs: () => [rnd([2, 3, 2, 2], 177), rnd([3], 178), rnd([3], 179)],
    secondOrder: true,
  },
  {
    op: 'batchNormTraining',
    label: 'fused ReLU6, weight 4 and bias 1 (both bounds clip)',
    f: (x, b) => A.batchNormTraining(x, tensor([4, 4], { dtype: 'float64' }), b, { activation: 'relu6' }).output,
    inputs: () => [rnd([3, 2, 3], 182), rnd([2], 183, 0.5, 1.5)],
    secondOrder: true,
  },
  {
    op: 'batchNormTraining',
    label: 'fused ReLU, no affine',
    f: (x) => A.batchNormTraining(x, null, null, { activation: 'relu' }).output,
    inputs: () => [rnd([2, 2, 5], 184)],
    secondOrder: true,
  },
  {
    op: 'batchNormTraining',
    label: 'no affine, rank 3',
    f: (x) => A.batchNormTraining(x, null, null).output,
    inputs: () => [rnd([3, 2, 3], 180)],
    secondOrder: true,
  },
  {
    op: 'maxPool2d',
    label: 'kernel 2 stride 1',
    f: (x) => A.maxPool2d(x, 2, { stride: 1 }),
    inputs: () => [rndDistinct([1, 2, 3, 4], 156)],
    secondOrder: true,
  },
  {
    op: 'maxPool2d',
    label: 'padding 1, dilation 2, ceilMode',
    f: (x) => A.maxPool2d(x, 3, { stride: 2, padding: 1, dilation: 2, ceilMode: true }),
    inputs: () => [rndDistinct([2, 6, 7], 157)],
  },
  {
    op: 'maxPool2d',
    label: 'non-contiguous input',
    f: (x) => A.maxPool2d(x, [2, 1]),
    inputs: () => [rndDistinct([1, 1, 3, 4], 158).transpose(2, 3)],
  },
  {
    op: 'maxPool2dBackward',
    label: 'upstream of a 2x2 pooling',
    f: (u) => A.maxPool2dBackward(u, maxIndices(), [1, 1, 4, 4]),
    inputs: () => [rnd([1, 1, 3, 3], 159)],
    secondOrder: true,
  },
  {
    op: 'avgPool2d',
    label: 'padding 1, countIncludePad false, ceilMode',
    f: (x) => A.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false, ceilMode: true }),
    inputs: () => [rnd([1, 2, 5, 6], 160)],
    secondOrder: true,
  },
  {
    op: 'avgPool2d',
    label: 'divisorOverride',
    f: (x) => A.avgPool2d(x, 2, { divisorOverride: 3 }),
    inputs: () => [rnd([1, 4, 4], 161)],
  },
  {
    op: 'avgPool2dBackward',
    label: 'kernel 2 stride 1',
    f: (u) => A.avgPool2dBackward(u, [1, 1, 3, 3], 2, { stride: 1 }),
    inputs: () => [rnd([1, 1, 2, 2], 162)],
    secondOrder: true,
  },
  {
    op: 'adaptiveAvgPool2d',
    label: '[5,7] -> [2,3]',
    f: (x) => A.adaptiveAvgPool2d(x, [2, 3]),
    inputs: () => [rnd([1, 2, 5, 7], 163)],
    secondOrder: true,
  },
  {
    op: 'adaptiveAvgPool2dBackward',
    label: '[2,3] -> [5,7]',
    f: (u) => A.adaptiveAvgPool2dBackward(u, [1, 5, 7]),
    inputs: () => [rnd([1, 2, 3], 164)],
    secondOrder: true,
  },
  {
    op: 'adaptiveMaxPool2d',
    label: '[5,7] -> [3,4] (overlapping windows)',
    f: (x) => A.adaptiveMaxPool2d(x, [3, 4]),
    inputs: () => [rndDistinct([1, 2, 5, 7], 190)],
    secondOrder: true,
  },
  {
    op: 'maxUnpool2d',
    // Distinct indices: where two name one position, the forward keeps one value but the gradient
    // (a gather, as PyTorch's) reaches both, which no finite difference can see.
    label: 'the 2x2 stride 2 pooling of a 4x4 plane, into 5x5',
    f: (v) => A.maxUnpool2d(v, maxIndices(2), 2, { outputSize: [5, 5] }),
    inputs: () => [rnd([1, 1, 2, 2], 191)],
    secondOrder: true,
  },
  {
    op: 'maxUnpool2dBackward',
    label: 'upstream of a 4x4 unpooling',
    f: (u) => A.maxUnpool2dBackward(u, maxIndices()),
    inputs: () => [rnd([1, 1, 4, 4], 192)],
    secondOrder: true,
  },
  {
    op: 'interpolate',
    label: 'bilinear [3,4] -> [5,7]',
    f: (x) => A.interpolate(x, { size: [5, 7], mode: 'bilinear' }),
    inputs: () => [rnd([1, 2, 3, 4], 166)],
    secondOrder: true,
  },
  {
    op: 'interpolate',
    label: 'bilinear alignCorners, scaleFactor 0.6',
    f: (x) => A.interpolate(x, { scaleFactor: 0.6, mode: 'bilinear', alignCorners: true }),
    inputs: () => [rnd([1, 1, 5, 6], 167)],
  },
  {
    op: 'interpolate',
    label: 'bilinear antialias [9,7] -> [4,3]',
    f: (x) => A.interpolate(x, { size: [4, 3], mode: 'bilinear', antialias: true }),
    inputs: () => [rnd([1, 2, 9, 7], 170)],
    secondOrder: true,
  },
  {
    op: 'interpolate',
    label: 'nearest x2',
    f: (x) => A.interpolate(x, { scaleFactor: 2 }),
    inputs: () => [rnd([2, 1, 2, 3], 168)],
    secondOrder: true,
  },
  {
    op: 'interpolateBackward',
    label: 'bilinear [5,7] -> [3,4]',
    f: (u) => A.interpolateBackward(u, [1, 2, 3, 4], { size: [5, 7], mode: 'bilinear' }),
    inputs: () => [rnd([1, 2, 5, 7], 169)],
    secondOrder: true,
  },
  {
    op: 'pool2d',
    label: 'max',
    f: (x) => A.pool2d(x, [2, 2]),
    inputs: () => [rndDistinct([3, 4], 165)],
    secondOrder: true,
  },
  {
    op: 'pool2d',
    label: 'avg',
    f: (x) => A.pool2d(x, [2, 3], 'avg'),
    inputs: () => [rnd([3, 4], 166)],
    secondOrder: true,
  },
];

/** Argmax indices of a 2x2/stride-1 max pooling of a fixed 4x4 image (overlapping windows share maxima). */
function maxIndices(stride = 1): Tensor {
  const x = tensor(
    [
      [
        [
          [1, 5, 2, 0],
          [3, 9, 4, 8],
          [0, 1, 7, 2],
          [6, 2, 3, 5],
        ],
      ],
    ],
    { dtype: 'float64' },
  );
  return A.maxPool2d(x, 2, { stride, returnIndices: true }).indices;
}
