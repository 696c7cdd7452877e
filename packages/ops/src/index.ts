/**
 * `@torchlet/ops`: image ops as pure functions of tensors, layer 2 of torchlet.
 *
 * @packageDocumentation
 */
export {
  type Conv2dKernelName,
  type Conv2dOptions,
  type Conv2dPadding,
  type Conv2dPaddingMode,
  conv2dKernels,
  conv2dOutputShape,
  convOutputSize,
} from './conv2d/params.js';
export { conv2d, conv2dBackwardBias, conv2dBackwardInput, conv2dBackwardWeight } from './conv2d/conv2d.js';
export { type Im2colOptions, col2im, im2col } from './im2col/im2col.js';
export { type PadBackwardOptions, type PadMode, type PadOptions, pad, padBackward } from './pad/pad.js';
export {
  type ConvTranspose2dOptions,
  convTranspose2d,
  convTranspose2dBackwardBias,
  convTranspose2dBackwardInput,
  convTranspose2dBackwardWeight,
  convTranspose2dOutputShape,
} from './conv-transpose/conv-transpose2d.js';
