import { fail, formatValue, isTensor, shapesEqual, type Tensor, tensor } from '@torchlet/tensor';
import { isTracing } from '../trace.js';
import { isVariable, Variable, type VariableLike } from '../variable.js';
import { sum } from './reduce.js';
import { reshape } from './views.js';

/** The plain operand: a Variable's data, a tensor or a number as is. */
export function raw(x: VariableLike): Tensor | number {
  return isVariable(x) ? x.data : x;
}

/** The plain tensor of a Variable or tensor operand. */
export function rawTensor(x: Variable | Tensor): Tensor {
  if (!isVariable(x) && !isTensor(x))
    fail('autograd', 'input', `expected a Variable or a tensor, got ${formatValue(x)}`);
  return isVariable(x) ? x.data : x;
}

/**
 * The operand as a graph input: the Variable, or null for constants. While tracing, constants
 * (numbers, plain tensors) become constant Variables instead, so the trace sees every operand.
 */
export function input(x: VariableLike): Variable | null {
  if (isVariable(x)) return x;
  if (!isTracing()) return null;
  return new Variable(typeof x === 'number' ? tensor(x) : x);
}

/** The shape of an operand (`[]` for numbers). */
export function shapeOf(x: VariableLike): readonly number[] {
  return typeof x === 'number' ? [] : x.shape;
}

/**
 * Sums a gradient of a broadcast result back to an operand's shape: over the leading dimensions
 * the operand lacked and over the dimensions where it had size 1 (PyTorch's `sum_to_size`).
 */
export function sumToShape(g: Variable, shape: readonly number[]): Variable {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  // A value assigned by `set` may carry extra leading size-1 dimensions: same elements, new shape.
  if (lead < 0) return reshape(g, shape);
  const dims: number[] = [];
  for (let i = 0; i < lead; i++) dims.push(i);
  for (let i = 0; i < shape.length; i++) if (shape[i] === 1 && g.shape[lead + i] !== 1) dims.push(lead + i);
  const reduced = dims.length > 0 ? sum(g, dims, { keepdim: true }) : g;
  return shapesEqual(reduced.shape, shape) ? reduced : reshape(reduced, shape);
}
