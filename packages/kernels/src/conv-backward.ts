// The TypeScript face of assembly/conv-backward.ts: the float32 conv2d weight gradient, computed
// inside the module from the zero-bordered input and the upstream gradient (no im2col matrix, no
// packing). The batch crosses into WebAssembly memory in chunks of images (input and upstream
// gradient in once each); the gradient comes out once at the end.
//
// Linear memory, from the module's heap base (every region 64-byte aligned):
//   [ descriptor | tap offsets | partial sums (S slices) | zero-bordered input of one chunk |
//     its width phases (stride > 1) | upstream gradient of one chunk | slack ]

import type { Conv2dGeometry } from './conv.js';
import { convModules, descriptorHead, paddedSize, stageImages } from './conv-common.js';
import { align64, type FloatArray, memoryView, noteKernel, PARALLEL_MIN_WORK } from './gemm.js';
import { readyWorkers, runParallel } from './threads.js';

/** Name of the conv2d weight-gradient kernel. */
export const WASM_CONV2D_BACKWARD_WEIGHT_KERNEL = 'wasm-simd128-conv2d-backward-weight-2x4';

const DESC_INTS = 40;
/** Descriptor fields the host changes per staged chunk and per run (see assembly/conv-backward.ts). */
const D_NB = 28;
const D_SHIFT = 29;
const D_PHASE = 30;
/** Floor of the per-call staging budget (floats): small problems go through in one chunk. */
const CHUNK_MIN_FLOATS = 1 << 20;
/** Most slices (partial sums) a problem is cut into, and the floats all of them may take. */
const MAX_SLICES = 16;
const SLICE_BUDGET_FLOATS = 1 << 21;
/** Fewest units a problem worth threads is cut into (slices x column chunks). */
const MIN_UNITS = 8;
/**
 * Output positions per block: the accumulators' lanes are summed once per block and tile. Small
 * images are taken several at a time (tiles run over all their rows).
 */
const BLOCK_POSITIONS = 512;
/** The dy rows of one pass over a block (output channels x positions) should stay in L2. */
const BLOCK_FLOATS = 1 << 15;

/**
 * conv2d weight gradient in WebAssembly SIMD on dense float32 NCHW arrays:
 * `dw = dL/dw` of `conv2d(x, w)` for the upstream gradient `dy` (PyTorch's
 * `torch.nn.grad.conv2d_weight`), with any stride, padding (asymmetric: bottom and right are
 * implied by `outH`, `outW`), dilation and groups. Each image is padded inside the module, and a
 * 2 (output channels) x 4 (taps) tile of SIMD accumulators runs along the output rows, reading the
 * input and `dy` where they lie (a width stride is first undone by splitting each padded row into
 * its column phases), so no column matrix is ever built. The batch goes in chunks of images
 * (input and `dy` copied in once each), so the memory a call makes resident stays within about
 * one im2col buffer (groups x K x L floats, K = inChannels/groups x kh x kw, L = outH x outW)
 * plus the partial sums.
 *
 * Threads (`setThreads(n)`, problems of at least `PARALLEL_MIN_WORK` multiply-adds): the work is
 * cut into units (slice s: the images `n = s (mod S)`, times a range of dw's columns) that the
 * threads claim; each slice accumulates into its own partial sum, and the partials are added in
 * slice order at the end. The cut depends on the geometry only, so the result is the same bit for
 * bit on any number of threads. Accumulates in float32 (lanes of 4 positions per block of output
 * rows, then the lanes, then the blocks and images in order, then the slices).
 *
 * Returns `true` when it computed `dw` (fully overwritten), `false` when it declined and left `dw`
 * untouched (an operand is not a `Float32Array`, the module is unavailable: see `ready`, memory
 * could not grow, or a worker thread failed), so the caller runs its own kernel. Arguments are
 * trusted: the caller validates the geometry and the array lengths.
 *
 * Shapes: dy `[batch, outChannels, outH, outW]`, x `[batch, inChannels, inH, inW]` ->
 * dw `[outChannels, inChannels/groups, kh, kw]`.
 *
 * @param g - The convolution's sizes, stride, padding, dilation and groups; see {@link Conv2dGeometry}.
 * @param dy - The gradient of the output, float32 `[batch, outChannels, outH, outW]`.
 * @param x - The forward pass's input, float32 `[batch, inChannels, inH, inW]`.
 * @param dw - Receives the weight gradient `[outChannels, inChannels / groups, kh, kw]` (overwritten).
 * @returns `true` when WebAssembly computed `dw`, `false` when it declined and left `dw` untouched.
 * @see torch.nn.grad.conv2d_weight
 * @example
 * ```ts
 * import { wasmConv2dBackwardWeight } from '@torchlet/kernels';
 * const g = {
 *   batch: 1, inChannels: 1, inH: 3, inW: 3, outChannels: 1, kh: 2, kw: 2, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 2, outW: 2,
 * };
 * const dw = new Float32Array(4);
 * wasmConv2dBackwardWeight(g, new Float32Array([1, 1, 1, 1]), new Float32Array([0, 1, 2, 3, 4, 5, 6, 7, 8]),
 *   dw); // -> true
 * Array.from(dw); // -> [8, 12, 20, 24]
 * ```
 */
export function wasmConv2dBackwardWeight(g: Conv2dGeometry, dy: FloatArray, x: FloatArray, dw: FloatArray): boolean {
  const modules = convModules(WASM_CONV2D_BACKWARD_WEIGHT_KERNEL, [dy, x, dw]);
  if (modules === null) return false;
  const { pool, single } = modules;
  const { batch, inChannels: cin, inH, inW, outChannels: cout, kh, kw, groups } = g;
  const cinG = cin / groups;
  const m = cout / groups;
  const k = cinG * kh * kw;
  const l = g.outH * g.outW;
  const dwSize = cout * k;
  if (dwSize === 0) return true;
  if (batch === 0 || l === 0) {
    dw.fill(0, 0, dwSize);
    return true;
  }
  const sw = g.strideW;
  const { hp, wp, padded } = paddedSize(g);
  const wq = Math.ceil(wp / sw);
  const rs = sw * wq; // row stride of the layout the kernel reads
  const imgIn = cin * inH * inW;
  const imgSlot = cin * hp * wp;
  const imgPhases = sw > 1 ? cin * hp * rs : 0;
  const imgDy = cout * l;

  // Staging: chunks of `per` images, about one im2col buffer (groups * K * L floats) at most.
  const budget = Math.max(CHUNK_MIN_FLOATS, groups * k * l);
  const per = Math.ceil(batch / Math.min(batch, Math.ceil((batch * (imgSlot + imgPhases + imgDy)) / budget)));
  // The cut into units, from the geometry alone: slices (partial sums over images n = s mod S)
  // times column chunks (ranges of the items (group, 4-tap group)).
  const big = batch * cout * k * l >= PARALLEL_MIN_WORK;
  const items = groups * Math.ceil(k / 4);
  const slices = big ? Math.max(1, Math.min(batch, per, MAX_SLICES, Math.floor(SLICE_BUDGET_FLOATS / dwSize))) : 1;
  const perChunk = Math.ceil(items / (big ? Math.min(items, Math.ceil(MIN_UNITS / slices)) : 1));
  const chunks = Math.ceil(items / perChunk);
  const prepInUnit = chunks === 1;
  const workers = pool !== null && big ? readyWorkers(pool) : [];
  // Unsplit problems run on the single-threaded module (cheaper copies than shared memory); the
  // cut above does not depend on it, so neither do the bits of the result.
  const mod = pool !== null && workers.length > 0 ? pool.exports : single;
  // Blocks: rows of one image, or whole images `imgsPerBlock` at a time; channels `mc` at a time.
  let blockRows = g.outH;
  let imgsPerBlock = 1;
  if (l > BLOCK_POSITIONS) {
    const blocks = Math.ceil(g.outH / Math.max(1, Math.floor(BLOCK_POSITIONS / g.outW)));
    blockRows = Math.ceil(g.outH / blocks);
  } else imgsPerBlock = Math.max(1, Math.floor(BLOCK_POSITIONS / l));
  const mc = Math.min(m, Math.max(2, Math.floor(BLOCK_FLOATS / (blockRows * g.outW * imgsPerBlock)) & ~1));

  const descAt = align64(mod.heapBase());
  const tapAt = align64(descAt + 4 * DESC_INTS);
  const partsAt = align64(tapAt + 4 * k);
  const xpadAt = align64(partsAt + 4 * slices * dwSize);
  const xsAt = align64(xpadAt + 4 * per * imgSlot);
  const dyAt = align64(xsAt + 4 * per * imgPhases);
  // Masked steps at the end of a row read up to 3 floats past it.
  const mem = memoryView(mod, dyAt + 4 * per * imgDy + 64);
  if (mem === null) {
    noteKernel('js');
    return false;
  }
  const desc = new Int32Array(mem.buffer, descAt, DESC_INTS);
  desc.set([
    ...descriptorHead(g, per, hp, wp, xpadAt),
    dyAt,
    sw > 1 ? xsAt : 0,
    partsAt,
    tapAt,
    wq,
    slices,
    chunks,
    perChunk,
    0, // images staged (per chunk)
    0, // first image mod slices (per chunk)
    0, // phase (per run)
    prepInUnit ? 1 : 0,
    blockRows,
    padded ? 1 : 0,
    imgsPerBlock,
    mc,
    sw === 1 && g.strideH * wp === g.outW ? 1 : 0,
  ]);
  // Tap (c, i, j) reads column phase (j*dw mod sw), element floor(j*dw / sw) of its row.
  const taps = new Int32Array(mem.buffer, tapAt, k);
  let t = 0;
  for (let c = 0; c < cinG; c++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const col = j * g.dilationW;
        taps[t++] = (c * hp + i * g.dilationH) * rs + (col % sw) * wq + Math.floor(col / sw);
      }
    }
  }
  const partsF = partsAt / 4;
  mem.fill(0, partsF, partsF + slices * dwSize);

  const xpadF = xpadAt / 4;
  const dyF = dyAt / 4;
  const units = slices * chunks;
  const prepare = (padded || sw > 1) && !prepInUnit;
  const job = [descAt, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  let usedThreads = 1;
  for (let n0 = 0; n0 < batch; n0 += per) {
    const nb = Math.min(per, batch - n0);
    stageImages(mem, xpadF, x, n0, nb, imgIn, imgSlot, padded);
    mem.set(dy.subarray(n0 * imgDy, (n0 + nb) * imgDy), dyF);
    desc[D_NB] = nb;
    desc[D_SHIFT] = n0 % slices;
    if (pool !== null && workers.length > 0) {
      // Units accumulate into the partial sums: after a worker failure they cannot be redone, so
      // the caller's kernel takes over (the pool is retired).
      job[2] = nb;
      desc[D_PHASE] = 0;
      let ok = !prepare || runParallel(pool, workers, job, 0, true, 1, 3);
      job[2] = units;
      desc[D_PHASE] = 1;
      ok = ok && runParallel(pool, workers, job, 0, true, 1, 3);
      if (!ok) {
        noteKernel('js');
        return false;
      }
      usedThreads = Math.max(usedThreads, Math.min(workers.length + 1, units));
    } else {
      if (prepare) {
        desc[D_PHASE] = 0;
        mod.conv2dBackwardWeightPart(descAt, 0, nb, 0);
      }
      desc[D_PHASE] = 1;
      mod.conv2dBackwardWeightPart(descAt, 0, units, 0);
    }
  }
  mod.conv2dSumSlices(partsAt, dwSize, slices);
  dw.set(mem.subarray(partsF, partsF + dwSize));
  if (usedThreads > 1) noteKernel(`${WASM_CONV2D_BACKWARD_WEIGHT_KERNEL} x${usedThreads} threads`);
  return true;
}
