// The TypeScript face of assembly/pool.ts: float32 2x2 / stride 2 max pooling. The planes cross
// into WebAssembly memory in chunks small enough to stay in the L2 cache (input in, output out),
// so the kernel reads what the copy just wrote and the resident memory stays small.

import { align64, type FloatArray, memoryView, noteKernel } from './gemm.js';
import { gemmModule } from './loader.js';

/** Name of the max-pool kernel. */
export const WASM_MAX_POOL_KERNEL = 'wasm-simd128-maxpool-2x2';

/** Input floats staged per chunk (128 KB, plus a quarter of it for the output). */
const CHUNK_FLOATS = 1 << 15;

/**
 * Max pooling with 2x2 windows and stride 2 (no padding, no dilation, floor mode: an odd last row
 * or column is dropped) in WebAssembly SIMD over `planes` dense float32 `h x w` planes (NCHW with
 * `planes = N*C`), values only. Bit-identical to `@torchlet/ops`' JavaScript loop and PyTorch's
 * CPU rule: ties keep the first maximum in the order top-left, top-right, bottom-left,
 * bottom-right (so `[-0, 0, ...]` gives -0) and a window holding a NaN gives NaN.
 *
 * Returns `true` when it wrote `out` (its first `planes * floor(h/2) * floor(w/2)` elements),
 * `false` when it declined and left `out` untouched (an array is not a `Float32Array`, or the
 * module is unavailable: see `ready`), so the caller runs its own kernel. Arguments are trusted:
 * `x` holds at least `planes * h * w` elements.
 *
 * Shapes: x `[planes, h, w]` -> out `[planes, floor(h/2), floor(w/2)]`.
 *
 * @param x - The input, float32 `[planes, h, w]`.
 * @param planes - The number of planes (`N * C`).
 * @param h - The input height.
 * @param w - The input width.
 * @param out - Receives the maxima `[planes, floor(h / 2), floor(w / 2)]`.
 * @returns `true` when WebAssembly computed `out`, `false` when it declined and left `out` untouched.
 * @see torch.nn.functional.max_pool2d
 * @example
 * ```ts
 * import { wasmMaxPool2x2 } from '@torchlet/kernels';
 * const out = new Float32Array(2);
 * // One 2x5 plane (the last column is dropped): windows [1, 5, 3, 2] and [-0, 0, -1, -2].
 * wasmMaxPool2x2(new Float32Array([1, 5, -0, 0, 9, 3, 2, -1, -2, 9]), 1, 2, 5, out); // -> true
 * Array.from(out); // -> [5, -0]
 * Object.is(out[1], -0); // -> true
 * ```
 */
export function wasmMaxPool2x2(x: FloatArray, planes: number, h: number, w: number, out: FloatArray): boolean {
  if (!(x instanceof Float32Array && out instanceof Float32Array)) {
    noteKernel('js');
    return false;
  }
  // The single-threaded module: pooling never splits, and copies into the threads' shared memory
  // cost about twice as much.
  const mod = gemmModule();
  if (mod === null) {
    noteKernel('js');
    return false;
  }
  const ho = Math.floor(h / 2);
  const wo = Math.floor(w / 2);
  const plane = h * w;
  const outPlane = ho * wo;
  if (planes * outPlane === 0) {
    noteKernel(WASM_MAX_POOL_KERNEL);
    return true;
  }
  // Whole planes per chunk when they fit, else bands of output rows (pairs of input rows).
  const perPlanes = plane <= CHUNK_FLOATS ? Math.max(1, Math.floor(CHUNK_FLOATS / plane)) : 1;
  const bandRows = plane <= CHUNK_FLOATS ? ho : Math.max(1, Math.floor(CHUNK_FLOATS / (2 * w)));
  const inFloats = plane <= CHUNK_FLOATS ? perPlanes * plane : bandRows * 2 * w;
  const inAt = align64(mod.heapBase());
  const outAt = align64(inAt + 4 * inFloats);
  const mem = memoryView(mod, outAt + 4 * Math.max(perPlanes * outPlane, bandRows * wo));
  if (mem === null) {
    noteKernel('js');
    return false;
  }
  noteKernel(WASM_MAX_POOL_KERNEL);
  const inF = inAt / 4;
  const outF = outAt / 4;
  if (plane <= CHUNK_FLOATS) {
    for (let p0 = 0; p0 < planes; p0 += perPlanes) {
      const nb = Math.min(perPlanes, planes - p0);
      mem.set(x.subarray(p0 * plane, (p0 + nb) * plane), inF);
      mod.maxPool2x2(inAt, nb, h, w, outAt);
      out.set(mem.subarray(outF, outF + nb * outPlane), p0 * outPlane);
    }
    return true;
  }
  for (let p = 0; p < planes; p++) {
    for (let r0 = 0; r0 < ho; r0 += bandRows) {
      const nr = Math.min(bandRows, ho - r0);
      const at = p * plane + 2 * r0 * w;
      mem.set(x.subarray(at, at + 2 * nr * w), inF);
      mod.maxPool2x2(inAt, 1, 2 * nr, w, outAt);
      out.set(mem.subarray(outF, outF + nr * wo), p * outPlane + r0 * wo);
    }
  }
  return true;
}
