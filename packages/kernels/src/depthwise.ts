// The TypeScript face of assembly/depthwise.ts: float32 depthwise conv2d (groups = in channels =
// out channels, one kh x kw filter per channel) forward, input gradient and weight gradient. The
// batch crosses into WebAssembly memory in chunks of planes (image, channel), each operand in
// once and each result out once; inside a chunk, threads claim planes. Those copies cost about as
// much as the arithmetic (9 multiply-adds per output), so with threads they are pipelined: the
// workers compute chunk i while this thread copies chunk i-1's result out and chunk i+1's
// operands in, then joins them.
//
// Linear memory, from the module's heap base (every region 64-byte aligned):
//   [ per-thread bordered plane | weights | bias | then one set per chunk in flight (two with
//     threads): descriptor | x (or dx) chunk | y (or dy) chunk | weight-gradient partials ]

import type { Conv2dActivation, Conv2dForwardOptions, Conv2dGeometry } from './conv.js';
import { checkActivationOption, convModules, paddedSize } from './conv-common.js';
import { describeArgument, KernelArgumentError } from './errors.js';
import { align64, type FloatArray, memoryView, noteKernel } from './gemm.js';
import type { GemmExports } from './loader.js';
import { finishParallel, postParallel, readyWorkers, splitsPay } from './threads.js';

/** Name of the depthwise conv2d kernels (forward, input gradient, weight gradient). */
export const WASM_DEPTHWISE_KERNEL = 'wasm-simd128-depthwise-conv2d';

/** The depthwise entry points of the module (assembly/depthwise.ts). */
interface DepthwiseExports extends GemmExports {
  depthwiseForwardPart(desc: number, u0: number, u1: number, work: number): void;
  depthwiseBackwardInputPart(desc: number, u0: number, u1: number, work: number): void;
  depthwiseBackwardWeightPart(desc: number, u0: number, u1: number, work: number): void;
}

/**
 * Depthwise problems of at least this many multiply-adds are split between threads whatever
 * `splitsPay` says (smaller ones: DEPTHWISE_SPLIT_MIN_WORK). A plane is an
 * independent unit, but at 9 multiply-adds per output the arithmetic is only about half a call
 * (the copies in and out of WebAssembly memory are the other half, and stay on the calling
 * thread), so a second thread saves at most half the time, minus a wake-up per chunk: measured
 * on 2 shared cores, 2^20 to 2^23 multiply-adds (MobileNetV2 at batch 1, [8,576,14,14]) ran
 * slower on two threads than on one. Measured again with the cheaper hand-off (threads.ts), the
 * two threads pinned to the two cores: every batch-1 depthwise layer of MobileNetV2 (0.3M-4.1M)
 * still ran slower split: 0.64-0.9x the speed of one thread (`[1,144,56,56]` 0.63 / 0.74 ms):
 * the worker slept after every chunk it ran while this thread copied (a 40-60 µs wake-up per
 * chunk), and the activation was a pass over each chunk on this thread. Both are gone (the
 * pipelined chunks are posted `callerBusy`, the parts apply the activation).
 */
const DEPTHWISE_PARALLEL_MIN_WORK = 2 ** 23;
/**
 * Depthwise problems of at least this many multiply-adds (and below DEPTHWISE_PARALLEL_MIN_WORK) are
 * split while the threads have been running at once (threads.ts' `splitsPay`). Measured on
 * MobileNetV2's batch-1 layers, 2 threads against 1 (same process, `nice -n -20`, the activation
 * run by the parts): 0.42M-4.1M multiply-adds 1.08-1.38x (`[1,32,112,112]` 0.56 / 0.42 ms), 0.34M
 * 1.04x, 0.25M 0.87x.
 */
const DEPTHWISE_SPLIT_MIN_WORK = 3 * 2 ** 17;
/**
 * Floats of operands (input and output planes) staged per chunk of planes on one thread: small
 * enough that what the copy in leaves in L2 is what the kernel reads next, and what it writes is
 * copied out from L2. Threaded calls stage larger chunks, as every chunk costs a wake-up.
 */
const CHUNK_FLOATS = 1 << 17;
/**
 * With threads, a call is cut into about PIPELINE_CHUNKS chunks (of CHUNK_FLOATS_MIN_THREADED to
 * CHUNK_FLOATS floats): the first chunk's copy in and the last one's copy out are not overlapped
 * with arithmetic, and every chunk costs a wake-up.
 */
const PIPELINE_CHUNKS = 6;
const CHUNK_FLOATS_MIN_THREADED = 1 << 15;
const DESC_INTS = 32;
/** The descriptor field of the chunk's first channel (assembly/depthwise.ts). */
const D_C0 = 21;
/** The descriptor fields of the forward pass's activation: 0 none, 1 ReLU, 2 clamp; its bounds (f32). */
const D_ACT = 22;
const D_ACT_LO = 23;
/** Slack after a staged region: vector loads of a row's last columns may read up to 3 floats past it. */
const SLACK_BYTES = 64;

type Pass = 'forward' | 'input' | 'weight';
/** threads.ts's job kinds for the three passes. */
const KIND = { forward: 4, input: 5, weight: 6 } as const;

/**
 * Whether a geometry is a depthwise convolution these kernels compute: `groups` equal to both
 * channel counts (one filter per channel, no channel multiplier).
 *
 * @param g - A convolution geometry; see {@link Conv2dGeometry}.
 * @returns `true` when the depthwise kernels can compute it.
 * @example
 * ```ts
 * import { isDepthwiseConv2d } from '@torchlet/kernels';
 * const g = {
 *   batch: 1, inChannels: 8, inH: 5, inW: 5, outChannels: 8, kh: 3, kw: 3, groups: 8,
 *   strideH: 1, strideW: 1, padTop: 1, padLeft: 1, dilationH: 1, dilationW: 1, outH: 5, outW: 5,
 * };
 * isDepthwiseConv2d(g); // -> true
 * isDepthwiseConv2d({ ...g, groups: 1 }); // -> false
 * ```
 */
export function isDepthwiseConv2d(g: Conv2dGeometry): boolean {
  if (typeof g !== 'object' || g === null) {
    throw new KernelArgumentError(
      'isDepthwiseConv2d',
      'g',
      `expected a Conv2dGeometry object, got ${describeArgument(g)}`,
    );
  }
  return g.groups === g.inChannels && g.groups === g.outChannels && g.groups >= 1;
}

/** One staged pass over the batch: the geometry the module sees and the operands of each region. */
interface Run {
  readonly pass: Pass;
  readonly g: Conv2dGeometry;
  /** Forward and weight: the input x; input gradient: unused (dx is written there). */
  readonly x: FloatArray | null;
  /** Forward: unused (y is written there); input and weight gradient: the upstream gradient. */
  readonly y: FloatArray | null;
  readonly w: FloatArray | null;
  readonly bias: FloatArray | null;
  /** Forward: y; input gradient: dx; weight gradient: dw. */
  readonly out: FloatArray;
  /** Forward: applied by the parts to the planes they computed, in WebAssembly memory (D_ACT). */
  readonly activation: Conv2dActivation | null;
}

function run(r: Run): boolean {
  const modules = convModules(WASM_DEPTHWISE_KERNEL, [r.x, r.y, r.w, r.bias, r.out]);
  if (modules === null) return false;
  const { pool, single } = modules;
  const g = r.g;
  const { batch, inChannels: ch, inH, inW, kh, kw, outH, outW } = g;
  const taps = kh * kw;
  const inPlane = inH * inW;
  const outPlane = outH * outW;
  // Nothing to compute: an empty result, or (weight gradient) no terms, which sum to zero.
  if (r.pass === 'weight' && (batch * ch * outPlane === 0 || taps === 0)) {
    r.out.fill(0, 0, ch * taps);
    return true;
  }
  if (batch * ch * (r.pass === 'forward' ? outPlane : inPlane) === 0) return true;
  const { hp, wp } = paddedSize(g);
  const macs = batch * ch * outPlane * taps;
  const split =
    pool !== null && (macs >= DEPTHWISE_PARALLEL_MIN_WORK || (macs >= DEPTHWISE_SPLIT_MIN_WORK && splitsPay(pool)));
  const workers = pool !== null && split ? readyWorkers(pool) : [];
  const threads = workers.length + 1;
  const mod = (pool !== null && workers.length > 0 ? pool.exports : single) as DepthwiseExports;
  // Chunks are runs of `per` planes (image-major, as x and y are laid out), so the planes of one
  // chunk may belong to two or more images. With threads there are two sets of chunk buffers:
  // the workers compute one chunk while this thread copies the previous chunk's result out and
  // the next chunk's operands in (the copies cost as much as the arithmetic: see CHUNK_FLOATS).
  const planes = batch * ch;
  const planeFloats = inPlane + outPlane;
  const budget =
    threads > 1
      ? Math.max(CHUNK_FLOATS_MIN_THREADED, Math.min(CHUNK_FLOATS, Math.ceil((planes * planeFloats) / PIPELINE_CHUNKS)))
      : CHUNK_FLOATS;
  const per = Math.max(1, Math.min(planes, Math.floor(budget / planeFloats)));
  const sets = threads > 1 && per < planes ? 2 : 1;

  const ws = align64((hp * wp + 4 * g.strideW + 64) * 4); // depthwiseWorkBytes
  const work = align64(mod.heapBase());
  const wAt = align64(work + ws * threads);
  const biasAt = align64(wAt + 4 * ch * taps);
  const setAt = align64(biasAt + 4 * ch);
  const descBytes = align64(4 * DESC_INTS);
  const xBytes = align64(4 * per * inPlane + SLACK_BYTES);
  const yBytes = align64(4 * per * outPlane + SLACK_BYTES);
  const partialBytes = r.pass === 'weight' ? align64(4 * per * taps) : 0;
  const setBytes = descBytes + xBytes + yBytes + partialBytes;
  const mem = memoryView(mod, setAt + sets * setBytes);
  if (mem === null) {
    noteKernel('js');
    return false;
  }
  /** Descriptor, x, y and partial-sum addresses of chunk buffer set `s`. */
  const at = (s: number): { descAt: number; xAt: number; yAt: number; pAt: number } => {
    const descAt = setAt + s * setBytes;
    return {
      descAt,
      xAt: descAt + descBytes,
      yAt: descAt + descBytes + xBytes,
      pAt: descAt + descBytes + xBytes + yBytes,
    };
  };
  const descs: Int32Array[] = [];
  for (let s = 0; s < sets; s++) {
    const { descAt, xAt, yAt, pAt } = at(s);
    const desc = new Int32Array(mem.buffer, descAt, DESC_INTS);
    desc.set([
      per,
      ch,
      inH,
      inW,
      kh,
      kw,
      g.strideH,
      g.strideW,
      g.padTop,
      g.padLeft,
      g.dilationH,
      g.dilationW,
      outH,
      outW,
      hp,
      wp,
      xAt,
      wAt,
      r.bias === null ? 0 : biasAt,
      yAt,
      pAt,
      0,
    ]);
    const act = r.pass === 'forward' ? r.activation : null;
    desc[D_ACT] = act === null ? 0 : act === 'relu' ? 1 : 2;
    if (act !== null && act !== 'relu') new Float32Array(mem.buffer, descAt + 4 * D_ACT_LO, 2).set(act.clamp);
    descs.push(desc);
  }
  if (r.w !== null) mem.set(r.w.subarray(0, ch * taps), wAt >> 2);
  if (r.bias !== null) mem.set(r.bias.subarray(0, ch), biasAt >> 2);
  const sums = r.pass === 'weight' ? new Float64Array(ch * taps) : null;
  const chunkCount = Math.ceil(planes / per);
  /** Copies chunk i's operands into its buffer set. */
  const stageIn = (i: number): void => {
    const p0 = i * per;
    const units = Math.min(per, planes - p0);
    const { xAt, yAt } = at(i % sets);
    descs[i % sets][D_C0] = p0 % ch;
    if (r.x !== null) mem.set(r.x.subarray(p0 * inPlane, (p0 + units) * inPlane), xAt >> 2);
    if (r.y !== null) mem.set(r.y.subarray(p0 * outPlane, (p0 + units) * outPlane), yAt >> 2);
  };
  /** Copies chunk i's result out of its buffer set (weight gradient: adds its partial sums). */
  const stageOut = (i: number): void => {
    const p0 = i * per;
    const units = Math.min(per, planes - p0);
    const { xAt, yAt, pAt } = at(i % sets);
    if (r.pass === 'forward') {
      // The activation ran in the parts (D_ACT), on each thread's planes while they were in cache.
      r.out.set(mem.subarray(yAt >> 2, (yAt >> 2) + units * outPlane), p0 * outPlane);
    } else if (r.pass === 'input') r.out.set(mem.subarray(xAt >> 2, (xAt >> 2) + units * inPlane), p0 * inPlane);
    else if (sums !== null) {
      // Planes in order (each channel's images in order), so the result does not depend on how
      // planes were split into chunks or between threads.
      const pF = pAt >> 2;
      for (let u = 0; u < units; u++) {
        const c = ((p0 + u) % ch) * taps;
        const base = pF + u * taps;
        for (let t = 0; t < taps; t++) sums[c + t] += mem[base + t];
      }
    }
  };
  const computeHere = (i: number): void => {
    const units = Math.min(per, planes - i * per);
    const { descAt } = at(i % sets);
    if (r.pass === 'forward') mod.depthwiseForwardPart(descAt, 0, units, work);
    else if (r.pass === 'input') mod.depthwiseBackwardInputPart(descAt, 0, units, work);
    else mod.depthwiseBackwardWeightPart(descAt, 0, units, work);
  };
  const job = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, work];
  let parallel = workers.length > 0 && pool !== null;
  let usedThreads = 1;
  // Chunks [0, staged] are copied in, [0, outNext) out: results leave in chunk order.
  stageIn(0);
  let staged = 0;
  let outNext = 0;
  for (let i = 0; i < chunkCount; i++) {
    const units = Math.min(per, planes - i * per);
    const overlap = parallel && sets === 2;
    let done = false;
    if (parallel && pool !== null) {
      job[0] = at(i % sets).descAt;
      job[2] = units;
      const chunk = Math.max(1, Math.floor(units / (8 * threads)));
      const posted = postParallel(pool, workers, job, ws, true, chunk, KIND[r.pass], overlap);
      // While the workers start on chunk i: the previous chunk out, then the next one into the
      // set it used.
      if (overlap) {
        while (outNext < i) stageOut(outNext++);
        if (i + 1 < chunkCount) {
          staged = i + 1;
          stageIn(staged);
        }
      }
      done = finishParallel(posted);
      if (done) usedThreads = Math.max(usedThreads, Math.min(threads, units));
      else parallel = false; // a worker threw: the pool is retired, this chunk is redone here
    }
    // A chunk's operands are intact after a failed parallel run: parts write only output regions.
    if (!done) computeHere(i);
    if (!(overlap && done)) {
      while (outNext <= i) stageOut(outNext++);
      if (i + 1 < chunkCount && staged < i + 1) {
        staged = i + 1;
        stageIn(staged);
      }
    }
  }
  while (outNext < chunkCount) stageOut(outNext++);
  if (sums !== null) for (let t = 0; t < ch * taps; t++) r.out[t] = sums[t];
  noteKernel(usedThreads > 1 ? `${WASM_DEPTHWISE_KERNEL} x${usedThreads} threads` : WASM_DEPTHWISE_KERNEL);
  return true;
}

/**
 * Depthwise conv2d forward in WebAssembly SIMD on dense float32 NCHW arrays:
 * `out[n, c] = bias[c] + correlation of x[n, c] with w[c]`, any kernel size, stride, padding and
 * dilation. Each plane is computed four to eight output columns at a time, 3x3 pad-1 filters of
 * stride 1 and 2 straight from the staged plane (two output rows at a time, weights in
 * registers), other shapes from a zero-bordered copy. With `setThreads(n)`, problems of at least
 * 2^23 multiply-adds are split by planes, the copies pipelined with the arithmetic. Accumulates in
 * float32 in tap order (3x3 stride 2, four or more output columns: the left column's three taps
 * summed apart and added last); results do not depend on the thread count. `options.activation` (ReLU or
 * a clamp such as ReLU6, as wasmConv2dForward's) is applied to each plane in WebAssembly memory
 * right after it is computed, by the thread that computed it.
 *
 * Returns `true` when it computed `out` (fully overwritten), `false` when it declined and left
 * `out` untouched (an operand is not a `Float32Array`, or the module is unavailable: see `ready`).
 * Arguments are trusted: the caller checks {@link isDepthwiseConv2d}, the geometry and the lengths.
 *
 * Shapes: x `[batch, C, inH, inW]`, w `[C, 1, kh, kw]`, bias `[C]` or null -> out `[batch, C, outH, outW]`.
 *
 * @param g - The convolution's geometry, with `groups === inChannels === outChannels`; see
 *   {@link Conv2dGeometry}.
 * @param x - The input, float32 `[batch, channels, inH, inW]`.
 * @param w - The filters, float32 `[channels, 1, kh, kw]`.
 * @param bias - Per-channel bias, `channels` elements, or `null` for none.
 * @param out - Receives the output `[batch, channels, outH, outW]` (overwritten).
 * @param options - `activation`: `'relu'`, `{ clamp: [lo, hi] }` or none (default); see
 *   {@link Conv2dActivation}.
 * @returns `true` when WebAssembly computed `out`, `false` when it declined and left `out` untouched.
 * @see torch.nn.functional.conv2d with groups = in_channels = out_channels
 * @example
 * ```ts
 * import { wasmDepthwiseConv2dForward } from '@torchlet/kernels';
 * // Two channels of 2x3, filters [1, 1] and [1, -1] (1 x 2).
 * const g = {
 *   batch: 1, inChannels: 2, inH: 2, inW: 3, outChannels: 2, kh: 1, kw: 2, groups: 2,
 *   strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 2, outW: 2,
 * };
 * const out = new Float32Array(8);
 * wasmDepthwiseConv2dForward(g, new Float32Array([1, 2, 3, 4, 5, 6, 1, 2, 4, 8, 16, 32]),
 *   new Float32Array([1, 1, 1, -1]), null, out); // -> true
 * Array.from(out); // -> [3, 5, 9, 11, -1, -2, -8, -16]
 * wasmDepthwiseConv2dForward(g, new Float32Array([1, 2, 3, 4, 5, 6, 1, 2, 4, 8, 16, 32]),
 *   new Float32Array([1, 1, 1, -1]), null, out, { activation: { clamp: [0, 6] } }); // -> true
 * Array.from(out); // -> [3, 5, 6, 6, 0, 0, 0, 0]
 * ```
 */
export function wasmDepthwiseConv2dForward(
  g: Conv2dGeometry,
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | null,
  out: FloatArray,
  options: Pick<Conv2dForwardOptions, 'activation'> = {},
): boolean {
  const activation = checkActivationOption('wasmDepthwiseConv2dForward', options ?? undefined);
  return run({ pass: 'forward', g, x, y: null, w, bias, out, activation });
}

// Reused scratch for the flipped weight (JS runs one call at a time; run() copies it in first).
let flipped = new Float32Array(0);

/**
 * The input gradient of a depthwise conv2d in WebAssembly SIMD: `dx = dL/dx` for upstream `dy`
 * (dx fully overwritten). With both strides 1 (and padding at most `dilation * (k - 1)`) it is the
 * forward kernel on `dy` with each channel's filter flipped; otherwise each plane's contributions
 * are scattered into a zero-bordered scratch (four columns at a time when the width stride is 1).
 * Same return convention as {@link wasmDepthwiseConv2dForward}.
 *
 * Shapes: dy `[batch, C, outH, outW]`, w `[C, 1, kh, kw]` -> dx `[batch, C, inH, inW]`.
 *
 * @param g - The convolution's geometry; see {@link Conv2dGeometry}.
 * @param dy - The gradient of the output, float32 `[batch, channels, outH, outW]`.
 * @param w - The filters, float32 `[channels, 1, kh, kw]`.
 * @param dx - Receives the input gradient `[batch, channels, inH, inW]` (overwritten).
 * @returns `true` when WebAssembly computed `dx`, `false` when it declined and left `dx` untouched.
 * @see torch.nn.grad.conv2d_input
 * @example
 * ```ts
 * import { wasmDepthwiseConv2dBackwardInput } from '@torchlet/kernels';
 * // One channel, 1x3 input, filter [1, 2]: dy = [1, 1] -> dx = [1, 3, 2].
 * const g = {
 *   batch: 1, inChannels: 1, inH: 1, inW: 3, outChannels: 1, kh: 1, kw: 2, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 1, outW: 2,
 * };
 * const dx = new Float32Array(3);
 * wasmDepthwiseConv2dBackwardInput(g, new Float32Array([1, 1]), new Float32Array([1, 2]), dx); // -> true
 * Array.from(dx); // -> [1, 3, 2]
 * ```
 */
export function wasmDepthwiseConv2dBackwardInput(
  g: Conv2dGeometry,
  dy: FloatArray,
  w: FloatArray,
  dx: FloatArray,
): boolean {
  // Operands that are not float32 arrays decline in run(), before the geometry is read.
  const f32 = dy instanceof Float32Array && w instanceof Float32Array && dx instanceof Float32Array;
  const padH = f32 ? g.dilationH * (g.kh - 1) - g.padTop : -1;
  const padW = f32 ? g.dilationW * (g.kw - 1) - g.padLeft : -1;
  if (f32 && g.strideH === 1 && g.strideW === 1 && padH >= 0 && padW >= 0) {
    const taps = g.kh * g.kw;
    const size = g.inChannels * taps;
    if (flipped.length < size) flipped = new Float32Array(size);
    for (let c = 0; c < g.inChannels; c++) {
      for (let t = 0; t < taps; t++) flipped[c * taps + t] = w[c * taps + taps - 1 - t];
    }
    const eq: Conv2dGeometry = {
      ...g,
      inH: g.outH,
      inW: g.outW,
      outH: g.inH,
      outW: g.inW,
      padTop: padH,
      padLeft: padW,
    };
    return run({ pass: 'forward', g: eq, x: dy, y: null, w: flipped, bias: null, out: dx, activation: null });
  }
  return run({ pass: 'input', g, x: null, y: dy, w, bias: null, out: dx, activation: null });
}

/**
 * The weight gradient of a depthwise conv2d in WebAssembly SIMD: `dw[c, 0, a, b] = sum over n,
 * oh, ow of dy[n, c, oh, ow] * x[n, c, oh*sh + a*dh - padTop, ow*sw + b*dw - padLeft]` (dw fully
 * overwritten). Each plane's sums run in float32 lanes four columns wide; the planes' partial sums
 * are added over the batch in image order in float64, so the result is the same bit for bit on
 * any number of threads. Same return convention as {@link wasmDepthwiseConv2dForward}.
 *
 * Shapes: dy `[batch, C, outH, outW]`, x `[batch, C, inH, inW]` -> dw `[C, 1, kh, kw]`.
 *
 * @param g - The convolution's geometry; see {@link Conv2dGeometry}.
 * @param dy - The gradient of the output, float32 `[batch, channels, outH, outW]`.
 * @param x - The forward pass's input, float32 `[batch, channels, inH, inW]`.
 * @param dw - Receives the weight gradient `[channels, 1, kh, kw]` (overwritten).
 * @returns `true` when WebAssembly computed `dw`, `false` when it declined and left `dw` untouched.
 * @see torch.nn.grad.conv2d_weight
 * @example
 * ```ts
 * import { wasmDepthwiseConv2dBackwardWeight } from '@torchlet/kernels';
 * const g = {
 *   batch: 1, inChannels: 1, inH: 1, inW: 3, outChannels: 1, kh: 1, kw: 2, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 1, outW: 2,
 * };
 * const dw = new Float32Array(2);
 * wasmDepthwiseConv2dBackwardWeight(g, new Float32Array([1, 10]), new Float32Array([1, 2, 3]), dw); // -> true
 * Array.from(dw); // -> [21, 32]
 * ```
 */
export function wasmDepthwiseConv2dBackwardWeight(
  g: Conv2dGeometry,
  dy: FloatArray,
  x: FloatArray,
  dw: FloatArray,
): boolean {
  return run({ pass: 'weight', g, x, y: dy, w: null, bias: null, out: dw, activation: null });
}
