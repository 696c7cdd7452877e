// The TypeScript face of assembly/conv-small.ts: a direct float32 conv2d forward for few output
// channels (at most SMALL_CONV2D_MAX_OUT_CHANNELS; stride 1, no dilation, groups 1). LeNet's conv1
// and the input gradient of its conv2 (a full correlation with 6 output channels) run here
// instead of the implicit GEMM, whose 4 x 8 micro-tile wastes rows on 6 channels and multiplies
// the padding rows of a full correlation. The batch crosses into WebAssembly memory in chunks of
// images (input in once, output out once), on the calling thread.
//
// Linear memory, from the module's heap base (every region 64-byte aligned):
//   [ regrouped weights | bias | spare row | dense input chunk | zero-bordered input chunk |
//     output chunk ]

import type { Conv2dForwardOptions, Conv2dGeometry } from './conv.js';
import { checkConv2dGeometry, checkFloatOperand, convModules, fillWithBias } from './conv-common.js';
import { align64, type FloatArray, memoryView, noteKernel } from './gemm.js';
import type { GemmExports } from './loader.js';
import { weightSlot } from './weight-cache.js';

/** Name of the small-output-channel direct conv2d kernel. */
export const WASM_CONV2D_SMALL_KERNEL = 'wasm-simd128-conv2d-small-cout';

/**
 * The most output channels {@link wasmConv2dSmallForward} takes. Measured at LeNet's shapes (one
 * thread, same process, against the implicit GEMM): conv1 `[32,1,28,28] -> 6` 5x5 pad 2 1.5-2x,
 * conv2's input gradient `[32,16,10,10] -> 6` 5x5 pad 4 2x; conv2 `[32,6,14,14]` 5x5 with 8
 * output channels 1.8x, but with 16 level (the GEMM's 4 x 8 tiles are full there), so the GEMM
 * keeps 7 channels and up.
 *
 * @example
 * ```ts
 * import { SMALL_CONV2D_MAX_OUT_CHANNELS } from '@torchlet/kernels';
 * SMALL_CONV2D_MAX_OUT_CHANNELS; // -> 6
 * ```
 */
export const SMALL_CONV2D_MAX_OUT_CHANNELS = 6;

/** Staging budget per chunk of images, in floats (input, zero-bordered input and output). */
const CHUNK_FLOATS = 1 << 20;

/** The module's small-conv entry points (assembly/conv-small.ts). */
interface ConvSmallExports extends GemmExports {
  convSmallStage(src: number, planes: number, h: number, w: number, padL: number, wp: number, dst: number): void;
  convSmallCompact(y: number, rows: number, cw: number, w: number): void;
  convSmallForward(
    x: number,
    n0: number,
    n1: number,
    cin: number,
    inH: number,
    wp: number,
    cout: number,
    kh: number,
    kw: number,
    padT: number,
    outH: number,
    cw: number,
    w: number,
    bias: number,
    y: number,
    spare: number,
  ): void;
}

/**
 * Whether {@link wasmConv2dSmallForward} takes the geometry: groups 1, stride 1, dilation 1,
 * 1 to {@link SMALL_CONV2D_MAX_OUT_CHANNELS} output channels and a window of at least 2 taps (any
 * padding; 1x1 convs are GEMMs, see `wasmPointwiseConv2dForward`).
 *
 * @param g - The convolution's geometry; see {@link Conv2dGeometry}.
 * @returns `true` when the small-channel kernel runs this geometry.
 * @example
 * ```ts
 * import { takesConv2dSmall } from '@torchlet/kernels';
 * // LeNet's conv1: [32,1,28,28] -> 6 channels, 5x5, padding 2.
 * takesConv2dSmall({
 *   batch: 32, inChannels: 1, inH: 28, inW: 28, outChannels: 6, kh: 5, kw: 5, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 2, padLeft: 2, dilationH: 1, dilationW: 1, outH: 28, outW: 28,
 * }); // -> true
 * ```
 */
export function takesConv2dSmall(g: Conv2dGeometry): boolean {
  checkConv2dGeometry('takesConv2dSmall', g);
  return (
    g.groups === 1 &&
    g.strideH === 1 &&
    g.strideW === 1 &&
    g.dilationH === 1 &&
    g.dilationW === 1 &&
    g.outChannels >= 1 &&
    g.outChannels <= SMALL_CONV2D_MAX_OUT_CHANNELS &&
    g.kh * g.kw >= 2
  );
}

/** Columns computed per output row: tiles of 16, the last one 12 when the remainder fits. */
function computedWidth(outW: number): number {
  const full = outW - (outW % 16);
  const r = outW - full;
  return full + (r === 0 ? 0 : r <= 12 ? 12 : 16);
}

/**
 * conv2d forward for few output channels in WebAssembly SIMD, on dense float32 NCHW arrays:
 * `out = activation(conv2d(x, w) + bias)` (cross-correlation, as PyTorch's `conv2d`) for the
 * geometries {@link takesConv2dSmall} accepts. Each output row is computed 16 columns and two
 * channels at a time, tap by tap, in registers; taps in the vertical padding are skipped. Runs on
 * the calling thread and accumulates in float32 (in input channel, then tap order).
 *
 * Returns `true` when it computed `out` (fully overwritten), `false` when it declined and left
 * `out` untouched: the geometry is not one {@link takesConv2dSmall} accepts, an operand is not a
 * `Float32Array`, or the module is unavailable (see `ready`).
 *
 * Shapes: x `[batch, inChannels, inH, inW]`, w `[outChannels, inChannels, kh, kw]`, bias
 * `[outChannels]` or null -> out `[batch, outChannels, outH, outW]`.
 *
 * @param g - The convolution's geometry; see {@link Conv2dGeometry}.
 * @param x - The input, float32 `[batch, inChannels, inH, inW]`.
 * @param w - The filters, float32 `[outChannels, inChannels, kh, kw]`.
 * @param bias - Per-output-channel bias, `outChannels` elements, or `null` for none.
 * @param out - Receives the output `[batch, outChannels, outH, outW]` (overwritten).
 * @param options - `activation` (ReLU or a clamp, applied to every output) and `weightKey` (the regrouped
 *   weights stay in WebAssembly memory while the key is unchanged, as {@link wasmConv2dForward}'s packed ones).
 * @returns `true` when WebAssembly computed `out`, `false` when it declined and left `out` untouched.
 * @throws KernelArgumentError when `g` is not a geometry or an operand is not a float array long enough for it.
 * @see torch.nn.functional.conv2d
 * @example
 * ```ts
 * import { wasmConv2dSmallForward } from '@torchlet/kernels';
 * const g = {
 *   batch: 1, inChannels: 1, inH: 3, inW: 3, outChannels: 1, kh: 2, kw: 2, groups: 1,
 *   strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 2, outW: 2,
 * };
 * const out = new Float32Array(4);
 * wasmConv2dSmallForward(g, new Float32Array([0, 1, 2, 3, 4, 5, 6, 7, 8]), new Float32Array([0, 1, 2, 3]),
 *   new Float32Array([1]), out); // -> true
 * Array.from(out); // -> [20, 26, 38, 44]
 * ```
 */
export function wasmConv2dSmallForward(
  g: Conv2dGeometry,
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | null,
  out: FloatArray,
  options: Conv2dForwardOptions = {},
): boolean {
  const fn = 'wasmConv2dSmallForward';
  if (!takesConv2dSmall(g)) return false;
  const { batch, inChannels: cin, inH, inW, outChannels: cout, kh, kw, padTop, padLeft, outH, outW } = g;
  const imgIn = cin * inH * inW;
  const l = outH * outW;
  const imgOut = cout * l;
  checkFloatOperand(fn, 'x', x, batch * imgIn, `[${batch}, ${cin}, ${inH}, ${inW}]`);
  checkFloatOperand(fn, 'w', w, cout * cin * kh * kw, `[${cout}, ${cin}, ${kh}, ${kw}]`);
  if (bias !== null) checkFloatOperand(fn, 'bias', bias, cout, `[${cout}]`);
  checkFloatOperand(fn, 'out', out, batch * imgOut, `[${batch}, ${cout}, ${outH}, ${outW}]`);
  const modules = convModules(WASM_CONV2D_SMALL_KERNEL, [x, w, bias, out]);
  if (modules === null) return false;
  const mod = modules.single as ConvSmallExports;
  const activation = options.activation ?? null;
  if (batch * imgOut === 0) return true;
  if (cin === 0) {
    fillWithBias(out, bias, activation, batch, cout, l);
    return true;
  }
  const cw = computedWidth(outW);
  const wp = Math.max(padLeft + inW, cw + kw - 1);
  const imgStaged = cin * inH * wp;
  const imgComputed = cout * outH * cw;
  const per = Math.max(1, Math.min(batch, Math.floor(CHUNK_FLOATS / (imgIn + imgStaged + imgComputed))));
  const pairs = Math.ceil(cout / 2);
  const taps = kh * kw;

  // Find (or reserve) the cached regrouped weights first: reserving moves heapBase() above the slot.
  const wBytes = 4 * pairs * 2 * cin * taps;
  const key = options.weightKey ?? null;
  const slot = key === null ? null : weightSlot(mod, key, `small-cout:${cout},${cin},${kh},${kw}`, wBytes);
  const scratchAt = align64(mod.heapBase());
  const wAt = slot === null ? scratchAt : slot.at;
  const biasAt = align64(scratchAt + (slot === null ? wBytes : 0));
  const spareAt = align64(biasAt + 4 * 2 * pairs);
  const xAt = align64(spareAt + 4 * cw);
  const xpAt = align64(xAt + 4 * per * imgIn);
  // Slack after the staged input: the last tile's loads run up to 3 floats past a row.
  const yAt = align64(xpAt + 4 * (per * imgStaged + 16));
  const mem = memoryView(mod, yAt + 4 * per * imgComputed);
  if (mem === null) {
    noteKernel('js');
    return false;
  }
  if (slot?.hit !== true) {
    // Weights in output-channel pairs [pair][ci][kh][kw][2] (an odd count's last partner is zeros).
    const wF = wAt / 4;
    mem.fill(0, wF, wF + pairs * 2 * cin * taps);
    for (let co = 0; co < cout; co++) {
      const dst = wF + (co >> 1) * 2 * cin * taps + (co & 1);
      const src = co * cin * taps;
      for (let t = 0; t < cin * taps; t++) mem[dst + 2 * t] = w[src + t];
    }
    slot?.commit();
  }
  const biasF = biasAt / 4;
  mem.fill(0, biasF, biasF + 2 * pairs);
  if (bias !== null) mem.set(bias.subarray(0, cout), biasF);

  const xF = xAt / 4;
  const yF = yAt / 4;
  for (let n0 = 0; n0 < batch; n0 += per) {
    const nb = Math.min(per, batch - n0);
    mem.set(x.subarray(n0 * imgIn, (n0 + nb) * imgIn), xF);
    mod.convSmallStage(xAt, nb * cin, inH, inW, padLeft, wp, xpAt);
    mod.convSmallForward(xpAt, 0, nb, cin, inH, wp, cout, kh, kw, padTop, outH, cw, wAt, biasAt, yAt, spareAt);
    mod.convSmallCompact(yAt, nb * cout * outH, cw, outW);
    const count = nb * imgOut;
    if (activation === 'relu') mod.reluF32(yAt, yAt, count);
    else if (activation !== null) mod.clampF32(yAt, yAt, count, activation.clamp[0], activation.clamp[1]);
    out.set(mem.subarray(yF, yF + count), n0 * imgOut);
  }
  return true;
}
