import { flatten, type Variable } from '@torchlet/autograd';
import { fail, formatShape } from '@torchlet/tensor';
import { Module, type ModuleInput } from '../module.js';
import { inputTensor } from './util.js';

/**
 * Flattens dimensions `startDim..endDim` into one: by default everything but the batch
 * dimension, the step between the convolutional and the fully connected part of a CNN.
 *
 * Shapes: `[N, C, H, W]` -> `[N, C*H*W]` with the defaults.
 *
 * @see torch.nn.Flatten
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { Flatten } from '@torchlet/nn';
 * new Flatten().forward(zeros([2, 16, 5, 5])).shape; // -> [2, 400]
 * new Flatten(0).forward(zeros([2, 3])).shape; // -> [6]
 * new Flatten().toString(); // -> 'Flatten(start_dim=1, end_dim=-1)'
 * ```
 */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  /**
   * A layer that merges dimensions `startDim..endDim` into one.
   * @param startDim - The first dimension to merge (negative counts from the end). Default `1` (keeps the batch
   *   dimension).
   * @param endDim - The last dimension to merge (negative counts from the end). Default `-1`.
   */
  constructor(startDim = 1, endDim = -1) {
    super();
    if (!Number.isInteger(startDim))
      fail('Flatten', 'startDim', `startDim must be an integer, got ${String(startDim)}`);
    if (!Number.isInteger(endDim)) fail('Flatten', 'endDim', `endDim must be an integer, got ${String(endDim)}`);
    this.startDim = startDim;
    this.endDim = endDim;
  }

  /**
   * `input` with dimensions `startDim..endDim` merged.
   * @param input - A tensor or Variable with at least `startDim + 1` dimensions.
   * @returns A view of `input`, e.g. `[N, C, H, W]` becomes `[N, C * H * W]` with the defaults.
   */
  forward(input: ModuleInput): Variable {
    const shape = inputTensor('Flatten', input).shape;
    const rank = Math.max(shape.length, 1);
    const ok = this.startDim >= -rank && this.startDim < rank && this.endDim >= -rank && this.endDim < rank;
    const norm = (d: number): number => (d < 0 ? d + rank : d);
    if (!ok || norm(this.startDim) > norm(this.endDim)) {
      fail('Flatten', 'input', `cannot flatten dims ${this.startDim}..${this.endDim} of input ${formatShape(shape)}`);
    }
    return flatten(input, this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}
