// Single-op ONNX models for the onnxruntime-web contenders, built here with protobufjs and the
// official onnx.proto schema (the `onnx-proto` package is protobufjs's static code generated from
// it). One graph input `x`, weights as initializers, one output `y`; opset 17, IR version 8.

import { createRequire } from 'node:module';
import type { onnx as OnnxNs } from 'onnx-proto';

// onnx-proto is CommonJS: load it through require so Node's ESM loader needs no named-export detection.
const { onnx } = createRequire(import.meta.url)('onnx-proto') as { onnx: typeof OnnxNs };

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const { INT, INTS, FLOAT: ATTR_FLOAT } = onnx.AttributeProto.AttributeType;

/** An attribute: an int, a list of ints or a float. */
type Attr = number | readonly number[] | { readonly float: number };

/** One node of the graph. */
export interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs?: Readonly<Record<string, Attr>>;
}

/** A float32 initializer. */
export interface OnnxInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

function attribute(name: string, v: Attr): OnnxNs.IAttributeProto {
  if (typeof v === 'number') return { name, type: INT, i: v };
  if ('float' in v) return { name, type: ATTR_FLOAT, f: v.float };
  return { name, type: INTS, ints: [...(v as readonly number[])] };
}

/** The serialized ModelProto of `nodes` on input `x` of shape `inShape`, output `y`. */
export function onnxModel(
  inShape: readonly number[],
  nodes: readonly OnnxNode[],
  initializers: readonly OnnxInitializer[] = [],
): Uint8Array {
  const graph: OnnxNs.IGraphProto = {
    name: 'bench',
    node: nodes.map((n, i) => ({
      name: `n${i}`,
      opType: n.op,
      input: [...n.inputs],
      output: [...n.outputs],
      attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
    })),
    initializer: initializers.map((t) => ({
      name: t.name,
      dims: [...t.dims],
      dataType: FLOAT,
      rawData: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
    })),
    input: [
      { name: 'x', type: { tensorType: { elemType: FLOAT, shape: { dim: inShape.map((d) => ({ dimValue: d })) } } } },
    ],
    output: [{ name: 'y', type: { tensorType: { elemType: FLOAT } } }],
  };
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'torchlet-benchmarks',
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}
