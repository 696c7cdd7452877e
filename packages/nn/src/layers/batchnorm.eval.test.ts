// BatchNorm2d and functional batchNorm in evaluation mode run as one pass (autograd's
// batchNormInference: statistics folded into a per-channel scale and shift, WebAssembly SIMD for
// large float32 inputs): the kernel really runs, the values agree with the textbook formula, and
// gradients still reach the input, weight and bias.
import { add, div, gradcheck, mul, noGrad, sub, type VariableOrTensor, variable } from '@torchlet/autograd';
import { getBackendInfo, type Tensor, tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { batchNorm } from '../functional/batch-norm.js';
import { BatchNorm2d } from './batchnorm.js';

const floats = (t: Tensor): Float32Array | Float64Array => t.toTypedArray() as Float32Array | Float64Array;

function ramp(shape: number[], scale: number, dtype: 'float32' | 'float64' = 'float32'): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.sin(i * 0.713) * scale;
  return tensor(data).reshape(shape);
}

function evalLayer(c: number): BatchNorm2d {
  const bn = new BatchNorm2d(c, { eps: 1e-3 });
  bn.weight?.data.copyInPlace(ramp([c], 1.5).add(0.2));
  bn.bias?.data.copyInPlace(ramp([c], 0.7));
  bn.runningMean.copyInPlace(ramp([c], 2));
  bn.runningVar.copyInPlace(ramp([c], 0.9).abs().add(0.1));
  bn.eval();
  return bn;
}

/** The textbook formula with autograd's elementwise ops (the path before the fused kernel). */
function textbook(bn: BatchNorm2d, x: VariableOrTensor) {
  const c = [1, bn.numFeatures, 1, 1];
  const std = bn.runningVar.reshape(c).add(bn.eps).sqrt();
  const w = bn.weight as NonNullable<typeof bn.weight>;
  const b = bn.bias as NonNullable<typeof bn.bias>;
  return add(mul(div(sub(x, bn.runningMean.reshape(c)), std), w.reshape(c)), b.reshape(c));
}

describe('BatchNorm2d in evaluation mode', () => {
  it('runs the WebAssembly per-channel kernel on a large float32 batch and agrees with the formula', () => {
    const bn = evalLayer(16);
    const x = ramp([2, 16, 12, 12], 3);
    const y = noGrad(() => bn.forward(x));
    expect(getBackendInfo().lastKernel).toBe('wasm-simd128-channel-affine');
    const want = floats(noGrad(() => textbook(bn, x)).data);
    const got = floats(y.data);
    for (let i = 0; i < want.length; i++)
      expect(Math.abs(got[i] - want[i])).toBeLessThan(2e-6 * (1 + Math.abs(want[i])));
  });

  it('passes gradients to the input, weight and bias as the formula does', () => {
    const bn = evalLayer(3);
    const x = variable(ramp([2, 3, 4, 4], 2), { requiresGrad: true });
    const g = ramp([2, 3, 4, 4], 1);
    bn.forward(x).mul(g).sum().backward();
    const fused = [x.grad, bn.weight?.grad, bn.bias?.grad].map((t) => floats(t as Tensor));
    const x2 = variable(x.data, { requiresGrad: true });
    bn.zeroGrad();
    textbook(bn, x2).mul(g).sum().backward();
    const want = [x2.grad, bn.weight?.grad, bn.bias?.grad].map((t) => floats(t as Tensor));
    for (let k = 0; k < 3; k++) {
      expect(fused[k].length).toBe(want[k].length);
      for (let i = 0; i < want[k].length; i++)
        expect(Math.abs(fused[k][i] - want[k][i])).toBeLessThan(1e-5 * (1 + Math.abs(want[k][i])));
    }
  });

  it('is differentiable in float64 (finite differences, input and affine parameters)', () => {
    const bn = new BatchNorm2d(2, { dtype: 'float64' });
    bn.runningMean.copyInPlace(tensor([0.3, -0.2], { dtype: 'float64' }));
    bn.runningVar.copyInPlace(tensor([0.8, 1.7], { dtype: 'float64' }));
    bn.eval();
    const x = variable(ramp([2, 2, 3, 3], 1, 'float64'), { requiresGrad: true });
    expect(gradcheck((v) => bn.forward(v), [x]).ok).toBe(true);
  });
});

describe('functional batchNorm in evaluation mode', () => {
  it('runs the same kernel, without weight or bias too', () => {
    const x = ramp([4, 8, 16, 16], 2);
    const mean = ramp([8], 1);
    const variance = ramp([8], 1).abs().add(0.5);
    const y = noGrad(() => batchNorm(x, mean, variance, null, null));
    expect(getBackendInfo().lastKernel).toBe('wasm-simd128-channel-affine');
    const want = floats(x.sub(mean.reshape([1, 8, 1, 1])).div(variance.reshape([1, 8, 1, 1]).add(1e-5).sqrt()));
    const got = floats(y.data);
    for (let i = 0; i < want.length; i++)
      expect(Math.abs(got[i] - want[i])).toBeLessThan(2e-6 * (1 + Math.abs(want[i])));
  });
});
