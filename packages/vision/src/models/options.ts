import type { FloatDType } from '@torchlet/nn';
import { fail, formatValue, type Generator } from '@torchlet/tensor';

/**
 * Options every model constructor takes (torchvision's keyword arguments in camelCase).
 *
 * @example
 * ```ts
 * import { Generator } from '@torchlet/tensor';
 * import { type ModelOptions, resnet18 } from '@torchlet/vision';
 * const options: ModelOptions = { numClasses: 10, generator: new Generator(0) };
 * resnet18(options).fc.outFeatures; // -> 10
 * ```
 */
export interface ModelOptions {
  /** Size of the last layer. Default `1000` (ImageNet) for torchvision's models, `10` for LeNet and NiN. */
  readonly numClasses?: number;
  /** Draws the initial weights, for reproducible models. Default: the default generator. */
  readonly generator?: Generator;
  /** Element type of every parameter and buffer. Default `'float32'`. */
  readonly dtype?: FloatDType;
}

/** The resolved options, with the layer options every constructor passes on. */
export interface ResolvedModelOptions {
  readonly numClasses: number;
  readonly layer: { readonly generator?: Generator; readonly dtype: FloatDType };
}

/** Validates and resolves `options` for model `fn`. */
export function resolveModelOptions(fn: string, options: ModelOptions, defaultClasses: number): ResolvedModelOptions {
  if (typeof options !== 'object' || options === null)
    fail(fn, 'options', `expected an options object, got ${formatValue(options)}`);
  const numClasses = options.numClasses ?? defaultClasses;
  if (!Number.isInteger(numClasses) || numClasses < 1)
    fail(fn, 'numClasses', `numClasses must be a positive integer, got ${formatValue(options.numClasses)}`);
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64')
    fail(fn, 'dtype', `dtype must be 'float32' or 'float64', got ${formatValue(dtype)}`);
  return {
    numClasses,
    layer: options.generator === undefined ? { dtype } : { generator: options.generator, dtype },
  };
}
