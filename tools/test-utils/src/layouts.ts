import { Tensor } from '@torchlet/tensor';
import fc from 'fast-check';
import { numelOf } from './array.js';

/** The float dtypes the reference tests run in. */
export type FloatDType = 'float32' | 'float64';

/**
 * A memory layout for the same logical values (all fill unused storage slots with NaN, so a kernel
 * that reads outside the view fails loudly):
 * - `'contiguous'`: row-major, offset 0;
 * - `'offset'`: row-major, starting at storage offset 3;
 * - `'padded'`: row-major with a one-element gap after every row and plane (each dim is laid out as
 *   if one longer), offset 2;
 * - `'permuted'`: the last two dims swapped in storage (a transposed view), offset 1;
 * - `'reversed'`: column-major (every dim reversed, like a full permute), offset 0;
 * - `'sliced'`: every other element of a larger row-major buffer (last-dim stride 2), offset 1.
 */
export type Layout = 'contiguous' | 'offset' | 'padded' | 'permuted' | 'reversed' | 'sliced';

/** Every {@link Layout}. */
export const layouts: readonly Layout[] = ['contiguous', 'offset', 'padded', 'permuted', 'reversed', 'sliced'];

/** Row-major strides of `dims` (with `extra` added to each dim's extent) times `scale`, and the span they cover. */
function rowMajor(dims: readonly number[], extra: number, scale: number): { strides: number[]; span: number } {
  const strides = new Array<number>(dims.length);
  let s = scale;
  for (let d = dims.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= dims[d] + extra;
  }
  return { strides, span: s };
}

/** Strides, storage offset and storage length of `layout` for `shape`. */
function layoutOf(shape: readonly number[], layout: Layout): { strides: number[]; offset: number; length: number } {
  const nd = shape.length;
  const n = numelOf(shape);
  switch (layout) {
    case 'contiguous':
      return { strides: rowMajor(shape, 0, 1).strides, offset: 0, length: n };
    case 'offset':
      return { strides: rowMajor(shape, 0, 1).strides, offset: 3, length: n + 3 };
    case 'padded': {
      const { strides, span } = rowMajor(shape, 1, 1);
      return { strides, offset: 2, length: span + 2 };
    }
    case 'permuted': {
      // stored as [..., W, H], viewed as [..., H, W]
      const order = [...Array(nd).keys()];
      if (nd >= 2) [order[nd - 2], order[nd - 1]] = [order[nd - 1], order[nd - 2]];
      const stored = rowMajor(
        order.map((d) => shape[d]),
        0,
        1,
      ).strides;
      const strides = new Array<number>(nd);
      order.forEach((d, k) => {
        strides[d] = stored[k];
      });
      return { strides, offset: 1, length: n + 1 };
    }
    case 'reversed': {
      const strides = new Array<number>(nd);
      let s = 1;
      for (let d = 0; d < nd; d++) {
        strides[d] = s;
        s *= shape[d];
      }
      return { strides, offset: 0, length: n };
    }
    case 'sliced':
      return { strides: rowMajor(shape, 0, 2).strides, offset: 1, length: 2 * n + 2 };
  }
}

/**
 * A tensor of `dtype` holding the row-major `values` of `shape` in the given memory layout (see
 * {@link Layout}); every storage slot outside the view is NaN.
 */
export function withLayout(
  values: ArrayLike<number>,
  shape: readonly number[],
  dtype: FloatDType,
  layout: Layout,
): Tensor {
  const nd = shape.length;
  const { strides, offset, length } = layoutOf(shape, layout);
  const data = dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
  data.fill(Number.NaN);
  const idx = new Array<number>(nd).fill(0);
  for (let flat = 0; flat < values.length; flat++) {
    let pos = offset;
    for (let d = 0; d < nd; d++) pos += idx[d] * strides[d];
    data[pos] = values[flat];
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return new Tensor(data, [...shape], strides, offset);
}

/** One of `choices` (every {@link Layout} by default). */
export const layoutArb = (choices: readonly Layout[] = layouts): fc.Arbitrary<Layout> => fc.constantFrom(...choices);

/**
 * The layouts views hand a kernel: `'contiguous'`, `'offset'` (a narrowed tensor), `'permuted'` (a
 * transpose) and `'sliced'` (a step-2 slice). The conv, conv-transpose, im2col and pad property tests use these.
 */
export const viewLayoutArb: fc.Arbitrary<Layout> = layoutArb(['contiguous', 'offset', 'permuted', 'sliced']);

/**
 * Storage laid out differently from row-major: `'contiguous'`, `'padded'` (NaN gaps and an offset) and
 * `'reversed'` (column-major). The corr2d and pooling property tests use these.
 */
export const storageLayoutArb: fc.Arbitrary<Layout> = layoutArb(['contiguous', 'padded', 'reversed']);
