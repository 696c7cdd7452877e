import { allocStorage, type FloatArray, fail, formatValue, Tensor } from '@torchlet/tensor';
import { checkGpuOperands, gpuAvgPool2d, gpuAvgPool2dBackward } from '../device/gpu.js';
import type { IntPair } from '../params.js';
import { poolStrides } from './max-pool2d.js';
import {
  checkPoolInput,
  checkPoolShape,
  checkUpstream,
  geometryOutputShape,
  type Pool2dGeometry,
  resolvePool2d,
} from './params.js';

/**
 * Options of {@link avgPool2d} and {@link avgPool2dBackward}.
 *
 * @see torch.nn.functional.avg_pool2d
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { avgPool2d } from '@torchlet/ops';
 * const X = tensor([[[1, 2], [3, 4]]]);
 * avgPool2d(X, 2, { padding: 1, countIncludePad: false }).toArray(); // -> [[[1, 2], [3, 4]]]
 * ```
 */
export interface AvgPool2dOptions {
  /** Window step `[sh, sw]`. Default (or `null`): the kernel size, as PyTorch. */
  readonly stride?: IntPair | null;
  /** Implicit zero padding on both sides, at most half the kernel size. Default `0`. */
  readonly padding?: IntPair;
  /** Use ceil instead of floor for the output size. Default `false`. */
  readonly ceilMode?: boolean;
  /** Count padded zeros in the divisor. Default `true`, as PyTorch. */
  readonly countIncludePad?: boolean;
  /** Divide every window sum by this non-zero integer instead. Default: none. */
  readonly divisorOverride?: number | null;
}

interface AvgResolved {
  readonly g: Pool2dGeometry;
  readonly countIncludePad: boolean;
  readonly divisor: number; // 0 = no override
}

function resolveAvg(
  fn: string,
  inputShape: readonly number[],
  kernelSize: IntPair,
  options: AvgPool2dOptions,
): AvgResolved {
  if ((options as { dilation?: unknown }).dilation !== undefined) {
    fail(fn, 'dilation', 'average pooling has no dilation (PyTorch avg_pool2d takes none)');
  }
  const g = resolvePool2d(fn, inputShape, kernelSize, options, false);
  const countIncludePad = options.countIncludePad ?? true;
  if (typeof countIncludePad !== 'boolean')
    fail(fn, 'countIncludePad', `countIncludePad must be a boolean, got ${formatValue(countIncludePad)}`);
  const d = options.divisorOverride ?? 0;
  if (options.divisorOverride !== undefined && options.divisorOverride !== null && (!Number.isInteger(d) || d === 0)) {
    fail(fn, 'divisorOverride', `divisor must be a non-zero integer, got ${formatValue(options.divisorOverride)}`);
  }
  return { g, countIncludePad, divisor: d };
}

/**
 * The gradient of average pooling: each output's upstream value, divided by its window's divisor,
 * is scattered into `out` (dense, zeroed, input-shaped), with PyTorch's CPU divisor rule: the window
 * is first clipped to the padded input (`input + padding`, which matters with `ceilMode`) and that
 * size is the divisor with `countIncludePad`; otherwise the divisor is the window clipped to the
 * input itself. The forward pass (`avgPoolForwardInto`) uses the same rule.
 */
function avgPoolBackwardInto(r: AvgResolved, grad: FloatArray, gradOff: number, out: FloatArray): void {
  const { n, c, h, w, kh, kw, sh, sw, ph, pw, ho, wo } = r.g;
  const plane = h * w;
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const gBase = (b * c + ch) * plane;
      for (let oh = 0; oh < ho; oh++) {
        let ih0 = oh * sh - ph;
        let ih1 = Math.min(ih0 + kh, h + ph);
        const spanH = ih1 - ih0;
        if (ih0 < 0) ih0 = 0;
        if (ih1 > h) ih1 = h;
        for (let ow = 0; ow < wo; ow++, o++) {
          let iw0 = ow * sw - pw;
          let iw1 = Math.min(iw0 + kw, w + pw);
          const spanW = iw1 - iw0;
          if (iw0 < 0) iw0 = 0;
          if (iw1 > w) iw1 = w;
          if (ih0 >= ih1 || iw0 >= iw1) continue;
          const divisor = r.divisor !== 0 ? r.divisor : r.countIncludePad ? spanH * spanW : (ih1 - ih0) * (iw1 - iw0);
          const share = grad[gradOff + o] / divisor;
          for (let ih = ih0; ih < ih1; ih++) {
            const row = gBase + ih * w;
            for (let iw = iw0; iw < iw1; iw++) out[row + iw] += share;
          }
        }
      }
    }
  }
}

/** The forward pass: the 2x2 fast path when every window lies inside the input, else the general loop. */
function avgPoolForwardInto(
  x: FloatArray,
  xOff: number,
  xsN: number,
  xsC: number,
  xsH: number,
  xsW: number,
  r: AvgResolved,
  out: FloatArray,
): void {
  const { h, w, kh, kw, sh, sw, ph, pw, ho, wo } = r.g;
  if (kh === 2 && kw === 2 && ph === 0 && pw === 0 && (ho - 1) * sh + 2 <= h && (wo - 1) * sw + 2 <= w) {
    avgPool2x2Into(x, xOff, xsN, xsC, xsH, xsW, r, out);
  } else {
    avgPoolForwardGeneral(x, xOff, xsN, xsC, xsH, xsW, r, out);
  }
}

/**
 * The general forward pass, with the window and divisor rule of {@link avgPoolBackwardInto}.
 * Each window's sum is a chain of dependent additions, so a lone window runs at the
 * adder's latency; windows lying wholly inside the input along W are taken four at a time with
 * four independent sums (each still added in the same order), which the CPU overlaps
 * (3x3 stride 1 padding 1 on [8,64,56,56]: about 3x faster).
 */
function avgPoolForwardGeneral(
  x: FloatArray,
  xOff: number,
  xsN: number,
  xsC: number,
  xsH: number,
  xsW: number,
  r: AvgResolved,
  out: FloatArray,
): void {
  const { n, c, h, w, kh, kw, sh, sw, ph, pw, ho, wo } = r.g;
  const override = r.divisor;
  const includePad = r.countIncludePad;
  // Output columns whose window lies inside [0, w): iw0 = ow*sw - pw >= 0 and iw0 + kw <= w.
  const owLo = Math.ceil(pw / sw);
  const owHi = Math.min(wo, Math.floor((w - kw + pw) / sw) + 1);
  const step = sw * xsW;
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const base = xOff + b * xsN + ch * xsC;
      for (let oh = 0; oh < ho; oh++) {
        let ih0 = oh * sh - ph;
        let ih1 = Math.min(ih0 + kh, h + ph);
        const spanH = ih1 - ih0;
        if (ih0 < 0) ih0 = 0;
        if (ih1 > h) ih1 = h;
        const innerDivisor = override !== 0 ? override : includePad ? spanH * kw : (ih1 - ih0) * kw;
        for (let ow = 0; ow < wo; ) {
          if (ow >= owLo && ow + 4 <= owHi && ih0 < ih1) {
            let a0 = 0;
            let a1 = 0;
            let a2 = 0;
            let a3 = 0;
            for (let ih = ih0; ih < ih1; ih++) {
              const q = base + ih * xsH + (ow * sw - pw) * xsW;
              for (let j = 0; j < kw; j++) {
                const p = q + j * xsW;
                a0 += x[p];
                a1 += x[p + step];
                a2 += x[p + 2 * step];
                a3 += x[p + 3 * step];
              }
            }
            out[o] = a0 / innerDivisor;
            out[o + 1] = a1 / innerDivisor;
            out[o + 2] = a2 / innerDivisor;
            out[o + 3] = a3 / innerDivisor;
            o += 4;
            ow += 4;
            continue;
          }
          let iw0 = ow * sw - pw;
          let iw1 = Math.min(iw0 + kw, w + pw);
          const spanW = iw1 - iw0;
          if (iw0 < 0) iw0 = 0;
          if (iw1 > w) iw1 = w;
          if (ih0 >= ih1 || iw0 >= iw1) {
            out[o] = 0;
          } else {
            const divisor = override !== 0 ? override : includePad ? spanH * spanW : (ih1 - ih0) * (iw1 - iw0);
            let acc = 0;
            for (let ih = ih0; ih < ih1; ih++) {
              const row = base + ih * xsH;
              for (let iw = iw0; iw < iw1; iw++) acc += x[row + iw * xsW];
            }
            out[o] = acc / divisor;
          }
          o++;
          ow++;
        }
      }
    }
  }
}

/**
 * 2x2 windows, no padding, every window inside the input (so the divisor is 4 unless
 * overridden): the taps unrolled, summed in the general loop's order from 0 (so `-0` inputs
 * give `+0`, as there).
 */
function avgPool2x2Into(
  x: FloatArray,
  xOff: number,
  xsN: number,
  xsC: number,
  xsH: number,
  xsW: number,
  r: AvgResolved,
  out: FloatArray,
): void {
  const { n, c, sh, sw, ho, wo } = r.g;
  const divisor = r.divisor !== 0 ? r.divisor : 4;
  const step = sw * xsW;
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const base = xOff + b * xsN + ch * xsC;
      for (let oh = 0; oh < ho; oh++) {
        for (let ow = 0, p0 = base + oh * sh * xsH, p1 = p0 + xsH; ow < wo; ow++, o++, p0 += step, p1 += step) {
          out[o] = (0 + x[p0] + x[p0 + xsW] + x[p1] + x[p1 + xsW]) / divisor;
        }
      }
    }
  }
}

/**
 * 2-D average pooling with PyTorch semantics, including its divisor rules: with
 * `countIncludePad` (default) the divisor is the window size clipped to the padded input,
 * otherwise the number of real input elements in the window; `divisorOverride` replaces both.
 *
 * Shapes: `[N,C,H,W]` or `[C,H,W]` -> `[N,C,Hout,Wout]` or `[C,Hout,Wout]`, see {@link pool2dOutputShape}.
 *
 * @param input - Input `[N, C, H, W]` or `[C, H, W]`, float32 or float64.
 * @param kernelSize - The window size, `k` or `[kH, kW]`.
 * @param options - `stride` (default: `kernelSize`), `padding` (default `0`), `ceilMode` (default `false`),
 *   `countIncludePad` (default `true`) and `divisorOverride`; see {@link AvgPool2dOptions}.
 * @returns A new tensor `[N, C, H_out, W_out]` (or `[C, H_out, W_out]`) of window means.
 * @see torch.nn.functional.avg_pool2d
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { avgPool2d } from '@torchlet/ops';
 * const X = tensor([[[1, 2], [3, 4]]]); // [1, 2, 2]
 * avgPool2d(X, 2).toArray(); // -> [[[2.5]]]
 * avgPool2d(X, 2, { stride: 1, padding: 1 }).toArray(); // -> [[[0.25, 0.75, 0.5], [1, 2.5, 1.5], [0.75, 1.75, 1]]]
 * ```
 */
export function avgPool2d(input: Tensor, kernelSize: IntPair, options: AvgPool2dOptions = {}): Tensor {
  const fn = 'avgPool2d';
  const x = checkPoolInput(fn, input);
  const r = resolveAvg(fn, x.shape, kernelSize, options);
  const shape = geometryOutputShape(r.g);
  if (x.gpuBuffer !== null) {
    checkGpuOperands(fn, { input: x });
    return gpuAvgPool2d(r.g, x, shape, r.countIncludePad, r.divisor);
  }
  const out = allocStorage(x.dtype, r.g.n * r.g.c * r.g.ho * r.g.wo) as FloatArray;
  const [sN, sC, sH, sW] = poolStrides(x);
  avgPoolForwardInto(x.data as FloatArray, x.offset, sN, sC, sH, sW, r, out);
  return new Tensor(out, shape);
}

/**
 * Gradient of {@link avgPool2d} with respect to its input: each upstream value divided by its
 * window's divisor and spread over the window's input elements. Takes the forward's kernel size
 * and options.
 *
 * Shapes: `upstream [N,C,Hout,Wout]` (or `[C,Hout,Wout]`), `inputShape [N,C,H,W]` (or `[C,H,W]`) -> `inputShape`.
 *
 * @param upstream - The gradient of the output.
 * @param inputShape - The shape of the pooled input.
 * @param kernelSize - The forward pass's window size.
 * @param options - The forward pass's options; see {@link AvgPool2dOptions}.
 * @returns The gradient with respect to the input, of shape `inputShape`.
 * @see torch.ops.aten.avg_pool2d_backward
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { avgPool2dBackward } from '@torchlet/ops';
 * avgPool2dBackward(ones([1, 1, 1]), [1, 2, 2], 2).toArray(); // -> [[[0.25, 0.25], [0.25, 0.25]]]
 * ```
 */
export function avgPool2dBackward(
  upstream: Tensor,
  inputShape: readonly number[],
  kernelSize: IntPair,
  options: AvgPool2dOptions = {},
): Tensor {
  const fn = 'avgPool2dBackward';
  checkPoolShape(fn, 'inputShape', inputShape);
  const r = resolveAvg(fn, inputShape, kernelSize, options);
  const g = checkUpstream(fn, upstream, geometryOutputShape(r.g), inputShape);
  if (g.gpuBuffer !== null) {
    checkGpuOperands(fn, { upstream: g });
    return gpuAvgPool2dBackward(r.g, g, inputShape, r.countIncludePad, r.divisor);
  }
  const up = (g.isContiguous() ? g.data : g.toTypedArray()) as FloatArray;
  const upOff = g.isContiguous() ? g.offset : 0;
  const out = allocStorage(g.dtype, r.g.n * r.g.c * r.g.h * r.g.w) as FloatArray;
  avgPoolBackwardInto(r, up, upOff, out);
  return new Tensor(out, inputShape);
}

/** Book-style average pooling of one plane with stride 1 and no padding (used by `pool2d`). */
export function avgPoolPlaneInto(
  x: FloatArray,
  xOff: number,
  xsH: number,
  xsW: number,
  g: Pool2dGeometry,
  out: FloatArray,
): void {
  avgPoolForwardInto(x, xOff, 0, 0, xsH, xsW, { g, countIncludePad: true, divisor: 0 }, out);
}
