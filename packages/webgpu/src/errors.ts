// Layer 0 cannot import @torchlet/tensor's TorchletError, so it throws its own error class with the
// same name and fields (`fn`, `arg`) plus a machine-readable `reason`; `instanceof TorchletError`
// (from @torchlet/tensor) recognises it by them, as it does @torchlet/kernels' KernelArgumentError.

/**
 * Why a {@link WebGPUError} was thrown: no WebGPU in this runtime (`'no-navigator-gpu'`), no
 * adapter (`'no-adapter'`), an adapter limit below what the kernels need (`'limit'`), a device
 * that was lost (`'device-lost'`), a call before {@link initWebGPU} (`'not-initialized'`), a
 * released buffer (`'released'`) or a bad argument (`'argument'`).
 *
 * @example
 * ```ts
 * import type { WebGPUErrorReason } from '@torchlet/webgpu';
 * const reason: WebGPUErrorReason = 'no-adapter';
 * reason; // -> 'no-adapter'
 * ```
 */
export type WebGPUErrorReason =
  | 'no-navigator-gpu'
  | 'no-adapter'
  | 'limit'
  | 'device-lost'
  | 'not-initialized'
  | 'released'
  | 'argument';

/**
 * The error every function of `@torchlet/webgpu` throws: the message starts with the function's
 * name, `fn` and `arg` name the function and the argument at fault, and `reason` says what went
 * wrong. It is a `TorchletError` by name and fields: `instanceof TorchletError` (from
 * `@torchlet/tensor`) is true for it, so callers catch one class.
 *
 * @example
 * ```ts
 * import { WebGPUError } from '@torchlet/webgpu';
 * const e = new WebGPUError('initWebGPU', 'gpu', 'no-adapter', 'the GPU offers no adapter');
 * e instanceof WebGPUError; // -> true
 * e.name; // -> 'TorchletError'
 * e.message; // -> 'initWebGPU: the GPU offers no adapter'
 * e.reason; // -> 'no-adapter'
 * ```
 */
export class WebGPUError extends Error {
  /** The public function that failed, e.g. `'conv2dForward'`. */
  readonly fn: string;
  /** The argument at fault, or `''` when the fault spans several. */
  readonly arg: string;
  /** What went wrong, as a code. */
  readonly reason: WebGPUErrorReason;

  /**
   * An error from `fn`'s argument `arg`, with a reason code and a readable message.
   * @param fn - The public function that failed, e.g. `'conv2dForward'`.
   * @param arg - The argument at fault, or `''` when the fault spans several.
   * @param reason - What went wrong, as a code (e.g. `'no-adapter'`, `'device-lost'`); see
   *   {@link WebGPUErrorReason}.
   * @param message - The explanation shown to the user.
   */
  constructor(fn: string, arg: string, reason: WebGPUErrorReason, message: string) {
    const text = (v: unknown): string => (typeof v === 'string' ? v : describeValue(v));
    super(`${text(fn)}: ${text(message)}`);
    this.name = 'TorchletError';
    this.fn = text(fn);
    this.arg = text(arg);
    this.reason = reason;
  }
}

/** Throws a bad-argument {@link WebGPUError}. */
export function argumentError(fn: string, arg: string, message: string): never {
  throw new WebGPUError(fn, arg, 'argument', message);
}

/** Checks that `value` is a non-negative integer (a size, stride or offset). */
export function checkCount(fn: string, arg: string, value: number, min = 0): void {
  if (!Number.isInteger(value) || value < min || value > 0xffffffff) {
    argumentError(fn, arg, `must be an integer >= ${min}, got ${describeValue(value)}`);
  }
}

/**
 * Describes a value for an error message without throwing: numbers, strings (quoted, cut at 40
 * characters), BigInts, Symbols, arrays of numbers, else the kind of object.
 */
export function describeValue(value: unknown): string {
  try {
    if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
    if (typeof value === 'bigint') return `${value.toString()}n`;
    if (typeof value === 'symbol' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (value === null || value === undefined) return String(value);
    if (typeof value === 'function') return 'a function';
    if (Array.isArray(value) && value.length <= 8 && value.every((v) => typeof v === 'number')) {
      return `[${value.join(',')}]`;
    }
    return `an object (${Object.prototype.toString.call(value)})`;
  } catch {
    return 'an unprintable value';
  }
}
