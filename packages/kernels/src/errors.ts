// Bad arguments to this layer's public functions. `@torchlet/tensor`'s `TorchletError` is the one
// error class of torchlet, but this layer sits below it: its error carries the same name and
// fields, and `TorchletError`'s `instanceof` check recognises it, so callers catch one class.

/**
 * The error {@link setThreads} and the other kernels entry points throw for bad arguments: a
 * `TorchletError` by name and fields (`fn`, `arg`); `instanceof TorchletError` (from
 * `@torchlet/tensor`) is true for it.
 *
 * @example
 * ```ts
 * import { KernelArgumentError, setThreads } from '@torchlet/kernels';
 * let caught: unknown;
 * try {
 *   setThreads(0);
 * } catch (e) {
 *   caught = e;
 * }
 * caught instanceof KernelArgumentError; // -> true
 * (caught as KernelArgumentError).name; // -> 'TorchletError'
 * ```
 */
export class KernelArgumentError extends Error {
  /** The public function that rejected its input, e.g. `'setThreads'`. */
  readonly fn: string;
  /** The argument at fault. */
  readonly arg: string;

  /**
   * An error from `fn`'s argument `arg`, with a readable message.
   * @param fn - The kernel that refused its arguments, e.g. `'wasmGemm'`.
   * @param arg - The argument at fault.
   * @param message - The explanation (sizes, bounds) shown to the user.
   */
  constructor(fn: string, arg: string, message: string) {
    const text = (v: unknown): string => (typeof v === 'string' ? v : describeArgument(v));
    super(`${text(fn)}: ${text(message)}`);
    this.name = 'TorchletError';
    this.fn = text(fn);
    this.arg = text(arg);
  }
}

/** Describes a value for a message without throwing (Symbols and BigInts included). */
export function describeArgument(value: unknown): string {
  try {
    if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
    if (typeof value === 'bigint') return `${value.toString()}n`;
    if (typeof value === 'symbol' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (value === null || value === undefined) return String(value);
    return typeof value === 'function' ? 'a function' : `an object (${Object.prototype.toString.call(value)})`;
  } catch {
    return 'an unprintable value';
  }
}
