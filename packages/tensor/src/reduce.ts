import { wasmSum } from '@torchlet/kernels';
import { gpuArgReduce, gpuReduce, gpuVariance } from './device/gpu-reduce.js';
import { gpuScan } from './device/gpu-structure.js';
import { allocStorage, type DType, isFloatingDType, type NumberStorage, type Storage } from './dtype.js';
import { fail, formatShape, formatValue } from './errors.js';
import { type FloatArray, getBackend } from './gemm.js';
import { contiguousStrides, normalizeDim, shapeSize } from './shape.js';
import { copyStridedInto, isContiguousLayout } from './strided.js';
import { type Dims, isTensor, type ReduceOptions, Tensor, type VarianceOptions } from './tensor.js';

// Every reduction sees its input as a row-major block `(outer, reduced, inner)`: the reduced
// dimensions are adjacent and the result has `outer * inner` elements. A contiguous tensor
// reduced over adjacent dimensions (one dim, the last dims, or all of them) is read in place;
// anything else is gathered once into a contiguous copy, permuted so the reduced dimensions come
// last (`inner = 1`) when they are not adjacent. The kernels then run flat loops, with `inner = 1`
// (reduce over the last dim, or everything) as the fast case.

/** A reduction problem after validation and layout planning. */
interface Plan {
  readonly src: Storage;
  readonly base: number;
  readonly outer: number;
  readonly reduced: number;
  readonly inner: number;
  /** Shape of the result (with or without the kept size-1 dimensions). */
  readonly outShape: number[];
  /**
   * When the kernel's `outer * inner` results come out with the kept dimensions in another order
   * than the input's (a permuted view reduced in its storage order), how to read them back in
   * order: `copyStridedInto(raw, reorder.shape, reorder.strides, 0, final)`.
   */
  readonly reorder: { readonly shape: number[]; readonly strides: number[] } | null;
}

function checkTensor(fn: string, t: Tensor): void {
  if (!isTensor(t)) fail(fn, 'input', `expected a Tensor, got ${typeof t}`);
}

/** Sorted, de-duplicated, non-negative dims; all dims when `dims` is null/undefined/`[]`. */
function normalizeDims(fn: string, dims: Dims, ndim: number): number[] {
  if (dims === null || dims === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dims === 'number' ? [dims] : dims;
  if (!Array.isArray(list)) fail(fn, 'dim', `expected a dimension or an array of dimensions, got ${formatValue(dims)}`);
  // PyTorch: an empty dim list reduces over every dimension.
  if (list.length === 0) return Array.from({ length: ndim }, (_, i) => i);
  const seen = new Set<number>();
  for (const d of list) {
    const nd = normalizeDim(fn, d, ndim);
    if (seen.has(nd)) fail(fn, 'dim', `dim ${nd} appears multiple times in the list of dims`);
    seen.add(nd);
  }
  // A 0-d tensor accepts dim 0/-1 and reduces over nothing (its one element).
  if (ndim === 0) return [];
  return [...seen].sort((x, y) => x - y);
}

/** One optional dimension (for prod/max/min/argmax/argmin, which take at most one). */
function singleDim(fn: string, dim: number | null | undefined, ndim: number): number[] {
  if (dim === null || dim === undefined) return normalizeDims(fn, null, ndim);
  if (typeof dim !== 'number') fail(fn, 'dim', `expected one dimension (a number), got ${formatValue(dim)}`);
  return normalizeDims(fn, dim, ndim);
}

/**
 * Plans the `(outer, reduced, inner)` layout. Tries, without copying, the tensor as it is when
 * contiguous, then the tensor with its dimensions sorted by stride when that is contiguous (any
 * transposed or permuted view of contiguous data: the reduction then streams the storage in
 * order). `ordered` demands the reduced dimensions keep their relative order (for flat argmax).
 * Otherwise gathers a contiguous copy, reduced dimensions last.
 */
function plan(t: Tensor, dims: readonly number[], keepdim: boolean, ordered = false): Plan {
  const ndim = t.ndim;
  const shape = t.shape;
  const isReduced = new Array<boolean>(ndim).fill(false);
  for (const d of dims) isReduced[d] = true;
  const outShape: number[] = [];
  for (let d = 0; d < ndim; d++) {
    if (!isReduced[d]) outShape.push(shape[d]);
    else if (keepdim) outShape.push(1);
  }
  let reduced = 1;
  for (const d of dims) reduced *= shape[d];
  let outer = 1;
  for (let d = 0; d < ndim; d++) if (!isReduced[d]) outer *= shape[d];
  const total = shapeSize(shape);
  const identity = Array.from({ length: ndim }, (_, i) => i);
  const candidates: number[][] = [];
  if (t.isContiguous()) candidates.push(identity);
  else {
    const byStride = identity.slice().sort((x, y) => t.strides[y] - t.strides[x] || x - y);
    if (
      isContiguousLayout(
        byStride.map((d) => shape[d]),
        byStride.map((d) => t.strides[d]),
      )
    )
      candidates.push(byStride);
  }
  for (const order of candidates) {
    const pos = order.map((d) => isReduced[d]);
    const first = pos.indexOf(true);
    const last = pos.lastIndexOf(true);
    if (first >= 0 && pos.slice(first, last + 1).includes(false)) continue;
    const redOrder = order.filter((d) => isReduced[d]);
    if (ordered && redOrder.some((d, i) => i > 0 && d < redOrder[i - 1])) continue;
    const blockStart = first < 0 ? ndim : first;
    const blockEnd = first < 0 ? ndim : last + 1;
    const outerSize = shapeSize(order.slice(0, blockStart).map((d) => shape[d]));
    const inner = shapeSize(order.slice(blockEnd).map((d) => shape[d]));
    // The kernel writes kept dims in `order`; map them back when that is not ascending.
    const kept = order.filter((d) => !isReduced[d]);
    let reorder: Plan['reorder'] = null;
    if (kept.some((d, i) => i > 0 && d < kept[i - 1])) {
      const rawStrides = contiguousStrides(kept.map((d) => shape[d]));
      const sorted = kept.slice().sort((x, y) => x - y);
      reorder = { shape: sorted.map((d) => shape[d]), strides: sorted.map((d) => rawStrides[kept.indexOf(d)]) };
    }
    // With size-0 dims the storage offset may sit anywhere; the kernels read nothing then.
    return { src: t.data, base: t.offset, outer: outerSize, reduced, inner, outShape, reorder };
  }
  // Gather with kept dimensions first and reduced ones last.
  const order: number[] = [];
  for (let d = 0; d < ndim; d++) if (!isReduced[d]) order.push(d);
  for (const d of dims) order.push(d);
  const src = allocStorage(t.dtype, total);
  copyStridedInto(
    t.data,
    order.map((d) => shape[d]),
    order.map((d) => t.strides[d]),
    t.offset,
    src,
  );
  return { src, base: 0, outer, reduced, inner: 1, outShape, reorder: null };
}

/** The kernel's raw results in the kept dimensions' original order (see {@link Plan.reorder}). */
function finish<T extends Storage | Float64Array>(p: Plan, raw: T): T {
  if (!p.reorder) return raw;
  const out = new (raw.constructor as new (n: number) => T)(raw.length);
  copyStridedInto(raw, p.reorder.shape, p.reorder.strides, 0, out);
  return out;
}

// Under setBackend('auto'), float32 sums of at least this many input elements run in
// WebAssembly SIMD (`wasmSum`, bit-identical to the loops below); smaller ones stay here, where
// the copy into WebAssembly memory and the call cost more than the loop saves. Measured over dim 0
// or 1 of square matrices: about even at 256 elements, 1.05-1.25x faster at 1024, 1.5-1.7x at 4096,
// 2-2.3x from 16K ([1000,1000]: 0.17 ms against 0.35-0.42 ms).
const WASM_SUM_MIN_ELEMENTS = 1 << 10;

/** Whether the float32 sum of `p` runs in WebAssembly under the current backend. */
function wasmSumAllowed(p: Plan): boolean {
  const backend = getBackend();
  if (backend === 'js') return false;
  if (backend === 'wasm') return true;
  // One output (a sum over everything) is a single float64 chain either way: nothing to gain;
  // nor for rows shorter than the kernel's four-float loads.
  if (p.outer * p.inner === 1 || (p.inner === 1 && p.reduced < 4)) return false;
  return p.outer * p.reduced * p.inner >= WASM_SUM_MIN_ELEMENTS;
}

/** Rows per block of the column-strip loop of {@link sumKernel} (their lines stay in L1). */
const SUM_ROW_BLOCK = 128;

/**
 * Sums `(outer, reduced, inner)` into `out[outer * inner]` in float64: every output starts at 0
 * and adds its inputs in order `r = 0, 1, ...`. The loops run several outputs side by side (four
 * rows, or strips of four columns), never reordering the terms of one sum, so the results do not
 * depend on the loop shape, nor on whether WebAssembly ran them.
 */
function sumKernel(p: Plan, out: Storage | Float64Array): void {
  const { base, outer, reduced, inner } = p;
  const src = p.src as NumberStorage; // int64 sums run in int64Sums
  if (
    src instanceof Float32Array &&
    (out instanceof Float32Array || out instanceof Float64Array) &&
    wasmSumAllowed(p) &&
    wasmSum(src, base, outer, reduced, inner, out)
  ) {
    return;
  }
  if (inner === 1) {
    // Four rows at a time: four independent chains keep the adder busy.
    let o = 0;
    for (; o + 4 <= outer; o += 4) {
      const s0 = base + o * reduced;
      const s1 = s0 + reduced;
      const s2 = s1 + reduced;
      const s3 = s2 + reduced;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let i = 0; i < reduced; i++) {
        a0 += src[s0 + i];
        a1 += src[s1 + i];
        a2 += src[s2 + i];
        a3 += src[s3 + i];
      }
      out[o] = a0;
      out[o + 1] = a1;
      out[o + 2] = a2;
      out[o + 3] = a3;
    }
    for (; o < outer; o++) {
      let acc = 0;
      const start = base + o * reduced;
      const end = start + reduced;
      for (let i = start; i < end; i++) acc += src[i];
      out[o] = acc;
    }
    return;
  }
  // Strips of four columns down a block of rows, the sums in registers; the block keeps the rows'
  // cache lines warm for the next strips.
  const acc = new Float64Array(inner);
  const inner4 = inner - (inner % 4);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    const block = base + o * reduced * inner;
    for (let r0 = 0; r0 < reduced; r0 += SUM_ROW_BLOCK) {
      const r1 = Math.min(reduced, r0 + SUM_ROW_BLOCK);
      let i = 0;
      for (; i < inner4; i += 4) {
        let a0 = acc[i];
        let a1 = acc[i + 1];
        let a2 = acc[i + 2];
        let a3 = acc[i + 3];
        for (let r = r0, s = block + r0 * inner + i; r < r1; r++, s += inner) {
          a0 += src[s];
          a1 += src[s + 1];
          a2 += src[s + 2];
          a3 += src[s + 3];
        }
        acc[i] = a0;
        acc[i + 1] = a1;
        acc[i + 2] = a2;
        acc[i + 3] = a3;
      }
      for (; i < inner; i++) {
        let a = acc[i];
        for (let r = r0, s = block + r0 * inner + i; r < r1; r++, s += inner) a += src[s];
        acc[i] = a;
      }
    }
    const dst = o * inner;
    for (let i = 0; i < inner; i++) out[dst + i] = acc[i];
  }
}

function prodKernel(p: Plan, out: Storage): void {
  const { src, base, outer, reduced, inner } = p;
  if (out instanceof BigInt64Array) {
    int64ProdKernel(p, out);
    return;
  }
  if (out instanceof Int32Array || src instanceof BigInt64Array) throw new Error('internal: prod of integers is int64');
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let acc = 1;
      const start = base + o * reduced;
      const end = start + reduced;
      for (let i = start; i < end; i++) acc *= src[i];
      out[o] = acc;
    }
    return;
  }
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(1);
    let s = base + o * reduced * inner;
    for (let r = 0; r < reduced; r++, s += inner) {
      for (let i = 0; i < inner; i++) acc[i] *= src[s + i];
    }
    const dst = o * inner;
    for (let i = 0; i < inner; i++) out[dst + i] = acc[i];
  }
}

/**
 * Integer product into int64 with 64-bit wraparound, as PyTorch's integer arithmetic does: exact in
 * BigInt (a float64 running product would lose low bits past 2^53 and depend on the factors' order).
 */
function int64ProdKernel(p: Plan, out: BigInt64Array): void {
  const { src, base, outer, reduced, inner } = p;
  for (let o = 0; o < outer; o++) {
    const start = base + o * reduced * inner;
    for (let i = 0; i < inner; i++) {
      let acc = 1n;
      for (let r = 0, s = start + i; r < reduced; r++, s += inner) acc = BigInt.asIntN(64, acc * BigInt(src[s]));
      out[o * inner + i] = acc;
    }
  }
}

/**
 * Sums of `p` into int64, exact: in float64 when every partial sum stays below 2^53 (int32 and
 * bool inputs over at most 2^22 terms), otherwise in BigInt; `copies` multiplies each sum (the
 * stride-0 copies of an expanded view). int64 sums wrap at 64 bits as PyTorch's do.
 */
function int64Sums(p: Plan, copies: number): BigInt64Array {
  const n = p.outer * p.inner;
  const out = new BigInt64Array(n);
  const { src, base, outer, reduced, inner } = p;
  if (!(src instanceof BigInt64Array) && reduced * copies <= 2 ** 22) {
    const acc = new Float64Array(n);
    sumKernel(p, acc);
    for (let i = 0; i < n; i++) out[i] = BigInt(acc[i] * copies);
    return out;
  }
  const k = BigInt(copies);
  for (let o = 0; o < outer; o++) {
    const start = base + o * reduced * inner;
    for (let i = 0; i < inner; i++) {
      let acc = 0n;
      for (let r = 0, s = start + i; r < reduced; r++, s += inner) acc += BigInt(src[s]);
      out[o * inner + i] = acc * k; // the store keeps the low 64 bits
    }
  }
  return out;
}

/**
 * Max (`sign = 1`) or min (`sign = -1`) value, or its first index when `outIndex` is set. NaN
 * wins, as in PyTorch: the value becomes NaN and the index is the first NaN's.
 */
function extremumKernel(p: Plan, sign: number, outValue: Storage | null, outIndex: Int32Array | null): void {
  const { src, base, outer, reduced, inner } = p;
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let s = base + o * reduced;
      let best = src[s];
      let bestIdx = 0;
      if (!Number.isNaN(best)) {
        s++;
        for (let r = 1; r < reduced; r++, s++) {
          const v = src[s];
          if (Number.isNaN(v)) {
            best = v;
            bestIdx = r;
            break;
          }
          if (sign > 0 ? v > best : v < best) {
            best = v;
            bestIdx = r;
          }
        }
      }
      if (outValue) outValue[o] = best;
      if (outIndex) outIndex[o] = bestIdx;
    }
    return;
  }
  // Rows of `inner` values at a time, so the reads stay sequential.
  // int64 values are bigints: an array of them (comparisons and NaN tests below work on both)
  const best: { [i: number]: number | bigint } =
    src instanceof BigInt64Array ? new BigInt64Array(inner) : new Float64Array(inner);
  const bestIdx = new Int32Array(inner);
  for (let o = 0; o < outer; o++) {
    let s = base + o * reduced * inner;
    for (let i = 0; i < inner; i++) best[i] = src[s + i];
    bestIdx.fill(0);
    s += inner;
    for (let r = 1; r < reduced; r++, s += inner) {
      for (let i = 0; i < inner; i++) {
        const v = src[s + i];
        const b = best[i];
        // Once NaN, a slot stays NaN; strict comparisons keep the first occurrence.
        if (!Number.isNaN(b) && (Number.isNaN(v) || (sign > 0 ? v > b : v < b))) {
          best[i] = v;
          bestIdx[i] = r;
        }
      }
    }
    const dst = o * inner;
    if (outValue) for (let i = 0; i < inner; i++) outValue[dst + i] = best[i];
    if (outIndex) for (let i = 0; i < inner; i++) outIndex[dst + i] = bestIdx[i];
  }
}

/** The dtype of sum, prod, cumsum and cumprod: integers and bool accumulate into int64, as PyTorch. */
function sumDType(dtype: DType): DType {
  return isFloatingDType(dtype) ? dtype : 'int64';
}

/**
 * Sum of the elements over all dimensions (a 0-d result) or over `dims`.
 * int32, int64 and bool sum to int64 (exact; int64 wraps at 64 bits), as PyTorch; float32
 * accumulates in float64.
 *
 * Shapes: `[...]` -> `[]`, or the input shape without `dims` (kept as size 1 with `keepdim`).
 *
 * @param t - The tensor to reduce.
 * @param dims - The dimension or dimensions to reduce; omitted or `null` for all.
 * @param options - `keepdim` (keep reduced dimensions with size 1). Default `false`.
 * @returns A new tensor of sums (floats keep their dtype; integers and bool sum exactly to an integer dtype).
 * @see torch.sum
 * @example
 * ```ts
 * import { sum, tensor } from '@torchlet/tensor';
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * sum(x).item(); // -> 21
 * sum(x, 0).toArray(); // -> [5, 7, 9]
 * sum(x, [0, 1], { keepdim: true }).toArray(); // -> [[21]]
 * ```
 */
export function sum(t: Tensor, dims?: Dims, options: ReduceOptions = {}): Tensor {
  checkTensor('sum', t);
  const d = normalizeDims('sum', dims, t.ndim);
  const keepdim = options.keepdim ?? false;
  if (t.gpuBuffer !== null) return gpuReduce('sum', 'sum', t, d, keepdim);
  if (hasExpandedDims(t)) return overExpanded('sum', t, d, keepdim);
  const p = plan(t, d, keepdim);
  const dtype = sumDType(t.dtype);
  if (dtype === 'int64') return new Tensor(finish(p, int64Sums(p, 1)), p.outShape);
  const out = allocStorage(dtype, p.outer * p.inner);
  sumKernel(p, out);
  return new Tensor(finish(p, out), p.outShape);
}

/** Whether `t` is an expanded view: a dimension of size above 1 with stride 0. */
function hasExpandedDims(t: Tensor): boolean {
  for (let d = 0; d < t.ndim; d++) if (t.strides[d] === 0 && t.shape[d] > 1) return true;
  return false;
}

/**
 * `sum` or `mean` of an expanded view without materialising it: reduces the view's source (each
 * stride-0 dimension at size 1), counts each reduced source element once per copy, and expands
 * the (output-sized) result over the stride-0 dimensions that are kept.
 */
function overExpanded(fn: 'sum' | 'mean', t: Tensor, dims: readonly number[], keepdim: boolean): Tensor {
  const reducedSet = new Set(dims);
  let copies = 1;
  const sourceShape = t.shape.map((size, d) => {
    if (t.strides[d] !== 0 || size <= 1) return size;
    if (reducedSet.has(d)) copies *= size;
    return 1;
  });
  const source = new Tensor(t.data, sourceShape, t.strides, t.offset, t.dtype);
  const p = plan(source, dims, true);
  const n = p.outer * p.inner;
  let values: Storage;
  if (fn === 'mean') {
    const acc = new Float64Array(n);
    sumKernel(p, acc);
    values = allocStorage(t.dtype, n) as FloatArray;
    for (let i = 0; i < n; i++) values[i] = acc[i] / p.reduced;
  } else if (sumDType(t.dtype) === 'int64') {
    values = int64Sums(p, copies);
  } else {
    const acc = new Float64Array(n);
    sumKernel(p, acc);
    values = allocStorage(t.dtype, n) as FloatArray;
    for (let i = 0; i < n; i++) values[i] = acc[i] * copies;
  }
  const kept = new Tensor(finish(p, values), p.outShape);
  const keptShape = t.shape.map((size, d) => (reducedSet.has(d) ? 1 : size));
  const full = kept.expand(keptShape).contiguous();
  return keepdim ? full : full.reshape(t.shape.filter((_, d) => !reducedSet.has(d)));
}

/**
 * Mean of the elements over all dimensions or over `dims`. Floating dtypes only, as PyTorch.
 * The mean of zero elements is NaN.
 *
 * Shapes: `[...]` -> `[]`, or the input shape without `dims` (kept as size 1 with `keepdim`).
 *
 * @param t - A float tensor.
 * @param dims - The dimension or dimensions to reduce; omitted or `null` for all.
 * @param options - `keepdim` (keep reduced dimensions with size 1). Default `false`.
 * @returns A new tensor of means.
 * @see torch.mean
 * @example
 * ```ts
 * import { mean, tensor } from '@torchlet/tensor';
 * const x = tensor([[1, 2], [3, 6]]);
 * mean(x).item(); // -> 3
 * mean(x, -1).toArray(); // -> [1.5, 4.5]
 * ```
 */
export function mean(t: Tensor, dims?: Dims, options: ReduceOptions = {}): Tensor {
  checkTensor('mean', t);
  if (!isFloatingDType(t.dtype)) {
    fail(
      'mean',
      'input',
      `could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${t.dtype}`,
    );
  }
  const d = normalizeDims('mean', dims, t.ndim);
  if (t.gpuBuffer !== null) return gpuReduce('mean', 'mean', t, d, options.keepdim ?? false);
  if (hasExpandedDims(t)) return overExpanded('mean', t, d, options.keepdim ?? false);
  const p = plan(t, d, options.keepdim ?? false);
  const n = p.outer * p.inner;
  const acc = new Float64Array(n);
  sumKernel(p, acc);
  const out = allocStorage(t.dtype, n);
  for (let i = 0; i < n; i++) out[i] = acc[i] / p.reduced;
  return new Tensor(finish(p, out), p.outShape);
}

/**
 * Product of all elements (a 0-d result) or over one dimension. int32/bool give int32.
 *
 * Shapes: `[...]` -> `[]`, or the input shape without `dim` (kept as size 1 with `keepdim`).
 *
 * @param t - The tensor to reduce.
 * @param dim - The dimension to reduce; omitted or `null` for all.
 * @param options - `keepdim` (keep the reduced dimension with size 1). Default `false`.
 * @returns A new tensor of products.
 * @see torch.prod
 * @example
 * ```ts
 * import { prod, tensor } from '@torchlet/tensor';
 * const x = tensor([[1, 2], [3, 4]]);
 * prod(x).item(); // -> 24
 * prod(x, 1).toArray(); // -> [2, 12]
 * ```
 */
export function prod(t: Tensor, dim?: number | null, options: ReduceOptions = {}): Tensor {
  checkTensor('prod', t);
  if (t.gpuBuffer !== null)
    return gpuReduce('prod', 'prod', t, singleDim('prod', dim, t.ndim), options.keepdim ?? false);
  const p = plan(t, singleDim('prod', dim, t.ndim), options.keepdim ?? false);
  const out = allocStorage(sumDType(t.dtype), p.outer * p.inner);
  prodKernel(p, out);
  return new Tensor(finish(p, out), p.outShape);
}

function checkNonEmpty(fn: string, t: Tensor, dim: number | null | undefined, p: Plan): void {
  if (dim === null || dim === undefined) {
    if (t.numel === 0) {
      fail(
        fn,
        'input',
        `Expected reduction dim to be specified for input.numel() == 0 (shape ${formatShape(t.shape)}). Specify the reduction dim with the 'dim' argument.`,
      );
    }
  } else if (p.reduced === 0) {
    fail(fn, 'dim', `Expected reduction dim ${dim} to have non-zero size (shape ${formatShape(t.shape)})`);
  }
}

function extremum(fn: string, sign: number, t: Tensor, dim: number | null | undefined, options: ReduceOptions): Tensor {
  checkTensor(fn, t);
  if (t.gpuBuffer !== null) {
    return gpuReduce(fn, sign > 0 ? 'max' : 'min', t, singleDim(fn, dim, t.ndim), options.keepdim ?? false);
  }
  // Over all elements the reduction keeps the logical order (as argmax does), so among equal
  // values (-0 and +0) the first one in row-major order wins whatever the layout: the result is
  // the element argmax points at, as PyTorch's max(dim) pairs values with first indices.
  const p = plan(t, singleDim(fn, dim, t.ndim), options.keepdim ?? false, dim === null || dim === undefined);
  checkNonEmpty(fn, t, dim, p);
  const out = allocStorage(t.dtype, p.outer * p.inner);
  extremumKernel(p, sign, out, null);
  return new Tensor(finish(p, out), p.outShape);
}

function argExtremum(
  fn: string,
  sign: number,
  t: Tensor,
  dim: number | null | undefined,
  options: ReduceOptions,
): Tensor {
  checkTensor(fn, t);
  if (t.dtype === 'bool') fail(fn, 'input', `not implemented for bool tensors (shape ${formatShape(t.shape)})`);
  const keepdim = options.keepdim ?? false;
  if (t.gpuBuffer !== null) {
    const d = dim === null || dim === undefined ? null : singleDim(fn, dim, t.ndim)[0];
    return gpuArgReduce(fn, sign > 0 ? 'argmax' : 'argmin', t, d, keepdim);
  }
  let p: Plan;
  if (dim === null || dim === undefined) {
    // PyTorch: the flat index into the flattened input; keepdim gives all-ones dims.
    p = plan(t, normalizeDims(fn, null, t.ndim), keepdim, true);
  } else {
    p = plan(t, singleDim(fn, dim, t.ndim), keepdim);
  }
  checkNonEmpty(fn, t, dim, p);
  const out = new Int32Array(p.outer * p.inner);
  extremumKernel(p, sign, null, out);
  // int64 indices, as PyTorch (the kernel counts in int32: a reduced size fits)
  const indices = finish(p, out);
  const wide = new BigInt64Array(indices.length);
  for (let i = 0; i < indices.length; i++) wide[i] = BigInt(indices[i]);
  return new Tensor(wide, p.outShape);
}

/**
 * Largest element (a 0-d result) or the largest values along one dimension (values only; use
 * {@link argmax} for indices). NaN propagates. Among equal values (`-0` and `+0`) the first in
 * row-major order is returned, the element {@link argmax} points at. Errors on an empty reduction.
 *
 * Shapes: `[...]` -> `[]`, or the input shape without `dim` (kept as size 1 with `keepdim`).
 *
 * @param t - The tensor to reduce.
 * @param dim - The dimension to reduce; omitted or `null` for all.
 * @param options - `keepdim` (keep the reduced dimension with size 1). Default `false`.
 * @returns A new tensor of maxima (values only; see {@link argmax}).
 * @see torch.max
 * @example
 * ```ts
 * import { max, tensor } from '@torchlet/tensor';
 * const x = tensor([[1, 5], [7, 2]]);
 * max(x).item(); // -> 7
 * max(x, 1).toArray(); // -> [5, 7]
 * ```
 */
export function max(t: Tensor, dim?: number | null, options: ReduceOptions = {}): Tensor {
  return extremum('max', 1, t, dim, options);
}

/**
 * Smallest element (a 0-d result) or the smallest values along one dimension (values only; use
 * {@link argmin} for indices). NaN propagates. Among equal values (`-0` and `+0`) the first in
 * row-major order is returned, the element {@link argmin} points at. Errors on an empty reduction.
 *
 * Shapes: `[...]` -> `[]`, or the input shape without `dim` (kept as size 1 with `keepdim`).
 *
 * @param t - The tensor to reduce.
 * @param dim - The dimension to reduce; omitted or `null` for all.
 * @param options - `keepdim` (keep the reduced dimension with size 1). Default `false`.
 * @returns A new tensor of minima (values only; see {@link argmin}).
 * @see torch.min
 * @example
 * ```ts
 * import { min, tensor } from '@torchlet/tensor';
 * const x = tensor([[1, 5], [7, 2]]);
 * min(x).item(); // -> 1
 * min(x, 0).toArray(); // -> [1, 2]
 * ```
 */
export function min(t: Tensor, dim?: number | null, options: ReduceOptions = {}): Tensor {
  return extremum('min', -1, t, dim, options);
}

/**
 * Index (int32) of the first largest element: into the flattened input when `dim` is omitted,
 * along `dim` otherwise. A NaN counts as the largest, as in PyTorch.
 *
 * Shapes: `[...]` -> `[]`, or the input shape without `dim` (kept as size 1 with `keepdim`).
 *
 * @param t - The tensor to reduce.
 * @param dim - The dimension to reduce; omitted or `null`: the index into the flattened tensor.
 * @param options - `keepdim` (keep the reduced dimension with size 1). Default `false`.
 * @returns A new integer tensor of indices of the first maximum.
 * @see torch.argmax
 * @example
 * ```ts
 * import { argmax, tensor } from '@torchlet/tensor';
 * const x = tensor([[1, 9, 9], [7, 2, 3]]);
 * argmax(x).item(); // -> 1
 * argmax(x, 1).toArray(); // -> [1, 0]
 * ```
 */
export function argmax(t: Tensor, dim?: number | null, options: ReduceOptions = {}): Tensor {
  return argExtremum('argmax', 1, t, dim, options);
}

/**
 * Index (int32) of the first smallest element: into the flattened input when `dim` is omitted,
 * along `dim` otherwise. A NaN counts as the smallest, as in PyTorch.
 *
 * Shapes: `[...]` -> `[]`, or the input shape without `dim` (kept as size 1 with `keepdim`).
 *
 * @param t - The tensor to reduce.
 * @param dim - The dimension to reduce; omitted or `null`: the index into the flattened tensor.
 * @param options - `keepdim` (keep the reduced dimension with size 1). Default `false`.
 * @returns A new integer tensor of indices of the first minimum.
 * @see torch.argmin
 * @example
 * ```ts
 * import { argmin, tensor } from '@torchlet/tensor';
 * const x = tensor([[4, 1, 1], [0, 2, 3]]);
 * argmin(x).item(); // -> 3
 * argmin(x, 0).toArray(); // -> [1, 0, 0]
 * ```
 */
export function argmin(t: Tensor, dim?: number | null, options: ReduceOptions = {}): Tensor {
  return argExtremum('argmin', -1, t, dim, options);
}

/** Variance in float64 per output element: two passes (mean, then squared deviations). */
/**
 * Adds the mean of the residuals to each mean (the corrected two-pass algorithm): a constant slice
 * then has its exact value as mean, so its variance is exactly 0 (as PyTorch's Welford gives), and
 * std's gradient there is 0 rather than a normalised rounding error.
 */
function correctMeans(p: Plan, means: Float64Array): void {
  const { base, outer, reduced, inner } = p;
  const src = p.src as FloatArray; // floating dtypes only
  if (reduced === 0) return;
  const fix = new Float64Array(means.length);
  for (let o = 0; o < outer; o++) {
    let s = base + o * reduced * inner;
    const dst = o * inner;
    for (let r = 0; r < reduced; r++, s += inner) {
      for (let i = 0; i < inner; i++) fix[dst + i] += src[s + i] - means[dst + i];
    }
  }
  for (let i = 0; i < means.length; i++) means[i] += fix[i] / reduced;
}

/** `var`/`std` of a webgpu tensor: the same checks as the CPU, then two passes on the device. */
function varianceOnDevice(fn: 'var' | 'std', t: Tensor, dims: Dims, options: VarianceOptions): Tensor {
  if (t.dtype !== 'float32') fail(fn, 'input', `std and var only support floating point dtypes, got ${t.dtype}`);
  const correction = options.correction ?? 1;
  if (typeof correction !== 'number' || !Number.isFinite(correction) || correction < 0) {
    fail(fn, 'correction', `correction must be a non-negative finite number, got ${String(correction)}`);
  }
  return gpuVariance(fn, t, normalizeDims(fn, dims, t.ndim), correction, options.keepdim ?? false, fn === 'std');
}

function varianceValues(
  fn: string,
  t: Tensor,
  dims: Dims,
  options: VarianceOptions,
): { values: Float64Array; p: Plan } {
  checkTensor(fn, t);
  if (!isFloatingDType(t.dtype)) {
    fail(fn, 'input', `std and var only support floating point and complex dtypes, got ${t.dtype}`);
  }
  const correction = options.correction ?? 1;
  if (typeof correction !== 'number' || !Number.isFinite(correction) || correction < 0) {
    fail(fn, 'correction', `correction must be a non-negative finite number, got ${String(correction)}`);
  }
  const p = plan(t, normalizeDims(fn, dims, t.ndim), options.keepdim ?? false);
  const { base, outer, reduced, inner } = p;
  const src = p.src as FloatArray; // floating dtypes only (checked above)
  const n = outer * inner;
  const means = new Float64Array(n);
  sumKernel(p, means);
  for (let i = 0; i < n; i++) means[i] /= reduced;
  correctMeans(p, means);
  const values = new Float64Array(n);
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      const m = means[o];
      let acc = 0;
      const start = base + o * reduced;
      for (let i = start; i < start + reduced; i++) {
        const d = src[i] - m;
        acc += d * d;
      }
      values[o] = acc;
    }
  } else {
    for (let o = 0; o < outer; o++) {
      let s = base + o * reduced * inner;
      const dst = o * inner;
      for (let r = 0; r < reduced; r++, s += inner) {
        for (let i = 0; i < inner; i++) {
          const d = src[s + i] - means[dst + i];
          values[dst + i] += d * d;
        }
      }
    }
  }
  // PyTorch divides by max(0, N - correction): 0/0 gives NaN, x/0 gives inf.
  const divisor = Math.max(0, reduced - correction);
  for (let i = 0; i < n; i++) values[i] /= divisor;
  return { values, p };
}

/**
 * Variance over all elements or over `dims`, dividing by `N - correction` (default 1, the
 * unbiased estimator, as PyTorch). Floating dtypes only.
 *
 * Shapes: `[...]` -> `[]`, or the input shape without `dims` (kept as size 1 with `keepdim`).
 *
 * @param t - A float tensor.
 * @param dims - The dimension or dimensions to reduce; omitted or `null` for all.
 * @param options - `correction` (divide by `n - correction`, default `1`) and `keepdim` (default `false`).
 * @returns A new tensor of variances.
 * @see torch.var
 * @example
 * ```ts
 * import { tensor, variance } from '@torchlet/tensor';
 * const x = tensor([1, 2, 3, 4]);
 * variance(x).item(); // -> 1.6666666269302368
 * variance(x, 0, { correction: 0 }).item(); // -> 1.25
 * ```
 */
export function variance(t: Tensor, dims?: Dims, options: VarianceOptions = {}): Tensor {
  if (isTensor(t) && t.gpuBuffer !== null) return varianceOnDevice('var', t, dims, options);
  const { values, p } = varianceValues('var', t, dims, options);
  const out = allocStorage(t.dtype, values.length) as FloatArray;
  out.set(values);
  return new Tensor(finish(p, out), p.outShape);
}

/**
 * Standard deviation: the square root of {@link variance} (same `correction`, default 1).
 *
 * Shapes: `[...]` -> `[]`, or the input shape without `dims` (kept as size 1 with `keepdim`).
 *
 * @param t - A float tensor.
 * @param dims - The dimension or dimensions to reduce; omitted or `null` for all.
 * @param options - `correction` (divide by `n - correction`, default `1`) and `keepdim` (default `false`).
 * @returns A new tensor of standard deviations.
 * @see torch.std
 * @example
 * ```ts
 * import { std, tensor } from '@torchlet/tensor';
 * const x = tensor([[1, 3], [2, 2]], { dtype: 'float64' });
 * std(x, 1).toArray(); // -> [1.4142135623730951, 0]
 * ```
 */
export function std(t: Tensor, dims?: Dims, options: VarianceOptions = {}): Tensor {
  if (isTensor(t) && t.gpuBuffer !== null) return varianceOnDevice('std', t, dims, options);
  const { values, p } = varianceValues('std', t, dims, options);
  const out = allocStorage(t.dtype, values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.sqrt(values[i]);
  return new Tensor(finish(p, out), p.outShape);
}

function cumulative(fn: string, t: Tensor, dim: number, product: boolean): Tensor {
  checkTensor(fn, t);
  if (typeof dim !== 'number') fail(fn, 'dim', `expected a dimension (a number), got ${formatValue(dim)}`);
  const d = normalizeDim(fn, dim, t.ndim);
  if (t.gpuBuffer !== null) return gpuScan(product ? 'cumprod' : 'cumsum', t, d);
  const outDtype = sumDType(t.dtype);
  const shape = t.shape;
  let src: Storage = t.data;
  let base = t.offset;
  if (!t.isContiguous()) {
    src = allocStorage(t.dtype, t.numel);
    copyStridedInto(t.data, shape, t.strides, t.offset, src);
    base = 0;
  }
  const outer = t.ndim === 0 ? 1 : shapeSize(shape.slice(0, d));
  const n = t.ndim === 0 ? 1 : shape[d];
  const inner = t.ndim === 0 ? 1 : shapeSize(shape.slice(d + 1));
  const out = allocStorage(outDtype, shapeSize(shape));
  const init = product ? 1 : 0;
  if (out instanceof BigInt64Array) {
    // Integer running sums and products in int64, exact in BigInt with 64-bit wraparound.
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let acc = product ? 1n : 0n;
        for (let r = 0, s = base + o * n * inner + i; r < n; r++, s += inner) {
          acc = BigInt.asIntN(64, product ? acc * BigInt(src[s]) : acc + BigInt(src[s]));
          out[s - base] = acc;
        }
      }
    }
    return new Tensor(out, shape);
  }
  if (src instanceof BigInt64Array) throw new Error('internal: cumulative of int64 is int64');
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let acc = init;
      const s = base + o * n;
      const dst = o * n;
      if (product) {
        for (let r = 0; r < n; r++) out[dst + r] = acc *= src[s + r];
      } else {
        for (let r = 0; r < n; r++) out[dst + r] = acc += src[s + r];
      }
    }
  } else {
    // Running accumulators for a whole row of `inner` values, in float64 (PyTorch's CPU
    // accumulation type for float32 is double).
    const acc = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      acc.fill(init);
      let s = base + o * n * inner;
      for (let r = 0; r < n; r++, s += inner) {
        const dst = s - base;
        if (product) for (let i = 0; i < inner; i++) out[dst + i] = acc[i] *= src[s + i];
        else for (let i = 0; i < inner; i++) out[dst + i] = acc[i] += src[s + i];
      }
    }
  }
  return new Tensor(out, shape);
}

/**
 * Cumulative sum along `dim`. int32/bool give int32; float32 accumulates in float64.
 *
 * Shapes: the input shape.
 *
 * @param t - The tensor to accumulate.
 * @param dim - The dimension to accumulate along (negative counts from the end).
 * @returns A new tensor of `t`'s shape.
 * @see torch.cumsum
 * @example
 * ```ts
 * import { cumsum, tensor } from '@torchlet/tensor';
 * cumsum(tensor([[1, 2, 3], [4, 5, 6]]), 1).toArray(); // -> [[1, 3, 6], [4, 9, 15]]
 * ```
 */
export function cumsum(t: Tensor, dim: number): Tensor {
  return cumulative('cumsum', t, dim, false);
}

/**
 * Cumulative product along `dim`. int32/bool give int32; float32 accumulates in float64.
 *
 * Shapes: the input shape.
 *
 * @param t - The tensor to accumulate.
 * @param dim - The dimension to accumulate along (negative counts from the end).
 * @returns A new tensor of `t`'s shape.
 * @see torch.cumprod
 * @example
 * ```ts
 * import { cumprod, tensor } from '@torchlet/tensor';
 * cumprod(tensor([[1, 2, 3], [4, 5, 6]]), 0).toArray(); // -> [[1, 2, 3], [4, 10, 18]]
 * ```
 */
export function cumprod(t: Tensor, dim: number): Tensor {
  return cumulative('cumprod', t, dim, true);
}
