import type { Variable } from '@torchlet/autograd';
import { type DType, fail, type Tensor, tensor } from '@torchlet/tensor';
import type { AttributeProto, NodeProto, TensorProto } from '../proto/types.js';
import { AttributeType } from '../proto/types.js';
import { tensorToProto } from '../tensor-data.js';

// The graph being written by exportOnnx: nodes, initializers, and for every traced Variable its
// ONNX value name and where its batch dimension is (for `dynamicBatch`).

/** Where the batch lives in a value: `shape[dim] = batch * factor`. */
export interface BatchTag {
  readonly dim: number;
  readonly factor: number;
}

/** An attribute value as the builder takes it. */
export type AttrValue =
  | number
  | string
  | readonly number[]
  | { readonly float: number }
  | { readonly floats: readonly number[] };

const FN = 'exportOnnx';

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly opset: number;
  /** The example batch size when exporting with a dynamic batch, else null. */
  readonly batch: number | null;
  readonly #names = new Map<Variable, string>();
  readonly #tags = new Map<Variable, BatchTag | null>();
  readonly #used = new Set<string>();
  readonly #parameters: ReadonlyMap<Variable, string>;
  readonly #inputStorages: ReadonlySet<unknown>;
  #counter = 0;

  constructor(
    opset: number,
    batch: number | null,
    parameters: ReadonlyMap<Variable, string>,
    inputStorages: ReadonlySet<unknown>,
  ) {
    this.opset = opset;
    this.batch = batch;
    this.#parameters = parameters;
    this.#inputStorages = inputStorages;
  }

  /** A value name not used yet, built from `hint`. */
  fresh(hint: string): string {
    let name = hint;
    while (this.#used.has(name)) name = `${hint}_${++this.#counter}`;
    this.#used.add(name);
    return name;
  }

  /** Declares `v` as the value named `name` (a graph input or a node output). */
  bind(v: Variable, name: string, tag: BatchTag | null): void {
    this.#names.set(v, name);
    this.#tags.set(v, tag);
  }

  /** The batch tag of `v` (null for constants and values that lost the batch). */
  tag(v: Variable | null): BatchTag | null {
    return v === null ? null : (this.#tags.get(v) ?? null);
  }

  /**
   * The ONNX name of operand `v`: a traced value, a parameter (an initializer named as in
   * `namedParameters()`), or else a constant captured now (cast to `dtype` when given).
   */
  nameOf(v: Variable, dtype?: DType): string {
    const known = this.#names.get(v);
    if (known !== undefined) return known;
    const param = this.#parameters.get(v);
    if (param !== undefined) {
      const name = this.fresh(param);
      this.initializers.push(tensorToProto(name, v.data));
      this.bind(v, name, null);
      return name;
    }
    if (this.#inputStorages.has(v.data.data))
      fail(
        FN,
        'module',
        "the forward pass used an input outside torchlet's differentiable functions (its values reached the graph as a constant); compute with @torchlet/autograd functions",
      );
    const data = dtype !== undefined && v.data.dtype !== dtype ? v.data.to(dtype) : v.data;
    const name = this.constant(data, 'const');
    if (dtype === undefined) this.bind(v, name, null);
    return name;
  }

  /** Adds tensor `t` as an initializer and returns its name. */
  constant(t: Tensor, hint: string, asInt64 = false): string {
    const name = this.fresh(hint);
    this.initializers.push(tensorToProto(name, t, asInt64));
    return name;
  }

  /** An int64 initializer `[values]` (shapes, axes, pads). */
  int64s(values: readonly number[], hint = 'ints'): string {
    return this.constant(tensor(Int32Array.from(values.map(clampInt32)), { dtype: 'int32' }), hint, true);
  }

  /** A scalar initializer of `dtype`. */
  scalar(value: number, dtype: DType, hint = 'scalar'): string {
    return this.constant(tensor([value], { dtype }).reshape([]), hint);
  }

  /** Appends a node and returns its output names. */
  node(
    opType: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, AttrValue>> = {},
    outputs = 1,
  ): string[] {
    const outs = Array.from({ length: outputs }, () => this.fresh(`${opType.toLowerCase()}_out`));
    this.nodes.push({
      name: this.fresh(`${opType}_${this.nodes.length}`),
      op_type: opType,
      domain: '',
      input: [...inputs],
      output: outs,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outs;
  }

  /** Renames value `from` to `to` everywhere (graph outputs take the user's names). */
  rename(from: string, to: string): void {
    for (const n of this.nodes) {
      n.input = n.input.map((x) => (x === from ? to : x));
      n.output = n.output.map((x) => (x === from ? to : x));
    }
  }
}

function clampInt32(v: number): number {
  return Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, v));
}

function attribute(name: string, v: AttrValue): AttributeProto {
  if (typeof v === 'number') return { name, type: AttributeType.INT, i: v };
  if (typeof v === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: AttributeType.INTS, ints: [...(v as number[])] };
  if ('float' in (v as object)) return { name, type: AttributeType.FLOAT, f: (v as { float: number }).float };
  return { name, type: AttributeType.FLOATS, floats: [...(v as { floats: readonly number[] }).floats] };
}
