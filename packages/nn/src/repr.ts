// Python's spelling of the values that module reprs show, so `toString()` reads like PyTorch's
// `repr(module)`: floats as `repr(float)` (`0.1`, `1e-05`, `2.0`), booleans `True`/`False`,
// pairs as tuples `(5, 5)`.

/** Python's `repr(float(x))`: shortest round-trip digits, exponent form below 1e-4 or from 1e16. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const s = String(x);
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}

/** Python's `True` / `False`. */
export function pyBool(b: boolean): string {
  return b ? 'True' : 'False';
}

/** A pair as a Python tuple `(a, b)`. */
export function pyPair(p: readonly [number, number]): string {
  return `(${p[0]}, ${p[1]})`;
}

/** `_addindent`: indents every line but the first by `spaces`. */
export function addIndent(s: string, spaces: number): string {
  const lines = s.split('\n');
  if (lines.length === 1) return s;
  const pad = ' '.repeat(spaces);
  return [lines[0], ...lines.slice(1).map((l) => pad + l)].join('\n');
}
