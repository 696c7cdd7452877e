// The TypeScript face of assembly/conv.ts: a float32 conv2d forward pass whose operands cross into
// WebAssembly memory once (input, weights and bias in, output out), with the unfold, the packing
// and the GEMM micro-kernel all inside the module.
//
// Linear memory, from the module's heap base (every region 64-byte aligned):
//   [ per-thread scratch | descriptor | tap offsets | column offsets | sliver modes | raw weights |
//     packed weights | bias | input | zero-bordered input (when padded) | output ]

import { align64, type FloatArray, memoryView, noteKernel } from './gemm.js';
import { gemmModule } from './loader.js';
import { readyWorkers, runParallel, threadPool } from './threads.js';

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

/** Name of the conv2d forward kernel. */
export const WASM_CONV2D_KERNEL = 'wasm-simd128-conv2d-implicit-4x8';

/** Largest block of taps (the GEMM's k) per pass; blocks are balanced, e.g. 576 taps -> 2 x 288. */
const KC_MAX = 384;
/** The packed weights of one block (Cout/groups rounded up to 4, times kc) should stay in L2. */
const A_BLOCK_FLOATS = 1 << 17;
const DESC_INTS = 32;

/**
 * conv2d forward in WebAssembly SIMD on dense float32 NCHW arrays:
 * `out = conv2d(x, w) + bias` (cross-correlation, as PyTorch's `conv2d`), with any stride,
 * padding, dilation and groups. The input goes into WebAssembly memory once and the output comes
 * out once; the unfold (im2col) happens inside the module, 8 output positions at a time, straight
 * into the layout of the GEMM micro-kernel, so no column matrix is ever built. With
 * `setThreads(n)`, problems of at least `PARALLEL_MIN_WORK` multiply-adds are cut into
 * (image, column range) units that the threads claim. Accumulates in float32; results do not
 * depend on the thread count.
 *
 * Returns `true` when it computed `out` (fully overwritten), `false` when it declined and left
 * `out` untouched (an operand is not a `Float32Array`, or the module is unavailable: see `ready`),
 * so the caller runs its own kernel. Arguments are trusted: the caller validates the geometry and
 * the array lengths.
 *
 * Shapes: x `[batch, inChannels, inH, inW]`, w `[outChannels, inChannels/groups, kh, kw]`,
 * bias `[outChannels]` or null -> out `[batch, outChannels, outH, outW]`.
 *
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
): boolean {
  if (
    !(x instanceof Float32Array && w instanceof Float32Array && out instanceof Float32Array) ||
    (bias !== null && !(bias instanceof Float32Array))
  ) {
    noteKernel('js');
    return false;
  }
  const pool = threadPool();
  const mod = pool !== null ? pool.exports : gemmModule();
  if (mod === null) {
    noteKernel('js');
    return false;
  }
  noteKernel(WASM_CONV2D_KERNEL);
  const { batch, inChannels: cin, inH, inW, outChannels: cout, kh, kw, groups } = g;
  const cinG = cin / groups;
  const m = cout / groups;
  const k = cinG * kh * kw;
  const l = g.outH * g.outW;
  const outSize = batch * cout * l;
  if (outSize === 0) return true;
  if (k === 0) {
    for (let n = 0; n < batch; n++) {
      for (let oc = 0; oc < cout; oc++)
        out.fill(bias === null ? 0 : bias[oc], (n * cout + oc) * l, (n * cout + oc + 1) * l);
    }
    return true;
  }
  const mp = (m + 3) & ~3;
  const kcCap = Math.max(64, Math.min(KC_MAX, Math.floor(A_BLOCK_FLOATS / mp)));
  const kc = Math.ceil(k / Math.ceil(k / kcCap));
  const hp = Math.max(inH + g.padTop, (g.outH - 1) * g.strideH + (kh - 1) * g.dilationH + 1);
  const wp = Math.max(inW + g.padLeft, (g.outW - 1) * g.strideW + (kw - 1) * g.dilationW + 1);
  const padded = hp !== inH || wp !== inW || g.padTop !== 0 || g.padLeft !== 0;
  const nSl = (l + 7) >> 3;
  const xSize = batch * cin * inH * inW;

  const workers = pool !== null && batch * cout * l * k >= 2 ** 22 ? readyWorkers(pool) : [];
  const threads = workers.length + 1;
  // Units of work: whole images, or (with threads and few images) column ranges of them.
  const chunks = threads > 1 ? Math.min(nSl, Math.max(1, Math.ceil((8 * threads) / batch))) : 1;
  const perChunk = Math.ceil(nSl / chunks);
  const chunksUsed = Math.ceil(nSl / perChunk);
  // Whole-image units pad their own image; column-range units need the images padded first.
  const padInUnit = padded && chunksUsed === 1;

  const ws = align64(kc * 32 + 128); // conv2dWorkBytes
  const work = align64(mod.heapBase());
  const descAt = work + ws * threads;
  const tapAt = align64(descAt + 4 * DESC_INTS);
  const colAt = align64(tapAt + 4 * k);
  const modeAt = align64(colAt + 4 * l);
  const wrawAt = align64(modeAt + 4 * nSl);
  const wpackAt = align64(wrawAt + 4 * cout * k);
  const biasAt = align64(wpackAt + 4 * groups * mp * k);
  const xAt = align64(biasAt + 4 * cout);
  const xpadAt = padded ? align64(xAt + 4 * xSize) : xAt;
  const outAt = align64(xpadAt + 4 * (padded ? batch * cin * hp * wp : xSize));
  const mem = memoryView(mod, outAt + 4 * outSize);
  if (mem === null) {
    noteKernel('js');
    return false;
  }

  const desc = new Int32Array(mem.buffer, descAt, DESC_INTS);
  desc.set([
    batch,
    cin,
    inH,
    inW,
    cout,
    kh,
    kw,
    groups,
    g.strideH,
    g.strideW,
    g.padTop,
    g.padLeft,
    g.dilationH,
    g.dilationW,
    g.outH,
    g.outW,
    hp,
    wp,
    xAt,
    xpadAt,
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
  ]);
  mem.set(w.subarray(0, cout * k), wrawAt >> 2);
  if (bias !== null) mem.set(bias.subarray(0, cout), biasAt >> 2);
  mem.set(x.subarray(0, xSize), xAt >> 2);
  mod.conv2dPrepare(descAt);

  const units = batch * chunksUsed;
  let done = false;
  if (pool !== null && workers.length > 0) {
    const job = [descAt, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, work];
    job[2] = batch;
    done = !padded || padInUnit || runParallel(pool, workers, job, ws, true, 1, 1);
    job[2] = units;
    done = done && runParallel(pool, workers, job, ws, true, 1, 2);
    if (done) noteKernel(`${WASM_CONV2D_KERNEL} x${Math.min(threads, units)} threads`);
  }
  if (!done) {
    // One thread (or a worker threw: recompute everything here).
    if (padded && !padInUnit) mod.conv2dPadPart(descAt, 0, batch);
    mod.conv2dForwardPart(descAt, 0, units, work);
  }
  out.set(mem.subarray(outAt >> 2, (outAt >> 2) + outSize));
  return true;
}
