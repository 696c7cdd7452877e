// The TypeScript face of assembly/reduce.ts: float32 sums accumulated in float64. The input
// crosses into WebAssembly memory in chunks small enough to stay in the L2 cache (whole
// `[reduced, inner]` blocks or whole rows when they fit, else pieces of rows), the kernel adds
// the chunk into float64 sums kept in WebAssembly memory, and the sums are copied out (rounded
// to the output's type by the typed-array copy) once per output row.

import { align64, type FloatArray, memoryView, noteKernel } from './gemm.js';
import type { GemmExports } from './loader.js';
import { gemmModule } from './loader.js';

/** Name of the sum kernel. */
export const WASM_SUM_KERNEL = 'wasm-simd128-sum-f64acc';

/** Floats staged per chunk (64 KB: the chunk and its float64 sums stay in L2 together). */
const DEFAULT_CHUNK_FLOATS = 1 << 14;
let chunkFloats = DEFAULT_CHUNK_FLOATS;

/**
 * Sets the floats staged per chunk and returns the previous value; `0` restores the default.
 * For tests: small chunks make small problems take the paths that large ones take.
 *
 * @internal
 */
export function setSumChunkFloats(n: number): number {
  const previous = chunkFloats;
  chunkFloats = n > 0 ? Math.max(8, Math.floor(n)) : DEFAULT_CHUNK_FLOATS;
  return previous;
}

// Always the single-threaded module (gemmModule), even when worker threads are on: copies into
// the threads' shared memory cost about twice as much in V8, and this kernel is mostly copies.

let f64View: Float64Array | null = null;

/** A Float64Array over the whole (already grown) memory of `mod`. */
function float64View(mod: GemmExports): Float64Array {
  const buffer = mod.memory.buffer;
  if (f64View === null || f64View.buffer !== buffer) f64View = new Float64Array(buffer);
  return f64View;
}

/**
 * Sums a dense float32 block `[outer, reduced, inner]` over its middle dimension in WebAssembly
 * SIMD: `out[o * inner + i] = x[offset + (o * reduced + r) * inner + i]` summed over `r`, each
 * sum accumulated in float64 from +0 in order `r = 0, 1, ...` and rounded once into `out`
 * (a `Float32Array`, or a `Float64Array` to keep the float64 sums). Bit-identical to the
 * JavaScript loop `acc += x[...]` with a float64 `acc`: the SIMD lanes hold different outputs,
 * never two terms of one sum. `inner = 1` sums rows (the last dimension), `outer = 1` and
 * `inner = 1` everything.
 *
 * Returns `true` when it wrote `out` (its first `outer * inner` elements; zeros when
 * `reduced = 0`), `false` when it declined and left `out` untouched (`x` is not a
 * `Float32Array`, or the module is unavailable: see `ready`), so the caller runs its own loop.
 * Arguments are trusted: `x` holds `offset + outer * reduced * inner` elements.
 *
 * Shapes: x `[outer, reduced, inner]` -> out `[outer, inner]`.
 *
 * @param x - The input, dense float32.
 * @param offset - Index of the block's first element in `x`.
 * @param outer - The size of the leading dimension(s).
 * @param reduced - The size of the summed dimension.
 * @param inner - The size of the trailing dimension(s).
 * @param out - Receives the sums `[outer, inner]`.
 * @returns `true` when WebAssembly computed `out`, `false` when it declined and left `out` untouched.
 * @see torch.sum
 * @example
 * ```ts
 * import { wasmSum } from '@torchlet/kernels';
 * const x = new Float32Array([1, 2, 3, 4, 5, 6]); // [[1, 2, 3], [4, 5, 6]]
 * const out = new Float32Array(3);
 * wasmSum(x, 0, 1, 2, 3, out); // -> true
 * Array.from(out); // -> [5, 7, 9]
 * wasmSum(x, 0, 2, 3, 1, out); // -> true
 * Array.from(out.subarray(0, 2)); // -> [6, 15]
 * ```
 */
export function wasmSum(
  x: FloatArray,
  offset: number,
  outer: number,
  reduced: number,
  inner: number,
  out: FloatArray,
): boolean {
  const mod = x instanceof Float32Array ? gemmModule() : null;
  if (mod === null) {
    noteKernel('js');
    return false;
  }
  const chunk = chunkFloats;
  const inAt = align64(mod.heapBase());
  const accAt = align64(inAt + 4 * chunk);
  const mem = memoryView(mod, accAt + 8 * chunk);
  if (mem === null) {
    noteKernel('js');
    return false;
  }
  noteKernel(WASM_SUM_KERNEL);
  const n = outer * inner;
  if (n === 0) return true;
  if (reduced === 0) {
    out.fill(0, 0, n);
    return true;
  }
  const acc = float64View(mod);
  const inF = inAt / 4;
  const accF = accAt / 8;
  if (inner === 1) {
    if (reduced <= chunk) {
      // Whole rows per chunk.
      const per = Math.floor(chunk / reduced);
      for (let r0 = 0; r0 < outer; r0 += per) {
        const nr = Math.min(per, outer - r0);
        const at = offset + r0 * reduced;
        mem.set(x.subarray(at, at + nr * reduced), inF);
        mod.sumRowsF32(inAt, nr, reduced, accAt, 0);
        out.set(acc.subarray(accF, accF + nr), r0);
      }
    } else {
      // Rows longer than a chunk: eight rows at a time (the kernel's SIMD block), in pieces of
      // chunk / 8 columns, each piece continuing the sums.
      const seg = chunk >> 3;
      for (let r0 = 0; r0 < outer; r0 += 8) {
        const nr = Math.min(8, outer - r0);
        for (let c0 = 0; c0 < reduced; c0 += seg) {
          const len = Math.min(seg, reduced - c0);
          for (let q = 0; q < nr; q++) {
            const at = offset + (r0 + q) * reduced + c0;
            mem.set(x.subarray(at, at + len), inF + q * len);
          }
          mod.sumRowsF32(inAt, nr, len, accAt, c0 > 0 ? 1 : 0);
        }
        out.set(acc.subarray(accF, accF + nr), r0);
      }
    }
    return true;
  }
  const block = reduced * inner;
  if (block <= chunk) {
    // Whole blocks per chunk.
    const per = Math.floor(chunk / block);
    for (let o0 = 0; o0 < outer; o0 += per) {
      const nb = Math.min(per, outer - o0);
      const at = offset + o0 * block;
      mem.set(x.subarray(at, at + nb * block), inF);
      mod.sumColsF32(inAt, nb, reduced, inner, accAt, 0);
      out.set(acc.subarray(accF, accF + nb * inner), o0 * inner);
    }
    return true;
  }
  // Blocks larger than a chunk: whole rows per chunk when a row fits (one copy), else one row's
  // band of `chunk` columns at a time; each chunk continues the band's sums.
  const band = Math.min(inner, chunk);
  const perRows = Math.floor(chunk / band);
  for (let o = 0; o < outer; o++) {
    for (let c0 = 0; c0 < inner; c0 += band) {
      const len = Math.min(band, inner - c0);
      for (let r0 = 0; r0 < reduced; r0 += perRows) {
        const nr = Math.min(perRows, reduced - r0);
        const at = offset + (o * reduced + r0) * inner + c0;
        if (len === inner) mem.set(x.subarray(at, at + nr * inner), inF);
        else for (let q = 0; q < nr; q++) mem.set(x.subarray(at + q * inner, at + q * inner + len), inF + q * len);
        mod.sumColsF32(inAt, 1, nr, len, accAt, r0 > 0 ? 1 : 0);
      }
      out.set(acc.subarray(accF, accF + len), o * inner + c0);
    }
  }
  return true;
}
