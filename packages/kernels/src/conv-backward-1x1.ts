// The TypeScript face of assembly/conv-backward-1x1.ts: the input and weight gradients of a 1x1,
// stride-1, unpadded conv2d (MobileNetV2's expansions and projections, ResNet's bottleneck
// reductions) as GEMMs on the NCHW layout inside the module. The batch crosses into WebAssembly
// memory in chunks of images (operands in once each, the input gradient out once per chunk).
//
// Linear memory, from the module's heap base (every region 64-byte aligned):
//   [ GEMM workspace per thread | descriptor | weights (input gradient) or partial sums (weight
//     gradient, S slices) | upstream gradient of one chunk | input or input gradient of one chunk ]

import type { Conv2dGeometry } from './conv.js';
import { checkConv2dGeometry, convModules } from './conv-common.js';
import { align64, type FloatArray, memoryView, noteKernel, PARALLEL_MIN_WORK } from './gemm.js';
import type { GemmExports } from './loader.js';
import { readyWorkers, runParallel, type ThreadPool } from './threads.js';

/** Name of the 1x1 input-gradient kernel (see {@link wasmConv2dBackwardInput1x1}). */
export const WASM_CONV2D_1X1_BACKWARD_INPUT_KERNEL = 'wasm-simd128-conv2d-1x1-backward-input-gemm';
/** Name of the 1x1 weight-gradient kernel (see {@link wasmConv2dBackwardWeight1x1}). */
export const WASM_CONV2D_1X1_BACKWARD_WEIGHT_KERNEL = 'wasm-simd128-conv2d-1x1-backward-weight-gemm';
/** Name of the 1x1 kernel computing both gradients from one copy of dy (see {@link wasmConv2dBackward1x1}). */
export const WASM_CONV2D_1X1_BACKWARD_KERNEL = 'wasm-simd128-conv2d-1x1-backward-gemm';

const DESC_INTS = 32;
/** Descriptor fields (see assembly/conv-backward-1x1.ts). */
const P_SHIFT = 9;
const P_NB = 10;
const P_PHASE = 30;
const PHASE_INPUT = 2;
const PHASE_WEIGHT = 3;
/**
 * Staging budget per chunk of images (floats) on one thread, 1 MiB: a chunk stays in L2 between
 * its copy in, the GEMMs and the copy out. MobileNetV2's five 1x1 layers on 112x112 and 56x56
 * images at batch 8, one thread (CPU time, load 6): input gradients 69 ms with 1 MiB chunks
 * against 89 ms with 32 MiB chunks (the whole batch), weight gradients 54 against 68 ms.
 */
const CHUNK_FLOATS = 1 << 18;
/**
 * The budget on several threads, 16 MiB: the copies in and out run on the calling thread while
 * the workers wait, so each chunk costs a hand-off; small chunks made MobileNetV2's 14x14 and
 * 28x28 layers 1.2-1.6x slower on two threads than on the earlier kernels (quiet machine).
 */
const CHUNK_FLOATS_THREADED = 1 << 22;
/** Columns of the input gradient per unit: ~1024 (a multiple of 8), so A's packing is amortised. */
const UNIT_COLUMNS = 1024;
/** Most slices (partial weight gradients), and the floats all of them may take. */
const MAX_SLICES = 4;
const SLICE_BUDGET_FLOATS = 1 << 21;
/** Fewest positions per range of a weight-gradient slice (the GEMM's k; its blocks are 256 deep). */
const MIN_RANGE = 256;

/**
 * Whether {@link wasmConv2dBackwardInput1x1} and {@link wasmConv2dBackwardWeight1x1} apply: a 1x1
 * kernel with stride 1 and no padding (dilation does not matter for 1x1), so each image's
 * channels are the rows of a matrix with H*W columns, on both sides of the convolution.
 *
 * @param g - The convolution's geometry.
 * @returns `true` for a 1x1, stride-1, unpadded geometry.
 * @example
 * ```ts
 * import { is1x1Stride1Conv2d } from '@torchlet/kernels';
 * const g = {
 *   batch: 1, inChannels: 4, inH: 3, inW: 3, outChannels: 2, kh: 1, kw: 1, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 3, outW: 3,
 * };
 * is1x1Stride1Conv2d(g); // -> true
 * is1x1Stride1Conv2d({ ...g, strideH: 2, strideW: 2, outH: 2, outW: 2 }); // -> false
 * ```
 */
export function is1x1Stride1Conv2d(g: Conv2dGeometry): boolean {
  checkConv2dGeometry('is1x1Stride1Conv2d', g);
  return (
    g.kh === 1 &&
    g.kw === 1 &&
    g.strideH === 1 &&
    g.strideW === 1 &&
    g.padTop === 0 &&
    g.padLeft === 0 &&
    g.outH === g.inH &&
    g.outW === g.inW
  );
}

/** The module, its workers and the per-thread GEMM workspace for one call. */
interface Plan {
  readonly mod: GemmExports;
  readonly pool: ThreadPool | null;
  readonly workers: number[];
  readonly ws: number;
  readonly work: number;
  /** First byte past the workspaces. */
  readonly at: number;
}

function plan(pool: ThreadPool | null, single: GemmExports, macs: number): Plan {
  const workers = pool !== null && macs >= PARALLEL_MIN_WORK ? readyWorkers(pool) : [];
  // Unsplit problems run on the single-threaded module (cheaper copies than shared memory); the
  // cut into units does not depend on it, so neither do the bits of the result.
  const split = pool !== null && workers.length > 0;
  const mod = split ? pool.exports : single;
  const ws = align64(mod.workspaceBytes());
  const work = align64(mod.heapBase());
  return { mod, pool: split ? pool : null, workers, ws, work, at: work + ws * (split ? pool.workers.length + 1 : 1) };
}

/** Runs `units` units of the descriptor's phase on the plan's threads; false if a worker failed (the pool is retired). */
function runUnits(p: Plan, descAt: number, units: number): boolean {
  if (p.pool === null) {
    p.mod.conv2dBackwardWeightPart(descAt, 0, units, p.work);
    return true;
  }
  const job = [descAt, 0, units, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, p.work];
  return runParallel(p.pool, p.workers, job, p.ws, true, 1, 3);
}

/** Images per staged chunk: the whole batch when it fits the budget, else as many as fit (at least one). */
function imagesPerChunk(p: Plan, batch: number, perImage: number): number {
  const budget = p.pool === null ? CHUNK_FLOATS : CHUNK_FLOATS_THREADED;
  return Math.max(1, Math.min(batch, Math.floor(budget / Math.max(1, perImage))));
}

/**
 * The input gradient of a 1x1, stride-1, unpadded conv2d ({@link is1x1Stride1Conv2d}) in
 * WebAssembly SIMD on dense float32 NCHW arrays: per image and group,
 * `dx[n, g] = w[g]^T @ dy[n, g]` with the channels as rows of H*W positions, run by the SIMD GEMM
 * straight on the staged images (no flipped weight, no column matrix). With `setThreads(n)`,
 * problems of at least `PARALLEL_MIN_WORK` multiply-adds are cut into (image, group, column range)
 * units that the threads claim. Each element is summed over the output channels in order in
 * float32, so the result does not depend on the thread count.
 *
 * Returns `true` when it computed `dx` (fully overwritten), `false` when it declined and left `dx`
 * untouched (the geometry is not 1x1 stride 1 unpadded, an operand is not a `Float32Array`, the
 * module is unavailable: see `ready`, or memory could not grow), so the caller runs its own kernel.
 * If a worker thread fails, the whole gradient is recomputed on the calling thread (after which
 * `dx` may be partly written if even that cannot get memory: it is then to be overwritten). Arguments are trusted: the caller validates the geometry and the
 * array lengths.
 *
 * Shapes: dy `[batch, outChannels, H, W]`, w `[outChannels, inChannels/groups, 1, 1]` ->
 * dx `[batch, inChannels, H, W]`.
 *
 * @param g - The convolution's geometry; see {@link Conv2dGeometry}.
 * @param dy - The gradient of the output, float32 `[batch, outChannels, H, W]`.
 * @param w - The filters, float32 `[outChannels, inChannels / groups, 1, 1]`.
 * @param dx - Receives the input gradient `[batch, inChannels, H, W]` (overwritten).
 * @returns `true` when WebAssembly computed `dx`, `false` when it declined and left `dx` untouched.
 * @see torch.nn.grad.conv2d_input
 * @example
 * ```ts
 * import { getBackendInfo, wasmConv2dBackwardInput1x1 } from '@torchlet/kernels';
 * const g = {
 *   batch: 1, inChannels: 2, inH: 1, inW: 2, outChannels: 1, kh: 1, kw: 1, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 1, outW: 2,
 * };
 * const dx = new Float32Array(4);
 * wasmConv2dBackwardInput1x1(g, new Float32Array([1, 2]), new Float32Array([3, 4]), dx); // -> true
 * Array.from(dx); // -> [3, 6, 4, 8]
 * getBackendInfo().lastKernel; // -> 'wasm-simd128-conv2d-1x1-backward-input-gemm'
 * ```
 */
export function wasmConv2dBackwardInput1x1(g: Conv2dGeometry, dy: FloatArray, w: FloatArray, dx: FloatArray): boolean {
  checkConv2dGeometry('wasmConv2dBackwardInput1x1', g);
  if (!is1x1Stride1Conv2d(g)) return false;
  const modules = convModules(WASM_CONV2D_1X1_BACKWARD_INPUT_KERNEL, [dy, w, dx]);
  if (modules === null) return false;
  const { batch, inChannels: cin, outChannels: cout, groups } = g;
  const l = g.inH * g.inW;
  const size = batch * cin * l;
  if (size === 0) return true;
  if (cout === 0) {
    dx.fill(0, 0, size);
    return true;
  }
  const macs = (batch * cout * cin * l) / groups;
  // A worker failure retires the pool: everything is recomputed on this thread (units overwrite).
  let done = inputGradient(plan(modules.pool, modules.single, macs), g, dy, w, dx);
  if (done === 'worker') done = inputGradient(plan(null, modules.single, macs), g, dy, w, dx);
  return done === 'ok';
}

/** Why a pass did not finish: memory could not grow (nothing written), or a worker failed (the pool is retired). */
type Outcome = 'ok' | 'memory' | 'worker';

/** The input gradient on plan `p` (see wasmConv2dBackwardInput1x1); notes the kernel that ran. */
function inputGradient(p: Plan, g: Conv2dGeometry, dy: FloatArray, w: FloatArray, dx: FloatArray): Outcome {
  const { batch, inChannels: cin, outChannels: cout, groups } = g;
  const cinG = cin / groups;
  const coutG = cout / groups;
  const l = g.inH * g.inW;
  const per = imagesPerChunk(p, batch, (cin + cout) * l);
  const { cols, colChunks } = columnTiles(l);
  const descAt = p.at;
  const wAt = align64(descAt + 4 * DESC_INTS);
  const dyAt = align64(wAt + 4 * cout * cinG);
  const dxAt = align64(dyAt + 4 * per * cout * l);
  // Clipped tiles read up to 7 floats past the last row of dy (into dx's region) and never use them.
  const mem = memoryView(p.mod, dxAt + 4 * per * cin * l + 64);
  if (mem === null) {
    noteKernel('js');
    return 'memory';
  }
  const desc = new Int32Array(mem.buffer, descAt, DESC_INTS);
  desc.fill(0);
  desc.set([cinG, coutG, groups, l, wAt, dyAt, dxAt, 0, 1, 0, 0, cols, colChunks]);
  desc[P_PHASE] = PHASE_INPUT;
  mem.set(w.subarray(0, cout * cinG), wAt / 4);
  const dyF = dyAt / 4;
  const dxF = dxAt / 4;
  for (let n0 = 0; n0 < batch; n0 += per) {
    const nb = Math.min(per, batch - n0);
    mem.set(dy.subarray(n0 * cout * l, (n0 + nb) * cout * l), dyF);
    desc[P_NB] = nb;
    if (!runUnits(p, descAt, nb * groups * colChunks)) {
      noteKernel('js');
      return 'worker';
    }
    dx.set(mem.subarray(dxF, dxF + nb * cin * l), n0 * cin * l);
  }
  noteKernel(threadsNote(WASM_CONV2D_1X1_BACKWARD_INPUT_KERNEL, p, per * groups * colChunks));
  return 'ok';
}

/**
 * The weight gradient of a 1x1, stride-1, unpadded conv2d ({@link is1x1Stride1Conv2d}) in
 * WebAssembly SIMD on dense float32 NCHW arrays: per group, `dw[g] = sum_n dy[n, g] @ x[n, g]^T`
 * with the channels as rows of H*W positions, run by the SIMD GEMM straight on the staged images
 * (no column matrix). The images are cut into S slices (image n in slice n mod S, S from the
 * geometry alone), each accumulated image after image into its own partial sum; with
 * `setThreads(n)` (problems of at least `PARALLEL_MIN_WORK` multiply-adds) the threads claim the
 * (slice, group) units, and the partials are added in slice order at the end, so the result is
 * the same bit for bit on any number of threads. Accumulates in float32.
 *
 * Returns `true` when it computed `dw` (fully overwritten), `false` when it declined and left `dw`
 * untouched (the geometry is not 1x1 stride 1 unpadded, an operand is not a `Float32Array`, the
 * module is unavailable: see `ready`, or memory could not grow), so the caller runs its own
 * kernel. If a worker thread fails, the whole gradient is recomputed on the calling thread. Arguments are trusted: the caller validates the geometry and the
 * array lengths.
 *
 * Shapes: dy `[batch, outChannels, H, W]`, x `[batch, inChannels, H, W]` ->
 * dw `[outChannels, inChannels/groups, 1, 1]`.
 *
 * @param g - The convolution's geometry; see {@link Conv2dGeometry}.
 * @param dy - The gradient of the output, float32 `[batch, outChannels, H, W]`.
 * @param x - The forward pass's input, float32 `[batch, inChannels, H, W]`.
 * @param dw - Receives the weight gradient `[outChannels, inChannels / groups, 1, 1]` (overwritten).
 * @returns `true` when WebAssembly computed `dw`, `false` when it declined and left `dw` untouched.
 * @see torch.nn.grad.conv2d_weight
 * @example
 * ```ts
 * import { getBackendInfo, wasmConv2dBackwardWeight1x1 } from '@torchlet/kernels';
 * const g = {
 *   batch: 1, inChannels: 2, inH: 1, inW: 2, outChannels: 1, kh: 1, kw: 1, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 1, outW: 2,
 * };
 * const dw = new Float32Array(2);
 * wasmConv2dBackwardWeight1x1(g, new Float32Array([1, 2]), new Float32Array([3, 4, 5, 6]), dw); // -> true
 * Array.from(dw); // -> [11, 17]
 * getBackendInfo().lastKernel; // -> 'wasm-simd128-conv2d-1x1-backward-weight-gemm'
 * ```
 */
export function wasmConv2dBackwardWeight1x1(g: Conv2dGeometry, dy: FloatArray, x: FloatArray, dw: FloatArray): boolean {
  checkConv2dGeometry('wasmConv2dBackwardWeight1x1', g);
  if (!is1x1Stride1Conv2d(g)) return false;
  const modules = convModules(WASM_CONV2D_1X1_BACKWARD_WEIGHT_KERNEL, [dy, x, dw]);
  if (modules === null) return false;
  const { batch, inChannels: cin, outChannels: cout, groups } = g;
  const cinG = cin / groups;
  const l = g.inH * g.inW;
  const dwSize = cout * cinG;
  if (dwSize === 0) return true;
  if (batch === 0 || l === 0) {
    dw.fill(0, 0, dwSize);
    return true;
  }
  const macs = batch * dwSize * l;
  // A worker failure retires the pool: everything is recomputed on this thread (dw is written last).
  let done = weightGradient(plan(modules.pool, modules.single, macs), g, dy, x, dw);
  if (done === 'worker') done = weightGradient(plan(null, modules.single, macs), g, dy, x, dw);
  return done === 'ok';
}

/** The weight gradient on plan `p` (see wasmConv2dBackwardWeight1x1); notes the kernel that ran. */
function weightGradient(p: Plan, g: Conv2dGeometry, dy: FloatArray, x: FloatArray, dw: FloatArray): Outcome {
  const { batch, inChannels: cin, outChannels: cout, groups } = g;
  const cinG = cin / groups;
  const coutG = cout / groups;
  const l = g.inH * g.inW;
  const dwSize = cout * cinG;
  const per = imagesPerChunk(p, batch, (cin + cout) * l);
  const { ranges, rangeLen, classes, slices } = weightSlices(batch, dwSize, l);
  const descAt = p.at;
  const partsAt = align64(descAt + 4 * DESC_INTS);
  const dyAt = align64(partsAt + 4 * slices * dwSize);
  const xAt = align64(dyAt + 4 * per * cout * l);
  const mem = memoryView(p.mod, xAt + 4 * per * cin * l);
  if (mem === null) {
    noteKernel('js');
    return 'memory';
  }
  const desc = new Int32Array(mem.buffer, descAt, DESC_INTS);
  desc.fill(0);
  desc.set([cinG, coutG, groups, l, 0, dyAt, xAt, partsAt, classes, 0, 0, 0, 0, ranges, rangeLen]);
  desc[P_PHASE] = PHASE_WEIGHT;
  const partsF = partsAt / 4;
  mem.fill(0, partsF, partsF + slices * dwSize);
  const dyF = dyAt / 4;
  const xF = xAt / 4;
  for (let n0 = 0; n0 < batch; n0 += per) {
    const nb = Math.min(per, batch - n0);
    mem.set(dy.subarray(n0 * cout * l, (n0 + nb) * cout * l), dyF);
    mem.set(x.subarray(n0 * cin * l, (n0 + nb) * cin * l), xF);
    desc[P_NB] = nb;
    desc[P_SHIFT] = n0 % classes;
    if (!runUnits(p, descAt, slices * groups)) {
      noteKernel('js');
      return 'worker';
    }
  }
  p.mod.conv2dSumSlices(partsAt, dwSize, slices);
  dw.set(mem.subarray(partsF, partsF + dwSize));
  noteKernel(threadsNote(WASM_CONV2D_1X1_BACKWARD_WEIGHT_KERNEL, p, slices * groups));
  return 'ok';
}

/** The input gradient's column tiles: ~UNIT_COLUMNS columns each (a multiple of 8), and how many. */
function columnTiles(l: number): { cols: number; colChunks: number } {
  const chunks = Math.ceil(l / Math.min(l, UNIT_COLUMNS));
  const cols = Math.ceil(Math.ceil(l / chunks) / 8) * 8;
  return { cols, colChunks: Math.ceil(l / cols) };
}

/**
 * The weight gradient's slices (see assembly/conv-backward-1x1.ts): position ranges of large
 * images, else classes of images; both from the geometry alone, so the bits do not depend on the
 * chunking or the threads.
 */
function weightSlices(
  batch: number,
  dwSize: number,
  l: number,
): { ranges: number; rangeLen: number; classes: number; slices: number } {
  const maxSlices = Math.max(1, Math.min(MAX_SLICES, Math.floor(SLICE_BUDGET_FLOATS / dwSize)));
  const ranges = Math.max(1, Math.min(maxSlices, Math.floor(l / MIN_RANGE)));
  const classes = Math.max(1, Math.min(batch, Math.floor(maxSlices / ranges)));
  return { ranges, rangeLen: Math.ceil(l / ranges), classes, slices: classes * ranges };
}

/**
 * Both gradients of a 1x1, stride-1, unpadded conv2d ({@link is1x1Stride1Conv2d}) from one copy
 * of `dy` into WebAssembly memory: what {@link wasmConv2dBackwardInput1x1} and
 * {@link wasmConv2dBackwardWeight1x1} compute, bit for bit (the same GEMMs, units and slices), but
 * each chunk of images crosses once: its `dy` and `x` in, the weight gradient's partial sums
 * accumulated, the input gradient computed from the same staged `dy`, then copied out. A training
 * step needs both gradients of every 1x1 layer but the first; calling the two kernels copies `dy`
 * in twice (MobileNetV2 at batch 8: ~110 MB per step).
 *
 * Returns `true` when it computed `dx` and `dw` (both fully overwritten), `false` when it declined
 * and left both untouched (not 1x1 stride 1 unpadded, an operand is not a `Float32Array`, the
 * module is unavailable: see `ready`, or memory could not grow), so the caller runs its own
 * kernels. If a worker thread fails, everything is recomputed on the calling thread. Arguments
 * are trusted: the caller validates the geometry and the array lengths.
 *
 * Shapes: dy `[batch, outChannels, H, W]`, x `[batch, inChannels, H, W]`,
 * w `[outChannels, inChannels/groups, 1, 1]` -> dx `[batch, inChannels, H, W]`, dw of w's shape.
 *
 * @param g - The convolution's geometry; see {@link Conv2dGeometry}.
 * @param dy - The gradient of the output, float32 `[batch, outChannels, H, W]`.
 * @param x - The forward pass's input, float32 `[batch, inChannels, H, W]`.
 * @param w - The filters, float32 `[outChannels, inChannels / groups, 1, 1]`.
 * @param dx - Receives the input gradient `[batch, inChannels, H, W]` (overwritten).
 * @param dw - Receives the weight gradient `[outChannels, inChannels / groups, 1, 1]` (overwritten).
 * @returns `true` when WebAssembly computed `dx` and `dw`, `false` when it declined and left them untouched.
 * @see torch.ops.aten.convolution_backward
 * @example
 * ```ts
 * import { getBackendInfo, wasmConv2dBackward1x1 } from '@torchlet/kernels';
 * const g = {
 *   batch: 1, inChannels: 2, inH: 1, inW: 2, outChannels: 1, kh: 1, kw: 1, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 1, outW: 2,
 * };
 * const dx = new Float32Array(4);
 * const dw = new Float32Array(2);
 * const dy = new Float32Array([1, 2]);
 * wasmConv2dBackward1x1(g, dy, new Float32Array([3, 4, 5, 6]), new Float32Array([3, 4]), dx, dw); // -> true
 * Array.from(dx); // -> [3, 6, 4, 8]
 * Array.from(dw); // -> [11, 17]
 * getBackendInfo().lastKernel; // -> 'wasm-simd128-conv2d-1x1-backward-gemm'
 * ```
 */
export function wasmConv2dBackward1x1(
  g: Conv2dGeometry,
  dy: FloatArray,
  x: FloatArray,
  w: FloatArray,
  dx: FloatArray,
  dw: FloatArray,
): boolean {
  checkConv2dGeometry('wasmConv2dBackward1x1', g);
  if (!is1x1Stride1Conv2d(g)) return false;
  const { batch, inChannels: cin, outChannels: cout, groups } = g;
  const l = g.inH * g.inW;
  // Empty problems: the single kernels' own rules (zeros, or nothing to write).
  if (batch === 0 || l === 0 || cin === 0 || cout === 0) {
    return wasmConv2dBackwardInput1x1(g, dy, w, dx) && wasmConv2dBackwardWeight1x1(g, dy, x, dw);
  }
  const modules = convModules(WASM_CONV2D_1X1_BACKWARD_KERNEL, [dy, x, w, dx, dw]);
  if (modules === null) return false;
  const macs = (2 * batch * cout * cin * l) / groups;
  // A worker failure retires the pool: everything is recomputed on this thread (units overwrite, dw is written last).
  let done = bothGradients(plan(modules.pool, modules.single, macs), g, dy, x, w, dx, dw);
  if (done === 'worker') done = bothGradients(plan(null, modules.single, macs), g, dy, x, w, dx, dw);
  return done === 'ok';
}

/** Both gradients on plan `p` (see wasmConv2dBackward1x1); notes the kernel that ran. */
function bothGradients(
  p: Plan,
  g: Conv2dGeometry,
  dy: FloatArray,
  x: FloatArray,
  w: FloatArray,
  dx: FloatArray,
  dw: FloatArray,
): Outcome {
  const { batch, inChannels: cin, outChannels: cout, groups } = g;
  const cinG = cin / groups;
  const coutG = cout / groups;
  const l = g.inH * g.inW;
  const dwSize = cout * cinG;
  const per = imagesPerChunk(p, batch, (2 * cin + cout) * l);
  const { cols, colChunks } = columnTiles(l);
  const { ranges, rangeLen, classes, slices } = weightSlices(batch, dwSize, l);
  const weightDescAt = p.at;
  const inputDescAt = align64(weightDescAt + 4 * DESC_INTS);
  const wAt = align64(inputDescAt + 4 * DESC_INTS);
  const partsAt = align64(wAt + 4 * dwSize);
  const dyAt = align64(partsAt + 4 * slices * dwSize);
  const xAt = align64(dyAt + 4 * per * cout * l);
  const dxAt = align64(xAt + 4 * per * cin * l);
  // The input phase's clipped tiles read up to 7 floats past the last row of dy (into x's region).
  const mem = memoryView(p.mod, dxAt + 4 * per * cin * l + 64);
  if (mem === null) {
    noteKernel('js');
    return 'memory';
  }
  const weightDesc = new Int32Array(mem.buffer, weightDescAt, DESC_INTS);
  weightDesc.fill(0);
  weightDesc.set([cinG, coutG, groups, l, 0, dyAt, xAt, partsAt, classes, 0, 0, 0, 0, ranges, rangeLen]);
  weightDesc[P_PHASE] = PHASE_WEIGHT;
  const inputDesc = new Int32Array(mem.buffer, inputDescAt, DESC_INTS);
  inputDesc.fill(0);
  inputDesc.set([cinG, coutG, groups, l, wAt, dyAt, dxAt, 0, 1, 0, 0, cols, colChunks]);
  inputDesc[P_PHASE] = PHASE_INPUT;
  mem.set(w.subarray(0, dwSize), wAt / 4);
  const partsF = partsAt / 4;
  mem.fill(0, partsF, partsF + slices * dwSize);
  const dyF = dyAt / 4;
  const xF = xAt / 4;
  const dxF = dxAt / 4;
  for (let n0 = 0; n0 < batch; n0 += per) {
    const nb = Math.min(per, batch - n0);
    mem.set(dy.subarray(n0 * cout * l, (n0 + nb) * cout * l), dyF);
    mem.set(x.subarray(n0 * cin * l, (n0 + nb) * cin * l), xF);
    weightDesc[P_NB] = nb;
    weightDesc[P_SHIFT] = n0 % classes;
    inputDesc[P_NB] = nb;
    if (!runUnits(p, weightDescAt, slices * groups) || !runUnits(p, inputDescAt, nb * groups * colChunks)) {
      noteKernel('js');
      return 'worker';
    }
    dx.set(mem.subarray(dxF, dxF + nb * cin * l), n0 * cin * l);
  }
  p.mod.conv2dSumSlices(partsAt, dwSize, slices);
  dw.set(mem.subarray(partsF, partsF + dwSize));
  noteKernel(threadsNote(WASM_CONV2D_1X1_BACKWARD_KERNEL, p, Math.max(slices, per * colChunks) * groups));
  return 'ok';
}

/** The kernel's name, with the thread count when more than one thread could take its units. */
function threadsNote(kernel: string, p: Plan, units: number): string {
  const threads = p.pool === null ? 1 : Math.min(p.workers.length + 1, units);
  return threads > 1 ? `${kernel} x${threads} threads` : kernel;
}
