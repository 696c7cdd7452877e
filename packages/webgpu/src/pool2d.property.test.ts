// Max and average pooling against float64 definitions written as PyTorch documents them:
// -inf padding and first-maximum ties for max, count_include_pad and divisor_override for
// average, floor and ceil output sizes.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { seedArb } from '../test/arbitraries.js';
import { gpu, ranOn } from '../test/gpu.js';
import { closeTo, randomFloats } from '../test/reference.js';
import {
  type AvgPool2dOptions,
  avgPool2dBackward,
  avgPool2dForward,
  maxPool2dBackward,
  maxPool2dForward,
  POOL2D_KERNELS,
  type Pool2dGeometry,
  readback,
  upload,
} from './index.js';

/** PyTorch's pooling output size, floor or ceil mode (a last window must start inside the padded input). */
function outSize(inSize: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = inSize + 2 * p - d * (k - 1) - 1;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (out - 1) * s >= inSize + p) out--;
  return out;
}

const poolArb = (dilation: boolean) =>
  fc
    .record({
      batch: fc.integer({ min: 1, max: 2 }),
      channels: fc.integer({ min: 1, max: 3 }),
      inH: fc.integer({ min: 1, max: 8 }),
      inW: fc.integer({ min: 1, max: 8 }),
      kh: fc.integer({ min: 1, max: 3 }),
      kw: fc.integer({ min: 1, max: 3 }),
      strideH: fc.integer({ min: 1, max: 3 }),
      strideW: fc.integer({ min: 1, max: 3 }),
      padH: fc.integer({ min: 0, max: 1 }),
      padW: fc.integer({ min: 0, max: 1 }),
      dilationH: fc.integer({ min: 1, max: dilation ? 2 : 1 }),
      dilationW: fc.integer({ min: 1, max: dilation ? 2 : 1 }),
      ceil: fc.boolean(),
    })
    .map((r) => {
      // PyTorch: padding at most half the kernel.
      const padTop = Math.min(r.padH, Math.floor(r.kh / 2));
      const padLeft = Math.min(r.padW, Math.floor(r.kw / 2));
      const g: Pool2dGeometry = {
        batch: r.batch,
        channels: r.channels,
        inH: r.inH,
        inW: r.inW,
        kh: r.kh,
        kw: r.kw,
        strideH: r.strideH,
        strideW: r.strideW,
        padTop,
        padLeft,
        dilationH: r.dilationH,
        dilationW: r.dilationW,
        outH: outSize(r.inH, r.kh, r.strideH, padTop, r.dilationH, r.ceil),
        outW: outSize(r.inW, r.kw, r.strideW, padLeft, r.dilationW, r.ceil),
      };
      return g;
    })
    .filter((g) => g.outH >= 1 && g.outW >= 1);

/** Visits every output (plane, oh, ow) with its window's in-image input indices. */
function forEachWindow(g: Pool2dGeometry, visit: (y: number, xs: number[], oh: number, ow: number) => void): void {
  for (let p = 0; p < g.batch * g.channels; p++) {
    for (let oh = 0; oh < g.outH; oh++) {
      for (let ow = 0; ow < g.outW; ow++) {
        const xs: number[] = [];
        for (let ky = 0; ky < g.kh; ky++) {
          for (let kx = 0; kx < g.kw; kx++) {
            const ih = oh * g.strideH - g.padTop + ky * g.dilationH;
            const iw = ow * g.strideW - g.padLeft + kx * g.dilationW;
            if (ih >= 0 && iw >= 0 && ih < g.inH && iw < g.inW) xs.push((p * g.inH + ih) * g.inW + iw);
          }
        }
        visit((p * g.outH + oh) * g.outW + ow, xs, oh, ow);
      }
    }
  }
}

function avgDivisor(g: Pool2dGeometry, oh: number, ow: number, o: AvgPool2dOptions, count: number): number {
  if (o.divisorOverride) return o.divisorOverride;
  if (o.countIncludePad === false) return count;
  const h0 = oh * g.strideH - g.padTop;
  const w0 = ow * g.strideW - g.padLeft;
  const h1 = Math.min(h0 + g.kh, g.inH + g.padTop);
  const w1 = Math.min(w0 + g.kw, g.inW + g.padLeft);
  return (h1 - h0) * (w1 - w0);
}

const sizes = (g: Pool2dGeometry) => ({
  x: g.batch * g.channels * g.inH * g.inW,
  y: g.batch * g.channels * g.outH * g.outW,
});

describe('max pooling on WebGPU', () => {
  test('forward values and indices, and the gathered backward, match the definition', async () => {
    await fc.assert(
      fc.asyncProperty(poolArb(true), seedArb, async (g, seed) => {
        const n = sizes(g);
        const x = randomFloats(n.x, seed);
        const dy = randomFloats(n.y, seed + 1);
        const wantY = new Float64Array(n.y);
        const wantI = new Int32Array(n.y);
        const wantDx = new Float64Array(n.x);
        forEachWindow(g, (yi, xs) => {
          if (xs.length === 0) {
            // A window wholly in the padding (possible with dilation): -inf, and no input gets its gradient.
            wantY[yi] = Number.NEGATIVE_INFINITY;
            wantI[yi] = -1;
            return;
          }
          let best = xs[0];
          for (const xi of xs) if (x[xi] > x[best]) best = xi;
          wantY[yi] = x[best];
          wantI[yi] = best % (g.inH * g.inW);
          wantDx[best] += dy[yi];
        });
        const xb = upload(gpu, x);
        const { values, indices } = maxPool2dForward(xb, g);
        expect(ranOn(POOL2D_KERNELS.maxForward)).toBe(true);
        expect(Array.from(await readback(values))).toEqual(Array.from(wantY));
        expect(Array.from(await readback(indices, Int32Array))).toEqual(Array.from(wantI));
        const dyb = upload(gpu, dy);
        const dx = maxPool2dBackward(dyb, indices, g);
        expect(ranOn(POOL2D_KERNELS.maxBackward)).toBe(true);
        expect(closeTo(await readback(dx), wantDx, 1e-6, 1e-6), JSON.stringify(g)).toBeNull();
        for (const b of [xb, values, indices, dyb, dx]) b.release();
      }),
      { numRuns: 40 },
    );
  });

  test('a NaN in a window wins, as in PyTorch', async () => {
    const x = upload(gpu, new Float32Array([1, Number.NaN, 2, 3]));
    const g = { batch: 1, channels: 1, inH: 2, inW: 2, kh: 2, kw: 2, strideH: 1, strideW: 1 };
    const full = { ...g, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 1, outW: 1 };
    const { values, indices } = maxPool2dForward(x, full);
    expect(Array.from(await readback(values))).toEqual([Number.NaN]);
    expect(Array.from(await readback(indices, Int32Array))).toEqual([1]);
  });

  test('ties go to the first maximum in window order', async () => {
    const x = upload(gpu, new Float32Array([2, 2, 2, 2]));
    const g = { batch: 1, channels: 1, inH: 2, inW: 2, kh: 2, kw: 2, strideH: 1, strideW: 1 };
    const full = { ...g, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 1, outW: 1 };
    expect(Array.from(await readback(maxPool2dForward(x, full).indices, Int32Array))).toEqual([0]);
  });
});

describe('average pooling on WebGPU', () => {
  const optionsArb = fc.record(
    { countIncludePad: fc.boolean(), divisorOverride: fc.integer({ min: 1, max: 5 }) },
    { requiredKeys: ['countIncludePad'] },
  );

  test('forward and backward match the definition with every option', async () => {
    await fc.assert(
      fc.asyncProperty(poolArb(false), optionsArb, seedArb, async (g, o, seed) => {
        const n = sizes(g);
        const x = randomFloats(n.x, seed);
        const dy = randomFloats(n.y, seed + 1);
        const wantY = new Float64Array(n.y);
        const wantDx = new Float64Array(n.x);
        forEachWindow(g, (yi, xs, oh, ow) => {
          const div = avgDivisor(g, oh, ow, o, xs.length);
          wantY[yi] = xs.reduce((s, xi) => s + x[xi], 0) / div;
          for (const xi of xs) wantDx[xi] += dy[yi] / div;
        });
        const [xb, dyb] = [upload(gpu, x), upload(gpu, dy)];
        const y = avgPool2dForward(xb, g, o);
        expect(ranOn(POOL2D_KERNELS.avgForward)).toBe(true);
        expect(closeTo(await readback(y), wantY, 1e-6, 1e-6), `forward ${JSON.stringify([g, o])}`).toBeNull();
        const dx = avgPool2dBackward(dyb, g, o);
        expect(ranOn(POOL2D_KERNELS.avgBackward)).toBe(true);
        expect(closeTo(await readback(dx), wantDx, 1e-6, 1e-6), `backward ${JSON.stringify([g, o])}`).toBeNull();
        for (const b of [xb, dyb, y, dx]) b.release();
      }),
      { numRuns: 40 },
    );
  });

  test('rejects dilation, naming the function', () => {
    const x = upload(gpu, new Float32Array(4));
    const g = { batch: 1, channels: 1, inH: 2, inW: 2, kh: 1, kw: 1, strideH: 1, strideW: 1 };
    const dilated = { ...g, padTop: 0, padLeft: 0, dilationH: 2, dilationW: 1, outH: 2, outW: 2 };
    expect(() => avgPool2dForward(x, dilated)).toThrow(/avgPool2dForward: average pooling has no dilation \(got 2x1\)/);
  });
});
