import { type DType, formatShape, type Tensor, TorchletError } from '@torchlet/tensor';
import { isGradEnabled } from './grad-mode.js';
import { emitTraced, isTracing } from './trace.js';
import { isVariable, Variable } from './variable.js';

/**
 * A backward rule: given the gradient of a node's output, the gradients of its inputs (one entry
 * per input; `null`/`undefined` where no gradient flows). `needs[i]` says whether input `i` needs
 * a gradient at all, so rules compute only those. Rules are written with the differentiable
 * functions of this package, so the engine can run them with or without recording a graph
 * (`createGraph`). `gradOwned` is true when nothing else reads `grad`'s storage once the rule has
 * run (see owned-gradients.ts): the rule may write its result over it.
 */
export type BackwardFn = (
  grad: Variable,
  needs: readonly boolean[],
  output: Variable,
  gradOwned: boolean,
) => readonly (Variable | null | undefined)[];

/**
 * A node of the backward graph, as seen from outside: the operation's name and the nodes its
 * inputs' gradients flow to (PyTorch's `grad_fn` and `next_functions`).
 *
 * @see torch.autograd.graph.Node
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { mul, variable } from '@torchlet/autograd';
 * const x = variable(tensor([1, 2]), { requiresGrad: true });
 * const y = mul(x, 3);
 * y.gradFn?.name; // -> 'mul'
 * y.gradFn?.nextFunctions.map((n) => n?.name ?? null); // -> ['accumulateGrad', null]
 * ```
 */
export interface GradFn {
  /** The operation that produced the Variable (`'mul'`, `'conv2d'`, ...), or `'accumulateGrad'` for a leaf. */
  readonly name: string;
  /** One entry per input: where its gradient goes, `null` for inputs that need none. */
  readonly nextFunctions: readonly (GradFn | null)[];
}

interface SavedVariable {
  readonly variable: Variable;
  readonly version: number;
}

interface InputMeta {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** A node of the graph: one recorded operation, or the gradient accumulator of a leaf. */
export class Node implements GradFn {
  readonly name: string;
  readonly next: readonly (Node | null)[];
  readonly inputMeta: readonly InputMeta[];
  /** The leaf whose `.grad` this node accumulates into (PyTorch's AccumulateGrad), else null. */
  readonly leaf: Variable | null;
  backwardFn: BackwardFn | null;
  saved: readonly SavedVariable[];
  output: Variable | null = null;
  outputVersion = 0;
  /** A non-leaf Variable that asked to keep its gradient (`retainGrad()`). */
  retainedBy: Variable | null = null;
  released = false;
  /**
   * Webgpu buffers of the intermediates of the pure function that made this node's output
   * (`ownIntermediates`): backward releases them once it has run through the graph.
   */
  owned: NonNullable<Tensor['gpuBuffer']>[] | null = null;
  /** The rule runs code from outside the library (`defineFunction`), which may keep the gradient it is given. */
  opaque = false;

  constructor(
    name: string,
    next: readonly (Node | null)[],
    inputMeta: readonly InputMeta[],
    backwardFn: BackwardFn | null,
    saved: readonly SavedVariable[],
    leaf: Variable | null = null,
  ) {
    this.name = name;
    this.next = next;
    this.inputMeta = inputMeta;
    this.backwardFn = backwardFn;
    this.saved = saved;
    this.leaf = leaf;
  }

  get nextFunctions(): readonly (GradFn | null)[] {
    return this.next;
  }

  /** Drops what backward needs (closures and saved values) so their memory can be reclaimed. */
  release(): void {
    this.backwardFn = null;
    this.saved = [];
    this.output = null;
    this.owned = null;
    this.released = true;
  }

  /** Throws when a value this node saved has since been modified in place (PyTorch's version check). */
  checkSaved(): void {
    for (const s of this.saved) checkVersion(this.name, s.variable, s.version);
    if (this.output !== null && this.outputVersion >= 0) checkVersion(this.name, this.output, this.outputVersion);
  }
}

function checkVersion(op: string, v: Variable, version: number): void {
  const now = v.data.version;
  if (now !== version) {
    throw new TorchletError(
      'backward',
      '',
      `one of the variables needed for gradient computation has been modified by an in-place operation: ` +
        `'${op}' saved a ${v.data.dtype} tensor of shape ${formatShape(v.data.shape)} at version ${version}, and it is now at version ${now}. ` +
        `Compute on a copy (clone()) before writing in place, or write before using the value.`,
    );
  }
}

/** The node a gradient for `v` flows into: its `gradFn`, or its leaf accumulator; null when it needs no gradient. */
export function edgeOf(v: Variable): Node | null {
  if (!v.requiresGrad) return null;
  return v._gradFn ?? v._accumulator();
}

/** Options of {@link record}. */
export interface RecordOptions {
  /**
   * Values the backward rule reads (checked against in-place modification). Plain tensors are
   * checked too; numbers and nulls are ignored.
   */
  readonly save?: readonly (Variable | Tensor | number | boolean | null | undefined)[];
  /** The rule reads the output (checked against in-place modification). */
  readonly saveOutput?: boolean;
  /** The output shares storage with input 0 (a view): in-place writes into it are refused while recording. */
  readonly viewOf?: Variable;
  /** The operation's options (`{ stride, padding }`, `{ dims, keepdim }`), reported to a trace (`traceOps`). */
  readonly attrs?: Readonly<Record<string, unknown>>;
}

/**
 * Wraps the forward result `out` of operation `name` as a Variable, recording a node with
 * `backward` when grad mode is on and some input requires grad. `inputs[i]` is null for operands
 * that are not Variables (numbers, plain tensors): they get no gradient.
 */
export function record(
  name: string,
  out: Tensor,
  inputs: readonly (Variable | null)[],
  backward: BackwardFn,
  options: RecordOptions = {},
): Variable {
  let needed = false;
  if (isGradEnabled()) {
    for (const v of inputs) {
      if (v === null) continue;
      v._checkFreshView(name);
      if (v.requiresGrad) needed = true;
    }
  }
  if (!needed) {
    const result = new Variable(out);
    if (options.viewOf) result._markView(options.viewOf);
    if (isTracing()) emitTraced({ name, output: result, inputs, attrs: options.attrs ?? {} });
    return result;
  }
  const next = inputs.map((v) => (v === null ? null : edgeOf(v)));
  const meta = inputs.map((v) =>
    v === null ? { shape: [], dtype: out.dtype } : { shape: v.data.shape, dtype: v.data.dtype },
  );
  const saved: SavedVariable[] = [];
  for (const v of options.save ?? []) {
    if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean') continue;
    const variable = isVariable(v) ? v : new Variable(v);
    saved.push({ variable, version: variable.data.version });
  }
  const node = new Node(name, next, meta, backward, saved);
  const result = new Variable(out, node);
  if (options.viewOf) result._markView(options.viewOf);
  // The output is always kept (the rule receives it); its version is checked only when the rule reads it.
  node.output = result;
  node.outputVersion = options.saveOutput ? out.version : -1;
  if (isTracing()) emitTraced({ name, output: result, inputs, attrs: options.attrs ?? {} });
  return result;
}

/**
 * Records an in-place write into `target` (PyTorch's rebase_history): `target` keeps its identity
 * but its history becomes a new node `name` whose inputs are `inputs` (typically a snapshot of
 * target's previous history and the written value).
 */
export function rebase(
  target: Variable,
  name: string,
  inputs: readonly (Variable | null)[],
  backward: BackwardFn,
): void {
  const next = inputs.map((v) => (v === null ? null : edgeOf(v)));
  const meta = inputs.map((v) =>
    v === null ? { shape: [], dtype: target.data.dtype } : { shape: v.data.shape, dtype: v.data.dtype },
  );
  const node = new Node(name, next, meta, backward, []);
  node.output = target;
  node.outputVersion = -1;
  target._gradFn = node;
  target._requiresGrad = true;
}
