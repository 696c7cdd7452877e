// Elementwise kernels over strided operands: the shader turns each output index into a
// multi-index of the output shape and dots it with each operand's strides, so broadcasting
// (stride 0), transposed and sliced views run without a copy.

import { checkOpName, checkShape, checkStridedOperand } from './arguments.js';
import type { GpuBuffer } from './buffer.js';
import type { GpuContext } from './context.js';
import { checkBuffers, dispatch, groupsFor, paramsBinding } from './dispatch.js';
import { argumentError, checkCount, describeValue } from './errors.js';
import { allocate } from './transfer.js';
import { f32Word, SPECIAL_VALUES } from './wgsl.js';

/**
 * An operand as the elementwise kernels read it: element `(i0, i1, ...)` of the output shape is
 * `buffer[offset + i0 * strides[0] + i1 * strides[1] + ...]`; stride 0 broadcasts a dimension.
 *
 * @example
 * ```ts
 * import { initWebGPU, type StridedOperand, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * // A row vector [3] read as a [2, 3] matrix: the first dimension broadcasts.
 * const row: StridedOperand = { buffer: upload(gpu, new Float32Array([1, 2, 3])), strides: [0, 1] };
 * row.strides; // -> [0, 1]
 * ```
 */
export interface StridedOperand {
  readonly buffer: GpuBuffer;
  /** Element offset of the first element (default 0). */
  readonly offset?: number;
  /** One non-negative stride per output dimension, in elements. */
  readonly strides: readonly number[];
}

/** WGSL of each binary op on `x` and `y` (f32). */
const BINARY_WGSL = {
  add: 'x + y',
  sub: 'x - y',
  mul: 'x * y',
  div: 'x / y',
  // NaN propagates, as in PyTorch (WGSL's max and min leave it unspecified).
  maximum: 'select(max(x, y), f32_nan(), is_nan(x) || is_nan(y))',
  minimum: 'select(min(x, y), f32_nan(), is_nan(x) || is_nan(y))',
  // pow of a negative base is defined for integer exponents (sign from the exponent's parity), as in PyTorch.
  pow: 'pow_signed(x, y)',
  gt: 'select(0.0, 1.0, x > y)',
  lt: 'select(0.0, 1.0, x < y)',
  ge: 'select(0.0, 1.0, x >= y)',
  le: 'select(0.0, 1.0, x <= y)',
  eq: 'select(0.0, 1.0, x == y)',
  ne: 'select(0.0, 1.0, x != y)',
  // The gradient of relu: y passes where x > 0.
  reluBackward: 'select(0.0, y, x > 0.0)',
  // Gradients from the saved output x of sigmoid / tanh and the upstream gradient y.
  sigmoidBackward: 'y * x * (1.0 - x)',
  tanhBackward: 'y * (1.0 - x * x)',
} as const;

/**
 * The binary ops of {@link binary}: arithmetic (`add`, `sub`, `mul`, `div`, `pow`), `maximum`,
 * `minimum`, comparisons giving 1 or 0 (`gt`, `lt`, `ge`, `le`, `eq`, `ne`) and the gradients
 * `reluBackward` (`b` where `a > 0`, else 0), `sigmoidBackward` and `tanhBackward` (`a` the saved
 * output, `b` the upstream gradient: `b * a * (1 - a)`, `b * (1 - a^2)`).
 *
 * @example
 * ```ts
 * import type { BinaryOpName } from '@torchlet/webgpu';
 * const op: BinaryOpName = 'maximum';
 * op; // -> 'maximum'
 * ```
 */
export type BinaryOpName = keyof typeof BINARY_WGSL;

/** WGSL of each unary op on `x` (f32); tanh and sigmoid are written so large |x| cannot overflow. */
const UNARY_WGSL = {
  neg: '-x',
  abs: 'abs(x)',
  exp: 'exp(x)',
  // WGSL leaves log and sqrt of a negative number unspecified (SwiftShader returns finite values):
  // NaN, as PyTorch.
  log: 'select(log(x), f32_nan(), x < 0.0)',
  sqrt: 'select(sqrt(x), f32_nan(), x < 0.0)',
  rsqrt: 'select(inverseSqrt(x), f32_nan(), x < 0.0)',
  reciprocal: '1.0 / x',
  square: 'x * x',
  relu: 'max(x, 0.0)',
  sigmoid: 'select(exp(x) / (1.0 + exp(x)), 1.0 / (1.0 + exp(-x)), x >= 0.0)',
  tanh: 'sign(x) * (1.0 - exp(-2.0 * abs(x))) / (1.0 + exp(-2.0 * abs(x)))',
  sin: 'sin(x)',
  cos: 'cos(x)',
  sign: 'sign(x)',
  floor: 'floor(x)',
  ceil: 'ceil(x)',
  // WGSL's round is half to even, as PyTorch's.
  round: 'round(x)',
  trunc: 'trunc(x)',
  // log1p and expm1 keep their accuracy near 0, where log(1 + x) and exp(x) - 1 cancel.
  log1p: 'log1p_f32(x)',
  expm1: 'expm1_f32(x)',
  copy: 'x',
} as const;

/**
 * The unary ops of {@link unary}: `neg abs exp log sqrt rsqrt reciprocal square relu sigmoid tanh
 * sin cos sign floor ceil round trunc log1p expm1`, and `copy`, which gathers a strided view into
 * a contiguous buffer. `round` rounds half to even, as PyTorch. Accuracy
 * is WGSL's: `exp` and `log` within a few ulp, `sin` and `cos` within 2^-11 (absolute) on
 * [-pi, pi] only.
 *
 * @example
 * ```ts
 * import type { UnaryOpName } from '@torchlet/webgpu';
 * const op: UnaryOpName = 'sigmoid';
 * op; // -> 'sigmoid'
 * ```
 */
export type UnaryOpName = keyof typeof UNARY_WGSL;

const POW_SIGNED = `${SPECIAL_VALUES}
// x^n by repeated squaring: exact wherever the products are (5^2 = 25, not exp2's 24.999998), as
// PyTorch's pow is for integer exponents.
fn pow_uint(x: f32, n: u32) -> f32 {
  var base = x;
  var e = n;
  var r = 1.0;
  loop {
    if ((e & 1u) == 1u) { r = r * base; }
    e = e >> 1u;
    if (e == 0u) { break; }
    base = base * base;
  }
  return r;
}
fn pow_signed(x: f32, y: f32) -> f32 {
  if (y == 0.0) { return 1.0; }
  if (y == floor(y) && abs(y) <= 256.0) {
    let p = pow_uint(x, u32(abs(y)));
    return select(p, 1.0 / p, y < 0.0);
  }
  if (x == 0.0) { return select(0.0, f32_inf(), y < 0.0); }
  let r = exp2(y * log2(abs(x)));
  if (x > 0.0) { return r; }
  if (y != floor(y)) { return f32_nan(); }
  return select(r, -r, (abs(y) % 2.0) == 1.0);
}
fn log1p_f32(x: f32) -> f32 {
  let u = 1.0 + x;
  if (u < 0.0) { return f32_nan(); }
  if (u == 0.0) { return -f32_inf(); }
  if (u == 1.0) { return x; }
  // log(u) * x / (u - 1) corrects the rounding of 1 + x (Goldberg's trick).
  return select(log(u), log(u) * x / (u - 1.0), abs(x) < 0.5);
}
fn expm1_f32(x: f32) -> f32 {
  if (abs(x) >= 0.5) { return exp(x) - 1.0; }
  let u = exp(x);
  if (u == 1.0) { return x; }
  // (u - 1) * x / log(u) corrects the rounding of exp(x) (Kahan's trick).
  return (u - 1.0) * x / log(u);
}`;

const WORKGROUP = 64;

/**
 * Parameters: [n, rank, operands, scalar 0 bits, scalar 1 bits, offset_0 .. offset_{ops-1},
 * shape..., strides of operand 0..., strides of operand 1 ...]. Each invocation walks the shape
 * from the last dimension. Expressions read the scalars as `s0` and `s1`.
 */
function elementwiseWgsl(operands: number, expr: string, types: ElementTypes): string {
  const inputs = Array.from(
    { length: operands },
    (_, i) => `@group(0) @binding(${i}) var<storage, read> in${i}: array<${types.input}>;`,
  ).join('\n');
  const names = ['x', 'y', 'z'];
  const reads = Array.from({ length: operands }, (_, i) => `let ${names[i]} = in${i}[idx[${i}]];`).join('\n    ');
  return `${inputs}
@group(0) @binding(${operands}) var<storage, read_write> out: array<${types.output}>;
${paramsBinding(operands + 1)}
${POW_SIGNED}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let i = gid.y * ng.x * ${WORKGROUP}u + gid.x;
  if (i >= P[0]) { return; }
  let rank = P[1];
  let s0 = bitcast<f32>(P[3]);
  let s1 = bitcast<f32>(P[4]);
  var idx: array<u32, ${operands}>;
  for (var o = 0u; o < ${operands}u; o++) { idx[o] = P[5u + o]; }
  var rem = i;
  let shapeAt = 5u + ${operands}u;
  for (var d = i32(rank) - 1; d >= 0; d--) {
    let size = P[shapeAt + u32(d)];
    let c = rem % size;
    rem = rem / size;
    for (var o = 0u; o < ${operands}u; o++) { idx[o] += c * P[shapeAt + rank * (o + 1u) + u32(d)]; }
  }
  ${reads}
  out[i] = ${expr};
}`;
}

function numelOf(fn: string, shape: readonly number[]): number {
  let n = 1;
  for (const [d, s] of shape.entries()) {
    checkCount(fn, `shape[${d}]`, s);
    n *= s;
  }
  return n;
}

function checkOperand(fn: string, arg: string, op: StridedOperand, shape: readonly number[]): void {
  if (op.strides.length !== shape.length) {
    argumentError(
      fn,
      arg,
      `has ${op.strides.length} strides for an output of rank ${shape.length} ([${shape.join(',')}])`,
    );
  }
  const offset = op.offset ?? 0;
  checkCount(fn, `${arg}.offset`, offset);
  let last = offset;
  for (const [d, s] of op.strides.entries()) {
    checkCount(fn, `${arg}.strides[${d}]`, s);
    last += (shape[d] - 1) * s;
  }
  if (shape.every((s) => s > 0) && last >= op.buffer.length) {
    argumentError(
      fn,
      arg,
      `strides [${op.strides.join(',')}] from offset ${offset} over shape [${shape.join(',')}] reach element ${last}, but the buffer holds ${op.buffer.length}`,
    );
  }
}

const OPERAND_NAMES = ['a', 'b', 'c'];

/** The WGSL element types of an elementwise kernel's inputs and output (float32 unless said). */
export interface ElementTypes {
  readonly input: 'f32' | 'i32';
  readonly output: 'f32' | 'i32';
}

const F32: ElementTypes = { input: 'f32', output: 'f32' };

/** Checks the operands and shape, then runs `expr` over them (the strided kernel of this file). */
export function runElementwise(
  fn: string,
  name: string,
  key: string,
  expr: string,
  operands: readonly StridedOperand[],
  shape: readonly number[],
  scalars: readonly [number, number] = [0, 0],
  names: readonly string[] = OPERAND_NAMES,
  types: ElementTypes = F32,
): GpuBuffer {
  for (const [i, o] of operands.entries()) checkStridedOperand(fn, names[i], o);
  checkShape(fn, 'shape', shape);
  const gpu = operands[0].buffer.owner as GpuContext;
  const named: Record<string, GpuBuffer> = {};
  operands.forEach((o, i) => {
    named[names[i]] = o.buffer;
  });
  checkBuffers(fn, gpu, named);
  const n = numelOf(fn, shape);
  for (const [i, o] of operands.entries()) checkOperand(fn, names[i], o, shape);
  const out = allocate(gpu, n);
  if (n === 0) return out;
  const params = [
    n,
    shape.length,
    operands.length,
    f32Word(scalars[0]),
    f32Word(scalars[1]),
    ...operands.map((o) => o.offset ?? 0),
    ...shape,
  ];
  for (const o of operands) params.push(...o.strides);
  dispatch(gpu, {
    name,
    key,
    wgsl: () => elementwiseWgsl(operands.length, expr, types),
    buffers: [...operands.map((o) => o.buffer), out],
    params,
    groups: groupsFor(n, WORKGROUP),
  });
  return out;
}

/**
 * `op(a, b)` elementwise over `shape`, each operand read through its strides (stride 0
 * broadcasts): a new contiguous float32 buffer of `shape`'s element count. Kernel:
 * `'webgpu-binary-strided'`.
 *
 * @param op - The operation: arithmetic (`'add'`, `'sub'`, `'mul'`, `'div'`, `'pow'`, `'maximum'`,
 *   `'minimum'`), a comparison giving 1/0 (`'gt'`, `'lt'`, `'ge'`, `'le'`, `'eq'`, `'ne'`) or an activation's
 *   backward (`'reluBackward'`, `'sigmoidBackward'`, `'tanhBackward'`).
 * @param a - The left operand: a float32 buffer read through an offset and one stride per dimension of `shape`.
 * @param b - The right operand, read the same way (stride 0 broadcasts).
 * @param shape - The output's shape.
 * @returns A new contiguous float32 buffer of `shape`.
 * @example
 * ```ts
 * import { binary, initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const a = upload(gpu, new Float32Array([1, 2, 3, 4, 5, 6])); // [2, 3]
 * const b = upload(gpu, new Float32Array([10, 20, 30])); // [3], broadcast over rows
 * const c = binary('add', { buffer: a, strides: [3, 1] }, { buffer: b, strides: [0, 1] }, [2, 3]);
 * Array.from(await readback(c)); // -> [11, 22, 33, 14, 25, 36]
 * ```
 */
export function binary(op: BinaryOpName, a: StridedOperand, b: StridedOperand, shape: readonly number[]): GpuBuffer {
  checkOpName('binary', op, BINARY_WGSL);
  const expr = BINARY_WGSL[op];
  return runElementwise('binary', 'webgpu-binary-strided', `binary:${op}`, expr, [a, b], shape);
}

/**
 * `op(a)` elementwise over `shape`, `a` read through its strides: a new contiguous float32
 * buffer. `unary('copy', view, shape)` makes a strided view contiguous. Kernel:
 * `'webgpu-unary-strided'`.
 *
 * @param op - The function, e.g. `'neg'`, `'exp'`, `'log'`, `'sqrt'`, `'relu'`, `'sigmoid'`, `'tanh'`,
 *   `'floor'` or `'copy'`.
 * @param a - The operand: a float32 buffer read through an offset and one stride per dimension of `shape`.
 * @param shape - The output's shape.
 * @returns A new contiguous float32 buffer of `shape`.
 * @example
 * ```ts
 * import { initWebGPU, readback, unary, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const a = upload(gpu, new Float32Array([1, 2, 3, 4])); // [2, 2]
 * // The transpose, made contiguous.
 * const t = unary('copy', { buffer: a, strides: [1, 2] }, [2, 2]);
 * Array.from(await readback(t)); // -> [1, 3, 2, 4]
 * Array.from(await readback(unary('relu', { buffer: upload(gpu, new Float32Array([-1, 2])), strides: [1] }, [2]))); // -> [0, 2]
 * ```
 */
export function unary(op: UnaryOpName, a: StridedOperand, shape: readonly number[]): GpuBuffer {
  checkOpName('unary', op, UNARY_WGSL);
  const expr = UNARY_WGSL[op];
  return runElementwise('unary', 'webgpu-unary-strided', `unary:${op}`, expr, [a], shape);
}

/**
 * The strides that read a contiguous array of shape `from` as the broadcast shape `to`
 * (NumPy/PyTorch rules: dimensions align from the right; size-1 and missing ones get stride 0).
 *
 * @param from - The shape of the contiguous array.
 * @param to - The broadcast shape, which `from` must broadcast to.
 * @returns One stride per dimension of `to` (0 where `from` is broadcast).
 * @example
 * ```ts
 * import { broadcastStrides } from '@torchlet/webgpu';
 * broadcastStrides([3, 1], [2, 3, 4]); // -> [0, 1, 0]
 * ```
 */
export function broadcastStrides(from: readonly number[], to: readonly number[]): number[] {
  checkShape('broadcastStrides', 'from', from);
  checkShape('broadcastStrides', 'to', to);
  if (from.length > to.length)
    argumentError('broadcastStrides', 'from', `[${from.join(',')}] has more dimensions than [${to.join(',')}]`);
  const strides = new Array<number>(to.length).fill(0);
  let step = 1;
  for (let i = from.length - 1; i >= 0; i--) {
    const d = to.length - from.length + i;
    if (from[i] === to[d]) strides[d] = from[i] === 1 ? 0 : step;
    else if (from[i] !== 1) {
      argumentError('broadcastStrides', 'from', `[${from.join(',')}] does not broadcast to [${to.join(',')}]`);
    }
    step *= from[i];
  }
  return strides;
}

/**
 * `min(max(a, min), max)` elementwise over `shape` (PyTorch's `clamp`; a bound left `undefined`
 * is open). NaN stays NaN; a NaN bound gives NaN; `min > max` gives `max` everywhere, as PyTorch.
 * Kernel: `'webgpu-clamp-strided'`.
 *
 * @param a - The operand: a float32 buffer read through an offset and one stride per dimension of `shape`.
 * @param shape - The output's shape.
 * @param min - The lower bound; omitted for none.
 * @param max - The upper bound; omitted for none.
 * @returns A new contiguous float32 buffer of `shape`.
 * @example
 * ```ts
 * import { clamp, initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const a = upload(gpu, new Float32Array([-2, 0.5, 3]));
 * Array.from(await readback(clamp({ buffer: a, strides: [1] }, [3], 0, 1))); // -> [0, 0.5, 1]
 * Array.from(await readback(clamp({ buffer: a, strides: [1] }, [3], undefined, 0))); // -> [-2, 0, 0]
 * ```
 */
export function clamp(a: StridedOperand, shape: readonly number[], min?: number, max?: number): GpuBuffer {
  for (const [arg, v] of [
    ['min', min],
    ['max', max],
  ] as const) {
    if (v !== undefined && typeof v !== 'number') {
      argumentError('clamp', arg, `${arg} must be a number or undefined, got ${describeValue(v)}`);
    }
  }
  const lo = min ?? Number.NEGATIVE_INFINITY;
  const hi = max ?? Number.POSITIVE_INFINITY;
  const expr = 'select(min(max(x, s0), s1), f32_nan(), is_nan(x) || is_nan(s0) || is_nan(s1))';
  return runElementwise('clamp', 'webgpu-clamp-strided', 'clamp', expr, [a], shape, [lo, hi]);
}

/**
 * `condition ? a : b` elementwise over `shape` (PyTorch's `where`): `condition` is read as a
 * float, nonzero (or NaN) meaning true; each operand through its own strides, so all three
 * broadcast. Kernel: `'webgpu-where-strided'`.
 *
 * @param condition - The condition (nonzero is true), read through its strides.
 * @param a - The values where the condition holds.
 * @param b - The values elsewhere.
 * @param shape - The output's shape; every operand broadcasts to it through its strides.
 * @returns A new contiguous float32 buffer of `shape`.
 * @example
 * ```ts
 * import { initWebGPU, readback, upload, where } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const cond = upload(gpu, new Float32Array([1, 0, 1]));
 * const a = upload(gpu, new Float32Array([1, 2, 3]));
 * const zero = upload(gpu, new Float32Array([0])); // broadcast
 * const out = where({ buffer: cond, strides: [1] }, { buffer: a, strides: [1] }, { buffer: zero, strides: [0] }, [3]);
 * Array.from(await readback(out)); // -> [1, 0, 3]
 * ```
 */
export function where(
  condition: StridedOperand,
  a: StridedOperand,
  b: StridedOperand,
  shape: readonly number[],
): GpuBuffer {
  return runElementwise(
    'where',
    'webgpu-where-strided',
    'where',
    'select(z, y, x != 0.0)',
    [condition, a, b],
    shape,
    [0, 0],
    ['condition', 'a', 'b'],
  );
}
