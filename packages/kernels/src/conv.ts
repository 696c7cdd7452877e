// The TypeScript face of assembly/conv.ts: a float32 conv2d forward pass with the unfold, the
// packing and the GEMM micro-kernel all inside the module. The batch crosses into WebAssembly
// memory in chunks of images (input in, output out, once each), so the memory a call makes
// resident stays bounded whatever the batch size.
//
// Linear memory, from the module's heap base (every region 64-byte aligned):
//   [ weight cache (weight-cache.ts) | per-thread scratch | descriptor | tap offsets |
//     column offsets | sliver modes | raw weights | packed weights | bias |
//     zero-bordered input of one chunk | output of one chunk ]
// With a weight key, the packed weights live in the cache instead (and the raw weights are copied
// in only when they must be packed again).

import { convModules, descriptorHead, fillWithBias, paddedSize, stageImages } from './conv-common.js';
import { align64, type FloatArray, memoryView, noteKernel } from './gemm.js';
import { isPointwiseConv2d, pointwiseForward } from './pointwise.js';
import { CONV2D_PARALLEL_MIN_WORK, PARALLEL_ALWAYS_MIN_WORK } from './thread-thresholds.js';
import { readyWorkers, runParallel, splitsPay } from './threads.js';
import { type WeightKey, weightSlot } from './weight-cache.js';
import { checkWinogradForced, preferWinograd, winogradForward } from './winograd.js';

/**
 * The geometry of a 2-D convolution, in elements: the same fields as `@torchlet/ops`'s
 * `ConvGeometry`. Bottom and right padding are implied by `outH` and `outW`
 * (`outH = floor((inH + padTop + padBottom - dilationH*(kh-1) - 1) / strideH) + 1`).
 *
 * @example
 * ```ts
 * import type { Conv2dGeometry } from '@torchlet/kernels';
 * const g: Conv2dGeometry = {
 *   batch: 1, inChannels: 1, inH: 3, inW: 3, outChannels: 1, kh: 2, kw: 2, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 2, outW: 2,
 * };
 * g.outH * g.outW; // -> 4
 * ```
 */
export interface Conv2dGeometry {
  readonly batch: number;
  readonly inChannels: number;
  readonly inH: number;
  readonly inW: number;
  readonly outChannels: number;
  readonly kh: number;
  readonly kw: number;
  readonly groups: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly outH: number;
  readonly outW: number;
}

/**
 * An activation fused into the conv2d forward pass, applied to each output as soon as it is final:
 * `'relu'` (`x <= 0 ? 0 : x`, NaN stays NaN, as `relu`) or `{ clamp: [lo, hi] }`
 * (`min(max(x, lo), hi)`, NaN stays NaN, as `clamp`; ReLU6 is `{ clamp: [0, 6] }`).
 *
 * @example
 * ```ts
 * import type { Conv2dActivation } from '@torchlet/kernels';
 * const relu6: Conv2dActivation = { clamp: [0, 6] };
 * relu6.clamp[1]; // -> 6
 * ```
 */
export type Conv2dActivation = 'relu' | { readonly clamp: readonly [number, number] };

/**
 * Options of {@link wasmConv2dForward}.
 *
 * @example
 * ```ts
 * import type { Conv2dForwardOptions } from '@torchlet/kernels';
 * const w = new Float32Array(4);
 * const options: Conv2dForwardOptions = { activation: 'relu', weightKey: { owner: w, layout: '', version: 0 } };
 * options.activation; // -> 'relu'
 * ```
 */
export interface Conv2dForwardOptions {
  /**
   * When given, the packed weights stay in WebAssembly memory and later calls with the same key
   * (same owner object, layout and version) and packing reuse them without copying or packing
   * `w` again (see {@link setWeightCacheBytes}); the caller promises that an equal key means equal
   * values of `w`. Default: none (the weights are copied and packed on every call).
   */
  readonly weightKey?: WeightKey | null;
  /** Applied to every output inside the pass (default none); see {@link Conv2dActivation}. */
  readonly activation?: Conv2dActivation | null;
  /**
   * Which algorithm computes the pass (default `'auto'`): `'gemm'` the implicit (or 1x1) GEMM,
   * `'winograd'` the Winograd F(2x2, 3x3) kernel (3x3, stride 1, dilation 1, groups 1 only: any
   * other geometry throws a `KernelArgumentError`; see {@link wasmWinogradConv2dForward}), `'auto'`
   * Winograd where it is measured faster (see {@link preferWinograd}), else the GEMM.
   */
  readonly algorithm?: 'auto' | 'gemm' | 'winograd';
}

/** Name of the conv2d forward kernel. */
export const WASM_CONV2D_KERNEL = 'wasm-simd128-conv2d-implicit-4x8';

/** The descriptor's activation fields (assembly/conv.ts): the kind, then the clamp bounds as f32. */
const ACT_NONE = 0;
const ACT_RELU = 1;
const ACT_CLAMP = 2;
const D_ACT_LO = 33;

/**
 * Above this many bytes of packed weights per group, the pass walks the k blocks outside the
 * slivers of a unit (assembly/conv.ts, D_BLOCKS_OUTER): each block (at most A_BLOCK_FLOATS) is then
 * read from memory once per unit and from L2 for the unit's other slivers, instead of the whole
 * weight set streaming from L3 or memory once per sliver. Below it the weights stay in L2 anyway,
 * and the sliver-outer order keeps each sliver's outputs in L1 across blocks. Both orders add the
 * same terms in the same order (the same bits). Measured (one thread, batch 1, CPU time, packed
 * weights cached, 3 alternating runs on a loaded machine): ResNet-18's 256x256 3x3 at 14x14 (2.4 MB)
 * 7.3 ms against 8.2-8.9 ms; at 28x28x128 (0.6 MB) no gain (6.5-6.8 against 6.4-6.6 ms), hence
 * the 1 MiB threshold; the 512x512 at 7x7 (9.4 MB) within the noise (10.0-10.2 against 9.0-10.4 ms).
 */
export const BLOCKS_OUTER_MIN_BYTES = 1024 * 1024;

/** Largest block of taps (the GEMM's k) per pass; blocks are balanced, e.g. 576 taps -> 2 x 288. */
const KC_MAX = 384;
/** The packed weights of one block (Cout/groups rounded up to 4, times kc) should stay in L2. */
const A_BLOCK_FLOATS = 1 << 17;
const DESC_INTS = 36;
/** Floor of the per-call staging budget (floats): small problems go through in one chunk. */
const CHUNK_MIN_FLOATS = 1 << 20;

/**
 * conv2d forward in WebAssembly SIMD on dense float32 NCHW arrays:
 * `out = conv2d(x, w) + bias` (cross-correlation, as PyTorch's `conv2d`), with any stride,
 * padding, dilation and groups. The batch goes into WebAssembly memory a chunk of images at a
 * time (input in once, output out once), so the memory a call makes resident stays within about
 * one im2col buffer per thread; the unfold (im2col) happens inside the module, 8 output positions
 * at a time, straight into the layout of the GEMM micro-kernel, so no column matrix is ever built. With
 * `setThreads(n)`, problems of at least 2^25 multiply-adds are cut into
 * (image, column range) units that the threads claim. Accumulates in float32; results do not
 * depend on the thread count. With `options.weightKey`, the packed weights are cached in
 * WebAssembly memory across calls; `options.activation` fuses ReLU or a clamp into the pass.
 * Dense 3x3 stride-1 convs with enough output tiles per image run the Winograd F(2x2, 3x3) kernel
 * instead (see {@link preferWinograd} and {@link wasmWinogradConv2dForward}; `options.algorithm`
 * chooses), and 1x1 unpadded convs with groups 1 the pointwise kernel.
 *
 * Returns `true` when it computed `out` (fully overwritten), `false` when it declined and left
 * `out` untouched (an operand is not a `Float32Array`, or the module is unavailable: see `ready`),
 * so the caller runs its own kernel. Arguments are trusted: the caller validates the geometry and
 * the array lengths.
 *
 * Shapes: x `[batch, inChannels, inH, inW]`, w `[outChannels, inChannels/groups, kh, kw]`,
 * bias `[outChannels]` or null -> out `[batch, outChannels, outH, outW]`.
 *
 * @param g - The convolution's sizes, stride, padding, dilation and groups; see {@link Conv2dGeometry}.
 * @param x - The input, float32 `[batch, inChannels, inH, inW]`.
 * @param w - The filters, float32 `[outChannels, inChannels / groups, kh, kw]`.
 * @param bias - Per-output-channel bias, `outChannels` elements, or `null` for none.
 * @param out - Receives the output `[batch, outChannels, outH, outW]` (overwritten).
 * @param options - A key for the packed-weight cache and a fused activation; see {@link Conv2dForwardOptions}.
 * @returns `true` when WebAssembly computed `out`, `false` when it declined and left `out` untouched.
 * @see torch.nn.functional.conv2d
 * @example
 * ```ts
 * import { wasmConv2dForward } from '@torchlet/kernels';
 * const g = {
 *   batch: 1, inChannels: 1, inH: 3, inW: 3, outChannels: 1, kh: 2, kw: 2, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 2, outW: 2,
 * };
 * const out = new Float32Array(4);
 * wasmConv2dForward(g, new Float32Array([0, 1, 2, 3, 4, 5, 6, 7, 8]), new Float32Array([0, 1, 2, 3]),
 *   new Float32Array([1]), out); // -> true
 * Array.from(out); // -> [20, 26, 38, 44]
 * ```
 */
export function wasmConv2dForward(
  g: Conv2dGeometry,
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | null,
  out: FloatArray,
  options: Conv2dForwardOptions = {},
): boolean {
  const algorithm = options.algorithm ?? 'auto';
  if (algorithm === 'winograd') {
    checkWinogradForced('wasmConv2dForward', g);
    return winogradForward(g, x, w, bias, out, options);
  }
  // 1x1, groups 1, no padding: a GEMM on the NCHW layout with no unfold (pointwise.ts).
  if (isPointwiseConv2d(g)) return pointwiseForward(g, x, w, bias, out, options);
  // 3x3 stride 1 with enough tiles per weight: Winograd, whatever the thread count (so results do
  // not depend on it). It declines on infinities and NaN (see winogradForward): the GEMM then gives
  // PyTorch's values.
  if (algorithm === 'auto' && preferWinograd(g) && winogradForward(g, x, w, bias, out, options, true)) return true;
  const modules = convModules(WASM_CONV2D_KERNEL, [x, w, bias, out]);
  if (modules === null) return false;
  const { pool, single } = modules;
  const { batch, inChannels: cin, inH, inW, outChannels: cout, kh, kw, groups } = g;
  const cinG = cin / groups;
  const m = cout / groups;
  const k = cinG * kh * kw;
  const l = g.outH * g.outW;
  const outSize = batch * cout * l;
  if (outSize === 0) return true;
  const activation = options.activation ?? null;
  if (k === 0) {
    fillWithBias(out, bias, activation, batch, cout, l);
    return true;
  }
  const mp = Math.ceil(m / 4) * 4;
  const kcCap = Math.max(64, Math.min(KC_MAX, Math.floor(A_BLOCK_FLOATS / mp)));
  const kc = Math.ceil(k / Math.ceil(k / kcCap));
  const { hp, wp, padded } = paddedSize(g);
  const nSl = Math.ceil(l / 8);
  const imgIn = cin * inH * inW;
  const imgSlot = cin * hp * wp; // an image's slot of the zero-bordered buffer (= imgIn unpadded)
  const imgOut = cout * l;

  // The batch goes through in chunks of `per` images: WebAssembly memory holds only their padded
  // input and output (plus the packed weights and tables), at most about one im2col buffer
  // (k * groups * l floats) per thread, so the first call grows it by a bounded amount.
  const macs = batch * cout * l * k;
  const split =
    pool !== null && macs >= CONV2D_PARALLEL_MIN_WORK && (macs >= PARALLEL_ALWAYS_MIN_WORK || splitsPay(pool));
  const workers = pool !== null && split ? readyWorkers(pool) : [];
  const threads = workers.length + 1;
  // Unsplit convolutions run on the single-threaded module (cheaper copies than shared memory).
  const mod = pool !== null && workers.length > 0 ? pool.exports : single;
  const budget = Math.max(CHUNK_MIN_FLOATS, Math.floor((threads * groups * k * l) / 2));
  const parts = Math.min(batch, Math.ceil((batch * (imgSlot + imgOut)) / budget));
  const per = Math.ceil(batch / parts);
  // Weight-bound layers walk the k blocks outside the slivers (see BLOCKS_OUTER_MIN_BYTES).
  const blocksOuter = 4 * mp * k > BLOCKS_OUTER_MIN_BYTES && k > kc;
  // Units of work: whole images, or (with threads and few images) column ranges of them: about 8
  // per thread for balance, but one per thread on weight-bound layers, whose units each stream all
  // the weights from memory (ResNet-18's 512x512 3x3 at 7x7, batch 1, 2 threads: 1.08-1.11x wall,
  // 1.11x less CPU time; its 256 -> 512 stride 2: 1.17-1.22x wall).
  const unitsPerImage = blocksOuter ? threads : 8 * threads;
  const chunks = threads > 1 ? Math.min(nSl, Math.max(1, Math.ceil(unitsPerImage / per))) : 1;
  const perChunk = Math.ceil(nSl / chunks);
  const chunksUsed = Math.ceil(nSl / perChunk);
  // Whole-image units pad their own image; column-range units need the images padded first.
  const padInUnit = padded && chunksUsed === 1;

  // Find (or reserve) the cached packed weights first: reserving moves heapBase() above the slot.
  const packedBytes = 4 * groups * mp * k;
  const key = options.weightKey ?? null;
  const slot = key === null ? null : weightSlot(mod, key, `${cout},${k},${groups},${mp},${kc}`, packedBytes);
  const packed = slot?.hit === true;
  const ws = align64(kc * 32 + 128); // conv2dWorkBytes
  const work = align64(mod.heapBase());
  const descAt = work + ws * threads;
  const tapAt = align64(descAt + 4 * DESC_INTS);
  const colAt = align64(tapAt + 4 * k);
  const modeAt = align64(colAt + 4 * l);
  const wrawAt = align64(modeAt + 4 * nSl);
  const wpackScratchAt = align64(wrawAt + (packed ? 0 : 4 * cout * k));
  const wpackAt = slot === null ? wpackScratchAt : slot.at;
  const biasAt = align64(wpackScratchAt + (slot === null ? packedBytes : 0));
  const xpadAt = align64(biasAt + 4 * cout);
  const outAt = align64(xpadAt + 4 * per * imgSlot);
  const mem = memoryView(mod, outAt + 4 * per * imgOut);
  if (mem === null) {
    noteKernel('js');
    return false;
  }

  const desc = new Int32Array(mem.buffer, descAt, DESC_INTS);
  desc.set([
    ...descriptorHead(g, per, hp, wp, xpadAt),
    wrawAt,
    wpackAt,
    bias === null ? 0 : biasAt,
    outAt,
    tapAt,
    colAt,
    modeAt,
    kc,
    chunksUsed,
    perChunk,
    padInUnit ? 1 : 0,
    packed ? 1 : 0,
    activation === null ? ACT_NONE : activation === 'relu' ? ACT_RELU : ACT_CLAMP,
    0,
    0,
    blocksOuter ? 1 : 0,
  ]);
  if (activation !== null && activation !== 'relu') {
    new Float32Array(mem.buffer, descAt + 4 * D_ACT_LO, 2).set(activation.clamp);
  }
  if (!packed) mem.set(w.subarray(0, cout * k), wrawAt / 4);
  if (bias !== null) mem.set(bias.subarray(0, cout), biasAt / 4);
  mod.conv2dPrepare(descAt);
  slot?.commit();

  const xpadF = xpadAt / 4;
  const outF = outAt / 4;
  const stage = (n0: number, nb: number): void => stageImages(mem, xpadF, x, n0, nb, imgIn, imgSlot, padded);
  let usedThreads = 1;
  let parallel = pool !== null && workers.length > 0;
  const job = [descAt, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, work];
  for (let n0 = 0; n0 < batch; n0 += per) {
    const nb = Math.min(per, batch - n0);
    stage(n0, nb);
    const units = nb * chunksUsed;
    let done = false;
    if (parallel && pool !== null) {
      job[2] = nb;
      done = !padded || padInUnit || runParallel(pool, workers, job, ws, true, 1, 1);
      job[2] = units;
      done = done && runParallel(pool, workers, job, ws, true, 1, 2);
      if (done) usedThreads = Math.max(usedThreads, Math.min(threads, units));
      // A worker threw (the pool is retired): this chunk, maybe half padded, is redone below
      // from the original input, and later chunks run on this thread.
      else {
        parallel = false;
        if (padded) stage(n0, nb);
      }
    }
    if (!done) {
      if (padded && !padInUnit) mod.conv2dPadPart(descAt, 0, nb);
      mod.conv2dForwardPart(descAt, 0, units, work);
    }
    out.set(mem.subarray(outF, outF + nb * imgOut), n0 * imgOut);
  }
  if (usedThreads > 1) noteKernel(`${WASM_CONV2D_KERNEL} x${usedThreads} threads`);
  return true;
}
