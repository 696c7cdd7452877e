import { nnExports } from './export/nn-export.js';
import { tensorExports } from './export/tensor-export.js';
import type { ExportImpl } from './export/translate.js';
import type { OpImpl } from './import/context.js';
import { nnOps } from './import/nn-ops.js';
import { tensorOps } from './import/tensor-ops.js';

// The string registries of the package, at the boundary with an external format: ONNX operator
// names (default domain) to torchlet implementations for import, and autograd's operation names
// (as `traceOps` reports them) to ONNX writers for export.

const IMPORT_OPS: ReadonlyMap<string, OpImpl> = new Map(Object.entries({ ...tensorOps, ...nnOps }));

/** The implementation of ONNX operator `opType`, or undefined when torchlet has none. */
export function importOp(opType: string): OpImpl | undefined {
  return IMPORT_OPS.get(opType);
}

/**
 * The ONNX operators `importOnnx` runs (default domain, opsets 7 to 21; tested at 11 to 17).
 *
 * @returns The operator names, sorted (e.g. `'Conv'`, `'Gemm'`, `'Relu'`).
 * @example
 * ```ts
 * import { supportedOnnxOps } from '@torchlet/onnx';
 * supportedOnnxOps().includes('Conv'); // -> true
 * ```
 */
export function supportedOnnxOps(): string[] {
  return [...IMPORT_OPS.keys()].sort();
}

const EXPORT_OPS: ReadonlyMap<string, ExportImpl> = new Map(Object.entries({ ...tensorExports, ...nnExports }));

/** How traced operation `name` (autograd's name, e.g. `'conv2d'`) is written to ONNX, or undefined when it has no ONNX form. */
export function exportOp(name: string): ExportImpl | undefined {
  return EXPORT_OPS.get(name);
}
