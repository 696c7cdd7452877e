// Elementwise math on the webgpu device: the plan (dtype, broadcast shape) is made by the op in
// elementwise.ts as on the CPU; these run it with @torchlet/webgpu's strided kernels.
import {
  type BinaryOpName,
  binary,
  binaryInt32,
  castElements,
  copyInto,
  type GpuBuffer,
  type Int32BinaryOpName,
  type StridedOperand,
  type UnaryOpName,
  unary,
  unaryInt32,
  upload,
} from '@torchlet/webgpu';
import type { DType } from '../dtype.js';
import { fail, formatShape } from '../errors.js';
import { broadcastShapes, contiguousStrides, type Shape, shapeSize } from '../shape.js';
import { isTensor, Tensor, type TensorLike } from '../tensor.js';
import { requireGpu } from './transfer.js';

/** True when any operand is a webgpu tensor: the one test the CPU path pays. */
export function anyOnGpu(x: unknown, y?: unknown, z?: unknown): boolean {
  return (
    (isTensor(x) && x.gpuBuffer !== null) ||
    (isTensor(y) && y.gpuBuffer !== null) ||
    (isTensor(z) && z.gpuBuffer !== null)
  );
}

/** PyTorch's error for operands on two devices (a 0-d CPU tensor counts as a scalar, as in PyTorch). */
export function checkSameDevice(fn: string, named: Readonly<Record<string, TensorLike>>): void {
  let first: [string, string] | null = null;
  for (const [arg, x] of Object.entries(named)) {
    if (!isTensor(x) || (x.device === 'cpu' && x.ndim === 0)) continue;
    if (first === null) first = [arg, x.device];
    else if (x.device !== first[1]) {
      fail(
        fn,
        arg,
        `Expected all tensors to be on the same device, but found at least two devices, ${first[1]} and ${x.device} (${first[0]} on ${first[1]}, ${arg} on ${x.device}); move one with .to('webgpu') or await x.cpu()`,
      );
    }
  }
}

/** Rejects a webgpu tensor of a dtype the float32 kernels cannot compute in (bool reads as 0/1 floats). */
export function checkGpuFloat(fn: string, arg: string, t: Tensor): void {
  if (t.dtype === 'float32' || t.dtype === 'bool') return;
  fail(
    fn,
    arg,
    `${t.dtype} math is not supported on the webgpu device yet (its kernels compute in float32); got ${arg} ${t.dtype} ${formatShape(t.shape)}: convert with .to('float32') first, or compute on the CPU after \`await x.cpu()\``,
  );
}

/** A scalar (number, boolean or 0-d CPU tensor) on the GPU as a 1-element buffer. */
function scalarBuffer(x: number | boolean | Tensor, compute: 'float32' | 'int32' = 'float32'): GpuBuffer {
  const v = isTensor(x) ? Number(x.data[x.offset]) : Number(x);
  return upload(requireGpu('webgpu'), compute === 'int32' ? new Int32Array([v]) : new Float32Array([v]));
}

/** Buffers made for one op (scalars, intermediates) and given back once its kernels are queued. */
class Scratch {
  private readonly buffers: GpuBuffer[] = [];
  keep(b: GpuBuffer): GpuBuffer {
    this.buffers.push(b);
    return b;
  }
  /** Later writes queue after the kernels already submitted, so the buffers can be reused at once. */
  release(): void {
    for (const b of this.buffers) b.release();
  }
}

/** `x` read as the broadcast `shape`: a webgpu tensor through its strides, a scalar with stride 0. */
function operandOf(
  fn: string,
  arg: string,
  x: TensorLike,
  shape: Shape,
  scratch: Scratch,
  compute: 'float32' | 'int32' = 'float32',
): StridedOperand {
  const n = shape.length;
  if (!isTensor(x) || x.gpuBuffer === null)
    return { buffer: scratch.keep(scalarBuffer(x, compute)), strides: new Array(n).fill(0) };
  // an operand of another 32-bit type is converted first (int32 + float32 computes in float32,
  // int32 + bool in int32, as PyTorch's promotion)
  const wordType = x.dtype === 'int32' ? 'int32' : 'float32';
  if (wordType !== compute && (x.dtype === 'int32' || x.dtype === 'float32' || x.dtype === 'bool')) {
    const view = operandOf(fn, arg, x, shape, scratch, wordType);
    const from = x.dtype === 'int32' ? 'int32' : x.dtype === 'bool' ? 'bool' : 'float32';
    const buffer = scratch.keep(castElements(view, shape, from, compute));
    return { buffer, strides: contiguousStrides(shape) };
  }
  if (compute === 'float32') checkGpuFloat(fn, arg, x);
  const strides = new Array<number>(n).fill(0);
  const k = x.ndim;
  for (let i = 0; i < k; i++) {
    const s = x.strides[i];
    if (s < 0)
      fail(fn, arg, `negative strides are not supported on the webgpu device (strides ${formatShape(x.strides)})`);
    strides[n - k + i] = x.shape[i] === 1 ? 0 : s;
  }
  return { buffer: x.gpuBuffer, offset: x.offset, strides };
}

/** The binary kernels by elementwise.ts's op name; bool operands (0/1) use `maximum`/`minimum` for or/and. */
const BINARY_OPS: Readonly<Record<string, BinaryOpName>> = {
  add: 'add',
  sub: 'sub',
  mul: 'mul',
  div: 'div',
  pow: 'pow',
  maximum: 'maximum',
  minimum: 'minimum',
  eq: 'eq',
  lt: 'lt',
  le: 'le',
  gt: 'gt',
  ge: 'ge',
};

/**
 * `name(x, y)` on the webgpu device, computed in `dtype` (float32, or bool for logical or/and),
 * the result of dtype `outDtype`. The operands are checked to be on one device.
 */
export function gpuBinary(name: string, x: TensorLike, y: TensorLike, dtype: DType, outDtype: DType): Tensor {
  checkSameDevice(name, { input: x, other: y });
  if (dtype === 'int32') return gpuBinaryInt32(name, x, y, outDtype);
  if (dtype !== 'float32' && dtype !== 'bool') {
    fail(
      name,
      'input',
      `${dtype} math is not supported on the webgpu device (WebGPU has no 64-bit types): convert with .to('float32') or .to('int32') first, or compute on the CPU after \`await x.cpu()\``,
    );
  }
  const shape = broadcastShapes(name, isTensor(x) ? x.shape : [], isTensor(y) ? y.shape : []);
  const scratch = new Scratch();
  try {
    const a = operandOf(name, 'input', x, shape, scratch);
    const b = operandOf(name, 'other', y, shape, scratch);
    let out: GpuBuffer;
    if (name === 'ne') {
      const equal = scratch.keep(binary('eq', a, b, shape));
      const one = scratch.keep(scalarBuffer(1));
      const strides = contiguousStrides(shape);
      out = binary('sub', { buffer: one, strides: strides.map(() => 0) }, { buffer: equal, strides }, shape);
    } else {
      let op = BINARY_OPS[name];
      if (op === undefined) fail(name, 'input', 'has no webgpu kernel yet');
      if (dtype === 'bool' && op === 'add') op = 'maximum';
      else if (dtype === 'bool' && op === 'mul') op = 'minimum';
      out = binary(op, a, b, shape);
    }
    return new Tensor(out, shape, undefined, 0, outDtype);
  } finally {
    scratch.release();
  }
}

/** The int32 kernels by elementwise.ts's op name: exact integer math and comparisons. */
const INT32_OPS: Readonly<Record<string, Int32BinaryOpName>> = {
  add: 'add',
  sub: 'sub',
  mul: 'mul',
  maximum: 'maximum',
  minimum: 'minimum',
  eq: 'eq',
  ne: 'ne',
  lt: 'lt',
  le: 'le',
  gt: 'gt',
  ge: 'ge',
};

/** `name(x, y)` computed in int32 on the device (wrapping at 32 bits; comparisons give bool). */
function gpuBinaryInt32(name: string, x: TensorLike, y: TensorLike, outDtype: DType): Tensor {
  const op = INT32_OPS[name];
  if (op === undefined) {
    fail(
      name,
      'input',
      `${name} of int32 tensors has no webgpu kernel yet (add, sub, mul, maximum, minimum and comparisons do): convert with .to('float32') first, or compute on the CPU after \`await x.cpu()\``,
    );
  }
  const shape = broadcastShapes(name, isTensor(x) ? x.shape : [], isTensor(y) ? y.shape : []);
  const scratch = new Scratch();
  try {
    const a = operandOf(name, 'input', x, shape, scratch, 'int32');
    const b = operandOf(name, 'other', y, shape, scratch, 'int32');
    return new Tensor(binaryInt32(op, a, b, shape), shape, undefined, 0, outDtype);
  } finally {
    scratch.release();
  }
}

/** The unary kernels by elementwise.ts's op name. */
const UNARY_OPS: Readonly<Record<string, UnaryOpName>> = {
  neg: 'neg',
  abs: 'abs',
  exp: 'exp',
  log: 'log',
  sqrt: 'sqrt',
  tanh: 'tanh',
  sigmoid: 'sigmoid',
  relu: 'relu',
  sin: 'sin',
  cos: 'cos',
  square: 'square',
  rsqrt: 'rsqrt',
  reciprocal: 'reciprocal',
  copy: 'copy',
};

/** `name(x)` on the webgpu device into a new contiguous tensor of dtype `outDtype` (default `x`'s). */
export function gpuUnary(name: string, x: Tensor, outDtype: DType = x.dtype): Tensor {
  if (x.dtype === 'int32' && (name === 'neg' || name === 'abs') && outDtype === 'int32') {
    const a = operandOf(name, 'input', x, x.shape, new Scratch(), 'int32');
    return new Tensor(unaryInt32(name, a, x.shape), x.shape, undefined, 0, 'int32');
  }
  const op = UNARY_OPS[name];
  if (op === undefined) fail(name, 'input', 'has no webgpu kernel yet');
  const a = operandOf(name, 'input', x, x.shape, new Scratch());
  return new Tensor(unary(op, a, x.shape), x.shape, undefined, 0, outDtype);
}

/** `clamp(x, min, max)` on the webgpu device: `maximum` with `min` then `minimum` with `max`. */
export function gpuClamp(x: Tensor, min: number | null | undefined, max: number | null | undefined): Tensor {
  checkGpuFloat('clamp', 'input', x);
  let out = x;
  if (min !== null && min !== undefined) out = gpuBinary('maximum', out, min, 'float32', 'float32');
  if (max !== null && max !== undefined) {
    const lower = out;
    out = gpuBinary('minimum', lower, max, 'float32', 'float32');
    if (lower !== x) lower.dispose();
  }
  return out;
}

/** A contiguous copy of a webgpu tensor (float32 or bool), or its conversion float32 <-> bool. */
export function gpuCast(fn: string, x: Tensor, dtype: DType): Tensor {
  if (x.dtype === 'int32' || dtype === 'int32') {
    if (dtype !== 'float32' && dtype !== 'bool' && dtype !== 'int32') {
      fail(fn, 'dtype', `converting to ${dtype} is not supported on the webgpu device (it holds float32, int32, bool)`);
    }
    checkGpuDTypeOf(fn, x);
    const scratch = new Scratch();
    try {
      const view = operandOf(fn, 'input', x, x.shape, scratch, x.dtype === 'int32' ? 'int32' : 'float32');
      const from = x.dtype as 'int32' | 'float32' | 'bool';
      return new Tensor(castElements(view, x.shape, from, dtype), x.shape, undefined, 0, dtype);
    } finally {
      scratch.release();
    }
  }
  checkGpuFloat(fn, 'input', x);
  if (dtype === 'bool' && x.dtype !== 'bool') return gpuBinary('ne', x, 0, 'float32', 'bool');
  if (dtype !== 'float32' && dtype !== 'bool') {
    fail(
      fn,
      'dtype',
      `converting to ${dtype} is not supported on the webgpu device (it holds float32, int32 and bool; WebGPU has no 64-bit types): convert on the CPU after \`await x.cpu()\``,
    );
  }
  return gpuUnary('copy', x, dtype);
}

/** Rejects a webgpu tensor whose dtype is not one of the device's 32-bit types. */
function checkGpuDTypeOf(fn: string, x: Tensor): void {
  if (x.dtype !== 'int32' && x.dtype !== 'float32' && x.dtype !== 'bool') {
    fail(fn, 'input', `${x.dtype} cannot be on the webgpu device (input ${formatShape(x.shape)})`);
  }
}

/** The kind of in-place write, as elementwise.ts's op codes map to it. */
export type InPlaceKind = 'add' | 'mul' | 'div' | 'copy';

/**
 * `t = t <kind> alpha * source` in place on the webgpu device, through `t`'s strides (views write
 * into their base). `source` is a tensor already of `t`'s compute dtype or a 1-element scalar
 * storage operand. Bumps `t.version`.
 */
export function gpuWriteInPlace(
  fn: string,
  t: Tensor,
  kind: InPlaceKind,
  alpha: number,
  source: Tensor | { readonly data: ArrayLike<number | bigint>; readonly shape: Shape },
): void {
  const src: TensorLike = isTensor(source) ? source : Number(source.data[0]);
  checkSameDevice(fn, { self: t, other: src });
  if (t.gpuBuffer === null) {
    // t is on the CPU and the source is a webgpu tensor (checkSameDevice lets a 0-d t pass).
    fail(fn, 'other', `Expected all tensors to be on the same device, but found at least two devices, cpu and webgpu`);
  }
  checkGpuFloat(fn, 'self', t);
  const scratch = new Scratch();
  try {
    const shape = t.shape;
    const dst: StridedOperand = { buffer: t.gpuBuffer, offset: t.offset, strides: t.strides };
    let value: GpuBuffer;
    if (kind === 'copy') {
      const s = operandOf(fn, 'src', src, shape, scratch);
      // A kernel cannot read and write one buffer: a source sharing t's storage is copied first.
      value = scratch.keep(unary('copy', s, shape));
    } else {
      let s = operandOf(fn, 'other', src, shape, scratch);
      if (alpha !== 1) {
        const scaled = scratch.keep(
          binary('mul', s, { buffer: scratch.keep(scalarBuffer(alpha)), strides: s.strides.map(() => 0) }, shape),
        );
        s = { buffer: scaled, strides: contiguousStrides(shape) };
      }
      const bool = t.dtype === 'bool';
      const op: BinaryOpName =
        kind === 'add' ? (bool ? 'maximum' : 'add') : kind === 'mul' ? (bool ? 'minimum' : 'mul') : 'div';
      value = scratch.keep(binary(op, dst, s, shape));
    }
    if (shapeSize(shape) > 0) copyInto({ buffer: value, strides: contiguousStrides(shape) }, dst, shape);
  } finally {
    scratch.release();
  }
  t.bumpVersion();
}

/**
 * `where(cond, a, b)` on the webgpu device: `select` through the `reluBackward` kernel (`y` where
 * `x > 0`, else exactly 0), so a NaN or infinity in the branch not taken never leaks in.
 */
export function gpuWhere(cond: TensorLike, a: TensorLike, b: TensorLike, dtype: DType): Tensor {
  const fn = 'where';
  checkSameDevice(fn, { condition: cond, input: a, other: b });
  if (dtype !== 'float32' && dtype !== 'bool') {
    fail(
      fn,
      'input',
      `${dtype} math is not supported on the webgpu device yet (its kernels compute in float32): convert with .to('float32') first, or compute on the CPU after \`await x.cpu()\``,
    );
  }
  const shapeOf = (x: TensorLike): Shape => (isTensor(x) ? x.shape : []);
  const shape = broadcastShapes(fn, broadcastShapes(fn, shapeOf(cond), shapeOf(a)), shapeOf(b));
  const scratch = new Scratch();
  try {
    const c = operandOf(fn, 'condition', cond, shape, scratch);
    const taken = binary('reluBackward', c, operandOf(fn, 'input', a, shape, scratch), shape);
    if (!isTensor(b) && Number(b) === 0) return new Tensor(taken, shape, undefined, 0, dtype);
    scratch.keep(taken);
    const strides = contiguousStrides(shape);
    const zeros = strides.map(() => 0);
    const notC = scratch.keep(binary('sub', { buffer: scratch.keep(scalarBuffer(1)), strides: zeros }, c, shape));
    const other = scratch.keep(
      binary('reluBackward', { buffer: notC, strides }, operandOf(fn, 'other', b, shape, scratch), shape),
    );
    return new Tensor(
      binary('add', { buffer: taken, strides }, { buffer: other, strides }, shape),
      shape,
      undefined,
      0,
      dtype,
    );
  } finally {
    scratch.release();
  }
}

/**
 * `set(t, index, value)` on the webgpu device: `value` (a scalar, a 0-d CPU tensor or a webgpu
 * tensor broadcast to the region) copied into the region `region` of `t` (a strided view of its
 * buffer). Bumps `t.version`.
 */
export function gpuSet(
  t: Tensor,
  region: { readonly shape: Shape; readonly strides: readonly number[]; readonly offset: number },
  value: TensorLike,
): void {
  const fn = 'set';
  if (t.gpuBuffer === null) {
    fail(fn, 'value', 'Expected all tensors to be on the same device, but found at least two devices, cpu and webgpu');
  }
  if (isTensor(value)) {
    let k = 0;
    while (value.ndim - k > region.shape.length && value.shape[k] === 1) k++;
    const shape = value.shape.slice(k);
    const fits =
      shape.length <= region.shape.length &&
      shape.every((s, i) => s === 1 || s === region.shape[region.shape.length - shape.length + i]);
    if (!fits) {
      fail(
        fn,
        'value',
        `value of shape ${formatShape(value.shape)} cannot be broadcast to the indexed region of shape ${formatShape(region.shape)} (tensor shape ${formatShape(t.shape)})`,
      );
    }
  }
  const view = new Tensor(t.gpuBuffer, region.shape, region.strides, region.offset, t.dtype);
  let source: Tensor | { readonly data: ArrayLike<number>; readonly shape: Shape };
  if (!isTensor(value)) source = { data: [Number(value)], shape: [] };
  else {
    // Leading size-1 dimensions beyond the region's rank are dropped, as PyTorch's setitem does.
    let v =
      value.ndim > region.shape.length ? value.reshape(value.shape.slice(value.ndim - region.shape.length)) : value;
    if (v.gpuBuffer !== null && v.dtype !== t.dtype) v = gpuCast(fn, v, t.dtype);
    source = v;
  }
  gpuWriteInPlace(fn, view, 'copy', 1, source);
}
