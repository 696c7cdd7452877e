// pad (every mode), conv2d's padding modes, interpolate (nearest, nearest-exact, bilinear,
// antialiased), im2col/col2im and the d2l functions (corr2d and its family, pool2d) on the webgpu
// device, forward and backward, against the CPU on the same inputs (float32 tolerances), each
// asserting that a WebGPU kernel ran. Needs an adapter (SwiftShader here).
import { getBackendInfo, initWebGPU, type Tensor, TorchletError, tensor } from '@torchlet/tensor';
import { exactValuesArb } from '@torchlet/test-utils';
import { CONV2D_KERNELS, GATHER_KERNELS, POOL2D_KERNELS, RESAMPLE2D_KERNELS, UNFOLD_KERNELS } from '@torchlet/webgpu';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  col2im,
  conv2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  corr2d,
  corr2dBackwardInput,
  corr2dBackwardKernel,
  corr2dMatmul,
  corr2dMultiIn,
  corr2dMultiInOut,
  corr2dMultiInOut1x1,
  type InterpolateMode,
  type InterpolateOptions,
  im2col,
  interpolate,
  interpolateBackward,
  kernelToMatrix,
  type PadMode,
  pad,
  padBackward,
  pool2d,
} from '../index.js';

await initWebGPU();

function ranOnGpu(kernel: string): void {
  const { webgpu } = getBackendInfo();
  expect(webgpu.error).toBe('');
  expect(webgpu.lastKernel).toBe(kernel);
}

async function expectClose(gpu: Tensor, cpu: Tensor, tol = 1e-5): Promise<void> {
  expect(gpu.device).toBe('webgpu');
  expect(gpu.dtype).toBe(cpu.dtype);
  expect(gpu.shape).toEqual(cpu.shape);
  const got = Array.from((await gpu.cpu()).toTypedArray() as ArrayLike<number>);
  const want = Array.from(cpu.toTypedArray() as ArrayLike<number>);
  for (let i = 0; i < want.length; i++) {
    const bad = !(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])));
    if (bad) expect(got[i], `element ${i} of ${formatList(want)}`).toBe(want[i]);
  }
}

function formatList(v: readonly number[]): string {
  return v.length > 12 ? `[${v.slice(0, 12).join(',')},...]` : `[${v.join(',')}]`;
}

/** A float32 CPU tensor of exact values and the same values on the device, as a transposed view when asked. */
function pair(values: ArrayLike<number>, shape: readonly number[], transposed = false): [Tensor, Tensor] {
  const x = tensor(Float32Array.from(values), { shape: [...shape] });
  if (!transposed || shape.length < 2) return [x, x.to('webgpu')];
  // the same logical tensor, laid out column-major in its last two dims on the device
  return [x, x.transpose(-1, -2).contiguous().to('webgpu').transpose(-1, -2)];
}

const MODES: readonly PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];

describe('pad on the webgpu device', () => {
  const padCase = fc
    .record({
      mode: fc.constantFrom(...MODES),
      k: fc.integer({ min: 1, max: 3 }),
      extra: fc.integer({ min: 1, max: 2 }),
      sizes: fc.array(fc.integer({ min: 2, max: 4 }), { minLength: 5, maxLength: 5 }),
      pads: fc.array(fc.integer({ min: -1, max: 2 }), { minLength: 6, maxLength: 6 }),
      value: fc.constantFrom(0, 2.5),
      transposed: fc.boolean(),
    })
    .map((c) => {
      const shape = c.sizes.slice(0, c.k + c.extra);
      // reflect needs pads below the size, circular at most the size; negative pads crop in every mode
      const pads = c.pads.slice(0, 2 * c.k).map((p) => (c.mode === 'reflect' ? Math.min(p, 1) : p));
      return { ...c, shape, pads, value: c.mode === 'constant' ? c.value : 0 };
    })
    .chain((c) => fc.record({ c: fc.constant(c), values: exactValuesArb(c.shape.reduce((a, b) => a * b, 1)) }));

  it('forward and padBackward match the CPU in every mode, 1-3 padded dims, crops and views (property)', async () => {
    await fc.assert(
      fc.asyncProperty(padCase, async ({ c, values }) => {
        const [x, g] = pair(values, c.shape, c.transposed);
        let want: Tensor;
        try {
          want = pad(x, c.pads, { mode: c.mode, value: c.value });
        } catch (e) {
          // the same validation runs first on the device
          expect(() => pad(g, c.pads, { mode: c.mode, value: c.value })).toThrow((e as Error).message);
          return;
        }
        await expectClose(pad(g, c.pads, { mode: c.mode, value: c.value }), want, 0);
        if (want.numel > 0) ranOnGpu(GATHER_KERNELS.forward);
        const up = tensor(
          Float32Array.from({ length: want.numel }, (_, i) => ((i * 7) % 11) - 5),
          {
            shape: [...want.shape],
          },
        );
        const dx = padBackward(up.to('webgpu'), c.shape, c.pads, { mode: c.mode });
        await expectClose(dx, padBackward(up, c.shape, c.pads, { mode: c.mode }), 0);
      }),
      { numRuns: 40 },
    );
  });

  it('pads int32 with an integer value exactly', async () => {
    const x = tensor([[1, -2, 3]], { dtype: 'int32' });
    const y = pad(x.to('webgpu'), [1, 2], { value: -7 });
    expect(y.dtype).toBe('int32');
    expect(await y.toArrayAsync()).toEqual(pad(x, [1, 2], { value: -7 }).toArray());
  });
});

describe("conv2d's padding modes on the webgpu device", () => {
  it('forward and both gradients match the CPU for reflect, replicate and circular, batched or not', async () => {
    const cases = [
      { mode: 'reflect' as const, padding: [1, 2] as const, stride: [2, 1] as const, dilation: 1, batched: true },
      { mode: 'replicate' as const, padding: 2, stride: 1, dilation: 2, batched: false },
      { mode: 'circular' as const, padding: [2, 1] as const, stride: 2, dilation: 1, batched: true },
    ];
    for (const c of cases) {
      const shape = c.batched ? [2, 2, 5, 6] : [2, 5, 6];
      const [x, gx] = pair(
        Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => ((i * 13) % 17) / 8 - 1),
        shape,
        true,
      );
      const [w, gw] = pair(
        Array.from({ length: 3 * 2 * 9 }, (_, i) => ((i * 5) % 7) / 4 - 0.75),
        [3, 2, 3, 3],
      );
      const [b, gb] = pair([0.5, -1, 0.25], [3]);
      const o = { padding: c.padding, stride: c.stride, dilation: c.dilation, paddingMode: c.mode };
      const y = conv2d(x, w, b, o);
      await expectClose(conv2d(gx, gw, gb, o), y, 1e-4);
      ranOnGpu(CONV2D_KERNELS.forward);
      const up = tensor(
        Float32Array.from({ length: y.numel }, (_, i) => ((i * 3) % 5) - 2),
        { shape: [...y.shape] },
      );
      const gup = up.to('webgpu');
      await expectClose(conv2dBackwardInput(gup, gx.shape, gw, o), conv2dBackwardInput(up, x.shape, w, o), 1e-4);
      ranOnGpu(GATHER_KERNELS.backward);
      await expectClose(conv2dBackwardWeight(gup, gx, gw.shape, o), conv2dBackwardWeight(up, x, w.shape, o), 1e-4);
    }
  });
});

describe('interpolate on the webgpu device', () => {
  const modeArb = fc.constantFrom<InterpolateMode>('nearest', 'nearest-exact', 'bilinear');
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
      transposed: fc.boolean(),
    })
    .filter((g) => g.bySize || (Math.floor(g.h * g.sh) >= 1 && Math.floor(g.w * g.sw) >= 1))
    .chain((g) => fc.record({ g: fc.constant(g), values: exactValuesArb(g.n * g.c * g.h * g.w) }));

  it('forward and backward match the CPU in every mode, by size or scale (property)', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ g, values }) => {
        const options: InterpolateOptions = {
          mode: g.mode,
          ...(g.mode === 'bilinear' ? { alignCorners: g.alignCorners, antialias: g.antialias } : {}),
          ...(g.bySize ? { size: [g.oh, g.ow] as const } : { scaleFactor: [g.sh, g.sw] as const }),
        };
        const shape = [g.n, g.c, g.h, g.w];
        const [x, gx] = pair(values, shape, g.transposed);
        const y = interpolate(x, options);
        await expectClose(interpolate(gx, options), y, 1e-5);
        ranOnGpu(RESAMPLE2D_KERNELS.forward);
        const up = tensor(
          Float32Array.from({ length: y.numel }, (_, i) => ((i * 7) % 9) / 4 - 1),
          {
            shape: [...y.shape],
          },
        );
        await expectClose(
          interpolateBackward(up.to('webgpu'), shape, options),
          interpolateBackward(up, shape, options),
        );
        ranOnGpu(RESAMPLE2D_KERNELS.backward);
      }),
      { numRuns: 40 },
    );
  });
});

describe('im2col, col2im and the d2l functions on the webgpu device', () => {
  it('im2col and col2im match the CPU with stride, padding and dilation, batched or not', async () => {
    for (const [shape, k, o] of [
      [[1, 2, 4, 5], 2, { stride: 2, padding: 1, dilation: [1, 2] as const }],
      [[3, 5, 4], [3, 2] as const, {}],
    ] as const) {
      const [x, gx] = pair(
        Array.from({ length: shape.reduce((a: number, b: number) => a * b, 1) }, (_, i) => (i % 7) - 3),
        shape,
        true,
      );
      const cols = im2col(x, k, o);
      await expectClose(im2col(gx, k, o), cols, 0);
      ranOnGpu(UNFOLD_KERNELS.im2col);
      const size = [shape[shape.length - 2], shape[shape.length - 1]] as const;
      await expectClose(col2im(cols.to('webgpu'), size, k, o), col2im(cols, size, k, o), 0);
      ranOnGpu(UNFOLD_KERNELS.col2im);
    }
  });

  it('corr2d and its family, their gradients and pool2d match the CPU', async () => {
    const seq = (n: number, m = 7): number[] => Array.from({ length: n }, (_, i) => ((i * 5) % m) - 3);
    const [X, gX] = pair(seq(20), [4, 5], true);
    const [K, gK] = pair(seq(6, 5), [2, 3]);
    await expectClose(corr2d(gX, gK), corr2d(X, K));
    ranOnGpu(CONV2D_KERNELS.forward);
    await expectClose(corr2dMatmul(gX, gK), corr2dMatmul(X, K));
    await expectClose(kernelToMatrix(gK, [4, 5]), kernelToMatrix(K, [4, 5]), 0);
    const [U, gU] = pair(seq(9, 4), [3, 3]);
    await expectClose(corr2dBackwardInput(gU, gK), corr2dBackwardInput(U, K));
    await expectClose(corr2dBackwardKernel(gU, gX.get(':, 0:5')), corr2dBackwardKernel(U, X.get(':, 0:5')));
    const [X3, gX3] = pair(seq(2 * 3 * 4), [2, 3, 4], true);
    const [K3, gK3] = pair(seq(2 * 2 * 2, 3), [2, 2, 2]);
    await expectClose(corr2dMultiIn(gX3, gK3), corr2dMultiIn(X3, K3));
    const [K4, gK4] = pair(seq(3 * 2 * 2 * 2, 5), [3, 2, 2, 2]);
    await expectClose(corr2dMultiInOut(gX3, gK4), corr2dMultiInOut(X3, K4));
    const [K1, gK1] = pair(seq(3 * 2, 5), [3, 2, 1, 1]);
    await expectClose(corr2dMultiInOut1x1(gX3, gK1), corr2dMultiInOut1x1(X3, K1));
    for (const mode of ['max', 'avg'] as const) {
      await expectClose(pool2d(gX, [2, 3], mode), pool2d(X, [2, 3], mode));
      ranOnGpu(mode === 'max' ? POOL2D_KERNELS.maxForward : POOL2D_KERNELS.avgForward);
    }
  });

  it('a CPU operand beside a webgpu one is a named same-device error', () => {
    const X = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(() => corr2d(X.to('webgpu'), tensor([[1]]))).toThrow(TorchletError);
    expect(() => corr2d(X.to('webgpu'), tensor([[1]]))).toThrow(/corr2d: .*same device/);
  });
});
