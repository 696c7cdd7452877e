// The TypeScript face of assembly/pointwise.ts: a 1x1 conv2d forward pass (groups 1, no padding,
// any stride) as a GEMM on the NCHW layout per image, out[n] = W @ x[n] (+ bias, activation),
// with the micro-kernel reading x's planes in place (see the assembly's header).
//
// Linear memory, from the module's heap base (every region 64-byte aligned):
//   [ weight cache (weight-cache.ts) | per-thread scratch | descriptor | raw weights |
//     packed weights | bias | raw input of one chunk (stride > 1 only) | dense input of one chunk
//     (or of one slice of a large image's planes, see SLICE_FLOATS) + slack | output of one chunk ]
// A split call that is pipelined (PIPELINE_STEP_FLOATS) has two descriptors and two slice or two
// output-band regions: the threads use one while this thread copies through the other.

import type { Conv2dForwardOptions, Conv2dGeometry } from './conv.js';
import {
  checkActivationOption,
  checkConv2dGeometry,
  checkFloatOperand,
  convModules,
  fillWithBias,
  geometryText,
} from './conv-common.js';
import { describeArgument, KernelArgumentError } from './errors.js';
import { align64, type FloatArray, memoryView, noteKernel } from './gemm.js';
import type { GemmExports } from './loader.js';
import { PARALLEL_ALWAYS_MIN_WORK, POINTWISE_PARALLEL_MIN_WORK } from './thread-thresholds.js';
import { finishParallel, postParallel, readyWorkers, runParallel, splitsPay, type ThreadPool } from './threads.js';
import { weightSlot } from './weight-cache.js';

/** Name of the pointwise conv2d forward kernel (in `getBackendInfo().lastKernel` after it ran). */
export const WASM_POINTWISE_KERNEL = 'wasm-simd128-conv2d-pointwise-4x8';

interface PointwiseExports extends GemmExports {
  pointwisePrepare(desc: number): void;
  pointwiseSubsamplePart(desc: number, n0: number, n1: number): void;
  pointwiseForwardPart(desc: number, u0: number, u1: number, work: number): void;
}

const DESC_INTS = 28;
const D_ACT_LO = 11;
const ACT_NONE = 0;
const ACT_RELU = 1;
const ACT_CLAMP = 2;
/** Per-thread scratch (assembly pointwiseWorkBytes: one 4 x 8 edge tile). */
const WORK_BYTES = 128;
/** Columns past the last plane that an edge tile reads into lanes it never stores (8 floats, rounded up). */
const SLACK_BYTES = 64;
/**
 * Staging budget in floats (input and output of a chunk of images; at least one image), small
 * enough that the chunk's input, copied in, is still in L2 when the kernel reads it. A/B at batch 8
 * on MobileNetV2's 1x1 layers (CPU time, load ~10): 1 MB chunks 1.03-1.59x the implicit path,
 * 512 KB and 2 MB alike; 4 MB chunks fell to 0.95-0.97x on the 28x28 projections.
 */
const CHUNK_FLOATS = 1 << 18;
/**
 * The x block a column block covers, in floats (Cin x 8*nb): 32 KB, so that it stays in L1/L2
 * while every 4-row weight sliver runs over it.
 */
const BLOCK_FLOATS = 8192;
/**
 * Outputs of a chunk above this many floats are computed and copied out in bands of output
 * channels of about this size (whole 4-row slivers), so that each band is still in L2 when it is
 * copied out and the region it is written to stays in cache from band to band, instead of the
 * whole output going through memory twice (MobileNetV2's expansions write 2-5 MB per image).
 */
const BAND_FLOATS = 1 << 17;
/**
 * An image whose input exceeds twice this many floats (stride 1, one band of output channels) is
 * staged in slices of about this many floats of whole input planes, each summed into the output
 * region before the next is copied in: the slice is still in L2 when the kernel reads it, and the
 * copy writes to the same 256 KB every time instead of a fresh region as large as the image
 * (MobileNetV2's [1,144,56,56] -> 24, 1.8 MB: about 0.84 -> 0.70 ms per call, same-process A/B).
 */
const SLICE_FLOATS = 1 << 16;
/** The fewest input planes per slice: each slice reloads and stores the output tiles once. */
const SLICE_MIN_PLANES = 8;
/** Descriptor fields of the slice of input channels [k0, k1) (assembly/pointwise.ts). */
const D_K0 = 26;
const D_K1 = 27;
/** Descriptor fields of the staged input, the output region and the band of output channels. */
const D_X = 4;
const D_OUT = 8;
const D_OC0 = 23;
const D_OC1 = 24;
/**
 * Split calls are pipelined in steps of about this many floats: the threads compute one band of
 * output channels while this thread copies the previous band out of WebAssembly memory, or one
 * slice of input planes while it copies the next slice in (the copies, on the calling thread
 * only, were a third of a split 1x1 layer of MobileNetV2 at batch 1; a worker waited through
 * them). A step costs a hand-off (1-2 µs to a polling worker) and one more pass over the output
 * tiles (slices) or the input block (bands), both in L2 at this size.
 */
const PIPELINE_STEP_FLOATS = 1 << 15;
/** The most steps a chunk is cut into: the first step's copy is the only one not overlapped. */
const PIPELINE_MAX_STEPS = 8;
/**
 * Inputs below this many floats are not sliced: each slice stores and reloads the output tiles,
 * and MobileNetV2's 14x14 and 28x28 projections (75K-150K floats in) ran 0.9-1.02x unsliced,
 * its 56x56 and 112x112 ones (300K-450K) 1.07-1.21x (same process, 2 threads, nice -20).
 */
const PIPELINE_SLICES_MIN_FLOATS = 1 << 18;

/**
 * Whether a geometry is a pointwise convolution {@link wasmPointwiseConv2dForward} computes: a 1x1
 * kernel, one group, no padding (any stride; dilation does not matter for 1x1), with the output
 * size the stride implies.
 *
 * @param g - A convolution geometry; see {@link Conv2dGeometry}.
 * @returns `true` when the pointwise kernel can compute it.
 * @example
 * ```ts
 * import { isPointwiseConv2d } from '@torchlet/kernels';
 * const g = {
 *   batch: 1, inChannels: 8, inH: 5, inW: 5, outChannels: 4, kh: 1, kw: 1, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 5, outW: 5,
 * };
 * isPointwiseConv2d(g); // -> true
 * isPointwiseConv2d({ ...g, kh: 3, kw: 3, padTop: 1, padLeft: 1 }); // -> false
 * ```
 */
export function isPointwiseConv2d(g: Conv2dGeometry): boolean {
  if (typeof g !== 'object' || g === null) {
    throw new KernelArgumentError(
      'isPointwiseConv2d',
      'g',
      `expected a Conv2dGeometry object, got ${describeArgument(g)}`,
    );
  }
  return (
    g.kh === 1 &&
    g.kw === 1 &&
    g.groups === 1 &&
    g.padTop === 0 &&
    g.padLeft === 0 &&
    Number.isInteger(g.strideH) &&
    Number.isInteger(g.strideW) &&
    g.strideH >= 1 &&
    g.strideW >= 1 &&
    Number.isInteger(g.inH) &&
    Number.isInteger(g.inW) &&
    g.inH >= 1 &&
    g.inW >= 1 &&
    g.outH === Math.floor((g.inH - 1) / g.strideH) + 1 &&
    g.outW === Math.floor((g.inW - 1) / g.strideW) + 1
  );
}

/** Throws KernelArgumentError unless the arguments describe a pointwise conv whose arrays are long enough. */
function checkArguments(
  g: Conv2dGeometry,
  x: unknown,
  w: unknown,
  bias: unknown,
  out: unknown,
  options: unknown,
): void {
  const fn = 'wasmPointwiseConv2dForward';
  checkConv2dGeometry(fn, g);
  if (!isPointwiseConv2d(g)) {
    throw new KernelArgumentError(
      fn,
      'g',
      `expected a 1x1 conv with groups 1, no padding and outH = floor((inH - 1) / strideH) + 1 (same for W), got ` +
        `kernel ${g.kh}x${g.kw}, groups ${g.groups}, padding [${g.padTop}, ${g.padLeft}], stride [${g.strideH}, ${g.strideW}], ` +
        `input ${g.inH}x${g.inW}, output ${g.outH}x${g.outW}`,
    );
  }
  const shape = geometryText(g);
  checkFloatOperand(fn, 'x', x, g.batch * g.inChannels * g.inH * g.inW, shape);
  checkFloatOperand(fn, 'w', w, g.outChannels * g.inChannels, shape);
  checkFloatOperand(fn, 'out', out, g.batch * g.outChannels * g.outH * g.outW, shape);
  if (bias !== null) checkFloatOperand(fn, 'bias', bias, g.outChannels, shape);
  checkActivationOption(fn, options);
}

/**
 * Pointwise (1x1) conv2d forward in WebAssembly SIMD on dense float32 NCHW arrays:
 * `out = act(conv2d(x, w) + bias)` for a 1x1 kernel with groups 1 and no padding (any stride;
 * see {@link isPointwiseConv2d}). Per image this is the GEMM `out[n] = W @ x[n]` on the NCHW
 * layout: a 4 x 8 micro-kernel broadcasts the packed weights and reads eight positions of each
 * input plane in place (no unfold, no per-sliver gather), starting at the bias and applying the
 * activation in registers before its one store. A stride above 1 subsamples the input first.
 * {@link wasmConv2dForward} runs this kernel for every pointwise geometry; it is exported for
 * callers that want that path explicitly. Accumulates in float32 in channel order; results do not
 * depend on the thread count. With `setThreads(n)`, problems of at least 2^21 multiply-adds are
 * cut into (image, column range) units that the threads claim, in bands of output channels or
 * slices of input planes that this thread copies out or in while the threads compute the next. `options` as for
 * {@link wasmConv2dForward} (packed-weight cache key, fused ReLU or clamp).
 *
 * Returns `true` when it computed `out` (fully overwritten), `false` when it declined and left
 * `out` untouched (an operand is a `Float64Array`, or the module is unavailable: see `ready`).
 * Throws a `KernelArgumentError` (a `TorchletError`) when the geometry is not pointwise or an array
 * is shorter than the geometry needs, before touching anything.
 *
 * Shapes: x `[batch, inChannels, inH, inW]`, w `[outChannels, inChannels, 1, 1]`,
 * bias `[outChannels]` or null -> out `[batch, outChannels, outH, outW]`.
 *
 * @param g - The convolution's geometry (1x1, groups 1, no padding); see {@link Conv2dGeometry}.
 * @param x - The input, float32 `[batch, inChannels, inH, inW]`.
 * @param w - The filters, float32 `[outChannels, inChannels, 1, 1]`.
 * @param bias - Per-output-channel bias, `outChannels` elements, or `null` for none.
 * @param out - Receives the output `[batch, outChannels, outH, outW]` (overwritten).
 * @param options - A key for the packed-weight cache and a fused activation; see {@link Conv2dForwardOptions}.
 * @returns `true` when WebAssembly computed `out`, `false` when it declined and left `out` untouched.
 * @see torch.nn.functional.conv2d with a 1x1 kernel
 * @example
 * ```ts
 * import { getBackendInfo, wasmPointwiseConv2dForward } from '@torchlet/kernels';
 * // Two input channels of 1x3 mixed into one output channel: 1 * x0 + 2 * x1 + 0.5, then ReLU.
 * const g = {
 *   batch: 1, inChannels: 2, inH: 1, inW: 3, outChannels: 1, kh: 1, kw: 1, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 1, outW: 3,
 * };
 * const out = new Float32Array(3);
 * wasmPointwiseConv2dForward(g, new Float32Array([1, 2, 3, -4, -5, -6]), new Float32Array([1, 2]),
 *   new Float32Array([0.5]), out, { activation: 'relu' }); // -> true
 * Array.from(out); // -> [0, 0, 0]
 * getBackendInfo().lastKernel; // -> 'wasm-simd128-conv2d-pointwise-4x8'
 * ```
 */
export function wasmPointwiseConv2dForward(
  g: Conv2dGeometry,
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | null,
  out: FloatArray,
  options: Conv2dForwardOptions = {},
): boolean {
  checkArguments(g, x, w, bias, out, options);
  return pointwiseForward(g, x, w, bias, out, options);
}

/** The pass itself, on arguments already checked (wasmConv2dForward's hook calls it directly). */
export function pointwiseForward(
  g: Conv2dGeometry,
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | null,
  out: FloatArray,
  options: Conv2dForwardOptions = {},
): boolean {
  const modules = convModules(WASM_POINTWISE_KERNEL, [x, w, bias, out]);
  if (modules === null) return false;
  const { pool, single } = modules;
  const { batch, inChannels: k, outChannels: m, inH, inW } = g;
  const l = g.outH * g.outW;
  if (batch * m * l === 0) return true;
  const activation = options.activation ?? null;
  if (k === 0) {
    fillWithBias(out, bias, activation, batch, m, l);
    return true;
  }
  const strided = g.strideH !== 1 || g.strideW !== 1;
  const imgRaw = k * inH * inW;
  const imgIn = k * l;
  const imgOut = m * l;
  const mp = Math.ceil(m / 4) * 4;
  const nSl = Math.ceil(l / 8);

  const macs = batch * m * l * k;
  const split =
    pool !== null && macs >= POINTWISE_PARALLEL_MIN_WORK && (macs >= PARALLEL_ALWAYS_MIN_WORK || splitsPay(pool));
  const workers = pool !== null && split ? readyWorkers(pool) : [];
  const threads = workers.length + 1;
  // Unsplit convolutions run on the single-threaded module (cheaper copies than shared memory).
  const mod = (pool !== null && workers.length > 0 ? pool.exports : single) as PointwiseExports;
  const per = Math.max(1, Math.min(batch, Math.floor(CHUNK_FLOATS / (imgIn + imgOut + (strided ? imgRaw : 0)))));
  // Units: whole images, or (with threads and few images) column ranges of them.
  const chunks = threads > 1 ? Math.min(nSl, Math.max(1, Math.ceil((8 * threads) / per))) : 1;
  const perChunk = Math.ceil(nSl / chunks);
  const chunksUsed = Math.ceil(nSl / perChunk);
  const nb = Math.max(1, Math.floor(BLOCK_FLOATS / (8 * k)));
  const pipe = pipelinePlan(threads > 1 && !strided, per, k, m, l);
  const bandRows =
    pipe.mode !== 'none'
      ? pipe.rows
      : per * m * l <= 2 * BAND_FLOATS
        ? m
        : Math.max(4, Math.floor(BAND_FLOATS / (per * l)) & ~3);
  // Input planes per staged slice (k: the whole image at once).
  const slicePlanes =
    pipe.mode !== 'none'
      ? pipe.planes
      : !strided && per === 1 && bandRows === m && imgIn > 2 * SLICE_FLOATS
        ? Math.min(k, Math.max(SLICE_MIN_PLANES, Math.floor(SLICE_FLOATS / l)))
        : k;
  // A pipelined call has two descriptors, and two input-slice or two output-band regions.
  const sets = pipe.mode === 'none' ? 1 : 2;

  // Find (or reserve) the cached packed weights first: reserving moves heapBase() above the slot.
  const packedBytes = 4 * mp * k;
  const key = options.weightKey ?? null;
  const slot = key === null ? null : weightSlot(mod, key, `pointwise,${m},${k},${mp}`, packedBytes);
  const packed = slot?.hit === true;
  const work = align64(mod.heapBase());
  const descAt = work + WORK_BYTES * threads;
  const descBytes = align64(4 * DESC_INTS);
  const wrawAt = align64(descAt + sets * descBytes);
  const wpackScratchAt = align64(wrawAt + (packed ? 0 : 4 * m * k));
  const wpackAt = slot === null ? wpackScratchAt : slot.at;
  const biasAt = align64(wpackScratchAt + (slot === null ? packedBytes : 0));
  const xrawAt = align64(biasAt + 4 * (mp + 4));
  const xAt = align64(xrawAt + (strided ? 4 * per * imgRaw : 0));
  const xBytes = align64(4 * per * slicePlanes * l + SLACK_BYTES);
  const outAt = xAt + (pipe.mode === 'slices' ? 2 : 1) * xBytes;
  const outBytes = align64(4 * per * bandRows * l);
  const mem = memoryView(mod, outAt + (pipe.mode === 'bands' ? 2 : 1) * outBytes);
  if (mem === null) {
    noteKernel('js');
    return false;
  }
  const desc = new Int32Array(mem.buffer, descAt, DESC_INTS);
  desc.set([
    per,
    k,
    m,
    l,
    xAt,
    wrawAt,
    wpackAt,
    biasAt,
    outAt,
    packed ? 1 : 0,
    activation === null ? ACT_NONE : activation === 'relu' ? ACT_RELU : ACT_CLAMP,
    0,
    0,
    chunksUsed,
    perChunk,
    nb,
    xrawAt,
    inH,
    inW,
    g.strideH,
    g.strideW,
    g.outH,
    g.outW,
    0, // D_OC0 and D_OC1: the band of output channels, set per band below
    m,
    bandRows, // D_OUT_ROWS
    0,
    0,
  ]);
  if (activation !== null && activation !== 'relu') {
    new Float32Array(mem.buffer, descAt + 4 * D_ACT_LO, 2).set(activation.clamp);
  }
  if (!packed) mem.set(w.subarray(0, m * k), wrawAt / 4);
  // The bias region always holds mp + 4 values (zeros for no bias and past Cout): the micro-kernels
  // start from it (the 8 x 4 one reads 8 rows from a last 4-row sliver).
  mem.fill(0, biasAt / 4, biasAt / 4 + mp + 4);
  if (bias !== null) mem.set(bias.subarray(0, m), biasAt / 4);
  mod.pointwisePrepare(descAt);
  slot?.commit();
  // The second descriptor of a pipelined call: the other input slice or output band region.
  const descs = [desc];
  if (sets === 2) {
    const second = new Int32Array(mem.buffer, descAt + descBytes, DESC_INTS);
    second.set(desc);
    if (pipe.mode === 'slices') second[D_X] = xAt + xBytes;
    else second[D_OUT] = outAt + outBytes;
    descs.push(second);
  }

  const outF = outAt / 4;
  let usedThreads = 1;
  let parallel = pool !== null && workers.length > 0;
  const job = [descAt, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, work];

  /**
   * Chunk [n0, n0 + nbImages) pipelined on the threads (see PIPELINE_STEP_FLOATS); false if a
   * worker threw or stalled (the pool is then retired and the chunk must be redone).
   */
  const pipelined = (p: ThreadPool, n0: number, nbImages: number): boolean => {
    const units = nbImages * chunksUsed;
    job[2] = units;
    if (pipe.mode === 'bands') {
      mem.set(x.subarray(n0 * imgIn, (n0 + nbImages) * imgIn), xAt / 4);
      const bands = Math.ceil(m / bandRows);
      /** Copies band b out of its region (every band has bandRows rows but the last). */
      const copyBand = (b: number): void => {
        const o0 = b * bandRows;
        const rows = Math.min(bandRows, m - o0);
        const from = (outAt + (b & 1) * outBytes) / 4;
        for (let i = 0; i < nbImages; i++) {
          const at = from + i * bandRows * l;
          out.set(mem.subarray(at, at + rows * l), ((n0 + i) * m + o0) * l);
        }
      };
      for (let b = 0; b < bands; b++) {
        const d = descs[b & 1];
        d[D_OC0] = b * bandRows;
        d[D_OC1] = Math.min(m, (b + 1) * bandRows);
        job[0] = descAt + (b & 1) * descBytes;
        const posted = postParallel(p, workers, job, WORK_BYTES, true, 1, 7, true);
        pipelineSteps++;
        if (b > 0) copyBand(b - 1);
        if (!finishParallel(posted)) return false;
      }
      copyBand(bands - 1);
      return true;
    }
    // Slices (one image): slice i + 1 is copied into the region slice i - 1 used while the
    // threads add slice i's terms to the partial sums.
    const slices = Math.ceil(k / slicePlanes);
    const stage = (i: number): void => {
      const k0 = i * slicePlanes;
      const k1 = Math.min(k, k0 + slicePlanes);
      mem.set(x.subarray(n0 * imgIn + k0 * l, n0 * imgIn + k1 * l), (xAt + (i & 1) * xBytes) / 4);
    };
    stage(0);
    for (let i = 0; i < slices; i++) {
      const d = descs[i & 1];
      d[D_K0] = i * slicePlanes;
      d[D_K1] = Math.min(k, (i + 1) * slicePlanes);
      job[0] = descAt + (i & 1) * descBytes;
      const posted = postParallel(p, workers, job, WORK_BYTES, true, 1, 7, true);
      pipelineSteps++;
      if (i + 1 < slices) stage(i + 1);
      if (!finishParallel(posted)) return false;
    }
    out.set(mem.subarray(outF, outF + nbImages * imgOut), n0 * imgOut);
    return true;
  };

  for (let n0 = 0; n0 < batch; n0 += per) {
    const nbImages = Math.min(per, batch - n0);
    const units = nbImages * chunksUsed;
    if (parallel && pool !== null && pipe.mode !== 'none') {
      if (pipelined(pool, n0, nbImages)) {
        usedThreads = Math.max(usedThreads, Math.min(threads, units));
        continue;
      }
      // A worker threw (the pool is retired): the chunk is redone on this thread from the start,
      // one step after another on the first descriptor's regions.
      parallel = false;
    }
    job[0] = descAt;
    if (strided) {
      mem.set(x.subarray(n0 * imgRaw, (n0 + nbImages) * imgRaw), xrawAt / 4);
      mod.pointwiseSubsamplePart(descAt, 0, nbImages);
    } else if (slicePlanes === k) {
      mem.set(x.subarray(n0 * imgIn, (n0 + nbImages) * imgIn), xAt / 4);
    }
    for (let o0 = 0; o0 < m; o0 += bandRows) {
      const rows = Math.min(bandRows, m - o0);
      desc[D_OC0] = o0;
      desc[D_OC1] = o0 + rows;
      // Slices of input channels (one, all of them, unless the image is staged in slices): each
      // adds its planes' terms to the output region, the first starting from the bias.
      for (let k0 = 0; k0 < k; k0 += slicePlanes) {
        if (slicePlanes < k) {
          const k1 = Math.min(k, k0 + slicePlanes);
          mem.set(x.subarray(n0 * imgIn + k0 * l, n0 * imgIn + k1 * l), xAt / 4);
          desc[D_K0] = k0;
          desc[D_K1] = k1;
        }
        let done = false;
        if (parallel && pool !== null) {
          job[2] = units;
          done = runParallel(pool, workers, job, WORK_BYTES, true, 1, 7);
          if (done) usedThreads = Math.max(usedThreads, Math.min(threads, units));
          else {
            // A worker threw (the pool is retired): this band is redone on this thread. A slice
            // after the first may have added part of its terms, so the band restarts from the first.
            parallel = false;
            if (k0 > 0) {
              k0 = -slicePlanes;
              continue;
            }
          }
        }
        if (!done) mod.pointwiseForwardPart(descAt, 0, units, work);
      }
      if (rows === m) out.set(mem.subarray(outF, outF + nbImages * imgOut), n0 * imgOut);
      else {
        for (let i = 0; i < nbImages; i++) {
          const from = outF + i * bandRows * l;
          out.set(mem.subarray(from, from + rows * l), ((n0 + i) * m + o0) * l);
        }
      }
    }
  }
  noteKernel(usedThreads > 1 ? `${WASM_POINTWISE_KERNEL} x${usedThreads} threads` : WASM_POINTWISE_KERNEL);
  return true;
}

/** How a split call overlaps its copies with the arithmetic (see PIPELINE_STEP_FLOATS). */
interface PipelinePlan {
  /** 'bands': bands of output channels, copied out one while the next is computed; 'slices': slices of input planes, copied in one while the previous is summed. */
  readonly mode: 'none' | 'bands' | 'slices';
  /** Output channels per band (a multiple of 4; Cout unless 'bands'). */
  readonly rows: number;
  /** Input planes per slice (Cin unless 'slices'). */
  readonly planes: number;
}

/**
 * The pipeline of a chunk of `per` images (`on`: the call is split, stride 1): the larger of the
 * input and the output is cut into 2 to PIPELINE_MAX_STEPS steps, when it is at least two steps
 * (inputs: PIPELINE_SLICES_MIN_FLOATS). Slices need one image per chunk (their region holds one
 * image's planes).
 */
function pipelinePlan(on: boolean, per: number, k: number, m: number, l: number): PipelinePlan {
  const inFloats = per * k * l;
  const outFloats = per * m * l;
  if (on && per === 1 && inFloats >= outFloats && inFloats >= PIPELINE_SLICES_MIN_FLOATS) {
    const steps = Math.min(PIPELINE_MAX_STEPS, Math.ceil(inFloats / PIPELINE_STEP_FLOATS));
    const planes = Math.max(SLICE_MIN_PLANES, Math.ceil(k / steps));
    if (planes < k) return { mode: 'slices', rows: m, planes };
  }
  if (on && outFloats > inFloats && outFloats >= 2 * PIPELINE_STEP_FLOATS) {
    const steps = Math.min(PIPELINE_MAX_STEPS, Math.ceil(outFloats / PIPELINE_STEP_FLOATS));
    const rows = Math.ceil(m / steps / 4) * 4;
    if (rows < m) return { mode: 'bands', rows, planes: k };
  }
  return { mode: 'none', rows: m, planes: k };
}

/** Steps of pipelined split calls run so far (see PIPELINE_STEP_FLOATS), for the threads tests. */
let pipelineSteps = 0;

/**
 * How many pipelined steps (bands of output channels or slices of input planes posted to the
 * threads while this thread copied) {@link wasmPointwiseConv2dForward} has run in this process:
 * the threads tests read it to assert that the pipelined path ran.
 *
 * @returns The count since the module was loaded.
 */
export function pointwisePipelineSteps(): number {
  return pipelineSteps;
}
