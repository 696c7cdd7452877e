import type { BatchNormInferenceOptions } from '@torchlet/ops';
import * as O from '@torchlet/ops';
import * as T from '@torchlet/tensor';
import { record } from '../graph.js';
import { isTracing } from '../trace.js';
import type { Variable, VariableOrTensor } from '../variable.js';
import { add, div, mul, relu, sub, where } from './elementwise.js';
import { sum } from './reduce.js';
import { input, rawTensor } from './util.js';
import { reshape } from './views.js';

// BatchNorm in evaluation mode as one operation: `@torchlet/ops`' batchNormInference folds the
// running statistics into a per-channel scale and shift and maps the data in one pass (WebAssembly
// SIMD for large float32 inputs). Gradients, written with this package's functions (so they
// differentiate again): dx = g * weight * invstd, dweight = sum(g * (x - mean) * invstd),
// dbias = sum(g), over every dimension but C, with g masked by the output's sign under ReLU.
// While tracing (the ONNX exporter), it records the textbook ops instead, the pattern the
// exporter folds into one BatchNormalization node.

/**
 * Differentiable batch normalisation in evaluation mode: `(x - runningMean[c]) /
 * sqrt(runningVar[c] + eps) * weight[c] + bias[c]`, then ReLU when `options.relu` is set, as
 * one pass over the data (`@torchlet/ops`' {@link O.batchNormInference}: PyTorch's CPU arithmetic,
 * float32 results equal to `F.batch_norm(training=False)` to within one unit in the last place).
 * Differentiable in `input`, `weight` and `bias`; the running statistics are constants.
 *
 * Shapes: `input [N, C, *]`; `runningMean`, `runningVar`, `weight`, `bias` `[C]` -> `[N, C, *]`.
 *
 * @param input_ - The batch `[N, C, *]` (`input` in PyTorch).
 * @param runningMean - The per-channel mean `[C]`.
 * @param runningVar - The per-channel variance `[C]`.
 * @param weight - The per-channel scale `[C]`, or null for 1.
 * @param bias - The per-channel shift `[C]`, or null for 0.
 * @param options - `eps` (default 1e-5), `relu` (default false), `kernel`.
 * @returns The normalised batch, the shape of `input`.
 * @see torch.nn.functional.batch_norm
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { batchNormInference, variable } from '@torchlet/autograd';
 * const x = variable(tensor([[[1, 3]], [[5, 7]]]), { requiresGrad: true }); // [2, 1, 2]
 * const w = variable(tensor([2]), { requiresGrad: true });
 * const y = batchNormInference(x, tensor([4]), tensor([4]), w, tensor([1]), { eps: 0 });
 * y.toArray(); // -> [[[-2, 0]], [[2, 4]]]
 * y.sum().backward();
 * x.grad?.toArray(); // -> [[[1, 1]], [[1, 1]]]
 * w.grad?.toArray(); // -> [0]
 * ```
 */
export function batchNormInference(
  input_: VariableOrTensor,
  runningMean: T.Tensor,
  runningVar: T.Tensor,
  weight: VariableOrTensor | null,
  bias: VariableOrTensor | null,
  options: BatchNormInferenceOptions = {},
): Variable {
  const x = rawTensor(input_);
  const w = weight ?? null;
  const b = bias ?? null;
  const eps = options.eps ?? 1e-5;
  const relu_ = options.relu ?? false;
  const perChannel = [1, x.shape[1], ...x.shape.slice(2).map(() => 1)];
  // The webgpu device has no one-pass kernel: it runs these textbook ops, as the tracer records them.
  if (isTracing() || x.device === 'webgpu') {
    // The exporter's pattern: sub(x, mean) -> div(., sqrt(var + eps)) [-> mul(., weight) -> add(., bias)].
    let y = div(sub(input_, runningMean.reshape(perChannel)), runningVar.reshape(perChannel).add(eps).sqrt());
    if (w !== null) y = mul(y, reshape(w, perChannel));
    if (b !== null) y = add(y, reshape(b, perChannel));
    return relu_ ? relu(y) : y;
  }
  const out = O.batchNormInference(
    x,
    runningMean,
    runningVar,
    w === null ? null : rawTensor(w),
    b === null ? null : rawTensor(b),
    options,
  );
  const dims = [0, ...x.shape.slice(2).map((_, i) => i + 2)];
  return record(
    'batchNormInference',
    out,
    [input(input_), w === null ? null : input(w), b === null ? null : input(b)],
    (g, needs, output) => {
      const gy = relu_ ? where(T.gt(output.data, 0), g, 0) : g;
      const std = runningVar.reshape(perChannel).add(eps).sqrt();
      const dx = needs[0] ? div(w === null ? gy : mul(gy, reshape(w, perChannel)), std) : null;
      const dw =
        needs[1] && w !== null ? sum(div(mul(gy, sub(input_, runningMean.reshape(perChannel))), std), dims) : null;
      const db = needs[2] && b !== null ? sum(gy, dims) : null;
      return [dx, dw, db];
    },
    { saveOutput: relu_, attrs: { eps, relu: relu_ } },
  );
}
