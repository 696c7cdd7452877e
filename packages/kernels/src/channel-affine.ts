// The TypeScript face of assembly/channel-affine.ts: `out = x * scale[c] + shift[c]` per channel
// (BatchNorm in evaluation mode, folded), optionally followed by ReLU. The data crosses into
// WebAssembly memory in chunks that stay in the L2 cache: in, mapped in place, out.
//
// Linear memory, from the module's heap base (64-byte aligned): [ scale | shift | chunk ]

import { describeArgument, KernelArgumentError } from './errors.js';
import { align64, type FloatArray, memoryView, noteKernel } from './gemm.js';
import { type GemmExports, gemmModule } from './loader.js';

/**
 * Checks the `[n, channels, inner]` layout sizes of a per-channel kernel (this one and the
 * BatchNorm kernels) and returns the element count.
 */
export function checkChannelSizes(fn: string, n: unknown, channels: unknown, inner: unknown): number {
  for (const [arg, v] of [
    ['n', n],
    ['channels', channels],
    ['inner', inner],
  ] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 2 ** 31 - 1) {
      throw new KernelArgumentError(
        fn,
        arg,
        `${arg} must be a non-negative integer below 2^31, got ${describeArgument(v)}`,
      );
    }
  }
  return (n as number) * (channels as number) * (inner as number);
}

/** Name of the per-channel affine kernel. */
export const WASM_CHANNEL_AFFINE_KERNEL = 'wasm-simd128-channel-affine';

/** The entry point of the module (assembly/channel-affine.ts). */
interface ChannelAffineExports extends GemmExports {
  channelAffineF32(
    x: number,
    out: number,
    planes: number,
    inner: number,
    scale: number,
    shift: number,
    c0: number,
    channels: number,
    relu: number,
  ): void;
}

/** Floats staged per chunk (256 KB). */
const CHUNK_FLOATS = 1 << 16;

function checkArguments(
  x: unknown,
  out: unknown,
  n: unknown,
  channels: unknown,
  inner: unknown,
  scale: unknown,
  shift: unknown,
): void {
  const fn = 'wasmChannelAffine';
  const size = checkChannelSizes(fn, n, channels, inner);
  for (const [arg, a, need] of [
    ['x', x, size],
    ['out', out, size],
    ['scale', scale, channels as number],
    ['shift', shift, channels as number],
  ] as const) {
    if (!(a instanceof Float32Array || a instanceof Float64Array)) {
      throw new KernelArgumentError(
        fn,
        arg,
        `${arg} must be a Float32Array or Float64Array, got ${describeArgument(a)}`,
      );
    }
    if (a.length < need) {
      throw new KernelArgumentError(
        fn,
        arg,
        `${arg} holds ${a.length} elements, fewer than the ${need} of n=${n}, channels=${channels}, inner=${inner}`,
      );
    }
  }
}

/**
 * The per-channel affine map of BatchNorm in evaluation mode, in WebAssembly SIMD:
 * `out[b, c, i] = x[b, c, i] * scale[c] + shift[c]` over dense `[n, channels, inner]` float32
 * data, then `relu` when asked (`max(y, 0)`: NaN stays NaN, -0 becomes +0). Each element is
 * computed in float64 and rounded to float32 once, so the result is the same bits as the
 * JavaScript expression `x * scale + shift` stored into a Float32Array (the fused multiply-add
 * of PyTorch's CPU kernel, except about one element in 2^29, which differs by one unit in the
 * last place). `scale` and `shift` are read as float32 values. `out` may be `x`.
 *
 * Returns `true` when it wrote `out`, `false` when it declined and left `out` untouched (`x` or
 * `out` is not a `Float32Array`, or the module is unavailable: see `ready`), so the caller runs its
 * own loop. Throws a `KernelArgumentError` for sizes that are not non-negative integers or arrays
 * shorter than they say.
 *
 * Shapes: x `[n, channels, inner]`, scale and shift `[channels]` -> out `[n, channels, inner]`.
 *
 * @param x - The input, dense float32 `[n, channels, inner]` (e.g. NCHW with `inner = H * W`).
 * @param out - Receives the result, the length of `x` (may be `x` itself).
 * @param n - The batch size.
 * @param channels - The number of channels.
 * @param inner - The elements per channel and sample (`H * W`).
 * @param scale - One scale per channel, `channels` elements.
 * @param shift - One shift per channel, `channels` elements.
 * @param relu - Apply `max(·, 0)` after the affine map (a fused BatchNorm + ReLU).
 * @returns `true` when WebAssembly computed `out`, `false` when it declined (no SIMD, other dtype) and left
 *   `out` untouched.
 * @see torch.nn.functional.batch_norm
 * @example
 * ```ts
 * import { getBackendInfo, wasmChannelAffine } from '@torchlet/kernels';
 * // Two channels of two values: channel 0 scaled by 2, channel 1 shifted by -5, then ReLU.
 * const x = new Float32Array([1, -3, 4, 6]);
 * const out = new Float32Array(4);
 * wasmChannelAffine(x, out, 1, 2, 2, new Float32Array([2, 1]), new Float32Array([0, -5]), true); // -> true
 * Array.from(out); // -> [2, 0, 0, 1]
 * getBackendInfo().lastKernel; // -> 'wasm-simd128-channel-affine'
 * ```
 */
export function wasmChannelAffine(
  x: FloatArray,
  out: FloatArray,
  n: number,
  channels: number,
  inner: number,
  scale: FloatArray,
  shift: FloatArray,
  relu = false,
): boolean {
  checkArguments(x, out, n, channels, inner, scale, shift);
  if (!(x instanceof Float32Array && out instanceof Float32Array)) {
    noteKernel('js');
    return false;
  }
  const mod = gemmModule() as ChannelAffineExports | null;
  if (mod === null) {
    noteKernel('js');
    return false;
  }
  const size = n * channels * inner;
  if (size === 0) {
    noteKernel(WASM_CHANNEL_AFFINE_KERNEL);
    return true;
  }
  const scaleAt = align64(mod.heapBase());
  const shiftAt = align64(scaleAt + 4 * channels);
  const chunkAt = align64(shiftAt + 4 * channels);
  const chunk = Math.min(size, CHUNK_FLOATS);
  const mem = memoryView(mod, chunkAt + 4 * chunk);
  if (mem === null) {
    noteKernel('js');
    return false;
  }
  noteKernel(WASM_CHANNEL_AFFINE_KERNEL);
  mem.set(scale.subarray(0, channels), scaleAt / 4);
  mem.set(shift.subarray(0, channels), shiftAt / 4);
  const f = chunkAt / 4;
  const planes = n * channels;
  const flag = relu ? 1 : 0;
  if (inner <= CHUNK_FLOATS) {
    // Runs of whole planes.
    const per = Math.max(1, Math.floor(CHUNK_FLOATS / Math.max(1, inner)));
    for (let p0 = 0; p0 < planes; p0 += per) {
      const np = Math.min(per, planes - p0);
      const from = p0 * inner;
      const to = from + np * inner;
      mem.set(x.subarray(from, to), f);
      mod.channelAffineF32(chunkAt, chunkAt, np, inner, scaleAt, shiftAt, p0 % channels, channels, flag);
      out.set(mem.subarray(f, f + np * inner), from);
    }
    return true;
  }
  // Planes larger than a chunk: pieces of one plane, one channel each.
  for (let p = 0; p < planes; p++) {
    for (let i0 = 0; i0 < inner; i0 += CHUNK_FLOATS) {
      const len = Math.min(CHUNK_FLOATS, inner - i0);
      const from = p * inner + i0;
      mem.set(x.subarray(from, from + len), f);
      mod.channelAffineF32(chunkAt, chunkAt, 1, len, scaleAt, shiftAt, p % channels, channels, flag);
      out.set(mem.subarray(f, f + len), from);
    }
  }
  return true;
}
