import * as T from '@torchlet/tensor';
import { record } from '../graph.js';
import type { Variable, VariableLike, VariableOrTensor } from '../variable.js';
import { thresholdBackward } from './threshold.js';
import { input, raw, rawTensor, shapeOf, sumToShape } from './util.js';

/** Rejects an operand that is not a Variable, a tensor, a number or a boolean (before reading its shape). */
function checkOperands(fn: string, ...operands: unknown[]): void {
  operands.forEach((x, i) => {
    const ok = typeof x === 'number' || typeof x === 'boolean' || T.isTensor(x) || isVariableLike(x);
    if (!ok) T.fail(fn, i === 0 ? 'a' : 'b', `expected a Variable, a tensor or a number, got ${T.formatValue(x)}`);
  });
}

/** A Variable, recognised by its tensor `data` (no import of the class: variable.ts imports this file). */
function isVariableLike(x: unknown): boolean {
  return typeof x === 'object' && x !== null && T.isTensor((x as { data?: unknown }).data);
}

// Elementwise math with broadcasting. Forward values come from @torchlet/tensor; each backward
// rule is written with the differentiable functions below (so it can itself be differentiated),
// and every gradient is summed back to its operand's shape. Masks (which branch of relu, clamp,
// abs, maximum was taken) are constants computed from the saved values.

/**
 * Elementwise `a + b` with broadcasting. Gradient: `g` for both, summed to each shape.
 *
 * Shapes: `a`, `b` broadcast together -> the broadcast shape.
 *
 * @param a - The first operand: a Variable, a tensor or a number.
 * @param b - The second operand, broadcast against `a`.
 * @returns `a + b` in the broadcast shape.
 * @see torch.add
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { add, variable } from '@torchlet/autograd';
 * const a = variable(tensor([[1, 2], [3, 4]]), { requiresGrad: true });
 * const b = variable(tensor([10, 20]), { requiresGrad: true });
 * add(a, b).sum().backward();
 * b.grad?.toArray(); // -> [2, 2]
 * ```
 */
export function add(a: VariableLike, b: VariableLike): Variable {
  checkOperands('add', a, b);
  const sa = shapeOf(a);
  const sb = shapeOf(b);
  return record('add', T.add(raw(a), raw(b)), [input(a), input(b)], (g, needs) => [
    needs[0] ? sumToShape(g, sa) : null,
    needs[1] ? sumToShape(g, sb) : null,
  ]);
}

/**
 * Elementwise `a - b` with broadcasting. Gradient: `g` and `-g`, summed to each shape.
 *
 * Shapes: broadcast.
 *
 * @param a - The first operand: a Variable, a tensor or a number.
 * @param b - The second operand, broadcast against `a`.
 * @returns `a - b` in the broadcast shape.
 * @see torch.sub
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { sub, variable } from '@torchlet/autograd';
 * const b = variable(tensor([1, 2]), { requiresGrad: true });
 * sub(10, b).sum().backward();
 * b.grad?.toArray(); // -> [-1, -1]
 * ```
 */
export function sub(a: VariableLike, b: VariableLike): Variable {
  checkOperands('sub', a, b);
  const sa = shapeOf(a);
  const sb = shapeOf(b);
  return record('sub', T.sub(raw(a), raw(b)), [input(a), input(b)], (g, needs) => [
    needs[0] ? sumToShape(g, sa) : null,
    needs[1] ? sumToShape(neg(g), sb) : null,
  ]);
}

/**
 * Elementwise `a * b` with broadcasting. Gradient: `g * b` and `g * a`.
 *
 * Shapes: broadcast.
 *
 * @param a - The first operand: a Variable, a tensor or a number.
 * @param b - The second operand, broadcast against `a`.
 * @returns `a * b` in the broadcast shape.
 * @see torch.mul
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { mul, variable } from '@torchlet/autograd';
 * const a = variable(tensor([1, 2]), { requiresGrad: true });
 * mul(a, tensor([3, 4])).sum().backward();
 * a.grad?.toArray(); // -> [3, 4]
 * ```
 */
export function mul(a: VariableLike, b: VariableLike): Variable {
  checkOperands('mul', a, b);
  const sa = shapeOf(a);
  const sb = shapeOf(b);
  return record(
    'mul',
    T.mul(raw(a), raw(b)),
    [input(a), input(b)],
    (g, needs) => [needs[0] ? sumToShape(mul(g, b), sa) : null, needs[1] ? sumToShape(mul(g, a), sb) : null],
    { save: [b, a] },
  );
}

/**
 * Elementwise `a / b` with broadcasting. Gradient: `g / b` and `-g * a / b^2`.
 *
 * Shapes: broadcast.
 *
 * @param a - The dividend: a Variable, a tensor or a number.
 * @param b - The divisor, broadcast against `a`.
 * @returns `a / b` in the broadcast shape.
 * @see torch.div
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { div, variable } from '@torchlet/autograd';
 * const b = variable(tensor([1, 2]), { requiresGrad: true });
 * div(4, b).sum().backward();
 * b.grad?.toArray(); // -> [-4, -1]
 * ```
 */
export function div(a: VariableLike, b: VariableLike): Variable {
  checkOperands('div', a, b);
  const sa = shapeOf(a);
  const sb = shapeOf(b);
  return record(
    'div',
    T.div(raw(a), raw(b)),
    [input(a), input(b)],
    (g, needs) => [
      needs[0] ? sumToShape(div(g, b), sa) : null,
      needs[1] ? sumToShape(neg(mul(g, div(a, mul(b, b)))), sb) : null,
    ],
    { save: [a, b] },
  );
}

/**
 * Elementwise `a ** b` with broadcasting. Gradients, as PyTorch: `g * b * a^(b-1)` (0 where
 * `b == 0`) and `g * a^b * log(a)` (0 where `a == 0` and `b >= 0`).
 *
 * Shapes: broadcast.
 *
 * @param a - The base: a Variable, a tensor or a number.
 * @param b - The exponent, broadcast against `a`.
 * @returns `a ** b` in the broadcast shape.
 * @see torch.pow
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { pow, variable } from '@torchlet/autograd';
 * const x = variable(tensor([1, 2, 3]), { requiresGrad: true });
 * pow(x, 2).sum().backward();
 * x.grad?.toArray(); // -> [2, 4, 6]
 * ```
 */
export function pow(a: VariableLike, b: VariableLike): Variable {
  checkOperands('pow', a, b);
  const sa = shapeOf(a);
  const sb = shapeOf(b);
  return record(
    'pow',
    T.pow(raw(a), raw(b)),
    [input(a), input(b)],
    (g, needs, out) => {
      let ga: Variable | null = null;
      let gb: Variable | null = null;
      if (needs[0]) {
        if (typeof b === 'number') {
          ga = b === 0 ? mul(g, 0) : mul(g, mul(pow(a, b - 1), b));
        } else {
          const d = mul(pow(a, sub(b, 1)), b);
          ga = mul(g, where(T.eq(raw(b), 0), 0, d));
        }
        ga = sumToShape(ga, sa);
      }
      if (needs[1]) {
        const logA = typeof a === 'number' ? Math.log(a) : log(a);
        const d = mul(out, logA);
        // PyTorch zeroes this gradient where a == 0 and b >= 0 (0^b is flat in b there).
        const mask = zeroBaseMask(raw(a), raw(b));
        gb = sumToShape(mul(g, mask === null ? d : where(mask, 0, d)), sb);
      }
      return [ga, gb];
    },
    { save: [a, b], saveOutput: true },
  );
}

/**
 * Elementwise `-a`. Gradient: `-g`.
 *
 * Shapes: same as `a`.
 *
 * @param a - A Variable or tensor (float).
 * @returns `-a`, the shape of `a`.
 * @see torch.neg
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { neg, variable } from '@torchlet/autograd';
 * const x = variable(tensor([1, -2]), { requiresGrad: true });
 * neg(x).toArray(); // -> [-1, 2]
 * ```
 */
export function neg(a: VariableOrTensor): Variable {
  return record('neg', T.neg(rawTensor(a)), [input(a)], (g) => [neg(g)]);
}

/**
 * Elementwise `e^a`. Gradient: `g * exp(a)`.
 *
 * Shapes: same as `a`.
 *
 * @param a - A Variable or tensor (float).
 * @returns `e ** a`, the shape of `a`.
 * @see torch.exp
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { exp, variable } from '@torchlet/autograd';
 * const x = variable(tensor([0, 0]), { requiresGrad: true });
 * exp(x).sum().backward();
 * x.grad?.toArray(); // -> [1, 1]
 * ```
 */
export function exp(a: VariableOrTensor): Variable {
  return record('exp', T.exp(rawTensor(a)), [input(a)], (g, _n, out) => [mul(g, out)], { saveOutput: true });
}

/**
 * Elementwise natural logarithm. Gradient: `g / a`.
 *
 * Shapes: same as `a`.
 *
 * @param a - A Variable or tensor (float); negative elements give NaN, zeros `-Infinity`.
 * @returns The natural logarithm, the shape of `a`.
 * @see torch.log
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { log, variable } from '@torchlet/autograd';
 * const x = variable(tensor([1, 4]), { requiresGrad: true });
 * log(x).sum().backward();
 * x.grad?.toArray(); // -> [1, 0.25]
 * ```
 */
export function log(a: VariableOrTensor): Variable {
  return record('log', T.log(rawTensor(a)), [input(a)], (g) => [div(g, a)], { save: [a] });
}

/**
 * Elementwise square root. Gradient: `g / (2 sqrt(a))`.
 *
 * Shapes: same as `a`.
 *
 * @param a - A Variable or tensor (float).
 * @returns The square root, the shape of `a`.
 * @see torch.sqrt
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { sqrt, variable } from '@torchlet/autograd';
 * const x = variable(tensor([4, 16]), { requiresGrad: true });
 * sqrt(x).sum().backward();
 * x.grad?.toArray(); // -> [0.25, 0.125]
 * ```
 */
export function sqrt(a: VariableOrTensor): Variable {
  return record('sqrt', T.sqrt(rawTensor(a)), [input(a)], (g, _n, out) => [div(g, mul(out, 2))], { saveOutput: true });
}

/**
 * Elementwise `|a|`. Gradient: `g * sign(a)` (0 at 0, as PyTorch).
 *
 * Shapes: same as `a`.
 *
 * @param a - A Variable or tensor.
 * @returns `|a|`, the shape of `a`.
 * @see torch.abs
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { abs, variable } from '@torchlet/autograd';
 * const x = variable(tensor([-2, 0, 3]), { requiresGrad: true });
 * abs(x).sum().backward();
 * x.grad?.toArray(); // -> [-1, 0, 1]
 * ```
 */
export function abs(a: VariableOrTensor): Variable {
  const x = rawTensor(a);
  return record('abs', T.abs(x), [input(a)], (g) => [where(T.gt(x, 0), g, where(T.lt(x, 0), neg(g), 0))], {
    save: [a],
  });
}

/**
 * Elementwise hyperbolic tangent. Gradient: `g * (1 - tanh(a)^2)`.
 *
 * Shapes: same as `a`.
 *
 * @param a - A Variable or tensor (float).
 * @returns The hyperbolic tangent, the shape of `a`.
 * @see torch.tanh
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { tanh, variable } from '@torchlet/autograd';
 * const x = variable(tensor([0]), { requiresGrad: true });
 * tanh(x).sum().backward();
 * x.grad?.toArray(); // -> [1]
 * ```
 */
export function tanh(a: VariableOrTensor): Variable {
  return record('tanh', T.tanh(rawTensor(a)), [input(a)], (g, _n, out) => [mul(g, sub(1, mul(out, out)))], {
    saveOutput: true,
  });
}

/**
 * Elementwise logistic function `1 / (1 + e^-a)`. Gradient: `g * s * (1 - s)`.
 *
 * Shapes: same as `a`.
 *
 * @param a - A Variable or tensor (float).
 * @returns `1 / (1 + exp(-a))`, the shape of `a`.
 * @see torch.sigmoid
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { sigmoid, variable } from '@torchlet/autograd';
 * const x = variable(tensor([0]), { requiresGrad: true });
 * sigmoid(x).sum().backward();
 * x.grad?.toArray(); // -> [0.25]
 * ```
 */
export function sigmoid(a: VariableOrTensor): Variable {
  return record('sigmoid', T.sigmoid(rawTensor(a)), [input(a)], (g, _n, out) => [mul(g, mul(out, sub(1, out)))], {
    saveOutput: true,
  });
}

/**
 * Elementwise `max(a, 0)`. Gradient: `g` where `a > 0`, else 0 (PyTorch's choice at 0).
 *
 * Shapes: same as `a`.
 *
 * @param a - A Variable or tensor.
 * @returns `max(a, 0)`, the shape of `a`.
 * @see torch.relu
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { relu, variable } from '@torchlet/autograd';
 * const x = variable(tensor([-1, 0, 2]), { requiresGrad: true });
 * relu(x).sum().backward();
 * x.grad?.toArray(); // -> [0, 0, 1]
 * ```
 */
export function relu(a: VariableOrTensor): Variable {
  // PyTorch's rule: threshold_backward on the output, one pass (NaN passes the gradient).
  return record('relu', T.relu(rawTensor(a)), [input(a)], (g, _n, out) => [thresholdBackward(g, out.data, 0)], {
    saveOutput: true,
  });
}

/**
 * Clamps every element into `[min, max]` (either bound may be omitted). Gradient: `g` where
 * `min <= a <= max`, else 0 (as PyTorch, including at the bounds).
 *
 * Shapes: same as `a`.
 *
 * @param a - A Variable or tensor.
 * @param min - The lower bound, or `null`/omitted for none.
 * @param max - The upper bound, or `null`/omitted for none.
 * @returns `a` limited to `[min, max]`, the shape of `a`.
 * @see torch.clamp
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { clamp, variable } from '@torchlet/autograd';
 * const x = variable(tensor([-2, 0.5, 3]), { requiresGrad: true });
 * clamp(x, 0, 1).sum().backward();
 * x.grad?.toArray(); // -> [0, 1, 0]
 * ```
 */
export function clamp(a: VariableOrTensor, min?: number | null, max?: number | null): Variable {
  const x = rawTensor(a);
  return record(
    'clamp',
    T.clamp(x, min, max),
    [input(a)],
    (g) => {
      let r: Variable = g;
      if (min !== null && min !== undefined) r = where(T.ge(x, min), r, 0);
      if (max !== null && max !== undefined) r = where(T.le(x, max), r, 0);
      return [r === g ? mul(g, 1) : r];
    },
    { save: [a], attrs: { min, max } },
  );
}

function extremum(name: 'maximum' | 'minimum', a: VariableLike, b: VariableLike): Variable {
  checkOperands(name, a, b);
  const sa = shapeOf(a);
  const sb = shapeOf(b);
  const fwd = name === 'maximum' ? T.maximum : T.minimum;
  const wins = name === 'maximum' ? T.gt : T.lt;
  return record(
    name,
    fwd(raw(a), raw(b)),
    [input(a), input(b)],
    (g, needs) => {
      // As PyTorch: an operand gets `g` unless the other one wins (then 0) or ties (then half),
      // so where either is NaN (no comparison holds) both get `g`.
      const ra = raw(a);
      const rb = raw(b);
      const tie = T.eq(ra, rb);
      const half = mul(g, 0.5);
      return [
        needs[0] ? sumToShape(where(wins(rb, ra), 0, where(tie, half, g)), sa) : null,
        needs[1] ? sumToShape(where(wins(ra, rb), 0, where(tie, half, g)), sb) : null,
      ];
    },
    { save: [a, b] },
  );
}

/**
 * Elementwise maximum of `a` and `b` with broadcasting. Gradient: `g` to the larger operand,
 * split evenly on ties.
 *
 * Shapes: broadcast.
 *
 * @param a - The first operand: a Variable, a tensor or a number.
 * @param b - The second operand, broadcast against `a`.
 * @returns The elementwise maximum in the broadcast shape (NaN where either is NaN).
 * @see torch.maximum
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { maximum, variable } from '@torchlet/autograd';
 * const a = variable(tensor([1, 5, 2]), { requiresGrad: true });
 * maximum(a, 2).sum().backward();
 * a.grad?.toArray(); // -> [0, 1, 0.5]
 * ```
 */
export function maximum(a: VariableLike, b: VariableLike): Variable {
  return extremum('maximum', a, b);
}

/**
 * Elementwise minimum of `a` and `b` with broadcasting. Gradient: `g` to the smaller operand,
 * split evenly on ties.
 *
 * Shapes: broadcast.
 *
 * @param a - The first operand: a Variable, a tensor or a number.
 * @param b - The second operand, broadcast against `a`.
 * @returns The elementwise minimum in the broadcast shape (NaN where either is NaN).
 * @see torch.minimum
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { minimum, variable } from '@torchlet/autograd';
 * const a = variable(tensor([1, 5, 2]), { requiresGrad: true });
 * minimum(a, 2).sum().backward();
 * a.grad?.toArray(); // -> [1, 0, 0.5]
 * ```
 */
export function minimum(a: VariableLike, b: VariableLike): Variable {
  return extremum('minimum', a, b);
}

/**
 * Picks `a` where `cond` is true and `b` elsewhere, with broadcasting. `cond` (a bool tensor,
 * or a Variable whose values are used) gets no gradient; `a` and `b` get `g` where they were picked.
 *
 * Shapes: `cond`, `a`, `b` broadcast together.
 *
 * @param cond - The condition, a bool tensor (or Variable), broadcast against `a` and `b`.
 * @param a - The values taken where `cond` is true.
 * @param b - The values taken where `cond` is false.
 * @returns The selected values in the broadcast shape; gradients flow to `a` where `cond` holds and to `b`
 *   elsewhere.
 * @see torch.where
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { variable, where } from '@torchlet/autograd';
 * const a = variable(tensor([1, 2, 3]), { requiresGrad: true });
 * where(tensor([true, false, true]), a, 0).sum().backward();
 * a.grad?.toArray(); // -> [1, 0, 1]
 * ```
 */
export function where(cond: VariableOrTensor, a: VariableLike, b: VariableLike): Variable {
  checkOperands('where', cond, a, b);
  const c = rawTensor(cond);
  const sa = shapeOf(a);
  const sb = shapeOf(b);
  return record(
    'where',
    T.where(c, raw(a), raw(b)),
    [input(a), input(b)],
    (g, needs) => [needs[0] ? sumToShape(where(c, g, 0), sa) : null, needs[1] ? sumToShape(where(c, 0, g), sb) : null],
    { attrs: { condition: c } },
  );
}

/** `(a == 0) & (b >= 0)` as a bool tensor, or null when it is false everywhere. */
function zeroBaseMask(a: T.Tensor | number, b: T.Tensor | number): T.Tensor | null {
  if (typeof a === 'number') {
    if (a !== 0) return null;
    return typeof b === 'number' ? null : T.ge(b, 0);
  }
  const aZero = T.eq(a, 0);
  if (typeof b === 'number') return b >= 0 ? aZero : null;
  // a logical and of bools: no integer math, so the mask forms on the webgpu device too
  return T.mul(aZero, T.ge(b, 0));
}
