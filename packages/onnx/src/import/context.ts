import { isVariable, type Variable, variable } from '@torchlet/autograd';
import { type Generator, type Tensor, tensor } from '@torchlet/tensor';
import type { Attributes } from '../attributes.js';
import { flatValues, MAX_ELEMENTS } from '../tensor-data.js';

/** What an operator implementation gets: its inputs (null where an optional one is absent), attributes and the opset. */
export interface OpCall {
  /** The node's inputs, `null` for an empty name (an omitted optional input). */
  readonly inputs: readonly (Variable | null)[];
  readonly attrs: Attributes;
  /** The model's default-domain opset version (semantics changed at 11, 13, ...). */
  readonly opset: number;
  /** How many outputs the node names. */
  readonly outputCount: number;
  /** The most elements a tensor the node creates may have (`ImportOnnxOptions.maxElements`). */
  readonly maxElements: number;
  /**
   * The model's mode (`OnnxModel.training`): BatchNormalization normalises by the batch and updates
   * its running statistics, Dropout draws masks. False while folding constants at import.
   */
  readonly training: boolean;
  /** Draws Dropout's masks in training (`ImportOnnxOptions.generator`; undefined: the default generator). */
  readonly generator: Generator | undefined;
  /** True when `v` reads one of the model's buffers (BatchNormalization's running statistics), which training updates in place. */
  readonly isBuffer: (v: Variable) => boolean;
}

/** An operator: torchlet's differentiable functions applied to a node's inputs. */
export type OpImpl = (call: OpCall) => Variable[];

/** Input `i`, which the operator requires. */
export function need(call: OpCall, i: number, what: string): Variable {
  const v = call.inputs[i];
  if (v === null || v === undefined) call.attrs.fail(`input ${i} (${what}) is required`);
  return v;
}

/** The integer values of a small shape-like input (`shape`, `axes`, `pads`), or undefined when absent. */
export function intsOf(call: OpCall, i: number, what: string): number[] | undefined {
  const v = call.inputs[i];
  if (v === null || v === undefined) return undefined;
  if (v.numel > 1 << 16) call.attrs.fail(`input ${i} (${what}) has ${v.numel} elements; expected a short list`);
  const values = flatValues(v.data);
  for (const x of values) if (!Number.isFinite(x)) call.attrs.fail(`input ${i} (${what}) holds ${x}`);
  return values.map(Math.trunc);
}

/** A scalar input's value, or `fallback` when absent. */
export function scalarOf(call: OpCall, i: number, what: string, fallback: number): number {
  const v = call.inputs[i];
  if (v === null || v === undefined) return fallback;
  if (v.numel !== 1) call.attrs.fail(`input ${i} (${what}) should hold one value, got ${v.numel}`);
  return flatValues(v.data)[0];
}

/** A constant (no gradient) Variable. */
export function constant(t: Tensor): Variable {
  return variable(t);
}

/** A constant holding integer `values` (int64, as ONNX's Shape, Size and integer Constants), shaped `[values.length]` or a scalar. */
export function intConstant(values: readonly number[], scalar = false): Variable {
  const t = tensor(
    BigInt64Array.from(values, (v) => BigInt(Math.trunc(v))),
    { dtype: 'int64' },
  );
  return variable(scalar ? t.reshape([]) : t);
}

/** Normalises axis `a` of a rank-`rank` tensor (negative counts from the end). */
export function axis(call: OpCall, a: number, rank: number, what = 'axis'): number {
  const r = Math.max(rank, 1);
  if (!Number.isInteger(a) || a < -r || a >= r) call.attrs.fail(`${what} ${a} is out of range for rank ${rank}`);
  return a < 0 ? a + r : a;
}

/** Checks that a shape about to be materialised is sane. */
export function checkSize(call: OpCall, shape: readonly number[], what: string): void {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0)
      call.attrs.fail(`${what} has an invalid dimension ${d} in [${shape.join(',')}]`);
    n *= d;
  }
  if (n > Math.min(MAX_ELEMENTS, call.maxElements))
    call.attrs.fail(
      `${what} [${shape.join(',')}] is absurdly large (${n} elements, more than maxElements ${call.maxElements})`,
    );
}

/** True when `v` carries no gradient and is not a float: shape arithmetic. */
export function isIntLike(v: Variable | Tensor): boolean {
  const t = isVariable(v) ? v.data : v;
  return t.dtype === 'int32' || t.dtype === 'int64' || t.dtype === 'bool';
}
