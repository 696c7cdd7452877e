// int64 support: BigInt64Array storage, whose elements are `bigint`s. The row kernels here do the
// int64 arithmetic exactly in BigInt; storing into a BigInt64Array keeps the low 64 bits, which is
// the two's-complement wrap-around PyTorch's int64 has on overflow.
import { fail } from './errors.js';

/** 2^53: int64 values up to this magnitude are exact JS numbers. */
const SAFE = 2n ** 53n;
const INT64_MIN = -(2n ** 63n);

/**
 * An int64 element as a JS number, exact up to 2^53 in magnitude; beyond that a TorchletError
 * naming `fn` that points at `toTypedArray()` (a `BigInt64Array` keeps every value).
 */
export function int64ToNumber(fn: string, v: bigint): number {
  if (v > SAFE || v < -SAFE) {
    fail(
      fn,
      'self',
      `int64 value ${v} is beyond 2^53 and has no exact JS number; read it with toTypedArray() (a BigInt64Array)`,
    );
  }
  return Number(v);
}

/**
 * A JS number converted to int64 as PyTorch's cast from a float does on x86: truncation toward
 * zero; NaN, infinities and values outside the int64 range give INT64_MIN.
 */
export function numberToInt64(v: number): bigint {
  if (!(v >= -(2 ** 63) && v < 2 ** 63)) return INT64_MIN;
  return BigInt(Math.trunc(v));
}

/**
 * An int64 value converted to float32 with one rounding (round to nearest, ties to even), as
 * PyTorch's cast does; `Math.fround(Number(v))` would round twice above 2^53.
 */
export function int64ToFloat32(v: bigint): number {
  if (v <= SAFE && v >= -SAFE) return Math.fround(Number(v));
  const neg = v < 0n;
  let m = neg ? -v : v;
  const bits = m.toString(2).length;
  const drop = BigInt(bits - 24);
  const rest = m & ((1n << drop) - 1n);
  const half = 1n << (drop - 1n);
  m >>= drop;
  if (rest > half || (rest === half && (m & 1n) === 1n)) m += 1n;
  const r = Number(m << drop); // at most 25 significant bits: exact as a double and as a float32
  return neg ? -r : r;
}

// Op codes shared with elementwise.ts (binary).
const ADD = 0;
const SUB = 1;
const MUL = 2;
const MAX = 5;
const MIN = 6;
const ADD_ALPHA = 7;
const COPY = 8;
const IMUL = 9;
const IPOW = 10;
const IADD_ALPHA = 11;

/** Integer power with int64 wrap-around; negative exponents give 1, -1 or 0 as PyTorch's `powi`. */
function powi64(a: bigint, b: bigint): bigint {
  if (b < 0n) {
    if (a === 1n) return 1n;
    if (a === -1n) return b & 1n ? -1n : 1n;
    return 0n;
  }
  let r = 1n;
  let base = a;
  for (let e = b; e > 0n; e >>= 1n) {
    if (e & 1n) r = BigInt.asIntN(64, r * base);
    base = BigInt.asIntN(64, base * base);
  }
  return r;
}

/** The binary row kernel of int64 (same signature as elementwise.ts's rows, BigInt64Array storage). */
export function rowI64(
  op: number,
  n: number,
  out: BigInt64Array,
  o: number,
  so: number,
  a: BigInt64Array,
  ia: number,
  sa: number,
  b: BigInt64Array,
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
    case IMUL:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = a[ia] * b[ib];
      return;
    case IPOW:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = powi64(a[ia], b[ib]);
      return;
    // bigints have no Math.max / Math.min
    case MAX:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) {
        if (a[ia] > b[ib]) out[o] = a[ia];
        else out[o] = b[ib];
      }
      return;
    case MIN:
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) {
        if (a[ia] < b[ib]) out[o] = a[ia];
        else out[o] = b[ib];
      }
      return;
    case ADD_ALPHA:
    case IADD_ALPHA: {
      const k = BigInt(alpha);
      for (let i = 0; i < n; i++, o += so, ia += sa, ib += sb) out[o] = a[ia] + k * b[ib];
      return;
    }
    case COPY:
      for (let i = 0; i < n; i++, o += so, ib += sb) out[o] = b[ib];
      return;
    default:
      throw new Error(`internal: op ${op} has no int64 kernel`);
  }
}

// Unary op codes shared with elementwise.ts.
const NEG = 0;
const ABS = 1;
const RELU = 7;
const CLAMP = 8;

/** The unary row kernel of int64 (neg, abs, relu, clamp; the others compute in float32). */
export function unaryI64(
  op: number,
  n: number,
  out: BigInt64Array,
  o: number,
  a: BigInt64Array,
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
      for (; o < end; o++, ia += sa) out[o] = a[ia] < 0n ? -a[ia] : a[ia];
      return;
    case RELU:
      for (; o < end; o++, ia += sa) out[o] = a[ia] > 0n ? a[ia] : 0n;
      return;
    case CLAMP: {
      // bounds arrive as numbers; as PyTorch, a bound that is not integral compares as a double
      for (; o < end; o++, ia += sa) {
        const v = a[ia];
        const x = Number(v);
        out[o] = x < lo ? numberToInt64(lo) : x > hi ? numberToInt64(hi) : v;
      }
      return;
    }
    default:
      throw new Error(`internal: unary op ${op} has no int64 kernel`);
  }
}
