// The TypeScript face of assembly/conv-backward-input.ts: the float32 conv2d input gradient as a
// GEMM and a col2im inside the module, for any stride, padding, dilation and groups (what the
// stride-1 identity with the forward kernel cannot take: strided convs, e.g. ResNet's 3x3
// stride-2 and 1x1 stride-2 downsampling layers). The batch crosses into WebAssembly memory in
// chunks of images (upstream gradient in once, input gradient out once).
//
// Linear memory, from the module's heap base (every region 64-byte aligned):
//   [ scratch per thread: GEMM workspace | packed W^T | a block of dcols | tile |
//     descriptor | weights | upstream gradient of one chunk | input gradient of one chunk ]

import type { Conv2dGeometry } from './conv.js';
import { convModules } from './conv-common.js';
import { align64, type FloatArray, memoryView, noteKernel, PARALLEL_MIN_WORK } from './gemm.js';
import type { GemmExports } from './loader.js';
import { readyWorkers, runParallel, type ThreadPool } from './threads.js';

/** Name of the input-gradient kernel (see {@link wasmConv2dBackwardInput}). */
export const WASM_CONV2D_BACKWARD_INPUT_KERNEL = 'wasm-simd128-conv2d-backward-input-col2im';

const DESC_INTS = 32;
const Q_DIRECT = 19;
const Q_A_OFF = 20;
const Q_COLS_OFF = 21;
const PHASE = 30;
const PHASE_INPUT = 4;
/**
 * Staging budget per chunk of images (floats): bounds the memory a call makes resident. Several
 * threads take 16 MiB, so a chunk holds several images (a unit is one image): with 4 MiB, the
 * 7x7 stem's input gradient at batch 8 staged one image per chunk and ran no faster on two threads.
 */
const CHUNK_FLOATS = 1 << 20;
const CHUNK_FLOATS_THREADED = 1 << 22;
/** A block of dcols (K taps x positions) should stay in L2 between its GEMM and its col2im. */
const BLOCK_FLOATS = 1 << 16;
/** Largest W[g]^T (K x M floats) packed whole (then the GEMM reads dy unpacked); above it, the blocked GEMM. */
const DIRECT_MAX_FLOATS = 1 << 17;
/** Fewest positions per block on the blocked GEMM (its packing of W^T is paid once per block). */
const MIN_GEMM_COLS = 256;

/**
 * The input gradient of a conv2d in WebAssembly SIMD on dense float32 NCHW arrays, for any
 * stride, padding (asymmetric: bottom and right are implied by `outH`, `outW`), dilation and
 * groups: per image and group, `dcols = w[g]^T @ dy[n, g]` (a GEMM, a block of output positions
 * at a time) is added back into the image by col2im, all inside the module (PyTorch's
 * `torch.nn.grad.conv2d_input`). With `setThreads(n)`, problems of at least `PARALLEL_MIN_WORK`
 * multiply-adds are cut into (image, group) units that the threads claim; every element is summed
 * in the same order on any number of threads, so the result does not depend on it. Accumulates
 * in float32.
 *
 * Returns `true` when it computed `dx` (fully overwritten), `false` when it declined and left `dx`
 * untouched (an operand is not a `Float32Array`, the module is unavailable: see `ready`, or memory
 * could not grow), so the caller runs its own kernel. If a worker thread fails, the gradient is
 * recomputed on the calling thread. Arguments are trusted: the caller validates the geometry and
 * the array lengths.
 *
 * Shapes: dy `[batch, outChannels, outH, outW]`, w `[outChannels, inChannels/groups, kh, kw]` ->
 * dx `[batch, inChannels, inH, inW]`.
 *
 * @param g - The convolution's sizes, stride, padding, dilation and groups; see {@link Conv2dGeometry}.
 * @param dy - The gradient of the output, float32 `[batch, outChannels, outH, outW]`.
 * @param w - The filters, float32 `[outChannels, inChannels / groups, kh, kw]`.
 * @param dx - Receives the input gradient `[batch, inChannels, inH, inW]` (overwritten).
 * @returns `true` when WebAssembly computed `dx`, `false` when it declined and left `dx` untouched.
 * @see torch.nn.grad.conv2d_input
 * @example
 * ```ts
 * import { getBackendInfo, wasmConv2dBackwardInput } from '@torchlet/kernels';
 * // A 2x2 filter with stride 2 on a 1x4 row (padding 1 on the top): each output spreads back to two inputs.
 * const g = {
 *   batch: 1, inChannels: 1, inH: 1, inW: 4, outChannels: 1, kh: 2, kw: 2, groups: 1,
 *   strideH: 2, strideW: 2, padTop: 1, padLeft: 0, dilationH: 1, dilationW: 1, outH: 1, outW: 2,
 * };
 * const dx = new Float32Array(4);
 * wasmConv2dBackwardInput(g, new Float32Array([1, 10]), new Float32Array([1, 2, 3, 4]), dx); // -> true
 * Array.from(dx); // -> [3, 4, 30, 40]
 * getBackendInfo().lastKernel; // -> 'wasm-simd128-conv2d-backward-input-col2im'
 * ```
 */
export function wasmConv2dBackwardInput(g: Conv2dGeometry, dy: FloatArray, w: FloatArray, dx: FloatArray): boolean {
  const modules = convModules(WASM_CONV2D_BACKWARD_INPUT_KERNEL, [dy, w, dx]);
  if (modules === null) return false;
  const size = g.batch * g.inChannels * g.inH * g.inW;
  if (size === 0) return true;
  if (g.outChannels === 0 || g.outH * g.outW === 0) {
    dx.fill(0, 0, size);
    return true;
  }
  const macs = (g.batch * g.outChannels * g.outH * g.outW * g.inChannels * g.kh * g.kw) / g.groups;
  const workers = modules.pool !== null && macs >= PARALLEL_MIN_WORK ? readyWorkers(modules.pool) : [];
  let done = run(g, dy, w, dx, workers.length > 0 ? modules.pool : null, workers, modules.single);
  // A worker failure retires the pool: everything is recomputed on this thread (units overwrite).
  if (done === 'worker') done = run(g, dy, w, dx, null, [], modules.single);
  return done === 'ok';
}

/** Runs the whole gradient on `pool`'s threads (or the single-threaded module when null). */
function run(
  g: Conv2dGeometry,
  dy: FloatArray,
  w: FloatArray,
  dx: FloatArray,
  pool: ThreadPool | null,
  workers: number[],
  single: GemmExports,
): 'ok' | 'memory' | 'worker' {
  const { batch, inChannels: cin, outChannels: cout, groups } = g;
  const cinG = cin / groups;
  const coutG = cout / groups;
  const k = cinG * g.kh * g.kw;
  const l = g.outH * g.outW;
  const plane = g.inH * g.inW;
  const mod = pool !== null ? pool.exports : single;
  const direct = k * coutG <= DIRECT_MAX_FLOATS;
  // A block of positions: a multiple of 8, about BLOCK_FLOATS / K of them; at least 256 for the
  // blocked GEMM, which packs all of W[g]^T once per block.
  const fit = Math.max(direct ? 8 : MIN_GEMM_COLS, Math.floor(BLOCK_FLOATS / k / 8) * 8);
  const cols = Math.min(Math.ceil(l / 8) * 8, fit);
  const aOff = align64(mod.workspaceBytes());
  const colsOff = aOff + (direct ? align64(4 * (Math.ceil(k / 4) * 4) * coutG) : 0);
  const scratch = align64(colsOff + 4 * k * cols + 128);
  const work = align64(mod.heapBase());
  const descAt = work + scratch * (pool !== null ? pool.workers.length + 1 : 1);
  const wAt = align64(descAt + 4 * 32);
  const budget = pool !== null ? CHUNK_FLOATS_THREADED : CHUNK_FLOATS;
  const per = Math.max(1, Math.min(batch, Math.floor(budget / (cout * l + cin * plane || 1))));
  const dyAt = align64(wAt + 4 * cout * k);
  const dxAt = align64(dyAt + 4 * per * cout * l + 64); // clipped tiles read up to 7 floats past dy
  const mem = memoryView(mod, dxAt + 4 * per * cin * plane);
  if (mem === null) {
    noteKernel('js');
    return 'memory';
  }
  const desc = new Int32Array(mem.buffer, descAt, DESC_INTS);
  desc.fill(0);
  desc.set([
    cinG,
    coutG,
    groups,
    l,
    wAt,
    dyAt,
    dxAt,
    cols,
    g.inH,
    g.inW,
    g.outW,
    g.kh,
    g.kw,
    g.strideH,
    g.strideW,
    g.padTop,
    g.padLeft,
    g.dilationH,
    g.dilationW,
  ]);
  desc[Q_DIRECT] = direct ? 1 : 0;
  desc[Q_A_OFF] = aOff;
  desc[Q_COLS_OFF] = colsOff;
  desc[PHASE] = PHASE_INPUT;
  mem.set(w.subarray(0, cout * k), wAt / 4);
  const dyF = dyAt / 4;
  const dxF = dxAt / 4;
  let threads = 1;
  for (let n0 = 0; n0 < batch; n0 += per) {
    const nb = Math.min(per, batch - n0);
    mem.set(dy.subarray(n0 * cout * l, (n0 + nb) * cout * l), dyF);
    const units = nb * groups;
    if (pool === null) mod.conv2dBackwardWeightPart(descAt, 0, units, work);
    else {
      const job = [descAt, 0, units, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, work];
      if (!runParallel(pool, workers, job, scratch, true, 1, 3)) {
        noteKernel('js');
        return 'worker';
      }
      threads = Math.max(threads, Math.min(workers.length + 1, units));
    }
    dx.set(mem.subarray(dxF, dxF + nb * cin * plane), n0 * cin * plane);
  }
  noteKernel(
    threads > 1 ? `${WASM_CONV2D_BACKWARD_INPUT_KERNEL} x${threads} threads` : WASM_CONV2D_BACKWARD_INPUT_KERNEL,
  );
  return 'ok';
}
