import type { TracedOp, Variable } from '@torchlet/autograd';
import { fail, formatShape } from '@torchlet/tensor';
import type { BatchTag, GraphBuilder } from './builder.js';

/** The ONNX value that a traced operation's output became, and where its batch dimension is. */
export interface Translated {
  readonly name: string;
  readonly tag: BatchTag | null;
}

/** Turns one traced operation into ONNX nodes. */
export type ExportImpl = (b: GraphBuilder, op: TracedOp) => Translated;

const FN = 'exportOnnx';

/** Operand `i`, which must be present. */
export function operand(op: TracedOp, i: number): Variable {
  const v = op.inputs[i];
  if (v === null || v === undefined) fail(FN, 'module', `'${op.name}' is missing operand ${i}`);
  return v;
}

/** Fails naming the traced operation. */
export function unsupported(op: TracedOp, why: string): never {
  fail(FN, 'module', `'${op.name}' (output ${formatShape(op.output.shape)}) has no ONNX form: ${why}`);
}

/** Normalises dim `d` for rank `r`. */
export function normDim(d: number, r: number): number {
  return d < 0 ? d + r : d;
}

/** The tag of an elementwise result: the tagged operand's batch dim, aligned to the output's rank. */
export function broadcastTag(b: GraphBuilder, op: TracedOp): BatchTag | null {
  for (const v of op.inputs) {
    const t = b.tag(v);
    if (v !== null && t !== null) return { dim: t.dim + (op.output.ndim - v.ndim), factor: t.factor };
  }
  return null;
}

/**
 * The Reshape target for `out` from an input tagged `tag`: static, except `-1` where the batch
 * went (the first dimension holding a multiple of it), so the graph takes any batch size.
 */
export function reshapeTarget(
  b: GraphBuilder,
  tag: BatchTag | null,
  out: readonly number[],
): { shape: number[]; tag: BatchTag | null } {
  const shape = [...out];
  if (b.batch === null || tag === null || b.batch === 0) return { shape, tag: null };
  const n = b.batch;
  let j = shape.findIndex((s) => s === n * tag.factor);
  if (j < 0) j = shape.findIndex((s) => s > 0 && s % n === 0);
  if (j < 0) return { shape, tag: null };
  const factor = shape[j] / n;
  shape[j] = -1;
  return { shape, tag: { dim: j, factor } };
}

/** Emits `Reshape(x) -> out shape` with batch handling; returns the translated output. */
export function emitReshape(
  b: GraphBuilder,
  x: Variable,
  outShape: readonly number[],
  xName = b.nameOf(x),
): Translated {
  const { shape, tag } = reshapeTarget(b, b.tag(x), outShape);
  const [name] = b.node('Reshape', [xName, b.int64s(shape, 'shape')]);
  return { name, tag };
}
