/// <reference types="@webgpu/types" preserve="true" />
// The WebGPU types (GPUBuffer, GPUDevice, ...) come with the package, for its users' compilers too.

/**
 * `@torchlet/webgpu`: compute kernels in WGSL for WebGPU, layer 0 of torchlet beside
 * `@torchlet/kernels`. GPU buffers in and out, no tensors: {@link initWebGPU} finds a device,
 * {@link upload} and {@link readback} move float32 (or int32) data, and each kernel function
 * queues its work and returns a new {@link GpuBuffer} at once. Buffers come from a size-bucketed
 * pool; `release()` gives one back, and dropped handles are given back when garbage-collected.
 *
 * @packageDocumentation
 */
export {
  ADAPTIVE_POOL2D_KERNELS,
  type AdaptivePool2dGeometry,
  adaptiveAvgPool2dBackward,
  adaptiveAvgPool2dForward,
  adaptiveMaxPool2dBackward,
  adaptiveMaxPool2dForward,
} from './adaptive-pool2d.js';
export { GpuBuffer } from './buffer.js';
export {
  type AdapterDescription,
  GpuContext,
  getWebGPU,
  type InitWebGPUOptions,
  initWebGPU,
  REQUIRED_LIMITS,
} from './context.js';
export {
  biasGradient,
  type ConvTranspose2dGeometry,
  convTranspose2dBackwardInput,
  convTranspose2dBackwardWeight,
  convTranspose2dForward,
} from './conv-transpose2d.js';
export {
  CONV2D_KERNELS,
  type Conv2dGeometry,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dForward,
} from './conv2d.js';
export { copyInto } from './copy.js';
export {
  type BinaryOpName,
  binary,
  broadcastStrides,
  clamp,
  type StridedOperand,
  type UnaryOpName,
  unary,
  where,
} from './elementwise.js';
export { WebGPUError, type WebGPUErrorReason } from './errors.js';
export { type AxisGather, GATHER_KERNELS, type GatherFill, gatherAxes, gatherAxesBackward } from './gather.js';
export { getWebGPUInfo, type WebGPUInfo } from './info.js';
export {
  binaryInt32,
  castElements,
  type ElementType,
  type Int32BinaryOpName,
  type Int32UnaryOpName,
  unaryInt32,
} from './integer.js';
export {
  type CrossEntropyOptions,
  crossEntropyBackward,
  crossEntropyForward,
  LOSS_KERNELS,
  type LossReduction,
  logSoftmax,
  logSoftmaxBackward,
  mseLossBackward,
  mseLossForward,
  type SoftmaxShape,
  softmax,
  softmaxBackward,
} from './loss.js';
export { MATMUL_KERNEL, type MatmulOptions, matmul } from './matmul.js';
export { type AdamStepOptions, adamStep, OPTIM_KERNELS, type SgdStepOptions, sgdStep } from './optim.js';
export { PAD2D_KERNELS, type Pad2dGeometry, type PadMode, pad2d, pad2dBackward } from './pad.js';
export {
  type AvgPool2dOptions,
  avgPool2dBackward,
  avgPool2dForward,
  maxPool2dBackward,
  maxPool2dForward,
  POOL2D_KERNELS,
  type Pool2dGeometry,
} from './pool2d.js';
export { type ArgReduceOpName, argReduce, type ReduceOpName, reduce } from './reduce.js';
export {
  RESAMPLE2D_KERNELS,
  type Resample2dGeometry,
  type ResampleTable,
  resample2d,
  resample2dBackward,
} from './resample.js';
export { type ScanOpName, scan } from './scan.js';
export { allocate, readback, upload } from './transfer.js';
export { type TriangleGeometry, triangle } from './triangle.js';
export { col2im, im2col, UNFOLD_KERNELS } from './unfold.js';
