// The kernel table and the 'auto' dispatch rule.

import {
  isDepthwiseConv2d,
  type Conv2dForwardOptions as KernelForwardOptions,
  wasmDepthwiseConv2dBackwardInput,
  wasmDepthwiseConv2dBackwardWeight,
  wasmDepthwiseConv2dForward,
} from '@torchlet/kernels';
import { getBackend } from '@torchlet/tensor';
import type { FloatStorage } from '../params.js';
import {
  checkDepthwise,
  depthwiseBackwardInput,
  depthwiseBackwardWeight,
  depthwiseForward,
} from './kernel-depthwise.js';
import { directBackwardInput, directBackwardWeight, directForward } from './kernel-direct.js';
import { im2colBackwardInput, im2colBackwardWeight, im2colForward } from './kernel-im2col.js';
import { implicitBackwardInput, implicitForward } from './kernel-implicit.js';
import { wasmBackward, wasmBackwardInput, wasmBackwardWeight, wasmForward } from './kernel-wasm.js';
import type { Conv2dKernelName, ConvGeometry } from './params.js';

/**
 * What the forward pass may take beyond its operands: a key for `@torchlet/kernels`' packed-weight
 * cache and an activation to fuse. Only the WebAssembly kernel uses them (see {@link Conv2dKernelImpl}).
 */
export type ForwardExtras = KernelForwardOptions;

/** One conv2d implementation: forward and both backward kernels on dense raw arrays. */
export interface Conv2dKernelImpl {
  /**
   * `out = conv2d(x, w) + bias` (out fully overwritten); returns `true` (anything else: no) when it also applied
   * `extras.activation` (the caller applies it otherwise).
   */
  forward(
    g: ConvGeometry,
    x: FloatStorage,
    w: FloatStorage,
    bias: FloatStorage | null,
    out: FloatStorage,
    extras?: ForwardExtras,
  ): unknown;
  /** `dx += dL/dx` for upstream `dy` (dx starts zeroed). */
  backwardInput(g: ConvGeometry, dy: FloatStorage, w: FloatStorage, dx: FloatStorage): void;
  /** `dw = dL/dw` for upstream `dy` and input `x` (dw fully overwritten). */
  backwardWeight(g: ConvGeometry, dy: FloatStorage, x: FloatStorage, dw: FloatStorage): void;
  /**
   * Both gradients in one call, where the kernel has such a path (dx and dw fully overwritten);
   * `false`: declined, both untouched (the caller runs the two kernels above).
   */
  backward?(
    g: ConvGeometry,
    dy: FloatStorage,
    x: FloatStorage,
    w: FloatStorage,
    dx: FloatStorage,
    dw: FloatStorage,
  ): boolean;
}

/** The implicit-GEMM kernel: its backward-input loop needs stride 1 and its weight gradient is im2col's. */
const implicit: Conv2dKernelImpl = {
  forward: implicitForward,
  backwardInput: (g, dy, w, dx) =>
    g.strideH === 1 && g.strideW === 1 ? implicitBackwardInput(g, dy, w, dx) : im2colBackwardInput(g, dy, w, dx),
  backwardWeight: im2colBackwardWeight,
};

const table: Readonly<Record<Exclude<Conv2dKernelName, 'depthwise'>, Conv2dKernelImpl>> = {
  direct: { forward: directForward, backwardInput: directBackwardInput, backwardWeight: directBackwardWeight },
  im2col: { forward: im2colForward, backwardInput: im2colBackwardInput, backwardWeight: im2colBackwardWeight },
  implicit,
  wasm: {
    forward: wasmForward,
    backwardInput: wasmBackwardInput,
    backwardWeight: wasmBackwardWeight,
    backward: wasmBackward,
  },
};

/**
 * Whether the GEMM behind im2col runs in JavaScript: float64 always does, float32 does under
 * `setBackend('js')`; otherwise float32 products run in the WebAssembly SIMD GEMM, which beats the
 * JavaScript implicit GEMM at every benchmark shape.
 */
function gemmInJs(data: FloatStorage): boolean {
  return data instanceof Float64Array || getBackend() === 'js';
}

/**
 * What 'auto' runs above the direct kernel's range, per pass. Every pass: the WebAssembly kernel
 * whenever the GEMM would run in WebAssembly (float32, backend not 'js'); the input gradient runs
 * the forward kernel on the flipped, transposed weight when the stride is 1 (and the padding at
 * most dilation*(k-1)), else im2col; the weight gradient runs `wasmConv2dBackwardWeight` (any
 * geometry); all decline to im2col where WebAssembly SIMD is missing. Otherwise: im2col + GEMM
 * (always for the weight gradient), except when that GEMM would run in JavaScript and has fewer
 * than GEMM_MIN_ROWS rows M (output channels per group forward, input channels per group
 * backward); then the implicit GEMM, as the unfold and the GEMM's packing cost a full pass over
 * K x L each, amortised over only M multiply-adds per element (LeNet's conv1 has M = 6 forward,
 * 1 backward).
 */
const gemmAuto: Conv2dKernelImpl = {
  forward: (g, x, w, bias, out, extras) =>
    (gemmInJs(x) ? (g.outChannels / g.groups < GEMM_MIN_ROWS ? implicit : table.im2col) : table.wasm).forward(
      g,
      x,
      w,
      bias,
      out,
      extras,
    ),
  backwardInput: (g, dy, w, dx) =>
    (gemmInJs(dy) ? (g.inChannels / g.groups < GEMM_MIN_ROWS ? implicit : table.im2col) : table.wasm).backwardInput(
      g,
      dy,
      w,
      dx,
    ),
  backwardWeight: (g, dy, x, dw) => (gemmInJs(dy) ? table.im2col : table.wasm).backwardWeight(g, dy, x, dw),
  backward: (g, dy, x, w, dx, dw) => !gemmInJs(dy) && wasmBackward(g, dy, x, w, dx, dw),
};

/**
 * The direct kernel's forward pass and input gradient (groups of at most DIRECT_MAX_GROUP_OUT
 * output channels) with the WebAssembly weight gradient when the GEMM would run in WebAssembly:
 * its output is only Cout x K, so the direct loop's passes over the whole input per weight are
 * what it costs (a depthwise 3x3 conv on [8,64,56,56]: 16.7 ms direct, 1.5 ms wasm; 2 filters 5x5
 * on [64,3,28,28]: 8.3 ms vs 0.34 ms, one thread).
 */
const directAuto: Conv2dKernelImpl = {
  forward: directForward,
  backwardInput: directBackwardInput,
  backwardWeight: (g, dy, x, dw) => (gemmInJs(dy) ? table.direct : table.wasm).backwardWeight(g, dy, x, dw),
};

/**
 * The 'auto' dispatch rule: the direct loop when the problem is tiny
 * (`N * Cout * Hout*Wout * K < DIRECT_MAX_MACS`, K = Cin/groups*kh*kw: setup dominates, e.g.
 * d2l's 6x8 image) or each group has at most DIRECT_MAX_GROUP_OUT output channels (e.g. a single
 * 5x5 edge filter over a 28x28 image, or a depthwise conv: then the weight gradient of float32
 * problems runs in WebAssembly unless they are tiny); otherwise, per pass, im2col + GEMM,
 * or the implicit GEMM when the GEMM would run in JavaScript with fewer than GEMM_MIN_ROWS rows;
 * a float32 forward pass or input gradient that would run its GEMM in WebAssembly runs the
 * 'wasm' kernel instead (forward: LeNet conv1 0.7 ms vs 2.3 ms for im2col + wasm GEMM, ResNet
 * block 39 ms vs 61 ms; input gradient, stride 1, one thread: LeNet 1.9-2.6 vs 2.7 ms, ResNet 37 vs
 * 62 ms; weight gradient, one thread: LeNet 0.36 vs 2.5 ms, ResNet 31 vs 57 ms; over 3x3 and 1x1
 * convs on 7x7 to 56x56 images with 64 to 1024 channels, 0.55x (ResNet) to 1.12x (1x1 on 7x7)
 * im2col's time on one thread, 0.41x to 0.91x on two).
 * Measured with the JavaScript GEMM: LeNet conv1 forward 3.2 ms implicit vs 5.4 ms im2col, its
 * input gradient 3.8 vs 5.1 ms; a ResNet 3x3 block 310-320 ms im2col vs 340-350 ms implicit.
 * With the WebAssembly GEMM (float32): LeNet forward 2.3 ms im2col vs 4.3 ms implicit, input
 * gradient 3.5 vs 6.3 ms; ResNet 62 vs 420 ms.
 */
export const DIRECT_MAX_MACS = 8192;
/** See {@link DIRECT_MAX_MACS}. */
export const DIRECT_MAX_GROUP_OUT = 2;
/** See {@link DIRECT_MAX_MACS}. */
export const GEMM_MIN_ROWS = 32;

/** The forced depthwise kernel: throws (naming `fn`) where it cannot run. */
const depthwiseForced = (fn: string): Conv2dKernelImpl => ({
  forward: (g, x, w, bias, out, extras) => depthwiseForward(fn, g, x, w, bias, out, extras?.activation ?? null),
  backwardInput: (g, dy, w, dx) => depthwiseBackwardInput(fn, g, dy, w, dx),
  backwardWeight: (g, dy, x, dw) => depthwiseBackwardWeight(fn, g, dy, x, dw),
});

/**
 * What 'auto' runs on a depthwise geometry above the tiny range: the WebAssembly depthwise kernels
 * for float32 (unless `setBackend('js')`), else (float64, or no WebAssembly SIMD) the direct loops
 * with directAuto's weight gradient. One filter per channel leaves a GEMM only 1-row matrices: on
 * [8,128,56,56] with 3x3 filters the direct loop takes ~90 ms, the depthwise kernel ~6 ms.
 */
export const depthwiseAuto: Conv2dKernelImpl = {
  forward: (g, x, w, bias, out, extras) => {
    // The WebAssembly kernel applies the activation to the result before copying it out (true).
    if (!gemmInJs(x) && wasmDepthwiseConv2dForward(g, x, w, bias, out, { activation: extras?.activation ?? null })) {
      return true;
    }
    directForward(g, x, w, bias, out);
    return false;
  },
  backwardInput: (g, dy, w, dx) => {
    if (gemmInJs(dy) || !wasmDepthwiseConv2dBackwardInput(g, dy, w, dx)) directBackwardInput(g, dy, w, dx);
  },
  backwardWeight: (g, dy, x, dw) => {
    if (gemmInJs(dy) || !wasmDepthwiseConv2dBackwardWeight(g, dy, x, dw)) directAuto.backwardWeight(g, dy, x, dw);
  },
  // Both gradients into unzeroed memory (the WebAssembly kernels overwrite theirs), so the input
  // gradient needs no zero fill and may take a recycled array: MobileNetV2's depthwise input
  // gradients are ~120 MB of a batch-8 training step.
  backward: (g, dy, x, w, dx, dw) => {
    if (gemmInJs(dy) || !wasmDepthwiseConv2dBackwardWeight(g, dy, x, dw)) return false;
    if (!wasmDepthwiseConv2dBackwardInput(g, dy, w, dx)) {
      dx.fill(0);
      directBackwardInput(g, dy, w, dx);
    }
    return true;
  },
};

/**
 * The kernel for a geometry: the requested one, or what `'auto'` picks (see {@link DIRECT_MAX_MACS}).
 * A forced `'depthwise'` on a geometry that is not depthwise throws here (naming `fn`), before
 * the caller allocates its result.
 */
export function pickKernel(g: ConvGeometry, requested: Conv2dKernelName | 'auto', fn = 'conv2d'): Conv2dKernelImpl {
  if (requested === 'depthwise') {
    checkDepthwise(fn, g);
    return depthwiseForced(fn);
  }
  if (requested !== 'auto') return table[requested];
  const coutG = g.outChannels / g.groups;
  const K = (g.inChannels / g.groups) * g.kh * g.kw;
  const macs = g.batch * g.outChannels * g.outH * g.outW * K;
  if (macs < DIRECT_MAX_MACS) return table.direct;
  if (isDepthwiseConv2d(g)) return depthwiseAuto;
  return coutG <= DIRECT_MAX_GROUP_OUT ? directAuto : gemmAuto;
}
