/** A float64 array with a shape: the values naive references compute on (row-major). */
export interface Arr {
  readonly data: Float64Array;
  readonly shape: number[];
}

/** Number of elements of `shape` (1 for a scalar shape `[]`). */
export const numelOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** An {@link Arr} of `shape`, zero-filled or copied from `data`. */
export const arr = (shape: number[], data?: ArrayLike<number>): Arr => ({
  shape,
  data: data ? Float64Array.from(data) : new Float64Array(numelOf(shape)),
});

/** The same values without their leading (batch) dimension of size 1: an unbatched view of `a`. */
export const unbatch = <T extends { readonly shape: number[] }>(a: T): T => ({ ...a, shape: a.shape.slice(1) });
