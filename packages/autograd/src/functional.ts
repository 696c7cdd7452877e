import {
  fail,
  formatShape,
  formatValue,
  onesLike,
  shapesEqual,
  type Tensor,
  TorchletError,
  zerosLike,
} from '@torchlet/tensor';
import { type BackwardOptions, runBackward } from './engine.js';
import { isGradEnabled } from './grad-mode.js';
import { asVariable, isVariable, Variable, type VariableOrTensor } from './variable.js';

/**
 * Options of {@link gradients}.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { gradients, mul, variable } from '@torchlet/autograd';
 * const x = variable(tensor([1, 2]), { requiresGrad: true });
 * const [g] = gradients(mul(x, 3), [x], { gradOutputs: [tensor([1, 10])] });
 * g.toArray(); // -> [3, 30]
 * ```
 */
export interface GradientsOptions extends BackwardOptions {
  /** The gradient of some scalar with respect to each output; may be omitted for scalar outputs. */
  readonly gradOutputs?: readonly (VariableOrTensor | null | undefined)[];
  /** Inputs the outputs do not depend on get zeros instead of an error. Default `false`. */
  readonly allowUnused?: boolean;
}

function list<T>(x: T | readonly T[]): readonly T[] {
  return Array.isArray(x) ? (x as readonly T[]) : [x as T];
}

/** The seed gradient for an output: the given one, or ones for a one-element output. */
function seedFor(fn: string, out: Variable, given: VariableOrTensor | null | undefined, i: number): Variable {
  if (given === null || given === undefined) {
    if (out.numel !== 1) {
      throw new TorchletError(
        fn,
        'gradOutputs',
        `grad can be implicitly created only for scalar outputs (output ${i} has shape ${formatShape(out.shape)}); pass gradOutputs`,
      );
    }
    return new Variable(onesLike(out.data));
  }
  const g = asVariable(given);
  if (!shapesEqual(g.shape, out.shape)) {
    fail(
      fn,
      'gradOutputs',
      `gradOutputs[${i}] has shape ${formatShape(g.shape)} but output ${i} has shape ${formatShape(out.shape)}`,
    );
  }
  return g;
}

/**
 * The gradients of `outputs` with respect to `inputs`, returned instead of accumulated into
 * `.grad` (PyTorch's `torch.autograd.grad`). With `createGraph: true` the returned gradients
 * carry their own graph and can be differentiated again.
 *
 * Shapes: one gradient per input, of that input's shape.
 *
 * @param outputs - The Variable(s) to differentiate, usually one scalar loss.
 * @param inputs - The Variable(s) to differentiate with respect to (each must require grad).
 * @param options - `gradOutputs` (the gradient of each output, needed for non-scalar outputs), `createGraph`
 *   (default `false`) and `allowUnused` (default `false`); see {@link GradientsOptions}.
 * @returns One gradient per input, of that input's shape (an unused input is an error unless `allowUnused`,
 *   which gives zeros).
 * @see torch.autograd.grad
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { gradients, mul, sum, variable } from '@torchlet/autograd';
 * const x = variable(tensor([1, 2]), { requiresGrad: true });
 * const y = sum(mul(mul(x, x), x)); // sum of cubes
 * const [dx] = gradients(y, [x], { createGraph: true });
 * dx.toArray(); // -> [3, 12]
 * const [ddx] = gradients(sum(dx), [x]);
 * ddx.toArray(); // -> [6, 12]
 * x.grad; // -> null
 * ```
 */
export function gradients(
  outputs: Variable | readonly Variable[],
  inputs: Variable | readonly Variable[],
  options: GradientsOptions = {},
): Variable[] {
  const fn = 'gradients';
  const outs = list(outputs);
  const ins = list(inputs);
  if (outs.length === 0) fail(fn, 'outputs', 'expected at least one output');
  outs.forEach((o, i) => {
    if (!isVariable(o)) fail(fn, 'outputs', `outputs[${i}] is not a Variable`);
  });
  ins.forEach((v, i) => {
    if (!isVariable(v)) fail(fn, 'inputs', `inputs[${i}] is not a Variable`);
  });
  const seeds = outs.map((o, i) => seedFor(fn, o, options.gradOutputs?.[i], i));
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  const grads = runBackward(outs, seeds, { fn, retainGraph, createGraph, inputs: ins }) as (Variable | null)[];
  return grads.map((g, i) => {
    if (g !== null) return g;
    if (!options.allowUnused) {
      fail(
        fn,
        'inputs',
        `input ${i} (shape ${formatShape(ins[i].shape)}) was not used to compute the outputs; pass { allowUnused: true } to get zeros for it`,
      );
    }
    return new Variable(zerosLike(ins[i].data));
  });
}

/**
 * Options of {@link grad} and {@link valueAndGrad}.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { grad, mul, sum } from '@torchlet/autograd';
 * grad((a, b) => sum(mul(a, b)), { argnums: 1 })(tensor([2, 3]), tensor([5, 7])).toArray(); // -> [2, 3]
 * ```
 */
export interface GradOptions {
  /** Which arguments to differentiate: one index (a single gradient) or several. Default `0`. */
  readonly argnums?: number | readonly number[];
}

/**
 * A function of Variables returning one Variable, as {@link grad}, {@link valueAndGrad} and
 * {@link vjp} take it.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { type VariableFn, grad, mul } from '@torchlet/autograd';
 * const square: VariableFn = (x) => mul(x, x).sum();
 * (grad(square)(tensor([3])) as { toArray(): unknown }).toArray(); // -> [6]
 * ```
 */
export type VariableFn = (...args: Variable[]) => Variable;

/** Wraps arguments: differentiated ones become Variables that require grad; reports whether an outer graph is being built. */
function prepare(
  fn: string,
  args: readonly VariableOrTensor[],
  argnums: readonly number[],
): { vars: Variable[]; nested: boolean } {
  let nested = false;
  const vars = args.map((a, i) => {
    if (!isVariable(a) && !(typeof a === 'object' && a !== null))
      fail(fn, `args[${i}]`, `expected a Variable or a Tensor, got ${typeof a}`);
    if (!argnums.includes(i)) return asVariable(a);
    if (isVariable(a) && a.requiresGrad) {
      // An outer grad/vjp is differentiating through this call: keep the link and build a graph.
      nested = nested || isGradEnabled();
      return a;
    }
    const t = isVariable(a) ? a.data : (a as Tensor);
    return new Variable(t, null, true);
  });
  argnums.forEach((n) => {
    if (!Number.isInteger(n) || n < 0 || n >= args.length)
      fail(fn, 'argnums', `argnums ${n} is out of range for ${args.length} arguments`);
  });
  return { vars, nested };
}

function evaluate(
  fn: string,
  f: VariableFn,
  args: readonly VariableOrTensor[],
  options: GradOptions,
): [Variable, Variable | Variable[]] {
  const argnums = options.argnums ?? 0;
  const nums = typeof argnums === 'number' ? [argnums] : [...argnums];
  const { vars, nested } = prepare(fn, args, nums);
  const value = f(...vars);
  if (!isVariable(value)) fail(fn, 'f', `f must return a Variable, got ${typeof value}`);
  if (value.numel !== 1)
    fail(
      fn,
      'f',
      `f must return a scalar (one element), got shape ${formatShape(value.shape)}; use vjp for non-scalar outputs`,
    );
  const targets = nums.map((n) => vars[n]);
  const grads = value.requiresGrad
    ? gradients(value, targets, { createGraph: nested, allowUnused: true })
    : targets.map((t) => new Variable(zerosLike(t.data)));
  return [value, typeof argnums === 'number' ? grads[0] : grads];
}

/**
 * Turns a scalar function of Variables into the function computing its gradient (JAX's `grad`).
 * `argnums` picks the argument(s) differentiated (default the first). Compositions work:
 * `grad(grad(f))` is the second derivative.
 *
 * Shapes: each gradient has its argument's shape.
 *
 * @param f - A function of Variables returning a one-element Variable.
 * @param options - `argnums`: the index (default `0`) or indices of the arguments to differentiate; see
 *   {@link GradOptions}.
 * @returns A function taking the same arguments as `f` (Variables or tensors) and returning the gradient (or,
 *   for an array `argnums`, the gradients).
 * @see jax.grad, torch.func.grad
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { type Variable, grad, mul, sum } from '@torchlet/autograd';
 * const f = (x: Variable) => sum(mul(mul(x, x), x));
 * grad(f)(tensor([1, 2])).toArray(); // -> [3, 12]
 * grad((x) => sum(grad(f)(x)))(tensor([1, 2])).toArray(); // -> [6, 12]
 * ```
 */
export function grad(
  f: VariableFn,
  options?: GradOptions & { readonly argnums?: number },
): (...args: VariableOrTensor[]) => Variable;
export function grad(
  f: VariableFn,
  options: GradOptions & { readonly argnums: readonly number[] },
): (...args: VariableOrTensor[]) => Variable[];
export function grad(f: VariableFn, options: GradOptions = {}): (...args: VariableOrTensor[]) => Variable | Variable[] {
  return (...args) => evaluate('grad', f, args, options)[1];
}

/**
 * Like {@link grad} but also returns the function's value: `[value, gradient(s)]`.
 *
 * Shapes: value `[]` (or one element), gradients of the arguments' shapes.
 *
 * @param f - A function of Variables returning a one-element Variable.
 * @param options - `argnums`: the index (default `0`) or indices of the arguments to differentiate; see
 *   {@link GradOptions}.
 * @returns A function taking the same arguments as `f` and returning `[value, gradient(s)]`.
 * @see jax.value_and_grad
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { mul, sum, valueAndGrad } from '@torchlet/autograd';
 * const [value, g] = valueAndGrad((x) => sum(mul(x, x)))(tensor([3, 4]));
 * value.item(); // -> 25
 * g.toArray(); // -> [6, 8]
 * ```
 */
export function valueAndGrad(
  f: VariableFn,
  options?: GradOptions & { readonly argnums?: number },
): (...args: VariableOrTensor[]) => [Variable, Variable];
export function valueAndGrad(
  f: VariableFn,
  options: GradOptions & { readonly argnums: readonly number[] },
): (...args: VariableOrTensor[]) => [Variable, Variable[]];
export function valueAndGrad(
  f: VariableFn,
  options: GradOptions = {},
): (...args: VariableOrTensor[]) => [Variable, Variable | Variable[]] {
  return (...args) => evaluate('valueAndGrad', f, args, options);
}

/**
 * Evaluates `f` at `primals` and returns its output with a function that maps a cotangent (a
 * gradient of the output's shape) to the gradients with respect to every primal: the
 * vector-Jacobian product. The returned function can be called many times.
 *
 * Shapes: cotangent of the output's shape -> one gradient per primal, of its shape.
 *
 * @param f - A function of Variables returning one Variable.
 * @param primals - The point to evaluate `f` at, one Variable or tensor per argument.
 * @returns `[output, pullback]`: `f(...primals)` and a function from a cotangent of the output's shape to one
 *   gradient per primal.
 * @see jax.vjp, torch.func.vjp
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { mul, vjp } from '@torchlet/autograd';
 * const [out, pullback] = vjp((x, y) => mul(x, y), tensor([1, 2]), tensor([3, 4]));
 * out.toArray(); // -> [3, 8]
 * pullback(tensor([1, 10])).map((g) => g.toArray()); // -> [[3, 40], [1, 20]]
 * ```
 */
export function vjp(
  f: (...args: Variable[]) => Variable,
  ...primals: VariableOrTensor[]
): [Variable, (cotangent: VariableOrTensor) => Variable[]] {
  if (typeof f !== 'function') fail('vjp', 'f', `expected a function, got ${formatValue(f)}`);
  const nums = primals.map((_, i) => i);
  const { vars, nested } = prepare('vjp', primals, nums);
  const out = f(...vars);
  if (!isVariable(out)) fail('vjp', 'f', `f must return a Variable, got ${typeof out}`);
  const pullback = (cotangent: VariableOrTensor): Variable[] => {
    if (!out.requiresGrad) return vars.map((v) => new Variable(zerosLike(v.data)));
    return gradients(out, vars, {
      gradOutputs: [cotangent],
      retainGraph: true,
      createGraph: nested,
      allowUnused: true,
    });
  };
  return [out, pullback];
}
