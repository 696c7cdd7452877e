/**
 * Test helpers for torchlet tensors, imported from the `@torchlet/tensor/testing` subpath so
 * they never load in production bundles.
 *
 * @packageDocumentation
 */
import { fail, formatShape } from './errors.js';
import { shapesEqual } from './shape.js';
import { toTypedArray } from './strided.js';
import { isTensor, type NestedArray, type Tensor } from './tensor.js';

/** What {@link assertClose} compares: a tensor, nested arrays of numbers/booleans, a typed array or a number. */
export type CloseInput = Tensor | NestedArray | Float32Array | Float64Array | Int32Array | Uint8Array;

/** Tolerances of {@link assertClose}. */
export interface CloseOptions {
  /** Relative tolerance. Default `1e-5`. */
  readonly rtol?: number;
  /** Absolute tolerance. Default `1e-8`. */
  readonly atol?: number;
  /** Whether NaN in both places counts as equal. Default `true`. */
  readonly equalNan?: boolean;
  /** Text prepended to the failure message, to say what was compared. */
  readonly message?: string;
}

function flatten(input: CloseInput, arg: string): { shape: number[]; values: ArrayLike<number> } {
  if (isTensor(input)) {
    const values = toTypedArray(input);
    // int64 elements are bigints; compared as the nearest doubles
    return { shape: [...input.shape], values: values instanceof BigInt64Array ? Array.from(values, Number) : values };
  }
  if (ArrayBuffer.isView(input)) return { shape: [input.length], values: input };
  if (typeof input === 'number' || typeof input === 'boolean') return { shape: [], values: [Number(input)] };
  if (!Array.isArray(input)) fail('assertClose', arg, `expected a tensor, an array or a number, got ${typeof input}`);
  const shape: number[] = [];
  for (let level: unknown = input; Array.isArray(level); level = level[0]) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  const values: number[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number' && typeof v !== 'boolean')
        fail('assertClose', arg, `ragged or non-numeric nested array (shape ${formatShape(shape)})`);
      values.push(Number(v));
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth])
      fail('assertClose', arg, `ragged nested array (expected shape ${formatShape(shape)})`);
    for (const x of v) walk(x, depth + 1);
  };
  walk(input, 0);
  return { shape, values };
}

function multiIndex(flat: number, shape: readonly number[]): string {
  const idx = new Array<number>(shape.length);
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = rest % shape[d];
    rest = Math.floor(rest / shape[d]);
  }
  return `[${idx.join(', ')}]`;
}

/**
 * Asserts that `actual` and `expected` have the same shape and that every element satisfies
 * `|actual - expected| <= atol + rtol * |expected|` (an infinity matches only the same infinity; NaN matches NaN when
 * `equalNan`). On failure throws a `TorchletError` naming how many elements differ and the worst
 * one (by how far it exceeds its tolerance) with its multi-index, both values and the absolute and
 * relative differences. Inputs may be tensors (any layout or dtype; compared in float64), nested
 * arrays, typed arrays (1-D) or numbers (0-d).
 *
 * Shapes: `actual` and `expected` must have equal shapes (no broadcasting).
 *
 * @param actual - The computed values: a tensor, a number or nested arrays.
 * @param expected - The expected values, of the same shape.
 * @param options - `rtol` (default `1e-5`), `atol` (default `1e-8`), `equalNan` (default `true`) and `message`;
 *   see {@link CloseOptions}.
 * @see torch.testing.assert_close
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { assertClose } from '@torchlet/tensor/testing';
 * assertClose(tensor([[1, 2], [3, 4]]), [[1, 2], [3, 4.000001]]);
 * let message = '';
 * try {
 *   assertClose(tensor([1, 2]), [1, 2.5]);
 * } catch (e) {
 *   message = (e as Error).message.split('\n')[0];
 * }
 * message; // -> 'assertClose: 1 of 2 elements differ (rtol 0.00001, atol 1e-8)'
 * ```
 */
export function assertClose(actual: CloseInput, expected: CloseInput, options: CloseOptions = {}): void {
  const rtol = options.rtol ?? 1e-5;
  const atol = options.atol ?? 1e-8;
  const equalNan = options.equalNan ?? true;
  if (!(rtol >= 0)) fail('assertClose', 'rtol', `rtol must be >= 0, got ${rtol}`);
  if (!(atol >= 0)) fail('assertClose', 'atol', `atol must be >= 0, got ${atol}`);
  const pre = options.message ? `${options.message}: ` : '';
  const a = flatten(actual, 'actual');
  const e = flatten(expected, 'expected');
  if (!shapesEqual(a.shape, e.shape)) {
    fail('assertClose', '', `${pre}shapes differ: actual ${formatShape(a.shape)} vs expected ${formatShape(e.shape)}`);
  }
  const n = a.values.length;
  let bad = 0;
  let worst = -1;
  let worstScore = -1;
  for (let i = 0; i < n; i++) {
    const x = a.values[i];
    const y = e.values[i];
    if (x === y) continue; // also equal infinities
    const xNan = Number.isNaN(x);
    const yNan = Number.isNaN(y);
    let score: number;
    if (xNan || yNan) {
      if (xNan && yNan && equalNan) continue;
      score = Number.POSITIVE_INFINITY;
    } else if (!Number.isFinite(x) || !Number.isFinite(y)) {
      score = Number.POSITIVE_INFINITY; // an infinity is only close to the same infinity
    } else {
      const diff = Math.abs(x - y);
      const tol = atol + rtol * Math.abs(y);
      if (diff <= tol) continue;
      // how many tolerances away; infinite for a mismatch against zero tolerance or infinities
      score = tol > 0 ? diff / tol : Number.POSITIVE_INFINITY;
    }
    bad++;
    if (score > worstScore) {
      worstScore = score;
      worst = i;
    }
  }
  if (bad === 0) return;
  const x = a.values[worst];
  const y = e.values[worst];
  const abs = Math.abs(x - y);
  const rel = abs / Math.abs(y);
  fail(
    'assertClose',
    '',
    `${pre}${bad} of ${n} elements differ (rtol ${rtol}, atol ${atol})\n` +
      `  worst at ${multiIndex(worst, a.shape)}: actual ${x}, expected ${y}, abs diff ${abs}, rel diff ${rel}`,
  );
}
