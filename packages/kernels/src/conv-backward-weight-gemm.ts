// The TypeScript face of assembly/conv-backward-weight-gemm.ts: the float32 conv2d weight gradient
// of small output images (at most SMALL_POSITIONS positions, groups 1: ResNet's 14x14 and 7x7
// stages) as one GEMM over the whole batch inside the module.
//
// Linear memory, from the module's heap base (every region 64-byte aligned):
//   [ GEMM workspace per thread | descriptor | input | upstream gradient | cols | dYt | dW ]

import type { Conv2dGeometry } from './conv.js';
import { checkConv2dGeometry, convModules } from './conv-common.js';
import { align64, type FloatArray, memoryView, noteKernel, PARALLEL_MIN_WORK } from './gemm.js';
import type { GemmExports } from './loader.js';
import { readyWorkers, runParallel, type ThreadPool } from './threads.js';

/** Name of the batched weight-gradient GEMM (see {@link wasmConv2dBackwardWeightGemm}). */
export const WASM_CONV2D_BACKWARD_WEIGHT_GEMM_KERNEL = 'wasm-simd128-conv2d-backward-weight-gemm';

/**
 * Most output positions per image (Hout * Wout) the batched GEMM takes: above it the direct
 * kernel (`wasmConv2dBackwardWeight`) passes over dW rarely enough. Measured on ResNet-18's layers
 * at batch 8, one thread, resident operands (CPU time, load 10): 3x3 512 -> 512 on 7x7, 70 ms
 * against 103 ms for the direct kernel; 3x3 256 -> 256 on 14x14, 68 against 81 ms; 3x3 128 -> 128
 * on 28x28 (784 positions), 58 against 64 ms before the unfold's cost, so not taken.
 */
export const SMALL_POSITIONS = 256;
/** Fewest output channels (the GEMM's m) worth the unfold. */
const MIN_OUT_CHANNELS = 32;
/**
 * Fewest multiply-adds worth the unfold's setup (1M: `[8,40,9,9] -> 36` with 2x2 filters, 2.9M,
 * took 0.4 ms against 0.3 ms on the direct kernel: a loss of 0.1 ms at worst).
 */
const MIN_WORK = 2 ** 20;
/** Most floats the call may make resident (input, upstream gradient, cols, dYt, dW): 64 MiB. */
const MAX_FLOATS = 1 << 24;
const DESC_INTS = 32;
const R_BLOCK = 20;
const PHASE = 30;
const PHASE_UNFOLD = 5;
const PHASE_GEMM = 6;

/**
 * Whether {@link wasmConv2dBackwardWeightGemm} takes a geometry: groups 1, at most
 * `SMALL_POSITIONS` (256) output positions per image, at least 32 output channels, at least 2^20
 * multiply-adds, and everything resident within 64 MiB.
 *
 * @param g - The convolution's geometry.
 * @returns `true` when the batched GEMM computes the weight gradient of `g`.
 * @example
 * ```ts
 * import { takesConv2dWeightGemm } from '@torchlet/kernels';
 * // ResNet-18's last stage at batch 8 (7x7 outputs).
 * const g = {
 *   batch: 8, inChannels: 512, inH: 7, inW: 7, outChannels: 512, kh: 3, kw: 3, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 1, padLeft: 1, dilationH: 1, dilationW: 1, outH: 7, outW: 7,
 * };
 * takesConv2dWeightGemm(g); // -> true
 * takesConv2dWeightGemm({ ...g, inH: 56, inW: 56, outH: 56, outW: 56 }); // -> false
 * ```
 */
export function takesConv2dWeightGemm(g: Conv2dGeometry): boolean {
  checkConv2dGeometry('takesConv2dWeightGemm', g);
  const l = g.outH * g.outW;
  const k = g.inChannels * g.kh * g.kw;
  const floats =
    g.batch * (g.inChannels * g.inH * g.inW + g.outChannels * l) + k * g.batch * l + g.outChannels * (g.batch * l + k);
  return (
    g.groups === 1 &&
    l > 0 &&
    l <= SMALL_POSITIONS &&
    g.batch > 0 &&
    k > 0 &&
    g.outChannels >= MIN_OUT_CHANNELS &&
    g.batch * g.outChannels * l * k >= MIN_WORK &&
    floats <= MAX_FLOATS
  );
}

/**
 * The conv2d weight gradient of small output images as one GEMM over the batch, in WebAssembly
 * SIMD on dense float32 NCHW arrays: `dw = dYt @ cols^T` with cols the unfolded input of every
 * image side by side (`[Cin*kh*kw, N*Hout*Wout]`) and dYt the upstream gradient laid out
 * `[Cout, N*Hout*Wout]`, both built inside the module (PyTorch's `torch.nn.grad.conv2d_weight`).
 * For the geometries {@link takesConv2dWeightGemm} accepts (any stride, padding and dilation;
 * groups 1; small images), where a kernel that passes over dw once per image pays for it. With
 * `setThreads(n)`, problems of at least `PARALLEL_MIN_WORK` multiply-adds are cut into images (the
 * unfold) and blocks of dw's columns (the GEMM) that the threads claim; each element is summed in
 * the same order on any number of threads. Accumulates in float32.
 *
 * Returns `true` when it computed `dw` (fully overwritten), `false` when it declined and left `dw`
 * untouched (a geometry it does not take, an operand that is not a `Float32Array`, the module
 * unavailable: see `ready`, or memory that could not grow), so the caller runs another kernel. If a
 * worker thread fails, the gradient is recomputed on the calling thread. Arguments are trusted:
 * the caller validates the geometry and the array lengths.
 *
 * Shapes: dy `[batch, outChannels, outH, outW]`, x `[batch, inChannels, inH, inW]` ->
 * dw `[outChannels, inChannels, kh, kw]`.
 *
 * @param g - The convolution's geometry; see {@link Conv2dGeometry}.
 * @param dy - The gradient of the output, float32 `[batch, outChannels, outH, outW]`.
 * @param x - The forward pass's input, float32 `[batch, inChannels, inH, inW]`.
 * @param dw - Receives the weight gradient `[outChannels, inChannels, kh, kw]` (overwritten).
 * @returns `true` when WebAssembly computed `dw`, `false` when it declined and left `dw` untouched.
 * @see torch.nn.grad.conv2d_weight
 * @example
 * ```ts
 * import { getBackendInfo, wasmConv2dBackwardWeightGemm } from '@torchlet/kernels';
 * // 64 filters 3x3 on 64 channels of 8 ones 14x14 images, dy all 1/64: each tap of each filter
 * // sums its input over the positions it reads (8 images x 12 x 12 for the centre tap) / 64.
 * const g = {
 *   batch: 8, inChannels: 64, inH: 14, inW: 14, outChannels: 64, kh: 3, kw: 3, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 12, outW: 12,
 * };
 * const dw = new Float32Array(64 * 64 * 9);
 * wasmConv2dBackwardWeightGemm(g, new Float32Array(8 * 64 * 144).fill(1 / 64),
 *   new Float32Array(8 * 64 * 196).fill(1), dw); // -> true
 * dw[4]; // -> 18
 * // ' x2 threads' follows the name when setThreads(2) split it.
 * getBackendInfo().lastKernel.startsWith('wasm-simd128-conv2d-backward-weight-gemm'); // -> true
 * ```
 */
export function wasmConv2dBackwardWeightGemm(
  g: Conv2dGeometry,
  dy: FloatArray,
  x: FloatArray,
  dw: FloatArray,
): boolean {
  checkConv2dGeometry('wasmConv2dBackwardWeightGemm', g);
  if (!takesConv2dWeightGemm(g)) return false;
  const modules = convModules(WASM_CONV2D_BACKWARD_WEIGHT_GEMM_KERNEL, [dy, x, dw]);
  if (modules === null) return false;
  const l = g.outH * g.outW;
  const k = g.inChannels * g.kh * g.kw;
  const macs = g.batch * g.outChannels * l * k;
  const workers = modules.pool !== null && macs >= PARALLEL_MIN_WORK ? readyWorkers(modules.pool) : [];
  let done = run(g, dy, x, dw, workers.length > 0 ? modules.pool : null, workers, modules.single);
  // A worker failure retires the pool: everything is recomputed on this thread (dw is written last).
  if (done === 'worker') done = run(g, dy, x, dw, null, [], modules.single);
  return done === 'ok';
}

function run(
  g: Conv2dGeometry,
  dy: FloatArray,
  x: FloatArray,
  dw: FloatArray,
  pool: ThreadPool | null,
  workers: number[],
  single: GemmExports,
): 'ok' | 'memory' | 'worker' {
  const { batch, inChannels: cin, outChannels: cout } = g;
  const l = g.outH * g.outW;
  const k = cin * g.kh * g.kw;
  const nl = batch * l;
  const mod = pool !== null ? pool.exports : single;
  const ws = align64(mod.workspaceBytes());
  const work = align64(mod.heapBase());
  const descAt = work + ws * (pool !== null ? pool.workers.length + 1 : 1);
  const xAt = align64(descAt + 4 * DESC_INTS);
  const dyAt = align64(xAt + 4 * batch * cin * g.inH * g.inW);
  const colsAt = align64(dyAt + 4 * batch * cout * l);
  const dytAt = align64(colsAt + 4 * k * nl);
  const dwAt = align64(dytAt + 4 * cout * nl);
  const mem = memoryView(mod, dwAt + 4 * cout * k);
  if (mem === null) {
    noteKernel('js');
    return 'memory';
  }
  // Blocks of dw's columns: 8 or more of them (multiples of 8, at least 64 columns).
  const block = Math.max(64, Math.ceil(k / 8 / 8) * 8);
  const blocks = Math.ceil(k / block);
  const desc = new Int32Array(mem.buffer, descAt, DESC_INTS);
  desc.fill(0);
  desc.set([
    cin,
    cout,
    g.inH,
    g.inW,
    g.outH,
    g.outW,
    g.kh,
    g.kw,
    g.strideH,
    g.strideW,
    g.padTop,
    g.padLeft,
    g.dilationH,
    g.dilationW,
    batch,
    xAt,
    dyAt,
    colsAt,
    dytAt,
    dwAt,
  ]);
  desc[R_BLOCK] = block;
  mem.set(x.subarray(0, batch * cin * g.inH * g.inW), xAt / 4);
  mem.set(dy.subarray(0, batch * cout * l), dyAt / 4);
  let threads = 1;
  for (const [phase, units] of [
    [PHASE_UNFOLD, batch],
    [PHASE_GEMM, blocks],
  ] as const) {
    desc[PHASE] = phase;
    if (pool === null) mod.conv2dBackwardWeightPart(descAt, 0, units, work);
    else {
      const job = [descAt, 0, units, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, work];
      if (!runParallel(pool, workers, job, ws, true, 1, 3)) {
        noteKernel('js');
        return 'worker';
      }
      threads = Math.max(threads, Math.min(workers.length + 1, units));
    }
  }
  dw.set(mem.subarray(dwAt / 4, dwAt / 4 + cout * k));
  noteKernel(
    threads > 1
      ? `${WASM_CONV2D_BACKWARD_WEIGHT_GEMM_KERNEL} x${threads} threads`
      : WASM_CONV2D_BACKWARD_WEIGHT_GEMM_KERNEL,
  );
  return 'ok';
}
