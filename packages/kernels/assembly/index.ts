// The module's entry point: the exports of gemm.wasm (and gemm-mt.wasm).

export { thresholdBackwardF32 } from './activation-backward';
export { adamStepF32 } from './adam';
export { batchNormTrainBackwardF32, batchNormTrainForwardF32 } from './batch-norm';
export { channelAffineF32 } from './channel-affine';
export { conv2dForwardPart, conv2dPadPart, conv2dPrepare, conv2dWorkBytes } from './conv';
export { conv2dBackwardWeightPart, conv2dSumSlices } from './conv-backward';
export { convSmallCompact, convSmallForward, convSmallStage } from './conv-small';
export { transpose32, transposeBatch32 } from './copy';
export {
  depthwiseBackwardInputPart,
  depthwiseBackwardWeightPart,
  depthwiseForwardPart,
  depthwiseWorkBytes,
} from './depthwise';
export { binaryRows, binaryScalar, clampF32, reluF32 } from './elementwise';
export { heapBase, sgemm, sgemmPart, workspaceBytes } from './gemm';
export {
  maxPool2dPlanes,
  maxPool2dWorkBytes,
  maxPool3x3s2IndicesPlanes,
  maxPool3x3s2IndicesWorkBytes,
  maxPool3x3s2Planes,
  maxPool3x3s2WorkBytes,
  widenIndicesI64,
} from './max-pool';
export { pointwiseForwardPart, pointwisePrepare, pointwiseSubsamplePart, pointwiseWorkBytes } from './pointwise';
export { maxPool2x2 } from './pool';
export { sumColsF32, sumRowsF32 } from './reduce';
export { winogradAllFinite, winogradForwardPart, winogradPrepare, winogradWorkBytes } from './winograd';
