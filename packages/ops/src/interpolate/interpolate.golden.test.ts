import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { closeness, type GoldenTensor, toTensor } from '@torchlet/test-utils';
import { describe, expect, it } from 'vitest';
import { interpolate, interpolateBackward } from './interpolate.js';
import type { InterpolateOptions } from './params.js';

// PyTorch 1.13's F.interpolate and its gradient (packages/ops/test/interpolate-golden.py).
interface InterpolateCase {
  readonly options: InterpolateOptions;
  readonly input: GoldenTensor;
  readonly upstream: GoldenTensor;
  readonly float32: { readonly out: GoldenTensor; readonly grad_input: GoldenTensor };
  readonly float64: { readonly out: GoldenTensor; readonly grad_input: GoldenTensor };
}

const file = fileURLToPath(new URL('../../test/golden/interpolate.json', import.meta.url));
const { cases } = JSON.parse(readFileSync(file, 'utf8')) as { cases: InterpolateCase[] };

describe.each(['float32', 'float64'] as const)('interpolate.json golden (%s)', (dtype) => {
  it('covers every mode, alignCorners, size, scaleFactor and recomputeScaleFactor', () => {
    const modes = new Set(cases.map((c) => c.options.mode ?? 'nearest'));
    expect(modes).toEqual(new Set(['nearest', 'nearest-exact', 'bilinear']));
    expect(cases.some((c) => c.options.alignCorners)).toBe(true);
    expect(cases.some((c) => c.options.recomputeScaleFactor)).toBe(true);
    expect(cases.filter((c) => c.options.antialias).length).toBeGreaterThan(5);
    expect(cases.some((c) => c.options.size !== undefined)).toBe(true);
  });

  it.each(cases.map((c, i) => [`${i}: ${JSON.stringify(c.options)} ${JSON.stringify(c.input.shape)}`, c] as const))(
    '%s',
    (_label, c) => {
      const x = toTensor(c.input, dtype);
      const expected = c[dtype];
      const out = interpolate(x, c.options);
      expect(out.dtype).toBe(dtype);
      const tol = dtype === 'float32' ? 2e-6 : 1e-12;
      // Nearest modes copy values: they must be exact (a float32 rounding of the source index would show here).
      const exact = (c.options.mode ?? 'nearest') !== 'bilinear';
      expect(closeness(out, expected.out, exact ? 0 : tol, 0)).toBeNull();
      const grad = interpolateBackward(toTensor(c.upstream, dtype), x.shape, c.options);
      expect(closeness(grad, expected.grad_input, tol * 8, tol)).toBeNull();
    },
  );
});
