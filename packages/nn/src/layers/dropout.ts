import { isVariable, mul, type Variable, variable } from '@torchlet/autograd';
import { fail, formatShape, type Generator, rand } from '@torchlet/tensor';
import { Module, type ModuleInput } from '../module.js';
import { pyBool, pyFloat } from '../repr.js';
import { inputTensor } from './util.js';

/**
 * Options of {@link Dropout}'s constructor.
 *
 * @example
 * ```ts
 * import { Generator } from '@torchlet/tensor';
 * import { Dropout, type DropoutOptions } from '@torchlet/nn';
 * const options: DropoutOptions = { generator: new Generator(7) };
 * new Dropout(0.1, options).p; // -> 0.1
 * ```
 */
export interface DropoutOptions {
  /** Draws the masks, for reproducible training. Default: the default generator. */
  readonly generator?: Generator;
}

/**
 * Dropout: in training mode, zeroes each element with probability `p` and scales the kept ones
 * by `1 / (1 - p)`, so the expected output equals the input; in evaluation mode, the identity.
 *
 * Shapes: any; output as input.
 *
 * @see torch.nn.Dropout
 * @example
 * ```ts
 * import { Generator, ones } from '@torchlet/tensor';
 * import { Dropout } from '@torchlet/nn';
 * const drop = new Dropout(0.5, { generator: new Generator(0) });
 * const y = Array.from(drop.forward(ones([1000])).data.toTypedArray() as Float32Array);
 * y.every((v) => v === 0 || v === 2); // -> true
 * drop.eval().forward(ones([2])).toArray(); // -> [1, 1]
 * drop.toString(); // -> 'Dropout(p=0.5, inplace=False)'
 * ```
 */
export class Dropout extends Module {
  /** Probability of zeroing an element. */
  readonly p: number;
  readonly #generator: Generator | undefined;

  /**
   * A dropout layer that zeroes elements with probability `p` in training.
   * @param p - The probability of zeroing an element, in [0, 1]. Default `0.5`.
   * @param options - `generator`, the random source of the masks; see {@link DropoutOptions}.
   */
  constructor(p = 0.5, options: DropoutOptions = {}) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p <= 1))
      fail('Dropout', 'p', `dropout probability has to be between 0 and 1, but got ${String(p)}`);
    this.p = p;
    this.#generator = options.generator;
  }

  /**
   * `input * mask / (1 - p)` with a fresh Bernoulli(1 - p) mask in training; `input` in evaluation.
   * @param input - A tensor or Variable of any shape (float32 or float64).
   * @returns A new Variable of the same shape in training; `input` (as a Variable) in evaluation.
   */
  forward(input: ModuleInput): Variable {
    const t = inputTensor('Dropout', input);
    if (t.dtype !== 'float32' && t.dtype !== 'float64')
      fail('Dropout', 'input', `expected a float input, got ${t.dtype} input ${formatShape(t.shape)}`);
    if (!this.training || this.p === 0) return isVariable(input) ? input : variable(input);
    if (this.p === 1) return mul(input, 0);
    const keep = rand(t.shape, { dtype: t.dtype, generator: this.#generator, device: t.device }).lt(1 - this.p);
    return mul(input, keep.to(t.dtype).div(1 - this.p));
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(false)}`;
  }
}
