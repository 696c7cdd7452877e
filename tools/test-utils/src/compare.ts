import type { Tensor } from '@torchlet/tensor';

/**
 * Checks `|actual - expected| <= atol + rtol * |expected|` element by element (NaN never passes)
 * after comparing shapes. Returns `null` when everything passes, else a message naming the first
 * offending element, for `expect(closeness(...)).toBeNull()`.
 */
export function closeness(
  actual: Tensor,
  expected: { readonly shape: readonly number[]; readonly data: ArrayLike<number> },
  atol: number,
  rtol: number,
): string | null {
  if (actual.shape.length !== expected.shape.length || actual.shape.some((s, i) => s !== expected.shape[i])) {
    return `shape [${actual.shape}] != expected [${expected.shape}]`;
  }
  const a = actual.toTypedArray() as ArrayLike<number>;
  for (let i = 0; i < a.length; i++) {
    const e = expected.data[i];
    if (!(Math.abs(a[i] - e) <= atol + rtol * Math.abs(e))) {
      return `element ${i}: got ${a[i]}, expected ${e} (atol ${atol}, rtol ${rtol})`;
    }
  }
  return null;
}

/** The dot product of two equally long arrays, in float64 (for adjoint identities `<Ax, y> = <x, A'y>`). */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
