// The TypeScript face of assembly/activation-backward.ts: ReLU's gradient (PyTorch's
// threshold_backward) in WebAssembly SIMD. The operands cross into WebAssembly memory in chunks
// small enough to stay in the L2 cache, as the elementwise kernels do (src/elementwise.ts).

import { align64, type FloatArray, memoryView, noteKernel } from './gemm.js';
import { gemmModule } from './loader.js';

/** Name of the activation-gradient kernels. */
export const WASM_ACTIVATION_BACKWARD_KERNEL = 'wasm-simd128-activation-backward';

/** Floats per operand staged per chunk (64 KB: x, g and the result stay in L2 together). */
const CHUNK_FLOATS = 1 << 14;

/**
 * PyTorch's `threshold_backward` on float32 in WebAssembly SIMD: `out[i] = x[i] <= threshold ? 0 : g[i]`,
 * compared in float32 (`threshold` is rounded to float32 first, as PyTorch casts it to the tensor's
 * type). A NaN `x` passes the gradient, as in PyTorch. ReLU's gradient is this on ReLU's output
 * with threshold 0.
 *
 * Returns `true` when it wrote the first `x.length` elements of `out`, `false` when it declined and
 * left `out` untouched (not `Float32Array`s, or the module is unavailable: see `ready`), so the
 * caller runs its own loop. Arguments are trusted: `g` and `out` hold at least `x.length`
 * elements; `out` may be `x` or `g`.
 *
 * Shapes: x `[n]`, g `[n]` -> out `[n]`.
 *
 * @param x - The values the threshold applies to (ReLU's output, or its input), float32.
 * @param g - The upstream gradient, float32, at least as long as `x`.
 * @param out - Receives the gradient, at least as long as `x` (may be `x` or `g`).
 * @param threshold - Where the gradient stops: it passes where `x > threshold` (or `x` is NaN).
 * @returns `true` when WebAssembly computed `out`, `false` when it declined and left `out` untouched.
 * @see torch.ops.aten.threshold_backward
 * @example
 * ```ts
 * import { wasmThresholdBackward } from '@torchlet/kernels';
 * const out = new Float32Array(4);
 * wasmThresholdBackward(new Float32Array([0, 2, -1, NaN]), new Float32Array([5, 6, 7, 8]), out, 0); // -> true
 * Array.from(out); // -> [0, 6, 0, 8]
 * ```
 */
export function wasmThresholdBackward(x: FloatArray, g: FloatArray, out: FloatArray, threshold: number): boolean {
  const mod =
    x instanceof Float32Array && g instanceof Float32Array && out instanceof Float32Array ? gemmModule() : null;
  if (mod === null) {
    noteKernel('js');
    return false;
  }
  const xAt = align64(mod.heapBase());
  const gAt = align64(xAt + 4 * CHUNK_FLOATS);
  const mem = memoryView(mod, gAt + 4 * CHUNK_FLOATS);
  if (mem === null) {
    noteKernel('js');
    return false;
  }
  noteKernel(WASM_ACTIVATION_BACKWARD_KERNEL);
  const n = x.length;
  const xF = xAt / 4;
  const gF = gAt / 4;
  for (let i0 = 0; i0 < n; i0 += CHUNK_FLOATS) {
    const len = Math.min(CHUNK_FLOATS, n - i0);
    mem.set(x.subarray(i0, i0 + len), xF);
    mem.set(g.subarray(i0, i0 + len), gF);
    mod.thresholdBackwardF32(xAt, gAt, xAt, len, threshold);
    out.set(mem.subarray(xF, xF + len), i0);
  }
  return true;
}
