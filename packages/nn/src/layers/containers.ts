import { fail, formatValue } from '@torchlet/tensor';
import { type AnyModule, isModule, Module } from '../module.js';

/**
 * A list of submodules, registered as `'0'`, `'1'`, ... so their parameters read `0.weight`,
 * `layers.3.bias`. Unlike {@link Sequential} it has no forward of its own: the parent decides how
 * the modules are called (DenseNet's layers each see every earlier output).
 *
 * Shapes: none (holds modules).
 *
 * @see torch.nn.ModuleList
 * @example
 * ```ts
 * import { Linear, ModuleList } from '@torchlet/nn';
 * const layers = new ModuleList([new Linear(2, 2), new Linear(2, 1)]);
 * layers.length; // -> 2
 * layers.namedParameters().map(([name]) => name); // -> ['0.weight', '0.bias', '1.weight', '1.bias']
 * layers.at(-1).toString(); // -> 'Linear(in_features=2, out_features=1, bias=True)'
 * ```
 */
export class ModuleList<M extends AnyModule = AnyModule> extends Module<[], never> {
  #items: M[] = [];

  /**
   * A list holding `modules`, registered as submodules named `'0'`, `'1'`, ...
   * @param modules - The modules to hold, in order. Default: none.
   */
  constructor(modules: Iterable<M> = []) {
    super();
    checkIterable('ModuleList', 'modules', modules);
    this.extend(modules);
  }

  /**
   * Adds `module` at the end, named by its position. Returns this.
   * @param module - The module to add.
   */
  append(module: M): this {
    if (!isModule(module)) fail('ModuleList', 'module', `entry ${this.#items.length} is not a Module`);
    this.registerModule(String(this.#items.length), module);
    this.#items.push(module);
    return this;
  }

  /**
   * Appends every module of `modules`. Returns this.
   * @param modules - The modules to add, in order.
   */
  extend(modules: Iterable<M>): this {
    checkIterable('ModuleList', 'modules', modules);
    for (const m of modules) this.append(m);
    return this;
  }

  /** How many modules. */
  get length(): number {
    return this.#items.length;
  }

  /**
   * The module at `index` (negative counts from the end).
   * @param index - A position in `[-length, length)`.
   * @returns The module there; throws a `TorchletError` when out of range.
   */
  at(index: number): M {
    const i = typeof index !== 'number' ? Number.NaN : index < 0 ? index + this.#items.length : index;
    if (!Number.isInteger(i) || i < 0 || i >= this.#items.length) {
      fail(
        'ModuleList',
        'index',
        `index ${formatValue(index)} is out of range for a ModuleList of ${this.#items.length} modules`,
      );
    }
    return this.#items[i];
  }

  /** The modules in order. */
  *[Symbol.iterator](): IterableIterator<M> {
    yield* this.#items;
  }

  /** A ModuleList is a container; calling it is an error, as in PyTorch. */
  forward(): never {
    fail('ModuleList', 'forward', 'a ModuleList has no forward; call its modules');
  }
}

/**
 * Submodules by name, in insertion order, registered under their keys (`denselayer1.conv1.weight`).
 * Like {@link ModuleList}, it has no forward of its own. Keys must be valid module names (no
 * `.`); as with any JS object, integer-like keys (`'0'`) are listed before the others.
 *
 * Shapes: none (holds modules).
 *
 * @see torch.nn.ModuleDict
 * @example
 * ```ts
 * import { Linear, ModuleDict, ReLU } from '@torchlet/nn';
 * const parts = new ModuleDict({ fc: new Linear(2, 1), act: new ReLU() });
 * parts.keys(); // -> ['fc', 'act']
 * parts.get('fc').namedParameters().length; // -> 2
 * parts.namedParameters().map(([name]) => name); // -> ['fc.weight', 'fc.bias']
 * ```
 */
export class ModuleDict<M extends AnyModule = AnyModule> extends Module<[], never> {
  #items = new Map<string, M>();

  /**
   * A dictionary holding `modules`, registered as submodules under their keys.
   * @param modules - `[key, module]` pairs or an object of modules by key. Default: none.
   */
  constructor(modules: Iterable<readonly [string, M]> | Readonly<Record<string, M>> = []) {
    super();
    if (modules === null || typeof modules !== 'object')
      fail(
        'ModuleDict',
        'modules',
        `expected an object or an iterable of [key, module] pairs, got ${formatValue(modules)}`,
      );
    if (Symbol.iterator in modules) {
      let i = 0;
      for (const entry of modules as Iterable<unknown>) {
        if (!Array.isArray(entry) || entry.length !== 2)
          fail('ModuleDict', 'modules', `entry ${i} must be a [key, module] pair, got ${formatValue(entry)}`);
        this.set(entry[0] as string, entry[1] as M);
        i++;
      }
    } else {
      for (const [key, m] of Object.entries(modules)) this.set(key, m as M);
    }
  }

  /**
   * Registers `module` under `key` (replacing any module there). Returns this.
   * @param key - The name, a non-empty string without `'.'`.
   * @param module - The module to register.
   */
  set(key: string, module: M): this {
    if (typeof key !== 'string') fail('ModuleDict', 'key', `a key must be a string, got ${formatValue(key)}`);
    if (!isModule(module)) fail('ModuleDict', 'module', `entry '${key}' is not a Module, got ${formatValue(module)}`);
    this.registerModule(key, module);
    this.#items.set(key, module);
    return this;
  }

  /**
   * The module under `key`; throws when there is none.
   * @param key - The name the module was registered under.
   * @returns The module.
   */
  get(key: string): M {
    const m = this.#items.get(key);
    if (m === undefined)
      fail(
        'ModuleDict',
        'key',
        `no module named ${typeof key === 'string' ? `'${key}'` : formatValue(key)} (keys: ${[...this.#items.keys()].join(', ')})`,
      );
    return m;
  }

  /**
   * Whether a module is registered under `key`.
   * @param key - The name to look up.
   * @returns `true` when a module is registered under `key`.
   */
  has(key: string): boolean {
    return this.#items.has(key);
  }

  /** How many modules. */
  get size(): number {
    return this.#items.size;
  }

  /**
   * The keys, in registration order (integer-like keys first, as JS objects list them).
   * @returns The keys, a new array.
   */
  keys(): string[] {
    return Object.keys(this).filter((k) => this.#items.has(k));
  }

  /**
   * The modules, in the order of {@link ModuleDict.keys}.
   * @returns The modules, a new array.
   */
  values(): M[] {
    return this.keys().map((k) => this.get(k));
  }

  /**
   * `[key, module]` pairs, in the order of {@link ModuleDict.keys}.
   * @returns The `[key, module]` pairs, a new array.
   */
  entries(): [string, M][] {
    return this.keys().map((k) => [k, this.get(k)]);
  }

  /** The `[key, module]` pairs. */
  *[Symbol.iterator](): IterableIterator<[string, M]> {
    yield* this.entries();
  }

  /** A ModuleDict is a container; calling it is an error, as in PyTorch. */
  forward(): never {
    fail('ModuleDict', 'forward', 'a ModuleDict has no forward; call its modules');
  }
}

/** A ModuleList's modules must be iterable: a number or null is a TorchletError, not a raw TypeError. */
function checkIterable(fn: string, arg: string, value: unknown): void {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function') || !(Symbol.iterator in value))
    fail(fn, arg, `expected an iterable of Modules, got ${formatValue(value)}`);
}
