/**
 * `@torchlet/ops`: image ops as pure functions of tensors, layer 2 of torchlet.
 *
 * @packageDocumentation
 */

export { hardtanhBackward } from './activation/hardtanh.js';
export { thresholdBackward } from './activation/threshold.js';
export {
  type ConvTranspose2dOptions,
  convTranspose2d,
  convTranspose2dBackwardBias,
  convTranspose2dBackwardInput,
  convTranspose2dBackwardWeight,
  convTranspose2dOutputShape,
} from './conv-transpose/conv-transpose2d.js';
export {
  type Conv2dBackwardOptions,
  type Conv2dGradients,
  conv2d,
  conv2dBackward,
  conv2dBackwardBias,
  conv2dBackwardInput,
  conv2dBackwardWeight,
} from './conv2d/conv2d.js';
export {
  type Conv2dActivation,
  type Conv2dForwardOptions,
  type Conv2dKernelName,
  type Conv2dOptions,
  type Conv2dPadding,
  type Conv2dPaddingMode,
  conv2dDepthwiseKernels,
  conv2dKernels,
  conv2dOutputShape,
  convOutputSize,
} from './conv2d/params.js';
export { corr2dBackwardInput, corr2dBackwardKernel } from './corr2d/backward.js';
export {
  corr2d,
  corr2dMatmul,
  corr2dMultiIn,
  corr2dMultiInOut,
  corr2dMultiInOut1x1,
  kernelToMatrix,
} from './corr2d/corr2d.js';
export { recycleFloat32 } from './fresh-output.js';
export { col2im, type Im2colOptions, im2col } from './im2col/im2col.js';
export { interpolate, interpolateBackward } from './interpolate/interpolate.js';
export type { InterpolateMode, InterpolateOptions } from './interpolate/params.js';
export { type BatchNormInferenceOptions, batchNormInference } from './norm/batch-norm-inference.js';
export {
  type BatchNormTrainingGradients,
  type BatchNormTrainingOptions,
  type BatchNormTrainingResult,
  batchNormTraining,
  batchNormTrainingBackward,
} from './norm/batch-norm-training.js';
export { type PadBackwardOptions, type PadMode, type PadOptions, pad, padBackward } from './pad/pad.js';
export type { IntPair } from './params.js';
export { type AdaptiveSize, adaptiveAvgPool2d, adaptiveAvgPool2dBackward } from './pool/adaptive-avg-pool2d.js';
export { type AdaptiveMaxPool2dOptions, adaptiveMaxPool2d } from './pool/adaptive-max-pool2d.js';
export { type AvgPool2dOptions, avgPool2d, avgPool2dBackward } from './pool/avg-pool2d.js';
export {
  type MaxPool2dKernel,
  type MaxPool2dOptions,
  type MaxPool2dResult,
  maxPool2d,
  maxPool2dBackward,
} from './pool/max-pool2d.js';
export { type MaxUnpool2dOptions, maxUnpool2d, maxUnpool2dBackward } from './pool/max-unpool2d.js';
export { type Pool2dOptions, pool2dOutputShape } from './pool/params.js';
export { pool2d } from './pool/pool2d.js';
