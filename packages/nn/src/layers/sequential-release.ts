// Which layers of a Sequential may have the outputs they hand on released after backward: the
// built-in layers keep no reference to their input or output once forward returns, so an output
// that one of them hands to the next is reachable only through the graph. A subclass or a user's
// module might keep one (to inspect it later), so only these exact classes count.
import type { Module } from '../module.js';
import { ReLU, Sigmoid, Tanh } from './activation.js';
import { BatchNorm2d } from './batchnorm.js';
import { Conv2d, ConvTranspose2d } from './conv.js';
import { Dropout } from './dropout.js';
import { Flatten } from './flatten.js';
import { Identity } from './identity.js';
import { Linear } from './linear.js';
import { AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool2d, MaxPool2d } from './pooling.js';
import { ReLU6 } from './relu6.js';

const KEEPS_NO_TENSORS: ReadonlySet<unknown> = new Set([
  ReLU,
  ReLU6,
  Sigmoid,
  Tanh,
  BatchNorm2d,
  Conv2d,
  ConvTranspose2d,
  Dropout,
  Flatten,
  Identity,
  Linear,
  MaxPool2d,
  AvgPool2d,
  AdaptiveAvgPool2d,
  AdaptiveMaxPool2d,
]);

/**
 * Whether `m` is a built-in layer that keeps no tensor it is given or returns, or a container
 * (`isContainer`, e.g. a Sequential) all of whose children are.
 */
export function keepsNoTensors(m: Module, isContainer: (m: Module) => boolean): boolean {
  if (KEEPS_NO_TENSORS.has(m.constructor)) return true;
  if (!isContainer(m)) return false;
  for (const child of m.children()) if (!keepsNoTensors(child as Module, isContainer)) return false;
  return true;
}
