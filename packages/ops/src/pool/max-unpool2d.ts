import { allocStorage, type FloatArray, fail, formatShape, formatValue, isTensor, Tensor } from '@torchlet/tensor';
import { noGpuKernel } from '../device/gpu-layers.js';
import { type IntPair, toPair } from '../params.js';
import { firstBadIndex, indexValue, indexWords } from './indices.js';
import { checkPoolInput } from './params.js';

// Max-unpooling is maxPool2d's partial inverse: each value goes back to the input position its
// window's maximum came from, everything else is zero. Its gradient reads the upstream gradient at
// the same positions (a gather), whose own gradient is maxPool2dBackward's scatter-add.

/**
 * Options of {@link maxUnpool2d}: the geometry of the max-pool it undoes.
 *
 * @see torch.nn.functional.max_unpool2d
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { type MaxUnpool2dOptions, maxUnpool2d } from '@torchlet/ops';
 * const options: MaxUnpool2dOptions = { stride: 2, outputSize: [3, 3] }; // a 3x3 plane pooled to 1x1
 * maxUnpool2d(tensor([[[[1]]]]), tensor([[[[4n]]]]), 2, options).toArray(); // -> [[[[0, 0, 0], [0, 1, 0], [0, 0, 0]]]]
 * ```
 */
export interface MaxUnpool2dOptions {
  /** The pool's stride, `s` or `[sH, sW]` (default: `kernelSize`). */
  readonly stride?: IntPair | null;
  /** The pool's padding, `p` or `[pH, pW]` (default `0`). */
  readonly padding?: IntPair;
  /**
   * The output's spatial size, `[H, W]` (or a whole shape whose last two entries are used), for
   * when the pooled input's size is ambiguous; each must lie strictly within one stride of the
   * default `(Hin - 1) * stride - 2 * padding + kernel`.
   */
  readonly outputSize?: readonly number[];
}

/** The unpooled `[H, W]` of an `hin x win` input, validated as PyTorch's `_unpool_output_size`. */
function unpoolSize(
  fn: string,
  hin: number,
  win: number,
  kernelSize: IntPair,
  options: MaxUnpool2dOptions,
): [number, number] {
  const k = toPair(fn, 'kernelSize', kernelSize, 1);
  const s = options.stride === undefined || options.stride === null ? k : toPair(fn, 'stride', options.stride, 1);
  const p = toPair(fn, 'padding', options.padding ?? 0, 0);
  const defaults = [(hin - 1) * s[0] - 2 * p[0] + k[0], (win - 1) * s[1] - 2 * p[1] + k[1]];
  let size = defaults;
  const requested = options.outputSize;
  if (requested !== undefined) {
    if (!Array.isArray(requested) || (requested.length !== 2 && requested.length !== 4)) {
      fail(fn, 'outputSize', `outputSize must be [H, W] (or a 4-entry shape), got ${formatValue(requested)}`);
    }
    size = requested.slice(requested.length - 2) as number[];
    for (let d = 0; d < 2; d++) {
      const lo = defaults[d] - s[d];
      const hi = defaults[d] + s[d];
      if (!Number.isInteger(size[d]) || !(size[d] > lo && size[d] < hi)) {
        fail(
          fn,
          'outputSize',
          `invalid outputSize ${formatValue(requested)}: dim ${d} must be an integer strictly between ${lo} and ${hi} for an input plane of ${hin}x${win} (kernelSize ${formatValue(kernelSize)}, stride [${s}], padding [${p}])`,
        );
      }
    }
  }
  if (size[0] < 1 || size[1] < 1) {
    fail(
      fn,
      'kernelSize',
      `kernelSize, stride and padding would make the unpooled plane ${size[0]}x${size[1]} for an input plane of ${hin}x${win} (kernelSize ${formatValue(kernelSize)}, stride [${s}], padding [${p}])`,
    );
  }
  return [size[0], size[1]];
}

/** `indices` validated as an int32/int64 tensor of `shape`, read as int32 words with every entry in `[0, plane)`. */
function checkedIndices(
  fn: string,
  indices: unknown,
  shape: readonly number[],
  outH: number,
  outW: number,
): { data: Int32Array; offset: number; step: 1 | 2 } {
  if (!isTensor(indices) || (indices.dtype !== 'int64' && indices.dtype !== 'int32')) {
    fail(
      fn,
      'indices',
      `expected an int64 (or int32) indices tensor (from maxPool2d(..., { returnIndices: true })), got ${isTensor(indices) ? `${indices.dtype} indices ${formatShape(indices.shape)}` : typeof indices}`,
    );
  }
  if (indices.ndim !== shape.length || indices.shape.some((d, i) => d !== shape[i])) {
    fail(fn, 'indices', `indices ${formatShape(indices.shape)} must have the shape of input ${formatShape(shape)}`);
  }
  noGpuKernel(fn, { indices });
  const plane = outH * outW;
  const words = indexWords(fn, indices, [...shape.slice(0, -2), outH, outW]);
  const { data, offset, step } = words;
  const q = firstBadIndex(data, offset, step, indices.numel, 0, plane);
  if (q !== -1) {
    fail(
      fn,
      'indices',
      `indices hold an invalid max index ${indexValue(indices, data, offset, step, q)}: the unpooled planes are ${outH}x${outW} (indices ${formatShape(indices.shape)})`,
    );
  }
  return words;
}

/**
 * 2-D max-unpooling, the partial inverse of `maxPool2d`: each input value is written at the flat
 * position `h*W + w` its index names in its output plane; every other output element is zero. Where
 * two indices name one position, the later one (in row-major order) is kept, as in PyTorch's CPU
 * kernel. Indices outside the output plane throw.
 *
 * Shapes: `input` and `indices` `[N,C,Hin,Win]` (or `[C,Hin,Win]`) -> `[N,C,H,W]` (or `[C,H,W]`),
 * `H = (Hin - 1) * stride - 2 * padding + kernel` unless `outputSize` says otherwise.
 *
 * @param input - The pooled values `[N, C, H_in, W_in]` or `[C, H_in, W_in]`, float32 or float64.
 * @param indices - int64 (or int32) flat positions within each output plane, the shape of `input`: what
 *   `maxPool2d(x, k, { returnIndices: true })` returned.
 * @param kernelSize - The pool's window size, `k` or `[kH, kW]`.
 * @param options - `stride` (default: `kernelSize`), `padding` (default `0`) and `outputSize`; see
 *   {@link MaxUnpool2dOptions}.
 * @returns A new tensor of zeros with each input value at its index.
 * @see torch.nn.functional.max_unpool2d
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { maxPool2d, maxUnpool2d } from '@torchlet/ops';
 * const X = tensor([[[[1, 5, 2, 0], [3, 4, 8, 6]]]]); // [1, 1, 2, 4]
 * const { values, indices } = maxPool2d(X, 2, { returnIndices: true });
 * maxUnpool2d(values, indices, 2).toArray(); // -> [[[[0, 5, 0, 0], [0, 0, 8, 0]]]]
 * ```
 */
export function maxUnpool2d(
  input: Tensor,
  indices: Tensor,
  kernelSize: IntPair,
  options: MaxUnpool2dOptions = {},
): Tensor {
  const fn = 'maxUnpool2d';
  const x = checkPoolInput(fn, input);
  noGpuKernel(fn, { input: x });
  const rank = x.ndim;
  const [outH, outW] = unpoolSize(fn, x.shape[rank - 2], x.shape[rank - 1], kernelSize, options);
  const { data: id, offset: idOff, step } = checkedIndices(fn, indices, x.shape, outH, outW);
  const outShape = [...x.shape.slice(0, -2), outH, outW];
  const plane = outH * outW;
  const per = x.shape[rank - 2] * x.shape[rank - 1];
  const planes = x.numel / per;
  const out = allocStorage(x.dtype, planes * plane, fn) as FloatArray;
  const src = (x.isContiguous() ? x.data : x.toTypedArray()) as FloatArray;
  const srcOff = x.isContiguous() ? x.offset : 0;
  for (let pl = 0, q = 0; pl < planes; pl++) {
    const base = pl * plane;
    for (let e = 0; e < per; e++, q++) out[base + id[idOff + q * step]] = src[srcOff + q];
  }
  return new Tensor(out, outShape);
}

/**
 * Gradient of {@link maxUnpool2d} with respect to its input: the upstream gradient read at each
 * index (a gather), so every input element gets the gradient of the position it was written to.
 *
 * Shapes: `upstream [N,C,H,W]` (or `[C,H,W]`), `indices [N,C,Hin,Win]` (or `[C,Hin,Win]`) -> the
 * shape of `indices`.
 *
 * @param upstream - The gradient of the unpooled output, `[N, C, H, W]` or `[C, H, W]`.
 * @param indices - The indices the forward pass took, int64 (or int32).
 * @returns The gradient with respect to the unpooled input, float, of the shape of `indices`.
 * @see torch.nn.functional.max_unpool2d
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { maxUnpool2dBackward } from '@torchlet/ops';
 * const upstream = tensor([[[[1, 2, 3, 4], [5, 6, 7, 8]]]]);
 * maxUnpool2dBackward(upstream, tensor([[[[1n, 6n]]]])).toArray(); // -> [[[[2, 7]]]]
 * ```
 */
export function maxUnpool2dBackward(upstream: Tensor, indices: Tensor): Tensor {
  const fn = 'maxUnpool2dBackward';
  const g = checkPoolInput(fn, upstream, 'upstream');
  noGpuKernel(fn, { upstream: g });
  const rank = g.ndim;
  if (!isTensor(indices) || indices.ndim !== rank || indices.shape.slice(0, -2).some((d, i) => d !== g.shape[i])) {
    fail(
      fn,
      'indices',
      `expected indices with the leading dimensions of upstream ${formatShape(g.shape)}, got ${isTensor(indices) ? `indices ${formatShape(indices.shape)}` : typeof indices}`,
    );
  }
  const outH = g.shape[rank - 2];
  const outW = g.shape[rank - 1];
  const { data: id, offset: idOff, step } = checkedIndices(fn, indices, indices.shape, outH, outW);
  const plane = outH * outW;
  const per = indices.shape[rank - 2] * indices.shape[rank - 1];
  const planes = per === 0 ? 0 : indices.numel / per;
  const up = (g.isContiguous() ? g.data : g.toTypedArray()) as FloatArray;
  const upOff = g.isContiguous() ? g.offset : 0;
  const out = allocStorage(g.dtype, planes * per, fn) as FloatArray;
  for (let pl = 0, q = 0; pl < planes; pl++) {
    const base = upOff + pl * plane;
    for (let e = 0; e < per; e++, q++) out[q] = up[base + id[idOff + q * step]];
  }
  return new Tensor(out, indices.shape);
}
