// The TypeScript face of assembly/conv-backward-winograd.ts: the float32 conv2d weight gradient of
// dense 3x3 stride-1 convs by Winograd F(2x2, 3x3), 16 GEMMs over the tiles of a chunk of images.
//
// Linear memory, from the module's heap base (every region 64-byte aligned):
//   [ GEMM workspace per thread | descriptor | zero-bordered input of one chunk | its dy |
//     V [16][Cin][ld] | Z [16][Cout][ld] | M [16][Cout][Cin] | dW ]

import type { Conv2dGeometry } from './conv.js';
import { checkFloatOperand, convModules, descriptorHead, geometryText, stageImages } from './conv-common.js';
import { align64, type FloatArray, memoryView, noteKernel, PARALLEL_MIN_WORK } from './gemm.js';
import type { GemmExports } from './loader.js';
import { readyWorkers, runParallel, type ThreadPool } from './threads.js';
import { checkWinogradForced, isWinogradConv2d } from './winograd.js';

/** Name of the Winograd weight-gradient kernel (in `getBackendInfo().lastKernel` after it ran). */
export const WASM_CONV2D_BACKWARD_WEIGHT_WINOGRAD_KERNEL = 'wasm-simd128-conv2d-backward-weight-winograd-f2x2-3x3';

interface WinogradWeightExports extends GemmExports {
  winogradAllFinite(at: number, n: number): number;
}

const DESC_INTS = 36;
const D_B0 = 28;
const D_PHASE = 30;
const D_ACCUMULATE = 32;
const D_BLEN = 34;
const PHASE_TRANSFORM = 7;
const PHASE_GEMM = 8;
const PHASE_OUTPUT = 9;
/** Staging budget per chunk of images in floats (zero-bordered input and dy; at least one image). */
const CHUNK_FLOATS = 1 << 22;
/**
 * Tiles per block: V and Z of a block (64 x (Cin + Cout) bytes per tile) stay in cache between the
 * transforms and the GEMMs. Measured A/B in one process, one thread, CPU time, ResNet-18's layers
 * at batch 8: 64 -> 64 channels on 56x56 takes 37 ms with blocks of 64 or 128 tiles, 42 ms with
 * 256, 47 ms with 512, 52 ms with whole chunks of 2 images (1568 tiles); 28x28 to 7x7 change less.
 */
const BLOCK_TILES = 128;
/** 4-tile groups per thread claim in the transform phase. */
const GROUPS_PER_CLAIM = 4;
/** Fewest input and output channels for which 'auto' takes the Winograd weight gradient. */
const MIN_CHANNELS = 16;

/**
 * Whether ops' float32 conv2d weight gradient runs {@link wasmConv2dBackwardWeightWinograd} for a
 * geometry: a Winograd geometry (3x3, stride 1, dilation 1, groups 1: see `isWinogradConv2d`) with
 * at least 16 input and 16 output channels (the 16 GEMMs are then large enough to pay for the
 * transforms). Measured A/B in one process, one thread, CPU time, ResNet-18's 3x3 stride-1 layers
 * at batch 8 against the kernels ops ran before (the direct 2x4 kernel at 56x56 and 28x28, the
 * batched GEMM at 14x14 and 7x7): 1.1x at 56x56, 1.6x at 28x28, 1.8x at 14x14, 1.5x at 7x7.
 *
 * @param g - A convolution geometry; see {@link Conv2dGeometry}.
 * @returns `true` when the Winograd weight gradient is preferred for `g`.
 * @example
 * ```ts
 * import { preferWinogradBackwardWeight } from '@torchlet/kernels';
 * const g = {
 *   batch: 8, inChannels: 64, inH: 56, inW: 56, outChannels: 64, kh: 3, kw: 3, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 1, padLeft: 1, dilationH: 1, dilationW: 1, outH: 56, outW: 56,
 * };
 * preferWinogradBackwardWeight(g); // -> true
 * preferWinogradBackwardWeight({ ...g, strideH: 2, strideW: 2, outH: 28, outW: 28 }); // -> false
 * ```
 */
export function preferWinogradBackwardWeight(g: Conv2dGeometry): boolean {
  return isWinogradConv2d(g) && g.inChannels >= MIN_CHANNELS && g.outChannels >= MIN_CHANNELS;
}

/** Throws a KernelArgumentError unless the geometry is a Winograd one and the arrays are long enough. */
function checkArguments(g: Conv2dGeometry, dy: unknown, x: unknown, dw: unknown): void {
  const fn = 'wasmConv2dBackwardWeightWinograd';
  checkWinogradForced(fn, g);
  const shape = `${geometryText(g)} with 3x3 filters`;
  checkFloatOperand(fn, 'dy', dy, g.batch * g.outChannels * g.outH * g.outW, shape);
  checkFloatOperand(fn, 'x', x, g.batch * g.inChannels * g.inH * g.inW, shape);
  checkFloatOperand(fn, 'dw', dw, g.outChannels * g.inChannels * 9, shape);
}

/**
 * conv2d weight gradient by Winograd F(2x2, 3x3) in WebAssembly SIMD on dense float32 NCHW arrays:
 * `dw = dL/dw` of `conv2d(x, w)` for the upstream gradient `dy` (PyTorch's
 * `torch.nn.grad.conv2d_weight`), for 3x3 filters with stride 1, dilation 1 and groups 1, any
 * padding. The forward pass computes a 2x2 output tile from the transformed weights `G g G^T` and
 * the transformed 4x4 input window `B^T d B`; their gradient is the sum over tiles of
 * `(A dY A^T) . (B^T d B)`, 16 GEMMs `[Cout x tiles] @ [tiles x Cin]` over the tiles of every image
 * (2.25x fewer multiply-adds than the direct sum), turned into `dw` by `G^T (.) G` in float64. The
 * batch goes in chunks of images whose sums are added in order. With `setThreads(n)`, problems of
 * at least `PARALLEL_MIN_WORK` multiply-adds split the transforms by image and the GEMMs by
 * transformed position; every element is summed in the same order on any thread count, so the
 * result does not depend on it. Accumulates in float32: the error is a few times the direct sum's.
 *
 * An infinity or NaN in `dy` or `x` would spread through the transforms to weights whose direct
 * sum does not read it, so the kernel then declines (returns `false`, `dw` untouched) and the
 * caller runs a direct kernel, which gives PyTorch's values.
 *
 * Returns `true` when it computed `dw` (fully overwritten), `false` when it declined and left `dw`
 * untouched (an infinity or NaN as above, an operand that is a `Float64Array`, the module
 * unavailable: see `ready`, or memory that could not grow). Throws a `KernelArgumentError` (a
 * `TorchletError`) when the geometry is not one it can run or an array is shorter than the
 * geometry needs, before touching anything.
 *
 * Shapes: dy `[batch, outChannels, outH, outW]`, x `[batch, inChannels, inH, inW]` ->
 * dw `[outChannels, inChannels, 3, 3]`.
 *
 * @param g - The convolution's geometry (3x3, stride 1, dilation 1, groups 1); see {@link Conv2dGeometry}.
 * @param dy - The gradient of the output, float32 `[batch, outChannels, outH, outW]`.
 * @param x - The forward pass's input, float32 `[batch, inChannels, inH, inW]`.
 * @param dw - Receives the weight gradient `[outChannels, inChannels, 3, 3]` (overwritten).
 * @returns `true` when WebAssembly computed `dw`, `false` when it declined and left `dw` untouched.
 * @see torch.nn.grad.conv2d_weight
 * @example
 * ```ts
 * import { getBackendInfo, wasmConv2dBackwardWeightWinograd } from '@torchlet/kernels';
 * // A 3x3 image of ones, padding 1, dy all ones: each tap sums the inputs it reads.
 * const g = {
 *   batch: 1, inChannels: 1, inH: 3, inW: 3, outChannels: 1, kh: 3, kw: 3, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 1, padLeft: 1, dilationH: 1, dilationW: 1, outH: 3, outW: 3,
 * };
 * const dw = new Float32Array(9);
 * wasmConv2dBackwardWeightWinograd(g, new Float32Array(9).fill(1), new Float32Array(9).fill(1), dw); // -> true
 * Array.from(dw); // -> [4, 6, 4, 6, 9, 6, 4, 6, 4]
 * getBackendInfo().lastKernel; // -> 'wasm-simd128-conv2d-backward-weight-winograd-f2x2-3x3'
 * ```
 */
export function wasmConv2dBackwardWeightWinograd(
  g: Conv2dGeometry,
  dy: FloatArray,
  x: FloatArray,
  dw: FloatArray,
): boolean {
  checkArguments(g, dy, x, dw);
  const modules = convModules(WASM_CONV2D_BACKWARD_WEIGHT_WINOGRAD_KERNEL, [dy, x, dw]);
  if (modules === null) return false;
  const size = g.outChannels * g.inChannels * 9;
  if (g.batch * g.outH * g.outW === 0) {
    dw.fill(0, 0, size);
    return true;
  }
  const macs = g.batch * g.outChannels * g.outH * g.outW * g.inChannels * 9;
  const workers = modules.pool !== null && macs >= PARALLEL_MIN_WORK ? readyWorkers(modules.pool) : [];
  let done = run(g, dy, x, dw, workers.length > 0 ? modules.pool : null, workers, modules.single);
  // A worker failure retires the pool: everything is recomputed on this thread (dw is written last).
  if (done === 'worker') done = run(g, dy, x, dw, null, [], modules.single);
  if (done !== 'ok') noteKernel('js');
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
): 'ok' | 'memory' | 'worker' | 'nonfinite' {
  const { batch, inChannels: cin, outChannels: cout, inH, inW, outH, outW } = g;
  const mod = (pool !== null ? pool.exports : single) as WinogradWeightExports;
  const tilesH = Math.ceil(outH / 2);
  const tilesW = Math.ceil(outW / 2);
  const tilesP = Math.ceil((tilesH * tilesW) / 4) * 4;
  // The zero-bordered image covers every 4x4 window (rows and columns up to 2 * tiles + 1).
  const hp = Math.max(inH + g.padTop, 2 * tilesH + 2);
  const wp = Math.max(inW + g.padLeft, 2 * tilesW + 2);
  const padded = hp !== inH || wp !== inW || g.padTop !== 0 || g.padLeft !== 0;
  const imgIn = cin * inH * inW;
  const imgSlot = cin * hp * wp;
  const imgDy = cout * outH * outW;
  const per = Math.max(1, Math.min(batch, Math.floor(CHUNK_FLOATS / (imgSlot + imgDy))));
  const ld = Math.min(per * tilesP, BLOCK_TILES);
  const ws = align64(mod.workspaceBytes());
  const work = align64(mod.heapBase());
  const descAt = work + ws * (pool !== null ? pool.workers.length + 1 : 1);
  const xpadAt = align64(descAt + 4 * DESC_INTS);
  const dyAt = align64(xpadAt + 4 * per * imgSlot);
  const vAt = align64(dyAt + 4 * per * imgDy);
  const zAt = align64(vAt + 4 * 16 * cin * ld);
  const mAt = align64(zAt + 4 * 16 * cout * ld);
  const dwAt = align64(mAt + 4 * 16 * cout * cin);
  const mem = memoryView(mod, dwAt + 4 * cout * cin * 9);
  if (mem === null) return 'memory';
  const ocBlock = Math.ceil(cout / 8);
  const desc = new Int32Array(mem.buffer, descAt, DESC_INTS);
  desc.fill(0);
  desc.set([
    ...descriptorHead(g, per, hp, wp, xpadAt),
    dyAt,
    vAt,
    zAt,
    mAt,
    dwAt,
    tilesP,
    tilesH,
    tilesW,
    0, // first tile of the block
    ld,
    0, // phase
    cin, // input channels per GEMM unit
    0, // accumulate
    ocBlock,
    0, // tiles in the block
  ]);
  let threads = 1;
  const runPhase = (phase: number, units: number, perClaim: number): boolean => {
    desc[D_PHASE] = phase;
    if (pool === null) {
      mod.conv2dBackwardWeightPart(descAt, 0, units, work);
      return true;
    }
    const job = [descAt, 0, units, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, work];
    if (!runParallel(pool, workers, job, ws, true, perClaim, 3)) return false;
    threads = Math.max(threads, Math.min(workers.length + 1, units));
    return true;
  };
  const xpadF = xpadAt / 4;
  for (let n0 = 0; n0 < batch; n0 += per) {
    const nb = Math.min(per, batch - n0);
    stageImages(mem, xpadF, x, n0, nb, imgIn, imgSlot, padded);
    for (let i = 0; i < nb; i++) if (mod.winogradAllFinite(xpadAt + 4 * i * imgSlot, imgIn) !== 1) return 'nonfinite';
    mem.set(dy.subarray(n0 * imgDy, (n0 + nb) * imgDy), dyAt / 4);
    if (mod.winogradAllFinite(dyAt, nb * imgDy) !== 1) return 'nonfinite';
    if (padded) mod.conv2dPadPart(descAt, 0, nb);
    for (let b0 = 0; b0 < nb * tilesP; b0 += ld) {
      const blen = Math.min(ld, nb * tilesP - b0);
      desc[D_B0] = b0;
      desc[D_BLEN] = blen;
      desc[D_ACCUMULATE] = n0 > 0 || b0 > 0 ? 1 : 0;
      if (!runPhase(PHASE_TRANSFORM, blen / 4, GROUPS_PER_CLAIM) || !runPhase(PHASE_GEMM, 16, 1)) return 'worker';
    }
  }
  if (!runPhase(PHASE_OUTPUT, Math.ceil(cout / ocBlock), 1)) return 'worker';
  dw.set(mem.subarray(dwAt / 4, dwAt / 4 + cout * cin * 9));
  noteKernel(
    threads > 1
      ? `${WASM_CONV2D_BACKWARD_WEIGHT_WINOGRAD_KERNEL} x${threads} threads`
      : WASM_CONV2D_BACKWARD_WEIGHT_WINOGRAD_KERNEL,
  );
  return 'ok';
}
