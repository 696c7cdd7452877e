/**
 * `@torchlet/autograd`: reverse-mode automatic differentiation for torchlet, layer 3.
 * `variable(t, { requiresGrad: true })` makes a leaf; every tensor math, reduction, view and
 * joining function and every image op of `@torchlet/ops` has a differentiable version here under
 * the same name; `backward()` fills `.grad`. Backward rules are written with these same
 * differentiable functions, so `createGraph: true` gives second derivatives; the ops' backward
 * kernels are wrapped as differentiable functions too. `gradcheck`/`gradgradcheck` verify
 * everything against finite differences.
 *
 * @packageDocumentation
 */

export { defineFunction, type FunctionContext, type FunctionDefinition } from './define-function.js';
export type { BackwardOptions } from './engine.js';
export {
  type GradientsOptions,
  type GradOptions,
  grad,
  gradients,
  type VariableFn,
  valueAndGrad,
  vjp,
} from './functional.js';
export { type BatchNormTrainingOutput, batchNormInference, batchNormTraining } from './functions/batch-norm.js';
export {
  conv2d,
  conv2dBackwardBias,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  convTranspose2d,
  convTranspose2dBackwardBias,
  convTranspose2dBackwardInput,
  convTranspose2dBackwardWeight,
  type ShapeArg,
} from './functions/conv.js';
export {
  corr2d,
  corr2dBackwardInput,
  corr2dBackwardKernel,
  corr2dMatmul,
  corr2dMultiIn,
  corr2dMultiInOut,
  corr2dMultiInOut1x1,
  kernelToMatrix,
} from './functions/corr2d.js';
export {
  abs,
  add,
  clamp,
  div,
  exp,
  log,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  relu,
  sigmoid,
  sqrt,
  sub,
  tanh,
  where,
} from './functions/elementwise.js';
export { hardtanhBackward } from './functions/hardtanh.js';
export { get, set } from './functions/indexing.js';
export { interpolate, interpolateBackward } from './functions/interpolate.js';
export { cat, chunk, split, stack } from './functions/join.js';
export { dot, matmul, mm } from './functions/linalg.js';
export {
  adaptiveAvgPool2d,
  adaptiveAvgPool2dBackward,
  avgPool2d,
  avgPool2dBackward,
  type MaxPool2dVariableResult,
  maxPool2d,
  maxPool2dBackward,
  pool2d,
} from './functions/pool.js';
export { cumprod, cumsum, max, mean, min, prod, std, sum, variance } from './functions/reduce.js';
export { flip, roll, tril, triu } from './functions/structure.js';
export { thresholdBackward } from './functions/threshold.js';
export { col2im, im2col, pad, padBackward } from './functions/unfold.js';
export { adaptiveMaxPool2d, maxUnpool2d, maxUnpool2dBackward } from './functions/unpool.js';
export {
  clone,
  contiguous,
  expand,
  flatten,
  narrow,
  permute,
  reshape,
  squeeze,
  t,
  to,
  transpose,
  unsqueeze,
  view,
} from './functions/views.js';
export { ownIntermediates } from './gpu-release.js';
export { enableGrad, isGradEnabled, noGrad } from './grad-mode.js';
export {
  type CheckedFn,
  type GradcheckMismatch,
  type GradcheckOptions,
  type GradcheckReport,
  type GradgradcheckOptions,
  gradcheck,
  gradgradcheck,
} from './gradcheck.js';
export type { GradFn } from './graph.js';
export { peekGrad } from './peek-grad.js';
export { isTracing, type TracedOp, traceOps } from './trace.js';
export {
  isVariable,
  Variable,
  type VariableLike,
  type VariableOptions,
  type VariableOrTensor,
  variable,
} from './variable.js';
