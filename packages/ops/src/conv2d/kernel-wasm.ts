// The WebAssembly conv2d kernel: @torchlet/kernels' `wasmConv2dForward` (implicit im2col feeding
// the SIMD GEMM micro-kernel inside the module; input copied in once, output out once, threads
// per `setThreads`). Float64 problems, and engines without WebAssembly SIMD, run the im2col
// kernel instead. Both backward passes are im2col's, whose float32 GEMMs already run in
// WebAssembly through @torchlet/tensor's `gemm`.

import { wasmConv2dForward } from '@torchlet/kernels';
import type { FloatStorage } from '../params.js';
import { im2colForward } from './kernel-im2col.js';
import type { ConvGeometry } from './params.js';

/** `out = conv2d(x, w) + bias` in WebAssembly when it can (float32), else im2col + GEMM. */
export function wasmForward(
  g: ConvGeometry,
  x: FloatStorage,
  w: FloatStorage,
  bias: FloatStorage | null,
  out: FloatStorage,
): void {
  if (!wasmConv2dForward(g, x, w, bias, out)) im2colForward(g, x, w, bias, out);
}
