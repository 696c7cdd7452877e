import { gpuMatmul } from './device/gpu-linalg.js';
import { allocStorage, type DType, type Storage } from './dtype.js';
import { fail, formatShape } from './errors.js';
import { type FloatArray, gemm } from './gemm.js';
import { broadcastShapes, shapeSize } from './shape.js';
import { copyStridedInto } from './strided.js';
import { isTensor, Tensor } from './tensor.js';
import { contiguous, expand } from './views.js';

function checkTensor(fn: string, arg: string, t: Tensor): void {
  if (!isTensor(t)) fail(fn, arg, `expected a Tensor, got ${typeof t}`);
}

/** The dtype of a product of `a` and `b`, or a named error (PyTorch requires equal dtypes). */
function productDType(fn: string, a: Tensor, b: Tensor): DType {
  if (a.dtype !== b.dtype) {
    fail(
      fn,
      '',
      `expected both arguments to have the same dtype, but got ${a.dtype} != ${b.dtype} (shapes ${formatShape(a.shape)} and ${formatShape(b.shape)})`,
    );
  }
  if (a.dtype === 'bool') {
    fail(fn, '', `not implemented for bool tensors (shapes ${formatShape(a.shape)} and ${formatShape(b.shape)})`);
  }
  return a.dtype;
}

function sizeMismatch(fn: string, a: Tensor, b: Tensor, ka: number, kb: number): never {
  return fail(
    fn,
    '',
    `shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} cannot be multiplied (${ka} != ${kb})`,
  );
}

/** Dot product of two equal-length strided vectors, accumulated in float64, as a 0-d tensor. */
function dotKernel(a: Tensor, b: Tensor, dtype: DType): Tensor {
  const n = a.shape[0];
  const da = a.data;
  const db = b.data;
  const sa = a.strides[0];
  const sb = b.strides[0];
  let ia = a.offset;
  let ib = b.offset;
  if (da instanceof BigInt64Array && db instanceof BigInt64Array) {
    // int64: exact in BigInt; the store keeps the low 64 bits (PyTorch's wrap-around)
    let acc = 0n;
    for (let i = 0; i < n; i++, ia += sa, ib += sb) acc += da[ia] * db[ib];
    return new Tensor(new BigInt64Array([BigInt.asIntN(64, acc)]), []);
  }
  const fa = da as FloatArray;
  const fb = db as FloatArray;
  let acc = 0;
  for (let i = 0; i < n; i++, ia += sa, ib += sb) acc += fa[ia] * fb[ib];
  const out = allocStorage(dtype, 1);
  out[0] = acc as never;
  return new Tensor(out, []);
}

/** How a 2-D strided matrix can be handed to gemm without copying: its transpose flag and `ld`. */
interface GemmOperand {
  readonly trans: boolean;
  readonly ld: number;
}

/**
 * A matrix with `rows x cols` and strides `(rs, cs)` is a row-major matrix when `cs = 1`, and the
 * transpose of one when `rs = 1` (what `.t()` or `transpose(-1, -2)` of a contiguous tensor gives).
 * Size-1 dimensions may carry any stride. Anything else (e.g. an expanded stride 0) needs a copy.
 */
function asGemmOperand(rows: number, cols: number, rs: number, cs: number): GemmOperand | null {
  if ((cols <= 1 || cs === 1) && (rows <= 1 || rs >= Math.max(cols, 1))) {
    return { trans: false, ld: rows <= 1 ? Math.max(cols, 1) : rs };
  }
  if ((rows <= 1 || rs === 1) && (cols <= 1 || cs >= Math.max(rows, 1))) {
    return { trans: true, ld: cols <= 1 ? Math.max(rows, 1) : cs };
  }
  return null;
}

/** Batched int64 `a @ b`, exact in BigInt (int64 products are rare: a plain triple loop). */
function int64Matmul(a: Tensor, b: Tensor, batch: number[], m: number, k: number, n: number): Tensor {
  const da = contiguous(expand(a, [...batch, m, k])).data as BigInt64Array;
  const db = contiguous(expand(b, [...batch, k, n])).data as BigInt64Array;
  const nb = shapeSize(batch);
  const out = allocStorage('int64', nb * m * n) as BigInt64Array;
  for (let bi = 0; bi < nb; bi++) {
    const oa = bi * m * k;
    const ob = bi * k * n;
    const oc = bi * m * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0n;
        for (let p = 0; p < k; p++) acc += da[oa + i * k + p] * db[ob + p * n + j];
        out[oc + i * n + j] = acc; // the store wraps to 64 bits
      }
    }
  }
  return new Tensor(out, [...batch, m, n]);
}

/** A contiguous copy of `t`'s elements in `Float64Array` (for int32) or its own float type. */
function gatherAs(t: Tensor, float64: boolean): Tensor {
  const out: Storage = float64 ? new Float64Array(t.numel) : allocStorage(t.dtype, t.numel);
  copyStridedInto(t.data, t.shape, t.strides, t.offset, out);
  return new Tensor(out, t.shape);
}

/**
 * Batched `a @ b` for `a: [...batchA, m, k]`, `b: [...batchB, k, n]` (both at least 2-D), with
 * broadcast batch dimensions, computed with one gemm call per batch element (or one call for all
 * when `b` has no batch and `a`'s batch rows are evenly strided, folding the batch into `m`).
 */
function batchedMatmul(fn: string, a: Tensor, b: Tensor, dtype: DType): Tensor {
  const m = a.shape[a.ndim - 2];
  const k = a.shape[a.ndim - 1];
  const kb = b.shape[b.ndim - 2];
  const n = b.shape[b.ndim - 1];
  if (k !== kb) sizeMismatch(fn, a, b, k, kb);
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  let batch: number[];
  try {
    batch = broadcastShapes(fn, batchA, batchB);
  } catch {
    return fail(
      fn,
      '',
      `batch dimensions of shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} do not broadcast (${formatShape(batchA)} vs ${formatShape(batchB)})`,
    );
  }
  const outShape = [...batch, m, n];
  if (dtype === 'int64') return int64Matmul(a, b, batch, m, k, n);
  const isInt = dtype === 'int32';
  const result = allocStorage(dtype, shapeSize(outShape));
  const c: FloatArray = isInt ? new Float64Array(result.length) : (result as FloatArray);
  const nb = shapeSize(batch);
  if (result.length > 0) {
    // int32 operands are computed in float64, then stored back (truncating) into int32.
    let opA = isInt ? null : asGemmOperand(m, k, a.strides[a.ndim - 2], a.strides[a.ndim - 1]);
    let opB = isInt ? null : asGemmOperand(k, n, b.strides[b.ndim - 2], b.strides[b.ndim - 1]);
    let ta = a;
    let tb = b;
    if (!opA) {
      ta = gatherAs(a, isInt);
      opA = { trans: false, ld: Math.max(k, 1) };
    }
    if (!opB) {
      tb = gatherAs(b, isInt);
      opB = { trans: false, ld: Math.max(n, 1) };
    }
    const da = ta.data as FloatArray;
    const db = tb.data as FloatArray;
    // Batch strides, with 0 for broadcast (missing or size-1) dimensions.
    const nd = batch.length;
    const bsA = new Array<number>(nd).fill(0);
    const bsB = new Array<number>(nd).fill(0);
    for (let i = 0; i < batchA.length; i++) {
      if (batchA[i] !== 1) bsA[nd - batchA.length + i] = ta.strides[i];
    }
    for (let i = 0; i < batchB.length; i++) {
      if (batchB[i] !== 1) bsB[nd - batchB.length + i] = tb.strides[i];
    }
    const foldRows = foldableRows(opA, bsA, batch, m);
    if (foldRows !== null && bsB.every((s) => s === 0)) {
      // Every batch of A is the next block of rows: one gemm of (nb * m) x k by k x n.
      gemm(false, opB.trans, nb * m, n, k, 1, da, ta.offset, opA.ld, db, tb.offset, opB.ld, 0, c, 0, n);
    } else {
      const counter = new Array<number>(nd).fill(0);
      let offA = ta.offset;
      let offB = tb.offset;
      for (let bi = 0; bi < nb; bi++) {
        gemm(opA.trans, opB.trans, m, n, k, 1, da, offA, opA.ld, db, offB, opB.ld, 0, c, bi * m * n, n);
        for (let d = nd - 1; d >= 0; d--) {
          counter[d]++;
          offA += bsA[d];
          offB += bsB[d];
          if (counter[d] < batch[d]) break;
          offA -= bsA[d] * batch[d];
          offB -= bsB[d] * batch[d];
          counter[d] = 0;
        }
      }
    }
    if (isInt) for (let i = 0; i < c.length; i++) result[i] = c[i];
  }
  return new Tensor(result, outShape);
}

/**
 * Whether A's batch dimensions step by whole blocks of `m` rows (`stride = m * ld`, then the
 * product outwards), so `[...batch, m, k]` is one `(nb * m) x k` row-major matrix with row stride `ld`.
 */
function foldableRows(op: GemmOperand, bs: readonly number[], batch: readonly number[], m: number): number | null {
  if (op.trans) return null;
  let expected = m * op.ld;
  for (let d = batch.length - 1; d >= 0; d--) {
    if (batch[d] === 1) continue;
    if (bs[d] !== expected) return null;
    expected *= batch[d];
  }
  return expected;
}

/**
 * Matrix product with PyTorch's rules: 1-D x 1-D is a dot product (0-d result); 2-D x 2-D is the
 * matrix product; a 1-D operand is promoted by prepending (left) or appending (right) a size-1
 * dimension that is removed afterwards; beyond 2-D the leading dimensions are batch dimensions that
 * broadcast. Both operands must have the same dtype (float32, float64 or int32). Transposed views
 * are multiplied in place without copying.
 *
 * Shapes: `[n] x [n] -> []`, `[m,k] x [k,n] -> [m,n]`, `[k] x [...,k,n] -> [...,n]`,
 * `[...,m,k] x [k] -> [...,m]`, `[...A,m,k] x [...B,k,n] -> [...broadcast(A,B),m,n]`.
 *
 * @param a - The left operand: `[n]`, `[m, k]` or a batch `[..., m, k]`.
 * @param b - The right operand: `[n]`, `[k, p]` or a batch `[..., k, p]`; batch dimensions broadcast.
 * @returns A new tensor: the product, with 1-D operands' added dimensions removed again.
 * @see torch.matmul
 * @example
 * ```ts
 * import { matmul, tensor } from '@torchlet/tensor';
 * const a = tensor([[1, 2], [3, 4]]);
 * matmul(a, tensor([[5], [6]])).toArray(); // -> [[17], [39]]
 * matmul(a, tensor([1, 1])).toArray(); // -> [3, 7]
 * matmul(tensor([1, 2]), tensor([3, 4])).item(); // -> 11
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor('matmul', 'input', a);
  checkTensor('matmul', 'other', b);
  if (a.ndim === 0 || b.ndim === 0) {
    fail(
      'matmul',
      '',
      `both arguments to matmul need to be at least 1D, but they are ${a.ndim}D and ${b.ndim}D (shapes ${formatShape(a.shape)} and ${formatShape(b.shape)})`,
    );
  }
  const dtype = productDType('matmul', a, b);
  if (a.gpuBuffer !== null || b.gpuBuffer !== null) return gpuMatmul('matmul', a, b);
  if (a.ndim === 1 && b.ndim === 1) {
    if (a.shape[0] !== b.shape[0]) sizeMismatch('matmul', a, b, a.shape[0], b.shape[0]);
    return dotKernel(a, b, dtype);
  }
  const a2 = a.ndim === 1 ? new Tensor(a.data, [1, a.shape[0]], [0, a.strides[0]], a.offset, a.dtype) : a;
  const b2 = b.ndim === 1 ? new Tensor(b.data, [b.shape[0], 1], [b.strides[0], 0], b.offset, b.dtype) : b;
  if (a2.shape[a2.ndim - 1] !== b2.shape[b2.ndim - 2]) {
    sizeMismatch('matmul', a, b, a2.shape[a2.ndim - 1], b2.shape[b2.ndim - 2]);
  }
  const out = batchedMatmul('matmul', a2, b2, dtype);
  if (a.ndim > 1 && b.ndim > 1) return out;
  // Drop the promoted dimension (the result is contiguous, so this is a plain reshape).
  const shape = [...out.shape];
  shape.splice(a.ndim === 1 ? shape.length - 2 : shape.length - 1, 1);
  return new Tensor(out.data, shape);
}

/**
 * Matrix product of two 2-D tensors (no broadcasting; see {@link matmul} for the general case).
 *
 * Shapes: `[m,k] x [k,n] -> [m,n]`.
 *
 * @param a - A matrix `[m, k]`.
 * @param b - A matrix `[k, p]`.
 * @returns A new tensor `[m, p]`.
 * @see torch.mm
 * @example
 * ```ts
 * import { mm, tensor } from '@torchlet/tensor';
 * mm(tensor([[1, 2], [3, 4]]), tensor([[1, 0], [0, 1]])).toArray(); // -> [[1, 2], [3, 4]]
 * ```
 */
export function mm(a: Tensor, b: Tensor): Tensor {
  checkTensor('mm', 'input', a);
  checkTensor('mm', 'mat2', b);
  if (a.ndim !== 2 || b.ndim !== 2) {
    fail(
      'mm',
      a.ndim !== 2 ? 'input' : 'mat2',
      `expected 2-D tensors, but got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
  }
  const dtype = productDType('mm', a, b);
  if (a.gpuBuffer !== null || b.gpuBuffer !== null) return gpuMatmul('mm', a, b);
  return batchedMatmul('mm', a, b, dtype);
}

/**
 * Dot product of two 1-D tensors of the same length and dtype, accumulated in float64.
 *
 * Shapes: `[n] x [n] -> []`.
 *
 * @param a - A vector `[n]`.
 * @param b - A vector `[n]`, of the same dtype.
 * @returns A new 0-d tensor.
 * @see torch.dot
 * @example
 * ```ts
 * import { dot, tensor } from '@torchlet/tensor';
 * dot(tensor([1, 2, 3]), tensor([4, 5, 6])).item(); // -> 32
 * ```
 */
export function dot(a: Tensor, b: Tensor): Tensor {
  checkTensor('dot', 'input', a);
  checkTensor('dot', 'other', b);
  if (a.ndim !== 1 || b.ndim !== 1) {
    fail(
      'dot',
      a.ndim !== 1 ? 'input' : 'other',
      `1D tensors expected, but got ${a.ndim}D and ${b.ndim}D tensors (shapes ${formatShape(a.shape)} and ${formatShape(b.shape)})`,
    );
  }
  const dtype = productDType('dot', a, b);
  if (a.shape[0] !== b.shape[0]) sizeMismatch('dot', a, b, a.shape[0], b.shape[0]);
  if (a.gpuBuffer !== null || b.gpuBuffer !== null) return gpuMatmul('dot', a, b);
  return dotKernel(a, b, dtype);
}
