// fast-check arbitraries for kernel problems, kept small: SwiftShader runs shaders on the CPU.
import fc from 'fast-check';
import type { Conv2dGeometry } from '../src/index.js';

/** A conv2d geometry with every option (stride, asymmetric padding, dilation, groups) and at least one output pixel. */
export const conv2dGeometryArb: fc.Arbitrary<Conv2dGeometry> = fc
  .record({
    batch: fc.integer({ min: 1, max: 2 }),
    groups: fc.integer({ min: 1, max: 3 }),
    cinG: fc.integer({ min: 1, max: 3 }),
    coutG: fc.integer({ min: 1, max: 4 }),
    kh: fc.integer({ min: 1, max: 3 }),
    kw: fc.integer({ min: 1, max: 3 }),
    strideH: fc.integer({ min: 1, max: 3 }),
    strideW: fc.integer({ min: 1, max: 3 }),
    dilationH: fc.integer({ min: 1, max: 2 }),
    dilationW: fc.integer({ min: 1, max: 2 }),
    padTop: fc.integer({ min: 0, max: 2 }),
    padBottom: fc.integer({ min: 0, max: 2 }),
    padLeft: fc.integer({ min: 0, max: 2 }),
    padRight: fc.integer({ min: 0, max: 2 }),
    inH: fc.integer({ min: 1, max: 8 }),
    inW: fc.integer({ min: 1, max: 8 }),
  })
  .map((r) => ({
    batch: r.batch,
    inChannels: r.groups * r.cinG,
    inH: r.inH,
    inW: r.inW,
    outChannels: r.groups * r.coutG,
    kh: r.kh,
    kw: r.kw,
    groups: r.groups,
    strideH: r.strideH,
    strideW: r.strideW,
    padTop: r.padTop,
    padLeft: r.padLeft,
    dilationH: r.dilationH,
    dilationW: r.dilationW,
    outH: Math.floor((r.inH + r.padTop + r.padBottom - r.dilationH * (r.kh - 1) - 1) / r.strideH) + 1,
    outW: Math.floor((r.inW + r.padLeft + r.padRight - r.dilationW * (r.kw - 1) - 1) / r.strideW) + 1,
  }))
  .filter((g) => g.outH >= 1 && g.outW >= 1);

/** A random seed for {@link randomFloats}. */
export const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });
