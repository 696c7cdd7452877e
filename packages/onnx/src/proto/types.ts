// The parts of ONNX's messages (onnx.proto) that torchlet reads and writes, with the field names
// of the schema (snake_case, as protobufjs keeps them). int64 fields are numbers here; the codec
// converts them at the boundary.

/** `TensorProto.DataType` values torchlet maps (ONNX numbering). */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
} as const;

/** `AttributeProto.AttributeType` values. */
export const AttributeType = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
} as const;

export interface StringStringEntry {
  key: string;
  value: string;
}

export interface TensorProto {
  name: string;
  dims: number[];
  data_type: number;
  raw_data?: Uint8Array;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: number[];
  double_data?: number[];
  uint64_data?: number[];
  data_location?: number;
  external_data?: StringStringEntry[];
}

export interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
  tensors?: TensorProto[];
  g?: unknown;
}

export interface NodeProto {
  name: string;
  op_type: string;
  domain: string;
  input: string[];
  output: string[];
  attribute: AttributeProto[];
}

export interface Dimension {
  dim_value?: number;
  dim_param?: string;
}

export interface ValueInfoProto {
  name: string;
  type?: { tensor_type?: { elem_type: number; shape?: { dim: Dimension[] } } };
}

export interface GraphProto {
  name: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  value_info?: ValueInfoProto[];
}

export interface OperatorSetId {
  domain: string;
  version: number;
}

export interface ModelProto {
  ir_version: number;
  producer_name?: string;
  producer_version?: string;
  opset_import: OperatorSetId[];
  graph: GraphProto;
}
