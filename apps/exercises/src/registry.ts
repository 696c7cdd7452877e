import { alexnetExercise } from './exercises/alexnet.js';
import { autogradErrorExercise } from './exercises/autograd-error.js';
import { avgPoolAsConvExercise } from './exercises/avg-pool-as-conv.js';
import { blockDiagonalExercise } from './exercises/block-diagonal.js';
import { channelsExercise } from './exercises/channels.js';
import { convAsMatmulChannelsExercise } from './exercises/conv-as-matmul-channels.js';
import { convCostExercise } from './exercises/conv-cost.js';
import { conv2dLayerExercise } from './exercises/conv2d-layer.js';
import { corrAsMatmulExercise } from './exercises/corr-as-matmul.js';
import { corr2dExercise } from './exercises/corr2d.js';
import { crossVsConvExercise } from './exercises/cross-vs-conv.js';
import { densenetExercise } from './exercises/densenet.js';
import { diagonalEdgesExercise } from './exercises/diagonal-edges.js';
import { edgeDetectionExercise } from './exercises/edge-detection.js';
import { googlenetExercise } from './exercises/googlenet.js';
import { halfStrideExercise } from './exercises/half-stride.js';
import { handKernelsExercise } from './exercises/hand-kernels.js';
import { learnKernelExercise } from './exercises/learn-kernel.js';
import { lenetExercise } from './exercises/lenet.js';
import { lenetActivationsExercise } from './exercises/lenet-activations.js';
import { lenetModernExercise } from './exercises/lenet-modern.js';
import { lenetVariantsExercise } from './exercises/lenet-variants.js';
import { maxPoolByReLUExercise } from './exercises/max-pool-by-relu.js';
import { maxVsAvgExercise } from './exercises/max-vs-avg.js';
import { minPoolExercise } from './exercises/min-pool.js';
import { mirrorPaddingExercise } from './exercises/mirror-padding.js';
import { mobilenetExercise } from './exercises/mobilenet.js';
import { ninExercise } from './exercises/nin.js';
import { paddingStrideExercise } from './exercises/padding-stride.js';
import { poolCostExercise } from './exercises/pool-cost.js';
import { poolingExercise } from './exercises/pooling.js';
import { receptiveFieldExercise } from './exercises/receptive-field.js';
import { resnetExercise } from './exercises/resnet.js';
import { softmaxPoolExercise } from './exercises/softmax-pool.js';
import { strideAudioExercise } from './exercises/stride-audio.js';
import { strideBenefitsExercise } from './exercises/stride-benefits.js';
import { strideOutputShapeExercise } from './exercises/stride-output-shape.js';
import { stripReuseExercise } from './exercises/strip-reuse.js';
import { twoKernelsExercise } from './exercises/two-kernels.js';
import { vggExercise } from './exercises/vgg.js';
import { y1y2Exercise } from './exercises/y1-y2.js';
import type { Exercise } from './report.js';

/** Every exercise: the book's sections in order, each with its text, then its exercises, then beyond. */
export const exercises: readonly Exercise[] = [
  corr2dExercise,
  conv2dLayerExercise,
  edgeDetectionExercise,
  learnKernelExercise,
  crossVsConvExercise,
  receptiveFieldExercise,
  diagonalEdgesExercise,
  autogradErrorExercise,
  corrAsMatmulExercise,
  handKernelsExercise,
  paddingStrideExercise,
  strideOutputShapeExercise,
  strideAudioExercise,
  mirrorPaddingExercise,
  strideBenefitsExercise,
  halfStrideExercise,
  channelsExercise,
  twoKernelsExercise,
  convCostExercise,
  y1y2Exercise,
  convAsMatmulChannelsExercise,
  stripReuseExercise,
  blockDiagonalExercise,
  poolingExercise,
  avgPoolAsConvExercise,
  maxPoolByReLUExercise,
  poolCostExercise,
  maxVsAvgExercise,
  minPoolExercise,
  softmaxPoolExercise,
  lenetExercise,
  lenetModernExercise,
  lenetVariantsExercise,
  lenetActivationsExercise,
  alexnetExercise,
  vggExercise,
  ninExercise,
  googlenetExercise,
  resnetExercise,
  densenetExercise,
  mobilenetExercise,
];

/** The exercise with this id, or undefined. */
export function findExercise(id: string): Exercise | undefined {
  return exercises.find((e) => e.id === id);
}
