/**
 * `@torchlet/tensor`: n-dimensional arrays with PyTorch semantics, layer 1 of torchlet.
 * Storage, shape, strides and zero-copy views; creation; NumPy-style indexing and slice
 * assignment; broadcasting math; reductions; matmul; stack/cat; PyTorch-identical printing.
 *
 * @packageDocumentation
 */

// The one deliberate exception to "no re-export of a lower layer's symbols": users install
// @torchlet/tensor (or a package above it), never @torchlet/kernels directly, yet browsers must
// call ready() and everyone may want getBackendInfo()/setThreads(). Re-exporting them here (issue
// 16) makes the install line users already have enough; they stay defined once, in kernels.
export { getThreads, setThreads, type WasmSource } from '@torchlet/kernels';
// Likewise @torchlet/webgpu's initWebGPU (issue 13): `await initWebGPU()` readies the webgpu device.
export { initWebGPU, type WebGPUInfo } from '@torchlet/webgpu';
export {
  arange,
  type CreateOptions,
  eye,
  fromStorage,
  full,
  linspace,
  ones,
  onesLike,
  type TensorOptions,
  tensor,
  zeros,
  zerosLike,
} from './create.js';
export { type GpuAllocationRecorder, recordGpuAllocations } from './device/lifetime.js';
export { type BackendInfo, getBackendInfo, type ReadyOptions, ready } from './device/ready.js';
export type { Device } from './device/transfer.js';
export {
  allocStorage,
  checkNumel,
  checkStorage,
  type DType,
  dtypeOfStorage,
  getMaxElements,
  isFloatingDType,
  isIntegerDType,
  loadNumber,
  type NumberStorage,
  promoteTypes,
  promoteWithScalar,
  type Storage,
  scalarFor,
  setMaxElements,
  storeNumber,
} from './dtype.js';
export {
  abs,
  add,
  addInPlace,
  clamp,
  copyInPlace,
  div,
  divInPlace,
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
  mulInPlace,
  ne,
  neg,
  pow,
  relu,
  resultType,
  sigmoid,
  sqrt,
  sub,
  subInPlace,
  tanh,
  where,
} from './elementwise.js';
export { fail, formatShape, formatValue, TorchletError } from './errors.js';
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
export { get, type Index, type IndexItem, type Slice, set, slice } from './indexing.js';
export { allclose, cat, chunk, equal, split, stack } from './join.js';
export { dot, matmul, mm } from './linalg.js';
export { formatTensor, type PrintOptions } from './print.js';
export {
  defaultGenerator,
  Generator,
  type GeneratorState,
  manualSeed,
  type RandintOptions,
  type RandomOptions,
  rand,
  randint,
  randn,
  type Seed,
} from './random.js';
export { argmax, argmin, cumprod, cumsum, max, mean, min, prod, std, sum, variance } from './reduce.js';
export {
  broadcastShapes,
  checkShape,
  contiguousStrides,
  normalizeDim,
  type Shape,
  shapeSize,
  shapesEqual,
} from './shape.js';
export { copyStridedInto, isContiguousLayout, stridedOffsets } from './strided.js';
export { flip, roll, tril, triu } from './structure.js';
export {
  type Dims,
  isTensor,
  type NestedArray,
  type NestedBigIntArray,
  type ReduceOptions,
  Tensor,
  type TensorLike,
  type VarianceOptions,
} from './tensor.js';
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
  to,
  transpose,
  unsqueeze,
  view,
} from './views.js';
