// Naive float64 references for the WGSL kernels, written for clarity (loops as the definitions
// read), plus the tolerance check every suite uses.
import type { Conv2dGeometry } from '../src/index.js';

/** A seeded generator of float32 values in [-1, 1) (mulberry32). */
export function randomFloats(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  }
  return out;
}

/** A reference value and the sum of the magnitudes of the terms that made it (for float32 error bounds). */
export interface Reference {
  readonly value: Float64Array;
  /** Sum of |terms| per element, and the number of terms. */
  readonly magnitude: Float64Array;
  readonly terms: number;
}

/**
 * Checks `got` against a float64 reference: |got - ref| <= 1e-6 + terms * 2^-23 * magnitude, the
 * classic bound of float32 summation (with a factor 2 of slack). Returns the first mismatch as text.
 */
export function mismatch(got: Float32Array, ref: Reference): string | null {
  if (got.length < ref.value.length) return `length ${got.length} < ${ref.value.length}`;
  const eps = Math.max(1, ref.terms) * 2 ** -23;
  for (let i = 0; i < ref.value.length; i++) {
    const tol = 1e-6 + eps * ref.magnitude[i];
    if (!(Math.abs(got[i] - ref.value[i]) <= tol)) {
      return `element ${i}: got ${got[i]}, want ${ref.value[i]} (tolerance ${tol})`;
    }
  }
  return null;
}

/** Relative check for transcendental ops: |got - want| <= atol + rtol * |want|. */
export function closeTo(got: Float32Array, want: Float64Array, rtol: number, atol: number): string | null {
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    if (
      Number.isNaN(w) ? !Number.isNaN(got[i]) : !(Math.abs(got[i] - w) <= atol + rtol * Math.abs(w)) && got[i] !== w
    ) {
      return `element ${i}: got ${got[i]}, want ${w}`;
    }
  }
  return null;
}

export function refMatmul(
  a: Float32Array,
  b: Float32Array,
  o: {
    m: number;
    n: number;
    k: number;
    batch: number;
    transA: boolean;
    transB: boolean;
    aBatch: number;
    bBatch: number;
  },
): Reference {
  const value = new Float64Array(o.batch * o.m * o.n);
  const magnitude = new Float64Array(value.length);
  for (let p = 0; p < o.batch; p++) {
    for (let i = 0; i < o.m; i++) {
      for (let j = 0; j < o.n; j++) {
        let s = 0;
        let mag = 0;
        for (let q = 0; q < o.k; q++) {
          const av = a[p * o.aBatch + (o.transA ? q * o.m + i : i * o.k + q)];
          const bv = b[p * o.bBatch + (o.transB ? j * o.k + q : q * o.n + j)];
          s += av * bv;
          mag += Math.abs(av * bv);
        }
        value[(p * o.m + i) * o.n + j] = s;
        magnitude[(p * o.m + i) * o.n + j] = mag;
      }
    }
  }
  return { value, magnitude, terms: o.k };
}

/** Index of input pixel (n, c, ih, iw), or -1 outside the image. */
function xAt(g: Conv2dGeometry, n: number, c: number, ih: number, iw: number): number {
  if (ih < 0 || iw < 0 || ih >= g.inH || iw >= g.inW) return -1;
  return ((n * g.inChannels + c) * g.inH + ih) * g.inW + iw;
}

/**
 * Calls `visit(yIndex, xIndex, wIndex)` for every (output, input, weight) triple of the conv:
 * the definition that the forward and both gradients are sums over.
 */
function forEachTap(g: Conv2dGeometry, visit: (y: number, x: number, w: number) => void): void {
  const cinG = g.inChannels / g.groups;
  const coutG = g.outChannels / g.groups;
  for (let n = 0; n < g.batch; n++) {
    for (let co = 0; co < g.outChannels; co++) {
      const grp = Math.floor(co / coutG);
      for (let oh = 0; oh < g.outH; oh++) {
        for (let ow = 0; ow < g.outW; ow++) {
          const y = ((n * g.outChannels + co) * g.outH + oh) * g.outW + ow;
          for (let ci = 0; ci < cinG; ci++) {
            for (let ky = 0; ky < g.kh; ky++) {
              for (let kx = 0; kx < g.kw; kx++) {
                const ih = oh * g.strideH - g.padTop + ky * g.dilationH;
                const iw = ow * g.strideW - g.padLeft + kx * g.dilationW;
                const x = xAt(g, n, grp * cinG + ci, ih, iw);
                if (x >= 0) visit(y, x, ((co * cinG + ci) * g.kh + ky) * g.kw + kx);
              }
            }
          }
        }
      }
    }
  }
}

const sizes = (g: Conv2dGeometry) => ({
  x: g.batch * g.inChannels * g.inH * g.inW,
  w: g.outChannels * (g.inChannels / g.groups) * g.kh * g.kw,
  y: g.batch * g.outChannels * g.outH * g.outW,
});

export function refConv2d(x: Float32Array, w: Float32Array, bias: Float32Array | null, g: Conv2dGeometry): Reference {
  const value = new Float64Array(sizes(g).y);
  const magnitude = new Float64Array(value.length);
  forEachTap(g, (yi, xi, wi) => {
    value[yi] += x[xi] * w[wi];
    magnitude[yi] += Math.abs(x[xi] * w[wi]);
  });
  if (bias) {
    const plane = g.outH * g.outW;
    for (let i = 0; i < value.length; i++) {
      const b = bias[Math.floor(i / plane) % g.outChannels];
      value[i] += b;
      magnitude[i] += Math.abs(b);
    }
  }
  return { value, magnitude, terms: (g.inChannels / g.groups) * g.kh * g.kw + 1 };
}

export function refConv2dBackwardInput(dy: Float32Array, w: Float32Array, g: Conv2dGeometry): Reference {
  const value = new Float64Array(sizes(g).x);
  const magnitude = new Float64Array(value.length);
  forEachTap(g, (yi, xi, wi) => {
    value[xi] += dy[yi] * w[wi];
    magnitude[xi] += Math.abs(dy[yi] * w[wi]);
  });
  return { value, magnitude, terms: (g.outChannels / g.groups) * g.kh * g.kw };
}

export function refConv2dBackwardWeight(dy: Float32Array, x: Float32Array, g: Conv2dGeometry): Reference {
  const value = new Float64Array(sizes(g).w);
  const magnitude = new Float64Array(value.length);
  forEachTap(g, (yi, xi, wi) => {
    value[wi] += dy[yi] * x[xi];
    magnitude[wi] += Math.abs(dy[yi] * x[xi]);
  });
  return { value, magnitude, terms: g.batch * g.outH * g.outW };
}
