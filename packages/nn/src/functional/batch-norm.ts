import {
  batchNormInference,
  batchNormTraining,
  isVariable,
  noGrad,
  type Variable,
  type VariableOrTensor,
} from '@torchlet/autograd';
import { fail, formatShape, formatValue, isFloatingDType, isTensor, type Tensor } from '@torchlet/tensor';
import { inputTensor } from '../layers/util.js';

/**
 * Options of {@link batchNorm}.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { type BatchNormOptions, batchNorm } from '@torchlet/nn';
 * const options: BatchNormOptions = { training: true };
 * batchNorm(tensor([[1], [3]]), null, null, null, null, options).toArray(); // -> [[-0.9999949932098389], [0.9999949932098389]]
 * ```
 */
export interface BatchNormOptions {
  /** Normalise by the batch's statistics (and update the running ones, when given). Default `false`. */
  readonly training?: boolean;
  /** Weight of the batch in the running statistics' update. Default `0.1`. */
  readonly momentum?: number;
  /** Added to the variance. Default `1e-5`. */
  readonly eps?: number;
}

/**
 * Batch normalisation of `input` `[N, C, ...]` per channel: by the batch's mean and biased variance
 * over every dimension but C in training (updating `runningMean` and `runningVar`, with the
 * unbiased variance, in place when given), by the running statistics otherwise; then
 * `* weight + bias`. The math of `BatchNorm2d`, differentiable in `input`, `weight` and `bias`.
 *
 * Shapes: `input [N, C, *]`; `runningMean`, `runningVar`, `weight`, `bias` `[C]` -> `[N, C, *]`.
 *
 * @param input - The batch to normalise, `[N, C, ...]` (e.g. `[N, C, H, W]`), float32 or float64.
 * @param runningMean - Per-channel running mean `[C]`, used in evaluation and updated in place in training;
 *   `null` to use batch statistics only.
 * @param runningVar - Per-channel running (unbiased) variance `[C]`, used and updated like `runningMean`;
 *   `null` to use batch statistics only.
 * @param weight - Per-channel scale gamma `[C]`, or `null` for 1.
 * @param bias - Per-channel shift beta `[C]`, or `null` for 0.
 * @param options - `training` (batch statistics, default `false`), `momentum` (default `0.1`) and `eps`
 *   (default `1e-5`); see {@link BatchNormOptions}.
 * @returns The normalised batch, the shape and dtype of `input`.
 * @see torch.nn.functional.batch_norm
 * @example
 * ```ts
 * import { ones, tensor, zeros } from '@torchlet/tensor';
 * import { batchNorm } from '@torchlet/nn';
 * const x = tensor([[[[1, 3]]], [[[5, 7]]]]);
 * // Evaluation: (x - 4) / sqrt(4 + eps)
 * batchNorm(x, tensor([4]), tensor([4]), null, null).data.allclose(tensor([[[[-1.5, -0.5]]], [[[0.5, 1.5]]]]), { atol: 1e-5 }); // -> true
 * const mean = zeros([1]);
 * batchNorm(x, mean, ones([1]), null, null, { training: true });
 * mean.toArray(); // -> [0.4000000059604645]
 * ```
 */
export function batchNorm(
  input: VariableOrTensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: VariableOrTensor | null,
  bias: VariableOrTensor | null,
  options: BatchNormOptions = {},
): Variable {
  const fn = 'batchNorm';
  const inputData = inputTensor(fn, input);
  const shape = inputData.shape;
  if (!isFloatingDType(inputData.dtype))
    fail(fn, 'input', `expected a float32 or float64 input, got ${inputData.dtype} input ${formatShape(shape)}`);
  if (shape.length < 2)
    fail(fn, 'input', `expected input [N, C, ...] with at least 2 dimensions, got input ${formatShape(shape)}`);
  const c = shape[1];
  // Omitted (undefined) statistics and affine parameters mean none, as PyTorch's None defaults.
  runningMean ??= null;
  runningVar ??= null;
  weight ??= null;
  bias ??= null;
  const check = (arg: string, t: VariableOrTensor | null, stats: boolean): void => {
    if (t === null) return;
    // The running statistics are updated in place, so they must be plain float tensors.
    if (stats ? !isTensor(t) : !isTensor(t) && !isVariable(t))
      fail(
        fn,
        arg,
        `expected ${arg} to be a ${stats ? 'Tensor' : 'Variable, a Tensor'} or null, got ${formatValue(t)}`,
      );
    const s = t.shape;
    if (s.length !== 1 || s[0] !== c)
      fail(fn, arg, `expected ${arg} [${c}] for input ${formatShape(shape)}, got ${arg} ${formatShape(s)}`);
    const dtype = isTensor(t) ? t.dtype : t.data.dtype;
    if (!isFloatingDType(dtype))
      fail(fn, arg, `expected a float32 or float64 ${arg}, got ${dtype} ${arg} ${formatShape(s)}`);
  };
  check('runningMean', runningMean, true);
  check('runningVar', runningVar, true);
  check('weight', weight, false);
  check('bias', bias, false);
  if (options === null || typeof options !== 'object')
    fail(fn, 'options', `expected an options object, got ${formatValue(options)}`);
  const training = options.training ?? false;
  const eps = options.eps ?? 1e-5;
  const momentum = options.momentum ?? 0.1;
  if (typeof training !== 'boolean') fail(fn, 'training', `training must be a boolean, got ${formatValue(training)}`);
  if (typeof eps !== 'number' || !(eps > 0) || eps === Infinity)
    fail(fn, 'eps', `eps must be a positive number, got ${formatValue(eps)}`);
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1))
    fail(fn, 'momentum', `momentum must be in [0, 1], got ${formatValue(momentum)}`);
  if (training) {
    const n = shape.reduce((a, b) => a * b, 1) / c;
    if (n <= 1)
      fail(fn, 'input', `expected more than 1 value per channel when training, got input ${formatShape(shape)}`);
    // Statistics, normalisation and affine map as one fused op (one call forward, one backward).
    const r = batchNormTraining(input, weight, bias, { eps });
    noGrad(() => {
      if (runningMean !== null) runningMean.mulInPlace(1 - momentum).addInPlace(r.mean, momentum);
      if (runningVar !== null) runningVar.mulInPlace(1 - momentum).addInPlace(r.variance.mul(n / (n - 1)), momentum);
    });
    return r.output;
  } else {
    if (runningMean === null || runningVar === null)
      fail(fn, 'runningMean', 'running statistics are required when not training');
    // One pass with the statistics folded into a per-channel scale and shift, as PyTorch's CPU kernel.
    return batchNormInference(input, runningMean, runningVar, weight, bias, { eps });
  }
}
