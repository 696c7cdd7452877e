import { fail, formatShape, isTensor, type Tensor } from '@torchlet/tensor';

/**
 * An int or an `[h, w]` pair, as PyTorch accepts for kernel sizes, strides, padding and dilation.
 *
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { type IntPair, maxPool2d } from '@torchlet/ops';
 * const kernelSize: IntPair = [2, 3];
 * maxPool2d(ones([1, 1, 4, 6]), kernelSize).shape; // -> [1, 1, 2, 2]
 * ```
 */
export type IntPair = number | readonly [number, number];

/**
 * Normalises an int or `[h, w]` pair for argument `arg` of `fn`, checking each entry is an
 * integer `>= min`. Errors read `conv2d: stride must be positive integers, got [0,1]`.
 */
export function toPair(fn: string, arg: string, value: IntPair, min: number): [number, number] {
  const p: [number, number] = typeof value === 'number' ? [value, value] : [value[0], value[1]];
  if (!(typeof value === 'number' || (Array.isArray(value) && value.length === 2))) {
    fail(fn, arg, `expected an int or a pair of ints, got ${JSON.stringify(value)}`);
  }
  for (const v of p) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      const what = min === 0 ? 'non-negative integers' : min === 1 ? 'positive integers' : `integers >= ${min}`;
      fail(fn, arg, `${arg} must be ${what}, got ${JSON.stringify(value)}`);
    }
  }
  return p;
}

/** Checks `x` is a tensor of one of the float dtypes, naming `fn` and `arg` otherwise. */
export function checkFloatTensor(fn: string, arg: string, x: unknown): Tensor {
  if (!isTensor(x)) fail(fn, arg, `expected a Tensor, got ${x === null ? 'null' : typeof x}`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    fail(fn, arg, `expected a float32 or float64 tensor, got ${x.dtype} (${arg} ${formatShape(x.shape)})`);
  }
  return x;
}

/** Checks `x` has one of the given ranks, naming the shapes otherwise. */
export function checkRank(fn: string, arg: string, x: Tensor, ranks: readonly number[], what = ''): void {
  if (!ranks.includes(x.ndim)) {
    const expected = ranks.map((r) => `${r}-D`).join(' or ');
    fail(
      fn,
      arg,
      `expected ${expected} ${arg}${what ? ` (${what})` : ''}, got ${x.ndim}-D ${arg} ${formatShape(x.shape)}`,
    );
  }
}

/** Checks every tensor has the same dtype as the first, naming both. */
export function checkSameDType(fn: string, tensors: Readonly<Record<string, Tensor | null | undefined>>): void {
  let first: [string, Tensor] | undefined;
  for (const [name, t] of Object.entries(tensors)) {
    if (!t) continue;
    if (!first) first = [name, t];
    else if (t.dtype !== first[1].dtype) {
      fail(
        fn,
        name,
        `${name} is ${t.dtype} but ${first[0]} is ${first[1].dtype} (${first[0]} ${formatShape(first[1].shape)}, ${name} ${formatShape(t.shape)})`,
      );
    }
  }
}

/** A float typed array (what conv kernels read and write). */
export type FloatStorage = Float32Array | Float64Array;

/**
 * The elements of a float tensor as a dense row-major array starting at index 0: a zero-copy
 * `subarray` when the tensor is contiguous, a copy otherwise. Kernels read it and never write it.
 */
export function denseData(t: Tensor): FloatStorage {
  const data = t.isContiguous() ? t.data.subarray(t.offset, t.offset + t.numel) : t.toTypedArray();
  return data as FloatStorage;
}
