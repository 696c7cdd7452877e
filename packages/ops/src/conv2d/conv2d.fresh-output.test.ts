// conv2d's float32 outputs skip the zero fill (fresh-output.ts): every forward kernel must write
// every element. With each fresh array filled with NaN first, every kernel on every geometry must
// give the same bits as with zeroed arrays.
import { getBackendInfo, getThreads, setThreads } from '@torchlet/kernels';
import { randn, type Tensor } from '@torchlet/tensor';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { freshFloat32, poisonFreshOutputs, UNZEROED_MIN_FLOATS } from '../fresh-output.js';
import { conv2d } from './conv2d.js';
import {
  type Conv2dActivation,
  type Conv2dForwardOptions,
  type Conv2dOptions,
  conv2dDepthwiseKernels,
  conv2dKernels,
} from './params.js';

/** The first element where two float32 results differ in their bits, or -1. */
function firstDifference(a: Tensor, b: Tensor): number {
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  const xb = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const yb = new Uint32Array(y.buffer, y.byteOffset, y.length);
  if (xb.length !== yb.length) return 0;
  for (let i = 0; i < xb.length; i++) if (xb[i] !== yb[i]) return i;
  return -1;
}

/** conv2d's output with fresh arrays zeroed, then with them filled with NaN (the count of fresh arrays seen). */
function bothWays(run: () => Tensor): { zeroed: Tensor; poisoned: Tensor; fresh: number } {
  const zeroed = run();
  const count = poisonFreshOutputs(Number.NaN);
  try {
    const poisoned = run();
    return { zeroed, poisoned, fresh: count() };
  } finally {
    poisonFreshOutputs(null);
  }
}

const threadsBefore = getThreads();
afterEach(() => {
  poisonFreshOutputs(null);
  setThreads(threadsBefore);
});

describe('freshFloat32', () => {
  it('is an ordinary, exact Float32Array of its own buffer, unzeroed in Node from UNZEROED_MIN_FLOATS', () => {
    for (const size of [0, 1, 7, UNZEROED_MIN_FLOATS - 1, UNZEROED_MIN_FLOATS, 3 * UNZEROED_MIN_FLOATS + 5]) {
      const a = freshFloat32(size);
      expect(a).toBeInstanceOf(Float32Array);
      expect(a.length).toBe(size);
      expect(a.byteOffset).toBe(0);
      expect(a.buffer).toBeInstanceOf(ArrayBuffer);
      expect(a.buffer.byteLength).toBe(4 * size);
      if (size < UNZEROED_MIN_FLOATS) expect(a.every((v) => v === 0)).toBe(true);
    }
  });

  it('fills every fresh array with the poison value while poisoned, and counts them', () => {
    const count = poisonFreshOutputs(-7);
    expect(Array.from(freshFloat32(3))).toEqual([-7, -7, -7]);
    expect(freshFloat32(UNZEROED_MIN_FLOATS).every((v) => v === -7)).toBe(true);
    expect(count()).toBe(2);
    poisonFreshOutputs(null);
    expect(Array.from(freshFloat32(3))).toEqual([0, 0, 0]);
  });
});

/** A random float32 conv2d problem, depthwise about half the time. */
const problem = fc
  .record({
    n: fc.integer({ min: 1, max: 3 }),
    depthwise: fc.boolean(),
    groups: fc.integer({ min: 1, max: 3 }),
    cinG: fc.integer({ min: 1, max: 3 }),
    coutG: fc.integer({ min: 1, max: 9 }),
    k: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    pad: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
    extra: fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 12 })),
    paddingMode: fc.constantFrom<NonNullable<Conv2dOptions['paddingMode']>>('zeros', 'zeros', 'reflect'),
    bias: fc.boolean(),
    activation: fc.constantFrom<Conv2dActivation | null>(null, 'relu', 'relu6'),
    threads: fc.constantFrom(1, 2),
  })
  .map((p) => {
    const groups = p.depthwise ? p.groups * p.cinG : p.groups;
    const cin = p.depthwise ? groups : p.groups * p.cinG;
    const cout = p.depthwise ? groups : p.groups * p.coutG;
    const span = [p.dilation[0] * (p.k[0] - 1) + 1, p.dilation[1] * (p.k[1] - 1) + 1];
    const H = Math.max(span[0], p.pad[0] + 1) + p.extra[0];
    const W = Math.max(span[1], p.pad[1] + 1) + p.extra[1];
    return { ...p, groups, cin, cout, H, W };
  });

describe('conv2d writes every element of its fresh output', () => {
  it('gives the same bits with fresh arrays filled with NaN as with zeroed ones, every kernel (property)', () => {
    fc.assert(
      fc.property(problem, (p) => {
        setThreads(p.threads);
        const x = randn([p.n, p.cin, p.H, p.W]);
        const w = randn([p.cout, p.cin / p.groups, p.k[0], p.k[1]]);
        const b = p.bias ? randn([p.cout]) : null;
        const kernels = p.cin === p.groups && p.cout === p.groups ? conv2dDepthwiseKernels : conv2dKernels;
        for (const kernel of kernels) {
          const options: Conv2dForwardOptions = {
            stride: p.stride,
            padding: p.pad,
            dilation: p.dilation,
            groups: p.groups,
            paddingMode: p.paddingMode,
            activation: p.activation,
            kernel,
          };
          const { zeroed, poisoned, fresh } = bothWays(() => conv2d(x, w, b, options));
          expect(fresh).toBe(1);
          expect(firstDifference(poisoned, zeroed)).toBe(-1);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('on the threaded WebAssembly paths (dense and depthwise, 2 threads)', async () => {
    setThreads(2);
    const cases: { x: number[]; w: number[]; groups: number; kernel: 'wasm' | 'depthwise' }[] = [
      // 5x5: a 3x3 stride-1 conv of this size runs the Winograd kernel, on one thread.
      { x: [1, 64, 40, 40], w: [96, 64, 5, 5], groups: 1, kernel: 'wasm' },
      { x: [2, 128, 64, 64], w: [128, 1, 3, 3], groups: 128, kernel: 'depthwise' },
    ];
    for (const c of cases) {
      const x = randn(c.x);
      const w = randn(c.w);
      const b = randn([c.w[0]]);
      const run = (): Tensor =>
        conv2d(x, w, b, { padding: 1, groups: c.groups, kernel: c.kernel, activation: 'relu6' });
      // The workers start asynchronously: run until a call was split.
      const deadline = Date.now() + 20_000;
      while (!getBackendInfo().lastKernel.endsWith('x2 threads') && Date.now() < deadline) {
        run();
        await new Promise((r) => setTimeout(r, 20));
      }
      const { zeroed, poisoned, fresh } = bothWays(run);
      expect(getBackendInfo().lastKernel).toMatch(/x2 threads/);
      expect(fresh).toBe(1);
      expect(firstDifference(poisoned, zeroed)).toBe(-1);
    }
  });
});
