// The ONNX models of the forward workloads for onnxruntime-web (one MatMul or Conv node, weights
// as initializers holding the same values the other contenders use). Built in Node.
import { onnxModel } from '../onnx-model.js';
import { type GpuWorkload, inputValues, type OrtModel } from './workloads.js';

/** The model of a forward workload, or null (onnxruntime-web has no training: no backward). */
export function ortModelFor(w: GpuWorkload): OrtModel | null {
  const p = w.problem;
  if (p.kind === 'matmul') {
    const { n } = p;
    const model = onnxModel(
      [n, n],
      [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }],
      [{ name: 'w', dims: [n, n], data: inputValues(n * n, 2) }],
    );
    return { model, inShape: [n, n], inputSeed: 1 };
  }
  if (p.kind === 'conv-forward') {
    const size = p.weight.reduce((a, b) => a * b, 1);
    const model = onnxModel(
      p.input,
      [
        {
          op: 'Conv',
          inputs: ['x', 'w'],
          outputs: ['y'],
          attrs: { kernel_shape: [p.weight[2], p.weight[3]], pads: [p.padding, p.padding, p.padding, p.padding] },
        },
      ],
      [{ name: 'w', dims: p.weight, data: inputValues(size, 4) }],
    );
    return { model, inShape: p.input, inputSeed: 3 };
  }
  return null;
}
