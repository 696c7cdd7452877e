import { fail } from '@torchlet/tensor';
import type { Variable } from './variable.js';

// Tracing lets a caller (the ONNX exporter) see every recorded operation of one forward pass, with
// its operands and options, without changing what the operations compute. One module-level
// listener, set only for the duration of `traceOps` (JS is single-threaded).

/**
 * One operation seen by {@link traceOps}: its name (as in `gradFn.name`), its result, its operands
 * (while tracing, numbers and plain tensors arrive as constant Variables, so every operand is
 * here) and the options that shaped it (`{ stride, padding }` for `conv2d`, `{ dims, keepdim }` for
 * `sum`, ...; empty for operations without options).
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { mul, traceOps, type TracedOp, variable } from '@torchlet/autograd';
 * const seen: TracedOp[] = [];
 * traceOps(() => mul(variable(tensor([1, 2])), 3), (op) => seen.push(op));
 * seen.map((op) => [op.name, op.inputs.length, op.inputs[1]?.data.item()]); // -> [['mul', 2, 3]]
 * ```
 */
export interface TracedOp {
  /** The operation's name (`'conv2d'`, `'add'`, a `defineFunction` name, ...). */
  readonly name: string;
  /** The Variable the operation returned. */
  readonly output: Variable;
  /** The operands in the operation's order; `null` only where an optional operand was absent (a missing bias). */
  readonly inputs: readonly (Variable | null)[];
  /** The operation's options, as it received them. */
  readonly attrs: Readonly<Record<string, unknown>>;
}

let listener: ((op: TracedOp) => void) | null = null;

/**
 * Runs `fn` and calls `onOp` for every differentiable operation it performs, in order, whether or
 * not gradients are being recorded. Results are unchanged. Used by exporters (`exportOnnx`) that
 * turn one forward pass into a graph; traces do not nest.
 *
 * @param fn - The computation to trace.
 * @param onOp - Called once per operation with its name, inputs, output and options.
 * @returns What `fn` returns.
 * @see torch.jit.trace
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { relu, sum, traceOps, variable } from '@torchlet/autograd';
 * const names: string[] = [];
 * const y = traceOps(() => sum(relu(variable(tensor([-1, 2])))), (op) => names.push(op.name));
 * [names, y.item()]; // -> [['relu', 'sum'], 2]
 * ```
 */
export function traceOps<T>(fn: () => T, onOp: (op: TracedOp) => void): T {
  if (typeof fn !== 'function' || typeof onOp !== 'function')
    fail('traceOps', 'fn', 'expected two functions: the computation and the listener');
  if (listener !== null) fail('traceOps', 'fn', 'traces do not nest: traceOps was called inside a trace');
  listener = onOp;
  try {
    return fn();
  } finally {
    listener = null;
  }
}

/**
 * True while {@link traceOps} runs. Operations with a fast path that skips `record` check it, and
 * so does any code that computes the same values another way (nn's folded Conv2d + BatchNorm2d in
 * evaluation mode), so that a trace always records the operations a model is written with.
 *
 * @returns `true` inside `traceOps`, `false` otherwise.
 * @example
 * ```ts
 * import { isTracing, traceOps } from '@torchlet/autograd';
 * isTracing(); // -> false
 * traceOps(() => isTracing(), () => {}); // -> true
 * ```
 */
export function isTracing(): boolean {
  return listener !== null;
}

/** Reports an operation to the active trace, if any (internal: called by `record`). */
export function emitTraced(op: TracedOp): void {
  if (listener !== null) listener(op);
}
