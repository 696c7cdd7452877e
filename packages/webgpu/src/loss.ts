// Softmax, log-softmax and the losses training needs (cross-entropy, mean squared error), forward
// and backward. Rows are [outer, classes, inner] with the classes strided by `inner` (PyTorch's
// (N, C, d1, ...) layout): one invocation per row, which is enough for classifier heads. Sums
// over the batch run in one workgroup whose invocations stride over the rows.

import { checkObject, contextOf } from './arguments.js';
import type { GpuBuffer } from './buffer.js';
import type { GpuContext } from './context.js';
import { checkBuffers, checkLength, dispatch, groupsFor, paramsBinding } from './dispatch.js';
import { argumentError, checkCount, describeValue } from './errors.js';
import { allocate } from './transfer.js';
import { f32Word, SPECIAL_VALUES } from './wgsl.js';

/**
 * The layout of a softmax: `[outer, classes, inner]`, normalised over `classes` (for logits
 * `[N, C]`: `outer = N`, `inner = 1`; for `[N, C, H, W]`: `inner = H * W`).
 *
 * @example
 * ```ts
 * import type { SoftmaxShape } from '@torchlet/webgpu';
 * const s: SoftmaxShape = { outer: 64, classes: 10, inner: 1 };
 * s.classes; // -> 10
 * ```
 */
export interface SoftmaxShape {
  readonly outer: number;
  readonly classes: number;
  readonly inner: number;
}

/**
 * How a loss combines its per-element values, as PyTorch's `reduction`.
 *
 * @example
 * ```ts
 * import type { LossReduction } from '@torchlet/webgpu';
 * const r: LossReduction = 'mean';
 * r; // -> 'mean'
 * ```
 */
export type LossReduction = 'mean' | 'sum' | 'none';

/**
 * Options of {@link crossEntropyForward} and {@link crossEntropyBackward}: the logits' layout
 * (`inner` defaults to 1), and PyTorch's `reduction` (default `'mean'`), `ignoreIndex` (default
 * -100), `labelSmoothing` (default 0) and per-class `weight` (`[classes]`).
 *
 * @example
 * ```ts
 * import type { CrossEntropyOptions } from '@torchlet/webgpu';
 * const o: CrossEntropyOptions = { outer: 8, classes: 10, reduction: 'sum', labelSmoothing: 0.1 };
 * o.reduction; // -> 'sum'
 * ```
 */
export interface CrossEntropyOptions {
  readonly outer: number;
  readonly classes: number;
  readonly inner?: number;
  readonly reduction?: LossReduction;
  readonly ignoreIndex?: number;
  readonly labelSmoothing?: number;
  readonly weight?: GpuBuffer | null;
}

/**
 * Names of the softmax and loss kernels, as `getWebGPUInfo().lastKernel` reports them.
 *
 * @example
 * ```ts
 * import { LOSS_KERNELS } from '@torchlet/webgpu';
 * LOSS_KERNELS.crossEntropyBackward; // -> 'webgpu-cross-entropy-backward'
 * ```
 */
export const LOSS_KERNELS = {
  softmax: 'webgpu-softmax-rows',
  softmaxBackward: 'webgpu-softmax-backward-rows',
  crossEntropyRows: 'webgpu-cross-entropy-rows',
  crossEntropyReduce: 'webgpu-loss-reduce-workgroup',
  crossEntropyBackward: 'webgpu-cross-entropy-backward',
  mse: 'webgpu-mse',
  mseReduce: 'webgpu-mse-reduce-workgroup',
  mseBackward: 'webgpu-mse-backward',
} as const;

const ROW = `
fn OUTER() -> u32 { return P[0]; }
fn C() -> u32 { return P[1]; }
fn INNER() -> u32 { return P[2]; }
fn rowBase(r: u32) -> u32 { return (r / INNER()) * C() * INNER() + r % INNER(); }
// The row's shift m and sum(exp(x - m)), over the row from base stepping by INNER: m is the
// maximum, so nothing overflows; an infinite or NaN maximum shifts by 0, so the plain sums give
// PyTorch's inf / NaN results.
fn shiftAndSum(base: u32) -> vec2<f32> {
  var m = -f32_inf();
  for (var c = 0u; c < C(); c++) { m = max(m, X[base + c * INNER()]); }
  if (is_nan(m) || m == f32_inf() || m == -f32_inf()) { m = 0.0; }
  var s = 0.0;
  for (var c = 0u; c < C(); c++) { s += exp(X[base + c * INNER()] - m); }
  return vec2<f32>(m, s);
}`;

// P: [outer, classes, inner, log (1) or plain (0)].
const SOFTMAX = `@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
${paramsBinding(2)}
${SPECIAL_VALUES}
${ROW}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let r = gid.y * ng.x * 64u + gid.x;
  if (r >= OUTER() * INNER()) { return; }
  let base = rowBase(r);
  // (x - m) - log(s) and exp(x - m) / s: subtracting log(s) from x - m keeps the precision that
  // x - (m + log(s)) would lose when |m| is large.
  let ms = shiftAndSum(base);
  let logS = log(ms.y);
  for (var c = 0u; c < C(); c++) {
    let at = base + c * INNER();
    let shifted = X[at] - ms.x;
    Y[at] = select(exp(shifted) / ms.y, shifted - logS, P[3] == 1u);
  }
}`;

// dx = dy - exp(y) * sum(dy) (log-softmax) or y * (dy - sum(dy * y)) (softmax), y the saved output.
const SOFTMAX_BACKWARD = `@group(0) @binding(0) var<storage, read> DY: array<f32>;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> DX: array<f32>;
${paramsBinding(3)}
${SPECIAL_VALUES}
${ROW}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let r = gid.y * ng.x * 64u + gid.x;
  if (r >= OUTER() * INNER()) { return; }
  let base = rowBase(r);
  let isLog = P[3] == 1u;
  var s = 0.0;
  for (var c = 0u; c < C(); c++) {
    let at = base + c * INNER();
    s += select(DY[at] * X[at], DY[at], isLog);
  }
  for (var c = 0u; c < C(); c++) {
    let at = base + c * INNER();
    DX[at] = select(X[at] * (DY[at] - s), DY[at] - exp(X[at]) * s, isLog);
  }
}`;

// P: [outer, classes, inner, ignoreIndex (i32 bits), hasWeight, labelSmoothing bits].
const CE_COMMON = `
fn IGNORE() -> i32 { return bitcast<i32>(P[3]); }
fn HAS_WEIGHT() -> bool { return P[4] == 1u; }
fn EPS() -> f32 { return bitcast<f32>(P[5]); }
fn classWeight(c: u32) -> f32 { return select(1.0, Wt[c], HAS_WEIGHT()); }`;

const CE_ROWS = `@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read> T: array<i32>;
@group(0) @binding(2) var<storage, read> Wt: array<f32>;
@group(0) @binding(3) var<storage, read_write> L: array<f32>;
@group(0) @binding(4) var<storage, read_write> LW: array<f32>;
${paramsBinding(5)}
${SPECIAL_VALUES}
${ROW}
${CE_COMMON}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let r = gid.y * ng.x * 64u + gid.x;
  if (r >= OUTER() * INNER()) { return; }
  let t = T[r];
  if (t == IGNORE()) { L[r] = 0.0; LW[r] = 0.0; return; }
  // A target outside [0, classes) cannot raise on the GPU: its loss is NaN, which poisons the sum.
  if (t < 0 || u32(t) >= C()) { L[r] = f32_nan(); LW[r] = f32_nan(); return; }
  let base = rowBase(r);
  let ms = shiftAndSum(base);
  let logS = log(ms.y);
  let wt = classWeight(u32(t));
  let nll = -wt * (X[base + u32(t) * INNER()] - ms.x - logS);
  var smoothSum = 0.0;
  if (EPS() != 0.0) {
    for (var c = 0u; c < C(); c++) { smoothSum -= classWeight(c) * (X[base + c * INNER()] - ms.x - logS); }
  }
  L[r] = (1.0 - EPS()) * nll + EPS() / f32(C()) * smoothSum;
  LW[r] = wt;
}`;

// One workgroup sums the per-row losses and weights: OUT = sum or mean, DEN = sum of weights.
// P: [rows, mean (1) or sum (0)].
const LOSS_REDUCE = `@group(0) @binding(0) var<storage, read> L: array<f32>;
@group(0) @binding(1) var<storage, read> LW: array<f32>;
@group(0) @binding(2) var<storage, read_write> OUT: array<f32>;
@group(0) @binding(3) var<storage, read_write> DEN: array<f32>;
${paramsBinding(4)}
var<workgroup> partL: array<f32, 256>;
var<workgroup> partW: array<f32, 256>;
@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) li: u32) {
  var sl = 0.0;
  var sw = 0.0;
  for (var i = li; i < P[0]; i += 256u) { sl += L[i]; sw += LW[i]; }
  partL[li] = sl;
  partW[li] = sw;
  workgroupBarrier();
  for (var half = 128u; half > 0u; half = half / 2u) {
    if (li < half) { partL[li] += partL[li + half]; partW[li] += partW[li + half]; }
    workgroupBarrier();
  }
  if (li == 0u) {
    OUT[0] = select(partL[0], partL[0] / partW[0], P[1] == 1u);
    DEN[0] = partW[0];
  }
}`;

// P: [outer, classes, inner, ignoreIndex, hasWeight, smoothing, reduction (0 none, 1 sum, 2 mean)].
const CE_BACKWARD = `@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read> T: array<i32>;
@group(0) @binding(2) var<storage, read> Wt: array<f32>;
@group(0) @binding(3) var<storage, read> G: array<f32>;
@group(0) @binding(4) var<storage, read> D: array<f32>;
@group(0) @binding(5) var<storage, read_write> DX: array<f32>;
${paramsBinding(6)}
${SPECIAL_VALUES}
${ROW}
${CE_COMMON}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let r = gid.y * ng.x * 64u + gid.x;
  if (r >= OUTER() * INNER()) { return; }
  let base = rowBase(r);
  let t = T[r];
  if (t == IGNORE()) {
    for (var c = 0u; c < C(); c++) { DX[base + c * INNER()] = 0.0; }
    return;
  }
  var scale = G[0];
  if (P[6] == 0u) { scale = G[r]; }
  if (P[6] == 2u) { scale = G[0] / D[0]; }
  let valid = t >= 0 && u32(t) < C();
  let tc = select(0u, u32(t), valid);
  let ms = shiftAndSum(base);
  let wt = classWeight(tc);
  var wsum = 0.0;
  for (var c = 0u; c < C(); c++) { wsum += classWeight(c); }
  let eps = EPS();
  let k = (1.0 - eps) * wt + eps / f32(C()) * wsum;
  for (var c = 0u; c < C(); c++) {
    let at = base + c * INNER();
    let p = exp(X[at] - ms.x) / ms.y;
    var g = p * k - eps / f32(C()) * classWeight(c);
    if (c == tc) { g -= (1.0 - eps) * wt; }
    DX[at] = select(f32_nan(), scale * g, valid);
  }
}`;

// P: [n, mode]: MSE squared differences (mode 0) into OUT.
const MSE = `@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> OUT: array<f32>;
${paramsBinding(3)}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let i = gid.y * ng.x * 64u + gid.x;
  if (i >= P[0]) { return; }
  let d = A[i] - B[i];
  OUT[i] = d * d;
}`;

// P: [n, mean (1) or sum (0)].
const MSE_REDUCE = `@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> OUT: array<f32>;
${paramsBinding(3)}
var<workgroup> part: array<f32, 256>;
@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) li: u32) {
  var s = 0.0;
  for (var i = li; i < P[0]; i += 256u) { let d = A[i] - B[i]; s += d * d; }
  part[li] = s;
  workgroupBarrier();
  for (var half = 128u; half > 0u; half = half / 2u) {
    if (li < half) { part[li] += part[li + half]; }
    workgroupBarrier();
  }
  if (li == 0u) { OUT[0] = select(part[0], part[0] / f32(P[0]), P[1] == 1u); }
}`;

// P: [n, reduction (0 none, 1 sum, 2 mean)].
const MSE_BACKWARD = `@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read> G: array<f32>;
@group(0) @binding(3) var<storage, read_write> DX: array<f32>;
${paramsBinding(4)}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let i = gid.y * ng.x * 64u + gid.x;
  if (i >= P[0]) { return; }
  var g = G[0];
  if (P[1] == 0u) { g = G[i]; }
  if (P[1] == 2u) { g = g / f32(P[0]); }
  DX[i] = 2.0 * (A[i] - B[i]) * g;
}`;

function checkSoftmaxShape(fn: string, s: SoftmaxShape): number {
  checkObject(fn, 'shape', s, 'a SoftmaxShape { outer, classes, inner }');
  for (const f of ['outer', 'classes', 'inner'] as const) checkCount(fn, `shape.${f}`, s[f]);
  return s.outer * s.classes * s.inner;
}

function runSoftmax(fn: string, x: GpuBuffer, shape: SoftmaxShape, log: boolean): GpuBuffer {
  const gpu = contextOf(fn, 'x', x);
  checkBuffers(fn, gpu, { x });
  const n = checkSoftmaxShape(fn, shape);
  checkLength(fn, 'x', x, n, `[${shape.outer}, ${shape.classes}, ${shape.inner}]`);
  const y = allocate(gpu, n);
  if (n === 0) return y;
  dispatch(gpu, {
    name: LOSS_KERNELS.softmax,
    key: 'softmax',
    wgsl: () => SOFTMAX,
    buffers: [x, y],
    params: [shape.outer, shape.classes, shape.inner, log ? 1 : 0],
    groups: groupsFor(shape.outer * shape.inner, 64),
  });
  return y;
}

function runSoftmaxBackward(
  fn: string,
  dy: GpuBuffer,
  output: GpuBuffer,
  shape: SoftmaxShape,
  log: boolean,
): GpuBuffer {
  const gpu = contextOf(fn, 'dy', dy);
  checkBuffers(fn, gpu, { dy, output });
  const n = checkSoftmaxShape(fn, shape);
  checkLength(fn, 'dy', dy, n, `[${shape.outer}, ${shape.classes}, ${shape.inner}]`);
  checkLength(fn, 'output', output, n, `[${shape.outer}, ${shape.classes}, ${shape.inner}]`);
  const dx = allocate(gpu, n);
  if (n === 0) return dx;
  dispatch(gpu, {
    name: LOSS_KERNELS.softmaxBackward,
    key: 'softmax:backward',
    wgsl: () => SOFTMAX_BACKWARD,
    buffers: [dy, output, dx],
    params: [shape.outer, shape.classes, shape.inner, log ? 1 : 0],
    groups: groupsFor(shape.outer * shape.inner, 64),
  });
  return dx;
}

/**
 * Softmax over the classes of `[outer, classes, inner]` (PyTorch's `softmax(x, dim=1)` for
 * `[N, C, ...]`), max-shifted so large logits cannot overflow. Kernel: `LOSS_KERNELS.softmax`.
 *
 * @param x - The input, a contiguous float32 buffer `[outer, classes, inner]`.
 * @param shape - `outer`, `classes` (the softmax dimension) and `inner`; see {@link SoftmaxShape}.
 * @returns A new float32 buffer of the same layout, each softmax slice summing to 1.
 * @example
 * ```ts
 * import { initWebGPU, readback, softmax, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const x = upload(gpu, new Float32Array([0, 0, 1000, 1000]));
 * Array.from(await readback(softmax(x, { outer: 2, classes: 2, inner: 1 }))); // -> [0.5, 0.5, 0.5, 0.5]
 * ```
 */
export function softmax(x: GpuBuffer, shape: SoftmaxShape): GpuBuffer {
  return runSoftmax('softmax', x, shape, false);
}

/**
 * Log-softmax over the classes of `[outer, classes, inner]`: `x - logsumexp(x)`, computed
 * max-shifted. Kernel: `LOSS_KERNELS.softmax`.
 *
 * @param x - The input, a contiguous float32 buffer `[outer, classes, inner]`.
 * @param shape - `outer`, `classes` (the softmax dimension) and `inner`; see {@link SoftmaxShape}.
 * @returns A new float32 buffer of the same layout.
 * @example
 * ```ts
 * import { initWebGPU, logSoftmax, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const x = upload(gpu, new Float32Array([1, 1, 1, 1]));
 * Array.from(await readback(logSoftmax(x, { outer: 1, classes: 4, inner: 1 }))).map((v) => v.toFixed(4)); // -> ['-1.3863', '-1.3863', '-1.3863', '-1.3863']
 * ```
 */
export function logSoftmax(x: GpuBuffer, shape: SoftmaxShape): GpuBuffer {
  return runSoftmax('logSoftmax', x, shape, true);
}

/**
 * The gradient of {@link softmax} from its saved `output`: `output * (dy - sum(dy * output))` per
 * row. Kernel: `LOSS_KERNELS.softmaxBackward`.
 *
 * @param dy - The gradient of the softmax's output, `[outer, classes, inner]`.
 * @param output - The softmax's output.
 * @param shape - The forward pass's layout; see {@link SoftmaxShape}.
 * @returns A new float32 buffer: the gradient with respect to the softmax's input.
 * @example
 * ```ts
 * import { initWebGPU, readback, softmaxBackward, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const y = upload(gpu, new Float32Array([0.5, 0.5]));
 * const dy = upload(gpu, new Float32Array([1, 0]));
 * Array.from(await readback(softmaxBackward(dy, y, { outer: 1, classes: 2, inner: 1 }))); // -> [0.25, -0.25]
 * ```
 */
export function softmaxBackward(dy: GpuBuffer, output: GpuBuffer, shape: SoftmaxShape): GpuBuffer {
  return runSoftmaxBackward('softmaxBackward', dy, output, shape, false);
}

/**
 * The gradient of {@link logSoftmax} from its saved `output`: `dy - exp(output) * sum(dy)` per
 * row. Kernel: `LOSS_KERNELS.softmaxBackward`.
 *
 * @param dy - The gradient of the log-softmax's output, `[outer, classes, inner]`.
 * @param output - The log-softmax's output.
 * @param shape - The forward pass's layout; see {@link SoftmaxShape}.
 * @returns A new float32 buffer: the gradient with respect to the log-softmax's input.
 * @example
 * ```ts
 * import { initWebGPU, logSoftmaxBackward, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const y = upload(gpu, new Float32Array([Math.log(0.5), Math.log(0.5)]));
 * const dy = upload(gpu, new Float32Array([1, 0]));
 * Array.from(await readback(logSoftmaxBackward(dy, y, { outer: 1, classes: 2, inner: 1 }))); // -> [0.5, -0.5]
 * ```
 */
export function logSoftmaxBackward(dy: GpuBuffer, output: GpuBuffer, shape: SoftmaxShape): GpuBuffer {
  return runSoftmaxBackward('logSoftmaxBackward', dy, output, shape, true);
}

const REDUCTIONS: Readonly<Record<LossReduction, number>> = { none: 0, sum: 1, mean: 2 };

interface CrossEntropyPlan {
  readonly gpu: GpuContext;
  readonly rows: number;
  readonly classes: number;
  readonly inner: number;
  readonly reduction: LossReduction;
  readonly words: number[];
  readonly weight: GpuBuffer | null;
}

function planCrossEntropy(fn: string, logits: GpuBuffer, targets: GpuBuffer, o: CrossEntropyOptions): CrossEntropyPlan {
  const gpu = contextOf(fn, 'logits', logits);
  checkObject(fn, 'options', o, 'a CrossEntropyOptions object');
  const weight = o.weight ?? null;
  checkBuffers(fn, gpu, weight === null ? { logits, targets } : { logits, targets, weight });
  checkCount(fn, 'options.outer', o.outer);
  checkCount(fn, 'options.classes', o.classes, 1);
  const inner = o.inner ?? 1;
  checkCount(fn, 'options.inner', inner);
  const reduction = o.reduction ?? 'mean';
  if (typeof reduction !== 'string' || !Object.hasOwn(REDUCTIONS, reduction)) {
    argumentError(
      fn,
      'options.reduction',
      `reduction must be 'mean', 'sum' or 'none', got ${describeValue(reduction)}`,
    );
  }
  const ignoreIndex = o.ignoreIndex ?? -100;
  if (!Number.isInteger(ignoreIndex) || Math.abs(ignoreIndex) > 2 ** 31 - 1) {
    argumentError(fn, 'options.ignoreIndex', `ignoreIndex must be a 32-bit integer, got ${describeValue(ignoreIndex)}`);
  }
  const smoothing = o.labelSmoothing ?? 0;
  if (typeof smoothing !== 'number' || !(smoothing >= 0 && smoothing <= 1)) {
    argumentError(
      fn,
      'options.labelSmoothing',
      `labelSmoothing must be in [0, 1] (as PyTorch), got ${describeValue(smoothing)}`,
    );
  }
  const rows = o.outer * inner;
  checkLength(fn, 'logits', logits, rows * o.classes, `[${o.outer}, ${o.classes}, ${inner}] logits`);
  checkLength(fn, 'targets', targets, rows, 'one int32 class index per row');
  if (weight !== null) checkLength(fn, 'weight', weight, o.classes, 'one weight per class');
  const words = [o.outer, o.classes, inner, ignoreIndex | 0, weight === null ? 0 : 1, f32Word(smoothing)];
  return { gpu, rows, classes: o.classes, inner, reduction, words, weight };
}

/** The per-row losses and weights, and (for sum and mean) their reduction [value, sum of weights]. */
function crossEntropyRows(
  plan: CrossEntropyPlan,
  logits: GpuBuffer,
  targets: GpuBuffer,
): { losses: GpuBuffer; weights: GpuBuffer } {
  const losses = allocate(plan.gpu, plan.rows);
  const weights = allocate(plan.gpu, plan.rows);
  if (plan.rows === 0) return { losses, weights };
  const dummy = plan.weight ?? allocate(plan.gpu, 1);
  dispatch(plan.gpu, {
    name: LOSS_KERNELS.crossEntropyRows,
    key: 'cross-entropy:rows',
    wgsl: () => CE_ROWS,
    buffers: [logits, targets, dummy, losses, weights],
    params: plan.words,
    groups: groupsFor(plan.rows, 64),
  });
  if (plan.weight === null) dummy.release();
  return { losses, weights };
}

/** The reduced loss and the sum of the row weights (the mean's denominator), 1 element each. */
function reduceRows(
  plan: CrossEntropyPlan,
  losses: GpuBuffer,
  weights: GpuBuffer,
  mean: boolean,
): { loss: GpuBuffer; denominator: GpuBuffer } {
  const loss = allocate(plan.gpu, 1);
  const denominator = allocate(plan.gpu, 1);
  dispatch(plan.gpu, {
    name: LOSS_KERNELS.crossEntropyReduce,
    key: 'loss:reduce',
    wgsl: () => LOSS_REDUCE,
    buffers: [losses, weights, loss, denominator],
    params: [plan.rows, mean ? 1 : 0],
    groups: [1, 1, 1],
  });
  return { loss, denominator };
}

/**
 * Cross-entropy of `logits` (`[outer, classes, inner]`) against int32 class indices `targets`
 * (`[outer, inner]`), as PyTorch's `cross_entropy` with `weight`, `ignore_index`,
 * `label_smoothing` and `reduction`: for `'mean'` and `'sum'` a 1-element buffer, for `'none'`
 * one loss per row. The mean divides by the summed weights of the rows not ignored (NaN when all
 * are, as PyTorch). A target outside `[0, classes)` that is not `ignoreIndex` cannot raise on the
 * GPU: its loss is NaN, which poisons a reduced loss. Kernels: `LOSS_KERNELS.crossEntropyRows`,
 * then `LOSS_KERNELS.crossEntropyReduce`.
 *
 * @param logits - The logits, a contiguous float32 buffer `[outer, classes, inner]`.
 * @param targets - The class indices, an int32 buffer `[outer, inner]`.
 * @param options - `outer`, `classes`, `inner` (default `1`), `reduction` (default `'mean'`), `ignoreIndex`
 *   (default `-100`), `labelSmoothing` (default `0`) and `weight`; see {@link CrossEntropyOptions}.
 * @returns A new float32 buffer: one element for `'mean'`/`'sum'`, `outer * inner` losses for `'none'`.
 * @example
 * ```ts
 * import { crossEntropyForward, initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const logits = upload(gpu, new Float32Array([0, 0, 0, 0, 0, 0])); // [2, 3]
 * const targets = upload(gpu, new Int32Array([0, 2]));
 * const loss = crossEntropyForward(logits, targets, { outer: 2, classes: 3 });
 * (await readback(loss))[0].toFixed(4); // -> '1.0986'
 * ```
 */
export function crossEntropyForward(logits: GpuBuffer, targets: GpuBuffer, options: CrossEntropyOptions): GpuBuffer {
  const plan = planCrossEntropy('crossEntropyForward', logits, targets, options);
  const { losses, weights } = crossEntropyRows(plan, logits, targets);
  if (plan.reduction === 'none') {
    weights.release();
    return losses;
  }
  const { loss, denominator } = reduceRows(plan, losses, weights, plan.reduction === 'mean');
  losses.release();
  weights.release();
  denominator.release();
  return loss;
}

/**
 * The gradient of {@link crossEntropyForward} with respect to the logits, given the loss's
 * upstream gradient `gradOutput` (1 element for `'mean'`/`'sum'`, one per row for `'none'`): per
 * row `scale * (softmax * ((1 - s) w_t + s/C sum(w)) - (1 - s) w_t onehot(t) - s/C w)`, with `s`
 * the label smoothing and `scale` the upstream gradient (divided by the summed weights for
 * `'mean'`); ignored rows get 0. Kernel: `LOSS_KERNELS.crossEntropyBackward`.
 *
 * @param logits - The forward pass's logits, `[outer, classes, inner]`.
 * @param targets - The forward pass's int32 class indices, `[outer, inner]`.
 * @param gradOutput - The loss's upstream gradient: 1 element for `'mean'`/`'sum'`, one per row for `'none'`.
 * @param options - The forward pass's options; see {@link CrossEntropyOptions}.
 * @returns A new float32 buffer of the logits' layout: the gradient with respect to the logits.
 * @example
 * ```ts
 * import { crossEntropyBackward, initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const logits = upload(gpu, new Float32Array([0, 0])); // [1, 2]
 * const targets = upload(gpu, new Int32Array([1]));
 * const g = upload(gpu, new Float32Array([1]));
 * Array.from(await readback(crossEntropyBackward(logits, targets, g, { outer: 1, classes: 2 }))); // -> [0.5, -0.5]
 * ```
 */
export function crossEntropyBackward(
  logits: GpuBuffer,
  targets: GpuBuffer,
  gradOutput: GpuBuffer,
  options: CrossEntropyOptions,
): GpuBuffer {
  const fn = 'crossEntropyBackward';
  const plan = planCrossEntropy(fn, logits, targets, options);
  checkBuffers(fn, plan.gpu, { gradOutput });
  checkLength(fn, 'gradOutput', gradOutput, plan.reduction === 'none' ? plan.rows : 1, 'the upstream gradient');
  const dx = allocate(plan.gpu, plan.rows * plan.classes);
  if (plan.rows === 0) return dx;
  let denominator: GpuBuffer;
  if (plan.reduction === 'mean') {
    const { losses, weights } = crossEntropyRows(plan, logits, targets);
    const reduced = reduceRows(plan, losses, weights, false);
    losses.release();
    weights.release();
    reduced.loss.release();
    denominator = reduced.denominator;
  } else {
    denominator = allocate(plan.gpu, 1);
  }
  const weight = plan.weight ?? allocate(plan.gpu, 1);
  dispatch(plan.gpu, {
    name: LOSS_KERNELS.crossEntropyBackward,
    key: 'cross-entropy:backward',
    wgsl: () => CE_BACKWARD,
    buffers: [logits, targets, weight, gradOutput, denominator, dx],
    params: [...plan.words, REDUCTIONS[plan.reduction]],
    groups: groupsFor(plan.rows, 64),
  });
  if (plan.weight === null) weight.release();
  denominator.release();
  return dx;
}

function checkMse(fn: string, input: GpuBuffer, target: GpuBuffer, reduction: LossReduction): GpuContext {
  const gpu = contextOf(fn, 'input', input);
  checkBuffers(fn, gpu, { input, target });
  if (typeof reduction !== 'string' || !Object.hasOwn(REDUCTIONS, reduction)) {
    argumentError(fn, 'reduction', `reduction must be 'mean', 'sum' or 'none', got ${describeValue(reduction)}`);
  }
  if (target.length !== input.length) {
    argumentError(fn, 'target', `holds ${target.length} elements, but input holds ${input.length}`);
  }
  return gpu;
}

/**
 * Mean squared error between two buffers of the same length (PyTorch's `mse_loss`): `'mean'`
 * (default) and `'sum'` give a 1-element buffer, `'none'` the squared differences. The mean of no
 * elements is NaN, as PyTorch. Kernels: `LOSS_KERNELS.mseReduce` or `LOSS_KERNELS.mse`.
 *
 * @param input - The prediction, a float32 buffer.
 * @param target - The target, of the same length.
 * @param reduction - `'mean'` (default), `'sum'` or `'none'`.
 * @returns A new float32 buffer: one element for `'mean'`/`'sum'`, the elementwise losses for `'none'`.
 * @example
 * ```ts
 * import { initWebGPU, mseLossForward, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const a = upload(gpu, new Float32Array([1, 2, 3]));
 * const b = upload(gpu, new Float32Array([1, 0, 0]));
 * (await readback(mseLossForward(a, b)))[0].toFixed(4); // -> '4.3333'
 * Array.from(await readback(mseLossForward(a, b, 'none'))); // -> [0, 4, 9]
 * ```
 */
export function mseLossForward(input: GpuBuffer, target: GpuBuffer, reduction: LossReduction = 'mean'): GpuBuffer {
  const gpu = checkMse('mseLossForward', input, target, reduction);
  const n = input.length;
  if (reduction === 'none') {
    const out = allocate(gpu, n);
    if (n === 0) return out;
    dispatch(gpu, {
      name: LOSS_KERNELS.mse,
      key: 'mse',
      wgsl: () => MSE,
      buffers: [input, target, out],
      params: [n, 0],
      groups: groupsFor(n, 64),
    });
    return out;
  }
  const out = allocate(gpu, 1);
  dispatch(gpu, {
    name: LOSS_KERNELS.mseReduce,
    key: 'mse:reduce',
    wgsl: () => MSE_REDUCE,
    buffers: [input, target, out],
    params: [n, reduction === 'mean' ? 1 : 0],
    groups: [1, 1, 1],
  });
  return out;
}

/**
 * The gradient of {@link mseLossForward} with respect to `input`: `2 (input - target) g`, with
 * `g` the upstream gradient (one element, divided by the element count for `'mean'`; one per
 * element for `'none'`). The target's gradient is its negation. Kernel: `LOSS_KERNELS.mseBackward`.
 *
 * @param input - The forward pass's prediction.
 * @param target - The forward pass's target.
 * @param gradOutput - The loss's upstream gradient: 1 element for `'mean'`/`'sum'`, one per element for
 *   `'none'`.
 * @param reduction - The forward pass's reduction. Default `'mean'`.
 * @returns A new float32 buffer: the gradient with respect to `input`.
 * @example
 * ```ts
 * import { initWebGPU, mseLossBackward, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const a = upload(gpu, new Float32Array([1, 2]));
 * const b = upload(gpu, new Float32Array([0, 0]));
 * Array.from(await readback(mseLossBackward(a, b, upload(gpu, new Float32Array([1]))))); // -> [1, 2]
 * ```
 */
export function mseLossBackward(
  input: GpuBuffer,
  target: GpuBuffer,
  gradOutput: GpuBuffer,
  reduction: LossReduction = 'mean',
): GpuBuffer {
  const fn = 'mseLossBackward';
  const gpu = checkMse(fn, input, target, reduction);
  checkBuffers(fn, gpu, { gradOutput });
  const n = input.length;
  checkLength(fn, 'gradOutput', gradOutput, reduction === 'none' ? n : 1, 'the upstream gradient');
  const dx = allocate(gpu, n);
  if (n === 0) return dx;
  dispatch(gpu, {
    name: LOSS_KERNELS.mseBackward,
    key: 'mse:backward',
    wgsl: () => MSE_BACKWARD,
    buffers: [input, target, gradOutput, dx],
    params: [n, REDUCTIONS[reduction]],
    groups: groupsFor(n, 64),
  });
  return dx;
}
