// The WebAssembly conv2d kernel: @torchlet/kernels' `wasmConv2dForward` (implicit im2col feeding
// the SIMD GEMM micro-kernel inside the module; input copied in once, output out once, threads
// per `setThreads`). Float64 problems, and engines without WebAssembly SIMD, run the im2col
// kernel instead.
//
// The input gradient reuses the forward kernel when the stride is 1: it is then the full
// correlation of dy with the spatially flipped, in/out-transposed weight,
//   dx = conv2d(dy, W', stride 1, padding dilation*(k-1) - padding, same dilation and groups),
//   W'[gi*Cin/g + ci, co, a, b] = W[gi*Cout/g + co, ci, kh-1-a, kw-1-b],
// with output size H x W (the bottom/right padding is implied, and dy positions beyond Hout x Wout
// read as zeros). Strided problems, or padding beyond dilation*(k-1) (a negative equivalent
// padding), run @torchlet/kernels' `wasmConv2dBackwardInput` (per image, a GEMM and a col2im
// inside the module, threaded; ResNet-18's strided layers at batch 8, one thread: 119 ms against
// 138 ms for im2col's, whose col2im runs in JavaScript on one thread), else im2col's.
//
// The weight gradient is @torchlet/kernels' `wasmConv2dBackwardWeight` (any stride, padding,
// dilation and groups; threads per `setThreads`, with a result that does not depend on the thread
// count), except on small output images (groups 1, at most 256 positions: ResNet's 14x14 and 7x7
// stages), where `wasmConv2dBackwardWeightGemm` runs one GEMM over the whole batch (ResNet-18's
// layers there at batch 8, one thread: 545 ms against 666 ms per step); float64 runs im2col's.
// Before both, 3x3 stride-1 convs with 16+ channels each way run `wasmConv2dBackwardWeightWinograd`
// (Winograd F(2x2, 3x3): 16 GEMMs over the tiles; ResNet-18's 3x3 stride-1 layers at batch 8, one
// thread, CPU time: 1.1x at 56x56, 1.6x at 28x28, 1.8x at 14x14, 1.5x at 7x7 against the above).
//
// A 1x1, stride-1, unpadded conv (MobileNetV2's expansions and projections) has both gradients as
// plain GEMMs on the NCHW layout: `wasmConv2dBackwardInput1x1` / `wasmConv2dBackwardWeight1x1`
// run them first (MobileNetV2's 1x1 layers at batch 8, one thread: input gradient 1.05-1.9x,
// weight gradient 1.0-1.45x the paths above).
//
// Few output channels (stride 1, groups 1, at most 6: LeNet's conv1, and its conv2's input
// gradient as the full correlation above, 16 -> 6 channels) run @torchlet/kernels'
// `wasmConv2dSmallForward` instead of the implicit GEMM (a direct kernel, two channels per input
// load, padding rows skipped; same process, one thread: 1.5x on conv1, 2x on conv2's input gradient).

import {
  type Conv2dForwardOptions,
  preferWinogradBackwardWeight,
  takesConv2dSmall,
  wasmConv2dBackward1x1,
  wasmConv2dBackwardInput,
  wasmConv2dBackwardInput1x1,
  wasmConv2dBackwardWeight,
  wasmConv2dBackwardWeight1x1,
  wasmConv2dBackwardWeightGemm,
  wasmConv2dBackwardWeightWinograd,
  wasmConv2dForward,
  wasmConv2dSmallForward,
} from '@torchlet/kernels';
import type { FloatStorage } from '../params.js';
import { im2colBackwardInput, im2colBackwardWeight, im2colForward } from './kernel-im2col.js';
import type { ConvGeometry } from './params.js';

/**
 * `out = conv2d(x, w) + bias` in WebAssembly when it can (float32: with `extras`' cached packed
 * weights and fused activation, returning true), else im2col + GEMM (returning false: the caller
 * applies the activation).
 */
export function wasmForward(
  g: ConvGeometry,
  x: FloatStorage,
  w: FloatStorage,
  bias: FloatStorage | null,
  out: FloatStorage,
  extras: Conv2dForwardOptions = {},
): boolean {
  if (takesConv2dSmall(g) && wasmConv2dSmallForward(g, x, w, bias, out, extras)) return true;
  if (wasmConv2dForward(g, x, w, bias, out, extras)) return true;
  im2colForward(g, x, w, bias, out);
  return false;
}

// Grow-only scratch for the flipped, transposed weight (JS runs one kernel at a time and
// `wasmConv2dForward` copies the weight into its memory before returning, so sharing is safe).
const MAX_RETAINED = 1 << 22; // 4M floats (16 MB)
let flipped = new Float32Array(0);

/** `W'` of the input-gradient-as-forward identity (see the file comment), in a reused scratch array. */
function flipTransposeWeight(g: ConvGeometry, w: Float32Array): Float32Array {
  const { kh, kw, groups } = g;
  const cinG = g.inChannels / groups;
  const coutG = g.outChannels / groups;
  const taps = kh * kw;
  const size = g.outChannels * cinG * taps;
  let wt = flipped;
  if (wt.length < size) {
    wt = new Float32Array(size);
    if (size <= MAX_RETAINED) flipped = wt;
  }
  if (taps === 9) {
    flipTranspose3x3(w, wt, groups, coutG, cinG);
    return wt;
  }
  const last = taps - 1;
  for (let gi = 0; gi < groups; gi++) {
    for (let co = 0; co < coutG; co++) {
      for (let ci = 0; ci < cinG; ci++) {
        // Source W[gi*coutG + co, ci, :, :], destination W'[gi*cinG + ci, co, :, :] reversed:
        // flipping both spatial axes of a row-major kh x kw block reverses it.
        const src = ((gi * coutG + co) * cinG + ci) * taps;
        const dst = ((gi * cinG + ci) * coutG + co) * taps + last;
        for (let t = 0; t < taps; t++) wt[dst - t] = w[src + t];
      }
    }
  }
  return wt;
}

/**
 * flipTransposeWeight for 3x3 kernels, unrolled and writing `wt` in order (ResNet-18's 512-channel
 * weights, CPU time: 2.7 ms against 4.8 ms for the general loop).
 */
function flipTranspose3x3(w: Float32Array, wt: Float32Array, groups: number, coutG: number, cinG: number): void {
  const step = cinG * 9;
  let dst = 0;
  for (let gi = 0; gi < groups; gi++) {
    for (let ci = 0; ci < cinG; ci++) {
      let src = (gi * coutG * cinG + ci) * 9;
      for (let co = 0; co < coutG; co++, src += step, dst += 9) {
        const a0 = w[src];
        const a1 = w[src + 1];
        const a2 = w[src + 2];
        const a3 = w[src + 3];
        const a4 = w[src + 4];
        const a5 = w[src + 5];
        const a6 = w[src + 6];
        const a7 = w[src + 7];
        wt[dst] = w[src + 8];
        wt[dst + 1] = a7;
        wt[dst + 2] = a6;
        wt[dst + 3] = a5;
        wt[dst + 4] = a4;
        wt[dst + 5] = a3;
        wt[dst + 6] = a2;
        wt[dst + 7] = a1;
        wt[dst + 8] = a0;
      }
    }
  }
}

/**
 * `dx += conv2d's input gradient for upstream dy` (dx starts zeroed): the 1x1 GEMM for a 1x1
 * stride-1 unpadded conv, else the forward WebAssembly kernel on dy and the flipped, transposed
 * weight when the stride is 1 (float32), else the WebAssembly GEMM + col2im, else im2col.
 */
export function wasmBackwardInput(g: ConvGeometry, dy: FloatStorage, w: FloatStorage, dx: FloatStorage): void {
  // 1x1 stride 1 unpadded: a GEMM per image (declines, untouched, on any other geometry).
  if (wasmConv2dBackwardInput1x1(g, dy, w, dx)) return;
  const padH = g.dilationH * (g.kh - 1) - g.padTop;
  const padW = g.dilationW * (g.kw - 1) - g.padLeft;
  if (
    g.strideH === 1 &&
    g.strideW === 1 &&
    padH >= 0 &&
    padW >= 0 &&
    dy instanceof Float32Array &&
    w instanceof Float32Array &&
    dx instanceof Float32Array
  ) {
    const eq: ConvGeometry = {
      batch: g.batch,
      inChannels: g.outChannels,
      inH: g.outH,
      inW: g.outW,
      outChannels: g.inChannels,
      kh: g.kh,
      kw: g.kw,
      groups: g.groups,
      strideH: 1,
      strideW: 1,
      padTop: padH,
      padLeft: padW,
      dilationH: g.dilationH,
      dilationW: g.dilationW,
      outH: g.inH,
      outW: g.inW,
    };
    // dx starts zeroed, so overwriting it is adding to it.
    const wt = flipTransposeWeight(g, w);
    if (takesConv2dSmall(eq) && wasmConv2dSmallForward(eq, dy, wt, null, dx)) return;
    if (wasmConv2dForward(eq, dy, wt, null, dx)) return;
  }
  // Strided (or over-padded) convs: GEMM + col2im inside the module.
  if (wasmConv2dBackwardInput(g, dy, w, dx)) return;
  im2colBackwardInput(g, dy, w, dx);
}

/**
 * `dw = conv2d's weight gradient for upstream dy and input x` in WebAssembly when it can (float32:
 * the 1x1 GEMM for a 1x1 stride-1 unpadded conv, else the general kernel), else im2col + GEMM.
 */
export function wasmBackwardWeight(g: ConvGeometry, dy: FloatStorage, x: FloatStorage, dw: FloatStorage): void {
  if (wasmConv2dBackwardWeight1x1(g, dy, x, dw)) return;
  // 3x3 stride 1 with 16+ channels each way: Winograd (declines on inf/NaN, then the kernels below
  // give PyTorch's values).
  if (preferWinogradBackwardWeight(g) && wasmConv2dBackwardWeightWinograd(g, dy, x, dw)) return;
  // Small output images (ResNet's 14x14 and 7x7 stages): one GEMM over the batch.
  if (wasmConv2dBackwardWeightGemm(g, dy, x, dw)) return;
  if (!wasmConv2dBackwardWeight(g, dy, x, dw)) im2colBackwardWeight(g, dy, x, dw);
}

/**
 * Both gradients from one copy of dy into WebAssembly memory (`wasmConv2dBackward1x1`: a 1x1
 * stride-1 unpadded float32 conv, the bits of the two 1x1 kernels above); `false`, both untouched,
 * on any other problem.
 */
export function wasmBackward(
  g: ConvGeometry,
  dy: FloatStorage,
  x: FloatStorage,
  w: FloatStorage,
  dx: FloatStorage,
  dw: FloatStorage,
): boolean {
  return wasmConv2dBackward1x1(g, dy, x, w, dx, dw);
}
