import { fail } from '@torchlet/tensor';
import { nodeLabel } from './attributes.js';
import type { GraphProto, NodeProto } from './proto/types.js';

// Structural checks of a graph before anything runs or is allocated: every node input has a
// producer (graph input, initializer or an earlier node), each value is produced once, and the
// nodes can be ordered (no cycle). Returns the nodes in an order that runs.

/** The graph's nodes in topological order; throws on a dangling input, a duplicate producer or a cycle. */
export function orderNodes(fn: string, graph: GraphProto, available: ReadonlySet<string>): NodeProto[] {
  const nodes = graph.node ?? [];
  const producer = new Map<string, number>();
  nodes.forEach((node, i) => {
    for (const out of node.output ?? []) {
      if (out === '') continue;
      if (available.has(out))
        fail(fn, 'bytes', `${nodeLabel(node)} writes '${out}', which is already a graph input or initializer`);
      if (producer.has(out))
        fail(
          fn,
          'bytes',
          `${nodeLabel(node)} writes '${out}', which ${nodeLabel(nodes[producer.get(out) as number])} also writes`,
        );
      producer.set(out, i);
    }
  });
  // Kahn's algorithm over node indices.
  const pending = new Array<number>(nodes.length).fill(0);
  const users = new Map<number, number[]>();
  nodes.forEach((node, i) => {
    for (const name of node.input ?? []) {
      if (name === '' || available.has(name)) continue;
      const p = producer.get(name);
      if (p === undefined)
        fail(
          fn,
          'bytes',
          `${nodeLabel(node)} reads '${name}', which no node, initializer or graph input produces (a dangling input)`,
        );
      pending[i]++;
      const list = users.get(p);
      if (list === undefined) users.set(p, [i]);
      else list.push(i);
    }
  });
  const ready: number[] = [];
  pending.forEach((c, i) => {
    if (c === 0) ready.push(i);
  });
  const order: NodeProto[] = [];
  for (let k = 0; k < ready.length; k++) {
    const i = ready[k];
    order.push(nodes[i]);
    for (const u of users.get(i) ?? []) if (--pending[u] === 0) ready.push(u);
  }
  if (order.length !== nodes.length) {
    const stuck = nodes.find((_, i) => pending[i] > 0) as NodeProto;
    fail(fn, 'bytes', `the graph has a cycle through ${nodeLabel(stuck)}`);
  }
  for (const out of graph.output ?? []) {
    if (!available.has(out.name) && !producer.has(out.name))
      fail(fn, 'bytes', `graph output '${out.name}' is produced by no node, initializer or graph input`);
  }
  return order;
}
