import {
  allocStorage,
  fail,
  formatShape,
  formatValue,
  isTensor,
  type NumberStorage,
  type Storage,
  Tensor,
} from '@torchlet/tensor';
import { gpuPad, gpuPadBackward } from '../device/gpu-layers.js';

/**
 * How `pad` fills the new border: a constant, the mirror image without the edge (`reflect`), the edge repeated (`replicate`), or the opposite side (`circular`).
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { type PadMode, pad } from '@torchlet/ops';
 * const mode: PadMode = 'reflect';
 * pad(tensor([[[1, 2, 3]]]), [2, 0], { mode }).toArray(); // -> [[[3, 2, 1, 2, 3]]]
 * ```
 */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/**
 * Options of {@link pad}.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { type PadOptions, pad } from '@torchlet/ops';
 * const options: PadOptions = { value: -1 };
 * pad(tensor([1, 2]), [1, 1], options).toArray(); // -> [-1, 1, 2, -1]
 * ```
 */
export interface PadOptions {
  /** Border rule. Default `'constant'`. */
  readonly mode?: PadMode;
  /** Fill value of `'constant'` mode. Default `0`. */
  readonly value?: number;
}

/**
 * Options of {@link padBackward}.
 *
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { type PadBackwardOptions, padBackward } from '@torchlet/ops';
 * const options: PadBackwardOptions = { mode: 'replicate' };
 * padBackward(ones([1, 1, 4]), [1, 1, 2], [1, 1], options).toArray(); // -> [[[2, 2]]]
 * ```
 */
export interface PadBackwardOptions {
  /** The mode the forward `pad` used. Default `'constant'`. */
  readonly mode?: PadMode;
}

const MODES: readonly string[] = ['constant', 'reflect', 'replicate', 'circular'];

/** Per-dimension source index for every output index (`-1` = constant fill), or `null` when the dim is unpadded. */
type IndexMaps = (Int32Array | null)[];

/** Validates `pads` against `shape` and returns the output shape and the index maps. */
export function planPad(
  fn: string,
  shape: readonly number[],
  pads: readonly number[],
  mode: PadMode,
  inputArg = 'input',
): { outShape: number[]; maps: IndexMaps } {
  if (!MODES.includes(mode)) fail(fn, 'mode', `mode must be one of ${MODES.join(', ')}, got ${formatValue(mode)}`);
  if (
    !Array.isArray(pads) ||
    pads.length % 2 !== 0 ||
    // An index loop, not some(): a sparse array's holes ([, 3]) must count as missing pads.
    Array.from(pads as readonly unknown[]).some((p) => typeof p !== 'number' || !Number.isSafeInteger(p))
  ) {
    fail(
      fn,
      'pads',
      `pads must be an even-length list of integers [left, right, top, bottom, ...], got ${formatValue(pads)}`,
    );
  }
  const ndim = shape.length;
  const k = pads.length / 2;
  const where = `(${inputArg} ${formatShape(shape)}, pads ${formatShape(pads)})`;
  if (k > ndim)
    fail(
      fn,
      'pads',
      `pads has ${pads.length} entries, more than 2 per dimension of the ${ndim}-D ${inputArg} ${where}`,
    );
  if (mode !== 'constant') {
    if (k < 1 || k > 3 || ndim < k + 1 || ndim > k + 2) {
      fail(
        fn,
        inputArg,
        `${mode} padding of the last ${k} dimension(s) expects a ${k + 1}-D or ${k + 2}-D ${inputArg}, got ${ndim}-D ${where}`,
      );
    }
  }
  const outShape = [...shape];
  const maps: IndexMaps = new Array<Int32Array | null>(ndim).fill(null);
  for (let j = 0; j < k; j++) {
    const d = ndim - 1 - j;
    const before = pads[2 * j];
    const after = pads[2 * j + 1];
    if (before === 0 && after === 0) continue;
    const size = shape[d];
    const outSize = size + before + after;
    if (outSize < 0) {
      fail(
        fn,
        'pads',
        `dimension ${d} of size ${size} with pads ${before} and ${after} would have negative size ${outSize} ${where}`,
      );
    }
    if (mode === 'reflect' && (before >= size || after >= size)) {
      fail(
        fn,
        'pads',
        `reflect padding must be smaller than the padded dimension: pads ${before} and ${after} on dimension ${d} of size ${size} ${where}`,
      );
    }
    // Negative pads crop first (as PyTorch); circular padding then wraps within what is left.
    const lo = Math.max(0, -before);
    const kept = size - lo - Math.max(0, -after);
    if (mode === 'circular' && (before > kept || after > kept)) {
      fail(
        fn,
        'pads',
        `circular padding must be at most the padded dimension: pads ${before} and ${after} on dimension ${d} of size ${size} ${where}`,
      );
    }
    if (mode !== 'constant' && kept <= 0 && outSize > 0) {
      fail(fn, 'pads', `${mode} padding needs something left after cropping dimension ${d} of size ${size} ${where}`);
    }
    if (mode === 'replicate' && size === 0) {
      fail(fn, 'pads', `replicate padding needs a non-empty dimension, dimension ${d} has size 0 ${where}`);
    }
    const map = new Int32Array(outSize);
    for (let i = 0; i < outSize; i++) {
      let s = i - before;
      if (s < 0 || s >= size) {
        if (mode === 'constant') s = -1;
        else if (mode === 'reflect') s = s < 0 ? -s : 2 * (size - 1) - s;
        else if (mode === 'replicate') s = s < 0 ? 0 : size - 1;
        else s = lo + ((((i - Math.max(0, before)) % kept) + kept) % kept);
      }
      map[i] = s;
    }
    maps[d] = map;
    outShape[d] = outSize;
  }
  return { outShape, maps };
}

/**
 * Runs `visit(outIndex, srcIndex)` over every output element in row-major order, with the flat
 * index of its source in a dense `inShape` array (`-1` for constant fill). Rows along the last
 * dimension are handled in one call each (`rowFn`) so the per-element work is a table lookup.
 */
function forEachRow(
  inShape: readonly number[],
  outShape: readonly number[],
  maps: IndexMaps,
  rowFn: (outRow: number, srcRow: number, lastMap: Int32Array | null) => void,
): void {
  const ndim = outShape.length;
  if (ndim === 0) {
    rowFn(0, 0, null);
    return;
  }
  let total = 1;
  for (const s of outShape) total *= s;
  if (total === 0) return;
  const inner = outShape[ndim - 1];
  const rows = total / inner;
  const inStrides = new Array<number>(ndim);
  let st = 1;
  for (let d = ndim - 1; d >= 0; d--) {
    inStrides[d] = st;
    st *= inShape[d];
  }
  const counter = new Array<number>(ndim - 1).fill(0);
  for (let r = 0; r < rows; r++) {
    let src = 0;
    for (let d = 0; d < ndim - 1; d++) {
      const m = maps[d];
      const s = m === null ? counter[d] : m[counter[d]];
      if (s < 0) {
        src = -1;
        break;
      }
      src += s * inStrides[d];
    }
    rowFn(r * inner, src, maps[ndim - 1]);
    for (let d = ndim - 2; d >= 0; d--) {
      if (++counter[d] < outShape[d]) break;
      counter[d] = 0;
    }
  }
}

/** Dense row-major elements of any tensor (zero-copy when contiguous). */
function dense(t: Tensor): Storage {
  return t.isContiguous() ? (t.data.subarray(t.offset, t.offset + t.numel) as Storage) : t.toTypedArray();
}

/** Pads dense `src` of `inShape` into a new array (shared by `pad` and conv2d's padding modes). */
export function padRaw(
  src: Storage,
  inShape: readonly number[],
  outShape: readonly number[],
  maps: IndexMaps,
  value: number,
  out: Storage,
): void {
  const inner = outShape.length === 0 ? 1 : outShape[outShape.length - 1];
  // int64 storage holds bigints (a constant pad value is integral there: the dtype check allows it)
  const fillValue = (out instanceof BigInt64Array ? BigInt(Math.trunc(value)) : value) as never;
  forEachRow(inShape, outShape, maps, (o, s, last) => {
    if (s < 0) {
      out.fill(fillValue, o, o + inner);
    } else if (last === null) {
      for (let i = 0; i < inner; i++) out[o + i] = src[s + i];
    } else {
      for (let i = 0; i < inner; i++) {
        const m = last[i];
        out[o + i] = m < 0 ? fillValue : src[s + m];
      }
    }
  });
}

/** Adds each element of dense `up` (of `outShape`) into its source in `grad` (of `inShape`). */
export function padBackwardRaw(
  up: NumberStorage,
  inShape: readonly number[],
  outShape: readonly number[],
  maps: IndexMaps,
  grad: NumberStorage,
): void {
  const inner = outShape.length === 0 ? 1 : outShape[outShape.length - 1];
  forEachRow(inShape, outShape, maps, (o, s, last) => {
    if (s < 0) return;
    if (last === null) {
      for (let i = 0; i < inner; i++) grad[s + i] += up[o + i];
    } else {
      for (let i = 0; i < inner; i++) {
        const m = last[i];
        if (m >= 0) grad[s + m] += up[o + i];
      }
    }
  });
}

function checkTensor(fn: string, arg: string, x: unknown): Tensor {
  if (!isTensor(x)) fail(fn, arg, `expected a Tensor, got ${formatValue(x)}`);
  return x;
}

/**
 * Pads (or, with negative pads in constant mode, crops) the last dimensions of a tensor.
 * `pads` runs from the LAST dimension backwards: `[left, right, top, bottom, ...]`.
 * `'constant'` works on any dimensions; `'reflect'` (mirror without repeating the edge,
 * pad < size), `'replicate'` (repeat the edge) and `'circular'` (wrap around, pad <= size) pad
 * the last 1, 2 or 3 dimensions of a 2-D..5-D input, as PyTorch.
 *
 * Shapes: `[..., H, W]` -> `[..., H + top + bottom, W + left + right]`.
 *
 * @param input - A tensor of any rank.
 * @param pads - Pairs `(before, after)` from the last dimension backwards, as PyTorch's `F.pad`: `[left, right,
 *   top, bottom, ...]`; negative values crop.
 * @param options - `mode` (`'constant'` by default, `'reflect'`, `'replicate'` or `'circular'`) and `value`
 *   (for `'constant'`, default `0`); see {@link PadOptions}.
 * @returns A new, padded tensor.
 * @see torch.nn.functional.pad
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { pad } from '@torchlet/ops';
 * const x = tensor([[[1, 2, 3]]]);
 * pad(x, [1, 2]).toArray(); // -> [[[0, 1, 2, 3, 0, 0]]]
 * pad(x, [2, 1], { mode: 'reflect' }).toArray(); // -> [[[3, 2, 1, 2, 3, 2]]]
 * pad(x, [-1, 0]).toArray(); // -> [[[2, 3]]]
 * ```
 */
export function pad(input: Tensor, pads: readonly number[], options: PadOptions = {}): Tensor {
  const x = checkTensor('pad', 'input', input);
  if (options === null || typeof options !== 'object') {
    fail('pad', 'options', `expected an options object, got ${formatValue(options)}`);
  }
  const mode = options.mode ?? 'constant';
  const value = options.value ?? 0;
  if (typeof value !== 'number') fail('pad', 'value', `value must be a number, got ${formatValue(value)}`);
  if (mode !== 'constant' && options.value !== undefined && options.value !== 0) {
    fail('pad', 'value', `value is only used by constant mode, got value ${value} with mode ${formatValue(mode)}`);
  }
  const { outShape, maps } = planPad('pad', x.shape, pads, mode);
  if (x.gpuBuffer !== null) return gpuPad(x, outShape, maps, value);
  let size = 1;
  for (const s of outShape) size *= s;
  const out = allocStorage(x.dtype, size, 'pad');
  padRaw(dense(x), x.shape, outShape, maps, value, out);
  return new Tensor(out, outShape);
}

/**
 * The gradient of {@link pad} with respect to its input: each upstream element is added into the
 * input position it was copied from (reflect/replicate/circular borders accumulate; constant
 * borders are dropped; cropped positions get 0).
 *
 * Shapes: upstream is `pad(input)`'s shape -> `inputShape`.
 *
 * @param upstream - The gradient of the padded output.
 * @param inputShape - The shape of the input that was padded.
 * @param pads - The forward pass's pads.
 * @param options - The forward pass's `mode`; see {@link PadBackwardOptions}.
 * @returns The gradient with respect to the input, of shape `inputShape` (each padded position's gradient added
 *   to the input position it copied).
 * @see torch.nn.functional.pad (its autograd backward)
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { padBackward } from '@torchlet/ops';
 * const up = tensor([[[1, 1, 1, 1, 1, 1]]]);
 * padBackward(up, [1, 1, 3], [2, 1], { mode: 'replicate' }).toArray(); // -> [[[3, 1, 2]]]
 * ```
 */
export function padBackward(
  upstream: Tensor,
  inputShape: readonly number[],
  pads: readonly number[],
  options: PadBackwardOptions = {},
): Tensor {
  const up = checkTensor('padBackward', 'upstream', upstream);
  if (!Array.isArray(inputShape) || inputShape.some((s) => typeof s !== 'number' || !Number.isInteger(s) || s < 0)) {
    fail(
      'padBackward',
      'inputShape',
      `expected an array of non-negative integer sizes, got ${formatValue(inputShape)}`,
    );
  }
  const { outShape, maps } = planPad('padBackward', inputShape, pads, options.mode ?? 'constant', 'inputShape');
  if (outShape.length !== up.ndim || outShape.some((s, i) => s !== up.shape[i])) {
    fail(
      'padBackward',
      'upstream',
      `upstream has shape ${formatShape(up.shape)} but padding ${formatShape(inputShape)} with pads ${formatShape(pads)} gives ${formatShape(outShape)}`,
    );
  }
  if (up.gpuBuffer !== null) return gpuPadBackward('padBackward', up, inputShape, maps);
  let size = 1;
  for (const s of inputShape) size *= s;
  const grad = allocStorage(up.dtype, size);
  padBackwardRaw(dense(up) as NumberStorage, inputShape, outShape, maps, grad as NumberStorage); // float only
  return new Tensor(grad, inputShape);
}
