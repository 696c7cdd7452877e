/**
 * `@torchlet/nn`: neural-network modules for torchlet, layer 4. Modules and parameters, the book's
 * from-scratch `Conv2D` and PyTorch's layers, losses, optimizers, initialisation, and weights in
 * the safetensors format.
 *
 * @packageDocumentation
 */

export { type BatchNormOptions, batchNorm } from './functional/batch-norm.js';
export { type DropoutFunctionOptions, dropout } from './functional/dropout.js';
export { linear } from './functional/linear.js';
export { ReLU, Sigmoid, Tanh } from './layers/activation.js';
export { BatchNorm2d, type BatchNorm2dOptions } from './layers/batchnorm.js';
export { ModuleDict, ModuleList } from './layers/containers.js';
export {
  Conv2d,
  type Conv2dLayerOptions,
  type Conv2dPadding,
  ConvTranspose2d,
  type ConvTranspose2dLayerOptions,
  type PaddingMode,
} from './layers/conv.js';
export {
  type ConvBatchNorm2dOptions,
  type ConvBatchNormActivation,
  convBatchNorm2d,
} from './layers/conv-bn-fusion.js';
export { Conv2D, type Conv2DOptions } from './layers/conv2d-scratch.js';
export { Dropout, type DropoutOptions } from './layers/dropout.js';
export { Flatten } from './layers/flatten.js';
export { Identity } from './layers/identity.js';
export { Linear, type LinearOptions } from './layers/linear.js';
export {
  AdaptiveAvgPool2d,
  AdaptiveMaxPool2d,
  type AdaptiveOutputSize,
  AvgPool2d,
  type AvgPool2dLayerOptions,
  MaxPool2d,
  type MaxPool2dLayerOptions,
  type MaxPoolOutput,
} from './layers/pooling.js';
export { ReLU6 } from './layers/relu6.js';
export { Sequential } from './layers/sequential.js';
export { MaxUnpool2d, type MaxUnpool2dLayerOptions } from './layers/unpooling.js';
export type { FloatDType, IntPair } from './layers/util.js';
export {
  BCEWithLogitsLoss,
  type BCEWithLogitsOptions,
  bceWithLogits,
  CrossEntropyLoss,
  type CrossEntropyOptions,
  crossEntropy,
  type LossOptions,
  MSELoss,
  mseLoss,
  type Reduction,
} from './losses.js';
export {
  type AnyModule,
  isModule,
  type LoadStateDictOptions,
  type LoadStateDictResult,
  Module,
  type ModuleInput,
} from './module.js';
export { isParameter, Parameter } from './parameter.js';
export type { SafetensorsDType } from './safetensors/format.js';
export { loadSafetensors, readSafetensorsHeader, type SafetensorsHeader } from './safetensors/load.js';
export { saveSafetensors } from './safetensors/save.js';
export type { StateDict } from './state-dict.js';

import * as init from './init.js';

export type { InitOptions, KaimingOptions, Nonlinearity, XavierOptions } from './init.js';
export { Adam, type AdamOptions, type AdamState, AdamW } from './optim/adam.js';
export { type Optimizable, Optimizer, type ParamGroup, type ParamsInput } from './optim/optimizer.js';
export { SGD, type SGDOptions } from './optim/sgd.js';
export { init };
