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
