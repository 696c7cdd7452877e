import { isVariable, type Variable } from '@torchlet/autograd';
import type { Tensor } from '@torchlet/tensor';
import * as ort from 'onnxruntime-node';

// onnxruntime-node for the tests (a devDependency): runs exported bytes on torchlet tensors.

/** Runs `bytes` in onnxruntime on `inputs` (fed in graph-input order) and returns every output as [data, dims]. */
export async function runOrt(
  bytes: Uint8Array,
  inputs: readonly (Tensor | Variable)[],
): Promise<{ data: Float32Array | Float64Array; dims: number[] }[]> {
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled' });
  const feeds: Record<string, ort.Tensor> = {};
  session.inputNames.forEach((name, i) => {
    const x = inputs[i];
    const t = isVariable(x) ? x.data : x;
    const c = t.contiguous();
    const data = c.data.subarray(c.offset, c.offset + c.numel);
    const type = t.dtype === 'float64' ? 'float64' : t.dtype === 'int32' ? 'int32' : 'float32';
    feeds[name] = new ort.Tensor(type, data as Float32Array, [...t.shape]);
  });
  const out = await session.run(feeds);
  return session.outputNames.map((name) => ({ data: out[name].data as Float32Array, dims: [...out[name].dims] }));
}
