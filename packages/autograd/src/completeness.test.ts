import * as opsApi from '@torchlet/ops';
import * as tensorApi from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { opsCases, tensorCases } from '../test/cases.js';
import * as autogradApi from './index.js';

// Every public runtime export of @torchlet/tensor and @torchlet/ops is either made
// differentiable here (a wrapper of the same name, exercised by a gradcheck case in
// test/cases.ts, which the *.gradcheck.test.ts files run) or listed below with the reason it
// is not. A new export fails this test until it is classified.

const notDifferentiable: Record<string, string> = {
  // @torchlet/tensor: creation, randomness, inspection and plumbing
  Tensor: 'the class itself; Variable wraps it',
  Generator: 'random number generator state',
  TorchletError: 'error class',
  fail: 'error helper',
  formatShape: 'error-message helper',
  formatValue: 'error-message helper',
  checkNumel: 'allocation-limit check',
  checkStorage: 'typed-array validation',
  getMaxElements: 'allocation limit setting',
  setMaxElements: 'allocation limit setting',
  scalarFor: 'scalar conversion rule',
  formatTensor: 'printing (Variable.toString uses it)',
  isTensor: 'brand check',
  arange: 'creation: no tensor input',
  eye: 'creation: no tensor input',
  full: 'creation: no tensor input',
  linspace: 'creation: no tensor input',
  ones: 'creation: no tensor input',
  zeros: 'creation: no tensor input',
  tensor: 'creation from JS values',
  fromStorage: 'creation from a typed array',
  onesLike: 'constant of an input shape: zero gradient',
  zerosLike: 'constant of an input shape: zero gradient',
  rand: 'random creation',
  randn: 'random creation',
  randint: 'random integer creation',
  manualSeed: 'random seeding',
  defaultGenerator: 'random generator access',
  eq: 'comparison: bool output, zero gradient almost everywhere',
  ne: 'comparison: bool output',
  lt: 'comparison: bool output',
  le: 'comparison: bool output',
  gt: 'comparison: bool output',
  ge: 'comparison: bool output',
  equal: 'boolean predicate',
  allclose: 'boolean predicate',
  argmax: 'integer indices',
  argmin: 'integer indices',
  slice: 'index builder, not a tensor function',
  addInPlace: 'in-place on plain tensors (what optimizers apply to Variable.data); autograd records set only',
  mulInPlace: 'in-place on plain tensors; autograd records set only',
  divInPlace: 'in-place on plain tensors; autograd records set only',
  copyInPlace: 'in-place on plain tensors; autograd records set only',
  subInPlace: 'in-place on plain tensors; autograd records set only',
  gemm: 'raw BLAS-style kernel on typed arrays (matmul/mm are the differentiable entry points)',
  gemmLoops: 'raw gemm kernel',
  gemmPacked: 'raw gemm kernel',
  jsGemm: 'raw gemm kernel',
  getGemmKernel: 'kernel selection',
  setGemmKernel: 'kernel selection',
  setBackend: 'kernel selection',
  getBackend: 'kernel selection',
  ready: 're-exported from @torchlet/kernels: loads the WebAssembly kernels',
  getBackendInfo: 're-exported from @torchlet/kernels: backend report',
  setThreads: 're-exported from @torchlet/kernels: thread count',
  getThreads: 're-exported from @torchlet/kernels: thread count',
  initWebGPU: 're-exported from @torchlet/webgpu: finds the webgpu device',
  recordGpuAllocations: 'webgpu buffer lifetime (backward releases the gradients it owns)',
  allocStorage: 'typed-array allocation',
  dtypeOfStorage: 'dtype inspection',
  isFloatingDType: 'dtype inspection',
  isIntegerDType: 'dtype inspection',
  loadNumber: 'storage access (int64 bigints as numbers)',
  storeNumber: 'storage access (numbers into int64 bigints)',
  promoteTypes: 'dtype promotion rule',
  promoteWithScalar: 'dtype promotion rule',
  resultType: 'dtype promotion rule',
  broadcastShapes: 'shape arithmetic',
  checkShape: 'shape validation',
  contiguousStrides: 'shape arithmetic',
  normalizeDim: 'shape arithmetic',
  shapeSize: 'shape arithmetic',
  shapesEqual: 'shape comparison',
  copyStridedInto: 'raw strided copy on typed arrays',
  isContiguousLayout: 'layout inspection',
  stridedOffsets: 'layout inspection',
  // @torchlet/ops: shape arithmetic and kernel lists
  batchNormTrainingBackward:
    "batchNormTraining's gradient kernel (its rule runs differentiable ops when the gradient is recorded)",
  conv2dBackward:
    "conv2d's input and weight gradient kernels in one call (the differentiable forms are conv2dBackwardInput and conv2dBackwardWeight)",
  conv2dKernels: 'list of kernel names',
  recycleFloat32: 'output memory reuse (backward gives back the gradients it owns)',
  conv2dDepthwiseKernels: 'list of kernel names',
  conv2dOutputShape: 'shape arithmetic',
  convOutputSize: 'shape arithmetic',
  convTranspose2dOutputShape: 'shape arithmetic',
  pool2dOutputShape: 'shape arithmetic',
};

const cases = [...tensorCases, ...opsCases];
const covered = new Set(cases.map((c) => c.op));
const publicNames = [...new Set([...Object.keys(tensorApi), ...Object.keys(opsApi)])].sort();
const autograd = autogradApi as Record<string, unknown>;

describe('completeness: every public op of tensor and ops is differentiable or excused', () => {
  it.each(publicNames)('%s', (name) => {
    if (name in notDifferentiable) {
      expect(notDifferentiable[name].length).toBeGreaterThan(0);
      return;
    }
    expect(typeof autograd[name], `autograd has no wrapper named ${name}`).toBe('function');
    expect(covered.has(name), `no gradcheck case for ${name} in test/cases.ts`).toBe(true);
  });

  it('lists no stale exemptions', () => {
    expect(Object.keys(notDifferentiable).filter((n) => !publicNames.includes(n))).toEqual([]);
  });

  it('has a case only for real wrappers of real exports', () => {
    for (const c of cases) {
      expect(publicNames, c.op).toContain(c.op);
      expect(typeof autograd[c.op], c.op).toBe('function');
      expect(c.op in notDifferentiable, c.op).toBe(false);
    }
  });
});
