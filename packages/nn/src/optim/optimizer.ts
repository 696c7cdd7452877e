import { peekGrad } from '@torchlet/autograd';
import {
  fail,
  formatShape,
  formatValue,
  fromStorage,
  isTensor,
  type Storage,
  shapesEqual,
  type Tensor,
} from '@torchlet/tensor';

/**
 * What an optimizer updates: a value (`data`, changed in place) and its gradient. `Parameter` satisfies it; so does any object with these two fields.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { type Optimizable, SGD } from '@torchlet/nn';
 * const p: Optimizable = { data: tensor([1]), grad: tensor([2]) };
 * new SGD([p], { lr: 0.25 }).step();
 * p.data.toArray(); // -> [0.5]
 * ```
 */
export interface Optimizable {
  readonly data: Tensor;
  grad: Tensor | null;
}

/**
 * A group of parameters with its own hyper-parameters (PyTorch's param groups).
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { type ParamGroup, SGD, type SGDOptions } from '@torchlet/nn';
 * const slow: ParamGroup<SGDOptions> = { params: [{ data: tensor([1]), grad: tensor([1]) }], options: { lr: 0.5 } };
 * new SGD([slow], { lr: 1 }).paramGroups[0].options.lr; // -> 0.5
 * ```
 */
export interface ParamGroup<H> {
  readonly params: readonly Optimizable[];
  /** Overrides of the optimizer's defaults for this group. */
  readonly options?: Partial<H>;
}

/**
 * The parameters an optimizer is built with: a list, or groups with their own options.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { Adam, type AdamOptions, type ParamsInput } from '@torchlet/nn';
 * const params: ParamsInput<AdamOptions> = [{ data: tensor([1]), grad: null }];
 * new Adam(params).paramGroups.length; // -> 1
 * ```
 */
export type ParamsInput<H> = Iterable<Optimizable> | readonly ParamGroup<H>[];

function isGroupList<H>(params: ParamsInput<H>): params is readonly ParamGroup<H>[] {
  return (
    Array.isArray(params) && params.length > 0 && typeof params[0] === 'object' && 'params' in (params[0] as object)
  );
}

/**
 * The base of every optimizer: parameter groups with resolved hyper-parameters, per-parameter
 * state, `zeroGrad()`, and a `step()` that visits each parameter with a gradient.
 *
 * @see torch.optim.Optimizer
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { SGD } from '@torchlet/nn';
 * const p = { data: tensor([1, 2]), grad: tensor([0.5, 0.5]) };
 * const opt = new SGD([p], { lr: 0.1 });
 * opt.step();
 * p.data.toArray(); // -> [0.949999988079071, 1.9500000476837158]
 * opt.zeroGrad();
 * p.grad; // -> null
 * ```
 */
export abstract class Optimizer<H extends object, S> {
  /** Each group's parameters and fully resolved hyper-parameters (mutable, e.g. for LR schedules). */
  readonly paramGroups: { params: readonly Optimizable[]; options: H }[];
  /** Per-parameter state (momentum buffers, moment estimates), created on first step. */
  private readonly state = new Map<Optimizable, S>();
  private readonly name: string;

  protected constructor(name: string, params: ParamsInput<H>, defaults: H) {
    this.name = name;
    if (params === null || typeof params !== 'object' || !(Symbol.iterator in params)) {
      fail(name, 'params', `expected an iterable of parameters or of parameter groups, got ${formatValue(params)}`);
    }
    const groups = isGroupList(params)
      ? params.map((g) => ({ params: [...g.params], options: { ...defaults, ...g.options } }))
      : [{ params: [...(params as Iterable<Optimizable>)], options: { ...defaults } }];
    const seen = new Set<Optimizable>();
    for (const g of groups) {
      for (const p of g.params) {
        if (isTensor(p)) {
          fail(
            name,
            'params',
            `got a plain Tensor (shape ${formatShape(p.shape)}), which cannot receive gradients: pass Parameters (new Parameter(t)) or module.parameters()`,
          );
        }
        if (p === null || typeof p !== 'object' || !isTensor((p as { data?: unknown }).data)) {
          fail(name, 'params', `expected a Parameter (an object with a tensor \`data\`), got ${formatValue(p)}`);
        }
        if (seen.has(p)) fail(name, 'params', 'some parameters appear in more than one parameter group');
        seen.add(p);
        if (p.data.dtype !== 'float32' && p.data.dtype !== 'float64')
          fail(
            name,
            'params',
            `can only optimize float tensors, got ${p.data.dtype} (shape ${formatShape(p.data.shape)})`,
          );
      }
    }
    if (seen.size === 0) fail(name, 'params', 'optimizer got an empty parameter list');
    this.paramGroups = groups;
  }

  /**
   * Clears every parameter's gradient: sets it to `null` (PyTorch's default `set_to_none=True`),
   * or fills it with zeros when `setToNone` is false.
   * @param options - `setToNone`: `true` (default) sets gradients to `null`, `false` fills them with zeros.
   */
  zeroGrad(options: { readonly setToNone?: boolean } = {}): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (options.setToNone === false) peekGrad(p)?.zeroInPlace();
        else p.grad = null;
      }
    }
  }

  /** Applies one update to every parameter that has a gradient. */
  step(): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        // Read without marking the gradient as seen, so zeroGrad() can release it at once on webgpu.
        const pGrad = peekGrad(p);
        if (!pGrad) continue;
        if (!shapesEqual(pGrad.shape, p.data.shape)) {
          fail(
            this.name,
            'params',
            `a gradient has shape ${formatShape(pGrad.shape)} but its parameter has shape ${formatShape(p.data.shape)}`,
          );
        }
        if (p.data.device === 'webgpu') {
          // On the GPU the update runs as tensor ops, in place on the parameter (bumping its version).
          this.updateOnDevice(p, g.options);
          continue;
        }
        const values = flat(p.data);
        const grad = flat(pGrad);
        this.update(p, values, grad, g.options);
        // A view's elements were updated in a copy: write them back (copyInPlace bumps the version).
        if (values !== p.data.data) p.data.copyInPlace(fromStorage(values, p.data.shape));
        else p.data.bumpVersion();
      }
    }
  }

  /**
   * Updates a parameter on the webgpu device in place with tensor ops. Optimizers without such an
   * update throw a named error.
   */
  protected updateOnDevice(_param: Optimizable, _options: H): void {
    fail(this.name, 'params', `${this.name} has no update on the webgpu device yet (SGD has one)`);
  }

  /** Updates `values` (the parameter's elements, row-major) in place from `grad`. */
  protected abstract update(param: Optimizable, values: Storage, grad: Storage, options: H): void;

  /**
   * This parameter's state (momentum buffers, moment estimates), or undefined before its first step.
   * @param param - One of this optimizer's parameters.
   * @returns The state, or `undefined` before the parameter's first step.
   */
  stateFor(param: Optimizable): S | undefined {
    return this.state.get(param);
  }

  /** This parameter's state, created with `init` on first use. */
  protected stateOf(param: Optimizable, init: () => S): S {
    let s = this.state.get(param);
    if (!s) {
      s = init();
      this.state.set(param, s);
    }
    return s;
  }
}

/** The elements of `t` in row-major order: its own storage when contiguous from 0, else a copy. */
function flat(t: Tensor): Storage {
  if (t.isContiguous() && t.offset === 0 && t.data.length === t.numel) return t.data;
  return t.toTypedArray();
}
