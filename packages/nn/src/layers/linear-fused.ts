// Linear's forward and backward on the CPU as three GEMMs on the layer's own layouts, PyTorch's
// addmm / linear_backward: y = x W^T + b is one product whose output starts as the bias rows
// (beta 1: the product, then the bias added, as `add(matmul(x, t(W)), b)` rounds it);
// dx = g W; dW = g^T x, written [out, in] directly; db = g summed over rows. Built from
// matmul(x, t(W)) + add instead, the weight gradient came out as a transposed view that was
// copied element by element into .grad, and the bias add and its gradient were two more passes
// with their own allocations (LeNet's three Linears: ~8% of a 1-thread training epoch).
//
// A backward recorded for second order (createGraph) runs autograd's own functions instead.

import { defineFunction, isGradEnabled, isTracing, matmul, sum, t, type Variable } from '@torchlet/autograd';
import { allocStorage, type FloatArray, gemm, Tensor } from '@torchlet/tensor';

/** Whether {@link linearFused} computes `x` (2-D) with this weight: contiguous float CPU tensors of one dtype. */
export function takesLinearFused(x: Tensor, weight: Tensor): boolean {
  return (
    !isTracing() &&
    x.ndim === 2 &&
    x.numel > 0 &&
    weight.numel > 0 &&
    (x.dtype === 'float32' || x.dtype === 'float64') &&
    x.dtype === weight.dtype &&
    x.gpuBuffer === null &&
    weight.gpuBuffer === null &&
    x.isContiguous() &&
    weight.isContiguous()
  );
}

/** `[rows, cols]` dense data of a contiguous tensor and its offset. */
function dense(v: Tensor): { data: FloatArray; offset: number } {
  return { data: v.data as FloatArray, offset: v.offset };
}

/** g, contiguous. */
function contiguousOf(g: Tensor): Tensor {
  return g.isContiguous() ? g : g.contiguous();
}

function forward(x: Tensor, w: Tensor, b: Tensor | null): Tensor {
  const [rows, inF] = x.shape;
  const outF = w.shape[0];
  const y = allocStorage(x.dtype, rows * outF) as FloatArray;
  if (b !== null) {
    const bias = b.isContiguous() ? b.data.subarray(b.offset, b.offset + outF) : b.contiguous().data;
    for (let r = 0; r < rows; r++) y.set(bias as FloatArray, r * outF);
  }
  const xs = dense(x);
  const ws = dense(w);
  gemm(
    false,
    true,
    rows,
    outF,
    inF,
    1,
    xs.data,
    xs.offset,
    inF,
    ws.data,
    ws.offset,
    inF,
    b === null ? 0 : 1,
    y,
    0,
    outF,
  );
  return new Tensor(y, [rows, outF]);
}

/** dx = g W `[rows, in]`. */
function inputGrad(g: Tensor, w: Tensor): Tensor {
  const [rows, outF] = g.shape;
  const inF = w.shape[1];
  const out = allocStorage(g.dtype, rows * inF) as FloatArray;
  const gs = dense(g);
  const ws = dense(w);
  gemm(false, false, rows, inF, outF, 1, gs.data, gs.offset, outF, ws.data, ws.offset, inF, 0, out, 0, inF);
  return new Tensor(out, [rows, inF]);
}

/** dW = g^T x `[out, in]`. */
function weightGrad(g: Tensor, x: Tensor): Tensor {
  const [rows, outF] = g.shape;
  const inF = x.shape[1];
  const out = allocStorage(g.dtype, outF * inF) as FloatArray;
  const gs = dense(g);
  const xs = dense(x);
  gemm(true, false, outF, inF, rows, 1, gs.data, gs.offset, outF, xs.data, xs.offset, inF, 0, out, 0, inF);
  return new Tensor(out, [outF, inF]);
}

/**
 * db = g summed over rows `[out]`: float64 sums row by row, rounded once (the order and bits of
 * `g.sum(0)`, whose general reduction took half as long as a GEMM here).
 */
function biasGrad(g: Tensor): Tensor {
  const [rows, outF] = g.shape;
  const gs = dense(g);
  const acc = new Float64Array(outF);
  for (let r = 0; r < rows; r++) {
    const o = gs.offset + r * outF;
    for (let j = 0; j < outF; j++) acc[j] += gs.data[o + j];
  }
  const out = allocStorage(g.dtype, outF) as FloatArray;
  out.set(acc);
  return new Tensor(out, [outF]);
}

/** Gradients of x, W (and b when `needs` has a third entry). */
function backward(saved: readonly Variable[], g: Variable, needs: readonly boolean[]): (Variable | Tensor | null)[] {
  const [x, w] = saved;
  const grads: (Variable | Tensor | null)[] = [];
  if (isGradEnabled()) {
    // Second order: differentiable gradients.
    grads.push(needs[0] ? matmul(g, w) : null, needs[1] ? matmul(t(g), x) : null);
    if (needs.length > 2) grads.push(needs[2] ? sum(g, 0) : null);
    return grads;
  }
  const gt = contiguousOf(g.data);
  grads.push(needs[0] ? inputGrad(gt, w.data) : null, needs[1] ? weightGrad(gt, x.data) : null);
  if (needs.length > 2) grads.push(needs[2] ? biasGrad(gt) : null);
  return grads;
}

const withBias = defineFunction({
  name: 'linear',
  forward: (ctx, x, w, b) => {
    ctx.saveForBackward(x, w);
    return forward(x, w, b);
  },
  backward: (ctx, g) => backward(ctx.saved, g, ctx.needsInputGrad),
});

const withoutBias = defineFunction({
  name: 'linear',
  forward: (ctx, x, w) => {
    ctx.saveForBackward(x, w);
    return forward(x, w, null);
  },
  backward: (ctx, g) => backward(ctx.saved, g, ctx.needsInputGrad),
});

/**
 * `x W^T + b` for a 2-D `x` that {@link takesLinearFused} accepts, recorded as one graph node
 * (`gradFn.name` 'linear').
 */
export function linearFused(x: Variable | Tensor, weight: Variable, bias: Variable | null): Variable {
  return bias === null ? withoutBias(x, weight) : withBias(x, weight, bias);
}
