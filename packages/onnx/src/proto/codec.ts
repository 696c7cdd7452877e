import { fail, TorchletError } from '@torchlet/tensor';
import protobuf from 'protobufjs';
import { ONNX_PROTO_SOURCE } from './schema.js';
import type { ModelProto } from './types.js';

// The codec is protobufjs's reflection runtime over the official schema: no generated code, no
// hand-written wire format. The schema is parsed on first use, not at import.

let modelType: protobuf.Type | null = null;

function ModelProtoType(): protobuf.Type {
  if (modelType === null)
    modelType = protobuf.parse(ONNX_PROTO_SOURCE, { keepCase: true }).root.lookupType('onnx.ModelProto');
  return modelType;
}

/**
 * Decodes `bytes` as an `onnx.ModelProto`, with int64 fields as numbers. Wire-format errors
 * (truncation, bad tags, overlong lengths, nesting too deep) become a `TorchletError` of `fn`.
 */
export function decodeModel(fn: string, bytes: Uint8Array): ModelProto {
  if (!(bytes instanceof Uint8Array)) fail(fn, 'bytes', `expected a Uint8Array, got ${describe(bytes)}`);
  if (bytes.length === 0) fail(fn, 'bytes', 'the file is empty (0 bytes), not an ONNX model');
  const type = ModelProtoType();
  let message: protobuf.Message;
  try {
    message = type.decode(bytes);
  } catch (e) {
    if (e instanceof TorchletError) throw e;
    const why = e instanceof Error ? e.message : String(e);
    fail(fn, 'bytes', `not a valid ONNX protobuf (${bytes.length} bytes): ${why}; the file is truncated or corrupt`);
  }
  let plain: unknown;
  try {
    plain = type.toObject(message, {
      longs: Number,
      bytes: Uint8Array as unknown as StringConstructor,
      defaults: false,
      arrays: true,
    });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    fail(fn, 'bytes', `the ONNX message could not be read: ${why}`);
  }
  return plain as ModelProto;
}

/** Encodes a model as `onnx.ModelProto` bytes. */
export function encodeModel(fn: string, model: ModelProto): Uint8Array {
  const type = ModelProtoType();
  const problem = type.verify(model);
  if (problem !== null) fail(fn, 'model', `internal error: the built ONNX message is invalid (${problem})`);
  return type.encode(type.fromObject(model as unknown as Record<string, unknown>)).finish();
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return typeof x;
}
