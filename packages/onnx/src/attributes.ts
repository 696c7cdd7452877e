import { fail, type Tensor } from '@torchlet/tensor';
import { type AttributeProto, AttributeType, type NodeProto } from './proto/types.js';
import { type ExternalData, tensorFromProto } from './tensor-data.js';

// A node's attributes, read once and checked by kind: asking for an int where the file holds a
// string is an error naming the node, never a silent default.

const decoder = new TextDecoder();

/** How errors name a node: `node 'Conv_3' (Conv)`. */
export function nodeLabel(node: Pick<NodeProto, 'name' | 'op_type'>): string {
  return `node '${node.name || '(unnamed)'}' (${node.op_type})`;
}

/** A node's attributes by name, with typed getters that fail naming the node. */
export class Attributes {
  readonly #byName = new Map<string, AttributeProto>();
  readonly #node: NodeProto;
  readonly #fn: string;
  readonly #external: ExternalData;

  constructor(fn: string, node: NodeProto, external: ExternalData) {
    this.#fn = fn;
    this.#node = node;
    this.#external = external;
    for (const a of node.attribute ?? []) this.#byName.set(a.name, a);
  }

  has(name: string): boolean {
    return this.#byName.has(name);
  }

  #get(name: string, type: number, kind: string): AttributeProto | undefined {
    const a = this.#byName.get(name);
    if (a === undefined) return undefined;
    // Old exporters leave `type` unset; accept the attribute when its field is present.
    if (a.type !== type && a.type !== undefined && a.type !== AttributeType.UNDEFINED)
      this.fail(`attribute '${name}' should be ${kind}, got attribute type ${a.type}`);
    return a;
  }

  int(name: string, fallback: number): number {
    const a = this.#get(name, AttributeType.INT, 'an int');
    if (a === undefined) return fallback;
    const v = Number(a.i ?? 0);
    if (!Number.isSafeInteger(v)) this.fail(`attribute '${name}' is not a finite integer (${String(a.i)})`);
    return v;
  }

  float(name: string, fallback: number): number {
    const a = this.#get(name, AttributeType.FLOAT, 'a float');
    return a === undefined ? fallback : Number(a.f ?? 0);
  }

  string(name: string, fallback: string): string {
    const a = this.#get(name, AttributeType.STRING, 'a string');
    return a === undefined || a.s === undefined ? fallback : decoder.decode(a.s);
  }

  ints(name: string): number[] | undefined {
    const a = this.#get(name, AttributeType.INTS, 'a list of ints');
    if (a === undefined) return undefined;
    const v = (a.ints ?? []).map(Number);
    if (v.length > 1 << 16) this.fail(`attribute '${name}' has ${v.length} entries`);
    for (const x of v) if (!Number.isSafeInteger(x)) this.fail(`attribute '${name}' holds a non-integer ${String(x)}`);
    return v;
  }

  floats(name: string): number[] | undefined {
    const a = this.#get(name, AttributeType.FLOATS, 'a list of floats');
    return a === undefined ? undefined : (a.floats ?? []).map(Number);
  }

  tensor(name: string): Tensor | undefined {
    const a = this.#get(name, AttributeType.TENSOR, 'a tensor');
    if (a === undefined || a.t === undefined) return undefined;
    return tensorFromProto(this.#fn, `${nodeLabel(this.#node)} attribute '${name}'`, a.t, this.#external);
  }

  /** Throws a TorchletError naming the node. */
  fail(message: string): never {
    fail(this.#fn, 'bytes', `${nodeLabel(this.#node)}: ${message}`);
  }
}
