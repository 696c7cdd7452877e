import type { Variable } from '@torchlet/autograd';
import { type Device, fail, formatShape, isTensor, shapesEqual, type Tensor } from '@torchlet/tensor';
import { isParameter, type Parameter } from './parameter.js';
import { addIndent } from './repr.js';
import type { StateDict } from './state-dict.js';

const MODULE_BRAND = Symbol.for('torchlet.module');

/**
 * What layers take as input: a Variable, or a plain tensor (treated as a constant).
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { ReLU, type ModuleInput } from '@torchlet/nn';
 * const x: ModuleInput = tensor([-1, 1]);
 * new ReLU().forward(x).toArray(); // -> [0, 1]
 * ```
 */
export type ModuleInput = Variable | Tensor;

/**
 * Any module, whatever its `forward` takes and returns: the type of children and of the
 * arguments of `registerModule` and `apply`.
 *
 * @example
 * ```ts
 * import { Linear, ReLU, Sequential, type AnyModule } from '@torchlet/nn';
 * const net = new Sequential(new Linear(2, 2), new ReLU());
 * const kinds = net.modules().map((m: AnyModule) => m.constructor.name);
 * kinds; // -> ['Sequential', 'Linear', 'ReLU']
 * ```
 */
export type AnyModule = Module<never[], unknown>;

/**
 * Options of {@link Module.loadStateDict}.
 *
 * @example
 * ```ts
 * import { Linear, type LoadStateDictOptions } from '@torchlet/nn';
 * const options: LoadStateDictOptions = { strict: false };
 * new Linear(2, 1).loadStateDict({}, options).missingKeys; // -> ['weight', 'bias']
 * ```
 */
export interface LoadStateDictOptions {
  /**
   * Require the dict's keys to match the module's exactly (default `true`). With `false`, missing
   * and unexpected keys are ignored (and reported in the result); shape mismatches still throw.
   */
  readonly strict?: boolean;
}

/**
 * What {@link Module.loadStateDict} returns: PyTorch's `_IncompatibleKeys`.
 *
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { Linear, type LoadStateDictResult } from '@torchlet/nn';
 * const r: LoadStateDictResult = new Linear(2, 1).loadStateDict({ weight: zeros([1, 2]), extra: zeros([1]) }, { strict: false });
 * [r.missingKeys, r.unexpectedKeys]; // -> [['bias'], ['extra']]
 * ```
 */
export interface LoadStateDictResult {
  /** Keys the module has but the dict lacked (only non-empty with `strict: false`). */
  readonly missingKeys: string[];
  /** Keys in the dict the module does not have (only non-empty with `strict: false`). */
  readonly unexpectedKeys: string[];
}

/**
 * The base class of every layer and model: a `forward` computation plus the parameters, buffers
 * and submodules it owns, found by PyTorch's dotted names (`features.0.weight`).
 *
 * Registering is plain property assignment: in the constructor, `this.conv = new Conv2d(...)`
 * registers a submodule and `this.weight = new Parameter(...)` a parameter. Own enumerable
 * properties are walked in insertion order (class fields in declaration order; note that JS lists
 * integer-like keys such as `'0'` first, in numeric order); values that are neither modules nor
 * Parameters (numbers, plain tensors, arrays) are ignored, as in PyTorch. `registerModule` and
 * `registerParameter` do the same with a computed name. Buffers (state that is saved but not
 * learned, such as BatchNorm's `running_mean`) need `registerBuffer(name, tensor)`.
 *
 * Shapes: as `forward`.
 *
 * @see torch.nn.Module
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { Linear, Module, type ModuleInput, ReLU } from '@torchlet/nn';
 * import type { Variable } from '@torchlet/autograd';
 * class MLP extends Module {
 *   readonly hidden = new Linear(2, 3);
 *   readonly act = new ReLU();
 *   readonly out = new Linear(3, 1);
 *   forward(x: ModuleInput): Variable {
 *     return this.out.forward(this.act.forward(this.hidden.forward(x)));
 *   }
 * }
 * const net = new MLP();
 * net.namedParameters().map(([name]) => name); // -> ['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']
 * net.forward(tensor([[1, 2]])).shape; // -> [1, 1]
 * ```
 */
export abstract class Module<In extends unknown[] = [input: ModuleInput], Out = Variable> {
  /** True in training mode (the default), false after `eval()`; BatchNorm and Dropout read it. */
  training = true;
  readonly #buffers = new Map<string, Tensor>();

  /**
   * The computation, with PyTorch's `forward` signature for the layer.
   * @param inputs - The layer's inputs (usually one tensor or Variable).
   * @returns The layer's output.
   */
  abstract forward(...inputs: In): Out;

  /** Brand used by {@link isModule}. */
  get [MODULE_BRAND](): true {
    return true;
  }

  /**
   * Registers (or replaces) submodule `name`; the same as `this[name] = module`.
   * @param name - The attribute name, a non-empty string without `'.'`.
   * @param module - The submodule, or `null` to declare an absent one.
   */
  registerModule(name: string, module: AnyModule | null): void {
    checkName('registerModule', name);
    if (module !== null && !isModule(module)) fail('registerModule', 'module', `'${name}' is not a Module`);
    if (this.#buffers.has(name)) fail('registerModule', 'name', `attribute '${name}' already exists as a buffer`);
    Object.defineProperty(this, name, { value: module, enumerable: true, writable: true, configurable: true });
  }

  /**
   * Registers (or replaces) parameter `name`; the same as `this[name] = param`. `null` declares an absent one.
   * @param name - The attribute name, a non-empty string without `'.'`.
   * @param param - The parameter, or `null` to declare an absent one (e.g. no bias).
   */
  registerParameter(name: string, param: Parameter | null): void {
    checkName('registerParameter', name);
    if (param !== null && !isParameter(param)) {
      fail(
        'registerParameter',
        'param',
        `cannot assign a ${describe(param)} as parameter '${name}' (a Parameter or null is required)`,
      );
    }
    if (this.#buffers.has(name)) fail('registerParameter', 'name', `attribute '${name}' already exists as a buffer`);
    Object.defineProperty(this, name, { value: param, enumerable: true, writable: true, configurable: true });
  }

  /**
   * Registers (or replaces) buffer `name`: a tensor saved in `stateDict()` but not returned by
   * `parameters()`. Read it back with `getBuffer(name)`.
   * @param name - The attribute name, a non-empty string without `'.'`.
   * @param tensor - The buffer's tensor (e.g. BatchNorm's `running_mean`).
   */
  registerBuffer(name: string, tensor: Tensor): void {
    checkName('registerBuffer', name);
    if (!isTensor(tensor))
      fail(
        'registerBuffer',
        'tensor',
        `cannot assign a ${describe(tensor)} as buffer '${name}' (a Tensor is required)`,
      );
    if (Object.hasOwn(this, name)) fail('registerBuffer', 'name', `attribute '${name}' already exists`);
    this.#buffers.set(name, tensor);
  }

  /**
   * The buffer registered as `name`; throws when there is none.
   * @param name - The name the buffer was registered under.
   * @returns The buffer's tensor (the module's own, not a copy).
   */
  getBuffer(name: string): Tensor {
    const t = this.#buffers.get(name);
    if (t === undefined) fail('getBuffer', 'name', `${this.constructor.name} has no buffer '${name}'`);
    return t;
  }

  /** This module's own parameters, in registration order. */
  #ownParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    for (const key of Object.keys(this)) {
      const v = (this as Record<string, unknown>)[key];
      if (isParameter(v)) out.push([key, v]);
    }
    return out;
  }

  /** Every `[name, submodule]` property, a module assigned twice listed under both names (what `stateDict` walks). */
  #ownModules(): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    for (const key of Object.keys(this)) {
      const v = (this as Record<string, unknown>)[key];
      if (isModule(v)) out.push([key, v]);
    }
    return out;
  }

  /**
   * `[name, submodule]` of the direct children, in registration order (a module assigned twice is listed once).
   * @returns The pairs, a new array.
   */
  namedChildren(): [string, AnyModule][] {
    const seen = new Set<AnyModule>();
    return this.#ownModules().filter(([, m]) => {
      if (seen.has(m)) return false;
      seen.add(m);
      return true;
    });
  }

  /**
   * The direct children.
   * @returns The submodules, a new array.
   */
  children(): AnyModule[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /**
   * `[dottedName, module]` of this module (named `''`) and every descendant, depth-first, each once.
   * @param prefix - Prepended to every name (`prefix.child`). Default `''`.
   * @returns The pairs, a new array.
   */
  namedModules(prefix = ''): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    const seen = new Set<AnyModule>();
    const visit = (m: AnyModule, name: string): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [key, child] of m.namedChildren()) visit(child, name === '' ? key : `${name}.${key}`);
    };
    visit(this as unknown as AnyModule, prefix);
    return out;
  }

  /**
   * This module and every descendant, depth-first.
   * @returns The modules, a new array.
   */
  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  /**
   * `[dottedName, parameter]` of every parameter (`features.0.weight`), each module's own first,
   * then its children's; a parameter shared by two modules is listed once.
   * @returns The pairs, a new array; a parameter shared by two modules is listed once.
   */
  namedParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [key, p] of m.#ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([prefix === '' ? key : `${prefix}.${key}`, p]);
      }
    }
    return out;
  }

  /**
   * Every parameter, as `namedParameters()` orders them: what an optimizer takes.
   * @returns The parameters, a new array.
   */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /**
   * `[dottedName, tensor]` of every buffer (`bn.running_mean`).
   * @returns The pairs, a new array.
   */
  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [key, t] of m.#buffers) out.push([prefix === '' ? key : `${prefix}.${key}`, t]);
    }
    return out;
  }

  /**
   * Every buffer.
   * @returns The buffers, a new array.
   */
  buffers(): Tensor[] {
    return this.namedBuffers().map(([, t]) => t);
  }

  /**
   * Sets training mode on this module and every descendant (`false` is `eval()`). Returns this.
   * @param mode - `true` for training, `false` for evaluation. Default `true`.
   */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Sets evaluation mode (BatchNorm uses running statistics, Dropout is the identity). Returns this. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Calls `fn` on every descendant and then on this module (PyTorch's order). Returns this.
   * @param fn - Called once per module with the module.
   */
  apply(fn: (module: AnyModule) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this as unknown as AnyModule);
    return this;
  }

  /**
   * Moves every parameter (and its gradient) and every floating buffer to `device` (integer
   * counters such as `num_batches_tracked` stay on the CPU), in place: the
   * Parameter objects stay the same (an optimizer made before keeps working, as in PyTorch).
   * `'webgpu'` needs `await initWebGPU()` first. Reading the GPU back is asynchronous, so a module
   * on webgpu comes back with `await module.cpu()` (`to('cpu')` throws saying so). Returns this.
   * @param device - `'webgpu'` or `'cpu'`.
   * @returns This module.
   */
  to(device: Device): this {
    if (device !== 'cpu' && device !== 'webgpu') {
      fail('Module.to', 'device', `unknown device ${JSON.stringify(String(device))}; expected 'cpu' or 'webgpu'`);
    }
    for (const m of this.modules()) {
      for (const [, p] of m.#ownParameters()) setParameter(p, p.data.to(device), p.grad?.to(device) ?? null);
      for (const [name, t] of m.#buffers) {
        // Integer buffers (counters such as BatchNorm's num_batches_tracked) stay on the CPU:
        // the webgpu device has no integer math to update them with.
        if (t.dtype === 'float32' || t.dtype === 'float64' || t.dtype === 'bool') m.#buffers.set(name, t.to(device));
      }
    }
    return this;
  }

  /**
   * Moves every parameter, gradient and buffer to the CPU, reading webgpu tensors back (the
   * asynchronous counterpart of `to('cpu')`). Resolves to this module.
   * @returns This module, once its tensors are on the CPU.
   */
  async cpu(): Promise<this> {
    for (const m of this.modules()) {
      for (const [, p] of m.#ownParameters())
        setParameter(p, await p.data.cpu(), p.grad === null ? null : await p.grad.cpu());
      for (const [name, t] of m.#buffers) m.#buffers.set(name, await t.cpu());
    }
    return this;
  }

  /** Sets every parameter's `grad` to null (PyTorch's default `set_to_none=True`). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /**
   * Every parameter and buffer by dotted name, as tensors sharing the module's storage: for each
   * module, its parameters, then its buffers, then its children's entries (PyTorch's order). As in
   * PyTorch, a module or parameter reachable under two names appears under both.
   * @returns An object of tensors by dotted name (`'0.weight'`, `'bn.running_mean'`).
   */
  stateDict(): StateDict {
    const dict: StateDict = {};
    const path: AnyModule[] = [];
    const visit = (m: AnyModule, prefix: string): void => {
      if (path.includes(m)) fail('stateDict', 'module', `module '${prefix.slice(0, -1)}' contains itself`);
      path.push(m);
      for (const [key, p] of m.#ownParameters()) dict[prefix + key] = p.data;
      for (const [key, t] of m.#buffers) dict[prefix + key] = t;
      for (const [key, child] of m.#ownModules()) visit(child, `${prefix + key}.`);
      path.pop();
    };
    visit(this as unknown as AnyModule, '');
    return dict;
  }

  /**
   * Copies the dict's tensors into this module's parameters and buffers (in place, casting the
   * dtype). Every key and shape is checked before anything is copied; the error lists every
   * mismatch, as PyTorch words it. With `strict: false`, missing and unexpected keys are allowed.
   * @param stateDict - Tensors by dotted name, e.g. from {@link Module.stateDict}, {@link loadSafetensors} or a
   *   converted PyTorch checkpoint.
   * @param options - `strict` (default `true`: every key must match and no key may be left over); see
   *   {@link LoadStateDictOptions}.
   * @returns The keys the dict missed and the keys it had in excess (both empty in strict mode).
   */
  loadStateDict(stateDict: StateDict, options: LoadStateDictOptions = {}): LoadStateDictResult {
    if (typeof stateDict !== 'object' || stateDict === null)
      fail('loadStateDict', 'stateDict', `expected an object of tensors, got ${describe(stateDict)}`);
    const strict = options.strict ?? true;
    const own = this.stateDict();
    const missingKeys: string[] = [];
    const mismatches: string[] = [];
    const copies: [Tensor, Tensor][] = [];
    for (const [key, target] of Object.entries(own)) {
      if (!Object.hasOwn(stateDict, key)) {
        missingKeys.push(key);
        continue;
      }
      const src = stateDict[key];
      if (!isTensor(src)) {
        mismatches.push(
          `While copying the parameter named "${key}", expected a Tensor from checkpoint but received ${describe(src)}`,
        );
      } else if (!shapesEqual(src.shape, target.shape)) {
        mismatches.push(
          `size mismatch for ${key}: copying a param with shape ${formatShape(src.shape)} from checkpoint, the shape in current model is ${formatShape(target.shape)}.`,
        );
      } else {
        copies.push([target, src]);
      }
    }
    const unexpectedKeys = Object.keys(stateDict).filter((k) => !Object.hasOwn(own, k));
    const errors: string[] = [];
    const quote = (keys: string[]): string => keys.map((k) => `"${k}"`).join(', ');
    if (strict && missingKeys.length > 0) errors.push(`Missing key(s) in state_dict: ${quote(missingKeys)}. `);
    if (strict && unexpectedKeys.length > 0) errors.push(`Unexpected key(s) in state_dict: ${quote(unexpectedKeys)}. `);
    errors.push(...mismatches);
    if (errors.length > 0) {
      fail(
        'loadStateDict',
        'stateDict',
        `Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join('\n\t')}`,
      );
    }
    for (const [target, src] of copies) target.copyInPlace(src);
    return { missingKeys, unexpectedKeys };
  }

  /**
   * The layer's settings as shown inside its `toString()` parentheses (PyTorch's `extra_repr`).
   * @returns The settings, e.g. `'1, 6, kernel_size=(5, 5), stride=(1, 1)'`; `''` for a module without any.
   */
  extraRepr(): string {
    return '';
  }

  /**
   * PyTorch's module repr: the class name, `extraRepr()`, and each child on its own line as
   * `(name): Child(...)`, e.g. `Sequential(\n  (0): Linear(in_features=2, out_features=1, bias=True)\n)`.
   * @returns The repr, over several lines for a module with children.
   */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra === '' ? [] : extra.split('\n');
    const childLines = this.namedChildren().map(([key, m]) => `(${key}): ${addIndent(m.toString(), 2)}`);
    const lines = [...extraLines, ...childLines];
    let s = `${this.constructor.name}(`;
    if (lines.length > 0) {
      if (extraLines.length === 1 && childLines.length === 0) s += extraLines[0];
      else s += `\n  ${lines.join('\n  ')}\n`;
    }
    return `${s})`;
  }
}

/**
 * Brand check for modules that works across package copies (use instead of `instanceof`).
 *
 * @param x - Any value.
 * @returns `true` when `x` is a torchlet Module.
 * @example
 * ```ts
 * import { ReLU, isModule } from '@torchlet/nn';
 * isModule(new ReLU()); // -> true
 * isModule({ forward: () => 0 }); // -> false
 * ```
 */
export function isModule(x: unknown): x is AnyModule {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[MODULE_BRAND] === true;
}

function checkName(fn: string, name: string): void {
  if (typeof name !== 'string') fail(fn, 'name', `name should be a string, got ${describe(name)}`);
  if (name === '') fail(fn, 'name', 'name can\'t be empty string ""');
  if (name.includes('.')) fail(fn, 'name', `name can't contain ".", got '${name}'`);
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (isTensor(x)) return `Tensor ${formatShape(x.shape)}`;
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return typeof x;
}

/** Gives a parameter (the same object) a moved tensor and gradient. */
function setParameter(p: Parameter, data: Tensor, grad: Tensor | null): void {
  // `data` is readonly for users; moving devices is the one place that swaps it, as PyTorch's
  // `param.data = param.data.to(device)` does inside `module.to`.
  (p as unknown as { data: Tensor }).data = data;
  p.grad = grad;
}
