import { formatShape, shapesEqual, TorchletError } from '@torchlet/tensor';
import { add } from './functions/elementwise.js';
import { to } from './functions/views.js';
import { GradientBuffers } from './gpu-release.js';
import { withGradMode } from './grad-mode.js';
import { edgeOf, type Node } from './graph.js';
import { disown, markOwned, ownsExclusively, releaseIfDead, withOwnedGradients } from './owned-gradients.js';
import { Variable } from './variable.js';

/**
 * Options of `backward()` and `gradients`.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { mul, sum, variable } from '@torchlet/autograd';
 * const x = variable(tensor([1, 2]), { requiresGrad: true });
 * const y = sum(mul(x, x));
 * y.backward(undefined, { retainGraph: true });
 * y.backward();
 * x.grad?.toArray(); // -> [4, 8]
 * ```
 */
export interface BackwardOptions {
  /** Keep the graph's saved values so backward can run through it again. Default: `createGraph`. */
  readonly retainGraph?: boolean;
  /** Record the backward computation itself, so gradients are differentiable (second order). Default `false`. */
  readonly createGraph?: boolean;
}

interface RunOptions {
  readonly retainGraph: boolean;
  readonly createGraph: boolean;
  /** When given, gradients are captured for these and nothing accumulates into `.grad`. */
  readonly inputs: readonly Variable[] | null;
  readonly fn: string;
  /** The root gradients were made by the caller for this pass (backward()'s ones), not passed in. */
  readonly ownsSeeds?: boolean;
}

/** The node where `v`'s history starts, or a clear error when it needs no gradient. */
function rootNode(fn: string, v: Variable, i: number): Node {
  const node = edgeOf(v);
  if (node === null) {
    fail(
      fn,
      `element ${i} of the outputs does not require grad and has no gradFn (shape ${formatShape(v.shape)}): nothing to differentiate. Did you create the inputs with variable(t, { requiresGrad: true })?`,
    );
  }
  return node;
}

function fail(fn: string, message: string): never {
  throw new TorchletError(fn, '', message);
}

/** Every node reachable from the roots, in DFS post-order (each node after all nodes it leads to). */
function postOrder(roots: readonly Node[]): Node[] {
  const order: Node[] = [];
  const seen = new Set<Node>();
  const stack: [Node, number][] = [];
  for (const r of roots) {
    if (seen.has(r)) continue;
    seen.add(r);
    stack.push([r, 0]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [node, i] = top;
      if (i < node.next.length) {
        top[1] = i + 1;
        const n = node.next[i];
        if (n !== null && !seen.has(n)) {
          seen.add(n);
          stack.push([n, 0]);
        }
      } else {
        stack.pop();
        order.push(node);
      }
    }
  }
  return order;
}

function accumulate(map: Map<Node, Variable>, node: Node, g: Variable): void {
  const prev = map.get(node);
  if (prev === undefined) {
    map.set(node, g);
    return;
  }
  const sum = add(prev, g);
  markOwned(sum.data, [prev.data, g.data]);
  map.set(node, sum);
}

/**
 * Adds `g` into a leaf's `.grad` (in place when that is safe, as PyTorch's AccumulateGrad does).
 * `pending` are the gradients still to be consumed (whether `g` is the pass's alone to give).
 */
function accumulateIntoLeaf(leaf: Variable, g: Variable, createGraph: boolean, pending: Iterable<Variable>): void {
  const current = leaf._gradVar;
  if (createGraph) {
    leaf._gradUnread = false;
    leaf._gradVar = current === null ? g : add(current, g);
  } else if (current === null && ownsExclusively(g, pending)) {
    // A gradient the pass made and nothing else reads becomes the .grad itself, as PyTorch's
    // AccumulateGrad steals a gradient no one else references; from now on it is the caller's.
    disown(g);
    leaf._gradVar = new Variable(g.data);
    leaf._gradUnread = true;
  } else if (current === null) {
    // A fresh copy: the incoming gradient may alias a user tensor or another gradient. No one
    // has read it yet (see Variable._gradUnread).
    leaf._gradVar = new Variable(g.data.clone());
    leaf._gradUnread = true;
  } else if (!current.requiresGrad && current.data.isContiguous() && current.data.dtype === g.data.dtype) {
    current.data.addInPlace(g.data);
  } else {
    const sum = new Variable(current.data.add(g.data));
    leaf._dropUnreadGrad();
    leaf._gradVar = sum;
    leaf._gradUnread = true;
  }
}

/**
 * Runs reverse-mode differentiation from `roots` seeded with `rootGrads`: nodes run in
 * dependency order (each once all gradients flowing into it are summed). Returns the gradients
 * captured at `options.inputs` (null where none reached), or `null` when accumulating into leaves.
 */
export function runBackward(
  roots: readonly Variable[],
  rootGrads: readonly Variable[],
  options: RunOptions,
): (Variable | null)[] | null {
  const { fn, retainGraph, createGraph, inputs } = options;
  const rootNodes = roots.map((r, i) => rootNode(fn, r, i));
  const order = postOrder(rootNodes);
  // Which nodes must run: all of them when accumulating, else those from which an input is reachable.
  const inputNodes = new Map<Node, number[]>();
  if (inputs !== null) {
    inputs.forEach((v, i) => {
      const node = edgeOf(v);
      if (node === null)
        fail(
          fn,
          `input ${i} (shape ${formatShape(v.shape)}) does not require grad: there is no gradient to compute for it`,
        );
      const list = inputNodes.get(node) ?? [];
      list.push(i);
      inputNodes.set(node, list);
    });
  }
  const needed = new Set<Node>();
  for (const node of order) {
    if (inputs === null || inputNodes.has(node) || node.next.some((n) => n !== null && needed.has(n))) needed.add(node);
  }
  const deps = new Map<Node, number>();
  for (const node of order) {
    if (!needed.has(node) || node.leaf !== null) continue;
    for (const n of node.next) if (n !== null && needed.has(n)) deps.set(n, (deps.get(n) ?? 0) + 1);
  }
  const grads = new Map<Node, Variable>();
  const captured: (Variable | null)[] = inputs === null ? [] : inputs.map(() => null);
  // Without createGraph nothing outside can reach the gradients in flight: on webgpu their
  // buffers go back to the pool as soon as no pending gradient reads them.
  const gpu = createGraph ? null : GradientBuffers.start(roots, options.ownsSeeds ? rootGrads : []);
  try {
    // Without createGraph nothing outside can reach the gradients the rules make (as on webgpu):
    // a rule may write over the gradient it consumes when the pass owns it.
    if (createGraph) runNodes();
    else withOwnedGradients(runNodes);
  } finally {
    gpu?.finish();
  }
  return inputs === null ? null : captured;

  function runNodes(): void {
    withGradMode(createGraph, () => {
      rootNodes.forEach((n, i) => {
        accumulate(grads, n, rootGrads[i]);
      });
      const ready: Node[] = [];
      for (const n of new Set(rootNodes)) if (needed.has(n) && (deps.get(n) ?? 0) === 0) ready.push(n);
      while (ready.length > 0) {
        const node = ready.pop() as Node;
        const g = grads.get(node) as Variable;
        grads.delete(node);
        const slots = inputNodes.get(node);
        if (slots) for (const i of slots) captured[i] = g;
        if (slots) disown(g);
        if (slots) gpu?.keep(g, true);
        if (node.retainedBy !== null && inputs === null) {
          accumulateIntoLeaf(node.retainedBy, g, createGraph, grads.values());
          gpu?.keep(node.retainedBy._gradVar);
        }
        if (node.leaf !== null) {
          if (inputs === null) {
            accumulateIntoLeaf(node.leaf, g, createGraph, grads.values());
            gpu?.keep(node.leaf._gradVar);
          }
          gpu?.settle(grads.values());
          continue;
        }
        if (node.released || node.backwardFn === null) {
          fail(
            fn,
            `trying to backward through the graph a second time: the values saved by '${node.name}' were released by the previous backward(). ` +
              'Pass { retainGraph: true } to the first backward() if you need to run backward through the same graph again.',
          );
        }
        node.checkSaved();
        const needs = node.next.map((n) => n !== null && needed.has(n));
        if (node.opaque) disown(g);
        const gradOwned = !createGraph && !node.opaque && ownsExclusively(g, grads.values());
        const out = node.backwardFn(g, needs, node.output as Variable, gradOwned);
        for (let i = 0; i < node.next.length; i++) {
          const target = node.next[i];
          if (target === null || !needs[i]) continue;
          const gi = out[i];
          if (gi !== null && gi !== undefined) accumulate(grads, target, conform(node, i, gi));
          const left = (deps.get(target) as number) - 1;
          deps.set(target, left);
          if (left === 0 && grads.has(target)) ready.push(target);
          else if (left === 0) markSkipped(target, deps, needed, ready, grads);
        }
        if (!createGraph) releaseIfDead(g, out, grads.values());
        if (!retainGraph) {
          gpu?.releaseAtEnd(node.owned);
          node.release();
        }
        gpu?.settle(grads.values());
      }
    });
  }
}

/**
 * A node all of whose incoming edges delivered no gradient (e.g. a `where` branch never taken
 * still yields zeros, but a rule may return null): its own inputs receive nothing from it, so
 * release their dependency counts.
 */
function markSkipped(
  node: Node,
  deps: Map<Node, number>,
  needed: Set<Node>,
  ready: Node[],
  grads: Map<Node, Variable>,
): void {
  if (node.leaf !== null) return;
  for (const n of node.next) {
    if (n === null || !needed.has(n)) continue;
    const left = (deps.get(n) as number) - 1;
    deps.set(n, left);
    if (left === 0 && grads.has(n)) ready.push(n);
    else if (left === 0) markSkipped(n, deps, needed, ready, grads);
  }
}

/** Checks a rule's gradient has its input's shape and casts it to the input's dtype. */
function conform(node: Node, i: number, g: Variable): Variable {
  const meta = node.inputMeta[i];
  if (!shapesEqual(g.shape, meta.shape)) {
    fail(
      'backward',
      `internal error: the backward rule of '${node.name}' returned a gradient of shape ${formatShape(g.shape)} for input ${i} of shape ${formatShape(meta.shape)}`,
    );
  }
  return g.dtype === meta.dtype ? g : to(g, meta.dtype);
}
