import type { BatchNormInferenceOptions, BatchNormTrainingOptions } from '@torchlet/ops';
import * as O from '@torchlet/ops';
import * as T from '@torchlet/tensor';
import { isGradEnabled } from '../grad-mode.js';
import { record } from '../graph.js';
import { markOwned, noteOverwrite } from '../owned-gradients.js';
import { isTracing } from '../trace.js';
import { type Variable, Variable as VariableClass, type VariableOrTensor } from '../variable.js';
import { add, clamp, div, mul, relu, sqrt, sub, where } from './elementwise.js';
import { mean, sum } from './reduce.js';
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

/**
 * What {@link batchNormTraining} returns: the differentiable output and the batch statistics
 * (plain tensors: what a caller updates running statistics from).
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { type BatchNormTrainingOutput, batchNormTraining } from '@torchlet/autograd';
 * const r: BatchNormTrainingOutput = batchNormTraining(tensor([[1], [3]]), null, null, { eps: 0 });
 * r.output.toArray(); // -> [[-1], [1]]
 * r.variance.toArray(); // -> [1]
 * ```
 */
export interface BatchNormTrainingOutput {
  /** The normalised batch, the shape of the input, differentiable in input, weight and bias. */
  readonly output: Variable;
  /** The batch mean per channel `[C]`. */
  readonly mean: T.Tensor;
  /** The biased batch variance per channel `[C]`. */
  readonly variance: T.Tensor;
  /** `1 / sqrt(variance + eps)` per channel `[C]`. */
  readonly invstd: T.Tensor;
}

// BatchNorm in training mode as one operation: `@torchlet/ops`' batchNormTraining (statistics and
// map in one call) forward and batchNormTrainingBackward (the three gradients in one call)
// backward. When the gradient itself is recorded (createGraph), the rule is written with this
// package's functions instead, so it differentiates again (the statistics depend on the input):
// xhat = (x - mean) * invstd, gw = g * weight,
// dx = (gw - mean(gw) - xhat * mean(gw * xhat)) * invstd, dweight = sum(g * xhat), dbias = sum(g).

/**
 * Differentiable batch normalisation in training mode (batch statistics): each channel normalised
 * by the batch's mean and biased variance over every dimension but C, then `* weight + bias`.
 * Forward and backward are one fused call each (`@torchlet/ops`' {@link O.batchNormTraining} and
 * {@link O.batchNormTrainingBackward}: WebAssembly SIMD for float32, PyTorch's CPU arithmetic);
 * second order works (the rule switches to differentiable ops when a graph of the gradient is
 * recorded). Running statistics are the caller's (`@torchlet/nn`'s `BatchNorm2d` updates them from
 * the returned `mean` and `variance`).
 *
 * Shapes: `input [N, C, *]`; `weight`, `bias` `[C]` -> output `[N, C, *]`; mean, variance, invstd `[C]`.
 *
 * @param input_ - The batch `[N, C, *]` (`input` in PyTorch), more than one value per channel.
 * @param weight - The per-channel scale `[C]`, or null for 1.
 * @param bias - The per-channel shift `[C]`, or null for 0.
 * @param options - `eps` (default 1e-5), `activation` (`'relu'` or `'relu6'` fused into both passes, default
 *   none; on the webgpu device and while tracing it runs as `relu` / `clamp`) and `kernel` (default
 *   `'auto'`); see `@torchlet/ops`' `BatchNormTrainingOptions`.
 * @returns The output Variable and the batch statistics; see {@link BatchNormTrainingOutput}.
 * @see torch.nn.functional.batch_norm with training=True
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { batchNormTraining, variable } from '@torchlet/autograd';
 * const x = variable(tensor([[1], [3]]), { requiresGrad: true }); // mean 2, variance 1
 * const w = variable(tensor([2]), { requiresGrad: true });
 * const { output } = batchNormTraining(x, w, null, { eps: 0 });
 * output.toArray(); // -> [[-2], [2]]
 * output.mul(tensor([[1], [0]])).sum().backward();
 * x.grad?.toArray(); // -> [[0], [0]]
 * w.grad?.toArray(); // -> [-1]
 * ```
 */
export function batchNormTraining(
  input_: VariableOrTensor,
  weight: VariableOrTensor | null,
  bias: VariableOrTensor | null,
  options: BatchNormTrainingOptions = {},
): BatchNormTrainingOutput {
  const x = rawTensor(input_);
  const w = weight ?? null;
  const b = bias ?? null;
  const eps = options.eps ?? 1e-5;
  const activation = options.activation ?? null;
  const shape = x.shape;
  const perChannel = [1, shape[1], ...shape.slice(2).map(() => 1)];
  const dims = [0, ...shape.slice(2).map((_, i) => i + 2)];
  // The webgpu device has no fused kernel, and the ONNX tracer records the textbook ops.
  if (isTracing() || x.device === 'webgpu') {
    const mu = mean(input_, dims, { keepdim: true });
    const centered = sub(input_, mu);
    const variance = mean(mul(centered, centered), dims, { keepdim: true });
    const std = sqrt(add(variance, eps));
    let y = div(centered, std);
    if (w !== null) y = mul(y, reshape(w, perChannel));
    if (b !== null) y = add(y, reshape(b, perChannel));
    if (activation === 'relu') y = relu(y);
    else if (activation === 'relu6') y = clamp(y, 0, 6);
    const c = [shape[1]];
    return {
      output: y,
      mean: mu.data.reshape(c),
      variance: variance.data.reshape(c),
      invstd: T.div(1, std.data.reshape(c)),
    };
  }
  const rw = w === null ? null : rawTensor(w);
  const rb = b === null ? null : rawTensor(b);
  const r = O.batchNormTraining(x, rw, rb, options);
  const output = record(
    'batchNormTraining',
    r.output,
    [input(input_), w === null ? null : input(w), b === null ? null : input(b)],
    (g0, needs, output, gradOwned) => {
      if (!isGradEnabled()) {
        // A gradient backward owns and nobody reads after this rule takes the input gradient in place.
        const k = { kernel: options.kernel ?? 'auto', activation, bias: rb, overwriteGradOutput: gradOwned };
        const grads = O.batchNormTrainingBackward(g0.data, x, r.mean, r.invstd, rw, k);
        if (grads.gradInput.data === g0.data.data) noteOverwrite();
        else markOwned(grads.gradInput, [x]);
        for (const t of [grads.gradWeight, grads.gradBias]) markOwned(t, [x]);
        const v = (t: T.Tensor, need: boolean): Variable | null => (need ? new VariableClass(t) : null);
        return [v(grads.gradInput, needs[0]), v(grads.gradWeight, needs[1]), v(grads.gradBias, needs[2])];
      }
      // The gradient through the activation: ReLU's where the output is > 0, ReLU6's where it is in (0, 6).
      const y = output.data;
      const g =
        activation === null
          ? g0
          : where(activation === 'relu' ? T.gt(y, 0) : T.gt(T.where(T.lt(y, 6), y, 0), 0), g0, 0);
      const mu = mean(input_, dims, { keepdim: true });
      const centered = sub(input_, mu);
      const std = sqrt(add(mean(mul(centered, centered), dims, { keepdim: true }), eps));
      const xhat = div(centered, std);
      const gw = w === null ? g : mul(g, reshape(w, perChannel));
      const dx = needs[0]
        ? div(
            sub(sub(gw, mean(gw, dims, { keepdim: true })), mul(xhat, mean(mul(gw, xhat), dims, { keepdim: true }))),
            std,
          )
        : null;
      return [dx, needs[1] ? sum(mul(g, xhat), dims) : null, needs[2] ? sum(g, dims) : null];
    },
    { save: [input_, weight], saveOutput: activation !== null, attrs: { eps, activation } },
  );
  return { output, mean: r.mean, variance: r.variance, invstd: r.invstd };
}
