/**
 * The one error class every torchlet layer throws for bad input, so all messages read alike:
 * `conv2d: weight has 3 input channels but input has 2 (input [1,2,5,5], weight [4,3,3,3])`.
 *
 * @example
 * ```ts
 * import { TorchletError, zeros } from '@torchlet/tensor';
 * let caught: unknown;
 * try {
 *   zeros([2, 3]).reshape([4]);
 * } catch (e) {
 *   caught = e;
 * }
 * caught instanceof TorchletError; // -> true
 * (caught as TorchletError).fn; // -> 'reshape'
 * ```
 */
export class TorchletError extends Error {
  /** The public function that rejected its input, e.g. `'conv2d'`. */
  readonly fn: string;
  /** The argument at fault, e.g. `'weight'`, or `''` when the fault spans several. */
  readonly arg: string;

  /**
   * An error from `fn`'s argument `arg`: the message reads `fn: message`.
   * @param fn - The public function that refused its arguments, e.g. `'conv2d'`.
   * @param arg - The argument at fault, e.g. `'weight'`.
   * @param message - The explanation, naming the shapes or values involved.
   */
  constructor(fn: string, arg: string, message: string) {
    const text = (v: unknown): string => (typeof v === 'string' ? v : formatValue(v));
    super(`${text(fn)}: ${text(message)}`);
    this.name = 'TorchletError';
    this.fn = text(fn);
    this.arg = text(arg);
  }

  /**
   * `instanceof TorchletError` also holds for `@torchlet/kernels`' `KernelArgumentError` (the layer
   * below cannot import this class, so it throws an error of the same name and fields).
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    if (Object.prototype.isPrototypeOf.call(TorchletError.prototype, value)) return true;
    if (!(value instanceof Error)) return false;
    const e = value as Error & { fn?: unknown; arg?: unknown };
    return e.name === 'TorchletError' && typeof e.fn === 'string' && typeof e.arg === 'string';
  }
}

/**
 * Formats a shape the way every error message shows it: `[1,2,5,5]` (no spaces).
 *
 * @param shape - The dimension sizes.
 * @returns The shape as PyTorch prints it, e.g. `'[2, 3]'`.
 * @example
 * ```ts
 * import { formatShape } from '@torchlet/tensor';
 * formatShape([1, 2, 5, 5]); // -> '[1,2,5,5]'
 * ```
 */
export function formatShape(shape: readonly number[]): string {
  if (!Array.isArray(shape)) return formatValue(shape);
  const parts: string[] = [];
  for (let i = 0; i < shape.length; i++)
    parts.push(typeof shape[i] === 'number' ? String(shape[i]) : formatValue(shape[i]));
  return `[${parts.join(',')}]`;
}

/**
 * Throws a {@link TorchletError} for function `fn` and argument `arg`.
 *
 * @param fn - The public function that refused its arguments.
 * @param arg - The argument at fault.
 * @param message - The explanation, naming the shapes or values involved.
 * @example
 * ```ts
 * import { fail } from '@torchlet/tensor';
 * let message = '';
 * try {
 *   fail('corr2d', 'X', 'expected a 2-D tensor');
 * } catch (e) {
 *   message = (e as Error).message;
 * }
 * message; // -> 'corr2d: expected a 2-D tensor'
 * ```
 */
export function fail(fn: string, arg: string, message: string): never {
  throw new TorchletError(fn, arg, message);
}

/**
 * Describes any value for an error message without ever throwing: numbers as written, strings
 * quoted (cut at 40 characters), `3n` for BigInts, `Symbol(x)`, `Float32Array(6)`,
 * `a tensor of shape [2,3]`, arrays up to 8 entries, other objects by their constructor's name.
 * Error paths use it, so that formatting a bad argument cannot itself crash.
 *
 * @param value - Any value, including ones whose `toString` throws.
 * @returns A short, safe description for an error message (strings quoted, long arrays cut).
 * @example
 * ```ts
 * import { formatValue } from '@torchlet/tensor';
 * formatValue(3n); // -> '3n'
 * formatValue(Symbol('s')); // -> 'Symbol(s)'
 * formatValue([2, Number.NaN]); // -> '[2,NaN]'
 * formatValue({}); // -> 'an Object'
 * ```
 */
export function formatValue(value: unknown): string {
  try {
    return describeValue(value, 0);
  } catch {
    return 'an unprintable value';
  }
}

function describeValue(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
    case 'bigint':
      return `${value.toString()}n`;
    case 'symbol':
      return value.toString();
    case 'function':
      return `function ${value.name === '' ? '(anonymous)' : value.name}`;
    case 'object': {
      if (value === null) return 'null';
      if (ArrayBuffer.isView(value)) {
        const name = value.constructor?.name ?? 'ArrayBufferView';
        return 'length' in value ? `${name}(${String((value as { length: unknown }).length)})` : name;
      }
      if (Array.isArray(value)) {
        if (depth > 1) return '[...]';
        const shown = value.slice(0, 8).map((v) => describeValue(v, depth + 1));
        return `[${shown.join(',')}${value.length > 8 ? ',...' : ''}]`;
      }
      const shape = (value as { shape?: unknown }).shape;
      if (Array.isArray(shape) && typeof (value as { dtype?: unknown }).dtype === 'string') {
        return `a tensor of shape ${describeValue(shape, depth + 1)}`;
      }
      const name = Object.getPrototypeOf(value)?.constructor?.name;
      return typeof name === 'string' && name !== '' ? `an ${name}`.replace(/^an ([^AEIOU])/, 'a $1') : 'an object';
    }
    default:
      return String(value);
  }
}
