// Optimizer updates as fused in-place kernels: one invocation per parameter element reads the
// gradient and the state, and writes the parameter and the state back, so a step is one dispatch
// per parameter tensor. The formulas are PyTorch 1.13's single-tensor SGD and Adam/AdamW; the
// scalar factors (bias corrections) are computed on the CPU in float64 and passed as float32.

import { checkObject, contextOf } from './arguments.js';
import type { GpuBuffer } from './buffer.js';
import type { GpuContext } from './context.js';
import { checkBuffers, dispatch, groupsFor, paramsBinding } from './dispatch.js';
import { argumentError, checkCount, describeValue } from './errors.js';
import { allocate } from './transfer.js';
import { f32Word } from './wgsl.js';

/**
 * Options of {@link sgdStep}, as PyTorch's `SGD`: `lr`, `momentum` (default 0), `dampening`
 * (default 0), `weightDecay` (default 0), `nesterov` (default false), `maximize` (default false),
 * and `firstStep`: true on the first step with momentum, when PyTorch starts the momentum buffer
 * as the gradient itself (no dampening).
 *
 * @example
 * ```ts
 * import type { SgdStepOptions } from '@torchlet/webgpu';
 * const o: SgdStepOptions = { lr: 0.1, momentum: 0.9, nesterov: true, firstStep: true };
 * o.momentum; // -> 0.9
 * ```
 */
export interface SgdStepOptions {
  readonly lr: number;
  readonly momentum?: number;
  readonly dampening?: number;
  readonly weightDecay?: number;
  readonly nesterov?: boolean;
  readonly maximize?: boolean;
  readonly firstStep?: boolean;
}

/**
 * Options of {@link adamStep}, as PyTorch's `Adam` and `AdamW`: `lr`, `beta1`/`beta2` (defaults
 * 0.9, 0.999), `eps` (1e-8), `weightDecay` (0), `amsgrad`, `maximize`, `decoupledWeightDecay`
 * (true for AdamW), and `step`, the 1-based count of this step (for the bias corrections).
 *
 * @example
 * ```ts
 * import type { AdamStepOptions } from '@torchlet/webgpu';
 * const o: AdamStepOptions = { lr: 1e-3, step: 1, weightDecay: 1e-2, decoupledWeightDecay: true };
 * o.step; // -> 1
 * ```
 */
export interface AdamStepOptions {
  readonly lr: number;
  readonly step: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
  readonly weightDecay?: number;
  readonly amsgrad?: boolean;
  readonly maximize?: boolean;
  readonly decoupledWeightDecay?: boolean;
}

/**
 * Names of the optimizer kernels, as `getWebGPUInfo().lastKernel` reports them.
 *
 * @example
 * ```ts
 * import { OPTIM_KERNELS } from '@torchlet/webgpu';
 * OPTIM_KERNELS.adam; // -> 'webgpu-adam-step'
 * ```
 */
export const OPTIM_KERNELS = { sgd: 'webgpu-sgd-step', adam: 'webgpu-adam-step' } as const;

// P: [n, flags (1 momentum, 2 nesterov, 4 maximize, 8 first step), lr, momentum, dampening, weight decay].
const SGD = `@group(0) @binding(0) var<storage, read_write> Param: array<f32>;
@group(0) @binding(1) var<storage, read> Grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> Buf: array<f32>;
${paramsBinding(3)}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let i = gid.y * ng.x * 64u + gid.x;
  if (i >= P[0]) { return; }
  let flags = P[1];
  let lr = bitcast<f32>(P[2]);
  let momentum = bitcast<f32>(P[3]);
  let dampening = bitcast<f32>(P[4]);
  let wd = bitcast<f32>(P[5]);
  let p = Param[i];
  var d = select(Grad[i], -Grad[i], (flags & 4u) != 0u);
  if (wd != 0.0) { d += wd * p; }
  if ((flags & 1u) != 0u) {
    var b = d;
    if ((flags & 8u) == 0u) { b = momentum * Buf[i] + (1.0 - dampening) * d; }
    Buf[i] = b;
    d = select(b, d + momentum * b, (flags & 2u) != 0u);
  }
  Param[i] = p - lr * d;
}`;

// P: [n, flags (1 amsgrad, 2 maximize, 4 decoupled), lr, beta1, beta2, eps, weight decay,
//     step size (lr / bias correction 1), sqrt(bias correction 2)].
const ADAM = `@group(0) @binding(0) var<storage, read_write> Param: array<f32>;
@group(0) @binding(1) var<storage, read> Grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> M: array<f32>;
@group(0) @binding(3) var<storage, read_write> V: array<f32>;
@group(0) @binding(4) var<storage, read_write> VMax: array<f32>;
${paramsBinding(5)}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let i = gid.y * ng.x * 64u + gid.x;
  if (i >= P[0]) { return; }
  let flags = P[1];
  let lr = bitcast<f32>(P[2]);
  let beta1 = bitcast<f32>(P[3]);
  let beta2 = bitcast<f32>(P[4]);
  let eps = bitcast<f32>(P[5]);
  let wd = bitcast<f32>(P[6]);
  let stepSize = bitcast<f32>(P[7]);
  let bc2Sqrt = bitcast<f32>(P[8]);
  var p = Param[i];
  var g = select(Grad[i], -Grad[i], (flags & 2u) != 0u);
  if ((flags & 4u) != 0u) { p = p * (1.0 - lr * wd); } else if (wd != 0.0) { g += wd * p; }
  let m = beta1 * M[i] + (1.0 - beta1) * g;
  let v = beta2 * V[i] + (1.0 - beta2) * g * g;
  M[i] = m;
  V[i] = v;
  var vHat = v;
  if ((flags & 1u) != 0u) { vHat = max(VMax[i], v); VMax[i] = vHat; }
  Param[i] = p - stepSize * m / (sqrt(vHat) / bc2Sqrt + eps);
}`;

function checkNumber(fn: string, arg: string, v: unknown, fallback: number, min = 0): number {
  const value = v ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    argumentError(fn, arg, `${arg} must be a finite number >= ${min}, got ${describeValue(value)}`);
  }
  return value;
}

function checkState(fn: string, gpu: GpuContext, param: GpuBuffer, named: Record<string, GpuBuffer>): void {
  checkBuffers(fn, gpu, { param, ...named });
  const seen = new Set<GpuBuffer>([param]);
  for (const [arg, b] of Object.entries(named)) {
    if (b.length !== param.length) {
      argumentError(fn, arg, `holds ${b.length} elements, but param holds ${param.length}`);
    }
    if (seen.has(b)) argumentError(fn, arg, 'is the same buffer as another argument (each must be its own)');
    seen.add(b);
  }
}

/**
 * One SGD step on `param`, in place (PyTorch's `SGD.step` for one tensor): `g = grad` (negated
 * when maximizing) plus `weightDecay * param`; with momentum, `buf = momentum * buf +
 * (1 - dampening) * g` (`buf = g` on the first step) and `g = nesterov ? g + momentum * buf : buf`;
 * then `param -= lr * g`. `momentumBuffer` (same length, updated in place) is needed when
 * `momentum > 0` and ignored otherwise. Kernel: `OPTIM_KERNELS.sgd`.
 *
 * @param param - The parameter, a float32 buffer updated in place.
 * @param grad - Its gradient, of the same length.
 * @param momentumBuffer - The momentum buffer (same length, updated in place) when `momentum > 0`; else `null`.
 * @param options - `lr` (required); `momentum`, `dampening` and `weightDecay` (each default `0`); `nesterov`,
 *   `maximize` and `firstStep` (each default `false`); see {@link SgdStepOptions}.
 * @example
 * ```ts
 * import { initWebGPU, readback, sgdStep, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const param = upload(gpu, new Float32Array([1, 2]));
 * const grad = upload(gpu, new Float32Array([10, -10]));
 * sgdStep(param, grad, null, { lr: 0.1 });
 * Array.from(await readback(param)); // -> [0, 3]
 * ```
 */
export function sgdStep(
  param: GpuBuffer,
  grad: GpuBuffer,
  momentumBuffer: GpuBuffer | null,
  options: SgdStepOptions,
): void {
  const fn = 'sgdStep';
  const gpu = contextOf(fn, 'param', param);
  checkObject(fn, 'options', options, 'an SgdStepOptions object');
  const lr = checkNumber(fn, 'lr', options.lr, Number.NaN);
  const momentum = checkNumber(fn, 'momentum', options.momentum, 0);
  const dampening = checkNumber(fn, 'dampening', options.dampening, 0, Number.NEGATIVE_INFINITY);
  const weightDecay = checkNumber(fn, 'weightDecay', options.weightDecay, 0);
  if (options.nesterov && (momentum <= 0 || dampening !== 0)) {
    argumentError(fn, 'nesterov', 'Nesterov momentum requires a momentum and zero dampening (as PyTorch)');
  }
  if (momentum > 0 && momentumBuffer === null) {
    argumentError(fn, 'momentumBuffer', 'momentumBuffer is needed when momentum > 0');
  }
  const buf = momentum > 0 ? (momentumBuffer as GpuBuffer) : null;
  checkState(fn, gpu, param, buf === null ? { grad } : { grad, momentumBuffer: buf });
  const flags =
    (momentum > 0 ? 1 : 0) | (options.nesterov ? 2 : 0) | (options.maximize ? 4 : 0) | (options.firstStep ? 8 : 0);
  const n = param.length;
  if (n === 0) return;
  const scratch = buf ?? allocate(gpu, 1);
  dispatch(gpu, {
    name: OPTIM_KERNELS.sgd,
    key: 'optim:sgd',
    wgsl: () => SGD,
    buffers: [param, grad, scratch],
    params: [n, flags, f32Word(lr), f32Word(momentum), f32Word(dampening), f32Word(weightDecay)],
    groups: groupsFor(n, 64),
  });
  if (buf === null) scratch.release();
}

/**
 * One Adam (or AdamW, with `decoupledWeightDecay`) step on `param`, in place (PyTorch's
 * `Adam.step` / `AdamW.step` for one tensor): updates the first and second moments `expAvg` and
 * `expAvgSq` (and, with `amsgrad`, their running maximum `maxExpAvgSq`), then
 * `param -= lr / (1 - beta1^step) * m / (sqrt(v) / sqrt(1 - beta2^step) + eps)`. Moments start at
 * zero; `step` counts from 1. Kernel: `OPTIM_KERNELS.adam`.
 *
 * @param param - The parameter, a float32 buffer updated in place.
 * @param grad - Its gradient, of the same length.
 * @param expAvg - The first moment, updated in place (zeros before the first step).
 * @param expAvgSq - The second moment, updated in place (zeros before the first step).
 * @param maxExpAvgSq - The running maximum of the second moment with `amsgrad`, updated in place; else `null`.
 * @param options - `lr` and `step` (from 1) required, `beta1` (default `0.9`), `beta2` (default `0.999`), `eps`
 *   (default `1e-8`), `weightDecay` (default `0`), `decoupledWeightDecay` (AdamW), `amsgrad` and `maximize`;
 *   see {@link AdamStepOptions}.
 * @example
 * ```ts
 * import { adamStep, allocate, initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const param = upload(gpu, new Float32Array([1, 1]));
 * const grad = upload(gpu, new Float32Array([3, -0.5]));
 * const [m, v] = [allocate(gpu, 2, { zero: true }), allocate(gpu, 2, { zero: true })];
 * adamStep(param, grad, m, v, null, { lr: 0.1, step: 1 });
 * // The first step moves each element by lr against the sign of its gradient.
 * Array.from(await readback(param)).map((p) => p.toFixed(4)); // -> ['0.9000', '1.1000']
 * ```
 */
export function adamStep(
  param: GpuBuffer,
  grad: GpuBuffer,
  expAvg: GpuBuffer,
  expAvgSq: GpuBuffer,
  maxExpAvgSq: GpuBuffer | null,
  options: AdamStepOptions,
): void {
  const fn = 'adamStep';
  const gpu = contextOf(fn, 'param', param);
  checkObject(fn, 'options', options, 'an AdamStepOptions object');
  const lr = checkNumber(fn, 'lr', options.lr, Number.NaN);
  checkCount(fn, 'step', options.step, 1);
  const beta1 = checkNumber(fn, 'beta1', options.beta1, 0.9);
  const beta2 = checkNumber(fn, 'beta2', options.beta2, 0.999);
  if (beta1 >= 1 || beta2 >= 1) argumentError(fn, 'beta1', `betas must be in [0, 1), got (${beta1}, ${beta2})`);
  const eps = checkNumber(fn, 'eps', options.eps, 1e-8);
  const weightDecay = checkNumber(fn, 'weightDecay', options.weightDecay, 0);
  if (options.amsgrad && maxExpAvgSq === null) {
    argumentError(fn, 'maxExpAvgSq', 'maxExpAvgSq is needed with amsgrad');
  }
  const vMax = options.amsgrad ? (maxExpAvgSq as GpuBuffer) : null;
  checkState(
    fn,
    gpu,
    param,
    vMax === null ? { grad, expAvg, expAvgSq } : { grad, expAvg, expAvgSq, maxExpAvgSq: vMax },
  );
  const n = param.length;
  if (n === 0) return;
  const flags = (vMax !== null ? 1 : 0) | (options.maximize ? 2 : 0) | (options.decoupledWeightDecay ? 4 : 0);
  const stepSize = lr / (1 - beta1 ** options.step);
  const bc2Sqrt = Math.sqrt(1 - beta2 ** options.step);
  const scratch = vMax ?? allocate(gpu, 1);
  dispatch(gpu, {
    name: OPTIM_KERNELS.adam,
    key: 'optim:adam',
    wgsl: () => ADAM,
    buffers: [param, grad, expAvg, expAvgSq, scratch],
    params: [
      n,
      flags,
      f32Word(lr),
      f32Word(beta1),
      f32Word(beta2),
      f32Word(eps),
      f32Word(weightDecay),
      f32Word(stepSize),
      f32Word(bc2Sqrt),
    ],
    groups: groupsFor(n, 64),
  });
  if (vMax === null) scratch.release();
}
