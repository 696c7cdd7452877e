/**
 * `@torchlet/nn`: neural-network modules for torchlet, layer 4. Modules and parameters, the book's
 * from-scratch `Conv2D` and PyTorch's layers, losses, optimizers, initialisation, and weights in
 * the safetensors format.
 *
 * @packageDocumentation
 */
export type { StateDict } from './state-dict.js';
export { type AnyModule, type LoadStateDictOptions, type LoadStateDictResult, Module, type ModuleInput, isModule } from './module.js';
export { Parameter, isParameter } from './parameter.js';
export { Conv2D, type Conv2DOptions } from './layers/conv2d-scratch.js';
export {
  Conv2d,
  type Conv2dLayerOptions,
  type Conv2dPadding,
  ConvTranspose2d,
  type ConvTranspose2dLayerOptions,
  type PaddingMode,
} from './layers/conv.js';
export { Linear, type LinearOptions } from './layers/linear.js';
export { Sequential } from './layers/sequential.js';
export { Flatten } from './layers/flatten.js';
export { ReLU, Sigmoid, Tanh } from './layers/activation.js';
export {
  AdaptiveAvgPool2d,
  type AdaptiveOutputSize,
  AvgPool2d,
  type AvgPool2dLayerOptions,
  MaxPool2d,
  type MaxPool2dLayerOptions,
} from './layers/pooling.js';
export { BatchNorm2d, type BatchNorm2dOptions } from './layers/batchnorm.js';
export { Dropout, type DropoutOptions } from './layers/dropout.js';
export type { FloatDType, IntPair } from './layers/util.js';
export {
  BCEWithLogitsLoss,
  type BCEWithLogitsOptions,
  CrossEntropyLoss,
  type CrossEntropyOptions,
  type LossOptions,
  MSELoss,
  type Reduction,
  bceWithLogits,
  crossEntropy,
  mseLoss,
} from './losses.js';
export { saveSafetensors } from './safetensors/save.js';
export { type SafetensorsHeader, loadSafetensors, readSafetensorsHeader } from './safetensors/load.js';
export type { SafetensorsDType } from './safetensors/format.js';
import * as init from './init.js';
export { init };
export type { InitOptions, KaimingOptions, Nonlinearity, XavierOptions } from './init.js';
export { type Optimizable, type ParamGroup, type ParamsInput, Optimizer } from './optim/optimizer.js';
export { SGD, type SGDOptions } from './optim/sgd.js';
export { Adam, type AdamOptions, type AdamState, AdamW } from './optim/adam.js';
