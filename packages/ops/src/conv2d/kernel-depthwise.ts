// The depthwise conv2d kernel (groups = in channels = out channels): @torchlet/kernels'
// WebAssembly SIMD depthwise forward pass, input gradient and weight gradient on float32, one small
// 2-D correlation per channel vectorised along the output rows (no GEMM: a depthwise filter has
// one input channel, so im2col would multiply 1-row matrices). Float64 runs the direct loops,
// which for one channel per group are exactly the depthwise loops.
//
// Forced with `{ kernel: 'depthwise' }`, a problem it cannot run (not depthwise, or float32 without
// WebAssembly SIMD) throws instead of running another kernel; 'auto' picks it only when it can.

import {
  isDepthwiseConv2d,
  type Conv2dActivation as KernelActivation,
  wasmDepthwiseConv2dBackwardInput,
  wasmDepthwiseConv2dBackwardWeight,
  wasmDepthwiseConv2dForward,
} from '@torchlet/kernels';
import { fail } from '@torchlet/tensor';
import type { FloatStorage } from '../params.js';
import { directBackwardInput, directBackwardWeight, directForward } from './kernel-direct.js';
import type { ConvGeometry } from './params.js';

/** Throws when the forced depthwise kernel cannot run a problem. */
function cannotRun(fn: string, why: string): never {
  fail(fn, 'kernel', `kernel 'depthwise' ${why}`);
}

/** Checks, before anything is allocated, that the forced depthwise kernel accepts the geometry. */
export function checkDepthwise(fn: string, g: ConvGeometry): void {
  if (!isDepthwiseConv2d(g)) {
    cannotRun(
      fn,
      `needs groups = in channels = out channels (one filter per channel), got groups ${g.groups}, ` +
        `${g.inChannels} input and ${g.outChannels} output channels`,
    );
  }
}

const noWasm = 'needs WebAssembly SIMD for float32 operands (see getBackendInfo() of @torchlet/kernels)';

/**
 * `out = conv2d(x, w) + bias` for a depthwise geometry; returns true when it also applied
 * `activation` (float32: inside the WebAssembly kernel), false when the caller applies it.
 */
export function depthwiseForward(
  fn: string,
  g: ConvGeometry,
  x: FloatStorage,
  w: FloatStorage,
  bias: FloatStorage | null,
  out: FloatStorage,
  activation: KernelActivation | null = null,
): boolean {
  if (x instanceof Float64Array) {
    directForward(g, x, w, bias, out);
    return false;
  }
  if (!wasmDepthwiseConv2dForward(g, x, w, bias, out, { activation })) cannotRun(fn, noWasm);
  return true;
}

/** `dx += dL/dx` (dx starts zeroed) for a depthwise geometry. */
export function depthwiseBackwardInput(
  fn: string,
  g: ConvGeometry,
  dy: FloatStorage,
  w: FloatStorage,
  dx: FloatStorage,
): void {
  if (dy instanceof Float64Array) directBackwardInput(g, dy, w, dx);
  else if (!wasmDepthwiseConv2dBackwardInput(g, dy, w, dx)) cannotRun(fn, noWasm);
}

/** `dw = dL/dw` for a depthwise geometry. */
export function depthwiseBackwardWeight(
  fn: string,
  g: ConvGeometry,
  dy: FloatStorage,
  x: FloatStorage,
  dw: FloatStorage,
): void {
  if (dy instanceof Float64Array) directBackwardWeight(g, dy, x, dw);
  else if (!wasmDepthwiseConv2dBackwardWeight(g, dy, x, dw)) cannotRun(fn, noWasm);
}
