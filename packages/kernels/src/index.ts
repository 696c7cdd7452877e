/**
 * `@torchlet/kernels`: compute kernels compiled to WebAssembly with 128-bit SIMD, layer 0 of
 * torchlet. Raw typed arrays in and out, no tensors: `@torchlet/tensor` plugs them in behind its
 * `gemm`. Importing has no side effects; in Node the module compiles synchronously on first use,
 * in browsers call {@link ready} first.
 *
 * @packageDocumentation
 */
export { wasmThresholdBackward } from './activation-backward.js';
export { type AdamStepScalars, WASM_ADAM_KERNEL, wasmAdamStep } from './adam.js';
export {
  type BatchNormActivation,
  wasmBatchNormBackwardTraining,
  wasmBatchNormForwardTraining,
} from './batch-norm.js';
export { wasmChannelAffine } from './channel-affine.js';
export {
  type Conv2dActivation,
  type Conv2dForwardOptions,
  type Conv2dGeometry,
  wasmConv2dForward,
} from './conv.js';
export { wasmConv2dBackwardWeight } from './conv-backward.js';
export {
  is1x1Stride1Conv2d,
  wasmConv2dBackward1x1,
  wasmConv2dBackwardInput1x1,
  wasmConv2dBackwardWeight1x1,
} from './conv-backward-1x1.js';
export { wasmConv2dBackwardInput } from './conv-backward-input.js';
export {
  takesConv2dWeightGemm,
  wasmConv2dBackwardWeightGemm,
} from './conv-backward-weight-gemm.js';
export { preferWinogradBackwardWeight, wasmConv2dBackwardWeightWinograd } from './conv-backward-winograd.js';
export { SMALL_CONV2D_MAX_OUT_CHANNELS, takesConv2dSmall, wasmConv2dSmallForward } from './conv-small.js';
export { wasmTranspose } from './copy.js';
export {
  isDepthwiseConv2d,
  wasmDepthwiseConv2dBackwardInput,
  wasmDepthwiseConv2dBackwardWeight,
  wasmDepthwiseConv2dForward,
} from './depthwise.js';
export { type BinaryOp, wasmBinary, wasmClamp, wasmRelu } from './elementwise.js';
export { KernelArgumentError } from './errors.js';
export { type FloatArray, PARALLEL_MIN_WORK, wasmGemm } from './gemm.js';
export { type BackendInfo, getBackendInfo } from './info.js';
export { simdSupported, type WasmSource } from './loader.js';
export { type MaxPool2dGeometry, wasmMaxPool2d } from './max-pool.js';
export { isPointwiseConv2d, wasmPointwiseConv2dForward } from './pointwise.js';
export { wasmMaxPool2x2 } from './pool.js';
export { type ReadyOptions, ready } from './ready.js';
export { wasmSum } from './reduce.js';
export { getThreads, setThreads } from './threads.js';
export {
  clearWeightCache,
  DEFAULT_WEIGHT_CACHE_BYTES,
  setWeightCacheBytes,
  type WeightCacheInfo,
  type WeightKey,
  weightCacheInfo,
} from './weight-cache.js';
export { isWinogradConv2d, preferWinograd, wasmWinogradConv2dForward } from './winograd.js';
