import { allocStorage, fail, formatShape, formatValue, Tensor } from '@torchlet/tensor';
import { gpuInterpolate, gpuInterpolateBackward } from '../device/gpu-layers.js';
import { checkFloatTensor, denseData, type FloatStorage } from '../params.js';
import { type AntialiasTable, antialiasTable, resampleAxis, resampleAxisBackward } from './antialias.js';
import { axisTable, interpolateBackwardKernel, interpolateForward } from './kernel.js';
import { type InterpolateOptions, type InterpolatePlan, planInterpolate } from './params.js';

function checkImageShape(fn: string, arg: string, shape: readonly number[]): void {
  if (!Array.isArray(shape) || !shape.every((s) => Number.isInteger(s) && s >= 0)) {
    fail(fn, arg, `expected a shape of non-negative integers, got ${formatValue(shape)}`);
  }
  if (shape.length !== 4) {
    fail(
      fn,
      arg,
      `expected a 4-D [N,C,H,W] ${arg} (2-d interpolation), got ${shape.length}-D ${arg} ${formatShape(shape)}`,
    );
  }
}

function tables(plan: InterpolatePlan, shape: readonly number[], float32: boolean) {
  return {
    ty: axisTable(plan, shape[2], plan.outH, plan.scaleH, float32),
    tx: axisTable(plan, shape[3], plan.outW, plan.scaleW, float32),
  };
}

/** The antialiasing tables of the axes that change size (null for one that keeps its size: PyTorch skips it). */
function antialiasTables(plan: InterpolatePlan, shape: readonly number[], float32: boolean) {
  const [h, w] = [shape[2], shape[3]];
  const table = (inSize: number, outSize: number, scale: number | null): AntialiasTable | null =>
    inSize === outSize ? null : antialiasTable(inSize, outSize, scale, plan.alignCorners, float32);
  return { ty: table(h, plan.outH, plan.scaleH), tx: table(w, plan.outW, plan.scaleW) };
}

/** One axis's taps as the webgpu resampling kernel takes them (a list per output index). */
interface TapTable {
  readonly starts: Int32Array;
  readonly index: Int32Array;
  readonly weight: Float64Array;
}

/** The identity taps of an axis that keeps its size. */
function identityTaps(size: number): TapTable {
  return {
    starts: Int32Array.from({ length: size + 1 }, (_, i) => i),
    index: Int32Array.from({ length: size }, (_, i) => i),
    weight: new Float64Array(size).fill(1),
  };
}

/**
 * The webgpu device's tables of a plan (float32 rounding, as the CPU's float32 path): the two
 * taps of each nearest or bilinear output index, or the antialiasing filter's taps (the identity
 * for an axis that keeps its size). The device applies both axes in one pass.
 */
function gpuTables(plan: InterpolatePlan, shape: readonly number[]): { rows: TapTable; cols: TapTable } {
  if (plan.antialias) {
    const { ty, tx } = antialiasTables(plan, shape, true);
    const taps = (t: AntialiasTable | null, size: number): TapTable => {
      if (t === null) return identityTaps(size);
      const out = t.start.length;
      const starts = new Int32Array(out + 1);
      for (let o = 0; o < out; o++) starts[o + 1] = starts[o] + t.count[o];
      const index = new Int32Array(starts[out]);
      const weight = new Float64Array(starts[out]);
      for (let o = 0; o < out; o++) {
        for (let j = 0; j < t.count[o]; j++) {
          index[starts[o] + j] = t.start[o] + j;
          weight[starts[o] + j] = t.weights[o * t.width + j];
        }
      }
      return { starts, index, weight };
    };
    return { rows: taps(ty, shape[2]), cols: taps(tx, shape[3]) };
  }
  const { ty, tx } = tables(plan, shape, true);
  const taps = (t: ReturnType<typeof axisTable>): TapTable => {
    const out = t.i0.length;
    const index = new Int32Array(2 * out);
    const weight = new Float64Array(2 * out);
    for (let o = 0; o < out; o++) {
      index[2 * o] = t.i0[o];
      index[2 * o + 1] = t.i1[o];
      weight[2 * o] = t.w0[o];
      weight[2 * o + 1] = t.w1[o];
    }
    return { starts: Int32Array.from({ length: out + 1 }, (_, o) => 2 * o), index, weight };
  };
  return { rows: taps(ty), cols: taps(tx) };
}

/** Antialiased forward over `planes` dense `[h, w]` planes: W resampled first, then H. */
function antialiasForward(
  x: FloatStorage,
  float32: boolean,
  planes: number,
  h: number,
  w: number,
  plan: InterpolatePlan,
) {
  const { ty, tx } = antialiasTables(plan, [planes, 1, h, w], float32);
  const alloc = (n: number) => allocStorage(float32 ? 'float32' : 'float64', n) as FloatStorage;
  let cur = x;
  if (tx !== null) {
    const next = alloc(planes * h * plan.outW);
    resampleAxis(cur, planes * h, w, 1, tx, next);
    cur = next;
  }
  if (ty !== null) {
    const next = alloc(planes * plan.outH * plan.outW);
    resampleAxis(cur, planes, h, plan.outW, ty, next);
    cur = next;
  }
  // Same size on both axes: a copy, so the output never aliases the input.
  return cur === x ? x.slice() : cur;
}

/** The adjoint of {@link antialiasForward}: H scattered back first, then W. */
function antialiasBackward(
  g: FloatStorage,
  float32: boolean,
  planes: number,
  h: number,
  w: number,
  plan: InterpolatePlan,
) {
  const { ty, tx } = antialiasTables(plan, [planes, 1, h, w], float32);
  const alloc = (n: number) => allocStorage(float32 ? 'float32' : 'float64', n) as FloatStorage;
  let cur = g;
  if (ty !== null) {
    const next = alloc(planes * h * plan.outW);
    resampleAxisBackward(cur, planes, h, plan.outW, ty, next);
    cur = next;
  }
  if (tx !== null) {
    const next = alloc(planes * h * w);
    resampleAxisBackward(cur, planes * h, w, 1, tx, next);
    cur = next;
  }
  return cur === g ? g.slice() : cur;
}

/**
 * Resizes a batch of images by nearest-neighbour or bilinear interpolation, with PyTorch's rules:
 * exactly one of `size` and `scaleFactor`; with `scaleFactor` the output is `floor(H * s)` and
 * source coordinates use `1/s` (unless `recomputeScaleFactor`); `alignCorners` maps corner
 * centres onto each other. Bilinear antialiases only with `antialias: true` (without it, as
 * PyTorch's default, downscaling by more than 2 skips pixels); with it, torchvision's resize with
 * `antialias=True` and PIL's bilinear filter.
 *
 * Shapes: `[N, C, H, W]` -> `[N, C, Hout, Wout]`.
 *
 * @param input - Input `[N, C, H, W]`, float32 or float64.
 * @param options - `size` or `scaleFactor`, `mode` (`'nearest'` by default, `'nearest-exact'` or `'bilinear'`),
 *   `alignCorners`, `recomputeScaleFactor` and `antialias`; see {@link InterpolateOptions}.
 * @returns A new tensor `[N, C, outH, outW]`.
 * @see torch.nn.functional.interpolate
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { interpolate } from '@torchlet/ops';
 * const x = tensor([[[[1, 2], [3, 4]]]]);
 * interpolate(x, { scaleFactor: 2 }).get('0, 0, 0').toArray(); // -> [1, 1, 2, 2]
 * interpolate(x, { size: [1, 3], mode: 'bilinear', alignCorners: true }).toArray(); // -> [[[[1, 1.5, 2]]]]
 * interpolate(x, { size: 4, mode: 'bilinear' }).get('0, 0, 0').toArray(); // -> [1, 1.25, 1.75, 2]
 * // Antialiased 4 -> 2: weights 3/7, 3/7, 1/7 over three pixels (plain bilinear gives [2, 10]).
 * const row = tensor([[[[0, 4, 8, 12]]]]);
 * interpolate(row, { size: [1, 2], mode: 'bilinear', antialias: true }).allclose(tensor([[[[20 / 7, 64 / 7]]]])); // -> true
 * ```
 */
export function interpolate(input: Tensor, options: InterpolateOptions): Tensor {
  const fn = 'interpolate';
  const x = checkFloatTensor(fn, 'input', input);
  checkImageShape(fn, 'input', x.shape);
  const plan = planInterpolate(fn, x.shape, options);
  const [n, c, h, w] = x.shape;
  if (x.gpuBuffer !== null) return gpuInterpolate(x, gpuTables(plan, x.shape), [n, c, plan.outH, plan.outW]);
  if (plan.antialias) {
    const out = antialiasForward(denseData(x), x.dtype === 'float32', n * c, h, w, plan);
    return new Tensor(out, [n, c, plan.outH, plan.outW]);
  }
  const { ty, tx } = tables(plan, x.shape, x.dtype === 'float32');
  const out = allocStorage(x.dtype, n * c * plan.outH * plan.outW) as FloatStorage;
  interpolateForward(denseData(x), n * c, h, w, ty, tx, out);
  return new Tensor(out, [n, c, plan.outH, plan.outW]);
}

/**
 * Gradient of {@link interpolate} with respect to its input: each upstream value spread back over
 * the source pixels it was read from, with the same weights (the adjoint of the forward map).
 * Takes the forward's `inputShape` and options; `upstream` must have the forward's output shape.
 *
 * Shapes: `upstream [N, C, Hout, Wout]`, `inputShape [N, C, H, W]` -> `inputShape`.
 *
 * @param upstream - The gradient of the resized output.
 * @param inputShape - The shape of the input that was resized.
 * @param options - The forward pass's options; see {@link InterpolateOptions}.
 * @returns The gradient with respect to the input, of shape `inputShape`.
 * @see torch.ops.aten.upsample_bilinear2d_backward
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { interpolateBackward } from '@torchlet/ops';
 * interpolateBackward(ones([1, 1, 4, 4]), [1, 1, 2, 2], { scaleFactor: 2 }).toArray(); // -> [[[[4, 4], [4, 4]]]]
 * ```
 */
export function interpolateBackward(
  upstream: Tensor,
  inputShape: readonly number[],
  options: InterpolateOptions,
): Tensor {
  const fn = 'interpolateBackward';
  checkImageShape(fn, 'inputShape', inputShape);
  const g = checkFloatTensor(fn, 'upstream', upstream);
  const plan = planInterpolate(fn, inputShape, options);
  const [n, c, h, w] = inputShape;
  const expected = [n, c, plan.outH, plan.outW];
  if (g.ndim !== 4 || g.shape.some((s, i) => s !== expected[i])) {
    fail(
      fn,
      'upstream',
      `upstream ${formatShape(g.shape)} does not match the interpolated output shape ${formatShape(expected)} of input ${formatShape(inputShape)}`,
    );
  }
  if (g.gpuBuffer !== null) return gpuInterpolateBackward(g, gpuTables(plan, inputShape), inputShape);
  if (plan.antialias) {
    const out = antialiasBackward(denseData(g), g.dtype === 'float32', n * c, h, w, plan);
    return new Tensor(out, [...inputShape]);
  }
  const { ty, tx } = tables(plan, inputShape, g.dtype === 'float32');
  const out = allocStorage(g.dtype, n * c * h * w) as FloatStorage;
  interpolateBackwardKernel(denseData(g), n * c, h, w, ty, tx, out);
  return new Tensor(out, [...inputShape]);
}
