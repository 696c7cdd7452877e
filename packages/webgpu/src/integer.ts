// int32 on the device: exact integer arithmetic (two's-complement wrap-around, as PyTorch's int32)
// and comparisons over strided operands, and the conversions between the 32-bit element types
// (int32, float32, and bool stored as 0/1 float32). The float kernels would round integers above
// 2^24 and read small ones as denormals, so these read and write i32 words.

import { checkOpName } from './arguments.js';
import type { GpuBuffer } from './buffer.js';
import { runElementwise, type StridedOperand } from './elementwise.js';
import { argumentError, describeValue } from './errors.js';

/**
 * The int32 ops of {@link binaryInt32}: arithmetic that wraps around at 32 bits (`add`, `sub`,
 * `mul`), `maximum`, `minimum`, and comparisons (`gt`, `lt`, `ge`, `le`, `eq`, `ne`).
 *
 * @example
 * ```ts
 * import type { Int32BinaryOpName } from '@torchlet/webgpu';
 * const op: Int32BinaryOpName = 'mul';
 * op; // -> 'mul'
 * ```
 */
export type Int32BinaryOpName = 'add' | 'sub' | 'mul' | 'maximum' | 'minimum' | 'gt' | 'lt' | 'ge' | 'le' | 'eq' | 'ne';

const INT32_WGSL: Readonly<Record<Int32BinaryOpName, string>> = {
  add: 'x + y',
  sub: 'x - y',
  mul: 'x * y',
  maximum: 'max(x, y)',
  minimum: 'min(x, y)',
  gt: 'select(0.0, 1.0, x > y)',
  lt: 'select(0.0, 1.0, x < y)',
  ge: 'select(0.0, 1.0, x >= y)',
  le: 'select(0.0, 1.0, x <= y)',
  eq: 'select(0.0, 1.0, x == y)',
  ne: 'select(0.0, 1.0, x != y)',
};

const COMPARISONS: ReadonlySet<string> = new Set(['gt', 'lt', 'ge', 'le', 'eq', 'ne']);

/**
 * `op(a, b)` on int32 buffers over `shape`, each operand read through its strides (stride 0
 * broadcasts). Arithmetic gives a new int32 buffer (wrapping around at 32 bits, as PyTorch's
 * int32); comparisons give 1 or 0 as float32 (the device's bool). Kernel: `'webgpu-int32-binary-strided'`.
 *
 * @param op - `'add'`, `'sub'`, `'mul'`, `'maximum'`, `'minimum'`, or a comparison (`'gt'`, `'lt'`, `'ge'`,
 *   `'le'`, `'eq'`, `'ne'`).
 * @param a - The left operand: an int32 buffer, an offset and one stride per dimension of `shape`.
 * @param b - The right operand, read the same way.
 * @param shape - The output's shape.
 * @returns A new contiguous buffer of `shape`: int32 for arithmetic, float32 0/1 for comparisons.
 * @example
 * ```ts
 * import { binaryInt32, initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const a = upload(gpu, new Int32Array([2147483647, -3, 16777217]));
 * const b = upload(gpu, new Int32Array([1, 4, 1]));
 * const sum = binaryInt32('add', { buffer: a, strides: [1] }, { buffer: b, strides: [1] }, [3]);
 * Array.from(await readback(sum, Int32Array)); // -> [-2147483648, 1, 16777218]
 * const gt = binaryInt32('gt', { buffer: a, strides: [1] }, { buffer: b, strides: [1] }, [3]);
 * Array.from(await readback(gt)); // -> [1, 0, 1]
 * ```
 */
export function binaryInt32(
  op: Int32BinaryOpName,
  a: StridedOperand,
  b: StridedOperand,
  shape: readonly number[],
): GpuBuffer {
  checkOpName('binaryInt32', op, INT32_WGSL);
  const types = { input: 'i32', output: COMPARISONS.has(op) ? 'f32' : 'i32' } as const;
  return runElementwise(
    'binaryInt32',
    'webgpu-int32-binary-strided',
    `int32:${op}`,
    INT32_WGSL[op],
    [a, b],
    shape,
    [0, 0],
    ['a', 'b'],
    types,
  );
}

/**
 * The int32 ops of {@link unaryInt32}: `neg` and `abs`, wrapping as PyTorch's int32 (`-(-2^31)`
 * and `abs(-2^31)` are `-2^31`).
 *
 * @example
 * ```ts
 * import type { Int32UnaryOpName } from '@torchlet/webgpu';
 * const op: Int32UnaryOpName = 'abs';
 * op; // -> 'abs'
 * ```
 */
export type Int32UnaryOpName = 'neg' | 'abs';

const INT32_UNARY_WGSL: Readonly<Record<Int32UnaryOpName, string>> = { neg: '-x', abs: 'abs(x)' };

/**
 * `op(a)` on an int32 view over `shape`: a new contiguous int32 buffer. Kernel:
 * `'webgpu-int32-unary-strided'`.
 *
 * @param op - `'neg'` or `'abs'`.
 * @param a - The operand: an int32 buffer, an offset and one stride per dimension of `shape`.
 * @param shape - The output's shape.
 * @returns A new contiguous int32 buffer of `shape`.
 * @example
 * ```ts
 * import { initWebGPU, readback, unaryInt32, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const a = upload(gpu, new Int32Array([3, -4, -2147483648]));
 * Array.from(await readback(unaryInt32('abs', { buffer: a, strides: [1] }, [3]), Int32Array)); // -> [3, 4, -2147483648]
 * ```
 */
export function unaryInt32(op: Int32UnaryOpName, a: StridedOperand, shape: readonly number[]): GpuBuffer {
  checkOpName('unaryInt32', op, INT32_UNARY_WGSL);
  const types = { input: 'i32', output: 'i32' } as const;
  return runElementwise(
    'unaryInt32',
    'webgpu-int32-unary-strided',
    `int32-unary:${op}`,
    INT32_UNARY_WGSL[op],
    [a],
    shape,
    [0, 0],
    ['a'],
    types,
  );
}

/**
 * The 32-bit element types {@link castElements} converts between: `'float32'`, `'int32'`, and
 * `'bool'` (stored as 0/1 float32).
 *
 * @example
 * ```ts
 * import type { ElementType } from '@torchlet/webgpu';
 * const t: ElementType = 'int32';
 * t; // -> 'int32'
 * ```
 */
export type ElementType = 'float32' | 'int32' | 'bool';

const WGSL_TYPE = { float32: 'f32', int32: 'i32', bool: 'f32' } as const;

/** The conversion expression from `x` of type `from` to `to` (PyTorch's rules). */
function castExpr(from: ElementType, to: ElementType): string {
  if (to === 'bool') return 'select(0.0, 1.0, x != 0)';
  if (from === to || (from === 'bool' && to === 'float32')) return 'x';
  if (to === 'float32') return 'f32(x)';
  // float to int truncates toward zero; WGSL's i32() saturates where C++ is undefined (NaN, inf)
  return 'i32(trunc(x))';
}

/**
 * Converts the view `a` of `shape` from `from` to `to` into a new contiguous buffer: int32 to
 * float32 rounds to nearest, float32 (or bool) to int32 truncates toward zero, anything to bool
 * is `x != 0`. Kernel: `'webgpu-cast-strided'`.
 *
 * @param a - The operand: a buffer of `from` elements, an offset and one stride per dimension of `shape`.
 * @param shape - The shape to convert.
 * @param from - The element type of `a`.
 * @param to - The element type of the result.
 * @returns A new contiguous buffer of `to` elements.
 * @example
 * ```ts
 * import { castElements, initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const x = upload(gpu, new Float32Array([-2.7, 0.5, 3.9]));
 * const i = castElements({ buffer: x, strides: [1] }, [3], 'float32', 'int32');
 * Array.from(await readback(i, Int32Array)); // -> [-2, 0, 3]
 * const f = castElements({ buffer: i, strides: [1] }, [3], 'int32', 'float32');
 * Array.from(await readback(f)); // -> [-2, 0, 3]
 * ```
 */
export function castElements(
  a: StridedOperand,
  shape: readonly number[],
  from: ElementType,
  to: ElementType,
): GpuBuffer {
  for (const [arg, t] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (t !== 'float32' && t !== 'int32' && t !== 'bool') {
      argumentError('castElements', arg, `must be 'float32', 'int32' or 'bool', got ${describeValue(t)}`);
    }
  }
  const expr = from === 'int32' && to === 'bool' ? 'select(0.0, 1.0, x != 0i)' : castExpr(from, to);
  const types = { input: WGSL_TYPE[from], output: WGSL_TYPE[to] } as const;
  return runElementwise(
    'castElements',
    'webgpu-cast-strided',
    `cast:${from}:${to}`,
    expr,
    [a],
    shape,
    [0, 0],
    ['a'],
    types,
  );
}
