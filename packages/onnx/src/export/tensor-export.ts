import type { TracedOp } from '@torchlet/autograd';
import type { DType, Slice } from '@torchlet/tensor';
import type { GraphBuilder } from './builder.js';
import {
  broadcastTag,
  type ExportImpl,
  emitReshape,
  normDim,
  operand,
  type Translated,
  unsupported,
} from './translate.js';

// Elementwise math, reductions, joins and views, as ONNX nodes.

function elementwise(onnx: string): ExportImpl {
  return (b, op) => {
    const dtype = op.output.data.dtype;
    // Constant operands (numbers, tensors) take the result's dtype: ONNX does not promote.
    const inputs = op.inputs.map((v, i) =>
      b.nameOf(operand(op, i), v !== null && b.tag(v) === null ? dtype : undefined),
    );
    const [name] = b.node(onnx, inputs);
    return { name, tag: broadcastTag(b, op) };
  };
}

const clamp: ExportImpl = (b, op) => {
  const x = operand(op, 0);
  const dtype = x.data.dtype;
  const min = op.attrs.min as number | null | undefined;
  const max = op.attrs.max as number | null | undefined;
  const inputs = [b.nameOf(x), min === null || min === undefined ? '' : b.scalar(min, dtype, 'min')];
  if (max !== null && max !== undefined) inputs.push(b.scalar(max, dtype, 'max'));
  const [name] = b.node('Clip', inputs);
  return { name, tag: b.tag(x) };
};

const relu6: ExportImpl = (b, op) => {
  const x = operand(op, 0);
  const dtype = x.data.dtype;
  const [name] = b.node('Clip', [b.nameOf(x), b.scalar(0, dtype, 'min'), b.scalar(6, dtype, 'max')]);
  return { name, tag: b.tag(x) };
};

const where: ExportImpl = (b, op) => {
  const cond = op.attrs.condition;
  const dtype = op.output.data.dtype;
  const condName = b.constant(cond as never, 'condition');
  const a = operand(op, 0);
  const c = operand(op, 1);
  const [name] = b.node('Where', [
    condName,
    b.nameOf(a, b.tag(a) === null ? dtype : undefined),
    b.nameOf(c, b.tag(c) === null ? dtype : undefined),
  ]);
  return { name, tag: broadcastTag(b, op) };
};

const matmul: ExportImpl = (b, op) => {
  const a = operand(op, 0);
  const c = operand(op, 1);
  const [name] = b.node('MatMul', [b.nameOf(a), b.nameOf(c)]);
  const ta = b.tag(a);
  // The batch survives when it is a row (or leading) dimension of the left operand.
  const tag =
    ta !== null && a.ndim >= 2 && ta.dim < a.ndim - 1
      ? { dim: ta.dim + (op.output.ndim - a.ndim), factor: ta.factor }
      : null;
  return { name, tag };
};

function transposeWith(b: GraphBuilder, op: TracedOp, perm: number[]): Translated {
  const x = operand(op, 0);
  const [name] = b.node('Transpose', [b.nameOf(x)], { perm });
  const t = b.tag(x);
  return { name, tag: t === null ? null : { dim: perm.indexOf(t.dim), factor: t.factor } };
}

const t: ExportImpl = (b, op) => {
  const x = operand(op, 0);
  if (x.ndim < 2) return identity(b, op);
  return transposeWith(b, op, [1, 0]);
};

const transpose: ExportImpl = (b, op) => {
  const x = operand(op, 0);
  const r = x.ndim;
  if (r === 0) return identity(b, op);
  const d0 = normDim(op.attrs.dim0 as number, r);
  const d1 = normDim(op.attrs.dim1 as number, r);
  const perm = Array.from({ length: r }, (_, i) => i);
  perm[d0] = d1;
  perm[d1] = d0;
  return transposeWith(b, op, perm);
};

const permute: ExportImpl = (b, op) => {
  const x = operand(op, 0);
  const dims = (op.attrs.dims as readonly number[]).map((d) => normDim(d, x.ndim));
  return transposeWith(b, op, dims);
};

const identity: ExportImpl = (b, op) => {
  const x = operand(op, 0);
  const [name] = b.node('Identity', [b.nameOf(x)]);
  return { name, tag: b.tag(x) };
};

const reshapeLike: ExportImpl = (b, op) => emitReshape(b, operand(op, 0), op.output.shape);

const expand: ExportImpl = (b, op) => {
  const x = operand(op, 0);
  const out = [...op.output.shape];
  const tx = b.tag(x);
  // A dimension the input already carries at full size may broadcast from 1 in the target.
  const target = out.map((s, i) => {
    const j = i - (out.length - x.ndim);
    return tx !== null && j === tx.dim ? 1 : s;
  });
  const [name] = b.node('Expand', [b.nameOf(x), b.int64s(target, 'shape')]);
  return { name, tag: tx === null ? null : { dim: tx.dim + (out.length - x.ndim), factor: tx.factor } };
};

function reduction(onnx: string): ExportImpl {
  return (b, op) => {
    const x = operand(op, 0);
    const keepdim = op.attrs.keepdim === true;
    const given = op.attrs.dims as readonly number[] | null | undefined;
    const dims =
      given === null || given === undefined || given.length === 0
        ? x.shape.map((_, i) => i)
        : given.map((d) => normDim(d, x.ndim));
    if (x.ndim === 0) return identity(b, op);
    const axesAsInput = onnx === 'ReduceSum' ? b.opset >= 13 : b.opset >= 18;
    const inputs = [b.nameOf(x)];
    const attrs: Record<string, number | number[]> = { keepdims: keepdim ? 1 : 0 };
    if (axesAsInput) inputs.push(b.int64s(dims, 'axes'));
    else attrs.axes = [...dims];
    const [name] = b.node(onnx, inputs, attrs);
    const tx = b.tag(x);
    let tag = null;
    if (tx !== null && !dims.includes(tx.dim))
      tag = { dim: keepdim ? tx.dim : tx.dim - dims.filter((d) => d < tx.dim).length, factor: tx.factor };
    return { name, tag };
  };
}

const cat: ExportImpl = (b, op) => {
  const kept = op.inputs.filter((v) => v !== null && !(v.ndim === 1 && v.shape[0] === 0 && op.output.ndim !== 1));
  const axis = normDim(op.attrs.dim as number, op.output.ndim);
  const dtype = op.output.data.dtype;
  const [name] = b.node(
    'Concat',
    kept.map((v) => b.nameOf(v as never, b.tag(v) === null ? dtype : undefined)),
    { axis },
  );
  const tag = broadcastTag(b, op);
  return { name, tag: tag !== null && tag.dim !== axis ? tag : null };
};

const stack: ExportImpl = (b, op) => {
  const axis = op.attrs.dim as number;
  const unsqueezed = op.inputs.map((_, i) => {
    const x = operand(op, i);
    const shape = [...x.shape.slice(0, axis), 1, ...x.shape.slice(axis)];
    return emitReshape(b, x, shape).name;
  });
  const [name] = b.node('Concat', unsqueezed, { axis });
  const t0 = b.tag(op.inputs[0]);
  return { name, tag: t0 === null ? null : { dim: t0.dim >= axis ? t0.dim + 1 : t0.dim, factor: t0.factor } };
};

function slice(
  b: GraphBuilder,
  xName: string,
  starts: number[],
  ends: number[],
  axes: number[],
  steps: number[],
): string {
  return b.node('Slice', [
    xName,
    b.int64s(starts, 'starts'),
    b.int64s(ends, 'ends'),
    b.int64s(axes, 'axes'),
    b.int64s(steps, 'steps'),
  ])[0];
}

const narrow: ExportImpl = (b, op) => {
  const x = operand(op, 0);
  const d = normDim(op.attrs.dim as number, x.ndim);
  const s0 = op.attrs.start as number;
  const start = s0 < 0 ? s0 + x.shape[d] : s0;
  const name = slice(b, b.nameOf(x), [start], [start + (op.attrs.length as number)], [d], [1]);
  const tx = b.tag(x);
  return { name, tag: tx !== null && tx.dim !== d ? tx : null };
};

const get: ExportImpl = (b, op) => {
  const x = operand(op, 0);
  const index = op.attrs.index;
  const items = typeof index === 'number' ? [index] : Array.isArray(index) ? (index as unknown[]) : null;
  if (
    items === null ||
    items.some(
      (it) => !(typeof it === 'number' || (typeof it === 'object' && it !== null && (it as Slice).kind === 'slice')),
    )
  )
    unsupported(op, 'only indices made of integers and slices export (not strings, null or ...)');
  const starts: number[] = [];
  const ends: number[] = [];
  const axes: number[] = [];
  const steps: number[] = [];
  (items as (number | Slice)[]).forEach((it, d) => {
    const size = x.shape[d];
    if (typeof it === 'number') {
      const i = it < 0 ? it + size : it;
      starts.push(i);
      ends.push(i + 1);
      steps.push(1);
      axes.push(d);
      return;
    }
    const step = it.step ?? 1;
    const bound = (v: number | null | undefined, dflt: number): number =>
      v === null || v === undefined ? dflt : Math.min(Math.max(v < 0 ? v + size : v, 0), size);
    const start = bound(it.start, 0);
    const stop = bound(it.stop, size);
    if (start === 0 && stop === size && step === 1) return; // a full slice: no Slice entry, any size passes
    starts.push(start);
    ends.push(stop);
    steps.push(step);
    axes.push(d);
  });
  const xName = b.nameOf(x);
  const sliced = axes.length === 0 ? xName : slice(b, xName, starts, ends, axes, steps);
  const tx = b.tag(x);
  const shape = [...op.output.shape];
  let tag = null;
  if (tx !== null && !axes.includes(tx.dim)) {
    // Integer indices drop their dims; the batch dim moves left by those before it.
    const dim = tx.dim - (items as unknown[]).filter((it, d) => typeof it === 'number' && d < tx.dim).length;
    if (b.batch !== null) shape[dim] = -1;
    tag = { dim, factor: tx.factor };
  }
  const [name] = b.node('Reshape', [sliced, b.int64s(shape, 'shape')]);
  return { name, tag };
};

const flip: ExportImpl = (b, op) => {
  const x = operand(op, 0);
  const raw = op.attrs.dims as number | readonly number[];
  const dims = (typeof raw === 'number' ? [raw] : [...raw]).map((d) => normDim(d, x.ndim));
  const name = slice(
    b,
    b.nameOf(x),
    dims.map(() => -1),
    dims.map(() => -(2 ** 31)),
    dims,
    dims.map(() => -1),
  );
  const tx = b.tag(x);
  return { name, tag: tx !== null && !dims.includes(tx.dim) ? tx : null };
};

const ONNX_TYPE: Readonly<Record<DType, number>> = { float32: 1, float64: 11, int32: 6, int64: 7, bool: 9 };

const to: ExportImpl = (b, op) => {
  const x = operand(op, 0);
  const [name] = b.node('Cast', [b.nameOf(x)], { to: ONNX_TYPE[op.output.data.dtype] });
  return { name, tag: b.tag(x) };
};

const cumsum: ExportImpl = (b, op) => {
  const x = operand(op, 0);
  if (x.ndim === 0) return identity(b, op);
  const d = normDim(op.attrs.dim as number, x.ndim);
  const [name] = b.node('CumSum', [b.nameOf(x), b.int64s([d], 'axis')]);
  return { name, tag: b.tag(x) };
};

/** Tensor operations by traced name. */
export const tensorExports: Readonly<Record<string, ExportImpl>> = {
  abs: elementwise('Abs'),
  add: elementwise('Add'),
  cat,
  clamp,
  clone: identity,
  contiguous: identity,
  cumsum,
  div: elementwise('Div'),
  dot: elementwise('MatMul'),
  exp: elementwise('Exp'),
  expand,
  flatten: reshapeLike,
  flip,
  get,
  log: elementwise('Log'),
  matmul,
  max: reduction('ReduceMax'),
  maximum: elementwise('Max'),
  mean: reduction('ReduceMean'),
  min: reduction('ReduceMin'),
  minimum: elementwise('Min'),
  mm: matmul,
  mul: elementwise('Mul'),
  narrow,
  neg: elementwise('Neg'),
  permute,
  pow: elementwise('Pow'),
  relu: elementwise('Relu'),
  relu6,
  reshape: reshapeLike,
  sigmoid: elementwise('Sigmoid'),
  sqrt: elementwise('Sqrt'),
  squeeze: reshapeLike,
  stack,
  sub: elementwise('Sub'),
  sum: reduction('ReduceSum'),
  t,
  tanh: elementwise('Tanh'),
  to,
  transpose,
  unsqueeze: reshapeLike,
  view: reshapeLike,
  where,
};
