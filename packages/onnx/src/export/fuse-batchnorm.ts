import { type TracedOp, type Variable, variable } from '@torchlet/autograd';

// nn's BatchNorm2d in evaluation mode traces as
//   sub(x, mean) -> div(., sqrt(var + eps)) [-> reshape(weight) -> mul -> reshape(bias) -> add]
// with mean and sqrt(var + eps) as per-channel constants [1, C, 1, 1]. Written as one
// BatchNormalization node, onnxruntime folds it into the preceding Conv. When the mean is a view
// of a BatchNorm2d's `running_mean` (and the divisor is that module's sqrt(running_var + eps)), the
// node reads the module's buffers under their state-dict names with its epsilon and momentum, as
// torch.onnx.export writes them; otherwise (the functional form on loose tensors) the variance is
// (sqrt(var + eps))^2 with epsilon 0: the same function, with anonymous constants.

/** The synthetic operation the exporter writes as BatchNormalization. */
export const FUSED_BATCH_NORM = 'batchNormalization';

/** A BatchNorm2d's running statistics as the exporter names them (state-dict names). */
export interface NamedStatistics {
  /** The `running_mean` buffer as a Variable the exporter knows by its state-dict name. */
  readonly mean: Variable;
  /** The `running_var` buffer, likewise. */
  readonly variance: Variable;
  readonly eps: number;
  /** ONNX's momentum (the weight of the running value, `1 - torch momentum`). */
  readonly momentum: number;
}

/** `ops` with each BatchNorm pattern replaced by one `batchNormalization` operation. */
export function fuseBatchNorms(
  ops: readonly TracedOp[],
  isConstant: (v: Variable) => boolean,
  outputs: ReadonlySet<Variable>,
  statisticsOf: (mean: Variable) => NamedStatistics | null = () => null,
): TracedOp[] {
  const uses = new Map<Variable, number>();
  for (const op of ops) for (const v of op.inputs) if (v !== null) uses.set(v, (uses.get(v) ?? 0) + 1);
  const usedOnce = (v: Variable): boolean => uses.get(v) === 1 && !outputs.has(v);
  const out: TracedOp[] = [];
  for (let i = 0; i < ops.length; i++) {
    const sub = ops[i];
    const div = ops[i + 1];
    if (sub.name !== 'sub' || div?.name !== 'div' || div.inputs[0] !== sub.output || !usedOnce(sub.output)) {
      out.push(sub);
      continue;
    }
    const x = sub.inputs[0];
    const mean = sub.inputs[1];
    const std = div.inputs[1];
    if (x === null || mean === null || std === null || x.ndim !== 4 || !perChannel(mean, x) || !perChannel(std, x)) {
      out.push(sub);
      continue;
    }
    if (!isConstant(mean) || !isConstant(std) || !allPositive(std)) {
      out.push(sub);
      continue;
    }
    let end = i + 1;
    let output = div.output;
    let scale: Variable | null = null;
    let shift: Variable | null = null;
    // The affine part: reshape(weight), mul(normalized, .), reshape(bias), add(., .).
    const [rw, mul, rb, add] = [ops[i + 2], ops[i + 3], ops[i + 4], ops[i + 5]];
    if (
      usedOnce(div.output) &&
      rw?.name === 'reshape' &&
      mul?.name === 'mul' &&
      rb?.name === 'reshape' &&
      add?.name === 'add' &&
      mul.inputs[0] === div.output &&
      mul.inputs[1] === rw.output &&
      add.inputs[0] === mul.output &&
      add.inputs[1] === rb.output &&
      usedOnce(rw.output) &&
      usedOnce(rb.output) &&
      usedOnce(mul.output) &&
      rw.inputs[0]?.ndim === 1 &&
      rb.inputs[0]?.ndim === 1 &&
      rw.inputs[0]?.shape[0] === x.shape[1] &&
      rb.inputs[0]?.shape[0] === x.shape[1]
    ) {
      scale = rw.inputs[0];
      shift = rb.inputs[0];
      output = add.output;
      end = i + 5;
    }
    const c = x.shape[1];
    const ones = variable(std.data.reshape([c]).mul(0).add(1));
    const zeros = variable(std.data.reshape([c]).mul(0));
    const named = statisticsOf(mean);
    const stats =
      named !== null && sameDivisor(std, named)
        ? { inputs: [named.mean, named.variance], attrs: { epsilon: named.eps, momentum: named.momentum } }
        : { inputs: [variable(mean.data.reshape([c])), variable(std.data.mul(std.data).reshape([c]))], attrs: {} };
    out.push({
      name: FUSED_BATCH_NORM,
      output,
      inputs: [x, scale ?? ones, shift ?? zeros, ...stats.inputs],
      attrs: stats.attrs,
    });
    i = end;
  }
  return out;
}

function perChannel(v: Variable, x: Variable): boolean {
  return v.ndim === 4 && v.shape[0] === 1 && v.shape[1] === x.shape[1] && v.shape[2] === 1 && v.shape[3] === 1;
}

/** True when `std` is `sqrt(running_var + eps)` of the named statistics (so the node may use them). */
function sameDivisor(std: Variable, named: NamedStatistics): boolean {
  const want = named.variance.data.add(named.eps).sqrt();
  return want.numel === std.numel && want.allclose(std.data.reshape(want.shape), { rtol: 1e-6, atol: 0 });
}

function allPositive(v: Variable): boolean {
  const c = v.data.contiguous();
  for (let i = 0; i < c.numel; i++) if (!(Number(c.data[c.offset + i]) > 0)) return false;
  return true;
}
