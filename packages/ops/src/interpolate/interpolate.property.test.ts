import { Tensor, tensor } from '@torchlet/tensor';
import { closeness, dot, exactValuesArb, floatDTypeArb, viewLayoutArb, withLayout } from '@torchlet/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { interpolate, interpolateBackward } from './interpolate.js';
import type { InterpolateMode, InterpolateOptions } from './params.js';

const modeArb = fc.constantFrom<InterpolateMode>('nearest', 'nearest-exact', 'bilinear');

/** A shape, options with either a size or a scale factor, and exact input values. */
const caseArb = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 2 }),
    h: fc.integer({ min: 1, max: 6 }),
    w: fc.integer({ min: 1, max: 6 }),
    mode: modeArb,
    alignCorners: fc.boolean(),
    antialias: fc.boolean(),
    bySize: fc.boolean(),
    oh: fc.integer({ min: 1, max: 9 }),
    ow: fc.integer({ min: 1, max: 9 }),
    sh: fc.integer({ min: 4, max: 30 }).map((k) => k / 8),
    sw: fc.integer({ min: 4, max: 30 }).map((k) => k / 8),
    recompute: fc.boolean(),
    dtype: floatDTypeArb,
  })
  .filter((g) => g.bySize || (Math.floor(g.h * g.sh) >= 1 && Math.floor(g.w * g.sw) >= 1))
  .chain((g) => fc.record({ g: fc.constant(g), values: exactValuesArb(g.n * g.c * g.h * g.w) }))
  .map(({ g, values }) => {
    const options: InterpolateOptions = {
      mode: g.mode,
      ...(g.mode === 'bilinear' ? { alignCorners: g.alignCorners, antialias: g.antialias } : {}),
      ...(g.bySize
        ? { size: [g.oh, g.ow] as const }
        : { scaleFactor: [g.sh, g.sw] as const, recomputeScaleFactor: g.recompute }),
    };
    return { ...g, options, values, shape: [g.n, g.c, g.h, g.w] };
  });

/** A naive float64 bilinear reference with the textbook formulas (no tables, no float32 rounding). */
function refBilinear(x: Tensor, oh: number, ow: number, alignCorners: boolean): number[] {
  const [n, c, h, w] = x.shape;
  const v = x.toTypedArray() as ArrayLike<number>;
  const src = (o: number, inS: number, outS: number): number => {
    if (inS === outS) return o;
    if (alignCorners) return outS > 1 ? (o * (inS - 1)) / (outS - 1) : 0;
    return Math.max(((o + 0.5) * inS) / outS - 0.5, 0);
  };
  const out: number[] = [];
  for (let p = 0; p < n * c; p++) {
    for (let i = 0; i < oh; i++) {
      const y = src(i, h, oh);
      const y0 = Math.floor(y);
      const y1 = Math.min(y0 + 1, h - 1);
      const ly = y - y0;
      for (let j = 0; j < ow; j++) {
        const xx = src(j, w, ow);
        const x0 = Math.floor(xx);
        const x1 = Math.min(x0 + 1, w - 1);
        const lx = xx - x0;
        const at = (a: number, b: number): number => v[p * h * w + a * w + b];
        out.push((1 - ly) * ((1 - lx) * at(y0, x0) + lx * at(y0, x1)) + ly * ((1 - lx) * at(y1, x0) + lx * at(y1, x1)));
      }
    }
  }
  return out;
}

/**
 * A naive float64 antialiased reference, not separable: out[i, j] sums the input under the product
 * of two triangle filters of half-width max(scale, 1) centred on the output pixel's centre (in
 * input coordinates), normalised per axis over the pixels inside the image.
 */
function refAntialias(x: Tensor, oh: number, ow: number, alignCorners: boolean): number[] {
  const [n, c, h, w] = x.shape;
  const v = x.toTypedArray() as Float64Array;
  const weights = (o: number, inS: number, outS: number): number[] => {
    // An axis that keeps its size is left alone (PyTorch skips it).
    if (inS === outS) return Array.from({ length: inS }, (_, j) => (j === o ? 1 : 0));
    const scale = alignCorners ? (outS > 1 ? (inS - 1) / (outS - 1) : 0) : inS / outS;
    const support = Math.max(scale, 1);
    const center = scale * (o + 0.5);
    const ws = Array.from({ length: inS }, (_, j) => Math.max(0, 1 - Math.abs(j + 0.5 - center) / support));
    const total = ws.reduce((a, b) => a + b, 0);
    return ws.map((q) => (total > 0 ? q / total : 0));
  };
  const out: number[] = [];
  for (let p = 0; p < n * c; p++)
    for (let i = 0; i < oh; i++) {
      const wy = weights(i, h, oh);
      for (let j = 0; j < ow; j++) {
        const wx = weights(j, w, ow);
        let acc = 0;
        for (let a = 0; a < h; a++) for (let b = 0; b < w; b++) acc += wy[a] * wx[b] * v[p * h * w + a * w + b];
        out.push(acc);
      }
    }
  return out;
}

describe('interpolate properties', () => {
  it('antialias matches a naive float64 two-dimensional filter reference for sizes', () => {
    fc.assert(
      fc.property(caseArb, (k) => {
        const x = withLayout(k.values, k.shape, 'float64', 'contiguous');
        const options = {
          size: [k.oh, k.ow],
          mode: 'bilinear',
          alignCorners: k.alignCorners,
          antialias: true,
        } as const;
        const want = refAntialias(x, k.oh, k.ow, k.alignCorners);
        expect(
          closeness(interpolate(x, options), { shape: [k.n, k.c, k.oh, k.ow], data: want }, 1e-12, 1e-12),
        ).toBeNull();
      }),
      { numRuns: 60 },
    );
  });

  it('matches a naive float64 bilinear reference for sizes', () => {
    fc.assert(
      fc.property(caseArb, (k) => {
        const x = withLayout(k.values, k.shape, 'float64', 'contiguous');
        const y = interpolate(x, { size: [k.oh, k.ow], mode: 'bilinear', alignCorners: k.alignCorners });
        expect(
          closeness(
            y,
            { shape: [k.n, k.c, k.oh, k.ow], data: refBilinear(x, k.oh, k.ow, k.alignCorners) },
            1e-12,
            1e-12,
          ),
        ).toBeNull();
      }),
      { numRuns: 60 },
    );
  });

  it('gives the same result for every memory layout of the input', () => {
    fc.assert(
      fc.property(caseArb, viewLayoutArb, (k, layout) => {
        const base = interpolate(withLayout(k.values, k.shape, k.dtype, 'contiguous'), k.options);
        const other = interpolate(withLayout(k.values, k.shape, k.dtype, layout), k.options);
        expect(other.equal(base)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('backward is the adjoint of forward: <interpolate(x), g> = <x, interpolateBackward(g)>', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 1e6 }), (k, seed) => {
        const x = withLayout(k.values, k.shape, 'float64', 'contiguous');
        const y = interpolate(x, k.options);
        const g = new Tensor(
          Float64Array.from({ length: y.numel }, (_, i) => Math.sin(i * 0.7 + seed)),
          y.shape,
        );
        const gx = interpolateBackward(g, k.shape, k.options);
        const lhs = dot(y.toTypedArray() as ArrayLike<number>, g.toTypedArray() as ArrayLike<number>);
        const rhs = dot(x.toTypedArray() as ArrayLike<number>, gx.toTypedArray() as ArrayLike<number>);
        expect(Math.abs(lhs - rhs)).toBeLessThan(1e-9 * (1 + Math.abs(lhs)));
      }),
      { numRuns: 80 },
    );
  });

  it('keeps constants constant, and the same size is the identity', () => {
    fc.assert(
      fc.property(caseArb, (k) => {
        const ones = tensor(new Float64Array(k.values.length).fill(1.5), { shape: k.shape });
        expect(
          interpolate(ones, k.options)
            .toTypedArray()
            .every((v: number | bigint) => Math.abs(Number(v) - 1.5) < 1e-12),
        ).toBe(true);
        const x = withLayout(k.values, k.shape, k.dtype, 'contiguous');
        const { recomputeScaleFactor: _r, scaleFactor: _s, ...rest } = k.options;
        expect(interpolate(x, { ...rest, size: [k.h, k.w] }).equal(x)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('nearest by an integer factor repeats each pixel', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 3 }), (k, f) => {
        const x = withLayout(k.values, k.shape, k.dtype, 'contiguous');
        const y = interpolate(x, { scaleFactor: f });
        const [, , h, w] = k.shape;
        const xv = x.toTypedArray() as ArrayLike<number>;
        const yv = y.toTypedArray() as ArrayLike<number>;
        for (let p = 0; p < k.n * k.c; p++)
          for (let i = 0; i < h * f; i++)
            for (let j = 0; j < w * f; j++)
              expect(yv[(p * h * f + i) * w * f + j]).toBe(xv[(p * h + Math.floor(i / f)) * w + Math.floor(j / f)]);
      }),
      { numRuns: 40 },
    );
  });
});
