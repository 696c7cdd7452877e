import { batchNormInference, batchNormTraining, noGrad, type Variable } from '@torchlet/autograd';
import { fail, formatShape, ones, type Tensor, zeros } from '@torchlet/tensor';
import { Module, type ModuleInput } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyBool, pyFloat } from '../repr.js';
import { checkImageInput, type FloatDType, floatDType, positiveInt } from './util.js';

/**
 * Options of {@link BatchNorm2d}'s constructor.
 *
 * @example
 * ```ts
 * import { BatchNorm2d, type BatchNorm2dOptions } from '@torchlet/nn';
 * const options: BatchNorm2dOptions = { affine: false, momentum: null };
 * new BatchNorm2d(3, options).toString(); // -> 'BatchNorm2d(3, eps=1e-05, momentum=None, affine=False, track_running_stats=True)'
 * ```
 */
export interface BatchNorm2dOptions {
  /** Added to the variance for numerical stability. Default `1e-5`. */
  readonly eps?: number;
  /** Weight of the new batch in the running statistics; `null` for a cumulative average. Default `0.1`. */
  readonly momentum?: number | null;
  /** Learn a per-channel scale (`weight`, init 1) and shift (`bias`, init 0). Default `true`. */
  readonly affine?: boolean;
  /** Keep running statistics (buffers) for evaluation mode. Default `true`. */
  readonly trackRunningStats?: boolean;
  /** Element type of the parameters and running statistics. Default `'float32'`. */
  readonly dtype?: FloatDType;
}

/**
 * Batch normalisation over the channels of image batches. In training mode it normalises each
 * channel by the batch's mean and biased variance over `(N, H, W)` and updates the running
 * statistics (`running_mean`, `running_var` with the unbiased variance, `num_batches_tracked`)
 * with momentum 0.1; in evaluation mode it uses the running statistics. Then it scales by
 * `weight` and shifts by `bias`. Built from autograd's functions, so it is differentiable.
 *
 * Shapes: input `[N, C, H, W]`, output the same; weight, bias and running statistics `[C]`.
 *
 * @see torch.nn.BatchNorm2d
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { BatchNorm2d } from '@torchlet/nn';
 * const bn = new BatchNorm2d(1);
 * bn.forward(tensor([[[[1, 3]]], [[[5, 7]]]])).data.allclose(tensor([[[[-1.3416, -0.4472]]], [[[0.4472, 1.3416]]]]), { atol: 1e-4 }); // -> true
 * bn.runningMean.toArray(); // -> [0.4000000059604645]
 * Object.keys(bn.stateDict()); // -> ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
 * bn.toString(); // -> 'BatchNorm2d(1, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)'
 * ```
 */
export class BatchNorm2d extends Module {
  /** Per-channel scale `[C]` (init 1), or null without `affine`. */
  weight: Parameter | null;
  /** Per-channel shift `[C]` (init 0), or null without `affine`. */
  bias: Parameter | null;
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  /**
   * A batch normalisation layer over `numFeatures` channels.
   * @param numFeatures - C, the number of channels of the `[N, C, H, W]` input.
   * @param options - `eps` (default `1e-5`), `momentum` (default `0.1`; `null` for a cumulative average),
   *   `affine` (learn gamma and beta, default `true`), `trackRunningStats` (default `true`) and `dtype`; see
   *   {@link BatchNorm2dOptions}.
   */
  constructor(numFeatures: number, options: BatchNorm2dOptions = {}) {
    super();
    const L = 'BatchNorm2d';
    this.numFeatures = positiveInt(L, 'numFeatures', numFeatures);
    this.eps = options.eps ?? 1e-5;
    if (!(this.eps > 0)) fail(L, 'eps', `eps must be positive, got ${String(this.eps)}`);
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    if (this.momentum !== null && !(this.momentum >= 0 && this.momentum <= 1))
      fail(L, 'momentum', `momentum must be in [0, 1] or null, got ${String(this.momentum)}`);
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    const dtype = floatDType(L, options.dtype);
    this.weight = this.affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = this.affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', zeros([numFeatures], { dtype }));
      this.registerBuffer('running_var', ones([numFeatures], { dtype }));
      this.registerBuffer('num_batches_tracked', zeros([], { dtype: 'int64' }));
    }
  }

  /** The `running_mean` buffer `[C]` (throws without `trackRunningStats`). */
  get runningMean(): Tensor {
    return this.getBuffer('running_mean');
  }
  /** The `running_var` buffer `[C]` (unbiased batch variances, averaged). */
  get runningVar(): Tensor {
    return this.getBuffer('running_var');
  }
  /** The `num_batches_tracked` buffer, an int64 scalar counting training batches (as PyTorch's). */
  get numBatchesTracked(): Tensor {
    return this.getBuffer('num_batches_tracked');
  }

  /**
   * Normalises `input` per channel (batch statistics in training, running ones in evaluation), then scales and
   * shifts.
   * @param input - A batch `[N, C, H, W]` with C = `numFeatures`, of the layer's dtype.
   * @returns The normalised batch, the shape and dtype of `input`.
   */
  forward(input: ModuleInput): Variable {
    if (this.training || !this.trackRunningStats) return batchNorm2dBatchStatistics(this, input, null);
    checkImageInput('BatchNorm2d', input, this.numFeatures, [4]);
    // One pass with the statistics folded into a per-channel scale and shift, as PyTorch's CPU
    // kernel (WebAssembly SIMD for large float32 inputs).
    return batchNormInference(input, this.runningMean, this.runningVar, this.weight, this.bias, { eps: this.eps });
  }

  override extraRepr(): string {
    const momentum = this.momentum === null ? 'None' : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${momentum}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/**
 * `bn`'s forward with the batch's statistics (training, or no running statistics), then `activation`
 * in the same fused op (autograd's batchNormTraining: one call forward, one backward), updating the
 * running statistics in training. Internal: BatchNorm2d's forward, and the conv-bn fusion for a
 * `BatchNorm2d, ReLU | ReLU6` pair in training mode.
 */
export function batchNorm2dBatchStatistics(
  bn: BatchNorm2d,
  input: ModuleInput,
  activation: 'relu' | 'relu6' | null,
): Variable {
  const shape = checkImageInput('BatchNorm2d', input, bn.numFeatures, [4]);
  const n = shape[0] * shape[2] * shape[3];
  // Batch statistics need two values per channel, also in evaluation without running
  // statistics (PyTorch checks whenever it normalises with the batch's own statistics).
  if (n <= 1) {
    fail(
      'BatchNorm2d',
      'input',
      `expected more than 1 value per channel when training, got input ${formatShape(shape)}`,
    );
  }
  const r = batchNormTraining(input, bn.weight, bn.bias, { eps: bn.eps, activation });
  if (bn.training && bn.trackRunningStats) {
    noGrad(() => {
      const tracked = bn.numBatchesTracked;
      tracked.addInPlace(1);
      const factor = bn.momentum ?? 1 / tracked.item();
      const c = [bn.numFeatures];
      bn.runningMean.mulInPlace(1 - factor).addInPlace(r.mean.reshape(c), factor);
      bn.runningVar.mulInPlace(1 - factor).addInPlace(r.variance.reshape(c).mul(n / (n - 1)), factor);
    });
  }
  return r.output;
}
