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

  constructor(fn: string, arg: string, message: string) {
    super(`${fn}: ${message}`);
    this.name = 'TorchletError';
    this.fn = fn;
    this.arg = arg;
  }
}

/**
 * Formats a shape the way every error message shows it: `[1,2,5,5]` (no spaces).
 *
 * @example
 * ```ts
 * import { formatShape } from '@torchlet/tensor';
 * formatShape([1, 2, 5, 5]); // -> '[1,2,5,5]'
 * ```
 */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * Throws a {@link TorchletError} for function `fn` and argument `arg`.
 *
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
