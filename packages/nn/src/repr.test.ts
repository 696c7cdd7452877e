import { describe, expect, it } from 'vitest';
import { addIndent, pyBool, pyFloat, pyPair } from './repr.js';

describe("Python's spelling of values in module reprs", () => {
  it('pyFloat is repr(float)', () => {
    // Each expected string is what Python prints for repr(float(x)).
    const cases: [number, string][] = [
      [0.1, '0.1'],
      [1e-5, '1e-05'],
      [1e-3, '0.001'],
      [1e-4, '0.0001'],
      [1.5e-7, '1.5e-07'],
      [2, '2.0'],
      [0, '0.0'],
      [-0, '-0.0'],
      [0.5, '0.5'],
      [123456789.5, '123456789.5'],
      [1e16, '1e+16'],
      [1e15, '1000000000000000.0'],
      [1 / 3, '0.3333333333333333'],
      [Number.POSITIVE_INFINITY, 'inf'],
      [Number.NaN, 'nan'],
    ];
    for (const [x, s] of cases) expect(pyFloat(x), String(x)).toBe(s);
  });

  it('booleans, pairs and indentation', () => {
    expect([pyBool(true), pyBool(false)]).toEqual(['True', 'False']);
    expect(pyPair([5, 3])).toBe('(5, 3)');
    expect(addIndent('A(\n  x\n)', 2)).toBe('A(\n    x\n  )');
    expect(addIndent('ReLU()', 2)).toBe('ReLU()');
  });
});
