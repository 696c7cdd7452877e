import { autogradErrorExercise } from './exercises/autograd-error.js';
import { channelsExercise } from './exercises/channels.js';
import { conv2dLayerExercise } from './exercises/conv2d-layer.js';
import { corrAsMatmulExercise } from './exercises/corr-as-matmul.js';
import { corr2dExercise } from './exercises/corr2d.js';
import { crossVsConvExercise } from './exercises/cross-vs-conv.js';
import { diagonalEdgesExercise } from './exercises/diagonal-edges.js';
import { edgeDetectionExercise } from './exercises/edge-detection.js';
import { handKernelsExercise } from './exercises/hand-kernels.js';
import { learnKernelExercise } from './exercises/learn-kernel.js';
import { paddingStrideExercise } from './exercises/padding-stride.js';
import { poolingExercise } from './exercises/pooling.js';
import { receptiveFieldExercise } from './exercises/receptive-field.js';
import type { Exercise } from './report.js';

/** Every exercise, in the order of the book's section, then its exercises, then beyond. */
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
  channelsExercise,
  poolingExercise,
];

/** The exercise with this id, or undefined. */
export function findExercise(id: string): Exercise | undefined {
  return exercises.find((e) => e.id === id);
}
