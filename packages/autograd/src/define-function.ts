import { fail, formatShape, formatValue, isTensor, shapesEqual, type Tensor } from '@torchlet/tensor';
import { record } from './graph.js';
import { asVariable, isVariable, Variable, type VariableOrTensor } from './variable.js';

/**
 * What `forward` and `backward` of a {@link defineFunction} share (PyTorch's `ctx`).
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { type FunctionContext, defineFunction, mul, variable } from '@torchlet/autograd';
 * const scale = defineFunction({
 *   name: 'scaleBy3',
 *   forward: (ctx: FunctionContext, x) => {
 *     ctx.state.factor = 3;
 *     return x.mul(3);
 *   },
 *   backward: (ctx: FunctionContext, g) => [ctx.needsInputGrad[0] ? mul(g, ctx.state.factor as number) : null],
 * });
 * const x = variable(tensor([1, 2]), { requiresGrad: true });
 * scale(x).sum().backward();
 * x.grad?.toArray(); // -> [3, 3]
 * ```
 */
export interface FunctionContext {
  /** Keeps tensors for backward (inputs, the output, or intermediates); checked against in-place changes. */
  saveForBackward(...values: Tensor[]): void;
  /**
   * In backward: the saved values as Variables. Saved inputs and the output come back as the
   * Variables themselves, so a backward written with autograd functions is differentiable.
   */
  readonly saved: readonly Variable[];
  /** In backward: which inputs need a gradient (compute only those; return null for the rest). */
  readonly needsInputGrad: readonly boolean[];
  /** Free-form storage for non-tensor values (sizes, options) computed in forward. */
  readonly state: Record<string, unknown>;
}

/**
 * The definition of a custom differentiable function (see {@link defineFunction}).
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { type FunctionDefinition, defineFunction, neg, variable } from '@torchlet/autograd';
 * const negate: FunctionDefinition = { name: 'negate', forward: (_ctx, x) => x.neg(), backward: (_ctx, g) => [neg(g)] };
 * const x = variable(tensor([1]), { requiresGrad: true });
 * defineFunction(negate)(x).sum().backward();
 * x.grad?.toArray(); // -> [-1]
 * ```
 */
export interface FunctionDefinition {
  /** Name shown in `gradFn.name` and in error messages. */
  readonly name: string;
  /** Computes the output from plain tensors. */
  forward(ctx: FunctionContext, ...inputs: Tensor[]): Tensor;
  /**
   * Given the output's gradient, returns one gradient per input (null where none flows or where
   * `ctx.needsInputGrad[i]` is false). Written with this package's functions it supports second order.
   */
  backward(ctx: FunctionContext, gradOutput: Variable): readonly (VariableOrTensor | null | undefined)[];
}

class Context implements FunctionContext {
  savedTensors: Tensor[] = [];
  saved: Variable[] = [];
  needsInputGrad: boolean[] = [];
  readonly state: Record<string, unknown> = {};
  saveForBackward(...values: Tensor[]): void {
    values.forEach((v, i) => {
      if (!isTensor(v)) fail('saveForBackward', `values[${i}]`, `expected a Tensor, got ${typeof v}`);
    });
    this.savedTensors.push(...values);
  }
}

/**
 * Defines a differentiable function from a forward on plain tensors and a backward on
 * Variables (PyTorch's `torch.autograd.Function`). Gradients are computed lazily, only for the
 * inputs that need them (`ctx.needsInputGrad`). Returns the function, which accepts Variables
 * and tensors.
 *
 * Shapes: whatever `forward` defines; `backward` returns one gradient per input, of its shape.
 *
 * @param definition - The operation: its `name`, a `forward(ctx, ...tensors)` on plain tensors and a
 *   `backward(ctx, gradOutput)` returning one gradient per input; see {@link FunctionDefinition}.
 * @returns A differentiable function of Variables or tensors that records `definition.backward` in the graph.
 * @see torch.autograd.Function
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { defineFunction, mul, variable } from '@torchlet/autograd';
 * const square = defineFunction({
 *   name: 'square',
 *   forward: (ctx, x) => {
 *     ctx.saveForBackward(x);
 *     return x.mul(x);
 *   },
 *   backward: (ctx, g) => [mul(mul(g, ctx.saved[0]), 2)],
 * });
 * const x = variable(tensor([1, 3]), { requiresGrad: true });
 * square(x).sum().backward();
 * x.grad?.toArray(); // -> [2, 6]
 * ```
 */
export function defineFunction(definition: FunctionDefinition): (...inputs: VariableOrTensor[]) => Variable {
  if (definition === null || typeof definition !== 'object') {
    fail('defineFunction', 'definition', `expected { name, forward, backward }, got ${formatValue(definition)}`);
  }
  const { name } = definition;
  if (
    typeof name !== 'string' ||
    typeof definition.forward !== 'function' ||
    typeof definition.backward !== 'function'
  ) {
    fail('defineFunction', 'definition', 'expected { name: string, forward: function, backward: function }');
  }
  return (...inputs: VariableOrTensor[]): Variable => {
    inputs.forEach((x, i) => {
      if (!isVariable(x) && !isTensor(x))
        fail(name, `inputs[${i}]`, `expected a Variable or a Tensor, got ${x === null ? 'null' : typeof x}`);
    });
    const vars = inputs.map(asVariable);
    const ctx = new Context();
    const out = definition.forward(ctx, ...vars.map((v) => v.data));
    if (!isTensor(out)) fail(name, 'forward', `forward must return a Tensor, got ${typeof out}`);
    // Saved inputs are kept as their Variables (so backward can differentiate through them).
    const savedInputs = ctx.savedTensors.map((t) => vars.find((v) => v.data === t) ?? null);
    const result = record(
      name,
      out,
      vars.map((v) => (isVariable(v) ? v : null)),
      (g, needs, output) => {
        ctx.saved = ctx.savedTensors.map((t, i) => savedInputs[i] ?? (t === out ? output : new Variable(t)));
        ctx.needsInputGrad = [...needs];
        const grads = definition.backward(ctx, g);
        if (!Array.isArray(grads) || grads.length !== vars.length) {
          fail(
            name,
            'backward',
            `backward must return an array of ${vars.length} gradients (one per input), got ${Array.isArray(grads) ? grads.length : typeof grads}`,
          );
        }
        return grads.map((gi, i) => {
          if (gi === null || gi === undefined || !needs[i]) return null;
          const v = asVariable(gi);
          if (!shapesEqual(v.shape, vars[i].shape)) {
            fail(
              name,
              'backward',
              `backward returned a gradient of shape ${formatShape(v.shape)} for input ${i} of shape ${formatShape(vars[i].shape)}`,
            );
          }
          return v;
        });
      },
      { save: savedInputs, saveOutput: ctx.savedTensors.includes(out) },
    );
    // The user's backward may keep the gradient it is given: backward must not overwrite it later.
    if (result._gradFn !== null) result._gradFn.opaque = true;
    return result;
  };
}
