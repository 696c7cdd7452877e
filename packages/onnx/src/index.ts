/**
 * `@torchlet/onnx`: ONNX import and export for torchlet, layer 5. `importOnnx(bytes)` turns a
 * `.onnx` file (from `torch.onnx.export` or any framework) into a trainable `Module` that runs the
 * graph with torchlet's differentiable functions; `exportOnnx(module, [x])` traces one forward pass
 * into an ONNX file that onnxruntime (Node, browsers, servers) runs with torchlet's outputs. The
 * codec is protobufjs over ONNX's official `onnx.proto`.
 *
 * @packageDocumentation
 */

export { EXPORT_OPSETS, type ExportOnnxOptions, exportOnnx } from './export/export.js';
export { type ImportOnnxOptions, importOnnx, OnnxModel, type OnnxValueInfo } from './import.js';
export { supportedOnnxOps } from './ops.js';
export type { ExternalData } from './tensor-data.js';
