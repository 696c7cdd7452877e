import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getBackendInfo } from './info.js';
import { type MaxPool2dGeometry, wasmMaxPool2d } from './max-pool.js';

/** PyTorch's output size (floor or ceil mode; a ceil-mode window must start inside input or left padding). */
function outSize(size: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = size + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0);
  let o = Math.floor(span / s) + 1;
  if (ceil && (o - 1) * s >= size + p) o--;
  return Math.max(0, o);
}

/**
 * Naive reference of PyTorch's CPU rule: taps in row-major order, a tap replaces the maximum when
 * greater or NaN; index of the first real tap when nothing replaces -inf; -inf / -1 for a window
 * with no real tap.
 */
function reference(x: Float32Array, g: MaxPool2dGeometry): { values: number[]; indices: number[] } {
  const values: number[] = [];
  const indices: number[] = [];
  for (let p = 0; p < g.planes; p++) {
    for (let oh = 0; oh < g.outH; oh++) {
      for (let ow = 0; ow < g.outW; ow++) {
        let best = Number.NEGATIVE_INFINITY;
        let at = -1;
        for (let i = 0; i < g.kh; i++) {
          const ih = oh * g.strideH - g.padTop + i * g.dilationH;
          if (ih < 0 || ih >= g.h) continue;
          for (let j = 0; j < g.kw; j++) {
            const iw = ow * g.strideW - g.padLeft + j * g.dilationW;
            if (iw < 0 || iw >= g.w) continue;
            const v = x[p * g.h * g.w + ih * g.w + iw];
            if (at === -1) at = ih * g.w + iw;
            if (v > best || Number.isNaN(v)) {
              best = v;
              at = ih * g.w + iw;
            }
          }
        }
        values.push(best);
        indices.push(at);
      }
    }
  }
  return { values, indices };
}

/** Float32 values rich in the cases that matter: ±0, ±inf, NaN, ties, and ordinary floats. */
const value = fc.oneof(
  fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1, -1),
  fc.float({ noDefaultInfinity: true }),
  fc.float({ min: -1, max: 1, noNaN: true }),
);

const geometry = fc
  .record({
    planes: fc.integer({ min: 0, max: 3 }),
    h: fc.integer({ min: 1, max: 13 }),
    w: fc.integer({ min: 1, max: 23 }),
    kh: fc.integer({ min: 1, max: 4 }),
    kw: fc.integer({ min: 1, max: 4 }),
    strideH: fc.integer({ min: 1, max: 4 }),
    strideW: fc.integer({ min: 1, max: 4 }),
    dilationH: fc.integer({ min: 1, max: 3 }),
    dilationW: fc.integer({ min: 1, max: 3 }),
    padH: fc.nat(),
    padW: fc.nat(),
    ceil: fc.boolean(),
  })
  .map(({ padH, padW, ceil, ...r }) => {
    const padTop = padH % (Math.floor(r.kh / 2) + 1);
    const padLeft = padW % (Math.floor(r.kw / 2) + 1);
    return {
      ...r,
      padTop,
      padLeft,
      outH: outSize(r.h, r.kh, r.strideH, padTop, r.dilationH, ceil),
      outW: outSize(r.w, r.kw, r.strideW, padLeft, r.dilationW, ceil),
    };
  });

/** The kernel that must run: the one-pass kernels for 3x3 / stride 2 / no dilation, the general one otherwise. */
function expectedKernel(g: MaxPool2dGeometry): string {
  const oneRowPass =
    g.kh === 3 && g.kw === 3 && g.strideH === 2 && g.strideW === 2 && g.dilationH === 1 && g.dilationW === 1;
  return oneRowPass ? 'wasm-simd128-maxpool3x3s2' : 'wasm-simd128-maxpool2d';
}

function check(x: Float32Array, g: MaxPool2dGeometry, withIndices: boolean): void {
  const n = g.planes * g.outH * g.outW;
  const out = new Float32Array(n).fill(12345);
  const indices = withIndices ? new Int32Array(n).fill(-7) : null;
  expect(wasmMaxPool2d(x, g, out, indices)).toBe(true);
  expect(getBackendInfo().lastKernel).toBe(expectedKernel(g));
  const ref = reference(x, g);
  for (let i = 0; i < n; i++) {
    if (!Object.is(out[i], ref.values[i])) {
      throw new Error(`value ${i}: got ${out[i]}, expected ${ref.values[i]} (${JSON.stringify(g)})`);
    }
    if (indices !== null && indices[i] !== ref.indices[i]) {
      throw new Error(`index ${i}: got ${indices[i]}, expected ${ref.indices[i]} (${JSON.stringify(g)})`);
    }
  }
  if (indices !== null) {
    // int64 indices (widened in WebAssembly): the same positions, the same values.
    const wide = new BigInt64Array(n).fill(-7n);
    const again = new Float32Array(n);
    expect(wasmMaxPool2d(x, g, again, wide)).toBe(true);
    expect(getBackendInfo().lastKernel).toBe(expectedKernel(g));
    for (let i = 0; i < n; i++) {
      if (wide[i] !== BigInt(ref.indices[i]))
        throw new Error(`int64 index ${i}: got ${wide[i]}, expected ${ref.indices[i]}`);
      if (!Object.is(again[i], out[i])) throw new Error(`value ${i} with int64 indices: ${again[i]} vs ${out[i]}`);
    }
  }
}

describe('wasmMaxPool2d against a naive reference', () => {
  it('matches on any window, stride, padding, dilation and ceil mode, with NaN, ±0 and ±inf', () => {
    fc.assert(
      fc.property(
        geometry.chain((g) =>
          fc.record({
            g: fc.constant(g),
            x: fc.array(value, { minLength: g.planes * g.h * g.w, maxLength: g.planes * g.h * g.w }),
            withIndices: fc.boolean(),
          }),
        ),
        ({ g, x, withIndices }) => check(Float32Array.from(x), g, withIndices),
      ),
      { numRuns: 300 },
    );
  });

  it('matches with 3x3 windows and stride 2 (the one-pass kernel), any size, padding and ceil mode', () => {
    const stem = fc
      .record({
        planes: fc.integer({ min: 0, max: 3 }),
        h: fc.integer({ min: 1, max: 20 }),
        w: fc.integer({ min: 1, max: 45 }),
        padTop: fc.integer({ min: 0, max: 3 }),
        padLeft: fc.integer({ min: 0, max: 3 }),
        ceil: fc.boolean(),
      })
      .map(({ ceil, ...r }) => ({
        ...r,
        kh: 3,
        kw: 3,
        strideH: 2,
        strideW: 2,
        dilationH: 1,
        dilationW: 1,
        outH: outSize(r.h, 3, 2, r.padTop, 1, ceil),
        outW: outSize(r.w, 3, 2, r.padLeft, 1, ceil),
      }));
    // Special values anywhere (NaN sends its plane to the scalar rule), or few distinct values with
    // -0 against +0 ties and no NaN (the vector path on every plane).
    const data = (g: MaxPool2dGeometry) => {
      const n = g.planes * g.h * g.w;
      return fc.oneof(
        fc.array(value, { minLength: n, maxLength: n }),
        fc.array(fc.constantFrom(0, -0, 1, -1, 2, Number.NEGATIVE_INFINITY), { minLength: n, maxLength: n }),
      );
    };
    fc.assert(
      fc.property(
        stem.chain((g) => fc.record({ g: fc.constant(g), x: data(g), withIndices: fc.boolean() })),
        ({ g, x, withIndices }) => check(Float32Array.from(x), g, withIndices),
      ),
      { numRuns: 600 },
    );
  });

  it('matches on ordinary data without NaN (the vector path on every plane)', () => {
    fc.assert(
      fc.property(geometry, fc.integer(), fc.boolean(), (g, seed, withIndices) => {
        const x = new Float32Array(g.planes * g.h * g.w);
        let s = seed >>> 0;
        for (let i = 0; i < x.length; i++) {
          s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
          // Few distinct values: many ties, including -0 against +0.
          x[i] = [0, -0, 1, -1, 2, Number.NEGATIVE_INFINITY][s % 6];
        }
        check(x, g, withIndices);
      }),
      { numRuns: 300 },
    );
  });

  it('matches across chunks: many small planes, and planes split into bands of rows', () => {
    const cases: MaxPool2dGeometry[] = [
      // ResNet's stem pool, several planes per chunk.
      {
        planes: 9,
        h: 112,
        w: 112,
        kh: 3,
        kw: 3,
        strideH: 2,
        strideW: 2,
        padTop: 1,
        padLeft: 1,
        dilationH: 1,
        dilationW: 1,
        outH: 56,
        outW: 56,
      },
      // Planes larger than a chunk: bands of output rows with overlapping input rows.
      {
        planes: 2,
        h: 301,
        w: 299,
        kh: 3,
        kw: 3,
        strideH: 2,
        strideW: 2,
        padTop: 1,
        padLeft: 1,
        dilationH: 1,
        dilationW: 1,
        outH: 151,
        outW: 150,
      },
      {
        planes: 1,
        h: 280,
        w: 260,
        kh: 3,
        kw: 2,
        strideH: 1,
        strideW: 3,
        padTop: 1,
        padLeft: 1,
        dilationH: 3,
        dilationW: 2,
        outH: 276,
        outW: 87,
      },
      {
        planes: 1,
        h: 700,
        w: 400,
        kh: 5,
        kw: 5,
        strideH: 3,
        strideW: 3,
        padTop: 2,
        padLeft: 2,
        dilationH: 1,
        dilationW: 1,
        outH: 234,
        outW: 134,
      },
    ];
    let s = 99;
    for (const g of cases) {
      const x = new Float32Array(g.planes * g.h * g.w);
      for (let i = 0; i < x.length; i++) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        x[i] = s / 2 ** 32 - 0.5;
      }
      x[x.length >> 1] = Number.NaN; // one plane (or band) takes the scalar path
      check(x, g, false);
      check(x, g, true);
    }
  });

  it('declines spans the 32-bit module cannot address, and rejects malformed geometries', () => {
    const g: MaxPool2dGeometry = {
      planes: 1,
      h: 4,
      w: 4,
      kh: 2,
      kw: 2,
      strideH: 1,
      strideW: 1,
      padTop: 0,
      padLeft: 0,
      dilationH: 1,
      dilationW: 2 ** 27,
      outH: 1,
      outW: 1,
    };
    const out = new Float32Array([5]);
    expect(wasmMaxPool2d(new Float32Array(16), g, out)).toBe(false);
    expect(getBackendInfo().lastKernel).toBe('js');
    expect(out[0]).toBe(5);
    expect(() => wasmMaxPool2d(new Float32Array(16), { ...g, kh: 0 }, out)).toThrow(/g\.kh/);
    expect(() => wasmMaxPool2d(new Float32Array(15), { ...g, dilationW: 1 }, out)).toThrow(/x holds 15/);
    expect(() => wasmMaxPool2d(new Float32Array(16), { ...g, dilationW: 1 }, out, new Int32Array(0))).toThrow(
      /indices/,
    );
    expect(() => wasmMaxPool2d(new Float32Array(16), null as unknown as MaxPool2dGeometry, out)).toThrow(
      /MaxPool2dGeometry/,
    );
  });
});
