import { type BinaryOp, wasmBinary, wasmClamp, wasmRelu } from '@torchlet/kernels';
import { anyOnGpu, gpuBinary, gpuClamp, gpuUnary, gpuWhere, gpuWriteInPlace } from './device/gpu-elementwise.js';
import {
  allocStorage,
  type DType,
  isDetached,
  isFloatingDType,
  isIntegerDType,
  type NumberStorage,
  promoteTypes,
  type Storage,
  scalarFor,
} from './dtype.js';
import { fail, formatShape, formatValue } from './errors.js';
import { getBackend } from './gemm.js';
import { numberToInt64, rowI64, unaryI64 } from './int64.js';
import { broadcastShapes, contiguousStrides, type Shape, shapeSize, shapesEqual } from './shape.js';
import { isContiguousLayout } from './strided.js';
import { isTensor, Tensor, type TensorLike } from './tensor.js';
import { clone, to } from './views.js';

// How the kernels work
// --------------------
// Every op runs over the broadcast output shape with one stride list per operand (stride 0 where
// an operand is broadcast, scalars are 1-element storages with all strides 0). Dimensions that
// are contiguous with each other in every operand are merged first ("coalescing", as PyTorch's
// TensorIterator does), so same-shape contiguous operands and scalar operands become one flat
// loop, and `[1000,1000] + [1000]` becomes rows of 1000. The innermost dimension is a tight loop
// inside a row kernel; the outer dimensions advance like an odometer, one row-kernel call per row.
//
// A row kernel `switch`es on the op once per row and then runs a loop specialised to that op,
// so there is no per-element function call. V8 specialises element access to the typed-array
// classes a function has seen, and mixing classes in one function costs ~40% in measurements
// (1M float32 adds: 1.45 ms monomorphic vs 2.1 ms after other dtypes were seen). So float32, the
// default dtype, has its own copy of the arithmetic row kernel that only ever sees Float32Array;
// the other dtypes share a generic copy.
//
// Values are read as JS doubles and stored into the output typed array, so float32 results are
// computed in double and rounded once, like PyTorch on CPU for +, -, *, /.
//
// Large float32 add, sub, mul, div, maximum and relu (from WASM_MIN_ELEMENTS outputs, unless
// `setBackend('js')`) run in @torchlet/kernels' WebAssembly SIMD loops when the operands are dense
// of one shape, a tensor and a scalar, or rows and one broadcast row (the bias add). Their results
// are bit-identical to the loops here: the double result of +, -, *, / on two float32 values
// rounded once is the correctly rounded float32 result that f32x4 arithmetic computes, and
// f32x4.max follows Math.max on NaN and signed zeros.

// ---- type promotion -----------------------------------------------------------------------------

/** The dtype a JS scalar counts as in promotion: `true` bool, integral numbers int64 (Python's int), others float32. */
function scalarDType(v: number | boolean): DType {
  if (typeof v === 'boolean') return 'bool';
  return Number.isInteger(v) ? 'int64' : 'float32';
}

// PyTorch's `combine_categories`: a lower-priority group of operands only changes the result when
// it is of a higher category (bool < integer < float).
function combineCategories(higher: DType | undefined, lower: DType | undefined): DType | undefined {
  if (higher !== undefined && isFloatingDType(higher)) return higher;
  if (higher === 'bool' || (lower !== undefined && isFloatingDType(lower))) {
    if (higher === undefined) return lower;
    if (lower === undefined) return higher;
    return promoteTypes(higher, lower);
  }
  return higher ?? lower;
}

/**
 * The dtype PyTorch gives an elementwise op on these operands. Tensors with dimensions take
 * precedence over 0-D tensors, which take precedence over JS scalars; a lower group only matters
 * when it is of a higher category (bool < int < float). So `int32 tensor + 0.5` is float32, but
 * `float32 tensor + float64 0-D tensor` stays float32.
 *
 * @param operands - Tensors and JS scalars, as an elementwise operation receives them.
 * @returns The dtype the operation computes and returns, as PyTorch's `torch.result_type`.
 * @see torch.result_type
 * @example
 * ```ts
 * import { resultType, tensor, zeros } from '@torchlet/tensor';
 * resultType(zeros([2], { dtype: 'int32' }), 0.5); // -> 'float32'
 * resultType(zeros([2]), tensor(new Float64Array([1]), { shape: [] })); // -> 'float32'
 * resultType(zeros([2], { dtype: 'bool' }), 3); // -> 'int64'
 * resultType(zeros([2], { dtype: 'int32' }), 3); // -> 'int32'
 * ```
 */
export function resultType(...operands: readonly TensorLike[]): DType {
  let dim: DType | undefined;
  let zero: DType | undefined;
  let wrapped: DType | undefined;
  for (const x of operands) {
    if (isTensor(x)) {
      if (x.ndim > 0) dim = dim === undefined ? x.dtype : promoteTypes(dim, x.dtype);
      else zero = zero === undefined ? x.dtype : promoteTypes(zero, x.dtype);
    } else {
      const s = scalarDType(x);
      wrapped = wrapped === undefined ? s : promoteTypes(wrapped, s);
    }
  }
  return combineCategories(dim, combineCategories(zero, wrapped)) ?? 'float32';
}

/** PyTorch's `canCast`: no float to integer/bool, and no non-bool to bool. */
function canCast(from: DType, to: DType): boolean {
  if (isFloatingDType(from) && !isFloatingDType(to)) return false;
  if (from !== 'bool' && to === 'bool') return false;
  return true;
}

/** A JS scalar converted to what storing it in `dtype` keeps (as PyTorch casts a Python scalar). */
function scalarAs(v: number | boolean, dtype: DType): number {
  const x = typeof v === 'boolean' ? (v ? 1 : 0) : v;
  switch (dtype) {
    case 'bool':
      return x !== 0 ? 1 : 0;
    case 'int32':
      // integral scalars wrap like an int64 -> int32 cast; fractional ones truncate, and what int32
      // cannot hold becomes INT_MIN as on x86
      if (Number.isInteger(x)) return x | 0;
      return x > -2147483649 && x < 2147483648 ? Math.trunc(x) : -2147483648;
    case 'float32':
      return Math.fround(x);
    default:
      return x;
  }
}

function describe(x: TensorLike): string {
  return isTensor(x) ? `${x.dtype} ${formatShape(x.shape)}` : `scalar ${formatValue(x)}`;
}

/** PyTorch refuses subtraction with a bool operand (a likely mask inversion). */
function checkNoBoolSub(fn: string, x: TensorLike, y: TensorLike): void {
  const isBool = (v: TensorLike): boolean => (isTensor(v) ? v.dtype === 'bool' : typeof v === 'boolean');
  // Two bools: SUB_SPEC's own message (it suggests ne()).
  if (isBool(x) === isBool(y)) return;
  fail(
    fn,
    isBool(x) ? 'input' : 'other',
    `Subtraction, the \`-\` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the \`~\` or \`logical_not()\` operator instead (input ${describe(x)}, other ${describe(y)})`,
  );
}

function checkOperand(fn: string, arg: string, x: unknown): void {
  if (isTensor(x)) checkAttached(fn, arg, x);
  else if (typeof x !== 'number' && typeof x !== 'boolean') {
    fail(fn, arg, `expected a tensor, number or boolean, got ${formatValue(x)}`);
  }
}

function checkTensor(fn: string, arg: string, x: unknown): asserts x is Tensor {
  if (!isTensor(x)) fail(fn, arg, `expected a tensor, got ${formatValue(x)}`);
  checkAttached(fn, arg, x);
}

/** A tensor whose buffer was transferred away reads as empty: an error, never NaN results. */
function checkAttached(fn: string, arg: string, t: Tensor): void {
  if (t.gpuBuffer === null && t.data.length === 0 && t.numel > 0 && isDetached(t.data)) {
    fail(fn, arg, `the storage of ${arg} (${describe(t)}) is a detached ArrayBuffer (transferred away)`);
  }
}

// ---- operands and layout ------------------------------------------------------------------------

/** What a kernel needs of an operand: storage plus a strided layout. */
interface Operand {
  readonly data: Storage;
  readonly shape: Shape;
  readonly strides: readonly number[];
  readonly offset: number;
}

/** `x` as an operand of dtype `dtype` (tensors converted when needed, scalars as 1-element storage). */
function operand(x: TensorLike, dtype: DType): Operand {
  if (isTensor(x)) return x.dtype === dtype ? x : to(x, dtype);
  const data = allocStorage(dtype, 1);
  if (data instanceof BigInt64Array) data[0] = scalarAsInt64(x);
  else data[0] = scalarAs(x, dtype);
  return { data, shape: [], strides: [], offset: 0 };
}

/** A JS scalar as an int64 operand: integral values wrap to 64 bits, fractional ones truncate. */
function scalarAsInt64(v: number | boolean): bigint {
  const x = typeof v === 'boolean' ? (v ? 1 : 0) : v;
  return Number.isInteger(x) ? BigInt.asIntN(64, BigInt(x)) : numberToInt64(x);
}

/** The strides of `op` seen through broadcasting to `outShape` (0 where it is broadcast). */
function broadcastStrides(op: Operand, outShape: Shape): number[] {
  const n = outShape.length;
  const lead = n - op.shape.length;
  const strides = new Array<number>(n);
  for (let i = 0; i < n; i++) strides[i] = i < lead || op.shape[i - lead] === 1 ? 0 : op.strides[i - lead];
  return strides;
}

/**
 * Drops size-1 dimensions and merges neighbours that are contiguous with each other in every
 * stride list. Always returns at least one dimension.
 */
function coalesce(shape: Shape, strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d];
    if (size === 1) continue;
    const last = outShape.length - 1;
    let merge = last >= 0;
    for (let k = 0; merge && k < strides.length; k++) merge = outStrides[k][last] === strides[k][d] * size;
    if (merge) {
      outShape[last] *= size;
      for (let k = 0; k < strides.length; k++) outStrides[k][last] = strides[k][d];
    } else {
      outShape.push(size);
      for (let k = 0; k < strides.length; k++) outStrides[k].push(strides[k][d]);
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    for (const s of outStrides) s.push(0);
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * The order in which to walk the dimensions of an in-place write: by decreasing stride of the
 * written tensor, so a transposed target is still written in memory order.
 */
function memoryOrder(strides: readonly number[]): number[] {
  const order = strides.map((_, i) => i);
  order.sort((i, j) => Math.abs(strides[j]) - Math.abs(strides[i]) || i - j);
  return order;
}

// ---- row kernels --------------------------------------------------------------------------------

const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;
const POW = 4;
const MAX = 5;
const MIN = 6;
const ADD_ALPHA = 7;
const COPY = 8;
const IMUL = 9;
const IPOW = 10;
const IADD_ALPHA = 11;
const OR = 12;
const AND = 13;

const EQ = 0;
const NE = 1;
const LT = 2;
const LE = 3;
const GT = 4;
const GE = 5;

/** C's `pow` (which PyTorch uses) where it differs from JS: `1 ** NaN` and `(-1) ** +-Infinity` are 1. */
function powC(a: number, b: number): number {
  const r = a ** b;
  if (Number.isNaN(r) && (a === 1 || (a === -1 && (b === Infinity || b === -Infinity)))) return 1;
  return r;
}

/** Integer power with int32 wrap-around; negative exponents give 1, -1 or 0 as PyTorch's `powi`. */
function powi(a: number, b: number): number {
  if (b < 0) {
    if (a === 1) return 1;
    if (a === -1) return b & 1 ? -1 : 1;
    return 0;
  }
  let r = 1;
  let base = a;
  for (let e = b; e > 0; e >>>= 1) {
    if (e & 1) r = Math.imul(r, base);
    base = Math.imul(base, base);
  }
  return r;
}

type BinaryRow = (
  op: number,
  n: number,
  out: Storage,
  o: number,
  so: number,
  a: Storage,
  ia: number,
  sa: number,
  b: Storage,
  ib: number,
  sb: number,
  alpha: number,
) => void;

// The float32 copy of `rowAny`: only ever called with Float32Array arguments (see the top note).
function rowF32(
  op: number,
  n: number,
  out: Float32Array,
  o: number,
  so: number,
  a: Float32Array,
  ia: number,
  sa: number,
  b: Float32Array,
  ib: number,
  sb: number,
  alpha: number,
): void {
  switch (op) {
    case ADD:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = a[ia] + b[ib];
      return;
    case SUB:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = a[ia] - b[ib];
      return;
    case MUL:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = a[ia] * b[ib];
      return;
    case DIV:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = a[ia] / b[ib];
      return;
    case POW:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = powC(a[ia], b[ib]);
      return;
    case MAX:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = Math.max(a[ia], b[ib]);
      return;
    case MIN:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = Math.min(a[ia], b[ib]);
      return;
    case ADD_ALPHA:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = a[ia] + alpha * b[ib];
      return;
    case COPY:
      for (let i = 0; i < n; i++, o += so, ib += sb) out[o] = b[ib];
      return;
    default:
      throw new Error(`internal: op ${op} has no float32 kernel`);
  }
}

function rowAny(
  op: number,
  n: number,
  out: NumberStorage,
  o: number,
  so: number,
  a: NumberStorage,
  ia: number,
  sa: number,
  b: NumberStorage,
  ib: number,
  sb: number,
  alpha: number,
): void {
  switch (op) {
    case ADD:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = a[ia] + b[ib];
      return;
    case SUB:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = a[ia] - b[ib];
      return;
    case MUL:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = a[ia] * b[ib];
      return;
    case DIV:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = a[ia] / b[ib];
      return;
    case POW:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = powC(a[ia], b[ib]);
      return;
    case MAX:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = Math.max(a[ia], b[ib]);
      return;
    case MIN:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = Math.min(a[ia], b[ib]);
      return;
    case ADD_ALPHA:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = a[ia] + alpha * b[ib];
      return;
    case COPY:
      for (let i = 0; i < n; i++, o += so, ib += sb) out[o] = b[ib];
      return;
    // int32: the exact double sum/difference wraps on store; products need Math.imul to wrap
    case IMUL:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = Math.imul(a[ia], b[ib]);
      return;
    case IPOW:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = powi(a[ia], b[ib]);
      return;
    case IADD_ALPHA:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = a[ia] + Math.imul(alpha, b[ib]);
      return;
    // bool: + and maximum are "or", * and minimum are "and"
    case OR:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = a[ia] | b[ib];
      return;
    case AND:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = a[ia] & b[ib];
      return;
    default:
      throw new Error(`internal: unknown binary op ${op}`);
  }
}

function rowCompare(
  op: number,
  n: number,
  out: Storage,
  o: number,
  so: number,
  a: Storage,
  ia: number,
  sa: number,
  b: Storage,
  ib: number,
  sb: number,
): void {
  switch (op) {
    case EQ:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = +(a[ia] === b[ib]);
      return;
    case NE:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = +(a[ia] !== b[ib]);
      return;
    case LT:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = +(a[ia] < b[ib]);
      return;
    case LE:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = +(a[ia] <= b[ib]);
      return;
    case GT:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = +(a[ia] > b[ib]);
      return;
    case GE:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = +(a[ia] >= b[ib]);
      return;
    default:
      throw new Error(`internal: unknown comparison ${op}`);
  }
}

// The float32 copy of `rowCompare` (float32 operands, bool output), monomorphic like `rowF32`:
// comparisons of activations (relu's and max-pool's masks) run on it in every training step.
function rowCompareF32(
  op: number,
  n: number,
  out: Uint8Array,
  o: number,
  so: number,
  a: Float32Array,
  ia: number,
  sa: number,
  b: Float32Array,
  ib: number,
  sb: number,
): void {
  switch (op) {
    case EQ:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = +(a[ia] === b[ib]);
      return;
    case NE:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = +(a[ia] !== b[ib]);
      return;
    case LT:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = +(a[ia] < b[ib]);
      return;
    case LE:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = +(a[ia] <= b[ib]);
      return;
    case GT:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = +(a[ia] > b[ib]);
      return;
    case GE:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = +(a[ia] >= b[ib]);
      return;
    default:
      throw new Error(`internal: unknown comparison ${op}`);
  }
}

/** The comparison row kernel for these operands: the float32 copy when both are float32. */
function pickCompareRow(a: Storage, b: Storage): BinaryRow {
  return (a instanceof Float32Array && b instanceof Float32Array ? rowCompareF32 : rowCompare) as BinaryRow;
}

/** Runs a binary row kernel over a coalesced layout: innermost dimension per call, odometer outside. */
function runBinary(
  row: BinaryRow,
  op: number,
  alpha: number,
  shape: readonly number[],
  out: Storage,
  oOff: number,
  oS: readonly number[],
  a: Storage,
  aOff: number,
  aS: readonly number[],
  b: Storage,
  bOff: number,
  bS: readonly number[],
): void {
  const nd = shape.length;
  const last = nd - 1;
  const n = shape[last];
  const so = oS[last];
  const sa = aS[last];
  const sb = bS[last];
  if (nd === 1) {
    row(op, n, out, oOff, so, a, aOff, sa, b, bOff, sb, alpha);
    return;
  }
  let rows = 1;
  for (let d = 0; d < last; d++) rows *= shape[d];
  const counter = new Array<number>(last).fill(0);
  let o = oOff;
  let ia = aOff;
  let ib = bOff;
  for (let r = 0; r < rows; r++) {
    row(op, n, out, o, so, a, ia, sa, b, ib, sb, alpha);
    for (let d = last - 1; d >= 0; d--) {
      o += oS[d];
      ia += aS[d];
      ib += bS[d];
      if (++counter[d] < shape[d]) break;
      o -= oS[d] * shape[d];
      ia -= aS[d] * shape[d];
      ib -= bS[d] * shape[d];
      counter[d] = 0;
    }
  }
}

function pickRow(out: Storage, a: Storage, b: Storage): BinaryRow {
  if (out instanceof BigInt64Array) return rowI64 as BinaryRow;
  return out instanceof Float32Array && a instanceof Float32Array && b instanceof Float32Array
    ? (rowF32 as BinaryRow)
    : (rowAny as BinaryRow);
}

// ---- WebAssembly SIMD paths ----------------------------------------------------------------------

// From this many float32 outputs the WebAssembly loops win (the operands cross into WebAssembly
// memory in L2-sized chunks; the copies cost about what the JavaScript loop saves on small arrays).
const WASM_MIN_ELEMENTS = 1 << 16;

// relu and clamp leave JavaScript far sooner: their Math.max/Math.min rows branch on the data and
// mispredict on activations (about 5 ns an element against under 2 in WebAssembly, copies
// included, from a few hundred elements: LeNet's [32,16,10,10] ReLU took 0.47 ms in JavaScript).
const WASM_MIN_CLAMP_ELEMENTS = 256;

/** The @torchlet/kernels op of a float32 binary op code, or undefined when it has none. */
function wasmOp(op: number): BinaryOp | undefined {
  switch (op) {
    case ADD:
      return 'add';
    case SUB:
      return 'sub';
    case MUL:
      return 'mul';
    case DIV:
      return 'div';
    case MAX:
      return 'maximum';
    default:
      return undefined;
  }
}

/** Whether `op` gives the same bits with its operands swapped (NaN and signed zeros included). */
function commutes(op: number): boolean {
  return op === ADD || op === MUL || op === MAX;
}

/** The `n` elements of a dense operand from its offset (a scalar: its one element). */
function span(x: Operand, n: number): Float32Array {
  return (x.data as Float32Array).subarray(x.offset, x.offset + n);
}

/**
 * Runs a float32 binary op in WebAssembly SIMD into the fresh contiguous `out` of `rows x cols`
 * when it is large enough, the backend allows it, and the kernel accepts: `a` dense, `b` dense
 * (`bMode` 'dense'), one row of `cols` values broadcast to every row ('row') or a scalar
 * ('scalar'). Returns false (out untouched) when the JavaScript loops must run.
 */
function wasmBinaryInto(
  op: number,
  out: Storage,
  rows: number,
  cols: number,
  a: Operand,
  b: Operand,
  bMode: 'dense' | 'row' | 'scalar',
): boolean {
  const n = out.length;
  if (n < WASM_MIN_ELEMENTS || !(out instanceof Float32Array) || !(a.data instanceof Float32Array)) return false;
  if (!(b.data instanceof Float32Array)) return false;
  const kop = wasmOp(op);
  if (kop === undefined || getBackend() === 'js') return false;
  if (bMode === 'dense') return wasmBinary(kop, span(a, n), span(b, n), out, 1, n, false);
  if (bMode === 'scalar') return wasmBinary(kop, span(a, n), span(b, 1), out, n, 1, true);
  return wasmBinary(kop, span(a, n), span(b, cols), out, rows, cols, true);
}

/**
 * The WebAssembly path of the general case: after coalescing, a contiguous output of rows whose
 * operands are one dense and one row (or scalar) broadcast to every row, in either order for ops
 * that commute. Offsets come from the operands (the strides say they are dense from there).
 */
function wasmCoalesced(
  op: number,
  out: Storage,
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  a: Operand,
  b: Operand,
): boolean {
  if (out.length < WASM_MIN_ELEMENTS || shape.length > 2) return false;
  const [, aS, bS] = strides;
  const cols = shape[shape.length - 1];
  const rows = shape.length === 2 ? shape[0] : 1;
  const dense = (s: readonly number[]): boolean => s[s.length - 1] === 1 && (s.length === 1 || s[0] === cols);
  const row = (s: readonly number[]): boolean => s[s.length - 1] === 1 && s.length === 2 && s[0] === 0;
  const scalar = (s: readonly number[]): boolean => s.every((v) => v === 0);
  const mode = (s: readonly number[]): 'dense' | 'row' | 'scalar' | null =>
    dense(s) ? 'dense' : row(s) ? 'row' : scalar(s) ? 'scalar' : null;
  if (dense(aS)) {
    const m = mode(bS);
    return m !== null && wasmBinaryInto(op, out, rows, cols, a, b, m);
  }
  if (dense(bS) && commutes(op)) {
    const m = mode(aS);
    return m !== null && wasmBinaryInto(op, out, rows, cols, b, a, m);
  }
  return false;
}

// ---- binary ops ---------------------------------------------------------------------------------

interface BinarySpec {
  readonly name: string;
  /** Op code for float, int32 and bool compute dtypes; a string is the error for that dtype. */
  readonly float: number;
  readonly int: number;
  readonly bool: number | string;
  /** 'same': result has the compute dtype; 'float': integer inputs give float32; 'bool': comparison. */
  readonly result: 'same' | 'float' | 'bool';
}

function opCode(spec: BinarySpec, dtype: DType, arg: string, x: TensorLike, y: TensorLike): number {
  if (isFloatingDType(dtype)) return spec.float;
  if (isIntegerDType(dtype)) return spec.int;
  if (typeof spec.bool === 'string') fail(spec.name, arg, `${spec.bool} (input ${describe(x)}, other ${describe(y)})`);
  return spec.bool;
}

function binary(spec: BinarySpec, x: TensorLike, y: TensorLike): Tensor {
  const fn = spec.name;
  checkOperand(fn, 'input', x);
  checkOperand(fn, 'other', y);
  if (spec === SUB_SPEC) checkNoBoolSub(fn, x, y);
  let dtype = resultType(x, y);
  if (spec.result === 'float' && !isFloatingDType(dtype)) dtype = 'float32';
  if (spec === POW_SPEC && isIntegerDType(dtype) && !isTensor(y)) scalarFor(fn, 'exponent', Number(y), dtype);
  if (spec === POW_SPEC && isIntegerDType(dtype) && !isTensor(y) && (y as number) < 0) {
    fail(
      fn,
      'exponent',
      `integers to negative integer powers are not allowed (input ${describe(x)}, exponent ${formatValue(y)})`,
    );
  }
  const op = spec.result === 'bool' ? (spec.float as number) : opCode(spec, dtype, 'input', x, y);
  if (anyOnGpu(x, y)) return gpuBinary(fn, x, y, dtype, spec.result === 'bool' ? 'bool' : dtype);
  const a = operand(x, dtype);
  const b = operand(y, dtype);
  const outDtype = spec.result === 'bool' ? 'bool' : dtype;
  const fast = binaryDense(spec, op, a, b, outDtype);
  if (fast !== null) return fast;
  const shape = broadcastShapes(fn, a.shape, b.shape);
  const out = allocStorage(outDtype, shapeSize(shape));
  if (out.length > 0) {
    const c = coalesce(shape, [contiguousStrides(shape), broadcastStrides(a, shape), broadcastStrides(b, shape)]);
    if (spec.result !== 'bool' && wasmCoalesced(op, out, c.shape, c.strides, a, b)) {
      return new Tensor(out, shape, undefined, 0, outDtype);
    }
    const row = spec.result === 'bool' ? pickCompareRow(a.data, b.data) : pickRow(out, a.data, b.data);
    runBinary(
      row,
      op,
      1,
      c.shape,
      out,
      0,
      c.strides[0],
      a.data,
      a.offset,
      c.strides[1],
      b.data,
      b.offset,
      c.strides[2],
    );
  }
  return new Tensor(out, shape, undefined, 0, outDtype);
}

/**
 * The common small case without broadcasting or layout bookkeeping: dense operands of one shape,
 * or a dense tensor and a scalar. It runs the same row kernel over the same flat index range as
 * the general path would after coalescing, so results are identical; null when it does not apply.
 */
function binaryDense(spec: BinarySpec, op: number, a: Operand, b: Operand, outDtype: DType): Tensor | null {
  const aScalar = a.shape.length === 0;
  const bScalar = b.shape.length === 0;
  let shape: Shape;
  if (bScalar) shape = a.shape;
  else if (aScalar || shapesEqual(a.shape, b.shape)) shape = b.shape;
  else return null;
  if (!isContiguousLayout(a.shape, a.strides) || !isContiguousLayout(b.shape, b.strides)) return null;
  const n = shapeSize(shape);
  if (n === 0) return null;
  const out = allocStorage(outDtype, n);
  if (spec.result !== 'bool') {
    const done = bScalar
      ? wasmBinaryInto(op, out, n, 1, a, b, 'scalar')
      : aScalar
        ? commutes(op) && wasmBinaryInto(op, out, n, 1, b, a, 'scalar')
        : wasmBinaryInto(op, out, 1, n, a, b, 'dense');
    if (done) return new Tensor(out, shape, undefined, 0, outDtype);
  }
  const row = spec.result === 'bool' ? pickCompareRow(a.data, b.data) : pickRow(out, a.data, b.data);
  row(op, n, out, 0, 1, a.data, a.offset, aScalar ? 0 : 1, b.data, b.offset, bScalar ? 0 : 1, 1);
  return new Tensor(out, shape, undefined, 0, outDtype);
}

const ADD_SPEC: BinarySpec = { name: 'add', float: ADD, int: ADD, bool: OR, result: 'same' };
const SUB_SPEC: BinarySpec = {
  name: 'sub',
  float: SUB,
  int: SUB,
  bool: 'subtraction with two bool tensors is not supported; use ne() for exclusive or',
  result: 'same',
};
const MUL_SPEC: BinarySpec = { name: 'mul', float: MUL, int: IMUL, bool: AND, result: 'same' };
const DIV_SPEC: BinarySpec = { name: 'div', float: DIV, int: DIV, bool: DIV, result: 'float' };
const POW_SPEC: BinarySpec = {
  name: 'pow',
  float: POW,
  int: IPOW,
  bool: 'pow is not implemented for bool tensors',
  result: 'same',
};
const MAX_SPEC: BinarySpec = { name: 'maximum', float: MAX, int: MAX, bool: OR, result: 'same' };
const MIN_SPEC: BinarySpec = { name: 'minimum', float: MIN, int: MIN, bool: AND, result: 'same' };
const compareSpec = (name: string, op: number): BinarySpec => ({ name, float: op, int: op, bool: op, result: 'bool' });
const EQ_SPEC = compareSpec('eq', EQ);
const NE_SPEC = compareSpec('ne', NE);
const LT_SPEC = compareSpec('lt', LT);
const LE_SPEC = compareSpec('le', LE);
const GT_SPEC = compareSpec('gt', GT);
const GE_SPEC = compareSpec('ge', GE);

/**
 * Elementwise `input + other` with NumPy broadcasting and PyTorch type promotion
 * (bool + bool is logical or; int32 wraps around on overflow).
 *
 * Shapes: `input` and `other` broadcast together -> the broadcast shape.
 *
 * @param input - A tensor or number.
 * @param other - A tensor or number, broadcast against `input`.
 * @returns A new tensor in the broadcast shape and promoted dtype.
 * @see torch.add
 * @example
 * ```ts
 * import { add, tensor } from '@torchlet/tensor';
 * add(tensor([[1, 2], [3, 4]]), tensor([10, 20])).toArray(); // -> [[11, 22], [13, 24]]
 * add(tensor([1, 2]), 0.5).toArray(); // -> [1.5, 2.5]
 * ```
 */
export function add(input: TensorLike, other: TensorLike): Tensor {
  return binary(ADD_SPEC, input, other);
}

/**
 * Elementwise `input - other` with broadcasting; not defined for two bool operands.
 *
 * Shapes: `input` and `other` broadcast together -> the broadcast shape.
 *
 * @param input - A tensor or number.
 * @param other - A tensor or number, broadcast against `input`.
 * @returns A new tensor in the broadcast shape and promoted dtype.
 * @see torch.sub
 * @example
 * ```ts
 * import { sub, tensor } from '@torchlet/tensor';
 * sub(tensor([[1], [2]]), tensor([1, 2, 3])).toArray(); // -> [[0, -1, -2], [1, 0, -1]]
 * ```
 */
export function sub(input: TensorLike, other: TensorLike): Tensor {
  return binary(SUB_SPEC, input, other);
}

/**
 * Elementwise `input * other` with broadcasting (bool * bool is logical and).
 *
 * Shapes: `input` and `other` broadcast together -> the broadcast shape.
 *
 * @param input - A tensor or number.
 * @param other - A tensor or number, broadcast against `input`.
 * @returns A new tensor in the broadcast shape and promoted dtype.
 * @see torch.mul
 * @example
 * ```ts
 * import { mul, tensor } from '@torchlet/tensor';
 * mul(tensor([1, 2, 3]), 2).toArray(); // -> [2, 4, 6]
 * ```
 */
export function mul(input: TensorLike, other: TensorLike): Tensor {
  return binary(MUL_SPEC, input, other);
}

/**
 * Elementwise true division `input / other` with broadcasting; integer and bool inputs give
 * float32 (as PyTorch's default `rounding_mode=None`), and division by zero gives +-Infinity or NaN.
 *
 * Shapes: `input` and `other` broadcast together -> the broadcast shape.
 *
 * @param input - A tensor or number (the dividend).
 * @param other - A tensor or number (the divisor), broadcast against `input`.
 * @returns A new float tensor in the broadcast shape (integer inputs give float32).
 * @see torch.div
 * @example
 * ```ts
 * import { div, tensor } from '@torchlet/tensor';
 * const q = div(tensor(new Int32Array([3, 4])), 2);
 * q.dtype; // -> 'float32'
 * q.toArray(); // -> [1.5, 2]
 * ```
 */
export function div(input: TensorLike, other: TensorLike): Tensor {
  return binary(DIV_SPEC, input, other);
}

/**
 * Elementwise `input ** exponent` with broadcasting. Integer tensors stay integer; an integer
 * tensor raised to a negative integer scalar throws, as in PyTorch (a negative integer exponent
 * tensor gives 0, or +-1 for bases +-1, as PyTorch does). Not defined for bool.
 *
 * Shapes: `input` and `exponent` broadcast together -> the broadcast shape.
 *
 * @param input - A tensor or number (the base).
 * @param exponent - A tensor or number, broadcast against `input`.
 * @returns A new tensor in the broadcast shape and promoted dtype.
 * @see torch.pow
 * @example
 * ```ts
 * import { pow, tensor } from '@torchlet/tensor';
 * pow(tensor([1, 2, 3]), 2).toArray(); // -> [1, 4, 9]
 * pow(2, tensor([0, 1, 2])).toArray(); // -> [1, 2, 4]
 * ```
 */
export function pow(input: TensorLike, exponent: TensorLike): Tensor {
  return binary(POW_SPEC, input, exponent);
}

/**
 * Elementwise maximum with broadcasting; NaN in either operand gives NaN.
 *
 * Shapes: `input` and `other` broadcast together -> the broadcast shape.
 *
 * @param input - A tensor or number.
 * @param other - A tensor or number, broadcast against `input`.
 * @returns A new tensor of the larger elements (NaN where either is NaN).
 * @see torch.maximum
 * @example
 * ```ts
 * import { maximum, tensor } from '@torchlet/tensor';
 * maximum(tensor([1, 5, 3]), tensor([4, 2, 6])).toArray(); // -> [4, 5, 6]
 * ```
 */
export function maximum(input: TensorLike, other: TensorLike): Tensor {
  return binary(MAX_SPEC, input, other);
}

/**
 * Elementwise minimum with broadcasting; NaN in either operand gives NaN.
 *
 * Shapes: `input` and `other` broadcast together -> the broadcast shape.
 *
 * @param input - A tensor or number.
 * @param other - A tensor or number, broadcast against `input`.
 * @returns A new tensor of the smaller elements (NaN where either is NaN).
 * @see torch.minimum
 * @example
 * ```ts
 * import { minimum, tensor } from '@torchlet/tensor';
 * minimum(tensor([1, 5, 3]), 2).toArray(); // -> [1, 2, 2]
 * ```
 */
export function minimum(input: TensorLike, other: TensorLike): Tensor {
  return binary(MIN_SPEC, input, other);
}

/**
 * Elementwise `input == other` as a bool tensor, compared in the promoted dtype (so a float32
 * tensor equals the scalar `0.1` where it holds `Math.fround(0.1)`, as in PyTorch).
 *
 * Shapes: `input` and `other` broadcast together -> the broadcast shape.
 *
 * @param input - A tensor or number.
 * @param other - A tensor or number, broadcast against `input`.
 * @returns A new bool tensor in the broadcast shape.
 * @see torch.eq
 * @example
 * ```ts
 * import { eq, tensor } from '@torchlet/tensor';
 * eq(tensor([1, 2, 3]), tensor([1, 0, 3])).toArray(); // -> [true, false, true]
 * eq(tensor([0.1]), 0.1).toArray(); // -> [true]
 * ```
 */
export function eq(input: TensorLike, other: TensorLike): Tensor {
  return binary(EQ_SPEC, input, other);
}

/**
 * Elementwise `input != other` as a bool tensor (NaN != NaN is true).
 *
 * Shapes: `input` and `other` broadcast together -> the broadcast shape.
 *
 * @param input - A tensor or number.
 * @param other - A tensor or number, broadcast against `input`.
 * @returns A new bool tensor in the broadcast shape.
 * @see torch.ne
 * @example
 * ```ts
 * import { ne, tensor } from '@torchlet/tensor';
 * ne(tensor([1, 2]), 1).toArray(); // -> [false, true]
 * ```
 */
export function ne(input: TensorLike, other: TensorLike): Tensor {
  return binary(NE_SPEC, input, other);
}

/**
 * Elementwise `input < other` as a bool tensor.
 *
 * Shapes: `input` and `other` broadcast together -> the broadcast shape.
 *
 * @param input - A tensor or number.
 * @param other - A tensor or number, broadcast against `input`.
 * @returns A new bool tensor in the broadcast shape.
 * @see torch.lt
 * @example
 * ```ts
 * import { lt, tensor } from '@torchlet/tensor';
 * lt(tensor([1, 2, 3]), 2).toArray(); // -> [true, false, false]
 * ```
 */
export function lt(input: TensorLike, other: TensorLike): Tensor {
  return binary(LT_SPEC, input, other);
}

/**
 * Elementwise `input <= other` as a bool tensor.
 *
 * Shapes: `input` and `other` broadcast together -> the broadcast shape.
 *
 * @param input - A tensor or number.
 * @param other - A tensor or number, broadcast against `input`.
 * @returns A new bool tensor in the broadcast shape.
 * @see torch.le
 * @example
 * ```ts
 * import { le, tensor } from '@torchlet/tensor';
 * le(tensor([1, 2, 3]), 2).toArray(); // -> [true, true, false]
 * ```
 */
export function le(input: TensorLike, other: TensorLike): Tensor {
  return binary(LE_SPEC, input, other);
}

/**
 * Elementwise `input > other` as a bool tensor.
 *
 * Shapes: `input` and `other` broadcast together -> the broadcast shape.
 *
 * @param input - A tensor or number.
 * @param other - A tensor or number, broadcast against `input`.
 * @returns A new bool tensor in the broadcast shape.
 * @see torch.gt
 * @example
 * ```ts
 * import { gt, tensor } from '@torchlet/tensor';
 * gt(tensor([1, 2, 3]), 2).toArray(); // -> [false, false, true]
 * ```
 */
export function gt(input: TensorLike, other: TensorLike): Tensor {
  return binary(GT_SPEC, input, other);
}

/**
 * Elementwise `input >= other` as a bool tensor.
 *
 * Shapes: `input` and `other` broadcast together -> the broadcast shape.
 *
 * @param input - A tensor or number.
 * @param other - A tensor or number, broadcast against `input`.
 * @returns A new bool tensor in the broadcast shape.
 * @see torch.ge
 * @example
 * ```ts
 * import { ge, tensor } from '@torchlet/tensor';
 * ge(tensor([1, 2, 3]), 2).toArray(); // -> [false, true, true]
 * ```
 */
export function ge(input: TensorLike, other: TensorLike): Tensor {
  return binary(GE_SPEC, input, other);
}

// ---- unary ops ----------------------------------------------------------------------------------

const NEG = 0;
const ABS = 1;
const EXP = 2;
const LOG = 3;
const SQRT = 4;
const TANH = 5;
const SIGMOID = 6;
const RELU = 7;
const CLAMP = 8;

type UnaryRow = (
  op: number,
  n: number,
  out: Storage,
  o: number,
  a: Storage,
  ia: number,
  sa: number,
  lo: number,
  hi: number,
) => void;

// The float32 copy of `unaryAny` (see the top note).
function unaryF32(
  op: number,
  n: number,
  out: Float32Array,
  o: number,
  a: Float32Array,
  ia: number,
  sa: number,
  lo: number,
  hi: number,
): void {
  const end = o + n;
  switch (op) {
    case NEG:
      for (; o < end; o++, ia += sa) out[o] = -a[ia];
      return;
    case ABS:
      for (; o < end; o++, ia += sa) out[o] = Math.abs(a[ia]);
      return;
    case EXP:
      for (; o < end; o++, ia += sa) out[o] = Math.exp(a[ia]);
      return;
    case LOG:
      for (; o < end; o++, ia += sa) out[o] = Math.log(a[ia]);
      return;
    case SQRT:
      for (; o < end; o++, ia += sa) out[o] = Math.sqrt(a[ia]);
      return;
    case TANH:
      for (; o < end; o++, ia += sa) out[o] = Math.tanh(a[ia]);
      return;
    case SIGMOID:
      for (; o < end; o++, ia += sa) out[o] = 1 / (1 + Math.exp(-a[ia]));
      return;
    case RELU:
      // Math.max keeps NaN, as PyTorch's relu does
      for (; o < end; o++, ia += sa) out[o] = Math.max(a[ia], 0);
      return;
    case CLAMP:
      for (; o < end; o++, ia += sa) out[o] = Math.min(Math.max(a[ia], lo), hi);
      return;
    default:
      throw new Error(`internal: unknown unary op ${op}`);
  }
}

function unaryAny(
  op: number,
  n: number,
  out: NumberStorage,
  o: number,
  a: NumberStorage,
  ia: number,
  sa: number,
  lo: number,
  hi: number,
): void {
  const end = o + n;
  switch (op) {
    case NEG:
      for (; o < end; o++, ia += sa) out[o] = -a[ia];
      return;
    case ABS:
      for (; o < end; o++, ia += sa) out[o] = Math.abs(a[ia]);
      return;
    case EXP:
      for (; o < end; o++, ia += sa) out[o] = Math.exp(a[ia]);
      return;
    case LOG:
      for (; o < end; o++, ia += sa) out[o] = Math.log(a[ia]);
      return;
    case SQRT:
      for (; o < end; o++, ia += sa) out[o] = Math.sqrt(a[ia]);
      return;
    case TANH:
      for (; o < end; o++, ia += sa) out[o] = Math.tanh(a[ia]);
      return;
    case SIGMOID:
      for (; o < end; o++, ia += sa) out[o] = 1 / (1 + Math.exp(-a[ia]));
      return;
    case RELU:
      for (; o < end; o++, ia += sa) out[o] = Math.max(a[ia], 0);
      return;
    case CLAMP:
      for (; o < end; o++, ia += sa) out[o] = Math.min(Math.max(a[ia], lo), hi);
      return;
    default:
      throw new Error(`internal: unknown unary op ${op}`);
  }
}

/** Applies a unary op to `x` (already of the compute dtype) into a new contiguous tensor. */
/** The webgpu kernels of the unary op codes NEG..RELU (CLAMP runs as maximum/minimum). */
const GPU_UNARY = ['neg', 'abs', 'exp', 'log', 'sqrt', 'tanh', 'sigmoid', 'relu'];

function runUnary(op: number, x: Tensor, lo = 0, hi = 0): Tensor {
  if (x.gpuBuffer !== null) return op === CLAMP ? gpuClamp(x, lo, hi) : gpuUnary(GPU_UNARY[op], x);
  const out = allocStorage(x.dtype, x.numel);
  if (
    op === RELU &&
    out.length >= WASM_MIN_CLAMP_ELEMENTS &&
    out instanceof Float32Array &&
    x.data instanceof Float32Array &&
    isContiguousLayout(x.shape, x.strides) &&
    getBackend() !== 'js' &&
    wasmRelu(x.data.subarray(x.offset, x.offset + out.length), out)
  ) {
    return new Tensor(out, x.shape, undefined, 0, x.dtype);
  }
  // clamp (ReLU6 is clamp(0, 6)) on WebAssembly SIMD: the JS row's Math.min/Math.max costs ~4x relu.
  if (
    op === CLAMP &&
    out.length >= WASM_MIN_CLAMP_ELEMENTS &&
    out instanceof Float32Array &&
    x.data instanceof Float32Array &&
    isContiguousLayout(x.shape, x.strides) &&
    getBackend() !== 'js' &&
    wasmClamp(x.data.subarray(x.offset, x.offset + out.length), out, lo, hi)
  ) {
    return new Tensor(out, x.shape, undefined, 0, x.dtype);
  }
  if (out.length > 0) {
    const row = (
      out instanceof BigInt64Array
        ? unaryI64
        : out instanceof Float32Array && x.data instanceof Float32Array
          ? unaryF32
          : unaryAny
    ) as UnaryRow;
    const c = coalesce(x.shape, [contiguousStrides(x.shape), x.strides]);
    const shape = c.shape;
    const aS = c.strides[1];
    const last = shape.length - 1;
    const n = shape[last];
    const sa = aS[last];
    const rows = out.length / n;
    const counter = new Array<number>(last).fill(0);
    let ia = x.offset;
    for (let r = 0, o = 0; r < rows; r++, o += n) {
      row(op, n, out, o, x.data, ia, sa, lo, hi);
      for (let d = last - 1; d >= 0; d--) {
        ia += aS[d];
        if (++counter[d] < shape[d]) break;
        ia -= aS[d] * shape[d];
        counter[d] = 0;
      }
    }
  }
  return new Tensor(out, x.shape, undefined, 0, x.dtype);
}

/** Unary op that keeps the dtype and is undefined for bool. */
function sameTypeUnary(fn: string, op: number, x: Tensor, boolError: string): Tensor {
  checkTensor(fn, 'input', x);
  if (x.dtype === 'bool') fail(fn, 'input', `${boolError} (input bool ${formatShape(x.shape)})`);
  return runUnary(op, x);
}

/** Unary op whose result is floating: int32 and bool inputs give float32, as in PyTorch. */
function floatUnary(fn: string, op: number, x: Tensor): Tensor {
  checkTensor(fn, 'input', x);
  return runUnary(op, isFloatingDType(x.dtype) ? x : to(x, 'float32'));
}

/**
 * Elementwise `-input` (int32 wraps around: `-(-2147483648)` stays `-2147483648`); not defined for bool.
 *
 * Shapes: any -> same.
 *
 * @param input - A numeric tensor (not bool).
 * @returns A new tensor of the same shape and dtype.
 * @see torch.neg
 * @example
 * ```ts
 * import { neg, tensor } from '@torchlet/tensor';
 * neg(tensor([1, -2])).toArray(); // -> [-1, 2]
 * ```
 */
export function neg(input: Tensor): Tensor {
  return sameTypeUnary(
    'neg',
    NEG,
    input,
    'negation is not supported on a bool tensor; use eq(x, false) to invert a mask',
  );
}

/**
 * Elementwise absolute value; not defined for bool.
 *
 * Shapes: any -> same.
 *
 * @param input - A numeric tensor (not bool).
 * @returns A new tensor of the same shape and dtype.
 * @see torch.abs
 * @example
 * ```ts
 * import { abs, tensor } from '@torchlet/tensor';
 * abs(tensor([-1.5, 2])).toArray(); // -> [1.5, 2]
 * ```
 */
export function abs(input: Tensor): Tensor {
  return sameTypeUnary('abs', ABS, input, 'abs is not implemented for bool tensors');
}

/**
 * Elementwise `e ** input`; int32 and bool inputs give float32.
 *
 * Shapes: any -> same.
 *
 * @param input - Any tensor.
 * @returns A new float tensor of the same shape (integer and bool inputs give float32).
 * @see torch.exp
 * @example
 * ```ts
 * import { exp, tensor } from '@torchlet/tensor';
 * exp(tensor([0])).toArray(); // -> [1]
 * ```
 */
export function exp(input: Tensor): Tensor {
  return floatUnary('exp', EXP, input);
}

/**
 * Elementwise natural logarithm (`log(0) = -Infinity`, negative inputs give NaN); int32 and bool
 * inputs give float32.
 *
 * Shapes: any -> same.
 *
 * @param input - Any tensor.
 * @returns A new float tensor of the same shape (NaN for negative elements, `-Infinity` for zeros).
 * @see torch.log
 * @example
 * ```ts
 * import { log, tensor } from '@torchlet/tensor';
 * log(tensor([1, 0])).toArray(); // -> [0, -Infinity]
 * ```
 */
export function log(input: Tensor): Tensor {
  return floatUnary('log', LOG, input);
}

/**
 * Elementwise square root (negative inputs give NaN); int32 and bool inputs give float32.
 *
 * Shapes: any -> same.
 *
 * @param input - Any tensor.
 * @returns A new float tensor of the same shape (NaN for negative elements).
 * @see torch.sqrt
 * @example
 * ```ts
 * import { sqrt, tensor } from '@torchlet/tensor';
 * sqrt(tensor(new Int32Array([4, 9]))).toArray(); // -> [2, 3]
 * ```
 */
export function sqrt(input: Tensor): Tensor {
  return floatUnary('sqrt', SQRT, input);
}

/**
 * Elementwise hyperbolic tangent; int32 and bool inputs give float32.
 *
 * Shapes: any -> same.
 *
 * @param input - Any tensor.
 * @returns A new float tensor of the same shape, in (-1, 1).
 * @see torch.tanh
 * @example
 * ```ts
 * import { tanh, tensor } from '@torchlet/tensor';
 * tanh(tensor([0, Infinity])).toArray(); // -> [0, 1]
 * ```
 */
export function tanh(input: Tensor): Tensor {
  return floatUnary('tanh', TANH, input);
}

/**
 * Elementwise logistic function `1 / (1 + exp(-input))`; int32 and bool inputs give float32.
 *
 * Shapes: any -> same.
 *
 * @param input - Any tensor.
 * @returns A new float tensor of the same shape, in (0, 1).
 * @see torch.sigmoid
 * @example
 * ```ts
 * import { sigmoid, tensor } from '@torchlet/tensor';
 * sigmoid(tensor([0, -Infinity])).toArray(); // -> [0.5, 0]
 * ```
 */
export function sigmoid(input: Tensor): Tensor {
  return floatUnary('sigmoid', SIGMOID, input);
}

/**
 * Elementwise `max(input, 0)`, keeping NaN; not defined for bool.
 *
 * Shapes: any -> same.
 *
 * @param input - A numeric tensor (not bool).
 * @returns A new tensor of the same shape and dtype.
 * @see torch.relu
 * @example
 * ```ts
 * import { relu, tensor } from '@torchlet/tensor';
 * relu(tensor([-1, 0, 2])).toArray(); // -> [0, 0, 2]
 * ```
 */
export function relu(input: Tensor): Tensor {
  return sameTypeUnary('relu', RELU, input, 'bool inputs are not supported for relu');
}

/**
 * Clamps every element into `[min, max]` (either bound may be omitted, not both). The result
 * dtype follows promotion with the bounds (an int32 tensor clamped to 0.5 gives float32); when
 * `min > max` every element becomes `max`, and NaN stays NaN, as in PyTorch.
 *
 * Shapes: any -> same.
 *
 * @param t - A numeric tensor.
 * @param min - The lower bound, or `null`/omitted for none.
 * @param max - The upper bound, or `null`/omitted for none (at least one bound is required).
 * @returns A new tensor of the same shape and dtype.
 * @see torch.clamp
 * @example
 * ```ts
 * import { clamp, tensor } from '@torchlet/tensor';
 * clamp(tensor([-2, 0.5, 3]), -1, 1).toArray(); // -> [-1, 0.5, 1]
 * clamp(tensor([-2, 0.5, 3]), null, 0).toArray(); // -> [-2, 0, 0]
 * ```
 */
export function clamp(t: Tensor, min?: number | null, max?: number | null): Tensor {
  checkTensor('clamp', 'input', t);
  const hasMin = min !== undefined && min !== null;
  const hasMax = max !== undefined && max !== null;
  if (!hasMin && !hasMax) fail('clamp', 'min', "at least one of 'min' or 'max' must not be null");
  if (hasMin && typeof min !== 'number') fail('clamp', 'min', `expected a number, got ${typeof min}`);
  if (hasMax && typeof max !== 'number') fail('clamp', 'max', `expected a number, got ${typeof max}`);
  const bounds: TensorLike[] = [t];
  if (hasMin) bounds.push(min);
  if (hasMax) bounds.push(max);
  const dtype = resultType(...bounds);
  const lo = hasMin ? scalarAs(min, dtype) : -Infinity;
  const hi = hasMax ? scalarAs(max, dtype) : Infinity;
  return runUnary(CLAMP, t.dtype === dtype ? t : to(t, dtype), lo, hi);
}

// ---- where --------------------------------------------------------------------------------------

function whereRow(
  n: number,
  out: Storage,
  o: number,
  c: Storage,
  ic: number,
  sc: number,
  a: Storage,
  ia: number,
  sa: number,
  b: Storage,
  ib: number,
  sb: number,
): void {
  for (let i = 0; i < n; i++, o++, ic += sc, ia += sa, ib += sb) out[o] = c[ic] !== 0 ? a[ia] : b[ib];
}

// The float32 copy of `whereRow` (relu's and clamp's gradients run on it), on the float32 bits:
// `mask` is all ones or all zeros, so `(a & mask) | (b & ~mask)` picks a's or b's bits
// exactly (NaN payloads and -0 included) without a branch, which random masks mispredict half the
// time (about 5x slower than this).
function whereRowF32(
  n: number,
  out: Int32Array,
  o: number,
  c: Uint8Array,
  ic: number,
  sc: number,
  a: Int32Array,
  ia: number,
  sa: number,
  b: Int32Array,
  ib: number,
  sb: number,
): void {
  for (let i = 0; i < n; i++, o++, ic += sc, ia += sa, ib += sb) {
    const mask = -c[ic] >> 31; // all ones for any nonzero byte
    out[o] = (a[ia] & mask) | (b[ib] & ~mask);
  }
}

/** The same memory as 32-bit integers (float32 storage viewed bitwise). */
const bits = (f: Float32Array): Int32Array => new Int32Array(f.buffer, f.byteOffset, f.length);

/**
 * Picks `a` where `cond` is true and `b` elsewhere, broadcasting all three together. `cond`
 * must be a bool tensor (or a boolean); the result dtype is the promotion of `a` and `b`.
 *
 * Shapes: `cond`, `a` and `b` broadcast together -> the broadcast shape.
 *
 * @param cond - The condition, a bool tensor (or a value), broadcast with `a` and `b`.
 * @param a - The values (tensor or number) taken where `cond` is true.
 * @param b - The values taken where `cond` is false.
 * @returns A new tensor in the broadcast shape and the promoted dtype of `a` and `b`.
 * @see torch.where
 * @example
 * ```ts
 * import { tensor, where } from '@torchlet/tensor';
 * const x = tensor([-1, 2, -3]);
 * where(x.gt(0), x, 0).toArray(); // -> [0, 2, 0]
 * ```
 */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  checkOperand('where', 'condition', cond);
  checkOperand('where', 'input', a);
  checkOperand('where', 'other', b);
  if (typeof cond === 'number' || (isTensor(cond) && cond.dtype !== 'bool')) {
    fail('where', 'condition', `expected condition to be a bool tensor, but got ${describe(cond)}`);
  }
  const dtype = resultType(a, b);
  if (anyOnGpu(cond, a, b)) return gpuWhere(cond, a, b, dtype);
  const c = operand(cond, 'bool');
  const x = operand(a, dtype);
  const y = operand(b, dtype);
  const shape = broadcastShapes('where', broadcastShapes('where', c.shape, x.shape), y.shape);
  const out = allocStorage(dtype, shapeSize(shape));
  if (out.length > 0) {
    const co = coalesce(shape, [
      contiguousStrides(shape),
      broadcastStrides(c, shape),
      broadcastStrides(x, shape),
      broadcastStrides(y, shape),
    ]);
    const dims = co.shape;
    const [, cS, aS, bS] = co.strides;
    const last = dims.length - 1;
    const n = dims[last];
    const rows = out.length / n;
    const counter = new Array<number>(last).fill(0);
    let ic = c.offset;
    let ia = x.offset;
    let ib = y.offset;
    const f32 =
      out instanceof Float32Array &&
      c.data instanceof Uint8Array &&
      x.data instanceof Float32Array &&
      y.data instanceof Float32Array;
    const row = (f32 ? whereRowF32 : whereRow) as typeof whereRow;
    const [outData, xData, yData] = f32
      ? [bits(out as Float32Array), bits(x.data as Float32Array), bits(y.data as Float32Array)]
      : [out, x.data, y.data];
    for (let r = 0, o = 0; r < rows; r++, o += n) {
      row(n, outData, o, c.data, ic, cS[last], xData, ia, aS[last], yData, ib, bS[last]);
      for (let d = last - 1; d >= 0; d--) {
        ic += cS[d];
        ia += aS[d];
        ib += bS[d];
        if (++counter[d] < dims[d]) break;
        ic -= cS[d] * dims[d];
        ia -= aS[d] * dims[d];
        ib -= bS[d] * dims[d];
        counter[d] = 0;
      }
    }
  }
  return new Tensor(out, shape, undefined, 0, dtype);
}

// ---- in place -----------------------------------------------------------------------------------

/** Rejects writing into a tensor where several elements share one memory location (an expand). */
function checkWritable(fn: string, t: Tensor): void {
  for (let d = 0; d < t.ndim; d++) {
    if (t.strides[d] === 0 && t.shape[d] > 1) {
      fail(
        fn,
        'self',
        `unsupported operation: more than one element of the written-to tensor refers to a single memory location (shape ${formatShape(t.shape)}, strides ${formatShape(t.strides)}); clone() the tensor first`,
      );
    }
  }
}

/** Checks that `other` broadcasts to exactly `t`'s shape (an in-place op cannot grow `t`). */
function checkBroadcastsTo(fn: string, arg: string, t: Tensor, other: TensorLike): void {
  const otherShape = isTensor(other) ? other.shape : [];
  const shape = broadcastShapes(fn, t.shape, otherShape);
  if (!shapesEqual(shape, t.shape)) {
    fail(
      fn,
      arg,
      `output with shape ${formatShape(t.shape)} doesn't match the broadcast shape ${formatShape(shape)} (self ${formatShape(t.shape)}, ${arg} ${formatShape(otherShape)})`,
    );
  }
}

/**
 * Writes `t[i] = op(t[i], b[i])` through `t`'s strides, `b` broadcast to `t`'s shape, walking in
 * `t`'s memory order. `b` is copied first when it shares storage with `t` in another layout.
 */
function writeInPlace(t: Tensor, op: number, alpha: number, source: Operand): void {
  if (anyOnGpu(t, source)) {
    const kind = op === COPY ? 'copy' : op === DIV ? 'div' : op === MUL || op === IMUL || op === AND ? 'mul' : 'add';
    gpuWriteInPlace(`${kind}InPlace`, t, kind, alpha, source);
    return;
  }
  let b = source;
  // An int64 operand into int32 storage: the low 32 bits of the int64 result are the int32 result
  // of the same op on the wrapped operand (add, mul, pow, copy), and int32 storage takes numbers.
  if (b.data instanceof BigInt64Array && !(t.data instanceof BigInt64Array)) {
    b = to(isTensor(b) ? b : new Tensor(b.data, b.shape, b.strides, b.offset, 'int64'), t.dtype);
  }
  if (isTensor(b) && b.data.buffer === t.data.buffer) {
    const sameLayout =
      b.data === t.data && b.offset === t.offset && shapesEqual(b.shape, t.shape) && shapesEqual(b.strides, t.strides);
    if (!sameLayout) b = clone(b);
  }
  if (t.numel > 0) {
    const bStrides = broadcastStrides(b, t.shape);
    const order = memoryOrder(t.strides);
    const c = coalesce(
      order.map((d) => t.shape[d]),
      [order.map((d) => t.strides[d]), order.map((d) => bStrides[d])],
    );
    const row = pickRow(t.data, t.data, b.data);
    runBinary(
      row,
      op,
      alpha,
      c.shape,
      t.data,
      t.offset,
      c.strides[0],
      t.data,
      t.offset,
      c.strides[0],
      b.data,
      b.offset,
      c.strides[1],
    );
  }
  t.bumpVersion();
}

/** Shared checks of `addInPlace`, `mulInPlace`, `divInPlace`; returns the compute dtype. */
function inPlaceDType(fn: string, t: Tensor, other: TensorLike, floatResult: boolean): DType {
  checkTensor(fn, 'self', t);
  checkOperand(fn, 'other', other);
  checkWritable(fn, t);
  checkBroadcastsTo(fn, 'other', t, other);
  let dtype = resultType(t, other);
  if (floatResult && !isFloatingDType(dtype)) dtype = 'float32';
  if (!canCast(dtype, t.dtype)) {
    fail(
      fn,
      'other',
      `result type ${dtype} can't be cast to the desired output type ${t.dtype} (self ${describe(t)}, other ${describe(other)})`,
    );
  }
  return dtype;
}

/**
 * `t -= alpha * other` in place, as {@link addInPlace} with `-alpha`; a bool operand is refused,
 * as PyTorch does. Bumps `t.version`.
 *
 * Shapes: `t` any; `other` broadcastable to `t.shape`.
 *
 * @param t - The tensor to update in place.
 * @param other - A tensor or number, broadcast to `t`'s shape.
 * @param alpha - The multiplier of `other`. Default `1`.
 * @see torch.Tensor.sub_
 * @example
 * ```ts
 * import { subInPlace, tensor } from '@torchlet/tensor';
 * const x = tensor([5, 5]);
 * subInPlace(x, tensor([1, 2]));
 * x.toArray(); // -> [4, 3]
 * ```
 */
export function subInPlace(t: Tensor, other: TensorLike, alpha = 1): void {
  checkTensor('subInPlace', 'self', t);
  checkOperand('subInPlace', 'other', other);
  checkNoBoolSub('subInPlace', t, other);
  // Two bools: sub's own message, not addInPlace's complaint about alpha -1.
  if (t.dtype === 'bool') fail('subInPlace', 'self', `${SUB_SPEC.bool} (self bool ${formatShape(t.shape)})`);
  if (typeof alpha !== 'number') fail('subInPlace', 'alpha', `expected a number, got ${formatValue(alpha)}`);
  addInPlace(t, other, -alpha);
}

/**
 * `t += alpha * other` in place, through `t`'s strides (views write into their base). `other`
 * must broadcast to `t`'s shape, and the promoted result type must be storable in `t`'s dtype
 * (a float `other` cannot be added into an int32 tensor). Bumps `t.version`.
 *
 * Shapes: `t` any; `other` broadcastable to `t.shape`.
 *
 * @param t - The tensor to update in place.
 * @param other - A tensor or number, broadcast to `t`'s shape.
 * @param alpha - The multiplier of `other`. Default `1`.
 * @see torch.Tensor.add_
 * @example
 * ```ts
 * import { addInPlace, zeros, tensor } from '@torchlet/tensor';
 * const x = zeros([2, 2]);
 * addInPlace(x, tensor([1, 2]), 10);
 * x.toArray(); // -> [[10, 20], [10, 20]]
 * x.version; // -> 1
 * ```
 */
export function addInPlace(t: Tensor, other: TensorLike, alpha = 1): void {
  const dtype = inPlaceDType('addInPlace', t, other, false);
  if (typeof alpha !== 'number') fail('addInPlace', 'alpha', `expected a number, got ${typeof alpha}`);
  if (!isFloatingDType(dtype) && !Number.isInteger(alpha)) {
    fail(
      'addInPlace',
      'alpha',
      `for integral input tensors, argument alpha must not be a floating point number (got ${formatValue(alpha)})`,
    );
  }
  let op: number;
  if (isFloatingDType(dtype)) op = alpha === 1 ? ADD : ADD_ALPHA;
  else if (isIntegerDType(dtype)) op = alpha === 1 ? ADD : IADD_ALPHA;
  else {
    if (alpha !== 0 && alpha !== 1)
      fail('addInPlace', 'alpha', `alpha must be 0 or 1 for bool tensors (got ${formatValue(alpha)})`);
    op = OR;
  }
  // bool with alpha 0 adds nothing, but it is still an in-place write
  if (dtype === 'bool' && alpha === 0) {
    t.bumpVersion();
    return;
  }
  writeInPlace(t, op, alpha, operand(other, dtype));
}

/**
 * `t *= other` in place, through `t`'s strides; same rules as {@link addInPlace}. Bumps `t.version`.
 *
 * Shapes: `t` any; `other` broadcastable to `t.shape`.
 *
 * @param t - The tensor to update in place.
 * @param other - A tensor or number, broadcast to `t`'s shape.
 * @see torch.Tensor.mul_
 * @example
 * ```ts
 * import { mulInPlace, tensor } from '@torchlet/tensor';
 * const x = tensor([[1, 2], [3, 4]]);
 * mulInPlace(x, tensor([[10], [100]]));
 * x.toArray(); // -> [[10, 20], [300, 400]]
 * ```
 */
export function mulInPlace(t: Tensor, other: TensorLike): void {
  const dtype = inPlaceDType('mulInPlace', t, other, false);
  const op = isFloatingDType(dtype) ? MUL : isIntegerDType(dtype) ? IMUL : AND;
  writeInPlace(t, op, 1, operand(other, dtype));
}

/**
 * `t /= other` (true division) in place, through `t`'s strides. Division gives floats, so an
 * int32 or bool `t` is rejected, as in PyTorch. Bumps `t.version`.
 *
 * Shapes: `t` any; `other` broadcastable to `t.shape`.
 *
 * @param t - The tensor to update in place (a float tensor).
 * @param other - A tensor or number, broadcast to `t`'s shape.
 * @see torch.Tensor.div_
 * @example
 * ```ts
 * import { divInPlace, tensor } from '@torchlet/tensor';
 * const x = tensor([1, 2, 3]);
 * divInPlace(x, 2);
 * x.toArray(); // -> [0.5, 1, 1.5]
 * ```
 */
export function divInPlace(t: Tensor, other: TensorLike): void {
  const dtype = inPlaceDType('divInPlace', t, other, true);
  writeInPlace(t, DIV, 1, operand(other, dtype));
}

/**
 * Copies `src` into `t` in place, through `t`'s strides: a tensor is broadcast to `t`'s shape and
 * converted to `t`'s dtype (floats truncate into int32), a scalar fills every element. Safe when
 * `src` overlaps `t`. Bumps `t.version`.
 *
 * Shapes: `t` any; `src` broadcastable to `t.shape`.
 *
 * @param t - The tensor to write in place.
 * @param src - A tensor or number, broadcast to `t`'s shape and cast to its dtype.
 * @see torch.Tensor.copy_
 * @example
 * ```ts
 * import { copyInPlace, tensor, zeros } from '@torchlet/tensor';
 * const x = zeros([2, 3]);
 * copyInPlace(x.narrow(1, 1, 2), tensor([7, 8]));
 * x.toArray(); // -> [[0, 7, 8], [0, 7, 8]]
 * ```
 */
export function copyInPlace(t: Tensor, src: TensorLike): void {
  checkTensor('copyInPlace', 'self', t);
  checkOperand('copyInPlace', 'src', src);
  if (isTensor(src)) checkWritable('copyInPlace', t);
  // else a scalar fill: aliased elements all get the same value, as PyTorch's fill_ allows
  else if (isIntegerDType(t.dtype)) scalarFor('copyInPlace', 'src', Number(src), t.dtype);
  checkBroadcastsTo('copyInPlace', 'src', t, src);
  writeInPlace(t, COPY, 1, operand(src, t.dtype));
}
