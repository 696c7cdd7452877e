// pad2d, adaptive pooling and im2col/col2im against float64 references. Each linear op is written
// as its list of (output, input, coefficient) taps, straight from PyTorch's definition; the forward
// kernel must equal the taps applied to x, and the backward kernel the taps applied transposed to
// dy, so one reference checks both directions.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { seedArb } from '../test/arbitraries.js';
import { gpu, ranOn } from '../test/gpu.js';
import { closeTo, randomFloats } from '../test/reference.js';
import {
  ADAPTIVE_POOL2D_KERNELS,
  type AdaptivePool2dGeometry,
  adaptiveAvgPool2dBackward,
  adaptiveAvgPool2dForward,
  adaptiveMaxPool2dBackward,
  adaptiveMaxPool2dForward,
  col2im,
  im2col,
  PAD2D_KERNELS,
  type Pad2dGeometry,
  type PadMode,
  type Pool2dGeometry,
  pad2d,
  pad2dBackward,
  readback,
  UNFOLD_KERNELS,
  upload,
} from './index.js';

type Tap = readonly [out: number, input: number, coefficient: number];

function applyTaps(taps: readonly Tap[], x: Float32Array, outLength: number, fill = 0): Float64Array {
  const y = new Float64Array(outLength).fill(fill);
  const touched = new Uint8Array(outLength);
  for (const [o, i, c] of taps) {
    if (!touched[o]) y[o] = 0;
    touched[o] = 1;
    y[o] += c * x[i];
  }
  return y;
}

function applyTransposed(taps: readonly Tap[], dy: Float32Array, inLength: number): Float64Array {
  const dx = new Float64Array(inLength);
  for (const [o, i, c] of taps) dx[i] += c * dy[o];
  return dx;
}

/** PyTorch's F.pad source index along one dimension, or -1 for a constant fill. */
function padSource(o: number, n: number, before: number, mode: PadMode): number {
  const i = o - before;
  if (i >= 0 && i < n) return i;
  if (mode === 'reflect') return i < 0 ? -i : 2 * (n - 1) - i;
  if (mode === 'replicate') return Math.min(Math.max(i, 0), n - 1);
  if (mode === 'circular') return ((i % n) + n) % n;
  return -1;
}

const padArb = fc
  .record({
    mode: fc.constantFrom<PadMode>('constant', 'reflect', 'replicate', 'circular'),
    planes: fc.integer({ min: 1, max: 3 }),
    inH: fc.integer({ min: 1, max: 6 }),
    inW: fc.integer({ min: 1, max: 6 }),
    pads: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 4, maxLength: 4 }),
    value: fc.constantFrom(0, -1.5, 2),
  })
  .map((r) => {
    // reflect: pads below the size; circular: at most the size (PyTorch's limits).
    const limit = (size: number) => (r.mode === 'reflect' ? size - 1 : r.mode === 'circular' ? size : 4);
    const [t, b, l, rt] = r.pads;
    const g: Pad2dGeometry = {
      planes: r.planes,
      inH: r.inH,
      inW: r.inW,
      padTop: Math.min(t, limit(r.inH)),
      padBottom: Math.min(b, limit(r.inH)),
      padLeft: Math.min(l, limit(r.inW)),
      padRight: Math.min(rt, limit(r.inW)),
    };
    return { g, mode: r.mode, value: r.value };
  });

describe('pad2d', () => {
  test('forward and backward match F.pad in every mode', async () => {
    await fc.assert(
      fc.asyncProperty(padArb, seedArb, async ({ g, mode, value }, seed) => {
        const outH = g.inH + g.padTop + g.padBottom;
        const outW = g.inW + g.padLeft + g.padRight;
        const taps: Tap[] = [];
        for (let p = 0; p < g.planes; p++) {
          for (let oh = 0; oh < outH; oh++) {
            for (let ow = 0; ow < outW; ow++) {
              const ih = padSource(oh, g.inH, g.padTop, mode);
              const iw = padSource(ow, g.inW, g.padLeft, mode);
              if (ih >= 0 && iw >= 0) taps.push([(p * outH + oh) * outW + ow, (p * g.inH + ih) * g.inW + iw, 1]);
            }
          }
        }
        const x = randomFloats(g.planes * g.inH * g.inW, seed);
        const dy = randomFloats(g.planes * outH * outW, seed + 1);
        const y = await readback(pad2d(upload(gpu, x), g, mode, value));
        expect(ranOn(PAD2D_KERNELS.forward)).toBe(true);
        expect(closeTo(y, applyTaps(taps, x, dy.length, value), 0, 0)).toBeNull();
        const dx = await readback(pad2dBackward(upload(gpu, dy), g, mode));
        expect(ranOn(PAD2D_KERNELS.backward)).toBe(true);
        expect(closeTo(dx, applyTransposed(taps, dy, x.length), 1e-6, 1e-6)).toBeNull();
      }),
      { numRuns: 40 },
    );
  });

  test('rejects pads PyTorch rejects, naming the function', () => {
    const x = upload(gpu, new Float32Array(6));
    const g = { planes: 1, inH: 2, inW: 3, padTop: 0, padBottom: 0, padLeft: 3, padRight: 0 };
    expect(() => pad2d(x, g, 'reflect')).toThrow(/^pad2d: reflect padding needs pads below the size/);
    expect(() => pad2d(x, { ...g, padLeft: 4 }, 'circular')).toThrow(/^pad2d: circular padding/);
    expect(() => pad2d(x, g, 'wrap' as PadMode)).toThrow(/^pad2d: mode must be one of/);
    expect(() => pad2dBackward(x, g, 'constant')).toThrow(
      /^pad2dBackward: holds 6 elements, but the output gradient of this geometry needs 12/,
    );
  });
});

const adaptiveArb = fc.record({
  batch: fc.integer({ min: 1, max: 2 }),
  channels: fc.integer({ min: 1, max: 2 }),
  inH: fc.integer({ min: 1, max: 9 }),
  inW: fc.integer({ min: 1, max: 9 }),
  outH: fc.integer({ min: 1, max: 6 }),
  outW: fc.integer({ min: 1, max: 6 }),
});

/** Visits each output cell with its adaptive window (PyTorch's start = floor, end = ceil). */
function forEachCell(g: AdaptivePool2dGeometry, visit: (y: number, xs: number[]) => void): void {
  for (let p = 0; p < g.batch * g.channels; p++) {
    for (let oh = 0; oh < g.outH; oh++) {
      for (let ow = 0; ow < g.outW; ow++) {
        const xs: number[] = [];
        const h0 = Math.floor((oh * g.inH) / g.outH);
        const h1 = Math.ceil(((oh + 1) * g.inH) / g.outH);
        const w0 = Math.floor((ow * g.inW) / g.outW);
        const w1 = Math.ceil(((ow + 1) * g.inW) / g.outW);
        for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) xs.push((p * g.inH + h) * g.inW + w);
        visit((p * g.outH + oh) * g.outW + ow, xs);
      }
    }
  }
}

describe('adaptive pooling', () => {
  test('average: forward and backward match the windows of adaptive_avg_pool2d', async () => {
    await fc.assert(
      fc.asyncProperty(adaptiveArb, seedArb, async (g, seed) => {
        const taps: Tap[] = [];
        forEachCell(g, (y, xs) => {
          for (const i of xs) taps.push([y, i, 1 / xs.length]);
        });
        const x = randomFloats(g.batch * g.channels * g.inH * g.inW, seed);
        const dy = randomFloats(g.batch * g.channels * g.outH * g.outW, seed + 1);
        const y = await readback(adaptiveAvgPool2dForward(upload(gpu, x), g));
        expect(ranOn(ADAPTIVE_POOL2D_KERNELS.avgForward)).toBe(true);
        expect(closeTo(y, applyTaps(taps, x, dy.length), 1e-6, 1e-6)).toBeNull();
        const dx = await readback(adaptiveAvgPool2dBackward(upload(gpu, dy), g));
        expect(ranOn(ADAPTIVE_POOL2D_KERNELS.avgBackward)).toBe(true);
        expect(closeTo(dx, applyTransposed(taps, dy, x.length), 1e-6, 1e-6)).toBeNull();
      }),
      { numRuns: 40 },
    );
  });

  test('max: values, first-maximum indices and their gradient', async () => {
    await fc.assert(
      fc.asyncProperty(adaptiveArb, seedArb, async (g, seed) => {
        // Values on a coarse grid, so ties happen and the first maximum must win.
        const x = randomFloats(g.batch * g.channels * g.inH * g.inW, seed).map((v) => Math.round(v * 2));
        const dy = randomFloats(g.batch * g.channels * g.outH * g.outW, seed + 1);
        const want = new Float64Array(dy.length);
        const wantIndex = new Int32Array(dy.length);
        const wantDx = new Float64Array(x.length);
        forEachCell(g, (y, xs) => {
          let best = xs[0];
          for (const i of xs) if (x[i] > x[best]) best = i;
          want[y] = x[best];
          wantIndex[y] = best % (g.inH * g.inW);
          wantDx[best] += dy[y];
        });
        const { values, indices } = adaptiveMaxPool2dForward(upload(gpu, x), g);
        expect(ranOn(ADAPTIVE_POOL2D_KERNELS.maxForward)).toBe(true);
        expect(closeTo(await readback(values), want, 0, 0)).toBeNull();
        expect(Array.from(await readback(indices, Int32Array))).toEqual(Array.from(wantIndex));
        const dx = await readback(adaptiveMaxPool2dBackward(upload(gpu, dy), indices, g));
        expect(ranOn(ADAPTIVE_POOL2D_KERNELS.maxBackward)).toBe(true);
        expect(closeTo(dx, wantDx, 1e-6, 1e-6)).toBeNull();
      }),
      { numRuns: 30 },
    );
  });
});

const unfoldArb = fc
  .record({
    batch: fc.integer({ min: 1, max: 2 }),
    channels: fc.integer({ min: 1, max: 3 }),
    inH: fc.integer({ min: 1, max: 7 }),
    inW: fc.integer({ min: 1, max: 7 }),
    kh: fc.integer({ min: 1, max: 3 }),
    kw: fc.integer({ min: 1, max: 3 }),
    strideH: fc.integer({ min: 1, max: 3 }),
    strideW: fc.integer({ min: 1, max: 3 }),
    padTop: fc.integer({ min: 0, max: 2 }),
    padLeft: fc.integer({ min: 0, max: 2 }),
    dilationH: fc.integer({ min: 1, max: 2 }),
    dilationW: fc.integer({ min: 1, max: 2 }),
  })
  .map(
    (r): Pool2dGeometry => ({
      ...r,
      outH: Math.floor((r.inH + 2 * r.padTop - r.dilationH * (r.kh - 1) - 1) / r.strideH) + 1,
      outW: Math.floor((r.inW + 2 * r.padLeft - r.dilationW * (r.kw - 1) - 1) / r.strideW) + 1,
    }),
  )
  .filter((g) => g.outH >= 1 && g.outW >= 1);

describe('im2col / col2im', () => {
  test('im2col matches F.unfold and col2im is its transpose (F.fold)', async () => {
    await fc.assert(
      fc.asyncProperty(unfoldArb, seedArb, async (g, seed) => {
        const taps: Tap[] = [];
        const l = g.outH * g.outW;
        const rows = g.channels * g.kh * g.kw;
        for (let n = 0; n < g.batch; n++) {
          for (let c = 0; c < g.channels; c++) {
            for (let ky = 0; ky < g.kh; ky++) {
              for (let kx = 0; kx < g.kw; kx++) {
                const row = (c * g.kh + ky) * g.kw + kx;
                for (let oh = 0; oh < g.outH; oh++) {
                  for (let ow = 0; ow < g.outW; ow++) {
                    const ih = oh * g.strideH - g.padTop + ky * g.dilationH;
                    const iw = ow * g.strideW - g.padLeft + kx * g.dilationW;
                    if (ih < 0 || iw < 0 || ih >= g.inH || iw >= g.inW) continue;
                    taps.push([
                      (n * rows + row) * l + oh * g.outW + ow,
                      ((n * g.channels + c) * g.inH + ih) * g.inW + iw,
                      1,
                    ]);
                  }
                }
              }
            }
          }
        }
        const x = randomFloats(g.batch * g.channels * g.inH * g.inW, seed);
        const cols = randomFloats(g.batch * rows * l, seed + 1);
        const y = await readback(im2col(upload(gpu, x), g));
        expect(ranOn(UNFOLD_KERNELS.im2col)).toBe(true);
        expect(closeTo(y, applyTaps(taps, x, cols.length), 0, 0)).toBeNull();
        const folded = await readback(col2im(upload(gpu, cols), g));
        expect(ranOn(UNFOLD_KERNELS.col2im)).toBe(true);
        expect(closeTo(folded, applyTransposed(taps, cols, x.length), 1e-6, 1e-6)).toBeNull();
      }),
      { numRuns: 40 },
    );
  });
});
