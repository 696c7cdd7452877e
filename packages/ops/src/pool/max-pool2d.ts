import { wasmMaxPool2d, wasmMaxPool2x2 } from '@torchlet/kernels';
import {
  allocStorage,
  type FloatArray,
  fail,
  formatShape,
  formatValue,
  getBackend,
  isTensor,
  Tensor,
} from '@torchlet/tensor';
import { anyOnGpu, checkGpuOperands, gpuMaxPool2d, gpuMaxPool2dBackward } from '../device/gpu.js';
import type { IntPair } from '../params.js';
import { firstBadIndex, indexValue, indexWords, widenIndices } from './indices.js';
import {
  checkPoolInput,
  checkPoolShape,
  checkUpstream,
  geometryOutputShape,
  type Pool2dGeometry,
  type Pool2dOptions,
  resolvePool2d,
} from './params.js';

/**
 * The max-pooling kernels: `'js'`, the JavaScript loops (float32 and float64, any layout), and
 * `'wasm'`, `@torchlet/kernels`' WebAssembly SIMD kernel (float32; any window, stride, padding,
 * dilation and ceil mode, values and indices; a strided input is made contiguous first). Both give
 * the same bits. `'auto'` (the default) picks `'wasm'` for float32 problems of at least 256
 * outputs unless `setBackend('js')` is in force; a forced `'wasm'` that cannot run
 * (float64, or no WebAssembly SIMD) throws.
 *
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { type MaxPool2dKernel, maxPool2d } from '@torchlet/ops';
 * const kernel: MaxPool2dKernel = 'wasm';
 * maxPool2d(ones([1, 1, 4, 4]), 3, { stride: 2, padding: 1, kernel }).toArray(); // -> [[[[1, 1], [1, 1]]]]
 * ```
 */
export type MaxPool2dKernel = 'auto' | 'js' | 'wasm';

/**
 * Options of {@link maxPool2d}: the shared pooling options plus `returnIndices` and `kernel`.
 *
 * @see torch.nn.functional.max_pool2d
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { maxPool2d } from '@torchlet/ops';
 * maxPool2d(zeros([1, 1, 4, 4]), 2, { stride: 1, ceilMode: true }).shape; // -> [1, 1, 3, 3]
 * ```
 */
export interface MaxPool2dOptions extends Pool2dOptions {
  /** Also return the argmax of each window (flat `h*W + w` within its plane). Default `false`. */
  readonly returnIndices?: boolean;
  /**
   * The dtype of the returned indices: `'int64'` (the default, as PyTorch's) or `'int32'` (half
   * the memory and no widening pass; what autograd keeps for the backward, which takes either).
   * The webgpu device always returns int32.
   */
  readonly indicesDtype?: 'int64' | 'int32';
  /** The kernel that runs it (see {@link MaxPool2dKernel}). Default `'auto'`. */
  readonly kernel?: MaxPool2dKernel;
}

/**
 * What {@link maxPool2d} returns with `returnIndices: true`.
 *
 * Shapes: `values` and `indices` both `[N,C,Hout,Wout]` (or `[C,Hout,Wout]`).
 *
 * The indices are int64, as PyTorch's. On the `webgpu` device they are int32 (WGSL has no 64-bit
 * integers): `await indices.cpu()` gives an int32 tensor, `.to('int64')` widens it.
 *
 * @see torch.nn.functional.max_pool2d (return_indices=True)
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { maxPool2d } from '@torchlet/ops';
 * const { values, indices } = maxPool2d(tensor([[[1, 5], [3, 2]]]), 2, { returnIndices: true });
 * [values.toArray(), indices.toArray(), indices.dtype]; // -> [[[[5]]], [[[1]]], 'int64']
 * indices.toString(); // -> 'tensor([[[1]]])'
 * ```
 */
export interface MaxPool2dResult {
  /** The pooled maxima. */
  readonly values: Tensor;
  /** int64 flat index `h*W + w` of each maximum within its `H x W` input plane, as PyTorch (int32 on webgpu). */
  readonly indices: Tensor;
}

/**
 * Outputs from which a float32 2x2 / stride 2 max-pool of dense planes (values only) runs in
 * WebAssembly SIMD (`@torchlet/kernels`' `wasmMaxPool2x2`; never with `setBackend('js')`). Below
 * it the copies in and out of WebAssembly memory cost about what the JavaScript loop saves.
 */
const WASM_MAX_POOL_MIN_OUTPUTS = 1 << 16;

/**
 * Outputs from which other float32 max-pools (any window, with or without indices) run in
 * `@torchlet/kernels`' general `wasmMaxPool2d` under `'auto'`: below it a call's fixed costs
 * (staging, typed-array views) are a large part of a small problem.
 */
const WASM_MAX_POOL2D_MIN_OUTPUTS = 1 << 8;

/** Whether `maxPool2d`'s strided storage holds dense NCHW (or CHW) planes. */
function densePlanes(g: Pool2dGeometry, xsN: number, xsC: number, xsH: number, xsW: number): boolean {
  const { n, c, h, w } = g;
  return (
    (w === 1 || xsW === 1) && (h === 1 || xsH === w) && (c === 1 || xsC === h * w) && (n === 1 || xsN === c * h * w)
  );
}

/** `maxPoolInto` in `@torchlet/kernels`' `wasmMaxPool2d` (dense float32 planes); false when it declined. */
function wasmMaxPoolInto(
  x: FloatArray,
  xOff: number,
  g: Pool2dGeometry,
  out: FloatArray,
  idx: Int32Array | BigInt64Array | null,
): boolean {
  const planes = g.n * g.c;
  return wasmMaxPool2d(
    x.subarray(xOff, xOff + planes * g.h * g.w),
    {
      planes,
      h: g.h,
      w: g.w,
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
    },
    out,
    idx,
  );
}

/**
 * Max pooling over every `[H, W]` plane of `x` (strided storage), written densely into `out`
 * and, when given, the argmax positions into `idx`. Mirrors PyTorch's CPU kernel: windows are
 * clipped to the input (padding acts as -inf), ties keep the first maximum, and a NaN wins and
 * is kept by any later NaN, so NaN propagates. A window with no input element gives -inf, index -1.
 * Large float32 2x2 / stride 2 problems on dense planes without indices run in WebAssembly SIMD
 * (`wasmMaxPool2x2`), which gives the same bits, from `WASM_MAX_POOL_MIN_OUTPUTS` outputs.
 */
export function maxPoolInto(
  x: FloatArray,
  xOff: number,
  xsN: number,
  xsC: number,
  xsH: number,
  xsW: number,
  g: Pool2dGeometry,
  out: FloatArray,
  idx: Int32Array | null,
  kernel: MaxPool2dKernel = 'auto',
): void {
  const { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo } = g;
  if (kernel === 'wasm') {
    if (!densePlanes(g, xsN, xsC, xsH, xsW) || !wasmMaxPoolInto(x, xOff, g, out, idx)) {
      fail(
        'maxPool2d',
        'kernel',
        `the 'wasm' kernel cannot run this problem (${x instanceof Float32Array ? 'WebAssembly SIMD is unavailable, or a window span or stride beyond 2^26' : 'it takes float32 input, got float64'}) on input [${n}, ${c}, ${h}, ${w}]`,
      );
    }
    return;
  }
  // The float32 kernels below pay two typed-array views per call, which only large problems repay.
  const f32 = x instanceof Float32Array && out instanceof Float32Array && n * c * ho * wo >= 64;
  const wasm = f32 && kernel === 'auto' && getBackend() !== 'js';
  if (
    wasm &&
    idx === null &&
    n * c * ho * wo >= WASM_MAX_POOL_MIN_OUTPUTS &&
    kh === 2 &&
    kw === 2 &&
    sh === 2 &&
    sw === 2 &&
    dh === 1 &&
    dw === 1 &&
    ph === 0 &&
    pw === 0 &&
    ho === h >> 1 &&
    wo === w >> 1 &&
    xsW === 1 &&
    xsH === w &&
    (c === 1 || xsC === h * w) &&
    (n === 1 || xsN === c * h * w) &&
    // Bit-identical to the loops below (first maximum on ties, so -0 stays -0; NaN wins).
    wasmMaxPool2x2(x.subarray(xOff, xOff + n * c * h * w), n * c, h, w, out)
  ) {
    return;
  }
  if (
    wasm &&
    n * c * ho * wo >= WASM_MAX_POOL2D_MIN_OUTPUTS &&
    densePlanes(g, xsN, xsC, xsH, xsW) &&
    // Bit-identical to the loops below, indices included.
    wasmMaxPoolInto(x, xOff, g, out, idx)
  ) {
    return;
  }
  if (
    kh === 2 &&
    kw === 2 &&
    dh === 1 &&
    dw === 1 &&
    ph === 0 &&
    pw === 0 &&
    (ho - 1) * sh + 2 <= h &&
    (wo - 1) * sw + 2 <= w
  ) {
    if (f32) maxPool2x2F32Into(x as Float32Array, xOff, xsN, xsC, xsH, xsW, g, out as Float32Array, idx);
    else maxPool2x2Into(x, xOff, xsN, xsC, xsH, xsW, g, out, idx);
    return;
  }
  if (f32 && idx === null) {
    maxPoolF32Into(x as Float32Array, xOff, xsN, xsC, xsH, xsW, g, out as Float32Array);
    return;
  }
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const base = xOff + b * xsN + ch * xsC;
      for (let oh = 0; oh < ho; oh++) {
        let ih0 = oh * sh - ph;
        const ih1 = Math.min(ih0 + (kh - 1) * dh + 1, h);
        while (ih0 < 0) ih0 += dh;
        for (let ow = 0; ow < wo; ow++) {
          let iw0 = ow * sw - pw;
          const iw1 = Math.min(iw0 + (kw - 1) * dw + 1, w);
          while (iw0 < 0) iw0 += dw;
          let best = Number.NEGATIVE_INFINITY;
          // A dilated window can fall entirely in the padding: PyTorch then yields -inf with an
          // index outside the plane; we give -inf with index -1, which the backward skips.
          let bestIdx = ih0 < ih1 && iw0 < iw1 ? ih0 * w + iw0 : -1;
          for (let ih = ih0; ih < ih1; ih += dh) {
            const row = base + ih * xsH;
            for (let iw = iw0; iw < iw1; iw += dw) {
              const v = x[row + iw * xsW];
              // biome-ignore lint/suspicious/noSelfCompare: v !== v is the NaN test in the hot loop
              if (v > best || v !== v) {
                best = v;
                bestIdx = ih * w + iw;
              }
            }
          }
          out[o] = best;
          if (idx !== null) idx[o] = bestIdx;
          o++;
        }
      }
    }
  }
}

/**
 * The common CNN case (2x2 windows, no padding or dilation, every window inside the input) with
 * the four taps unrolled; the same comparison order and NaN rule as the general loop.
 */
function maxPool2x2Into(
  x: FloatArray,
  xOff: number,
  xsN: number,
  xsC: number,
  xsH: number,
  xsW: number,
  g: Pool2dGeometry,
  out: FloatArray,
  idx: Int32Array | null,
): void {
  const { n, c, w, sh, sw, ho, wo } = g;
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const base = xOff + b * xsN + ch * xsC;
      for (let oh = 0; oh < ho; oh++) {
        const ih = oh * sh;
        const r0 = base + ih * xsH;
        const r1 = r0 + xsH;
        for (let ow = 0; ow < wo; ow++, o++) {
          const iw = ow * sw;
          const p0 = r0 + iw * xsW;
          const p1 = r1 + iw * xsW;
          const v0 = x[p0];
          const v1 = x[p0 + xsW];
          const v2 = x[p1];
          const v3 = x[p1 + xsW];
          let best = v0; // the first tap always beats the initial -inf (or is NaN)
          let k = 0;
          // biome-ignore lint/suspicious/noSelfCompare: NaN test
          if (v1 > best || v1 !== v1) {
            best = v1;
            k = 1;
          }
          // biome-ignore lint/suspicious/noSelfCompare: NaN test
          if (v2 > best || v2 !== v2) {
            best = v2;
            k = 2;
          }
          // biome-ignore lint/suspicious/noSelfCompare: NaN test
          if (v3 > best || v3 !== v3) {
            best = v3;
            k = 3;
          }
          out[o] = best;
          if (idx !== null) idx[o] = (ih + (k >> 1)) * w + iw + (k & 1);
        }
      }
    }
  }
}

/** Bits of +inf in float32; an absolute value above it is a NaN. */
const F32_INF_BITS = 0x7f800000;

/**
 * {@link maxPool2x2Into} for float32, without data-dependent branches on the common path: on
 * random activations the four compares of a window mispredict about half the time, which cost
 * 2.5x the memory traffic. Each float's bits `b` map to the integer key `sign ? -|b| : |b|`
 * (`|b|` = `b & 0x7fffffff`), which orders like the floats and gives -0 and +0 the same key;
 * the window's maximum key is taken with branch-free arithmetic (`a - t * (t < 0)`, `t = a - b`
 * exact in doubles), the argmax is the first tap whose key equals it (first maximum on ties,
 * as the branching loop), and the maximum's bits are rebuilt from its key. Windows with a NaN
 * or a zero maximum (whose sign is that of the first zero) take the branching code, so results
 * are bit-identical to {@link maxPool2x2Into}.
 */
function maxPool2x2F32Into(
  x: Float32Array,
  xOff: number,
  xsN: number,
  xsC: number,
  xsH: number,
  xsW: number,
  g: Pool2dGeometry,
  out: Float32Array,
  idx: Int32Array | null,
): void {
  const { n, c, w, sh, sw, ho, wo } = g;
  const xi = new Int32Array(x.buffer, x.byteOffset, x.length);
  const oi = new Int32Array(out.buffer, out.byteOffset, out.length);
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const base = xOff + b * xsN + ch * xsC;
      let branchFree = false;
      for (let oh = 0; oh < ho; oh++) {
        const ih = oh * sh;
        const step = sw * xsW;
        if (!branchFree) {
          // Compare and branch while the winning tap is predictable (smooth data, flat or zero
          // regions: 2x faster there); count how often it changes to decide the next row.
          let changes = 0;
          let prev = 0;
          for (let ow = 0, p0 = base + ih * xsH, p1 = p0 + xsH; ow < wo; ow++, o++, p0 += step, p1 += step) {
            const v0 = x[p0];
            const v1 = x[p0 + xsW];
            const v2 = x[p1];
            const v3 = x[p1 + xsW];
            let best = v0;
            let k = 0;
            // biome-ignore lint/suspicious/noSelfCompare: NaN test
            if (v1 > best || v1 !== v1) {
              best = v1;
              k = 1;
            }
            // biome-ignore lint/suspicious/noSelfCompare: NaN test
            if (v2 > best || v2 !== v2) {
              best = v2;
              k = 2;
            }
            // biome-ignore lint/suspicious/noSelfCompare: NaN test
            if (v3 > best || v3 !== v3) {
              best = v3;
              k = 3;
            }
            out[o] = best;
            if (idx !== null) idx[o] = (ih + (k >> 1)) * w + ow * sw + (k & 1);
            changes += +(k !== prev);
            prev = k;
          }
          branchFree = changes * 4 > wo;
          continue;
        }
        for (let ow = 0, p0 = base + ih * xsH, p1 = p0 + xsH; ow < wo; ow++, o++, p0 += step, p1 += step) {
          const b0 = xi[p0];
          const b1 = xi[p0 + xsW];
          const b2 = xi[p1];
          const b3 = xi[p1 + xsW];
          const u0 = b0 & 0x7fffffff;
          const u1 = b1 & 0x7fffffff;
          const u2 = b2 & 0x7fffffff;
          const u3 = b3 & 0x7fffffff;
          const s0 = b0 >> 31;
          const s1 = b1 >> 31;
          const s2 = b2 >> 31;
          const s3 = b3 >> 31;
          const k0 = (u0 ^ s0) - s0;
          const k1 = (u1 ^ s1) - s1;
          const k2 = (u2 ^ s2) - s2;
          const k3 = (u3 ^ s3) - s3;
          let t = k0 - k1;
          const m01 = k0 - t * +(t < 0);
          t = k2 - k3;
          const m23 = k2 - t * +(t < 0);
          t = m01 - m23;
          const m = (m01 - t * +(t < 0)) | 0;
          // Negative when some |b| exceeds +inf's bits, i.e. a tap is NaN.
          const nan = (F32_INF_BITS - u0) | (F32_INF_BITS - u1) | (F32_INF_BITS - u2) | (F32_INF_BITS - u3);
          if (m === 0 || nan < 0) {
            const v0 = x[p0];
            const v1 = x[p0 + xsW];
            const v2 = x[p1];
            const v3 = x[p1 + xsW];
            let best = v0;
            let k = 0;
            // biome-ignore lint/suspicious/noSelfCompare: NaN test
            if (v1 > best || v1 !== v1) {
              best = v1;
              k = 1;
            }
            // biome-ignore lint/suspicious/noSelfCompare: NaN test
            if (v2 > best || v2 !== v2) {
              best = v2;
              k = 2;
            }
            // biome-ignore lint/suspicious/noSelfCompare: NaN test
            if (v3 > best || v3 !== v3) {
              best = v3;
              k = 3;
            }
            out[o] = best;
            if (idx !== null) idx[o] = (ih + (k >> 1)) * w + ow * sw + (k & 1);
            continue;
          }
          const sm = m >> 31;
          oi[o] = ((m ^ sm) - sm) | (sm & 0x80000000);
          if (idx !== null) {
            // n_j = 1 while taps 0..j all differ from the maximum: k = n0 + n1 + n2 is the first match.
            let d = k0 ^ m;
            const n0 = (d | -d) >>> 31;
            d = k1 ^ m;
            const n1 = n0 & ((d | -d) >>> 31);
            d = k2 ^ m;
            const n2 = n1 & ((d | -d) >>> 31);
            const k = n0 + n1 + n2;
            idx[o] = (ih + (k >> 1)) * w + ow * sw + (k & 1);
          }
        }
      }
    }
  }
}

/**
 * The general loop for float32 values (no indices) with {@link maxPool2x2F32Into}'s branch-free
 * maximum over integer keys, switched on per plane the same way (after a branching row whose
 * winning tap changed in more than a quarter of its windows). Windows with a NaN or a zero
 * maximum re-run the branching comparisons, so results are bit-identical to the float64 loop's.
 * (With indices, finding the first tap holding the maximum again costs what it saves.)
 */
function maxPoolF32Into(
  x: Float32Array,
  xOff: number,
  xsN: number,
  xsC: number,
  xsH: number,
  xsW: number,
  g: Pool2dGeometry,
  out: Float32Array,
): void {
  const { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo } = g;
  const xi = new Int32Array(x.buffer, x.byteOffset, x.length);
  const oi = new Int32Array(out.buffer, out.byteOffset, out.length);
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const base = xOff + b * xsN + ch * xsC;
      let branchFree = false;
      for (let oh = 0; oh < ho; oh++) {
        let ih0 = oh * sh - ph;
        const ih1 = Math.min(ih0 + (kh - 1) * dh + 1, h);
        while (ih0 < 0) ih0 += dh;
        let changes = 0;
        let prev = 0;
        for (let ow = 0; ow < wo; ow++, o++) {
          let iw0 = ow * sw - pw;
          const iw1 = Math.min(iw0 + (kw - 1) * dw + 1, w);
          while (iw0 < 0) iw0 += dw;
          if (ih0 >= ih1 || iw0 >= iw1) {
            out[o] = Number.NEGATIVE_INFINITY; // a dilated window entirely in the padding
            continue;
          }
          if (branchFree) {
            const first = xi[base + ih0 * xsH + iw0 * xsW];
            const fs = first >> 31;
            let m = ((first & 0x7fffffff) ^ fs) - fs;
            let nan = 0;
            for (let ih = ih0; ih < ih1; ih += dh) {
              const row = base + ih * xsH;
              for (let iw = iw0; iw < iw1; iw += dw) {
                const bits = xi[row + iw * xsW];
                const u = bits & 0x7fffffff;
                const s = bits >> 31;
                const t = m - ((u ^ s) - s);
                m -= t * +(t < 0);
                nan |= F32_INF_BITS - u; // negative once a tap is NaN
              }
            }
            m |= 0;
            if (m !== 0 && nan >= 0) {
              const sm = m >> 31;
              oi[o] = ((m ^ sm) - sm) | (sm & 0x80000000);
              continue;
            }
          }
          let best = Number.NEGATIVE_INFINITY;
          let bestAt = 0;
          for (let ih = ih0, at = 0; ih < ih1; ih += dh) {
            const row = base + ih * xsH;
            for (let iw = iw0; iw < iw1; iw += dw, at++) {
              const v = x[row + iw * xsW];
              // biome-ignore lint/suspicious/noSelfCompare: NaN test
              if (v > best || v !== v) {
                best = v;
                bestAt = at;
              }
            }
          }
          out[o] = best;
          changes += +(bestAt !== prev);
          prev = bestAt;
        }
        if (!branchFree) branchFree = changes * 4 > wo;
      }
    }
  }
}

/** Strides of a rank-3 or rank-4 pooling input as `[sN, sC, sH, sW]` (`sN = 0` when unbatched). */
export function poolStrides(t: Tensor): [number, number, number, number] {
  const s = t.strides;
  return t.ndim === 4 ? [s[0], s[1], s[2], s[3]] : [0, s[0], s[1], s[2]];
}

/**
 * 2-D max pooling with PyTorch semantics: the maximum over each (optionally dilated) window;
 * implicit padding never wins (it acts as -inf); NaN propagates; with `returnIndices` also the
 * int64 argmax of each window as a flat `h*W + w` index within its input plane (first maximum
 * on ties), which is what {@link maxPool2dBackward} needs. A dilated window that covers only
 * padding yields -inf and index -1 (PyTorch yields -inf and an out-of-plane index).
 *
 * Shapes: `[N,C,H,W]` or `[C,H,W]` -> `[N,C,Hout,Wout]` or `[C,Hout,Wout]`, see {@link pool2dOutputShape}.
 *
 * @param input - Input `[N, C, H, W]` or `[C, H, W]`, float32 or float64.
 * @param kernelSize - The window size, `k` or `[kH, kW]`.
 * @param options - `stride` (default: `kernelSize`), `padding` (default `0`), `dilation` (default `1`),
 *   `ceilMode` (default `false`), `returnIndices` (default `false`), `indicesDtype` (default `'int64'`) and
 *   `kernel`; see {@link MaxPool2dOptions}.
 * @returns The window maxima `[N, C, H_out, W_out]`; with `returnIndices: true`, `{ values, indices }` where
 *   `indices` (int64, as PyTorch, or int32 with `indicesDtype: 'int32'` and on the webgpu device) are flat
 *   positions in each input plane.
 * @see torch.nn.functional.max_pool2d
 * @example
 * ```ts
 * import { arange } from '@torchlet/tensor';
 * import { maxPool2d } from '@torchlet/ops';
 * const X = arange(16).reshape([1, 1, 4, 4]);
 * maxPool2d(X, 3, { padding: 1, stride: 2 }).toArray(); // -> [[[[5, 7], [13, 15]]]]
 * maxPool2d(X, 2, { returnIndices: true }).indices.toArray(); // -> [[[[5, 7], [13, 15]]]]
 * ```
 */
export function maxPool2d(
  input: Tensor,
  kernelSize: IntPair,
  options: MaxPool2dOptions & { readonly returnIndices: true },
): MaxPool2dResult;
export function maxPool2d(
  input: Tensor,
  kernelSize: IntPair,
  options?: MaxPool2dOptions & { readonly returnIndices?: false },
): Tensor;
export function maxPool2d(input: Tensor, kernelSize: IntPair, options?: MaxPool2dOptions): Tensor | MaxPool2dResult;
export function maxPool2d(
  input: Tensor,
  kernelSize: IntPair,
  options: MaxPool2dOptions = {},
): Tensor | MaxPool2dResult {
  const fn = 'maxPool2d';
  let x = checkPoolInput(fn, input);
  const g = resolvePool2d(fn, x.shape, kernelSize, options);
  if (x.gpuBuffer !== null) {
    checkGpuOperands(fn, { input: x }, options.kernel);
    const r = gpuMaxPool2d(g, x, geometryOutputShape(g), options.returnIndices === true);
    return r.indices === null ? r.values : { values: r.values, indices: r.indices };
  }
  const kernel = options.kernel ?? 'auto';
  if (kernel !== 'auto' && kernel !== 'js' && kernel !== 'wasm') {
    fail(fn, 'kernel', `expected 'auto', 'js' or 'wasm', got ${formatValue(kernel)}`);
  }
  if (kernel === 'wasm' && x.dtype !== 'float32') {
    fail(fn, 'kernel', `the 'wasm' kernel takes float32 input, got ${x.dtype} input ${formatShape(x.shape)}`);
  }
  const [s0, s1, s2, s3] = poolStrides(x);
  // The WebAssembly kernel reads dense planes: a strided float32 input is copied once.
  if (kernel !== 'js' && x.dtype === 'float32' && !densePlanes(g, s0, s1, s2, s3)) {
    if (kernel === 'wasm' || (g.n * g.c * g.ho * g.wo >= WASM_MAX_POOL2D_MIN_OUTPUTS && getBackend() !== 'js'))
      x = x.contiguous();
  }
  const indicesDtype = options.indicesDtype ?? 'int64';
  if (indicesDtype !== 'int64' && indicesDtype !== 'int32') {
    fail(fn, 'indicesDtype', `indicesDtype must be 'int64' or 'int32', got ${formatValue(indicesDtype)}`);
  }
  const shape = geometryOutputShape(g);
  const size = g.n * g.c * g.ho * g.wo;
  const out = allocStorage(x.dtype, size) as FloatArray;
  const [sN, sC, sH, sW] = poolStrides(x);
  if (
    options.returnIndices &&
    indicesDtype === 'int64' &&
    x.dtype === 'float32' &&
    kernel !== 'js' &&
    densePlanes(g, sN, sC, sH, sW) &&
    (kernel === 'wasm' || (size >= WASM_MAX_POOL2D_MIN_OUTPUTS && getBackend() !== 'js'))
  ) {
    // The WebAssembly kernel widens its int32 indices to int64 itself (a JavaScript pass over a
    // BigInt64Array costs about what the pooling does). If it declines, the path below decides.
    const wide = new BigInt64Array(size);
    if (wasmMaxPoolInto(x.data as FloatArray, x.offset, g, out, wide)) {
      return { values: new Tensor(out, shape), indices: new Tensor(wide, shape) };
    }
  }
  const idx = options.returnIndices ? new Int32Array(size) : null;
  maxPoolInto(x.data as FloatArray, x.offset, sN, sC, sH, sW, g, out, idx, kernel);
  const values = new Tensor(out, shape);
  if (idx === null) return values;
  // The kernels count in int32; the indices leave as int64, as PyTorch's, unless asked for int32.
  return { values, indices: new Tensor(indicesDtype === 'int32' ? idx : widenIndices(idx), shape) };
}

/**
 * Gradient of {@link maxPool2d} with respect to its input: each upstream value is added to the
 * input position its window's maximum came from (`indices`, from `returnIndices: true`);
 * overlapping windows that share a maximum accumulate.
 *
 * Shapes: `upstream` and `indices` `[N,C,Hout,Wout]` (or `[C,Hout,Wout]`), `inputShape`
 * `[N,C,H,W]` (or `[C,H,W]`) -> `inputShape`.
 *
 * @param upstream - The gradient of the output, `[N, C, H_out, W_out]`.
 * @param indices - The int64 indices the forward pass returned (int32 ones are accepted too), the shape of
 *   `upstream`.
 * @param inputShape - The shape of the pooled input.
 * @returns The gradient with respect to the input, of shape `inputShape`: each window's gradient added at its
 *   maximum.
 * @see torch.ops.aten.max_pool2d_with_indices_backward
 * @example
 * ```ts
 * import { onesLike, tensor } from '@torchlet/tensor';
 * import { maxPool2d, maxPool2dBackward } from '@torchlet/ops';
 * const X = tensor([[[1, 3, 2], [0, 1, 0]]]); // [1, 2, 3]
 * const { values, indices } = maxPool2d(X, 2, { stride: 1, returnIndices: true });
 * maxPool2dBackward(onesLike(values), indices, [1, 2, 3]).toArray(); // -> [[[0, 2, 0], [0, 0, 0]]]
 * ```
 */
export function maxPool2dBackward(upstream: Tensor, indices: Tensor, inputShape: readonly number[]): Tensor {
  const fn = 'maxPool2dBackward';
  if (!isTensor(indices) || (indices.dtype !== 'int64' && indices.dtype !== 'int32')) {
    fail(
      fn,
      'indices',
      `expected an int64 (or int32) indices tensor from maxPool2d(..., { returnIndices: true }), got ${isTensor(indices) ? `${indices.dtype} indices ${formatShape(indices.shape)}` : typeof indices}`,
    );
  }
  checkPoolShape(fn, 'inputShape', inputShape);
  const rank = inputShape.length;
  const expected = [...inputShape.slice(0, rank - 2), ...indices.shape.slice(rank - 2)];
  if (indices.ndim !== rank || indices.shape.slice(0, rank - 2).some((s, i) => s !== inputShape[i])) {
    fail(
      fn,
      'indices',
      `indices ${formatShape(indices.shape)} do not match inputShape ${formatShape(inputShape)} in rank and leading dimensions`,
    );
  }
  const g = checkUpstream(fn, upstream, expected, inputShape);
  if (anyOnGpu(g, indices)) return gpuMaxPool2dBackward(g, indices, inputShape);
  const h = inputShape[rank - 2];
  const w = inputShape[rank - 1];
  const plane = h * w;
  const per = indices.shape[rank - 2] * indices.shape[rank - 1];
  const planes = per === 0 ? 0 : indices.numel / per;
  const up = (g.isContiguous() ? g.data : g.toTypedArray()) as FloatArray;
  const upOff = g.isContiguous() ? g.offset : 0;
  // int64 indices are read in place (low words, the high word checked), not converted first.
  const { data: id, offset: idOff, step } = indexWords(fn, indices, inputShape);
  // Every index is checked before the output is allocated: -1 (a window with no input element,
  // all padding, which has no gradient) or a position in the plane.
  const q = firstBadIndex(id, idOff, step, planes * per, -1, plane);
  if (q !== -1) {
    fail(
      fn,
      'indices',
      `index ${indexValue(indices, id, idOff, step, q)} is out of range for an input plane of ${h}x${w} (indices ${formatShape(indices.shape)}, inputShape ${formatShape(inputShape)})`,
    );
  }
  let total = 1;
  for (const s of inputShape) total *= s;
  const out = allocStorage(g.dtype, total) as FloatArray;
  if (out instanceof Float32Array && up instanceof Float32Array) {
    scatterToArgmaxF32(out, up, upOff, id, idOff, step, planes, per, plane);
  } else scatterToArgmax(out, up, upOff, id, idOff, step, planes, per, plane);
  return new Tensor(out, inputShape);
}

// The backward's loops live in small functions of their own: inside maxPool2dBackward, V8
// compiled the long loops on the stack (OSR) before the rest of the function had run, then
// dropped the code at the first construct after them, on every call (LeNet's pool1, [32,6,28,28]:
// 0.6-0.7 ms per call; monomorphic float32 loops here, and no deopts, a tenth of it).

/** `out[p*plane + id[q]] += up[upOff + q]` for each plane `p` and its `per` windows `q` (-1: no input element). */
function scatterToArgmaxF32(
  out: Float32Array,
  up: Float32Array,
  upOff: number,
  id: Int32Array,
  idOff: number,
  step: number,
  planes: number,
  per: number,
  plane: number,
): void {
  for (let p = 0, q = 0, k = idOff; p < planes; p++) {
    const base = p * plane;
    for (const end = q + per; q < end; q++, k += step) {
      const i = id[k];
      if (i !== -1) out[base + i] += up[upOff + q];
    }
  }
}

/** {@link scatterToArgmaxF32} for any float arrays. */
function scatterToArgmax(
  out: FloatArray,
  up: FloatArray,
  upOff: number,
  id: Int32Array,
  idOff: number,
  step: number,
  planes: number,
  per: number,
  plane: number,
): void {
  for (let p = 0, q = 0, k = idOff; p < planes; p++) {
    const base = p * plane;
    for (const end = q + per; q < end; q++, k += step) {
      const i = id[k];
      if (i !== -1) out[base + i] += up[upOff + q];
    }
  }
}
