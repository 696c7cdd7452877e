// Layer 0 cannot import @torchlet/tensor's TorchletError, so it throws its own named error with the
// same fields (`fn`, `arg`) plus a machine-readable `reason`; tensor rethrows it as a TorchletError.

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
 * name, `fn` and `arg` name the function and the argument at fault (as `TorchletError` does), and
 * `reason` says what went wrong.
 *
 * @example
 * ```ts
 * import { WebGPUError } from '@torchlet/webgpu';
 * const e = new WebGPUError('initWebGPU', 'gpu', 'no-adapter', 'the GPU offers no adapter');
 * e.name; // -> 'WebGPUError'
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

  constructor(fn: string, arg: string, reason: WebGPUErrorReason, message: string) {
    super(`${fn}: ${message}`);
    this.name = 'WebGPUError';
    this.fn = fn;
    this.arg = arg;
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
    argumentError(fn, arg, `must be an integer >= ${min}, got ${String(value)}`);
  }
}
