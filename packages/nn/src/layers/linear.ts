import { add, matmul, ownIntermediates, reshape, t, type Variable } from '@torchlet/autograd';
import { fail, formatShape, type Generator, zeros } from '@torchlet/tensor';
import * as init from '../init.js';
import { Module, type ModuleInput } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyBool } from '../repr.js';
import { linearFused, takesLinearFused } from './linear-fused.js';
import { type FloatDType, floatDType, inputTensor, positiveInt } from './util.js';

/**
 * Options of {@link Linear}'s constructor.
 *
 * @example
 * ```ts
 * import { Generator } from '@torchlet/tensor';
 * import { Linear, type LinearOptions } from '@torchlet/nn';
 * const options: LinearOptions = { bias: false, generator: new Generator(0) };
 * new Linear(3, 2, options).parameters().length; // -> 1
 * ```
 */
export interface LinearOptions {
  /** Learn an additive bias. Default `true`. */
  readonly bias?: boolean;
  /** Draws the initial weights (Kaiming uniform, as PyTorch). Default: the default generator. */
  readonly generator?: Generator;
  /** Element type of the parameters. Default `'float32'`. */
  readonly dtype?: FloatDType;
}

/**
 * A fully connected layer: `y = x W^T + b`. Initialised as PyTorch does: weight Kaiming-uniform
 * with `a = sqrt(5)` (U(+-1/sqrt(inFeatures))), bias U(+-1/sqrt(inFeatures)).
 *
 * Shapes: input `[*, inFeatures]`; output `[*, outFeatures]`; weight `[outFeatures, inFeatures]`, bias `[outFeatures]`.
 *
 * @see torch.nn.Linear
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { Linear } from '@torchlet/nn';
 * const fc = new Linear(2, 1);
 * fc.toString(); // -> 'Linear(in_features=2, out_features=1, bias=True)'
 * fc.weight.data.copyInPlace(tensor([[2, -1]]));
 * fc.bias?.data.fillInPlace(0.5);
 * fc.forward(tensor([[1, 1], [3, 2]])).toArray(); // -> [[1.5], [4.5]]
 * ```
 */
export class Linear extends Module {
  /** `[outFeatures, inFeatures]`. */
  weight: Parameter;
  /** `[outFeatures]`, or null when built with `bias: false`. */
  bias: Parameter | null;
  readonly inFeatures: number;
  readonly outFeatures: number;

  /**
   * A fully connected layer from `inFeatures` to `outFeatures`; weight and bias drawn from U(-1/sqrt(inFeatures),
   * 1/sqrt(inFeatures)) as in PyTorch.
   * @param inFeatures - The size of each input sample (the last dimension of the input).
   * @param outFeatures - The size of each output sample.
   * @param options - `bias` (default `true`), `generator` and `dtype`; see {@link LinearOptions}.
   */
  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    this.inFeatures = positiveInt('Linear', 'inFeatures', inFeatures);
    this.outFeatures = positiveInt('Linear', 'outFeatures', outFeatures);
    const dtype = floatDType('Linear', options.dtype);
    this.weight = new Parameter(zeros([outFeatures, inFeatures], { dtype }));
    this.bias = options.bias === false ? null : new Parameter(zeros([outFeatures], { dtype }));
    init.kaimingUniform(this.weight.data, { a: Math.sqrt(5), generator: options.generator });
    if (this.bias !== null) {
      const bound = 1 / Math.sqrt(inFeatures);
      init.uniform(this.bias.data, -bound, bound, { generator: options.generator });
    }
  }

  /**
   * `input @ weight^T + bias` over the last dimension.
   * @param input - Features `[..., inFeatures]` of the layer's dtype.
   * @returns The output `[..., outFeatures]`.
   */
  forward(input: ModuleInput): Variable {
    const shape = inputTensor('Linear', input).shape;
    if (shape.length === 0 || shape[shape.length - 1] !== this.inFeatures) {
      fail(
        'Linear',
        'input',
        `expected input with ${this.inFeatures} features in its last dimension, got input ${formatShape(shape)}`,
      );
    }
    // Flatten the leading dimensions into one so a single 2-d matmul serves every rank.
    const lead = shape.slice(0, -1);
    const flat = shape.length === 2 ? input : reshape(input, [-1, this.inFeatures]);
    const bias = this.bias;
    // CPU float tensors: one node of three GEMMs (see linear-fused.ts).
    if (takesLinearFused(inputTensor('Linear', flat), this.weight.data)) {
      const y = linearFused(flat, this.weight, bias);
      return shape.length === 2 ? y : reshape(y, [...lead, this.outFeatures]);
    }
    // The product before the bias belongs to the graph (released after backward on webgpu).
    const y = ownIntermediates([this.weight.data], () => {
      const product = matmul(flat, t(this.weight));
      return bias === null ? product : add(product, bias);
    });
    return shape.length === 2 ? y : reshape(y, [...lead, this.outFeatures]);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}
