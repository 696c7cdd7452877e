// Checks of the arguments at the public boundary, before any property of them is read: a value of
// the wrong kind (a number where a buffer goes, null geometry, a string shape) gets a WebGPUError
// naming the function and the argument, never a raw TypeError from deep inside.
import { GpuBuffer } from './buffer.js';
import { GpuContext } from './context.js';
import type { StridedOperand } from './elementwise.js';
import { argumentError, checkCount, describeValue } from './errors.js';

/** Checks that `value` is a {@link GpuBuffer}. */
export function checkBuffer(fn: string, arg: string, value: unknown): asserts value is GpuBuffer {
  if (!(value instanceof GpuBuffer)) {
    argumentError(fn, arg, `must be a GpuBuffer (from upload or allocate), got ${describeValue(value)}`);
  }
}

/** Checks that `value` is a {@link GpuContext} (from initWebGPU). */
export function checkContext(fn: string, arg: string, value: unknown): asserts value is GpuContext {
  if (!(value instanceof GpuContext)) {
    argumentError(fn, arg, `must be a GpuContext (await initWebGPU()), got ${describeValue(value)}`);
  }
}

/** The context of buffer `value` (after checking it is a buffer). */
export function contextOf(fn: string, arg: string, value: unknown): GpuContext {
  checkBuffer(fn, arg, value);
  return value.owner as GpuContext;
}

/** Checks that `value` is a non-null object (a geometry or options record). */
export function checkObject(fn: string, arg: string, value: unknown, what: string): asserts value is object {
  if (typeof value !== 'object' || value === null)
    argumentError(fn, arg, `must be ${what}, got ${describeValue(value)}`);
}

/** Checks that `value` is an array of sizes (non-negative integers). */
export function checkShape(fn: string, arg: string, value: unknown): asserts value is readonly number[] {
  if (!Array.isArray(value)) argumentError(fn, arg, `must be an array of sizes, got ${describeValue(value)}`);
  for (let d = 0; d < value.length; d++) checkCount(fn, `${arg}[${d}]`, value[d]);
}

/** Checks a strided view's fields: a buffer, an array of strides, an optional offset. */
export function checkStridedOperand(fn: string, arg: string, value: unknown): asserts value is StridedOperand {
  checkObject(fn, arg, value, 'a strided operand { buffer, strides, offset? }');
  const op = value as { buffer?: unknown; strides?: unknown; offset?: unknown };
  checkBuffer(fn, `${arg}.buffer`, op.buffer);
  checkShape(fn, `${arg}.strides`, op.strides);
  if (op.offset !== undefined) checkCount(fn, `${arg}.offset`, op.offset as number);
}

/** Checks that `op` names an entry of `table` (its own key: `'constructor'` is no op). */
export function checkOpName(fn: string, op: unknown, table: object): asserts op is string {
  if (typeof op !== 'string' || !Object.hasOwn(table, op)) {
    argumentError(fn, 'op', `unknown op ${describeValue(op)}; expected one of ${Object.keys(table).join(', ')}`);
  }
}
