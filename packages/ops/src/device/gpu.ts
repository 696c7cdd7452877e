// The image ops on the webgpu device: the op validates and plans as on the CPU (geometry, output
// shape), then one dispatch line hands the plan to these, which run @torchlet/webgpu's kernels.
import { fail, formatShape, formatValue, Tensor } from '@torchlet/tensor';
import {
  adaptiveAvgPool2dBackward,
  adaptiveAvgPool2dForward,
  avgPool2dBackward,
  avgPool2dForward,
  type Conv2dGeometry,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dForward,
  type GpuBuffer,
  type Pool2dGeometry as GpuPoolGeometry,
  maxPool2dBackward,
  maxPool2dForward,
} from '@torchlet/webgpu';
import type { Pool2dGeometry } from '../pool/params.js';

/** True when any of the tensors is on the webgpu device: the one test the CPU path pays. */
export function anyOnGpu(...tensors: readonly (Tensor | null | undefined)[]): boolean {
  for (const t of tensors) if (t !== null && t !== undefined && t.gpuBuffer !== null) return true;
  return false;
}

/**
 * Checks that every tensor is a float32 webgpu tensor (PyTorch's "same device" error otherwise)
 * and that the op runs with its automatic kernel choice (a forced CPU kernel cannot run here).
 */
export function checkGpuOperands(
  fn: string,
  named: Readonly<Record<string, Tensor | null>>,
  kernel: string | undefined = 'auto',
): void {
  for (const [arg, t] of Object.entries(named)) {
    if (t === null) continue;
    if (t.gpuBuffer === null) {
      fail(
        fn,
        arg,
        `Expected all tensors to be on the same device, but found at least two devices, webgpu and cpu (${arg} is on the cpu); move it with .to('webgpu')`,
      );
    }
    if (t.dtype !== 'float32') {
      fail(fn, arg, `only float32 runs on the webgpu device, got ${arg} ${t.dtype} ${formatShape(t.shape)}`);
    }
  }
  if (kernel !== 'auto' && kernel !== undefined) {
    fail(
      fn,
      'kernel',
      `the ${formatValue(kernel)} kernel is a CPU kernel and cannot run on the webgpu device; use 'auto'`,
    );
  }
}

/** `t`'s elements row-major from element 0 of a buffer: its own buffer when dense, else a copy. */
function dense(t: Tensor): GpuBuffer {
  const d = t.offset === 0 && t.isContiguous() ? t : t.clone();
  return d.gpuBuffer as GpuBuffer;
}

/** `conv2d` forward on the device (zero padding; the geometry as the CPU kernels take it). */
export function gpuConv2d(
  g: Conv2dGeometry,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  outShape: readonly number[],
): Tensor {
  const y = conv2dForward(dense(input), dense(weight), bias === null ? null : dense(bias), g);
  return new Tensor(y, outShape, undefined, 0, 'float32');
}

/** The input gradient of `conv2d` on the device. */
export function gpuConv2dBackwardInput(
  g: Conv2dGeometry,
  upstream: Tensor,
  weight: Tensor,
  inputShape: readonly number[],
): Tensor {
  return new Tensor(conv2dBackwardInput(dense(upstream), dense(weight), g), inputShape, undefined, 0, 'float32');
}

/** The weight gradient of `conv2d` on the device. */
export function gpuConv2dBackwardWeight(
  g: Conv2dGeometry,
  upstream: Tensor,
  input: Tensor,
  weightShape: readonly number[],
): Tensor {
  return new Tensor(conv2dBackwardWeight(dense(upstream), dense(input), g), weightShape, undefined, 0, 'float32');
}

/** The pooling geometry of `@torchlet/ops` in `@torchlet/webgpu`'s terms. */
function poolGeometry(g: Pool2dGeometry): GpuPoolGeometry {
  return {
    batch: g.n,
    channels: g.c,
    inH: g.h,
    inW: g.w,
    kh: g.kh,
    kw: g.kw,
    strideH: g.sh,
    strideW: g.sw,
    padTop: g.ph,
    padLeft: g.pw,
    dilationH: g.dh,
    dilationW: g.dw,
    outH: g.ho,
    outW: g.wo,
  };
}

// The gather kernel of the max-pooling gradient needs the window geometry, which
// maxPool2dBackward's (upstream, indices, inputShape) does not carry: it is kept with the indices.
const indexGeometry = new WeakMap<GpuBuffer, GpuPoolGeometry>();

/** `maxPool2d` on the device: values, and int32 indices (a webgpu tensor) when asked for. */
export function gpuMaxPool2d(
  g: Pool2dGeometry,
  input: Tensor,
  outShape: readonly number[],
  returnIndices: boolean,
): { values: Tensor; indices: Tensor | null } {
  const geometry = poolGeometry(g);
  const r = maxPool2dForward(dense(input), geometry);
  const values = new Tensor(r.values, outShape, undefined, 0, 'float32');
  if (!returnIndices) {
    r.indices.release();
    return { values, indices: null };
  }
  indexGeometry.set(r.indices, geometry);
  return { values, indices: new Tensor(r.indices, outShape, undefined, 0, 'int32') };
}

/** `maxPool2dBackward` on the device, for indices made by {@link gpuMaxPool2d}. */
export function gpuMaxPool2dBackward(upstream: Tensor, indices: Tensor, inputShape: readonly number[]): Tensor {
  const fn = 'maxPool2dBackward';
  checkGpuOperands(fn, { upstream });
  const buffer = indices.gpuBuffer;
  const geometry = buffer === null ? undefined : indexGeometry.get(buffer);
  if (buffer === null || geometry === undefined || indices.offset !== 0 || !indices.isContiguous()) {
    fail(
      fn,
      'indices',
      `on the webgpu device the indices must be the ones maxPool2d(..., { returnIndices: true }) returned there (indices ${formatShape(indices.shape)} on ${indices.device})`,
    );
  }
  return new Tensor(maxPool2dBackward(dense(upstream), buffer, geometry), inputShape, undefined, 0, 'float32');
}

/** `avgPool2d` on the device. */
export function gpuAvgPool2d(
  g: Pool2dGeometry,
  input: Tensor,
  outShape: readonly number[],
  countIncludePad: boolean,
  divisor: number,
): Tensor {
  const options = divisor === 0 ? { countIncludePad } : { countIncludePad, divisorOverride: divisor };
  return new Tensor(avgPool2dForward(dense(input), poolGeometry(g), options), outShape, undefined, 0, 'float32');
}

/** `avgPool2dBackward` on the device. */
export function gpuAvgPool2dBackward(
  g: Pool2dGeometry,
  upstream: Tensor,
  inputShape: readonly number[],
  countIncludePad: boolean,
  divisor: number,
): Tensor {
  const options = divisor === 0 ? { countIncludePad } : { countIncludePad, divisorOverride: divisor };
  return new Tensor(avgPool2dBackward(dense(upstream), poolGeometry(g), options), inputShape, undefined, 0, 'float32');
}

/** `adaptiveAvgPool2d` on the device: `[N, C, H, W]` (or `[C, H, W]`) to `outShape`. */
export function gpuAdaptiveAvgPool2d(
  input: Tensor,
  n: number,
  c: number,
  ho: number,
  wo: number,
  outShape: readonly number[],
): Tensor {
  checkGpuOperands('adaptiveAvgPool2d', { input });
  const h = input.shape[input.ndim - 2];
  const w = input.shape[input.ndim - 1];
  const y = adaptiveAvgPool2dForward(dense(input), { batch: n, channels: c, inH: h, inW: w, outH: ho, outW: wo });
  return new Tensor(y, outShape, undefined, 0, 'float32');
}

/** `adaptiveAvgPool2dBackward` on the device. */
export function gpuAdaptiveAvgPool2dBackward(upstream: Tensor, inputShape: readonly number[]): Tensor {
  checkGpuOperands('adaptiveAvgPool2dBackward', { upstream });
  const rank = inputShape.length;
  const geometry = {
    batch: rank === 4 ? inputShape[0] : 1,
    channels: inputShape[rank - 3],
    inH: inputShape[rank - 2],
    inW: inputShape[rank - 1],
    outH: upstream.shape[rank - 2],
    outW: upstream.shape[rank - 1],
  };
  return new Tensor(adaptiveAvgPool2dBackward(dense(upstream), geometry), inputShape, undefined, 0, 'float32');
}
