import {
  type Device,
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
  /**
   * The values (a plain Tensor). Optimizers update it in place, e.g. `p.data.subInPlace(g, lr)`.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([1, 2])).data.toArray(); // -> [1, 2]
   * ```
   */
  readonly data: Tensor;
  /** @internal */
  _gradFn: Node | null;
  /** @internal */
  _gradVar: Variable | null = null;
  /**
   * @internal Backward made `_gradVar`'s tensor and no one has read it through `grad` or
   * `gradVariable` since (library code reads it with `peekGrad`): replacing it releases its
   * webgpu buffer at once, since nothing else can hold it.
   */
  _gradUnread = false;
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

  /**
   * True when gradients are computed for this Variable (leaves set it; results inherit it).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * const x = variable(tensor([1, 2]));
   * x.requiresGrad; // -> false
   * x.requiresGrad = true;
   * x.mul(2).requiresGrad; // -> true
   * ```
   */
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

  /**
   * The accumulated gradient, a Tensor of this shape, or null before any backward (settable, e.g. to null).
   * On the webgpu device, setting it (or `zeroGrad()`) releases a gradient that backward made and
   * nothing read through `grad` at once, instead of leaving its buffer to the garbage collector.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * const x = variable(tensor([1, 2]), { requiresGrad: true });
   * x.grad; // -> null
   * x.mul(x).sum().backward();
   * x.grad?.toArray(); // -> [2, 4]
   * ```
   */
  get grad(): Tensor | null {
    this._gradUnread = false;
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
    this._dropUnreadGrad(g);
    this._gradVar = g === null ? null : new Variable(g);
  }

  /** @internal Releases the gradient backward made if no one read it (it is about to be replaced by `next`). */
  _dropUnreadGrad(next: Tensor | null = null): void {
    const old = this._gradVar;
    if (this._gradUnread && old !== null && old.data.gpuBuffer !== null && old.data.gpuBuffer !== next?.gpuBuffer) {
      old.data.dispose();
    }
    this._gradUnread = false;
  }

  /**
   * The accumulated gradient as a Variable: after `backward({ createGraph: true })` it carries
   * its own graph and can be differentiated again (second order).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * const x = variable(tensor([3]), { requiresGrad: true });
   * x.mul(x).sum().backward(undefined, { createGraph: true });
   * x.gradVariable?.toArray(); // -> [6]
   * ```
   */
  get gradVariable(): Variable | null {
    this._gradUnread = false;
    return this._gradVar;
  }

  /**
   * The node that computed this Variable (`null` for leaves): its operation name and inputs' nodes.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * const x = variable(tensor([1]), { requiresGrad: true });
   * x.gradFn; // -> null
   * x.mul(2).gradFn?.name; // -> 'mul'
   * ```
   */
  get gradFn(): GradFn | null {
    return this._gradFn;
  }

  /**
   * True for Variables not computed by a recorded operation (created by the user, or constants).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * const x = variable(tensor([1]), { requiresGrad: true });
   * [x.isLeaf, x.mul(2).isLeaf]; // -> [true, false]
   * ```
   */
  get isLeaf(): boolean {
    return this._gradFn === null;
  }

  /**
   * Size of each dimension.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([[1, 2, 3]])).shape; // -> [1, 3]
   * ```
   */
  get shape(): readonly number[] {
    return this.data.shape;
  }
  /**
   * Element type.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([1])).dtype; // -> 'float32'
   * ```
   */
  get dtype(): DType {
    return this.data.dtype;
  }
  /**
   * Number of dimensions.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([[1, 2]])).ndim; // -> 2
   * ```
   */
  get ndim(): number {
    return this.data.ndim;
  }
  /**
   * Number of elements.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([[1, 2], [3, 4]])).numel; // -> 4
   * ```
   */
  get numel(): number {
    return this.data.numel;
  }
  /**
   * The size of one dimension (negative counts from the end).
   * @param dim - The dimension (negative counts from the end).
   * @returns The size of that dimension.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([[1, 2, 3]])).size(-1); // -> 3
   * ```
   */
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
   * @param gradient - The gradient of a scalar loss with respect to this Variable, of its shape (a number fills
   *   it); omitted for a one-element Variable, where it is 1.
   * @param options - `retainGraph` (keep the graph for another backward; default `createGraph`) and
   *   `createGraph` (record the backward pass for second derivatives; default `false`); see
   *   {@link BackwardOptions}.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * const x = variable(tensor([1, 2]), { requiresGrad: true });
   * x.mul(x).backward(tensor([1, 1]));
   * x.grad?.toArray(); // -> [2, 4]
   * ```
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
    const ownsSeeds = gradient === undefined || gradient === null || typeof gradient === 'number';
    runBackward([this], [seed], { fn: 'backward', retainGraph, createGraph, inputs: null, ownsSeeds });
  }

  /**
   * A new leaf sharing this Variable's storage, cut from the graph (`requiresGrad` false).
   * @returns A leaf Variable with `requiresGrad` false, sharing this one's storage.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * const x = variable(tensor([1, 2]), { requiresGrad: true });
   * x.mul(2).detach().requiresGrad; // -> false
   * ```
   */
  detach(): Variable {
    return new Variable(this.data);
  }

  /**
   * Keeps the gradient of this non-leaf Variable in `grad` after backward (leaves always keep theirs).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * const x = variable(tensor([1, 2]), { requiresGrad: true });
   * const y = x.mul(2).retainGrad();
   * y.sum().backward();
   * y.grad?.toArray(); // -> [1, 1]
   * ```
   */
  retainGrad(): this {
    if (this._gradFn !== null) this._gradFn.retainedBy = this;
    return this;
  }

  /**
   * Sets `grad` to null (what optimizers' `zeroGrad` does, as PyTorch's default `set_to_none`).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * const x = variable(tensor([1, 2]), { requiresGrad: true });
   * x.sum().backward();
   * x.zeroGrad().grad; // -> null
   * ```
   */
  zeroGrad(): this {
    this._dropUnreadGrad();
    this._gradVar = null;
    return this;
  }

  // ---- conversion ---------------------------------------------------------------------------
  /**
   * The value of a one-element Variable.
   * @returns The only element, as a number; throws when there are several.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([7])).item(); // -> 7
   * ```
   */
  item(): number {
    return this.data.item();
  }
  /**
   * Nested arrays of the values.
   * @returns Nested arrays of the values (numbers; booleans for bool).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([[1, 2], [3, 4]])).toArray(); // -> [[1, 2], [3, 4]]
   * ```
   */
  toArray(): ReturnType<Tensor['toArray']> {
    return this.data.toArray();
  }
  /**
   * PyTorch's printed form, e.g. `tensor([1., 2.], requires_grad=True)`.
   * @returns The printed form, with `requires_grad=True` or `grad_fn=<...>` when they apply.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([1, 2]), { requiresGrad: true }).toString(); // -> 'tensor([1., 2.], requires_grad=True)'
   * ```
   */
  toString(): string {
    return views.formatVariable(this);
  }
  /**
   * A copy converted to `dtype` (differentiable), or moved to a device (`'webgpu'`, `'cpu'`; not
   * differentiable: a Variable that requires grad throws, so move tensors before building the graph).
   * @param dtype - The element type to convert to (`'float32'`, `'float64'`, `'int32'`, `'bool'`, ...), or a device.
   * @returns A converted copy, or this Variable when it already has that dtype.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([1.5])).to('float64').dtype; // -> 'float64'
   * ```
   */
  to(dtype: DType | Device): Variable {
    return views.to(this, dtype);
  }
  /**
   * Row-major contiguous version (differentiable).
   * @returns This Variable when row-major contiguous, else a contiguous copy.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([[1, 2], [3, 4]])).t().contiguous().toArray(); // -> [[1, 3], [2, 4]]
   * ```
   */
  contiguous(): Variable {
    return views.contiguous(this);
  }
  /**
   * A copy with its own storage (differentiable).
   * @returns A copy with its own storage; gradients flow back to this Variable.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * const x = variable(tensor([1, 2]), { requiresGrad: true });
   * x.clone().sum().backward();
   * x.grad?.toArray(); // -> [1, 1]
   * ```
   */
  clone(): Variable {
    return views.clone(this);
  }

  // ---- views --------------------------------------------------------------------------------
  /**
   * The same elements in a new shape (differentiable): a view when the layout allows it, else a copy.
   * @param shape - The new shape, with as many elements; one entry may be `-1` (inferred).
   * @returns The reshaped Variable.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([1, 2, 3, 4, 5, 6])).reshape([2, -1]).shape; // -> [2, 3]
   * ```
   */
  reshape(shape: readonly number[]): Variable {
    return views.reshape(this, shape);
  }
  /**
   * The same storage seen with a new shape (differentiable); the layout must allow it.
   * @param shape - The new shape, with as many elements; one entry may be `-1` (inferred).
   * @returns A view of this Variable.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([1, 2, 3, 4])).view([2, 2]).toArray(); // -> [[1, 2], [3, 4]]
   * ```
   */
  view(shape: readonly number[]): Variable {
    return views.view(this, shape);
  }
  /**
   * The transpose of a matrix (a 0-d or 1-d Variable as is), as a differentiable view.
   * @returns A view `[n, m]` of this `[m, n]` Variable.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([[1, 2], [3, 4]])).t().toArray(); // -> [[1, 3], [2, 4]]
   * ```
   */
  t(): Variable {
    return views.t(this);
  }
  /**
   * Swaps two dimensions (a differentiable view).
   * @param dim0 - The first dimension to swap (negative counts from the end).
   * @param dim1 - The second dimension to swap.
   * @returns A view with the two dimensions swapped.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([[[1, 2, 3]]])).transpose(0, 2).shape; // -> [3, 1, 1]
   * ```
   */
  transpose(dim0: number, dim1: number): Variable {
    return views.transpose(this, dim0, dim1);
  }
  /**
   * Reorders the dimensions (a differentiable view).
   * @param dims - The new order, a permutation of `0..ndim-1`.
   * @returns A view whose dimension `i` is this Variable's dimension `dims[i]`.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([[[1, 2, 3], [4, 5, 6]]])).permute([2, 0, 1]).shape; // -> [3, 1, 2]
   * ```
   */
  permute(dims: readonly number[]): Variable {
    return views.permute(this, dims);
  }
  /**
   * Repeats size-1 dimensions without copying (a differentiable view with stride 0); the gradient sums over the
   * repeats.
   * @param shape - The target shape: size-1 dimensions may grow, `-1` keeps a size, new leading dimensions may
   *   be added.
   * @returns A view of the target shape.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([[1], [2]])).expand([2, 3]).toArray(); // -> [[1, 1, 1], [2, 2, 2]]
   * ```
   */
  expand(shape: readonly number[]): Variable {
    return views.expand(this, shape);
  }
  /**
   * Removes size-1 dimensions (a differentiable view).
   * @param dim - The dimension to remove when it has size 1; omitted: every size-1 dimension.
   * @returns A view without those dimensions.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([[[1, 2]]])).squeeze().shape; // -> [2]
   * ```
   */
  squeeze(dim?: number): Variable {
    return views.squeeze(this, dim);
  }
  /**
   * Inserts a size-1 dimension (a differentiable view).
   * @param dim - Where the new dimension goes, in `[-ndim - 1, ndim]`.
   * @returns A view with one more dimension.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([1, 2])).unsqueeze(0).shape; // -> [1, 2]
   * ```
   */
  unsqueeze(dim: number): Variable {
    return views.unsqueeze(this, dim);
  }
  /**
   * Merges dimensions `startDim..endDim` into one (differentiable; a view when possible).
   * @param startDim - The first dimension to merge. Default `0`.
   * @param endDim - The last dimension to merge. Default `-1`.
   * @returns The flattened Variable.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([[1, 2], [3, 4]])).flatten().toArray(); // -> [1, 2, 3, 4]
   * ```
   */
  flatten(startDim = 0, endDim = -1): Variable {
    return views.flatten(this, startDim, endDim);
  }
  /**
   * A slice of `length` elements along `dim` from `start` (a differentiable view).
   * @param dim - The dimension to narrow.
   * @param start - The first index kept (negative counts from the end).
   * @param length - How many indices to keep.
   * @returns A view of the slice.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([1, 2, 3, 4])).narrow(0, 1, 2).toArray(); // -> [2, 3]
   * ```
   */
  narrow(dim: number, start: number, length: number): Variable {
    return views.narrow(this, dim, start, length);
  }
  /**
   * Indexing as a differentiable view: `x.get(':, 2:6')`.
   * @param index - PyTorch-style indices: a string (`':, 2:6'`, `'..., 0'`), or an array of numbers, `null`
   *   (new axis), slices and index tensors.
   * @returns The indexed region: a view for basic indexing, a copy for advanced indexing.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([[1, 2, 3], [4, 5, 6]])).get(':, 1').toArray(); // -> [2, 5]
   * ```
   */
  get(index: Index): Variable {
    return idx.get(this, index);
  }
  /**
   * Writes `value` into the indexed region in place, recording the write so gradients flow to
   * `value` and to the rest of this Variable (PyTorch's CopySlices): `Y.set([i, j], s)`.
   * @param index - PyTorch-style indices, as for {@link Variable.get}.
   * @param value - The values to write (a Variable, tensor, number or boolean), broadcast to the indexed
   *   region's shape.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * const w = variable(tensor([2]), { requiresGrad: true });
   * const y = variable(tensor([0, 0, 0])).set('1', w.mul(5));
   * y.toArray(); // -> [0, 10, 0]
   * y.sum().backward();
   * w.grad?.toArray(); // -> [5]
   * ```
   */
  set(index: Index, value: VariableLike | boolean): this {
    idx.set(this, index, value);
    return this;
  }

  // ---- math ---------------------------------------------------------------------------------
  /**
   * `this + other`, elementwise with broadcasting (differentiable).
   * @param other - A Variable, tensor or number, broadcast against this Variable.
   * @returns The sum, in the broadcast shape.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * const x = variable(tensor([1, 2]), { requiresGrad: true });
   * const y = x.add(tensor([[10], [20]]));
   * y.toArray(); // -> [[11, 12], [21, 22]]
   * y.sum().backward();
   * x.grad?.toArray(); // -> [2, 2]
   * ```
   */
  add(other: VariableLike): Variable {
    return el.add(this, other);
  }
  /**
   * `this - other`, elementwise with broadcasting (differentiable).
   * @param other - A Variable, tensor or number, broadcast against this Variable.
   * @returns The difference, in the broadcast shape.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([5, 7])).sub(2).toArray(); // -> [3, 5]
   * ```
   */
  sub(other: VariableLike): Variable {
    return el.sub(this, other);
  }
  /**
   * `this * other`, elementwise with broadcasting (differentiable).
   * @param other - A Variable, tensor or number, broadcast against this Variable.
   * @returns The product, in the broadcast shape.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * const x = variable(tensor([1, 2]), { requiresGrad: true });
   * x.mul(3).sum().backward();
   * x.grad?.toArray(); // -> [3, 3]
   * ```
   */
  mul(other: VariableLike): Variable {
    return el.mul(this, other);
  }
  /**
   * `this / other`, elementwise with broadcasting (differentiable).
   * @param other - A Variable, tensor or number, broadcast against this Variable.
   * @returns The quotient, in the broadcast shape.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([1, 3])).div(2).toArray(); // -> [0.5, 1.5]
   * ```
   */
  div(other: VariableLike): Variable {
    return el.div(this, other);
  }
  /**
   * `this ** exponent`, elementwise with broadcasting (differentiable in both).
   * @param exponent - A Variable, tensor or number, broadcast against this Variable.
   * @returns The power, in the broadcast shape.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * const x = variable(tensor([1, 2, 3]), { requiresGrad: true });
   * x.pow(2).sum().backward();
   * x.grad?.toArray(); // -> [2, 4, 6]
   * ```
   */
  pow(exponent: VariableLike): Variable {
    return el.pow(this, exponent);
  }
  /**
   * The elementwise maximum with broadcasting (differentiable; ties split the gradient).
   * @param other - A Variable, tensor or number, broadcast against this Variable.
   * @returns The maxima, in the broadcast shape (NaN where either is NaN).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([1, 5])).maximum(tensor([3, 2])).toArray(); // -> [3, 5]
   * ```
   */
  maximum(other: VariableLike): Variable {
    return el.maximum(this, other);
  }
  /**
   * The elementwise minimum with broadcasting (differentiable; ties split the gradient).
   * @param other - A Variable, tensor or number, broadcast against this Variable.
   * @returns The minima, in the broadcast shape (NaN where either is NaN).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([1, 5])).minimum(tensor([3, 2])).toArray(); // -> [1, 2]
   * ```
   */
  minimum(other: VariableLike): Variable {
    return el.minimum(this, other);
  }
  /**
   * `-this`, elementwise (differentiable).
   * @returns The negation, the shape of this Variable.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([1, -2])).neg().toArray(); // -> [-1, 2]
   * ```
   */
  neg(): Variable {
    return el.neg(this);
  }
  /**
   * `|this|`, elementwise (differentiable; the gradient at 0 is 0).
   * @returns The absolute values, the shape of this Variable.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([-1, 2])).abs().toArray(); // -> [1, 2]
   * ```
   */
  abs(): Variable {
    return el.abs(this);
  }
  /**
   * `e ** this`, elementwise (differentiable).
   * @returns The exponentials, the shape of this Variable.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * const x = variable(tensor([0]), { requiresGrad: true });
   * x.exp().sum().backward();
   * x.grad?.toArray(); // -> [1]
   * ```
   */
  exp(): Variable {
    return el.exp(this);
  }
  /**
   * The natural logarithm, elementwise (differentiable).
   * @returns The logarithms, the shape of this Variable (NaN for negative elements, `-Infinity` for zeros).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([1])).log().toArray(); // -> [0]
   * ```
   */
  log(): Variable {
    return el.log(this);
  }
  /**
   * The square root, elementwise (differentiable).
   * @returns The square roots, the shape of this Variable.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * const x = variable(tensor([4, 9]), { requiresGrad: true });
   * const y = x.sqrt();
   * y.toArray(); // -> [2, 3]
   * y.sum().backward();
   * x.grad?.toArray(); // -> [0.25, Math.fround(1 / 6)]
   * ```
   */
  sqrt(): Variable {
    return el.sqrt(this);
  }
  /**
   * The hyperbolic tangent, elementwise (differentiable).
   * @returns Values in (-1, 1), the shape of this Variable.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([0])).tanh().toArray(); // -> [0]
   * ```
   */
  tanh(): Variable {
    return el.tanh(this);
  }
  /**
   * `1 / (1 + exp(-this))`, elementwise (differentiable).
   * @returns Values in (0, 1), the shape of this Variable.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * const x = variable(tensor([0]), { requiresGrad: true });
   * const y = x.sigmoid();
   * y.toArray(); // -> [0.5]
   * y.sum().backward();
   * x.grad?.toArray(); // -> [0.25]
   * ```
   */
  sigmoid(): Variable {
    return el.sigmoid(this);
  }
  /**
   * `max(this, 0)`, elementwise (differentiable; the gradient at 0 is 0).
   * @returns The rectified values, the shape of this Variable.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([-1, 2])).relu().toArray(); // -> [0, 2]
   * ```
   */
  relu(): Variable {
    return el.relu(this);
  }
  /**
   * Limits every element to `[min, max]` (differentiable; the gradient is 0 where clamped).
   * @param min - The lower bound, or `null`/omitted for none.
   * @param max - The upper bound, or `null`/omitted for none.
   * @returns The clamped values, the shape of this Variable.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([-2, 0.5, 3])).clamp(0, 1).toArray(); // -> [0, 0.5, 1]
   * ```
   */
  clamp(min?: number | null, max?: number | null): Variable {
    return el.clamp(this, min, max);
  }

  // ---- reductions ---------------------------------------------------------------------------
  /**
   * The sum over `dims`, or over every element (differentiable).
   * @param dims - The dimension or dimensions to reduce; omitted or `null` for all.
   * @param options - `keepdim` (keep reduced dimensions with size 1). Default `false`.
   * @returns The sums; a 0-d Variable when reducing everything.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * const x = variable(tensor([[1, 2], [3, 4]]));
   * x.sum().item(); // -> 10
   * x.sum(0).toArray(); // -> [4, 6]
   * x.sum(1, { keepdim: true }).toArray(); // -> [[3], [7]]
   * ```
   */
  sum(dims?: Dims, options?: ReduceOptions): Variable {
    return red.sum(this, dims, options);
  }
  /**
   * The mean over `dims`, or over every element (differentiable).
   * @param dims - The dimension or dimensions to reduce; omitted or `null` for all.
   * @param options - `keepdim` (keep reduced dimensions with size 1). Default `false`.
   * @returns The means; a 0-d Variable when reducing everything.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([[1, 2], [3, 4]])).mean(1).toArray(); // -> [1.5, 3.5]
   * ```
   */
  mean(dims?: Dims, options?: ReduceOptions): Variable {
    return red.mean(this, dims, options);
  }
  /**
   * The product over `dim`, or over every element (differentiable, zeros included).
   * @param dim - The dimension to reduce; omitted or `null` for all.
   * @param options - `keepdim` (keep the reduced dimension with size 1). Default `false`.
   * @returns The products.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * const x = variable(tensor([2, 3, 4]), { requiresGrad: true });
   * x.prod().backward();
   * x.grad?.toArray(); // -> [12, 8, 6]
   * ```
   */
  prod(dim?: number | null, options?: ReduceOptions): Variable {
    return red.prod(this, dim, options);
  }
  /**
   * The maximum over `dim`, or over every element (differentiable: the gradient goes to the maximum, split evenly
   * among ties).
   * @param dim - The dimension to reduce; omitted or `null` for all.
   * @param options - `keepdim` (keep the reduced dimension with size 1). Default `false`.
   * @returns The maxima (values only).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([[1, 5], [7, 2]])).max(1).toArray(); // -> [5, 7]
   * ```
   */
  max(dim?: number | null, options?: ReduceOptions): Variable {
    return red.max(this, dim, options);
  }
  /**
   * The minimum over `dim`, or over every element (differentiable: the gradient goes to the minimum, split evenly
   * among ties).
   * @param dim - The dimension to reduce; omitted or `null` for all.
   * @param options - `keepdim` (keep the reduced dimension with size 1). Default `false`.
   * @returns The minima (values only).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([[1, 5], [7, 2]])).min(1).toArray(); // -> [1, 2]
   * ```
   */
  min(dim?: number | null, options?: ReduceOptions): Variable {
    return red.min(this, dim, options);
  }
  /**
   * The variance over `dims`, or over every element, with Bessel's correction by default (differentiable).
   * @param dims - The dimension or dimensions to reduce; omitted or `null` for all.
   * @param options - `correction` (divide by `n - correction`, default `1`) and `keepdim` (default `false`).
   * @returns The variances.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([1, 3])).var().item(); // -> 2
   * ```
   */
  var(dims?: Dims, options?: VarianceOptions): Variable {
    return red.variance(this, dims, options);
  }
  /**
   * The standard deviation over `dims`, or over every element, with Bessel's correction by default
   * (differentiable).
   * @param dims - The dimension or dimensions to reduce; omitted or `null` for all.
   * @param options - `correction` (divide by `n - correction`, default `1`) and `keepdim` (default `false`).
   * @returns The standard deviations.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([1, 3])).std(null, { correction: 0 }).item(); // -> 1
   * ```
   */
  std(dims?: Dims, options?: VarianceOptions): Variable {
    return red.std(this, dims, options);
  }
  /**
   * Running sums along `dim` (differentiable).
   * @param dim - The dimension to accumulate along (negative counts from the end).
   * @returns The running sums, the shape of this Variable.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([1, 2, 3])).cumsum(0).toArray(); // -> [1, 3, 6]
   * ```
   */
  cumsum(dim: number): Variable {
    return red.cumsum(this, dim);
  }
  /**
   * Running products along `dim` (differentiable, zeros included).
   * @param dim - The dimension to accumulate along (negative counts from the end).
   * @returns The running products, the shape of this Variable.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([1, 2, 3])).cumprod(0).toArray(); // -> [1, 2, 6]
   * ```
   */
  cumprod(dim: number): Variable {
    return red.cumprod(this, dim);
  }

  // ---- structure, linear algebra, joining ---------------------------------------------------
  /**
   * Reverses the order of elements along `dims` (differentiable; a copy).
   * @param dims - The dimension or dimensions to reverse.
   * @returns The flipped copy.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([1, 2, 3])).flip(0).toArray(); // -> [3, 2, 1]
   * ```
   */
  flip(dims: number | readonly number[]): Variable {
    return st.flip(this, dims);
  }
  /**
   * Shifts elements cyclically along `dims` (differentiable; a copy).
   * @param shifts - How far to shift, one per dimension in `dims` (positive moves elements to higher indices).
   * @param dims - The dimensions to roll; omitted: the flattened elements are rolled.
   * @returns The rolled copy, the shape of this Variable.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([1, 2, 3])).roll(1).toArray(); // -> [3, 1, 2]
   * ```
   */
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Variable {
    return st.roll(this, shifts, dims);
  }
  /**
   * The lower triangle of a matrix (or batch of matrices): elements above `diagonal` zeroed (differentiable).
   * @param diagonal - The last diagonal kept: `0` the main one, positive above, negative below. Default `0`.
   * @returns A copy of the shape of this Variable.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([[1, 2], [3, 4]])).tril().toArray(); // -> [[1, 0], [3, 4]]
   * ```
   */
  tril(diagonal = 0): Variable {
    return st.tril(this, diagonal);
  }
  /**
   * The upper triangle of a matrix (or batch of matrices): elements below `diagonal` zeroed (differentiable).
   * @param diagonal - The first diagonal kept: `0` the main one, positive above, negative below. Default `0`.
   * @returns A copy of the shape of this Variable.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([[1, 2], [3, 4]])).triu().toArray(); // -> [[1, 2], [0, 4]]
   * ```
   */
  triu(diagonal = 0): Variable {
    return st.triu(this, diagonal);
  }
  /**
   * The matrix product with PyTorch's `matmul` rules: vectors, matrices and broadcast batches (differentiable).
   * @param other - The right operand: `[n]`, `[k, p]` or a batch `[..., k, p]`.
   * @returns The product.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * const a = variable(tensor([[1, 2], [3, 4]]), { requiresGrad: true });
   * const y = a.matmul(tensor([1, 1]));
   * y.toArray(); // -> [3, 7]
   * y.sum().backward();
   * a.grad?.toArray(); // -> [[1, 1], [1, 1]]
   * ```
   */
  matmul(other: VariableOrTensor): Variable {
    return linalg.matmul(this, other);
  }
  /**
   * The product of two matrices (differentiable).
   * @param other - A matrix `[k, p]`; this Variable is `[m, k]`.
   * @returns The product `[m, p]`.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([[1, 2]])).mm(tensor([[3], [4]])).toArray(); // -> [[11]]
   * ```
   */
  mm(other: VariableOrTensor): Variable {
    return linalg.mm(this, other);
  }
  /**
   * The inner product of two vectors (differentiable).
   * @param other - A vector of this Variable's length.
   * @returns A 0-d Variable.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([1, 2])).dot(tensor([3, 4])).item(); // -> 11
   * ```
   */
  dot(other: VariableOrTensor): Variable {
    return linalg.dot(this, other);
  }
  /**
   * Splits into pieces along `dim` (differentiable views).
   * @param splitSize - The size of each piece (the last may be smaller), or the list of sizes.
   * @param dim - The dimension to split along. Default `0`.
   * @returns The pieces.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([1, 2, 3, 4, 5])).split(2).map((p) => p.toArray()); // -> [[1, 2], [3, 4], [5]]
   * ```
   */
  split(splitSize: number | readonly number[], dim = 0): Variable[] {
    return join.split(this, splitSize, dim);
  }
  /**
   * Splits into `chunks` pieces of equal size along `dim` (the last may be smaller; differentiable views).
   * @param chunks - How many pieces at most.
   * @param dim - The dimension to split along. Default `0`.
   * @returns The pieces.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/tensor';
   * import { variable } from '@torchlet/autograd';
   * variable(tensor([1, 2, 3, 4, 5, 6])).chunk(3).map((p) => p.toArray()); // -> [[1, 2], [3, 4], [5, 6]]
   * ```
   */
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
 * @param t - The values; a float tensor when `requiresGrad` is set.
 * @param options - `requiresGrad` (default `false`); see {@link VariableOptions}.
 * @returns A new leaf Variable sharing `t`'s storage.
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
 * @param x - Any value.
 * @returns `true` when `x` is a torchlet Variable.
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
