import {
  abs,
  add,
  cat,
  clamp,
  div,
  exp,
  expand,
  flip,
  get,
  log,
  matmul,
  maximum,
  mean,
  minimum,
  mul,
  narrow,
  neg,
  pad,
  permute,
  pow,
  relu,
  reshape,
  sigmoid,
  sqrt,
  squeeze,
  sub,
  sum,
  tanh,
  max as tmax,
  min as tmin,
  to,
  type Variable,
  where,
} from '@torchlet/autograd';
import * as T from '@torchlet/tensor';
import { dtypeOfDataType, flatValues } from '../tensor-data.js';
import {
  axis,
  checkSize,
  constant,
  intConstant,
  intsOf,
  isIntLike,
  need,
  type OpCall,
  type OpImpl,
  scalarOf,
} from './context.js';

// Elementwise math and the shape operators (Reshape, Shape, Gather, Slice, ...). Shape arithmetic
// runs on int64 tensors (ONNX's type for shapes; int32 where the file says so) at run time, so chains such as Shape -> Gather -> Unsqueeze -> Concat ->
// Reshape follow the actual batch size.

function binary(fn: (a: Variable, b: Variable) => Variable): OpImpl {
  return (call) => [fn(need(call, 0, 'A'), need(call, 1, 'B'))];
}

function unary(fn: (a: Variable) => Variable): OpImpl {
  return (call) => [fn(need(call, 0, 'X'))];
}

/** The integer dtype of an integer operation on `a` and `b`: int64 when either is (ONNX's usual type), else int32. */
function intDType(a: Variable, b: Variable): 'int32' | 'int64' {
  return a.data.dtype === 'int64' || b.data.dtype === 'int64' ? 'int64' : 'int32';
}

/** Integer `values` (integral JS numbers) as a constant of `dtype` shaped `shape`. */
function intTensor(values: readonly number[], dtype: 'int32' | 'int64', shape: readonly number[]): Variable {
  const whole = values.map((v) => (Number.isFinite(v) ? Math.trunc(v) : 0));
  const data = dtype === 'int64' ? BigInt64Array.from(whole, (v) => BigInt(v)) : Int32Array.from(whole);
  return constant(T.tensor(data, { dtype }).reshape([...shape]));
}

/** ONNX Div: integer operands divide with truncation. */
const Div: OpImpl = (call) => {
  const a = need(call, 0, 'A');
  const b = need(call, 1, 'B');
  if (isIntLike(a) && isIntLike(b)) {
    const q = T.div(a.data.to('float64'), b.data.to('float64'));
    const values = Array.from(q.contiguous().data as Float64Array, (v) => (Number.isFinite(v) ? Math.trunc(v) : 0));
    return [intTensor(values, intDType(a, b), q.shape)];
  }
  return [div(a, b)];
};

const Clip: OpImpl = (call) => {
  const x = need(call, 0, 'input');
  if (call.opset < 11) {
    return [
      clamp(x, call.attrs.float('min', Number.NEGATIVE_INFINITY), call.attrs.float('max', Number.POSITIVE_INFINITY)),
    ];
  }
  const lo = scalarOf(call, 1, 'min', Number.NEGATIVE_INFINITY);
  const hi = scalarOf(call, 2, 'max', Number.POSITIVE_INFINITY);
  return [clamp(x, Number.isFinite(lo) ? lo : null, Number.isFinite(hi) ? hi : null)];
};

// erf by Abramowitz & Stegun 7.1.26 (absolute error at most 1.5e-7, about float32's rounding of
// values near 1), built from differentiable functions so GELU's Erf trains.
const ERF_P = 0.3275911;
const ERF_A = [0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429];

const Erf: OpImpl = (call) => {
  const x = need(call, 0, 'input');
  const ax = abs(x);
  const t = div(1, add(mul(ax, ERF_P), 1));
  let poly = mul(t, ERF_A[4]);
  for (let i = 3; i >= 0; i--) poly = mul(add(poly, ERF_A[i]), t);
  const magnitude = sub(1, mul(poly, exp(neg(mul(ax, ax)))));
  return [where(T.lt(x.data, 0), neg(magnitude), magnitude)];
};

/** Elementwise maps with no gradient (floor, ceil, integer mod): shape arithmetic, computed on the values. */
function valueMap(fn: (a: number, b: number) => number, arity: 1 | 2): OpImpl {
  return (call) => {
    const a = need(call, 0, 'A');
    const b = arity === 2 ? need(call, 1, 'B') : a;
    const shape = T.broadcastShapes('importOnnx', a.shape, b.shape);
    checkSize(call, shape, 'the output');
    const av = flatValues(T.expand(a.data, shape));
    const bv = flatValues(T.expand(b.data, shape));
    const out = av.map((v, i) => fn(v, bv[i]));
    if (isIntLike(a)) return [intTensor(out, intDType(a, b), shape)];
    const dtype = a.data.dtype === 'float64' ? 'float64' : 'float32';
    const data = dtype === 'float64' ? Float64Array.from(out) : Float32Array.from(out);
    return [constant(T.tensor(data, { dtype }).reshape(shape))];
  };
}

const Mod: OpImpl = (call) => {
  const fmod = call.attrs.int('fmod', 0) !== 0;
  // fmod=0 takes the divisor's sign (Python's %), fmod=1 the dividend's (C's fmod).
  return valueMap((a, b) => (b === 0 ? 0 : fmod ? a % b : a - b * Math.floor(a / b)), 2)(call);
};

const PRelu: OpImpl = (call) => {
  const x = need(call, 0, 'X');
  return [where(T.gt(x.data, 0), x, mul(x, need(call, 1, 'slope')))];
};

const Elu: OpImpl = (call) => {
  const x = need(call, 0, 'X');
  const alpha = call.attrs.float('alpha', 1);
  return [where(T.gt(x.data, 0), x, mul(sub(exp(x), 1), alpha))];
};

/** log(1 + e^x), written as relu(x) + log(1 + e^-|x|) so it never overflows. */
const Softplus: OpImpl = (call) => {
  const x = need(call, 0, 'X');
  return [add(relu(x), log(add(exp(neg(abs(x))), 1)))];
};

const Tile: OpImpl = (call) => {
  const x = need(call, 0, 'input');
  const repeats = intsOf(call, 1, 'repeats') ?? [];
  if (repeats.length !== x.ndim || repeats.some((r) => r < 0))
    return call.attrs.fail(`repeats [${repeats.join(',')}] should be ${x.ndim} non-negative ints`);
  checkSize(
    call,
    x.shape.map((s, i) => s * repeats[i]),
    'the tiled output',
  );
  let y = x;
  repeats.forEach((r, d) => {
    if (r !== 1)
      y = cat(
        Array.from({ length: r }, () => y),
        d,
      );
  });
  return [y];
};

const LeakyRelu: OpImpl = (call) => {
  const x = need(call, 0, 'X');
  const alpha = call.attrs.float('alpha', 0.01);
  return [where(T.gt(x.data, 0), x, mul(x, alpha))];
};

const HardSigmoid: OpImpl = (call) => {
  const x = need(call, 0, 'X');
  return [clamp(add(mul(x, call.attrs.float('alpha', 0.2)), call.attrs.float('beta', 0.5)), 0, 1)];
};

const HardSwish: OpImpl = (call) => {
  const x = need(call, 0, 'X');
  return [mul(x, clamp(add(mul(x, 1 / 6), 0.5), 0, 1))];
};

function variadic(fn: (a: Variable, b: Variable) => Variable, average = false): OpImpl {
  return (call) => {
    const xs = call.inputs.filter((v): v is Variable => v !== null);
    if (xs.length === 0) return call.attrs.fail('needs at least one input');
    let acc = xs[0];
    for (let i = 1; i < xs.length; i++) acc = fn(acc, xs[i]);
    return [average ? div(acc, xs.length) : acc];
  };
}

function comparison(fn: (a: T.Tensor, b: T.Tensor) => T.Tensor): OpImpl {
  return (call) => [constant(fn(need(call, 0, 'A').data, need(call, 1, 'B').data))];
}

const Not: OpImpl = (call) => [constant(T.eq(need(call, 0, 'X').data, 0))];

const Where: OpImpl = (call) => {
  const cond = need(call, 0, 'condition').data;
  return [where(cond.dtype === 'bool' ? cond : T.ne(cond, 0), need(call, 1, 'X'), need(call, 2, 'Y'))];
};

// ---- shapes --------------------------------------------------------------------------------

const Identity: OpImpl = (call) => [need(call, 0, 'input')];

/**
 * The identity in evaluation; in training (the model's mode decides, as a PyTorch module's does,
 * whatever the node's training_mode input says) `x * mask / (1 - ratio)` with a Bernoulli(1 - ratio)
 * mask from the import's generator, as nn's Dropout draws it. The optional output is the mask.
 */
const Dropout: OpImpl = (call) => {
  const x = need(call, 0, 'data');
  const ratio = call.opset >= 12 ? scalarOf(call, 1, 'ratio', 0.5) : call.attrs.float('ratio', 0.5);
  if (!(ratio >= 0 && ratio <= 1)) return call.attrs.fail(`ratio ${ratio} must be in [0, 1]`);
  if (!call.training || ratio === 0) {
    const outs = [x];
    if (call.outputCount > 1) outs.push(constant(T.full([...x.shape], true, { dtype: 'bool' })));
    return outs;
  }
  if (x.data.dtype !== 'float32' && x.data.dtype !== 'float64')
    return call.attrs.fail(`expects a float input in training, got ${x.data.dtype}`);
  // As nn's Dropout: ratio 1 zeroes everything without drawing.
  if (ratio === 1) {
    const none = constant(T.full([...x.shape], false, { dtype: 'bool' }));
    return call.outputCount > 1 ? [mul(x, 0), none] : [mul(x, 0)];
  }
  const keep = T.rand([...x.shape], { dtype: x.data.dtype, generator: call.generator }).lt(1 - ratio);
  const y = mul(x, keep.to(x.data.dtype).div(1 - ratio));
  return call.outputCount > 1 ? [y, constant(keep)] : [y];
};

const Constant: OpImpl = (call) => {
  const a = call.attrs;
  const value = a.tensor('value');
  if (value !== undefined) return [constant(value)];
  if (a.has('value_float')) return [constant(T.tensor(a.float('value_float', 0)))];
  if (a.has('value_floats')) return [constant(T.tensor(a.floats('value_floats') ?? []))];
  if (a.has('value_int')) return [intConstant([a.int('value_int', 0)], true)];
  if (a.has('value_ints')) return [intConstant(a.ints('value_ints') ?? [])];
  return a.fail('has no value (sparse and string constants are not supported)');
};

const Shape: OpImpl = (call) => {
  const x = need(call, 0, 'data');
  const r = x.ndim;
  const clampAxis = (v: number): number => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  const start = clampAxis(call.attrs.int('start', 0));
  const end = clampAxis(call.attrs.int('end', r));
  return [intConstant(x.shape.slice(start, Math.max(start, end)))];
};

const Size: OpImpl = (call) => [intConstant([need(call, 0, 'data').numel], true)];

const Reshape: OpImpl = (call) => {
  const x = need(call, 0, 'data');
  const target = call.opset >= 5 ? intsOf(call, 1, 'shape') : call.attrs.ints('shape');
  if (target === undefined) return call.attrs.fail('has no target shape');
  const allowZero = call.attrs.int('allowzero', 0) !== 0;
  const shape = target.map((d, i) =>
    d === 0 && !allowZero
      ? i < x.ndim
        ? x.shape[i]
        : call.attrs.fail(
            `shape [${target.join(',')}] copies dimension ${i}, which the input [${x.shape.join(',')}] lacks`,
          )
      : d,
  );
  if (shape.filter((d) => d === -1).length > 1)
    return call.attrs.fail(`shape [${target.join(',')}] has more than one -1`);
  if (shape.some((d) => d < -1)) return call.attrs.fail(`shape [${target.join(',')}] has a negative dimension`);
  return [reshape(x, shape)];
};

const Flatten: OpImpl = (call) => {
  const x = need(call, 0, 'input');
  const a = call.attrs.int('axis', 1);
  const k = a < 0 ? a + x.ndim : a;
  if (k < 0 || k > x.ndim) return call.attrs.fail(`axis ${a} is out of range for rank ${x.ndim}`);
  const outer = x.shape.slice(0, k).reduce((p, s) => p * s, 1);
  const inner = x.shape.slice(k).reduce((p, s) => p * s, 1);
  return [reshape(x, [outer, inner])];
};

const Transpose: OpImpl = (call) => {
  const x = need(call, 0, 'data');
  const perm = call.attrs.ints('perm') ?? x.shape.map((_, i) => x.ndim - 1 - i);
  const sorted = [...perm].sort((p, q) => p - q);
  if (perm.length !== x.ndim || sorted.some((v, i) => v !== i))
    return call.attrs.fail(`perm [${perm.join(',')}] is not a permutation of the input's ${x.ndim} axes`);
  return [permute(x, perm)];
};

function axesInput(call: OpCall, sinceOpset: number): number[] | undefined {
  return call.opset >= sinceOpset ? intsOf(call, 1, 'axes') : call.attrs.ints('axes');
}

const Unsqueeze: OpImpl = (call) => {
  const x = need(call, 0, 'data');
  const axes = axesInput(call, 13);
  if (axes === undefined) return call.attrs.fail('has no axes');
  const rank = x.ndim + axes.length;
  const norm = axes.map((a) => axis(call, a, rank, 'axes entry'));
  if (new Set(norm).size !== norm.length) return call.attrs.fail(`axes [${axes.join(',')}] repeat an axis`);
  const shape: number[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) shape.push(norm.includes(i) ? 1 : x.shape[j++]);
  return [reshape(x, shape)];
};

const Squeeze: OpImpl = (call) => {
  const x = need(call, 0, 'data');
  const axes = axesInput(call, 13);
  if (axes === undefined)
    return [
      reshape(
        x,
        x.shape.filter((s) => s !== 1),
      ),
    ];
  const norm = axes.map((a) => axis(call, a, x.ndim, 'axes entry'));
  for (const a of norm) if (x.shape[a] !== 1) call.attrs.fail(`cannot squeeze axis ${a} of size ${x.shape[a]}`);
  return [
    reshape(
      x,
      x.shape.filter((_, i) => !norm.includes(i)),
    ),
  ];
};

const Concat: OpImpl = (call) => {
  const xs = call.inputs.filter((v): v is Variable => v !== null);
  if (xs.length === 0) return call.attrs.fail('needs at least one input');
  const a = axis(call, call.attrs.int('axis', 0), xs[0].ndim);
  return [cat(xs, a)];
};

const Gather: OpImpl = (call) => {
  const data = need(call, 0, 'data');
  const indices = need(call, 1, 'indices');
  if (data.ndim === 0) return call.attrs.fail('data must have at least one dimension');
  const a = axis(call, call.attrs.int('axis', 0), data.ndim);
  const size = data.shape[a];
  const idx = intsOf(call, 1, 'indices') ?? [];
  const parts = idx.map((i) => {
    if (i < -size || i >= size) return call.attrs.fail(`index ${i} is out of range for axis ${a} of size ${size}`);
    return narrow(data, a, i < 0 ? i + size : i, 1);
  });
  const outShape = [...data.shape.slice(0, a), ...indices.shape, ...data.shape.slice(a + 1)];
  checkSize(call, outShape, 'the gathered output');
  if (parts.length === 0) return [constant(T.zeros(outShape, { dtype: data.dtype }))];
  return [reshape(parts.length === 1 ? parts[0] : cat(parts, a), outShape)];
};

const Slice: OpImpl = (call) => {
  const x = need(call, 0, 'data');
  const legacy = call.opset < 10;
  const starts = legacy ? call.attrs.ints('starts') : intsOf(call, 1, 'starts');
  const ends = legacy ? call.attrs.ints('ends') : intsOf(call, 2, 'ends');
  if (starts === undefined || ends === undefined || starts.length !== ends.length)
    return call.attrs.fail('starts and ends are required and must have the same length');
  const axes = (legacy ? call.attrs.ints('axes') : intsOf(call, 3, 'axes')) ?? starts.map((_, i) => i);
  const steps = (legacy ? undefined : intsOf(call, 4, 'steps')) ?? starts.map(() => 1);
  if (axes.length !== starts.length || steps.length !== starts.length)
    return call.attrs.fail('starts, ends, axes and steps differ in length');
  const index: T.IndexItem[] = x.shape.map(() => T.slice());
  const reversed: number[] = [];
  for (let k = 0; k < starts.length; k++) {
    const a = axis(call, axes[k], x.ndim, 'axes entry');
    const dim = x.shape[a];
    const step = steps[k];
    if (step === 0) return call.attrs.fail('a step of 0 is invalid');
    const shift = (v: number): number => (v < 0 ? v + dim : v);
    if (step > 0) {
      const s = Math.min(Math.max(shift(starts[k]), 0), dim);
      const e = Math.max(Math.min(Math.max(shift(ends[k]), 0), dim), s);
      index[a] = T.slice(s, e, step);
    } else {
      // Negative steps walk backwards: the same elements as a forward walk over the flipped axis.
      const s = Math.min(Math.max(shift(starts[k]), 0), dim - 1);
      const e = Math.min(Math.max(shift(ends[k]), -1), dim - 1);
      const fs = dim - 1 - s;
      index[a] = T.slice(fs, Math.max(dim - 1 - e, fs), -step);
      reversed.push(a);
    }
  }
  const source = reversed.length > 0 ? flip(x, reversed) : x;
  return [get(source, index)];
};

const Split: OpImpl = (call) => {
  const x = need(call, 0, 'input');
  const a = axis(call, call.attrs.int('axis', 0), x.ndim);
  const dim = x.shape[a];
  let sizes = call.opset >= 13 ? intsOf(call, 1, 'split') : call.attrs.ints('split');
  if (sizes === undefined) {
    const n = call.attrs.int('num_outputs', call.outputCount);
    const chunk = Math.ceil(dim / n);
    sizes = Array.from({ length: n }, (_, i) => Math.max(Math.min(chunk, dim - i * chunk), 0));
  }
  if (sizes.some((s) => s < 0) || sizes.reduce((p, s) => p + s, 0) !== dim)
    return call.attrs.fail(`split sizes [${sizes.join(',')}] do not add up to ${dim}`);
  let start = 0;
  return sizes.map((s) => {
    const part = narrow(x, a, start, s);
    start += s;
    return part;
  });
};

const Cast: OpImpl = (call) => {
  const x = need(call, 0, 'input');
  const target = call.attrs.int('to', 0);
  const dtype = dtypeOfDataType(target);
  if (dtype === null) return call.attrs.fail(`cannot cast to data type ${target}`);
  if (x.data.dtype === dtype) return [x];
  if ((dtype === 'int32' || dtype === 'int64') && !isIntLike(x)) {
    // Truncation; a non-finite value (undefined behaviour in ONNX) gives 0, never a wrapped bit pattern.
    const values = Array.from(T.flatten(x.data.to('float64')).data as Float64Array, (v) =>
      Number.isFinite(v) ? Math.trunc(v) : 0,
    );
    if (dtype === 'int32')
      return [
        intTensor(
          values.map((v) => v | 0),
          'int32',
          x.shape,
        ),
      ];
    const big = values.map((v) => (Math.abs(v) < 2 ** 63 ? v : 0));
    return [intTensor(big, 'int64', x.shape)];
  }
  return [to(x, dtype)];
};

const ConstantOfShape: OpImpl = (call) => {
  const shape = intsOf(call, 0, 'input') ?? [];
  checkSize(call, shape, 'the output shape');
  const value = call.attrs.tensor('value');
  const v =
    value === undefined
      ? 0
      : value.numel === 1
        ? Number(value.contiguous().data[value.offset])
        : call.attrs.fail('value must hold one element');
  return [constant(T.full(shape, v, { dtype: value?.dtype ?? 'float32' }))];
};

const Expand: OpImpl = (call) => {
  const x = need(call, 0, 'input');
  const shape = intsOf(call, 1, 'shape') ?? [];
  let target: number[];
  try {
    target = T.broadcastShapes('Expand', x.shape, shape);
  } catch {
    return call.attrs.fail(`cannot broadcast [${x.shape.join(',')}] to [${shape.join(',')}]`);
  }
  checkSize(call, target, 'the expanded shape');
  return [
    expand(
      x.ndim < target.length ? reshape(x, [...target.slice(0, target.length - x.ndim).map(() => 1), ...x.shape]) : x,
      target,
    ),
  ];
};

const Range: OpImpl = (call) => {
  const start = scalarOf(call, 0, 'start', 0);
  const limit = scalarOf(call, 1, 'limit', 0);
  const delta = scalarOf(call, 2, 'delta', 1);
  if (delta === 0 || !Number.isFinite(start + limit + delta))
    return call.attrs.fail('delta must be non-zero and every bound finite');
  const n = Math.max(Math.ceil((limit - start) / delta), 0);
  checkSize(call, [n], 'the range');
  const values = Array.from({ length: n }, (_, i) => start + i * delta);
  const first = need(call, 0, 'start');
  // The output has the inputs' type (int64 from PyTorch's exporter; int32 when the file says so).
  if (isIntLike(first)) return [intTensor(values, first.data.dtype === 'int32' ? 'int32' : 'int64', [n])];
  return [constant(T.tensor(values))];
};

const PAD_MODES: Readonly<Record<string, 'constant' | 'reflect' | 'replicate'>> = {
  constant: 'constant',
  reflect: 'reflect',
  edge: 'replicate',
};

const Pad: OpImpl = (call) => {
  const x = need(call, 0, 'data');
  const mode = PAD_MODES[call.attrs.string('mode', 'constant')];
  if (mode === undefined)
    return call.attrs.fail(`mode '${call.attrs.string('mode', '')}' is not supported (constant, reflect, edge)`);
  const legacy = call.opset < 11;
  const pads = legacy ? call.attrs.ints('pads') : intsOf(call, 1, 'pads');
  const value = legacy ? call.attrs.float('value', 0) : scalarOf(call, 2, 'constant_value', 0);
  if (!legacy && call.inputs[3] !== null && call.inputs[3] !== undefined)
    return call.attrs.fail("the 'axes' input is not supported");
  if (pads === undefined || pads.length !== 2 * x.ndim)
    return call.attrs.fail(`pads should have ${2 * x.ndim} entries for rank ${x.ndim}`);
  const r = x.ndim;
  const torchPads: number[] = [];
  for (let d = r - 1; d >= 0; d--) torchPads.push(pads[d], pads[d + r]);
  while (torchPads.length > 2 && torchPads[torchPads.length - 1] === 0 && torchPads[torchPads.length - 2] === 0)
    torchPads.length -= 2;
  checkSize(
    call,
    x.shape.map((s, d) => s + pads[d] + pads[d + r]),
    'the padded shape',
  );
  return [pad(x, torchPads, { mode, value })];
};

function reduction(fn: 'mean' | 'sum' | 'max' | 'min'): OpImpl {
  return (call) => {
    const x = need(call, 0, 'data');
    const fromInput = fn === 'sum' ? call.opset >= 13 : call.opset >= 18;
    const axes = fromInput ? intsOf(call, 1, 'axes') : call.attrs.ints('axes');
    const keepdim = call.attrs.int('keepdims', 1) !== 0;
    if ((axes === undefined || axes.length === 0) && call.attrs.int('noop_with_empty_axes', 0) !== 0) return [x];
    const dims =
      axes === undefined || axes.length === 0
        ? x.shape.map((_, i) => i)
        : axes.map((a) => axis(call, a, x.ndim, 'axes entry'));
    if (fn === 'mean') return [mean(x, dims, { keepdim })];
    if (fn === 'sum') return [sum(x, dims, { keepdim })];
    let y = x;
    for (const d of [...dims].sort((p, q) => q - p))
      y = fn === 'max' ? tmax(y, d, { keepdim: true }) : tmin(y, d, { keepdim: true });
    return [keepdim ? y : squeeze(y, dims)];
  };
}

/** Elementwise and shape operators by ONNX name. */
export const tensorOps: Readonly<Record<string, OpImpl>> = {
  Abs: unary(abs),
  Add: binary(add),
  Cast,
  Ceil: valueMap(Math.ceil, 1),
  Clip,
  Concat,
  Constant,
  ConstantOfShape,
  Div,
  Dropout,
  Elu,
  Equal: comparison(T.eq),
  Erf,
  Exp: unary(exp),
  Expand,
  Flatten,
  Floor: valueMap(Math.floor, 1),
  Gather,
  Greater: comparison(T.gt),
  HardSigmoid,
  HardSwish,
  Identity,
  LeakyRelu,
  Less: comparison(T.lt),
  Log: unary(log),
  MatMul: binary(matmul),
  Max: variadic(maximum),
  Mean: variadic(add, true),
  Min: variadic(minimum),
  Mod,
  Mul: binary(mul),
  Neg: unary(neg),
  Not,
  Pad,
  Pow: binary(pow),
  PRelu,
  Range,
  Reciprocal: unary((x) => div(1, x)),
  ReduceMax: reduction('max'),
  ReduceMean: reduction('mean'),
  ReduceMin: reduction('min'),
  ReduceSum: reduction('sum'),
  Relu: unary(relu),
  Reshape,
  Shape,
  Sigmoid: unary(sigmoid),
  Size,
  Slice,
  Softplus,
  Split,
  Sqrt: unary(sqrt),
  Squeeze,
  Sub: binary(sub),
  Sum: variadic(add),
  Tanh: unary(tanh),
  Tile,
  Transpose,
  Unsqueeze,
  Where,
};
