// The TypeScript face of assembly/max-pool.ts: float32 2-D max pooling with any window, stride,
// padding and dilation, values and optionally argmax indices. The planes cross into WebAssembly
// memory in chunks small enough to stay in the L2 cache (whole planes, or bands of output rows
// with the input rows they read), each operand in once and each result out once.
//
// Linear memory, from the module's heap base (every region 64-byte aligned):
//   [ input chunk | output chunk (+ slack) | index chunk (+ slack) | scratch rows ]

import { describeArgument, KernelArgumentError } from './errors.js';
import { align64, type FloatArray, memoryView, noteKernel } from './gemm.js';
import { type GemmExports, gemmModule } from './loader.js';

/** Name of the general max-pool kernel. */
export const WASM_MAX_POOL2D_KERNEL = 'wasm-simd128-maxpool2d';
/** Name of the kernels for 3x3 windows, stride 2, no dilation (ResNet's stem pool), values with or without indices. */
export const WASM_MAX_POOL3X3S2_KERNEL = 'wasm-simd128-maxpool3x3s2';

/** The max-pool entry points of the module (assembly/max-pool.ts). */
interface MaxPoolExports extends GemmExports {
  maxPool2dWorkBytes(
    h: number,
    w: number,
    kw: number,
    sw: number,
    pw: number,
    dw: number,
    wo: number,
    idx: number,
  ): number;
  maxPool2dPlanes(
    x: number,
    planes: number,
    h: number,
    w: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    ph: number,
    pw: number,
    dh: number,
    dw: number,
    ho: number,
    wo: number,
    out: number,
    idx: number,
    rowOffset: number,
    work: number,
  ): void;
  maxPool3x3s2WorkBytes(wo: number): number;
  maxPool3x3s2IndicesWorkBytes(wo: number): number;
  maxPool3x3s2IndicesPlanes(
    x: number,
    planes: number,
    h: number,
    w: number,
    ph: number,
    pw: number,
    ho: number,
    wo: number,
    out: number,
    idx: number,
    rowOffset: number,
    work: number,
  ): void;
  widenIndicesI64(src: number, dst: number, n: number): void;
  maxPool3x3s2Planes(
    x: number,
    planes: number,
    h: number,
    w: number,
    ph: number,
    pw: number,
    ho: number,
    wo: number,
    out: number,
    work: number,
  ): void;
}

/**
 * The shape of a 2-D max pooling over dense planes: `planes` (N*C) planes of `h x w` pooled into
 * `outH x outW`, windows `kh x kw` starting at `oh*strideH - padTop`, `ow*strideW - padLeft`
 * with taps `dilationH` / `dilationW` apart, clipped to the plane (padding never wins). The
 * output size is the caller's (floor or ceil mode).
 *
 * @example
 * ```ts
 * import type { MaxPool2dGeometry } from '@torchlet/kernels';
 * // ResNet's stem pool on one 112x112 plane: 3x3, stride 2, padding 1.
 * const g: MaxPool2dGeometry = {
 *   planes: 1, h: 112, w: 112, kh: 3, kw: 3, strideH: 2, strideW: 2,
 *   padTop: 1, padLeft: 1, dilationH: 1, dilationW: 1, outH: 56, outW: 56,
 * };
 * g.outH * g.outW; // -> 3136
 * ```
 */
export interface MaxPool2dGeometry {
  /** Number of planes (N*C). */
  readonly planes: number;
  /** Input plane height. */
  readonly h: number;
  /** Input plane width. */
  readonly w: number;
  /** Window height. */
  readonly kh: number;
  /** Window width. */
  readonly kw: number;
  /** Vertical step between windows. */
  readonly strideH: number;
  /** Horizontal step between windows. */
  readonly strideW: number;
  /** Implicit rows above the plane (the bottom is clipped, which covers ceil mode). */
  readonly padTop: number;
  /** Implicit columns left of the plane. */
  readonly padLeft: number;
  /** Vertical spacing of a window's taps. */
  readonly dilationH: number;
  /** Horizontal spacing of a window's taps. */
  readonly dilationW: number;
  /** Output plane height. */
  readonly outH: number;
  /** Output plane width. */
  readonly outW: number;
}

/** Input floats staged per chunk (256 KB). */
const CHUNK_FLOATS = 1 << 16;
/** Slack after the output and index chunks: each output row is written four lanes at a time. */
const SLACK_BYTES = 64;
/** Largest scratch row, scratch plane (floats) or row coordinate the module's 32-bit arithmetic handles. */
const SPAN_LIMIT = 2 ** 26;
/** Every size is a safe integer far below this, so products stay exact. */
const MAX_DIM = 2 ** 31 - 1;

const FIELDS = [
  'planes',
  'h',
  'w',
  'kh',
  'kw',
  'strideH',
  'strideW',
  'padTop',
  'padLeft',
  'dilationH',
  'dilationW',
  'outH',
  'outW',
] as const;

/** Throws a `KernelArgumentError` unless the geometry and arrays describe an in-bounds problem. */
function checkArguments(x: unknown, g: MaxPool2dGeometry, out: unknown, indices: unknown): void {
  const fn = 'wasmMaxPool2d';
  if (typeof g !== 'object' || g === null) {
    throw new KernelArgumentError(fn, 'g', `expected a MaxPool2dGeometry object, got ${describeArgument(g)}`);
  }
  for (const f of FIELDS) {
    const v = g[f];
    const positive = f === 'kh' || f === 'kw' || f.startsWith('stride') || f.startsWith('dilation');
    if (typeof v !== 'number' || !Number.isInteger(v) || v < (positive ? 1 : 0) || v > MAX_DIM) {
      throw new KernelArgumentError(
        fn,
        `g.${f}`,
        `g.${f} must be ${positive ? 'a positive' : 'a non-negative'} integer below 2^31, got ${describeArgument(v)}`,
      );
    }
  }
  const arrays: [string, unknown, number][] = [
    ['x', x, g.planes * g.h * g.w],
    ['out', out, g.planes * g.outH * g.outW],
  ];
  if (indices !== null) arrays.push(['indices', indices, g.planes * g.outH * g.outW]);
  for (const [name, a, need] of arrays) {
    const typed =
      name === 'indices'
        ? a instanceof Int32Array || a instanceof BigInt64Array
        : a instanceof Float32Array || a instanceof Float64Array;
    if (!typed) {
      const want = name === 'indices' ? 'an Int32Array, a BigInt64Array or null' : 'a Float32Array or Float64Array';
      throw new KernelArgumentError(fn, name, `expected ${want}, got ${describeArgument(a)}`);
    }
    const length = (a as Float32Array | Int32Array | BigInt64Array).length;
    if (length < need) {
      throw new KernelArgumentError(
        fn,
        name,
        `${name} holds ${length} elements, fewer than the ${need} of [${g.planes}, ${name === 'x' ? `${g.h}, ${g.w}` : `${g.outH}, ${g.outW}`}]`,
      );
    }
  }
}

/**
 * 2-D max pooling in WebAssembly SIMD over `g.planes` dense float32 planes (NCHW with
 * `planes = N*C`), any window, stride, padding and dilation, optionally with the argmax of each
 * window (int32 flat index `ih*w + iw` within its input plane, as PyTorch). Bit-identical to
 * `@torchlet/ops`' JavaScript loop and PyTorch's CPU rule: windows are clipped to the plane
 * (padding never wins), ties keep the first maximum in row-major order (so -0 before +0 gives
 * -0), a NaN wins and a later NaN replaces it; a dilated window that covers only padding gives
 * -inf and index -1.
 *
 * Returns `true` when it wrote `out` (and `indices`), `false` when it declined and left them
 * untouched (float64 data, the module is unavailable: see `ready`, or a window span or stride
 * beyond 2^26), so the caller runs its own kernel. Throws a `KernelArgumentError` for a
 * malformed geometry or arrays shorter than it says.
 *
 * Shapes: x `[planes, h, w]` -> out (and indices) `[planes, outH, outW]`.
 *
 * @param x - The input, float32 `[planes, h, w]` (`planes = N * C`).
 * @param g - The planes, input size, window, stride, padding and dilation; see {@link MaxPool2dGeometry}.
 * @param out - Receives the maxima `[planes, outH, outW]` (overwritten).
 * @param indices - Receives each maximum's flat position in its plane: an `Int32Array`, or a `BigInt64Array`
 *   (PyTorch's int64, widened in WebAssembly), or `null` to skip them.
 * @returns `true` when WebAssembly computed `out`, `false` when it declined and left `out` untouched.
 * @see torch.nn.functional.max_pool2d
 * @example
 * ```ts
 * import { getBackendInfo, wasmMaxPool2d } from '@torchlet/kernels';
 * // One 4x4 plane of 0..15, 3x3 windows, stride 2, padding 1 -> 2x2.
 * const x = Float32Array.from({ length: 16 }, (_, i) => i);
 * const g = {
 *   planes: 1, h: 4, w: 4, kh: 3, kw: 3, strideH: 2, strideW: 2,
 *   padTop: 1, padLeft: 1, dilationH: 1, dilationW: 1, outH: 2, outW: 2,
 * };
 * const out = new Float32Array(4);
 * const indices = new Int32Array(4);
 * wasmMaxPool2d(x, g, out, indices); // -> true
 * Array.from(out); // -> [5, 7, 13, 15]
 * Array.from(indices); // -> [5, 7, 13, 15]
 * // 3x3 windows at stride 2 have their own one-pass kernel:
 * getBackendInfo().lastKernel; // -> 'wasm-simd128-maxpool3x3s2'
 * ```
 */
export function wasmMaxPool2d(
  x: FloatArray,
  g: MaxPool2dGeometry,
  out: FloatArray,
  indices: Int32Array | BigInt64Array | null = null,
): boolean {
  checkArguments(x, g, out, indices);
  if (!(x instanceof Float32Array && out instanceof Float32Array)) {
    noteKernel('js');
    return false;
  }
  const mod = gemmModule() as MaxPoolExports | null;
  if (mod === null) {
    noteKernel('js');
    return false;
  }
  const { planes, h, w, kh, kw, strideH: sh, strideW: sw, padTop: ph, padLeft: pw, dilationH: dh } = g;
  const { dilationW: dw, outH: ho, outW: wo } = g;
  const plane = h * w;
  const outPlane = ho * wo;
  const withIdx = indices === null ? 0 : 1;
  // 3x3 windows with stride 2 take the one-pass kernels (values, or values and indices); the rest
  // the general one.
  const is3x3s2 = kh === 3 && kw === 3 && sh === 2 && sw === 2 && dh === 1 && dw === 1;
  const kernelName = is3x3s2 ? WASM_MAX_POOL3X3S2_KERNEL : WASM_MAX_POOL2D_KERNEL;
  // Whole planes per chunk when they fit, else bands of output rows and the input rows they read.
  const whole = plane <= CHUNK_FLOATS;
  const perPlanes = whole ? Math.max(1, Math.floor(CHUNK_FLOATS / Math.max(1, plane))) : 1;
  const span = (kh - 1) * dh + 1; // input rows one output row reads
  const bandRows = whole ? ho : Math.max(1, Math.floor((Math.floor(CHUNK_FLOATS / w) - span) / sh) + 1);
  const bandInRows = whole ? h : Math.min(h, (bandRows - 1) * sh + span);
  // The module computes addresses in 32 bits: decline spans whose scratch or row arithmetic would
  // not fit (only absurd dilations or strides get here; the JavaScript loop clips them).
  const wo4 = Math.ceil(wo / 4) * 4;
  const rowFloats = Math.max((wo4 - 1) * sw + (kw - 1) * dw + 1, pw + w) + 8;
  if (rowFloats > SPAN_LIMIT || bandInRows * wo4 > SPAN_LIMIT || (ho - 1) * sh + (kh - 1) * dh + ph > SPAN_LIMIT) {
    noteKernel('js');
    return false;
  }
  const inFloats = whole ? perPlanes * plane : bandInRows * w;
  const outFloats = whole ? perPlanes * outPlane : bandRows * wo;
  const inAt = align64(mod.heapBase());
  const outAt = align64(inAt + 4 * inFloats);
  const idxAt = align64(outAt + 4 * outFloats + SLACK_BYTES);
  // int64 indices are widened in WebAssembly memory after the int32 ones, then copied out.
  const wide = indices instanceof BigInt64Array;
  const wideAt = align64(idxAt + (withIdx ? 4 * outFloats + SLACK_BYTES : 0));
  const workAt = align64(wideAt + (wide ? 8 * outFloats + SLACK_BYTES : 0));
  const workBytes = !is3x3s2
    ? mod.maxPool2dWorkBytes(bandInRows, w, kw, sw, pw, dw, wo, withIdx)
    : withIdx
      ? mod.maxPool3x3s2IndicesWorkBytes(wo)
      : mod.maxPool3x3s2WorkBytes(wo);
  const end = workAt + workBytes;
  if (planes * outPlane === 0) {
    noteKernel(kernelName);
    return true;
  }
  const mem = memoryView(mod, end);
  if (mem === null) {
    noteKernel('js');
    return false;
  }
  noteKernel(kernelName);
  const ints = indices === null ? null : new Int32Array(mem.buffer);
  /** Copies `count` indices of the chunk out to `indices` from element `to`. */
  const indicesOut = (count: number, to: number): void => {
    if (indices instanceof BigInt64Array) {
      mod.widenIndicesI64(idxAt, wideAt, count);
      indices.set(new BigInt64Array(mem.buffer, wideAt, count), to);
    } else if (ints !== null && indices !== null) indices.set(ints.subarray(idxF, idxF + count), to);
  };
  const inF = inAt / 4;
  const outF = outAt / 4;
  const idxF = idxAt / 4;
  const idxPtr = withIdx ? idxAt : 0;
  const run = (nb: number, rows: number, pad: number, bandHo: number, rowOffset: number): void =>
    is3x3s2 && withIdx
      ? mod.maxPool3x3s2IndicesPlanes(inAt, nb, rows, w, pad, pw, bandHo, wo, outAt, idxPtr, rowOffset, workAt)
      : is3x3s2
        ? mod.maxPool3x3s2Planes(inAt, nb, rows, w, pad, pw, bandHo, wo, outAt, workAt)
        : mod.maxPool2dPlanes(
            inAt,
            nb,
            rows,
            w,
            kh,
            kw,
            sh,
            sw,
            pad,
            pw,
            dh,
            dw,
            bandHo,
            wo,
            outAt,
            idxPtr,
            rowOffset,
            workAt,
          );
  if (whole) {
    for (let p0 = 0; p0 < planes; p0 += perPlanes) {
      const nb = Math.min(perPlanes, planes - p0);
      mem.set(x.subarray(p0 * plane, (p0 + nb) * plane), inF);
      run(nb, h, ph, ho, 0);
      out.set(mem.subarray(outF, outF + nb * outPlane), p0 * outPlane);
      indicesOut(nb * outPlane, p0 * outPlane);
    }
    return true;
  }
  for (let p = 0; p < planes; p++) {
    for (let r0 = 0; r0 < ho; r0 += bandRows) {
      const nr = Math.min(bandRows, ho - r0);
      // Input rows [top, bottom) of this band's windows, clipped to the plane.
      const first = r0 * sh - ph;
      const top = Math.max(0, first);
      const bottom = Math.min(h, (r0 + nr - 1) * sh - ph + span);
      const rows = Math.max(0, bottom - top);
      if (rows > 0) mem.set(x.subarray(p * plane + top * w, p * plane + bottom * w), inF);
      run(1, rows, top - first, nr, top);
      out.set(mem.subarray(outF, outF + nr * wo), p * outPlane + r0 * wo);
      indicesOut(nr * wo, p * outPlane + r0 * wo);
    }
  }
  return true;
}
