// The kernel table and the 'auto' dispatch rule.

import type { FloatStorage } from '../params.js';
import { directBackwardInput, directBackwardWeight, directForward } from './kernel-direct.js';
import { im2colBackwardInput, im2colBackwardWeight, im2colForward } from './kernel-im2col.js';
import { implicitBackwardInput, implicitForward } from './kernel-implicit.js';
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
  implicit: {
    forward: implicitForward,
    backwardInput: (g, dy, w, dx) =>
      g.strideH === 1 && g.strideW === 1 ? implicitBackwardInput(g, dy, w, dx) : im2colBackwardInput(g, dy, w, dx),
    backwardWeight: im2colBackwardWeight,
  },
};

/**
 * The 'auto' dispatch rule: the direct loop when the problem is tiny
 * (`N * Cout * Hout*Wout * K < DIRECT_MAX_MACS`, K = Cin/groups*kh*kw: setup dominates, e.g.
 * d2l's 6x8 image) or each group has at most DIRECT_MAX_GROUP_OUT output channels (the unfold
 * then costs as much as the GEMM it feeds, e.g. a single 5x5 edge filter over a 28x28 image);
 * im2col + GEMM otherwise (LeNet's conv1 with 6 filters, ResNet blocks). Measured on the
 * benchmark shapes: im2col is 1.4x faster on LeNet conv1 and 3-4x faster on a ResNet 3x3 block;
 * direct is 1.5-2x faster for one output channel.
 */
export const DIRECT_MAX_MACS = 8192;
/** See {@link DIRECT_MAX_MACS}. */
export const DIRECT_MAX_GROUP_OUT = 2;

/** The kernel `'auto'` picks for a geometry (see {@link DIRECT_MAX_MACS}). */
export function pickKernel(g: ConvGeometry, requested: Conv2dKernelName | 'auto'): Conv2dKernelImpl {
  if (requested !== 'auto') return table[requested];
  const coutG = g.outChannels / g.groups;
  const K = (g.inChannels / g.groups) * g.kh * g.kw;
  const macs = g.batch * g.outChannels * g.outH * g.outW * K;
  return macs < DIRECT_MAX_MACS || coutG <= DIRECT_MAX_GROUP_OUT ? table.direct : table.im2col;
}
