import { wasmSum } from '@torchlet/kernels';
import { allocStorage, type FloatArray, fail, formatShape, formatValue, getBackend, Tensor } from '@torchlet/tensor';
import { gpuAdaptiveAvgPool2d, gpuAdaptiveAvgPool2dBackward } from '../device/gpu.js';
import { checkFloatTensor } from '../params.js';
import { poolStrides } from './max-pool2d.js';
import { checkPoolInput, checkPoolShape, checkUpstream } from './params.js';

/**
 * An adaptive pool's output size: one int for both dims, or `[h, w]` where `null` keeps the input's size.
 *
 * @see torch.nn.AdaptiveAvgPool2d
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { adaptiveAvgPool2d } from '@torchlet/ops';
 * adaptiveAvgPool2d(zeros([1, 3, 7, 9]), [null, 4]).shape; // -> [1, 3, 7, 4]
 * ```
 */
export type AdaptiveSize = number | readonly [number | null, number | null];

/** `outputSize` as `[Hout, Wout]` for an `h x w` input (`null` keeps that size), validated. */
export function resolveOutputSize(fn: string, outputSize: AdaptiveSize, h: number, w: number): [number, number] {
  const isPair = Array.isArray(outputSize) && outputSize.length === 2;
  if (typeof outputSize !== 'number' && !isPair) {
    fail(fn, 'outputSize', `expected an int or an [h, w] pair (entries may be null), got ${formatValue(outputSize)}`);
  }
  const pair = typeof outputSize === 'number' ? [outputSize, outputSize] : (outputSize as readonly (number | null)[]);
  const ho = pair[0] ?? h;
  const wo = pair[1] ?? w;
  if (!Number.isInteger(ho) || !Number.isInteger(wo) || ho < 0 || wo < 0) {
    fail(fn, 'outputSize', `elements of outputSize must be integers >= 0 (or null), got ${formatValue(outputSize)}`);
  }
  return [ho, wo];
}

// PyTorch's adaptive windows: start = floor(i*in/out), end = ceil((i+1)*in/out), in integers.
export function adaptiveStart(i: number, inSize: number, outSize: number): number {
  return Math.floor((i * inSize) / outSize);
}
export function adaptiveEnd(i: number, inSize: number, outSize: number): number {
  return Math.floor(((i + 1) * inSize + outSize - 1) / outSize);
}

/**
 * Forward (`grad === null`: window means into `out`) or backward (`grad`: each upstream value
 * divided by its window's area, spread over the window, into dense `out`).
 */
function adaptiveKernel(
  x: FloatArray | null,
  xOff: number,
  xsN: number,
  xsC: number,
  xsH: number,
  xsW: number,
  n: number,
  c: number,
  h: number,
  w: number,
  ho: number,
  wo: number,
  out: FloatArray,
  grad: FloatArray | null,
  gradOff: number,
): void {
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const base = xOff + b * xsN + ch * xsC;
      const gBase = (b * c + ch) * h * w;
      for (let oh = 0; oh < ho; oh++) {
        const ih0 = adaptiveStart(oh, h, ho);
        const ih1 = adaptiveEnd(oh, h, ho);
        for (let ow = 0; ow < wo; ow++, o++) {
          const iw0 = adaptiveStart(ow, w, wo);
          const iw1 = adaptiveEnd(ow, w, wo);
          const area = (ih1 - ih0) * (iw1 - iw0);
          if (grad === null) {
            let acc = 0;
            for (let ih = ih0; ih < ih1; ih++) {
              const row = base + ih * xsH;
              for (let iw = iw0; iw < iw1; iw++) acc += (x as FloatArray)[row + iw * xsW];
            }
            out[o] = acc / area;
          } else {
            const share = grad[gradOff + o] / area;
            for (let ih = ih0; ih < ih1; ih++) {
              const row = gBase + ih * w;
              for (let iw = iw0; iw < iw1; iw++) out[row + iw] += share;
            }
          }
        }
      }
    }
  }
}

// Global average pooling (a 1x1 output) of float32 planes whose H*W values are contiguous, as every
// CNN head has them. Each plane is summed in float64 from +0 in order, then divided by H*W and
// rounded once: the same bits whichever loop runs. The JavaScript loop sums four planes side by
// side (independent chains, monomorphic on Float32Array); under setBackend('auto'), blocks of at
// least GAP_WASM_MIN_ELEMENTS whose channel planes are adjacent run in `wasmSum` (WebAssembly SIMD,
// the same in-order float64 sums), 2x the JavaScript loop on MobileNetV2's head [1,1280,7,7]
// (24 against 48 us, the copy into WebAssembly memory included; [1,512,7,7] 11 against 21 us).
const GAP_WASM_MIN_ELEMENTS = 1 << 12;

/** `out[i] = mean of plane i` through `wasmSum`; false (out untouched) when the JavaScript loop should run. */
function planeMeansWasm(
  x: Float32Array,
  xOff: number,
  sN: number,
  sC: number,
  n: number,
  c: number,
  hw: number,
  out: Float32Array,
): boolean {
  const backend = getBackend();
  if (backend === 'js' || sC !== hw) return false;
  if (backend !== 'wasm' && (n * c * hw < GAP_WASM_MIN_ELEMENTS || hw < 4)) return false;
  const sums = new Float64Array(n * c);
  if (n === 1 || sN === c * hw) {
    if (!wasmSum(x, xOff, n * c, hw, 1, sums)) return false;
  } else {
    for (let b = 0; b < n; b++) {
      if (!wasmSum(x, xOff + b * sN, c, hw, 1, sums.subarray(b * c, (b + 1) * c))) return false;
    }
  }
  for (let i = 0; i < n * c; i++) out[i] = sums[i] / hw;
  return true;
}

function planeMeansF32(
  x: Float32Array,
  xOff: number,
  sN: number,
  sC: number,
  n: number,
  c: number,
  hw: number,
  out: Float32Array,
): void {
  let o = 0;
  for (let b = 0; b < n; b++) {
    const base = xOff + b * sN;
    let ch = 0;
    for (; ch + 3 < c; ch += 4) {
      const p0 = base + ch * sC;
      const p1 = p0 + sC;
      const p2 = p1 + sC;
      const p3 = p2 + sC;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < hw; i++) {
        s0 += x[p0 + i];
        s1 += x[p1 + i];
        s2 += x[p2 + i];
        s3 += x[p3 + i];
      }
      out[o++] = s0 / hw;
      out[o++] = s1 / hw;
      out[o++] = s2 / hw;
      out[o++] = s3 / hw;
    }
    for (; ch < c; ch++) {
      const p = base + ch * sC;
      let s = 0;
      for (let i = 0; i < hw; i++) s += x[p + i];
      out[o++] = s / hw;
    }
  }
}

/**
 * Adaptive average pooling: each output cell averages the input window
 * `[floor(i*H/Hout), ceil((i+1)*H/Hout))` (and likewise along W), so any input size maps onto
 * the requested output size.
 *
 * Shapes: `[N,C,H,W]` or `[C,H,W]` -> `[N,C,Hout,Wout]` or `[C,Hout,Wout]` with `[Hout, Wout]`
 * from `outputSize` (`null` keeps that input size).
 *
 * @param input - Input `[N, C, H, W]` or `[C, H, W]`, float32 or float64.
 * @param outputSize - The output size `s` or `[outH, outW]` (`null` in the pair keeps that input size).
 * @returns A new tensor `[N, C, outH, outW]` (or `[C, outH, outW]`) of window means.
 * @see torch.nn.functional.adaptive_avg_pool2d
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { adaptiveAvgPool2d } from '@torchlet/ops';
 * const X = tensor([[[0, 1, 2], [3, 4, 5], [6, 7, 8]]]); // [1, 3, 3]
 * adaptiveAvgPool2d(X, 1).toArray(); // -> [[[4]]]
 * adaptiveAvgPool2d(X, [null, 2]).toArray(); // -> [[[0.5, 1.5], [3.5, 4.5], [6.5, 7.5]]]
 * ```
 */
export function adaptiveAvgPool2d(input: Tensor, outputSize: AdaptiveSize): Tensor {
  const fn = 'adaptiveAvgPool2d';
  const x = checkPoolInput(fn, input);
  const rank = x.ndim;
  const h = x.shape[rank - 2];
  const w = x.shape[rank - 1];
  const [ho, wo] = resolveOutputSize(fn, outputSize, h, w);
  const n = rank === 4 ? x.shape[0] : 1;
  const c = x.shape[rank - 3];
  if (x.gpuBuffer !== null) return gpuAdaptiveAvgPool2d(x, n, c, ho, wo, rank === 4 ? [n, c, ho, wo] : [c, ho, wo]);
  const out = allocStorage(x.dtype, n * c * ho * wo) as FloatArray;
  const [sN, sC, sH, sW] = poolStrides(x);
  if (ho === 1 && wo === 1 && sW === 1 && sH === w && x.data instanceof Float32Array) {
    const o = out as Float32Array;
    if (!planeMeansWasm(x.data, x.offset, sN, sC, n, c, h * w, o))
      planeMeansF32(x.data, x.offset, sN, sC, n, c, h * w, o);
  } else {
    adaptiveKernel(x.data as FloatArray, x.offset, sN, sC, sH, sW, n, c, h, w, ho, wo, out, null, 0);
  }
  return new Tensor(out, rank === 4 ? [n, c, ho, wo] : [c, ho, wo]);
}

/**
 * Gradient of {@link adaptiveAvgPool2d} with respect to its input: each upstream value divided by
 * its window's area and added over the window (windows may overlap). The output size is read
 * from `upstream`.
 *
 * Shapes: `upstream [N,C,Hout,Wout]` (or `[C,Hout,Wout]`), `inputShape [N,C,H,W]` (or `[C,H,W]`) -> `inputShape`.
 *
 * @param upstream - The gradient of the output, `[N, C, outH, outW]` (or `[C, outH, outW]`).
 * @param inputShape - The shape of the pooled input.
 * @returns The gradient with respect to the input, of shape `inputShape`.
 * @see torch.ops.aten._adaptive_avg_pool2d_backward
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { adaptiveAvgPool2dBackward } from '@torchlet/ops';
 * adaptiveAvgPool2dBackward(ones([1, 1, 1]), [1, 2, 2]).toArray(); // -> [[[0.25, 0.25], [0.25, 0.25]]]
 * ```
 */
export function adaptiveAvgPool2dBackward(upstream: Tensor, inputShape: readonly number[]): Tensor {
  const fn = 'adaptiveAvgPool2dBackward';
  checkPoolShape(fn, 'inputShape', inputShape);
  const rank = inputShape.length;
  checkFloatTensor(fn, 'upstream', upstream);
  if (upstream.ndim !== rank) {
    fail(
      fn,
      'upstream',
      `expected ${rank}-D upstream to match inputShape ${formatShape(inputShape)}, got upstream ${formatShape(upstream.shape)}`,
    );
  }
  const ho = upstream.shape[rank - 2];
  const wo = upstream.shape[rank - 1];
  const g = checkUpstream(fn, upstream, [...inputShape.slice(0, rank - 2), ho, wo], inputShape);
  if (g.gpuBuffer !== null) return gpuAdaptiveAvgPool2dBackward(g, inputShape);
  const h = inputShape[rank - 2];
  const w = inputShape[rank - 1];
  const up = (g.isContiguous() ? g.data : g.toTypedArray()) as FloatArray;
  const upOff = g.isContiguous() ? g.offset : 0;
  const n = rank === 4 ? inputShape[0] : 1;
  const c = inputShape[rank - 3];
  const out = allocStorage(g.dtype, n * c * h * w) as FloatArray;
  adaptiveKernel(null, 0, 0, 0, 0, 0, n, c, h, w, ho, wo, out, up, upOff);
  return new Tensor(out, inputShape);
}
