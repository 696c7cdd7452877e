/**
 * Test helpers shared by torchlet's packages: PyTorch golden vectors and their loader, tensors in
 * every memory layout, fast-check arbitraries, seeded random values, finite differences and naive
 * float64 references. Test-only; depends on `@torchlet/tensor` alone.
 *
 * @packageDocumentation
 */

export { exactValuesArb, floatDTypeArb, intPairArb } from './arbitraries.js';
export { type Arr, arr, numelOf, unbatch } from './array.js';
export { closeness, dot } from './compare.js';
export { finiteDifferenceGrad } from './finite-difference.js';
export {
  type Conv2dCase,
  type Conv2dPaddingModeCase,
  type ConvTranspose2dCase,
  caseLabel,
  type D2lCases,
  type GoldenFiles,
  type GoldenTensor,
  goldenCloseness,
  goldenDir,
  goldenTolerance,
  type IntPair,
  type LearnKernelRun,
  loadGolden,
  type Pool2dCase,
  pair,
  toTensor,
  type UnfoldFoldCase,
} from './golden.js';
export {
  type FloatDType,
  type Layout,
  layoutArb,
  layouts,
  storageLayoutArb,
  viewLayoutArb,
  withLayout,
} from './layouts.js';
export { randomArr, rng } from './random.js';
export {
  addBias,
  bilinear,
  channelSums,
  convTerms,
  convTransposeTerms,
  gather,
  padTerms,
  type RefConvOptions,
  refConvOutSize,
  refPadIndex,
  unfoldTerms,
} from './reference/conv.js';
export { refCorr2d } from './reference/corr2d.js';
export {
  type RefPool2dParams,
  refAdaptiveAvgPool2d,
  refAvgPool2d,
  refMaxPool2d,
  refPoolOutSize,
} from './reference/pool.js';
