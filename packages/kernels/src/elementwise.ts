// The TypeScript face of assembly/elementwise.ts: float32 binary ops and relu. The operands cross
// into WebAssembly memory in chunks small enough to stay in the L2 cache (a and b in, the result
// computed over a's chunk in place and copied out), so the kernel reads what the copies just wrote
// and the only main-memory traffic is reading the inputs and writing the output once.

import { align64, type FloatArray, memoryView, noteKernel } from './gemm.js';
import { type GemmExports, gemmModule } from './loader.js';

/** Name of the elementwise kernels. */
export const WASM_ELEMENTWISE_KERNEL = 'wasm-simd128-elementwise';

/**
 * The binary ops {@link wasmBinary} computes, with JavaScript's semantics on float32 values:
 * `a + b`, `a - b`, `a * b`, `a / b`, `Math.max(a, b)`.
 *
 * @example
 * ```ts
 * import type { BinaryOp } from '@torchlet/kernels';
 * const op: BinaryOp = 'maximum';
 * op; // -> 'maximum'
 * ```
 */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'maximum';

const OP_CODES: Readonly<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4 };

/** Floats per operand staged per chunk (64 KB: a, b and the result stay in L2 together). */
const CHUNK_FLOATS = 1 << 14;

// Always the single-threaded module (gemmModule), even when worker threads are on: these loops
// never split, and copies into a shared memory (the threads') cost about twice as much in V8.

/**
 * Elementwise `out = a op b` on float32 in WebAssembly SIMD, over `rows x cols` dense values:
 * `b` is either dense of the same size or, with `bBroadcastRows`, one row of `cols` values added
 * to every row (the bias add `[rows, cols] + [cols]`; a scalar is `cols = 1`). Bit-identical to
 * the JavaScript loops `out[i] = a[i] + b[i]` (computed in double, rounded once to float32: for
 * +, -, *, / of float32 values that is the correctly rounded float32 result) and
 * `Math.max(a[i], b[i])` (NaN when either is NaN, `+0` for `-0` against `+0`), denormals
 * included; NaN payloads are not preserved.
 *
 * Returns `true` when it wrote `out` (its first `rows * cols` elements), `false` when it declined
 * and left `out` untouched (an array is not a `Float32Array`, an unknown op, or the module is
 * unavailable: see `ready`), so the caller runs its own loop. Arguments are trusted: `a` holds
 * `rows * cols` elements, `b` `cols` (broadcast) or `rows * cols`; `out` must not overlap `b`
 * (it may be `a` itself).
 *
 * Shapes: a `[rows, cols]`, b `[cols]` (broadcast) or `[rows, cols]` -> out `[rows, cols]`.
 *
 * @param op - The operation: `'add'`, `'sub'`, `'mul'`, `'div'` or `'maximum'`.
 * @param a - The left operand, `rows * cols` float32 values.
 * @param b - The right operand: `rows * cols` values, or `cols` values when `bBroadcastRows`.
 * @param out - Receives `rows * cols` results (may be `a` or `b`).
 * @param rows - The number of rows.
 * @param cols - The number of columns.
 * @param bBroadcastRows - Read `b` as one row repeated for every row of `a`.
 * @returns `true` when WebAssembly computed `out`, `false` when it declined and left `out` untouched.
 * @see torch.add
 * @example
 * ```ts
 * import { wasmBinary } from '@torchlet/kernels';
 * const out = new Float32Array(6);
 * const a = new Float32Array([1, 2, 3, 4, 5, 6]);
 * wasmBinary('add', a, new Float32Array([10, 20, 30]), out, 2, 3, true); // -> true
 * Array.from(out); // -> [11, 22, 33, 14, 25, 36]
 * wasmBinary('maximum', new Float32Array([-0, NaN]), new Float32Array([0, 1]), out, 1, 2, false); // -> true
 * Object.is(out[0], 0); // -> true
 * Number.isNaN(out[1]); // -> true
 * ```
 */
export function wasmBinary(
  op: BinaryOp,
  a: FloatArray,
  b: FloatArray,
  out: FloatArray,
  rows: number,
  cols: number,
  bBroadcastRows: boolean,
): boolean {
  const code = OP_CODES[op];
  const mod =
    a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array ? gemmModule() : null;
  if (mod === null || code === undefined) {
    noteKernel('js');
    return false;
  }
  const aAt = align64(mod.heapBase());
  const bAt = align64(aAt + 4 * CHUNK_FLOATS);
  const mem = memoryView(mod, bAt + 4 * CHUNK_FLOATS);
  if (mem === null) {
    noteKernel('js');
    return false;
  }
  noteKernel(WASM_ELEMENTWISE_KERNEL);
  const n = rows * cols;
  if (n === 0) return true;
  const aF = aAt / 4;
  const bF = bAt / 4;
  if (!bBroadcastRows) {
    // Dense operands: one flat range.
    for (let i0 = 0; i0 < n; i0 += CHUNK_FLOATS) {
      const len = Math.min(CHUNK_FLOATS, n - i0);
      mem.set(a.subarray(i0, i0 + len), aF);
      mem.set(b.subarray(i0, i0 + len), bF);
      mod.binaryRows(code, aAt, bAt, aAt, 1, len, len);
      out.set(mem.subarray(aF, aF + len), i0);
    }
  } else if (cols === 1) {
    // A scalar: splat it, over one flat range.
    const s = b[0];
    for (let i0 = 0; i0 < n; i0 += CHUNK_FLOATS) {
      const len = Math.min(CHUNK_FLOATS, n - i0);
      mem.set(a.subarray(i0, i0 + len), aF);
      mod.binaryScalar(code, aAt, s, aAt, len);
      out.set(mem.subarray(aF, aF + len), i0);
    }
  } else if (cols <= CHUNK_FLOATS) {
    // Whole rows per chunk, the broadcast row staged once.
    mem.set(b.subarray(0, cols), bF);
    const perRows = Math.floor(CHUNK_FLOATS / cols);
    for (let r0 = 0; r0 < rows; r0 += perRows) {
      const nr = Math.min(perRows, rows - r0);
      const at = r0 * cols;
      mem.set(a.subarray(at, at + nr * cols), aF);
      mod.binaryRows(code, aAt, bAt, aAt, nr, cols, 0);
      out.set(mem.subarray(aF, aF + nr * cols), at);
    }
  } else {
    // Rows longer than a chunk: a band of columns at a time (its slice of b staged once).
    for (let c0 = 0; c0 < cols; c0 += CHUNK_FLOATS) {
      const len = Math.min(CHUNK_FLOATS, cols - c0);
      mem.set(b.subarray(c0, c0 + len), bF);
      for (let r = 0; r < rows; r++) {
        const at = r * cols + c0;
        mem.set(a.subarray(at, at + len), aF);
        mod.binaryRows(code, aAt, bAt, aAt, 1, len, 0);
        out.set(mem.subarray(aF, aF + len), at);
      }
    }
  }
  return true;
}

/**
 * Elementwise `out = relu(x)` on float32 in WebAssembly SIMD, bit-identical to the JavaScript loop
 * `out[i] = Math.max(x[i], 0)`: `x` when it is positive or NaN, else `+0` (so `-0` gives `+0`).
 *
 * Returns `true` when it wrote the first `x.length` elements of `out`, `false` when it declined and
 * left `out` untouched (not `Float32Array`s, or the module is unavailable: see `ready`).
 * `out` may be `x` itself.
 *
 * Shapes: x `[n]` -> out `[n]`.
 *
 * @param x - The input float32 values.
 * @param out - Receives `max(x, 0)`, the length of `x` (may be `x`).
 * @returns `true` when WebAssembly computed `out`, `false` when it declined and left `out` untouched.
 * @see torch.relu
 * @example
 * ```ts
 * import { wasmRelu } from '@torchlet/kernels';
 * const out = new Float32Array(4);
 * wasmRelu(new Float32Array([-1, -0, 2, NaN]), out); // -> true
 * Array.from(out); // -> [0, 0, 2, NaN]
 * Object.is(out[1], 0); // -> true
 * ```
 */
export function wasmRelu(x: FloatArray, out: FloatArray): boolean {
  return unaryChunks(x, out, (mod, at, len) => mod.reluF32(at, at, len));
}

/**
 * Runs a float32 unary kernel over `x` in L2-sized chunks staged in the module's memory (computed in
 * place there, copied out to `out`); declines (`false`, `out` untouched) as the unary kernels do.
 */
function unaryChunks(
  x: FloatArray,
  out: FloatArray,
  kernel: (mod: GemmExports, at: number, len: number) => void,
): boolean {
  const mod = x instanceof Float32Array && out instanceof Float32Array ? gemmModule() : null;
  if (mod === null) {
    noteKernel('js');
    return false;
  }
  const at = align64(mod.heapBase());
  const mem = memoryView(mod, at + 4 * CHUNK_FLOATS);
  if (mem === null) {
    noteKernel('js');
    return false;
  }
  noteKernel(WASM_ELEMENTWISE_KERNEL);
  const n = x.length;
  const f = at / 4;
  for (let i0 = 0; i0 < n; i0 += CHUNK_FLOATS) {
    const len = Math.min(CHUNK_FLOATS, n - i0);
    mem.set(x.subarray(i0, i0 + len), f);
    kernel(mod, at, len);
    out.set(mem.subarray(f, f + len), i0);
  }
  return true;
}

/**
 * Elementwise `out = clamp(x, lo, hi)` on float32 in WebAssembly SIMD, bit-identical to the
 * JavaScript loop `out[i] = Math.min(Math.max(x[i], lo), hi)`: NaN stays NaN, `-0` is below `+0`,
 * and `lo > hi` gives `hi` everywhere (as `torch.clamp`). ReLU6 is `lo = 0, hi = 6`.
 *
 * Returns `true` when it wrote the first `x.length` elements of `out`, `false` when it declined and
 * left `out` untouched (not `Float32Array`s, or the module is unavailable: see `ready`).
 * `out` may be `x` itself.
 *
 * Shapes: x `[n]` -> out `[n]`.
 *
 * @param x - The input float32 values.
 * @param out - Receives the clamped values, the length of `x` (may be `x`).
 * @param lo - The lower bound (`-Infinity` for none), rounded to float32.
 * @param hi - The upper bound (`Infinity` for none), rounded to float32.
 * @returns `true` when WebAssembly computed `out`, `false` when it declined and left `out` untouched.
 * @see torch.clamp
 * @example
 * ```ts
 * import { wasmClamp } from '@torchlet/kernels';
 * const out = new Float32Array(4);
 * wasmClamp(new Float32Array([-1, 3, 8, NaN]), out, 0, 6); // -> true
 * Array.from(out); // -> [0, 3, 6, NaN]
 * ```
 */
export function wasmClamp(x: FloatArray, out: FloatArray, lo: number, hi: number): boolean {
  return unaryChunks(x, out, (mod, at, len) => mod.clampF32(at, at, len, lo, hi));
}
