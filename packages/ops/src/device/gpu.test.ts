// conv2d and pooling, forward and backward, on the webgpu device against the CPU results on the
// same inputs (float32 tolerances), each asserting that its WebGPU kernel ran. Needs an adapter
// (SwiftShader here): without one initWebGPU rejects and the file fails.
import { getBackendInfo, initWebGPU, rand, type Tensor, TorchletError, tensor } from '@torchlet/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  adaptiveAvgPool2d,
  adaptiveAvgPool2dBackward,
  avgPool2d,
  avgPool2dBackward,
  conv2d,
  conv2dBackwardBias,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  convTranspose2d,
  convTranspose2dBackwardInput,
  convTranspose2dBackwardWeight,
  maxPool2d,
  maxPool2dBackward,
} from '../index.js';

await initWebGPU();

function ranOnGpu(kernel: string): void {
  const { webgpu } = getBackendInfo();
  expect(webgpu.error).toBe('');
  expect(webgpu.lastKernel).toBe(kernel);
}

async function expectClose(gpu: Tensor, cpu: Tensor, tol = 1e-4): Promise<void> {
  expect(gpu.device).toBe('webgpu');
  expect(gpu.shape).toEqual(cpu.shape);
  const got = (await gpu.cpu()).toTypedArray() as Float32Array;
  const want = cpu.toTypedArray() as Float32Array;
  for (let i = 0; i < want.length; i++) {
    expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i])));
  }
}

const convCase = fc.record({
  n: fc.integer({ min: 1, max: 2 }),
  groups: fc.integer({ min: 1, max: 2 }),
  cinPer: fc.integer({ min: 1, max: 3 }),
  coutPer: fc.integer({ min: 1, max: 3 }),
  h: fc.integer({ min: 3, max: 7 }),
  w: fc.integer({ min: 3, max: 7 }),
  k: fc.integer({ min: 1, max: 3 }),
  stride: fc.integer({ min: 1, max: 2 }),
  padding: fc.integer({ min: 0, max: 1 }),
  dilation: fc.integer({ min: 1, max: 2 }),
  bias: fc.boolean(),
});

describe('conv2d on the webgpu device', () => {
  it('forward and both gradients match the CPU for stride, padding, dilation and groups (property)', async () => {
    await fc.assert(
      fc.asyncProperty(convCase, async (c) => {
        const span = c.dilation * (c.k - 1) + 1;
        fc.pre(c.h + 2 * c.padding >= span && c.w + 2 * c.padding >= span);
        const options = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups };
        const x = rand([c.n, c.cinPer * c.groups, c.h, c.w]).sub(0.5);
        const weight = rand([c.coutPer * c.groups, c.cinPer, c.k, c.k]).sub(0.5);
        const bias = c.bias ? rand([c.coutPer * c.groups]) : null;
        const y = conv2d(x, weight, bias, options);
        const gy = conv2d(x.to('webgpu'), weight.to('webgpu'), bias === null ? null : bias.to('webgpu'), options);
        ranOnGpu('webgpu-conv2d-implicit-gemm-32x32');
        await expectClose(gy, y);
        const up = rand(y.shape);
        const gup = up.to('webgpu');
        await expectClose(
          conv2dBackwardInput(gup, x.shape, weight.to('webgpu'), options),
          conv2dBackwardInput(up, x.shape, weight, options),
        );
        ranOnGpu('webgpu-conv2d-backward-input-implicit-gemm-32x32');
        await expectClose(
          conv2dBackwardWeight(gup, x.to('webgpu'), weight.shape, options),
          conv2dBackwardWeight(up, x, weight.shape, options),
        );
        ranOnGpu('webgpu-conv2d-backward-weight-implicit-gemm-32x32');
        await expectClose(conv2dBackwardBias(gup), conv2dBackwardBias(up));
      }),
      { numRuns: 12 },
    );
  });

  it('d2l corr2d example on the device; a CPU weight, a forced CPU kernel and padding modes are named errors', async () => {
    const x = tensor(
      [
        [
          [
            [0, 1, 2],
            [3, 4, 5],
            [6, 7, 8],
          ],
        ],
      ],
      { device: 'webgpu' },
    );
    const k = tensor(
      [
        [
          [
            [0, 1],
            [2, 3],
          ],
        ],
      ],
      { device: 'webgpu' },
    );
    expect(await conv2d(x, k, null).toArrayAsync()).toEqual([
      [
        [
          [19, 25],
          [37, 43],
        ],
      ],
    ]);
    expect(() =>
      conv2d(
        x,
        tensor([
          [
            [
              [0, 1],
              [2, 3],
            ],
          ],
        ]),
        null,
      ),
    ).toThrow(/same device.*webgpu and cpu/);
    expect(() => conv2d(x, k, null, { kernel: 'im2col' })).toThrow(TorchletError);
  });
});

describe('convTranspose2d on the webgpu device', () => {
  it('forward (with bias) and both gradients match the CPU for stride, padding, output padding, dilation, groups', async () => {
    for (const o of [
      { stride: 2, padding: 1, outputPadding: 1 },
      { stride: 1, padding: 0, dilation: 2, groups: 2 },
    ]) {
      const x = rand([2, 4, 3, 3]).sub(0.5);
      const w = rand([4, 3, 3, 3]).sub(0.5);
      const b = rand([(o.groups ?? 1) * 3]);
      const y = convTranspose2d(x, w, b, o);
      await expectClose(convTranspose2d(x.to('webgpu'), w.to('webgpu'), b.to('webgpu'), o), y);
      const up = rand(y.shape);
      await expectClose(
        convTranspose2dBackwardInput(up.to('webgpu'), x.shape, w.to('webgpu'), o),
        convTranspose2dBackwardInput(up, x.shape, w, o),
      );
      ranOnGpu('webgpu-conv2d-implicit-gemm-32x32');
      await expectClose(
        convTranspose2dBackwardWeight(up.to('webgpu'), x.to('webgpu'), w.shape, o),
        convTranspose2dBackwardWeight(up, x, w.shape, o),
      );
      ranOnGpu('webgpu-conv2d-backward-weight-implicit-gemm-32x32');
    }
  });
});

describe('pooling on the webgpu device', () => {
  it('adaptive average pooling, forward and backward, matches the CPU', async () => {
    const x = rand([2, 3, 7, 5]);
    for (const size of [1, [3, 2], [7, 5]] as const) {
      const y = adaptiveAvgPool2d(x, size as never);
      await expectClose(adaptiveAvgPool2d(x.to('webgpu'), size as never), y);
      ranOnGpu('webgpu-adaptive-avgpool2d');
      const up = rand(y.shape);
      await expectClose(adaptiveAvgPool2dBackward(up.to('webgpu'), x.shape), adaptiveAvgPool2dBackward(up, x.shape));
    }
  });

  it('max and average pooling, forward and backward, match the CPU (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 1 }),
        fc.boolean(),
        fc.boolean(),
        async (k, stride, padding, ceilMode, countIncludePad) => {
          fc.pre(padding * 2 <= k);
          const x = rand([2, 3, 6, 5]);
          const options = { stride, padding, ceilMode };
          const cpu = maxPool2d(x, k, { ...options, returnIndices: true });
          const gpu = maxPool2d(x.to('webgpu'), k, { ...options, returnIndices: true });
          ranOnGpu('webgpu-maxpool2d');
          await expectClose(gpu.values, cpu.values);
          expect(await gpu.indices.toArrayAsync()).toEqual(cpu.indices.toArray());
          const up = rand(cpu.values.shape);
          await expectClose(
            maxPool2dBackward(up.to('webgpu'), gpu.indices, x.shape),
            maxPool2dBackward(up, cpu.indices, x.shape),
          );
          ranOnGpu('webgpu-maxpool2d-backward-gather');
          const avgOptions = { ...options, countIncludePad };
          const a = avgPool2d(x, k, avgOptions);
          await expectClose(avgPool2d(x.to('webgpu'), k, avgOptions), a);
          ranOnGpu('webgpu-avgpool2d');
          await expectClose(
            avgPool2dBackward(up.to('webgpu'), x.shape, k, avgOptions),
            avgPool2dBackward(up, x.shape, k, avgOptions),
          );
          ranOnGpu('webgpu-avgpool2d-backward-gather');
        },
      ),
      { numRuns: 12 },
    );
  });
});
