import { fail, formatShape, formatValue, isTensor, type Tensor } from '@torchlet/tensor';

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
  let a: unknown;
  let b: unknown;
  if (typeof value === 'number') {
    a = value;
    b = value;
  } else {
    if (!(Array.isArray(value) && value.length === 2)) {
      fail(fn, arg, `expected an int or a pair of ints, got ${formatValue(value)}`);
    }
    a = value[0];
    b = value[1];
  }
  if (!isIntAtLeast(a, min) || !isIntAtLeast(b, min)) {
    const what = min === 0 ? 'non-negative integers' : min === 1 ? 'positive integers' : `integers >= ${min}`;
    fail(fn, arg, `${arg} must be ${what}, got ${formatValue(value)}`);
  }
  return [a as number, b as number];
}

function isIntAtLeast(v: unknown, min: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= min;
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
  // `for...in` over the (plain, literal) record: no entries arrays on this per-call path.
  let firstName = '';
  let first: Tensor | undefined;
  for (const name in tensors) {
    const t = tensors[name];
    if (!t) continue;
    if (first === undefined) {
      firstName = name;
      first = t;
    } else if (t.dtype !== first.dtype) {
      fail(
        fn,
        name,
        `${name} is ${t.dtype} but ${firstName} is ${first.dtype} (${firstName} ${formatShape(first.shape)}, ${name} ${formatShape(t.shape)})`,
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
  if (!t.isContiguous()) return t.toTypedArray() as FloatStorage;
  const data = t.data as FloatStorage;
  const n = t.numel;
  // The whole storage needs no subarray view (one allocation saved per operand on small problems).
  return t.offset === 0 && n === data.length ? data : data.subarray(t.offset, t.offset + n);
}
