// The TypeScript face of assembly/winograd.ts: a Winograd F(2x2, 3x3) conv2d forward pass for dense
// 3x3 filters with stride 1, dilation 1 and groups 1 (any padding). The transformed weights
// (16 x Cout x Cin) are computed once per weight and kept in the packed-weight cache
// (weight-cache.ts); the input is staged a chunk of images at a time, as in conv.ts.
//
// Linear memory, from the module's heap base (every region 64-byte aligned):
//   [ weight cache | per-thread scratch | descriptor | raw weights | transformed weights (when not
//     cached) | bias | zero-bordered input of one chunk | output of one chunk ]

import type { Conv2dForwardOptions, Conv2dGeometry } from './conv.js';
import {
  checkActivationOption,
  checkConv2dGeometry,
  checkFloatOperand,
  convModules,
  descriptorHead,
  fillWithBias,
  geometryText,
  stageImages,
} from './conv-common.js';
import { KernelArgumentError } from './errors.js';
import { align64, type FloatArray, memoryView, noteKernel } from './gemm.js';
import type { GemmExports } from './loader.js';
import { CONV2D_PARALLEL_MIN_WORK, PARALLEL_ALWAYS_MIN_WORK } from './thread-thresholds.js';
import { readyWorkers, runParallel, splitsPay } from './threads.js';
import { weightSlot } from './weight-cache.js';

/** Name of the Winograd conv2d forward kernel (in `getBackendInfo().lastKernel` after it ran). */
export const WASM_WINOGRAD_KERNEL = 'wasm-simd128-conv2d-winograd-f2x2-3x3';

interface WinogradExports extends GemmExports {
  winogradPrepare(desc: number): void;
  winogradForwardPart(desc: number, u0: number, u1: number, work: number): void;
  winogradWorkBytes(desc: number): number;
  winogradAllFinite(at: number, n: number): number;
}

const DESC_INTS = 32;
const D_ACT_LO = 26;
const ACT_NONE = 0;
const ACT_RELU = 1;
const ACT_CLAMP = 2;
/**
 * Most bytes of one unit's transformed input V and products M (64 x tiles x (Cin + Cout)), the size
 * of the L2: every unit reads all 16 x Cout x Cin transformed weights, so fewer, larger units read
 * them fewer times. Measured (CPU time, one thread, load ~11, GEMM / Winograd): 2 MB against 1 MB
 * units, ResNet-18's [1,256,14,14] 1.54x against 1.14x (one unit of 49 tiles instead of two),
 * [1,128,28,28] 1.83x against 1.62x, [1,64,56,56] 1.62x against 1.57x.
 */
const UNIT_BYTES = 2 << 20;
/** Staging budget in floats (zero-bordered input and output of a chunk of images; at least one image). */
const CHUNK_FLOATS = 1 << 21;

/**
 * Whether {@link wasmWinogradConv2dForward} can compute a geometry: a 3x3 kernel, stride 1,
 * dilation 1 and groups 1 (any padding; the bottom and right padding are implied by outH and outW),
 * with at least one input and one output channel.
 *
 * @param g - A convolution geometry; see {@link Conv2dGeometry}.
 * @returns `true` when the Winograd kernel can compute it.
 * @example
 * ```ts
 * import { isWinogradConv2d } from '@torchlet/kernels';
 * const g = {
 *   batch: 1, inChannels: 8, inH: 6, inW: 6, outChannels: 8, kh: 3, kw: 3, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 1, padLeft: 1, dilationH: 1, dilationW: 1, outH: 6, outW: 6,
 * };
 * isWinogradConv2d(g); // -> true
 * isWinogradConv2d({ ...g, strideH: 2, strideW: 2, outH: 3, outW: 3 }); // -> false
 * ```
 */
export function isWinogradConv2d(g: Conv2dGeometry): boolean {
  checkConv2dGeometry('isWinogradConv2d', g);
  return (
    g.kh === 3 &&
    g.kw === 3 &&
    g.strideH === 1 &&
    g.strideW === 1 &&
    g.dilationH === 1 &&
    g.dilationW === 1 &&
    g.groups === 1 &&
    g.inChannels >= 1 &&
    g.outChannels >= 1
  );
}

/**
 * Whether `wasmConv2dForward` runs a geometry through the Winograd kernel when its options leave
 * the choice to it (`algorithm: 'auto'`, on one thread): a Winograd geometry (see
 * {@link isWinogradConv2d}) with at least 16 input and 16 output channels and at least 48 output
 * tiles of 2x2 per image (the work is cut into blocks of one image's tiles, each of which reads all
 * the transformed weights), so that the 2.25x fewer multiplies pay for the transforms and for the
 * 16/9 larger transformed weights. Measured A/B in one process, one thread
 * (packages/kernels/README.md): ResNet-18's 3x3 layers at 56x56, 28x28 and 14x14 win at batch 1
 * and 8; its 512-channel layer at 7x7 (16 tiles per image) loses at batch 1 and 8.
 *
 * @param g - A convolution geometry; see {@link Conv2dGeometry}.
 * @returns `true` when 'auto' prefers the Winograd kernel for `g`.
 * @example
 * ```ts
 * import { preferWinograd } from '@torchlet/kernels';
 * const g = {
 *   batch: 1, inChannels: 64, inH: 56, inW: 56, outChannels: 64, kh: 3, kw: 3, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 1, padLeft: 1, dilationH: 1, dilationW: 1, outH: 56, outW: 56,
 * };
 * preferWinograd(g); // -> true
 * preferWinograd({ ...g, inChannels: 512, outChannels: 512, inH: 7, inW: 7, outH: 7, outW: 7 }); // -> false
 * ```
 */
export function preferWinograd(g: Conv2dGeometry): boolean {
  if (!isWinogradConv2d(g)) return false;
  // Per image: a unit of work never spans images, and each unit reads all the transformed weights.
  const tiles = Math.ceil(g.outH / 2) * Math.ceil(g.outW / 2);
  return tiles >= WINOGRAD_MIN_TILES && g.inChannels >= WINOGRAD_MIN_CHANNELS && g.outChannels >= WINOGRAD_MIN_CHANNELS;
}

/** Fewest 2x2 output tiles per image for which preferWinograd says yes. */
const WINOGRAD_MIN_TILES = 48;
/** Fewest input (and output) channels for which preferWinograd says yes. */
const WINOGRAD_MIN_CHANNELS = 16;

/**
 * Throws a KernelArgumentError naming `fn` unless `g` is a geometry the Winograd kernel can run
 * (a forced Winograd pass never falls back to another kernel).
 */
export function checkWinogradForced(fn: string, g: Conv2dGeometry): void {
  checkConv2dGeometry(fn, g);
  if (!isWinogradConv2d(g)) {
    throw new KernelArgumentError(
      fn,
      'g',
      `the Winograd kernel needs a 3x3 conv with stride 1, dilation 1, groups 1 and at least one channel each way, got ` +
        `kernel ${g.kh}x${g.kw}, stride [${g.strideH}, ${g.strideW}], dilation [${g.dilationH}, ${g.dilationW}], ` +
        `groups ${g.groups}, channels ${g.inChannels} -> ${g.outChannels}, input [${g.batch},${g.inChannels},${g.inH},${g.inW}]`,
    );
  }
}

/** Throws KernelArgumentError unless the arguments describe a Winograd geometry whose arrays are long enough. */
function checkArguments(
  g: Conv2dGeometry,
  x: unknown,
  w: unknown,
  bias: unknown,
  out: unknown,
  options: unknown,
): void {
  const fn = 'wasmWinogradConv2dForward';
  checkWinogradForced(fn, g);
  const shape = `${geometryText(g)} with 3x3 filters`;
  checkFloatOperand(fn, 'x', x, g.batch * g.inChannels * g.inH * g.inW, shape);
  checkFloatOperand(fn, 'w', w, g.outChannels * g.inChannels * 9, shape);
  checkFloatOperand(fn, 'out', out, g.batch * g.outChannels * g.outH * g.outW, shape);
  if (bias !== null) checkFloatOperand(fn, 'bias', bias, g.outChannels, shape);
  checkActivationOption(fn, options);
}

/**
 * Winograd F(2x2, 3x3) conv2d forward in WebAssembly SIMD on dense float32 NCHW arrays:
 * `out = act(conv2d(x, w) + bias)` for 3x3 filters with stride 1, dilation 1 and groups 1, any
 * padding (see {@link isWinogradConv2d}). Each 2x2 block of outputs is computed from the 4x4 input
 * window under it with 16 multiplies per channel pair instead of 36: the weights are transformed
 * once (`G g G^T`, 16 x Cout x Cin, kept in the packed-weight cache under `options.weightKey`), each
 * block of tiles' inputs is transformed (`B^T d B`), multiplied in 16 GEMMs by the 4 x 8 SIMD
 * micro-kernel, and transformed back (`A^T m A`) with the bias and the fused activation applied in
 * registers. {@link wasmConv2dForward} runs it where it is faster than the implicit GEMM (see
 * {@link preferWinograd}); call this to force it. Runs on the calling thread.
 *
 * Accumulates in float32. The transforms add rounding error that grows with the number of input
 * channels: against a float64 reference, the largest absolute error is a few times that of the
 * direct sum (measured in packages/kernels/README.md); results are deterministic. An infinity or
 * NaN in `x` or `w` spreads through the transforms to every output of the 2x2 tiles whose 4x4
 * windows read it (as in other Winograd kernels); `wasmConv2dForward` with `algorithm: 'auto'`
 * checks for them and runs the GEMM instead, which gives PyTorch's values.
 *
 * Returns `true` when it computed `out` (fully overwritten), `false` when it declined and left
 * `out` untouched (an operand is a `Float64Array`, or the module is unavailable: see `ready`).
 * Throws a `KernelArgumentError` (a `TorchletError`) when the geometry is not one it can run or an
 * array is shorter than the geometry needs, before touching anything.
 *
 * Shapes: x `[batch, inChannels, inH, inW]`, w `[outChannels, inChannels, 3, 3]`,
 * bias `[outChannels]` or null -> out `[batch, outChannels, outH, outW]`.
 *
 * @param g - The convolution's geometry (3x3, stride 1, dilation 1, groups 1); see {@link Conv2dGeometry}.
 * @param x - The input, float32 `[batch, inChannels, inH, inW]`.
 * @param w - The filters, float32 `[outChannels, inChannels, 3, 3]`.
 * @param bias - Per-output-channel bias, `outChannels` elements, or `null` for none.
 * @param out - Receives the output `[batch, outChannels, outH, outW]` (overwritten).
 * @param options - A key for the packed-weight cache and a fused activation; see {@link Conv2dForwardOptions}.
 * @returns `true` when WebAssembly computed `out`, `false` when it declined and left `out` untouched.
 * @see torch.nn.functional.conv2d with a 3x3 kernel and stride 1
 * @example
 * ```ts
 * import { getBackendInfo, wasmWinogradConv2dForward } from '@torchlet/kernels';
 * // A 3x3 box filter over a 3x3 image of ones, padding 1: each output counts its in-image neighbours.
 * const g = {
 *   batch: 1, inChannels: 1, inH: 3, inW: 3, outChannels: 1, kh: 3, kw: 3, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 1, padLeft: 1, dilationH: 1, dilationW: 1, outH: 3, outW: 3,
 * };
 * const out = new Float32Array(9);
 * wasmWinogradConv2dForward(g, new Float32Array(9).fill(1), new Float32Array(9).fill(1), null, out); // -> true
 * Array.from(out); // -> [4, 6, 4, 6, 9, 6, 4, 6, 4]
 * getBackendInfo().lastKernel; // -> 'wasm-simd128-conv2d-winograd-f2x2-3x3'
 * ```
 */
export function wasmWinogradConv2dForward(
  g: Conv2dGeometry,
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | null,
  out: FloatArray,
  options: Conv2dForwardOptions = {},
): boolean {
  checkArguments(g, x, w, bias, out, options);
  return winogradForward(g, x, w, bias, out, options);
}

/**
 * The pass itself, on arguments already checked (wasmConv2dForward's hook calls it directly).
 * With `finiteOnly`, it declines (returns false, `out` possibly partly written) as soon as it finds
 * an infinity or NaN in `w` or `x`: the transforms would spread it over whole tiles (`inf - inf`),
 * where the direct sum gives PyTorch's values, so 'auto' then runs the GEMM instead.
 */
export function winogradForward(
  g: Conv2dGeometry,
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | null,
  out: FloatArray,
  options: Conv2dForwardOptions = {},
  finiteOnly = false,
): boolean {
  const modules = convModules(WASM_WINOGRAD_KERNEL, [x, w, bias, out]);
  if (modules === null) return false;
  const { pool, single } = modules;
  const { batch, inChannels: cin, outChannels: cout, inH, inW, outH, outW } = g;
  const l = outH * outW;
  if (batch * cout * l === 0) return true;
  const activation = options.activation ?? null;
  if (cin === 0) {
    fillWithBias(out, bias, activation, batch, cout, l);
    return true;
  }
  // Split as the implicit GEMM is (the same multiply-add count decides): each unit writes only its
  // own tiles' outputs, so the result is the same bits on any thread count.
  const macs = batch * cout * l * cin * 9;
  const split =
    pool !== null && macs >= CONV2D_PARALLEL_MIN_WORK && (macs >= PARALLEL_ALWAYS_MIN_WORK || splitsPay(pool));
  const workers = pool !== null && split ? readyWorkers(pool) : [];
  const threads = workers.length + 1;
  // Unsplit convolutions run on the single-threaded module (cheaper copies than shared memory).
  const mod = (pool !== null && workers.length > 0 ? pool.exports : single) as WinogradExports;
  const coutp = Math.ceil(cout / 4) * 4;
  const tilesH = Math.ceil(outH / 2);
  const tilesW = Math.ceil(outW / 2);
  const tiles = tilesH * tilesW;
  // The zero-bordered image covers every 4x4 window (rows and columns up to 2 * tiles + 1).
  const hp = Math.max(inH + g.padTop, 2 * tilesH + 2);
  const wp = Math.max(inW + g.padLeft, 2 * tilesW + 2);
  const imgIn = cin * inH * inW;
  const imgSlot = cin * hp * wp;
  const imgOut = cout * l;
  const per = Math.max(1, Math.min(batch, Math.floor(CHUNK_FLOATS / (imgSlot + imgOut))));
  // Tiles per unit: a multiple of 8 (the micro-kernel's panel), V and M within UNIT_BYTES, the
  // image's tiles split evenly (a short last unit would read all the weights for a few tiles).
  const tbMax = Math.max(8, Math.floor(UNIT_BYTES / (64 * (cin + coutp)) / 8) * 8);
  let tb = Math.ceil(tiles / Math.ceil(tiles / tbMax) / 8) * 8;
  // With threads, a chunk has at least one unit per thread: whole panels per thread and the
  // remainder as a last short unit (ResNet-18's [1,256,14,14]: 49 tiles as 24 + 24 + 1, not 32 + 17).
  if (threads > 1 && per * Math.ceil(tiles / tb) < threads) tb = Math.max(8, Math.floor(tiles / threads / 8) * 8);
  const blocks = Math.ceil(tiles / tb);

  const packedBytes = 64 * coutp * cin;
  const key = options.weightKey ?? null;
  const slot = key === null ? null : weightSlot(mod, key, `winograd,${cout},${cin}`, packedBytes);
  const packed = slot?.hit === true;
  const ws = align64(64 * tb * (cin + coutp) + 256); // winogradWorkBytes
  const work = align64(mod.heapBase());
  const descAt = work + ws * threads;
  const wrawAt = align64(descAt + 4 * DESC_INTS);
  const upackScratchAt = align64(wrawAt + (packed ? 0 : 36 * cout * cin));
  const upackAt = slot === null ? upackScratchAt : slot.at;
  const biasAt = align64(upackScratchAt + (slot === null ? packedBytes : 0));
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
    upackAt,
    bias === null ? 0 : biasAt,
    outAt,
    packed ? 1 : 0,
    activation === null ? ACT_NONE : activation === 'relu' ? ACT_RELU : ACT_CLAMP,
    0,
    0,
    tilesH,
    tilesW,
    tb,
    blocks,
  ]);
  if (activation !== null && activation !== 'relu') {
    new Float32Array(mem.buffer, descAt + 4 * D_ACT_LO, 2).set(activation.clamp);
  }
  // Transformed weights are cached only from finite weights (a hit is finite).
  let finiteWeights = true;
  if (!packed) {
    mem.set(w.subarray(0, 9 * cout * cin), wrawAt / 4);
    finiteWeights = mod.winogradAllFinite(wrawAt, 9 * cout * cin) === 1;
    if (finiteOnly && !finiteWeights) return false;
  }
  if (bias !== null) mem.set(bias.subarray(0, cout), biasAt / 4);
  mod.winogradPrepare(descAt);
  if (finiteWeights) slot?.commit();

  const xpadF = xpadAt / 4;
  const outF = outAt / 4;
  const padded = hp !== inH || wp !== inW || g.padTop !== 0 || g.padLeft !== 0;
  let usedThreads = 1;
  let parallel = pool !== null && workers.length > 0;
  const job = [descAt, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, work];
  for (let n0 = 0; n0 < batch; n0 += per) {
    const nb = Math.min(per, batch - n0);
    stageImages(mem, xpadF, x, n0, nb, imgIn, imgSlot, padded);
    if (finiteOnly) {
      for (let i = 0; i < nb; i++) if (mod.winogradAllFinite(xpadAt + 4 * i * imgSlot, imgIn) !== 1) return false;
    }
    if (padded) mod.conv2dPadPart(descAt, 0, nb);
    const units = nb * blocks;
    let done = false;
    if (parallel && pool !== null && units > 1) {
      job[2] = units;
      done = runParallel(pool, workers, job, ws, true, 1, 8);
      if (done) usedThreads = Math.max(usedThreads, Math.min(threads, units));
      // A worker threw (the pool is retired): every unit of this chunk is recomputed here (each
      // overwrites its outputs; the staged input is unchanged), and later chunks run on this thread.
      else parallel = false;
    }
    if (!done) mod.winogradForwardPart(descAt, 0, units, work);
    out.set(mem.subarray(outF, outF + nb * imgOut), n0 * imgOut);
  }
  if (usedThreads > 1) noteKernel(`${WASM_WINOGRAD_KERNEL} x${usedThreads} threads`);
  return true;
}
