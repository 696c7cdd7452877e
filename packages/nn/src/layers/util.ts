// Constructor-argument and input-shape checks shared by the layers, so every layer words its
// errors alike: `Conv2d: expected input with 3 channels, got input [1,2,5,5]`.

import { isVariable } from '@torchlet/autograd';
import { fail, formatShape, formatValue, isTensor, type Tensor } from '@torchlet/tensor';
import type { ModuleInput } from '../module.js';

/**
 * An int or an `[h, w]` pair, as PyTorch's 2-d layers accept for sizes, strides and paddings.
 *
 * @example
 * ```ts
 * import { MaxPool2d, type IntPair } from '@torchlet/nn';
 * const k: IntPair = [2, 3];
 * new MaxPool2d(k).toString(); // -> 'MaxPool2d(kernel_size=(2, 3), stride=(2, 3), padding=0, dilation=1, ceil_mode=False)'
 * ```
 */
export type IntPair = number | readonly [number, number];

/**
 * Floating element types a layer's parameters can have.
 *
 * @example
 * ```ts
 * import { Linear, type FloatDType } from '@torchlet/nn';
 * const dtype: FloatDType = 'float64';
 * new Linear(2, 1, { dtype }).weight.dtype; // -> 'float64'
 * ```
 */
export type FloatDType = 'float32' | 'float64';

/** `[h, w]` from an int or a pair, each a non-negative (or, with `min` 1, positive) integer. */
export function toPair(layer: string, arg: string, v: IntPair, min: number): [number, number] {
  const p: readonly unknown[] = typeof v === 'number' ? [v, v] : Array.isArray(v) ? v : [];
  if (p.length !== 2 || !p.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= min)) {
    fail(
      layer,
      arg,
      `${arg} must be ${min > 0 ? 'a positive' : 'a non-negative'} integer or a pair of them, got ${formatValue(v)}`,
    );
  }
  return [p[0] as number, p[1] as number];
}

/** A positive integer constructor argument. */
export function positiveInt(layer: string, arg: string, v: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    fail(layer, arg, `${arg} must be a positive integer, got ${formatValue(v)}`);
  return v;
}

/** Checks the `dtype` option of a layer with parameters. */
export function floatDType(layer: string, dtype: FloatDType | undefined): FloatDType {
  const d = dtype ?? 'float32';
  if (d !== 'float32' && d !== 'float64')
    fail(layer, 'dtype', `dtype must be 'float32' or 'float64', got ${formatValue(d)}`);
  return d;
}

/** The tensor behind a layer input, after checking it is a Variable or a Tensor. */
export function inputTensor(layer: string, x: ModuleInput): Tensor {
  const t = isVariable(x) ? x.data : x;
  if (!isTensor(t)) fail(layer, 'input', `expected a Variable or a Tensor, got ${x === null ? 'null' : typeof x}`);
  return t;
}

/**
 * Checks a 2-d layer's input is `[C, H, W]` or `[N, C, H, W]` and, when `channels` is given, that
 * C matches. Returns the input's shape.
 */
export function checkImageInput(
  layer: string,
  x: ModuleInput,
  channels: number | null,
  ranks: readonly number[] = [3, 4],
): readonly number[] {
  const shape = inputTensor(layer, x).shape;
  if (!ranks.includes(shape.length)) {
    const want = ranks.includes(3) ? 'a 3-D [C, H, W] or 4-D [N, C, H, W]' : 'a 4-D [N, C, H, W]';
    fail(layer, 'input', `expected ${want} input, got input ${formatShape(shape)}`);
  }
  if (channels !== null && shape[shape.length - 3] !== channels) {
    fail(layer, 'input', `expected input with ${channels} channels, got input ${formatShape(shape)}`);
  }
  return shape;
}
