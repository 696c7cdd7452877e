import {
  add,
  div,
  exp,
  log,
  mean,
  mul,
  neg,
  ownIntermediates,
  permute,
  reshape,
  sub,
  sum,
  type Variable,
  type VariableOrTensor,
} from '@torchlet/autograd';
import {
  allocStorage,
  broadcastShapes,
  fail,
  formatShape,
  formatValue,
  fromStorage,
  isTensor,
  shapesEqual,
  type Tensor,
} from '@torchlet/tensor';
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
  /** A weight per class `[C]` (PyTorch's `weight`); the mean then divides by the targets' total weight. Default: none. */
  readonly weight?: Tensor;
  /** Class-index targets equal to this contribute nothing, not even to the mean's count. Default `-100`. */
  readonly ignoreIndex?: number;
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
  return fail(fn, 'reduction', `reduction must be 'mean', 'sum' or 'none', got ${formatValue(reduction)}`);
}

function checkFloat(fn: string, arg: string, t: Tensor): void {
  if (t.dtype !== 'float32' && t.dtype !== 'float64')
    fail(fn, arg, `expected a float tensor, got ${t.dtype} ${arg} ${formatShape(t.shape)}`);
}

/** Shape pairs mseLoss has warned about (PyTorch warns once per call site; once per pair here). */
const warnedShapes = new Set<string>();

/**
 * Mean squared error: `(input - target)^2`, reduced. `input` and `target` must have the same shape
 * (PyTorch broadcasts with a warning; torchlet refuses, since that is almost always a bug).
 *
 * Shapes: input and target broadcast together (a console warning when they differ, as PyTorch's
 * UserWarning); output `[]` (or the broadcast shape with `reduction: 'none'`).
 *
 * @param input - The prediction, any shape (float32 or float64).
 * @param target - The target, the shape and dtype of `input`.
 * @param options - `reduction`: `'mean'` (default), `'sum'` or `'none'`.
 * @returns A scalar Variable, or the elementwise losses in the shape of `input` with `reduction: 'none'`.
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
  // The difference and its square belong to the graph (released after backward on webgpu).
  return ownIntermediates([inputTensor('mseLoss', input)], () => mseLossOf(input, target, options));
}

function mseLossOf(input: VariableOrTensor, target: VariableOrTensor, options: LossOptions): Variable {
  const x = inputTensor('mseLoss', input);
  const y = inputTensor('mseLoss', target);
  if (!shapesEqual(x.shape, y.shape)) {
    // As PyTorch: broadcast, with its warning (once per pair of shapes); shapes that do not
    // broadcast are an error from broadcastShapes.
    broadcastShapes('mseLoss', x.shape, y.shape);
    const key = `${formatShape(y.shape)} ${formatShape(x.shape)}`;
    if (!warnedShapes.has(key)) {
      warnedShapes.add(key);
      console.warn(
        `mseLoss: Using a target size (${formatShape(y.shape)}) that is different to the input size (${formatShape(x.shape)}). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.`,
      );
    }
  }
  const d = sub(input, target);
  return reduce('mseLoss', mul(d, d), options);
}

/**
 * Cross-entropy between logits and class targets: `-log softmax(input)[i, target[i]]` per row,
 * reduced, with PyTorch's full signature: unbatched `[C]` and K-dimensional `[N, C, d1, ...]`
 * inputs, class `weight`s, `ignoreIndex` and `labelSmoothing`. The log-softmax subtracts each
 * row's maximum before `exp` (log-sum-exp), so logits of any size are safe. Targets are int64
 * class indices (as PyTorch's; int32 ones are accepted too) or class probabilities shaped like the input. With logits on
 * the `webgpu` device the targets (and `weight`) are CPU tensors: their values are read there.
 *
 * Shapes: input `[C]`, `[N, C]` or `[N, C, d1, ...]`; target `[]`, `[N]` or `[N, d1, ...]` (int64 or int32)
 * or the input's shape (float); output `[]` (or the target's index shape with `reduction: 'none'`).
 *
 * @param input - Logits `[N, C]` (or `[N, C, d1, ...]`, or `[C]` for one sample), float32 or float64.
 * @param target - Class indices `[N]` (or `[N, d1, ...]`), int64 or int32 in `[0, C)` (or `ignoreIndex`); or class
 *   probabilities, the shape of `input`.
 * @param options - `reduction` (default `'mean'`), `weight` (per class), `ignoreIndex` (default `-100`) and
 *   `labelSmoothing` (default `0`); see {@link CrossEntropyOptions}.
 * @returns A scalar Variable, or the per-sample losses `[N, ...]` with `reduction: 'none'`.
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
  // The log-softmax's intermediates and the uploaded target matrices belong to the graph
  // (released after backward on webgpu, instead of waiting for the garbage collector).
  return ownIntermediates([inputTensor('crossEntropy', input)], () => crossEntropyOf(input, target, options));
}

function crossEntropyOf(input: VariableOrTensor, target: Tensor, options: CrossEntropyOptions): Variable {
  const fn = 'crossEntropy';
  const x = inputTensor(fn, input);
  const y = inputTensor(fn, target);
  checkFloat(fn, 'input', x);
  if (options === null || typeof options !== 'object')
    fail(fn, 'options', `expected an options object, got ${formatValue(options)}`);
  if (x.ndim < 1)
    fail(fn, 'input', `expected logits of shape [C], [N, C] or [N, C, d1, ...], got input ${formatShape(x.shape)}`);
  const smoothing = options.labelSmoothing ?? 0;
  if (typeof smoothing !== 'number' || !(smoothing >= 0 && smoothing <= 1)) {
    fail(fn, 'labelSmoothing', `labelSmoothing must be in [0, 1], got ${formatValue(smoothing)}`);
  }
  const ignoreIndex = options.ignoreIndex ?? -100;
  if (!Number.isInteger(ignoreIndex))
    fail(fn, 'ignoreIndex', `ignoreIndex must be an integer, got ${formatValue(ignoreIndex)}`);
  // Classes on the last axis of a [M, C] matrix: [C] is one row; [N, C, d1, ...] moves C last.
  const unbatched = x.ndim === 1;
  const c = unbatched ? x.shape[0] : x.shape[1];
  const rowShape = unbatched ? [] : [x.shape[0], ...x.shape.slice(2)];
  const m = rowShape.reduce((a, b) => a * b, 1);
  const classLast =
    x.ndim <= 2 ? [...Array(x.ndim).keys()] : [0, ...Array.from({ length: x.ndim - 2 }, (_, i) => i + 2), 1];
  const logits = reshape(x.ndim <= 2 ? input : permute(input, classLast), [m, c]);
  const weights = classWeights(fn, options.weight, c, x);
  const t0 = classTargets(fn, x, y, rowShape, classLast, m, c, ignoreIndex, weights);
  // Logits on webgpu: the targets (and weights) stay on the CPU, where their values are read to
  // build the dense pick and uniform matrices, which then go to the device (no readback needed).
  const t = x.device === 'cpu' ? t0 : { ...t0, pick: t0.pick.to(x.device), uniform: t0.uniform.to(x.device) };
  // log softmax = z - log(sum(exp(z))) with z = x - max(x): the max is a constant shift that
  // cancels in the value and the gradient, so it needs no gradient of its own.
  const shift = (logits.data as Tensor).max(1, { keepdim: true });
  const z = sub(logits, shift);
  const logp = sub(z, log(sum(exp(z), 1, { keepdim: true })));
  // Per row: (1 - s) * the (weighted) target term + s / C * the (weighted) uniform term.
  const targetTerm = sum(mul(logp, t.pick), 1);
  const uniformTerm = sum(mul(logp, t.uniform), 1);
  const reduction = options.reduction ?? 'mean';
  if (reduction === 'mean') {
    // PyTorch: index targets divide both terms by the targets' total weight (the count of
    // non-ignored targets without weights); probabilities by M.
    const den = t.isIndex ? t.pickedWeight : m;
    const main = meanOver(sum(targetTerm), den);
    if (smoothing === 0) return main;
    return add(mul(main, 1 - smoothing), mul(meanOver(sum(uniformTerm), den), smoothing / c));
  }
  const rows = smoothing === 0 ? targetTerm : add(mul(targetTerm, 1 - smoothing), mul(uniformTerm, smoothing / c));
  return reduce(fn, reshape(rows, rowShape), options);
}

/** `total / count`; with nothing counted (every target ignored) NaN, as PyTorch, with a zero gradient. */
function meanOver(total: Variable, count: number): Variable {
  return count === 0 ? add(mul(total, 0), Number.NaN) : div(total, count);
}

/** The `weight` option checked: a float `[C]` tensor, or null. */
function classWeights(fn: string, weight: unknown, c: number, x: Tensor): Tensor | null {
  if (weight === undefined || weight === null) return null;
  if (
    !isTensor(weight) ||
    weight.ndim !== 1 ||
    weight.shape[0] !== c ||
    !(weight.dtype === 'float32' || weight.dtype === 'float64')
  ) {
    fail(
      fn,
      'weight',
      `expected a float tensor of shape [${c}] (one weight per class of input ${formatShape(x.shape)}), got ${formatValue(weight)}`,
    );
  }
  return weight.to(x.dtype);
}

/**
 * The constant matrices the loss multiplies with log-probabilities `[M, C]`, negated (so an ignored
 * row sums to +0, not -0): `pick` (the weighted one-hot rows of class indices, or the weighted
 * probabilities) and `uniform` (the class weights, 0 on ignored rows), plus the total weight of
 * the picked classes.
 */
function classTargets(
  fn: string,
  x: Tensor,
  y: Tensor,
  rowShape: readonly number[],
  classLast: readonly number[],
  m: number,
  c: number,
  ignoreIndex: number,
  weights: Tensor | null,
): { pick: Tensor; uniform: Tensor; pickedWeight: number; isIndex: boolean } {
  const w = weights === null ? null : weights.toTypedArray();
  const pick = allocStorage(x.dtype, m * c, fn);
  const uniform = allocStorage(x.dtype, m * c, fn);
  let pickedWeight = 0;
  if (y.dtype === 'int32' || y.dtype === 'int64') {
    if (!shapesEqual(y.shape, rowShape)) {
      fail(
        fn,
        'target',
        `expected class indices of shape ${formatShape(rowShape)} for input ${formatShape(x.shape)}, got target ${formatShape(y.shape)}`,
      );
    }
    const labels = y.toTypedArray();
    for (let i = 0; i < m; i++) {
      const k = Number(labels[i]); // int64 labels are bigints
      if (k === ignoreIndex) continue;
      if (k < 0 || k >= c) fail(fn, 'target', `target ${k} is out of bounds for ${c} classes (target[${i}])`);
      const wk = w === null ? 1 : (w[k] as number);
      pick[i * c + k] = -wk;
      pickedWeight += wk;
      for (let j = 0; j < c; j++) uniform[i * c + j] = w === null ? -1 : -(w[j] as number);
    }
    return { pick: fromStorage(pick, [m, c]), uniform: fromStorage(uniform, [m, c]), pickedWeight, isIndex: true };
  }
  if (y.dtype !== 'float32' && y.dtype !== 'float64') {
    fail(
      fn,
      'target',
      `expected int64 or int32 class indices or float probabilities, got ${y.dtype} target ${formatShape(y.shape)}`,
    );
  }
  if (!shapesEqual(y.shape, x.shape)) {
    fail(
      fn,
      'target',
      `expected int64 or int32 class indices ${formatShape(rowShape)} or probabilities ${formatShape(x.shape)}, got ${y.dtype} target ${formatShape(y.shape)}`,
    );
  }
  const probs = (x.ndim <= 2 ? y : y.permute(classLast as number[])).to(x.dtype).contiguous().toTypedArray();
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < c; j++) {
      const wj = w === null ? 1 : (w[j] as number);
      pick[i * c + j] = -(probs[i * c + j] as number) * wj;
      uniform[i * c + j] = -wj;
    }
  }
  return { pick: fromStorage(pick, [m, c]), uniform: fromStorage(uniform, [m, c]), pickedWeight: m, isIndex: false };
}

/**
 * Binary cross-entropy on logits, `-[y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))]`, in the
 * stable form `max(x, 0) - x*y + log(1 + exp(-|x|))`, reduced. It is computed as
 * `(1 - y) x + m + log(exp(-m) + exp(-x - m))` with the constant `m = max(-x, 0)` (PyTorch's
 * formula), whose gradient `sigmoid(x) - y` is exact at `x = 0` too.
 *
 * Shapes: input and target any, equal; `posWeight` broadcast against them; output `[]` (or the input's shape with `reduction: 'none'`).
 *
 * @param input - Logits, any shape (float32 or float64).
 * @param target - Targets in [0, 1] (0/1 labels or soft targets), the shape of `input`.
 * @param options - `reduction` (default `'mean'`), `weight` and `posWeight` (broadcast against `input`); see
 *   {@link BCEWithLogitsOptions}.
 * @returns A scalar Variable, or the elementwise losses in the shape of `input` with `reduction: 'none'`.
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
  /**
   * The mean squared error loss as a module.
   * @param options - `reduction`: `'mean'` (default), `'sum'` or `'none'`.
   */
  constructor(options: LossOptions = {}) {
    super();
    if (options === null || typeof options !== 'object')
      fail(this.constructor.name, 'options', `expected an options object, got ${formatValue(options)}`);
    this.reduction = options.reduction ?? 'mean';
  }
  /**
   * The loss of `input` against `target`.
   * @param input - The prediction, any shape.
   * @param target - The target, the shape of `input`.
   * @returns The loss; see {@link mseLoss}.
   */
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
  /**
   * The cross-entropy loss as a module.
   * @param options - `reduction` (default `'mean'`), `weight`, `ignoreIndex` (default `-100`) and
   *   `labelSmoothing` (default `0`); see {@link CrossEntropyOptions}.
   */
  constructor(options: CrossEntropyOptions = {}) {
    super();
    if (options === null || typeof options !== 'object')
      fail(this.constructor.name, 'options', `expected an options object, got ${formatValue(options)}`);
    this.options = { ...options };
  }
  /**
   * The loss of logits `input` against class targets `target`.
   * @param input - Logits `[N, C]` (or `[N, C, d1, ...]`).
   * @param target - Class indices `[N]` (int64 or int32) or class probabilities (the shape of `input`).
   * @returns The loss; see {@link crossEntropy}.
   */
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
  /**
   * The binary cross-entropy loss on logits as a module.
   * @param options - `reduction` (default `'mean'`), `weight` and `posWeight`; see
   *   {@link BCEWithLogitsOptions}.
   */
  constructor(options: BCEWithLogitsOptions = {}) {
    super();
    if (options === null || typeof options !== 'object')
      fail(this.constructor.name, 'options', `expected an options object, got ${formatValue(options)}`);
    this.options = { ...options };
  }
  /**
   * The loss of logits `input` against 0/1 (or soft) targets `target`.
   * @param input - Logits, any shape.
   * @param target - Targets in [0, 1], the shape of `input`.
   * @returns The loss; see {@link bceWithLogits}.
   */
  forward(input: ModuleInput, target: ModuleInput): Variable {
    return bceWithLogits(input, target, this.options);
  }
}
