import { add, exp, log, mean, mul, neg, sub, sum, type Variable, type VariableOrTensor } from '@torchlet/autograd';
import { allocStorage, fail, formatShape, fromStorage, shapesEqual, type Tensor } from '@torchlet/tensor';
import { inputTensor } from './layers/util.js';
import { Module, type ModuleInput } from './module.js';

/**
 * How a loss combines its per-element values: their mean (default), their sum, or none (keep them).
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { mseLoss, type Reduction } from '@torchlet/nn';
 * const reduction: Reduction = 'none';
 * mseLoss(tensor([1, 2]), tensor([0, 0]), { reduction }).toArray(); // -> [1, 4]
 * ```
 */
export type Reduction = 'mean' | 'sum' | 'none';

/**
 * Options every loss takes.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { mseLoss, type LossOptions } from '@torchlet/nn';
 * const options: LossOptions = { reduction: 'sum' };
 * mseLoss(tensor([1, 2]), tensor([0, 0]), options).item(); // -> 5
 * ```
 */
export interface LossOptions {
  /** `'mean'` (default), `'sum'` or `'none'`. */
  readonly reduction?: Reduction;
}

/**
 * Options of {@link crossEntropy}.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { crossEntropy, type CrossEntropyOptions } from '@torchlet/nn';
 * const options: CrossEntropyOptions = { labelSmoothing: 0.1 };
 * crossEntropy(tensor([[0, 0]]), tensor([0], { dtype: 'int32' }), options).item(); // -> Math.fround(Math.LN2)
 * ```
 */
export interface CrossEntropyOptions extends LossOptions {
  /** Mix the target distribution with the uniform one: `q = (1 - s) * q + s / C`. Default `0`. */
  readonly labelSmoothing?: number;
}

/**
 * Options of {@link bceWithLogits}.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { bceWithLogits, type BCEWithLogitsOptions } from '@torchlet/nn';
 * const options: BCEWithLogitsOptions = { posWeight: tensor([3]) };
 * bceWithLogits(tensor([0]), tensor([1]), options).item(); // -> Math.fround(3 * Math.LN2)
 * ```
 */
export interface BCEWithLogitsOptions extends LossOptions {
  /** Weight of the positive term per class (broadcast over the last dimension), to trade recall for precision. Default: none. */
  readonly posWeight?: Tensor;
}

function reduce(fn: string, loss: Variable, options: LossOptions): Variable {
  const reduction = options.reduction ?? 'mean';
  if (reduction === 'mean') return mean(loss);
  if (reduction === 'sum') return sum(loss);
  if (reduction === 'none') return loss;
  return fail(fn, 'reduction', `reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(reduction)}`);
}

function checkFloat(fn: string, arg: string, t: Tensor): void {
  if (t.dtype !== 'float32' && t.dtype !== 'float64')
    fail(fn, arg, `expected a float tensor, got ${t.dtype} ${arg} ${formatShape(t.shape)}`);
}

/**
 * Mean squared error: `(input - target)^2`, reduced. `input` and `target` must have the same shape
 * (PyTorch broadcasts with a warning; torchlet refuses, since that is almost always a bug).
 *
 * Shapes: input and target any, equal; output `[]` (or the input's shape with `reduction: 'none'`).
 *
 * @see torch.nn.functional.mse_loss
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { mseLoss } from '@torchlet/nn';
 * mseLoss(tensor([1, 2, 3]), tensor([1, 0, 0])).item(); // -> Math.fround(13 / 3)
 * mseLoss(tensor([1, 2, 3]), tensor([1, 0, 0]), { reduction: 'sum' }).item(); // -> 13
 * ```
 */
export function mseLoss(input: VariableOrTensor, target: VariableOrTensor, options: LossOptions = {}): Variable {
  const x = inputTensor('mseLoss', input);
  const y = inputTensor('mseLoss', target);
  if (!shapesEqual(x.shape, y.shape)) {
    fail('mseLoss', 'target', `target shape ${formatShape(y.shape)} differs from input shape ${formatShape(x.shape)}`);
  }
  const d = sub(input, target);
  return reduce('mseLoss', mul(d, d), options);
}

/** The target distribution `[N, C]` as a constant: one-hot rows from class indices, or the given probabilities; then label smoothing. */
function targetDistribution(x: Tensor, y: Tensor, smoothing: number): Tensor {
  const [n, c] = x.shape;
  const q = allocStorage(x.dtype, n * c);
  if (y.dtype === 'int32') {
    if (y.ndim !== 1 || y.shape[0] !== n) {
      fail(
        'crossEntropy',
        'target',
        `expected class indices of shape [${n}] for input ${formatShape(x.shape)}, got target ${formatShape(y.shape)}`,
      );
    }
    const labels = y.toTypedArray();
    for (let i = 0; i < n; i++) {
      const k = labels[i] as number;
      if (k < 0 || k >= c)
        fail('crossEntropy', 'target', `target ${k} is out of bounds for ${c} classes (target[${i}])`);
      q[i * c + k] = 1;
    }
  } else if (y.dtype === 'float32' || y.dtype === 'float64') {
    if (!shapesEqual(y.shape, x.shape)) {
      fail(
        'crossEntropy',
        'target',
        `expected int32 class indices [${n}] or probabilities ${formatShape(x.shape)}, got ${y.dtype} target ${formatShape(y.shape)}`,
      );
    }
    q.set(y.to(x.dtype).toTypedArray() as typeof q);
  } else {
    fail(
      'crossEntropy',
      'target',
      `expected int32 class indices or float probabilities, got ${y.dtype} target ${formatShape(y.shape)}`,
    );
  }
  if (smoothing > 0)
    for (let i = 0; i < q.length; i++) (q as Float64Array)[i] = (q[i] as number) * (1 - smoothing) + smoothing / c;
  return fromStorage(q, [n, c]);
}

/**
 * Cross-entropy between logits and class targets: `-log softmax(input)[i, target[i]]` per row,
 * reduced. The log-softmax subtracts each row's maximum before `exp` (log-sum-exp), so logits of
 * any size are safe. Targets are int32 class indices `[N]` (PyTorch uses int64) or class
 * probabilities `[N, C]`.
 *
 * Shapes: input `[N, C]`; target `[N]` (int32) or `[N, C]` (float); output `[]` (or `[N]` with `reduction: 'none'`).
 *
 * @see torch.nn.functional.cross_entropy
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { crossEntropy } from '@torchlet/nn';
 * const logits = tensor([[0, 0], [1000, 0]]);
 * const target = tensor([1, 0], { dtype: 'int32' });
 * crossEntropy(logits, target, { reduction: 'none' }).toArray(); // -> [Math.fround(Math.LN2), 0]
 * ```
 */
export function crossEntropy(input: VariableOrTensor, target: Tensor, options: CrossEntropyOptions = {}): Variable {
  const x = inputTensor('crossEntropy', input);
  const y = inputTensor('crossEntropy', target);
  checkFloat('crossEntropy', 'input', x);
  if (x.ndim !== 2) fail('crossEntropy', 'input', `expected logits of shape [N, C], got input ${formatShape(x.shape)}`);
  const smoothing = options.labelSmoothing ?? 0;
  if (typeof smoothing !== 'number' || !(smoothing >= 0 && smoothing <= 1)) {
    fail('crossEntropy', 'labelSmoothing', `labelSmoothing must be in [0, 1], got ${String(smoothing)}`);
  }
  const q = targetDistribution(x, y, smoothing);
  // log softmax = z - log(sum(exp(z))) with z = x - max(x): the max is a constant shift that
  // cancels in the value and the gradient, so it needs no gradient of its own.
  const z = sub(input, x.max(1, { keepdim: true }));
  const logp = sub(z, log(sum(exp(z), 1, { keepdim: true })));
  return reduce('crossEntropy', neg(sum(mul(logp, q), 1)), options);
}

/**
 * Binary cross-entropy on logits, `-[y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))]`, in the
 * stable form `max(x, 0) - x*y + log(1 + exp(-|x|))`, reduced. It is computed as
 * `(1 - y) x + m + log(exp(-m) + exp(-x - m))` with the constant `m = max(-x, 0)` (PyTorch's
 * formula), whose gradient `sigmoid(x) - y` is exact at `x = 0` too.
 *
 * Shapes: input and target any, equal; `posWeight` broadcast against them; output `[]` (or the input's shape with `reduction: 'none'`).
 *
 * @see torch.nn.functional.binary_cross_entropy_with_logits
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { bceWithLogits } from '@torchlet/nn';
 * bceWithLogits(tensor([0, 100, -100]), tensor([1, 1, 0]), { reduction: 'none' }).toArray(); // -> [Math.fround(Math.LN2), 0, 0]
 * ```
 */
export function bceWithLogits(
  input: VariableOrTensor,
  target: VariableOrTensor,
  options: BCEWithLogitsOptions = {},
): Variable {
  const x = inputTensor('bceWithLogits', input);
  const y = inputTensor('bceWithLogits', target);
  checkFloat('bceWithLogits', 'input', x);
  checkFloat('bceWithLogits', 'target', y);
  if (!shapesEqual(x.shape, y.shape)) {
    fail(
      'bceWithLogits',
      'target',
      `target size ${formatShape(y.shape)} must be the same as input size ${formatShape(x.shape)}`,
    );
  }
  const m = x.neg().clamp(0, null);
  const softplusNeg = add(m, log(add(exp(neg(m)), exp(sub(neg(input), m))))); // log(1 + exp(-x))
  const oneMinusY = sub(1, target);
  let loss: Variable;
  if (options.posWeight === undefined) {
    loss = add(mul(oneMinusY, input), softplusNeg);
  } else {
    const pw = inputTensor('bceWithLogits', options.posWeight);
    checkFloat('bceWithLogits', 'posWeight', pw);
    const logWeight = add(mul(sub(pw, 1), target), 1);
    loss = add(mul(oneMinusY, input), mul(logWeight, softplusNeg));
  }
  return reduce('bceWithLogits', loss, options);
}

/**
 * {@link mseLoss} as a module.
 *
 * Shapes: as {@link mseLoss}.
 *
 * @see torch.nn.MSELoss
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { MSELoss } from '@torchlet/nn';
 * new MSELoss({ reduction: 'sum' }).forward(tensor([1, 2]), tensor([0, 0])).item(); // -> 5
 * new MSELoss().toString(); // -> 'MSELoss()'
 * ```
 */
export class MSELoss extends Module<[input: ModuleInput, target: ModuleInput], Variable> {
  readonly reduction: Reduction;
  constructor(options: LossOptions = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
  }
  /** The loss of `input` against `target`. */
  forward(input: ModuleInput, target: ModuleInput): Variable {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/**
 * {@link crossEntropy} as a module.
 *
 * Shapes: as {@link crossEntropy}.
 *
 * @see torch.nn.CrossEntropyLoss
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { CrossEntropyLoss } from '@torchlet/nn';
 * const loss = new CrossEntropyLoss().forward(tensor([[0, 0]]), tensor([0], { dtype: 'int32' }));
 * loss.item(); // -> Math.fround(Math.LN2)
 * ```
 */
export class CrossEntropyLoss extends Module<[input: ModuleInput, target: Tensor], Variable> {
  readonly options: CrossEntropyOptions;
  constructor(options: CrossEntropyOptions = {}) {
    super();
    this.options = { ...options };
  }
  /** The loss of logits `input` against class targets `target`. */
  forward(input: ModuleInput, target: Tensor): Variable {
    return crossEntropy(input, target, this.options);
  }
}

/**
 * {@link bceWithLogits} as a module.
 *
 * Shapes: as {@link bceWithLogits}.
 *
 * @see torch.nn.BCEWithLogitsLoss
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { BCEWithLogitsLoss } from '@torchlet/nn';
 * new BCEWithLogitsLoss().forward(tensor([0]), tensor([1])).item(); // -> Math.fround(Math.LN2)
 * ```
 */
export class BCEWithLogitsLoss extends Module<[input: ModuleInput, target: ModuleInput], Variable> {
  readonly options: BCEWithLogitsOptions;
  constructor(options: BCEWithLogitsOptions = {}) {
    super();
    this.options = { ...options };
  }
  /** The loss of logits `input` against 0/1 (or soft) targets `target`. */
  forward(input: ModuleInput, target: ModuleInput): Variable {
    return bceWithLogits(input, target, this.options);
  }
}
