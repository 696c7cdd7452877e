/**
 * `@torchlet/tensor`: n-dimensional arrays with PyTorch semantics, layer 1 of torchlet.
 * Storage, shape, strides and zero-copy views; creation; NumPy-style indexing and slice
 * assignment; broadcasting math; reductions; matmul; stack/cat; PyTorch-identical printing.
 *
 * @packageDocumentation
 */
export { TorchletError, fail, formatShape } from './errors.js';
export {
  type DType,
  type Storage,
  allocStorage,
  dtypeOfStorage,
  isFloatingDType,
  promoteTypes,
  promoteWithScalar,
} from './dtype.js';
export {
  type Shape,
  broadcastShapes,
  checkShape,
  contiguousStrides,
  normalizeDim,
  shapeSize,
  shapesEqual,
} from './shape.js';
export { copyStridedInto, isContiguousLayout, stridedOffsets } from './strided.js';
export {
  type Dims,
  type NestedArray,
  type ReduceOptions,
  type TensorLike,
  type VarianceOptions,
  Tensor,
  isTensor,
} from './tensor.js';
export {
  type CreateOptions,
  type TensorOptions,
  arange,
  eye,
  fromStorage,
  full,
  linspace,
  ones,
  onesLike,
  tensor,
  zeros,
  zerosLike,
} from './create.js';
export {
  clone,
  contiguous,
  expand,
  flatten,
  narrow,
  permute,
  reshape,
  squeeze,
  t,
  transpose,
  unsqueeze,
  to,
  view,
} from './views.js';
export {
  abs,
  add,
  addInPlace,
  copyInPlace,
  divInPlace,
  mulInPlace,
  resultType,
  clamp,
  div,
  eq,
  exp,
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
  tanh,
  where,
} from './elementwise.js';
export { flip, roll, tril, triu } from './structure.js';
export { argmax, argmin, cumprod, cumsum, max, mean, min, prod, std, sum, variance } from './reduce.js';
export { dot, matmul, mm } from './linalg.js';
export {
  type Backend,
  type FloatArray,
  type GemmKernel,
  gemm,
  gemmLoops,
  gemmPacked,
  getBackend,
  getGemmKernel,
  jsGemm,
  setBackend,
  setGemmKernel,
} from './gemm.js';
export { allclose, cat, chunk, equal, split, stack } from './join.js';
export { type Index, type IndexItem, type Slice, get, set, slice } from './indexing.js';
export { type PrintOptions, formatTensor } from './print.js';
export {
  type GeneratorState,
  type RandintOptions,
  type RandomOptions,
  type Seed,
  Generator,
  defaultGenerator,
  manualSeed,
  rand,
  randint,
  randn,
} from './random.js';
