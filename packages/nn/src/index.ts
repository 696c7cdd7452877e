/**
 * `@torchlet/nn`: neural-network modules for torchlet, layer 4. Modules and parameters, the book's
 * from-scratch `Conv2D` and PyTorch's layers, losses, optimizers, initialisation, and weights in
 * the safetensors format.
 *
 * @packageDocumentation
 */
export type { StateDict } from './state-dict.js';
export { saveSafetensors } from './safetensors/save.js';
export { type SafetensorsHeader, loadSafetensors, readSafetensorsHeader } from './safetensors/load.js';
export type { SafetensorsDType } from './safetensors/format.js';
import * as init from './init.js';
export { init };
export type { InitOptions, KaimingOptions, Nonlinearity, XavierOptions } from './init.js';
export { type Optimizable, type ParamGroup, type ParamsInput, Optimizer } from './optim/optimizer.js';
export { SGD, type SGDOptions } from './optim/sgd.js';
export { Adam, type AdamOptions, AdamW } from './optim/adam.js';
