// The kernel table and the 'auto' dispatch rule.

import type { FloatStorage } from '../params.js';
import { directBackwardInput, directBackwardWeight, directForward } from './kernel-direct.js';
import { im2colBackwardInput, im2colBackwardWeight, im2colForward } from './kernel-im2col.js';
import type { Conv2dKernelName, ConvGeometry } from './params.js';

/** One conv2d implementation: forward and both backward kernels on dense raw arrays. */
export interface Conv2dKernelImpl {
  /** `out = conv2d(x, w) + bias` (out fully overwritten). */
  forward(g: ConvGeometry, x: FloatStorage, w: FloatStorage, bias: FloatStorage | null, out: FloatStorage): void;
  /** `dx += dL/dx` for upstream `dy` (dx starts zeroed). */
  backwardInput(g: ConvGeometry, dy: FloatStorage, w: FloatStorage, dx: FloatStorage): void;
  /** `dw = dL/dw` for upstream `dy` and input `x` (dw fully overwritten). */
  backwardWeight(g: ConvGeometry, dy: FloatStorage, x: FloatStorage, dw: FloatStorage): void;
}

const table: Readonly<Record<Conv2dKernelName, Conv2dKernelImpl>> = {
  direct: { forward: directForward, backwardInput: directBackwardInput, backwardWeight: directBackwardWeight },
  im2col: { forward: im2colForward, backwardInput: im2colBackwardInput, backwardWeight: im2colBackwardWeight },
};

/**
 * The 'auto' dispatch rule: im2col + GEMM when the reduction per output, `K = Cin/groups*kh*kw`,
 * is at least DIRECT_MAX_K and each GEMM is big enough to amortise the unfold
 * (`Cout/groups * K * Hout*Wout >= DIRECT_MAX_MACS`); the direct loop otherwise. The direct loop
 * streams each kernel tap over whole output rows, which is as fast as GEMM when K is small
 * (few input channels: LeNet's conv1 has K = 25) and has no setup cost for tiny problems
 * (d2l's 6x8 image). Thresholds were measured with `benchmarks/` shapes.
 */
export const DIRECT_MAX_K = 64;
export const DIRECT_MAX_MACS = 1 << 16;

/** The kernel `'auto'` picks for a geometry (see {@link DIRECT_MAX_K}). */
export function pickKernel(g: ConvGeometry, requested: Conv2dKernelName | 'auto'): Conv2dKernelImpl {
  if (requested !== 'auto') return table[requested];
  const coutG = g.outChannels / g.groups;
  const K = (g.inChannels / g.groups) * g.kh * g.kw;
  const macs = coutG * K * g.outH * g.outW;
  return K < DIRECT_MAX_K || macs < DIRECT_MAX_MACS ? table.direct : table.im2col;
}
