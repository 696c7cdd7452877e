// PyTorch's own results for the kernels training needs (test/golden/webgpu_golden.json, made by
// test/golden/generate.py with PyTorch 1.13 in float64): adaptive pooling, softmax and
// log-softmax, cross-entropy in every configuration, mse_loss, and four optimizer steps of SGD,
// Adam and AdamW in several configurations. Each case runs on the WebGPU device.
import { readFileSync } from 'node:fs';
import { caseLabel, type GoldenTensor } from '@torchlet/test-utils';
import { describe, expect, test } from 'vitest';
import { gpu, ranOn } from '../test/gpu.js';
import {
  ADAPTIVE_POOL2D_KERNELS,
  adamStep,
  adaptiveAvgPool2dBackward,
  adaptiveAvgPool2dForward,
  adaptiveMaxPool2dBackward,
  adaptiveMaxPool2dForward,
  allocate,
  crossEntropyBackward,
  crossEntropyForward,
  type GpuBuffer,
  LOSS_KERNELS,
  type LossReduction,
  logSoftmax,
  logSoftmaxBackward,
  mseLossBackward,
  mseLossForward,
  OPTIM_KERNELS,
  readback,
  sgdStep,
  softmax,
  softmaxBackward,
  upload,
} from './index.js';

interface Golden {
  adaptive_pool2d: {
    output_size: [number, number];
    input: GoldenTensor;
    out: GoldenTensor;
    upstream: GoldenTensor;
    grad_input: GoldenTensor;
    max_input: GoldenTensor;
    max_out: GoldenTensor;
    max_indices: GoldenTensor;
    max_grad_input: GoldenTensor;
  }[];
  softmax: {
    input: GoldenTensor;
    upstream: GoldenTensor;
    softmax: GoldenTensor;
    log_softmax: GoldenTensor;
    grad_softmax: GoldenTensor;
    grad_log_softmax: GoldenTensor;
  }[];
  cross_entropy: {
    input: GoldenTensor;
    target: GoldenTensor;
    weight: GoldenTensor | null;
    reduction: LossReduction;
    ignore_index: number;
    label_smoothing: number;
    out: GoldenTensor;
    upstream: GoldenTensor;
    grad_input: GoldenTensor;
  }[];
  mse_loss: {
    reduction: LossReduction;
    input: GoldenTensor;
    target: GoldenTensor;
    out: GoldenTensor;
    upstream: GoldenTensor;
    grad_input: GoldenTensor;
  }[];
  optimizers: {
    op: 'sgd' | 'adam' | 'adamw';
    options: Record<string, number | boolean | number[]>;
    input: GoldenTensor;
    grads: GoldenTensor[];
    after: GoldenTensor[];
  }[];
}

const golden = JSON.parse(
  readFileSync(new URL('../test/golden/webgpu_golden.json', import.meta.url), 'utf8'),
) as Golden;

const put = (t: GoldenTensor): GpuBuffer => upload(gpu, Float32Array.from(t.data));

/** The first element off by more than `atol + rtol * |want|`, or null. */
async function offBy(got: GpuBuffer, want: GoldenTensor, atol = 1e-5, rtol = 1e-5): Promise<string | null> {
  const values = await readback(got);
  if (values.length !== want.data.length) return `length ${values.length}, want ${want.data.length}`;
  for (let i = 0; i < values.length; i++) {
    if (!(Math.abs(values[i] - want.data[i]) <= atol + rtol * Math.abs(want.data[i]))) {
      return `element ${i}: got ${values[i]}, want ${want.data[i]}`;
    }
  }
  return null;
}

describe('adaptive pooling on WebGPU matches PyTorch', () => {
  test.each(golden.adaptive_pool2d.map((c, i) => [caseLabel(c, i), c] as const))('%s', async (_, c) => {
    const [batch, channels, inH, inW] = c.input.shape;
    const g = { batch, channels, inH, inW, outH: c.output_size[0], outW: c.output_size[1] };
    expect(await offBy(adaptiveAvgPool2dForward(put(c.input), g), c.out)).toBeNull();
    expect(ranOn(ADAPTIVE_POOL2D_KERNELS.avgForward)).toBe(true);
    expect(await offBy(adaptiveAvgPool2dBackward(put(c.upstream), g), c.grad_input)).toBeNull();
    const { values, indices } = adaptiveMaxPool2dForward(put(c.max_input), g);
    expect(await offBy(values, c.max_out, 0, 0)).toBeNull();
    expect(Array.from(await readback(indices, Int32Array))).toEqual(c.max_indices.data);
    expect(await offBy(adaptiveMaxPool2dBackward(put(c.upstream), indices, g), c.max_grad_input)).toBeNull();
    expect(ranOn(ADAPTIVE_POOL2D_KERNELS.maxBackward)).toBe(true);
  });
});

describe('softmax and log-softmax on WebGPU match PyTorch', () => {
  test.each(golden.softmax.map((c, i) => [caseLabel(c, i), c] as const))('%s', async (_, c) => {
    const [outer, classes, ...rest] = c.input.shape;
    const shape = { outer, classes, inner: rest.reduce((p, s) => p * s, 1) };
    const x = put(c.input);
    const y = softmax(x, shape);
    expect(ranOn(LOSS_KERNELS.softmax)).toBe(true);
    expect(await offBy(y, c.softmax)).toBeNull();
    const ly = logSoftmax(x, shape);
    expect(await offBy(ly, c.log_softmax)).toBeNull();
    expect(await offBy(softmaxBackward(put(c.upstream), y, shape), c.grad_softmax)).toBeNull();
    expect(ranOn(LOSS_KERNELS.softmaxBackward)).toBe(true);
    expect(await offBy(logSoftmaxBackward(put(c.upstream), ly, shape), c.grad_log_softmax)).toBeNull();
  });
});

describe('cross-entropy on WebGPU matches PyTorch', () => {
  test.each(golden.cross_entropy.map((c, i) => [caseLabel(c, i), c] as const))('%s', async (_, c) => {
    const [outer, classes, ...rest] = c.input.shape;
    const options = {
      outer,
      classes,
      inner: rest.reduce((p, s) => p * s, 1),
      reduction: c.reduction,
      ignoreIndex: c.ignore_index,
      labelSmoothing: c.label_smoothing,
      weight: c.weight ? put(c.weight) : null,
    };
    const [x, t] = [put(c.input), upload(gpu, Int32Array.from(c.target.data))];
    const loss = crossEntropyForward(x, t, options);
    expect(ranOn(c.reduction === 'none' ? LOSS_KERNELS.crossEntropyRows : LOSS_KERNELS.crossEntropyReduce)).toBe(true);
    expect(await offBy(loss, c.out, 1e-5, 1e-5)).toBeNull();
    const dx = crossEntropyBackward(x, t, put(c.upstream), options);
    expect(ranOn(LOSS_KERNELS.crossEntropyBackward)).toBe(true);
    expect(await offBy(dx, c.grad_input, 1e-6, 1e-5)).toBeNull();
  });
});

describe('mse_loss on WebGPU matches PyTorch', () => {
  test.each(golden.mse_loss.map((c, i) => [caseLabel(c, i), c] as const))('%s', async (_, c) => {
    const [a, b] = [put(c.input), put(c.target)];
    expect(await offBy(mseLossForward(a, b, c.reduction), c.out)).toBeNull();
    expect(ranOn(c.reduction === 'none' ? LOSS_KERNELS.mse : LOSS_KERNELS.mseReduce)).toBe(true);
    expect(await offBy(mseLossBackward(a, b, put(c.upstream), c.reduction), c.grad_input, 1e-6)).toBeNull();
    expect(ranOn(LOSS_KERNELS.mseBackward)).toBe(true);
  });
});

describe('optimizer steps on WebGPU match torch.optim over four steps', () => {
  test.each(golden.optimizers.map((c, i) => [`#${i} ${c.op} ${JSON.stringify(c.options)}`, c] as const))(
    '%s',
    async (_, c) => {
      const o = c.options;
      const n = c.input.data.length;
      const param = put(c.input);
      const state = [0, 1, 2].map(() => allocate(gpu, n, { zero: true }));
      for (const [step, g] of c.grads.entries()) {
        const grad = put(g);
        if (c.op === 'sgd') {
          sgdStep(param, grad, ((o.momentum as number | undefined) ?? 0) > 0 ? state[0] : null, {
            lr: o.lr as number,
            momentum: o.momentum as number | undefined,
            dampening: o.dampening as number | undefined,
            weightDecay: o.weight_decay as number | undefined,
            nesterov: o.nesterov as boolean | undefined,
            maximize: o.maximize as boolean | undefined,
            firstStep: step === 0,
          });
          expect(ranOn(OPTIM_KERNELS.sgd)).toBe(true);
        } else {
          const betas = (o.betas as number[] | undefined) ?? [0.9, 0.999];
          adamStep(param, grad, state[0], state[1], o.amsgrad ? state[2] : null, {
            lr: o.lr as number,
            step: step + 1,
            beta1: betas[0],
            beta2: betas[1],
            eps: o.eps as number | undefined,
            // AdamW's default weight decay is 1e-2, Adam's 0 (as torch.optim).
            weightDecay: (o.weight_decay as number | undefined) ?? (c.op === 'adamw' ? 1e-2 : 0),
            amsgrad: o.amsgrad as boolean | undefined,
            maximize: o.maximize as boolean | undefined,
            decoupledWeightDecay: c.op === 'adamw',
          });
          expect(ranOn(OPTIM_KERNELS.adam)).toBe(true);
        }
        expect(await offBy(param, c.after[step], 2e-6, 2e-6), `after step ${step + 1}`).toBeNull();
        grad.release();
      }
    },
  );
});
