import {
  fail,
  formatShape,
  formatValue,
  isTensor,
  type NumberStorage,
  type Tensor,
  TorchletError,
  zeros,
} from '@torchlet/tensor';
import { gradients } from './functional.js';
import { isVariable, Variable, type VariableOrTensor } from './variable.js';

/**
 * Options of {@link gradcheck} and {@link gradgradcheck}.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { gradcheck, mul } from '@torchlet/autograd';
 * const report = gradcheck((v) => mul(v, v), [tensor([1, 2], { dtype: 'float64' })], { eps: 1e-6, atol: 1e-5, rtol: 1e-3 });
 * report.ok; // -> true
 * report.checked; // -> 4
 * report.worst?.input; // -> 0
 * ```
 */
export interface GradcheckOptions {
  /** Finite-difference step. Default `1e-6`. */
  readonly eps?: number;
  /** Absolute tolerance. Default `1e-5`. */
  readonly atol?: number;
  /** Relative tolerance (relative to the numerical value). Default `1e-3`. */
  readonly rtol?: number;
  /** Throw on failure (default `true`); `false` returns the report with `ok: false`. */
  readonly raiseException?: boolean;
}

/**
 * The element where analytic and numerical derivatives disagree most (part of a {@link GradcheckReport}).
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { gradcheck, mul } from '@torchlet/autograd';
 * const report = gradcheck((v) => mul(v, v), [tensor([1, 2], { dtype: 'float64' })], { eps: 1e-6, atol: 1e-5, rtol: 1e-3 });
 * report.ok; // -> true
 * report.checked; // -> 4
 * report.worst?.input; // -> 0
 * ```
 */
export interface GradcheckMismatch {
  /** Which differentiated input (position among all inputs). */
  readonly input: number;
  /** The element of that input (multi-index). */
  readonly inputIndex: readonly number[];
  /** Which output. */
  readonly output: number;
  /** The element of that output (multi-index). */
  readonly outputIndex: readonly number[];
  /** d output / d input from backward. */
  readonly analytic: number;
  /** The same derivative by central differences. */
  readonly numerical: number;
}

/**
 * What {@link gradcheck} found.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { gradcheck, mul } from '@torchlet/autograd';
 * const report = gradcheck((v) => mul(v, v), [tensor([1, 2], { dtype: 'float64' })], { eps: 1e-6, atol: 1e-5, rtol: 1e-3 });
 * report.ok; // -> true
 * report.checked; // -> 4
 * report.worst?.input; // -> 0
 * ```
 */
export interface GradcheckReport {
  /** True when every Jacobian element is within `atol + rtol * |numerical|`. */
  readonly ok: boolean;
  /** How many Jacobian elements were compared. */
  readonly checked: number;
  /** Largest `|analytic - numerical|`. */
  readonly maxAbsError: number;
  /** The element that exceeded its tolerance by the most (or, when all pass, was closest to it); null when nothing was compared. */
  readonly worst: GradcheckMismatch | null;
}

/**
 * A function {@link gradcheck} and {@link gradgradcheck} differentiate: Variables in, one
 * Variable or several out.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { type CheckedFn, gradcheck, mul, variable } from '@torchlet/autograd';
 * const f: CheckedFn = (x) => mul(x, x);
 * gradcheck(f, [variable(tensor(new Float64Array([1, 2])), { requiresGrad: true })]).ok; // -> true
 * ```
 */
export type CheckedFn = (...inputs: Variable[]) => Variable | readonly Variable[];

function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}

function flatValues(t: Tensor): Float64Array {
  return Float64Array.from(t.toTypedArray() as ArrayLike<number>);
}

function outputsOf(r: Variable | readonly Variable[]): readonly Variable[] {
  return Array.isArray(r) ? (r as readonly Variable[]) : [r as Variable];
}

function prepareInputs(fn: string, inputs: readonly VariableOrTensor[]): { vars: Variable[]; diff: number[] } {
  const diff: number[] = [];
  const vars = inputs.map((x, i) => {
    if (!isVariable(x) && !isTensor(x))
      throw new TorchletError(fn, 'inputs', `inputs[${i}] is not a Variable or a Tensor`);
    const t = isVariable(x) ? x.data : x;
    const differentiated = isVariable(x) ? x.requiresGrad : t.dtype === 'float32' || t.dtype === 'float64';
    if (differentiated) {
      if (t.dtype !== 'float64') {
        throw new TorchletError(
          fn,
          'inputs',
          `inputs[${i}] is ${t.dtype} ${formatShape(t.shape)}; gradcheck needs float64 inputs (finite differences in float32 are too coarse)`,
        );
      }
      diff.push(i);
      return isVariable(x) ? x : new Variable(t, null, true);
    }
    return isVariable(x) ? x : new Variable(t);
  });
  return { vars, diff };
}

/**
 * Checks the gradients backward computes for `f` against central finite differences, element by
 * element of the full Jacobian, in float64. Differentiated inputs are the Variables that require
 * grad and the float tensors (which are wrapped as such); they must be float64 and may be
 * non-contiguous views. Returns a report; on failure throws naming the worst element (unless
 * `raiseException: false`).
 *
 * Shapes: any; `f` returns one Variable or a list of them.
 *
 * @param f - The function to check: Variables in, one Variable (or an array of them) out.
 * @param inputs - The point to check at; float64 inputs that require grad give reliable finite differences.
 * @param options - `eps` (default `1e-6`), `atol` (default `1e-5`), `rtol` (default `1e-3`) and
 *   `raiseException` (default `true`); see {@link GradcheckOptions}.
 * @returns A report: `ok`, how many Jacobian elements were compared, the largest absolute error and the worst
 *   element.
 * @see torch.autograd.gradcheck
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { gradcheck, mul, sigmoid } from '@torchlet/autograd';
 * const x = tensor([0.5, -1, 2], { dtype: 'float64' });
 * gradcheck((v) => mul(sigmoid(v), v), [x]).ok; // -> true
 * ```
 */
export function gradcheck(
  f: CheckedFn,
  inputs: readonly VariableOrTensor[],
  options: GradcheckOptions = {},
): GradcheckReport {
  return check('gradcheck', f, inputs, options);
}

function check(
  fn: string,
  f: CheckedFn,
  inputs: readonly VariableOrTensor[],
  options: GradcheckOptions,
): GradcheckReport {
  if (typeof f !== 'function') fail(fn, 'f', `expected a function, got ${formatValue(f)}`);
  if (!Array.isArray(inputs)) fail(fn, 'inputs', `expected an array of inputs, got ${formatValue(inputs)}`);
  if (options === null || typeof options !== 'object')
    fail(fn, 'options', `expected an options object, got ${formatValue(options)}`);
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  const { vars, diff } = prepareInputs(fn, inputs);
  if (diff.length === 0) throw new TorchletError(fn, 'inputs', 'no input requires grad: nothing to check');
  const outs = outputsOf(f(...vars));
  const diffVars = diff.map((i) => vars[i]);
  // Analytic Jacobian: one backward per output element, seeded with a one-hot gradient.
  const analytic: Float64Array[][] = outs.map((o) => diffVars.map((v) => new Float64Array(o.numel * v.numel)));
  outs.forEach((o, oi) => {
    if (!o.requiresGrad) return;
    for (let k = 0; k < o.numel; k++) {
      const seed = zeros(o.shape, { dtype: o.dtype });
      seed.data[k] = 1;
      const gs = gradients(o, diffVars, { gradOutputs: [seed], retainGraph: true, allowUnused: true });
      gs.forEach((g, vi) => {
        const values = flatValues(g.data);
        analytic[oi][vi].set(values, k * diffVars[vi].numel);
      });
    }
  });
  // Numerical Jacobian: central differences on contiguous copies of each input element. The copies
  // require grad like the originals: f may differentiate internally (gradgradcheck's f does).
  const numerical: Float64Array[][] = outs.map((o) => diffVars.map((v) => new Float64Array(o.numel * v.numel)));
  diff.forEach((inputPos, vi) => {
    const base = vars[inputPos].data;
    for (let j = 0; j < base.numel; j++) {
      const evalAt = (delta: number): Float64Array[] => {
        const copy = base.clone();
        (copy.data as NumberStorage)[j] += delta; // floating inputs only
        const args = vars.map((v, p) => (p === inputPos ? new Variable(copy, null, true) : v));
        return outputsOf(f(...args)).map((o) => flatValues(o.data));
      };
      const plus = evalAt(eps);
      const minus = evalAt(-eps);
      outs.forEach((o, oi) => {
        for (let k = 0; k < o.numel; k++)
          numerical[oi][vi][k * base.numel + j] = (plus[oi][k] - minus[oi][k]) / (2 * eps);
      });
    }
  });
  let checked = 0;
  let maxAbsError = 0;
  let worst: GradcheckMismatch | null = null;
  let worstExcess = -Infinity;
  outs.forEach((o, oi) => {
    diffVars.forEach((v, vi) => {
      const a = analytic[oi][vi];
      const nu = numerical[oi][vi];
      for (let e = 0; e < a.length; e++) {
        checked++;
        const err = Math.abs(a[e] - nu[e]);
        const excess = Number.isNaN(err) ? Infinity : err - (atol + rtol * Math.abs(nu[e]));
        if (err > maxAbsError || Number.isNaN(err)) maxAbsError = Number.isNaN(err) ? NaN : Math.max(maxAbsError, err);
        if (excess > worstExcess) {
          worstExcess = excess;
          const k = Math.floor(e / v.numel);
          worst = {
            input: diff[vi],
            inputIndex: unravel(e % v.numel, v.shape),
            output: oi,
            outputIndex: unravel(k, o.shape),
            analytic: a[e],
            numerical: nu[e],
          };
        }
      }
    });
  });
  const ok = worstExcess <= 0;
  const report: GradcheckReport = { ok, checked, maxAbsError, worst };
  if (!ok && (options.raiseException ?? true)) {
    const w = worst as unknown as GradcheckMismatch;
    throw new TorchletError(
      fn,
      'f',
      `Jacobian mismatch for output ${w.output} element ${formatShape(w.outputIndex)} with respect to input ${w.input} element ${formatShape(w.inputIndex)}: ` +
        `analytic ${w.analytic} vs numerical ${w.numerical} (atol ${atol}, rtol ${rtol}, eps ${eps}; ${checked} elements checked, max abs error ${maxAbsError})`,
    );
  }
  return report;
}

/**
 * Options of {@link gradgradcheck}.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { gradgradcheck, mul } from '@torchlet/autograd';
 * const x = tensor([1, 2], { dtype: 'float64' });
 * gradgradcheck((v) => mul(mul(v, v), v), [x], { gradOutputs: [tensor([1, -1], { dtype: 'float64' })] }).ok; // -> true
 * ```
 */
export interface GradgradcheckOptions extends GradcheckOptions {
  /** Gradients of the outputs to differentiate through; default random float64 values (fixed seed). */
  readonly gradOutputs?: readonly Tensor[];
}

/** Deterministic values in [-1, 1) (a small LCG), so failures reproduce. */
function randomLike(shape: readonly number[], seed: number): Tensor {
  const t = zeros(shape, { dtype: 'float64' });
  let s = seed >>> 0;
  for (let i = 0; i < t.numel; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    t.data[i] = s / 2147483648 - 1;
  }
  return t;
}

/**
 * Checks second derivatives: runs {@link gradcheck} on the function mapping the inputs and the
 * output gradients to the input gradients (computed with `createGraph: true`), so the backward
 * rules are themselves checked as differentiable functions.
 *
 * Shapes: as {@link gradcheck}.
 *
 * @param f - The function to check: Variables in, one Variable (or an array of them) out.
 * @param inputs - The point to check at; float64 inputs that require grad.
 * @param options - The tolerances of {@link gradcheck} and `gradOutputs` (default: random ones); see
 *   {@link GradgradcheckOptions}.
 * @returns A report: `ok`, how many elements were compared, the largest absolute error and the worst element.
 * @see torch.autograd.gradgradcheck
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { gradgradcheck, mul, tanh } from '@torchlet/autograd';
 * const x = tensor([0.5, -1], { dtype: 'float64' });
 * gradgradcheck((v) => mul(tanh(v), v), [x]).ok; // -> true
 * ```
 */
export function gradgradcheck(
  f: CheckedFn,
  inputs: readonly VariableOrTensor[],
  options: GradgradcheckOptions = {},
): GradcheckReport {
  const fn = 'gradgradcheck';
  if (typeof f !== 'function') fail(fn, 'f', `expected a function, got ${formatValue(f)}`);
  if (!Array.isArray(inputs)) fail(fn, 'inputs', `expected an array of inputs, got ${formatValue(inputs)}`);
  const { vars, diff } = prepareInputs(fn, inputs);
  if (diff.length === 0) throw new TorchletError(fn, 'inputs', 'no input requires grad: nothing to check');
  const outs = outputsOf(f(...vars));
  const gradOutputs = options.gradOutputs ?? outs.map((o, i) => randomLike(o.shape, 12345 + 7919 * i));
  if (gradOutputs.length !== outs.length) {
    throw new TorchletError(
      fn,
      'gradOutputs',
      `expected ${outs.length} gradOutputs (one per output), got ${gradOutputs.length}`,
    );
  }
  const n = vars.length;
  const g = (...all: Variable[]): Variable[] => {
    const ins = all.slice(0, n);
    const gos = all.slice(n);
    const o = outputsOf(f(...ins));
    const live = o.map((_, i) => i).filter((i) => o[i].requiresGrad);
    if (live.length === 0) return diff.map((i) => new Variable(zeros(ins[i].shape, { dtype: ins[i].dtype })));
    return gradients(
      live.map((i) => o[i]),
      diff.map((i) => ins[i]),
      { gradOutputs: live.map((i) => gos[i]), createGraph: true, allowUnused: true },
    );
  };
  const all: VariableOrTensor[] = [...vars, ...gradOutputs.map((t) => new Variable(t, null, true))];
  return check(fn, g, all, options);
}
