// Deterministic inputs and the layout conversions between PyTorch's NCHW and tfjs's NHWC.
// Everything here runs outside the timed region.

/** `n` floats uniform in [-1, 1) from a fixed-seed LCG, so every run and contender sees the same data. */
export function randomData(n: number, seed = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Copies dense row-major `data` of `shape` into the layout `out[i] = data[perm...]` (NumPy's `transpose(perm)`). */
export function permuteData(data: ArrayLike<number>, shape: readonly number[], perm: readonly number[]): Float32Array {
  const rank = shape.length;
  const strides = new Array<number>(rank);
  let size = 1;
  for (let d = rank - 1; d >= 0; d--) {
    strides[d] = size;
    size *= shape[d];
  }
  const outShape = perm.map((p) => shape[p]);
  const srcStride = perm.map((p) => strides[p]);
  const out = new Float32Array(size);
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < size; i++) {
    out[i] = data[src];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      src += srcStride[d];
      if (idx[d] < outShape[d]) break;
      src -= srcStride[d] * outShape[d];
      idx[d] = 0;
    }
  }
  return out;
}

/** The shape after {@link permuteData}. */
export function permuteShape(shape: readonly number[], perm: readonly number[]): number[] {
  return perm.map((p) => shape[p]);
}

/** NCHW -> NHWC (also OIHW -> OHWI; use {@link OIHW_TO_HWIO} for tfjs filters). */
export const NCHW_TO_NHWC: readonly number[] = [0, 2, 3, 1];
/** NHWC -> NCHW. */
export const NHWC_TO_NCHW: readonly number[] = [0, 3, 1, 2];
/** PyTorch weight `[Cout, Cin, kh, kw]` -> tfjs filter `[kh, kw, Cin, Cout]`. */
export const OIHW_TO_HWIO: readonly number[] = [2, 3, 1, 0];
/** tfjs filter `[kh, kw, Cin, Cout]` -> PyTorch weight `[Cout, Cin, kh, kw]`. */
export const HWIO_TO_OIHW: readonly number[] = [3, 2, 0, 1];

/** `[1,2,5,5]`, as torchlet's error messages write shapes. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
