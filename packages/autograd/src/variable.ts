import {
  type Dims,
  type DType,
  fail,
  formatShape,
  type Index,
  isTensor,
  onesLike,
  type ReduceOptions,
  shapesEqual,
  type Tensor,
  TorchletError,
  type VarianceOptions,
} from '@torchlet/tensor';
import { type BackwardOptions, runBackward } from './engine.js';
import * as el from './functions/elementwise.js';
import * as idx from './functions/indexing.js';
import * as join from './functions/join.js';
import * as linalg from './functions/linalg.js';
import * as red from './functions/reduce.js';
import * as st from './functions/structure.js';
import * as views from './functions/views.js';
import type { GradFn } from './graph.js';
import { Node } from './graph.js';

/**
 * A Variable, a plain tensor (a constant) or a number (a constant): what binary differentiable functions accept.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { type VariableLike, add, variable } from '@torchlet/autograd';
 * const operands: VariableLike[] = [variable(tensor([1])), tensor([2]), 3];
 * add(add(operands[0], operands[1]), operands[2]).toArray(); // -> [6]
 * ```
 */
export type VariableLike = Variable | Tensor | number;

/**
 * A Variable or a plain tensor (a constant).
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { type VariableOrTensor, exp } from '@torchlet/autograd';
 * const x: VariableOrTensor = tensor([0]);
 * exp(x).toArray(); // -> [1]
 * ```
 */
export type VariableOrTensor = Variable | Tensor;

const VARIABLE_BRAND = Symbol.for('torchlet.variable');

/**
 * A tensor that records the operations applied to it so gradients can flow back to it: PyTorch's
 * autograd tensor. `data` is the plain Tensor; leaves created with `requiresGrad: true` receive
 * gradients in `grad` when `backward()` runs on a result computed from them.
 *
 * Shapes: those of `data`.
 *
 * @see torch.Tensor (with requires_grad)
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { variable } from '@torchlet/autograd';
 * const x = variable(tensor([1, 2, 3]), { requiresGrad: true });
 * const y = x.mul(x).sum(); // sum of squares
 * y.backward();
 * x.grad?.toArray(); // -> [2, 4, 6]
 * y.isLeaf; // -> false
 * ```
 */
export class Variable {
  /** The values (a plain Tensor). Optimizers update it in place, e.g. `p.data.subInPlace(g, lr)`. */
  readonly data: Tensor;
  /** @internal */
  _gradFn: Node | null;
  /** @internal */
  _gradVar: Variable | null = null;
  /** @internal */
  _requiresGrad: boolean;
  /** @internal The Variable whose storage this one views, and the storage version when the view was made. */
  _base: Variable | null = null;
  /** @internal */
  _baseVersion = 0;
  private accumulator: Node | null = null;

  /**
   * Wraps `data`; prefer {@link variable}. A `gradFn` makes a non-leaf (the result of an operation).
   * @internal
   */
  constructor(data: Tensor, gradFn: Node | null = null, requiresGrad: boolean = gradFn !== null) {
    if (!isTensor(data)) fail('variable', 'data', `expected a Tensor, got ${data === null ? 'null' : typeof data}`);
    this.data = data;
    this._gradFn = gradFn;
    this._requiresGrad = requiresGrad;
  }

  /** Brand used by {@link isVariable}. */
  get [VARIABLE_BRAND](): true {
    return true;
  }

  /** True when gradients are computed for this Variable (leaves set it; results inherit it). */
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  set requiresGrad(flag: boolean) {
    if (!this.isLeaf) {
      fail(
        'requiresGrad',
        'flag',
        `you can only change requiresGrad of leaf Variables (this one was computed by '${(this._gradFn as Node).name}'); use detach() to get a leaf`,
      );
    }
    if (flag) checkFloat('variable', this.data);
    this._requiresGrad = flag;
  }

  /** The accumulated gradient, a Tensor of this shape, or null before any backward (settable, e.g. to null). */
  get grad(): Tensor | null {
    return this._gradVar === null ? null : this._gradVar.data;
  }
  set grad(g: Tensor | null) {
    if (g !== null) {
      if (!isTensor(g)) fail('grad', 'grad', `expected a Tensor or null, got ${typeof g}`);
      if (g.dtype !== this.data.dtype) {
        // As PyTorch: "assigned grad has data of a different type".
        fail('grad', 'grad', `assigned grad has dtype ${g.dtype} but the Variable has dtype ${this.data.dtype}`);
      }
      if (!shapesEqual(g.shape, this.data.shape)) {
        fail(
          'grad',
          'grad',
          `assigned grad has shape ${formatShape(g.shape)} but the Variable has shape ${formatShape(this.data.shape)}`,
        );
      }
    }
    this._gradVar = g === null ? null : new Variable(g);
  }

  /**
   * The accumulated gradient as a Variable: after `backward({ createGraph: true })` it carries
   * its own graph and can be differentiated again (second order).
   */
  get gradVariable(): Variable | null {
    return this._gradVar;
  }

  /** The node that computed this Variable (`null` for leaves): its operation name and inputs' nodes. */
  get gradFn(): GradFn | null {
    return this._gradFn;
  }

  /** True for Variables not computed by a recorded operation (created by the user, or constants). */
  get isLeaf(): boolean {
    return this._gradFn === null;
  }

  /** Size of each dimension. */
  get shape(): readonly number[] {
    return this.data.shape;
  }
  /** Element type. */
  get dtype(): DType {
    return this.data.dtype;
  }
  /** Number of dimensions. */
  get ndim(): number {
    return this.data.ndim;
  }
  /** Number of elements. */
  get numel(): number {
    return this.data.numel;
  }
  /** The size of one dimension (negative counts from the end). */
  size(dim: number): number {
    return this.data.size(dim);
  }

  /** @internal The gradient accumulator node of a leaf that requires grad. */
  _accumulator(): Node {
    if (this.accumulator === null) this.accumulator = new Node('accumulateGrad', [], [], null, [], this);
    return this.accumulator;
  }

  /** @internal Records that this Variable is a view of `base`'s storage. */
  _markView(base: Variable): void {
    this._base = base._base ?? base;
    this._baseVersion = this.data.version;
  }

  /** @internal Refuses to record with a view whose storage was written in place after the view was made. */
  _checkFreshView(op: string): void {
    if (this._base !== null && this.data.version !== this._baseVersion && this._base.requiresGrad) {
      fail(
        op,
        'input',
        `this view (shape ${formatShape(this.shape)}) was taken before an in-place write to the Variable it views, so its history is stale; take the view again after the write`,
      );
    }
  }

  /**
   * Computes the gradient of this Variable with respect to every leaf that requires grad and
   * adds it into their `grad`. A scalar needs no `gradient`; otherwise pass the gradient of some
   * scalar loss with respect to this Variable (same shape). The graph's saved values are released
   * afterwards unless `retainGraph` is set.
   */
  backward(gradient?: VariableLike, options: BackwardOptions = {}): void {
    const createGraph = options.createGraph ?? false;
    const retainGraph = options.retainGraph ?? createGraph;
    let seed: Variable;
    if (gradient === undefined || gradient === null) {
      if (this.numel !== 1) {
        throw new TorchletError(
          'backward',
          'gradient',
          `grad can be implicitly created only for scalar outputs (this output has shape ${formatShape(this.shape)}); pass a gradient of that shape: y.backward(gradient)`,
        );
      }
      seed = new Variable(onesLike(this.data));
    } else {
      seed = typeof gradient === 'number' ? new Variable(onesLike(this.data).mul(gradient)) : asVariable(gradient);
      if (!shapesEqual(seed.shape, this.shape)) {
        fail(
          'backward',
          'gradient',
          `gradient has shape ${formatShape(seed.shape)} but the output has shape ${formatShape(this.shape)}`,
        );
      }
    }
    runBackward([this], [seed], { fn: 'backward', retainGraph, createGraph, inputs: null });
  }

  /** A new leaf sharing this Variable's storage, cut from the graph (`requiresGrad` false). */
  detach(): Variable {
    return new Variable(this.data);
  }

  /** Keeps the gradient of this non-leaf Variable in `grad` after backward (leaves always keep theirs). */
  retainGrad(): this {
    if (this._gradFn !== null) this._gradFn.retainedBy = this;
    return this;
  }

  /** Sets `grad` to null (what optimizers' `zeroGrad` does, as PyTorch's default `set_to_none`). */
  zeroGrad(): this {
    this._gradVar = null;
    return this;
  }

  // ---- conversion ---------------------------------------------------------------------------
  /** The value of a one-element Variable. */
  item(): number {
    return this.data.item();
  }
  /** Nested arrays of the values. */
  toArray(): ReturnType<Tensor['toArray']> {
    return this.data.toArray();
  }
  /** PyTorch's printed form, e.g. `tensor([1., 2.], requires_grad=True)`. */
  toString(): string {
    return views.formatVariable(this);
  }
  /** A copy converted to `dtype` (differentiable). */
  to(dtype: DType): Variable {
    return views.to(this, dtype);
  }
  /** Row-major contiguous version (differentiable). */
  contiguous(): Variable {
    return views.contiguous(this);
  }
  /** A copy with its own storage (differentiable). */
  clone(): Variable {
    return views.clone(this);
  }

  // ---- views --------------------------------------------------------------------------------
  reshape(shape: readonly number[]): Variable {
    return views.reshape(this, shape);
  }
  view(shape: readonly number[]): Variable {
    return views.view(this, shape);
  }
  t(): Variable {
    return views.t(this);
  }
  transpose(dim0: number, dim1: number): Variable {
    return views.transpose(this, dim0, dim1);
  }
  permute(dims: readonly number[]): Variable {
    return views.permute(this, dims);
  }
  expand(shape: readonly number[]): Variable {
    return views.expand(this, shape);
  }
  squeeze(dim?: number): Variable {
    return views.squeeze(this, dim);
  }
  unsqueeze(dim: number): Variable {
    return views.unsqueeze(this, dim);
  }
  flatten(startDim = 0, endDim = -1): Variable {
    return views.flatten(this, startDim, endDim);
  }
  narrow(dim: number, start: number, length: number): Variable {
    return views.narrow(this, dim, start, length);
  }
  /** Indexing as a differentiable view: `x.get(':, 2:6')`. */
  get(index: Index): Variable {
    return idx.get(this, index);
  }
  /**
   * Writes `value` into the indexed region in place, recording the write so gradients flow to
   * `value` and to the rest of this Variable (PyTorch's CopySlices): `Y.set([i, j], s)`.
   */
  set(index: Index, value: VariableLike | boolean): this {
    idx.set(this, index, value);
    return this;
  }

  // ---- math ---------------------------------------------------------------------------------
  add(other: VariableLike): Variable {
    return el.add(this, other);
  }
  sub(other: VariableLike): Variable {
    return el.sub(this, other);
  }
  mul(other: VariableLike): Variable {
    return el.mul(this, other);
  }
  div(other: VariableLike): Variable {
    return el.div(this, other);
  }
  pow(exponent: VariableLike): Variable {
    return el.pow(this, exponent);
  }
  maximum(other: VariableLike): Variable {
    return el.maximum(this, other);
  }
  minimum(other: VariableLike): Variable {
    return el.minimum(this, other);
  }
  neg(): Variable {
    return el.neg(this);
  }
  abs(): Variable {
    return el.abs(this);
  }
  exp(): Variable {
    return el.exp(this);
  }
  log(): Variable {
    return el.log(this);
  }
  sqrt(): Variable {
    return el.sqrt(this);
  }
  tanh(): Variable {
    return el.tanh(this);
  }
  sigmoid(): Variable {
    return el.sigmoid(this);
  }
  relu(): Variable {
    return el.relu(this);
  }
  clamp(min?: number | null, max?: number | null): Variable {
    return el.clamp(this, min, max);
  }

  // ---- reductions ---------------------------------------------------------------------------
  sum(dims?: Dims, options?: ReduceOptions): Variable {
    return red.sum(this, dims, options);
  }
  mean(dims?: Dims, options?: ReduceOptions): Variable {
    return red.mean(this, dims, options);
  }
  prod(dim?: number | null, options?: ReduceOptions): Variable {
    return red.prod(this, dim, options);
  }
  max(dim?: number | null, options?: ReduceOptions): Variable {
    return red.max(this, dim, options);
  }
  min(dim?: number | null, options?: ReduceOptions): Variable {
    return red.min(this, dim, options);
  }
  var(dims?: Dims, options?: VarianceOptions): Variable {
    return red.variance(this, dims, options);
  }
  std(dims?: Dims, options?: VarianceOptions): Variable {
    return red.std(this, dims, options);
  }
  cumsum(dim: number): Variable {
    return red.cumsum(this, dim);
  }
  cumprod(dim: number): Variable {
    return red.cumprod(this, dim);
  }

  // ---- structure, linear algebra, joining ---------------------------------------------------
  flip(dims: number | readonly number[]): Variable {
    return st.flip(this, dims);
  }
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Variable {
    return st.roll(this, shifts, dims);
  }
  tril(diagonal = 0): Variable {
    return st.tril(this, diagonal);
  }
  triu(diagonal = 0): Variable {
    return st.triu(this, diagonal);
  }
  matmul(other: VariableOrTensor): Variable {
    return linalg.matmul(this, other);
  }
  mm(other: VariableOrTensor): Variable {
    return linalg.mm(this, other);
  }
  dot(other: VariableOrTensor): Variable {
    return linalg.dot(this, other);
  }
  split(splitSize: number | readonly number[], dim = 0): Variable[] {
    return join.split(this, splitSize, dim);
  }
  chunk(chunks: number, dim = 0): Variable[] {
    return join.chunk(this, chunks, dim);
  }
}

function checkFloat(fn: string, t: Tensor): void {
  if (t.dtype !== 'float32' && t.dtype !== 'float64') {
    fail(
      fn,
      'requiresGrad',
      `only floating point tensors can require gradients, got a ${t.dtype} tensor of shape ${formatShape(t.shape)}`,
    );
  }
}

/**
 * Options of {@link variable}.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { variable } from '@torchlet/autograd';
 * variable(tensor([1]), { requiresGrad: true }).requiresGrad; // -> true
 * variable(tensor([1])).requiresGrad; // -> false
 * ```
 */
export interface VariableOptions {
  /** Compute gradients for this leaf (it must be float32 or float64). Default `false`. */
  readonly requiresGrad?: boolean;
}

/**
 * Wraps a tensor as a leaf Variable (sharing its storage). With `requiresGrad: true`, backward
 * fills its `grad`.
 *
 * Shapes: those of `t`.
 *
 * @see torch.tensor(..., requires_grad=True), torch.Tensor.requires_grad_
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { variable } from '@torchlet/autograd';
 * const w = variable(tensor([[1, -1]]), { requiresGrad: true });
 * w.requiresGrad; // -> true
 * w.shape; // -> [1, 2]
 * ```
 */
export function variable(t: Tensor, options: VariableOptions = {}): Variable {
  if (isVariable(t)) {
    fail('variable', 't', 'expected a Tensor, got a Variable (use x.detach() for a new leaf sharing its storage)');
  }
  if (!isTensor(t)) fail('variable', 't', `expected a Tensor, got ${t === null ? 'null' : typeof t}`);
  const requiresGrad = options.requiresGrad ?? false;
  if (requiresGrad) checkFloat('variable', t);
  return new Variable(t, null, requiresGrad);
}

/**
 * Brand check for Variables that works across package copies (use instead of `instanceof`).
 *
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { isVariable, variable } from '@torchlet/autograd';
 * isVariable(variable(zeros([2]))); // -> true
 * isVariable(zeros([2])); // -> false
 * ```
 */
export function isVariable(x: unknown): x is Variable {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[VARIABLE_BRAND] === true;
}

/** A Variable as is, a plain tensor as a constant Variable (internal helper of every function). */
export function asVariable(x: VariableOrTensor): Variable {
  return isVariable(x) ? x : new Variable(x as Tensor);
}
