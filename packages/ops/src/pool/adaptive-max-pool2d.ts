import { allocStorage, type FloatArray, Tensor } from '@torchlet/tensor';
import { noGpuKernel } from '../device/gpu-layers.js';
import { type AdaptiveSize, adaptiveEnd, adaptiveStart, resolveOutputSize } from './adaptive-avg-pool2d.js';
import { widenIndices } from './indices.js';
import type { MaxPool2dResult } from './max-pool2d.js';
import { poolStrides } from './max-pool2d.js';
import { checkPoolInput } from './params.js';

/**
 * Options of {@link adaptiveMaxPool2d}.
 *
 * @see torch.nn.functional.adaptive_max_pool2d
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { type AdaptiveMaxPool2dOptions, adaptiveMaxPool2d } from '@torchlet/ops';
 * const options = { returnIndices: true } as const satisfies AdaptiveMaxPool2dOptions;
 * adaptiveMaxPool2d(zeros([1, 2, 5, 5]), 2, options).indices.dtype; // -> 'int64'
 * ```
 */
export interface AdaptiveMaxPool2dOptions {
  /** Also return each window's argmax as an int64 flat index `h*W + w` within its input plane (default `false`). */
  readonly returnIndices?: boolean;
}

/**
 * Adaptive max pooling: each output cell is the maximum of the input window
 * `[floor(i*H/Hout), ceil((i+1)*H/Hout))` (and likewise along W), so any input size maps onto the
 * requested output size. As PyTorch's CPU kernel: the first maximum wins on ties, a NaN wins over
 * every number (the last NaN of the window gives the index), and a window of `-inf` reports its
 * first element.
 *
 * Shapes: `[N,C,H,W]` or `[C,H,W]` -> `[N,C,Hout,Wout]` or `[C,Hout,Wout]` with `[Hout, Wout]` from
 * `outputSize` (`null` keeps that input size).
 *
 * @param input - Input `[N, C, H, W]` or `[C, H, W]`, float32 or float64.
 * @param outputSize - The output size `s` or `[outH, outW]` (`null` in the pair keeps that input size).
 * @param options - `returnIndices` (default `false`); see {@link AdaptiveMaxPool2dOptions}.
 * @returns The window maxima; with `returnIndices: true`, `{ values, indices }` where `indices` (int64) are
 *   flat positions in each input plane, which `maxPool2dBackward` and `maxUnpool2d` take.
 * @see torch.nn.functional.adaptive_max_pool2d
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { adaptiveMaxPool2d } from '@torchlet/ops';
 * const X = tensor([[[0, 7, 2], [3, 4, 5], [6, 1, 8]]]); // [1, 3, 3]
 * adaptiveMaxPool2d(X, 1).toArray(); // -> [[[8]]]
 * adaptiveMaxPool2d(X, [2, 2]).toArray(); // -> [[[7, 7], [6, 8]]]
 * adaptiveMaxPool2d(X, [null, 1], { returnIndices: true }).indices.toArray(); // -> [[[1], [5], [8]]]
 * ```
 */
export function adaptiveMaxPool2d(
  input: Tensor,
  outputSize: AdaptiveSize,
  options: AdaptiveMaxPool2dOptions & { readonly returnIndices: true },
): MaxPool2dResult;
export function adaptiveMaxPool2d(
  input: Tensor,
  outputSize: AdaptiveSize,
  options?: AdaptiveMaxPool2dOptions & { readonly returnIndices?: false },
): Tensor;
export function adaptiveMaxPool2d(
  input: Tensor,
  outputSize: AdaptiveSize,
  options?: AdaptiveMaxPool2dOptions,
): Tensor | MaxPool2dResult;
export function adaptiveMaxPool2d(
  input: Tensor,
  outputSize: AdaptiveSize,
  options: AdaptiveMaxPool2dOptions = {},
): Tensor | MaxPool2dResult {
  const fn = 'adaptiveMaxPool2d';
  const x = checkPoolInput(fn, input);
  const rank = x.ndim;
  const h = x.shape[rank - 2];
  const w = x.shape[rank - 1];
  const [ho, wo] = resolveOutputSize(fn, outputSize, h, w);
  noGpuKernel(fn, { input: x });
  const n = rank === 4 ? x.shape[0] : 1;
  const c = x.shape[rank - 3];
  const size = n * c * ho * wo;
  const out = allocStorage(x.dtype, size) as FloatArray;
  const idx = new Int32Array(size);
  const [sN, sC, sH, sW] = poolStrides(x);
  const data = x.data as FloatArray;
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const plane = x.offset + b * sN + ch * sC;
      for (let i = 0; i < ho; i++) {
        const h0 = adaptiveStart(i, h, ho);
        const h1 = adaptiveEnd(i, h, ho);
        for (let j = 0; j < wo; j++) {
          const w0 = adaptiveStart(j, w, wo);
          const w1 = adaptiveEnd(j, w, wo);
          let best = Number.NEGATIVE_INFINITY;
          let at = h0 * w + w0;
          for (let y = h0; y < h1; y++) {
            for (let xx = w0; xx < w1; xx++) {
              const v = data[plane + y * sH + xx * sW];
              // A NaN replaces the maximum (every NaN, so the last one is reported).
              if (v > best || Number.isNaN(v)) {
                best = v;
                at = y * w + xx;
              }
            }
          }
          out[o] = best;
          idx[o++] = at;
        }
      }
    }
  }
  const shape = rank === 4 ? [n, c, ho, wo] : [c, ho, wo];
  const values = new Tensor(out, shape);
  return options.returnIndices === true ? { values, indices: new Tensor(widenIndices(idx), shape) } : values;
}
