// The TypeScript face of assembly/copy.ts: batched transposes of 32-bit elements (the strided copy
// behind `contiguous()` of a transposed view). A transpose reads along rows and writes along
// columns, so one side is always strided; here the strided side stays inside WebAssembly memory:
//   - small matrices (up to one 64 KB chunk) cross in groups, in and out in one copy each;
//   - a larger matrix crosses in whole once (up to 4 MB of rows at a time), and its transpose
//     comes out in bands of output rows (64 KB, or four rows when those are longer), each band
//     one copy into the result.
// A matrix of more than 2^20 elements with rows longer than 2^14 (fewer than 64 of them fit in
// 4 MB) is declined: the pieces of its output columns would be too short to copy efficiently.

import { describeArgument, KernelArgumentError } from './errors.js';
import { align64, memoryView, noteKernel } from './gemm.js';
import type { GemmExports } from './loader.js';
import { gemmModule } from './loader.js';

/** Name of the transpose kernel. */
export const WASM_TRANSPOSE_KERNEL = 'wasm-simd128-transpose-4x4';

/** Elements per small chunk (64 KB): groups of small matrices, and the output bands. */
const DEFAULT_SMALL = 1 << 14;
/** Elements of one large matrix staged at once (4 MB). */
const DEFAULT_LARGE = 1 << 20;
/** Fewest source rows per staged piece of a matrix larger than the large chunk. */
const MIN_BAND_ROWS = 64;

let small = DEFAULT_SMALL;
let large = DEFAULT_LARGE;

/**
 * Sets the elements of the small and the large chunk and returns the previous values; `0`
 * restores a default. For tests: small chunks make small problems take the paths that large
 * ones take.
 *
 * @internal
 */
export function setTransposeChunks(smallElements: number, largeElements: number): [number, number] {
  const previous: [number, number] = [small, large];
  small = smallElements > 0 ? Math.floor(smallElements) : DEFAULT_SMALL;
  large = largeElements > 0 ? Math.floor(largeElements) : DEFAULT_LARGE;
  return previous;
}

// Always the single-threaded module (gemmModule), even when worker threads are on: copies into
// the threads' shared memory cost about twice as much in V8, and this kernel is mostly copies.

let i32View: Int32Array | null = null;

/** A view of the (already grown) memory of `mod` with the element type of `like`. */
function viewLike(mod: GemmExports, f32: Float32Array, like: Float32Array | Int32Array): Float32Array | Int32Array {
  if (like instanceof Float32Array) return f32;
  const buffer = mod.memory.buffer;
  if (i32View === null || i32View.buffer !== buffer) i32View = new Int32Array(buffer);
  return i32View;
}

/** Checks {@link wasmTranspose}'s sizes and, for typed arrays it would copy, that the matrices fit. */
function checkTransposeArguments(
  src: Float32Array | Int32Array,
  offset: number,
  batch: number,
  batchStride: number,
  rows: number,
  cols: number,
  out: Float32Array | Int32Array,
  outOffset: number,
  words: boolean,
): void {
  // batchStride alone may be negative: a flipped batch dimension (`x.flip(0).transpose(1, 2)`).
  if (typeof batchStride !== 'number' || !Number.isSafeInteger(batchStride)) {
    throw new KernelArgumentError(
      'wasmTranspose',
      'batchStride',
      `batchStride must be an integer, got ${describeArgument(batchStride)}`,
    );
  }
  const sizes = { offset, batch, rows, cols, outOffset };
  for (const [arg, v] of Object.entries(sizes)) {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      throw new KernelArgumentError(
        'wasmTranspose',
        arg,
        `${arg} must be a non-negative integer, got ${describeArgument(v)}`,
      );
    }
  }
  const m = rows * cols;
  if (!words || m === 0 || batch === 0) return;
  const lastStart = offset + (batch - 1) * batchStride;
  const srcStart = Math.min(offset, lastStart);
  const srcEnd = Math.max(offset, lastStart) + m;
  if (srcStart < 0 || srcEnd > src.length) {
    throw new KernelArgumentError(
      'wasmTranspose',
      'src',
      `${batch} matrices of ${rows}x${cols} from offset ${offset} (batch stride ${batchStride}) span elements ${srcStart} to ${srcEnd}, but src holds ${src.length} (a detached buffer holds none)`,
    );
  }
  const outEnd = outOffset + batch * m;
  if (outEnd > out.length) {
    throw new KernelArgumentError(
      'wasmTranspose',
      'out',
      `${batch} matrices of ${rows}x${cols} from offset ${outOffset} reach element ${outEnd}, but out holds ${out.length} (a detached buffer holds none)`,
    );
  }
}

/**
 * Transposes `batch` matrices of 32-bit elements in WebAssembly SIMD: matrix `b` is the dense
 * `rows x cols` block of `src` from `offset + b * batchStride`, and its transpose is written
 * densely to `out` from `outOffset + b * rows * cols`:
 * `out[outOffset + (b * cols + c) * rows + r] = src[offset + b * batchStride + r * cols + c]`.
 * Elements are copied as bits (NaN payloads, `-0` and int32 values unchanged), so the result
 * equals any elementwise copy. This is `contiguous()` of a transposed view: of `x.t()` for a
 * contiguous `[rows, cols]` matrix `x`, or of `x.transpose(-1, -2)` for a batch.
 *
 * Returns `true` when it wrote the `batch * rows * cols` elements, `false` when it declined and
 * left `out` untouched: `src` and `out` are not both `Float32Array` or both `Int32Array`, the
 * module is unavailable (see `ready`), or one matrix exceeds 2^20 elements with rows of more than
 * 2^14 elements. Throws a `KernelArgumentError` when a size or offset is not a non-negative
 * integer, `batchStride` is not an integer (it may be negative: a flipped batch), or a matrix
 * reaches outside `src` or `out` (a detached buffer holds no elements); `out` must not overlap
 * `src`.
 *
 * Shapes: src `[batch, rows, cols]` (batch stride `batchStride`) -> out `[batch, cols, rows]`.
 *
 * @param src - The source elements (float32 or int32).
 * @param offset - Index of the first element of matrix 0 in `src`.
 * @param batch - How many matrices.
 * @param batchStride - Elements between consecutive matrices in `src` (may be negative).
 * @param rows - Rows of each source matrix.
 * @param cols - Columns of each source matrix.
 * @param out - Receives the transposed matrices `[batch, cols, rows]`, densely, of `src`'s element type.
 * @param outOffset - Index in `out` where the result starts.
 * @returns `true` when WebAssembly transposed, `false` when it declined and left `out` untouched.
 * @see torch.Tensor.contiguous
 * @example
 * ```ts
 * import { wasmTranspose } from '@torchlet/kernels';
 * const x = new Float32Array([1, 2, 3, 4, 5, 6]); // [[1, 2, 3], [4, 5, 6]]
 * const out = new Float32Array(6);
 * wasmTranspose(x, 0, 1, 6, 2, 3, out, 0); // -> true
 * Array.from(out); // -> [1, 4, 2, 5, 3, 6]
 * ```
 */
export function wasmTranspose(
  src: Float32Array | Int32Array,
  offset: number,
  batch: number,
  batchStride: number,
  rows: number,
  cols: number,
  out: Float32Array | Int32Array,
  outOffset: number,
): boolean {
  const words =
    (src instanceof Float32Array && out instanceof Float32Array) ||
    (src instanceof Int32Array && out instanceof Int32Array);
  checkTransposeArguments(src, offset, batch, batchStride, rows, cols, out, outOffset, words);
  const m = rows * cols;
  // A large matrix is staged in bands of whole rows: at least MIN_BAND_ROWS of them (or all).
  const bandRows = m <= small ? rows : Math.min(rows, Math.floor(large / Math.max(1, cols)));
  const mod = words && (bandRows === rows || bandRows >= MIN_BAND_ROWS) ? gemmModule() : null;
  if (mod === null) {
    noteKernel('js');
    return false;
  }
  const perGroup = m <= small ? Math.max(1, Math.floor(small / Math.max(1, m))) : 1;
  const inElements = m <= small ? perGroup * m : bandRows * cols;
  // Output band: a group of small matrices, or `bandCols` transposed rows of `bandRows` each (at
  // least four, the kernel's SIMD block; so at most the large chunk).
  const bandCols = m <= small ? cols : Math.max(Math.min(4, cols), Math.floor(small / Math.max(1, bandRows)));
  const outElements = m <= small ? perGroup * m : bandCols * bandRows;
  const inAt = align64(mod.heapBase());
  const outAt = align64(inAt + 4 * inElements);
  const f32 = memoryView(mod, outAt + 4 * outElements);
  if (f32 === null) {
    noteKernel('js');
    return false;
  }
  noteKernel(WASM_TRANSPOSE_KERNEL);
  if (m === 0 || batch === 0) return true;
  const mem = viewLike(mod, f32, src);
  const inW = inAt / 4;
  const outW = outAt / 4;
  if (m <= small) {
    for (let b0 = 0; b0 < batch; b0 += perGroup) {
      const nb = Math.min(perGroup, batch - b0);
      const at = offset + b0 * batchStride;
      if (batchStride === m) {
        mem.set(src.subarray(at, at + nb * m), inW);
      } else {
        for (let i = 0; i < nb; i++) {
          const from = at + i * batchStride;
          mem.set(src.subarray(from, from + m), inW + i * m);
        }
      }
      mod.transposeBatch32(inAt, nb, rows, cols, outAt);
      out.set(mem.subarray(outW, outW + nb * m), outOffset + b0 * m);
    }
    return true;
  }
  for (let b = 0; b < batch; b++) {
    const srcAt = offset + b * batchStride;
    const outBase = outOffset + b * m;
    for (let r0 = 0; r0 < rows; r0 += bandRows) {
      const nr = Math.min(bandRows, rows - r0);
      mem.set(src.subarray(srcAt + r0 * cols, srcAt + (r0 + nr) * cols), inW);
      for (let c0 = 0; c0 < cols; c0 += bandCols) {
        const c1 = Math.min(cols, c0 + bandCols);
        mod.transpose32(inAt, nr, cols, c0, c1, outAt);
        if (nr === rows) {
          // Whole transposed rows: one copy.
          out.set(mem.subarray(outW, outW + (c1 - c0) * rows), outBase + c0 * rows);
        } else {
          for (let c = c0; c < c1; c++) {
            const from = outW + (c - c0) * nr;
            out.set(mem.subarray(from, from + nr), outBase + c * rows + r0);
          }
        }
      }
    }
  }
  return true;
}
