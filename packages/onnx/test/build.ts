import { encodeModel } from '../src/proto/codec.js';
import type { AttributeProto, NodeProto, TensorProto, ValueInfoProto } from '../src/proto/types.js';

// Hand-built ONNX files for the tests: a few nodes, written with the package's own codec.

export interface NodeSpec {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  readonly domain?: string;
  readonly attrs?: readonly AttributeProto[];
}

/** A float input/output declaration; `null` dims are symbolic. */
export function value(name: string, shape: readonly (number | null)[], elemType = 1): ValueInfoProto {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: elemType,
        shape: { dim: shape.map((d) => (d === null ? { dim_param: 'N' } : { dim_value: d })) },
      },
    },
  };
}

/** A float32 initializer. */
export function floats(name: string, dims: number[], values: readonly number[]): TensorProto {
  return { name, dims, data_type: 1, float_data: [...values] };
}

/** An int64 initializer. */
export function int64s(name: string, values: readonly number[]): TensorProto {
  return { name, dims: [values.length], data_type: 7, int64_data: [...values] };
}

export function ints(name: string, v: readonly number[]): AttributeProto {
  return { name, type: 7, ints: [...v] };
}

export function int(name: string, v: number): AttributeProto {
  return { name, type: 2, i: v };
}

export function float(name: string, v: number): AttributeProto {
  return { name, type: 1, f: v };
}

export function str(name: string, v: string): AttributeProto {
  return { name, type: 3, s: new TextEncoder().encode(v) };
}

export function modelBytes(spec: {
  readonly nodes: readonly NodeSpec[];
  readonly inputs: readonly ValueInfoProto[];
  readonly outputs: readonly ValueInfoProto[];
  readonly initializers?: readonly TensorProto[];
  readonly opset?: number;
}): Uint8Array {
  const node: NodeProto[] = spec.nodes.map((n, i) => ({
    name: n.name ?? `${n.op}_${i}`,
    op_type: n.op,
    domain: n.domain ?? '',
    input: [...n.inputs],
    output: [...n.outputs],
    attribute: [...(n.attrs ?? [])],
  }));
  return encodeModel('test', {
    ir_version: 8,
    producer_name: 'test',
    opset_import: [{ domain: '', version: spec.opset ?? 13 }],
    graph: {
      name: 'g',
      node,
      initializer: [...(spec.initializers ?? [])],
      input: [...spec.inputs],
      output: [...spec.outputs],
    },
  });
}
