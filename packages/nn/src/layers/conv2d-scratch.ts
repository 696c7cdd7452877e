import { add, corr2d, type Variable } from '@torchlet/autograd';
import { fail, formatShape, type Generator, rand, zeros } from '@torchlet/tensor';
import { Module, type ModuleInput } from '../module.js';
import { Parameter } from '../parameter.js';
import { type IntPair, inputTensor, toPair } from './util.js';

/**
 * Options of {@link Conv2D}'s constructor.
 *
 * @example
 * ```ts
 * import { Generator } from '@torchlet/tensor';
 * import { Conv2D, type Conv2DOptions } from '@torchlet/nn';
 * const options: Conv2DOptions = { generator: new Generator(0) };
 * new Conv2D([1, 2], options).weight.shape; // -> [1, 2]
 * ```
 */
export interface Conv2DOptions {
  /** Draws the initial kernel, U[0, 1). Default: the default generator. */
  readonly generator?: Generator;
}

/**
 * The d2l book's from-scratch convolutional layer: a kernel initialised uniformly in [0, 1)
 * and a scalar bias initialised to 0; `forward(x) = corr2d(x, weight) + bias` on one 2-d image.
 *
 * Shapes: input `[H, W]`; output `[H - kh + 1, W - kw + 1]`; weight `[kh, kw]`, bias `[1]`.
 *
 * @see d2l Conv2D (torch.nn.Conv2d is the full layer: {@link Conv2d})
 * @example
 * ```ts
 * import { Generator, tensor } from '@torchlet/tensor';
 * import { Conv2D } from '@torchlet/nn';
 * const conv = new Conv2D([1, 2], { generator: new Generator(0) });
 * conv.weight.data.copyInPlace(tensor([[1, -1]]));
 * conv.forward(tensor([[1, 1, 0, 0]])).toArray(); // -> [[0, 1, 0]]
 * conv.namedParameters().map(([name, p]) => [name, p.shape]); // -> [['weight', [1, 2]], ['bias', [1]]]
 * ```
 */
export class Conv2D extends Module {
  /** The kernel `[kh, kw]`, U[0, 1) at first. */
  weight: Parameter;
  /** A scalar bias `[1]`, 0 at first. */
  bias: Parameter;

  /**
   * The d2l from-scratch convolution layer with a `kernelSize` kernel and a scalar bias.
   * @param kernelSize - The kernel size, `k` or `[kH, kW]`.
   * @param options - `generator`, which draws the initial kernel from U[0, 1); see {@link Conv2DOptions}.
   */
  constructor(kernelSize: IntPair, options: Conv2DOptions = {}) {
    super();
    const k = toPair('Conv2D', 'kernelSize', kernelSize, 1);
    this.weight = new Parameter(rand(k, { generator: options.generator }));
    this.bias = new Parameter(zeros([1]));
  }

  /**
   * `corr2d(input, weight) + bias`.
   * @param input - One 2-D image `[H, W]`.
   * @returns The output `[H - kH + 1, W - kW + 1]`.
   */
  forward(input: ModuleInput): Variable {
    const shape = inputTensor('Conv2D', input).shape;
    if (shape.length !== 2) fail('Conv2D', 'input', `expected a 2-D input [H, W], got input ${formatShape(shape)}`);
    const [kh, kw] = this.weight.shape;
    if (shape[0] < kh || shape[1] < kw) {
      fail(
        'Conv2D',
        'input',
        `input ${formatShape(shape)} is smaller than the kernel ${formatShape(this.weight.shape)}`,
      );
    }
    return add(corr2d(input, this.weight), this.bias);
  }
}
