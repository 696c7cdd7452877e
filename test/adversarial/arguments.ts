// The bad arguments the adversarial suite calls every export with: wrong types, NaN, infinities,
// negative, fractional and huge sizes, wrong dtypes, detached and shared buffers, empty,
// expanded and non-contiguous tensors, and objects whose getters throw (a user's exception,
// which may escape: the suite tells it apart by its class).
import fc from 'fast-check';

/** What a throwing getter or callback throws: the user's own error, allowed to escape. */
export class UserError extends Error {
  constructor() {
    super('user exception');
    this.name = 'UserError';
  }
}

/** The part of `@torchlet/tensor` the arguments are built from. */
export interface TensorApi {
  tensor(data: unknown, options?: unknown): unknown;
  zeros(shape: number[], options?: unknown): unknown;
  fromStorage(data: unknown, shape: number[], layout?: unknown): unknown;
}

/** An object every named property read of which throws a {@link UserError} (a throwing getter). */
function throwingObject(): unknown {
  return new Proxy(
    {},
    {
      get(_target, key) {
        if (typeof key === 'symbol') return undefined; // fast-check and the runtime probe symbols
        throw new UserError();
      },
    },
  );
}

function detachedFloat32(): Float32Array {
  const data = new Float32Array([1, 2, 3, 4]);
  structuredClone(data.buffer, { transfer: [data.buffer] });
  return data;
}

/** Scalars and plain JS values that are wrong for almost every parameter. */
export function plainValues(): unknown[] {
  return [
    undefined,
    null,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -1,
    -0,
    0,
    0.5,
    3,
    2 ** 31,
    2 ** 53,
    1e12,
    Number.MAX_VALUE,
    '',
    'x',
    '3',
    true,
    Symbol('bad'),
    3n,
    {},
    [],
    [Number.NaN],
    [-1, 2],
    [0.5],
    [2 ** 31, 2 ** 31],
    [65536, 65536],
    ['a'],
    [[1], [2, 3]],
    [null, 3],
    () => undefined,
    () => {
      throw new UserError();
    },
    new Float32Array(0),
    new Uint16Array([1, 2, 300]),
    new BigInt64Array(2),
    new Float32Array(new SharedArrayBuffer(16)),
    new Date(0),
    new Map(),
  ];
}

/** Tensors that are valid but unusual (empty, expanded, non-contiguous, every dtype, detached). */
export function oddTensors(api: TensorApi): unknown[] {
  const detached = api.tensor([1, 2, 3]) as { data: Float32Array };
  structuredClone(detached.data.buffer, { transfer: [detached.data.buffer as ArrayBuffer] });
  const view = (t: unknown, fn: string, ...args: unknown[]): unknown =>
    (t as Record<string, (...a: unknown[]) => unknown>)[fn](...args);
  return [
    api.zeros([0]),
    api.zeros([2, 0]),
    api.tensor(3),
    api.tensor([1, 2, 3]),
    api.tensor([
      [1, 2],
      [3, 4],
    ]),
    api.zeros([1, 1, 4, 4]),
    api.zeros([2, 3, 5, 5]),
    api.tensor([true, false]),
    api.tensor([1, 2], { dtype: 'int32' }),
    api.tensor([1, 2], { dtype: 'float64' }),
    view(api.tensor([1, 2, 3]), 'expand', [2, 3]),
    view(
      api.tensor([
        [1, 2],
        [3, 4],
      ]),
      't',
    ),
    view(api.zeros([2, 3, 4, 4]), 'permute', [0, 2, 3, 1]),
    api.fromStorage(new Float32Array(new SharedArrayBuffer(16)), [4]),
    detached,
    detachedFloat32(),
  ];
}

/** One bad or unusual argument. */
export function badArgument(api: TensorApi): fc.Arbitrary<unknown> {
  const plain = plainValues();
  const tensors = oddTensors(api);
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...plain) },
    { weight: 2, arbitrary: fc.constantFrom(...tensors) },
    { weight: 1, arbitrary: fc.constant(null).map(() => throwingObject()) },
    { weight: 1, arbitrary: fc.array(fc.constantFrom(...plain.slice(0, 14)), { maxLength: 4 }) },
    {
      weight: 1,
      arbitrary: fc.dictionary(
        fc.constantFrom('dtype', 'shape', 'stride', 'padding', 'kernel', 'lr', 'generator'),
        fc.constantFrom(...plain),
      ),
    },
  );
}

/** An argument list: up to five arguments, each bad, or a valid tensor first and bad ones after. */
export function badArguments(api: TensorApi): fc.Arbitrary<unknown[]> {
  const one = badArgument(api);
  const valid = fc.constantFrom(
    api.tensor([
      [1, 2],
      [3, 4],
    ]),
    api.zeros([1, 1, 4, 4]),
    api.tensor([1, 2, 3]),
  );
  return fc.oneof(
    fc.array(one, { maxLength: 5 }),
    fc.tuple(valid, fc.array(one, { maxLength: 4 })).map(([first, rest]) => [first, ...rest]),
  );
}

/** Describes an argument list for a report, without throwing. */
export function describeArguments(args: readonly unknown[]): string {
  return args.map(describeOne).join(', ');
}

function describeOne(v: unknown): string {
  try {
    if (typeof v === 'symbol' || typeof v === 'bigint') return typeof v === 'bigint' ? `${v}n` : v.toString();
    if (typeof v === 'function') return 'fn';
    if (v !== null && typeof v === 'object') {
      const shape = (v as { shape?: unknown }).shape;
      if (Array.isArray(shape)) return `tensor${JSON.stringify(shape)}`;
      if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as { length: number }).length})`;
      return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x)) ?? 'object';
    }
    return typeof v === 'string' ? JSON.stringify(v) : String(v);
  } catch {
    return 'unprintable';
  }
}
