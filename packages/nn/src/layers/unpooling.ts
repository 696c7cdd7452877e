import { maxUnpool2d, type Variable } from '@torchlet/autograd';
import { fail, formatShape, isTensor, type Tensor } from '@torchlet/tensor';
import { Module, type ModuleInput } from '../module.js';
import { checkImageInput, type IntPair, toPair } from './util.js';

/**
 * Options of {@link MaxUnpool2d}'s constructor: the geometry of the max-pool it undoes.
 *
 * @example
 * ```ts
 * import { MaxUnpool2d, type MaxUnpool2dLayerOptions } from '@torchlet/nn';
 * const options: MaxUnpool2dLayerOptions = { stride: 2, padding: 1 };
 * new MaxUnpool2d(3, options).toString(); // -> 'MaxUnpool2d(kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))'
 * ```
 */
export interface MaxUnpool2dLayerOptions {
  /** The pool's stride. Default: the kernel size. */
  readonly stride?: IntPair | null;
  /** The pool's padding. Default `0`. */
  readonly padding?: IntPair;
}

/**
 * 2-d max-unpooling, the partial inverse of a {@link MaxPool2d} built with `returnIndices: true`:
 * each value goes back to the position its index names; everything else is zero.
 *
 * Shapes: `[N, C, Hin, Win]` or `[C, Hin, Win]` -> `[N, C, H, W]`,
 * `H = (Hin - 1) * stride - 2 * padding + kernel`, or the `outputSize` passed to `forward`.
 *
 * @see torch.nn.MaxUnpool2d
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { MaxPool2d, MaxUnpool2d } from '@torchlet/nn';
 * const pool = new MaxPool2d(2, { returnIndices: true });
 * const unpool = new MaxUnpool2d(2);
 * const x = tensor([[[[1, 5, 2, 0], [3, 4, 8, 6], [0, 1, 1, 0]]]]); // [1, 1, 3, 4]
 * const { values, indices } = pool.forward(x);
 * unpool.forward(values, indices, x.shape).toArray(); // -> [[[[0, 5, 0, 0], [0, 0, 8, 0], [0, 0, 0, 0]]]]
 * unpool.toString(); // -> 'MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))'
 * ```
 */
export class MaxUnpool2d extends Module<
  [input: ModuleInput, indices: Tensor, outputSize?: readonly number[] | null],
  Variable
> {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];

  /**
   * A 2-D max-unpooling layer for a pool with a `kernelSize` window.
   * @param kernelSize - The pool's window size, `k` or `[kH, kW]`.
   * @param options - `stride` (default: `kernelSize`) and `padding` (default `0`); see {@link MaxUnpool2dLayerOptions}.
   */
  constructor(kernelSize: IntPair, options: MaxUnpool2dLayerOptions = {}) {
    super();
    const L = 'MaxUnpool2d';
    // Stored as pairs, as PyTorch's module stores them (and prints them).
    this.kernelSize = toPair(L, 'kernelSize', kernelSize, 1);
    this.stride = toPair(L, 'stride', options.stride ?? kernelSize, 1);
    this.padding = toPair(L, 'padding', options.padding ?? 0, 0);
  }

  /**
   * The unpooled planes.
   * @param input - The pooled values, `[N, C, Hin, Win]` or `[C, Hin, Win]`.
   * @param indices - The int64 indices the pool returned, the shape of `input`.
   * @param outputSize - Optional output size `[H, W]` or the pooled input's whole shape, for when
   *   several input sizes pool to the same size.
   * @returns The unpooled planes `[N, C, H, W]` (or `[C, H, W]`).
   */
  forward(input: ModuleInput, indices: Tensor, outputSize?: readonly number[] | null): Variable {
    checkImageInput('MaxUnpool2d', input, null);
    if (!isTensor(indices)) {
      fail(
        'MaxUnpool2d',
        'indices',
        `expected the indices tensor a MaxPool2d with returnIndices returned, got ${typeof indices}`,
      );
    }
    if (outputSize !== undefined && outputSize !== null && !Array.isArray(outputSize)) {
      fail(
        'MaxUnpool2d',
        'outputSize',
        `outputSize must be [H, W] or a shape, got ${typeof outputSize} (indices ${formatShape(indices.shape)})`,
      );
    }
    return maxUnpool2d(input, indices, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ...(outputSize === undefined || outputSize === null ? {} : { outputSize }),
    });
  }

  override extraRepr(): string {
    const pair = (p: [number, number]) => `(${p[0]}, ${p[1]})`;
    return `kernel_size=${pair(this.kernelSize)}, stride=${pair(this.stride)}, padding=${pair(this.padding)}`;
  }
}
